//! The natives behind `wx.request`, `wx.uploadFile` and `wx.downloadFile`: each reads and
//! checks its call's options (options.rs), starts the task in wx-net, and turns the task's
//! events into the objects scripts receive (result, headers, progress), built here rather
//! than in JavaScript.

mod options;

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
};

use rquickjs::{Array, ArrayBuffer, Ctx, Function, Object, Value, prelude::Func};
use wx_bridge::{Natives, declared::wx};
use wx_host::{Internals, LoopHandle, define_lazy_field};
use wx_net::{
    Aborted, EventSink, HttpRequest, HttpResponse, Network, Payload, Profile, ResponseBody,
    ResponseKind, TaskEvent, transfer::DownloadTarget,
};
use wx_policy::{Interface, limits::MAX_TIMEOUT_MS};

use crate::values::{fail_result, header_object};
use options::{Answer, Body, Call, Checked, Warnings};

/// A multipart boundary no file content is likely to contain.
fn boundary() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0);
    format!("----wxrunFormBoundary{:016x}", hasher.finish())
}

/// The headers-listener flags of running tasks, by id.
type HeaderFlags = Arc<Mutex<HashMap<u64, Arc<AtomicBool>>>>;

/// What the events of one task turn into.
struct TaskShape {
    interface: Interface,
    answer: Answer,
    errno_enabled: bool,
    /// `METHOD url`, for `--trace` lines (only when tracing).
    trace: Option<String>,
}

/// Posts each event of task `id` to the JS thread; the run stays alive until the final one.
fn event_sink(handle: LoopHandle, id: u64, flags: HeaderFlags, shape: Arc<TaskShape>) -> EventSink {
    let keep_alive = Mutex::new(Some(handle.keep_alive()));
    Arc::new(move |event: TaskEvent| {
        let last = event.is_final();
        if last && let Ok(mut flags) = flags.lock() {
            flags.remove(&id);
        }
        let shape = shape.clone();
        handle.post(Box::new(move |ctx, internals| {
            deliver(ctx, internals, id, &shape, event)
        }));
        if last && let Ok(mut slot) = keep_alive.lock() {
            slot.take();
        }
    })
}

/// `profile` of a request result, field by field as phones give it (0 where wxrun has no
/// figure).
fn profile_object<'js>(ctx: &Ctx<'js>, profile: &Profile) -> rquickjs::Result<Value<'js>> {
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
    for (name, value) in times {
        object.set(name, value.round())?;
    }
    object.set("peerIP", profile.peer_ip.as_str())?;
    object.set("port", profile.port)?;
    object.set("socketReused", profile.socket_reused)?;
    object.set("protocol", profile.protocol)?;
    object.set("sendBytesCount", profile.send_bytes_count as f64)?;
    object.set("receivedBytedCount", profile.received_bytes_count as f64)?;
    object.set("usingHighPerformanceMode", false)?;
    Ok(object.into_value())
}

/// `data` of a request result: JSON-parsed when asked (the raw text stays when it is not
/// JSON, and an empty body is `""`), else the text or the bytes.
fn request_data<'js>(
    ctx: &Ctx<'js>,
    body: ResponseBody,
    parse_json: bool,
) -> rquickjs::Result<Value<'js>> {
    match body {
        ResponseBody::Text(text) => {
            let text = text.text;
            if parse_json && !text.is_empty() {
                match ctx.json_parse(text.as_bytes()) {
                    Ok(value) => return Ok(value),
                    Err(rquickjs::Error::Exception) => {
                        ctx.catch();
                    }
                    // A NUL in the body: not JSON either.
                    Err(_) => {}
                }
            }
            Ok(rquickjs::String::from_str(ctx.clone(), &text)?.into_value())
        }
        ResponseBody::Bytes(bytes) => Ok(ArrayBuffer::new(ctx.clone(), bytes)?.into_value()),
        ResponseBody::File(path) => {
            Ok(rquickjs::String::from_str(ctx.clone(), &path)?.into_value())
        }
    }
}

/// The success result of a task: request `{data, statusCode, header, cookies, profile}`,
/// upload `{data, statusCode}`, download `{tempFilePath | filePath, statusCode}`, each with
/// `errMsg` last. A request's `profile` is built when first read.
fn success_result<'js>(
    ctx: &Ctx<'js>,
    shape: &TaskShape,
    response: HttpResponse,
) -> rquickjs::Result<Object<'js>> {
    let result = Object::new(ctx.clone())?;
    let HttpResponse {
        status,
        headers,
        body,
        profile,
    } = response;
    match &shape.answer {
        Answer::Request { parse_json, .. } => {
            result.set("data", request_data(ctx, body, *parse_json)?)?;
            result.set("statusCode", status)?;
            let (header, cookies) = header_object(ctx, headers)?;
            result.set("header", header)?;
            result.set("cookies", cookies)?;
            define_lazy_field(ctx, &result, "profile", move |ctx| {
                profile_object(ctx, &profile)
            })?;
        }
        Answer::Upload => {
            result.set("data", request_data(ctx, body, false)?)?;
            result.set("statusCode", status)?;
        }
        Answer::Download { destination } => {
            let field = if destination.is_some() {
                "filePath"
            } else {
                "tempFilePath"
            };
            result.set(field, request_data(ctx, body, false)?)?;
            result.set("statusCode", status)?;
        }
    }
    result.set("errMsg", format!("{}:ok", shape.interface.api_name()))?;
    Ok(result)
}

/// A progress event: sent bytes for uploads, written bytes for downloads.
fn progress_event<'js>(
    ctx: &Ctx<'js>,
    interface: Interface,
    percent: u8,
    done: u64,
    total: u64,
) -> rquickjs::Result<Object<'js>> {
    let (done_name, total_name) = match interface {
        Interface::UploadFile => ("totalBytesSent", "totalBytesExpectedToSend"),
        _ => ("totalBytesWritten", "totalBytesExpectedToWrite"),
    };
    let event = Object::new(ctx.clone())?;
    event.set("progress", percent)?;
    event.set(done_name, done as f64)?;
    event.set(total_name, total as f64)?;
    Ok(event)
}

/// Hands one event to the task's handler in http.js as `(type, payload, extra)`.
fn deliver<'js>(
    ctx: &Ctx<'js>,
    internals: &Internals<'js>,
    id: u64,
    shape: &TaskShape,
    event: TaskEvent,
) -> rquickjs::Result<()> {
    let dispatch: Function = internals.object().get("wxDispatch")?;
    let id = id as f64;
    let api = shape.interface.api_name();
    match event {
        TaskEvent::Headers { status, headers } => {
            let (header, cookies) = header_object(ctx, headers)?;
            let payload = Object::new(ctx.clone())?;
            payload.set("header", header)?;
            payload.set("statusCode", status)?;
            payload.set("cookies", cookies)?;
            dispatch.call((id, "headers", payload))
        }
        TaskEvent::Chunk(bytes) => {
            let chunk = Object::new(ctx.clone())?;
            chunk.set("data", ArrayBuffer::new(ctx.clone(), bytes)?)?;
            dispatch.call((id, "chunk", chunk))
        }
        TaskEvent::Progress {
            percent,
            done,
            total,
        } => {
            let event = progress_event(ctx, shape.interface, percent, done, total)?;
            dispatch.call((id, "progress", event))
        }
        TaskEvent::Warning { code, message } => {
            dispatch.call((id, "warning", code, format!("wx.{api}: {message}")))
        }
        TaskEvent::Hint(text) => dispatch.call((id, "hint", format!("wx.{api}: {text}"))),
        TaskEvent::Done(response) => {
            let trace = shape
                .trace
                .as_ref()
                .map(|call| format!("{call} -> {}", response.status));
            let result = success_result(ctx, shape, response)?;
            dispatch.call((id, "done", result, trace))
        }
        TaskEvent::Failed(failure) => {
            let trace = shape
                .trace
                .as_ref()
                .map(|call| format!("{call} -> fail {}", failure.reason()));
            let result = fail_result(ctx, api, &failure, shape.errno_enabled)?;
            dispatch.call((id, "fail", result, trace))
        }
    }
}

/// What a start native returns: undefined, the fail result of a call that fails now, or the
/// conformance warnings `[code, message]` to report at the call site.
fn said<'js>(ctx: &Ctx<'js>, warnings: Warnings) -> rquickjs::Result<Value<'js>> {
    if warnings.is_empty() {
        return Ok(Value::new_undefined(ctx.clone()));
    }
    let list = Array::new(ctx.clone())?;
    for (index, (code, message)) in warnings.into_iter().enumerate() {
        let pair = Array::new(ctx.clone())?;
        pair.set(0, code)?;
        pair.set(1, message)?;
        list.set(index, pair)?;
    }
    Ok(list.into_value())
}

/// Starts HTTP tasks from checked calls.
#[derive(Clone)]
struct Starter {
    network: Network,
    handle: LoopHandle,
    header_flags: HeaderFlags,
    errno_enabled: bool,
    tracing: bool,
}

impl Starter {
    fn start<'js>(
        &self,
        ctx: &Ctx<'js>,
        interface: Interface,
        id: f64,
        checked: Checked,
        mut warnings: Warnings,
    ) -> rquickjs::Result<Value<'js>> {
        let api = interface.api_name();
        let id = id as u64;
        let call = match checked {
            Checked::FailNow(failure) => {
                return Ok(fail_result(ctx, api, &failure, self.errno_enabled)?.into_value());
            }
            Checked::FailLater(failure) => {
                // Its only event is the failure, which needs no answer shape.
                let shape = self.shape(interface, Answer::Upload, None);
                let sink = event_sink(self.handle.clone(), id, self.header_flags.clone(), shape);
                sink(TaskEvent::Failed(failure));
                return said(ctx, warnings);
            }
            Checked::Start(call) => call,
        };
        let Call {
            url,
            method,
            headers,
            body,
            timeout,
            follow_redirects,
            http2,
            chunked,
            answer,
        } = call;
        let decision = self.network.run_policy().timeout(interface, timeout);
        if let Some(asked) = decision.capped_from_ms {
            warnings.push((
                "timeout-cap",
                format!(
                    "wx.{api}: timeout {asked} ms is above the {MAX_TIMEOUT_MS} ms phones allow; it was capped to {MAX_TIMEOUT_MS}"
                ),
            ));
        }
        let report_headers = Arc::new(AtomicBool::new(false));
        if let Ok(mut flags) = self.header_flags.lock() {
            flags.insert(id, report_headers.clone());
        }
        let response = match &answer {
            Answer::Request {
                arraybuffer: true, ..
            } => ResponseKind::Bytes,
            Answer::Request { .. } | Answer::Upload => ResponseKind::Text,
            Answer::Download { destination } => ResponseKind::File(DownloadTarget {
                sandbox: self.network.sandbox().clone(),
                destination: destination.clone(),
                cap: self.network.max_download_bytes(),
            }),
        };
        let trace = self.tracing.then(|| format!("{method} {url}"));
        let shape = self.shape(interface, answer, trace);
        let sink = event_sink(self.handle.clone(), id, self.header_flags.clone(), shape);
        let request = HttpRequest {
            interface,
            method,
            url,
            headers,
            body: match body {
                Body::Bytes(bytes) => Payload::Bytes(bytes.into()),
                Body::Multipart(multipart) => Payload::Multipart(multipart),
            },
            timeout: decision.duration,
            follow_redirects,
            http2,
            chunked,
            report_headers,
            response,
        };
        self.network.submit(id, request, sink);
        said(ctx, warnings)
    }

    fn shape(&self, interface: Interface, answer: Answer, trace: Option<String>) -> Arc<TaskShape> {
        Arc::new(TaskShape {
            interface,
            answer,
            errno_enabled: self.errno_enabled,
            trace,
        })
    }
}

pub(crate) fn install<'js>(
    native: &mut Natives<'js>,
    network: &Network,
    handle: LoopHandle,
    tracing: bool,
) -> rquickjs::Result<()> {
    let policy = network.run_policy().clone();
    let header_flags: HeaderFlags = Arc::new(Mutex::new(HashMap::new()));
    let starter = Starter {
        network: network.clone(),
        handle,
        header_flags: header_flags.clone(),
        errno_enabled: policy.gates.errno,
        tracing,
    };

    // Whether each running task has a headers listener: read when the head arrives.
    native.set(
        &wx::WANT_HEADERS,
        Func::from(move |id: f64| {
            if let Ok(flags) = header_flags.lock()
                && let Some(flag) = flags.get(&(id as u64))
            {
                flag.store(true, Ordering::Release);
            }
        }),
    )?;

    let request = starter.clone();
    let gates = policy.gates;
    native.set(
        &wx::REQUEST,
        Func::from(
            move |ctx: Ctx<'js>, id: f64, options: Object<'js>| -> rquickjs::Result<Value<'js>> {
                let mut warnings = Warnings::new();
                let checked = options::read_request(&ctx, &options, &gates, &mut warnings)?;
                request.start(&ctx, Interface::Request, id, checked, warnings)
            },
        ),
    )?;

    let upload = starter.clone();
    native.set(
        &wx::UPLOAD_FILE,
        Func::from(
            move |ctx: Ctx<'js>, id: f64, options: Object<'js>| -> rquickjs::Result<Value<'js>> {
                let mut warnings = Warnings::new();
                let sandbox = upload.network.sandbox().clone();
                let checked =
                    options::read_upload(&ctx, &options, &sandbox, boundary(), &mut warnings)?;
                upload.start(&ctx, Interface::UploadFile, id, checked, warnings)
            },
        ),
    )?;

    let download = starter;
    native.set(
        &wx::DOWNLOAD_FILE,
        Func::from(
            move |ctx: Ctx<'js>, id: f64, options: Object<'js>| -> rquickjs::Result<Value<'js>> {
                let mut warnings = Warnings::new();
                let sandbox = download.network.sandbox().clone();
                let checked =
                    options::read_download(&ctx, &options, &gates, &sandbox, &mut warnings)?;
                download.start(&ctx, Interface::DownloadFile, id, checked, warnings)
            },
        ),
    )?;

    let abort_network = network.clone();
    native.set(
        &wx::ABORT,
        Func::from(move |id: f64| match abort_network.abort(id as u64) {
            Aborted::WasQueued => "queued",
            Aborted::Cancelling => "running",
            Aborted::NotRunning => "finished",
        }),
    )?;
    Ok(())
}
