//! One HTTP task: the policy check of every hop, redirects, the fixed headers, the response
//! head and body as events, decompression, and the mapping of every transport failure.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant, SystemTime},
};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Request, header};
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper_util::client::legacy::Client;
use wx_offline::{
    CannedResponse, HttpAnswer, HttpCall, HttpRecord, StandIn, har::RecordedFailure,
    recorder::RecordedResponse,
};
use wx_policy::{
    Access, Failure, FixedHeaders, Interface, Target, UrlPolicy, limits::MAX_REDIRECTS,
};

use crate::{
    connect::{ConnInfo, ConnectError, HttpConnector, io_failure, now_ms},
    decode::{ContentDecoder, Text, decode_text},
    transfer::{
        DownloadSink, DownloadTarget, Multipart, MultipartBody, ProgressGate, SentProgress,
    },
};

pub type RequestBody = BoxBody<Bytes, std::io::Error>;
pub type HttpClient = Client<HttpConnector, RequestBody>;

/// How the response body is handed over.
#[derive(Clone)]
pub enum ResponseKind {
    /// Decoded to a string in the response's charset, one BOM removed.
    Text,
    /// The (decompressed) bytes.
    Bytes,
    /// Streamed to a file (`downloadFile`).
    File(DownloadTarget),
}

/// What the request sends.
#[derive(Clone, Debug)]
pub enum Payload {
    Bytes(Bytes),
    /// `uploadFile`: streamed from disk.
    Multipart(Multipart),
}

/// A request as wx-api prepared it.
pub struct HttpRequest {
    pub interface: Interface,
    pub method: Method,
    pub url: String,
    /// Header names and values as the script gave them (Referer already removed).
    pub headers: Vec<(String, String)>,
    pub body: Payload,
    pub timeout: Duration,
    pub follow_redirects: bool,
    pub http2: bool,
    /// Report each body chunk as it arrives (`enableChunked`).
    pub chunked: bool,
    /// Whether anyone listens for the response head; read when it arrives, so a listener
    /// added after the call still counts.
    pub report_headers: Arc<AtomicBool>,
    pub response: ResponseKind,
}

/// `profile` of a request: the timings wxrun really has (ms since the epoch; 0 where it has
/// none) and facts about the connection.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profile {
    pub fetch_start: f64,
    pub queue_start: f64,
    pub queue_end: f64,
    pub domain_lookup_start: f64,
    pub domain_lookup_end: f64,
    pub connect_start: f64,
    pub connect_end: f64,
    pub ssl_connection_start: f64,
    pub ssl_connection_end: f64,
    pub request_start: f64,
    pub request_end: f64,
    pub response_start: f64,
    pub response_end: f64,
    pub peer_ip: String,
    pub port: u16,
    pub socket_reused: bool,
    pub protocol: &'static str,
    pub send_bytes_count: u64,
    pub received_bytes_count: u64,
}

/// The response body in the form asked for.
#[derive(Debug)]
pub enum ResponseBody {
    Text(Text),
    Bytes(Vec<u8>),
    /// The sandbox path of the downloaded file.
    File(String),
}

#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: ResponseBody,
    pub profile: Profile,
}

/// What a task reports, in order: headers (when asked for), chunks, then done or failed.
/// Warnings may come at any point before the end.
#[derive(Debug)]
pub enum TaskEvent {
    Headers {
        status: u16,
        headers: Vec<(String, String)>,
    },
    Chunk(Vec<u8>),
    /// Bytes sent (upload) or written (download): an integer percent, the count and the
    /// expected total (0 when unknown).
    Progress {
        percent: u8,
        done: u64,
        total: u64,
    },
    Warning {
        code: &'static str,
        message: String,
    },
    /// What the developer could change to allow a refused URL (see `UrlPolicy::refusal_hint`).
    Hint(String),
    Done(HttpResponse),
    Failed(Failure),
}

impl TaskEvent {
    pub fn is_final(&self) -> bool {
        matches!(self, TaskEvent::Done(_) | TaskEvent::Failed(_))
    }
}

/// Where a task's events go. Called on the runtime's thread; must not block.
pub type EventSink = Arc<dyn Fn(TaskEvent) + Send + Sync>;

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// The body length the response announces.
fn incoming_length<B>(response: &http::Response<B>) -> Option<u64> {
    response
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// A download that could not create, write or save its file.
fn file_failure(step: &str, error: &dyn std::fmt::Display) -> Failure {
    Failure::Catalogued {
        key: "downloadFileIo",
        details: vec![step.to_string(), error.to_string()],
    }
}

/// The platform's failure for an error of hyper-util's client before a response arrived.
fn request_failure(error: &hyper_util::client::legacy::Error) -> Failure {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(connect) = current.downcast_ref::<ConnectError>() {
            return connect.failure();
        }
        if let Some(hyper) = current.downcast_ref::<hyper::Error>()
            && (hyper.is_incomplete_message() || hyper.is_canceled())
        {
            return Failure::EmptyResponse;
        }
        if let Some(hyper) = current.downcast_ref::<hyper::Error>()
            && hyper.is_parse()
        {
            return Failure::InvalidHttpResponse;
        }
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            // The connection ended before any response: nothing came back at all.
            return match io_failure(io) {
                Failure::ConnectionClosed => Failure::EmptyResponse,
                other => other,
            };
        }
        source = current.source();
    }
    Failure::NetworkFailed
}

/// The platform's failure for an error while the body streamed.
fn body_failure(error: &hyper::Error, chunked: bool) -> Failure {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(io) = current.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionReset
        {
            return Failure::ConnectionReset;
        }
        source = current.source();
    }
    if chunked {
        Failure::IncompleteChunkedEncoding
    } else {
        Failure::ConnectionClosed
    }
}

fn header_pairs(headers: &HeaderMap, info: Option<&ConnInfo>) -> Vec<(String, String)> {
    let original = info.map(ConnInfo::original_names).unwrap_or_default();
    headers
        .iter()
        .map(|(name, value)| {
            let spelled = original
                .iter()
                .find(|o| o.eq_ignore_ascii_case(name.as_str()))
                .cloned()
                .unwrap_or_else(|| name.as_str().to_string());
            (
                spelled,
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// The warning for each script header that HTTP cannot carry (a CR, LF or NUL in its value,
/// a name that is not a token): such a header is left out, as phones' network stacks do, and
/// the script is told which.
pub(crate) fn unsendable_header_warnings(headers: &[(String, String)]) -> Vec<String> {
    headers
        .iter()
        .filter(|(name, value)| {
            header::HeaderName::from_bytes(name.as_bytes()).is_err()
                || HeaderValue::from_str(value).is_err()
        })
        .map(|(name, value)| {
            format!(
                "header {name:?} was left out: {:?} holds characters a header cannot carry (CR, LF, NUL, other control characters or non-ASCII); remove them or encode the value",
                if header::HeaderName::from_bytes(name.as_bytes()).is_err() { name } else { value }
            )
        })
        .collect()
}

fn build_request(
    request: &HttpRequest,
    method: &Method,
    target: &Target,
    payload: &Payload,
    fixed: &FixedHeaders,
    emit: &EventSink,
) -> Result<Request<RequestBody>, Failure> {
    let invalid = || Failure::InvalidUrl(request.url.clone());
    let uri: http::Uri = target.url().as_str().parse().map_err(|_| invalid())?;
    let mut builder = Request::builder().method(method.clone()).uri(uri);
    let multipart = matches!(payload, Payload::Multipart(_));
    let mut has_encoding = false;
    for (name, value) in &request.headers {
        let lower = name.to_ascii_lowercase();
        if lower == "referer"
            || lower == "user-agent"
            || lower == "host"
            || lower == "content-length"
            || (multipart && lower == "content-type")
        {
            continue;
        }
        has_encoding |= lower == "accept-encoding";
        let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) else {
            // A header the protocol cannot carry is left out, as phones' network stacks do.
            continue;
        };
        builder = builder.header(name, value);
    }
    builder = builder
        .header(header::REFERER, fixed.referer.as_str())
        .header(header::USER_AGENT, fixed.user_agent.as_str());
    if !has_encoding {
        builder = builder.header(header::ACCEPT_ENCODING, "gzip, deflate, br");
    }
    let body: RequestBody = match payload {
        Payload::Bytes(bytes) => Full::new(bytes.clone())
            .map_err(|never| match never {})
            .boxed(),
        Payload::Multipart(multipart) => {
            builder = builder
                .header(header::CONTENT_TYPE, multipart.content_type())
                .header(header::CONTENT_LENGTH, multipart.content_length());
            let gate = Mutex::new(ProgressGate::new(multipart.content_length()));
            let total = multipart.content_length();
            let emit = emit.clone();
            let progress: SentProgress = Arc::new(move |sent| {
                let percent = gate.lock().ok().and_then(|mut g| g.update(sent));
                if let Some(percent) = percent {
                    emit(TaskEvent::Progress {
                        percent,
                        done: sent,
                        total,
                    });
                }
            });
            MultipartBody::open(multipart.clone(), progress)
                .map_err(|_| Failure::FileNotFound)?
                .boxed()
        }
    };
    builder.body(body).map_err(|_| invalid())
}

/// Runs `request` to its end, reporting through `emit`. The caller handles timeouts and
/// cancellation around this future.
/// The response body as both sources give it: hyper's, or a canned one.
type AnyBody = BoxBody<Bytes, hyper::Error>;

fn canned_response(canned: CannedResponse) -> Result<http::Response<AnyBody>, Failure> {
    let mut builder = http::Response::builder().status(canned.status);
    for (name, value) in &canned.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(
            Full::new(canned.body)
                .map_err(|never| match never {})
                .boxed(),
        )
        .map_err(|err| Failure::Other {
            reason: format!("the mocked response is not valid HTTP: {err}"),
            errno: None,
        })
}

fn header_list(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// A response body read frame by frame and undone of its `Content-Encoding`, counted as it
/// comes: neither the bytes on the wire nor the decoded bytes may pass `cap`.
struct DecodedBody {
    incoming: AnyBody,
    /// `None` once the remainder has been handed out.
    decoder: Option<ContentDecoder>,
    chunked_transfer: bool,
    cap: u64,
    /// What passing `cap` fails with.
    too_large: Failure,
    decoded: u64,
}

impl DecodedBody {
    /// The next decoded piece, or `None` at the end. Counts the bytes received on the wire.
    async fn next(&mut self, received: &mut u64) -> Result<Option<Vec<u8>>, Failure> {
        loop {
            let Some(decoder) = self.decoder.as_mut() else {
                return Ok(None);
            };
            let piece = decoder
                .next_piece()
                .map_err(|_| Failure::ContentDecodingFailed)?;
            if let Some(piece) = piece {
                return self.count(piece).map(Some);
            }
            match self.incoming.frame().await {
                Some(frame) => {
                    let frame = frame.map_err(|e| body_failure(&e, self.chunked_transfer))?;
                    let Ok(data) = frame.into_data() else {
                        continue;
                    };
                    *received += data.len() as u64;
                    if *received > self.cap {
                        return Err(self.too_large.clone());
                    }
                    decoder.feed(data);
                }
                None => {
                    let rest = self
                        .decoder
                        .take()
                        .map(ContentDecoder::finish)
                        .transpose()
                        .map_err(|_| Failure::ContentDecodingFailed)?
                        .unwrap_or_default();
                    return self.count(rest).map(Some);
                }
            }
        }
    }

    fn count(&mut self, piece: Vec<u8>) -> Result<Vec<u8>, Failure> {
        self.decoded += piece.len() as u64;
        if self.decoded > self.cap {
            return Err(self.too_large.clone());
        }
        Ok(piece)
    }
}

/// One hop on its way into a recording.
struct HopRecording<'a> {
    stand_in: &'a StandIn,
    api: Interface,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    started: SystemTime,
    clock: Instant,
}

impl HopRecording<'_> {
    fn finish(self, outcome: Result<RecordedResponse, &Failure>) {
        let Some(recorder) = self.stand_in.recorder() else {
            return;
        };
        recorder.record_http(HttpRecord {
            api: self.api,
            method: self.method,
            url: self.url,
            request_headers: self.headers,
            request_body: self.body,
            started: self.started,
            elapsed_ms: self.clock.elapsed().as_secs_f64() * 1000.0,
            outcome: outcome.map_err(|failure| RecordedFailure {
                reason: failure.reason(),
                errno: failure.errno(),
            }),
        });
    }
}

/// What every HTTP task of a run shares.
pub struct Exchange<'a> {
    pub policy: &'a UrlPolicy,
    pub clients: &'a (HttpClient, HttpClient),
    pub fixed: &'a FixedHeaders,
    pub stand_in: Option<&'a StandIn>,
    /// `limits.maxResponseSize`: the largest body a text or ArrayBuffer response may have.
    pub max_response_bytes: u64,
}

/// Runs `request` to its end, reporting through `emit`: each hop is sent ([`send_hop`]), its
/// head read ([`read_head`]) until one is not a redirect to follow, and that response's body
/// read in the form asked for ([`read_body`]). The caller handles timeouts and cancellation
/// around this future.
pub async fn perform(
    request: HttpRequest,
    exchange: &Exchange<'_>,
    profile: &mut Profile,
    emit: &EventSink,
) -> Result<HttpResponse, Failure> {
    for message in unsendable_header_warnings(&request.headers) {
        emit(TaskEvent::Warning {
            code: "header-dropped",
            message,
        });
    }
    let mut hop = Hop::first(&request)?;
    loop {
        let answered = send_hop(&request, &hop, exchange, profile, emit).await?;
        match read_head(&request, &hop, answered, profile, emit) {
            Head::Redirect { status, location } => hop = hop.redirected(status, &location)?,
            Head::Final(head) => {
                return read_body(&request, *head, exchange.max_response_bytes, profile, emit)
                    .await;
            }
        }
    }
}

/// Where one hop of a request goes and what it sends.
#[derive(Debug)]
struct Hop {
    target: Target,
    method: Method,
    payload: Payload,
    /// Redirects followed before this hop.
    redirects: usize,
}

impl Hop {
    fn first(request: &HttpRequest) -> Result<Hop, Failure> {
        Ok(Hop {
            target: Target::parse(&request.url)
                .map_err(|_| Failure::InvalidUrl(request.url.clone()))?,
            method: request.method.clone(),
            payload: request.body.clone(),
            redirects: 0,
        })
    }

    /// The hop a redirect with `status` to `location` leads to: 303, and 301 or 302 after a
    /// POST, become a GET without a body, as browsers and phones do.
    fn redirected(self, status: u16, location: &str) -> Result<Hop, Failure> {
        let redirects = self.redirects + 1;
        if redirects > MAX_REDIRECTS {
            return Err(Failure::TooManyRedirects);
        }
        let target = self
            .target
            .redirect(location)
            .map_err(|_| Failure::InvalidUrl(location.to_string()))?;
        let to_get = status == 303 || (matches!(status, 301 | 302) && self.method == Method::POST);
        let (method, payload) = if to_get {
            (Method::GET, Payload::Bytes(Bytes::new()))
        } else {
            (self.method, self.payload)
        };
        Ok(Hop {
            target,
            method,
            payload,
            redirects,
        })
    }
}

/// A hop's answer, from the network or from a mock rule or recording.
struct Answered<'a> {
    response: http::Response<AnyBody>,
    /// The body has no `Content-Encoding` left to undo (recordings keep bodies decoded).
    decoded: bool,
    /// A canned answer's headers, in the spelling its rule or recording gave them.
    canned_headers: Option<Vec<(String, String)>>,
    recording: Option<HopRecording<'a>>,
}

/// Sends one hop: the URL policy's verdict on its target, the request as it goes out (fixed
/// headers included), then the stand-in's answer or the network's.
async fn send_hop<'a>(
    request: &HttpRequest,
    hop: &Hop,
    exchange: &Exchange<'a>,
    profile: &mut Profile,
    emit: &EventSink,
) -> Result<Answered<'a>, Failure> {
    let target = &hop.target;
    let access = exchange
        .policy
        .check(request.interface, target)
        .inspect_err(|_| {
            if let Some(hint) = exchange.policy.refusal_hint(request.interface, target) {
                emit(TaskEvent::Hint(hint));
            }
        })?;
    if let Access::Unchecked {
        insecure_outside_lan: true,
    } = access
    {
        emit(TaskEvent::Warning {
            code: "insecure-url",
            message: format!(
                "{} uses plain {} outside the LAN; it works only because urlCheck is off, phones refuse it",
                target.url(),
                target.url().scheme()
            ),
        });
    }
    let http_request = build_request(
        request,
        &hop.method,
        target,
        &hop.payload,
        exchange.fixed,
        emit,
    )?;
    profile.request_start = now_ms();
    profile.send_bytes_count = match &hop.payload {
        Payload::Bytes(bytes) => bytes.len() as u64,
        Payload::Multipart(multipart) => multipart.content_length(),
    };
    // A cheap reference-counted handle; copied only into a recording.
    let hop_body = match &hop.payload {
        Payload::Bytes(bytes) => Some(bytes.clone()),
        Payload::Multipart(_) => None,
    };
    let answer = match exchange.stand_in {
        Some(stand_in) if stand_in.answers_anything() => stand_in.answer_http(&HttpCall {
            api: request.interface,
            method: http_request.method().as_str(),
            url: target.url().as_str(),
            headers: &request.headers,
            body: hop_body.as_deref(),
        }),
        _ => HttpAnswer::Network,
    };
    let mut recording = exchange
        .stand_in
        .filter(|s| s.recorder().is_some() && matches!(answer, HttpAnswer::Network))
        .map(|stand_in| HopRecording {
            stand_in,
            api: request.interface,
            method: http_request.method().to_string(),
            url: target.url().to_string(),
            headers: header_list(http_request.headers()),
            body: hop_body.as_deref().map(<[u8]>::to_vec),
            started: SystemTime::now(),
            clock: Instant::now(),
        });
    let answered = match answer {
        HttpAnswer::Network => {
            let client = if request.http2 {
                &exchange.clients.1
            } else {
                &exchange.clients.0
            };
            match client.request(http_request).await {
                Ok(response) => Answered {
                    response: response.map(BodyExt::boxed),
                    decoded: false,
                    canned_headers: None,
                    recording,
                },
                Err(error) => {
                    let failure = request_failure(&error);
                    if let Some(recording) = recording.take() {
                        recording.finish(Err(&failure));
                    }
                    return Err(failure);
                }
            }
        }
        HttpAnswer::Respond(canned) => {
            tokio::time::sleep(canned.delay).await;
            let decoded = canned.decoded;
            let canned_headers = Some(canned.headers.clone());
            Answered {
                response: canned_response(canned)?,
                decoded,
                canned_headers,
                recording: None,
            }
        }
        HttpAnswer::Fail { reason, errno } => return Err(Failure::Other { reason, errno }),
    };
    profile.request_end = profile.request_start;
    profile.response_start = now_ms();
    Ok(answered)
}

/// What a response head says to do next.
enum Head<'a> {
    /// Follow a redirect with this status to this location.
    Redirect { status: u16, location: String },
    /// Read this response's body.
    Final(Box<FinalHead<'a>>),
}

/// The head of the response whose body the request gets.
struct FinalHead<'a> {
    status: u16,
    headers: Vec<(String, String)>,
    response: http::Response<AnyBody>,
    decoder: ContentDecoder,
    /// No `Content-Length`, or chunked transfer: a cut-off body is reported as such.
    chunked_transfer: bool,
    content_type: Option<String>,
    /// The path of the final URL (names a downloaded file without a type).
    url_path: String,
    recording: Option<HopRecording<'a>>,
}

/// Reads a hop's head: the connection facts into `profile`, a redirect to follow (recorded as
/// such), or the final head, reported to a headers listener.
fn read_head<'a>(
    request: &HttpRequest,
    hop: &Hop,
    answered: Answered<'a>,
    profile: &mut Profile,
    emit: &EventSink,
) -> Head<'a> {
    let Answered {
        response,
        decoded,
        canned_headers,
        mut recording,
    } = answered;
    let info = response.extensions().get::<ConnInfo>().cloned();
    if let Some(info) = &info {
        profile.socket_reused = info.take_use();
        profile.peer_ip = info.peer.ip().to_string();
        profile.port = info.peer.port();
        let t = info.timings;
        if !profile.socket_reused {
            profile.domain_lookup_start = t.dns_start;
            profile.domain_lookup_end = t.dns_end;
            profile.connect_start = t.connect_start;
            profile.connect_end = t.connect_end;
            profile.ssl_connection_start = t.tls_start;
            profile.ssl_connection_end = t.tls_end;
        }
    }
    profile.protocol = if response.version() == http::Version::HTTP_2 {
        "h2"
    } else {
        "http1.1"
    };
    let status = response.status().as_u16();
    if request.follow_redirects
        && is_redirect(status)
        && let Some(location) = response.headers().get(header::LOCATION)
    {
        if let Some(recording) = recording.take() {
            recording.finish(Ok(RecordedResponse {
                status,
                headers: header_pairs(response.headers(), info.as_ref()),
                body: Vec::new(),
            }));
        }
        return Head::Redirect {
            status,
            location: String::from_utf8_lossy(location.as_bytes()).into_owned(),
        };
    }
    let headers = canned_headers.unwrap_or_else(|| header_pairs(response.headers(), info.as_ref()));
    if request.report_headers.load(Ordering::Acquire) {
        emit(TaskEvent::Headers {
            status,
            headers: headers.clone(),
        });
    }
    let head = response.headers();
    let chunked_transfer = head
        .get(header::TRANSFER_ENCODING)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"chunked"))
        || head.get(header::CONTENT_LENGTH).is_none();
    let content_type = head
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let decoder = if decoded {
        ContentDecoder::identity()
    } else {
        ContentDecoder::for_encoding(
            head.get(header::CONTENT_ENCODING)
                .and_then(|v| v.to_str().ok()),
        )
    };
    Head::Final(Box::new(FinalHead {
        status,
        headers,
        response,
        decoder,
        chunked_transfer,
        content_type,
        url_path: hop.target.url().path().to_string(),
        recording,
    }))
}

/// Reads the final response's body as the request asked for it (text in its charset, bytes,
/// or a file), counted against `max_response_bytes` (or the download cap), and finishes the
/// recording of the hop.
async fn read_body(
    request: &HttpRequest,
    head: FinalHead<'_>,
    max_response_bytes: u64,
    profile: &mut Profile,
    emit: &EventSink,
) -> Result<HttpResponse, Failure> {
    let FinalHead {
        status,
        headers,
        response,
        decoder,
        chunked_transfer,
        content_type,
        url_path,
        mut recording,
    } = head;
    // The decoded body, kept for the recording.
    let mut tap: Option<Vec<u8>> = recording.as_ref().map(|_| Vec::new());
    let (cap, too_large) = match &request.response {
        ResponseKind::File(download) => (download.cap, Failure::ExceedMaxFileSize),
        _ => (
            max_response_bytes,
            Failure::ResponseTooLarge {
                limit: max_response_bytes,
            },
        ),
    };
    let length = (decoder.is_identity() && !chunked_transfer)
        .then(|| incoming_length(&response))
        .flatten();
    let mut body = DecodedBody {
        incoming: response.into_body(),
        decoder: Some(decoder),
        chunked_transfer,
        cap,
        too_large: too_large.clone(),
        decoded: 0,
    };
    let read = async {
        if length.is_some_and(|length| length > cap) {
            return Err(too_large.clone());
        }
        match &request.response {
            ResponseKind::File(download) => {
                let mut sink = DownloadSink::create(download)
                    .await
                    .map_err(|e| file_failure("create", &e))?;
                let mut gate = ProgressGate::new(length.unwrap_or(0));
                while let Some(decoded) = body.next(&mut profile.received_bytes_count).await? {
                    if let Some(tap) = tap.as_mut() {
                        tap.extend_from_slice(&decoded);
                    }
                    sink.write(&decoded)
                        .await
                        .map_err(|e| file_failure("write", &e))?;
                    if let Some(percent) = gate.update(sink.written()) {
                        emit(TaskEvent::Progress {
                            percent,
                            done: sink.written(),
                            total: gate.total(),
                        });
                    }
                }
                let path = sink
                    .commit(download, &url_path, content_type.as_deref())
                    .await
                    .map_err(|e| file_failure("save", &e))?;
                Ok(ResponseBody::File(path))
            }
            kind => {
                let mut collected = Vec::new();
                while let Some(decoded) = body.next(&mut profile.received_bytes_count).await? {
                    if request.chunked && !decoded.is_empty() {
                        emit(TaskEvent::Chunk(decoded.clone()));
                    }
                    collected.extend_from_slice(&decoded);
                }
                if let Some(tap) = tap.as_mut() {
                    tap.clone_from(&collected);
                }
                if matches!(kind, ResponseKind::Bytes) {
                    return Ok(ResponseBody::Bytes(collected));
                }
                let text = decode_text(&collected, content_type.as_deref());
                if text.replaced {
                    emit(TaskEvent::Warning {
                        code: "invalid-text",
                        message: "the response text has byte sequences that are not valid in its charset; they became U+FFFD (some phones fail with errno 602302 instead)".into(),
                    });
                }
                Ok(ResponseBody::Text(text))
            }
        }
    }
    .await;
    if let Some(recording) = recording.take() {
        recording.finish(match &read {
            Ok(_) => Ok(RecordedResponse {
                status,
                headers: headers.clone(),
                body: tap.take().unwrap_or_default(),
            }),
            Err(failure) => Err(failure),
        });
    }
    let body = read?;
    profile.response_end = now_ms();
    Ok(HttpResponse {
        status,
        headers,
        body,
        profile: std::mem::take(profile),
    })
}

#[cfg(test)]
#[path = "http_tests.rs"]
mod tests;
