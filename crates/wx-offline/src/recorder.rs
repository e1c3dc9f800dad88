//! Recording: every exchange of a run as a HAR entry, with credentials redacted, written when
//! the run ends. `wxrun test` records each file separately and [`merge`]s them.

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::SystemTime,
};

use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};

use crate::{
    Interface, WsData,
    har::{
        Content, Entry, Har, Log, NameValue, PostData, RecordedClose, RecordedFailure, Request,
        Response, Timings, WebSocketMessage, WxrunFields,
    },
    lock,
    redact::Redactor,
};

/// A finished HTTP exchange (one hop).
#[derive(Debug)]
pub struct HttpRecord {
    pub api: Interface,
    pub method: String,
    pub url: String,
    /// As sent, fixed headers included.
    pub request_headers: Vec<(String, String)>,
    /// `None` for uploads, which stream from disk.
    pub request_body: Option<Vec<u8>>,
    pub started: SystemTime,
    pub elapsed_ms: f64,
    pub outcome: Result<RecordedResponse, RecordedFailure>,
}

#[derive(Debug)]
pub struct RecordedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// With any `Content-Encoding` removed.
    pub body: Vec<u8>,
}

/// A finished WebSocket.
#[derive(Debug)]
pub struct SocketRecord {
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub response_headers: Vec<(String, String)>,
    pub started: SystemTime,
    pub elapsed_ms: f64,
    /// (sent by the script, when, message).
    pub messages: Vec<(bool, SystemTime, WsData)>,
    pub close: Option<RecordedClose>,
    /// The socket never opened: the `onError` text.
    pub failure: Option<String>,
}

/// Collects the entries of a run.
pub struct Recorder {
    path: PathBuf,
    entries: Mutex<Vec<Entry>>,
    redactor: Arc<Redactor>,
}

fn iso(time: SystemTime) -> String {
    DateTime::<Utc>::from(time).to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn seconds(time: SystemTime) -> f64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

fn pairs(redactor: &Redactor, headers: &[(String, String)]) -> Vec<NameValue> {
    redactor
        .headers(headers)
        .into_iter()
        .map(|(name, value)| NameValue { name, value })
        .collect()
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// Text when the bytes are UTF-8, base64 otherwise.
fn text_or_base64(bytes: &[u8]) -> (String, Option<String>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), None),
        Err(_) => (
            base64::engine::general_purpose::STANDARD.encode(bytes),
            Some("base64".into()),
        ),
    }
}

fn request_of(
    redactor: &Redactor,
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<&[u8]>,
) -> Request {
    let redacted_body = body.map(|body| redactor.request_body(url, headers, body));
    let body = redacted_body.as_deref();
    let url = redactor.url(url);
    let query_string = url::Url::parse(&url)
        .map(|parsed| {
            parsed
                .query_pairs()
                .map(|(name, value)| NameValue {
                    name: name.into_owned(),
                    value: value.into_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    let mime_type = header(headers, "content-type")
        .unwrap_or_default()
        .to_string();
    let (post_data, body_size) = match body {
        Some(body) if !body.is_empty() => {
            let (text, encoding) = text_or_base64(body);
            (
                Some(PostData {
                    mime_type,
                    text,
                    encoding,
                }),
                body.len() as i64,
            )
        }
        Some(_) => (None, 0),
        None => (
            Some(PostData {
                mime_type,
                text: String::new(),
                encoding: None,
            }),
            -1,
        ),
    };
    Request {
        method: method.to_string(),
        url,
        http_version: "HTTP/1.1".into(),
        cookies: Vec::new(),
        headers: pairs(redactor, headers),
        query_string,
        post_data,
        headers_size: -1,
        body_size,
    }
}

fn empty_response() -> Response {
    Response {
        status: 0,
        status_text: String::new(),
        http_version: String::new(),
        cookies: Vec::new(),
        headers: Vec::new(),
        content: Content {
            size: 0,
            mime_type: String::new(),
            text: None,
            encoding: None,
        },
        redirect_url: String::new(),
        headers_size: -1,
        body_size: -1,
    }
}

impl Recorder {
    pub fn new(path: &Path, redactor: Arc<Redactor>) -> Recorder {
        Recorder {
            path: path.to_path_buf(),
            entries: Mutex::new(Vec::new()),
            redactor,
        }
    }

    pub fn record_http(&self, record: HttpRecord) {
        let redactor = &self.redactor;
        let secrets = redactor.secrets(
            &record.url,
            &record.request_headers,
            record.request_body.as_deref(),
        );
        let request = request_of(
            redactor,
            &record.method,
            &record.url,
            &record.request_headers,
            record.request_body.as_deref(),
        );
        let (response, failure) = match record.outcome {
            Ok(response) => {
                let body = redactor.body(&response.body);
                let (text, encoding) = text_or_base64(&body);
                // A server that echoes a credential back must not leak it into the file.
                let text = if encoding.is_none() {
                    secrets.scrub(&text)
                } else {
                    text
                };
                let location =
                    redactor.url(header(&response.headers, "location").unwrap_or_default());
                let mime_type = header(&response.headers, "content-type")
                    .unwrap_or_default()
                    .to_string();
                (
                    Response {
                        status: response.status,
                        status_text: http_reason(response.status).into(),
                        http_version: "HTTP/1.1".into(),
                        cookies: Vec::new(),
                        headers: pairs(redactor, &response.headers),
                        content: Content {
                            size: response.body.len() as i64,
                            mime_type,
                            text: Some(text),
                            encoding,
                        },
                        redirect_url: location,
                        headers_size: -1,
                        body_size: response.body.len() as i64,
                    },
                    None,
                )
            }
            Err(failure) => (
                empty_response(),
                Some(RecordedFailure {
                    reason: redactor.text(&failure.reason),
                    errno: failure.errno,
                }),
            ),
        };
        self.push(Entry {
            started_date_time: iso(record.started),
            time: record.elapsed_ms,
            request,
            response,
            cache: Default::default(),
            timings: Timings {
                send: 0.0,
                wait: record.elapsed_ms,
                receive: 0.0,
            },
            web_socket_messages: None,
            wxrun: Some(WxrunFields {
                api: record.api.api_name().into(),
                failure,
                close: None,
            }),
        });
    }

    pub fn record_socket(&self, record: SocketRecord) {
        let redactor = &self.redactor;
        let secrets = redactor.secrets(&record.url, &record.request_headers, None);
        let mut response = empty_response();
        if record.failure.is_none() {
            response.status = 101;
            response.status_text = "Switching Protocols".into();
            response.http_version = "HTTP/1.1".into();
            response.headers = pairs(redactor, &record.response_headers);
        }
        let messages = record
            .messages
            .iter()
            .map(|(sent, time, data)| {
                let (opcode, data) = match data {
                    WsData::Text(text) => {
                        let keyed = redactor.body(text.as_bytes());
                        (1, secrets.scrub(&String::from_utf8_lossy(&keyed)))
                    }
                    WsData::Binary(bytes) => {
                        (2, base64::engine::general_purpose::STANDARD.encode(bytes))
                    }
                };
                WebSocketMessage {
                    kind: if *sent { "send" } else { "receive" }.into(),
                    time: seconds(*time),
                    opcode,
                    data,
                }
            })
            .collect();
        self.push(Entry {
            started_date_time: iso(record.started),
            time: record.elapsed_ms,
            request: request_of(
                redactor,
                "GET",
                &record.url,
                &record.request_headers,
                Some(&[]),
            ),
            response,
            cache: Default::default(),
            timings: Timings {
                send: 0.0,
                wait: record.elapsed_ms,
                receive: 0.0,
            },
            web_socket_messages: Some(messages),
            wxrun: Some(WxrunFields {
                api: Interface::Socket.api_name().into(),
                failure: record.failure.map(|reason| RecordedFailure {
                    reason: redactor.text(&reason),
                    errno: None,
                }),
                close: record.close,
            }),
        });
    }

    fn push(&self, entry: Entry) {
        lock(&self.entries).push(entry);
    }

    pub fn entry_count(&self) -> usize {
        lock(&self.entries).len()
    }

    /// Writes the HAR file, entries in the order they started.
    pub fn write(&self) -> Result<(), String> {
        let mut entries = lock(&self.entries).clone();
        entries.sort_by(|a, b| a.started_date_time.cmp(&b.started_date_time));
        write_har(&self.path, entries)
    }
}

fn write_har(path: &Path, entries: Vec<Entry>) -> Result<(), String> {
    let har = Har {
        log: Log {
            entries,
            ..Log::default()
        },
    };
    let text = serde_json::to_string_pretty(&har).map_err(|err| err.to_string())?;
    std::fs::write(path, text + "\n")
        .map_err(|err| format!("cannot write the recording {}: {err}", path.display()))
}

/// Joins recordings of several files into one, in the order given.
pub fn merge(parts: &[PathBuf], path: &Path) -> Result<usize, String> {
    let mut entries = Vec::new();
    for part in parts {
        if !part.exists() {
            continue;
        }
        let text = std::fs::read_to_string(part)
            .map_err(|err| format!("cannot read {}: {err}", part.display()))?;
        let har: Har = serde_json::from_str(&text)
            .map_err(|err| format!("{} is not a HAR file: {err}", part.display()))?;
        entries.extend(har.log.entries);
    }
    let count = entries.len();
    write_har(path, entries)?;
    Ok(count)
}

/// The reason phrase HAR's `statusText` wants.
fn http_reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .unwrap_or("")
}
