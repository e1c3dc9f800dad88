//! Server-domain entries as configured per interface, and host normalisation.

use std::fmt;

use url::Host;

use crate::Interface;

/// At most this many entries per interface, as on the platform.
pub const MAX_DOMAINS_PER_INTERFACE: usize = 20;

/// The one host that can never be configured nor reached: the AppSecret belongs on a server.
pub const BANNED_HOST: &str = "api.weixin.qq.com";

/// One configured server domain: a normalised host name and an optional port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainEntry {
    host: String,
    port: Option<u16>,
}

/// Why a configured domain entry is not acceptable. The text names what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("is empty; write a host name such as \"api.example.com\"")]
    Empty,
    #[error("uses scheme \"{found}\"; {interface} entries use \"{expected}://\" or no scheme")]
    WrongScheme {
        found: String,
        expected: &'static str,
        interface: &'static str,
    },
    #[error("has a path, query or fragment; write only the host and an optional port")]
    HasPath,
    #[error(
        "is an IP address; IP addresses cannot be configured (LAN addresses are reached through the `lan` setting)"
    )]
    IpAddress,
    #[error(
        "is localhost; it cannot be configured (LAN addresses are reached through the `lan` setting)"
    )]
    Localhost,
    #[error(
        "is api.weixin.qq.com, which can never be configured: calls needing the AppSecret belong on your server"
    )]
    Banned,
    #[error("contains a wildcard; the platform matches hosts exactly, list each host")]
    Wildcard,
    #[error("has port {0:?}, which is not a number from 1 to 65535")]
    BadPort(String),
    #[error("is not a valid host name ({0})")]
    BadHost(String),
}

impl DomainEntry {
    /// Parses an entry as the server-domain settings write it: `https://api.example.com`,
    /// `api.example.com:8443`, `wss://ws.example.com`. The host is normalised as a URL parser
    /// would (lower case, punycode, no trailing dot), so that it compares equal to the host of
    /// any URL that would connect to it.
    pub fn parse(text: &str, interface: Interface) -> Result<DomainEntry, DomainError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DomainError::Empty);
        }
        let rest = match text.split_once("://") {
            Some((scheme, rest)) => {
                if !scheme.eq_ignore_ascii_case(interface.secure_scheme()) {
                    return Err(DomainError::WrongScheme {
                        found: scheme.to_string(),
                        expected: interface.secure_scheme(),
                        interface: interface.domain_key(),
                    });
                }
                rest
            }
            None => text,
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['/', '?', '#', '\\', '@']) {
            return Err(DomainError::HasPath);
        }
        if rest.contains('*') {
            return Err(DomainError::Wildcard);
        }
        if rest.starts_with('[') {
            return Err(DomainError::IpAddress);
        }
        let (host_text, port) = match rest.rsplit_once(':') {
            Some((host, port)) => {
                let parsed = port
                    .parse::<u16>()
                    .ok()
                    .filter(|p| *p != 0)
                    .ok_or_else(|| DomainError::BadPort(port.to_string()))?;
                (host, Some(parsed))
            }
            None => (rest, None),
        };
        if host_text.is_empty() {
            return Err(DomainError::Empty);
        }
        let host = match Host::parse(host_text) {
            Ok(Host::Domain(domain)) => normalise_domain(&domain),
            Ok(Host::Ipv4(_) | Host::Ipv6(_)) => return Err(DomainError::IpAddress),
            Err(err) => return Err(DomainError::BadHost(err.to_string())),
        };
        // A label left empty (`.a.com`, `a..b.com`): no URL reaches such a host (the platform
        // calls it an illegal host).
        if host.split('.').any(str::is_empty) {
            return Err(DomainError::BadHost("it has an empty label".into()));
        }
        // A wildcard spelled `%2A` is one too, once the host is decoded.
        if host.contains('*') {
            return Err(DomainError::Wildcard);
        }
        if host == "localhost" || host.ends_with(".localhost") {
            return Err(DomainError::Localhost);
        }
        if host == BANNED_HOST {
            return Err(DomainError::Banned);
        }
        Ok(DomainEntry { host, port })
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn port(&self) -> Option<u16> {
        self.port
    }
}

#[cfg(test)]
impl DomainEntry {
    /// An entry that skipped the checks of [`DomainEntry::parse`], for tests of the rules
    /// further on that must hold even if such an entry got through.
    pub(crate) fn unchecked(host: &str, port: Option<u16>) -> DomainEntry {
        DomainEntry {
            host: host.to_string(),
            port,
        }
    }
}

impl fmt::Display for DomainEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.port {
            Some(port) => write!(f, "{}:{port}", self.host),
            None => f.write_str(&self.host),
        }
    }
}

/// Lower-cases a domain produced by a URL parser and drops one trailing dot, the form in
/// which hosts are compared.
pub fn normalise_domain(domain: &str) -> String {
    let lower = domain.to_ascii_lowercase();
    match lower.strip_suffix('.') {
        Some(stripped) => stripped.to_string(),
        None => lower,
    }
}

/// The entries configured for one interface.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DomainList {
    entries: Vec<DomainEntry>,
}

impl DomainList {
    /// Builds a list, refusing more than [`MAX_DOMAINS_PER_INTERFACE`] entries.
    pub fn new(entries: Vec<DomainEntry>) -> Result<DomainList, usize> {
        if entries.len() > MAX_DOMAINS_PER_INTERFACE {
            return Err(entries.len());
        }
        Ok(DomainList { entries })
    }

    pub fn entries(&self) -> &[DomainEntry] {
        &self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries whose host equals `host` (already normalised).
    pub fn for_host<'a>(&'a self, host: &'a str) -> impl Iterator<Item = &'a DomainEntry> + 'a {
        self.entries.iter().filter(move |entry| entry.host == host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<DomainEntry, DomainError> {
        DomainEntry::parse(text, Interface::Request)
    }

    #[test]
    fn accepts_the_forms_the_settings_use() {
        let cases = [
            ("https://api.example.com", "api.example.com", None),
            ("api.example.com", "api.example.com", None),
            ("HTTPS://API.Example.COM/", "api.example.com", None),
            (
                "https://api.example.com:8443",
                "api.example.com",
                Some(8443),
            ),
            ("api.example.com.", "api.example.com", None),
            ("https://例子.测试", "xn--fsqu00a.xn--0zwm56d", None),
        ];
        for (text, host, port) in cases {
            let entry = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!((entry.host(), entry.port()), (host, port), "{text}");
            let shown = port.map_or_else(|| host.to_string(), |port| format!("{host}:{port}"));
            assert_eq!(entry.to_string(), shown);
        }
        let ws = DomainEntry::parse("wss://ws.example.com", Interface::Socket).unwrap();
        assert_eq!(ws.host(), "ws.example.com");
    }

    #[test]
    fn refuses_what_the_platform_refuses() {
        type Check = fn(&DomainError) -> bool;
        let cases: [(&str, Check); 12] = [
            ("", |e| *e == DomainError::Empty),
            ("http://api.example.com", |e| {
                matches!(e, DomainError::WrongScheme { .. })
            }),
            ("wss://api.example.com", |e| {
                matches!(e, DomainError::WrongScheme { .. })
            }),
            ("https://api.example.com/v1", |e| *e == DomainError::HasPath),
            ("192.168.1.1", |e| *e == DomainError::IpAddress),
            ("https://[::1]", |e| *e == DomainError::IpAddress),
            ("0x7f.1", |e| *e == DomainError::IpAddress),
            ("localhost", |e| *e == DomainError::Localhost),
            ("https://api.weixin.qq.com", |e| *e == DomainError::Banned),
            ("API.WEIXIN.QQ.COM.", |e| *e == DomainError::Banned),
            ("*.example.com", |e| *e == DomainError::Wildcard),
            ("api.example.com:99999", |e| {
                matches!(e, DomainError::BadPort(_))
            }),
        ];
        for (text, check) in cases {
            let err = parse(text).expect_err(text);
            assert!(check(&err), "{text}: unexpected {err:?}");
        }
    }

    #[test]
    fn list_holds_at_most_twenty() {
        let entry = parse("a.example.com").unwrap();
        assert!(DomainList::default().is_empty());
        assert!(!DomainList::new(vec![entry.clone()]).unwrap().is_empty());
        assert!(DomainList::new(vec![entry.clone(); 20]).is_ok());
        assert_eq!(DomainList::new(vec![entry; 21]), Err(21));
    }

    #[test]
    fn hosts_with_empty_labels_are_refused() {
        // Found by fuzzing: "a.." was kept as "a.", which no URL can reach and which reads
        // back as another entry.
        for text in [
            "a..",
            ".a.example.com",
            "a..b.example.com",
            "https://a.example.com..:8443",
        ] {
            assert!(
                matches!(parse(text), Err(DomainError::BadHost(_))),
                "{text}: {:?}",
                parse(text)
            );
        }
        assert_eq!(parse("a.example.com.").unwrap().host(), "a.example.com");
        // Found by fuzzing: a percent-encoded wildcard passed the wildcard check.
        assert_eq!(parse("%2a.example.com"), Err(DomainError::Wildcard));
    }
}
