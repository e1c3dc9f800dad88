//! What wxrun never writes down: credentials. One [`Redactor`] serves every place wxrun
//! writes what a script did: HAR recordings (and replay, which redacts live calls the same way
//! before comparing), `--trace`, conformance warnings, and error output.
//!
//! A name is secret when it is `code`, `js_code`, `sign`, `signature`, `sig`, `pwd` or
//! `ticket`, or contains `token`, `secret`, `password`, `passwd`, `session_key`,
//! `sessionkey`, `authorization` or `api_key` (any case, `-` read as `_`), or is one of the
//! names `redact` in wxrun.json adds. Secret values are replaced with [`REDACTED`] in query
//! strings and fragments, URL passwords, headers named so (and `Authorization`,
//! `Proxy-Authorization`), cookie values (names and attributes stay, so a replayed
//! `Set-Cookie` still sets the same cookie), JSON and form bodies, WebSocket messages, and
//! free text; and a value once found secret is replaced wherever it is echoed, spelled as is
//! or percent-encoded.

use std::borrow::Cow;

use serde_json::Value;
use url::Url;

/// The value written in place of a secret.
pub const REDACTED: &str = "REDACTED";

/// Secret when the name is exactly one of these.
const EXACT: [&str; 7] = [
    "code",
    "js_code",
    "sign",
    "signature",
    "sig",
    "pwd",
    "ticket",
];
/// Secret when the name contains one of these.
const CONTAINS: [&str; 8] = [
    "token",
    "secret",
    "password",
    "passwd",
    "session_key",
    "sessionkey",
    "authorization",
    "api_key",
];
/// Headers that carry credentials whatever they are called.
const CREDENTIAL_HEADERS: [&str; 4] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];
/// Values shorter than this are not chased through other text: replacing them would mangle
/// unrelated words.
const MIN_ECHO: usize = 4;
/// URL schemes whose URLs are redacted inside free text.
const SCHEMES: [&str; 4] = ["https://", "http://", "wss://", "ws://"];

/// The redaction of one run: the built-in secret names plus those of `redact` in wxrun.json.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    extra: Vec<String>,
}

fn normal(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace('-', "_")
}

/// A query-string component as its name reads, `+` and percent-escapes undone.
fn decoded(component: &str) -> String {
    url::form_urlencoded::parse(format!("{component}=").as_bytes())
        .next()
        .map(|(name, _)| name.into_owned())
        .unwrap_or_default()
}

/// Where a URL inside free text ends: at white space or a quote, less trailing punctuation.
fn url_end(text: &str) -> usize {
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
        .unwrap_or(text.len());
    text[..end]
        .trim_end_matches([')', ']', '}', ',', '.', ';'])
        .len()
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

impl Redactor {
    /// With `extra` names (from `redact` in wxrun.json) treated as secret too.
    pub fn new<S: AsRef<str>>(extra: impl IntoIterator<Item = S>) -> Redactor {
        Redactor {
            extra: extra
                .into_iter()
                .map(|name| normal(name.as_ref()))
                .collect(),
        }
    }

    /// Whether a parameter, field or key of this name holds a secret.
    pub fn is_secret_name(&self, name: &str) -> bool {
        let name = normal(name);
        !name.is_empty()
            && (EXACT.contains(&name.as_str())
                || CONTAINS.iter().any(|part| name.contains(part))
                || self.extra.contains(&name))
    }

    /// Whether a header of this name holds a credential.
    pub fn is_secret_header(&self, name: &str) -> bool {
        CREDENTIAL_HEADERS
            .iter()
            .any(|secret| name.trim().eq_ignore_ascii_case(secret))
            || self.is_secret_name(name)
    }

    /// `a=1&code=x` with the values of secret names replaced, spelling kept; `None` when
    /// nothing in it is secret. A value that is itself a URL or a query (a redirect target
    /// passed along, `?next=%2Fcb%3Fcode%3D1`) is redacted inside and encoded again.
    fn pairs(&self, text: &str) -> Option<String> {
        let mut changed = false;
        let pieces: Vec<String> = text
            .split('&')
            .map(|piece| match piece.split_once('=') {
                Some((name, value)) if value != REDACTED && self.is_secret_name(&decoded(name)) => {
                    changed = true;
                    format!("{name}={REDACTED}")
                }
                Some((name, value)) => match self.nested(&decoded(value)) {
                    Some(inner) => {
                        changed = true;
                        let encoded: String =
                            url::form_urlencoded::byte_serialize(inner.as_bytes()).collect();
                        format!("{name}={encoded}")
                    }
                    None => piece.to_string(),
                },
                None => piece.to_string(),
            })
            .collect();
        changed.then(|| pieces.join("&"))
    }

    /// A parameter's value redacted as the URL or query it holds; `None` when it holds none
    /// or nothing in it is secret.
    fn nested(&self, value: &str) -> Option<String> {
        let redacted = if value.contains('?') || value.contains('#') || value.contains("://") {
            self.url(value)
        } else if value.contains('=') {
            self.pairs(value)?
        } else {
            return None;
        };
        (redacted != value).then_some(redacted)
    }

    /// A URL with its password and the values of secret query and fragment parameters
    /// replaced. Anything else keeps its spelling; text that is not a URL comes back as is.
    pub fn url(&self, url: &str) -> String {
        let Ok(mut parsed) = Url::parse(url) else {
            return self.relative_url(url);
        };
        let mut changed = false;
        if parsed
            .password()
            .is_some_and(|password| password != REDACTED)
        {
            changed |= parsed.set_password(Some(REDACTED)).is_ok();
        }
        if let Some(query) = parsed.query().and_then(|query| self.pairs(query)) {
            parsed.set_query(Some(&query));
            changed = true;
        }
        if let Some(fragment) = parsed.fragment().and_then(|fragment| self.pairs(fragment)) {
            parsed.set_fragment(Some(&fragment));
            changed = true;
        }
        if changed {
            parsed.to_string()
        } else {
            url.to_string()
        }
    }

    /// A relative URL (a redirect's `Location: /next?code=1`): its query and fragment.
    fn relative_url(&self, url: &str) -> String {
        let (before_fragment, fragment) = match url.split_once('#') {
            Some((before, fragment)) => (before, Some(fragment)),
            None => (url, None),
        };
        let mut out = match before_fragment.split_once('?') {
            Some((path, query)) => format!(
                "{path}?{}",
                self.pairs(query).unwrap_or_else(|| query.to_string())
            ),
            None => before_fragment.to_string(),
        };
        if let Some(fragment) = fragment {
            out.push('#');
            out.push_str(&self.pairs(fragment).unwrap_or_else(|| fragment.to_string()));
        }
        out
    }

    /// A header's value as a recording keeps it.
    pub fn header_value(&self, name: &str, value: &str) -> String {
        let lower = name.trim().to_ascii_lowercase();
        match lower.as_str() {
            // The cookie's name and attributes stay: a replay sets the same cookie.
            "set-cookie" => match value.split_once(';') {
                Some((pair, attributes)) => format!("{};{attributes}", redact_cookie(pair)),
                None => redact_cookie(value),
            },
            "cookie" => value
                .split(';')
                .map(|pair| redact_cookie(pair.trim()))
                .collect::<Vec<_>>()
                .join("; "),
            "location" | "content-location" => self.url(value),
            _ if self.is_secret_header(name) => REDACTED.to_string(),
            _ => value.to_string(),
        }
    }

    /// `headers` as a recording keeps them.
    pub fn headers(&self, headers: &[(String, String)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(name, value)| (name.clone(), self.header_value(name, value)))
            .collect()
    }

    /// Free text (a trace line, a warning, an error): every URL in it redacted, and
    /// `name=value`, `"name": "value"` and `name: 'value'` of secret names.
    pub fn text(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = find_scheme(rest) {
            out.push_str(&self.named_values(&rest[..start]));
            let tail = &rest[start..];
            let end = url_end(tail);
            out.push_str(&self.url(&tail[..end]));
            rest = &tail[end..];
        }
        out.push_str(&self.named_values(rest));
        out
    }

    /// `name=value`, `"name": "value"` and `name: 'value'` with secret names, in text that
    /// holds no URL.
    fn named_values(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut index = 0;
        let bytes = text.as_bytes();
        while index < text.len() {
            let c = text[index..].chars().next().unwrap_or_default();
            let starts_word = is_word(c)
                && (index == 0 || !text[..index].chars().next_back().is_some_and(is_word));
            if !starts_word {
                out.push(c);
                index += c.len_utf8();
                continue;
            }
            let name_end = index
                + text[index..]
                    .find(|c: char| !is_word(c))
                    .unwrap_or(text.len() - index);
            let name = &text[index..name_end];
            let after_unexpected = text[..index].ends_with("unexpected ");
            out.push_str(name);
            index = name_end;
            // "unexpected token: 'x'" is how QuickJS's parsers name what they could not read
            // (JSON.parse(undefined) says it): a token of source text, never a credential.
            if !self.is_secret_name(name) || after_unexpected {
                continue;
            }
            // After the name: a closing quote, spaces, then `=` or `:`, spaces, the value.
            let mut cursor = index;
            if matches!(bytes.get(cursor), Some(b'"' | b'\'')) {
                cursor += 1;
            }
            while bytes.get(cursor) == Some(&b' ') {
                cursor += 1;
            }
            if !matches!(bytes.get(cursor), Some(b'=' | b':')) {
                continue;
            }
            cursor += 1;
            while bytes.get(cursor) == Some(&b' ') {
                cursor += 1;
            }
            let value_end = match bytes.get(cursor) {
                Some(quote @ (b'"' | b'\'')) => {
                    let body = cursor + 1;
                    let close = text[body..]
                        .find(char::from(*quote))
                        .map_or(text.len(), |at| body + at);
                    out.push_str(&text[index..body]);
                    out.push_str(REDACTED);
                    index = close;
                    continue;
                }
                Some(_) => {
                    cursor
                        + text[cursor..]
                            .find(|c: char| {
                                c.is_whitespace() || matches!(c, '&' | ';' | ',' | '}' | ']' | ')')
                            })
                            .unwrap_or(text.len() - cursor)
                }
                None => continue,
            };
            if value_end > cursor {
                out.push_str(&text[index..cursor]);
                out.push_str(REDACTED);
                index = value_end;
            }
        }
        out
    }

    /// Replaces the string values of secret keys in JSON (a number under `code` is a status,
    /// not a credential); true when something changed.
    fn json(&self, value: &mut Value) -> bool {
        match value {
            Value::Object(object) => {
                let mut changed = false;
                for (key, item) in object.iter_mut() {
                    if self.is_secret_name(key)
                        && matches!(item, Value::String(text) if text != REDACTED)
                    {
                        *item = Value::String(REDACTED.into());
                        changed = true;
                    } else {
                        changed |= self.json(item);
                    }
                }
                changed
            }
            Value::Array(items) => items
                .iter_mut()
                .fold(false, |changed, item| self.json(item) | changed),
            _ => false,
        }
    }

    /// A JSON or form body with the values of secret keys replaced; other bodies as they are.
    pub fn body<'a>(&self, body: &'a [u8]) -> Cow<'a, [u8]> {
        if let Ok(mut value) = serde_json::from_slice::<Value>(body)
            && value.is_object() | value.is_array()
        {
            if self.json(&mut value) {
                return Cow::Owned(serde_json::to_vec(&value).unwrap_or_default());
            }
            return Cow::Borrowed(body);
        }
        if let Ok(text) = std::str::from_utf8(body)
            && text.contains('=')
            && !text.contains(char::is_whitespace)
            && let Some(form) = self.pairs(text)
        {
            return Cow::Owned(form.into_bytes());
        }
        Cow::Borrowed(body)
    }

    /// The secret values a request carries (in its URL, headers and body), to chase wherever
    /// they are echoed.
    pub fn secrets(&self, url: &str, headers: &[(String, String)], body: Option<&[u8]>) -> Secrets {
        let mut values: Vec<String> = Vec::new();
        if let Ok(parsed) = Url::parse(url) {
            if let Some(password) = parsed.password() {
                values.push(decoded(password));
            }
            for part in [parsed.query(), parsed.fragment()].into_iter().flatten() {
                for (name, value) in part.split('&').filter_map(|piece| piece.split_once('=')) {
                    if self.is_secret_name(&decoded(name)) {
                        // As written, and as the server reads it.
                        values.push(value.to_string());
                        values.push(decoded(value));
                    }
                }
            }
        }
        for (name, value) in headers {
            let lower = name.to_ascii_lowercase();
            if lower == "cookie" || lower == "set-cookie" {
                let pairs = value
                    .split(';')
                    .take(if lower == "cookie" { usize::MAX } else { 1 });
                values
                    .extend(pairs.filter_map(|pair| {
                        pair.split_once('=').map(|(_, v)| v.trim().to_string())
                    }));
            } else if self.is_secret_header(name) {
                values.push(value.clone());
                if let Some((_, credential)) = value.split_once(' ') {
                    values.push(credential.to_string());
                }
            }
        }
        if let Some(Ok(mut json)) = body.map(serde_json::from_slice::<Value>) {
            self.collect_json(&mut json, &mut values);
        }
        Secrets::of(values)
    }

    fn collect_json(&self, value: &mut Value, into: &mut Vec<String>) {
        match value {
            Value::Object(object) => {
                for (key, item) in object.iter_mut() {
                    match item {
                        Value::String(text) if self.is_secret_name(key) => into.push(text.clone()),
                        other => self.collect_json(other, into),
                    }
                }
            }
            Value::Array(items) => items
                .iter_mut()
                .for_each(|item| self.collect_json(item, into)),
            _ => {}
        }
    }

    /// A request body as a recording keeps it: secret keys replaced, and the request's other
    /// secrets wherever they appear in it. Replay compares live bodies through this too.
    pub fn request_body(&self, url: &str, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
        let secrets = self.secrets(url, headers, Some(body));
        let keyed = self.body(body);
        match std::str::from_utf8(&keyed) {
            Ok(text) => secrets.scrub(text).into_bytes(),
            Err(_) => keyed.into_owned(),
        }
    }
}

fn redact_cookie(pair: &str) -> String {
    match pair.split_once('=') {
        Some((name, value)) if value.trim() != REDACTED => format!("{name}={REDACTED}"),
        Some(_) => pair.to_string(),
        None if pair.trim().is_empty() => pair.to_string(),
        None => REDACTED.to_string(),
    }
}

/// The first URL scheme in `text` (any case), if any.
fn find_scheme(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    SCHEMES.iter().filter_map(|scheme| lower.find(scheme)).min()
}

/// Secret values, longest first, with the spellings they take in URLs and forms.
#[derive(Clone, Debug, Default)]
pub struct Secrets(Vec<String>);

impl Secrets {
    fn of(values: Vec<String>) -> Secrets {
        let mut all = Vec::new();
        for value in values {
            if value.len() < MIN_ECHO || value == REDACTED {
                continue;
            }
            let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
            let percent = encoded.replace('+', "%20");
            all.extend([value, encoded, percent]);
        }
        // Longest first, so that a whole value goes before a part of it.
        all.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
        all.dedup();
        Secrets(all)
    }

    /// `text` with every secret replaced.
    pub fn scrub(&self, text: &str) -> String {
        let mut text = text.to_string();
        for secret in &self.0 {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), REDACTED);
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor() -> Redactor {
        Redactor::new(["x-house-key", "member"])
    }

    #[test]
    fn secret_names() {
        let r = redactor();
        for name in [
            "code",
            "js_code",
            "JS_CODE",
            "session_key",
            "sessionKey",
            "password",
            "new_password",
            "sign",
            "signature",
            "access_token",
            "refreshToken",
            "client_secret",
            "X-Auth-Token",
            "Token",
            "x-api-key",
            "X-House-Key",
            "member",
        ] {
            assert!(r.is_secret_name(name), "{name}");
        }
        for name in ["page", "codec", "q", "designer", "key", "id", ""] {
            assert!(!r.is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn urls_lose_secret_parameters_fragments_and_passwords_but_keep_their_spelling() {
        let r = redactor();
        assert_eq!(
            r.url("https://a.example.com/login?code=0a1&page=2&access_token=xyz"),
            "https://a.example.com/login?code=REDACTED&page=2&access_token=REDACTED"
        );
        assert_eq!(
            r.url("https://user:pa55@a.example.com/cb?q=a%20b+c&js_code=1#access_token=t&state=s"),
            "https://user:REDACTED@a.example.com/cb?q=a%20b+c&js_code=REDACTED#access_token=REDACTED&state=s"
        );
        assert_eq!(
            r.url("https://a.example.com/x?q=a%20b"),
            "https://a.example.com/x?q=a%20b"
        );
        assert_eq!(
            r.url("https://a.example.com/x?%63ode=1"),
            "https://a.example.com/x?%63ode=REDACTED"
        );
        assert_eq!(r.url("not a url"), "not a url");
        assert_eq!(
            r.url(
                "https://a.example.com/redirect-to?url=%2Fecho%3Fcode%3DC0DE%23access_token%3DF&x=1"
            ),
            "https://a.example.com/redirect-to?url=%2Fecho%3Fcode%3DREDACTED%23access_token%3DREDACTED&x=1"
        );
        // A URL with a password passed along as a parameter (seen while fuzzing).
        assert_eq!(
            r.url("https://a.example.com/?next=https%3A%2F%2Fuser%3Apw99%40b.example.com%2F"),
            "https://a.example.com/?next=https%3A%2F%2Fuser%3AREDACTED%40b.example.com%2F"
        );
    }

    #[test]
    fn headers_keep_cookie_names_and_attributes() {
        let r = redactor();
        let headers = vec![
            ("Authorization".to_string(), "Bearer abc".to_string()),
            ("cookie".to_string(), "sid=1; theme=dark".to_string()),
            (
                "Set-Cookie".to_string(),
                "sid=2; Path=/; HttpOnly".to_string(),
            ),
            ("X-Auth-Token".to_string(), "t0k3n".to_string()),
            (
                "Location".to_string(),
                "/next?code=9#access_token=8".to_string(),
            ),
            ("X-Trace".to_string(), "7".to_string()),
        ];
        let values: Vec<String> = r.headers(&headers).into_iter().map(|(_, v)| v).collect();
        assert_eq!(
            values,
            [
                "REDACTED",
                "sid=REDACTED; theme=REDACTED",
                "sid=REDACTED; Path=/; HttpOnly",
                "REDACTED",
                "/next?code=REDACTED#access_token=REDACTED",
                "7"
            ]
        );
        assert_eq!(
            r.header_value(
                "location",
                "https://a.example.com/next?code=9#access_token=8"
            ),
            "https://a.example.com/next?code=REDACTED#access_token=REDACTED"
        );
    }

    #[test]
    fn free_text_loses_urls_and_named_values() {
        let r = redactor();
        assert_eq!(
            r.text("request GET https://u:pw@a.example.com/x?access_token=abc&p=1 -> 200"),
            "request GET https://u:REDACTED@a.example.com/x?access_token=REDACTED&p=1 -> 200"
        );
        assert_eq!(
            r.text("(see https://a.example.com/?code=1).  {\"password\": \"hunter2\", \"user\": \"ann\"}"),
            "(see https://a.example.com/?code=REDACTED).  {\"password\": \"REDACTED\", \"user\": \"ann\"}"
        );
        assert_eq!(
            r.text("{ sign: 'abc', page: 2 } member=7&x=1"),
            "{ sign: 'REDACTED', page: 2 } member=REDACTED&x=1"
        );
        assert_eq!(r.text("codec=h264 secretary"), "codec=h264 secretary");
        // A parser's message names a token of source text, not a credential.
        assert_eq!(
            r.text("SyntaxError: unexpected token: 'undefined'"),
            "SyntaxError: unexpected token: 'undefined'"
        );
        assert_eq!(r.text("bad token: 'abc'"), "bad token: 'REDACTED'");
    }

    #[test]
    fn bodies_lose_secret_keys_and_echoed_values() {
        let r = redactor();
        assert_eq!(
            r.body(br#"{"code":"abc","user":{"session_key":"k","name":"n"},"list":[{"token":"t"}],"status":{"code":0}}"#).as_ref(),
            br#"{"code":"REDACTED","user":{"session_key":"REDACTED","name":"n"},"list":[{"token":"REDACTED"}],"status":{"code":0}}"#
        );
        assert_eq!(
            r.body(b"user=ann&password=x").as_ref(),
            b"user=ann&password=REDACTED"
        );
        assert_eq!(r.body(b"plain text = here").as_ref(), b"plain text = here");
        let headers = vec![("Cookie".to_string(), "sid=c00k1e".to_string())];
        let secrets = r.secrets("https://a.example.com/?access_token=a/b+c", &headers, None);
        assert_eq!(
            secrets.scrub("t=a/b+c e=a%2Fb%2Bc cookie=c00k1e"),
            "t=REDACTED e=REDACTED cookie=REDACTED"
        );
    }
}
