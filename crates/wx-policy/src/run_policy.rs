//! One run's rules, resolved once from its configuration: what wx-api and wx-net consult while
//! the run goes, instead of reading [`Config`] again. (Setting up the run — files to read,
//! certificates, the sandbox folder, `connectTo` — still reads the configuration, once.)

use std::time::Duration;

use crate::{
    Config, Interface, LibVersion, UrlPolicy,
    config::DeviceProfile,
    limits::{self, TimeoutDecision},
    referer,
};

/// The headers every request and handshake carries, whatever the script sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixedHeaders {
    pub referer: String,
    pub user_agent: String,
}

/// A task pool of one HTTP interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolRule {
    pub size: usize,
    /// Whether calls beyond the size wait in a queue (base library 1.4.0) or fail.
    pub queues: bool,
}

/// Behaviour that depends on the base library version, decided once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gates {
    /// Fail results carry `errno` (2.24.0).
    pub errno: bool,
    /// `wx.request` reads its `redirect` option (3.2.2).
    pub redirect_option: bool,
    /// `wx.downloadFile` reads its `filePath` option (1.8.0).
    pub download_file_path: bool,
}

/// The resolved rules of one run.
#[derive(Clone, Debug)]
pub struct RunPolicy {
    pub lib: LibVersion,
    pub gates: Gates,
    pub urls: UrlPolicy,
    pub appid: String,
    pub fixed_headers: FixedHeaders,
    /// `networkTimeout` per interface, as configured (ms).
    configured_timeouts: [Option<u64>; Interface::ALL.len()],
    /// The pools of request, uploadFile and downloadFile.
    pub pools: [PoolRule; 3],
    pub socket_limit: usize,
    pub max_download_bytes: u64,
    pub max_response_bytes: u64,
    pub discovery_timeout: Duration,
    pub device: DeviceProfile,
}

/// The User-Agent wxrun sends unless configured: WeChat-like, naming wxrun.
pub fn default_user_agent(device: &DeviceProfile) -> String {
    format!(
        "Mozilla/5.0 ({}; {}) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/{} NetType/{} Language/{} miniProgram wxrun/{}",
        device.model,
        device.system,
        device.version,
        device.network_type.to_uppercase(),
        device.language,
        env!("CARGO_PKG_VERSION")
    )
}

impl RunPolicy {
    pub fn resolve(config: &Config) -> RunPolicy {
        let lib = config.lib_version.value;
        let device = config.device.value.clone();
        let queues = limits::tasks_queue(lib);
        let pool = |interface| PoolRule {
            size: config.limits.pool_size(interface),
            queues,
        };
        RunPolicy {
            lib,
            gates: Gates {
                errno: lib >= LibVersion::ERRNO,
                redirect_option: lib >= LibVersion::REDIRECT_OPTION,
                download_file_path: lib >= LibVersion::DOWNLOAD_FILE_PATH,
            },
            urls: config.url_policy(),
            appid: config.appid.value.clone(),
            fixed_headers: FixedHeaders {
                referer: referer(&config.appid.value, &config.release.value),
                user_agent: config
                    .user_agent
                    .value
                    .clone()
                    .unwrap_or_else(|| default_user_agent(&device)),
            },
            configured_timeouts: Interface::ALL
                .map(|interface| config.network_timeout.for_interface(interface)),
            pools: [
                pool(Interface::Request),
                pool(Interface::UploadFile),
                pool(Interface::DownloadFile),
            ],
            socket_limit: limits::socket_limit(lib),
            max_download_bytes: config.limits.max_download_file_size.value,
            max_response_bytes: config.limits.max_response_size.value,
            discovery_timeout: Duration::from_millis(
                config.limits.local_service_discovery_timeout.value,
            ),
            device,
        }
    }

    /// The timeout of a call of `interface` that asked for `asked` ms (the option), with
    /// `networkTimeout` and the 60 s cap applied.
    pub fn timeout(&self, interface: Interface, asked: Option<f64>) -> TimeoutDecision {
        limits::resolve_timeout(asked, self.configured_timeouts[interface.index()], self.lib)
    }

    /// The pool rule of an HTTP interface (request's for the others).
    pub fn pool(&self, interface: Interface) -> PoolRule {
        self.pools[match interface {
            Interface::UploadFile => 1,
            Interface::DownloadFile => 2,
            _ => 0,
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Sourced;

    #[test]
    fn resolved_once_from_the_configuration() {
        let mut config = Config {
            lib_version: Sourced::default_value(LibVersion::new(2, 20, 0)),
            ..Config::default()
        };
        config.network_timeout.request = Sourced::default_value(Some(2000));
        config.limits.max_upload_concurrent = Sourced::default_value(3);
        config.limits.max_download_concurrent = Sourced::default_value(4);
        let policy = RunPolicy::resolve(&config);
        assert_eq!(
            policy.gates,
            Gates {
                errno: false,
                redirect_option: false,
                download_file_path: true
            }
        );
        assert_eq!(
            policy.timeout(Interface::Request, None).duration,
            Duration::from_millis(2000)
        );
        assert_eq!(
            policy.timeout(Interface::DownloadFile, None).duration,
            Duration::from_millis(limits::MAX_TIMEOUT_MS)
        );
        assert_eq!(
            Interface::ALL.map(|i| policy.pool(i).size),
            [10, 3, 4, 10, 10, 10],
            "an HTTP interface has its own pool size; the others take request's"
        );
        assert!(policy.pool(Interface::UploadFile).queues);
        assert_eq!(policy.socket_limit, limits::MAX_SOCKETS);
        assert!(policy.fixed_headers.user_agent.contains("MicroMessenger/"));
        assert_eq!(
            policy.fixed_headers.referer,
            "https://servicewechat.com/touristappid/0/page-frame.html"
        );
    }
}
