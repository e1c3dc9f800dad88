//! Turning flags and project files into a configured runtime.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use wx_host::{Host, HostOptions};
use wx_policy::{
    Config, ConfigError,
    config::{Source, load},
};

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

/// A host with `wx` installed for `config`.
pub fn make_host(
    config: Config,
    limits: &LimitFlags,
    args: Vec<String>,
) -> Result<Host, UsageError> {
    let options = HostOptions {
        args,
        timeout: limits.timeout.map(Duration::from_millis),
        max_memory: limits.max_memory.map(|mib| (mib as usize) * 1024 * 1024),
        strict: config.strict.value,
        handle_ctrl_c: true,
    };
    if config.insecure.value {
        eprintln!(
            "wxrun: WARNING: --insecure is on: TLS certificates are NOT verified. Phones always verify them."
        );
    }
    let host = Host::new(options).map_err(|err| UsageError(err.to_string()))?;
    wx_api::install(&host, config).map_err(|err| UsageError(err.to_string()))?;
    Ok(host)
}

/// A current-thread tokio runtime: the JS thread.
pub fn js_thread_runtime() -> Result<tokio::runtime::Runtime, UsageError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| UsageError(format!("cannot start the event loop: {err}")))
}
