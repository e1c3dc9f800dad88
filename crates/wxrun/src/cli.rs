//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use wx_policy::config::Overrides;

#[derive(Parser, Debug)]
#[command(
    name = "wxrun",
    version,
    about = "Run and test WeChat mini-program JavaScript with the platform's network rules enforced",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a script (CommonJS .js, or an ES module .mjs) until nothing is pending.
    Run(RunArgs),
    /// Print the effective configuration and where each value came from.
    Config(ConfigArgs),
}

/// Flags that set configuration; they win over every file (see docs/configuration.md).
#[derive(Args, Debug, Default, Clone)]
pub struct ConfigFlags {
    /// Read this file instead of looking for wxrun.json next to the project files.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The appid (in the Referer and storage).
    #[arg(long)]
    pub appid: Option<String>,
    /// The base library version to imitate, such as 2.30.3 (gates APIs and behaviour).
    #[arg(long, value_name = "VERSION")]
    pub lib_version: Option<String>,
    /// Skip the domain list, scheme and port checks (like DevTools' "do not verify domains").
    #[arg(long)]
    pub no_url_check: bool,
    /// DANGEROUS: do not verify TLS certificates. Independent of --no-url-check.
    #[arg(long)]
    pub insecure: bool,
    /// Turn every conformance warning into an error.
    #[arg(long)]
    pub strict: bool,
    /// Connect to TARGET_HOST:TARGET_PORT for HOST:PORT, keeping the name for TLS and checks.
    #[arg(long, value_name = "HOST:PORT:TARGET_HOST:TARGET_PORT")]
    pub connect_to: Vec<String>,
    /// Extra CA certificates (PEM) to trust, besides the Mozilla roots.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Vec<PathBuf>,
    /// The device's address and subnet for the LAN rule, such as 192.168.1.23/24.
    #[arg(long, value_name = "CIDR")]
    pub lan: Option<String>,
    /// The User-Agent of every request.
    #[arg(long)]
    pub user_agent: Option<String>,
    /// The version part of the Referer: 0 (develop), devtools, or a release number.
    #[arg(long, value_name = "LABEL")]
    pub release_label: Option<String>,
}

impl ConfigFlags {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            config_file: self.config.clone(),
            appid: self.appid.clone(),
            lib_version: self.lib_version.clone(),
            url_check: self.no_url_check.then_some(false),
            insecure: self.insecure,
            strict: self.strict,
            connect_to: self.connect_to.clone(),
            ca_files: self.ca_file.clone(),
            lan: self.lan.clone(),
            user_agent: self.user_agent.clone(),
            release: self.release_label.clone(),
        }
    }
}

/// Limits of one run.
#[derive(Args, Debug, Default, Clone)]
pub struct LimitFlags {
    /// Stop the run after this many milliseconds, whatever it is doing.
    #[arg(long, value_name = "MS")]
    pub timeout: Option<u64>,
    /// Limit the JavaScript heap to this many MiB.
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..=1048576))]
    pub max_memory: Option<u64>,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The script to run.
    pub file: PathBuf,
    /// Arguments for the script, in require('wxrun').args.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
    #[command(flatten)]
    pub limits: LimitFlags,
    #[command(flatten)]
    pub config: ConfigFlags,
}

#[derive(Args, Debug)]
pub struct ConfigArgs {
    /// The folder (or a script in it) whose configuration to show; default: the current folder.
    pub dir: Option<PathBuf>,
    #[command(flatten)]
    pub config: ConfigFlags,
}
