//! The natives behind `wx.createUDPSocket` and `wx.*LocalServiceDiscovery`.

use std::{
    cell::RefCell,
    collections::HashMap,
    net::SocketAddr,
    rc::Rc,
    sync::{Arc, Mutex, OnceLock},
};

use rquickjs::{Array, ArrayBuffer, Ctx, Exception, Function, Object, prelude::Func};
use wx_bridge::{Data, Natives, Text, declared::wx};
use wx_host::{Internals, LoopHandle};
use wx_net::{
    Network,
    mdns::{MdnsEvent, MdnsSink},
    udp::{UdpEvent, UdpSink, UdpSocketHandle},
};

/// Where a UDP socket is bound, for the `localInfo` of its messages.
struct Local {
    address: SocketAddr,
    /// Made with type `udp6`.
    v6: bool,
}

fn family(v6: bool) -> &'static str {
    if v6 { "IPv6" } else { "IPv4" }
}

/// The `onMessage` event: `{message, remoteInfo: {address, family, port, size}, localInfo:
/// {address, family, port}}`.
fn message_event<'js>(
    ctx: &Ctx<'js>,
    data: Vec<u8>,
    remote: SocketAddr,
    local: Option<&Local>,
) -> rquickjs::Result<Object<'js>> {
    let remote_info = Object::new(ctx.clone())?;
    remote_info.set("address", remote.ip().to_string())?;
    remote_info.set("family", family(remote.is_ipv6()))?;
    remote_info.set("port", remote.port())?;
    remote_info.set("size", data.len() as f64)?;
    let local_info = Object::new(ctx.clone())?;
    if let Some(local) = local {
        local_info.set("address", local.address.ip().to_string())?;
        local_info.set("family", family(local.v6))?;
        local_info.set("port", local.address.port())?;
    }
    let event = Object::new(ctx.clone())?;
    event.set("message", ArrayBuffer::new(ctx.clone(), data)?)?;
    event.set("remoteInfo", remote_info)?;
    event.set("localInfo", local_info)?;
    Ok(event)
}

fn deliver_udp<'js>(
    ctx: &Ctx<'js>,
    internals: &Internals<'js>,
    id: u64,
    local: &OnceLock<Local>,
    event: UdpEvent,
) -> rquickjs::Result<()> {
    let dispatch: Function = internals.object().get("wxDispatch")?;
    let id = id as f64;
    match event {
        UdpEvent::Listening => dispatch.call((id, "listening")),
        UdpEvent::Message { data, remote } => {
            let event = message_event(ctx, data, remote, local.get())?;
            dispatch.call((id, "message", event))
        }
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
            move |ctx: Ctx<'js>, id: f64, v6: bool, port: u16| -> rquickjs::Result<Array<'js>> {
                let id = id as u64;
                // Set once bound, before any message can be delivered (delivery waits for the
                // JS thread, which is here).
                let local: Arc<OnceLock<Local>> = Arc::new(OnceLock::new());
                let bound = local.clone();
                let sink: UdpSink = keep_alive_sink(
                    bind_handle.clone(),
                    |event| matches!(event, UdpEvent::Close),
                    move |handle, event| {
                        let local = local.clone();
                        handle.post(Box::new(move |ctx, internals| {
                            deliver_udp(ctx, internals, id, &local, event)
                        }));
                    },
                );
                let socket = bind_network
                    .udp_bind(v6, port, sink)
                    .map_err(|e| Exception::throw_message(&ctx, &e.to_string()))?;
                let address = socket.local_addr();
                let _ = bound.set(Local { address, v6 });
                bind_sockets.borrow_mut().insert(id, socket);
                let answer = Array::new(ctx.clone())?;
                answer.set(0, address.port())?;
                answer.set(1, address.ip().to_string())?;
                Ok(answer)
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
            ttl_sockets
                .borrow()
                .get(&(id as u64))
                .and_then(|socket| socket.set_ttl(ttl).err().map(|e| e.to_string()))
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

    // mDNS: one scan at a time (mdns.js keeps that rule).
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
