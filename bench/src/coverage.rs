//! Coverage's overhead: a 100-file suite over 20 source modules, run by `wxrun test` and by
//! `wxrun test --coverage` (instrumenting, counting, merging the workers' counts and writing
//! every report), alternating, median wall time.

use std::{path::Path, process::Command};

use anyhow::Result;

use crate::{
    Env,
    report::{machine, median, ms},
    test_runner::time,
};

const MODULES: usize = 20;
const FILES: usize = 100;
const ROUNDS: usize = 5;

/// A source module with branches, loops and functions, as a project's utilities are.
fn module(index: usize) -> String {
    format!(
        "function price(items, code = 'NONE') {{\n  let total = 0;\n  for (const item of items) {{\n    if (item.count > 0) total += item.cents * item.count;\n    else if (item.count < 0) throw new Error('negative');\n  }}\n  switch (code) {{\n    case 'HALF': return total / 2;\n    case 'OFF{index}': return Math.max(0, total - {index});\n    default: return total;\n  }}\n}}\nfunction label(total) {{\n  return total > 1000 ? 'big' : total > 0 ? 'small' : 'none';\n}}\nconst format = (cents) => (cents / 100).toFixed(2) + (cents === 0 && ' (free)' || '');\nmodule.exports = {{ price, label, format }};\n"
    )
}

fn write_project(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::create_dir_all(dir.join("test"))?;
    std::fs::write(dir.join("package.json"), "{\"name\": \"coverage-bench\"}\n")?;
    for i in 0..MODULES {
        std::fs::write(dir.join(format!("src/m{i:02}.js")), module(i))?;
    }
    for i in 0..FILES {
        let m = i % MODULES;
        let mut text = format!("const m = require('../src/m{m:02}');\n");
        for t in 0..5 {
            text.push_str(&format!(
                "test('case {t}', () => {{\n  const total = m.price([{{ cents: {}, count: {t} }}], {});\n  expect(m.label(total)).toEqual(expect.any(String));\n  expect(m.format(total)).toMatch(/\\d/);\n}});\n",
                100 + i,
                if t % 2 == 0 { "'HALF'" } else { "undefined" }
            ));
        }
        std::fs::write(dir.join(format!("test/f{i:03}.test.js")), text)?;
    }
    Ok(())
}

pub fn run(env: &Env) -> Result<String> {
    let dir = std::env::temp_dir().join(format!("wx-bench-coverage-{}", std::process::id()));
    write_project(&dir)?;
    let cache = dir.join(".cache").to_string_lossy().into_owned();
    // Four ways, alternating: compiled in every worker, or from a warm compile cache; each
    // without and with coverage.
    let ways: [(&str, Vec<&str>); 4] = [
        ("wxrun test --no-cache", vec!["test", "--no-cache"]),
        (
            "wxrun test --no-cache --coverage",
            vec!["test", "--no-cache", "--coverage"],
        ),
        (
            "wxrun test (cache warm)",
            vec!["test", "--cache-dir", &cache],
        ),
        (
            "wxrun test --coverage (cache warm)",
            vec!["test", "--cache-dir", &cache, "--coverage"],
        ),
    ];
    let command = |args: &[&str]| {
        let mut command = Command::new(&env.wxrun);
        command.args(args).current_dir(&dir);
        command
    };
    for (_, args) in &ways[2..] {
        time(command(args))?;
    }
    let mut samples = vec![Vec::new(); ways.len()];
    for _ in 0..ROUNDS {
        for (index, (_, args)) in ways.iter().enumerate() {
            samples[index].push(time(command(args))?);
        }
    }
    std::fs::remove_dir_all(&dir)?;
    let medians: Vec<_> = samples.iter_mut().map(|s| median(s)).collect();
    let overhead = |plain: usize, covered: usize| {
        (medians[covered].as_secs_f64() / medians[plain].as_secs_f64() - 1.0) * 100.0
    };
    let rows: String = ways
        .iter()
        .zip(&medians)
        .map(|((name, _), median)| format!("| {name} | {} |\n", ms(*median)))
        .collect();
    Ok(format!(
        "## Coverage: its overhead on a 100-file suite\n\n\
         100 test files of 5 tests each over 20 source modules (loops, branches, a switch, \
         default values, arrow functions), run by `wxrun test` and by `wxrun test --coverage`, \
         which instruments the modules in the compile step, counts in every worker, merges \
         the workers' counts and writes the text, lcov, Cobertura, summary and final JSON \
         reports. Once with `--no-cache` (every module compiled, and instrumented, in every \
         worker), once from a warm compile cache (the default: instrumented files are cached \
         apart from plain ones); default parallelism; {ROUNDS} rounds alternating, median \
         wall time.\n\n| | wall time |\n|---|---|\n{rows}\n\
         Coverage adds **{:.0}%** compiling every module, **{:.0}%** from the cache.\n\n{}",
        overhead(0, 1),
        overhead(2, 3),
        machine(&env.node, &env.wxrun)
    ))
}
