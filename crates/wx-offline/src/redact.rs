//! What a recording must not keep: credentials in headers and in the query string.
//! Replay applies the same redaction to live calls before comparing, so a redacted
//! recording still matches.

use url::Url;

/// The value written in place of a secret.
pub const REDACTED: &str = "REDACTED";

/// Headers whose values are credentials.
pub fn is_secret_header(name: &str) -> bool {
    [
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
    ]
    .iter()
    .any(|secret| name.eq_ignore_ascii_case(secret))
}

/// Query parameters named like a credential: `code`, or anything containing `token` or
/// `secret` (`access_token`, `refresh_token`, `client_secret`, ...).
pub fn is_secret_parameter(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "code" || lower.contains("token") || lower.contains("secret")
}

/// `url` with the values of secret query parameters replaced. A URL that does not parse is
/// returned as it is.
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = Url::parse(url) else {
        return url.to_string();
    };
    if parsed.query().is_none() {
        return url.to_string();
    }
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(name, value)| {
            let value = if is_secret_parameter(&name) {
                REDACTED.to_string()
            } else {
                value.into_owned()
            };
            (name.into_owned(), value)
        })
        .collect();
    if !pairs.iter().any(|(name, _)| is_secret_parameter(name)) {
        return url.to_string();
    }
    parsed.query_pairs_mut().clear().extend_pairs(pairs);
    parsed.to_string()
}

/// `headers` with secret values replaced.
pub fn redact_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = if is_secret_header(name) {
                REDACTED.to_string()
            } else {
                value.clone()
            };
            (name.clone(), value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_parameters_are_replaced_and_others_kept() {
        assert_eq!(
            redact_url("https://a.example.com/login?code=0a1&page=2&access_token=xyz"),
            "https://a.example.com/login?code=REDACTED&page=2&access_token=REDACTED"
        );
        assert_eq!(
            redact_url("https://a.example.com/x?client_secret=s&refreshToken=t"),
            "https://a.example.com/x?client_secret=REDACTED&refreshToken=REDACTED"
        );
        // Untouched URLs keep their exact spelling.
        assert_eq!(
            redact_url("https://a.example.com/x?q=a%20b"),
            "https://a.example.com/x?q=a%20b"
        );
        assert_eq!(redact_url("not a url"), "not a url");
    }

    #[test]
    fn credential_headers_are_replaced() {
        let headers = vec![
            ("Authorization".to_string(), "Bearer abc".to_string()),
            ("cookie".to_string(), "sid=1".to_string()),
            ("Set-Cookie".to_string(), "sid=2".to_string()),
            ("X-Trace".to_string(), "7".to_string()),
        ];
        let values: Vec<String> = redact_headers(&headers)
            .into_iter()
            .map(|(_, value)| value)
            .collect();
        assert_eq!(values, ["REDACTED", "REDACTED", "REDACTED", "7"]);
    }
}
