//! The address a UDP datagram or a TCP connection goes to, as the script wrote it.

use std::net::IpAddr;

use crate::domain::normalise_domain;

/// An IP address or a host name given to `UDPSocket.send`/`connect` or `TCPSocket.connect`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeerAddress {
    Ip(IpAddr),
    /// A host name, normalised, to be resolved (or routed by `connectTo`) after the check.
    Host(String),
}

impl PeerAddress {
    /// `None` for text that is neither an IP address (IPv6 with or without brackets) nor a
    /// plausible host name (empty, or holding `/`, `@`, `:` or spaces, as a URL would).
    pub fn parse(address: &str) -> Option<PeerAddress> {
        let address = address.trim();
        if address.is_empty() {
            return None;
        }
        let bare = address.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return Some(PeerAddress::Ip(ip));
        }
        if address.contains(['/', ' ', '@', ':']) {
            return None;
        }
        Some(PeerAddress::Host(normalise_domain(address)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_names() {
        assert_eq!(
            PeerAddress::parse(" 192.168.1.2 "),
            Some(PeerAddress::Ip("192.168.1.2".parse().unwrap()))
        );
        assert_eq!(
            PeerAddress::parse("[::1]"),
            Some(PeerAddress::Ip("::1".parse().unwrap()))
        );
        assert_eq!(
            PeerAddress::parse("Game.Example.com."),
            Some(PeerAddress::Host("game.example.com".into()))
        );
        for bad in ["", "  ", "a b", "http://x/", "user@host", "host:80"] {
            assert_eq!(PeerAddress::parse(bad), None, "{bad:?}");
        }
    }
}
