//! Replay: answering calls from a HAR file. A call matches an entry with the same API,
//! method, URL (both redacted) and request body (uploads, whose multipart boundary changes
//! every run, match on method and URL). Entries are used in order; when all matching entries
//! have been used, the last one answers again.

use std::{path::Path, sync::Mutex, time::Duration};

use base64::Engine;

use crate::{
    Api, CannedResponse, HttpAnswer, HttpCall, ScriptStep, SocketAnswer, SocketScript, WsData,
    har::{Entry, Har},
    lock,
    redact::redact_url,
};

pub struct Replay {
    entries: Vec<Entry>,
    used: Mutex<Vec<bool>>,
}

fn decode(text: &str, encoding: Option<&str>) -> Vec<u8> {
    match encoding {
        Some("base64") => base64::engine::general_purpose::STANDARD
            .decode(text)
            .unwrap_or_default(),
        _ => text.as_bytes().to_vec(),
    }
}

fn api_of(entry: &Entry) -> Option<Api> {
    match &entry.wxrun {
        Some(fields) => Api::parse(&fields.api),
        None if entry.web_socket_messages.is_some() => Some(Api::ConnectSocket),
        None => None,
    }
}

impl Replay {
    pub fn load(path: &Path) -> Result<Replay, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|err| format!("--replay {}: cannot read the file: {err}", path.display()))?;
        let har: Har = serde_json::from_str(&text).map_err(|err| {
            format!(
                "--replay {}: not a HAR 1.2 file ({err}); record one with --record",
                path.display()
            )
        })?;
        let used = Mutex::new(vec![false; har.log.entries.len()]);
        Ok(Replay {
            entries: har.log.entries,
            used,
        })
    }

    fn body_matches(entry: &Entry, call: &HttpCall<'_>) -> bool {
        let Some(body) = call.body else {
            return true;
        };
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
        api: Api,
        method: &str,
        url: &str,
        call: Option<&HttpCall<'_>>,
    ) -> Option<usize> {
        let url = redact_url(url);
        let candidates: Vec<usize> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, entry)| {
                let api_ok = match api_of(entry) {
                    Some(known) => known == api,
                    None => api != Api::ConnectSocket,
                };
                api_ok
                    && entry.request.method.eq_ignore_ascii_case(method)
                    && entry.request.url == url
                    && call.is_none_or(|call| Self::body_matches(entry, call))
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
        let entry = &self.entries[self.take(Api::ConnectSocket, "GET", url, None)?];
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
