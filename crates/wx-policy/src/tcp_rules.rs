//! The limits of `wx.createTCPSocket` (its documented connection limits): a peer on the LAN
//! that is not the device itself, or a `tcpdomain` host; never a forbidden port; at most 20
//! sockets created in 5 minutes. Also what `TCPSocket.bindWifi` answers on the simulated
//! device, which never has the Wi-Fi network it names.

use std::{
    collections::VecDeque,
    net::IpAddr,
    ops::RangeInclusive,
    time::{Duration, Instant},
};

use crate::{Interface, PeerAddress, UrlPolicy, config::DeviceProfile, domain::BANNED_HOST};

/// Every port below this one is forbidden.
const FORBIDDEN_BELOW: u16 = 1024;
/// Further forbidden ports: databases, remote desktops, mail and the like.
const FORBIDDEN_PORTS: [u16; 32] = [
    1099, 1433, 1521, 1719, 1720, 1723, 2049, 2375, 3128, 3306, 3389, 3659, 4045, 5060, 5061, 5432,
    5984, 6379, 6000, 6566, 7001, 7002, 8443, 8888, 9200, 9300, 10051, 10080, 11211, 27017, 27018,
    27019,
];
const FORBIDDEN_RANGES: [RangeInclusive<u16>; 1] = [8000..=8100];

/// Whether phones refuse TCP connections to `port`.
pub fn is_forbidden_tcp_port(port: u16) -> bool {
    port < FORBIDDEN_BELOW
        || FORBIDDEN_PORTS.contains(&port)
        || FORBIDDEN_RANGES.iter().any(|range| range.contains(&port))
}

/// Why `TCPSocket.connect` may not go ahead, checked in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpDenied {
    /// Neither an IP address nor a host name, or an IP address of the other family.
    InvalidAddress,
    /// Not an integer from 1 to 65535.
    InvalidPort,
    ForbiddenPort,
    /// Neither a LAN peer nor a `tcpdomain` host (or the banned host).
    NotAllowed,
}

impl TcpDenied {
    /// The failure catalogue's key.
    pub fn key(self) -> &'static str {
        match self {
            TcpDenied::InvalidAddress => "tcpInvalidAddress",
            TcpDenied::InvalidPort => "tcpInvalidPort",
            TcpDenied::ForbiddenPort => "tcpForbiddenPort",
            TcpDenied::NotAllowed => "tcpNotAllowed",
        }
    }
}

impl UrlPolicy {
    /// Decides whether a TCP socket (IPv6 when `v6`) may connect to `address:port`, with the
    /// port as the script gave it (a JavaScript number). The LAN exception needs no base
    /// library gate here: TCPSocket (2.18.0) is newer than it.
    pub fn check_tcp(
        &self,
        address: &str,
        port: f64,
        v6: bool,
    ) -> Result<(PeerAddress, u16), TcpDenied> {
        let target = PeerAddress::parse(address).ok_or(TcpDenied::InvalidAddress)?;
        if let PeerAddress::Ip(ip) = &target
            && ip.is_ipv6() != v6
        {
            return Err(TcpDenied::InvalidAddress);
        }
        if !(port.fract() == 0.0 && (1.0..=65535.0).contains(&port)) {
            return Err(TcpDenied::InvalidPort);
        }
        let port = port as u16;
        if is_forbidden_tcp_port(port) {
            return Err(TcpDenied::ForbiddenPort);
        }
        // The banned host is never reached, whatever urlCheck says.
        if matches!(&target, PeerAddress::Host(host) if host == BANNED_HOST) {
            return Err(TcpDenied::NotAllowed);
        }
        if !self.url_check() {
            return Ok((target, port));
        }
        let allowed = match &target {
            PeerAddress::Ip(IpAddr::V4(addr)) => self.lan().is_some_and(|lan| lan.is_peer(*addr)),
            PeerAddress::Ip(IpAddr::V6(_)) => false,
            PeerAddress::Host(host) => self
                .domains(Interface::Tcp)
                .for_host(host)
                .any(|entry| entry.port().is_none_or(|p| p == port)),
        };
        if allowed {
            Ok((target, port))
        } else {
            Err(TcpDenied::NotAllowed)
        }
    }
}

/// Counts sockets created in a sliding window: at most `limit` in any `window`.
#[derive(Debug)]
pub struct CreationWindow {
    limit: usize,
    window: Duration,
    created: VecDeque<Instant>,
}

impl CreationWindow {
    pub fn new(limit: usize, window: Duration) -> CreationWindow {
        CreationWindow {
            limit,
            window,
            created: VecDeque::with_capacity(limit),
        }
    }

    /// Whether a socket may be created at `now`; counts it when it may.
    pub fn admit(&mut self, now: Instant) -> bool {
        while self
            .created
            .front()
            .is_some_and(|first| now.saturating_duration_since(*first) >= self.window)
        {
            self.created.pop_front();
        }
        if self.created.len() >= self.limit {
            return false;
        }
        self.created.push_back(now);
        true
    }
}

/// Why `bindWifi` fails on the simulated device, as a catalogue key and its detail. It
/// always fails: the device is never on the Wi-Fi network a script names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BindWifiRefusal {
    pub key: &'static str,
    pub detail: String,
}

/// The first Android version whose apps can bind a socket to a Wi-Fi network by BSSID
/// (`WifiNetworkSpecifier`, API level 29).
const BIND_WIFI_ANDROID: u32 = 10;

fn android_version(system: &str) -> Option<u32> {
    let rest = system.trim().strip_prefix("Android")?.trim_start();
    let major: String = rest.chars().take_while(char::is_ascii_digit).collect();
    major.parse().ok()
}

/// A BSSID as `wx.getConnectedWifi` gives it: six hex pairs separated by colons.
fn is_bssid(text: &str) -> bool {
    let pairs: Vec<&str> = text.split(':').collect();
    pairs.len() == 6
        && pairs
            .iter()
            .all(|pair| pair.len() == 2 && pair.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// What `bindWifi({BSSID})` reports on `device`: only Android has it (errCode 5), from
/// Android 10 (6), with a well-formed BSSID (3); past those, the network is not there (4).
pub fn bind_wifi_refusal(device: &DeviceProfile, bssid: Option<&str>) -> BindWifiRefusal {
    let refusal = |key, detail: String| BindWifiRefusal { key, detail };
    if !device.platform.eq_ignore_ascii_case("android") {
        return refusal("tcpBindWifiAndroidOnly", String::new());
    }
    if android_version(&device.system).is_some_and(|v| v < BIND_WIFI_ANDROID) {
        return refusal("tcpAndroidTooOld", device.system.clone());
    }
    match bssid {
        Some(bssid) if is_bssid(bssid) => refusal("tcpBindWifiSystem", bssid.to_string()),
        Some(bssid) => refusal("tcpInvalidBssid", format!("{bssid:?}")),
        None => refusal("tcpInvalidBssid", "undefined".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DomainEntry, DomainList, Lan, LibVersion};

    fn policy(url_check: bool) -> UrlPolicy {
        let tcp = DomainList::new(vec![
            DomainEntry::parse("tcp://game.example.com", Interface::Tcp).unwrap(),
            DomainEntry::parse("chat.example.com:9000", Interface::Tcp).unwrap(),
        ])
        .unwrap();
        let udp = DomainList::new(vec![
            DomainEntry::parse("udp-only.example.com", Interface::Udp).unwrap(),
        ])
        .unwrap();
        let mut domains: [DomainList; 6] = Default::default();
        domains[Interface::Tcp as usize] = tcp;
        domains[Interface::Udp as usize] = udp;
        let lan: Lan = "192.168.1.23/24".parse().unwrap();
        UrlPolicy::new(domains, Some(lan), url_check, LibVersion::NEWEST_MODELLED)
    }

    #[test]
    fn every_documented_port_is_forbidden_and_no_other() {
        let mut documented: Vec<u16> = (0..1024).collect();
        documented.extend([
            1099, 1433, 1521, 1719, 1720, 1723, 2049, 2375, 3128, 3306, 3389, 3659, 4045, 5060,
            5061, 5432, 5984, 6379, 6000, 6566, 7001, 7002,
        ]);
        documented.extend(8000..=8100);
        documented.extend([
            8443, 8888, 9200, 9300, 10051, 10080, 11211, 27017, 27018, 27019,
        ]);
        for port in 0..=u16::MAX {
            assert_eq!(
                is_forbidden_tcp_port(port),
                documented.contains(&port),
                "port {port}"
            );
        }
    }

    /// (urlCheck, address, port, IPv6 socket, expected).
    type Row = (bool, &'static str, f64, bool, Result<(), TcpDenied>);

    #[test]
    fn tcp_address_table() {
        use TcpDenied::*;
        let rows: &[Row] = &[
            (true, "192.168.1.10", 9100.0, false, Ok(())),
            (true, "192.168.1.254", 1024.0, false, Ok(())),
            (true, "192.168.1.23", 9100.0, false, Err(NotAllowed)),
            (true, "192.168.2.10", 9100.0, false, Err(NotAllowed)),
            (true, "8.8.8.8", 9100.0, false, Err(NotAllowed)),
            (true, "game.example.com", 9100.0, false, Ok(())),
            (true, "GAME.example.com.", 40000.0, false, Ok(())),
            (true, "chat.example.com", 9000.0, false, Ok(())),
            (true, "chat.example.com", 9001.0, false, Err(NotAllowed)),
            (true, "udp-only.example.com", 9100.0, false, Err(NotAllowed)),
            (true, "localhost", 9100.0, false, Err(NotAllowed)),
            (true, "::1", 9100.0, true, Err(NotAllowed)),
            (true, "[fe80::1]", 9100.0, true, Err(NotAllowed)),
            (true, "::1", 9100.0, false, Err(InvalidAddress)),
            (true, "192.168.1.10", 9100.0, true, Err(InvalidAddress)),
            (true, "", 9100.0, false, Err(InvalidAddress)),
            (
                true,
                "tcp://192.168.1.10",
                9100.0,
                false,
                Err(InvalidAddress),
            ),
            (
                true,
                "192.168.1.10:9100",
                9100.0,
                false,
                Err(InvalidAddress),
            ),
            (true, "192.168.1.10", 0.0, false, Err(InvalidPort)),
            (true, "192.168.1.10", 65536.0, false, Err(InvalidPort)),
            (true, "192.168.1.10", 9100.5, false, Err(InvalidPort)),
            (true, "192.168.1.10", f64::NAN, false, Err(InvalidPort)),
            (true, "192.168.1.10", -1.0, false, Err(InvalidPort)),
            (true, "192.168.1.10", 80.0, false, Err(ForbiddenPort)),
            (true, "192.168.1.10", 8080.0, false, Err(ForbiddenPort)),
            (true, "192.168.1.10", 3306.0, false, Err(ForbiddenPort)),
            (true, "game.example.com", 443.0, false, Err(ForbiddenPort)),
            // A malformed address is reported before a bad port, a forbidden port before a
            // refused address.
            (true, "", 80.0, false, Err(InvalidAddress)),
            (true, "8.8.8.8", 80.0, false, Err(ForbiddenPort)),
            (false, "8.8.8.8", 9100.0, false, Ok(())),
            (false, "192.168.1.23", 9100.0, false, Ok(())),
            (false, "::1", 9100.0, true, Ok(())),
            (false, "other.example.com", 9100.0, false, Ok(())),
            (false, "8.8.8.8", 80.0, false, Err(ForbiddenPort)),
        ];
        for (check, address, port, v6, expected) in rows {
            assert_eq!(
                policy(*check).check_tcp(address, *port, *v6).map(|_| ()),
                *expected,
                "{address}:{port} v6={v6} urlCheck={check}"
            );
        }
        assert_eq!(
            policy(true).check_tcp("Game.Example.com", 9100.0, false),
            Ok((PeerAddress::Host("game.example.com".into()), 9100))
        );
    }

    #[test]
    fn the_banned_host_is_refused_even_with_url_check_off() {
        for check in [true, false] {
            for address in ["api.weixin.qq.com", "API.Weixin.QQ.com."] {
                assert_eq!(
                    policy(check).check_tcp(address, 9100.0, false),
                    Err(TcpDenied::NotAllowed),
                    "{address} urlCheck={check}"
                );
            }
        }
    }

    #[test]
    fn every_denial_names_a_catalogued_failure() {
        use TcpDenied::*;
        for denied in [InvalidAddress, InvalidPort, ForbiddenPort, NotAllowed] {
            let entry = crate::catalogue::lookup(denied.key()).expect("catalogued");
            assert!(entry.err_code.is_some(), "{denied:?} has an errCode");
        }
        let code = |denied: TcpDenied| crate::catalogue::lookup(denied.key()).unwrap().err_code;
        assert_eq!(code(InvalidAddress), Some(1));
        assert_eq!(code(InvalidPort), Some(2));
        assert_eq!(code(ForbiddenPort), Some(2));
        assert_eq!(code(NotAllowed), Some(-3));
    }

    #[test]
    fn at_most_twenty_in_five_minutes() {
        let mut window = CreationWindow::new(20, Duration::from_secs(300));
        let start = Instant::now();
        let at = |s: u64| start + Duration::from_secs(s);
        for i in 0..20 {
            assert!(window.admit(at(i)), "socket {i}");
        }
        assert!(!window.admit(at(20)));
        assert!(
            !window.admit(at(299)),
            "the first is still inside the window"
        );
        assert!(window.admit(at(300)), "the first left the window");
        assert!(!window.admit(at(300)));
        assert!(window.admit(at(301)), "the second left too");
        // A refused attempt is not counted.
        let mut window = CreationWindow::new(1, Duration::from_secs(300));
        assert!(window.admit(at(0)));
        assert!(!window.admit(at(100)));
        assert!(window.admit(at(300)));
    }

    #[test]
    fn bind_wifi_on_each_platform() {
        let phone = |platform: &str, system: &str| DeviceProfile {
            platform: platform.into(),
            system: system.into(),
            ..DeviceProfile::default()
        };
        let key =
            |device: &DeviceProfile, bssid: Option<&str>| bind_wifi_refusal(device, bssid).key;
        let bssid = Some("aa:BB:cc:01:02:03");
        assert_eq!(
            key(&DeviceProfile::default(), bssid),
            "tcpBindWifiAndroidOnly"
        );
        assert_eq!(
            key(&phone("devtools", "iOS 10.0.1"), bssid),
            "tcpBindWifiAndroidOnly"
        );
        assert_eq!(
            key(&phone("android", "Android 9"), bssid),
            "tcpAndroidTooOld"
        );
        assert_eq!(
            key(&phone("android", "Android 10"), bssid),
            "tcpBindWifiSystem"
        );
        assert_eq!(
            key(&phone("Android", "Android 14.1"), bssid),
            "tcpBindWifiSystem"
        );
        let android = phone("android", "Android 13");
        for bad in [
            "",
            "aa:bb:cc:dd:ee",
            "aa:bb:cc:dd:ee:fg",
            "aabbccddeeff",
            "aa-bb-cc-dd-ee-ff",
        ] {
            assert_eq!(key(&android, Some(bad)), "tcpInvalidBssid", "{bad:?}");
        }
        assert_eq!(key(&android, None), "tcpInvalidBssid");
        assert_eq!(
            bind_wifi_refusal(&android, Some("x")).detail,
            "\"x\"",
            "the detail quotes what was given"
        );
    }
}
