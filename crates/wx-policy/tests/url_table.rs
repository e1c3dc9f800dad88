//! The URL rules of spec section 1, as a table: every rule has rows that pass and rows that
//! fail, across interfaces, base-library versions, LAN settings and urlCheck.

use wx_policy::{
    Access, BANNED_HOST, DomainEntry, DomainError, DomainList, Failure, Interface, Lan, LibVersion,
    Target, UrlPolicy,
};

use Interface::{DownloadFile as D, Request as R, Socket as S, UploadFile as U};

#[derive(Clone, Copy, Debug)]
enum Policy {
    /// urlCheck on, newest base library, LAN 192.168.1.23/24.
    Std,
    /// Base library 2.3.0: before the LAN exception.
    Old,
    /// urlCheck off.
    Off,
    /// No LAN configured.
    NoLan,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Listed,
    Lan,
    /// urlCheck off; the flag marks a plain-text scheme outside the LAN.
    Unchecked(bool),
    NotListed,
    Invalid,
}

use Expect::{Invalid, Lan as LanOk, Listed, NotListed, Unchecked};
use Policy::{NoLan, Off, Old, Std};

/// The banned host as a user would try to list it on `interface`.
fn banned_entry(interface: Interface) -> String {
    format!("{}://{BANNED_HOST}", interface.secure_scheme())
}

fn policy(kind: Policy) -> UrlPolicy {
    // Every list also tries to hold the banned host, as a user might. The entry is refused
    // (`the_banned_host_cannot_be_listed`), so it is left out; were that refusal to break, the
    // host would be listed and the rows of "The banned host" would rest on the runtime ban
    // alone, as the urlCheck-off rows always do.
    let list = |interface: Interface, entries: &[&str]| {
        let mut parsed: Vec<DomainEntry> = entries
            .iter()
            .map(|e| DomainEntry::parse(e, interface).unwrap())
            .collect();
        parsed.extend(DomainEntry::parse(&banned_entry(interface), interface).ok());
        DomainList::new(parsed).unwrap()
    };
    let domains = [
        list(
            R,
            &[
                "https://api.example.com",
                "pay.example.com:8443",
                "https://例子.测试",
                "trail.example.com.",
                "https://xn--e1afmkfd.com",
            ],
        ),
        list(U, &["up.example.com"]),
        list(D, &["dl.example.com", "cdn.example.com:9000"]),
        list(S, &["wss://ws.example.com", "chat.example.com:8443"]),
        DomainList::default(),
        DomainList::default(),
    ];
    let lan: Lan = "192.168.1.23/24".parse().unwrap();
    let (lan, check, lib) = match kind {
        Std => (Some(lan), true, LibVersion::NEWEST_MODELLED),
        Old => (Some(lan), true, LibVersion::new(2, 3, 0)),
        Off => (Some(lan), false, LibVersion::NEWEST_MODELLED),
        NoLan => (None, true, LibVersion::NEWEST_MODELLED),
    };
    UrlPolicy::new(domains, lan, check, lib)
}

const CASES: &[(Policy, Interface, &str, Expect)] = &[
    // --- Schemes: https for the HTTP interfaces, wss for sockets.
    (Std, R, "https://api.example.com/v1/users", Listed),
    (Std, R, "http://api.example.com/v1/users", NotListed),
    (Std, R, "HTTPS://api.example.com/", Listed),
    (Std, R, "wss://api.example.com/", Invalid),
    (Std, R, "ftp://api.example.com/", Invalid),
    (Std, R, "file:///etc/passwd", Invalid),
    (Std, R, "data:text/plain,hi", Invalid),
    (Std, U, "https://up.example.com/upload", Listed),
    (Std, U, "http://up.example.com/upload", NotListed),
    (Std, D, "https://dl.example.com/a.png", Listed),
    (Std, D, "http://dl.example.com/a.png", NotListed),
    (Std, S, "wss://ws.example.com/chat", Listed),
    (Std, S, "ws://ws.example.com/chat", NotListed),
    (Std, S, "https://ws.example.com/chat", Invalid),
    (Std, S, "WSS://WS.EXAMPLE.COM/", Listed),
    // --- Each interface has its own list.
    (Std, U, "https://api.example.com/", NotListed),
    (Std, D, "https://api.example.com/", NotListed),
    (Std, S, "wss://api.example.com/", NotListed),
    (Std, R, "https://up.example.com/", NotListed),
    (Std, R, "https://dl.example.com/", NotListed),
    (Std, R, "https://ws.example.com/", NotListed),
    (Std, D, "https://up.example.com/", NotListed),
    (Std, U, "https://dl.example.com/", NotListed),
    // --- Exact host match: case-insensitive, one trailing dot ignored.
    (Std, R, "https://API.EXAMPLE.COM/", Listed),
    (Std, R, "https://Api.Example.Com/x", Listed),
    (Std, R, "https://api.example.com./", Listed),
    (Std, R, "https://trail.example.com/", Listed),
    (Std, R, "https://trail.example.com./", Listed),
    (Std, R, "https://api.example.com../", NotListed),
    (Std, D, "https://DL.example.COM/file", Listed),
    (Std, S, "wss://ws.example.com./", Listed),
    // --- A parent does not cover subdomains, nor a subdomain its parent.
    (Std, R, "https://example.com/", NotListed),
    (Std, R, "https://v2.api.example.com/", NotListed),
    (Std, R, "https://x.api.example.com/", NotListed),
    (Std, R, "https://www.example.com/", NotListed),
    (Std, S, "wss://a.ws.example.com/", NotListed),
    (Std, D, "https://img.dl.example.com/", NotListed),
    (Std, R, "https://com/", NotListed),
    // --- Lookalike hosts.
    (Std, R, "https://api.example.com.evil.com/", NotListed),
    (Std, R, "https://api.example.co/", NotListed),
    (Std, R, "https://api.example.com-evil.com/", NotListed),
    (Std, R, "https://apiexample.com/", NotListed),
    (Std, R, "https://api-example.com/", NotListed),
    (Std, R, "https://api.examp1e.com/", NotListed),
    (Std, R, "https://evil-api.example.com/", NotListed),
    (Std, R, "https://api.example.comm/", NotListed),
    (Std, R, "https://аpi.example.com/", NotListed),
    (Std, R, "https://api.еxample.com/", NotListed),
    (Std, R, "https://api.example.com%2eevil.com/", NotListed),
    (Std, R, "https://evil.com/api.example.com", NotListed),
    (Std, R, "https://evil.com/?host=api.example.com", NotListed),
    (Std, R, "https://evil.com/#api.example.com", NotListed),
    // --- HTTPS port rule: no port in the entry allows only port-less URLs.
    (Std, R, "https://api.example.com:443/", NotListed),
    (Std, R, "https://api.example.com:8443/", NotListed),
    (Std, R, "https://api.example.com:80/", NotListed),
    (Std, R, "https://api.example.com:/", Listed),
    (Std, R, "https://api.example.com:0443/", NotListed),
    (Std, U, "https://up.example.com:443/", NotListed),
    (Std, D, "https://dl.example.com:443/", NotListed),
    // --- ... and an entry with a port allows only that exact port.
    (Std, R, "https://pay.example.com:8443/order", Listed),
    (Std, R, "https://pay.example.com:08443/order", Listed),
    (Std, R, "https://pay.example.com/order", NotListed),
    (Std, R, "https://pay.example.com:443/order", NotListed),
    (Std, R, "https://pay.example.com:8444/order", NotListed),
    (Std, R, "https://pay.example.com:9443/order", NotListed),
    (Std, D, "https://cdn.example.com:9000/a", Listed),
    (Std, D, "https://cdn.example.com/a", NotListed),
    (Std, D, "https://cdn.example.com:9001/a", NotListed),
    // --- WebSockets: any port on a listed host.
    (Std, S, "wss://ws.example.com:443/", Listed),
    (Std, S, "wss://ws.example.com:8443/", Listed),
    (Std, S, "wss://ws.example.com:1/", Listed),
    (Std, S, "wss://ws.example.com:65535/", Listed),
    (Std, S, "wss://chat.example.com/", Listed),
    (Std, S, "wss://chat.example.com:8443/", Listed),
    (Std, S, "wss://chat.example.com:9999/", Listed),
    (Std, S, "wss://other.example.com:8443/", NotListed),
    // --- Userinfo is not the host: the host after '@' is judged.
    (Std, R, "https://user@api.example.com/", Listed),
    (Std, R, "https://user:pass@api.example.com/", Listed),
    (Std, R, "https://api.example.com@evil.com/", NotListed),
    (Std, R, "https://api.example.com:443@evil.com/", NotListed),
    (Std, R, "https://evil.com@api.example.com/", Listed),
    (Std, R, "https://a:b@pay.example.com:8443/", Listed),
    (Std, R, "https://a:b@pay.example.com/", NotListed),
    (Std, S, "wss://api.example.com@ws.example.com/", Listed),
    (Std, S, "wss://ws.example.com@evil.com/", NotListed),
    (Std, R, "https://api.example.com%40evil.com/", Invalid),
    // --- Non-ASCII and percent-encoded hosts, judged after WHATWG parsing (punycode).
    (Std, R, "https://例子.测试/path", Listed),
    (Std, R, "https://xn--fsqu00a.xn--0zwm56d/path", Listed),
    (Std, R, "https://XN--FSQU00A.XN--0ZWM56D/path", Listed),
    (Std, R, "https://例子。测试/path", Listed),
    (
        Std,
        R,
        "https://%E4%BE%8B%E5%AD%90.%E6%B5%8B%E8%AF%95/",
        Listed,
    ),
    (Std, R, "https://例子.测试:443/", NotListed),
    (Std, R, "https://例子.com/", NotListed),
    (Std, R, "https://%61pi.example.com/", Listed),
    (Std, R, "https://api.%65xample.com/", Listed),
    (Std, R, "https://API.EXAMPLE.%43OM/", Listed),
    (Std, R, "https://пример.com/", Listed),
    (Std, R, "https://xn--e1afmkfd.com/", Listed),
    (Std, R, "https://ПРИМЕР.com/", Listed),
    (Std, R, "https://пример.рф/", NotListed),
    (Std, R, "https://api.example.com\u{ff0e}/", Listed),
    // --- The banned host, even with urlCheck off.
    (
        Std,
        R,
        "https://api.weixin.qq.com/sns/jscode2session",
        NotListed,
    ),
    (Std, R, "https://API.WEIXIN.QQ.COM/", NotListed),
    (Std, R, "https://api.weixin.qq.com./", NotListed),
    (Std, R, "https://x@api.weixin.qq.com/", NotListed),
    (Std, R, "https://api.weixin.qq.com:443/", NotListed),
    (Std, R, "https://%61pi.weixin.qq.com/", NotListed),
    (Std, D, "https://api.weixin.qq.com/cgi-bin/media", NotListed),
    (Std, S, "wss://api.weixin.qq.com/", NotListed),
    (
        Off,
        R,
        "https://api.weixin.qq.com/sns/jscode2session",
        NotListed,
    ),
    (Off, R, "http://api.weixin.qq.com/", NotListed),
    (Off, R, "https://API.weixin.QQ.com./", NotListed),
    (Off, U, "https://api.weixin.qq.com/", NotListed),
    (Off, S, "wss://api.weixin.qq.com/", NotListed),
    (Std, R, "https://weixin.qq.com/", NotListed),
    (Off, R, "https://weixin.qq.com/", Unchecked(false)),
    (Off, R, "https://open.weixin.qq.com/", Unchecked(false)),
    // --- IP literals are never listed.
    (Std, R, "https://8.8.8.8/", NotListed),
    (Std, R, "https://127.0.0.1/", NotListed),
    (Std, R, "https://[::1]/", NotListed),
    (Std, R, "https://[2001:db8::1]:8443/", NotListed),
    (Std, S, "wss://10.0.0.1/", NotListed),
    (Std, R, "https://localhost/", NotListed),
    (Std, R, "http://localhost:8080/", NotListed),
    // --- LAN exception: an IPv4 peer in the device's subnet, http or https, any port.
    (Std, R, "http://192.168.1.10/", LanOk),
    (Std, R, "https://192.168.1.10/", LanOk),
    (Std, R, "http://192.168.1.10:8080/api", LanOk),
    (Std, R, "http://192.168.1.1/", LanOk),
    (Std, R, "http://192.168.1.254/", LanOk),
    (Std, R, "http://192.168.1.255/", LanOk),
    (Std, R, "http://192.168.1.0/", LanOk),
    (Std, U, "http://192.168.1.50/upload", LanOk),
    (Std, D, "http://192.168.1.50/file", LanOk),
    (Std, S, "ws://192.168.1.50:9000/", LanOk),
    (Std, S, "wss://192.168.1.50/", LanOk),
    (Std, R, "http://user@192.168.1.10/", LanOk),
    // --- ... but not the device's own address, nor outside the subnet.
    (Std, R, "http://192.168.1.23/", NotListed),
    (Std, R, "https://192.168.1.23:8080/", NotListed),
    (Std, S, "ws://192.168.1.23/", NotListed),
    (Std, R, "http://192.168.2.10/", NotListed),
    (Std, R, "http://192.168.0.10/", NotListed),
    (Std, R, "http://10.0.0.1/", NotListed),
    (Std, R, "http://172.16.0.1/", NotListed),
    (Std, R, "http://127.0.0.1/", NotListed),
    (Std, R, "http://[::ffff:192.168.1.10]/", NotListed),
    (Std, R, "http://[fe80::1]/", NotListed),
    // --- IPv4 in decimal, octal and hex forms: the parsed address is judged.
    (Std, R, "http://3232235786/", LanOk),
    (Std, R, "http://0300.0250.1.012/", LanOk),
    (Std, R, "http://0xC0.0xA8.0x01.0x0A/", LanOk),
    (Std, R, "http://0xc0a8010a/", LanOk),
    (Std, R, "http://192.168.266/", LanOk),
    (Std, R, "http://192.11010305/", LanOk),
    (Std, R, "http://3232235799/", NotListed),
    (Std, R, "http://0300.0250.1.027/", NotListed),
    (Std, R, "http://0x7f000001/", NotListed),
    (Std, R, "http://2130706433/", NotListed),
    (Std, R, "http://017700000001/", NotListed),
    (Std, R, "http://0300.0250.2.1/", NotListed),
    // --- The LAN exception needs base library 2.4.0 and a configured LAN.
    (Old, R, "http://192.168.1.10/", NotListed),
    (Old, R, "https://192.168.1.10/", NotListed),
    (Old, S, "ws://192.168.1.10/", NotListed),
    (Old, R, "https://api.example.com/", Listed),
    (Old, R, "https://api.example.com:443/", NotListed),
    (NoLan, R, "http://192.168.1.10/", NotListed),
    (NoLan, R, "https://api.example.com/", Listed),
    // --- urlCheck off: lists, schemes and ports are skipped.
    (Off, R, "https://anything.example.org/", Unchecked(false)),
    (Off, R, "http://anything.example.org/", Unchecked(true)),
    (Off, R, "https://api.example.com:443/", Unchecked(false)),
    (Off, R, "https://8.8.8.8:8443/", Unchecked(false)),
    (Off, R, "http://127.0.0.1:3000/", Unchecked(true)),
    (Off, R, "http://localhost:3000/", Unchecked(true)),
    (Off, R, "http://192.168.1.10/", Unchecked(false)),
    (Off, R, "http://192.168.1.23/", Unchecked(true)),
    (Off, U, "http://up.example.org/", Unchecked(true)),
    (Off, D, "https://cdn.example.org:9/", Unchecked(false)),
    (Off, S, "ws://chat.example.org/", Unchecked(true)),
    (Off, S, "wss://chat.example.org/", Unchecked(false)),
    (Off, S, "ws://192.168.1.99/", Unchecked(false)),
    (Off, R, "ftp://anything.example.org/", Invalid),
    (Off, S, "http://chat.example.org/", Invalid),
];

fn judge(kind: Policy, interface: Interface, raw: &str) -> Expect {
    let Ok(target) = Target::parse(raw) else {
        return Invalid;
    };
    match policy(kind).check(interface, &target) {
        Ok(Access::Listed) => Listed,
        Ok(Access::Lan) => LanOk,
        Ok(Access::Unchecked {
            insecure_outside_lan,
        }) => Unchecked(insecure_outside_lan),
        Err(Failure::UrlNotInDomainList) => NotListed,
        Err(Failure::InvalidUrl(_)) => Invalid,
        Err(other) => panic!("{raw}: unexpected failure {other:?}"),
    }
}

#[test]
fn url_table() {
    assert!(CASES.len() >= 150, "the table has {} rows", CASES.len());
    let mut wrong = Vec::new();
    for &(kind, interface, raw, expected) in CASES {
        let got = judge(kind, interface, raw);
        if got != expected {
            wrong.push(format!(
                "{kind:?} {interface} {raw}: expected {expected:?}, got {got:?}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} rows disagree:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The configuration route: however it is spelled, the banned host is not an entry.
#[test]
fn the_banned_host_cannot_be_listed() {
    for interface in Interface::ALL {
        for text in [
            banned_entry(interface),
            BANNED_HOST.to_string(),
            "API.WEIXIN.QQ.COM.".to_string(),
            format!("{BANNED_HOST}:8443"),
            "%61pi.weixin.qq.com".to_string(),
        ] {
            assert_eq!(
                DomainEntry::parse(&text, interface),
                Err(DomainError::Banned),
                "{interface} {text}"
            );
        }
    }
}

/// Every redirect hop is judged again, with the port spelling of the hop.
#[test]
fn redirect_hops_are_checked_again() {
    let policy = policy(Std);
    let start = Target::parse("https://api.example.com/login").unwrap();
    let hops = [
        ("/home", Ok(Access::Listed)),
        ("https://pay.example.com:8443/pay", Ok(Access::Listed)),
        (
            "https://pay.example.com/pay",
            Err(Failure::UrlNotInDomainList),
        ),
        (
            "https://api.example.com:443/x",
            Err(Failure::UrlNotInDomainList),
        ),
        ("https://evil.com/", Err(Failure::UrlNotInDomainList)),
        ("//evil.com/x", Err(Failure::UrlNotInDomainList)),
        ("http://api.example.com/x", Err(Failure::UrlNotInDomainList)),
        ("http://192.168.1.10/x", Ok(Access::Lan)),
        (
            "https://api.weixin.qq.com/",
            Err(Failure::UrlNotInDomainList),
        ),
        ("https://up.example.com/", Err(Failure::UrlNotInDomainList)),
    ];
    for (location, expected) in hops {
        let hop = start.redirect(location).unwrap();
        assert_eq!(policy.check(R, &hop), expected, "redirect to {location}");
    }
    let on_port = Target::parse("https://pay.example.com:8443/a").unwrap();
    assert_eq!(
        policy.check(R, &on_port.redirect("/b").unwrap()),
        Ok(Access::Listed),
        "a relative hop keeps the explicit port"
    );
}

/// A refused URL comes with the change that would allow it; an allowed one with none.
#[test]
fn refusals_name_the_fix() {
    let policy = policy(Std);
    let hint = |interface, raw: &str| policy.refusal_hint(interface, &Target::parse(raw).unwrap());
    let text = hint(R, "https://new.example.com/v1").unwrap();
    assert!(
        text.contains("add \"https://new.example.com\" to \"requestdomain\" in wxrun.json"),
        "{text}"
    );
    let text = hint(R, "https://api.example.com:8443/x").unwrap();
    assert!(text.contains("\"https://api.example.com:8443\""), "{text}");
    let text = hint(S, "wss://other.example.com/").unwrap();
    assert!(text.contains("to \"wsrequestdomain\""), "{text}");
    let text = hint(R, "http://api.example.com/x").unwrap();
    assert!(text.contains("only over https://"), "{text}");
    let text = hint(R, "https://10.1.2.3/x").unwrap();
    assert!(text.contains("set \"lan\" in wxrun.json"), "{text}");
    let text = hint(R, "https://api.weixin.qq.com/sns").unwrap();
    assert!(text.contains("from your server"), "{text}");
    assert_eq!(hint(R, "https://api.example.com/x"), None);
    assert_eq!(hint(R, "ftp://api.example.com/x"), None);
}
