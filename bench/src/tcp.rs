//! TCP: echo round trips of 512 bytes against one local echo server, with 1 and with 16
//! messages in flight: wxrun's TCPSocket, Node.js `net`, and a plain tokio stream (the
//! ceiling). TCP is a stream, so every client counts echoed bytes, not reads.

use std::{net::SocketAddr, process::Command, time::Instant};

use anyhow::{Result, ensure};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{
    Env, Goal, Outcome,
    child::{self, reported_ms},
    report::{self, machine},
};

const SIZE: usize = 512;
const ROUNDS: usize = 3;
/// (messages in flight, round trips): one at a time measures latency, sixteen throughput.
const SHAPES: [(usize, usize); 2] = [(1, 20_000), (16, 200_000)];

/// The plain client: one tokio stream on one thread, the same window, Nagle off as wxrun's.
fn rust_client(echo: SocketAddr, in_flight: usize, total: usize) -> Result<f64> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut stream = tokio::net::TcpStream::connect(echo).await?;
        stream.set_nodelay(true)?;
        let payload = [b'x'; SIZE];
        let mut buffer = vec![0u8; 64 * 1024];
        let begin = Instant::now();
        for _ in 0..in_flight {
            stream.write_all(&payload).await?;
        }
        let (mut sent, mut received) = (in_flight, 0usize);
        while received < total * SIZE {
            let length = stream.read(&mut buffer).await?;
            ensure!(length > 0, "the echo server hung up");
            received += length;
            while sent < total && sent - received / SIZE < in_flight {
                stream.write_all(&payload).await?;
                sent += 1;
            }
        }
        Ok(begin.elapsed().as_secs_f64() * 1000.0)
    })
}

pub fn run(env: &Env) -> Result<Outcome> {
    let servers = wx_testkit::TestServers::start()?;
    let echo = servers.tcp.echo;
    let load_before = report::load();
    let mut rows = Vec::new();
    let mut ratios = Vec::new();
    for (in_flight, total) in SHAPES {
        let args = [
            echo.ip().to_string(),
            echo.port().to_string(),
            total.to_string(),
            in_flight.to_string(),
        ];
        let (mut ours, mut theirs, mut ceiling) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            let mut wxrun = Command::new(&env.wxrun);
            wxrun
                .args(["run", "--lan", "127.0.0.1/8"])
                .arg(env.root.join("bench/js/tcp-echo.js"))
                .args(&args);
            ours.push(reported_ms(&child::run(wxrun)?.stdout)?);
            let mut node = Command::new(&env.node);
            node.arg(env.root.join("bench/node/tcp-echo.mjs"))
                .args(&args);
            theirs.push(reported_ms(&child::run(node)?.stdout)?);
            ceiling.push(rust_client(echo, in_flight, total)?);
        }
        let best = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let rate = |ms: f64| total as f64 / (ms / 1000.0);
        let (ours, theirs, ceiling) = (best(&ours), best(&theirs), best(&ceiling));
        ratios.push((
            in_flight,
            rate(ours) / rate(theirs),
            rate(ours),
            rate(theirs),
        ));
        for (client, ms) in [
            ("wxrun `TCPSocket`", ours),
            ("Node.js 20 `net`", theirs),
            ("plain Rust tokio stream (one thread)", ceiling),
        ] {
            rows.push(format!(
                "| {client} | {in_flight} | {total} | {ms:.0} ms | {:.0} |",
                rate(ms)
            ));
        }
    }
    let load_after = report::load();
    let goals = ratios
        .iter()
        .map(|&(in_flight, ratio, ours, theirs)| Goal {
            measure: if in_flight == 1 {
                "TCP echo round trips, 512 B, 1 in flight: against Node `net`"
            } else {
                "TCP echo round trips, 512 B, 16 in flight: against Node `net`"
            },
            figure: format!("{ours:.0} rt/s; Node {theirs:.0}: **{ratio:.2}x**"),
            goal: "(reported, no target)",
            met: None,
            load: load_after.clone(),
        })
        .collect();
    let ratios: Vec<String> = ratios
        .iter()
        .map(|(in_flight, ratio, _, _)| format!("**{ratio:.2}x** with {in_flight} in flight"))
        .collect();
    let text = format!(
        "## TCP: echo round trips of 512 bytes\n\n\
         One local echo server (wx-testkit, TCP on 127.0.0.2 through the LAN rule), one \
         connection per client, Nagle off everywhere; best of {ROUNDS} rounds, alternating, \
         time inside each client from the first write to the last echoed byte. Load average \
         when the run began: {load_before}, at its end: {}.\n\n\
         | client | in flight | round trips | time | round trips/s |\n|---|---|---|---|---|\n\
         {}\n\n\
         wxrun: {} Node's rate (target: at least 1x).\n\n{}",
        load_after,
        rows.join("\n"),
        ratios.join(", "),
        machine(&env.node, &env.wxrun),
    );
    Ok(Outcome { text, goals })
}
