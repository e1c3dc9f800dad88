//! The natives behind `wx.createTCPSocket` and TCPSocket: the creation limit, the address
//! rules, connections in wx-net, and their events as JS values.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use rquickjs::{ArrayBuffer, Ctx, Function, Value, prelude::Func};
use wx_bridge::{
    Natives, Text,
    declared::{tcp, wx},
    text_of, with_buffer,
};
use wx_host::{Internals, LoopHandle};
use wx_net::{
    Network,
    tcp::{TcpConnect, TcpEvent, TcpSink, TcpSocketHandle},
};
use wx_policy::{LibVersion, limits};

use crate::udp::keep_alive_sink;

/// Open connections by id; a connection leaves once its `Close` is posted.
type Connections = Arc<Mutex<HashMap<u64, TcpSocketHandle>>>;

fn connections(map: &Connections) -> std::sync::MutexGuard<'_, HashMap<u64, TcpSocketHandle>> {
    // Nothing panics while the map is held, so a poisoned lock is still consistent.
    map.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn deliver<'js>(
    ctx: &Ctx<'js>,
    internals: &Internals<'js>,
    id: u64,
    event: TcpEvent,
) -> rquickjs::Result<()> {
    let dispatch: Function = internals.object().get("wxDispatch")?;
    let id = id as f64;
    match event {
        TcpEvent::Connected { local, remote } => dispatch.call((
            id,
            "connect",
            local.ip().to_string(),
            local.port(),
            remote.ip().to_string(),
            remote.port(),
        )),
        // The busiest path: only the bytes cross; remoteInfo and localInfo are the
        // connection's, known since "connect".
        TcpEvent::Message(data) => {
            dispatch.call((id, "message", ArrayBuffer::new(ctx.clone(), data)?))
        }
        TcpEvent::Error { err_msg, err_code } => dispatch.call((id, "error", err_msg, err_code)),
        TcpEvent::Close => dispatch.call((id, "close")),
    }
}

/// A connect timeout from the option in seconds: the documented 2 s when it is missing or not
/// a positive number, and no more than the 60 s every network call is held to.
fn connect_timeout(seconds: Option<f64>) -> Duration {
    let cap = Duration::from_millis(limits::MAX_TIMEOUT_MS);
    match seconds {
        Some(s) if s > 0.0 => Duration::from_secs_f64(s.min(cap.as_secs_f64())),
        _ => limits::TCP_CONNECT_TIMEOUT,
    }
}

pub(crate) fn install<'js>(
    native: &mut Natives<'js>,
    network: &Network,
    handle: LoopHandle,
) -> rquickjs::Result<()> {
    let mut natives = native.group(&wx::TCP_GROUP)?;
    let open: Connections = Arc::new(Mutex::new(HashMap::new()));
    let policy = network.run_policy().clone();
    let lib = policy.lib;

    natives.set(
        &tcp::GATES,
        vec![
            lib >= LibVersion::TCP_IPV6,
            lib >= LibVersion::TCP_BIND_WIFI,
            lib >= LibVersion::TCP_CONNECT_RESULT,
            lib >= LibVersion::TCP_CONNECT_INFO,
        ],
    )?;
    natives.set(
        &tcp::LIMIT,
        vec![
            limits::TCP_SOCKETS_PER_WINDOW as u64,
            limits::TCP_SOCKET_WINDOW.as_secs() / 60,
        ],
    )?;

    // create() -> whether the creation limit admits one more socket.
    let create_network = network.clone();
    natives.set(
        &tcp::CREATE,
        Func::from(move || create_network.admit_tcp_socket()),
    )?;

    // connect(id, address, port, v6, timeout) -> the refusal's catalogue key, or nothing when
    // the connection starts.
    let connect_network = network.clone();
    let connect_open = open.clone();
    natives.set(
        &tcp::CONNECT,
        Func::from(
            move |id: f64,
                  address: Text,
                  port: f64,
                  v6: bool,
                  timeout: Option<f64>|
                  -> Option<&'static str> {
                let (target, port) = match policy.urls.check_tcp(&address, port, v6) {
                    Ok(allowed) => allowed,
                    Err(denied) => return Some(denied.key()),
                };
                let id = id as u64;
                let forget = connect_open.clone();
                let sink: TcpSink = keep_alive_sink(
                    handle.clone(),
                    |event| matches!(event, TcpEvent::Close),
                    move |handle, event| {
                        if matches!(event, TcpEvent::Close) {
                            connections(&forget).remove(&id);
                        }
                        handle.post(Box::new(move |ctx, internals| {
                            deliver(ctx, internals, id, event)
                        }));
                    },
                );
                let request = TcpConnect {
                    target,
                    port,
                    v6,
                    timeout: connect_timeout(timeout),
                };
                let connection = connect_network.tcp_connect(id, request, sink);
                connections(&connect_open).insert(id, connection);
                None
            },
        ),
    )?;

    // write(id, string | ArrayBuffer) -> false when the connection is closing or gone. An
    // ArrayBuffer's bytes go to the kernel without a copy when it takes them at once.
    let write_open = open.clone();
    natives.set(
        &tcp::WRITE,
        Func::from(
            move |ctx: Ctx<'js>, id: f64, data: Value<'js>| -> rquickjs::Result<bool> {
                let open = connections(&write_open);
                let Some(connection) = open.get(&(id as u64)) else {
                    return Ok(false);
                };
                let taken = match text_of(&ctx, &data)? {
                    Some(text) => connection.write(text.as_bytes()).is_ok(),
                    None => {
                        with_buffer(&data, |bytes| connection.write(bytes).is_ok()).unwrap_or(true)
                    }
                };
                Ok(taken)
            },
        ),
    )?;

    // close(id): the connection's close event follows.
    let close_open = open;
    natives.set(
        &tcp::CLOSE,
        Func::from(move |id: f64| {
            if let Some(connection) = connections(&close_open).get(&(id as u64)) {
                connection.close();
            }
        }),
    )?;

    // bindWifi(BSSID?) -> [catalogue key, detail] of what the device answers.
    let device = network.run_policy().device.clone();
    natives.set(
        &tcp::BIND_WIFI,
        Func::from(move |bssid: Option<Text>| -> Vec<String> {
            let refusal = wx_policy::bind_wifi_refusal(&device, bssid.as_deref());
            vec![refusal.key.to_string(), refusal.detail]
        }),
    )?;
    native.set(&wx::TCP_GROUP, natives.finish()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_timeouts_in_seconds() {
        assert_eq!(connect_timeout(None), Duration::from_secs(2));
        assert_eq!(connect_timeout(Some(0.0)), Duration::from_secs(2));
        assert_eq!(connect_timeout(Some(-1.0)), Duration::from_secs(2));
        assert_eq!(connect_timeout(Some(f64::NAN)), Duration::from_secs(2));
        assert_eq!(connect_timeout(Some(0.25)), Duration::from_millis(250));
        assert_eq!(connect_timeout(Some(5.0)), Duration::from_secs(5));
        assert_eq!(connect_timeout(Some(1e300)), Duration::from_secs(60));
        assert_eq!(
            connect_timeout(Some(f64::INFINITY)),
            Duration::from_secs(60)
        );
    }
}
