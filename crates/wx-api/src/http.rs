//! The natives behind `wx.request`, `wx.uploadFile` and `wx.downloadFile`: host checks,
//! starting tasks in wx-net, aborting, and turning task events into JS values.

use std::{
    cell::RefCell,
    collections::HashMap,
    rc::Rc,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
};

use rquickjs::{Array, ArrayBuffer, Ctx, Function, Object, Value, prelude::Func};
use wx_bridge::{Data, Natives, Text, declared::wx};
use wx_host::{Internals, LoopHandle};
use wx_net::{
    Aborted, EventSink, HttpRequest, Network, Payload, Profile, ResponseBody, ResponseKind,
    TaskEvent,
    sandbox::{FsError, USER_DATA_PATH},
    transfer::{DownloadTarget, Multipart},
};
use wx_policy::{Interface, Target, illegal_host};

/// Flags of `startHttp`, as request.js sets them.
const FOLLOW: u32 = 1;
const HTTP2: u32 = 2;
const CHUNKED: u32 = 4;
const ARRAYBUFFER: u32 = 8;
const INTERFACE_MASK: u32 = 48;
const UPLOAD: u32 = 16;
const DOWNLOAD: u32 = 32;

/// What downloadFile and uploadFile prepared before starting their task.
enum Prepared {
    Download(Option<(String, std::path::PathBuf)>),
    Upload(Result<Multipart, wx_policy::Failure>),
}

/// A multipart boundary no file content is likely to contain.
fn boundary() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0);
    format!("----wxrunFormBoundary{:016x}", hasher.finish())
}

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
pub(crate) fn flat_headers(headers: Vec<(String, String)>) -> Vec<String> {
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
        TaskEvent::Progress {
            percent,
            done,
            total,
        } => dispatch.call((id, "progress", percent, done as f64, total as f64)),
        TaskEvent::Warning { code, message } => dispatch.call((id, "warning", code, message)),
        TaskEvent::Hint(text) => dispatch.call((id, "hint", text)),
        TaskEvent::Done(response) => {
            let profile = profile_values(ctx, &response.profile)?;
            let data: Value = match response.body {
                ResponseBody::Text(text) => {
                    rquickjs::String::from_str(ctx.clone(), &text.text)?.into_value()
                }
                ResponseBody::Bytes(bytes) => ArrayBuffer::new(ctx.clone(), bytes)?.into_value(),
                ResponseBody::File(path) => {
                    rquickjs::String::from_str(ctx.clone(), &path)?.into_value()
                }
            };
            let headers = flat_headers(response.headers);
            dispatch.call((id, "done", data, profile, response.status, headers))
        }
        TaskEvent::Failed(failure) => {
            dispatch.call((id, "fail", failure.reason(), failure.errno()))
        }
    }
}

pub(crate) fn install<'js>(
    native: &mut Natives<'js>,
    network: &Network,
    handle: LoopHandle,
) -> rquickjs::Result<()> {
    let gates = network.run_policy().gates;
    native.set(&wx::REDIRECT_OPTION, gates.redirect_option)?;
    native.set(&wx::DOWNLOAD_FILE_PATH, gates.download_file_path)?;
    // `true` for a URL that does not parse, the host for an illegal one, else undefined.
    native.set(
        &wx::CHECK_HOST,
        Func::from(|ctx: Ctx<'js>, url: Text| -> rquickjs::Result<Value<'js>> {
            Ok(match Target::parse(&url) {
                Err(_) => Value::new_bool(ctx, true),
                Ok(target) => match illegal_host(target.url()) {
                    Some(wx_policy::Failure::IllegalHost(host)) => {
                        rquickjs::String::from_str(ctx, &host)?.into_value()
                    }
                    _ => Value::new_undefined(ctx),
                },
            })
        }),
    )?;

    // Whether each running task has a headers listener (see `wantHeaders`).
    let header_flags: HeaderFlags = Arc::new(Mutex::new(HashMap::new()));
    let wanted = header_flags.clone();
    native.set(
        &wx::WANT_HEADERS,
        Func::from(move |id: f64| {
            if let Ok(flags) = wanted.lock()
                && let Some(flag) = flags.get(&(id as u64))
            {
                flag.store(true, Ordering::Release);
            }
        }),
    )?;

    // downloadFile and uploadFile prepare their destination or body by task id, then start.
    let prepared: Rc<RefCell<HashMap<u64, Prepared>>> = Rc::new(RefCell::new(HashMap::new()));

    // prepareDownload(id, filePath?): undefined, or [reason, errno] when filePath is refused.
    let download_sandbox = network.sandbox().clone();
    let download_prepared = prepared.clone();
    native.set(
        &wx::PREPARE_DOWNLOAD,
        Func::from(
            move |ctx: Ctx<'js>,
                  id: f64,
                  file_path: Option<Text>|
                  -> rquickjs::Result<Value<'js>> {
                let destination = match file_path {
                    None => None,
                    Some(path) => {
                        let path = path.into_string();
                        let under_usr = path == USER_DATA_PATH
                            || path.starts_with(&format!("{USER_DATA_PATH}/"));
                        match download_sandbox.resolve_writable(&path) {
                            Ok(host) if under_usr && !host.is_dir() => Some((path, host)),
                            _ => {
                                let denied = wx_policy::Failure::PermissionDenied;
                                let refusal = Array::new(ctx.clone())?;
                                refusal.set(0, denied.reason())?;
                                refusal.set(1, denied.errno())?;
                                return Ok(refusal.into_value());
                            }
                        }
                    }
                };
                download_prepared
                    .borrow_mut()
                    .insert(id as u64, Prepared::Download(destination));
                Ok(Value::new_undefined(ctx))
            },
        ),
    )?;

    // prepareUpload(id, filePath, name, [field, value...]): the multipart body, or a
    // `file not found` failure delivered when the task starts.
    let upload_sandbox = network.sandbox().clone();
    let upload_prepared = prepared.clone();
    native.set(
        &wx::PREPARE_UPLOAD,
        Func::from(
            move |id: f64, file_path: Text, name: Text, fields: Vec<Text>| {
                let fields = Text::pairs(fields);
                let multipart = upload_sandbox
                    .resolve(&file_path)
                    .map_err(|error| match error {
                        FsError::PermissionDenied(_) => wx_policy::Failure::PermissionDenied,
                        _ => wx_policy::Failure::FileNotFound,
                    })
                    .and_then(|resolved| {
                        let metadata = std::fs::metadata(&resolved.host)
                            .map_err(|_| wx_policy::Failure::FileNotFound)?;
                        if !metadata.is_file() {
                            return Err(wx_policy::Failure::FileNotFound);
                        }
                        Ok(Multipart::new(
                            &fields,
                            &name,
                            &resolved.host,
                            metadata.len(),
                            boundary(),
                        ))
                    });
                upload_prepared
                    .borrow_mut()
                    .insert(id as u64, Prepared::Upload(multipart));
            },
        ),
    )?;

    let start_network = network.clone();
    // startHttp(id, url, method, [name, value...], body, timeout, flags): returns the asked
    // timeout when it was capped at 60 s. The interface is in the flags.
    native.set(
        &wx::START_HTTP,
        Func::from(
            move |id: f64,
                  url: Text,
                  method: Text,
                  headers: Vec<Text>,
                  body: Option<Data>,
                  timeout: Option<f64>,
                  flags: u32|
                  -> rquickjs::Result<Option<f64>> {
                let interface = match flags & INTERFACE_MASK {
                    UPLOAD => Interface::UploadFile,
                    DOWNLOAD => Interface::DownloadFile,
                    _ => Interface::Request,
                };
                let decision = start_network.run_policy().timeout(interface, timeout);
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
                    url: url.into(),
                    headers: Text::pairs(headers),
                    body: Payload::Bytes(body.map(Data::into_bytes).unwrap_or_default().into()),
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
                let request = match prepared.borrow_mut().remove(&id) {
                    Some(Prepared::Download(destination)) => HttpRequest {
                        response: ResponseKind::File(DownloadTarget {
                            sandbox: start_network.sandbox().clone(),
                            destination,
                            cap: start_network.max_download_bytes(),
                        }),
                        ..request
                    },
                    Some(Prepared::Upload(Ok(multipart))) => HttpRequest {
                        body: Payload::Multipart(multipart),
                        ..request
                    },
                    Some(Prepared::Upload(Err(failure))) => {
                        sink(TaskEvent::Failed(failure));
                        return Ok(None);
                    }
                    None => request,
                };
                start_network.submit(id, request, sink);
                Ok(decision.capped_from_ms.map(|ms| ms as f64))
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
