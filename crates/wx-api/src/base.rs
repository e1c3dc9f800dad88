//! Base APIs answered from configuration: system information from the device profile,
//! `canIUse` against the base-library version, the network type.

use rquickjs::{Ctx, Object};
use wx_policy::{LibVersion, RunPolicy};

/// Base-library versions of options and task methods of the network APIs, for
/// `wx.canIUse('request.object.timeout')` and similar. Other sub-paths answer as their API.
const OPTION_VERSIONS: &[(&str, LibVersion)] = &[
    ("request.object.timeout", LibVersion::new(2, 10, 0)),
    ("request.object.enableHttp2", LibVersion::new(2, 10, 4)),
    ("request.object.enableQuic", LibVersion::new(2, 10, 4)),
    ("request.object.enableCache", LibVersion::new(2, 10, 4)),
    ("request.object.enableHttpDNS", LibVersion::new(2, 19, 1)),
    ("request.object.enableChunked", LibVersion::new(2, 20, 2)),
    (
        "request.object.forceCellularNetwork",
        LibVersion::new(2, 21, 0),
    ),
    ("request.object.redirect", LibVersion::new(3, 2, 2)),
    ("uploadFile.object.timeout", LibVersion::new(2, 10, 0)),
    ("downloadFile.object.timeout", LibVersion::new(2, 10, 0)),
    ("downloadFile.object.filePath", LibVersion::new(1, 8, 0)),
    ("connectSocket.object.timeout", LibVersion::new(2, 10, 0)),
    ("connectSocket.object.tcpNoDelay", LibVersion::new(2, 4, 0)),
    (
        "connectSocket.object.perMessageDeflate",
        LibVersion::new(2, 8, 0),
    ),
    ("RequestTask", LibVersion::new(1, 4, 0)),
    ("RequestTask.abort", LibVersion::new(1, 4, 0)),
    ("RequestTask.onHeadersReceived", LibVersion::new(2, 1, 0)),
    ("RequestTask.offHeadersReceived", LibVersion::new(2, 1, 0)),
    ("RequestTask.onChunkReceived", LibVersion::new(2, 20, 2)),
    ("RequestTask.offChunkReceived", LibVersion::new(2, 20, 2)),
    ("UploadTask", LibVersion::new(1, 4, 0)),
    ("UploadTask.onProgressUpdate", LibVersion::new(1, 4, 0)),
    ("UploadTask.onHeadersReceived", LibVersion::new(2, 1, 0)),
    ("DownloadTask", LibVersion::new(1, 4, 0)),
    ("DownloadTask.onProgressUpdate", LibVersion::new(1, 4, 0)),
    ("DownloadTask.onHeadersReceived", LibVersion::new(2, 1, 0)),
    ("SocketTask", LibVersion::new(1, 7, 0)),
    ("UDPSocket", LibVersion::new(2, 7, 0)),
    ("UDPSocket.connect", LibVersion::new(2, 15, 0)),
    ("UDPSocket.write", LibVersion::new(2, 15, 0)),
    ("UDPSocket.setTTL", LibVersion::new(2, 18, 0)),
];

/// `wx.canIUse(schema)`: `api`, `api.object.option`, `api.return.field`, `Class.method`.
pub(crate) fn can_i_use(schema: &str, lib: LibVersion) -> bool {
    let schema = schema.trim();
    let api = schema.split('.').next().unwrap_or_default();
    // The most specific known entry decides: a full path, then each shorter prefix.
    let mut path = schema;
    loop {
        if let Some((_, min)) = OPTION_VERSIONS.iter().find(|(known, _)| *known == path) {
            return lib >= *min;
        }
        match path.rsplit_once('.') {
            Some((parent, _)) => path = parent,
            None => break,
        }
    }
    crate::available(api, lib)
}

/// The height of the strip an iPhone with a notch keeps for its home indicator, outside the
/// safe area (a 390x844 iPhone reports safeArea.bottom 810).
const HOME_INDICATOR: u32 = 34;

/// The object `wx.getSystemInfoSync()` returns, from the device profile: the union of
/// getDeviceInfo, getWindowInfo, getAppBaseInfo, getSystemSetting and getAppAuthorizeSetting
/// (with its answers as booleans), as on a phone.
pub(crate) fn system_info<'js>(
    ctx: &Ctx<'js>,
    policy: &RunPolicy,
) -> rquickjs::Result<Object<'js>> {
    let device = &policy.device;
    let info = Object::new(ctx.clone())?;
    info.set("brand", device.brand.as_str())?;
    info.set("model", device.model.as_str())?;
    info.set("system", device.system.as_str())?;
    info.set("platform", device.platform.as_str())?;
    info.set("version", device.version.as_str())?;
    info.set("language", device.language.as_str())?;
    info.set("SDKVersion", policy.lib.to_string())?;
    info.set("pixelRatio", device.pixel_ratio)?;
    info.set("screenWidth", device.screen_width)?;
    info.set("screenHeight", device.screen_height)?;
    info.set("windowWidth", device.window_width)?;
    info.set("windowHeight", device.window_height)?;
    info.set("statusBarHeight", device.status_bar_height)?;
    info.set(
        "screenTop",
        device.screen_height.saturating_sub(device.window_height),
    )?;
    // Notched iPhones (a status bar taller than the classic 20 pt) keep the home-indicator
    // strip out of the safe area.
    let bottom_inset = if device.platform == "ios" && device.status_bar_height > 20 {
        HOME_INDICATOR
    } else {
        0
    };
    let bottom = device.screen_height.saturating_sub(bottom_inset);
    let safe_area = Object::new(ctx.clone())?;
    safe_area.set("left", 0)?;
    safe_area.set("right", device.screen_width)?;
    safe_area.set("top", device.status_bar_height)?;
    safe_area.set("bottom", bottom)?;
    safe_area.set("width", device.screen_width)?;
    safe_area.set("height", bottom.saturating_sub(device.status_bar_height))?;
    info.set("safeArea", safe_area)?;
    info.set("fontSizeSetting", 17)?;
    info.set("fontSizeScaleFactor", 1)?;
    // Documented as Android-only; -1 is "unknown".
    info.set(
        "benchmarkLevel",
        if device.platform == "ios" { -1 } else { 1 },
    )?;
    info.set("theme", device.theme.as_str())?;
    info.set("enableDebug", false)?;
    info.set("deviceOrientation", "portrait")?;
    let host = Object::new(ctx.clone())?;
    host.set("env", "WeChat")?;
    host.set("appId", "")?;
    info.set("host", host)?;
    // The radios: Wi-Fi and location on, Bluetooth off (docs/device.md).
    info.set("wifiEnabled", true)?;
    info.set("locationEnabled", true)?;
    info.set("bluetoothEnabled", false)?;
    for granted in [
        "albumAuthorized",
        "cameraAuthorized",
        "locationAuthorized",
        "microphoneAuthorized",
        "notificationAuthorized",
        "notificationAlertAuthorized",
        "notificationBadgeAuthorized",
        "notificationSoundAuthorized",
    ] {
        info.set(granted, true)?;
    }
    info.set("bluetoothAuthorized", false)?;
    info.set("phoneCalendarAuthorized", false)?;
    info.set("locationReducedAccuracy", false)?;
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn can_i_use_follows_the_base_library() {
        let old = LibVersion::new(2, 9, 0);
        let new = LibVersion::new(3, 5, 0);
        assert!(can_i_use("request", old));
        assert!(!can_i_use("request.object.timeout", old));
        assert!(can_i_use("request.object.timeout", new));
        assert!(can_i_use("request.object.header", old));
        assert!(!can_i_use("createUDPSocket", LibVersion::new(2, 6, 0)));
        assert!(can_i_use("createUDPSocket", LibVersion::new(2, 7, 0)));
        assert!(!can_i_use(
            "RequestTask.onChunkReceived",
            LibVersion::new(2, 20, 1)
        ));
        assert!(can_i_use("env", old));
        assert!(!can_i_use("button.open-type.contact", new));
        assert!(!can_i_use("", new));
    }
}
