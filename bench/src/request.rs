//! Requests: 20,000 GETs of a small JSON array, 10 in flight, keep-alive, against one loopback
//! server (nginx when installed, else wxrun's test server): wxrun's wx.request, Node.js
//! `node:http` with a keep-alive Agent, Node.js `fetch`, a plain Rust hyper client, and wrk
//! (the ceiling: no parsing, no JavaScript). Then one 64 MiB response as ArrayBuffer and as
//! JSON: time and peak memory.

use std::{
    ffi::OsStr,
    process::Command,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Instant,
};

use anyhow::{Context, Result, ensure};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::{client::legacy::Client, rt::TokioExecutor};

use crate::{
    Env, Goal, Outcome,
    child::{self, available, reported_ms},
    report::{load, machine},
    servers::{Nginx, SMALL_JSON},
};

const TOTAL: usize = 20_000;
const IN_FLIGHT: usize = 10;
const ROUNDS: usize = 3;
const LARGE: usize = 64 * 1024 * 1024;
/// How long wrk runs.
const WRK_SECONDS: u32 = 5;

/// `wxrun run` of a benchmark script; `flags` go before the script (after it, they would be
/// the script's arguments).
pub fn wxrun(env: &Env, flags: &[&OsStr], script: &str, args: &[String]) -> Command {
    let mut command = Command::new(&env.wxrun);
    command
        .args(["run", "--lan", "127.0.0.1/8"])
        .args(flags)
        .arg(env.root.join("bench/js").join(script))
        .args(args);
    command
}

pub fn node(env: &Env, script: &str, args: &[String]) -> Command {
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

/// wrk's requests per second: one thread, the same 10 connections.
fn wrk(url: &str) -> Result<f64> {
    let output = Command::new("wrk")
        .args(["-t1", "-c10", &format!("-d{WRK_SECONDS}s"), url])
        .output()
        .context("running wrk")?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find_map(|line| line.strip_prefix("Requests/sec:"))
        .and_then(|rate| rate.trim().parse().ok())
        .with_context(|| format!("no rate in wrk's output: {text}"))
}

fn rate(ms: f64) -> f64 {
    TOTAL as f64 / (ms / 1000.0)
}

fn best(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

fn most(values: &[f64]) -> f64 {
    values.iter().copied().fold(0.0, f64::max)
}

pub fn run(env: &Env) -> Result<Outcome> {
    let servers = wx_testkit::TestServers::start()?;
    let root = std::env::temp_dir().join(format!("wx-bench-docroot-{}", std::process::id()));
    std::fs::create_dir_all(&root)?;
    std::fs::write(root.join("small.json"), SMALL_JSON)?;
    let nginx = Nginx::start(&root)?;
    let (small, server) = match &nginx {
        Some(nginx) => (
            format!("http://{}/small.json", nginx.addr),
            format!(
                "nginx {} (one process, keep-alive, sendfile)",
                Nginx::version()
            ),
        ),
        None => (
            {
                eprintln!(
                    "SKIP nginx: not installed; the request benchmark uses wx-testkit's server"
                );
                format!("http://{}/json/3", servers.http)
            },
            "wxrun's test server (wx-testkit; nginx was not installed)".to_string(),
        ),
    };
    let load_before = load();
    let args = vec![small.clone(), TOTAL.to_string(), IN_FLIGHT.to_string()];
    let (mut ours, mut fetch, mut node_http, mut ceiling, mut wrk_rates) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut cpu_per_request = Vec::new();
    let has_wrk = available("wrk", "-v") || Command::new("wrk").output().is_ok();
    for _ in 0..ROUNDS {
        let mine = child::run(wxrun(env, &[], "requests.js", &args))?;
        ours.push(reported_ms(&mine.stdout)?);
        cpu_per_request.push(mine.cpu.as_secs_f64() * 1e6 / TOTAL as f64);
        node_http.push(reported_ms(
            &child::run(node(env, "requests-http.mjs", &args))?.stdout,
        )?);
        fetch.push(reported_ms(
            &child::run(node(env, "requests.mjs", &args))?.stdout,
        )?);
        ceiling.push(rust_client(&small)?);
        if has_wrk {
            wrk_rates.push(wrk(&small)?);
        }
    }
    let load_after = load();
    let (ours, fetch, node_http, ceiling) =
        (best(&ours), best(&fetch), best(&node_http), best(&ceiling));
    let cpu = best(&cpu_per_request);
    let faster_node = rate(node_http).max(rate(fetch));
    let wrk_rate = (!wrk_rates.is_empty()).then(|| most(&wrk_rates));
    let wrk_row = match wrk_rate {
        Some(wrk_rate) => format!(
            "| wrk -t1 -c10 (no parsing, no JavaScript) | {WRK_SECONDS} s run | {wrk_rate:.0} |\n"
        ),
        None => "| wrk | not installed (bench/run installs it with apt-get) | |\n".to_string(),
    };

    // A response is capped at 64 MiB (limits.maxResponseSize); the JSON one is a little more.
    let large_config = root.join("wxrun.json");
    std::fs::write(
        &large_config,
        format!(r#"{{"limits": {{"maxResponseSize": {}}}}}"#, 2 * LARGE),
    )?;
    let mut large_rows = String::new();
    for (kind, path) in [
        ("arraybuffer", format!("/bytes/{LARGE}")),
        ("json", format!("/big-json/{LARGE}")),
    ] {
        let url = format!("http://{}{path}", servers.http);
        let args = vec![url, kind.to_string()];
        let flags = [OsStr::new("--config"), large_config.as_os_str()];
        let mine = child::run(wxrun(env, &flags, "large.js", &args))?;
        let other = child::run(node(env, "large.mjs", &args))?;
        large_rows.push_str(&format!(
            "| 64 MiB as {kind} | {:.0} ms | {} MiB | {:.0} ms | {} MiB |\n",
            reported_ms(&mine.stdout)?,
            mine.max_rss_kib / 1024,
            reported_ms(&other.stdout)?,
            other.max_rss_kib / 1024,
        ));
    }
    drop(nginx);
    let _ = std::fs::remove_dir_all(&root);

    let versus_node = rate(ours) / faster_node;
    let mut goals = vec![Goal {
        measure: "20k GETs, 10 in flight, keep-alive: against the faster Node.js client",
        figure: format!(
            "{:.0} req/s; Node `http` {:.0}, `fetch` {:.0}: **{versus_node:.2}x**",
            rate(ours),
            rate(node_http),
            rate(fetch)
        ),
        goal: "≥ 2x",
        met: Some(versus_node >= 2.0),
        load: load_after.clone(),
    }];
    if let Some(wrk_rate) = wrk_rate {
        let share = rate(ours) / wrk_rate;
        goals.push(Goal {
            measure: "20k GETs, 10 in flight, keep-alive: against wrk",
            figure: format!(
                "{:.0} req/s; wrk {wrk_rate:.0}: **{:.0}%**",
                rate(ours),
                share * 100.0
            ),
            goal: "≥ 40%",
            met: Some(share >= 0.4),
            load: load_after.clone(),
        });
    }
    goals.push(Goal {
        measure: "CPU per request (wxrun, whole process / 20k)",
        figure: format!("{cpu:.1} µs"),
        goal: "(no figure set; hyper needs a few µs)",
        met: None,
        load: load_after.clone(),
    });
    let text = format!(
        "## Requests: 20,000 small GETs, 10 in flight\n\n\
         Server: {server}, on 127.0.0.2 (reached through the LAN rule), keep-alive, answering \
         a small JSON array (the same bytes as wx-testkit's `/json/3`). Each client keeps 10 \
         requests in flight and parses every answer as JSON; best of {ROUNDS} rounds, \
         alternating, time measured inside each client from the first request to the last \
         answer. wrk runs {WRK_SECONDS} s per round with one thread and 10 connections and \
         neither parses nor runs JavaScript: the ceiling of what a client on this machine can \
         get from this server. Load average (1, 5, 15 min) before: {load_before}; after: \
         {load_after}.\n\n\
         | client | time | requests/s |\n|---|---|---|\n\
         | wxrun `wx.request` | {ours:.0} ms | {:.0} |\n\
         | Node.js `node:http`, keep-alive Agent | {node_http:.0} ms | {:.0} |\n\
         | Node.js `fetch` | {fetch:.0} ms | {:.0} |\n\
         | plain Rust hyper client (one thread) | {ceiling:.0} ms | {:.0} |\n\
         {wrk_row}\n\
         wxrun: **{versus_node:.2}x** the faster Node.js client (target: at least 2x){}. \
         CPU time of the whole wxrun process (user + system, from the kernel) divided by the \
         requests: **{cpu:.1} µs per request** (best round).\n\n\
         ### One large response\n\n\
         A 64 MiB body from wx-testkit, once as an ArrayBuffer and once as JSON text parsed \
         into objects (about 1.5 million small objects). Time inside the client; peak resident \
         memory of the whole process from the kernel (wait4).\n\n\
         | response | wxrun time | wxrun peak | Node.js time | Node.js peak |\n|---|---|---|---|---|\n\
         {large_rows}\n{}",
        rate(ours),
        rate(node_http),
        rate(fetch),
        rate(ceiling),
        match wrk_rate {
            Some(wrk_rate) => format!(
                " and **{:.0}%** of wrk (target: at least 40%)",
                100.0 * rate(ours) / wrk_rate
            ),
            None => String::new(),
        },
        machine(&env.node, &env.wxrun),
    );
    Ok(Outcome { text, goals })
}
