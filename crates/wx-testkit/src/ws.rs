//! The WebSocket server (ws and wss). Paths choose the behaviour:
//! `/echo` echoes every message; `/headers` first sends the handshake's request headers as JSON;
//! `/close?code=C&reason=R` closes right after opening; `/drop` cuts the TCP connection without a
//! close frame; `/reject` answers the handshake with 403; `/push?count=N` sends N messages.
//! The first requested subprotocol is accepted.

use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Map, Value};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::TcpListener,
};
use tokio_rustls::TlsAcceptor;
use tokio_tungstenite::tungstenite::{
    Message,
    handshake::server::{ErrorResponse, Request, Response},
    http::{HeaderValue, StatusCode},
    protocol::{CloseFrame, WebSocketConfig, frame::coding::CloseCode},
};

struct Handshake {
    path: String,
    query: String,
    headers: Map<String, Value>,
}

fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(64 << 20))
        .max_frame_size(Some(64 << 20))
}

async fn session<IO>(stream: IO)
where
    IO: AsyncRead + AsyncWrite + Unpin,
{
    let mut handshake = None;
    // The callback's error type is tungstenite's HTTP response, large by its nature.
    #[allow(clippy::result_large_err)]
    let callback = |request: &Request, mut response: Response| {
        let mut headers = Map::new();
        for (name, value) in request.headers() {
            headers.insert(
                name.as_str().to_string(),
                Value::String(String::from_utf8_lossy(value.as_bytes()).into_owned()),
            );
        }
        let path = request.uri().path().to_string();
        if path == "/reject" {
            let mut refusal = ErrorResponse::new(Some("refused by the test server".into()));
            *refusal.status_mut() = StatusCode::FORBIDDEN;
            return Err(refusal);
        }
        if let Some(protocols) = request.headers().get("sec-websocket-protocol")
            && let Some(first) = protocols.to_str().ok().and_then(|p| p.split(',').next())
            && let Ok(value) = HeaderValue::from_str(first.trim())
        {
            response
                .headers_mut()
                .insert("sec-websocket-protocol", value);
        }
        response
            .headers_mut()
            .insert("x-testkit", HeaderValue::from_static("websocket"));
        handshake = Some(Handshake {
            path,
            query: request.uri().query().unwrap_or("").to_string(),
            headers,
        });
        Ok(response)
    };
    let Ok(mut socket) =
        tokio_tungstenite::accept_hdr_async_with_config(stream, callback, Some(config())).await
    else {
        return;
    };
    let Some(handshake) = handshake else { return };
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(handshake.query.as_bytes())
        .into_owned()
        .collect();
    let value = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    match handshake.path.as_str() {
        "/headers" => {
            let text = Value::Object(handshake.headers).to_string();
            if socket.send(Message::text(text)).await.is_err() {
                return;
            }
        }
        "/close" => {
            let code = value("code")
                .and_then(|c| c.parse::<u16>().ok())
                .unwrap_or(1000);
            let reason = value("reason").unwrap_or_default();
            let _ = socket
                .close(Some(CloseFrame {
                    code: CloseCode::from(code),
                    reason: reason.into(),
                }))
                .await;
        }
        "/drop" => return,
        "/push" => {
            let count = value("count")
                .and_then(|c| c.parse::<usize>().ok())
                .unwrap_or(1);
            for i in 0..count {
                if socket
                    .send(Message::text(format!("push {i}")))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        }
        _ => {}
    }
    while let Some(Ok(message)) = socket.next().await {
        let reply = match message {
            Message::Text(_) | Message::Binary(_) => message,
            // tungstenite has queued the close reply; flushing sends it, and the next read
            // ends the stream once the handshake is complete.
            Message::Close(_) => {
                let _ = socket.flush().await;
                continue;
            }
            _ => continue,
        };
        if socket.send(reply).await.is_err() {
            break;
        }
    }
}

/// Serves WebSockets on `listener`; with `tls`, as wss.
pub async fn run(listener: TcpListener, tls: Option<Arc<rustls::ServerConfig>>) {
    let acceptor = tls.map(TlsAcceptor::from);
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            match acceptor {
                Some(acceptor) => {
                    if let Ok(stream) = acceptor.accept(tcp).await {
                        session(stream).await;
                    }
                }
                None => session(tcp).await,
            }
        });
    }
}
