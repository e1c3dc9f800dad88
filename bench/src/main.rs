//! `wx-bench [NAME...]`: runs the named benchmarks (all when none is named) and rewrites their
//! sections of docs/performance.md. Every benchmark measures wxrun and its comparison points
//! in the same run, interleaved, on this machine; nothing here is a pass/fail test.

mod child;
mod coverage;
mod project;
mod report;
mod request;
mod startup;
mod tcp;
mod test_runner;
mod udp;
mod websocket;

use std::path::PathBuf;

use anyhow::{Context, Result, bail};

/// Where things are, and the binaries under test.
pub struct Env {
    pub root: PathBuf,
    pub wxrun: PathBuf,
    pub node: String,
}

impl Env {
    fn discover() -> Result<Env> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .canonicalize()
            .context("repository root")?;
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        let wxrun = target.join("release/wxrun");
        if !wxrun.is_file() {
            bail!(
                "{} is missing: build it with `cargo build --release -p wxrun` (bench/run does)",
                wxrun.display()
            );
        }
        Ok(Env {
            root,
            wxrun,
            node: std::env::var("NODE").unwrap_or_else(|_| "node".into()),
        })
    }
}

type Bench = fn(&Env) -> Result<String>;

const BENCHMARKS: &[(&str, Bench)] = &[
    ("startup", startup::run),
    ("project", project::run),
    ("test-runner", test_runner::run),
    ("coverage", coverage::run),
    ("request", request::run),
    ("websocket", websocket::run),
    ("udp", udp::run),
    ("tcp", tcp::run),
];

fn main() -> Result<()> {
    let env = Env::discover()?;
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    for (name, bench) in BENCHMARKS {
        if !wanted.is_empty() && !wanted.iter().any(|w| w == name) {
            continue;
        }
        eprintln!("== {name}");
        let section = bench(&env).with_context(|| format!("benchmark {name}"))?;
        println!("{section}");
        report::update(&env.root.join("docs/performance.md"), name, &section)?;
    }
    Ok(())
}
