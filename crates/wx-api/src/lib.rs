//! wx-api: the global `wx` object. The calling conventions of the platform (result objects,
//! errMsg and errno, parameter errors, macrotask delivery, Promise style, listener registries,
//! version gating) live once in `js/core.js`; each API family adds a small JS layer and the
//! Rust natives it needs, and reaches the network through wx-net.

mod assembly;
mod base;
mod cloud;
mod device;
mod fs;
mod http;
mod media;
mod socket;
mod storage;
mod tcp;
mod udp;
mod values;
mod worker;

pub use device::{surface, surface_names};

use std::sync::Arc;

use rquickjs::{Function, Object, Value, prelude::Func};
use wx_bridge::{Natives, Text, declared::wx};
use wx_host::{Host, Internals};
use wx_net::Network;
use wx_policy::{Config, LibVersion, inventory};

/// How wxrun answers a `wx` member (docs/api-support.md lists each one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    /// Does the real thing: network, files, storage, timers, computation, the mini-program's
    /// own pages and lifecycle.
    Real,
    /// Answers as the simulated phone in its stated state (docs/device.md): system
    /// information, location, the user and the scopes, the radios switched off, what is on
    /// screen, managers whose events a phone fires without hardware.
    Simulated,
    /// Recorded and answered with the default of its kind from the surface table, with
    /// nothing behind it; a script can give it any answer.
    Recorded,
}

impl Support {
    pub fn as_str(self) -> &'static str {
        match self {
            Support::Real => "real",
            Support::Simulated => "simulated",
            Support::Recorded => "recorded",
        }
    }
}

const CORE: &[u8] = wx_bytecode::layer!("core.js");
const BASE: &[u8] = wx_bytecode::layer!("base.js");

/// The members core.js and base.js define at start-up.
const BASE_MEMBERS: &[(&str, Support)] = &[
    ("arrayBufferToBase64", Support::Real),
    ("base64ToArrayBuffer", Support::Real),
    ("canIUse", Support::Real),
    ("env", Support::Real),
    ("getAccountInfoSync", Support::Simulated),
    ("getAppBaseInfo", Support::Simulated),
    ("getDeviceInfo", Support::Simulated),
    ("getNetworkType", Support::Simulated),
    ("getSystemInfo", Support::Simulated),
    ("getSystemInfoAsync", Support::Simulated),
    ("getSystemInfoSync", Support::Simulated),
    ("getWindowInfo", Support::Simulated),
    ("offAppHide", Support::Real),
    ("offAppShow", Support::Real),
    ("offNetworkStatusChange", Support::Simulated),
    ("onAppHide", Support::Real),
    ("onAppShow", Support::Real),
    ("onNetworkStatusChange", Support::Simulated),
];

/// An API family whose JS layer loads on first access of one of its members.
struct LazyLayer {
    name: &'static str,
    /// Its parts, run in order with one shared object; the last one's value is the layer's
    /// exports.
    parts: &'static [&'static [u8]],
    members: &'static [&'static str],
    support: Support,
}

/// The layer that answers every documented member no other layer defines, generically from
/// the surface table (js/device/simulated.js). It also holds what the device families share:
/// scripted answers, recorded calls, app-level events, objects built from their interface.
const GENERIC_LAYER: &str = "simulated";

/// The families. A family that gets a real answer (or a more faithful simulation) takes its
/// members here, and they stop being answered generically.
const LAZY_LAYERS: &[LazyLayer] = &[
    LazyLayer {
        name: "http",
        parts: &[wx_bytecode::layer!("http.js")],
        members: &["request", "uploadFile", "downloadFile"],
        support: Support::Real,
    },
    LazyLayer {
        name: "socket",
        parts: &[wx_bytecode::layer!("socket.js")],
        members: &[
            "connectSocket",
            "onSocketOpen",
            "onSocketMessage",
            "onSocketError",
            "onSocketClose",
            "sendSocketMessage",
            "closeSocket",
        ],
        support: Support::Real,
    },
    LazyLayer {
        name: "udp",
        parts: &[wx_bytecode::layer!("udp.js")],
        members: &["createUDPSocket"],
        support: Support::Real,
    },
    LazyLayer {
        name: "tcp",
        parts: &[wx_bytecode::layer!("tcp.js")],
        members: &["createTCPSocket"],
        support: Support::Real,
    },
    LazyLayer {
        name: "mdns",
        parts: &[wx_bytecode::layer!("mdns.js")],
        members: &[
            "startLocalServiceDiscovery",
            "stopLocalServiceDiscovery",
            "onLocalServiceFound",
            "offLocalServiceFound",
            "onLocalServiceLost",
            "offLocalServiceLost",
            "onLocalServiceResolveFail",
            "offLocalServiceResolveFail",
            "onLocalServiceDiscoveryStop",
            "offLocalServiceDiscoveryStop",
        ],
        support: Support::Real,
    },
    LazyLayer {
        name: "storage",
        parts: &[wx_bytecode::layer!("storage.js")],
        members: &[
            "setStorage",
            "setStorageSync",
            "getStorage",
            "getStorageSync",
            "removeStorage",
            "removeStorageSync",
            "clearStorage",
            "clearStorageSync",
            "getStorageInfo",
            "getStorageInfoSync",
            "batchGetStorage",
            "batchGetStorageSync",
            "batchSetStorage",
            "batchSetStorageSync",
        ],
        support: Support::Real,
    },
    LazyLayer {
        name: "ui",
        parts: &[wx_bytecode::layer!("ui.js")],
        members: &[
            "showToast",
            "hideToast",
            "showLoading",
            "hideLoading",
            "showModal",
            "showActionSheet",
            "setNavigationBarTitle",
            "startPullDownRefresh",
            "stopPullDownRefresh",
        ],
        support: Support::Simulated,
    },
    LazyLayer {
        name: "miniprogram",
        parts: &[
            wx_bytecode::layer!("miniprogram/app.js"),
            wx_bytecode::layer!("miniprogram/page.js"),
            wx_bytecode::layer!("miniprogram/router.js"),
            wx_bytecode::layer!("miniprogram/launcher.js"),
        ],
        members: &[
            "navigateTo",
            "redirectTo",
            "navigateBack",
            "switchTab",
            "reLaunch",
            "onError",
            "offError",
            "onUnhandledRejection",
            "offUnhandledRejection",
            "onPageNotFound",
            "offPageNotFound",
            "getLaunchOptionsSync",
            "getEnterOptionsSync",
        ],
        support: Support::Real,
    },
    LazyLayer {
        name: "fs",
        parts: &[wx_bytecode::layer!("fs.js")],
        members: &[
            "getFileSystemManager",
            "saveFile",
            "getSavedFileList",
            "removeSavedFile",
            "getFileInfo",
        ],
        support: Support::Real,
    },
    LazyLayer {
        name: "runtime",
        parts: &[wx_bytecode::layer!("device/runtime.js")],
        members: &[
            "nextTick",
            "requestIdleCallback",
            "cancelIdleCallback",
            "getRandomValues",
        ],
        support: Support::Real,
    },
    LazyLayer {
        name: "system",
        parts: &[wx_bytecode::layer!("device/system.js")],
        members: &[
            "getSystemSetting",
            "getAppAuthorizeSetting",
            "getMenuButtonBoundingClientRect",
            "getRendererUserAgent",
            "getBatteryInfo",
            "getBatteryInfoSync",
            "getScreenBrightness",
            "setScreenBrightness",
            "setKeepScreenOn",
            "vibrateShort",
            "vibrateLong",
            "getClipboardData",
            "setClipboardData",
            "scanCode",
        ],
        support: Support::Simulated,
    },
    LazyLayer {
        name: "location",
        parts: &[wx_bytecode::layer!("device/location.js")],
        members: &[
            "getLocation",
            "getFuzzyLocation",
            "startLocationUpdate",
            "startLocationUpdateBackground",
            "stopLocationUpdate",
            "onLocationChange",
            "offLocationChange",
            "onLocationChangeError",
            "offLocationChangeError",
            "chooseLocation",
            "choosePoi",
            "openLocation",
            "createMapContext",
        ],
        support: Support::Simulated,
    },
    LazyLayer {
        name: "worker",
        parts: &[wx_bytecode::layer!("worker.js")],
        members: &["createWorker"],
        support: Support::Real,
    },
    LazyLayer {
        name: "audio",
        parts: &[wx_bytecode::layer!("device/audio.js")],
        members: &[
            "createInnerAudioContext",
            "getBackgroundAudioManager",
            "getRecorderManager",
        ],
        support: Support::Simulated,
    },
    LazyLayer {
        name: "media",
        parts: &[wx_bytecode::layer!("device/media.js")],
        members: &[
            "chooseImage",
            "chooseMedia",
            "chooseVideo",
            "chooseMessageFile",
            "createCameraContext",
            "getImageInfo",
            "compressImage",
            "saveImageToPhotosAlbum",
            "saveVideoToPhotosAlbum",
        ],
        support: Support::Simulated,
    },
    LazyLayer {
        name: "account",
        parts: &[wx_bytecode::layer!("device/account.js")],
        members: &[
            "login",
            "checkSession",
            "getUserInfo",
            "getUserProfile",
            "getWeRunData",
            "authorize",
            "getSetting",
            "openSetting",
            "getPrivacySetting",
            "requirePrivacyAuthorize",
            "requestPayment",
            "requestOrderPayment",
            "requestPluginPayment",
            "requestCommonPayment",
            "requestVirtualPayment",
            "requestMerchantTransfer",
            "requestSubscribeMessage",
        ],
        support: Support::Simulated,
    },
    LazyLayer {
        name: "radio",
        parts: &[wx_bytecode::layer!("device/radio.js")],
        members: &[
            "openBluetoothAdapter",
            "closeBluetoothAdapter",
            "getBluetoothAdapterState",
            "startBluetoothDevicesDiscovery",
            "stopBluetoothDevicesDiscovery",
            "getBluetoothDevices",
            "getConnectedBluetoothDevices",
            "isBluetoothDevicePaired",
            "makeBluetoothPair",
            "createBLEConnection",
            "closeBLEConnection",
            "createBLEPeripheralServer",
            "getBLEDeviceCharacteristics",
            "getBLEDeviceRSSI",
            "getBLEDeviceServices",
            "getBLEMTU",
            "setBLEMTU",
            "notifyBLECharacteristicValueChange",
            "readBLECharacteristicValue",
            "writeBLECharacteristicValue",
            "startWifi",
            "stopWifi",
            "connectWifi",
            "getConnectedWifi",
            "getWifiList",
            "setWifiList",
            "getNFCAdapter",
            "getHCEState",
            "startHCE",
            "stopHCE",
            "sendHCEMessage",
            "startBeaconDiscovery",
            "stopBeaconDiscovery",
            "getBeacons",
        ],
        support: Support::Simulated,
    },
    LazyLayer {
        name: "view",
        parts: &[wx_bytecode::layer!("device/view.js")],
        members: &[
            "createSelectorQuery",
            "createIntersectionObserver",
            "createAnimation",
        ],
        support: Support::Simulated,
    },
    LazyLayer {
        name: "managers",
        parts: &[wx_bytecode::layer!("device/managers.js")],
        members: &[
            "getUpdateManager",
            "getLogManager",
            "getRealtimeLogManager",
            "getPerformance",
        ],
        support: Support::Simulated,
    },
    LazyLayer {
        name: "cloud",
        parts: &[wx_bytecode::layer!("cloud.js")],
        members: &["cloud"],
        support: Support::Simulated,
    },
    LazyLayer {
        name: GENERIC_LAYER,
        parts: &[wx_bytecode::layer!("device/simulated.js")],
        members: &[],
        support: Support::Recorded,
    },
];

/// The lazy members that are objects rather than functions (`wx.cloud`): `wx` holds an
/// accessor that loads the member's layer when it is first read.
const OBJECT_MEMBERS: &[&str] = &["cloud"];

/// The base library that brought a member the inventory does not list, when not the first:
/// the cloud SDK came with 2.2.3 (documented).
const UNLISTED_SINCE: &[(&str, LibVersion)] = &[("cloud", LibVersion::new(2, 2, 3))];

/// Whether `wx` holds `name` at base library `lib` (`if (wx.x)` and `wx.canIUse('x')`).
pub(crate) fn available(name: &str, lib: LibVersion) -> bool {
    match inventory::lookup(name) {
        Some(entry) => entry.available_in(lib),
        None => {
            support(name).is_some()
                && UNLISTED_SINCE
                    .iter()
                    .find(|(known, _)| *known == name)
                    .is_none_or(|(_, since)| lib >= *since)
        }
    }
}

/// How wxrun answers `name`, or `None` when `wx` has no such member at any base library.
pub fn support(name: &str) -> Option<Support> {
    if let Some((_, support)) = BASE_MEMBERS.iter().find(|(known, _)| *known == name) {
        return Some(*support);
    }
    if let Some(layer) = LAZY_LAYERS
        .iter()
        .find(|layer| layer.members.contains(&name))
    {
        return Some(layer.support);
    }
    inventory::lookup(name).map(|_| Support::Recorded)
}

/// The layer that defines `name`: `base` (core.js and base.js), a family, or the generic one.
pub(crate) fn layer_of(name: &str) -> &'static str {
    if BASE_MEMBERS.iter().any(|(known, _)| *known == name) {
        return "base";
    }
    LAZY_LAYERS
        .iter()
        .find(|layer| layer.members.contains(&name))
        .map_or(GENERIC_LAYER, |layer| layer.name)
}

/// Every member `wx` can hold (at the newest base library), by name, with how wxrun answers
/// it: the inventory and the few members the typings do not list.
pub fn members() -> Vec<(&'static str, Support)> {
    let mut all: Vec<(&'static str, Support)> = inventory::all()
        .iter()
        .map(|entry| (entry.name, Support::Recorded))
        .chain(BASE_MEMBERS.iter().copied())
        .chain(
            LAZY_LAYERS
                .iter()
                .flat_map(|layer| layer.members.iter().map(|name| (*name, layer.support))),
        )
        .collect();
    // Later entries (the families) win over the generic answer.
    all.reverse();
    all.sort_by_key(|(name, _)| *name);
    all.dedup_by_key(|(name, _)| *name);
    all
}

/// Why `wx` could not be installed.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("{0}")]
    Network(#[from] wx_net::SetupError),
    #[error("the wx layer failed to install (see the error above)")]
    Layer,
}

/// `require('wxrun').mock(rule)` and friends: rules added by the script, checked before the
/// rule files.
fn install_mocks<'js>(native: &mut Natives<'js>, network: &Network) -> rquickjs::Result<()> {
    let Some(stand_in) = network.stand_in().cloned() else {
        return Ok(());
    };
    let adding = stand_in.clone();
    native.set(
        &wx::MOCK_ADD,
        Func::from(
            move |ctx: rquickjs::Ctx<'js>, json: Text| -> rquickjs::Result<f64> {
                let value: serde_json::Value = serde_json::from_str(&json).map_err(|err| {
                    rquickjs::Exception::throw_type(&ctx, &format!("wxrun.mock(): {err}"))
                })?;
                let base = std::env::current_dir().unwrap_or_default();
                let rule = wx_offline::Rule::parse(&value, &base, "wxrun.mock()", 0)
                    .map_err(|err| rquickjs::Exception::throw_type(&ctx, &err.to_string()))?;
                Ok(adding.add_rule(rule) as f64)
            },
        ),
    )?;
    let removing = stand_in.clone();
    native.set(
        &wx::MOCK_REMOVE,
        Func::from(move |id: f64| removing.remove_rule(id as u64)),
    )?;
    let clearing = stand_in.clone();
    native.set(
        &wx::MOCK_CLEAR,
        Func::from(move || clearing.clear_script_rules()),
    )?;
    let marking = stand_in.clone();
    native.set(
        &wx::MOCK_MARK,
        Func::from(move || marking.rule_mark() as f64),
    )?;
    native.set(
        &wx::MOCK_REMOVE_AFTER,
        Func::from(move |mark: f64| stand_in.remove_rules_after(mark as u64)),
    )?;
    Ok(())
}

/// Adds the network's clock to the host's clocks, so that fake timers (`jest.useFakeTimers`)
/// drive wx's timeouts, the background grace period and mDNS's stop too.
fn install_clock<'js>(internals: &Internals<'js>, clock: &wx_net::Clock) -> rquickjs::Result<()> {
    let entry = Object::new(internals.object().ctx().clone())?;
    let switching = clock.clone();
    entry.set(
        "useVirtual",
        Func::from(move |on: bool| switching.set_virtual(on)),
    )?;
    let advancing = clock.clone();
    entry.set(
        "advance",
        // Whole milliseconds both ways, so that both sides agree on when a deadline is
        // reached.
        Func::from(move |ms: f64| {
            if ms.is_finite() && ms >= 0.5 {
                advancing.advance(std::time::Duration::from_millis(ms.round() as u64));
            }
        }),
    )?;
    let asking = clock.clone();
    entry.set(
        "nextDeadline",
        Func::from(move || {
            asking
                .next_deadline()
                .map(|left| left.as_nanos().div_ceil(1_000_000) as f64)
        }),
    )?;
    let clocks: rquickjs::Array = internals.object().get("clocks")?;
    clocks.set(clocks.len(), entry)?;
    Ok(())
}

fn build_native<'js>(
    internals: &Internals<'js>,
    config: &Arc<Config>,
    network: &Network,
    extras: &Extras,
) -> rquickjs::Result<Object<'js>> {
    let ctx = internals.object().ctx().clone();
    let mut native = Natives::new(&ctx, wx::TABLE)?;
    let policy = network.run_policy().clone();
    let lib = policy.lib;
    native.set(&wx::APPID, policy.appid.clone())?;
    native.set(&wx::ERRNO_ENABLED, policy.gates.errno)?;

    // The catalogue's reason, errno and errCode for `key`, with its details filled in (see core.fail).
    native.set(
        &wx::FAILURE,
        Func::from(
            |ctx: rquickjs::Ctx<'js>,
             key: Text,
             details: Vec<Text>|
             -> rquickjs::Result<rquickjs::Array<'js>> {
                let entry = wx_policy::catalogue::lookup(&key).ok_or_else(|| {
                    rquickjs::Exception::throw_internal(
                        &ctx,
                        &format!("wx-api: {key} is not in the failure catalogue"),
                    )
                })?;
                let details: Vec<&str> = details.iter().map(|detail| &**detail).collect();
                let answer = rquickjs::Array::new(ctx.clone())?;
                answer.set(0, entry.reason(&details))?;
                answer.set(1, entry.errno)?;
                answer.set(2, entry.err_code)?;
                Ok(answer)
            },
        ),
    )?;

    let info_policy = policy.clone();
    native.set(
        &wx::SYSTEM_INFO,
        Func::from(move |ctx: rquickjs::Ctx<'js>| base::system_info(&ctx, &info_policy)),
    )?;
    native.set(
        &wx::CAN_I_USE,
        Func::from(move |schema: Text| base::can_i_use(&schema, lib)),
    )?;
    native.set(&wx::NETWORK_TYPE, policy.device.network_type.clone())?;
    device::install(&mut native, &policy)?;
    let app = network.clone();
    native.set(
        &wx::SET_FOREGROUND,
        Func::from(move |foreground: bool| app.set_foreground(foreground)),
    )?;
    let connectivity = network.clone();
    native.set(
        &wx::SET_ONLINE,
        Func::from(move |online: bool| connectivity.set_online(online)),
    )?;
    native.set(
        &wx::IS_FILE,
        Func::from(|path: Text| std::path::Path::new(&path).is_file()),
    )?;
    // The folder of a mini-program, absolute, or a clear error naming it.
    native.set(
        &wx::APP_ROOT,
        Func::from(
            |ctx: rquickjs::Ctx<'js>, dir: Text| -> rquickjs::Result<String> {
                match std::fs::canonicalize(&dir) {
                    Ok(path) if path.is_dir() => Ok(path.to_string_lossy().into_owned()),
                    Ok(_) => Err(rquickjs::Exception::throw_message(
                        &ctx,
                        &format!("{dir} is not a folder (a mini-program folder holds app.json)"),
                    )),
                    Err(err) => Err(rquickjs::Exception::throw_message(
                        &ctx,
                        &format!("cannot open the mini-program folder {dir}: {err}"),
                    )),
                }
            },
        ),
    )?;
    storage::install(
        &mut native,
        config.data_dir.value.clone(),
        policy.appid.clone(),
    )?;
    http::install(&mut native, network, internals.loop_handle(), extras.trace)?;
    fs::install(&mut native, network.sandbox())?;
    worker::install(&mut native, internals)?;
    media::install(
        &mut native,
        network.sandbox(),
        policy.device.media_folder.clone(),
        config.miniprogram_root.clone(),
    )?;
    socket::install(&mut native, network, internals.loop_handle())?;
    udp::install(&mut native, network, internals.loop_handle())?;
    tcp::install(&mut native, network, internals.loop_handle())?;
    cloud::install(
        &mut native,
        network.sandbox(),
        network.stand_in().cloned(),
        config.data_dir.value.is_some(),
    )?;
    install_mocks(&mut native, network)?;
    install_clock(internals, network.clock())?;

    native.set(&wx::COVERAGE_ON, extras.coverage.is_some())?;
    native.set(&wx::TRACE, extras.trace)?;
    // Records each `wx` function called, for --api-coverage (core.js calls it only then).
    let coverage = extras.coverage.clone();
    native.set(
        &wx::TOUCH,
        Func::from(move |name: String| {
            if let Some(Ok(mut touched)) = coverage.as_ref().map(|c| c.lock()) {
                touched.insert(name);
            }
        }),
    )?;
    native.set(
        &wx::COMPILE_LAYER,
        Func::from(
            |ctx: rquickjs::Ctx<'js>, name: String| -> rquickjs::Result<Vec<Function<'js>>> {
                let layer = LAZY_LAYERS
                    .iter()
                    .find(|layer| layer.name == name)
                    .ok_or(rquickjs::Error::Unknown)?;
                layer
                    .parts
                    .iter()
                    .map(|part| {
                        wx_host::eval_layer(&ctx, part)?
                            .into_function()
                            .ok_or(rquickjs::Error::Unknown)
                    })
                    .collect()
            },
        ),
    )?;
    native.finish()
}

/// The `wx` functions a run called, by name (`--api-coverage`).
pub type ApiCoverage = Arc<std::sync::Mutex<std::collections::BTreeSet<String>>>;

/// What a run adds to `wx` beyond the configuration.
#[derive(Default)]
pub struct Extras {
    /// Mock rules, replay and recording; every network call asks it first.
    pub stand_in: Arc<wx_offline::StandIn>,
    /// Collects the names of the `wx` functions called, when set.
    pub coverage: Option<ApiCoverage>,
    /// `--trace`: print lifecycle calls, setData, navigation and UI calls as they happen.
    pub trace: bool,
}

/// Installs the global `wx` for `config` into `host`, with no mock rules, replay or
/// recording beyond what the script adds.
pub fn install(host: &Host, config: Config) -> Result<(), InstallError> {
    install_with(host, config, Extras::default())
}

/// Installs the global `wx` for `config` with `extras`.
pub fn install_with(host: &Host, config: Config, extras: Extras) -> Result<(), InstallError> {
    let policy = Arc::new(wx_policy::RunPolicy::resolve(&config));
    let network = Network::new(&config, policy, Some(extras.stand_in.clone()))?;
    host.drop_at_end(network.sandbox().scratch_remover());
    let config = Arc::new(config);
    host.with(|ctx, internals| {
        let native = build_native(internals, &config, &network, &extras)?;
        let core: Object = layer(internals, CORE)?.call((native, internals.object().clone()))?;
        layer(internals, BASE)?.call::<_, Value>((core.clone(),))?;
        let members: Object = core.get("members")?;
        let map_get: Function = members.get("get")?;
        let shown: Function = core.get("shown")?;
        let (wx, stand_ins, objects) = assembly::assemble(
            ctx,
            network.run_policy().lib,
            |name| map_get.call((rquickjs::function::This(members.clone()), name)),
            extras.coverage.is_some().then_some(&shown),
        )?;
        core.get::<_, Function>("adopt")?
            .call::<_, Value>((wx, stand_ins, objects))?;
        Ok(())
    })
    .ok_or(InstallError::Layer)
}

/// What `wxrun app` launches.
pub struct AppLaunch {
    /// The mini-program folder, absolute.
    pub dir: String,
    /// A page url to open instead of the entry page.
    pub page: Option<String>,
    /// Page methods to call once the page is ready, with the JSON text of event fields.
    pub calls: Vec<(String, String)>,
    /// Scripts to run before app.js.
    pub preload: Vec<String>,
    /// End the run once the app is idle after the calls.
    pub exit_when_idle: bool,
}

/// Runs the preload scripts and launches the mini-program; the host's loop then runs it.
/// Returns the message of a launch that could not start (no app.json, a bad manifest, an
/// unknown page). An exception from a preload script is reported as uncaught and ends the run.
pub fn launch_app(host: &Host, launch: AppLaunch) -> Option<String> {
    host.with(|_ctx, internals| {
        let load: Function = internals.object().get("loadModule")?;
        for file in &launch.preload {
            load.call::<_, Value>((file.as_str(),))?;
        }
        let controls: Object = internals.builtin("wxrun")?.get("miniprogram")?;
        let start: Function = controls.get("runFromCommandLine")?;
        let calls: Vec<Vec<String>> = launch
            .calls
            .into_iter()
            .map(|(method, event)| vec![method, event])
            .collect();
        start.call::<_, Option<String>>((launch.dir, launch.page, calls, launch.exit_when_idle))
    })
    .flatten()
}

fn layer<'js>(internals: &Internals<'js>, bytecode: &[u8]) -> rquickjs::Result<Function<'js>> {
    internals
        .eval_layer(bytecode)?
        .into_function()
        .ok_or(rquickjs::Error::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every member a family lists is documented, or one of the few the typings leave out;
    /// the base members are not also in a layer.
    #[test]
    fn family_members_are_known() {
        const UNLISTED: [&str; 6] = [
            "env",
            "cloud",
            "saveFile",
            "getSavedFileList",
            "removeSavedFile",
            "getFileInfo",
        ];
        for layer in LAZY_LAYERS {
            for member in layer.members {
                assert!(
                    inventory::lookup(member).is_some() || UNLISTED.contains(member),
                    "{member} of layer {} is not documented",
                    layer.name
                );
                assert!(
                    !BASE_MEMBERS.iter().any(|(name, _)| name == member),
                    "{member} is both a base member and in layer {}",
                    layer.name
                );
            }
        }
        assert_eq!(support("getLocation"), Some(Support::Simulated));
        assert_eq!(support("request"), Some(Support::Real));
        assert_eq!(support("onThemeChange"), Some(Support::Recorded));
        assert_eq!(support("env"), Some(Support::Real));
        assert_eq!(support("notAnApi"), None);
        let all = members();
        assert_eq!(all.len(), inventory::all().len() + UNLISTED.len());
        assert!(all.contains(&("getLocation", Support::Simulated)));
    }

    /// A member listed under two layers loads whichever comes first, and that layer then
    /// fails its "did not define" check.
    #[test]
    fn each_lazy_member_belongs_to_one_layer() {
        let mut seen = std::collections::HashMap::new();
        for layer in LAZY_LAYERS {
            for member in layer.members {
                if let Some(first) = seen.insert(*member, layer.name) {
                    panic!("{member} is listed in both {first} and {}", layer.name);
                }
            }
        }
    }
}
