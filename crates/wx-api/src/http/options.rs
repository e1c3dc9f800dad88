//! The options of `wx.request`, `wx.uploadFile` and `wx.downloadFile`, read the way the
//! platform reads them: the synchronous checks in its order (spec 4.2), then the request as it
//! builds it (4.3, 5, 6), with the conformance warnings it would earn at the call site.

use std::path::PathBuf;

use http::Method;
use rquickjs::{Ctx, Object, Value};
use wx_net::sandbox::{FsError, Sandbox, USER_DATA_PATH};
use wx_net::transfer::Multipart;
use wx_policy::{Failure, Gates, Interface, Target, illegal_host};

use crate::values::{
    console_warn, encode_component, is_array_buffer, js_string, keys, object_to_string,
    plain_object, type_name,
};

/// The conformance warnings a call earned, `(code, message)`, reported at its call site.
pub(crate) type Warnings = Vec<(&'static str, String)>;

/// What the checks decided.
pub(crate) enum Checked {
    /// Start the task.
    Start(Call),
    /// Call fail and complete now; the call returns undefined.
    FailNow(Failure),
    /// Return a task that fails later, as a macrotask (an unknown method, a missing upload).
    FailLater(Failure),
}

/// A call that passed the checks: the request to send and how its result is shaped.
pub(crate) struct Call {
    pub url: String,
    pub method: Method,
    /// Header names and values as the script gave them, Referer removed, `content-type` folded.
    pub headers: Vec<(String, String)>,
    pub body: Body,
    /// The `timeout` option, when it is a number.
    pub timeout: Option<f64>,
    pub follow_redirects: bool,
    pub http2: bool,
    pub chunked: bool,
    pub answer: Answer,
}

/// What is sent.
pub(crate) enum Body {
    Bytes(Vec<u8>),
    Multipart(Multipart),
}

/// The kind of success result, with what shapes it.
#[derive(Clone, Debug)]
pub(crate) enum Answer {
    /// `request`: `data` as text, parsed as JSON when `dataType` is `json`, or as bytes.
    Request { arraybuffer: bool, parse_json: bool },
    /// `uploadFile`: `data` as text, never parsed.
    Upload,
    /// `downloadFile` to a new temp file, or to the `filePath` given: (sandbox, host) path.
    Download {
        destination: Option<(String, PathBuf)>,
    },
}

const METHODS: [Method; 8] = [
    Method::OPTIONS,
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::DELETE,
    Method::TRACE,
    Method::CONNECT,
];

/// Only these carry a body on phones.
const BODY_METHODS: [Method; 3] = [Method::POST, Method::PUT, Method::DELETE];

/// A string option (a String object gives its text), or the parameter error naming what
/// `value` is instead.
fn string_option<'js>(
    ctx: &Ctx<'js>,
    field: &str,
    value: &Value<'js>,
) -> rquickjs::Result<Result<String, Failure>> {
    if let Some(text) = wx_bridge::text_of(ctx, value)? {
        return Ok(Ok(text));
    }
    Ok(Err(Failure::ParameterType {
        field: field.to_string(),
        expected: "String".to_string(),
        found: type_name(ctx, value)?,
    }))
}

/// Whether `value` is the primitive string `text` (strict equality).
fn is_text<'js>(ctx: &Ctx<'js>, value: &Value<'js>, text: &str) -> rquickjs::Result<bool> {
    Ok(value.is_string() && wx_bridge::text_of(ctx, value)?.as_deref() == Some(text))
}

/// Step 2 of the validation order: the scheme, in any letter case.
fn scheme_failure(url: &str) -> Option<Failure> {
    let bytes = url.as_bytes();
    let http = bytes.len() >= 7 && bytes[..7].eq_ignore_ascii_case(b"http://");
    let https = bytes.len() >= 8 && bytes[..8].eq_ignore_ascii_case(b"https://");
    (!http && !https).then(|| Failure::InvalidUrl(url.to_string()))
}

/// Step 5: a URL that does not parse, or an illegal host (a leading dot, an empty label).
fn host_failure(url: &str) -> Option<Failure> {
    match Target::parse(url) {
        Err(_) => Some(Failure::InvalidUrl(url.to_string())),
        Ok(target) => illegal_host(target.url()),
    }
}

/// Header values as phones send them: strings kept, numbers as text, anything else through
/// Object.prototype.toString, with a warning.
fn header_value<'js>(
    ctx: &Ctx<'js>,
    api: &str,
    key: &str,
    value: &Value<'js>,
    warnings: &mut Warnings,
) -> rquickjs::Result<String> {
    if value.is_string() {
        return Ok(wx_bridge::text_of(ctx, value)?.unwrap_or_default());
    }
    if value.is_number() {
        return js_string(ctx, value);
    }
    let shown = object_to_string(ctx, value)?;
    warnings.push((
        "header-value",
        format!(
            "wx.{api}: header \"{key}\" is {}, sent as {shown}; give strings",
            type_name(ctx, value)?
        ),
    ));
    Ok(shown)
}

/// An option that must be a plain object: undefined and null give none, anything else is
/// dropped after `console.warn(complaint)`.
fn object_option<'js>(
    ctx: &Ctx<'js>,
    value: &Value<'js>,
    complaint: &str,
) -> rquickjs::Result<Option<Object<'js>>> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let object = plain_object(ctx, value)?;
    if object.is_none() {
        console_warn(ctx, complaint)?;
    }
    Ok(object)
}

/// The script's headers: a Referer is dropped (the platform sets its own), a content-type in
/// any letter case becomes `content-type`, added with `default_content_type` when absent.
/// Returns the list and the content type sent.
fn script_headers<'js>(
    ctx: &Ctx<'js>,
    api: &str,
    header: Option<Object<'js>>,
    default_content_type: Option<&str>,
    warnings: &mut Warnings,
) -> rquickjs::Result<(Vec<(String, String)>, String)> {
    let mut list = Vec::new();
    let mut content_type = None;
    if let Some(header) = header {
        for key in keys(ctx, &header)? {
            if key.eq_ignore_ascii_case("referer") {
                warnings.push((
                    "referer",
                    format!(
                        "wx.{api}: the Referer header set by the script is dropped; every request carries https://servicewechat.com/{{appid}}/{{version}}/page-frame.html"
                    ),
                ));
                continue;
            }
            let value: Value = header.get(key.as_str())?;
            let value = header_value(ctx, api, &key, &value, warnings)?;
            if key.eq_ignore_ascii_case("content-type") {
                content_type = Some(value.clone());
                list.push(("content-type".to_string(), value));
            } else {
                list.push((key, value));
            }
        }
    }
    if content_type.is_none()
        && let Some(default) = default_content_type
    {
        content_type = Some(default.to_string());
        list.push(("content-type".to_string(), default.to_string()));
    }
    Ok((list, content_type.unwrap_or_default()))
}

/// `encodeURIComponent(String(value))`, a lone surrogate as U+FFFD.
fn component<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> rquickjs::Result<String> {
    Ok(encode_component(&js_string(ctx, value)?))
}

/// A form body: own enumerable keys as `k=v`, joined with `&` (nested values as
/// `[object Object]`, as on phones).
fn form_encode<'js>(ctx: &Ctx<'js>, data: &Object<'js>) -> rquickjs::Result<String> {
    let mut pairs = Vec::new();
    for key in keys(ctx, data)? {
        let value: Value = data.get(key.as_str())?;
        pairs.push(format!(
            "{}={}",
            encode_component(&key),
            component(ctx, &value)?
        ));
    }
    Ok(pairs.join("&"))
}

/// GET with a non-empty object: merged into the query. Existing pairs are split on & and =
/// without decoding (`flag` becomes `flag=undefined`); new keys override old ones in place;
/// object values are JSON first.
fn merge_query<'js>(ctx: &Ctx<'js>, url: &str, data: &Object<'js>) -> rquickjs::Result<String> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut pairs: Vec<(String, Option<String>)> = Vec::new();
    let mut put = |key: String, value: Option<String>| match pairs
        .iter_mut()
        .find(|(known, _)| *known == key)
    {
        Some((_, slot)) => *slot = value,
        None => pairs.push((key, value)),
    };
    if !query.is_empty() {
        for part in query.split('&') {
            match part.split_once('=') {
                Some((key, value)) => put(key.to_string(), Some(value.to_string())),
                None => put(part.to_string(), None),
            }
        }
    }
    for key in keys(ctx, data)? {
        let mut value: Value = data.get(key.as_str())?;
        if value.is_object() && !value.is_function() {
            value = match ctx.json_stringify(value)? {
                Some(json) => json.into_value(),
                None => Value::new_undefined(ctx.clone()),
            };
        }
        put(encode_component(&key), Some(component(ctx, &value)?));
    }
    let text: Vec<String> = pairs
        .into_iter()
        .map(|(key, value)| format!("{key}={}", value.as_deref().unwrap_or("undefined")))
        .collect();
    Ok(if text.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", text.join("&"))
    })
}

/// `JSON.stringify(value)`, or `Err(())` when it throws (a cycle, a BigInt).
fn stringify<'js>(
    ctx: &Ctx<'js>,
    value: &Value<'js>,
) -> rquickjs::Result<Result<Option<String>, ()>> {
    match ctx.json_stringify(value.clone()) {
        Ok(None) => Ok(Ok(None)),
        Ok(Some(json)) => Ok(Ok(wx_bridge::text_of(ctx, &json.into_value())?)),
        Err(rquickjs::Error::Exception) => {
            ctx.catch();
            Ok(Err(()))
        }
        Err(other) => Err(other),
    }
}

/// `ToBoolean(options.<field>)`.
fn flag<'js>(options: &Object<'js>, field: &str) -> rquickjs::Result<bool> {
    let value: Value = options.get(field)?;
    Ok(match value.as_bool() {
        Some(flag) => flag,
        None => value.get::<rquickjs::Coerced<bool>>()?.0,
    })
}

/// `options.timeout` when it is a number.
fn timeout_option(options: &Object<'_>) -> rquickjs::Result<Option<f64>> {
    Ok(options.get::<_, Value>("timeout")?.as_number())
}

/// wx.request: the checks of spec 4.2 in order, then the request of 4.3.
pub(crate) fn read_request<'js>(
    ctx: &Ctx<'js>,
    options: &Object<'js>,
    gates: &Gates,
    warnings: &mut Warnings,
) -> rquickjs::Result<Checked> {
    let api = Interface::Request.api_name();
    let url = match string_option(ctx, "url", &options.get("url")?)? {
        Ok(url) => url,
        Err(failure) => return Ok(Checked::FailNow(failure)),
    };
    if let Some(failure) = scheme_failure(&url) {
        return Ok(Checked::FailNow(failure));
    }
    let data: Value = options.get("data")?;
    let is_object = data.is_object() && !data.is_function() && !is_array_buffer(&data);
    // Whatever would become a JSON body must stringify: objects, and BigInts too. The text is
    // kept for the body.
    let mut json = None;
    if is_object || data.is_big_int() {
        match stringify(ctx, &data)? {
            Ok(text) => json = Some(text),
            Err(()) => return Ok(Checked::FailNow(Failure::FailToStringifyData)),
        }
    }
    if data.is_function() {
        return Ok(Checked::FailNow(Failure::DataShouldNotBeFunction));
    }
    if let Some(failure) = host_failure(&url) {
        return Ok(Checked::FailNow(failure));
    }

    let header: Value = options.get("header")?;
    let header = object_option(ctx, &header, "wx.request: header must be an object")?;
    let (headers, content_type) =
        script_headers(ctx, api, header, Some("application/json"), warnings)?;
    let method: Value = options.get("method")?;
    let method = if method.is_undefined() {
        Method::GET
    } else {
        let upper = js_string(ctx, &method)?.to_uppercase();
        match METHODS.iter().find(|known| known.as_str() == upper) {
            Some(method) => method.clone(),
            None => return Ok(Checked::FailLater(Failure::MethodInvalid)),
        }
    };

    let mut url = url;
    let mut body = Vec::new();
    match data.as_object().filter(|_| is_object) {
        Some(object) if method == Method::GET => {
            // An empty object builds an empty query: the url stays as written.
            if !keys(ctx, object)?.is_empty() {
                url = merge_query(ctx, &url, object)?;
            }
        }
        _ => {
            let built = if data.is_undefined() {
                None
            } else if data.is_string() {
                wx_bridge::text_of(ctx, &data)?.map(String::into_bytes)
            } else if is_array_buffer(&data) {
                Some(wx_bridge::with_buffer(&data, <[u8]>::to_vec).unwrap_or_default())
            } else if let Some(object) = data.as_object().filter(|_| is_object)
                && content_type.contains("application/x-www-form-urlencoded")
            {
                Some(form_encode(ctx, object)?.into_bytes())
            } else {
                match json {
                    Some(json) => json.map(String::into_bytes),
                    None => stringify(ctx, &data)?
                        .unwrap_or(None)
                        .map(String::into_bytes),
                }
            };
            if let Some(built) = built {
                if BODY_METHODS.contains(&method) {
                    body = built;
                } else if !built.is_empty() {
                    warnings.push((
                        "body-dropped",
                        format!(
                            "wx.request: {method} carries no body on phones; the data was dropped (use POST, PUT or DELETE, or an object with GET to build the query)"
                        ),
                    ));
                }
            }
        }
    }

    let response_type: Value = options.get("responseType")?;
    let arraybuffer = !response_type.is_undefined()
        && js_string(ctx, &response_type)?.eq_ignore_ascii_case("arraybuffer");
    let follow_redirects =
        !gates.redirect_option || !is_text(ctx, &options.get("redirect")?, "manual")?;
    let http2 = flag(options, "enableHttp2")?;
    let chunked = flag(options, "enableChunked")?;
    let timeout = timeout_option(options)?;
    let data_type: Value = options.get("dataType")?;
    let parse_json = data_type.is_undefined() || is_text(ctx, &data_type, "json")?;
    Ok(Checked::Start(Call {
        url,
        method,
        headers,
        body: Body::Bytes(body),
        timeout,
        follow_redirects,
        http2,
        chunked,
        answer: Answer::Request {
            arraybuffer,
            parse_json,
        },
    }))
}

/// wx.uploadFile (spec 5): url, filePath and name must be strings; header and formData plain
/// objects (else dropped with a console warning); a missing file fails once the task starts.
pub(crate) fn read_upload<'js>(
    ctx: &Ctx<'js>,
    options: &Object<'js>,
    sandbox: &Sandbox,
    boundary: String,
    warnings: &mut Warnings,
) -> rquickjs::Result<Checked> {
    let api = Interface::UploadFile.api_name();
    let mut given = [String::new(), String::new(), String::new()];
    for (slot, field) in given.iter_mut().zip(["url", "filePath", "name"]) {
        match string_option(ctx, field, &options.get(field)?)? {
            Ok(text) => *slot = text,
            Err(failure) => return Ok(Checked::FailNow(failure)),
        }
    }
    let [url, file_path, name] = given;
    if let Some(failure) = scheme_failure(&url).or_else(|| host_failure(&url)) {
        return Ok(Checked::FailNow(failure));
    }
    let header: Value = options.get("header")?;
    let header = object_option(ctx, &header, "uploadFile: header must be an object")?;
    let (headers, _) = script_headers(ctx, api, header, None, warnings)?;
    let form_data: Value = options.get("formData")?;
    let mut fields = Vec::new();
    if let Some(form_data) =
        object_option(ctx, &form_data, "uploadFile: formData must be an object")?
    {
        for key in keys(ctx, &form_data)? {
            let value: Value = form_data.get(key.as_str())?;
            let value = header_value(ctx, api, &key, &value, warnings)?;
            fields.push((key, value));
        }
    }
    let multipart = match multipart(sandbox, &file_path, &name, &fields, boundary) {
        Ok(multipart) => multipart,
        Err(failure) => return Ok(Checked::FailLater(failure)),
    };
    let timeout = timeout_option(options)?;
    let http2 = flag(options, "enableHttp2")?;
    Ok(Checked::Start(Call {
        url,
        method: Method::POST,
        headers,
        body: Body::Multipart(multipart),
        timeout,
        follow_redirects: true,
        http2,
        chunked: false,
        answer: Answer::Upload,
    }))
}

/// The multipart body of an upload, or why the file cannot be sent.
fn multipart(
    sandbox: &Sandbox,
    file_path: &str,
    name: &str,
    fields: &[(String, String)],
    boundary: String,
) -> Result<Multipart, Failure> {
    let resolved = sandbox.resolve(file_path).map_err(|error| match error {
        FsError::PermissionDenied(_) => Failure::PermissionDenied,
        _ => Failure::FileNotFound,
    })?;
    let metadata = std::fs::metadata(&resolved.host).map_err(|_| Failure::FileNotFound)?;
    if !metadata.is_file() {
        return Err(Failure::FileNotFound);
    }
    Ok(Multipart::new(
        fields,
        name,
        &resolved.host,
        metadata.len(),
        boundary,
    ))
}

/// wx.downloadFile (spec 6): url must be a string; `filePath` (from base library 1.8.0) must be
/// a string under USER_DATA_PATH, else `permission denied` now.
pub(crate) fn read_download<'js>(
    ctx: &Ctx<'js>,
    options: &Object<'js>,
    gates: &Gates,
    sandbox: &Sandbox,
    warnings: &mut Warnings,
) -> rquickjs::Result<Checked> {
    let api = Interface::DownloadFile.api_name();
    let url = match string_option(ctx, "url", &options.get("url")?)? {
        Ok(url) => url,
        Err(failure) => return Ok(Checked::FailNow(failure)),
    };
    if let Some(failure) = scheme_failure(&url).or_else(|| host_failure(&url)) {
        return Ok(Checked::FailNow(failure));
    }
    let mut destination = None;
    if gates.download_file_path {
        let value: Value = options.get("filePath")?;
        if !value.is_undefined() {
            let path = match string_option(ctx, "filePath", &value)? {
                Ok(path) => path,
                Err(failure) => return Ok(Checked::FailNow(failure)),
            };
            let under_usr =
                path == USER_DATA_PATH || path.starts_with(&format!("{USER_DATA_PATH}/"));
            match sandbox.resolve_writable(&path) {
                Ok(host) if under_usr && !host.is_dir() => destination = Some((path, host)),
                _ => return Ok(Checked::FailNow(Failure::PermissionDenied)),
            }
        }
    }
    let header: Value = options.get("header")?;
    let header = object_option(ctx, &header, "downloadFile: header must be an object")?;
    let (headers, _) = script_headers(ctx, api, header, None, warnings)?;
    let timeout = timeout_option(options)?;
    let http2 = flag(options, "enableHttp2")?;
    Ok(Checked::Start(Call {
        url,
        method: Method::GET,
        headers,
        body: Body::Bytes(Vec::new()),
        timeout,
        follow_redirects: true,
        http2,
        chunked: false,
        answer: Answer::Download { destination },
    }))
}
