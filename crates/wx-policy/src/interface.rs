//! The network interfaces of the platform, each with its own domain list and limits.

use std::fmt;

/// One family of network calls. Each has its own domain list in the server-domain settings
/// and, for the HTTP ones, its own task pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Interface {
    Request,
    UploadFile,
    DownloadFile,
    Socket,
    Udp,
    Tcp,
}

impl Interface {
    pub const ALL: [Interface; 6] = [
        Interface::Request,
        Interface::UploadFile,
        Interface::DownloadFile,
        Interface::Socket,
        Interface::Udp,
        Interface::Tcp,
    ];

    /// The `wx` API whose errMsg prefix failures of this interface carry.
    pub fn api_name(self) -> &'static str {
        match self {
            Interface::Request => "request",
            Interface::UploadFile => "uploadFile",
            Interface::DownloadFile => "downloadFile",
            Interface::Socket => "connectSocket",
            Interface::Udp => "UDPSocket",
            Interface::Tcp => "TCPSocket",
        }
    }

    /// The field name of the official server-domain settings, used as-is in `wxrun.json`
    /// so that the output of the server-domain API can be pasted in.
    pub fn domain_key(self) -> &'static str {
        match self {
            Interface::Request => "requestdomain",
            Interface::UploadFile => "uploaddomain",
            Interface::DownloadFile => "downloaddomain",
            Interface::Socket => "wsrequestdomain",
            Interface::Udp => "udpdomain",
            Interface::Tcp => "tcpdomain",
        }
    }

    /// The scheme a listed domain is reached with.
    pub fn secure_scheme(self) -> &'static str {
        match self {
            Interface::Request | Interface::UploadFile | Interface::DownloadFile => "https",
            Interface::Socket => "wss",
            Interface::Udp => "udp",
            Interface::Tcp => "tcp",
        }
    }

    /// The plain-text scheme allowed only under the LAN exception (or with urlCheck off).
    pub fn insecure_scheme(self) -> Option<&'static str> {
        match self {
            Interface::Request | Interface::UploadFile | Interface::DownloadFile => Some("http"),
            Interface::Socket => Some("ws"),
            Interface::Udp | Interface::Tcp => None,
        }
    }

    /// Whether a domain entry without a port still allows any port. True for WebSockets
    /// (current documentation); HTTPS entries without a port allow only port-less URLs.
    pub fn any_port_on_listed_host(self) -> bool {
        !matches!(
            self,
            Interface::Request | Interface::UploadFile | Interface::DownloadFile
        )
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Interface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.api_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The errMsg prefixes and configuration keys of every interface.
    #[test]
    fn names_per_interface() {
        let names: Vec<(String, &str, &str)> = Interface::ALL
            .iter()
            .map(|i| (i.to_string(), i.domain_key(), i.secure_scheme()))
            .collect();
        assert_eq!(
            names,
            [
                ("request".to_string(), "requestdomain", "https"),
                ("uploadFile".to_string(), "uploaddomain", "https"),
                ("downloadFile".to_string(), "downloaddomain", "https"),
                ("connectSocket".to_string(), "wsrequestdomain", "wss"),
                ("UDPSocket".to_string(), "udpdomain", "udp"),
                ("TCPSocket".to_string(), "tcpdomain", "tcp"),
            ]
        );
    }
}
