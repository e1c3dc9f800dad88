//! The test servers answer every route and break in every fault mode, checked with plain
//! clients: raw HTTP/1.1 over TCP, HTTP/2 over TLS, WebSocket and UDP.

use std::{
    io::{ErrorKind, Read, Write},
    net::{SocketAddr, TcpStream, UdpSocket},
    sync::Arc,
    time::Duration,
};

use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Empty};
use rustls::pki_types::ServerName;
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;
use wx_testkit::{API_HOST, TestServers, WS_HOST, routes::pattern};

/// Sends one raw HTTP/1.1 request and reads until the server closes.
fn raw(addr: SocketAddr, path: &str) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(3)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
    )?;
    let mut out = Vec::new();
    stream.read_to_end(&mut out)?;
    Ok(out)
}

/// The response as text with the head lowercased: the server spells header names in title
/// case on purpose (clients must report names as sent), which these checks do not care about.
fn raw_text(addr: SocketAddr, path: &str) -> String {
    lower_head(&raw(addr, path).unwrap())
}

fn lower_head(response: &[u8]) -> String {
    let text = String::from_utf8_lossy(response);
    match text.find("\r\n\r\n") {
        Some(end) => format!("{}{}", text[..end].to_lowercase(), &text[end..]),
        None => text.to_lowercase(),
    }
}

fn body_of(response: &[u8]) -> &[u8] {
    let at = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    &response[at + 4..]
}

#[test]
fn plain_routes_answer() {
    let servers = TestServers::start().unwrap();
    assert_eq!(servers.http.ip().to_string(), "127.0.0.2");
    let echo = raw_text(servers.http, "/echo?a=1");
    let json: Value = serde_json::from_slice(body_of(echo.as_bytes())).unwrap();
    assert_eq!(json["method"], "GET");
    assert_eq!(json["query"], "a=1");
    assert_eq!(json["headers"]["host"], "test");

    assert!(raw_text(servers.http, "/status/418").starts_with("http/1.1 418"));
    assert!(raw_text(servers.http, "/status/500").starts_with("http/1.1 500"));

    let gbk = raw(servers.http, "/charset/gbk").unwrap();
    assert!(String::from_utf8_lossy(&gbk).contains("charset=gbk"));
    let (decoded, _, bad) = encoding_rs::GBK.decode(body_of(&gbk));
    assert!(!bad);
    assert_eq!(decoded, "你好，世界");
    let big5 = raw(servers.http, "/charset/big5").unwrap();
    assert_eq!(encoding_rs::BIG5.decode(body_of(&big5)).0, "你好，世界");

    let bom = raw(servers.http, "/bom/2").unwrap();
    assert!(body_of(&bom).starts_with("\u{feff}\u{feff}{".as_bytes()));

    let cookies = raw_text(servers.http, "/cookies");
    assert_eq!(cookies.matches("set-cookie:").count(), 3, "{cookies}");

    let redirect = raw_text(servers.http, "/redirect/2?status=307");
    assert!(redirect.starts_with("http/1.1 307"));
    assert!(
        redirect.contains("location: /redirect/1?status=307"),
        "{redirect}"
    );
    assert!(raw_text(servers.http, "/loop").contains("location: /loop"));

    let bytes = raw(servers.http, "/bytes/300000").unwrap();
    assert_eq!(body_of(&bytes), pattern(300_000).as_slice());
    let chunked = raw_text(servers.http, "/bytes/10?chunked=1&chunk=4");
    assert!(chunked.contains("transfer-encoding: chunked"), "{chunked}");

    let headers = raw_text(servers.http, "/headers?h:x-one=1&h:x-one=2&body=hi");
    assert!(
        headers.contains("x-one: 1\r\nx-one: 2") && headers.ends_with("hi"),
        "{headers}"
    );

    let delayed = std::time::Instant::now();
    raw(servers.http, "/delay/200").unwrap();
    assert!(delayed.elapsed() >= Duration::from_millis(200));
}

#[test]
fn faults_break_the_exchange() {
    let servers = TestServers::start().unwrap();
    let reset = raw(servers.http, "/echo?fault=reset").unwrap_err();
    assert_eq!(reset.kind(), ErrorKind::ConnectionReset);

    let empty = raw(servers.http, "/echo?fault=empty").unwrap();
    assert!(empty.is_empty());

    let cut = raw(servers.http, "/bytes/1000?fault=close").unwrap();
    assert!(lower_head(&cut).contains("content-length: 1000"));
    assert_eq!(body_of(&cut), &pattern(1000)[..500]);

    let truncated = raw_text(servers.http, "/bytes/1000?fault=truncate");
    assert!(truncated.contains("transfer-encoding: chunked"));
    assert!(
        !truncated.ends_with("0\r\n\r\n"),
        "the final chunk never comes"
    );

    let stall = raw(servers.http, "/echo?fault=stall").unwrap_err();
    assert!(matches!(
        stall.kind(),
        ErrorKind::WouldBlock | ErrorKind::TimedOut
    ));
}

fn client_config(servers: &TestServers, alpn: &[&[u8]]) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    let pem = std::fs::read_to_string(servers.ca_file()).unwrap();
    let der = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>();
    use base64::Engine;
    let der = base64::engine::general_purpose::STANDARD
        .decode(der)
        .unwrap();
    roots.add(der.into()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Arc::new(config)
}

#[tokio::test]
async fn https_speaks_http2_and_http1_with_the_run_ca() {
    let servers = TestServers::start().unwrap();
    for (alpn, expected) in [(&b"h2"[..], "HTTP/2.0"), (&b"http/1.1"[..], "HTTP/1.1")] {
        let connector = tokio_rustls::TlsConnector::from(client_config(&servers, &[alpn]));
        let tcp = tokio::net::TcpStream::connect(servers.https).await.unwrap();
        let tls = connector
            .connect(ServerName::try_from(API_HOST).unwrap(), tcp)
            .await
            .unwrap();
        let io = hyper_util::rt::TokioIo::new(tls);
        let request = http::Request::get(format!("https://{API_HOST}/echo"))
            .header("host", API_HOST)
            .body(Empty::<bytes::Bytes>::new())
            .unwrap();
        let response = if expected == "HTTP/2.0" {
            let (mut sender, connection) =
                hyper::client::conn::http2::handshake(hyper_util::rt::TokioExecutor::new(), io)
                    .await
                    .unwrap();
            tokio::spawn(connection);
            sender.send_request(request).await.unwrap()
        } else {
            let (mut sender, connection) = hyper::client::conn::http1::handshake(io).await.unwrap();
            tokio::spawn(connection);
            sender.send_request(request).await.unwrap()
        };
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let json: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["version"], expected);
        assert_eq!(json["tls"], true);
    }
    let unknown = tokio_rustls::TlsConnector::from(client_config(&servers, &[b"h2"]))
        .connect(
            ServerName::try_from("unknown.example").unwrap(),
            tokio::net::TcpStream::connect(servers.https).await.unwrap(),
        )
        .await;
    assert!(
        unknown.is_err(),
        "the certificate names only the test hosts"
    );
}

#[tokio::test]
async fn websockets_echo_over_ws_and_wss() {
    let servers = TestServers::start().unwrap();
    let (mut plain, _) = tokio_tungstenite::client_async(
        format!("ws://{}/echo", servers.ws),
        tokio::net::TcpStream::connect(servers.ws).await.unwrap(),
    )
    .await
    .unwrap();
    plain.send(Message::text("hello")).await.unwrap();
    assert_eq!(plain.next().await.unwrap().unwrap(), Message::text("hello"));
    plain.send(Message::binary(vec![0u8, 255])).await.unwrap();
    assert_eq!(
        plain.next().await.unwrap().unwrap(),
        Message::binary(vec![0u8, 255])
    );

    let connector = tokio_rustls::TlsConnector::from(client_config(&servers, &[b"http/1.1"]));
    let tls = connector
        .connect(
            ServerName::try_from(WS_HOST).unwrap(),
            tokio::net::TcpStream::connect(servers.wss).await.unwrap(),
        )
        .await
        .unwrap();
    let (mut secure, _) = tokio_tungstenite::client_async(format!("wss://{WS_HOST}/headers"), tls)
        .await
        .unwrap();
    let Message::Text(headers) = secure.next().await.unwrap().unwrap() else {
        panic!("headers come as text");
    };
    let headers: Value = serde_json::from_str(&headers).unwrap();
    assert_eq!(headers["host"], WS_HOST);

    let rejected = tokio_tungstenite::client_async(
        format!("ws://{}/reject", servers.ws),
        tokio::net::TcpStream::connect(servers.ws).await.unwrap(),
    )
    .await;
    assert!(rejected.is_err());
}

#[test]
fn udp_echoes() {
    let servers = TestServers::start().unwrap();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    socket.send_to(b"ping", servers.udp).unwrap();
    let mut buffer = [0u8; 16];
    let (length, from) = socket.recv_from(&mut buffer).unwrap();
    assert_eq!(&buffer[..length], b"ping");
    assert_eq!(from, servers.udp);
}

#[test]
fn config_routes_names_to_the_servers() {
    let servers = TestServers::start().unwrap();
    let config = servers.wxrun_config();
    assert_eq!(
        config["connectTo"]["api.wxrun.test:443"],
        servers.https.to_string()
    );
    assert_eq!(config["lan"], "127.0.0.1/8");
    assert!(
        std::fs::read_to_string(servers.ca_file())
            .unwrap()
            .contains("BEGIN CERTIFICATE")
    );
}
