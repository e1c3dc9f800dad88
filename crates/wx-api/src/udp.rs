//! The natives behind `wx.createUDPSocket` and `wx.*LocalServiceDiscovery`.

use std::{
    cell::RefCell,
    collections::HashMap,
    rc::Rc,
    sync::{Arc, Mutex},
};

use rquickjs::{ArrayBuffer, Ctx, Exception, Function, prelude::Func};
use wx_bridge::{Data, Natives, Text, declared::wx};
use wx_host::{Internals, LoopHandle};
use wx_net::{
    Network,
    mdns::{MdnsEvent, MdnsSink},
    udp::{UdpEvent, UdpSink, UdpSocketHandle},
};

fn deliver_udp<'js>(
    ctx: &Ctx<'js>,
    internals: &Internals<'js>,
    id: u64,
    event: UdpEvent,
) -> rquickjs::Result<()> {
    let dispatch: Function = internals.object().get("wxDispatch")?;
    let id = id as f64;
    match event {
        UdpEvent::Listening => dispatch.call((id, "listening")),
        // The busiest path: as few values as possible cross into JavaScript per datagram.
        UdpEvent::Message { data, remote } => dispatch.call((
            id,
            "message",
            ArrayBuffer::new(ctx.clone(), data)?,
            remote.ip().to_string(),
            remote.port(),
            remote.is_ipv6(),
        )),
        UdpEvent::Error(message) => dispatch.call((id, "error", message)),
        UdpEvent::Close => dispatch.call((id, "close")),
    }
}

fn deliver_mdns<'js>(
    internals: &Internals<'js>,
    id: u64,
    event: MdnsEvent,
) -> rquickjs::Result<()> {
    let dispatch: Function = internals.object().get("wxDispatch")?;
    let id = id as f64;
    match event {
        MdnsEvent::Found { name, ip, port } => dispatch.call((id, "found", name, ip, port)),
        MdnsEvent::Lost { name } => dispatch.call((id, "lost", name)),
        MdnsEvent::ResolveFail { name } => dispatch.call((id, "resolveFail", name)),
        MdnsEvent::Stop => dispatch.call((id, "stop")),
    }
}

/// A sink that posts events and keeps the run alive until `is_last` says so.
pub(crate) fn keep_alive_sink<E: Send + 'static>(
    handle: LoopHandle,
    is_last: fn(&E) -> bool,
    post: impl Fn(&LoopHandle, E) + Send + Sync + 'static,
) -> Arc<dyn Fn(E) + Send + Sync> {
    let keep_alive = Mutex::new(Some(handle.keep_alive()));
    Arc::new(move |event: E| {
        let last = is_last(&event);
        post(&handle, event);
        if last && let Ok(mut slot) = keep_alive.lock() {
            slot.take();
        }
    })
}

pub(crate) fn install<'js>(
    native: &mut Natives<'js>,
    network: &Network,
    handle: LoopHandle,
) -> rquickjs::Result<()> {
    let sockets: Rc<RefCell<HashMap<u64, UdpSocketHandle>>> = Rc::new(RefCell::new(HashMap::new()));

    let bind_network = network.clone();
    let bind_sockets = sockets.clone();
    let bind_handle = handle.clone();
    native.set(
        &wx::UDP_BIND,
        Func::from(
            move |ctx: Ctx<'js>, id: f64, v6: bool, port: u16| -> rquickjs::Result<Vec<String>> {
                let id = id as u64;
                let sink: UdpSink = keep_alive_sink(
                    bind_handle.clone(),
                    |event| matches!(event, UdpEvent::Close),
                    move |handle, event| {
                        handle.post(Box::new(move |ctx, internals| {
                            deliver_udp(ctx, internals, id, event)
                        }));
                    },
                );
                let socket = bind_network
                    .udp_bind(v6, port, sink)
                    .map_err(|e| Exception::throw_message(&ctx, &format!("bind:fail {e}")))?;
                let local = socket.local_addr();
                bind_sockets.borrow_mut().insert(id, socket);
                // [port, address]: the port for bind()'s result, both for every localInfo.
                Ok(vec![local.port().to_string(), local.ip().to_string()])
            },
        ),
    )?;

    let send_sockets = sockets.clone();
    native.set(
        &wx::UDP_SEND,
        Func::from(
            move |id: f64, address: Text, port: u16, data: Data, broadcast: bool| {
                if let Some(socket) = send_sockets.borrow().get(&(id as u64)) {
                    socket.send(&address, port, &data.into_bytes(), broadcast);
                }
            },
        ),
    )?;

    let connect_sockets = sockets.clone();
    native.set(
        &wx::UDP_CONNECT,
        Func::from(move |id: f64, address: Text, port: u16| -> Option<String> {
            connect_sockets
                .borrow()
                .get(&(id as u64))
                .and_then(|socket| socket.connect(&address, port).err())
        }),
    )?;

    let write_sockets = sockets.clone();
    native.set(
        &wx::UDP_WRITE,
        Func::from(move |id: f64, data: Data, broadcast: bool| {
            if let Some(socket) = write_sockets.borrow().get(&(id as u64)) {
                socket.write(&data.into_bytes(), broadcast);
            }
        }),
    )?;

    let ttl_sockets = sockets.clone();
    native.set(
        &wx::UDP_SET_TTL,
        Func::from(move |id: f64, ttl: u32| -> Option<String> {
            ttl_sockets.borrow().get(&(id as u64)).and_then(|socket| {
                socket
                    .set_ttl(ttl)
                    .err()
                    .map(|e| format!("setTTL:fail {e}"))
            })
        }),
    )?;

    let close_sockets = sockets;
    native.set(
        &wx::UDP_CLOSE,
        Func::from(move |id: f64| {
            if let Some(socket) = close_sockets.borrow_mut().remove(&(id as u64)) {
                socket.close();
            }
        }),
    )?;

    // mDNS: one scan at a time (request.js's caller keeps that rule).
    let scan: Rc<RefCell<Option<wx_net::mdns::Discovery>>> = Rc::new(RefCell::new(None));
    let start_network = network.clone();
    let start_scan = scan.clone();
    let duration = network.run_policy().discovery_timeout;
    native.set(
        &wx::MDNS_START,
        Func::from(move |id: f64, service_type: Text| -> Option<String> {
            let id = id as u64;
            let sink: MdnsSink = keep_alive_sink(
                handle.clone(),
                |event| matches!(event, MdnsEvent::Stop),
                move |handle, event| {
                    handle.post(Box::new(move |_ctx, internals| {
                        deliver_mdns(internals, id, event)
                    }));
                },
            );
            match start_network.start_discovery(&service_type, duration, sink) {
                Ok(discovery) => {
                    *start_scan.borrow_mut() = Some(discovery);
                    None
                }
                Err(error) => Some(error),
            }
        }),
    )?;
    native.set(
        &wx::MDNS_STOP,
        Func::from(move || {
            if let Some(discovery) = scan.borrow_mut().take() {
                discovery.stop();
            }
        }),
    )?;
    Ok(())
}
