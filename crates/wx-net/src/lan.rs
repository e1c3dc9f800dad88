//! The device's LAN when none is configured: the first non-loopback IPv4 interface.

use wx_policy::Lan;

/// The first non-loopback IPv4 interface as a [`Lan`], with the interface name.
pub fn detect_lan() -> Option<(Lan, String)> {
    let interfaces = if_addrs::get_if_addrs().ok()?;
    interfaces
        .into_iter()
        .find_map(|interface| match interface.addr {
            if_addrs::IfAddr::V4(v4) if !v4.ip.is_loopback() => {
                Lan::new(v4.ip, v4.prefixlen).map(|lan| (lan, interface.name))
            }
            _ => None,
        })
}
