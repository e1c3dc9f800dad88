//! Start-up: `wxrun run empty.js` against `node empty.js`, interleaved, many runs; wall time
//! and peak resident memory of each process from the kernel.

use std::{process::Command, time::Duration};

use anyhow::Result;

use crate::{
    Env, Goal, Outcome,
    child::{self, Finished},
    report::{load, machine, median, ms, percentile},
};

const RUNS: usize = 200;
/// Issue 16's start-up goals: a median of at most 3 ms, and at least 20 times Node's speed.
const GOAL_MS: f64 = 3.0;
const GOAL_RATIO: f64 = 20.0;

fn start(program: &str, args: &[&str]) -> Result<Finished> {
    let mut command = Command::new(program);
    command.args(args);
    child::run(command)
}

fn median_kib(runs: &[Finished]) -> u64 {
    let mut peaks: Vec<u64> = runs.iter().map(|run| run.max_rss_kib).collect();
    peaks.sort_unstable();
    peaks[peaks.len() / 2]
}

pub fn run(env: &Env) -> Result<Outcome> {
    let dir = std::env::temp_dir().join(format!("wx-bench-startup-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let script = dir.join("empty.js");
    std::fs::write(&script, "")?;
    let script = script.to_string_lossy().into_owned();
    let wxrun = env.wxrun.to_string_lossy().into_owned();
    let (mut ours, mut node) = (Vec::new(), Vec::new());
    // Warm the page cache for both, then alternate so that both see the same machine.
    start(&wxrun, &["run", &script])?;
    start(&env.node, &[&script])?;
    let load_before = load();
    for _ in 0..RUNS {
        ours.push(start(&wxrun, &["run", &script])?);
        node.push(start(&env.node, &[&script])?);
    }
    let load_after = load();
    std::fs::remove_dir_all(&dir)?;
    let (our_rss, node_rss) = (median_kib(&ours), median_kib(&node));
    let mut ours: Vec<Duration> = ours.iter().map(|run| run.wall).collect();
    let mut node: Vec<Duration> = node.iter().map(|run| run.wall).collect();
    let (our_median, node_median) = (median(&mut ours), median(&mut node));
    let ratio = node_median.as_secs_f64() / our_median.as_secs_f64();
    let our_ms = our_median.as_secs_f64() * 1000.0;
    let goals = vec![
        Goal {
            measure: "`wxrun run empty.js`: median wall time",
            figure: ms(our_median),
            goal: "≤ 3 ms",
            met: Some(our_ms <= GOAL_MS),
            load: load_after.clone(),
        },
        Goal {
            measure: "`wxrun run empty.js`: against `node empty.js`",
            figure: format!("Node {}: **{ratio:.1}x** faster", ms(node_median)),
            goal: "≥ 20x",
            met: Some(ratio >= GOAL_RATIO),
            load: load_after.clone(),
        },
        Goal {
            measure: "`wxrun run empty.js`: peak resident memory",
            figure: format!(
                "{:.1} MiB (Node {:.1} MiB)",
                our_rss as f64 / 1024.0,
                node_rss as f64 / 1024.0
            ),
            goal: "(reported, no target)",
            met: None,
            load: load_after.clone(),
        },
    ];
    let text = format!(
        "## Start-up: an empty script\n\n\
         {RUNS} runs each of `wxrun run empty.js` and `node empty.js`, alternating, wall time \
         from spawn to exit and peak resident memory (median of the runs), both from the \
         kernel (wait4). Load average (1, 5, 15 min) before: {load_before}; after: \
         {load_after}.\n\n\
         | | median | p90 | peak memory |\n|---|---|---|---|\n\
         | wxrun | {} | {} | {:.1} MiB |\n| Node.js | {} | {} | {:.1} MiB |\n\n\
         wxrun starts **{ratio:.1}x** faster than Node.js (goal: at least {GOAL_RATIO}x and at \
         most {GOAL_MS} ms).\n\n{}",
        ms(our_median),
        ms(percentile(&mut ours, 0.9)),
        our_rss as f64 / 1024.0,
        ms(node_median),
        ms(percentile(&mut node, 0.9)),
        node_rss as f64 / 1024.0,
        machine(&env.node, &env.wxrun),
    );
    Ok(Outcome { text, goals })
}
