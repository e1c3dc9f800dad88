//! The URL policy (wx-policy) and configuration loading.

use std::path::Path;

use wx_policy::{
    Access, BANNED_HOST, DomainEntry, DomainList, HostKey, Interface, Lan, LibVersion, PeerAddress,
    Target, UrlPolicy,
    config::{Overrides, load},
    illegal_host,
};

use crate::{Bytes, scratch};

fn policy(url_check: bool, lib: LibVersion) -> UrlPolicy {
    let list = |interface: Interface, entries: &[&str]| {
        DomainList::new(
            entries
                .iter()
                .map(|entry| DomainEntry::parse(entry, interface).expect("a valid entry"))
                .collect(),
        )
        .expect("a short list")
    };
    let mut domains: [DomainList; 6] = Default::default();
    domains[Interface::Request as usize] = list(
        Interface::Request,
        &["api.example.com", "pay.example.com:8443"],
    );
    domains[Interface::Socket as usize] = list(Interface::Socket, &["ws.example.com"]);
    domains[Interface::Udp as usize] = list(Interface::Udp, &["udp.example.com:9000"]);
    let lan: Lan = "192.168.1.23/24".parse().expect("a valid LAN");
    UrlPolicy::new(domains, Some(lan), url_check, lib)
}

fn is_banned(target: &Target) -> bool {
    matches!(target.host_key(), Some(HostKey::Domain(host)) if host == BANNED_HOST)
}

/// Checks one URL (and a redirect from it) against the rules, and the invariants every
/// decision keeps: the banned host never passes; a listed URL uses the secure scheme and a
/// listed host.
fn check(policy: &UrlPolicy, interface: Interface, target: &Target) {
    let decision = policy.check(interface, target);
    if is_banned(target) {
        assert!(
            decision.is_err(),
            "the banned host passed: {}",
            target.url()
        );
    }
    if let Ok(Access::Listed) = decision {
        assert_eq!(target.url().scheme(), interface.secure_scheme());
        let Some(HostKey::Domain(host)) = target.host_key() else {
            panic!("a listed URL without a domain: {}", target.url());
        };
        assert!(
            policy.domains(interface).for_host(&host).next().is_some(),
            "{host} passed as listed"
        );
    }
    let _ = illegal_host(target.url());
}

pub fn url_policy(data: &[u8]) {
    let mut bytes = Bytes::new(data);
    let interface = Interface::ALL[bytes.choose(Interface::ALL.len())];
    let url_check = bytes.flag();
    let lib = [
        LibVersion::new(1, 3, 0),
        LibVersion::new(2, 9, 0),
        LibVersion::NEWEST_MODELLED,
    ][bytes.choose(3)];
    let policy = policy(url_check, lib);
    let url = bytes.field();
    let location = bytes.field();
    if let Ok(target) = Target::parse(&url) {
        check(&policy, interface, &target);
        if let Ok(next) = target.redirect(&location) {
            check(&policy, interface, &next);
        }
    }
    // The same text as a configured entry: what is accepted stays accepted when written back.
    if let Ok(entry) = DomainEntry::parse(&url, interface) {
        assert_ne!(entry.host(), BANNED_HOST);
        assert!(!entry.host().contains('*'));
        let again = DomainEntry::parse(&entry.to_string(), interface).expect("round trip");
        assert_eq!(again, entry);
    }
    if let Some(target) = PeerAddress::parse(&url) {
        let port = u16::from(bytes.byte()) * 256 + u16::from(bytes.byte());
        let decision = policy.check_udp(&target, port, bytes.flag());
        if matches!(&target, PeerAddress::Host(host) if host == BANNED_HOST) {
            assert!(decision.is_err(), "UDP to the banned host passed");
        }
    }
    let tcp_port = f64::from(u16::from(bytes.byte()) * 256 + u16::from(bytes.byte()));
    if let Ok((target, port)) = policy.check_tcp(&url, tcp_port, bytes.flag()) {
        assert!(
            !matches!(&target, PeerAddress::Host(host) if host == BANNED_HOST),
            "TCP to the banned host passed"
        );
        assert!(
            !wx_policy::is_forbidden_tcp_port(port),
            "TCP to port {port} passed"
        );
    }
}

const PROJECT_FILES: [&str; 4] = [
    "wxrun.json",
    "project.config.json",
    "project.private.config.json",
    "app.json",
];

/// One configuration file (and some flags) loaded: an error names the file or the flag,
/// never a panic; a loaded configuration describes itself.
pub fn config_load(data: &[u8]) {
    let mut bytes = Bytes::new(data);
    let dir = scratch().join("config");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a project folder");
    let name = PROJECT_FILES[bytes.choose(PROJECT_FILES.len())];
    let mut overrides = Overrides::default();
    for _ in 0..bytes.choose(3) {
        let value = bytes.field();
        match bytes.choose(6) {
            0 => overrides.connect_to.push(value),
            1 => overrides.lan = Some(value),
            2 => overrides.lib_version = Some(value),
            3 => overrides.release = Some(value),
            4 => overrides.appid = Some(value),
            _ => overrides.user_agent = Some(value),
        }
    }
    if name == "app.json" {
        // app.json is read only for a project: give it one.
        std::fs::write(dir.join("project.config.json"), "{}").expect("a project file");
    }
    std::fs::write(dir.join(name), bytes.rest()).expect("a configuration file");
    match load(&dir, &overrides) {
        Ok(config) => {
            let _ = config.describe();
            let _ = config.url_policy();
            for rule in &config.connect_to {
                assert_ne!(
                    wx_policy::normalise_domain(&rule.value.target_host),
                    BANNED_HOST
                );
            }
        }
        Err(error) => {
            let text = error.to_string();
            let named =
                error.file.as_deref().is_some_and(|file| {
                    file.starts_with(&dir) || file == Path::new(&dir.join(name))
                }) || error.key.starts_with("--");
            assert!(named, "an error that names no file or flag: {text}");
        }
    }
}
