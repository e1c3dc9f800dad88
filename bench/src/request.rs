//! Requests: 20,000 GETs with small JSON answers, 10 in flight, keep-alive, against one local
//! server: wxrun's wx.request, Node.js fetch, and a plain Rust hyper client (the ceiling).
//! Then one 64 MiB response as ArrayBuffer and as JSON: time and peak memory.

use std::{
    process::Command,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Instant,
};

use anyhow::{Result, ensure};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::{client::legacy::Client, rt::TokioExecutor};

use crate::{
    Env,
    child::{self, reported_ms},
    report::machine,
};

const TOTAL: usize = 20_000;
const IN_FLIGHT: usize = 10;
const ROUNDS: usize = 3;
const LARGE: usize = 64 * 1024 * 1024;

fn wxrun(env: &Env, script: &str, args: &[String]) -> Command {
    let mut command = Command::new(&env.wxrun);
    command
        .args(["run", "--lan", "127.0.0.1/8"])
        .arg(env.root.join("bench/js").join(script))
        .args(args);
    command
}

fn node(env: &Env, script: &str, args: &[String]) -> Command {
    let mut command = Command::new(&env.node);
    command
        .arg(env.root.join("bench/node").join(script))
        .args(args);
    command
}

/// The plain client: hyper-util's pooled client on one thread, parsing each JSON answer.
fn rust_client(url: &str) -> Result<f64> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
        let uri: hyper::Uri = url.parse()?;
        let next = Arc::new(AtomicUsize::new(0));
        let begin = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..IN_FLIGHT {
            let (client, uri, next) = (client.clone(), uri.clone(), next.clone());
            workers.push(tokio::spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < TOTAL {
                    let response = client.get(uri.clone()).await?;
                    let body = response.into_body().collect().await?.to_bytes();
                    let value: serde_json::Value = serde_json::from_slice(&body)?;
                    ensure!(value.is_array(), "unexpected answer");
                }
                Ok::<_, anyhow::Error>(())
            }));
        }
        for worker in workers {
            worker.await??;
        }
        Ok(begin.elapsed().as_secs_f64() * 1000.0)
    })
}

fn rate(ms: f64) -> f64 {
    TOTAL as f64 / (ms / 1000.0)
}

fn best(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

pub fn run(env: &Env) -> Result<String> {
    let servers = wx_testkit::TestServers::start()?;
    let small = format!("http://{}/json/3", servers.http);
    let args = vec![small.clone(), TOTAL.to_string(), IN_FLIGHT.to_string()];
    let (mut ours, mut theirs, mut ceiling) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        ours.push(reported_ms(
            &child::run(wxrun(env, "requests.js", &args))?.stdout,
        )?);
        theirs.push(reported_ms(
            &child::run(node(env, "requests.mjs", &args))?.stdout,
        )?);
        ceiling.push(rust_client(&small)?);
    }
    let (ours, theirs, ceiling) = (best(&ours), best(&theirs), best(&ceiling));
    let mut large_rows = String::new();
    for (kind, path) in [
        ("arraybuffer", format!("/bytes/{LARGE}")),
        ("json", format!("/big-json/{LARGE}")),
    ] {
        let url = format!("http://{}{path}", servers.http);
        let args = vec![url, kind.to_string()];
        let mine = child::run(wxrun(env, "large.js", &args))?;
        let other = child::run(node(env, "large.mjs", &args))?;
        large_rows.push_str(&format!(
            "| 64 MiB as {kind} | {:.0} ms | {} MiB | {:.0} ms | {} MiB |\n",
            reported_ms(&mine.stdout)?,
            mine.max_rss_kib / 1024,
            reported_ms(&other.stdout)?,
            other.max_rss_kib / 1024,
        ));
    }
    Ok(format!(
        "## Requests: 20,000 small GETs, 10 in flight\n\n\
         One local HTTP/1.1 server (wx-testkit, plain HTTP on 127.0.0.2 reached through the LAN \
         rule, keep-alive), answering a small JSON array. Each client keeps 10 requests in \
         flight and parses every answer as JSON; best of {ROUNDS} rounds, alternating, time \
         measured inside each client from the first request to the last answer.\n\n\
         | client | time | requests/s |\n|---|---|---|\n\
         | wxrun `wx.request` | {ours:.0} ms | {:.0} |\n\
         | Node.js `fetch` | {theirs:.0} ms | {:.0} |\n\
         | plain Rust hyper client (one thread) | {ceiling:.0} ms | {:.0} |\n\n\
         wxrun: **{:.2}x** Node's rate (target: at least 1.5x) and **{:.0}%** of the plain Rust \
         client (target: at least 60%).\n\n\
         ### One large response\n\n\
         A 64 MiB body from the same server, once as an ArrayBuffer and once as JSON text parsed \
         into objects (about 1.5 million small objects). Time inside the client; peak resident \
         memory of the whole process from the kernel (wait4).\n\n\
         | response | wxrun time | wxrun peak | Node.js time | Node.js peak |\n|---|---|---|---|---|\n\
         {large_rows}\n{}",
        rate(ours),
        rate(theirs),
        rate(ceiling),
        rate(ours) / rate(theirs),
        100.0 * rate(ours) / rate(ceiling),
        machine(&env.node, &env.wxrun),
    ))
}
