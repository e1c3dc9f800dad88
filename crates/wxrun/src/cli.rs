//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use wx_host::memory::DEFAULT_MAX_MEMORY_MIB;
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
    /// Run a script (.js with CommonJS or ES-module syntax, .ts, or an ES module .mjs) until
    /// nothing is pending.
    Run(RunArgs),
    /// Run a mini-program headless: app.js, App.onLaunch/onShow, the entry page's lifecycle.
    App(AppArgs),
    /// Run test files (`**/*.test.{js,mjs,ts}` by default), each in a fresh runtime.
    Test(TestArgs),
    /// Print the effective configuration and where each value came from.
    Config(ConfigArgs),
    /// Coverage reports of several runs: merge the coverage-final.json of `--shard` runs.
    Coverage(CoverageCommand),
    /// JUnit reports of several runs: merge the files `--reporter junit=FILE` wrote.
    Junit(JunitCommand),
    /// Internal: run one test file for `wxrun test`.
    #[command(name = "__test-worker", hide = true)]
    TestWorker(WorkerArgs),
}

/// Flags that set configuration; they win over every file (see docs/configuration.md).
#[derive(Args, Debug, Default, Clone)]
pub struct ConfigFlags {
    /// Read this file after the project's wxrun.json; its keys win over that file's.
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
    /// Keep wxfile://usr and saved files in DIR between runs (default: a fresh folder).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Answer matching calls from this mock rules file (docs/mocks.md); may repeat.
    #[arg(long, value_name = "FILE")]
    pub mock: Vec<PathBuf>,
    /// Calls that no mock rule or recording answers fail instead of using the network.
    #[arg(long)]
    pub offline: bool,
    /// Write every request, upload, download and WebSocket to this HAR file (redacted).
    #[arg(long, value_name = "FILE", conflicts_with = "replay")]
    pub record: Option<PathBuf>,
    /// Answer calls from this HAR file; a call it does not hold fails (never the network).
    #[arg(long, value_name = "FILE")]
    pub replay: Option<PathBuf>,
    /// Internal (`wxrun test --record`): each worker records into this folder.
    #[arg(long, value_name = "DIR", hide = true)]
    pub record_parts: Option<PathBuf>,
    /// Internal (`wxrun test --api-coverage`): each worker lists its APIs in this folder.
    #[arg(long, value_name = "DIR", hide = true)]
    pub coverage_parts: Option<PathBuf>,
    /// Keep compiled files (TypeScript, ES-module syntax) in DIR instead of the system cache
    /// folder (~/.cache/wxrun).
    #[arg(long, value_name = "DIR", env = "WXRUN_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Compile every file on every run and keep nothing.
    #[arg(long)]
    pub no_cache: bool,
}

impl ConfigFlags {
    /// The same flags as command-line arguments, for worker processes.
    pub fn to_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        let mut push = |flag: &str, value: String| {
            args.push(flag.to_string());
            args.push(value);
        };
        if let Some(config) = &self.config {
            push("--config", config.display().to_string());
        }
        if let Some(appid) = &self.appid {
            push("--appid", appid.clone());
        }
        if let Some(version) = &self.lib_version {
            push("--lib-version", version.clone());
        }
        for rule in &self.connect_to {
            push("--connect-to", rule.clone());
        }
        for file in &self.ca_file {
            push("--ca-file", file.display().to_string());
        }
        if let Some(lan) = &self.lan {
            push("--lan", lan.clone());
        }
        if let Some(agent) = &self.user_agent {
            push("--user-agent", agent.clone());
        }
        if let Some(label) = &self.release_label {
            push("--release-label", label.clone());
        }
        if let Some(dir) = &self.data_dir {
            push("--data-dir", dir.display().to_string());
        }
        for file in &self.mock {
            push("--mock", file.display().to_string());
        }
        if let Some(file) = &self.replay {
            push("--replay", file.display().to_string());
        }
        // Workers never write the whole recording; `wxrun test` gives them a folder.
        if let Some(dir) = &self.record_parts {
            push("--record-parts", dir.display().to_string());
        }
        if let Some(dir) = &self.coverage_parts {
            push("--coverage-parts", dir.display().to_string());
        }
        if let Some(dir) = &self.cache_dir {
            push("--cache-dir", dir.display().to_string());
        }
        for (set, flag) in [
            (self.no_url_check, "--no-url-check"),
            (self.insecure, "--insecure"),
            (self.strict, "--strict"),
            (self.offline, "--offline"),
            (self.no_cache, "--no-cache"),
        ] {
            if set {
                args.push(flag.to_string());
            }
        }
        args
    }

    /// Where the compile step keeps its output.
    pub fn cache(&self) -> wx_host::CacheDir {
        match (&self.cache_dir, self.no_cache) {
            (_, true) => wx_host::CacheDir::Off,
            (Some(dir), false) => wx_host::CacheDir::At(dir.clone()),
            (None, false) => wx_host::CacheDir::System,
        }
    }

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
            data_dir: self.data_dir.clone(),
            mocks: self.mock.clone(),
            offline: self.offline,
        }
    }
}

/// Limits of one run.
#[derive(Args, Debug, Clone)]
pub struct LimitFlags {
    /// Stop the run after this many milliseconds, whatever it is doing.
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
    /// Limit the run's memory (the JavaScript heap and wxrun's own buffers together) to this
    /// many MiB.
    #[arg(long, value_name = "MIB", default_value_t = DEFAULT_MAX_MEMORY_MIB, value_parser = clap::value_parser!(u64).range(1..=1048576))]
    pub max_memory: u64,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The script to run.
    pub file: PathBuf,
    /// Arguments for the script, in require('wxrun').args.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
    /// Print lifecycle calls, setData, navigation and UI calls to stderr as they happen.
    #[arg(long)]
    pub trace: bool,
    /// Report which wx APIs the run called, against the inventory (table on stderr; JSON
    /// to FILE when given).
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "", require_equals = true)]
    pub api_coverage: Option<String>,
    #[command(flatten)]
    pub limits: LimitFlags,
    #[command(flatten)]
    pub config: ConfigFlags,
}

#[derive(Args, Debug)]
pub struct AppArgs {
    /// The project folder (holding project.config.json, whose miniprogramRoot is followed) or
    /// the mini-program folder (holding app.json); default: the current folder.
    pub dir: Option<PathBuf>,
    /// Open this page instead of the entry page, with a query: pages/detail/detail?id=1
    #[arg(long, value_name = "URL")]
    pub page: Option<String>,
    /// Once the page is ready and idle, call one of its methods with an event object; JSON
    /// after a colon goes into the event (detail, dataset, type). May repeat; runs in order.
    #[arg(long = "call", value_name = "METHOD[:JSON]")]
    pub calls: Vec<String>,
    /// Print lifecycle calls, setData, navigation and UI calls to stderr as they happen.
    #[arg(long)]
    pub trace: bool,
    /// Once launched and every --call is done, end the run when the app is idle (no request,
    /// transfer or route change in flight), as a user leaving it; open sockets do not keep it.
    #[arg(long)]
    pub exit_when_idle: bool,
    /// Run this script first (to script UI answers, mocks or the network state); may repeat.
    #[arg(long = "require", value_name = "FILE")]
    pub preload: Vec<PathBuf>,
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

#[derive(Args, Debug)]
pub struct TestArgs {
    /// Test files, folders or glob patterns (default: **/*.test.{js,mjs,ts} under the current
    /// folder).
    pub paths: Vec<String>,
    /// Run only tests whose full name ("describe > test") contains TEXT, or matches /REGEX/.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// List the tests that would run, without running them.
    #[arg(long)]
    pub list: bool,
    /// Stop after N failed tests (1 when given without a value).
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "1")]
    pub bail: Option<usize>,
    /// Run tests in a random order; the seed is printed and can be given to repeat an order.
    #[arg(long, value_name = "SEED", num_args = 0..=1, default_missing_value = "")]
    pub shuffle: Option<String>,
    /// How many files run at once (default: the number of cores).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u64).range(1..=256))]
    pub jobs: Option<u64>,
    /// Run the I-th of N disjoint parts of the suite (files sorted by path), for CI machines.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// A reporter (pretty, dot, tap, junit, json, github), to stdout or to FILE; may repeat.
    #[arg(long, value_name = "NAME[=FILE]")]
    pub reporter: Vec<String>,
    /// Re-run affected files when files change (ignored when CI is set).
    #[arg(long)]
    pub watch: bool,
    /// Report which wx APIs each file called, against the inventory (table on stderr; JSON
    /// to FILE when given).
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "", require_equals = true)]
    pub api_coverage: Option<String>,
    /// Time allowed for each test and hook, in milliseconds (default: Jest's testTimeout, or
    /// 5000).
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    pub test_timeout: Option<u64>,
    /// Time allowed for each file as a whole, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 120_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub file_timeout: u64,
    /// Limit each file's memory (the JavaScript heap and wxrun's own buffers together) to
    /// this many MiB.
    #[arg(long, value_name = "MIB", default_value_t = DEFAULT_MAX_MEMORY_MIB, value_parser = clap::value_parser!(u64).range(1..=1048576))]
    pub max_memory: u64,
    /// Write snapshots that differ and remove obsolete ones (Jest's -u).
    #[arg(short = 'u', long, visible_alias = "updateSnapshot")]
    pub update_snapshots: bool,
    /// Run as in CI: a missing snapshot fails instead of being written (default: on when the
    /// CI environment variable is set).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub ci: Option<bool>,
    #[command(flatten)]
    pub coverage: CoverageFlags,
    #[command(flatten)]
    pub config: ConfigFlags,
}

/// Code coverage of the project's files.
#[derive(Args, Debug, Default, Clone)]
pub struct CoverageFlags {
    /// Count which statements, branches, functions and lines of the project's files the tests
    /// run, and write coverage reports (Jest's --coverage).
    #[arg(long, visible_alias = "collectCoverage")]
    pub coverage: bool,
    /// Where the reports go (default: Jest's coverageDirectory, or ./coverage).
    #[arg(long, value_name = "DIR", visible_alias = "coverageDirectory")]
    pub coverage_directory: Option<PathBuf>,
    /// Reports to write: text, lcov, cobertura, json-summary, json (default: all).
    #[arg(
        long,
        value_name = "NAMES",
        value_delimiter = ',',
        visible_alias = "coverageReporters"
    )]
    pub coverage_reporters: Vec<String>,
    /// Fail the run below these percentages (a negative number: most uncovered allowed), such
    /// as lines=80,branches=70; replaces the global part of Jest's coverageThreshold.
    #[arg(long, value_name = "MEASURE=N,...")]
    pub coverage_threshold: Option<String>,
}

#[derive(Args, Debug)]
pub struct CoverageCommand {
    #[command(subcommand)]
    pub action: CoverageAction,
}

#[derive(Subcommand, Debug)]
pub enum CoverageAction {
    /// Merge coverage-final.json files (from `wxrun test --coverage --shard I/N` on several
    /// machines) and write the reports of the whole suite.
    Merge(CoverageMergeArgs),
}

#[derive(Args, Debug)]
pub struct CoverageMergeArgs {
    /// coverage-final.json files, or folders holding one.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The project root paths are shown relative to (default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    #[command(flatten)]
    pub coverage: CoverageFlags,
}

#[derive(Args, Debug)]
pub struct JunitCommand {
    #[command(subcommand)]
    pub action: JunitAction,
}

#[derive(Subcommand, Debug)]
pub enum JunitAction {
    /// Merge JUnit XML files (one per `--shard` run) into one report.
    Merge(JunitMergeArgs),
}

#[derive(Args, Debug)]
pub struct JunitMergeArgs {
    /// JUnit XML files.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Where the merged report goes.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
}

#[derive(Args, Debug)]
pub struct WorkerArgs {
    pub file: PathBuf,
    #[command(flatten)]
    pub config: ConfigFlags,
}
