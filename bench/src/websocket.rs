//! WebSocket: 100,000 echo round trips of 1 KiB on one socket with 100 in flight, against the
//! same local echo server: wxrun's SocketTask and Node.js with the `ws` package.

use std::process::Command;

use anyhow::Result;

use crate::{
    Env,
    child::{self, reported_ms},
    report::machine,
};

const TOTAL: usize = 100_000;
const IN_FLIGHT: usize = 100;
const ROUNDS: usize = 3;

pub fn run(env: &Env) -> Result<String> {
    let servers = wx_testkit::TestServers::start()?;
    let url = format!("ws://{}/echo", servers.ws);
    let args = [url, TOTAL.to_string(), IN_FLIGHT.to_string()];
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let mut wxrun = Command::new(&env.wxrun);
        wxrun
            .args(["run", "--lan", "127.0.0.1/8"])
            .arg(env.root.join("bench/js/ws-echo.js"))
            .args(&args);
        ours.push(reported_ms(&child::run(wxrun)?.stdout)?);
        let mut node = Command::new(&env.node);
        node.arg(env.root.join("bench/node/ws-echo.mjs"))
            .args(&args);
        theirs.push(reported_ms(&child::run(node)?.stdout)?);
    }
    let best = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let (ours, theirs) = (best(&ours), best(&theirs));
    let rate = |ms: f64| TOTAL as f64 / (ms / 1000.0);
    Ok(format!(
        "## WebSocket: 100,000 echo round trips\n\n\
         One socket to a local echo server (wx-testkit, plain ws on 127.0.0.2 through the LAN \
         rule), 1 KiB text messages, 100 in flight; best of {ROUNDS} rounds, alternating, time \
         inside each client from the first send to the last echo.\n\n\
         | client | time | messages/s |\n|---|---|---|\n\
         | wxrun SocketTask | {ours:.0} ms | {:.0} |\n\
         | Node.js 20 + ws | {theirs:.0} ms | {:.0} |\n\n\
         wxrun: **{:.2}x** Node's rate (target: at least 1.5x).\n\n{}",
        rate(ours),
        rate(theirs),
        rate(ours) / rate(theirs),
        machine(&env.node, &env.wxrun),
    ))
}
