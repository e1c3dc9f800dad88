//! Base-library versions (`libVersion`, `SDKVersion`), compared numerically.

use std::{fmt, str::FromStr};

/// A base-library version such as `2.30.3`. Missing parts count as zero, so `2.4` equals
/// `2.4.0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LibVersion {
    pub major: u16,
    pub minor: u16,
    pub patch: u16,
}

impl LibVersion {
    pub const fn new(major: u16, minor: u16, patch: u16) -> Self {
        LibVersion {
            major,
            minor,
            patch,
        }
    }

    /// The newest base library whose API definitions wxrun models (the official typings it
    /// ships the inventory of). It is the default `libVersion`.
    pub const NEWEST_MODELLED: LibVersion = LibVersion::new(3, 15, 2);

    /// Since this version the three HTTP interfaces queue tasks beyond their pool instead of
    /// failing.
    pub const TASK_QUEUE: LibVersion = LibVersion::new(1, 4, 0);
    /// Since this version several WebSockets may be open at once.
    pub const MULTIPLE_SOCKETS: LibVersion = LibVersion::new(1, 7, 0);
    /// Since this version `downloadFile` accepts `filePath`.
    pub const DOWNLOAD_FILE_PATH: LibVersion = LibVersion::new(1, 8, 0);
    /// Since this version LAN addresses skip the domain list.
    pub const LAN_EXCEPTION: LibVersion = LibVersion::new(2, 4, 0);
    /// Since this version the per-call `timeout` option is honoured.
    pub const TIMEOUT_OPTION: LibVersion = LibVersion::new(2, 10, 0);
    /// Since this version fail results carry a numeric `errno`.
    pub const ERRNO: LibVersion = LibVersion::new(2, 24, 0);
    /// Since this version `wx.request` accepts `redirect`.
    pub const REDIRECT_OPTION: LibVersion = LibVersion::new(3, 2, 2);
    /// Since this version TCPSocket has `bindWifi` and its listener pair.
    pub const TCP_BIND_WIFI: LibVersion = LibVersion::new(2, 25, 0);
    /// Since this version `onConnect` reports `useHttpDNS` and `exception`.
    pub const TCP_CONNECT_RESULT: LibVersion = LibVersion::new(3, 4, 0);
    /// Since this version `onConnect` also reports `localInfo` and `remoteInfo`.
    pub const TCP_CONNECT_INFO: LibVersion = LibVersion::new(3, 4, 1);
    /// Since this version `wx.createTCPSocket` takes `type: 'ipv6'`.
    pub const TCP_IPV6: LibVersion = LibVersion::new(3, 6, 4);
}

impl Default for LibVersion {
    fn default() -> Self {
        LibVersion::NEWEST_MODELLED
    }
}

impl fmt::Display for LibVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Why a text is not a base-library version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a base-library version: expected up to three dot-separated numbers such as \"2.30.3\""
)]
pub struct BadVersion(pub String);

impl FromStr for LibVersion {
    type Err = BadVersion;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || BadVersion(text.to_string());
        let mut parts = [0u16; 3];
        for (index, piece) in text.trim().split('.').enumerate() {
            if index == 3 || piece.is_empty() || !piece.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            parts[index] = piece.parse().map_err(|_| bad())?;
        }
        Ok(LibVersion::new(parts[0], parts[1], parts[2]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders_numerically() {
        let v = |s: &str| s.parse::<LibVersion>().unwrap();
        assert!(v("2.10.0") > v("2.9.9"));
        assert!(v("1.9.90") > v("1.9.9"));
        assert_eq!(v("2.4"), v("2.4.0"));
        assert_eq!(v("3"), LibVersion::new(3, 0, 0));
        assert_eq!(v(" 2.30.3 ").to_string(), "2.30.3");
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "", "2..1", "v2.1", "2.1.1.1", "2.x", "-1", "2.1.", "99999999", "2.+4.0", "2. 4",
        ] {
            assert!(bad.parse::<LibVersion>().is_err(), "{bad} should fail");
        }
    }
}
