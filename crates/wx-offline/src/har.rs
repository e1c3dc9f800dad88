//! The part of HAR 1.2 that wxrun writes and reads, plus the custom fields it needs
//! (HAR allows fields starting with `_`): `_webSocketMessages` as browsers write them, and
//! `_wxrun` for what HAR has no place for (the API, a failure, a socket's close).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Har {
    pub log: Log,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Log {
    pub version: String,
    pub creator: Creator,
    #[serde(default)]
    pub entries: Vec<Entry>,
}

impl Default for Log {
    fn default() -> Self {
        Log {
            version: "1.2".into(),
            creator: Creator {
                name: "wxrun".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            entries: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Creator {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub started_date_time: String,
    /// Milliseconds from the request to the end of the response.
    pub time: f64,
    pub request: Request,
    pub response: Response,
    #[serde(default)]
    pub cache: serde_json::Map<String, serde_json::Value>,
    pub timings: Timings,
    #[serde(
        rename = "_webSocketMessages",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub web_socket_messages: Option<Vec<WebSocketMessage>>,
    #[serde(rename = "_wxrun", default, skip_serializing_if = "Option::is_none")]
    pub wxrun: Option<WxrunFields>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    pub method: String,
    pub url: String,
    pub http_version: String,
    #[serde(default)]
    pub cookies: Vec<NameValue>,
    #[serde(default)]
    pub headers: Vec<NameValue>,
    #[serde(default)]
    pub query_string: Vec<NameValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_data: Option<PostData>,
    pub headers_size: i64,
    pub body_size: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PostData {
    pub mime_type: String,
    pub text: String,
    /// `base64` when the body is not UTF-8 (HAR 1.2 has no such field for requests; this
    /// mirrors `content.encoding`).
    #[serde(rename = "_encoding", default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    pub status: u16,
    pub status_text: String,
    pub http_version: String,
    #[serde(default)]
    pub cookies: Vec<NameValue>,
    #[serde(default)]
    pub headers: Vec<NameValue>,
    pub content: Content,
    #[serde(rename = "redirectURL", default)]
    pub redirect_url: String,
    pub headers_size: i64,
    pub body_size: i64,
}

/// The response body after any `Content-Encoding` was removed, as HAR asks.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Content {
    pub size: i64,
    #[serde(default)]
    pub mime_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct NameValue {
    pub name: String,
    pub value: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Timings {
    pub send: f64,
    pub wait: f64,
    pub receive: f64,
}

/// One WebSocket frame, as Chrome records it: `type` is `send` or `receive`, `time` in
/// seconds since the epoch, `opcode` 1 (text) or 2 (binary, `data` in base64).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct WebSocketMessage {
    #[serde(rename = "type")]
    pub kind: String,
    pub time: f64,
    pub opcode: u8,
    pub data: String,
}

/// What HAR has no field for.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WxrunFields {
    /// `request`, `uploadFile`, `downloadFile` or `connectSocket`.
    pub api: String,
    /// The exchange failed: the errMsg reason and errno the script saw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<RecordedFailure>,
    /// How a socket closed, if the server closed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close: Option<RecordedClose>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RecordedFailure {
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errno: Option<u32>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RecordedClose {
    pub code: u16,
    pub reason: String,
    /// True when the server closed the socket (replay then closes it the same way).
    pub by_server: bool,
}
