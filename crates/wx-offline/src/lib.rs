//! Network answers without the network, for wxrun: mock rules, HAR 1.2 recording with
//! redaction, and replay of a recording.
//!
//! wx-net asks a [`StandIn`] once per HTTP exchange (every redirect hop) and once per
//! WebSocket, after the domain, scheme, port and queue checks and before it would connect.
//! The answer is the network, a canned response, a failure, or a scripted socket. What a
//! canned response carries then goes through the same decoding (charset, BOM, JSON) as bytes
//! from a server. Recording happens beside the network: wx-net hands every finished exchange
//! to the [`Recorder`].

pub mod har;
pub mod recorder;
pub mod redact;
pub mod replay;
pub mod rules;

use std::{
    path::Path,
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use bytes::Bytes;
pub use wx_policy::Interface;

pub use recorder::{HttpRecord, Recorder, SocketRecord};
pub use redact::Redactor;
pub use replay::Replay;
pub use rules::{Rule, RuleAnswer, RuleError};

/// The interfaces mock rules, recordings and replay answer, as rule files name them
/// (`"api": "request"`): the three HTTP interfaces and `connectSocket`.
pub const ANSWERED: [Interface; 4] = [
    Interface::Request,
    Interface::UploadFile,
    Interface::DownloadFile,
    Interface::Socket,
];

/// The answered interface a rule file or recording names, by its `wx` API name.
pub fn interface_named(name: &str) -> Option<Interface> {
    ANSWERED.into_iter().find(|i| i.api_name() == name)
}

/// One call as it is about to go out (for HTTP, one hop of it).
#[derive(Clone, Copy, Debug)]
pub struct HttpCall<'a> {
    pub api: Interface,
    /// Upper case.
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(String, String)],
    /// The body when it is in memory; uploads stream from disk and have none here.
    pub body: Option<&'a [u8]>,
}

/// A response made up by a rule or taken from a recording.
#[derive(Clone, Debug, PartialEq)]
pub struct CannedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    /// How long to wait before answering.
    pub delay: Duration,
    /// The body has had its `Content-Encoding` removed already (recordings keep decoded
    /// bodies, as HAR asks); otherwise it is decoded like a server's.
    pub decoded: bool,
}

/// A WebSocket message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WsData {
    Text(String),
    Binary(Vec<u8>),
}

/// One step of a scripted server.
#[derive(Clone, Debug, PartialEq)]
pub enum ScriptStep {
    /// Send a message after waiting `delay`.
    Send { data: WsData, delay: Duration },
    /// Wait for the script to send a message (replay keeps the recorded turn order).
    AwaitClient,
}

/// What a scripted WebSocket server does after the handshake.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SocketScript {
    pub steps: Vec<ScriptStep>,
    /// After the steps, send every message from the script straight back.
    pub echo: bool,
    /// After the steps, close with this code and reason.
    pub close: Option<(u16, String)>,
}

/// What to do with an HTTP call.
#[derive(Debug)]
pub enum HttpAnswer {
    Network,
    Respond(CannedResponse),
    /// Fail with this errMsg reason (and errno, when a recording kept one).
    Fail {
        reason: String,
        errno: Option<u32>,
    },
}

/// What to do with a WebSocket.
#[derive(Debug)]
pub enum SocketAnswer {
    Network,
    Script(SocketScript),
    /// `onError` with this message, then `onClose(1006)`.
    Fail(String),
}

/// Why a call may not go to the network.
fn refusal(call_url: &str, replaying: bool) -> String {
    if replaying {
        format!("no recorded response for {call_url} (replay; the network is not used)")
    } else {
        format!("no mock rule matches {call_url} (offline)")
    }
}

/// The mock rules, replay and recording of one run.
#[derive(Default)]
pub struct StandIn {
    file_rules: Vec<Rule>,
    /// Rules added by the script (`require('wxrun').mock(...)`), with their ids.
    script_rules: Mutex<Vec<(u64, Rule)>>,
    next_rule_id: Mutex<u64>,
    replay: Option<Replay>,
    offline: bool,
    recorder: Option<Recorder>,
    /// Calls refused for want of an answer (redacted), for the hint printed at the end.
    refused: Mutex<Vec<String>>,
    redactor: Arc<Redactor>,
}

impl StandIn {
    /// Reads the rule files and the recording to replay; `redactor` is the run's one
    /// redaction, for the recording, replay's matching and the refusals it reports.
    pub fn new(
        rule_files: &[&Path],
        replay: Option<&Path>,
        offline: bool,
        record: Option<&Path>,
        redactor: Arc<Redactor>,
    ) -> Result<StandIn, String> {
        let mut file_rules = Vec::new();
        for path in rule_files {
            file_rules.extend(rules::load_file(path).map_err(|err| err.to_string())?);
        }
        let replay = replay
            .map(|path| Replay::load(path, redactor.clone()))
            .transpose()?;
        Ok(StandIn {
            file_rules,
            replay,
            offline,
            recorder: record.map(|path| Recorder::new(path, redactor.clone())),
            redactor,
            ..StandIn::default()
        })
    }

    /// The run's redaction.
    pub fn redactor(&self) -> &Arc<Redactor> {
        &self.redactor
    }

    /// Whether wx-net needs to ask at all.
    pub fn answers_anything(&self) -> bool {
        self.offline
            || self.replay.is_some()
            || !self.file_rules.is_empty()
            || !lock(&self.script_rules).is_empty()
    }

    pub fn recorder(&self) -> Option<&Recorder> {
        self.recorder.as_ref()
    }

    /// Adds a rule from the script; returns its id for [`StandIn::remove_rule`].
    pub fn add_rule(&self, rule: Rule) -> u64 {
        let mut next = lock(&self.next_rule_id);
        *next += 1;
        lock(&self.script_rules).push((*next, rule));
        *next
    }

    pub fn remove_rule(&self, id: u64) -> bool {
        let mut rules = lock(&self.script_rules);
        let before = rules.len();
        rules.retain(|(known, _)| *known != id);
        rules.len() != before
    }

    /// Drops every rule the script added.
    pub fn clear_script_rules(&self) {
        lock(&self.script_rules).clear();
    }

    /// The id of the latest rule added, for [`StandIn::remove_rules_after`].
    pub fn rule_mark(&self) -> u64 {
        *lock(&self.next_rule_id)
    }

    /// Drops the rules added after `mark` (the ones a test added, leaving its file's).
    pub fn remove_rules_after(&self, mark: u64) {
        lock(&self.script_rules).retain(|(id, _)| *id <= mark);
    }

    /// The first matching rule's answer: the script's rules first, then the files'.
    fn rule_answer(&self, call: &HttpCall<'_>) -> Option<RuleAnswer> {
        let script_rules = lock(&self.script_rules);
        script_rules
            .iter()
            .map(|(_, rule)| rule)
            .chain(&self.file_rules)
            .find(|rule| rule.matches(call))
            .map(|rule| rule.answer.clone())
    }

    fn refuse(&self, url: &str) -> String {
        let url = self.redactor.url(url);
        let reason = refusal(&url, self.replay.is_some());
        lock(&self.refused).push(url);
        reason
    }

    /// What answers an HTTP call: a rule, the recording, or the network when allowed.
    pub fn answer_http(&self, call: &HttpCall<'_>) -> HttpAnswer {
        match self.rule_answer(call) {
            Some(RuleAnswer::Respond(response)) => return HttpAnswer::Respond(response),
            Some(RuleAnswer::Fail(reason)) => {
                return HttpAnswer::Fail {
                    reason,
                    errno: None,
                };
            }
            // Socket scripts only match connectSocket, cloud results only cloud functions;
            // rules guarantee it.
            Some(RuleAnswer::Socket(_) | RuleAnswer::CloudResult { .. }) | None => {}
        }
        if let Some(replay) = &self.replay {
            return match replay.answer_http(call) {
                Some(answer) => answer,
                None => HttpAnswer::Fail {
                    reason: self.refuse(call.url),
                    errno: None,
                },
            };
        }
        if self.offline {
            return HttpAnswer::Fail {
                reason: self.refuse(call.url),
                errno: None,
            };
        }
        HttpAnswer::Network
    }

    /// What answers a WebSocket.
    pub fn answer_socket(&self, url: &str, headers: &[(String, String)]) -> SocketAnswer {
        let call = HttpCall {
            api: Interface::Socket,
            method: "GET",
            url,
            headers,
            body: None,
        };
        match self.rule_answer(&call) {
            Some(RuleAnswer::Socket(script)) => return SocketAnswer::Script(script),
            Some(RuleAnswer::Fail(reason)) => return SocketAnswer::Fail(reason),
            Some(RuleAnswer::Respond(_) | RuleAnswer::CloudResult { .. }) | None => {}
        }
        if let Some(replay) = &self.replay {
            return match replay.answer_socket(url) {
                Some(answer) => answer,
                None => SocketAnswer::Fail(self.refuse(url)),
            };
        }
        if self.offline {
            return SocketAnswer::Fail(self.refuse(url));
        }
        SocketAnswer::Network
    }

    /// The answer of the first rule (the script's first, then the files') for the cloud
    /// function `name` called with `data`: a result or a failure reason.
    pub fn answer_cloud_function(
        &self,
        name: &str,
        data: &serde_json::Value,
    ) -> Option<RuleAnswer> {
        let script_rules = lock(&self.script_rules);
        script_rules
            .iter()
            .map(|(_, rule)| rule)
            .chain(&self.file_rules)
            .find(|rule| rule.matches_cloud_function(name, data))
            .map(|rule| rule.answer.clone())
    }

    /// The URLs refused so far (no rule, no recording).
    pub fn refused(&self) -> Vec<String> {
        lock(&self.refused).clone()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing panics while these are held; a poisoned lock still holds consistent data.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
