//! The worker: one test file in a fresh runtime, reporting events on stdout.

use std::{io::Write, path::Path};

use rquickjs::{Function, Object, Promise, prelude::Func};
use serde::{Deserialize, Serialize};
use wx_bridge::{Natives, declared::test};
use wx_host::{Ending, Host};

use crate::events::Event;

const EXPECT: &[u8] = wx_bytecode::layer!("expect.js");
const TESTING: &[u8] = wx_bytecode::layer!("testing.js");

/// What a worker needs to know of the run, passed to the JS test API as `native.options`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkerOptions {
    pub filter: Option<String>,
    pub test_timeout: u64,
    pub bail: Option<usize>,
    pub shuffle: Option<String>,
    pub list: bool,
    pub strict: bool,
    /// The whole file's limit, in milliseconds (enforced by the host's watchdog).
    pub file_timeout: u64,
    /// Memory limit of the file's worker, in MiB (`--max-memory`).
    pub max_memory: u64,
}

fn emit(event: &Event) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", event.to_line());
    let _ = stdout.flush();
}

fn install(host: &Host, options: &WorkerOptions) -> Option<()> {
    let options_json = serde_json::to_string(options).unwrap_or_else(|_| "{}".into());
    host.with(|ctx, internals| {
        let mut native = Natives::new(ctx, test::TABLE)?;
        native.set(&test::OPTIONS, ctx.json_parse(options_json.clone())?)?;
        native.set(
            &test::EVENT,
            Func::from(|line: String| {
                let mut stdout = std::io::stdout().lock();
                let _ = writeln!(stdout, "{}{line}", crate::events::EVENT_PREFIX);
                let _ = stdout.flush();
            }),
        )?;
        let expect = internals
            .eval_layer(EXPECT)?
            .into_function()
            .ok_or(rquickjs::Error::Unknown)?;
        let testing: Object = internals
            .eval_layer(TESTING)?
            .into_function()
            .ok_or(rquickjs::Error::Unknown)?
            .call((internals.object().clone(), native.finish()?, expect))?;
        internals.object().set("testing", testing)?;
        Ok(())
    })
}

/// Runs the tests of `file` in `host` (which has `wx` installed) and returns the exit code.
pub async fn run(host: &Host, file: &Path, options: &WorkerOptions) -> i32 {
    if install(host, options).is_none() {
        emit(&Event::Aborted {
            reason: "the test API failed to install".into(),
            timed_out: false,
        });
        return 3;
    }
    host.load_main(file);
    // Run the tests once the file (and, for an ES module, its top-level await) has loaded,
    // then end the worker: leftover timers or sockets of a test must not keep it alive.
    host.with(|_ctx, internals| {
        let testing: Object = internals.object().get("testing")?;
        let loaded: Promise = internals
            .object()
            .get::<_, Function>("mainLoaded")?
            .call(())?;
        let run: Function = testing.get("run")?;
        let exit: Function = internals.builtin("wxrun")?.get("exit")?;
        let finish = Function::new(
            internals.object().ctx().clone(),
            move || -> rquickjs::Result<()> {
                let run_promise: Promise = run.call(())?;
                run_promise
                    .then()?
                    .call::<_, ()>((rquickjs::function::This(run_promise.clone()), exit.clone()))
            },
        )?;
        loaded.then()?.call::<_, ()>((
            rquickjs::function::This(loaded.clone()),
            finish.clone(),
            finish,
        ))
    });
    let ending = host.run_loop().await;
    match ending {
        Ending::Exit(code) => code,
        Ending::Completed => 0,
        Ending::TimedOut(limit) => {
            emit(&Event::Aborted {
                reason: format!(
                    "the file was still running after {} ms (--file-timeout) and was stopped",
                    limit.as_millis()
                ),
                timed_out: true,
            });
            5
        }
        other => {
            emit(&Event::Aborted {
                reason: other.to_string(),
                timed_out: false,
            });
            3
        }
    }
}
