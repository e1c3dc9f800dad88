//! Opening connections: `connectTo` routing, name resolution, TCP, TLS with the original name,
//! timings for `profile`, and the original spelling of HTTP/1 response header names (hyper
//! lower-cases them; the platform reports them as the server sent them).

use std::{
    future::Future,
    io,
    net::SocketAddr,
    pin::Pin,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    task::{Context, Poll},
    time::SystemTime,
};

use hyper::Uri;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder, MaybeHttpsStream};
use hyper_util::{
    client::legacy::connect::{Connected, Connection},
    rt::TokioIo,
};
use rustls::ClientConfig;
use rustls_pki_types::ServerName;
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpStream,
};
use wx_policy::{Failure, config::ConnectTo};

/// Milliseconds since the Unix epoch, the unit of `profile`.
pub fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// Where to connect for a host and port: `connectTo` rules (the last matching rule wins),
/// otherwise the host itself.
#[derive(Clone, Debug, Default)]
pub struct Router {
    rules: Vec<ConnectTo>,
}

impl Router {
    pub fn new(rules: Vec<ConnectTo>) -> Router {
        Router { rules }
    }

    pub fn route(&self, host: &str, port: u16) -> (String, u16) {
        let host_key = wx_policy::normalise_domain(host);
        self.rules
            .iter()
            .rev()
            .find(|rule| rule.host == host_key && rule.port == port)
            .map_or_else(
                || (host.to_string(), port),
                |rule| (rule.target_host.clone(), rule.target_port),
            )
    }
}

/// Why a connection could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot resolve {host}: {source}")]
    Resolve { host: String, source: io::Error },
    #[error("cannot connect to {addr}: {source}")]
    Connect { addr: String, source: io::Error },
    #[error("TLS handshake with {host} failed: {source}")]
    Tls { host: String, source: io::Error },
    #[error("invalid host name {0:?} for TLS")]
    BadName(String),
}

/// The platform's failure for a rustls error.
pub fn tls_failure(error: &rustls::Error) -> Failure {
    use rustls::{AlertDescription as Alert, CertificateError as Cert, Error};
    match error {
        Error::InvalidCertificate(cert) => match cert {
            Cert::UnknownIssuer | Cert::BadSignature => Failure::CertAuthorityInvalid,
            Cert::NotValidForName | Cert::NotValidForNameContext { .. } => {
                Failure::CertCommonNameInvalid
            }
            Cert::Expired
            | Cert::ExpiredContext { .. }
            | Cert::NotValidYet
            | Cert::NotValidYetContext { .. } => Failure::CertDateInvalid,
            _ => Failure::CertInvalid,
        },
        Error::PeerIncompatible(_) => Failure::SslVersionOrCipherMismatch,
        Error::AlertReceived(
            Alert::ProtocolVersion | Alert::HandshakeFailure | Alert::InsufficientSecurity,
        ) => Failure::SslVersionOrCipherMismatch,
        _ => Failure::SslProtocolError,
    }
}

/// The platform's failure for an I/O error on a connection.
pub fn io_failure(error: &io::Error) -> Failure {
    if let Some(tls) = error
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
    {
        return tls_failure(tls);
    }
    // hyper-rustls wraps the handshake's I/O error in another one.
    if let Some(inner) = error.get_ref().and_then(|e| e.downcast_ref::<io::Error>()) {
        return io_failure(inner);
    }
    match error.kind() {
        io::ErrorKind::ConnectionRefused => Failure::ConnectionRefused,
        io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe => Failure::ConnectionReset,
        io::ErrorKind::ConnectionAborted | io::ErrorKind::UnexpectedEof => {
            Failure::ConnectionClosed
        }
        io::ErrorKind::NetworkUnreachable | io::ErrorKind::HostUnreachable => {
            Failure::AddressUnreachable
        }
        _ => Failure::ConnectionFailed,
    }
}

impl ConnectError {
    pub fn failure(&self) -> Failure {
        match self {
            ConnectError::Resolve { .. } => Failure::NameNotResolved,
            ConnectError::Connect { source, .. } => io_failure(source),
            ConnectError::Tls { source, .. } => match io_failure(source) {
                // A peer that hangs up mid-handshake.
                Failure::ConnectionFailed => Failure::SslProtocolError,
                other => other,
            },
            ConnectError::BadName(_) => Failure::InvalidUrl(String::new()),
        }
    }
}

/// A TCP stream, with or without TLS.
pub enum Stream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

impl Stream {
    pub fn set_nodelay(&self, nodelay: bool) {
        let tcp = match self {
            Stream::Plain(tcp) => tcp,
            Stream::Tls(tls) => tls.get_ref().0,
        };
        let _ = tcp.set_nodelay(nodelay);
    }

    fn negotiated_h2(&self) -> bool {
        match self {
            Stream::Plain(_) => false,
            Stream::Tls(tls) => tls.get_ref().1.alpn_protocol() == Some(b"h2"),
        }
    }
}

/// When the steps of opening a connection happened (ms since the epoch).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ConnectTimings {
    pub dns_start: f64,
    pub dns_end: f64,
    pub connect_start: f64,
    pub connect_end: f64,
    pub tls_start: f64,
    pub tls_end: f64,
}

/// What a response learns about the connection that carried it.
#[derive(Clone, Debug)]
pub struct ConnInfo {
    pub peer: SocketAddr,
    pub timings: ConnectTimings,
    pub h2: bool,
    /// How many requests this connection carried before; 0 for a fresh one.
    uses: Arc<AtomicU64>,
    /// Header names of the latest HTTP/1 response head, as sent.
    header_names: Arc<Mutex<Vec<String>>>,
}

impl ConnInfo {
    /// Counts a use and tells whether the connection was reused.
    pub fn take_use(&self) -> bool {
        self.uses.fetch_add(1, Ordering::AcqRel) > 0
    }

    /// The spelling the server used for `name` in the latest response head.
    pub fn original_names(&self) -> Vec<String> {
        self.header_names
            .lock()
            .map(|n| n.clone())
            .unwrap_or_default()
    }
}

/// Resolves `host:port` as routed by `router` and opens a TCP connection, timing both.
async fn open_tcp(
    host: &str,
    port: u16,
    router: &Router,
) -> Result<(TcpStream, SocketAddr, ConnectTimings), ConnectError> {
    let mut timings = ConnectTimings {
        dns_start: now_ms(),
        ..ConnectTimings::default()
    };
    let (target_host, target_port) = router.route(host, port);
    let target = target_host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let addrs: Vec<SocketAddr> = match target.parse::<std::net::IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, target_port)],
        Err(_) => tokio::net::lookup_host((target.as_str(), target_port))
            .await
            .map_err(|source| ConnectError::Resolve {
                host: target.clone(),
                source,
            })?
            .collect(),
    };
    timings.dns_end = now_ms();
    timings.connect_start = timings.dns_end;
    let mut last_error = io::Error::new(io::ErrorKind::NotFound, "no address");
    let mut connected = None;
    for addr in &addrs {
        match TcpStream::connect(addr).await {
            Ok(stream) => {
                connected = Some((stream, *addr));
                break;
            }
            Err(err) => last_error = err,
        }
    }
    let Some((tcp, peer)) = connected else {
        return Err(if addrs.is_empty() {
            ConnectError::Resolve {
                host: target,
                source: last_error,
            }
        } else {
            ConnectError::Connect {
                addr: format!("{target}:{target_port}"),
                source: last_error,
            }
        });
    };
    let _ = tcp.set_nodelay(true);
    timings.connect_end = now_ms();
    Ok((tcp, peer, timings))
}

/// Resolves, connects and (for `tls`) handshakes with `host:port`, routed by `router`: the
/// WebSocket's connection (HTTP requests go through [`HttpConnector`]).
pub async fn open(
    host: &str,
    port: u16,
    tls: Option<Arc<ClientConfig>>,
    router: &Router,
) -> Result<(Stream, ConnInfo), ConnectError> {
    let (tcp, peer, mut timings) = open_tcp(host, port, router).await?;
    let stream = match tls {
        None => Stream::Plain(tcp),
        Some(config) => {
            timings.tls_start = now_ms();
            let bare = host.trim_start_matches('[').trim_end_matches(']');
            let name = ServerName::try_from(bare.to_string())
                .map_err(|_| ConnectError::BadName(host.to_string()))?;
            let stream = tokio_rustls::TlsConnector::from(config)
                .connect(name, tcp)
                .await
                .map_err(|source| ConnectError::Tls {
                    host: host.to_string(),
                    source,
                })?;
            timings.tls_end = now_ms();
            Stream::Tls(Box::new(stream))
        }
    };
    let info = ConnInfo {
        peer,
        timings,
        h2: stream.negotiated_h2(),
        uses: Arc::new(AtomicU64::new(0)),
        header_names: Arc::new(Mutex::new(Vec::new())),
    };
    Ok((stream, info))
}

/// Watches an HTTP/1 connection's bytes for response heads and records their header names.
struct HeadSniffer {
    awaiting: bool,
    buffer: Vec<u8>,
    names: Arc<Mutex<Vec<String>>>,
}

const MAX_HEAD: usize = 64 * 1024;

impl HeadSniffer {
    fn request_sent(&mut self) {
        self.awaiting = true;
        self.buffer.clear();
    }

    fn received(&mut self, bytes: &[u8]) {
        if !self.awaiting {
            return;
        }
        self.buffer.extend_from_slice(bytes);
        loop {
            let mut headers = [httparse::EMPTY_HEADER; 128];
            let mut response = httparse::Response::new(&mut headers);
            match response.parse(&self.buffer) {
                Ok(httparse::Status::Complete(length)) => {
                    let informational = response.code.is_some_and(|c| (100..200).contains(&c));
                    if !informational {
                        let names = response
                            .headers
                            .iter()
                            .map(|h| h.name.to_string())
                            .collect();
                        if let Ok(mut slot) = self.names.lock() {
                            *slot = names;
                        }
                        self.awaiting = false;
                        self.buffer.clear();
                        return;
                    }
                    self.buffer.drain(..length);
                }
                Ok(httparse::Status::Partial) if self.buffer.len() < MAX_HEAD => return,
                _ => {
                    self.awaiting = false;
                    self.buffer.clear();
                    return;
                }
            }
        }
    }
}

/// A TCP connection routed by `connectTo`, with what was learnt opening it: the inner
/// connection of hyper-rustls's connector.
pub struct TcpConn {
    io: TokioIo<TcpStream>,
    peer: SocketAddr,
    timings: ConnectTimings,
}

impl hyper::rt::Read for TcpConn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for TcpConn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

impl Connection for TcpConn {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}

/// Opens TCP connections for hyper-rustls, through `connectTo`; TLS keeps the URL's name.
#[derive(Clone)]
pub struct TcpConnector {
    router: Arc<Router>,
}

impl tower_service::Service<Uri> for TcpConnector {
    type Response = TcpConn;
    type Error = ConnectError;
    type Future = Pin<Box<dyn Future<Output = Result<TcpConn, ConnectError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let router = self.router.clone();
        Box::pin(async move {
            let secure = uri.scheme_str() == Some("https");
            let host = uri.host().unwrap_or_default().to_string();
            let port = uri.port_u16().unwrap_or(if secure { 443 } else { 80 });
            let (tcp, peer, timings) = open_tcp(&host, port, &router).await?;
            Ok(TcpConn {
                io: TokioIo::new(tcp),
                peer,
                timings,
            })
        })
    }
}

type TlsOrPlain = MaybeHttpsStream<TcpConn>;

/// A connection as hyper-util's client uses it: hyper-rustls's stream, with the connection's
/// facts for `profile` and the original spelling of HTTP/1 response header names.
pub struct Conn {
    io: TlsOrPlain,
    info: ConnInfo,
    sniffer: Option<HeadSniffer>,
}

impl Conn {
    /// Wraps what hyper-rustls opened; `tls_end` is when its handshake finished.
    fn new(io: TlsOrPlain, tls_end: f64) -> Conn {
        let (tcp, h2, secure) = match &io {
            MaybeHttpsStream::Http(tcp) => (tcp, false, false),
            MaybeHttpsStream::Https(tls) => {
                let (tcp, session) = tls.inner().get_ref();
                (tcp.inner(), session.alpn_protocol() == Some(b"h2"), true)
            }
        };
        let mut timings = tcp.timings;
        if secure {
            // The handshake starts as soon as the TCP connection is up.
            timings.tls_start = timings.connect_end;
            timings.tls_end = tls_end;
        }
        let info = ConnInfo {
            peer: tcp.peer,
            timings,
            h2,
            uses: Arc::new(AtomicU64::new(0)),
            header_names: Arc::new(Mutex::new(Vec::new())),
        };
        let sniffer = (!h2).then(|| HeadSniffer {
            awaiting: false,
            buffer: Vec::new(),
            names: info.header_names.clone(),
        });
        Conn { io, info, sniffer }
    }
}

impl hyper::rt::Read for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let Some(sniffer) = this.sniffer.as_mut() else {
            return Pin::new(&mut this.io).poll_read(cx, buf);
        };
        if !sniffer.awaiting {
            return Pin::new(&mut this.io).poll_read(cx, buf);
        }
        // Read through a small buffer so the bytes can be seen on their way to hyper.
        let mut scratch = [0u8; 8192];
        let room = scratch.len().min(buf.remaining());
        let mut read_buf = hyper::rt::ReadBuf::new(&mut scratch[..room]);
        match Pin::new(&mut this.io).poll_read(cx, read_buf.unfilled()) {
            Poll::Ready(Ok(())) => {
                let filled = read_buf.filled();
                sniffer.received(filled);
                buf.put_slice(filled);
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

impl hyper::rt::Write for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(sniffer) = this.sniffer.as_mut()
            && !sniffer.awaiting
        {
            sniffer.request_sent();
        }
        Pin::new(&mut this.io).poll_write(cx, buf)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        let connected = Connected::new().extra(self.info.clone());
        if self.info.h2 {
            connected.negotiated_h2()
        } else {
            connected
        }
    }
}

/// The connector of the HTTP client, one per ALPN choice: hyper-rustls's HTTPS connector over
/// the `connectTo`-aware [`TcpConnector`].
#[derive(Clone)]
pub struct HttpConnector {
    https: HttpsConnector<TcpConnector>,
}

impl HttpConnector {
    /// `http2` offers h2 by ALPN besides HTTP/1.1; `tls` carries the verifier and roots.
    pub fn new(router: Arc<Router>, tls: ClientConfig, http2: bool) -> HttpConnector {
        let builder = HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1();
        let tcp = TcpConnector { router };
        let https = if http2 {
            builder.enable_http2().wrap_connector(tcp)
        } else {
            builder.wrap_connector(tcp)
        };
        HttpConnector { https }
    }
}

impl tower_service::Service<Uri> for HttpConnector {
    type Response = Conn;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Conn, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.https.poll_ready(cx)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let host = uri.host().unwrap_or_default().to_string();
        let opening = self.https.call(uri);
        Box::pin(async move {
            let io = opening.await.map_err(|error| -> BoxError {
                // Errors of the TCP connector are ours; an I/O error is the TLS handshake's.
                match error.downcast::<io::Error>() {
                    Ok(source) => Box::new(ConnectError::Tls {
                        host,
                        source: *source,
                    }),
                    Err(other) => other,
                }
            })?;
            Ok(Conn::new(io, now_ms()))
        })
    }
}

/// The error type of hyper-rustls's connector (a connect error or a TLS I/O error inside).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing_uses_the_last_matching_rule() {
        let rule = |host: &str, port, target: &str, target_port| ConnectTo {
            host: host.into(),
            port,
            target_host: target.into(),
            target_port,
        };
        let router = Router::new(vec![
            rule("api.example.com", 443, "127.0.0.1", 1),
            rule("api.example.com", 443, "127.0.0.1", 2),
            rule("api.example.com", 8443, "127.0.0.1", 3),
        ]);
        assert_eq!(
            router.route("api.example.com", 443),
            ("127.0.0.1".into(), 2)
        );
        assert_eq!(
            router.route("API.example.com.", 443),
            ("127.0.0.1".into(), 2)
        );
        assert_eq!(
            router.route("api.example.com", 8443),
            ("127.0.0.1".into(), 3)
        );
        assert_eq!(
            router.route("other.example.com", 443),
            ("other.example.com".into(), 443)
        );
    }

    #[test]
    fn the_sniffer_keeps_original_header_names() {
        let names = Arc::new(Mutex::new(Vec::new()));
        let mut sniffer = HeadSniffer {
            awaiting: false,
            buffer: Vec::new(),
            names: names.clone(),
        };
        sniffer.received(b"HTTP/1.1 200 OK\r\nX-Ignored: 1\r\n\r\n");
        assert!(names.lock().unwrap().is_empty(), "nothing before a request");
        sniffer.request_sent();
        sniffer.received(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: a\r\nSet-Cookie: x",
        );
        sniffer.received(b"\r\nset-cookie: y\r\n\r\nbody");
        assert_eq!(
            *names.lock().unwrap(),
            vec!["Content-Type", "Set-Cookie", "set-cookie"]
        );
    }
}
