//! wx-api: the global `wx` object. The calling conventions of the platform (result objects,
//! errMsg and errno, parameter errors, macrotask delivery, Promise style, listener registries,
//! version gating) live once in `js/core.js`; each API family adds a small JS layer and the
//! Rust natives it needs, and reaches the network through wx-net.

mod base;

/// Every `wx` member wxrun implements. `wx` is checked against this list when it is
/// assembled, so the list (and docs/api-support.md, generated from it) cannot drift.
pub const IMPLEMENTED: &[&str] = &[
    "arrayBufferToBase64",
    "base64ToArrayBuffer",
    "canIUse",
    "env",
    "getAppBaseInfo",
    "getDeviceInfo",
    "getNetworkType",
    "getSystemInfo",
    "getSystemInfoAsync",
    "getSystemInfoSync",
    "getWindowInfo",
    "offAppHide",
    "offAppShow",
    "onAppHide",
    "onAppShow",
];

use std::{
    rc::Rc,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use rquickjs::{Function, Object, Value, prelude::Func};
use wx_host::{Host, Internals};
use wx_policy::{Config, LibVersion, inventory};

const CORE_JS: &str = include_str!("../js/core.js");
const BASE_JS: &str = include_str!("../js/base.js");

/// Whether the app is in the foreground, shared with the network layer.
#[derive(Clone, Debug)]
pub struct AppState {
    foreground: Arc<AtomicBool>,
}

impl Default for AppState {
    fn default() -> Self {
        AppState {
            foreground: Arc::new(AtomicBool::new(true)),
        }
    }
}

impl AppState {
    pub fn is_foreground(&self) -> bool {
        self.foreground.load(Ordering::Acquire)
    }

    fn set_foreground(&self, foreground: bool) {
        self.foreground.store(foreground, Ordering::Release);
    }
}

/// Why `wx` could not be installed.
#[derive(Debug)]
pub struct InstallError;

impl std::fmt::Display for InstallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the wx layer failed to install (see the error above)")
    }
}

impl std::error::Error for InstallError {}

fn build_native<'js>(
    internals: &Internals<'js>,
    config: &Rc<Config>,
    app: &AppState,
) -> rquickjs::Result<Object<'js>> {
    let ctx = internals.object().ctx().clone();
    let native = Object::new(ctx.clone())?;
    let lib = config.lib_version.value;
    native.set("libVersion", lib.to_string())?;
    native.set("errnoEnabled", lib >= LibVersion::ERRNO)?;

    let availability = Object::new(ctx.clone())?;
    for entry in inventory::all() {
        availability.set(entry.name, entry.available_in(lib))?;
    }
    native.set("availability", availability)?;
    native.set("implemented", IMPLEMENTED.to_vec())?;

    let info_config = config.clone();
    native.set(
        "systemInfo",
        Func::from(move |ctx: rquickjs::Ctx<'js>| base::system_info(&ctx, &info_config)),
    )?;
    native.set(
        "canIUse",
        Func::from(move |schema: String| base::can_i_use(&schema, lib)),
    )?;
    let network_config = config.clone();
    native.set(
        "networkType",
        Func::from(move || network_config.device.value.network_type.clone()),
    )?;
    let app = app.clone();
    native.set(
        "setForeground",
        Func::from(move |foreground: bool| app.set_foreground(foreground)),
    )?;
    Ok(native)
}

/// Installs the global `wx` for `config` into `host`.
pub fn install(host: &Host, config: Config, app: AppState) -> Result<(), InstallError> {
    let config = Rc::new(config);
    host.with(|_ctx, internals| {
        let native = build_native(internals, &config, &app)?;
        let core: Object =
            layer(internals, "wx/core.js", CORE_JS)?.call((native, internals.object().clone()))?;
        layer(internals, "wx/base.js", BASE_JS)?.call::<_, Value>((core.clone(),))?;
        core.get::<_, Function>("assemble")?.call::<_, Value>(())?;
        Ok(())
    })
    .ok_or(InstallError)
}

fn layer<'js>(
    internals: &Internals<'js>,
    name: &str,
    source: &str,
) -> rquickjs::Result<Function<'js>> {
    internals
        .eval_layer(name, source)?
        .into_function()
        .ok_or(rquickjs::Error::Unknown)
}
