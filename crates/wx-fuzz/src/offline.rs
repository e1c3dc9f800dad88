//! Mock-rule files, HAR files and the replay matcher (wx-offline).

use wx_offline::{ANSWERED, HttpAnswer, HttpCall, Replay, SocketAnswer, rules};

use crate::{Bytes, scratch};

const APIS: [wx_offline::Interface; 4] = ANSWERED;

fn file(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let path = scratch().join(name);
    std::fs::write(&path, contents).expect("a scratch file");
    path
}

/// A rules file is read or refused with a message naming the file; the rules it holds
/// match calls without panicking.
pub fn mock_rules(data: &[u8]) {
    let mut bytes = Bytes::new(data);
    let url = bytes.field();
    let body = bytes.field();
    let api = APIS[bytes.choose(APIS.len())];
    let path = file("rules.json", bytes.rest());
    match rules::load_file(&path) {
        Ok(rules) => {
            let headers = vec![("Content-Type".to_string(), "application/json".to_string())];
            for method in ["GET", "POST"] {
                let call = HttpCall {
                    api,
                    method,
                    url: &url,
                    headers: &headers,
                    body: Some(body.as_bytes()),
                };
                for rule in &rules {
                    let _ = rule.matches(&call);
                }
            }
        }
        Err(error) => assert!(
            error.to_string().contains("rules.json"),
            "a rules error that names no file: {error}"
        ),
    }
}

/// A HAR file is loaded or refused with a message naming it; every entry it holds answers
/// its own call, and other calls find nothing or something, never a panic.
pub fn har_replay(data: &[u8]) {
    let mut bytes = Bytes::new(data);
    let url = bytes.field();
    let api = APIS[bytes.choose(APIS.len())];
    let path = file("replay.har", bytes.rest());
    let replay = match Replay::load(&path, Default::default()) {
        Ok(replay) => replay,
        Err(message) => {
            assert!(message.contains("replay.har"), "{message}");
            return;
        }
    };
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let har: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let entries = har["log"]["entries"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut calls: Vec<(String, String, Vec<u8>)> = entries
        .iter()
        .map(|entry| {
            let request = &entry["request"];
            (
                request["method"].as_str().unwrap_or("GET").to_string(),
                request["url"].as_str().unwrap_or_default().to_string(),
                request["postData"]["text"]
                    .as_str()
                    .unwrap_or_default()
                    .as_bytes()
                    .to_vec(),
            )
        })
        .collect();
    calls.push(("GET".into(), url, Vec::new()));
    for (method, url, body) in &calls {
        if api == wx_offline::Interface::Socket {
            if let Some(SocketAnswer::Fail(message)) = replay.answer_socket(url) {
                assert!(!message.is_empty());
            }
            continue;
        }
        let call = HttpCall {
            api,
            method,
            url,
            headers: &[],
            body: Some(body),
        };
        if let Some(HttpAnswer::Respond(response)) = replay.answer_http(&call) {
            assert!(response.decoded, "a recording's body is already decoded");
        }
    }
}
