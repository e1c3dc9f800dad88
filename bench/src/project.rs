//! Loading a project through the compile step: a 50-file TypeScript and ES-module project run
//! with an empty compile cache, with a warm one, and the same project written as plain
//! CommonJS (what the cache should make it cost), interleaved.

use std::{
    fmt::Write as _,
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Result, ensure};

use crate::{
    Env,
    report::{machine, median, ms, percentile},
};

const RUNS: usize = 40;
/// Modules of each kind: TypeScript, ES-module JavaScript, and the plain twin of each.
const MODULES: usize = 25;

/// A TypeScript module: an enum, a class with parameter properties, an import of the previous
/// module.
fn typescript_module(index: usize) -> String {
    let mut text = String::new();
    if index > 0 {
        let _ = writeln!(text, "import {{ total{p} }} from './ts{p}';", p = index - 1);
    }
    let _ = write!(
        text,
        "export enum Kind{index} {{ A = 'a', B = 'b' }}\n\
         export interface Shape{index} {{ area(): number }}\n\
         export class Square{index} implements Shape{index} {{\n  constructor(private side: number, public kind: Kind{index} = Kind{index}.A) {{}}\n  area(): number {{ return this.side * this.side; }}\n}}\n\
         export const total{index}: number = new Square{index}({index}).area() + {};\n",
        if index > 0 {
            format!("total{}", index - 1)
        } else {
            "0".into()
        }
    );
    text
}

/// An ES-module JavaScript module importing a CommonJS-style helper and the previous module.
fn esm_module(index: usize) -> String {
    let previous = if index > 0 {
        format!("import {{ sum{p} }} from './es{p}';\n", p = index - 1)
    } else {
        String::new()
    };
    format!(
        "{previous}import helper from './helper';\nexport function sum{index}(list) {{ return helper.add(list) + {}; }}\nexport default {{ index: {index} }};\n",
        if index > 0 {
            format!("sum{}([1])", index - 1)
        } else {
            "0".into()
        }
    )
}

/// The same modules as plain CommonJS, as DevTools' output would be.
fn plain_module(index: usize, kind: &str) -> String {
    let previous = if index > 0 {
        format!("const prev = require('./{kind}{p}');\n", p = index - 1)
    } else {
        String::new()
    };
    format!(
        "{previous}function Square(side) {{ this.side = side; }}\nSquare.prototype.area = function () {{ return this.side * this.side; }};\nexports.total{index} = new Square({index}).area() + {};\n",
        if index > 0 {
            format!("prev.total{}", index - 1)
        } else {
            "0".into()
        }
    )
}

fn write_projects(dir: &Path) -> Result<()> {
    let compiled = dir.join("compiled");
    let plain = dir.join("plain");
    std::fs::create_dir_all(&compiled)?;
    std::fs::create_dir_all(&plain)?;
    std::fs::write(
        compiled.join("helper.js"),
        "module.exports = { add: (list) => list.reduce((a, b) => a + b, 0) };\n",
    )?;
    for index in 0..MODULES {
        std::fs::write(
            compiled.join(format!("ts{index}.ts")),
            typescript_module(index),
        )?;
        std::fs::write(compiled.join(format!("es{index}.js")), esm_module(index))?;
        std::fs::write(
            plain.join(format!("ts{index}.js")),
            plain_module(index, "ts"),
        )?;
        std::fs::write(
            plain.join(format!("es{index}.js")),
            plain_module(index, "es"),
        )?;
    }
    let last = MODULES - 1;
    std::fs::write(
        compiled.join("main.ts"),
        format!(
            "import {{ total{last} }} from './ts{last}';\nimport {{ sum{last} }} from './es{last}';\nconsole.log(total{last}, sum{last}([2]));\n"
        ),
    )?;
    std::fs::write(
        plain.join("main.js"),
        format!(
            "const a = require('./ts{last}');\nconst b = require('./es{last}');\nconsole.log(a.total{last}, b.total{last});\n"
        ),
    )?;
    Ok(())
}

fn time(wxrun: &str, args: &[&str]) -> Result<Duration> {
    let started = Instant::now();
    let status = Command::new(wxrun)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    let elapsed = started.elapsed();
    ensure!(status.success(), "wxrun {args:?} failed: {status}");
    Ok(elapsed)
}

pub fn run(env: &Env) -> Result<String> {
    let dir = std::env::temp_dir().join(format!("wx-bench-project-{}", std::process::id()));
    write_projects(&dir)?;
    let wxrun = env.wxrun.to_string_lossy().into_owned();
    let main = dir.join("compiled/main.ts").to_string_lossy().into_owned();
    let plain = dir.join("plain/main.js").to_string_lossy().into_owned();
    let warm = dir.join("warm-cache").to_string_lossy().into_owned();
    let cold = dir.join("cold-cache");
    let cold_text = cold.to_string_lossy().into_owned();
    // Fill the warm cache and the page cache.
    time(&wxrun, &["run", "--cache-dir", &warm, &main])?;
    time(&wxrun, &["run", &plain])?;
    let (mut first, mut cached, mut commonjs) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let _ = std::fs::remove_dir_all(&cold);
        first.push(time(&wxrun, &["run", "--cache-dir", &cold_text, &main])?);
        cached.push(time(&wxrun, &["run", "--cache-dir", &warm, &main])?);
        commonjs.push(time(&wxrun, &["run", &plain])?);
    }
    std::fs::remove_dir_all(&dir)?;
    let files = 2 * MODULES + 2;
    Ok(format!(
        "## Start-up of a project through the compile step\n\n\
         A {files}-file project ({MODULES} TypeScript modules with enums, interfaces and \
         parameter properties, {MODULES} ES-module JavaScript files, a CommonJS helper and an \
         entry), each module importing the previous one, run with `wxrun run main.ts`: first \
         with an empty compile cache (every file parsed, transformed and written), then with \
         the cache from an earlier run. The third row is the same chain written as plain \
         CommonJS, which needs no compile step. {RUNS} runs each, interleaved, wall time from \
         spawn to exit.\n\n\
         | | median | p90 |\n|---|---|---|\n\
         | first run (empty cache) | {} | {} |\n\
         | cached run | {} | {} |\n\
         | plain CommonJS twin | {} | {} |\n\n{}",
        ms(median(&mut first)),
        ms(percentile(&mut first, 0.9)),
        ms(median(&mut cached)),
        ms(percentile(&mut cached, 0.9)),
        ms(median(&mut commonjs)),
        ms(percentile(&mut commonjs, 0.9)),
        machine(&env.node, &env.wxrun),
    ))
}
