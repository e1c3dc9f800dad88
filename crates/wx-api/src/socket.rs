//! The natives behind `wx.connectSocket` and SocketTask: opening a socket in wx-net, sending,
//! closing, and turning socket events into JS values.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use rquickjs::{ArrayBuffer, Ctx, Function, Object, prelude::Func};
use tokio::sync::mpsc;
use wx_bridge::{Data, Natives, Text, declared::wx};
use wx_host::{Internals, LoopHandle};
use wx_net::{
    Network,
    socket::{HandshakeTimings, SocketCommand, SocketEvent, SocketRequest, SocketSink, WsMessage},
};
use wx_policy::Interface;

type Sockets = Arc<Mutex<HashMap<u64, mpsc::UnboundedSender<SocketCommand>>>>;

/// `profile` of the open event: the handshake's timings (ms since the epoch, 0 for a step
/// that did not happen), what the handshake took after the connection (and TLS), and in all.
fn profile_object<'js>(ctx: &Ctx<'js>, t: &HandshakeTimings) -> rquickjs::Result<Object<'js>> {
    let c = &t.connect;
    let [fetch_start, end] = [t.fetch_start.round(), t.handshake_end.round()];
    let connected = if c.tls_end.round() != 0.0 {
        c.tls_end.round()
    } else {
        c.connect_end.round()
    };
    let profile = Object::new(ctx.clone())?;
    for (name, value) in [
        ("fetchStart", fetch_start),
        ("domainLookupStart", c.dns_start.round()),
        ("domainLookupEnd", c.dns_end.round()),
        ("connectStart", c.connect_start.round()),
        ("connectEnd", c.connect_end.round()),
        ("SSLconnectionStart", c.tls_start.round()),
        ("SSLconnectionEnd", c.tls_end.round()),
        ("handshakeCost", (end - connected).max(0.0)),
        ("cost", (end - fetch_start).max(0.0)),
    ] {
        profile.set(name, value)?;
    }
    Ok(profile)
}

fn deliver<'js>(
    ctx: &Ctx<'js>,
    internals: &Internals<'js>,
    id: u64,
    event: SocketEvent,
) -> rquickjs::Result<()> {
    let dispatch: Function = internals.object().get("wxDispatch")?;
    let id = id as f64;
    match event {
        SocketEvent::Open { headers, timings } => {
            let event = Object::new(ctx.clone())?;
            event.set("header", crate::values::header_object(ctx, headers)?.0)?;
            event.set("profile", profile_object(ctx, &timings)?)?;
            dispatch.call((id, "open", event))
        }
        SocketEvent::Message(WsMessage::Text(text)) => dispatch.call((id, "message", text)),
        SocketEvent::Message(WsMessage::Binary(bytes)) => {
            dispatch.call((id, "message", ArrayBuffer::new(ctx.clone(), bytes)?))
        }
        SocketEvent::Warning { code, message } => dispatch.call((id, "warning", code, message)),
        SocketEvent::Hint(text) => dispatch.call((id, "hint", text)),
        SocketEvent::Error(message) => dispatch.call((id, "error", message)),
        SocketEvent::Close { code, reason } => dispatch.call((id, "close", code, reason)),
    }
}

/// Posts each event to the JS thread; an open socket keeps the run alive until its close.
fn sink(handle: LoopHandle, id: u64, sockets: Sockets) -> SocketSink {
    let keep_alive = Mutex::new(Some(handle.keep_alive()));
    Arc::new(move |event: SocketEvent| {
        let last = matches!(event, SocketEvent::Close { .. });
        if last && let Ok(mut sockets) = sockets.lock() {
            sockets.remove(&id);
        }
        handle.post(Box::new(move |ctx, internals| {
            deliver(ctx, internals, id, event)
        }));
        if last && let Ok(mut slot) = keep_alive.lock() {
            slot.take();
        }
    })
}

fn command(sockets: &Sockets, id: f64, command: SocketCommand) -> bool {
    sockets
        .lock()
        .ok()
        .and_then(|sockets| {
            sockets
                .get(&(id as u64))
                .map(|sender| sender.send(command).is_ok())
        })
        .unwrap_or(false)
}

pub(crate) fn install<'js>(
    native: &mut Natives<'js>,
    network: &Network,
    handle: LoopHandle,
) -> rquickjs::Result<()> {
    let sockets: Sockets = Arc::new(Mutex::new(HashMap::new()));
    native.set(&wx::SOCKET_LIMIT, network.run_policy().socket_limit)?;

    // socketOpen(id, url, [name, value...], protocols, timeout, tcpNoDelay): the asked timeout
    // when it was capped at 60 s.
    let open_network = network.clone();
    let open_sockets = sockets.clone();
    native.set(
        &wx::SOCKET_OPEN,
        Func::from(
            move |id: f64,
                  url: Text,
                  headers: Vec<Text>,
                  protocols: Vec<Text>,
                  timeout: Option<f64>,
                  tcp_no_delay: bool|
                  -> Option<f64> {
                let decision = open_network
                    .run_policy()
                    .timeout(Interface::Socket, timeout);
                let request = SocketRequest {
                    url: url.into(),
                    headers: Text::pairs(headers),
                    protocols: Text::strings(protocols),
                    tcp_no_delay,
                    timeout: decision.duration,
                };
                let id = id as u64;
                let events = sink(handle.clone(), id, open_sockets.clone());
                let commands = open_network.connect_socket(id, request, events);
                if let Ok(mut sockets) = open_sockets.lock() {
                    sockets.insert(id, commands);
                }
                decision.capped_from_ms.map(|ms| ms as f64)
            },
        ),
    )?;

    let send_sockets = sockets.clone();
    native.set(
        &wx::SOCKET_SEND,
        Func::from(move |id: f64, data: Data| {
            let message = match data {
                Data::Text(text) => WsMessage::Text(text),
                Data::Bytes(bytes) => WsMessage::Binary(bytes),
            };
            command(&send_sockets, id, SocketCommand::Send(message))
        }),
    )?;

    let close_sockets = sockets;
    native.set(
        &wx::SOCKET_CLOSE,
        Func::from(move |id: f64, code: u16, reason: Text| {
            command(
                &close_sockets,
                id,
                SocketCommand::Close {
                    code,
                    reason: reason.into(),
                },
            )
        }),
    )?;
    Ok(())
}
