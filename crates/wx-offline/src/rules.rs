//! Mock rules: which calls a rule matches, and what it answers. A rule answers a network call
//! (matched by URL) or a cloud function (`wx.cloud.callFunction`, matched by name). The JSON
//! shape is documented in docs/mocks.md; errors name the rule and the key, and say what is
//! allowed.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use base64::Engine;
use serde_json::{Map, Value};
use wildmatch::WildMatch;

use crate::{CannedResponse, HttpCall, Interface, ScriptStep, SocketScript, WsData};

/// A rule that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{origin}: rule {index}, `{key}`: {message}")]
pub struct RuleError {
    /// The file, or `wxrun.mock()` for rules added by a script.
    pub origin: String,
    /// 0-based position in the file's list.
    pub index: usize,
    pub key: String,
    pub message: String,
}

/// What a call must look like.
#[derive(Debug)]
enum Matcher {
    Http(HttpMatcher),
    /// `wx.cloud.callFunction`: the function's name (wildcards allowed) and what its `data`
    /// must contain.
    CloudFunction {
        name: WildMatch,
        data: Option<Value>,
    },
}

/// What a network call must look like.
#[derive(Debug)]
struct HttpMatcher {
    /// `None`: any of the HTTP APIs.
    api: Option<Interface>,
    method: Option<String>,
    url: WildMatch,
    query: Vec<(String, String)>,
    body: Option<BodyPredicate>,
}

#[derive(Debug)]
enum BodyPredicate {
    Equals(String),
    Contains(String),
    /// The body parses as JSON and contains this value (objects: every key given, recursively).
    Json(Value),
}

/// What a matching call gets.
#[derive(Clone, Debug)]
pub enum RuleAnswer {
    Respond(CannedResponse),
    /// The call fails with this errMsg reason (`"<api>:fail <reason>"`).
    Fail(String),
    Socket(SocketScript),
    /// A cloud function returns `result` (as JSON) after `delay`.
    CloudResult {
        result: Value,
        delay: Duration,
    },
}

/// One mock rule.
#[derive(Debug)]
pub struct Rule {
    matcher: Matcher,
    pub answer: RuleAnswer,
}

const KEYS: &[&str] = &[
    "api", "method", "url", "query", "body", "response", "fail", "socket",
];

/// The keys of a rule that answers a cloud function.
const CLOUD_KEYS: &[&str] = &["cloudFunction", "data", "response", "fail"];

struct At<'a> {
    origin: &'a str,
    index: usize,
}

impl At<'_> {
    fn error(&self, key: &str, message: impl Into<String>) -> RuleError {
        RuleError {
            origin: self.origin.to_string(),
            index: self.index,
            key: key.to_string(),
            message: message.into(),
        }
    }
}

impl Rule {
    /// Reads one rule. `base` resolves `bodyFile` paths (the rule file's folder).
    pub fn parse(
        value: &Value,
        base: &Path,
        origin: &str,
        index: usize,
    ) -> Result<Rule, RuleError> {
        let at = At { origin, index };
        let Some(object) = value.as_object() else {
            return Err(at.error("", "a rule is an object such as {\"url\": \"https://api.example.com/*\", \"response\": {\"body\": {}}}"));
        };
        if object.contains_key("cloudFunction") {
            return parse_cloud_rule(object, &at);
        }
        if let Some(unknown) = object.keys().find(|key| !KEYS.contains(&key.as_str())) {
            return Err(at.error(
                unknown,
                format!("unknown key; a rule takes {}", KEYS.join(", ")),
            ));
        }
        let api = match object.get("api") {
            None => None,
            Some(Value::String(name)) => Some(crate::interface_named(name).ok_or_else(|| {
                at.error(
                    "api",
                    format!(
                        "{name:?} is not one of request, uploadFile, downloadFile, connectSocket"
                    ),
                )
            })?),
            Some(_) => return Err(at.error("api", "must be a string")),
        };
        let method = match object.get("method") {
            None => None,
            Some(Value::String(method)) => Some(method.to_ascii_uppercase()),
            Some(_) => return Err(at.error("method", "must be a string such as \"POST\"")),
        };
        let url = match object.get("url") {
            Some(Value::String(url)) => WildMatch::new(&normalise_url_pattern(url)),
            Some(_) => {
                return Err(at.error("url", "must be a string; * matches any run of characters"));
            }
            None => {
                return Err(at.error(
                    "url",
                    "is required: the URL to match, * matching any run of characters",
                ));
            }
        };
        let query = match object.get("query") {
            None => Vec::new(),
            Some(Value::Object(pairs)) => pairs
                .iter()
                .map(|(name, value)| match value {
                    Value::String(text) => Ok((name.clone(), text.clone())),
                    Value::Number(_) | Value::Bool(_) => Ok((name.clone(), value.to_string())),
                    _ => Err(at.error(
                        &format!("query.{name}"),
                        "must be a string, number or boolean",
                    )),
                })
                .collect::<Result<_, _>>()?,
            Some(_) => {
                return Err(at.error("query", "must be an object of parameter names and values"));
            }
        };
        let body = match object.get("body") {
            None => None,
            Some(Value::Object(predicate)) if predicate.len() == 1 => {
                let (kind, expected) = predicate.iter().next().expect("one entry");
                Some(match (kind.as_str(), expected) {
                    ("equals", Value::String(text)) => BodyPredicate::Equals(text.clone()),
                    ("contains", Value::String(text)) => BodyPredicate::Contains(text.clone()),
                    ("json", value) => BodyPredicate::Json(value.clone()),
                    _ => return Err(at.error(&format!("body.{kind}"), "use {\"equals\": \"text\"}, {\"contains\": \"text\"} or {\"json\": value}")),
                })
            }
            Some(_) => return Err(at.error("body", "must be one of {\"equals\": \"text\"}, {\"contains\": \"text\"}, {\"json\": value}")),
        };
        let answers: Vec<&str> = ["response", "fail", "socket"]
            .into_iter()
            .filter(|key| object.contains_key(*key))
            .collect();
        let answer = match answers.as_slice() {
            ["response"] => RuleAnswer::Respond(parse_response(&object["response"], base, &at)?),
            ["fail"] => match &object["fail"] {
                Value::String(reason) if !reason.is_empty() => RuleAnswer::Fail(reason.clone()),
                _ => return Err(at.error("fail", "must be the errMsg reason, such as \"timeout\"")),
            },
            ["socket"] => RuleAnswer::Socket(parse_socket(&object["socket"], &at)?),
            [] => return Err(at.error("response", "a rule needs one of response, fail or socket")),
            _ => {
                return Err(at.error(
                    answers[1],
                    "a rule takes only one of response, fail and socket",
                ));
            }
        };
        let is_socket_rule = api == Some(Interface::Socket);
        match (&answer, is_socket_rule) {
            (RuleAnswer::Respond(_), true) => {
                return Err(at.error("response", "connectSocket rules answer with socket or fail"));
            }
            (RuleAnswer::Socket(_), false) => {
                return Err(at.error("socket", "socket answers need \"api\": \"connectSocket\""));
            }
            _ => {}
        }
        Ok(Rule {
            matcher: Matcher::Http(HttpMatcher {
                api,
                method,
                url,
                query,
                body,
            }),
            answer,
        })
    }

    /// Whether this rule answers the cloud function `name` called with `data`.
    pub fn matches_cloud_function(&self, name: &str, data: &Value) -> bool {
        match &self.matcher {
            Matcher::CloudFunction {
                name: pattern,
                data: expected,
            } => {
                pattern.matches(name)
                    && expected
                        .as_ref()
                        .is_none_or(|expected| json_contains(data, expected))
            }
            Matcher::Http(_) => false,
        }
    }

    /// Whether this rule answers `call`.
    pub fn matches(&self, call: &HttpCall<'_>) -> bool {
        let Matcher::Http(m) = &self.matcher else {
            return false;
        };
        let api_ok = match m.api {
            Some(api) => api == call.api,
            None => call.api != Interface::Socket,
        };
        if !api_ok
            || m.method
                .as_deref()
                .is_some_and(|method| method != call.method)
            || !m.url.matches(call.url)
        {
            return false;
        }
        if !m.query.is_empty() {
            let Ok(url) = url::Url::parse(call.url) else {
                return false;
            };
            let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
            if !m.query.iter().all(|wanted| pairs.contains(wanted)) {
                return false;
            }
        }
        match &m.body {
            None => true,
            Some(predicate) => {
                let text = call.body.map(String::from_utf8_lossy).unwrap_or_default();
                match predicate {
                    BodyPredicate::Equals(expected) => text == expected.as_str(),
                    BodyPredicate::Contains(part) => text.contains(part.as_str()),
                    BodyPredicate::Json(expected) => serde_json::from_str::<Value>(&text)
                        .is_ok_and(|actual| json_contains(&actual, expected)),
                }
            }
        }
    }
}

/// A rule that answers `wx.cloud.callFunction`: `{"cloudFunction": "login", "data": {...},
/// "response": {"result": ..., "delay": ms}}`, or `"fail": reason` instead of `response`.
fn parse_cloud_rule(object: &Map<String, Value>, at: &At<'_>) -> Result<Rule, RuleError> {
    if let Some(unknown) = object
        .keys()
        .find(|key| !CLOUD_KEYS.contains(&key.as_str()))
    {
        return Err(at.error(
            unknown,
            format!(
                "unknown key; a cloud function rule takes {}",
                CLOUD_KEYS.join(", ")
            ),
        ));
    }
    let name = match &object["cloudFunction"] {
        Value::String(name) if !name.is_empty() => WildMatch::new(name),
        _ => {
            return Err(at.error(
                "cloudFunction",
                "must be the cloud function's name, such as \"login\" (* matches any run of characters)",
            ));
        }
    };
    let data = object.get("data").cloned();
    let answer = match (object.get("response"), object.get("fail")) {
        (Some(response), None) => {
            let response = response_object(
                response,
                &["result", "delay"],
                "{\"result\": {\"openid\": \"o-1\"}}",
                at,
            )?;
            RuleAnswer::CloudResult {
                result: response.get("result").cloned().unwrap_or(Value::Null),
                delay: delay_of(response, "response", at)?,
            }
        }
        (None, Some(Value::String(reason))) if !reason.is_empty() => {
            RuleAnswer::Fail(reason.clone())
        }
        (None, Some(_)) => {
            return Err(at.error(
                "fail",
                "must be the errMsg reason, such as \"Error: errCode: -504002 functions execute fail\"",
            ));
        }
        (Some(_), Some(_)) => {
            return Err(at.error("fail", "a rule takes only one of response and fail"));
        }
        (None, None) => {
            return Err(at.error(
                "response",
                "a cloud function rule needs response ({\"result\": ...}) or fail",
            ));
        }
    };
    Ok(Rule {
        matcher: Matcher::CloudFunction { name, data },
        answer,
    })
}

/// A URL pattern in the form of the URLs it is matched against, which the URL parser wrote: a
/// pattern without wildcards is parsed the same way (so `wss://host`, `WSS://Host:443` and
/// `wss://host/` are one), and one with wildcards gets the path a bare origin lacks.
fn normalise_url_pattern(pattern: &str) -> String {
    if !pattern.contains(['*', '?'])
        && let Ok(url) = url::Url::parse(pattern)
    {
        return url.into();
    }
    match pattern.split_once("://") {
        Some((scheme, rest)) if !rest.contains(['/', '?', '#']) && !rest.ends_with('*') => {
            format!("{}://{rest}/", scheme.to_ascii_lowercase())
        }
        Some((scheme, rest)) => format!("{}://{rest}", scheme.to_ascii_lowercase()),
        None => pattern.to_string(),
    }
}

/// `actual` has everything `expected` has: objects may carry more keys; the rest is equal.
fn json_contains(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(actual), Value::Object(expected)) => expected.iter().all(|(key, value)| {
            actual
                .get(key)
                .is_some_and(|found| json_contains(found, value))
        }),
        _ => actual == expected,
    }
}

fn delay_of(object: &Map<String, Value>, key: &str, at: &At<'_>) -> Result<Duration, RuleError> {
    match object.get("delay") {
        None => Ok(Duration::ZERO),
        Some(value) => value.as_u64().map(Duration::from_millis).ok_or_else(|| {
            at.error(
                &format!("{key}.delay"),
                "must be a whole number of milliseconds",
            )
        }),
    }
}

/// A rule's `response` as an object whose keys are all `allowed`, or the error naming the key.
fn response_object<'v>(
    value: &'v Value,
    allowed: &[&str],
    example: &str,
    at: &At<'_>,
) -> Result<&'v Map<String, Value>, RuleError> {
    let Some(object) = value.as_object() else {
        return Err(at.error("response", format!("must be an object such as {example}")));
    };
    if let Some(unknown) = object.keys().find(|key| !allowed.contains(&key.as_str())) {
        return Err(at.error(
            &format!("response.{unknown}"),
            format!("unknown key; a response takes {}", allowed.join(", ")),
        ));
    }
    Ok(object)
}

fn parse_response(value: &Value, base: &Path, at: &At<'_>) -> Result<CannedResponse, RuleError> {
    const RESPONSE_KEYS: &[&str] = &[
        "status",
        "headers",
        "body",
        "bodyFile",
        "bodyBase64",
        "delay",
    ];
    let object = response_object(value, RESPONSE_KEYS, "{\"status\": 200, \"body\": {}}", at)?;
    let status = match object.get("status") {
        None => 200,
        Some(value) => value
            .as_u64()
            .filter(|status| (100..=999).contains(status))
            .ok_or_else(|| at.error("response.status", "must be an HTTP status from 100 to 999"))?
            as u16,
    };
    let mut headers = Vec::new();
    match object.get("headers") {
        None => {}
        Some(Value::Object(pairs)) => {
            for (name, value) in pairs {
                let value = match value {
                    Value::String(text) => text.clone(),
                    Value::Number(_) | Value::Bool(_) => value.to_string(),
                    _ => {
                        return Err(
                            at.error(&format!("response.headers.{name}"), "must be a string")
                        );
                    }
                };
                headers.push((name.clone(), value));
            }
        }
        Some(_) => {
            return Err(at.error(
                "response.headers",
                "must be an object of header names and values",
            ));
        }
    }
    let bodies: Vec<&str> = ["body", "bodyFile", "bodyBase64"]
        .into_iter()
        .filter(|key| object.contains_key(*key))
        .collect();
    if bodies.len() > 1 {
        return Err(at.error(
            &format!("response.{}", bodies[1]),
            "give only one of body, bodyFile and bodyBase64",
        ));
    }
    let (body, content_type): (Vec<u8>, Option<String>) = match bodies.first().copied() {
        None => (Vec::new(), None),
        Some("body") => match &object["body"] {
            Value::String(text) => (
                text.clone().into_bytes(),
                Some("text/plain; charset=utf-8".into()),
            ),
            json => (
                json.to_string().into_bytes(),
                Some("application/json; charset=utf-8".into()),
            ),
        },
        Some("bodyFile") => {
            let Some(name) = object["bodyFile"].as_str() else {
                return Err(at.error("response.bodyFile", "must be a path"));
            };
            let path: PathBuf = base.join(name);
            let bytes = std::fs::read(&path).map_err(|err| {
                at.error(
                    "response.bodyFile",
                    format!(
                        "cannot read {} ({err}); relative paths start at the rules file's folder",
                        path.display()
                    ),
                )
            })?;
            let mime = mime_guess::from_path(&path).first_or_octet_stream();
            (bytes, Some(mime.essence_str().to_string()))
        }
        Some(_) => {
            let text = object["bodyBase64"].as_str().unwrap_or_default();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|err| at.error("response.bodyBase64", format!("is not base64: {err}")))?;
            (bytes, Some("application/octet-stream".into()))
        }
    };
    if let Some(content_type) = content_type
        && !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
    {
        headers.push(("Content-Type".into(), content_type));
    }
    Ok(CannedResponse {
        status,
        headers,
        body: body.into(),
        delay: delay_of(object, "response", at)?,
        decoded: false,
    })
}

fn parse_ws_data(value: &Value, key: &str, at: &At<'_>) -> Result<(WsData, Duration), RuleError> {
    match value {
        Value::String(text) => Ok((WsData::Text(text.clone()), Duration::ZERO)),
        Value::Object(object) => {
            let delay = delay_of(object, key, at)?;
            let data = match (object.get("data"), object.get("base64"), object.get("json")) {
                (Some(Value::String(text)), None, None) => WsData::Text(text.clone()),
                (None, Some(Value::String(encoded)), None) => WsData::Binary(
                    base64::engine::general_purpose::STANDARD
                        .decode(encoded)
                        .map_err(|err| {
                            at.error(&format!("{key}.base64"), format!("is not base64: {err}"))
                        })?,
                ),
                (None, None, Some(json)) => WsData::Text(json.to_string()),
                _ => {
                    return Err(at.error(
                        key,
                        "a message is a string, or {\"data\": \"text\"}, {\"base64\": \"...\"} or {\"json\": value}, with an optional \"delay\"",
                    ));
                }
            };
            Ok((data, delay))
        }
        _ => Err(at.error(key, "a message is a string or an object")),
    }
}

fn parse_socket(value: &Value, at: &At<'_>) -> Result<SocketScript, RuleError> {
    const SOCKET_KEYS: &[&str] = &["messages", "echo", "close"];
    let Some(object) = value.as_object() else {
        return Err(at.error(
            "socket",
            "must be an object such as {\"messages\": [\"hello\"], \"echo\": true}",
        ));
    };
    if let Some(unknown) = object
        .keys()
        .find(|key| !SOCKET_KEYS.contains(&key.as_str()))
    {
        return Err(at.error(
            &format!("socket.{unknown}"),
            format!("unknown key; a socket takes {}", SOCKET_KEYS.join(", ")),
        ));
    }
    let mut steps = Vec::new();
    match object.get("messages") {
        None => {}
        Some(Value::Array(messages)) => {
            for (i, message) in messages.iter().enumerate() {
                let (data, delay) = parse_ws_data(message, &format!("socket.messages[{i}]"), at)?;
                steps.push(ScriptStep::Send { data, delay });
            }
        }
        Some(_) => {
            return Err(at.error(
                "socket.messages",
                "must be a list of messages the server sends after the open",
            ));
        }
    }
    let echo = match object.get("echo") {
        None => false,
        Some(Value::Bool(echo)) => *echo,
        Some(_) => return Err(at.error("socket.echo", "must be true or false")),
    };
    let close = match object.get("close") {
        None => None,
        Some(Value::Object(close)) => {
            let code = close
                .get("code")
                .map_or(Some(1000), Value::as_u64)
                .filter(|code| *code == 1000 || (3000..=4999).contains(code))
                .ok_or_else(|| at.error("socket.close.code", "must be 1000 or 3000..4999"))?
                as u16;
            let reason = close
                .get("reason")
                .map_or(Some(""), Value::as_str)
                .ok_or_else(|| at.error("socket.close.reason", "must be a string"))?
                .to_string();
            Some((code, reason))
        }
        Some(_) => {
            return Err(at.error(
                "socket.close",
                "must be an object such as {\"code\": 1000, \"reason\": \"done\"}",
            ));
        }
    };
    Ok(SocketScript { steps, echo, close })
}

/// Reads a rules file: a list of rules, or `{"rules": [...]}`.
pub fn load_file(path: &Path) -> Result<Vec<Rule>, RuleError> {
    let origin = path.display().to_string();
    let whole = |message: String| RuleError {
        origin: origin.clone(),
        index: 0,
        key: String::new(),
        message,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|err| whole(format!("cannot read the file: {err}")))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|err| whole(format!("not valid JSON: {err}")))?;
    let list = match &value {
        Value::Array(list) => list,
        Value::Object(object) => match object.get("rules") {
            Some(Value::Array(list)) if object.len() == 1 => list,
            _ => {
                return Err(whole(
                    "expected a list of rules, or {\"rules\": [...]}".into(),
                ));
            }
        },
        _ => {
            return Err(whole(
                "expected a list of rules, or {\"rules\": [...]}".into(),
            ));
        }
    };
    let base = path.parent().unwrap_or(Path::new("."));
    list.iter()
        .enumerate()
        .map(|(index, rule)| Rule::parse(rule, base, &origin, index))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(value: Value) -> Result<Rule, RuleError> {
        Rule::parse(&value, Path::new("."), "mocks.json", 0)
    }

    fn call<'a>(
        api: Interface,
        method: &'a str,
        url: &'a str,
        body: Option<&'a [u8]>,
    ) -> HttpCall<'a> {
        HttpCall {
            api,
            method,
            url,
            headers: &[],
            body,
        }
    }

    /// A rule's URL is compared in the form calls have after URL parsing, for sockets as for
    /// requests.
    #[test]
    fn url_patterns_are_normalised_like_the_urls_they_match() {
        let socket = |url: &str| {
            rule(json!({"api": "connectSocket", "url": url, "socket": {"echo": true}})).unwrap()
        };
        for pattern in [
            "wss://chat.example.com",
            "wss://chat.example.com/",
            "WSS://Chat.Example.com:443",
            "wss://chat.example.*",
        ] {
            let r = socket(pattern);
            assert!(
                r.matches(&call(
                    Interface::Socket,
                    "GET",
                    "wss://chat.example.com/",
                    None
                )),
                "{pattern}"
            );
        }
        let r = rule(json!({"url": "https://api.example.com", "response": {"body": "x"}})).unwrap();
        assert!(r.matches(&call(
            Interface::Request,
            "GET",
            "https://api.example.com/",
            None
        )));
        assert!(!r.matches(&call(
            Interface::Request,
            "GET",
            "https://api.example.com/v1",
            None
        )));
    }

    #[test]
    fn matching_on_api_method_url_query_and_body() {
        let r = rule(json!({
            "method": "post",
            "url": "https://api.example.com/users/*",
            "query": {"page": 2},
            "body": {"json": {"user": {"name": "ann"}}},
            "response": {"body": {"ok": true}}
        }))
        .unwrap();
        let body = br#"{"user": {"name": "ann", "age": 3}, "x": 1}"#;
        let url = "https://api.example.com/users/7?page=2&sort=asc";
        assert!(r.matches(&call(Interface::Request, "POST", url, Some(body))));
        assert!(r.matches(&call(Interface::UploadFile, "POST", url, Some(body))));
        assert!(!r.matches(&call(Interface::Socket, "POST", url, Some(body))));
        assert!(!r.matches(&call(Interface::Request, "GET", url, Some(body))));
        assert!(!r.matches(&call(
            Interface::Request,
            "POST",
            "https://api.example.com/teams/7?page=2",
            Some(body)
        )));
        assert!(!r.matches(&call(
            Interface::Request,
            "POST",
            "https://api.example.com/users/7?page=3",
            Some(body)
        )));
        assert!(!r.matches(&call(
            Interface::Request,
            "POST",
            url,
            Some(br#"{"user": {"name": "bob"}}"#)
        )));
        assert!(!r.matches(&call(Interface::Request, "POST", url, None)));
    }

    #[test]
    fn text_predicates() {
        let equals =
            rule(json!({"url": "*", "body": {"equals": "a=1"}, "fail": "timeout"})).unwrap();
        assert!(equals.matches(&call(
            Interface::Request,
            "POST",
            "https://x/",
            Some(b"a=1")
        )));
        assert!(!equals.matches(&call(
            Interface::Request,
            "POST",
            "https://x/",
            Some(b"a=12")
        )));
        let contains =
            rule(json!({"url": "*", "body": {"contains": "=1"}, "fail": "timeout"})).unwrap();
        assert!(contains.matches(&call(
            Interface::Request,
            "POST",
            "https://x/",
            Some(b"a=12")
        )));
    }

    #[test]
    fn answers_fill_in_content_types() {
        let Rule { answer, .. } =
            rule(json!({"url": "*", "response": {"status": 201, "body": [1, 2], "delay": 5}}))
                .unwrap();
        let RuleAnswer::Respond(response) = answer else {
            panic!()
        };
        assert_eq!(response.status, 201);
        assert_eq!(&response.body[..], b"[1,2]");
        assert_eq!(response.delay, Duration::from_millis(5));
        assert_eq!(
            response.headers,
            [(
                "Content-Type".to_string(),
                "application/json; charset=utf-8".to_string()
            )]
        );
        let Rule { answer, .. } = rule(json!({"url": "*", "response": {"headers": {"content-type": "text/csv"}, "bodyBase64": "AAE="}})).unwrap();
        let RuleAnswer::Respond(response) = answer else {
            panic!()
        };
        assert_eq!(&response.body[..], [0, 1]);
        assert_eq!(
            response.headers,
            [("content-type".to_string(), "text/csv".to_string())]
        );
    }

    #[test]
    fn socket_scripts() {
        let Rule { answer, .. } = rule(json!({
            "api": "connectSocket",
            "url": "wss://*",
            "socket": {"messages": ["hi", {"base64": "AQI=", "delay": 10}, {"json": {"a": 1}}], "echo": true, "close": {"code": 4000, "reason": "bye"}}
        }))
        .unwrap();
        let RuleAnswer::Socket(script) = answer else {
            panic!()
        };
        assert_eq!(script.steps.len(), 3);
        assert!(script.echo);
        assert_eq!(script.close, Some((4000, "bye".into())));
    }

    #[test]
    fn errors_name_the_rule_and_key() {
        let cases = [
            (json!({"response": {}}), "`url`: is required"),
            (json!({"url": "*", "respond": {}}), "`respond`: unknown key"),
            (json!({"url": "*"}), "needs one of response, fail or socket"),
            (
                json!({"url": "*", "response": {}, "fail": "x"}),
                "only one of",
            ),
            (
                json!({"url": "*", "api": "fetch", "fail": "x"}),
                "\"fetch\" is not one of",
            ),
            (
                json!({"url": "*", "response": {"status": 42}}),
                "`response.status`",
            ),
            (
                json!({"url": "*", "response": {"bodyFile": "missing.json"}}),
                "cannot read",
            ),
            (
                json!({"url": "*", "socket": {}}),
                "need \"api\": \"connectSocket\"",
            ),
            (
                json!({"url": "*", "api": "connectSocket", "socket": {"close": {"code": 1006}}}),
                "`socket.close.code`",
            ),
            (
                json!({"url": "*", "body": {"like": "x"}, "fail": "x"}),
                "`body.like`",
            ),
        ];
        for (value, expected) in cases {
            let error = rule(value.clone()).unwrap_err().to_string();
            assert!(error.starts_with("mocks.json: rule 0"), "{error}");
            assert!(error.contains(expected), "{value}: {error}");
        }
    }
    #[test]
    fn cloud_function_rules_match_name_and_data() {
        let login = rule(json!({"cloudFunction": "log*", "data": {"user": {"id": 1}},
            "response": {"result": {"openid": "o-1"}, "delay": 5}}))
        .unwrap();
        assert!(login.matches_cloud_function("login", &json!({"user": {"id": 1, "x": 2}})));
        assert!(!login.matches_cloud_function("login", &json!({"user": {"id": 2}})));
        assert!(!login.matches_cloud_function("sum", &json!({"user": {"id": 1}})));
        let RuleAnswer::CloudResult { result, delay } = &login.answer else {
            panic!("{:?}", login.answer)
        };
        assert_eq!(result, &json!({"openid": "o-1"}));
        assert_eq!(*delay, Duration::from_millis(5));
        // A cloud rule never answers the network, nor a URL rule a cloud function.
        assert!(!login.matches(&call(
            Interface::Request,
            "GET",
            "https://a.test/login",
            None
        )));
        let url = rule(json!({"url": "*", "fail": "x"})).unwrap();
        assert!(!url.matches_cloud_function("login", &json!({})));
        let failing = rule(json!({"cloudFunction": "pay", "fail": "boom"})).unwrap();
        assert!(failing.matches_cloud_function("pay", &Value::Null));
        assert!(matches!(failing.answer, RuleAnswer::Fail(ref reason) if reason == "boom"));
    }

    #[test]
    fn cloud_function_rule_errors_name_the_key() {
        let cases = [
            (json!({"cloudFunction": ""}), "`cloudFunction`: must be"),
            (json!({"cloudFunction": "a"}), "needs response"),
            (
                json!({"cloudFunction": "a", "url": "*", "fail": "x"}),
                "`url`: unknown key; a cloud function rule takes",
            ),
            (
                json!({"cloudFunction": "a", "response": {"body": 1}}),
                "`response.body`",
            ),
            (
                json!({"cloudFunction": "a", "response": {"delay": -1}}),
                "`response.delay`",
            ),
            (
                json!({"cloudFunction": "a", "response": {}, "fail": "x"}),
                "only one of",
            ),
        ];
        for (value, expected) in cases {
            let error = rule(value.clone()).unwrap_err().to_string();
            assert!(error.contains(expected), "{value}: {error}");
        }
    }
}
