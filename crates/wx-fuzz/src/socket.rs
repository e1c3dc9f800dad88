//! WebSocket close codes and reasons, both ways, over a scripted server on an in-memory pipe
//! (wx-net and wx-offline; no network).

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use wx_net::{
    Network,
    socket::{SocketCommand, SocketEvent, SocketRequest},
};
use wx_offline::{Rule, StandIn};
use wx_policy::{Config, DomainEntry, DomainList, Interface};

use crate::Bytes;

thread_local! {
    static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
}

fn network(rule: serde_json::Value) -> Option<Network> {
    let mut config = Config::default();
    config.domains[Interface::Socket as usize].value = DomainList::new(vec![
        DomainEntry::parse("ws.example.com", Interface::Socket).expect("a valid entry"),
    ])
    .expect("a short list");
    let stand_in =
        StandIn::new(&[], None, true, None, Default::default()).expect("an offline stand-in");
    // A rule the fuzzer made may be refused, with a message; that is all it must do.
    match Rule::parse(&rule, std::path::Path::new("."), "fuzz", 0) {
        Ok(rule) => {
            stand_in.add_rule(rule);
        }
        Err(error) => {
            assert!(!error.to_string().is_empty());
            return None;
        }
    }
    Some(
        Network::new(
            &config,
            Arc::new(wx_policy::RunPolicy::resolve(&config)),
            Some(Arc::new(stand_in)),
        )
        .expect("a network"),
    )
}

/// A server that sends a few messages and closes with a code and reason of the fuzzer's
/// choosing, and a script that may close first with its own: the socket reports exactly one
/// close, last, and nothing panics.
pub fn ws_close(data: &[u8]) {
    let mut bytes = Bytes::new(data);
    let server_code = u16::from_le_bytes([bytes.byte(), bytes.byte()]);
    let server_reason = bytes.field();
    let client_code = u16::from_le_bytes([bytes.byte(), bytes.byte()]);
    let client_reason = bytes.field();
    let client_closes = bytes.flag();
    let message = bytes.field();
    let rule = serde_json::json!({
        "api": "connectSocket",
        "url": "wss://ws.example.com/*",
        "socket": {
            "messages": [message],
            "close": { "code": server_code, "reason": server_reason },
        },
    });
    RUNTIME.with(|runtime| {
        runtime.block_on(async {
            let Some(network) = network(rule) else {
                return;
            };
            let events: Arc<Mutex<Vec<String>>> = Arc::default();
            let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
            let done_tx = Mutex::new(Some(done_tx));
            let sink_events = events.clone();
            let commands = network.connect_socket(
                1,
                SocketRequest {
                    url: "wss://ws.example.com/chat".into(),
                    headers: Vec::new(),
                    protocols: Vec::new(),
                    tcp_no_delay: true,
                    timeout: Duration::from_secs(5),
                },
                Arc::new(move |event| {
                    let closing = matches!(event, SocketEvent::Close { .. });
                    if let Ok(mut events) = sink_events.lock() {
                        events.push(format!("{event:?}"));
                    }
                    if closing && let Some(done) = done_tx.lock().ok().and_then(|mut d| d.take()) {
                        let _ = done.send(());
                    }
                }),
            );
            if client_closes {
                let _ = commands.send(SocketCommand::Close {
                    code: client_code,
                    reason: client_reason,
                });
            }
            let finished = tokio::time::timeout(Duration::from_secs(10), done_rx).await;
            assert!(finished.is_ok(), "the socket never closed");
            // Anything still in flight reports before the next input starts.
            tokio::time::sleep(Duration::from_millis(1)).await;
            let events = events.lock().map(|e| e.clone()).unwrap_or_default();
            let closes = events.iter().filter(|e| e.starts_with("Close")).count();
            assert_eq!(closes, 1, "{events:?}");
            assert!(
                events.last().is_some_and(|e| e.starts_with("Close")),
                "{events:?}"
            );
        });
    });
}
