//! The natives behind `wx.request` (and the shared HTTP task natives of the transfer APIs):
//! host checks, starting a task in wx-net, aborting, and turning task events into the objects
//! scripts receive.

use std::sync::{Arc, Mutex};

use rquickjs::{ArrayBuffer, Ctx, Exception, Function, Object, Value, prelude::Func};
use wx_host::{Internals, LoopHandle};
use wx_net::{
    Aborted, EventSink, HttpRequest, Network, Profile, ResponseBody, ResponseKind, TaskEvent,
};
use wx_policy::{Config, Interface, LibVersion, Target, illegal_host, limits::resolve_timeout};

fn interface_named(name: &str) -> Option<Interface> {
    match name {
        "request" => Some(Interface::Request),
        "uploadFile" => Some(Interface::UploadFile),
        "downloadFile" => Some(Interface::DownloadFile),
        _ => None,
    }
}

/// Posts each event of task `id` to the JS thread; the run stays alive until the final one.
pub(crate) fn event_sink(handle: LoopHandle, id: u64) -> EventSink {
    let keep_alive = Mutex::new(Some(handle.keep_alive()));
    Arc::new(move |event: TaskEvent| {
        let last = event.is_final();
        handle.post(Box::new(move |ctx, internals| {
            deliver(ctx, internals, id, event)
        }));
        if last && let Ok(mut slot) = keep_alive.lock() {
            slot.take();
        }
    })
}

/// `header` (repeated names joined with `,`, names as sent) and `cookies` (the Set-Cookie
/// values).
fn header_object<'js>(
    ctx: &Ctx<'js>,
    headers: &[(String, String)],
) -> rquickjs::Result<(Object<'js>, Vec<String>)> {
    let object = Object::new(ctx.clone())?;
    let mut cookies = Vec::new();
    let mut joined: Vec<(String, String)> = Vec::new();
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("set-cookie") {
            cookies.push(value.clone());
        }
        match joined
            .iter_mut()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
        {
            Some((_, existing)) => {
                existing.push(',');
                existing.push_str(value);
            }
            None => joined.push((name.clone(), value.clone())),
        }
    }
    for (name, value) in joined {
        object.set(name, value)?;
    }
    Ok((object, cookies))
}

fn profile_object<'js>(ctx: &Ctx<'js>, profile: &Profile) -> rquickjs::Result<Object<'js>> {
    let object = Object::new(ctx.clone())?;
    let times = [
        ("redirectStart", 0.0),
        ("redirectEnd", 0.0),
        ("fetchStart", profile.fetch_start),
        ("domainLookUpStart", profile.domain_lookup_start),
        ("domainLookUpEnd", profile.domain_lookup_end),
        ("connectStart", profile.connect_start),
        ("connectEnd", profile.connect_end),
        ("SSLconnectionStart", profile.ssl_connection_start),
        ("SSLconnectionEnd", profile.ssl_connection_end),
        ("requestStart", profile.request_start),
        ("requestEnd", profile.request_end),
        ("responseStart", profile.response_start),
        ("responseEnd", profile.response_end),
        ("queueStart", profile.queue_start),
        ("queueEnd", profile.queue_end),
        ("rtt", 0.0),
        ("estimate_nettype", 0.0),
        ("httpRttEstimate", 0.0),
        ("transportRttEstimate", 0.0),
        ("downstreamThroughputKbpsEstimate", 0.0),
        ("throughputKbps", 0.0),
    ];
    for (key, value) in times {
        object.set(key, value.round())?;
    }
    object.set("peerIP", profile.peer_ip.as_str())?;
    object.set("port", profile.port)?;
    object.set("socketReused", profile.socket_reused)?;
    object.set("protocol", profile.protocol)?;
    object.set("sendBytesCount", profile.send_bytes_count as f64)?;
    object.set("receivedBytedCount", profile.received_bytes_count as f64)?;
    object.set("usingHighPerformanceMode", false)?;
    Ok(object)
}

fn deliver<'js>(
    ctx: &Ctx<'js>,
    internals: &Internals<'js>,
    id: u64,
    event: TaskEvent,
) -> rquickjs::Result<()> {
    let dispatch: Function = internals.object().get("wxDispatch")?;
    let payload = Object::new(ctx.clone())?;
    let kind = match event {
        TaskEvent::Headers { status, headers } => {
            let (header, cookies) = header_object(ctx, &headers)?;
            payload.set("statusCode", status)?;
            payload.set("header", header)?;
            payload.set("cookies", cookies)?;
            "headers"
        }
        TaskEvent::Chunk(bytes) => {
            payload.set("data", ArrayBuffer::new(ctx.clone(), bytes)?)?;
            "chunk"
        }
        TaskEvent::Warning { code, message } => {
            payload.set("code", code)?;
            payload.set("message", message)?;
            "warning"
        }
        TaskEvent::Done(response) => {
            let (header, cookies) = header_object(ctx, &response.headers)?;
            payload.set("statusCode", response.status)?;
            payload.set("header", header)?;
            payload.set("cookies", cookies)?;
            match response.body {
                ResponseBody::Text(text) => payload.set("data", text.text)?,
                ResponseBody::Bytes(bytes) => {
                    payload.set("data", ArrayBuffer::new(ctx.clone(), bytes)?)?
                }
            }
            payload.set("profile", profile_object(ctx, &response.profile)?)?;
            "done"
        }
        TaskEvent::Failed(failure) => {
            payload.set("reason", failure.reason())?;
            payload.set("errno", failure.errno())?;
            "fail"
        }
    };
    dispatch.call((id as f64, kind, payload))
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
    native.set(
        "checkHost",
        Func::from(
            |ctx: Ctx<'js>, url: String| -> rquickjs::Result<Object<'js>> {
                let result = Object::new(ctx)?;
                match Target::parse(&url) {
                    Err(_) => result.set("invalid", true)?,
                    Ok(target) => {
                        if let Some(wx_policy::Failure::IllegalHost(host)) =
                            illegal_host(target.url())
                        {
                            result.set("illegal", host)?;
                        }
                    }
                }
                Ok(result)
            },
        ),
    )?;

    let start_network = network.clone();
    let start_config = config.clone();
    native.set(
        "startHttp",
        Func::from(
            move |ctx: Ctx<'js>, id: f64, spec: Object<'js>| -> rquickjs::Result<Object<'js>> {
                let interface_name: String = spec.get("interface")?;
                let interface = interface_named(&interface_name)
                    .ok_or_else(|| Exception::throw_type(&ctx, "unknown interface"))?;
                let method: String = spec.get("method")?;
                let headers: Vec<Vec<String>> = spec.get("headers")?;
                let body: Value = spec.get("body")?;
                let timeout_option: Option<f64> = spec.get("timeout")?;
                let decision = resolve_timeout(
                    timeout_option,
                    start_config.network_timeout.for_interface(interface),
                    start_config.lib_version.value,
                );
                let request = HttpRequest {
                    interface,
                    method: method
                        .parse()
                        .map_err(|_| Exception::throw_type(&ctx, "invalid method"))?,
                    url: spec.get("url")?,
                    headers: headers
                        .into_iter()
                        .filter_map(|pair| match pair.as_slice() {
                            [name, value] => Some((name.clone(), value.clone())),
                            _ => None,
                        })
                        .collect(),
                    body: bytes_of(&body).into(),
                    timeout: decision.duration,
                    follow_redirects: spec.get::<_, Option<bool>>("follow")?.unwrap_or(true),
                    http2: spec.get::<_, Option<bool>>("http2")?.unwrap_or(false),
                    chunked: spec.get::<_, Option<bool>>("chunked")?.unwrap_or(false),
                    response: if spec.get::<_, Option<bool>>("arraybuffer")?.unwrap_or(false) {
                        ResponseKind::Bytes
                    } else {
                        ResponseKind::Text
                    },
                };
                let id = id as u64;
                start_network.submit(id, request, event_sink(handle.clone(), id));
                let result = Object::new(ctx)?;
                if let Some(asked) = decision.capped_from_ms {
                    result.set("cappedFrom", asked as f64)?;
                }
                Ok(result)
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
