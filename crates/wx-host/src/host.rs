//! The host: one QuickJS runtime and context, the bootstrap layer, and the loop that runs
//! macrotasks, timers and microtasks until nothing is pending.

use std::{
    cell::{Cell, RefCell},
    fmt,
    future::pending,
    path::Path,
    rc::{Rc, Weak},
    sync::Arc,
    time::{Duration, Instant},
};

use rquickjs::{
    CatchResultExt, Context, Ctx, Error, Exception, Function, Module, Object, Persistent, Promise,
    Runtime, Value,
};
use tokio::sync::mpsc;

use crate::{
    event_loop::{LoopHandle, Macrotask, Timers},
    memory::{JsHeap, OUT_OF_MEMORY_EXIT},
    modules::compile_failure,
    modules::{BuiltinNames, EsmLoader, EsmResolver, ModuleOptions, to_exception},
    natives,
    sources::{CacheDir, CompileChoices, SourceError, Sources},
    watchdog::{StopCause, Watchdog},
};

const INSPECT: &[u8] = wx_bytecode::layer!("inspect.js");
const BOOTSTRAP: &[u8] = wx_bytecode::layer!("bootstrap.js");

/// The heap size at which QuickJS first collects garbage: above what start-up allocates.
const START_GC_THRESHOLD: usize = 8 * 1024 * 1024;

/// How many queued macrotasks run before timers get another look.
const MACROTASK_BATCH: usize = 256;

/// How the host hides credentials in what it prints (conformance warnings, uncaught errors,
/// and `internals.redact` for other layers). The embedder supplies it; by default text is
/// printed as it is.
#[derive(Clone, Default)]
pub struct Redaction(Option<Arc<RedactFn>>);

type RedactFn = dyn Fn(&str) -> String + Send + Sync;

impl Redaction {
    pub fn new(redact: impl Fn(&str) -> String + Send + Sync + 'static) -> Redaction {
        Redaction(Some(Arc::new(redact)))
    }

    pub fn apply(&self, text: &str) -> String {
        match &self.0 {
            Some(redact) => redact(text),
            None => text.to_string(),
        }
    }
}

impl fmt::Debug for Redaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Redaction(on)"
        } else {
            "Redaction(off)"
        })
    }
}

/// What a run may use and how it reports.
#[derive(Clone, Debug, Default)]
pub struct HostOptions {
    /// `require('wxrun').args`.
    pub args: Vec<String>,
    /// Wall-clock limit for the whole run (`--timeout`).
    pub timeout: Option<Duration>,
    /// JS heap limit in bytes (`--max-memory`).
    pub max_memory: Option<usize>,
    /// Turn conformance warnings into errors (`--strict`).
    pub strict: bool,
    /// End the run on Ctrl-C with a message instead of dying silently.
    pub handle_ctrl_c: bool,
    /// The mini-program root and aliases for `require`.
    pub modules: ModuleOptions,
    /// Where compiled modules are cached.
    pub cache: CacheDir,
    /// Credentials out of warnings and error output.
    pub redaction: Redaction,
    /// The compile passes of a test run (`jest.mock` hoisting, coverage).
    pub compile: CompileChoices,
}

/// Why a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Nothing was left to do.
    Completed,
    /// `wxrun.exit(code)`.
    Exit(i32),
    /// An uncaught exception or unhandled rejection, already printed.
    Uncaught,
    TimedOut(Duration),
    CtrlC,
    /// The JS heap ran out (`--max-memory`, or the machine).
    OutOfMemory(Option<usize>),
}

impl fmt::Display for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ending::Completed => f.write_str("completed"),
            Ending::Exit(code) => write!(f, "wxrun.exit({code}) was called"),
            Ending::Uncaught => f.write_str("an uncaught error ended the run"),
            Ending::TimedOut(limit) => write!(
                f,
                "the script was still running after {} ms (--timeout) and was stopped",
                limit.as_millis()
            ),
            Ending::CtrlC => f.write_str("interrupted by Ctrl-C"),
            Ending::OutOfMemory(Some(limit)) => write!(
                f,
                "out of memory: the JavaScript heap reached the {} MiB limit (--max-memory)",
                limit / (1024 * 1024)
            ),
            Ending::OutOfMemory(None) => f.write_str("out of memory"),
        }
    }
}

/// The result of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunOutcome {
    pub ending: Ending,
    /// Errors reported without ending the run: exceptions in API callbacks, and warnings under
    /// `--strict`.
    pub errors: usize,
    pub warnings: usize,
}

impl RunOutcome {
    /// The process exit code for `wxrun run` (documented in docs/cli.md).
    pub fn exit_code(&self) -> i32 {
        match self.ending {
            Ending::Completed if self.errors > 0 => 1,
            Ending::Completed => 0,
            Ending::Exit(code) => code,
            Ending::Uncaught => 1,
            Ending::OutOfMemory(_) => OUT_OF_MEMORY_EXIT,
            Ending::TimedOut(_) => 124,
            Ending::CtrlC => 130,
        }
    }
}

/// Why a host could not be created.
#[derive(Debug, thiserror::Error)]
#[error("cannot start the JavaScript engine: {0}")]
pub struct HostError(String);

type PendingRejection = (Persistent<Value<'static>>, Persistent<Value<'static>>);

/// State shared by the host and its native functions, on the JS thread only.
pub(crate) struct HostState {
    internals: RefCell<Option<Persistent<Object<'static>>>>,
    pub(crate) timers: RefCell<Timers>,
    rejections: RefCell<Vec<PendingRejection>>,
    pub(crate) builtins: BuiltinNames,
    pub(crate) modules: Rc<ModuleOptions>,
    pub(crate) sources: Sources,
    pub(crate) es_modules: Rc<RefCell<Vec<String>>>,
    pub(crate) errors: Cell<usize>,
    warnings: Cell<usize>,
    stop: Cell<Option<Ending>>,
    strict: bool,
    pub(crate) redaction: Redaction,
    memory_limit: Option<usize>,
    pub(crate) watchdog: Arc<Watchdog>,
    pub(crate) handle: LoopHandle,
    receiver: RefCell<Option<mpsc::UnboundedReceiver<Macrotask>>>,
    /// What must be dropped when the run ends even if the host is abandoned (a guard that
    /// removes the run's scratch folder, say): the JavaScript heap's own references to such
    /// things are never released then.
    dropped_at_end: RefCell<Vec<Box<dyn std::any::Any>>>,
    /// What a worker thread's host of this run is made with (see [`Internals::worker_options`]).
    worker_options: HostOptions,
}

impl HostState {
    pub(crate) fn record_warning(&self, code: &str, message: &str, site: &str) {
        self.warnings.set(self.warnings.get() + 1);
        let label = if self.strict {
            self.errors.set(self.errors.get() + 1);
            "error (--strict)"
        } else {
            "warning"
        };
        let message = self.redaction.apply(message);
        let text = format!("wxrun {label}: [{code}] {message}\n    at {site}\n");
        let _ = std::io::Write::write_all(&mut std::io::stderr(), text.as_bytes());
    }

    fn set_stop(&self, ending: Ending) {
        if self.stop.get().is_none() {
            self.stop.set(Some(ending));
        }
    }
}

/// The internals object of the bootstrap layer, for embedded layers such as `wx`.
#[derive(Clone)]
pub struct Internals<'js> {
    object: Object<'js>,
    state: Rc<HostState>,
}

impl<'js> Internals<'js> {
    /// The raw internals object: `hooks`, `inspect`, `warn`, `callSite`, ...
    pub fn object(&self) -> &Object<'js> {
        &self.object
    }

    pub fn loop_handle(&self) -> LoopHandle {
        self.state.handle.clone()
    }

    /// The options of a host for a worker thread of this run (`wx.createWorker`): the same
    /// modules, compile step, cache, redaction, strictness and memory limit; no arguments, and
    /// no timeout or Ctrl-C handling of its own (the run's apply to the whole process).
    pub fn worker_options(&self) -> HostOptions {
        self.state.worker_options.clone()
    }

    /// Evaluates an embedded JavaScript layer (its bytecode, from `wx_bytecode::layer!`); its
    /// frames are hidden from user stacks.
    pub fn eval_layer(&self, bytecode: &[u8]) -> rquickjs::Result<Value<'js>> {
        eval_layer(self.object.ctx(), bytecode)
    }

    /// Reports a conformance warning (printed once per code and call site).
    pub fn warn(&self, code: &str, message: &str, site: Option<&str>) -> rquickjs::Result<()> {
        let warn: Function = self.object.get("warn")?;
        warn.call((code, message, site))
    }

    /// Reports an exception thrown by a user callback: printed, counted, the run goes on.
    pub fn report_callback_error(&self, error: Value<'js>, api: &str) -> rquickjs::Result<()> {
        let report: Function = self.object.get("reportCallbackError")?;
        report.call((error, api))
    }

    /// The object of a built-in module, such as `wxrun`, to add members to.
    pub fn builtin(&self, name: &str) -> rquickjs::Result<Object<'js>> {
        let builtin: Function = self.object.get("builtin")?;
        builtin.call((name,))
    }

    /// Defines a built-in module for `require` and `import`.
    pub fn define_builtin(&self, name: &str, exports: Object<'js>) -> rquickjs::Result<()> {
        let define: Function = self.object.get("defineBuiltin")?;
        define.call((name, exports))
    }

    /// Whether `--strict` is on.
    pub fn strict(&self) -> bool {
        self.state.strict
    }
}

/// Stops a host from another thread; see [`Host::stopper`].
#[derive(Clone)]
pub struct Stopper {
    watchdog: Arc<Watchdog>,
    handle: LoopHandle,
}

impl Stopper {
    pub fn stop(&self) {
        self.watchdog.finish();
        // Wakes a loop that waits for I/O or a timer, so it sees the stop at once.
        self.handle.post(Box::new(|_, _| Ok(())));
    }
}

/// A QuickJS runtime with the host layer installed.
///
/// Field order matters: the state (which holds persistent JS values) is cleared in `Drop`,
/// then the context and finally the runtime are dropped.
pub struct Host {
    state: Rc<HostState>,
    context: Context,
    runtime: Runtime,
}

impl Drop for Host {
    fn drop(&mut self) {
        self.state.internals.borrow_mut().take();
        self.state.rejections.borrow_mut().clear();
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => pending().await,
    }
}

impl Host {
    pub fn new(options: HostOptions) -> Result<Host, HostError> {
        let runtime = Runtime::new_with_alloc(JsHeap).map_err(|err| HostError(err.to_string()))?;
        let (handle, receiver) = LoopHandle::new();
        let watchdog = Arc::new(Watchdog::new(options.timeout, options.handle_ctrl_c));
        let state = Rc::new(HostState {
            internals: RefCell::new(None),
            timers: RefCell::new(Timers::default()),
            rejections: RefCell::new(Vec::new()),
            builtins: Rc::new(RefCell::new(Vec::new())),
            modules: Rc::new(options.modules.clone()),
            sources: Sources::new(&options.cache, options.compile.clone()),
            es_modules: Rc::new(RefCell::new(Vec::new())),
            errors: Cell::new(0),
            warnings: Cell::new(0),
            stop: Cell::new(None),
            strict: options.strict,
            redaction: options.redaction.clone(),
            memory_limit: options.max_memory,
            watchdog: watchdog.clone(),
            handle,
            receiver: RefCell::new(Some(receiver)),
            dropped_at_end: RefCell::new(Vec::new()),
            worker_options: HostOptions {
                args: Vec::new(),
                timeout: None,
                handle_ctrl_c: false,
                ..options.clone()
            },
        });
        if let Some(limit) = options.max_memory {
            runtime.set_memory_limit(limit);
        }
        runtime.set_max_stack_size(2 * 1024 * 1024);
        // No collection while the layers install: what they allocate lives for the whole run.
        // QuickJS raises the threshold by itself after its first collection.
        runtime.set_gc_threshold(START_GC_THRESHOLD);
        runtime.set_interrupt_handler(Some(Box::new(move || watchdog.interrupt_javascript())));
        let tracker_state: Weak<HostState> = Rc::downgrade(&state);
        runtime.set_host_promise_rejection_tracker(Some(Box::new(
            move |ctx, promise, reason, is_handled| {
                let Some(state) = tracker_state.upgrade() else {
                    return;
                };
                let mut pending = state.rejections.borrow_mut();
                if is_handled {
                    pending.retain(|(known, _)| {
                        known.clone().restore(&ctx).ok().as_ref() != Some(&promise)
                    });
                } else {
                    pending.push((
                        Persistent::save(&ctx, promise),
                        Persistent::save(&ctx, reason),
                    ));
                }
            },
        )));
        runtime.set_loader(
            EsmResolver {
                builtins: state.builtins.clone(),
                options: state.modules.clone(),
            },
            EsmLoader {
                loaded: state.es_modules.clone(),
            },
        );
        let context = Context::full(&runtime).map_err(|err| HostError(err.to_string()))?;
        let host = Host {
            state,
            context,
            runtime,
        };
        host.context
            .with(|ctx| -> rquickjs::Result<()> {
                let native = natives::build(&ctx, &host.state, &options.args)?;
                let inspect = eval_layer(&ctx, INSPECT)?
                    .into_function()
                    .ok_or(Error::Unknown)?
                    .call::<_, Object>((native.clone(),))?;
                let bootstrap = eval_layer(&ctx, BOOTSTRAP)?
                    .into_function()
                    .ok_or(Error::Unknown)?;
                let internals: Object = bootstrap.call((native, inspect))?;
                *host.state.internals.borrow_mut() = Some(Persistent::save(&ctx, internals));
                Ok(())
            })
            .map_err(|err| HostError(format!("bootstrap failed: {err}")))?;
        Ok(host)
    }

    fn internals<'js>(&self, ctx: &Ctx<'js>) -> Internals<'js> {
        let object = self
            .state
            .internals
            .borrow()
            .clone()
            .and_then(|persistent| persistent.restore(ctx).ok())
            .expect("internals are set while the host lives");
        Internals {
            object,
            state: self.state.clone(),
        }
    }

    /// A handle for posting macrotasks from I/O tasks.
    pub fn loop_handle(&self) -> LoopHandle {
        self.state.handle.clone()
    }

    /// A handle that stops this host from any thread (a terminated worker): running JavaScript
    /// is interrupted and the loop ends as if nothing were pending.
    pub fn stopper(&self) -> Stopper {
        Stopper {
            watchdog: self.state.watchdog.clone(),
            handle: self.state.handle.clone(),
        }
    }

    /// Runs `f` with the context and the internals, as one macrotask: an exception it leaves
    /// is handled like any uncaught one.
    pub fn with<R>(
        &self,
        f: impl for<'js> FnOnce(&Ctx<'js>, &Internals<'js>) -> rquickjs::Result<R>,
    ) -> Option<R> {
        let result = self.context.with(|ctx| {
            let internals = self.internals(&ctx);
            match f(&ctx, &internals) {
                Ok(value) => Some(value),
                Err(err) => {
                    self.on_error(&ctx, &internals, err, "uncaught");
                    None
                }
            }
        });
        self.drain_microtasks();
        result
    }

    /// Starts counting `--timeout` (if the embedder has not already): from here on, the time
    /// is the run's own. Loading the main script and running the loop start it too.
    pub fn start_clock(&self) {
        self.state.watchdog.start_clock();
    }

    /// Loads the entry script: CommonJS for `.js`/`.ts` (after the compile step), an ES module
    /// for `.mjs` and for an entry that awaits at its top level.
    pub fn load_main(&self, path: &Path) -> Option<()> {
        self.start_clock();
        let is_module = path.extension().is_some_and(|ext| ext == "mjs")
            || self.state.sources.runs_as_module(path);
        let state = self.state.clone();
        self.with(|ctx, internals| {
            if !is_module {
                let run_main: Function = internals.object().get("runMain")?;
                return run_main
                    .call::<_, Value>((path.to_string_lossy().as_ref(),))
                    .map(drop);
            }
            let source = match state.sources.module_code_of(path) {
                Ok(source) => source,
                Err(SourceError::Read(err)) => {
                    return Err(Exception::throw_message(
                        ctx,
                        &format!("cannot read {}: {err}", path.display()),
                    ));
                }
                Err(SourceError::Compile(error)) => {
                    return Err(compile_failure(ctx, &path.to_string_lossy(), &error));
                }
            };
            let name = path.to_string_lossy().into_owned();
            let promise: Promise = Module::evaluate(ctx.clone(), name, source)
                .map_err(|err| to_exception(ctx, err))?;
            internals
                .object()
                .get::<_, Function>("setMainPromise")?
                .call::<_, ()>((promise.clone(),))?;
            watch_module_promise(state, ctx, promise)
        })
    }

    fn on_error<'js>(&self, ctx: &Ctx<'js>, internals: &Internals<'js>, err: Error, origin: &str) {
        let _ = internals;
        handle_error(&self.state, ctx, err, origin);
    }

    fn stopped(&self) -> Option<Ending> {
        if let Some(cause) = self.state.watchdog.cause() {
            self.state.set_stop(match cause {
                StopCause::Exit(code) => Ending::Exit(code),
                StopCause::Finished => Ending::Completed,
                StopCause::TimedOut(limit) => Ending::TimedOut(limit),
                StopCause::CtrlC => Ending::CtrlC,
            });
        }
        self.state.stop.get()
    }

    fn drain_microtasks(&self) {
        loop {
            if self.stopped().is_some() {
                return;
            }
            match self.runtime.execute_pending_job() {
                Ok(true) => {}
                Ok(false) => break,
                Err(_) => self.context.with(|ctx| {
                    handle_error(&self.state, &ctx, Error::Exception, "uncaught");
                }),
            }
        }
        let rejections: Vec<PendingRejection> =
            self.state.rejections.borrow_mut().drain(..).collect();
        if rejections.is_empty() {
            return;
        }
        self.context.with(|ctx| {
            for (promise, reason) in rejections {
                if let Ok(reason) = reason.restore(&ctx) {
                    let promise = promise.restore(&ctx).ok();
                    report_uncaught(&self.state, &ctx, reason, "unhandledRejection", promise);
                }
            }
        });
        // Handlers of the rejection hooks may have queued more work.
        if self.state.stop.get().is_none() && self.runtime.is_job_pending() {
            self.drain_microtasks();
        }
    }

    fn run_macrotask(&self, task: Macrotask) {
        self.context.with(|ctx| {
            let internals = self.internals(&ctx);
            if let Err(err) = task(&ctx, &internals) {
                handle_error(&self.state, &ctx, err, "uncaught");
            }
        });
        self.drain_microtasks();
    }

    fn fire_timer(&self, id: u32) {
        self.context.with(|ctx| {
            let internals = self.internals(&ctx);
            let result = internals
                .object()
                .get::<_, Function>("fireTimer")
                .and_then(|fire| fire.call::<_, ()>((id,)));
            if let Err(err) = result {
                handle_error(&self.state, &ctx, err, "uncaught");
            }
        });
        self.drain_microtasks();
    }

    /// Runs timers, macrotasks and microtasks until nothing is pending or the run is stopped.
    pub async fn run_loop(&self) -> Ending {
        let Some(mut receiver) = self.state.receiver.borrow_mut().take() else {
            return Ending::Completed;
        };
        let handle = self.state.handle.clone();
        self.start_clock();
        let deadline = self.state.watchdog.deadline();
        let mut ctrl_c =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
        let ending = 'run: loop {
            self.drain_microtasks();
            if let Some(ending) = self.stopped() {
                break ending;
            }
            let now = Instant::now();
            loop {
                let due = self.state.timers.borrow_mut().pop_due(now);
                let Some(id) = due else { break };
                self.fire_timer(id);
                if let Some(ending) = self.stopped() {
                    break 'run ending;
                }
            }
            for _ in 0..MACROTASK_BATCH {
                let Ok(task) = receiver.try_recv() else { break };
                self.run_macrotask(task);
                if let Some(ending) = self.stopped() {
                    break 'run ending;
                }
            }
            let idle = self.state.timers.borrow().is_empty()
                && handle.live_handles() == 0
                && receiver.is_empty();
            if idle {
                break Ending::Completed;
            }
            let next_timer = self.state.timers.borrow().next_deadline();
            let ctrl_c_signal = async {
                match ctrl_c.as_mut() {
                    Some(signal) => {
                        signal.recv().await;
                    }
                    None => pending::<()>().await,
                }
            };
            tokio::select! {
                biased;
                () = ctrl_c_signal => self.state.watchdog.ctrl_c(),
                () = sleep_until(deadline) => self.state.watchdog.time_out(),
                task = receiver.recv() => {
                    if let Some(task) = task {
                        self.run_macrotask(task);
                    }
                }
                () = sleep_until(next_timer) => {}
                () = handle.woken() => {}
            }
        };
        *self.state.receiver.borrow_mut() = Some(receiver);
        ending
    }

    /// The outcome of a run that ended with `ending`.
    pub fn outcome(&self, ending: Ending) -> RunOutcome {
        RunOutcome {
            ending,
            errors: self.state.errors.get(),
            warnings: self.state.warnings.get(),
        }
    }

    /// Loads `path` and runs until nothing is pending.
    pub async fn run_main(&self, path: &Path) -> RunOutcome {
        self.load_main(path);
        let ending = match self.stopped() {
            Some(ending) => ending,
            None => self.run_loop().await,
        };
        self.outcome(ending)
    }

    /// Ends this host without freeing the JavaScript heap, for a process that exits right
    /// after: freeing every object one by one (and collecting cycles) is a tenth of start-up
    /// for an empty script, and the operating system takes the memory back at once.
    /// What is held by [`Host::drop_at_end`] is dropped all the same.
    pub fn abandon(self) {
        drop(self.state.dropped_at_end.take());
        std::mem::forget(self);
    }

    /// Keeps `value` until the run ends, and drops it then even when the host is abandoned.
    pub fn drop_at_end(&self, value: impl std::any::Any) {
        self.state.dropped_at_end.borrow_mut().push(Box::new(value));
    }

    /// What coverage counted (`wxrun test --coverage`), as istanbul's JSON: an object of
    /// file → coverage. `None` when coverage is off.
    pub fn coverage_json(&self) -> Option<String> {
        if !self.state.sources.coverage() {
            return None;
        }
        self.context.with(|ctx| {
            let internals = self.internals(&ctx);
            internals
                .object()
                .get::<_, Function>("coverageReport")
                .and_then(|report| report.call::<_, String>(()))
                .ok()
        })
    }

    /// Current JS heap use in bytes.
    pub fn memory_used(&self) -> i64 {
        self.runtime.memory_usage().memory_used_size
    }
}

/// A rejected top-level evaluation of an ES module is an uncaught error of that module, not
/// an unhandled rejection.
fn watch_module_promise<'js>(
    state: Rc<HostState>,
    ctx: &Ctx<'js>,
    promise: Promise<'js>,
) -> rquickjs::Result<()> {
    let on_reject = Function::new(ctx.clone(), move |ctx: Ctx<'js>, error: Value<'js>| {
        report_uncaught(&state, &ctx, error, "uncaught", None);
    })?;
    promise
        .catch()?
        .call::<_, Value>((rquickjs::function::This(promise.clone()), on_reject))?;
    Ok(())
}

/// Evaluates an embedded JavaScript layer from its bytecode; its frames are hidden from user
/// stacks. For native functions that load layers later: they must not hold [`Internals`].
pub fn eval_layer<'js>(ctx: &Ctx<'js>, bytecode: &[u8]) -> rquickjs::Result<Value<'js>> {
    wx_bytecode::eval(ctx, bytecode)
}

fn internals_object<'js>(state: &HostState, ctx: &Ctx<'js>) -> Option<Object<'js>> {
    state
        .internals
        .borrow()
        .clone()
        .and_then(|persistent| persistent.restore(ctx).ok())
}

fn is_out_of_memory(value: &Value<'_>) -> bool {
    if value.is_null() || value.is_undefined() {
        return true;
    }
    // QuickJS names an error "Invalid error message" only when it could not allocate the
    // message itself: the heap was full while it reported something else (often the "out of
    // memory" error), so that error means the same.
    value.as_object().is_some_and(|object| {
        object.get::<_, String>("name").ok().as_deref() == Some("InternalError")
            && matches!(
                object.get::<_, String>("message").ok().as_deref(),
                Some("out of memory" | "Invalid error message")
            )
    })
}

/// An error left by JavaScript: a stop request, running out of memory, or an exception that
/// either a hook takes over or that ends the run.
fn handle_error(state: &HostState, ctx: &Ctx<'_>, err: Error, origin: &str) {
    let value = match err {
        Error::Exception => ctx.catch(),
        other => match Exception::from_message(ctx.clone(), &other.to_string()) {
            Ok(exception) => exception.into_value(),
            Err(_) => Value::new_undefined(ctx.clone()),
        },
    };
    if state.watchdog.cause().is_some() {
        return;
    }
    // A slice deadline stopped this JavaScript; whoever set it reports the timeout.
    if state.watchdog.take_slice_interrupt() {
        return;
    }
    if is_out_of_memory(&value) {
        state.set_stop(Ending::OutOfMemory(state.memory_limit));
        return;
    }
    report_uncaught(state, ctx, value, origin, None);
}

/// Offers an uncaught exception to the hooks, else prints it and ends the run.
/// Reports an exception nobody caught (`promise` is the rejected one, for unhandled
/// rejections). The JS side may take it over; otherwise it is printed and the run ends.
fn report_uncaught<'js>(
    state: &HostState,
    ctx: &Ctx<'js>,
    value: Value<'js>,
    origin: &str,
    promise: Option<Value<'js>>,
) {
    let Some(internals) = internals_object(state, ctx) else {
        return;
    };
    let handled = internals
        .get::<_, Function>("onUncaught")
        .and_then(|hook| hook.call::<_, bool>((value.clone(), origin, promise)))
        .catch(ctx)
        .unwrap_or(false);
    if handled {
        return;
    }
    let text = internals
        .get::<_, Function>("describeError")
        .and_then(|describe| describe.call::<_, String>((value.clone(),)))
        .catch(ctx)
        .map(|text| state.redaction.apply(&text))
        .unwrap_or_else(|_| "<an exception that could not be displayed>".to_string());
    let prefix = if origin == "unhandledRejection" {
        "Uncaught (in promise) "
    } else {
        "Uncaught "
    };
    let _ = std::io::Write::flush(&mut std::io::stdout());
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("{prefix}{text}\n").as_bytes(),
    );
    state.set_stop(Ending::Uncaught);
}
