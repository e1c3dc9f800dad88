//! wx-test: the test runner of wxrun. Test files use a Jest-like API (`js/testing.js`,
//! `js/expect.js`); each file runs in its own worker process (the `wxrun` binary started with
//! a hidden subcommand), so that one file cannot leak into another and a crash or hang fails
//! only its file. The runner discovers and shards files, runs workers in parallel and feeds
//! the reporters.

pub mod coverage;
pub mod discover;
pub mod events;
pub mod jest_config;
pub mod report;
pub mod runner;
pub mod watch;
pub mod worker;

pub use runner::{FileOutcome, FileResult, RunPlan, Summary, WORKER_COMMAND, WORKER_OPTIONS_ENV};
pub use worker::{SnapshotUpdate, WorkerOptions, snapshot_path};

/// The reporters' styling: colour on a terminal unless `NO_COLOR` is set.
pub fn report_style(terminal: bool) -> report::Style {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    report::Style {
        color: terminal && !no_color,
    }
}
