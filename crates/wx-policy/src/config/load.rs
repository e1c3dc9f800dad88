use std::{
    fs,
    path::{Path, PathBuf},
};

use serde_json::Value;

use super::{
    ConfigError,
    device::read_device,
    json::{At, Key, Keys, parse_file},
    model::{CompileType, Config, ConnectTo, Limits, Source, Sourced, WXRUN_JSON},
};
use crate::{
    DomainEntry, DomainList, Interface, Lan, LibVersion, ReleaseLabel,
    domain::{BANNED_HOST, MAX_DOMAINS_PER_INTERFACE, normalise_domain},
};

const PROJECT_CONFIG: &str = "project.config.json";
const PRIVATE_CONFIG: &str = "project.private.config.json";

/// Values given on the command line; they win over every file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--config FILE`: read after the project's `wxrun.json`; its keys win.
    pub config_file: Option<PathBuf>,
    pub appid: Option<String>,
    pub lib_version: Option<String>,
    /// `--no-url-check` gives `Some(false)`.
    pub url_check: Option<bool>,
    pub insecure: bool,
    pub strict: bool,
    /// `--connect-to HOST:PORT:TARGET_HOST:TARGET_PORT`, repeatable.
    pub connect_to: Vec<String>,
    pub ca_files: Vec<PathBuf>,
    pub lan: Option<String>,
    pub user_agent: Option<String>,
    /// `--release-label`: the `{version}` part of the Referer.
    pub release: Option<String>,
    /// `--data-dir`: keep `wxfile://usr` and saved files here between runs.
    pub data_dir: Option<PathBuf>,
    /// `--mock FILE`, repeatable: rule files read after those of wxrun.json.
    pub mocks: Vec<PathBuf>,
    pub offline: bool,
}

/// The project files found for a starting folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProjectFiles {
    pub root: Option<PathBuf>,
    pub project_config: Option<PathBuf>,
    pub private_config: Option<PathBuf>,
    pub wxrun_json: Option<PathBuf>,
}

impl ProjectFiles {
    /// Walks up from `start` to the first folder holding `project.config.json` or
    /// `wxrun.json`: the project root.
    pub fn discover(start: &Path) -> ProjectFiles {
        for dir in start.ancestors() {
            let project = dir.join(PROJECT_CONFIG);
            let wxrun = dir.join(WXRUN_JSON);
            if project.is_file() || wxrun.is_file() {
                let private = dir.join(PRIVATE_CONFIG);
                return ProjectFiles {
                    root: Some(dir.to_path_buf()),
                    project_config: project.is_file().then_some(project),
                    private_config: private.is_file().then_some(private),
                    wxrun_json: wxrun.is_file().then_some(wxrun),
                };
            }
        }
        ProjectFiles::default()
    }
}

fn read_json(file: &Path) -> Result<Value, ConfigError> {
    let text = fs::read_to_string(file)
        .map_err(|err| ConfigError::in_file(file, "", format!("cannot be read: {err}")))?;
    parse_file(file, &text)
}

/// An appid goes into the Referer's path (`https://servicewechat.com/{appid}/...`) of every
/// request: visible ASCII, and nothing that would end a path segment.
fn check_appid(appid: &str) -> Result<(), String> {
    let bad = appid
        .chars()
        .find(|c| !c.is_ascii_graphic() || matches!(c, '/' | '?' | '#' | '%' | '\\'));
    match bad {
        Some(c) => Err(format!(
            "{appid:?} holds {c:?}, which the Referer header of every request cannot carry; an appid is letters and digits, such as \"wx0123456789abcdef\""
        )),
        None if appid.is_empty() => {
            Err("is empty; give an appid such as \"wx0123456789abcdef\"".to_string())
        }
        None => Ok(()),
    }
}

/// The User-Agent goes into every request: printable ASCII (and tabs) only.
fn check_user_agent(agent: &str) -> Result<(), String> {
    match agent
        .chars()
        .find(|c| !(*c == ' ' || *c == '\t' || c.is_ascii_graphic()))
    {
        Some(c) => Err(format!(
            "{agent:?} holds {c:?}; a header value is printable ASCII, so every request would fail"
        )),
        None => Ok(()),
    }
}

/// Why `path` is not a file that can be read, in words: missing, a folder, unreadable.
fn not_a_file(path: &Path) -> Option<String> {
    match fs::metadata(path) {
        Ok(metadata) if metadata.is_dir() => {
            Some(format!("{} is a folder, not a file", path.display()))
        }
        Ok(metadata) if !metadata.is_file() => {
            Some(format!("{} is not a regular file", path.display()))
        }
        Ok(_) => fs::File::open(path)
            .err()
            .map(|err| format!("{} cannot be read: {err}", path.display())),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            Some(format!("{} does not exist", path.display()))
        }
        Err(err) => Some(format!("{} cannot be read: {err}", path.display())),
    }
}

fn parse_lib_version(text: &str) -> Result<LibVersion, String> {
    if text == "latest" {
        return Ok(LibVersion::NEWEST_MODELLED);
    }
    text.parse()
        .map_err(|err: crate::version::BadVersion| err.to_string())
}

/// Loads the configuration for a script or project in `start` (a folder): project files found
/// by walking up, then `wxrun.json` (or `overrides.config_file`), then the overrides.
pub fn load(start: &Path, overrides: &Overrides) -> Result<Config, ConfigError> {
    let files = ProjectFiles::discover(start);
    let mut config = Config {
        project_root: files.root.clone(),
        ..Config::default()
    };
    let mut miniprogram_root = files.root.clone();
    for file in [&files.project_config, &files.private_config]
        .into_iter()
        .flatten()
    {
        let json = read_json(file)?;
        if let Some(dir) = apply_project_config(&mut config, file, &json)? {
            miniprogram_root = Some(dir);
            config.miniprogram_root_source = Source::File(file.clone());
        }
        config.files.push(file.clone());
    }
    // Without a `miniprogramRoot`, the mini-program is the nearest folder holding app.json
    // from `start` up (not above the project root), as when a folder of one is given alone.
    let has_manifest =
        |dir: &Path| dir.join("app.json").is_file() || dir.join("game.json").is_file();
    if !miniprogram_root.as_deref().is_some_and(has_manifest)
        && let Some(dir) = start
            .ancestors()
            .take_while(|dir| {
                files
                    .root
                    .as_deref()
                    .is_none_or(|root| dir.starts_with(root))
            })
            .find(|dir| has_manifest(dir))
    {
        miniprogram_root = Some(dir.to_path_buf());
        config.miniprogram_root_source =
            Source::Detected("the nearest folder holding app.json".into());
    }
    if let Some(root) = &miniprogram_root {
        for name in ["app.json", "game.json"] {
            let file = root.join(name);
            if file.is_file() {
                let json = read_json(&file)?;
                apply_app_json(&mut config, &file, &json)?;
                config.files.push(file);
                break;
            }
        }
    }
    config.miniprogram_root = miniprogram_root;
    // The project's wxrun.json, then the file given with --config on top of it (its keys win).
    if let Some(file) = &files.wxrun_json {
        let json = read_json(file)?;
        apply_wxrun_json(&mut config, file, &json)?;
        config.files.push(file.clone());
    }
    if let Some(explicit) = &overrides.config_file {
        if !explicit.is_file() {
            return Err(ConfigError::on_command_line(
                "--config",
                format!("{} does not exist or is not a file", explicit.display()),
            ));
        }
        if files.wxrun_json.as_deref() != Some(explicit.as_path()) {
            let json = read_json(explicit)?;
            apply_wxrun_json(&mut config, explicit, &json)?;
            config.files.push(explicit.clone());
        }
    }
    apply_overrides(&mut config, overrides)?;
    Ok(config)
}

/// `project.config.json` and its private twin: only the keys wxrun uses are read, since the
/// files belong to WeChat DevTools and hold many more. Returns the `miniprogramRoot` folder.
fn apply_project_config(
    config: &mut Config,
    file: &Path,
    json: &Value,
) -> Result<Option<PathBuf>, ConfigError> {
    let root = At {
        file,
        key: "",
        value: json,
    }
    .object()?;
    let source = || Source::File(file.to_path_buf());
    if let Some(value) = root.get("appid") {
        let appid = At {
            file,
            key: "appid",
            value,
        }
        .str()?;
        if !appid.is_empty() {
            check_appid(appid).map_err(|err| ConfigError::in_file(file, "appid", err))?;
            config.appid.set(appid.to_string(), source());
        }
    }
    if let Some(value) = root.get("libVersion") {
        let at = At {
            file,
            key: "libVersion",
            value,
        };
        let version = parse_lib_version(at.str()?).map_err(|err| at.error(err))?;
        config.lib_version.set(version, source());
    }
    if let Some(setting) = root.get("setting") {
        let setting = At {
            file,
            key: "setting",
            value: setting,
        }
        .object()?;
        if let Some(value) = setting.get("urlCheck") {
            let check = At {
                file,
                key: "setting.urlCheck",
                value,
            }
            .bool()?;
            config.url_check.set(check, source());
        }
    }
    if let Some(value) = root.get("compileType") {
        let at = At {
            file,
            key: "compileType",
            value,
        };
        let name = at.str()?;
        let kind = CompileType::NAMES
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, kind)| *kind)
            .ok_or_else(|| {
                let names: Vec<&str> = CompileType::NAMES.iter().map(|(n, _)| *n).collect();
                at.error(format!(
                    "{name:?} is not a compile type wxrun knows; use one of {}",
                    names.join(", ")
                ))
            })?;
        config.compile_type.set(kind, source());
    }
    let mut miniprogram_root = None;
    if let Some(value) = root.get("miniprogramRoot") {
        let relative = At {
            file,
            key: "miniprogramRoot",
            value,
        }
        .str()?;
        let dir = file.parent().unwrap_or(Path::new(".")).join(relative);
        if !dir.is_dir() {
            return Err(ConfigError::in_file(
                file,
                "miniprogramRoot",
                format!("{relative:?} is not a folder next to this file"),
            ));
        }
        miniprogram_root = Some(dir);
    }
    Ok(miniprogram_root)
}

fn apply_network_timeout(
    config: &mut Config,
    file: &Path,
    value: &Value,
) -> Result<(), ConfigError> {
    let object = At {
        file,
        key: "networkTimeout",
        value,
    }
    .object()?;
    for (key, value) in object {
        let full_key = format!("networkTimeout.{key}");
        let Some(slot) = config.network_timeout.by_key_mut(key) else {
            return Err(ConfigError::in_file(
                file,
                full_key,
                format!(
                    "unknown key; networkTimeout takes {}",
                    super::NetworkTimeouts::KEYS.join(", ")
                ),
            ));
        };
        let ms = At {
            file,
            key: &full_key,
            value,
        }
        .integer(1, u64::from(u32::MAX))?;
        slot.set(Some(ms), Source::File(file.to_path_buf()));
    }
    Ok(())
}

/// `app.json` / `game.json`: `networkTimeout` for the network; `resolveAlias` and
/// `useExtendedLib` for module loading. The rest (pages, windows, tab bar) is the app's own
/// business, read by the mini-program layer.
fn apply_app_json(config: &mut Config, file: &Path, json: &Value) -> Result<(), ConfigError> {
    let root = At {
        file,
        key: "",
        value: json,
    }
    .object()?;
    if let Some(value) = root.get("networkTimeout") {
        apply_network_timeout(config, file, value)?;
    }
    if let Some(value) = root.get("resolveAlias") {
        apply_resolve_alias(config, file, value)?;
    }
    if let Some(value) = root.get("useExtendedLib") {
        let libs = At {
            file,
            key: "useExtendedLib",
            value,
        }
        .object()?;
        config.extended_libs = libs
            .iter()
            .filter(|(_, on)| on.as_bool() != Some(false))
            .map(|(name, _)| name.clone())
            .collect();
    }
    Ok(())
}

/// `resolveAlias`: `{"@/*": "/*", "~utils/*": "utils/*"}`. A pattern and its target both end
/// in `*`, or neither does.
fn apply_resolve_alias(config: &mut Config, file: &Path, value: &Value) -> Result<(), ConfigError> {
    let aliases = At {
        file,
        key: "resolveAlias",
        value,
    }
    .object()?;
    for (pattern, target) in aliases {
        let key = format!("resolveAlias.{pattern}");
        let at = At {
            file,
            key: &key,
            value: target,
        };
        let target = at.str()?;
        if pattern.is_empty() || target.is_empty() {
            return Err(
                at.error("an alias and its target must not be empty, such as \"@/*\": \"/*\"")
            );
        }
        if pattern.ends_with('*') != target.ends_with('*') {
            return Err(at.error(format!(
                "{pattern:?} and {target:?} must both end in * or neither, such as \"@utils/*\": \"utils/*\""
            )));
        }
        if pattern.starts_with("./") || pattern.starts_with("../") {
            return Err(at.error("an alias cannot start with ./ or ../, which always mean the requiring file's folder"));
        }
        config.resolve_alias.push(Sourced {
            value: (pattern.clone(), target.to_string()),
            source: Source::File(file.to_path_buf()),
        });
    }
    Ok(())
}

fn domain_list(at: At<'_>, interface: Interface) -> Result<DomainList, ConfigError> {
    let items = at.strings()?;
    if items.len() > MAX_DOMAINS_PER_INTERFACE {
        return Err(at.error(format!(
            "has {} entries; the platform allows at most {MAX_DOMAINS_PER_INTERFACE} per interface",
            items.len()
        )));
    }
    let mut entries = Vec::with_capacity(items.len());
    for (key, text) in items {
        let entry = DomainEntry::parse(text, interface)
            .map_err(|err| ConfigError::in_file(at.file, key, format!("{text:?} {err}")))?;
        entries.push(entry);
    }
    DomainList::new(entries).map_err(|count| at.error(format!("has {count} entries")))
}

/// Splits `host:port`, with IPv6 hosts in brackets.
fn split_host_port(text: &str) -> Option<(String, u16)> {
    let (host, port) = text.rsplit_once(':')?;
    let port = port.parse::<u16>().ok().filter(|p| *p != 0)?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    (!host.is_empty()).then(|| (host.to_string(), port))
}

/// Why a `connectTo` rule is refused.
enum BadRule {
    /// Not `HOST:PORT`; the text says what was expected.
    Form(String),
    /// It routes to or from the banned host.
    Banned(String),
}

impl BadRule {
    fn message(self) -> String {
        match self {
            BadRule::Form(message) | BadRule::Banned(message) => message,
        }
    }
}

/// Whether a host, spelled in any way a URL parser accepts, is [`BANNED_HOST`].
fn is_banned_host(host: &str) -> bool {
    let host = match url::Host::parse(host) {
        Ok(url::Host::Domain(domain)) => domain,
        _ => host.to_string(),
    };
    normalise_domain(&host) == BANNED_HOST
}

fn connect_to_rule(from: &str, to: &str) -> Result<ConnectTo, BadRule> {
    let (host, port) = split_host_port(from).ok_or_else(|| {
        BadRule::Form(format!(
            "{from:?} is not HOST:PORT, such as \"api.example.com:443\""
        ))
    })?;
    let (target_host, target_port) = split_host_port(to).ok_or_else(|| {
        BadRule::Form(format!(
            "{to:?} is not HOST:PORT, such as \"127.0.0.1:8443\""
        ))
    })?;
    // The ban holds on every route: no rule may lead there. A rule for the banned name
    // itself leads away from it (a URL naming it is refused before any connection, whatever
    // connectTo says); tests use one to give a broken ban a local sentinel to reach.
    for named in [&target_host] {
        if is_banned_host(named) {
            return Err(BadRule::Banned(format!(
                "{from} -> {to} leads to {BANNED_HOST}, which can never be reached, not even through connectTo: calls needing the AppSecret belong on your server"
            )));
        }
    }
    Ok(ConnectTo {
        host: normalise_domain(&host),
        port,
        target_host,
        target_port,
    })
}

fn apply_device(config: &mut Config, file: &Path, value: &Value) -> Result<(), ConfigError> {
    let mut device = config.device.value.clone();
    read_device(file, value, &mut device)?;
    config.device.set(device, Source::File(file.to_path_buf()));
    Ok(())
}

/// The keys of `limits`, each with its range.
const LIMITS: Keys<Limits> = Keys {
    owner: "limits",
    keys: &[
        Key {
            name: "maxRequestConcurrent",
            note: "",
            read: |limits, at| {
                let size = at.integer(1, 1000)? as usize;
                limits.max_request_concurrent.set(size, from(at));
                Ok(())
            },
        },
        Key {
            name: "maxUploadConcurrent",
            note: "",
            read: |limits, at| {
                let size = at.integer(1, 1000)? as usize;
                limits.max_upload_concurrent.set(size, from(at));
                Ok(())
            },
        },
        Key {
            name: "maxDownloadConcurrent",
            note: "",
            read: |limits, at| {
                let size = at.integer(1, 1000)? as usize;
                limits.max_download_concurrent.set(size, from(at));
                Ok(())
            },
        },
        Key {
            name: "maxDownloadFileSize",
            note: " (bytes)",
            read: |limits, at| {
                let bytes = at.integer(1, u64::MAX)?;
                limits.max_download_file_size.set(bytes, from(at));
                Ok(())
            },
        },
        Key {
            name: "maxResponseSize",
            note: " (bytes)",
            read: |limits, at| {
                let bytes = at.integer(1, u64::MAX)?;
                limits.max_response_size.set(bytes, from(at));
                Ok(())
            },
        },
        Key {
            name: "localServiceDiscoveryTimeout",
            note: " (ms)",
            read: |limits, at| {
                let ms = at.integer(1, 3_600_000)?;
                limits.local_service_discovery_timeout.set(ms, from(at));
                Ok(())
            },
        },
    ],
};

/// The source of a value read at `at`: its file.
fn from(at: At<'_>) -> Source {
    Source::File(at.file.to_path_buf())
}

/// The folder relative paths of `at`'s file start at.
fn base_of<'a>(at: At<'a>) -> &'a Path {
    at.file.parent().unwrap_or(Path::new("."))
}

/// The keys of wxrun.json, but the domain lists (whose keys are each interface's
/// [`Interface::domain_key`]), each with how it is read.
const WXRUN_JSON_KEYS: Keys<Config> = Keys {
    owner: "wxrun.json",
    keys: &[
        Key {
            name: "$schema",
            note: "",
            read: |_, _| Ok(()),
        },
        Key {
            name: "appid",
            note: "",
            read: |config, at| {
                let appid = at.str()?;
                check_appid(appid).map_err(|err| at.error(err))?;
                config.appid.set(appid.to_string(), from(at));
                Ok(())
            },
        },
        Key {
            name: "libVersion",
            note: "",
            read: |config, at| {
                let version = parse_lib_version(at.str()?).map_err(|err| at.error(err))?;
                config.lib_version.set(version, from(at));
                Ok(())
            },
        },
        Key {
            name: "urlCheck",
            note: "",
            read: |config, at| {
                config.url_check.set(at.bool()?, from(at));
                Ok(())
            },
        },
        Key {
            name: "strict",
            note: "",
            read: |config, at| {
                config.strict.set(at.bool()?, from(at));
                Ok(())
            },
        },
        Key {
            name: "lan",
            note: "",
            read: |config, at| {
                let lan: Lan = at
                    .str()?
                    .parse()
                    .map_err(|err: crate::lan::BadCidr| at.error(err.to_string()))?;
                config.lan.set(Some(lan), from(at));
                Ok(())
            },
        },
        Key {
            name: "connectTo",
            note: "",
            read: read_connect_to,
        },
        Key {
            name: "ca",
            note: "",
            read: read_ca,
        },
        Key {
            name: "version",
            note: "",
            read: |config, at| {
                let label: ReleaseLabel = at
                    .str()?
                    .parse()
                    .map_err(|err: crate::referer::BadReleaseLabel| at.error(err.to_string()))?;
                config.release.set(label, from(at));
                Ok(())
            },
        },
        Key {
            name: "userAgent",
            note: "",
            read: |config, at| {
                let agent = at.str()?;
                check_user_agent(agent).map_err(|err| at.error(err))?;
                config.user_agent.set(Some(agent.to_string()), from(at));
                Ok(())
            },
        },
        Key {
            name: "networkTimeout",
            note: "",
            read: |config, at| apply_network_timeout(config, at.file, at.value),
        },
        Key {
            name: "limits",
            note: "",
            read: |config, at| LIMITS.read_object(&mut config.limits, at),
        },
        Key {
            name: "device",
            note: "",
            read: |config, at| apply_device(config, at.file, at.value),
        },
        Key {
            name: "mount",
            note: "",
            read: read_mounts,
        },
        Key {
            name: "mock",
            note: "",
            read: read_mocks,
        },
        Key {
            name: "offline",
            note: "",
            read: |config, at| {
                config.offline.set(at.bool()?, from(at));
                Ok(())
            },
        },
        Key {
            name: "redact",
            note: "",
            read: read_redact,
        },
    ],
};

/// The interface whose domain list `key` names (`requestdomain`, ...).
fn domain_interface(key: &str) -> Option<Interface> {
    Interface::ALL.into_iter().find(|i| i.domain_key() == key)
}

/// Every key wxrun.json takes: the table's, then the domain lists'.
#[cfg(test)]
pub(crate) fn wxrun_json_keys() -> Vec<&'static str> {
    WXRUN_JSON_KEYS
        .names()
        .chain(Interface::ALL.into_iter().map(Interface::domain_key))
        .collect()
}

fn read_mocks(config: &mut Config, at: At<'_>) -> Result<(), ConfigError> {
    for (key, name) in at.strings()? {
        let path = base_of(at).join(name);
        if !path.is_file() {
            return Err(ConfigError::in_file(
                at.file,
                key,
                format!(
                    "{} is not a file (a mock rules file; relative paths start at this file's folder)",
                    path.display()
                ),
            ));
        }
        config.mocks.push(Sourced {
            value: path,
            source: from(at),
        });
    }
    Ok(())
}

fn read_redact(config: &mut Config, at: At<'_>) -> Result<(), ConfigError> {
    for (key, name) in at.strings()? {
        let name = name.trim();
        if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == '=') {
            return Err(ConfigError::in_file(
                at.file,
                key,
                format!(
                    "{name:?} is not a name; give the parameter, field or header names to redact, such as \"member_id\""
                ),
            ));
        }
        config.redact.push(Sourced {
            value: name.to_string(),
            source: from(at),
        });
    }
    Ok(())
}

fn read_connect_to(config: &mut Config, at: At<'_>) -> Result<(), ConfigError> {
    for (from_key, to) in at.object()? {
        let rule_key = format!("connectTo.{from_key}");
        let to = At {
            file: at.file,
            key: &rule_key,
            value: to,
        }
        .str()?;
        let rule = connect_to_rule(from_key, to)
            .map_err(|err| ConfigError::in_file(at.file, rule_key.clone(), err.message()))?;
        config.connect_to.push(Sourced {
            value: rule,
            source: from(at),
        });
    }
    Ok(())
}

fn read_ca(config: &mut Config, at: At<'_>) -> Result<(), ConfigError> {
    for (item_key, path) in at.strings()? {
        let resolved = base_of(at).join(path);
        if let Some(problem) = not_a_file(&resolved) {
            return Err(ConfigError::in_file(
                at.file,
                item_key,
                format!(
                    "{problem}; give a PEM file of CA certificates (relative paths start at this file's folder)"
                ),
            ));
        }
        config.ca_files.push(Sourced {
            value: resolved,
            source: from(at),
        });
    }
    Ok(())
}

fn read_mounts(config: &mut Config, at: At<'_>) -> Result<(), ConfigError> {
    for (name, dir) in at.object()? {
        let mount_key = format!("mount.{name}");
        let dir = At {
            file: at.file,
            key: &mount_key,
            value: dir,
        }
        .str()?;
        if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
            return Err(ConfigError::in_file(
                at.file,
                mount_key,
                format!("{name:?} is not a folder name; the mount appears as wxfile://usr/<name>"),
            ));
        }
        let resolved = base_of(at).join(dir);
        if !resolved.is_dir() {
            return Err(ConfigError::in_file(
                at.file,
                mount_key,
                format!(
                    "{} is not a folder (relative paths start at this file's folder)",
                    resolved.display()
                ),
            ));
        }
        config.mounts.push(Sourced {
            value: (name.clone(), resolved),
            source: from(at),
        });
    }
    Ok(())
}

fn apply_wxrun_json(config: &mut Config, file: &Path, json: &Value) -> Result<(), ConfigError> {
    let root = At {
        file,
        key: "",
        value: json,
    }
    .object()?;
    for (key, value) in root {
        let at = At { file, key, value };
        if let Some(known) = WXRUN_JSON_KEYS.find(key) {
            (known.read)(config, at)?;
        } else if let Some(interface) = domain_interface(key) {
            let list = domain_list(at, interface)?;
            config.domains[interface as usize].set(list, from(at));
        } else {
            let domains: Vec<&'static str> = Interface::ALL
                .into_iter()
                .map(Interface::domain_key)
                .collect();
            return Err(WXRUN_JSON_KEYS.unknown(at, key, &domains));
        }
    }
    Ok(())
}

fn apply_overrides(config: &mut Config, overrides: &Overrides) -> Result<(), ConfigError> {
    if let Some(appid) = &overrides.appid {
        check_appid(appid).map_err(|err| ConfigError::on_command_line("--appid", err))?;
        config.appid.set(appid.clone(), Source::Flag("--appid"));
    }
    if let Some(text) = &overrides.lib_version {
        let version = parse_lib_version(text)
            .map_err(|err| ConfigError::on_command_line("--lib-version", err))?;
        config
            .lib_version
            .set(version, Source::Flag("--lib-version"));
    }
    if let Some(check) = overrides.url_check {
        config.url_check.set(check, Source::Flag("--no-url-check"));
    }
    if overrides.insecure {
        config.insecure.set(true, Source::Flag("--insecure"));
    }
    if overrides.strict {
        config.strict.set(true, Source::Flag("--strict"));
    }
    if let Some(text) = &overrides.lan {
        let lan: Lan = text.parse().map_err(|err: crate::lan::BadCidr| {
            ConfigError::on_command_line("--lan", err.to_string())
        })?;
        config.lan.set(Some(lan), Source::Flag("--lan"));
    }
    if let Some(agent) = &overrides.user_agent {
        check_user_agent(agent).map_err(|err| ConfigError::on_command_line("--user-agent", err))?;
        config
            .user_agent
            .set(Some(agent.clone()), Source::Flag("--user-agent"));
    }
    if let Some(text) = &overrides.release {
        let label: ReleaseLabel =
            text.parse()
                .map_err(|err: crate::referer::BadReleaseLabel| {
                    ConfigError::on_command_line("--release-label", err.to_string())
                })?;
        config.release.set(label, Source::Flag("--release-label"));
    }
    for rule in &overrides.connect_to {
        let parts: Vec<&str> = rule.splitn(3, ':').collect();
        let parsed = match parts.as_slice() {
            [host, port, target] => connect_to_rule(&format!("{host}:{port}"), target),
            _ => Err(BadRule::Form(String::new())),
        }
        .map_err(|err| {
            ConfigError::on_command_line(
                "--connect-to",
                match err {
                    BadRule::Banned(message) => message,
                    BadRule::Form(_) => format!("{rule:?} is not HOST:PORT:TARGET_HOST:TARGET_PORT, such as api.example.com:443:127.0.0.1:8443"),
                },
            )
        })?;
        config.connect_to.push(Sourced {
            value: parsed,
            source: Source::Flag("--connect-to"),
        });
    }
    if let Some(dir) = &overrides.data_dir {
        if dir.exists() && !dir.is_dir() {
            return Err(ConfigError::on_command_line(
                "--data-dir",
                format!("{} exists and is not a folder", dir.display()),
            ));
        }
        config
            .data_dir
            .set(Some(dir.clone()), Source::Flag("--data-dir"));
    }
    if overrides.offline {
        config.offline.set(true, Source::Flag("--offline"));
    }
    for path in &overrides.mocks {
        if !path.is_file() {
            return Err(ConfigError::on_command_line(
                "--mock",
                format!("{} is not a file", path.display()),
            ));
        }
        config.mocks.push(Sourced {
            value: path.clone(),
            source: Source::Flag("--mock"),
        });
    }
    for path in &overrides.ca_files {
        if let Some(problem) = not_a_file(path) {
            return Err(ConfigError::on_command_line(
                "--ca-file",
                format!("{problem}; give a PEM file of CA certificates"),
            ));
        }
        config.ca_files.push(Sourced {
            value: path.clone(),
            source: Source::Flag("--ca-file"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
