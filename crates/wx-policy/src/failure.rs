//! The failures Rust code reports, as values: each names its entry of the errMsg/errno
//! catalogue ([`crate::catalogue`]), which holds the text and errno.

use std::fmt;

use crate::catalogue;
pub use crate::catalogue::ERRNO_PARAMETER;

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
    /// Any other entry of the catalogue, by key, with its details.
    Catalogued {
        key: &'static str,
        details: Vec<String>,
    },
    /// A reason that is not the platform's but the script's own (a scripted `fail`, an error
    /// a script threw) or the operating system's words.
    Other {
        reason: String,
        errno: Option<u32>,
    },
}

impl Failure {
    /// The catalogue key of this failure and the details its text takes.
    fn key(&self) -> (&'static str, Vec<&str>) {
        let key = match self {
            Failure::Timeout => "timeout",
            Failure::Abort => "abort",
            Failure::NameNotResolved => "nameNotResolved",
            Failure::ConnectionRefused => "connectionRefused",
            Failure::ConnectionReset => "connectionReset",
            Failure::ConnectionClosed => "connectionClosed",
            Failure::EmptyResponse => "emptyResponse",
            Failure::IncompleteChunkedEncoding => "incompleteChunkedEncoding",
            Failure::ConnectionFailed => "connectionFailed",
            Failure::AddressUnreachable => "addressUnreachable",
            Failure::CertAuthorityInvalid => "certAuthorityInvalid",
            Failure::CertCommonNameInvalid => "certCommonNameInvalid",
            Failure::CertDateInvalid => "certDateInvalid",
            Failure::CertInvalid => "certInvalid",
            Failure::SslVersionOrCipherMismatch => "sslVersionOrCipherMismatch",
            Failure::SslProtocolError => "sslProtocolError",
            Failure::InvalidHttpResponse => "invalidHttpResponse",
            Failure::ContentDecodingFailed => "contentDecodingFailed",
            Failure::TooManyRedirects => "tooManyRedirects",
            Failure::UrlNotInDomainList => "urlNotInDomainList",
            Failure::Interrupted => "interrupted",
            Failure::InternetDisconnected => "internetDisconnected",
            Failure::ExceedMaxTaskCount => "exceedMaxTaskCount",
            Failure::NetworkFailed => "networkFailed",
            Failure::InvalidUrl(url) => return ("invalidUrl", vec![url.as_str()]),
            Failure::IllegalHost(host) => return ("illegalHost", vec![host.as_str()]),
            Failure::FailToStringifyData => "failToStringifyData",
            Failure::DataShouldNotBeFunction => "dataShouldNotBeFunction",
            Failure::MethodInvalid => "methodInvalid",
            Failure::ParameterType {
                field,
                expected,
                found,
            } => {
                return (
                    "parameterType",
                    vec![field.as_str(), expected.as_str(), found.as_str()],
                );
            }
            Failure::FileNotFound => "fileNotFound",
            Failure::PermissionDenied => "permissionDenied",
            Failure::ExceedMaxFileSize => "exceedMaxFileSize",
            Failure::ResponseTooLarge { .. } => "responseTooLarge",
            Failure::Catalogued { key, details } => {
                return (key, details.iter().map(String::as_str).collect());
            }
            Failure::Other { .. } => "",
        };
        (key, Vec::new())
    }

    /// The text after `"<api>:fail "`.
    pub fn reason(&self) -> String {
        match self {
            Failure::Other { reason, .. } => reason.clone(),
            Failure::ResponseTooLarge { limit } => {
                catalogue::known("responseTooLarge").reason(&[&limit.to_string()])
            }
            _ => {
                let (key, details) = self.key();
                catalogue::known(key).reason(&details)
            }
        }
    }

    /// The numeric errno, where the platform defines one.
    pub fn errno(&self) -> Option<u32> {
        match self {
            Failure::Other { errno, .. } => *errno,
            _ => catalogue::known(self.key().0).errno,
        }
    }

    /// The `errCode` of a TCPSocket error, where the entry has one.
    pub fn err_code(&self) -> Option<i32> {
        match self {
            Failure::Other { .. } => None,
            _ => catalogue::known(self.key().0).err_code,
        }
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
    fn only_tcp_failures_carry_an_err_code() {
        let refused = Failure::Catalogued {
            key: "tcpConnectFailed",
            details: vec!["111".into(), "Connection refused".into()],
        };
        assert_eq!(refused.err_code(), Some(-4));
        assert_eq!(
            refused.err_msg("connect"),
            "connect:fail errno:111 errmsg:Connection refused"
        );
        assert_eq!(refused.errno(), None);
        assert_eq!(Failure::Timeout.err_code(), None);
        let other = Failure::Other {
            reason: "scripted".into(),
            errno: None,
        };
        assert_eq!(other.err_code(), None);
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

    /// Failures whose text is not a fixed entry: the response limit names the limit, and a
    /// script's or the system's own reason is kept with its errno.
    #[test]
    fn texts_with_their_own_words() {
        let too_large = Failure::ResponseTooLarge { limit: 1024 };
        assert_eq!(
            too_large.err_msg("request"),
            "request:fail response too large: more than 1024 bytes (limits.maxResponseSize)"
        );
        let other = Failure::Other {
            reason: "scripted reason".into(),
            errno: Some(42),
        };
        assert_eq!(other.err_msg("request"), "request:fail scripted reason");
        assert_eq!(other.errno(), Some(42));
    }
}
