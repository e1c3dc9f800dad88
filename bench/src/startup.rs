//! Start-up: `wxrun run empty.js` against `node empty.js`, interleaved, many runs.

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Result, ensure};

use crate::{
    Env,
    report::{machine, median, ms, percentile},
};

const RUNS: usize = 200;

fn time(program: &str, args: &[&str]) -> Result<Duration> {
    let started = Instant::now();
    let status = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    let elapsed = started.elapsed();
    ensure!(status.success(), "{program} {args:?} failed: {status}");
    Ok(elapsed)
}

pub fn run(env: &Env) -> Result<String> {
    let dir = std::env::temp_dir().join(format!("wx-bench-startup-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let script = dir.join("empty.js");
    std::fs::write(&script, "")?;
    let script = script.to_string_lossy().into_owned();
    let wxrun = env.wxrun.to_string_lossy().into_owned();
    let (mut ours, mut node) = (Vec::new(), Vec::new());
    // Warm the page cache for both, then alternate so that both see the same machine.
    time(&wxrun, &["run", &script])?;
    time(&env.node, &[&script])?;
    for _ in 0..RUNS {
        ours.push(time(&wxrun, &["run", &script])?);
        node.push(time(&env.node, &[&script])?);
    }
    std::fs::remove_dir_all(&dir)?;
    let (our_median, node_median) = (median(&mut ours), median(&mut node));
    let ratio = node_median.as_secs_f64() / our_median.as_secs_f64();
    Ok(format!(
        "## Start-up: an empty script\n\n\
         {RUNS} runs each of `wxrun run empty.js` and `node empty.js`, alternating, wall time \
         from spawn to exit.\n\n\
         | | median | p90 |\n|---|---|---|\n\
         | wxrun | {} | {} |\n| Node.js | {} | {} |\n\n\
         wxrun starts **{ratio:.1}x** faster than Node.js (target: at least 10x).\n\n{}",
        ms(our_median),
        ms(percentile(&mut ours, 0.9)),
        ms(node_median),
        ms(percentile(&mut node, 0.9)),
        machine(&env.node, &env.wxrun),
    ))
}
