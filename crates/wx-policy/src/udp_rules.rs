//! Which addresses a UDP socket may send to (spec section 9): a LAN peer (in the device's subnet,
//! not the device itself) or a `udpdomain` host; broadcast only with `setBroadcast`.

use std::net::{IpAddr, Ipv4Addr};

use crate::{Interface, PeerAddress, UrlPolicy, domain::BANNED_HOST};

/// Why a datagram may not be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UdpDenied {
    /// Neither a LAN peer nor a `udpdomain` host.
    NotAllowed,
    /// A broadcast address without `setBroadcast: true`.
    BroadcastNeedsFlag,
}

impl UdpDenied {
    pub fn reason(self) -> &'static str {
        let key = match self {
            UdpDenied::NotAllowed => "urlNotInDomainList",
            UdpDenied::BroadcastNeedsFlag => "udpBroadcastNeedsFlag",
        };
        crate::catalogue::known(key).text
    }
}

impl UrlPolicy {
    fn is_broadcast(&self, addr: Ipv4Addr) -> bool {
        addr == Ipv4Addr::BROADCAST || self.lan().is_some_and(|lan| lan.broadcast() == addr)
    }

    /// Decides whether a UDP socket may send to `target` on `port`.
    pub fn check_udp(
        &self,
        target: &PeerAddress,
        port: u16,
        set_broadcast: bool,
    ) -> Result<(), UdpDenied> {
        // The banned host is never reached, whatever urlCheck says.
        if matches!(target, PeerAddress::Host(host) if host == BANNED_HOST) {
            return Err(UdpDenied::NotAllowed);
        }
        if let PeerAddress::Ip(IpAddr::V4(addr)) = target
            && self.is_broadcast(*addr)
        {
            return if set_broadcast {
                Ok(())
            } else {
                Err(UdpDenied::BroadcastNeedsFlag)
            };
        }
        if !self.url_check() {
            return Ok(());
        }
        match target {
            PeerAddress::Ip(IpAddr::V4(addr)) => {
                if self.lan().is_some_and(|lan| lan.is_peer(*addr)) {
                    Ok(())
                } else {
                    Err(UdpDenied::NotAllowed)
                }
            }
            PeerAddress::Ip(IpAddr::V6(_)) => Err(UdpDenied::NotAllowed),
            PeerAddress::Host(host) => {
                let listed = self
                    .domains(Interface::Udp)
                    .for_host(host)
                    .any(|entry| entry.port().is_none_or(|p| p == port));
                if listed {
                    Ok(())
                } else {
                    Err(UdpDenied::NotAllowed)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DomainEntry, DomainList, Lan, LibVersion};

    fn policy(url_check: bool) -> UrlPolicy {
        let udp = DomainList::new(vec![
            DomainEntry::parse("udp://game.example.com", Interface::Udp).unwrap(),
            DomainEntry::parse("voice.example.com:9000", Interface::Udp).unwrap(),
        ])
        .unwrap();
        let mut domains: [DomainList; 6] = Default::default();
        domains[Interface::Udp as usize] = udp;
        let lan: Lan = "192.168.1.23/24".parse().unwrap();
        UrlPolicy::new(domains, Some(lan), url_check, LibVersion::NEWEST_MODELLED)
    }

    /// (urlCheck, address, port, setBroadcast, expected).
    type Row = (bool, &'static str, u16, bool, Result<(), UdpDenied>);

    #[test]
    fn udp_address_table() {
        use UdpDenied::*;
        let rows: &[Row] = &[
            (true, "192.168.1.10", 9, false, Ok(())),
            (true, "192.168.1.254", 9, false, Ok(())),
            (true, "192.168.1.23", 9, false, Err(NotAllowed)),
            (true, "192.168.2.10", 9, false, Err(NotAllowed)),
            (true, "8.8.8.8", 53, false, Err(NotAllowed)),
            (true, "::1", 9, false, Err(NotAllowed)),
            (true, "[fe80::1]", 9, false, Err(NotAllowed)),
            (true, "game.example.com", 1234, false, Ok(())),
            (true, "GAME.example.com.", 1, false, Ok(())),
            (true, "voice.example.com", 9000, false, Ok(())),
            (true, "voice.example.com", 9001, false, Err(NotAllowed)),
            (true, "other.example.com", 9000, false, Err(NotAllowed)),
            (true, "192.168.1.255", 9, false, Err(BroadcastNeedsFlag)),
            (true, "192.168.1.255", 9, true, Ok(())),
            (true, "255.255.255.255", 9, false, Err(BroadcastNeedsFlag)),
            (true, "255.255.255.255", 9, true, Ok(())),
            (false, "8.8.8.8", 53, false, Ok(())),
            (false, "255.255.255.255", 9, false, Err(BroadcastNeedsFlag)),
            (false, "other.example.com", 1, false, Ok(())),
        ];
        for (check, address, port, broadcast, expected) in rows {
            let target = PeerAddress::parse(address).unwrap();
            assert_eq!(
                policy(*check).check_udp(&target, *port, *broadcast),
                *expected,
                "{address}:{port} broadcast={broadcast} urlCheck={check}"
            );
        }
        assert_eq!(NotAllowed.reason(), "url not in domain list");
        assert_eq!(
            BroadcastNeedsFlag.reason(),
            "broadcast needs setBroadcast: true"
        );
        assert_eq!(PeerAddress::parse(""), None);
        assert_eq!(PeerAddress::parse("a b"), None);
    }

    #[test]
    fn the_banned_host_is_refused_even_with_url_check_off() {
        for check in [true, false] {
            for address in ["api.weixin.qq.com", "API.Weixin.QQ.com."] {
                let target = PeerAddress::parse(address).unwrap();
                assert_eq!(
                    policy(check).check_udp(&target, 443, false),
                    Err(UdpDenied::NotAllowed),
                    "{address} urlCheck={check}"
                );
            }
        }
    }
}
