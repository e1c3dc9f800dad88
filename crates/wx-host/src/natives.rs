//! The native functions the bootstrap layer is given. Each is small: JavaScript keeps the
//! callbacks and module records, Rust keeps deadlines, file access and output.

use std::{
    io::Write,
    path::{Path, PathBuf},
    rc::Rc,
    time::Duration,
};

use rquickjs::{Ctx, Exception, Function, Object, Value, function::Opt, prelude::Func};

use wx_bridge::{Natives, declared::host};

use crate::{
    eval::throw_uncatchable,
    host::HostState,
    modules::{COMPILE_ERROR_CODE, Resolved, compile_common_js, resolve},
    sources::read_source,
};

fn write_stream(fd: i32, text: &str) {
    // Output errors (a closed pipe) must not stop the script.
    if fd == 2 {
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().write_all(text.as_bytes());
    } else {
        let _ = std::io::stdout().write_all(text.as_bytes());
    }
}

fn throw_with_code(ctx: &Ctx<'_>, message: &str, code: &str) -> rquickjs::Error {
    match Exception::from_message(ctx.clone(), message) {
        Ok(error) => {
            let _ = error.as_object().set("code", code);
            ctx.throw(error.into_value())
        }
        Err(err) => err,
    }
}

pub(crate) fn build<'js>(
    ctx: &Ctx<'js>,
    state: &Rc<HostState>,
    args: &[String],
) -> rquickjs::Result<Object<'js>> {
    let mut native = Natives::new(ctx, host::TABLE)?;

    native.set(
        &host::WRITE,
        Func::from(|fd: i32, text: String| write_stream(fd, &text)),
    )?;

    let timers = state.clone();
    native.set(
        &host::TIMER_START,
        Func::from(move |id: u32, ms: f64| {
            let delay = Duration::from_millis(if ms.is_finite() && ms > 0.0 {
                ms as u64
            } else {
                0
            });
            timers.timers.borrow_mut().start(id, delay);
        }),
    )?;
    let timers = state.clone();
    native.set(
        &host::TIMER_CLEAR,
        Func::from(move |id: u32| timers.timers.borrow_mut().clear(id)),
    )?;

    let builtins = state.builtins.clone();
    let options = state.modules.clone();
    native.set(
        &host::RESOLVE,
        Func::from(
            move |ctx: Ctx<'js>, specifier: String, from: Opt<Value<'js>>| {
                let from: Option<PathBuf> = from
                    .0
                    .and_then(|value| value.as_string().and_then(|s| s.to_string().ok()))
                    .map(PathBuf::from);
                match resolve(&specifier, from.as_deref(), &builtins.borrow(), &options) {
                    Ok(Resolved::File(path)) => Ok(path.to_string_lossy().into_owned()),
                    Ok(Resolved::Builtin(name)) => Ok(name),
                    Err(missing) => Err(throw_with_code(
                        &ctx,
                        &missing.to_string(),
                        "MODULE_NOT_FOUND",
                    )),
                }
            },
        ),
    )?;

    native.set(
        &host::READ_TEXT,
        Func::from(|ctx: Ctx<'js>, path: String| {
            read_source(Path::new(&path)).map_err(|err| {
                Exception::throw_message(&ctx, &format!("cannot read {path}: {err}"))
            })
        }),
    )?;

    let compiling = state.clone();
    native.set(
        &host::COMPILE_COMMON_JS,
        Func::from(
            move |ctx: Ctx<'js>, path: String| -> rquickjs::Result<Function<'js>> {
                compile_common_js(&ctx, Path::new(&path), &compiling.sources)
            },
        ),
    )?;
    native.set(&host::COMPILE_ERROR_CODE, COMPILE_ERROR_CODE)?;
    native.set(&host::COVERAGE, state.sources.coverage())?;

    // A location as the user wrote it: [line, column], or undefined when it needs no change.
    let locating = state.clone();
    native.set(
        &host::USER_LOCATION,
        Func::from(move |file: String, line: u32, column: u32| {
            locating
                .sources
                .user_location(&file, line, column)
                .map(|(line, column)| vec![line, column])
        }),
    )?;

    let errors = state.clone();
    native.set(
        &host::PRINT_ERROR,
        Func::from(move |text: String| {
            errors.errors.set(errors.errors.get() + 1);
            write_stream(2, &format!("{}\n", errors.redaction.apply(&text)));
        }),
    )?;

    let slice = state.clone();
    native.set(
        &host::SET_SLICE_DEADLINE,
        Func::from(move |ms: f64| {
            let after = (ms.is_finite() && ms >= 0.0).then(|| Duration::from_secs_f64(ms / 1000.0));
            slice.watchdog.set_slice(after);
        }),
    )?;
    // Calls `fn()`; when a slice deadline interrupts it, throws a catchable Error marked
    // `sliceTimeout` instead of the uncatchable interruption.
    let slice = state.clone();
    native.set(
        &host::CALL_INTERRUPTIBLE,
        Func::from(
            move |ctx: Ctx<'js>, function: Function<'js>| -> rquickjs::Result<Value<'js>> {
                match function.call::<_, Value>(()) {
                    Err(rquickjs::Error::Exception) if slice.watchdog.take_slice_interrupt() => {
                        let _ = ctx.catch();
                        let error = Exception::from_message(
                            ctx.clone(),
                            "interrupted: the time allowed ran out",
                        )?;
                        error.as_object().set("sliceTimeout", true)?;
                        Err(ctx.throw(error.into_value()))
                    }
                    other => other,
                }
            },
        ),
    )?;

    let redaction = state.redaction.clone();
    native.set(
        &host::REDACT,
        Func::from(move |text: String| redaction.apply(&text)),
    )?;

    let warnings = state.clone();
    native.set(
        &host::PRINT_WARNING,
        Func::from(move |code: String, message: String, site: String| {
            warnings.record_warning(&code, &message, &site);
        }),
    )?;

    let es_modules = state.es_modules.clone();
    native.set(
        &host::ES_MODULES,
        Func::from(move || es_modules.borrow().clone()),
    )?;

    let builtins = state.builtins.clone();
    native.set(
        &host::DEFINE_BUILTIN,
        Func::from(move |name: String| {
            let mut names = builtins.borrow_mut();
            if !names.contains(&name) {
                names.push(name);
            }
        }),
    )?;

    let exit = state.clone();
    native.set(
        &host::EXIT,
        Func::from(
            move |ctx: Ctx<'js>, code: Value<'js>| -> rquickjs::Result<()> {
                let code = code
                    .as_number()
                    .filter(|n| n.is_finite())
                    .map_or(1, |n| n as i32);
                exit.watchdog.request_exit(code);
                Err(throw_uncatchable(&ctx, "wxrun.exit() was called"))
            },
        ),
    )?;

    // Ends the run as if nothing were pending: exit code 0, or 1 when errors were reported.
    let finishing = state.clone();
    native.set(
        &host::FINISH,
        Func::from(move |ctx: Ctx<'js>| -> rquickjs::Result<()> {
            finishing.watchdog.finish();
            Err(throw_uncatchable(&ctx, "the run is over"))
        }),
    )?;

    let handle = state.handle.clone();
    native.set(
        &host::POST_MACROTASK,
        Func::from(move || {
            handle.post(Box::new(|_ctx, internals| {
                let run: Function = internals.object().get("runNextMacrotask")?;
                run.call(())
            }));
        }),
    )?;

    native.set(&host::ARGS, args.to_vec())?;
    native.set(
        &host::CWD,
        std::env::current_dir()
            .map(|dir| dir.to_string_lossy().into_owned())
            .unwrap_or_default(),
    )?;
    let env = Object::new(ctx.clone())?;
    for (key, value) in std::env::vars() {
        env.set(key, value)?;
    }
    native.set(&host::ENV, env)?;
    native.finish()
}
