//! The `wxrun` command: wires the CLI to the host, the `wx` layer and the test runner.

mod app;
mod cli;
mod config_cmd;
mod coverage;
mod merge_cmd;
mod run;
mod setup;
mod test_cmd;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

/// Every allocation counts against `--max-memory` (see `wx_host::memory`).
#[global_allocator]
static ALLOCATOR: wx_host::memory::CountingAllocator = wx_host::memory::CountingAllocator;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::App(args) => app::run(args),
        Command::Test(args) => test_cmd::run(args),
        Command::TestWorker(args) => test_cmd::worker(args),
        Command::Config(args) => config_cmd::show(args),
        Command::Coverage(command) => merge_cmd::coverage(command),
        Command::Junit(command) => merge_cmd::junit(command),
    };
    let code = match result {
        Ok(code) => code,
        Err(setup::UsageError(message)) => {
            eprintln!("wxrun: {message}");
            2
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
