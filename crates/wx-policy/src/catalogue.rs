//! The errMsg/errno catalogue: every failure text wxrun reports after `"<api>:fail "`, with the
//! errno phones give (and the `errCode` of the device families that report one), each written
//! once, by key. `{}` marks where a call's details go (a URL, a path, a count), filled in order.
//! A text that starts with `:` follows `"<api>:fail"` without the space, as the Bluetooth
//! family words its failures (`openBluetoothAdapter:fail:not available`).
//!
//! Rust reports these through [`crate::Failure`] (and wx-net's file errors, and storage's); the
//! JavaScript layers ask by key (`core.fail(api, key, ...details)` over the `failure` native),
//! so no text or errno is spelled anywhere else. A test of wx-api checks that every key the
//! layers name is here. TCPSocket's errors also carry the `errCode` of the platform's table.

/// One failure as the platform words it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: &'static str,
    /// The reason after `"<api>:fail "`, with `{}` for each detail.
    pub text: &'static str,
    pub errno: Option<u32>,
    /// The `errCode` field of the fail result (Bluetooth, Wi-Fi, NFC, iBeacon, ...) or of
    /// TCPSocket's `onError` (-1 system error, -2 socket error, -3 no permission, -4 connect
    /// failed, 1 address, 2 port, 3..6 bindWifi).
    pub err_code: Option<i32>,
}

const fn entry(key: &'static str, text: &'static str, errno: Option<u32>) -> Entry {
    Entry {
        key,
        text,
        errno,
        err_code: None,
    }
}

/// An entry whose fail result also carries an `errCode`.
const fn coded(key: &'static str, text: &'static str, errno: Option<u32>, err_code: i32) -> Entry {
    Entry {
        key,
        text,
        errno,
        err_code: Some(err_code),
    }
}

/// errno of parameter type errors.
pub const ERRNO_PARAMETER: u32 = 1001;
/// errno of the transport failures of table 4.7.
const NET: Option<u32> = Some(600001);
/// errno of file-system failures that name no more specific one.
const FS_SYSTEM: Option<u32> = Some(1300201);
/// errno of file-system permission failures.
const FS_PERMISSION: Option<u32> = Some(1300013);

/// Every entry. Keys are unique (a unit test checks).
pub const ENTRIES: &[Entry] = &[
    // Transport (table 4.7 of the spec); the same texts appear in WebSocket `onError`.
    entry("timeout", "timeout", Some(5)),
    entry("abort", "abort", None),
    entry("nameNotResolved", "-105:net::ERR_NAME_NOT_RESOLVED", NET),
    entry("connectionRefused", "-102:net::ERR_CONNECTION_REFUSED", NET),
    entry("connectionReset", "-101:net::ERR_CONNECTION_RESET", NET),
    entry("connectionClosed", "-100:net::ERR_CONNECTION_CLOSED", NET),
    entry("emptyResponse", "-324:net::ERR_EMPTY_RESPONSE", NET),
    entry(
        "incompleteChunkedEncoding",
        "-355:net::ERR_INCOMPLETE_CHUNKED_ENCODING",
        NET,
    ),
    entry("connectionFailed", "-104:net::ERR_CONNECTION_FAILED", NET),
    entry(
        "addressUnreachable",
        "-109:net::ERR_ADDRESS_UNREACHABLE",
        NET,
    ),
    entry(
        "certAuthorityInvalid",
        "-202:net::ERR_CERT_AUTHORITY_INVALID",
        NET,
    ),
    entry(
        "certCommonNameInvalid",
        "-200:net::ERR_CERT_COMMON_NAME_INVALID",
        NET,
    ),
    entry("certDateInvalid", "-201:net::ERR_CERT_DATE_INVALID", NET),
    entry("certInvalid", "-207:net::ERR_CERT_INVALID", NET),
    entry(
        "sslVersionOrCipherMismatch",
        "-113:net::ERR_SSL_VERSION_OR_CIPHER_MISMATCH",
        NET,
    ),
    entry("sslProtocolError", "-107:net::ERR_SSL_PROTOCOL_ERROR", NET),
    entry(
        "invalidHttpResponse",
        "-370:net::ERR_INVALID_HTTP_RESPONSE",
        NET,
    ),
    entry(
        "contentDecodingFailed",
        "-330:net::ERR_CONTENT_DECODING_FAILED",
        NET,
    ),
    entry(
        "tooManyRedirects",
        "-310:net::ERR_TOO_MANY_REDIRECTS",
        Some(600008),
    ),
    entry("networkFailed", "-2:net::ERR_FAILED", NET),
    entry(
        "internetDisconnected",
        "-106:net::ERR_INTERNET_DISCONNECTED",
        NET,
    ),
    entry("urlNotInDomainList", "url not in domain list", Some(600002)),
    entry("interrupted", "interrupted", Some(600003)),
    entry("exceedMaxTaskCount", "exceed max task count", Some(600007)),
    // Validation, reported synchronously.
    entry("invalidUrl", "invalid url \"{}\"", Some(600009)),
    entry("illegalHost", "illegal host: {}", Some(101)),
    entry(
        "failToStringifyData",
        "fail to stringify data",
        Some(600010),
    ),
    entry(
        "dataShouldNotBeFunction",
        "data should not be Function",
        Some(600010),
    ),
    entry("methodInvalid", "method is invalid", None),
    entry(
        "parameterType",
        "parameter error: parameter.{} should be {} instead of {};",
        Some(ERRNO_PARAMETER),
    ),
    // Transfers.
    entry("fileNotFound", "file not found", Some(1300002)),
    entry("permissionDenied", "permission denied", Some(603303)),
    entry("exceedMaxFileSize", "exceed max file size", Some(603301)),
    entry(
        "responseTooLarge",
        "response too large: more than {} bytes (limits.maxResponseSize)",
        None,
    ),
    entry("downloadFileIo", "cannot {} the file: {}", FS_SYSTEM),
    // The file system (FileSystemManager, saved files): the operation, then the path.
    entry(
        "fsNotFound",
        "no such file or directory, {} {}",
        Some(1300002),
    ),
    entry(
        "fsPermissionDenied",
        "permission denied, {} {}",
        FS_PERMISSION,
    ),
    entry(
        "fsReadOnly",
        "permission denied, {} {} (a read-only mount)",
        FS_PERMISSION,
    ),
    entry(
        "fsSpecialFile",
        "permission denied, {} {} ({}: wxrun reads and writes only regular files and folders)",
        FS_PERMISSION,
    ),
    entry(
        "fsHardLinked",
        "permission denied, {} {} (a file with other hard links: writing through it would change a file outside the sandbox)",
        FS_PERMISSION,
    ),
    entry("fsNotADirectory", "not a directory, {} {}", Some(1300020)),
    entry(
        "fsIsADirectory",
        "illegal operation on a directory, {} {}",
        Some(1301003),
    ),
    entry("fsNotEmpty", "directory not empty, {} {}", Some(1300066)),
    entry(
        "fsAlreadyExists",
        "file already exists, {} {}",
        Some(1301005),
    ),
    entry("fsInvalidArgument", "Invalid argument, {}", Some(1300022)),
    entry("fsSystem", "system error, {}", FS_SYSTEM),
    entry("notSupported", "not supported by wxrun yet", None),
    // WebSockets.
    entry(
        "socketLimit",
        "fail reach max websocket connect count {}",
        None,
    ),
    entry("socketNotOpen", "SocketTask.readyState is not OPEN", None),
    entry("socketNotConnected", "WebSocket is not connected", None),
    entry(
        "socketCloseCode",
        "The code must be either 1000, or between 3000 and 4999",
        None,
    ),
    entry(
        "socketCloseReason",
        "The message must not be greater than 123 bytes",
        None,
    ),
    // UDP sockets.
    entry("udpClosed", "the socket is closed", None),
    entry("udpAlreadyBound", "the socket is already bound", None),
    entry("udpInvalidPort", "invalid port {}", None),
    entry(
        "udpConnectPort",
        "parameter error: port should be a Number from 0 to 65535",
        None,
    ),
    entry(
        "udpAddressPort",
        "parameter error: address should be a String and port a Number",
        None,
    ),
    entry(
        "udpMessageType",
        "parameter error: message should be String or ArrayBuffer",
        None,
    ),
    entry(
        "udpMessageRange",
        "offset and length must lie within the message",
        None,
    ),
    // What the operating system said when binding or setting the TTL failed.
    entry("udpSystemError", "{}", None),
    entry("udpInvalidAddress", "invalid address {}", None),
    entry("udpResolveFailed", "cannot resolve {}", None),
    entry(
        "udpNotConnected",
        "the socket is not connected; call connect first",
        None,
    ),
    entry("udpTtl", "ttl must be an integer from 0 to 255", None),
    entry("udpNotBound", "the socket is not bound", None),
    entry(
        "udpBroadcastNeedsFlag",
        "broadcast needs setBroadcast: true",
        None,
    ),
    // TCP sockets: texts follow UDPSocket's `<method>:fail <reason>`; an operating-system
    // error reads `errno:<n> errmsg:<text>` with Linux numbers, as phones word it.
    coded("tcpInvalidAddress", "invalid address {}", None, 1),
    coded("tcpInvalidPort", "invalid port {}", None, 2),
    coded(
        "tcpForbiddenPort",
        "port {} is forbidden (phones refuse ports below 1024 and a documented list)",
        None,
        2,
    ),
    coded("tcpNotAllowed", "url not in domain list ({})", None, -3),
    coded("tcpConnectFailed", "errno:{} errmsg:{}", None, -4),
    coded(
        "tcpConnectTimeout",
        "errno:110 errmsg:Connection timed out",
        None,
        -4,
    ),
    coded("tcpResolveFailed", "cannot resolve {}", None, -4),
    coded(
        "tcpOffline",
        "errno:101 errmsg:Network is unreachable",
        None,
        -4,
    ),
    coded("tcpSocketError", "errno:{} errmsg:{}", None, -2),
    coded(
        "tcpNotConnected",
        "errno:107 errmsg:Transport endpoint is not connected",
        None,
        -2,
    ),
    coded(
        "tcpAlreadyConnected",
        "errno:106 errmsg:Transport endpoint is already connected",
        None,
        -2,
    ),
    coded("tcpInterrupted", "interrupted", None, -1),
    coded(
        "tcpCreateTooMuch",
        "create too much: at most {} TCPSockets in {} minutes",
        None,
        -1,
    ),
    coded(
        "tcpDataType",
        "parameter error: data should be String or ArrayBuffer",
        None,
        -1,
    ),
    coded("tcpInvalidBssid", "invalid BSSID {}", None, 3),
    coded(
        "tcpBindWifiSystem",
        "system error: the device is not on the Wi-Fi network {}",
        None,
        4,
    ),
    coded(
        "tcpBindWifiAndroidOnly",
        "bindWifi is supported only on Android",
        None,
        5,
    ),
    coded(
        "tcpAndroidTooOld",
        "bindWifi needs Android 10 or newer, the device runs {}",
        None,
        6,
    ),
    // mDNS discovery.
    entry("mdnsInvalidParam", "invalid param", None),
    entry("mdnsScanExists", "scan task already exist", None),
    entry("mdnsTaskNotFound", "task not found", None),
    // Storage.
    entry("storageNotFound", "data not found", None),
    entry("storageEncode", "data could not be stored: {}", None),
    entry(
        "storageKvListKey",
        "parameter error: every item of kvList should have a String key",
        Some(ERRNO_PARAMETER),
    ),
    entry(
        "storageItemTooLarge",
        "exceed storage item max length",
        None,
    ),
    entry("storageFull", "exceed storage max size 10MB", None),
    entry("storageWrite", "write storage failed: {}", None),
    // UI answers.
    entry(
        "actionSheetItems",
        "parameter error: itemList should not be large than 6",
        None,
    ),
    entry("scriptedAnswerThrew", "the scripted answer threw", None),
    // Routes.
    entry(
        "routeNotLaunched",
        "the app has not been launched (use wxrun app, or require(\"wxrun\").miniprogram.launch())",
        None,
    ),
    entry("pageNotFound", "page \"{}\" is not found", None),
    entry("navigateToTab", "can not navigateTo a tabbar page", None),
    entry("redirectToTab", "can not redirectTo a tabbar page", None),
    entry("webviewLimit", "webview count limit exceed", None),
    entry("firstPage", "cannot navigate back at first page.", None),
    entry("switchToNonTab", "can not switch to no-tabBar page", None),
    // The simulated device (docs/device.md says which texts and codes are documented,
    // observed on phones, or chosen).
    entry("userCancel", "cancel", None),
    // Audio contexts' onError (documented codes: 10002 network, 10003 file, 10004 format).
    coded("audioNetwork", "{}", None, 10002),
    coded("audioFile", "{}", None, 10003),
    coded("audioFormat", "unsupported audio format: {}", None, 10004),
    // RecorderManager.start while recording (wording chosen).
    entry("recorderBusy", "the recorder is already recording", None),
    // wx.createWorker (reported as errors, the call itself returns a Worker).
    entry("workerNotFound", "worker script not found: {}", None),
    entry(
        "workerOutsideFolder",
        "{} is not inside the workers folder \"{}\" that app.json names",
        None,
    ),
    entry(
        "workerLimit",
        "only one Worker at a time: call terminate() on the last one first",
        None,
    ),
    entry("workerNotStarted", "the worker could not start: {}", None),
    entry(
        "workerUncaught",
        "the worker ended with an uncaught exception (printed above)",
        None,
    ),
    // A file getImageInfo cannot read as an image (wording chosen: docs/device.md).
    entry("imageUnreadable", "invalid image", None),
    entry("authDeny", "auth deny", Some(103)),
    entry(
        "randomValuesLength",
        "parameter error: parameter.length should be a whole number from 0 to {};",
        Some(ERRNO_PARAMETER),
    ),
    coded(
        "subscribeNoTemplates",
        "TmplIds can't be empty",
        None,
        10001,
    ),
    coded("bluetoothNotInit", ":not init", None, 10000),
    coded(
        "bluetoothNotAvailable",
        ":not available",
        Some(1500102),
        10001,
    ),
    coded("wifiNotInit", "not init", None, 12000),
    coded("wifiSwitchedOff", "wifi is disabled", None, 12005),
    coded("wifiNotConnected", "no wifi is connected.", None, 12010),
    coded(
        "nfcUnsupported",
        "current platform is not supported",
        None,
        13000,
    ),
    coded(
        "beaconBluetoothUnavailable",
        ":bluetooth service unavailable",
        None,
        11001,
    ),
    coded("beaconNotStarted", ":not startBeaconDiscovery", None, 11004),
    // wx.cloud (docs/device.md, "wx.cloud", says which are observed and which chosen).
    coded(
        "cloudNotInitialized",
        "Error: errMsg: Cloud API isn't enabled, please call wx.cloud.init first",
        None,
        -1,
    ),
    coded(
        "cloudFunctionNotFound",
        "Error: errCode: -501000  | errMsg: FunctionName parameter could not be found.",
        None,
        -501000,
    ),
    coded(
        "cloudFileNotFound",
        "Error: errCode: -503003  | errMsg: STORAGE_FILE_NONEXIST",
        None,
        -503003,
    ),
    // The errMsg of one missing file in getTempFileURL's and deleteFile's `fileList`.
    coded(
        "cloudFileItemMissing",
        "STORAGE_FILE_NONEXIST",
        None,
        -503003,
    ),
    entry(
        "cloudPathInvalid",
        "parameter error: cloudPath {} should be a path such as \"images/a.png\", without \"..\";",
        Some(ERRNO_PARAMETER),
    ),
    coded(
        "documentNotFound",
        "cannot find document with _id {}, please make sure that the document exists and you have the corresponding Read permission",
        None,
        -1,
    ),
    coded(
        "documentDuplicateId",
        "Error: errCode: -502001  | errMsg: [FailedOperation] duplicate key: a document with _id {} exists",
        None,
        -502001,
    ),
    coded(
        "databaseInvalidOperator",
        "Error: errCode: -502002  | errMsg: {}",
        None,
        -502002,
    ),
];

/// The entry for `key`.
pub fn lookup(key: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|entry| entry.key == key)
}

/// The entry for a key that Rust code names: one of the catalogue's by construction.
pub(crate) fn known(key: &'static str) -> &'static Entry {
    lookup(key).unwrap_or_else(|| panic!("{key} is not in the catalogue"))
}

/// `text` with each `{}` replaced by the next detail (an empty string when they run out).
pub fn fill(text: &str, details: &[&str]) -> String {
    let mut out =
        String::with_capacity(text.len() + details.iter().map(|d| d.len()).sum::<usize>());
    let mut details = details.iter();
    let mut rest = text;
    while let Some(at) = rest.find("{}") {
        out.push_str(&rest[..at]);
        out.push_str(details.next().copied().unwrap_or(""));
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

impl Entry {
    /// The reason with `details` filled in.
    pub fn reason(&self, details: &[&str]) -> String {
        fill(self.text, details)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The errCodes are the platform's documented numbers (TCPSocket's table, the Bluetooth,
    /// Wi-Fi, NFC and iBeacon tables, audio's onError codes, the cloud SDK's codes).
    #[test]
    fn err_codes_are_the_documented_ones() {
        let expected = [
            ("tcpInvalidAddress", 1),
            ("tcpInvalidPort", 2),
            ("tcpForbiddenPort", 2),
            ("tcpNotAllowed", -3),
            ("tcpConnectFailed", -4),
            ("tcpConnectTimeout", -4),
            ("tcpResolveFailed", -4),
            ("tcpOffline", -4),
            ("tcpSocketError", -2),
            ("tcpNotConnected", -2),
            ("tcpAlreadyConnected", -2),
            ("tcpInterrupted", -1),
            ("tcpCreateTooMuch", -1),
            ("tcpDataType", -1),
            ("tcpInvalidBssid", 3),
            ("tcpBindWifiSystem", 4),
            ("tcpBindWifiAndroidOnly", 5),
            ("tcpAndroidTooOld", 6),
            ("audioNetwork", 10002),
            ("audioFile", 10003),
            ("audioFormat", 10004),
            ("subscribeNoTemplates", 10001),
            ("bluetoothNotInit", 10000),
            ("bluetoothNotAvailable", 10001),
            ("wifiNotInit", 12000),
            ("wifiSwitchedOff", 12005),
            ("wifiNotConnected", 12010),
            ("nfcUnsupported", 13000),
            ("beaconBluetoothUnavailable", 11001),
            ("beaconNotStarted", 11004),
            ("cloudNotInitialized", -1),
            ("cloudFunctionNotFound", -501000),
            ("cloudFileNotFound", -503003),
            ("cloudFileItemMissing", -503003),
            ("documentNotFound", -1),
            ("documentDuplicateId", -502001),
            ("databaseInvalidOperator", -502002),
        ];
        for (key, code) in expected {
            assert_eq!(lookup(key).and_then(|e| e.err_code), Some(code), "{key}");
        }
        let coded = ENTRIES.iter().filter(|e| e.err_code.is_some()).count();
        assert_eq!(
            coded,
            expected.len(),
            "an entry with an errCode is missing here"
        );
    }

    #[test]
    fn keys_are_unique_and_found() {
        let mut keys: Vec<&str> = ENTRIES.iter().map(|entry| entry.key).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), before, "a key is listed twice");
        for entry in ENTRIES {
            assert_eq!(lookup(entry.key), Some(entry));
        }
        assert_eq!(lookup("noSuchKey"), None);
    }

    #[test]
    fn details_fill_the_places_in_order() {
        assert_eq!(
            known("parameterType").reason(&["url", "String", "Number"]),
            "parameter error: parameter.url should be String instead of Number;"
        );
        assert_eq!(
            known("invalidUrl").reason(&["ftp://x"]),
            "invalid url \"ftp://x\""
        );
        assert_eq!(fill("a {} b {}", &["1"]), "a 1 b ");
        assert_eq!(fill("no places", &["ignored"]), "no places");
    }
}
