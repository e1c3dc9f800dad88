use std::{path::PathBuf, process::ExitCode, time::Duration};

use clap::Parser;
use wx_host::{Host, HostOptions};

#[derive(Parser)]
struct Cli {
    file: PathBuf,
    args: Vec<String>,
    #[arg(long)]
    timeout: Option<u64>,
    #[arg(long)]
    max_memory: Option<usize>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let path = std::fs::canonicalize(&cli.file).unwrap();
    let code = rt.block_on(async {
        let host = Host::new(HostOptions {
            args: cli.args,
            timeout: cli.timeout.map(Duration::from_millis),
            max_memory: cli.max_memory.map(|m| m << 20),
            strict: false,
            handle_ctrl_c: true,
        })
        .unwrap();
        let outcome = host.run_main(&path).await;
        if outcome.ending != wx_host::Ending::Completed
            && outcome.ending != wx_host::Ending::Uncaught
        {
            eprintln!("wxrun: {}", outcome.ending);
        }
        outcome.exit_code()
    });
    ExitCode::from(code as u8)
}
