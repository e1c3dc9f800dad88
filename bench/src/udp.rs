//! UDP: 200,000 echo round trips of 512 bytes against one local echo server: wxrun's
//! UDPSocket, Node.js dgram, and a plain tokio socket (the ceiling).

use std::{net::SocketAddr, process::Command, time::Instant};

use anyhow::{Result, ensure};

use crate::{
    Env, Goal, Outcome,
    child::{self, reported_ms},
    report::{load, machine},
};

const TOTAL: usize = 200_000;
const SIZE: usize = 512;
/// Datagrams outstanding at once: enough to keep the echo server busy, few enough that the
/// loopback socket buffers never drop one (a drop would stall every client the same way).
const IN_FLIGHT: usize = 16;
const ROUNDS: usize = 3;

/// The plain client: one tokio socket on one thread, the same window.
fn rust_client(echo: SocketAddr) -> Result<f64> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let socket = tokio::net::UdpSocket::bind("0.0.0.0:0").await?;
        let payload = [b'x'; SIZE];
        let mut buffer = [0u8; 2048];
        let begin = Instant::now();
        for _ in 0..IN_FLIGHT {
            socket.send_to(&payload, echo).await?;
        }
        let mut sent = IN_FLIGHT;
        for _ in 0..TOTAL {
            let (length, _) = socket.recv_from(&mut buffer).await?;
            ensure!(length == SIZE, "a {length}-byte echo");
            if sent < TOTAL {
                socket.send_to(&payload, echo).await?;
                sent += 1;
            }
        }
        Ok(begin.elapsed().as_secs_f64() * 1000.0)
    })
}

pub fn run(env: &Env) -> Result<Outcome> {
    let servers = wx_testkit::TestServers::start()?;
    let args = [
        servers.udp.ip().to_string(),
        servers.udp.port().to_string(),
        TOTAL.to_string(),
        IN_FLIGHT.to_string(),
    ];
    let (mut ours, mut theirs, mut ceiling) = (Vec::new(), Vec::new(), Vec::new());
    let load_before = load();
    for _ in 0..ROUNDS {
        let mut wxrun = Command::new(&env.wxrun);
        wxrun
            .args(["run", "--lan", "127.0.0.1/8"])
            .arg(env.root.join("bench/js/udp-echo.js"))
            .args(&args);
        ours.push(reported_ms(&child::run(wxrun)?.stdout)?);
        let mut node = Command::new(&env.node);
        node.arg(env.root.join("bench/node/udp-echo.mjs"))
            .args(&args);
        theirs.push(reported_ms(&child::run(node)?.stdout)?);
        ceiling.push(rust_client(servers.udp)?);
    }
    let best = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let (ours, theirs, ceiling) = (best(&ours), best(&theirs), best(&ceiling));
    let rate = |ms: f64| TOTAL as f64 / (ms / 1000.0);
    let load_after = load();
    let ratio = rate(ours) / rate(theirs);
    let goals = vec![Goal {
        measure: "200k UDP echo round trips, 512 B, 16 in flight: against Node `dgram`",
        figure: format!(
            "{:.0} rt/s; Node {:.0}: **{ratio:.2}x**",
            rate(ours),
            rate(theirs)
        ),
        goal: "≥ 1.5x",
        met: Some(ratio >= 1.5),
        load: load_after.clone(),
    }];
    let text = format!(
        "## UDP: 200,000 echo round trips of 512 bytes\n\n\
         One local echo server (wx-testkit, UDP on 127.0.0.2 through the LAN rule), \
         {IN_FLIGHT} datagrams in flight; best of {ROUNDS} rounds, alternating, time inside \
         each client from the first send to the last echo. Load average (1, 5, 15 min) before: \
         {load_before}; after: {load_after}.\n\n\
         | client | time | round trips/s |\n|---|---|---|\n\
         | wxrun `UDPSocket` | {ours:.0} ms | {:.0} |\n\
         | Node.js 20 `dgram` | {theirs:.0} ms | {:.0} |\n\
         | plain Rust tokio socket (one thread) | {ceiling:.0} ms | {:.0} |\n\n\
         wxrun: **{ratio:.2}x** Node's rate (goal: at least 1.5x).\n\n{}",
        rate(ours),
        rate(theirs),
        rate(ceiling),
        machine(&env.node, &env.wxrun),
    );
    Ok(Outcome { text, goals })
}
