use std::{fmt, path::PathBuf};

use super::device::DeviceProfile;
use crate::{
    DomainList, Interface, Lan, LibVersion, ReleaseLabel,
    limits::{
        DEFAULT_DISCOVERY_MS, DEFAULT_MAX_DOWNLOAD_BYTES, DEFAULT_MAX_RESPONSE_BYTES,
        DEFAULT_POOL_SIZE,
    },
    url_rules::UrlPolicy,
};

/// The name of wxrun's own configuration file, looked up beside the project files.
pub const WXRUN_JSON: &str = "wxrun.json";

/// Where a configuration value came from, weakest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Default,
    /// Read off the machine, such as the LAN address of the first network interface.
    Detected(String),
    File(PathBuf),
    Flag(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::Detected(how) => write!(f, "detected: {how}"),
            Source::File(path) => write!(f, "{}", path.display()),
            Source::Flag(flag) => write!(f, "flag {flag}"),
        }
    }
}

/// A value and where it came from, for `wxrun config`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Sourced<T> {
    pub fn default_value(value: T) -> Self {
        Sourced {
            value,
            source: Source::Default,
        }
    }

    pub(crate) fn set(&mut self, value: T, source: Source) {
        self.value = value;
        self.source = source;
    }
}

/// What a DevTools project builds (`compileType` of project.config.json).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompileType {
    Miniprogram,
    /// A plugin project: `miniprogramRoot` holds the mini-program that uses the plugin.
    Plugin,
    /// A mini-game (`game.json`): wxrun runs its scripts but not a game's lifecycle.
    Game,
}

impl CompileType {
    /// The values of `compileType`, as written in project.config.json.
    pub const NAMES: [(&'static str, CompileType); 3] = [
        ("miniprogram", CompileType::Miniprogram),
        ("plugin", CompileType::Plugin),
        ("game", CompileType::Game),
    ];

    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, kind)| *kind == self)
            .map_or("miniprogram", |(name, _)| name)
    }
}

/// `connectTo`: where to connect for `host:port`, while TLS, the Host header and the domain
/// checks keep the original name (like curl's `--connect-to`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectTo {
    pub host: String,
    pub port: u16,
    pub target_host: String,
    pub target_port: u16,
}

impl fmt::Display for ConnectTo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{} -> {}:{}",
            self.host, self.port, self.target_host, self.target_port
        )
    }
}

/// `networkTimeout` from app.json / game.json (milliseconds, per API).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkTimeouts {
    pub request: Sourced<Option<u64>>,
    pub connect_socket: Sourced<Option<u64>>,
    pub upload_file: Sourced<Option<u64>>,
    pub download_file: Sourced<Option<u64>>,
}

impl NetworkTimeouts {
    /// The JSON keys, in the order of the fields.
    pub const KEYS: [&'static str; 4] = ["request", "connectSocket", "uploadFile", "downloadFile"];

    pub(crate) fn by_key_mut(&mut self, key: &str) -> Option<&mut Sourced<Option<u64>>> {
        match key {
            "request" => Some(&mut self.request),
            "connectSocket" => Some(&mut self.connect_socket),
            "uploadFile" => Some(&mut self.upload_file),
            "downloadFile" => Some(&mut self.download_file),
            _ => None,
        }
    }

    pub fn for_interface(&self, interface: Interface) -> Option<u64> {
        match interface {
            Interface::Request => self.request.value,
            Interface::UploadFile => self.upload_file.value,
            Interface::DownloadFile => self.download_file.value,
            Interface::Socket => self.connect_socket.value,
            Interface::Udp | Interface::Tcp => None,
        }
    }
}

impl Default for NetworkTimeouts {
    fn default() -> Self {
        NetworkTimeouts {
            request: Sourced::default_value(None),
            connect_socket: Sourced::default_value(None),
            upload_file: Sourced::default_value(None),
            download_file: Sourced::default_value(None),
        }
    }
}

/// Sizes and durations that tests and teams may change (`limits` in wxrun.json).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_request_concurrent: Sourced<usize>,
    pub max_upload_concurrent: Sourced<usize>,
    pub max_download_concurrent: Sourced<usize>,
    pub max_download_file_size: Sourced<u64>,
    /// The largest decoded body of a `request` or `uploadFile` response.
    pub max_response_size: Sourced<u64>,
    pub local_service_discovery_timeout: Sourced<u64>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_request_concurrent: Sourced::default_value(DEFAULT_POOL_SIZE),
            max_upload_concurrent: Sourced::default_value(DEFAULT_POOL_SIZE),
            max_download_concurrent: Sourced::default_value(DEFAULT_POOL_SIZE),
            max_download_file_size: Sourced::default_value(DEFAULT_MAX_DOWNLOAD_BYTES),
            max_response_size: Sourced::default_value(DEFAULT_MAX_RESPONSE_BYTES),
            local_service_discovery_timeout: Sourced::default_value(DEFAULT_DISCOVERY_MS),
        }
    }
}

impl Limits {
    /// The pool size of an HTTP interface.
    pub fn pool_size(&self, interface: Interface) -> usize {
        match interface {
            Interface::UploadFile => self.max_upload_concurrent.value,
            Interface::DownloadFile => self.max_download_concurrent.value,
            _ => self.max_request_concurrent.value,
        }
    }
}

/// The effective configuration of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// The folder holding `project.config.json` or `wxrun.json`, if one was found.
    pub project_root: Option<PathBuf>,
    /// The folder holding `app.json`/`game.json` (`miniprogramRoot`), if any.
    pub miniprogram_root: Option<PathBuf>,
    /// How `miniprogram_root` was found: the file naming it, or found by looking.
    pub miniprogram_root_source: Source,
    /// `compileType` of project.config.json: what DevTools builds (`miniprogram`, `plugin`,
    /// `game`).
    pub compile_type: Sourced<CompileType>,
    /// `resolveAlias` of app.json (base library 2.12.0): pattern → target, in its order.
    pub resolve_alias: Vec<Sourced<(String, String)>>,
    /// `useExtendedLib` of app.json: the extended libraries the app names (`weui`, ...).
    pub extended_libs: Vec<String>,
    /// Every file that contributed, in the order read.
    pub files: Vec<PathBuf>,
    pub appid: Sourced<String>,
    pub lib_version: Sourced<LibVersion>,
    pub url_check: Sourced<bool>,
    pub insecure: Sourced<bool>,
    pub strict: Sourced<bool>,
    pub release: Sourced<ReleaseLabel>,
    pub user_agent: Sourced<Option<String>>,
    pub domains: [Sourced<DomainList>; 6],
    /// `None` until detected or configured; see [`Config::url_policy`].
    pub lan: Sourced<Option<Lan>>,
    pub connect_to: Vec<Sourced<ConnectTo>>,
    pub ca_files: Vec<Sourced<PathBuf>>,
    pub network_timeout: NetworkTimeouts,
    pub limits: Limits,
    pub device: Sourced<DeviceProfile>,
    /// `--data-dir`: where `wxfile://usr` and saved files live between runs.
    pub data_dir: Sourced<Option<PathBuf>>,
    /// `mount`: host folders shown read-only under `wxfile://usr/<name>`.
    pub mounts: Vec<Sourced<(String, PathBuf)>>,
    /// `mock` / `--mock`: mock rule files (docs/mocks.md), in the order read.
    pub mocks: Vec<Sourced<PathBuf>>,
    /// `offline` / `--offline`: calls no mock rule or recording answers fail instead of
    /// reaching the network.
    pub offline: Sourced<bool>,
    /// `redact`: more parameter, field and header names whose values recordings, traces and
    /// messages replace with `REDACTED` (docs/recording.md).
    pub redact: Vec<Sourced<String>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            project_root: None,
            miniprogram_root: None,
            miniprogram_root_source: Source::Default,
            compile_type: Sourced::default_value(CompileType::Miniprogram),
            resolve_alias: Vec::new(),
            extended_libs: Vec::new(),
            files: Vec::new(),
            appid: Sourced::default_value("touristappid".into()),
            lib_version: Sourced::default_value(LibVersion::NEWEST_MODELLED),
            url_check: Sourced::default_value(true),
            insecure: Sourced::default_value(false),
            strict: Sourced::default_value(false),
            release: Sourced::default_value(ReleaseLabel::Develop),
            user_agent: Sourced::default_value(None),
            domains: Default::default(),
            lan: Sourced::default_value(None),
            connect_to: Vec::new(),
            ca_files: Vec::new(),
            network_timeout: NetworkTimeouts::default(),
            limits: Limits::default(),
            device: Sourced::default_value(DeviceProfile::default()),
            data_dir: Sourced::default_value(None),
            mounts: Vec::new(),
            mocks: Vec::new(),
            offline: Sourced::default_value(false),
            redact: Vec::new(),
        }
    }
}

impl Default for Sourced<DomainList> {
    fn default() -> Self {
        Sourced::default_value(DomainList::default())
    }
}

impl Config {
    pub fn domains(&self, interface: Interface) -> &DomainList {
        &self.domains[interface.index()].value
    }

    /// The URL rules this configuration sets.
    pub fn url_policy(&self) -> UrlPolicy {
        UrlPolicy::new(
            self.domains.clone().map(|sourced| sourced.value),
            self.lan.value,
            self.url_check.value,
            self.lib_version.value,
        )
    }

    /// Every value with its key and source, in a stable order, for `wxrun config`.
    pub fn describe(&self) -> Vec<(String, String, Source)> {
        let mut rows = Vec::new();
        let mut push = |key: &str, value: String, source: &Source| {
            rows.push((key.to_string(), value, source.clone()));
        };
        push(
            "compileType",
            self.compile_type.value.name().to_string(),
            &self.compile_type.source,
        );
        push(
            "miniprogramRoot",
            self.miniprogram_root
                .as_ref()
                .map_or_else(|| "(none found)".into(), |dir| dir.display().to_string()),
            &self.miniprogram_root_source,
        );
        for alias in &self.resolve_alias {
            let (pattern, target) = &alias.value;
            push(
                "resolveAlias",
                format!("{pattern} -> {target}"),
                &alias.source,
            );
        }
        push("appid", self.appid.value.clone(), &self.appid.source);
        push(
            "libVersion",
            self.lib_version.value.to_string(),
            &self.lib_version.source,
        );
        push(
            "urlCheck",
            self.url_check.value.to_string(),
            &self.url_check.source,
        );
        push(
            "insecure",
            self.insecure.value.to_string(),
            &self.insecure.source,
        );
        push("strict", self.strict.value.to_string(), &self.strict.source);
        push(
            "offline",
            self.offline.value.to_string(),
            &self.offline.source,
        );
        for mock in &self.mocks {
            push("mock", mock.value.display().to_string(), &mock.source);
        }
        for name in &self.redact {
            push("redact", name.value.clone(), &name.source);
        }
        push(
            "version",
            self.release.value.to_string(),
            &self.release.source,
        );
        push(
            "userAgent",
            self.user_agent
                .value
                .clone()
                .unwrap_or_else(|| "(built in)".into()),
            &self.user_agent.source,
        );
        for interface in Interface::ALL {
            let list = &self.domains[interface.index()];
            let text = list
                .value
                .entries()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            push(interface.domain_key(), format!("[{text}]"), &list.source);
        }
        push(
            "lan",
            self.lan
                .value
                .map_or_else(|| "(none)".into(), |lan| lan.to_string()),
            &self.lan.source,
        );
        for rule in &self.connect_to {
            push("connectTo", rule.value.to_string(), &rule.source);
        }
        for ca in &self.ca_files {
            push("ca", ca.value.display().to_string(), &ca.source);
        }
        let timeouts = &self.network_timeout;
        for (key, value) in NetworkTimeouts::KEYS.iter().zip([
            &timeouts.request,
            &timeouts.connect_socket,
            &timeouts.upload_file,
            &timeouts.download_file,
        ]) {
            let text = value
                .value
                .map_or_else(|| "60000 (platform default)".into(), |ms| ms.to_string());
            push(&format!("networkTimeout.{key}"), text, &value.source);
        }
        let limits = &self.limits;
        push(
            "limits.maxRequestConcurrent",
            limits.max_request_concurrent.value.to_string(),
            &limits.max_request_concurrent.source,
        );
        push(
            "limits.maxUploadConcurrent",
            limits.max_upload_concurrent.value.to_string(),
            &limits.max_upload_concurrent.source,
        );
        push(
            "limits.maxDownloadConcurrent",
            limits.max_download_concurrent.value.to_string(),
            &limits.max_download_concurrent.source,
        );
        push(
            "limits.maxDownloadFileSize",
            limits.max_download_file_size.value.to_string(),
            &limits.max_download_file_size.source,
        );
        push(
            "limits.maxResponseSize",
            limits.max_response_size.value.to_string(),
            &limits.max_response_size.source,
        );
        push(
            "limits.localServiceDiscoveryTimeout",
            limits.local_service_discovery_timeout.value.to_string(),
            &limits.local_service_discovery_timeout.source,
        );
        push(
            "dataDir",
            self.data_dir.value.as_ref().map_or_else(
                || "(a fresh folder per run)".into(),
                |d| d.display().to_string(),
            ),
            &self.data_dir.source,
        );
        for mount in &self.mounts {
            let (name, dir) = &mount.value;
            push(
                "mount",
                format!("wxfile://usr/{name} -> {} (read-only)", dir.display()),
                &mount.source,
            );
        }
        let device = &self.device.value;
        push(
            "device",
            format!(
                "{} {} ({}, {}), {}x{} @{}x, WeChat {}, network {}, {} theme, at {},{}, payments {}",
                device.brand,
                device.model,
                device.system,
                device.platform,
                device.screen_width,
                device.screen_height,
                device.pixel_ratio,
                device.version,
                device.network_type,
                device.theme.as_str(),
                device.location.latitude,
                device.location.longitude,
                device.payment.as_str()
            ),
            &self.device.source,
        );
        rows
    }
}
