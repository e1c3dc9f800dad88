//! wx-testkit: real servers for wxrun's tests, on loopback with random ports. HTTPS (HTTP/1.1
//! and HTTP/2 by ALPN) and WSS use leaf certificates from a CA generated per run; plain HTTP,
//! WS, UDP echo and the TCP servers listen on 127.0.0.2, a LAN peer when the device is
//! 127.0.0.1/8. Tests reach
//! the TLS servers by name (`api.wxrun.test` and friends) through wxrun's `connectTo`, so the
//! real TLS and policy path is exercised. Nothing listens beyond 127.0.0.0/8.

mod http;
pub mod mdns;
pub mod pki;
pub mod routes;
mod tcp;
mod tls_faults;
mod udp;
mod ws;

use std::{
    io::Write,
    net::SocketAddr,
    path::{Path, PathBuf},
};

use serde_json::{Value, json};
use tokio::net::{TcpListener, UdpSocket};

use pki::{Pki, Validity, server_config};
use wx_policy::BANNED_HOST;

/// Names the HTTPS server answers for, one per interface's domain list.
pub const API_HOST: &str = "api.wxrun.test";
pub const UPLOAD_HOST: &str = "upload.wxrun.test";
pub const DOWNLOAD_HOST: &str = "download.wxrun.test";
pub const OTHER_HOST: &str = "other.wxrun.test";
pub const WS_HOST: &str = "ws.wxrun.test";
/// A `udpdomain` host; port [`UDP_HOST_PORT`] is routed to the UDP echo server.
pub const UDP_HOST: &str = "udp.wxrun.test";
pub const UDP_HOST_PORT: u16 = 9000;
/// A `tcpdomain` host; port [`TCP_HOST_PORT`] of it (and of [`OTHER_HOST`], which is not
/// listed) is routed to the TCP echo server.
pub const TCP_HOST: &str = "tcp.wxrun.test";
pub const TCP_HOST_PORT: u16 = 9100;
/// Hosts whose TLS is broken in one way each (all listed in requestdomain).
pub const UNTRUSTED_HOST: &str = "untrusted.wxrun.test";
pub const WRONG_NAME_HOST: &str = "wrongname.wxrun.test";
pub const EXPIRED_HOST: &str = "expired.wxrun.test";
pub const TLS11_HOST: &str = "tls11.wxrun.test";
/// A name for the plain HTTP server outside the LAN rule (reachable only with urlCheck off).
pub const PLAIN_HOST: &str = "plain.wxrun.test";
/// A listed host whose port refuses connections.
pub const REFUSED_HOST: &str = "refused.wxrun.test";
/// Ports of [`BANNED_HOST`] routed to the servers: a sentinel, so that a broken ban reaches a
/// local server (and the call succeeds, which tests catch) instead of the real host. 443 and 80
/// reach the HTTPS and plain HTTP servers, [`BANNED_WSS_PORT`] the WSS server,
/// [`UDP_HOST_PORT`] the UDP echo server and [`TCP_HOST_PORT`] the TCP echo server.
pub const BANNED_WSS_PORT: u16 = 8443;
/// The device address of the tests' LAN, and the peer the plain servers listen on.
pub const DEVICE_LAN: &str = "127.0.0.1/8";
pub const LAN_PEER: &str = "127.0.0.2";

/// Where the TCP servers listen (all on [`LAN_PEER`]).
#[derive(Clone, Copy, Debug)]
pub struct TcpAddrs {
    pub echo: SocketAddr,
    pub greet: SocketAddr,
    pub reset: SocketAddr,
    pub hold: SocketAddr,
    pub refused: SocketAddr,
}

/// The running servers. Dropping this stops them.
pub struct TestServers {
    pub https: SocketAddr,
    pub http: SocketAddr,
    pub wss: SocketAddr,
    pub ws: SocketAddr,
    pub udp: SocketAddr,
    /// The TCP servers: echo, greet-and-close, reset, hold (connects time out), refused.
    pub tcp: TcpAddrs,
    /// The TLS fault servers and the refused port, by host name.
    pub faults: Vec<(&'static str, SocketAddr)>,
    ca_file: tempfile::NamedTempFile,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for TestServers {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl TestServers {
    /// Starts every server on its own small runtime.
    pub fn start() -> std::io::Result<TestServers> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("wx-testkit")
            .build()?;
        let pki = Pki::new();
        let tls_names = [
            API_HOST,
            UPLOAD_HOST,
            DOWNLOAD_HOST,
            OTHER_HOST,
            BANNED_HOST,
        ];
        let https_tls = server_config(
            pki.leaf(&tls_names, Validity::Current),
            &[b"h2", b"http/1.1"],
        );
        let wss_tls = server_config(
            pki.leaf(&[WS_HOST, BANNED_HOST], Validity::Current),
            &[b"http/1.1"],
        );
        // Bound here, served on the runtime: `start` may be called from inside another
        // runtime (an async test), where blocking on this one is not allowed.
        let tcp = |addr: &str| -> std::io::Result<std::net::TcpListener> {
            let listener = std::net::TcpListener::bind(addr)?;
            listener.set_nonblocking(true)?;
            Ok(listener)
        };
        let https = tcp("127.0.0.1:0")?;
        let http = tcp(&format!("{LAN_PEER}:0"))?;
        let wss = tcp("127.0.0.1:0")?;
        let ws = tcp(&format!("{LAN_PEER}:0"))?;
        let udp = std::net::UdpSocket::bind((LAN_PEER, 0))?;
        let tcp_servers = tcp::TcpServers::bind(LAN_PEER)?;
        let tcp_addrs = TcpAddrs {
            echo: tcp_servers.echo.local_addr()?,
            greet: tcp_servers.greet.local_addr()?,
            reset: tcp_servers.reset.local_addr()?,
            hold: tcp_servers.hold.local_addr()?,
            refused: tcp_servers.refused,
        };
        let untrusted = tcp("127.0.0.1:0")?;
        let wrong_name = tcp("127.0.0.1:0")?;
        let expired = tcp("127.0.0.1:0")?;
        let tls11 = tcp("127.0.0.1:0")?;
        // A port that was just free: nothing listens there once this listener is dropped.
        let refused = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let faults = vec![
            (UNTRUSTED_HOST, untrusted.local_addr()?),
            (WRONG_NAME_HOST, wrong_name.local_addr()?),
            (EXPIRED_HOST, expired.local_addr()?),
            (TLS11_HOST, tls11.local_addr()?),
            (REFUSED_HOST, refused),
        ];
        let untrusted_tls = server_config(Pki::self_signed(&[UNTRUSTED_HOST]), &[b"http/1.1"]);
        let wrong_name_tls = server_config(
            pki.leaf(&["somewhere-else.example"], Validity::Current),
            &[b"http/1.1"],
        );
        let expired_tls =
            server_config(pki.leaf(&[EXPIRED_HOST], Validity::Expired), &[b"http/1.1"]);
        udp.set_nonblocking(true)?;
        let (https_addr, http_addr, wss_addr, ws_addr, udp_addr) = (
            https.local_addr()?,
            http.local_addr()?,
            wss.local_addr()?,
            ws.local_addr()?,
            udp.local_addr()?,
        );
        runtime.spawn(async move {
            let listen = |l| TcpListener::from_std(l).expect("inside the runtime");
            tokio::spawn(http::run(listen(https), Some(https_tls)));
            tokio::spawn(http::run(listen(http), None));
            tokio::spawn(ws::run(listen(wss), Some(wss_tls)));
            tokio::spawn(ws::run(listen(ws), None));
            tokio::spawn(udp::run(
                UdpSocket::from_std(udp).expect("inside the runtime"),
            ));
            tcp_servers.serve();
            tokio::spawn(tls_faults::with_certificate(
                listen(untrusted),
                untrusted_tls,
            ));
            tokio::spawn(tls_faults::with_certificate(
                listen(wrong_name),
                wrong_name_tls,
            ));
            tokio::spawn(tls_faults::with_certificate(listen(expired), expired_tls));
            tokio::spawn(tls_faults::tls11_only(listen(tls11)));
        });
        let mut ca_file = tempfile::Builder::new()
            .prefix("wxrun-test-ca-")
            .suffix(".pem")
            .tempfile()?;
        ca_file.write_all(pki.ca_pem().as_bytes())?;
        Ok(TestServers {
            https: https_addr,
            http: http_addr,
            wss: wss_addr,
            ws: ws_addr,
            udp: udp_addr,
            tcp: tcp_addrs,
            faults,
            ca_file,
            runtime: Some(runtime),
        })
    }

    /// The CA certificate file clients must trust.
    pub fn ca_file(&self) -> &Path {
        self.ca_file.path()
    }

    /// A `wxrun.json` that lists the test hosts, routes them (and the banned host, as a
    /// sentinel) to the servers and trusts the CA.
    pub fn wxrun_config(&self) -> Value {
        let https = self.https.to_string();
        let wss = self.wss.to_string();
        let mut connect_to = serde_json::Map::new();
        for host in [API_HOST, UPLOAD_HOST, DOWNLOAD_HOST, OTHER_HOST] {
            for port in [443, 8443] {
                connect_to.insert(format!("{host}:{port}"), Value::String(https.clone()));
            }
        }
        for port in [443, 8443] {
            connect_to.insert(format!("{WS_HOST}:{port}"), Value::String(wss.clone()));
        }
        connect_to.insert(
            format!("{PLAIN_HOST}:80"),
            Value::String(self.http.to_string()),
        );
        connect_to.insert(
            format!("{UDP_HOST}:{UDP_HOST_PORT}"),
            Value::String(self.udp.to_string()),
        );
        for host in [TCP_HOST, OTHER_HOST] {
            connect_to.insert(
                format!("{host}:{TCP_HOST_PORT}"),
                Value::String(self.tcp.echo.to_string()),
            );
        }
        for (port, target) in [
            (443, https.clone()),
            (80, self.http.to_string()),
            (BANNED_WSS_PORT, wss.clone()),
            (UDP_HOST_PORT, self.udp.to_string()),
            (TCP_HOST_PORT, self.tcp.echo.to_string()),
        ] {
            connect_to.insert(format!("{BANNED_HOST}:{port}"), Value::String(target));
        }
        let mut request_domains = vec![format!("https://{API_HOST}"), format!("{API_HOST}:8443")];
        for (host, addr) in &self.faults {
            connect_to.insert(format!("{host}:443"), Value::String(addr.to_string()));
            request_domains.push(format!("https://{host}"));
        }
        json!({
            "requestdomain": request_domains,
            "uploaddomain": [format!("https://{UPLOAD_HOST}")],
            "downloaddomain": [format!("https://{DOWNLOAD_HOST}")],
            "wsrequestdomain": [format!("wss://{WS_HOST}")],
            "udpdomain": [UDP_HOST],
            "tcpdomain": [TCP_HOST],
            "lan": DEVICE_LAN,
            "connectTo": connect_to,
            "ca": [self.ca_file().to_string_lossy()],
        })
    }

    /// Writes [`TestServers::wxrun_config`] to `dir/wxrun.json`.
    pub fn write_config(&self, dir: &Path) -> std::io::Result<PathBuf> {
        let path = dir.join("wxrun.json");
        let text =
            serde_json::to_string_pretty(&self.wxrun_config()).map_err(std::io::Error::other)?;
        std::fs::write(&path, text)?;
        Ok(path)
    }

    /// Environment variables that tell scripts where the plain servers are
    /// (`require('wxrun').env`).
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("WXRUN_TESTKIT_HTTP".into(), format!("http://{}", self.http)),
            ("WXRUN_TESTKIT_WS".into(), format!("ws://{}", self.ws)),
            ("WXRUN_TESTKIT_UDP".into(), self.udp.to_string()),
            ("WXRUN_TESTKIT_TCP".into(), self.tcp.echo.to_string()),
            ("WXRUN_TESTKIT_TCP_GREET".into(), self.tcp.greet.to_string()),
            ("WXRUN_TESTKIT_TCP_RESET".into(), self.tcp.reset.to_string()),
            ("WXRUN_TESTKIT_TCP_HOLD".into(), self.tcp.hold.to_string()),
            (
                "WXRUN_TESTKIT_TCP_REFUSED".into(),
                self.tcp.refused.to_string(),
            ),
            (
                "WXRUN_TESTKIT_HTTPS_PORT".into(),
                self.https.port().to_string(),
            ),
        ]
    }
}
