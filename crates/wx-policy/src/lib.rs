//! wx-policy: the rules of the WeChat mini-program network platform that wxrun enforces, as
//! pure functions with no network I/O (configuration loading reads files, nothing more).
//!
//! - [`config`]: the configuration model, where each value came from, and loading it.
//! - [`UrlPolicy`]: which URLs an interface may reach (domain lists, ports, LAN exception).
//! - [`referer()`], [`limits`]: the fixed Referer, timeouts, pool and socket limits.
//! - [`RunPolicy`]: one run's rules, resolved once from its configuration.
//! - [`inventory`]: every documented `wx` API and the base library it needs.
//! - [`catalogue`]: every errMsg text and errno, once; [`Failure`]: failures as values.

pub mod catalogue;
pub mod config;
mod domain;
mod failure;
mod interface;
pub mod inventory;
mod lan;
pub mod limits;
mod peer;
mod referer;
mod run_policy;
mod tcp_rules;
mod udp_rules;
mod url_rules;
mod version;

pub use config::{Config, ConfigError};
pub use domain::{
    BANNED_HOST, DomainEntry, DomainError, DomainList, MAX_DOMAINS_PER_INTERFACE, normalise_domain,
};
pub use failure::{ERRNO_PARAMETER, Failure};
pub use interface::Interface;
pub use lan::{BadCidr, Lan};
pub use peer::PeerAddress;
pub use referer::{BadReleaseLabel, ReleaseLabel, referer};
pub use run_policy::{FixedHeaders, Gates, PoolRule, RunPolicy, default_user_agent};
pub use tcp_rules::{
    BindWifiRefusal, CreationWindow, TcpDenied, bind_wifi_refusal, is_forbidden_tcp_port,
};
pub use udp_rules::UdpDenied;
pub use url_rules::{Access, HostKey, Target, UrlPolicy, illegal_host};
pub use version::{BadVersion, LibVersion};
