//! Turning flags and project files into a configured runtime.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    time::Duration,
};

use wx_host::{CompileChoices, Host, HostOptions, ModuleOptions};
use wx_policy::{
    Config, ConfigError,
    config::{Source, load},
};

use std::sync::Arc;

use wx_offline::{Redactor, StandIn};

use crate::cli::{ConfigFlags, LimitFlags};

/// A failure before any script runs; wxrun exits with code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl From<ConfigError> for UsageError {
    fn from(err: ConfigError) -> Self {
        UsageError(format!("configuration error: {err}"))
    }
}

/// The folder configuration is looked up from for `path` (a script or a folder).
pub fn start_dir(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    }
}

/// Loads the configuration for `path`, filling in the LAN from the machine when none is set.
pub fn load_config(path: &Path, flags: &ConfigFlags) -> Result<Config, UsageError> {
    let mut config = load(&start_dir(path), &flags.overrides())?;
    if config.lan.value.is_none()
        && let Some((lan, interface)) = wx_net::detect_lan()
    {
        config.lan.value = Some(lan);
        config.lan.source = Source::Detected(format!("first IPv4 interface, {interface}"));
    }
    Ok(config)
}

/// What a run adds to `wx` beyond the configuration (mock rules, replay, recording, API
/// coverage), kept so that the run's results can be collected when it ends.
pub struct RunExtras {
    stand_in: Arc<StandIn>,
    coverage: Option<wx_api::ApiCoverage>,
    /// `--trace`.
    pub trace: bool,
}

impl RunExtras {
    /// `record_to` is where the recording goes (`--record`, or a worker's part of it);
    /// `coverage` turns on `--api-coverage`.
    pub fn new(
        config: &Config,
        flags: &ConfigFlags,
        record_to: Option<&Path>,
        coverage: bool,
    ) -> Result<RunExtras, UsageError> {
        let rule_files: Vec<&Path> = config.mocks.iter().map(|m| m.value.as_path()).collect();
        let redactor = Arc::new(Redactor::new(config.redact.iter().map(|n| &n.value)));
        if let Some(record) = record_to {
            check_writable(record)?;
        }
        let stand_in = StandIn::new(
            &rule_files,
            flags.replay.as_deref(),
            config.offline.value,
            record_to,
            redactor,
        )
        .map_err(|err| UsageError(format!("configuration error: {err}")))?;
        Ok(RunExtras {
            stand_in: Arc::new(stand_in),
            coverage: coverage.then(wx_api::ApiCoverage::default),
            trace: false,
        })
    }

    /// The handles `wx` needs.
    pub fn for_host(&self) -> wx_api::Extras {
        wx_api::Extras {
            stand_in: self.stand_in.clone(),
            coverage: self.coverage.clone(),
            trace: self.trace,
        }
    }

    /// The `wx` functions called, when coverage is on.
    pub fn touched(&self) -> Option<BTreeSet<String>> {
        let coverage = self.coverage.as_ref()?;
        Some(coverage.lock().map(|set| set.clone()).unwrap_or_default())
    }

    /// After a run: writes the recording, and names the calls nothing could answer. Returns
    /// how many exchanges were recorded, if the run recorded.
    pub fn finish(&self) -> Result<Option<usize>, UsageError> {
        let refused = self.stand_in.refused();
        if !refused.is_empty() {
            let unique: BTreeSet<&String> = refused.iter().collect();
            eprintln!(
                "wxrun: {} call{} had no mock rule or recorded response and failed without touching the network:",
                refused.len(),
                if refused.len() == 1 { "" } else { "s" }
            );
            for url in unique {
                eprintln!("  {url}");
            }
            eprintln!(
                "  (record them with --record FILE against a real server, or add a mock rule; see docs/recording.md)"
            );
        }
        let Some(recorder) = self.stand_in.recorder() else {
            return Ok(None);
        };
        recorder.write().map_err(UsageError)?;
        Ok(Some(recorder.entry_count()))
    }
}

/// `--record FILE` is checked before anything runs: a recording that cannot be written is
/// found out now, not after the run.
fn check_writable(path: &Path) -> Result<(), UsageError> {
    let refuse = |why: String| {
        UsageError(format!(
            "--record {}: {why}; give a file in a folder you can write to",
            path.display()
        ))
    };
    if path.is_dir() {
        return Err(refuse("is a folder".into()));
    }
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    tempfile::NamedTempFile::new_in(folder)
        .map(drop)
        .map_err(|err| refuse(format!("cannot write in {}: {err}", folder.display())))
}

/// The name under which a `wxrun test` worker leaves its part of a run-wide result (a
/// recording, API coverage) for `file`, in the folder the parent made.
pub fn part_file_name(file: &Path, extension: &str) -> String {
    let flat: String = file
        .to_string_lossy()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{flat}.{extension}")
}

/// A host with `wx` installed for `config`, with `extras` (mock rules, replay, recording,
/// API coverage).
pub fn make_host(
    config: Config,
    limits: &LimitFlags,
    flags: &ConfigFlags,
    args: Vec<String>,
    extras: wx_api::Extras,
) -> Result<Host, UsageError> {
    make_test_host(
        config,
        limits,
        flags,
        args,
        extras,
        &CompileChoices::default(),
    )
}

/// [`make_host`] with the compile passes of a test run.
pub fn make_test_host(
    config: Config,
    limits: &LimitFlags,
    flags: &ConfigFlags,
    args: Vec<String>,
    extras: wx_api::Extras,
    compile: &CompileChoices,
) -> Result<Host, UsageError> {
    let max_memory = (limits.max_memory as usize).saturating_mul(1024 * 1024);
    wx_host::memory::limit_process(max_memory);
    let options = HostOptions {
        redaction: {
            let redactor = extras.stand_in.redactor().clone();
            wx_host::Redaction::new(move |text| redactor.text(text))
        },
        args,
        timeout: limits.timeout.map(Duration::from_millis),
        max_memory: Some(max_memory),
        strict: config.strict.value,
        handle_ctrl_c: true,
        modules: ModuleOptions {
            root: config.miniprogram_root.clone(),
            aliases: config
                .resolve_alias
                .iter()
                .map(|alias| alias.value.clone())
                .collect(),
        },
        cache: flags.cache(),
        compile: compile.clone(),
    };
    if !config.extended_libs.is_empty() {
        eprintln!(
            "wxrun: note: useExtendedLib ({}) adds components only; wxrun runs no components' views, so it has nothing to load",
            config.extended_libs.join(", ")
        );
    }
    if config.insecure.value {
        eprintln!(
            "wxrun: WARNING: --insecure is on: TLS certificates are NOT verified. Phones always verify them."
        );
    }
    let host = Host::new(options).map_err(|err| UsageError(err.to_string()))?;
    wx_api::install_with(&host, config, extras).map_err(|err| UsageError(err.to_string()))?;
    // The run's own time starts now, after the host and `wx` are set up.
    host.start_clock();
    Ok(host)
}

/// A current-thread tokio runtime: the JS thread.
pub fn js_thread_runtime() -> Result<tokio::runtime::Runtime, UsageError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| UsageError(format!("cannot start the event loop: {err}")))
}
