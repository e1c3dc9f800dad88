//! The test runner: 200 small test files run by `wxrun test` and by `node --test` on
//! equivalent files (node:test and node:assert), wall time of the whole run.

use std::{
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Result, ensure};

use crate::{
    Env,
    report::{machine, median, ms},
};

const FILES: usize = 200;
const ROUNDS: usize = 5;

fn write_suites(dir: &Path) -> Result<(Vec<String>, Vec<String>)> {
    let (mut ours, mut node) = (Vec::new(), Vec::new());
    std::fs::create_dir_all(dir.join("wxrun"))?;
    std::fs::create_dir_all(dir.join("node"))?;
    for i in 0..FILES {
        let mut wx = String::from("describe('file', () => {\n");
        let mut nd = String::from(
            "const { test, describe } = require('node:test');\nconst assert = require('node:assert');\ndescribe('file', () => {\n",
        );
        for t in 0..5 {
            wx.push_str(&format!(
                "  test('case {t}', () => {{ expect({{ n: {i} + {t}, list: [1, 2, {t}] }}).toEqual({{ n: {}, list: [1, 2, {t}] }}); }});\n",
                i + t
            ));
            nd.push_str(&format!(
                "  test('case {t}', () => {{ assert.deepStrictEqual({{ n: {i} + {t}, list: [1, 2, {t}] }}, {{ n: {}, list: [1, 2, {t}] }}); }});\n",
                i + t
            ));
        }
        wx.push_str("});\n");
        nd.push_str("});\n");
        let ours_path = dir.join(format!("wxrun/f{i:03}.test.js"));
        let node_path = dir.join(format!("node/f{i:03}.test.js"));
        std::fs::write(&ours_path, wx)?;
        std::fs::write(&node_path, nd)?;
        ours.push(ours_path.to_string_lossy().into_owned());
        node.push(node_path.to_string_lossy().into_owned());
    }
    Ok((ours, node))
}

/// The wall time of `command`, which must succeed (its output is dropped).
pub fn time(mut command: Command) -> Result<Duration> {
    let started = Instant::now();
    let status = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    let elapsed = started.elapsed();
    ensure!(status.success(), "{command:?} failed: {status}");
    Ok(elapsed)
}

pub fn run(env: &Env) -> Result<String> {
    let dir = std::env::temp_dir().join(format!("wx-bench-tests-{}", std::process::id()));
    let (_, node_files) = write_suites(&dir)?;
    let (mut ours, mut node) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let mut wxrun = Command::new(&env.wxrun);
        wxrun.args(["test", "wxrun"]).current_dir(&dir);
        ours.push(time(wxrun)?);
        let mut node_test = Command::new(&env.node);
        node_test.arg("--test").args(&node_files).current_dir(&dir);
        node.push(time(node_test)?);
    }
    std::fs::remove_dir_all(&dir)?;
    let (ours, node) = (median(&mut ours), median(&mut node));
    Ok(format!(
        "## Test runner: 200 small files\n\n\
         200 files of 5 tests each (deep equality of a small object), run whole by \
         `wxrun test` and by `node --test` on the same tests written with node:test and \
         node:assert; both with their default parallelism (one process per file), {ROUNDS} \
         rounds alternating, median wall time.\n\n\
         | | wall time |\n|---|---|\n| wxrun test | {} |\n| node --test | {} |\n\n\
         wxrun is **{:.1}x** faster (target: at least 3x).\n\n{}",
        ms(ours),
        ms(node),
        node.as_secs_f64() / ours.as_secs_f64(),
        machine(&env.node, &env.wxrun)
    ))
}
