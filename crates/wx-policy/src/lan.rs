//! The device's local network, for the LAN exception of the URL rules and the UDP address rule.

use std::{fmt, net::Ipv4Addr, str::FromStr};

/// The device's own IPv4 address and the prefix length of its subnet (`192.168.1.23/24`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lan {
    device: Ipv4Addr,
    prefix_len: u8,
}

/// Why a text is not a device address in CIDR form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an IPv4 address with a prefix length, such as \"192.168.1.23/24\"")]
pub struct BadCidr(pub String);

impl Lan {
    pub fn new(device: Ipv4Addr, prefix_len: u8) -> Option<Lan> {
        (prefix_len <= 32).then_some(Lan { device, prefix_len })
    }

    pub fn device(&self) -> Ipv4Addr {
        self.device
    }

    pub fn prefix_len(&self) -> u8 {
        self.prefix_len
    }

    fn mask(&self) -> u32 {
        match self.prefix_len {
            0 => 0,
            n => u32::MAX << (32 - u32::from(n)),
        }
    }

    /// The subnet's directed broadcast address.
    pub fn broadcast(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.device) | !self.mask())
    }

    /// Whether `addr` is in the device's subnet.
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        u32::from(addr) & self.mask() == u32::from(self.device) & self.mask()
    }

    /// The LAN exception: inside the subnet and not the device itself.
    pub fn is_peer(&self, addr: Ipv4Addr) -> bool {
        self.contains(addr) && addr != self.device
    }
}

impl fmt::Display for Lan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.device, self.prefix_len)
    }
}

impl FromStr for Lan {
    type Err = BadCidr;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || BadCidr(text.to_string());
        let (addr, prefix) = text.trim().split_once('/').ok_or_else(bad)?;
        let device: Ipv4Addr = addr.parse().map_err(|_| bad())?;
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let prefix_len: u8 = prefix.parse().map_err(|_| bad())?;
        Lan::new(device, prefix_len).ok_or_else(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peers_are_in_the_subnet_but_not_the_device() {
        let lan: Lan = "192.168.1.23/24".parse().unwrap();
        assert!(lan.is_peer("192.168.1.1".parse().unwrap()));
        assert!(lan.is_peer("192.168.1.255".parse().unwrap()));
        assert!(!lan.is_peer("192.168.1.23".parse().unwrap()));
        assert!(!lan.is_peer("192.168.2.1".parse().unwrap()));
        assert_eq!(lan.broadcast(), Ipv4Addr::new(192, 168, 1, 255));
        let loopback: Lan = "127.0.0.1/8".parse().unwrap();
        assert!(loopback.is_peer(Ipv4Addr::new(127, 0, 0, 2)));
        assert_eq!(loopback.broadcast(), Ipv4Addr::new(127, 255, 255, 255));
    }

    #[test]
    fn rejects_malformed_cidr() {
        for bad in [
            "192.168.1.23",
            "192.168.1.23/33",
            "192.168.1/24",
            "::1/64",
            "a/24",
            "1.2.3.4/",
            "1.2.3.4/+8",
        ] {
            assert!(bad.parse::<Lan>().is_err(), "{bad}");
        }
        assert_eq!("10.0.0.1/0".parse::<Lan>().unwrap().prefix_len(), 0);
        assert_eq!("10.0.0.1/24".parse::<Lan>().unwrap().prefix_len(), 24);
    }
}
