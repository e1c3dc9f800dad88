//! The errMsg/errno catalogue: every failure wxrun reports, with the reason text and errno
//! that phones give, so that scripts can match on them.

use std::fmt;

/// errno of parameter type errors.
pub const ERRNO_PARAMETER: u32 = 1001;

/// A failure of a network or file operation, independent of the API that reports it. The
/// errMsg is `"<api>:fail <reason>"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    // Transport (table 4.7 of the spec); the same texts appear in WebSocket `onError`.
    Timeout,
    Abort,
    NameNotResolved,
    ConnectionRefused,
    ConnectionReset,
    ConnectionClosed,
    EmptyResponse,
    IncompleteChunkedEncoding,
    ConnectionFailed,
    AddressUnreachable,
    CertAuthorityInvalid,
    CertCommonNameInvalid,
    CertDateInvalid,
    CertInvalid,
    SslVersionOrCipherMismatch,
    SslProtocolError,
    InvalidHttpResponse,
    ContentDecodingFailed,
    TooManyRedirects,
    UrlNotInDomainList,
    Interrupted,
    /// The device is offline (`wxrun.network.offline()`).
    InternetDisconnected,
    ExceedMaxTaskCount,
    /// A network failure with no more specific row.
    NetworkFailed,

    // Validation failures reported synchronously.
    InvalidUrl(String),
    IllegalHost(String),
    FailToStringifyData,
    DataShouldNotBeFunction,
    MethodInvalid,
    /// `parameter error: parameter.<field> should be <Type> instead of <Type>;`
    ParameterType {
        field: String,
        expected: String,
        found: String,
    },

    // Files and transfers.
    FileNotFound,
    PermissionDenied,
    ExceedMaxFileSize,
    /// A `request` or `uploadFile` response body larger than `limits.maxResponseSize`
    /// (counted as it arrives, compressed and decoded).
    ResponseTooLarge {
        limit: u64,
    },
    /// A free-form reason for failures that have no catalogue entry (file-system errors
    /// phrased as the platform phrases them, for example).
    Other {
        reason: String,
        errno: Option<u32>,
    },
}

impl Failure {
    /// The text after `"<api>:fail "`.
    pub fn reason(&self) -> String {
        let fixed = match self {
            Failure::Timeout => "timeout",
            Failure::Abort => "abort",
            Failure::NameNotResolved => "-105:net::ERR_NAME_NOT_RESOLVED",
            Failure::ConnectionRefused => "-102:net::ERR_CONNECTION_REFUSED",
            Failure::ConnectionReset => "-101:net::ERR_CONNECTION_RESET",
            Failure::ConnectionClosed => "-100:net::ERR_CONNECTION_CLOSED",
            Failure::EmptyResponse => "-324:net::ERR_EMPTY_RESPONSE",
            Failure::IncompleteChunkedEncoding => "-355:net::ERR_INCOMPLETE_CHUNKED_ENCODING",
            Failure::ConnectionFailed => "-104:net::ERR_CONNECTION_FAILED",
            Failure::AddressUnreachable => "-109:net::ERR_ADDRESS_UNREACHABLE",
            Failure::CertAuthorityInvalid => "-202:net::ERR_CERT_AUTHORITY_INVALID",
            Failure::CertCommonNameInvalid => "-200:net::ERR_CERT_COMMON_NAME_INVALID",
            Failure::CertDateInvalid => "-201:net::ERR_CERT_DATE_INVALID",
            Failure::CertInvalid => "-207:net::ERR_CERT_INVALID",
            Failure::SslVersionOrCipherMismatch => "-113:net::ERR_SSL_VERSION_OR_CIPHER_MISMATCH",
            Failure::SslProtocolError => "-107:net::ERR_SSL_PROTOCOL_ERROR",
            Failure::InvalidHttpResponse => "-370:net::ERR_INVALID_HTTP_RESPONSE",
            Failure::ContentDecodingFailed => "-330:net::ERR_CONTENT_DECODING_FAILED",
            Failure::TooManyRedirects => "-310:net::ERR_TOO_MANY_REDIRECTS",
            Failure::NetworkFailed => "-2:net::ERR_FAILED",
            Failure::UrlNotInDomainList => "url not in domain list",
            Failure::Interrupted => "interrupted",
            Failure::InternetDisconnected => "-106:net::ERR_INTERNET_DISCONNECTED",
            Failure::ExceedMaxTaskCount => "exceed max task count",
            Failure::InvalidUrl(url) => return format!("invalid url \"{url}\""),
            Failure::IllegalHost(host) => return format!("illegal host: {host}"),
            Failure::FailToStringifyData => "fail to stringify data",
            Failure::DataShouldNotBeFunction => "data should not be Function",
            Failure::MethodInvalid => "method is invalid",
            Failure::ParameterType {
                field,
                expected,
                found,
            } => {
                return format!(
                    "parameter error: parameter.{field} should be {expected} instead of {found};"
                );
            }
            Failure::FileNotFound => "file not found",
            Failure::PermissionDenied => "permission denied",
            Failure::ExceedMaxFileSize => "exceed max file size",
            Failure::ResponseTooLarge { limit } => {
                return format!(
                    "response too large: more than {limit} bytes (limits.maxResponseSize)"
                );
            }
            Failure::Other { reason, .. } => return reason.clone(),
        };
        fixed.to_string()
    }

    /// The numeric errno, where the platform defines one.
    pub fn errno(&self) -> Option<u32> {
        Some(match self {
            Failure::Timeout => 5,
            Failure::Abort => return None,
            Failure::UrlNotInDomainList => 600002,
            Failure::Interrupted => 600003,
            Failure::ExceedMaxTaskCount => 600007,
            Failure::TooManyRedirects => 600008,
            Failure::InvalidUrl(_) => 600009,
            Failure::FailToStringifyData | Failure::DataShouldNotBeFunction => 600010,
            Failure::IllegalHost(_) => 101,
            Failure::MethodInvalid => return None,
            Failure::ParameterType { .. } => ERRNO_PARAMETER,
            Failure::FileNotFound => 1300002,
            Failure::PermissionDenied => 603303,
            Failure::ExceedMaxFileSize => 603301,
            Failure::ResponseTooLarge { .. } => return None,
            Failure::Other { errno, .. } => return *errno,
            Failure::NameNotResolved
            | Failure::ConnectionRefused
            | Failure::ConnectionReset
            | Failure::ConnectionClosed
            | Failure::EmptyResponse
            | Failure::IncompleteChunkedEncoding
            | Failure::ConnectionFailed
            | Failure::AddressUnreachable
            | Failure::CertAuthorityInvalid
            | Failure::CertCommonNameInvalid
            | Failure::CertDateInvalid
            | Failure::CertInvalid
            | Failure::SslVersionOrCipherMismatch
            | Failure::SslProtocolError
            | Failure::InvalidHttpResponse
            | Failure::ContentDecodingFailed
            | Failure::NetworkFailed
            | Failure::InternetDisconnected => 600001,
        })
    }

    /// The full errMsg as reported by `api`.
    pub fn err_msg(&self, api: &str) -> String {
        format!("{api}:fail {}", self.reason())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_4_7_texts_and_errnos() {
        let rows = [
            (Failure::Timeout, "timeout", Some(5)),
            (Failure::Abort, "abort", None),
            (
                Failure::NameNotResolved,
                "-105:net::ERR_NAME_NOT_RESOLVED",
                Some(600001),
            ),
            (
                Failure::ConnectionRefused,
                "-102:net::ERR_CONNECTION_REFUSED",
                Some(600001),
            ),
            (
                Failure::ConnectionReset,
                "-101:net::ERR_CONNECTION_RESET",
                Some(600001),
            ),
            (
                Failure::ConnectionClosed,
                "-100:net::ERR_CONNECTION_CLOSED",
                Some(600001),
            ),
            (
                Failure::EmptyResponse,
                "-324:net::ERR_EMPTY_RESPONSE",
                Some(600001),
            ),
            (
                Failure::IncompleteChunkedEncoding,
                "-355:net::ERR_INCOMPLETE_CHUNKED_ENCODING",
                Some(600001),
            ),
            (
                Failure::CertAuthorityInvalid,
                "-202:net::ERR_CERT_AUTHORITY_INVALID",
                Some(600001),
            ),
            (
                Failure::CertCommonNameInvalid,
                "-200:net::ERR_CERT_COMMON_NAME_INVALID",
                Some(600001),
            ),
            (
                Failure::CertDateInvalid,
                "-201:net::ERR_CERT_DATE_INVALID",
                Some(600001),
            ),
            (
                Failure::SslVersionOrCipherMismatch,
                "-113:net::ERR_SSL_VERSION_OR_CIPHER_MISMATCH",
                Some(600001),
            ),
            (
                Failure::TooManyRedirects,
                "-310:net::ERR_TOO_MANY_REDIRECTS",
                Some(600008),
            ),
            (
                Failure::UrlNotInDomainList,
                "url not in domain list",
                Some(600002),
            ),
            (Failure::Interrupted, "interrupted", Some(600003)),
            (
                Failure::InternetDisconnected,
                "-106:net::ERR_INTERNET_DISCONNECTED",
                Some(600001),
            ),
        ];
        for (failure, reason, errno) in rows {
            assert_eq!(failure.reason(), reason);
            assert_eq!(failure.to_string(), reason, "Display is the reason");
            assert_eq!(failure.errno(), errno, "{reason}");
        }
    }

    #[test]
    fn err_msg_has_exactly_one_space() {
        assert_eq!(
            Failure::InvalidUrl("ftp://x".into()).err_msg("request"),
            "request:fail invalid url \"ftp://x\""
        );
        let param = Failure::ParameterType {
            field: "url".into(),
            expected: "String".into(),
            found: "Number".into(),
        };
        assert_eq!(
            param.err_msg("request"),
            "request:fail parameter error: parameter.url should be String instead of Number;"
        );
        assert_eq!(param.errno(), Some(1001));
    }
}
