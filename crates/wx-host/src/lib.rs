//! wx-host: the JavaScript host of wxrun. It runs one QuickJS runtime (rquickjs) on a tokio
//! current-thread loop and gives scripts what a runtime must: CommonJS and ES modules, console,
//! timers, microtasks, uncaught-error and unhandled-rejection reporting, and limits (`--timeout`,
//! Ctrl-C, `--max-memory`, stack depth). It knows nothing of `wx`: API layers install
//! themselves through [`Internals`] and deliver their events as [`Macrotask`]s.
//!
//! Why a hand-driven loop rather than rquickjs's `AsyncRuntime`: the platform's rules are
//! stated in macrotasks ("every callback is delivered as its own macrotask"), so the loop runs
//! exactly one macrotask at a time and drains the microtask queue after each; I/O futures run on
//! tokio and talk to the loop over a channel, never holding a JS value.

mod eval;
mod event_loop;
mod host;
mod lazy;
pub mod memory;
mod modules;
mod natives;
mod sources;
mod watchdog;

pub use event_loop::{KeepAlive, LoopHandle, Macrotask};
pub use host::{
    Ending, Host, HostError, HostOptions, Internals, Redaction, RunOutcome, Stopper, eval_layer,
};
pub use lazy::{LAZY_GETTER_NAME, define_lazy_field};
pub use modules::{ModuleNotFound, ModuleOptions, ResolutionStep, Resolved, resolve};
pub use sources::{CacheDir, CompileChoices, InstrumentFilter, in_package};
pub use wx_bytecode::INTERNAL_PREFIX;
