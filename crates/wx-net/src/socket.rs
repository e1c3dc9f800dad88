//! WebSocket tasks: the policy check, connecting through the same router and TLS as HTTP, the
//! handshake with the fixed headers, then messages both ways until a close. Everything a
//! script sees arrives as [`SocketEvent`]s, the last always a `Close`.

use std::{
    sync::Arc,
    time::{Duration, Instant, SystemTime},
};

use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::{
    self,
    client::IntoClientRequest,
    http::{HeaderName, HeaderValue},
    protocol::{CloseFrame, WebSocketConfig, frame::coding::CloseCode},
};
use wx_offline::{
    ScriptStep, SocketAnswer, SocketRecord, SocketScript, StandIn, WsData, har::RecordedClose,
};
use wx_policy::{Access, Failure, FixedHeaders, Interface, Target};

use crate::{
    connect::{ConnInfo, now_ms, open},
    pool::Cancel,
};

/// A socket as wx-api asks for it.
#[derive(Clone, Debug)]
pub struct SocketRequest {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub protocols: Vec<String>,
    pub tcp_no_delay: bool,
    pub timeout: Duration,
}

/// A message in either direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WsMessage {
    Text(String),
    Binary(Vec<u8>),
}

/// What a socket reports: `Open` (or an `Error`), messages, and finally `Close`.
#[derive(Debug)]
pub enum SocketEvent {
    Open {
        headers: Vec<(String, String)>,
        /// fetchStart, domainLookUpStart/End, connectStart/End, SSLconnectionStart/End,
        /// handshake end (ms since the epoch).
        timings: [f64; 8],
    },
    Message(WsMessage),
    Warning {
        code: &'static str,
        message: String,
    },
    /// What the developer could change to allow a refused URL.
    Hint(String),
    Error(String),
    Close {
        code: u16,
        reason: String,
    },
}

pub type SocketSink = Arc<dyn Fn(SocketEvent) + Send + Sync>;

/// What the script asks an open socket to do.
#[derive(Debug)]
pub enum SocketCommand {
    Send(WsMessage),
    Close { code: u16, reason: String },
}

/// The close code of a connection lost without a close frame.
pub const ABNORMAL: u16 = 1006;

fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(64 << 20))
        .max_frame_size(Some(64 << 20))
}

fn failure_text(failure: &Failure) -> String {
    failure.reason()
}

/// Why a handshake failed, in the words scripts see in `onError`.
fn handshake_error(error: &tungstenite::Error) -> String {
    match error {
        tungstenite::Error::Http(response) => {
            format!("Unexpected response code: {}", response.status().as_u16())
        }
        tungstenite::Error::Io(io) => failure_text(&crate::connect::io_failure(io)),
        tungstenite::Error::Tls(_) => failure_text(&Failure::SslProtocolError),
        other => format!("WebSocket handshake failed: {other}"),
    }
}

/// A byte stream a WebSocket can run over: a connection, or the in-memory pipe to a
/// scripted server.
trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}

struct Connected {
    stream: tokio_tungstenite::WebSocketStream<Box<dyn Io>>,
    headers: Vec<(String, String)>,
    timings: [f64; 8],
}

fn tungstenite_message(data: WsData) -> tungstenite::Message {
    match data {
        WsData::Text(text) => tungstenite::Message::text(text),
        WsData::Binary(bytes) => tungstenite::Message::binary(bytes),
    }
}

/// Plays `script` as the server end of an in-memory pipe; returns the client end. The
/// client runs its ordinary handshake and framing over it.
fn serve_script(script: SocketScript) -> tokio::io::DuplexStream {
    let (client, server) = tokio::io::duplex(1 << 16);
    tokio::spawn(async move {
        let Ok(mut ws) = tokio_tungstenite::accept_async_with_config(server, Some(config())).await
        else {
            return;
        };
        for step in script.steps {
            match step {
                ScriptStep::Send { data, delay } => {
                    tokio::time::sleep(delay).await;
                    if ws.send(tungstenite_message(data)).await.is_err() {
                        return;
                    }
                }
                ScriptStep::AwaitClient => loop {
                    match ws.next().await {
                        Some(Ok(message)) if message.is_text() || message.is_binary() => break,
                        Some(Ok(tungstenite::Message::Close(_))) | Some(Err(_)) | None => return,
                        Some(Ok(_)) => {}
                    }
                },
            }
        }
        if let Some((code, reason)) = script.close {
            let frame = CloseFrame {
                code: CloseCode::from(code),
                reason: reason.into(),
            };
            let _ = ws.close(Some(frame)).await;
            // Read until the client's close reply ends the exchange.
            while let Some(Ok(_)) = ws.next().await {}
            return;
        }
        while let Some(Ok(message)) = ws.next().await {
            if script.echo
                && (message.is_text() || message.is_binary())
                && ws.send(message).await.is_err()
            {
                return;
            }
        }
    });
    client
}

async fn connect(
    request: &SocketRequest,
    tls: Option<Arc<rustls::ClientConfig>>,
    router: &crate::connect::Router,
    fixed: &FixedHeaders,
    target: &Target,
    script: Option<SocketScript>,
) -> Result<Connected, String> {
    let fetch_start = now_ms();
    let url = target.url();
    let (stream, info): (Box<dyn Io>, Option<ConnInfo>) = match script {
        Some(script) => (Box::new(serve_script(script)), None),
        None => {
            let host = url.host_str().unwrap_or_default().to_string();
            let port = url.port_or_known_default().unwrap_or(443);
            let (stream, info): (_, ConnInfo) = open(&host, port, tls, router)
                .await
                .map_err(|e| failure_text(&e.failure()))?;
            stream.set_nodelay(request.tcp_no_delay);
            (Box::new(stream), Some(info))
        }
    };
    let mut handshake = url
        .as_str()
        .into_client_request()
        .map_err(|e| format!("invalid url: {e}"))?;
    let headers = handshake.headers_mut();
    for (name, value) in &request.headers {
        let lower = name.to_ascii_lowercase();
        if matches!(lower.as_str(), "referer" | "user-agent" | "host")
            || lower.starts_with("sec-websocket-")
            || matches!(lower.as_str(), "connection" | "upgrade")
        {
            continue;
        }
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.insert(name, value);
        }
    }
    if let Ok(value) = HeaderValue::from_str(&fixed.referer) {
        headers.insert("referer", value);
    }
    if let Ok(value) = HeaderValue::from_str(&fixed.user_agent) {
        headers.insert("user-agent", value);
    }
    if !request.protocols.is_empty()
        && let Ok(value) = HeaderValue::from_str(&request.protocols.join(", "))
    {
        headers.insert("sec-websocket-protocol", value);
    }
    let (stream, response) =
        tokio_tungstenite::client_async_with_config(handshake, stream, Some(config()))
            .await
            .map_err(|e| handshake_error(&e))?;
    let t = info.map(|info| info.timings).unwrap_or_default();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    Ok(Connected {
        stream,
        headers,
        timings: [
            fetch_start,
            t.dns_start,
            t.dns_end,
            t.connect_start,
            t.connect_end,
            t.tls_start,
            t.tls_end,
            now_ms(),
        ],
    })
}

/// Runs one socket to its close. `commands` carries the script's sends and close; `cancel`
/// interrupts it (the app went to the background).
#[allow(clippy::too_many_arguments)]
pub async fn run(
    request: SocketRequest,
    connect_deadline: crate::clock::Deadline,
    policy: &wx_policy::UrlPolicy,
    tls: &crate::tls::TlsSettings,
    router: &crate::connect::Router,
    fixed: &FixedHeaders,
    stand_in: Option<&StandIn>,
    mut commands: mpsc::UnboundedReceiver<SocketCommand>,
    cancel: Arc<Cancel>,
    sink: SocketSink,
) {
    let fail = |message: String| {
        sink(SocketEvent::Error(message.clone()));
        sink(SocketEvent::Close {
            code: ABNORMAL,
            reason: message,
        });
    };
    let target = match Target::parse(&request.url) {
        Ok(target) => target,
        Err(_) => return fail(failure_text(&Failure::InvalidUrl(request.url.clone()))),
    };
    match policy.check(Interface::Socket, &target) {
        Err(failure) => {
            if let Some(hint) = policy.refusal_hint(Interface::Socket, &target) {
                sink(SocketEvent::Hint(hint));
            }
            return fail(failure_text(&failure));
        }
        Ok(Access::Unchecked {
            insecure_outside_lan: true,
        }) => sink(SocketEvent::Warning {
            code: "insecure-url",
            message: format!(
                "{} uses plain ws outside the LAN; it works only because urlCheck is off, phones refuse it",
                target.url()
            ),
        }),
        Ok(_) => {}
    }
    for message in crate::http::unsendable_header_warnings(&request.headers) {
        sink(SocketEvent::Warning {
            code: "header-dropped",
            message,
        });
    }
    let script = match stand_in.filter(|s| s.answers_anything()) {
        None => None,
        Some(stand_in) => match stand_in.answer_socket(target.url().as_str(), &request.headers) {
            SocketAnswer::Network => None,
            SocketAnswer::Script(script) => Some(script),
            SocketAnswer::Fail(message) => return fail(message),
        },
    };
    // Only exchanges with a real server are recorded.
    let mut recording = stand_in
        .filter(|s| s.recorder().is_some() && script.is_none())
        .map(|_| SocketRecord {
            url: target.url().to_string(),
            request_headers: request.headers.clone(),
            response_headers: Vec::new(),
            started: SystemTime::now(),
            elapsed_ms: 0.0,
            messages: Vec::new(),
            close: None,
            failure: None,
        });
    let clock = Instant::now();
    let finish_recording = |mut record: SocketRecord| {
        if let Some(recorder) = stand_in.and_then(StandIn::recorder) {
            record.elapsed_ms = clock.elapsed().as_secs_f64() * 1000.0;
            recorder.record_socket(record);
        }
    };
    let tls_config = (target.url().scheme() == "wss").then(|| tls.config(crate::tls::Alpn::None));
    let connecting = connect(&request, tls_config, router, fixed, &target, script);
    let connected = tokio::select! {
        biased;
        result = connecting => result,
        () = connect_deadline.passed() => Err(failure_text(&Failure::Timeout)),
        failure = cancel.cancelled() => Err(failure_text(&failure)),
    };
    let connected = match connected {
        Ok(connected) => connected,
        Err(message) => {
            if let Some(mut record) = recording.take() {
                record.failure = Some(message.clone());
                finish_recording(record);
            }
            return fail(message);
        }
    };
    if let Some(record) = recording.as_mut() {
        record.response_headers = connected.headers.clone();
    }
    sink(SocketEvent::Open {
        headers: connected.headers,
        timings: connected.timings,
    });
    let (mut writer, mut reader) = connected.stream.split();
    // The writer runs beside the reader, so that a large send never stops messages coming in.
    let (to_writer, mut writer_queue) = mpsc::unbounded_channel::<tungstenite::Message>();
    let writing = tokio::spawn(async move {
        while let Some(message) = writer_queue.recv().await {
            let closing = matches!(message, tungstenite::Message::Close(_));
            if writer.feed(message).await.is_err() {
                break;
            }
            if (closing || writer_queue.is_empty()) && writer.flush().await.is_err() {
                break;
            }
        }
    });
    // The close the script asked for; once sent, the connection ending is the normal outcome.
    let mut closing: Option<(u16, String)> = None;
    let end = loop {
        tokio::select! {
            command = commands.recv(), if closing.is_none() => match command {
                Some(SocketCommand::Send(message)) => {
                    let data = match message {
                        WsMessage::Text(text) => WsData::Text(text),
                        WsMessage::Binary(bytes) => WsData::Binary(bytes),
                    };
                    if let Some(record) = recording.as_mut() {
                        record.messages.push((true, SystemTime::now(), data.clone()));
                    }
                    let _ = to_writer.send(tungstenite_message(data));
                }
                Some(SocketCommand::Close { code, reason }) => {
                    let _ = to_writer.send(tungstenite::Message::Close(Some(CloseFrame {
                        code: CloseCode::from(code),
                        reason: reason.clone().into(),
                    })));
                    closing = Some((code, reason));
                }
                None => {
                    let _ = to_writer.send(tungstenite::Message::Close(None));
                    closing = Some((1000, String::new()));
                }
            },
            incoming = reader.next() => match incoming {
                Some(Ok(tungstenite::Message::Text(text))) => {
                    if let Some(record) = recording.as_mut() {
                        record.messages.push((false, SystemTime::now(), WsData::Text(text.to_string())));
                    }
                    sink(SocketEvent::Message(WsMessage::Text(text.to_string())));
                }
                Some(Ok(tungstenite::Message::Binary(bytes))) => {
                    if let Some(record) = recording.as_mut() {
                        record.messages.push((false, SystemTime::now(), WsData::Binary(bytes.to_vec())));
                    }
                    sink(SocketEvent::Message(WsMessage::Binary(bytes.to_vec())));
                }
                Some(Ok(tungstenite::Message::Close(frame))) => {
                    // Answer the server's close (tungstenite queues the reply; flush it).
                    let _ = to_writer.send(tungstenite::Message::Close(frame.clone()));
                    let (code, reason) = match frame {
                        Some(frame) => (u16::from(frame.code), frame.reason.to_string()),
                        None => (1005, String::new()),
                    };
                    if let Some(record) = recording.as_mut() && closing.is_none() {
                        record.close = Some(RecordedClose { code, reason: reason.clone(), by_server: true });
                    }
                    break (code, reason, None);
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None if closing.is_some() => {
                    let (code, reason) = closing.take().unwrap_or((1000, String::new()));
                    break (code, reason, None);
                }
                Some(Err(error)) => {
                    let message = match &error {
                        tungstenite::Error::Io(io) => failure_text(&crate::connect::io_failure(io)),
                        tungstenite::Error::Protocol(_) => failure_text(&Failure::ConnectionClosed),
                        other => other.to_string(),
                    };
                    break (ABNORMAL, message.clone(), Some(message));
                }
                None => {
                    let message = failure_text(&Failure::ConnectionClosed);
                    break (ABNORMAL, message.clone(), Some(message));
                }
            },
            failure = cancel.cancelled(), if closing.is_none() => {
                let reason = failure_text(&failure);
                let _ = to_writer.send(tungstenite::Message::Close(Some(CloseFrame {
                    code: CloseCode::Away,
                    reason: reason.clone().into(),
                })));
                // Phones report the loss at once, whatever the server answers.
                break (1001, reason, None);
            }
        }
    };
    drop(to_writer);
    // Let the close reply reach the server before the connection goes.
    let _ = tokio::time::timeout(Duration::from_secs(1), writing).await;
    let (code, reason, error) = end;
    if let Some(mut record) = recording.take() {
        if record.close.is_none() {
            record.close = Some(RecordedClose {
                code,
                reason: reason.clone(),
                by_server: false,
            });
        }
        finish_recording(record);
    }
    if let Some(message) = error {
        sink(SocketEvent::Error(message));
    }
    sink(SocketEvent::Close { code, reason });
}
