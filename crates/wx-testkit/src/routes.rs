//! The routes every test server answers. Each query may add `fault=` to break the exchange:
//! `reset` (TCP RST), `close` (Content-Length promised, half sent, connection closed),
//! `truncate` (chunked body cut off), `empty` (connection closed, nothing sent), `stall`
//! (never answers).

use std::{convert::Infallible, sync::Arc, time::Duration};

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::{Frame, Incoming};

use serde_json::{Map, Value, json};

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};

use crate::http::Connection;

pub type Body = BoxBody<Bytes, std::io::Error>;

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed()
}

fn respond(status: u16, content_type: &str, body: impl Into<Bytes>) -> Response<Body> {
    let mut response = Response::new(full(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    if let Ok(value) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

fn json_response(value: &Value) -> Response<Body> {
    respond(200, "application/json", value.to_string())
}

/// A body that sends `chunks` (with `interval` between them) and then either ends or breaks.
fn streamed(chunks: Vec<Bytes>, interval: Duration, break_at_end: bool) -> Body {
    let state = (chunks.into_iter(), break_at_end, false);
    let frames =
        futures_util::stream::unfold(state, move |(mut rest, breaks, started)| async move {
            if started && !interval.is_zero() {
                tokio::time::sleep(interval).await;
            }
            match rest.next() {
                Some(chunk) => Some((Ok(Frame::data(chunk)), (rest, breaks, true))),
                None if breaks => {
                    // Let the sent part reach the client before the connection goes.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Some((
                        Err(std::io::Error::other("testkit: body cut off")),
                        (rest, false, true),
                    ))
                }
                None => None,
            }
        });
    StreamBody::new(frames).boxed()
}

/// `n` bytes of a repeating pattern, so that corruption is visible.
pub fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn query_value<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

async fn echo(request: hyper::Request<Incoming>, connection: &Connection) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let mut headers = Map::new();
    let mut raw_headers = Vec::new();
    for (name, value) in &parts.headers {
        let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
        raw_headers.push(json!([name.as_str(), text]));
        match headers.get_mut(name.as_str()) {
            Some(Value::String(existing)) => {
                existing.push_str(", ");
                existing.push_str(&text);
            }
            _ => {
                headers.insert(name.as_str().to_string(), Value::String(text));
            }
        }
    }
    json_response(&json!({
        "method": parts.method.as_str(),
        "path": parts.uri.path(),
        "query": parts.uri.query().unwrap_or(""),
        "version": format!("{:?}", parts.version),
        "headers": headers,
        "rawHeaders": raw_headers,
        "body": String::from_utf8_lossy(&body),
        "bodyBase64": BASE64.encode(&body),
        "bodyLength": body.len(),
        "connection": connection.id,
        "tls": connection.tls,
    }))
}

const HELLO: &str = "你好，世界";

/// A JSON body compressed with `coding`, announced in Content-Encoding.
fn compressed(coding: &str) -> Response<Body> {
    use std::io::Write;
    let plain = format!(
        "{{\"coding\":\"{coding}\",\"text\":\"{}\"}}",
        "compressible ".repeat(200)
    );
    let bytes = match coding {
        "gzip" => {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            let _ = encoder.write_all(plain.as_bytes());
            encoder.finish().unwrap_or_default()
        }
        "deflate" => {
            let mut encoder =
                flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            let _ = encoder.write_all(plain.as_bytes());
            encoder.finish().unwrap_or_default()
        }
        _ => {
            let mut out = Vec::new();
            {
                let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                let _ = encoder.write_all(plain.as_bytes());
            }
            out
        }
    };
    let mut response = respond(200, "application/json; charset=utf-8", bytes);
    if let Ok(value) = HeaderValue::from_str(coding) {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, value);
    }
    response
}

fn charset(name: &str, as_json: bool) -> Response<Body> {
    let text = if as_json {
        format!("{{\"text\":\"{HELLO}\"}}")
    } else {
        HELLO.to_string()
    };
    let encoding = encoding_rs::Encoding::for_label(name.as_bytes()).unwrap_or(encoding_rs::UTF_8);
    let (bytes, _, _) = encoding.encode(&text);
    let kind = if as_json {
        "application/json"
    } else {
        "text/plain"
    };
    respond(200, &format!("{kind}; charset={name}"), bytes.into_owned())
}

fn redirect(status: u16, location: &str) -> Response<Body> {
    let mut response = respond(status, "text/plain", format!("redirecting to {location}"));
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn bytes_route(n: usize, pairs: &[(String, String)], fault: Option<&str>) -> Response<Body> {
    let data = Bytes::from(pattern(n));
    let content_type = query_value(pairs, "type").unwrap_or("application/octet-stream");
    let chunk_size = query_value(pairs, "chunk")
        .and_then(|c| c.parse().ok())
        .unwrap_or(64 * 1024usize)
        .max(1);
    let interval = Duration::from_millis(
        query_value(pairs, "interval")
            .and_then(|i| i.parse().ok())
            .unwrap_or(0),
    );
    let chunked = query_value(pairs, "chunked") == Some("1") || fault == Some("truncate");
    let (chunks, breaks) = match fault {
        Some("close" | "truncate") => (vec![data.slice(..n / 2)], true),
        _ => (
            data.chunks(chunk_size)
                .map(|c| data.slice_ref(c))
                .collect::<Vec<_>>(),
            false,
        ),
    };
    let mut response = Response::new(streamed(chunks, interval, breaks));
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if !chunked {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(n));
    }
    response
}

/// A JSON array of small objects, about `size` bytes, generated as it streams.
fn big_json(size: usize) -> Response<Body> {
    let mut chunks = Vec::new();
    let mut chunk = String::from("[");
    let mut written = 1;
    let mut id = 0usize;
    while written < size {
        let item = format!(
            "{}{{\"id\":{id},\"name\":\"item {id}\",\"ok\":true}}",
            if id == 0 { "" } else { "," }
        );
        written += item.len();
        chunk.push_str(&item);
        id += 1;
        if chunk.len() >= 64 * 1024 {
            chunks.push(Bytes::from(std::mem::take(&mut chunk)));
        }
    }
    chunk.push(']');
    chunks.push(Bytes::from(chunk));
    let mut response = Response::new(streamed(chunks, Duration::ZERO, false));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of `pattern(n)`, computed in pieces.
fn hex_sha256_of_pattern(n: usize) -> String {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    let block = pattern(251 * 4096);
    let mut left = n;
    while left > 0 {
        let take = left.min(block.len());
        hasher.update(&block[..take]);
        left -= take;
    }
    hex(&hasher.finalize())
}

/// Receives a multipart/form-data upload as it streams and reports every part: fields with
/// their values, files with size and SHA-256 (never held whole in memory), in order.
async fn upload(request: hyper::Request<Incoming>) -> Response<Body> {
    use sha2::Digest;
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let content_length = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let Ok(boundary) = multer::parse_boundary(&content_type) else {
        return respond(
            400,
            "text/plain",
            format!("not multipart: {content_type:?}"),
        );
    };
    let stream = futures_util::StreamExt::filter_map(
        http_body_util::BodyStream::new(request.into_body()),
        |frame| async move {
            frame
                .ok()
                .and_then(|f| f.into_data().ok())
                .map(Ok::<_, std::io::Error>)
        },
    );
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => return respond(400, "text/plain", format!("bad multipart body: {err}")),
        };
        let name = field.name().unwrap_or_default().to_string();
        let filename = field.file_name().map(str::to_string);
        let part_type = field.content_type().map(|m| m.to_string());
        let mut hasher = sha2::Sha256::new();
        let mut size = 0usize;
        let mut text = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    size += chunk.len();
                    hasher.update(&chunk);
                    if filename.is_none() {
                        text.extend_from_slice(&chunk);
                    }
                }
                Ok(None) => break,
                Err(err) => {
                    return respond(400, "text/plain", format!("bad multipart body: {err}"));
                }
            }
        }
        parts.push(match filename {
            Some(filename) => json!({
                "name": name,
                "filename": filename,
                "contentType": part_type,
                "size": size,
                "sha256": hex(&hasher.finalize()),
            }),
            None => json!({ "name": name, "value": String::from_utf8_lossy(&text) }),
        });
    }
    json_response(&json!({
        "contentType": content_type,
        "contentLength": content_length,
        "parts": parts,
    }))
}

/// A small API for the sample mini-program (fixtures/sample-app): `POST /app/login` turns a
/// `wx.login` code into a token, and the other routes want `Authorization: Bearer token-...`,
/// answering 401 otherwise, so that the app's retry-on-401 path can be driven. Stateless: a
/// token is valid when it starts with `token-`.
async fn sample_app(request: hyper::Request<Incoming>, segments: &[&str]) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let unauthorized = || {
        let mut response = respond(
            401,
            "application/json",
            json!({ "error": "invalid token" }).to_string(),
        );
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        response
    };
    if segments.get(1) == Some(&"login") {
        return match body.get("code").and_then(Value::as_str) {
            Some(code) if !code.is_empty() => {
                json_response(&json!({ "token": format!("token-{code}") }))
            }
            _ => respond(
                400,
                "application/json",
                json!({ "error": "code missing" }).to_string(),
            ),
        };
    }
    let token = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !token.starts_with("token-") {
        return unauthorized();
    }
    let item = |id: u64| json!({ "id": id, "name": format!("Item {id}"), "price": id * 100 });
    match (segments.get(1).copied(), segments.get(2)) {
        (Some("items"), None) => {
            json_response(&json!({ "items": (1..=3).map(item).collect::<Vec<_>>() }))
        }
        (Some("items"), Some(id)) => match id.parse::<u64>() {
            Ok(id) if (1..=3).contains(&id) => json_response(&item(id)),
            _ => respond(
                404,
                "application/json",
                json!({ "error": "no such item" }).to_string(),
            ),
        },
        (Some("orders"), None) if parts.method == hyper::Method::POST => json_response(&json!({
            "orderId": 1001,
            "itemId": body.get("itemId").cloned().unwrap_or(Value::Null),
            "user": token.trim_start_matches("token-"),
        })),
        _ => respond(
            404,
            "application/json",
            json!({ "error": "no such route" }).to_string(),
        ),
    }
}

/// Answers one request.
pub async fn handle(
    request: hyper::Request<Incoming>,
    connection: Arc<Connection>,
) -> Result<Response<Body>, Infallible> {
    let pairs = query_pairs(request.uri().query());
    let fault = query_value(&pairs, "fault").map(str::to_string);
    match fault.as_deref() {
        Some("reset") => {
            connection.reset();
            return Ok(std::future::pending().await);
        }
        Some("stall") => return Ok(std::future::pending().await),
        Some("empty") => {
            connection.close();
            return Ok(std::future::pending().await);
        }
        _ => {}
    }
    let path = request.uri().path().to_string();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    // Routes that do not look at the body still read it, as real servers do, so that a client
    // still sending never meets a closed connection.
    match segments[0] {
        "" | "echo" => return Ok(echo(request, &connection).await),
        "upload" => return Ok(upload(request).await),
        "app" => return Ok(sample_app(request, &segments).await),
        _ => {
            let _ = request.into_body().collect().await;
        }
    }
    let number = |index: usize| segments.get(index).and_then(|s| s.parse::<u64>().ok());
    let response = match segments[0] {
        "status" => {
            let code = number(1).unwrap_or(200) as u16;
            respond(code, "text/plain", format!("status {code}"))
        }
        "delay" => {
            let ms = number(1).unwrap_or(0);
            tokio::time::sleep(Duration::from_millis(ms)).await;
            json_response(&json!({ "delayed": ms }))
        }
        "charset" => charset(
            segments.get(1).copied().unwrap_or("utf-8"),
            query_value(&pairs, "json") == Some("1"),
        ),
        "bom" => {
            let count = number(1).unwrap_or(1) as usize;
            let mut body = "\u{feff}".repeat(count);
            body.push_str("{\"bom\":true}");
            respond(200, "application/json; charset=utf-8", body)
        }
        "bytes" => bytes_route(number(1).unwrap_or(0) as usize, &pairs, fault.as_deref()),
        "chunks" => {
            let count = number(1).unwrap_or(3);
            let interval = Duration::from_millis(
                query_value(&pairs, "interval")
                    .and_then(|i| i.parse().ok())
                    .unwrap_or(20),
            );
            let chunks = (0..count)
                .map(|i| Bytes::from(format!("chunk {i}\n")))
                .collect();
            let mut response = Response::new(streamed(chunks, interval, false));
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            response
        }
        "redirect" => {
            let remaining = number(1).unwrap_or(0);
            let status = query_value(&pairs, "status")
                .and_then(|s| s.parse().ok())
                .unwrap_or(302);
            if remaining == 0 {
                redirect(status, "/echo")
            } else {
                redirect(
                    status,
                    &format!("/redirect/{}?status={status}", remaining - 1),
                )
            }
        }
        "redirect-to" => {
            let status = query_value(&pairs, "status")
                .and_then(|s| s.parse().ok())
                .unwrap_or(302);
            redirect(status, query_value(&pairs, "url").unwrap_or("/echo"))
        }
        "loop" => redirect(302, "/loop"),
        "cookies" => {
            let mut response = json_response(&json!({ "cookies": 3 }));
            for cookie in [
                "session=abc123; Path=/; HttpOnly",
                "theme=dark; Max-Age=3600",
                "lang=zh_CN",
            ] {
                response
                    .headers_mut()
                    .append(header::SET_COOKIE, HeaderValue::from_static(cookie));
            }
            response
        }
        "headers" | "text" => {
            let body = query_value(&pairs, "body").unwrap_or("").to_string();
            let status = query_value(&pairs, "status")
                .and_then(|s| s.parse().ok())
                .unwrap_or(200);
            let content_type = query_value(&pairs, "type").unwrap_or("text/plain");
            let mut response = respond(status, content_type, body);
            for (name, value) in &pairs {
                if let Some(header_name) = name.strip_prefix("h:")
                    && let (Ok(name), Ok(value)) = (
                        http::HeaderName::from_bytes(header_name.as_bytes()),
                        HeaderValue::from_str(value),
                    )
                {
                    response.headers_mut().append(name, value);
                }
            }
            response
        }
        "gzip" | "deflate" | "br" => compressed(segments[0]),
        "big-json" => big_json(number(1).unwrap_or(0) as usize),
        "sha256" => {
            let n = number(1).unwrap_or(0) as usize;
            json_response(&json!({ "sha256": hex_sha256_of_pattern(n) }))
        }
        "json" => {
            let count = number(1).unwrap_or(1);
            let items: Vec<Value> = (0..count)
                .map(|i| json!({ "id": i, "name": format!("item {i}"), "ok": true }))
                .collect();
            json_response(&Value::Array(items))
        }
        _ => respond(404, "text/plain", format!("no route {path}")),
    };
    Ok(response)
}
