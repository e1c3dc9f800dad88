//! Which URLs a script may reach (spec section 1): schemes, the domain lists with their port
//! rules, the LAN exception, the banned host, and urlCheck off.

use std::net::Ipv4Addr;

use url::{Host, Url};

use crate::{
    Failure, Interface, LibVersion,
    domain::{BANNED_HOST, DomainList, normalise_domain},
    lan::Lan,
};

/// A URL as the connection will use it (WHATWG-parsed), remembering whether the original text
/// spelled out a port: the https port rule treats `https://a.com:443/` differently from
/// `https://a.com/`, although a URL parser makes them equal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    url: Url,
    explicit_port: bool,
}

impl Target {
    /// Parses an absolute URL.
    pub fn parse(raw: &str) -> Result<Target, url::ParseError> {
        let url = Url::parse(raw)?;
        Ok(Target {
            explicit_port: has_explicit_port(raw),
            url,
        })
    }

    /// The target of a redirect to `location`, resolved against this URL. A relative location
    /// keeps this URL's authority, and so its port spelling.
    pub fn redirect(&self, location: &str) -> Result<Target, url::ParseError> {
        let url = self.url.join(location)?;
        let location = location.trim_start();
        let explicit_port = if Url::parse(location).is_ok() {
            has_explicit_port(location)
        } else if location.starts_with("//") || location.starts_with("\\\\") {
            has_explicit_port(&format!("{}:{location}", url.scheme()))
        } else {
            // A relative location keeps this URL's authority.
            self.explicit_port
        };
        Ok(Target { url, explicit_port })
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    pub fn into_url(self) -> Url {
        self.url
    }

    /// The port as written in the URL: `None` when the text named no port.
    pub fn written_port(&self) -> Option<u16> {
        if self.explicit_port {
            self.url.port_or_known_default()
        } else {
            None
        }
    }

    /// The host with one trailing dot removed, as hosts are compared.
    pub fn host_key(&self) -> Option<HostKey> {
        match self.url.host()? {
            Host::Domain(domain) => Some(HostKey::Domain(normalise_domain(domain))),
            Host::Ipv4(addr) => Some(HostKey::Ipv4(addr)),
            Host::Ipv6(_) => Some(HostKey::Ipv6),
        }
    }
}

/// A URL host reduced to what the rules look at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostKey {
    Domain(String),
    Ipv4(Ipv4Addr),
    Ipv6,
}

/// Whether the authority of an absolute URL text carries a non-empty port.
fn has_explicit_port(raw: &str) -> bool {
    let Some((_, rest)) = raw.trim_start().split_once("://") else {
        return false;
    };
    let authority_end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let after_host = if host_port.starts_with('[') {
        host_port.find(']').map_or("", |end| &host_port[end + 1..])
    } else {
        host_port.rfind(':').map_or("", |colon| &host_port[colon..])
    };
    after_host.len() > 1 && after_host.starts_with(':')
}

/// How a URL was let through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The host (and port) is in the interface's domain list.
    Listed,
    /// The LAN exception: an IPv4 peer in the device's subnet.
    Lan,
    /// urlCheck is off. `insecure_outside_lan` marks a plain-text scheme to a host that only
    /// urlCheck-off lets through, which phones would refuse: a conformance warning.
    Unchecked { insecure_outside_lan: bool },
}

/// The URL rules of one run.
#[derive(Clone, Debug)]
pub struct UrlPolicy {
    domains: [DomainList; 6],
    lan: Option<Lan>,
    url_check: bool,
    lib_version: LibVersion,
}

impl UrlPolicy {
    pub fn new(
        domains: [DomainList; 6],
        lan: Option<Lan>,
        url_check: bool,
        lib_version: LibVersion,
    ) -> UrlPolicy {
        UrlPolicy {
            domains,
            lan,
            url_check,
            lib_version,
        }
    }

    pub fn domains(&self, interface: Interface) -> &DomainList {
        &self.domains[interface.index()]
    }

    pub fn lan(&self) -> Option<Lan> {
        self.lan
    }

    pub fn url_check(&self) -> bool {
        self.url_check
    }

    fn is_lan_peer(&self, host: &HostKey) -> bool {
        match (host, self.lan) {
            (HostKey::Ipv4(addr), Some(lan)) => {
                self.lib_version >= LibVersion::LAN_EXCEPTION && lan.is_peer(*addr)
            }
            _ => false,
        }
    }

    /// Decides whether `interface` may reach `target`. Used for the first request and again
    /// for every redirect hop.
    pub fn check(&self, interface: Interface, target: &Target) -> Result<Access, Failure> {
        let url = target.url();
        let scheme = url.scheme();
        let secure = scheme == interface.secure_scheme();
        let insecure = Some(scheme) == interface.insecure_scheme();
        if !secure && !insecure {
            return Err(Failure::InvalidUrl(url.to_string()));
        }
        let host = target
            .host_key()
            .ok_or_else(|| Failure::InvalidUrl(url.to_string()))?;
        if matches!(&host, HostKey::Domain(domain) if domain == BANNED_HOST) {
            return Err(Failure::UrlNotInDomainList);
        }
        let lan_peer = self.is_lan_peer(&host);
        if !self.url_check {
            return Ok(Access::Unchecked {
                insecure_outside_lan: insecure && !lan_peer,
            });
        }
        if lan_peer {
            return Ok(Access::Lan);
        }
        let HostKey::Domain(domain) = host else {
            return Err(Failure::UrlNotInDomainList);
        };
        if !secure {
            return Err(Failure::UrlNotInDomainList);
        }
        let written_port = target.written_port();
        let listed = self
            .domains(interface)
            .for_host(&domain)
            .any(|entry| interface.any_port_on_listed_host() || entry.port() == written_port);
        if listed {
            Ok(Access::Listed)
        } else {
            Err(Failure::UrlNotInDomainList)
        }
    }
}

impl UrlPolicy {
    /// What to change so that a URL refused with `url not in domain list` would be allowed,
    /// as one sentence for the developer (wxrun prints it once per run; the call still fails
    /// as on a phone). `None` when `check` allows the URL or refuses it for another reason.
    pub fn refusal_hint(&self, interface: Interface, target: &Target) -> Option<String> {
        if self.check(interface, target) != Err(Failure::UrlNotInDomainList) {
            return None;
        }
        let url = target.url();
        let key = interface.domain_key();
        let secure = interface.secure_scheme();
        let host = target.host_key()?;
        Some(match host {
            HostKey::Domain(domain) if domain == BANNED_HOST => format!(
                "{BANNED_HOST} cannot be called from a mini-program on any phone; call it from your server"
            ),
            HostKey::Domain(domain) if url.scheme() != secure => format!(
                "{url} uses {}://; phones allow a domain of \"{key}\" only over {secure}://, so use {secure}://{domain}",
                url.scheme()
            ),
            HostKey::Domain(domain) => {
                let port = target
                    .written_port()
                    .map(|port| format!(":{port}"))
                    .unwrap_or_default();
                format!(
                    "{url} is not in the domain list: add \"{secure}://{domain}{port}\" to \"{key}\" in wxrun.json (on phones, to the mini-program's server domains)"
                )
            }
            HostKey::Ipv4(addr) => format!(
                "{url} names an IP address, which phones reach only on the device's LAN{}: if {addr} is on it, set \"lan\" in wxrun.json to the device's address and subnet (such as \"192.168.1.23/24\")",
                if self.lib_version < LibVersion::LAN_EXCEPTION {
                    format!(" (from base library {})", LibVersion::LAN_EXCEPTION)
                } else {
                    String::new()
                }
            ),
            HostKey::Ipv6 => format!(
                "{url} names an IPv6 address, which phones do not reach through \"{key}\"; use a domain name"
            ),
        })
    }
}

/// The synchronous host check of `wx.request` (validation step 5): a host that begins with a
/// dot or contains an empty label.
pub fn illegal_host(url: &Url) -> Option<Failure> {
    let host = url.host_str()?;
    (host.starts_with('.') || host.contains("..")).then(|| Failure::IllegalHost(host.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_port_detection() {
        for (raw, explicit) in [
            ("https://a.com/", false),
            ("https://a.com:443/", true),
            ("https://a.com:/", false),
            ("https://u:p@a.com/", false),
            ("https://u:p@a.com:8443/x", true),
            ("https://[::1]/", false),
            ("https://[::1]:443/", true),
            ("https://a.com?x=:1", false),
            ("https://a.com#:1", false),
            ("https://a.com\\:1", false),
        ] {
            assert_eq!(has_explicit_port(raw), explicit, "{raw}");
        }
    }

    #[test]
    fn redirect_keeps_or_recomputes_port_spelling() {
        let start = Target::parse("https://a.com:443/x").unwrap();
        assert!(start.redirect("/y").unwrap().explicit_port);
        assert!(!start.redirect("https://a.com/y").unwrap().explicit_port);
        assert!(!start.redirect("//b.com/y").unwrap().explicit_port);
        assert!(start.redirect("//b.com:443/y").unwrap().explicit_port);
        let plain = Target::parse("https://a.com/x").unwrap();
        assert!(!plain.redirect("y").unwrap().explicit_port);
        assert_eq!(
            plain.redirect("?q=1").unwrap().url().as_str(),
            "https://a.com/x?q=1"
        );
    }

    /// The ban does not lean on the configuration refusing the host: with urlCheck on and a
    /// list that holds it on every interface (were that refusal bypassed), it stays out of
    /// reach, in any spelling.
    #[test]
    fn the_banned_host_is_refused_even_when_listed() {
        use crate::{DomainEntry, DomainList};
        let listed = |_| {
            DomainList::new(vec![
                DomainEntry::unchecked(BANNED_HOST, None),
                DomainEntry::unchecked(BANNED_HOST, Some(8443)),
            ])
            .unwrap()
        };
        let policy = UrlPolicy::new(
            Interface::ALL.map(listed),
            None,
            true,
            LibVersion::NEWEST_MODELLED,
        );
        for (interface, url) in [
            (
                Interface::Request,
                "https://api.weixin.qq.com/sns/jscode2session",
            ),
            (Interface::Request, "https://API.WEIXIN.QQ.COM./"),
            (Interface::Request, "https://x@api.weixin.qq.com:8443/"),
            (Interface::UploadFile, "https://api.weixin.qq.com/"),
            (Interface::DownloadFile, "https://%61pi.weixin.qq.com/"),
            (Interface::Socket, "wss://api.weixin.qq.com/"),
        ] {
            assert_eq!(
                policy.check(interface, &Target::parse(url).unwrap()),
                Err(Failure::UrlNotInDomainList),
                "{interface} {url}"
            );
        }
    }

    #[test]
    fn illegal_hosts() {
        let url = |s| Url::parse(s).unwrap();
        assert!(illegal_host(&url("https://.a.com/")).is_some());
        assert!(illegal_host(&url("https://a..b.com/")).is_some());
        assert!(illegal_host(&url("https://a.b.com./")).is_none());
        assert_eq!(
            illegal_host(&url("https://a..b.com/"))
                .unwrap()
                .err_msg("request"),
            "request:fail illegal host: a..b.com"
        );
    }
}
