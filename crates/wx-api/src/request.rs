//! The natives behind `wx.request` (and the shared HTTP task natives of the transfer APIs):
//! host checks, starting a task in wx-net, aborting, and turning task events into the objects
//! scripts receive.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
};

use rquickjs::{Array, ArrayBuffer, Ctx, Function, Object, Value, prelude::Func};
use wx_host::{Internals, LoopHandle};
use wx_net::{
    Aborted, EventSink, HttpRequest, Network, Profile, ResponseBody, ResponseKind, TaskEvent,
};
use wx_policy::{Config, Interface, LibVersion, Target, illegal_host, limits::resolve_timeout};

/// Flags of `startHttp`, as request.js sets them.
const FOLLOW: u32 = 1;
const HTTP2: u32 = 2;
const CHUNKED: u32 = 4;
const ARRAYBUFFER: u32 = 8;
const INTERFACE_MASK: u32 = 48;
const UPLOAD: u32 = 16;
const DOWNLOAD: u32 = 32;

/// The headers-listener flags of running tasks, by id.
type HeaderFlags = Arc<Mutex<HashMap<u64, Arc<AtomicBool>>>>;

/// Posts each event of task `id` to the JS thread; the run stays alive until the final one.
fn event_sink(handle: LoopHandle, id: u64, flags: HeaderFlags) -> EventSink {
    let keep_alive = Mutex::new(Some(handle.keep_alive()));
    Arc::new(move |event: TaskEvent| {
        let last = event.is_final();
        if last && let Ok(mut flags) = flags.lock() {
            flags.remove(&id);
        }
        handle.post(Box::new(move |ctx, internals| {
            deliver(ctx, internals, id, event)
        }));
        if last && let Ok(mut slot) = keep_alive.lock() {
            slot.take();
        }
    })
}

/// The numbers and facts of `profile`, in the order `profileOf` in request.js reads them.
fn profile_values<'js>(ctx: &Ctx<'js>, profile: &Profile) -> rquickjs::Result<Array<'js>> {
    let array = Array::new(ctx.clone())?;
    let times = [
        profile.fetch_start,
        profile.domain_lookup_start,
        profile.domain_lookup_end,
        profile.connect_start,
        profile.connect_end,
        profile.ssl_connection_start,
        profile.ssl_connection_end,
        profile.request_start,
        profile.request_end,
        profile.response_start,
        profile.response_end,
        profile.queue_start,
        profile.queue_end,
    ];
    for (index, value) in times.into_iter().enumerate() {
        array.set(index, value.round())?;
    }
    array.set(13, profile.peer_ip.as_str())?;
    array.set(14, profile.port)?;
    array.set(15, profile.socket_reused)?;
    array.set(16, profile.protocol)?;
    array.set(17, profile.send_bytes_count as f64)?;
    array.set(18, profile.received_bytes_count as f64)?;
    Ok(array)
}

/// Header names and values as one flat array: name, value, name, value...
fn flat_headers(headers: Vec<(String, String)>) -> Vec<String> {
    headers
        .into_iter()
        .flat_map(|(name, value)| [name, value])
        .collect()
}

fn deliver<'js>(
    ctx: &Ctx<'js>,
    internals: &Internals<'js>,
    id: u64,
    event: TaskEvent,
) -> rquickjs::Result<()> {
    let dispatch: Function = internals.object().get("wxDispatch")?;
    let id = id as f64;
    match event {
        TaskEvent::Headers { status, headers } => {
            dispatch.call((id, "headers", status, flat_headers(headers)))
        }
        TaskEvent::Chunk(bytes) => {
            let chunk = Object::new(ctx.clone())?;
            chunk.set("data", ArrayBuffer::new(ctx.clone(), bytes)?)?;
            dispatch.call((id, "chunk", chunk))
        }
        TaskEvent::Warning { code, message } => dispatch.call((id, "warning", code, message)),
        TaskEvent::Done(response) => {
            let profile = profile_values(ctx, &response.profile)?;
            let data: Value = match response.body {
                ResponseBody::Text(text) => {
                    rquickjs::String::from_str(ctx.clone(), &text.text)?.into_value()
                }
                ResponseBody::Bytes(bytes) => ArrayBuffer::new(ctx.clone(), bytes)?.into_value(),
            };
            let headers = flat_headers(response.headers);
            dispatch.call((id, "done", data, profile, response.status, headers))
        }
        TaskEvent::Failed(failure) => {
            dispatch.call((id, "fail", failure.reason(), failure.errno()))
        }
    }
}

fn bytes_of(value: &Value<'_>) -> Vec<u8> {
    if let Some(text) = value.as_string().and_then(|s| s.to_string().ok()) {
        return text.into_bytes();
    }
    value
        .as_object()
        .and_then(|object| ArrayBuffer::from_object(object.clone()))
        // SAFETY: the slice is copied at once; no JavaScript runs while it is alive.
        .and_then(|buffer| unsafe { buffer.as_bytes() }.map(<[u8]>::to_vec))
        .unwrap_or_default()
}

pub(crate) fn install<'js>(
    native: &Object<'js>,
    network: &Network,
    config: &Arc<Config>,
    handle: LoopHandle,
) -> rquickjs::Result<()> {
    let lib = config.lib_version.value;
    native.set("redirectOption", lib >= LibVersion::REDIRECT_OPTION)?;
    // `true` for a URL that does not parse, the host for an illegal one, else undefined.
    native.set(
        "checkHost",
        Func::from(
            |ctx: Ctx<'js>, url: String| -> rquickjs::Result<Value<'js>> {
                Ok(match Target::parse(&url) {
                    Err(_) => Value::new_bool(ctx, true),
                    Ok(target) => match illegal_host(target.url()) {
                        Some(wx_policy::Failure::IllegalHost(host)) => {
                            rquickjs::String::from_str(ctx, &host)?.into_value()
                        }
                        _ => Value::new_undefined(ctx),
                    },
                })
            },
        ),
    )?;

    // startHttp(id, url, method, [name, value...], body, timeout, flags): returns the asked
    // timeout when it was capped at 60 s. The interface is in the flags.
    // Whether each running task has a headers listener (see `wantHeaders`).
    let header_flags: HeaderFlags = Arc::new(Mutex::new(HashMap::new()));
    let wanted = header_flags.clone();
    native.set(
        "wantHeaders",
        Func::from(move |id: f64| {
            if let Ok(flags) = wanted.lock()
                && let Some(flag) = flags.get(&(id as u64))
            {
                flag.store(true, Ordering::Release);
            }
        }),
    )?;

    let start_network = network.clone();
    let start_config = config.clone();
    native.set(
        "startHttp",
        Func::from(
            move |id: f64,
                  url: String,
                  method: String,
                  headers: Vec<String>,
                  body: Value<'js>,
                  timeout: Option<f64>,
                  flags: u32|
                  -> rquickjs::Result<Option<f64>> {
                let interface = match flags & INTERFACE_MASK {
                    UPLOAD => Interface::UploadFile,
                    DOWNLOAD => Interface::DownloadFile,
                    _ => Interface::Request,
                };
                let decision = resolve_timeout(
                    timeout,
                    start_config.network_timeout.for_interface(interface),
                    start_config.lib_version.value,
                );
                let id = id as u64;
                let report_headers = Arc::new(AtomicBool::new(false));
                if let Ok(mut flags) = header_flags.lock() {
                    flags.insert(id, report_headers.clone());
                }
                let sink = event_sink(handle.clone(), id, header_flags.clone());
                // request.js lets only the platform's methods through; anything else is
                // reported the way the platform reports it.
                let Ok(method) = http::Method::from_bytes(method.as_bytes()) else {
                    sink(TaskEvent::Failed(wx_policy::Failure::MethodInvalid));
                    return Ok(None);
                };
                let request = HttpRequest {
                    interface,
                    method,
                    url,
                    headers: headers
                        .chunks_exact(2)
                        .map(|pair| (pair[0].clone(), pair[1].clone()))
                        .collect(),
                    body: bytes_of(&body).into(),
                    timeout: decision.duration,
                    follow_redirects: flags & FOLLOW != 0,
                    http2: flags & HTTP2 != 0,
                    chunked: flags & CHUNKED != 0,
                    report_headers,
                    response: if flags & ARRAYBUFFER != 0 {
                        ResponseKind::Bytes
                    } else {
                        ResponseKind::Text
                    },
                };
                start_network.submit(id, request, sink);
                Ok(decision.capped_from_ms.map(|ms| ms as f64))
            },
        ),
    )?;

    let abort_network = network.clone();
    native.set(
        "abort",
        Func::from(move |id: f64| match abort_network.abort(id as u64) {
            Aborted::WasQueued => "queued",
            Aborted::Cancelling => "running",
            Aborted::NotRunning => "finished",
        }),
    )?;
    Ok(())
}
