//! `wx-bench [NAME...]`: runs the named benchmarks (all when none is named) and rewrites their
//! sections of docs/performance.md. Every benchmark measures wxrun and its comparison points
//! in the same run, interleaved, on this machine; nothing here is a pass/fail test.

mod child;
mod coverage;
mod project;
mod report;
mod request;
mod servers;
mod startup;
mod tcp;
mod test_runner;
mod transfer;
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
        // WXRUN_BIN measures another build (an earlier commit's, for a before/after figure).
        let wxrun = std::env::var_os("WXRUN_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| target.join("release/wxrun"));
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

/// One goal of the performance table (issue 16) and the figure a benchmark measured for it.
pub struct Goal {
    pub measure: &'static str,
    pub figure: String,
    pub goal: &'static str,
    /// `None` for a figure reported without a target.
    pub met: Option<bool>,
    /// The load averages the figure was taken under.
    pub load: String,
}

/// A benchmark's section of docs/performance.md, and the goals it measured.
pub struct Outcome {
    pub text: String,
    pub goals: Vec<Goal>,
}

impl Outcome {
    fn text(text: String) -> Outcome {
        Outcome {
            text,
            goals: Vec::new(),
        }
    }
}

type Bench = fn(&Env) -> Result<Outcome>;

const BENCHMARKS: &[(&str, Bench)] = &[
    ("startup", startup::run),
    ("project", |env| project::run(env).map(Outcome::text)),
    ("test-runner", |env| {
        test_runner::run(env).map(Outcome::text)
    }),
    ("coverage", |env| coverage::run(env).map(Outcome::text)),
    ("request", request::run),
    ("transfer", transfer::run),
    ("websocket", |env| websocket::run(env).map(Outcome::text)),
    ("udp", udp::run),
    ("tcp", tcp::run),
];

fn main() -> Result<()> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if args.first().is_some_and(|first| first == child::MEASURE) {
        child::measure(&args[1..]);
    }
    let env = Env::discover()?;
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    let page = env.root.join("docs/performance.md");
    let mut goals = Vec::new();
    for (name, bench) in BENCHMARKS {
        if !wanted.is_empty() && !wanted.iter().any(|w| w == name) {
            continue;
        }
        eprintln!("== {name} (load {})", report::load());
        let outcome = bench(&env).with_context(|| format!("benchmark {name}"))?;
        println!("{}", outcome.text);
        report::update(&page, name, &outcome.text)?;
        goals.extend(outcome.goals);
    }
    if !goals.is_empty() {
        let table = report::goals_table(&page, goals)?;
        println!("{table}");
        report::update(&page, "goals", &table)?;
    }
    Ok(())
}
