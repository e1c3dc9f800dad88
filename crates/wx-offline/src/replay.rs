//! Replay: answering calls from a HAR file. A call matches an entry with the same API,
//! method, URL (both redacted) and request body (uploads, whose multipart boundary changes
//! every run, match on method and URL). Entries are used in order; when all matching entries
//! have been used, the last one answers again.

use std::{
    path::Path,
    sync::{Arc, Mutex},
    time::Duration,
};

use base64::Engine;

use crate::{
    CannedResponse, HttpAnswer, HttpCall, Interface, ScriptStep, SocketAnswer, SocketScript,
    WsData,
    har::{Entry, Har},
    lock,
    redact::Redactor,
};

pub struct Replay {
    entries: Vec<Entry>,
    used: Mutex<Vec<bool>>,
    redactor: Arc<Redactor>,
}

/// The bytes a HAR text stands for; the file was checked when it was loaded.
fn decode(text: &str, encoding: Option<&str>) -> Vec<u8> {
    decoded(text, encoding).unwrap_or_default()
}

fn decoded(text: &str, encoding: Option<&str>) -> Option<Vec<u8>> {
    match encoding {
        Some("base64") => base64::engine::general_purpose::STANDARD.decode(text).ok(),
        Some(other) if !other.is_empty() => None,
        _ => Some(text.as_bytes().to_vec()),
    }
}

/// What in an entry cannot be replayed: a body in an encoding that does not decode.
fn undecodable(entry: &Entry) -> Option<String> {
    let checks = [
        (
            "response.content",
            entry.response.content.text.as_deref(),
            entry.response.content.encoding.as_deref(),
        ),
        (
            "request.postData",
            entry.request.post_data.as_ref().map(|p| p.text.as_str()),
            entry
                .request
                .post_data
                .as_ref()
                .and_then(|p| p.encoding.as_deref()),
        ),
    ];
    for (field, text, encoding) in checks {
        if let Some(text) = text
            && decoded(text, encoding).is_none()
        {
            return Some(match encoding {
                Some("base64") => format!("{field}.text is not valid base64"),
                other => format!(
                    "{field} has encoding {:?}; a HAR body is text, or base64 with \"encoding\": \"base64\"",
                    other.unwrap_or_default()
                ),
            });
        }
    }
    if entry.request.method.is_empty() || url::Url::parse(&entry.request.url).is_err() {
        return Some(format!(
            "request.url {:?} is not an absolute URL",
            entry.request.url
        ));
    }
    None
}

fn api_of(entry: &Entry) -> Option<Interface> {
    match &entry.wxrun {
        Some(fields) => crate::interface_named(&fields.api),
        None if entry.web_socket_messages.is_some() => Some(Interface::Socket),
        None => None,
    }
}

impl Replay {
    /// Reads a HAR file; an entry that could not be replayed is refused now, naming it.
    pub fn load(path: &Path, redactor: Arc<Redactor>) -> Result<Replay, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|err| format!("--replay {}: cannot read the file: {err}", path.display()))?;
        let har: Har = serde_json::from_str(&text).map_err(|err| {
            format!(
                "--replay {}: not a HAR 1.2 file ({err}); record one with --record",
                path.display()
            )
        })?;
        for (index, entry) in har.log.entries.iter().enumerate() {
            if let Some(problem) = undecodable(entry) {
                return Err(format!(
                    "--replay {}: entry {index} ({} {}): {problem}; record the file again with --record",
                    path.display(),
                    entry.request.method,
                    entry.request.url
                ));
            }
        }
        let used = Mutex::new(vec![false; har.log.entries.len()]);
        Ok(Replay {
            entries: har.log.entries,
            used,
            redactor,
        })
    }

    fn body_matches(&self, entry: &Entry, call: &HttpCall<'_>) -> bool {
        let Some(body) = call.body else {
            return true;
        };
        // The recording keeps a redacted body: compare the live one redacted the same way.
        let body = self.redactor.request_body(call.url, call.headers, body);
        let recorded = entry
            .request
            .post_data
            .as_ref()
            .map(|post| decode(&post.text, post.encoding.as_deref()))
            .unwrap_or_default();
        recorded == body
    }

    /// The index of the entry that answers, marking it used.
    fn take(
        &self,
        api: Interface,
        method: &str,
        url: &str,
        call: Option<&HttpCall<'_>>,
    ) -> Option<usize> {
        let url = self.redactor.url(url);
        let candidates: Vec<usize> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, entry)| {
                let api_ok = match api_of(entry) {
                    Some(known) => known == api,
                    None => api != Interface::Socket,
                };
                api_ok
                    && entry.request.method.eq_ignore_ascii_case(method)
                    && entry.request.url == url
                    && call.is_none_or(|call| self.body_matches(entry, call))
            })
            .map(|(index, _)| index)
            .collect();
        let mut used = lock(&self.used);
        let chosen = candidates
            .iter()
            .copied()
            .find(|index| !used[*index])
            .or_else(|| candidates.last().copied())?;
        used[chosen] = true;
        Some(chosen)
    }

    pub fn answer_http(&self, call: &HttpCall<'_>) -> Option<HttpAnswer> {
        let entry = &self.entries[self.take(call.api, call.method, call.url, Some(call))?];
        if let Some(failure) = entry.wxrun.as_ref().and_then(|f| f.failure.clone()) {
            return Some(HttpAnswer::Fail {
                reason: failure.reason,
                errno: failure.errno,
            });
        }
        let response = &entry.response;
        let body = response
            .content
            .text
            .as_deref()
            .map(|text| decode(text, response.content.encoding.as_deref()))
            .unwrap_or_default();
        Some(HttpAnswer::Respond(CannedResponse {
            status: response.status,
            headers: response
                .headers
                .iter()
                .map(|pair| (pair.name.clone(), pair.value.clone()))
                .collect(),
            body: body.into(),
            delay: Duration::ZERO,
            decoded: true,
        }))
    }

    /// The recorded server side of a socket: its messages in the recorded turns.
    pub fn answer_socket(&self, url: &str) -> Option<SocketAnswer> {
        let entry = &self.entries[self.take(Interface::Socket, "GET", url, None)?];
        if let Some(failure) = entry.wxrun.as_ref().and_then(|f| f.failure.clone()) {
            return Some(SocketAnswer::Fail(failure.reason));
        }
        let mut steps = Vec::new();
        for message in entry.web_socket_messages.iter().flatten() {
            if message.kind == "send" {
                // Keep the turns: what the server said next came after this message.
                steps.push(ScriptStep::AwaitClient);
                continue;
            }
            let data = if message.opcode == 2 {
                WsData::Binary(decode(&message.data, Some("base64")))
            } else {
                WsData::Text(message.data.clone())
            };
            steps.push(ScriptStep::Send {
                data,
                delay: Duration::ZERO,
            });
        }
        while steps.last() == Some(&ScriptStep::AwaitClient) {
            steps.pop();
        }
        let close = entry
            .wxrun
            .as_ref()
            .and_then(|f| f.close.as_ref())
            .filter(|close| close.by_server)
            .map(|close| (close.code, close.reason.clone()));
        Some(SocketAnswer::Script(SocketScript {
            steps,
            echo: false,
            close,
        }))
    }
}
