//! The worker: one test file in a fresh runtime, reporting events on stdout.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use rquickjs::{Ctx, Function, Object, Promise, Value, prelude::Func};
use serde::{Deserialize, Serialize};
use wx_bridge::{Natives, declared::test};
use wx_host::{Ending, Host, Internals};

use crate::{coverage::CoverageScope, events::Event};

const EXPECT: &[u8] = wx_bytecode::layer!("expect.js");
const TESTING: &[u8] = wx_bytecode::layer!("testing.js");

/// The layers of the test API loaded on first use, by name.
const LAZY_LAYERS: [(&str, &[u8]); 4] = [
    ("pretty", wx_bytecode::layer!("pretty.js")),
    ("mock", wx_bytecode::layer!("mock.js")),
    ("timers", wx_bytecode::layer!("timers.js")),
    ("snapshot", wx_bytecode::layer!("snapshot.js")),
];

/// How snapshot matchers treat a snapshot that differs or is missing (Jest's
/// `updateSnapshot`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SnapshotUpdate {
    /// `-u`: write every snapshot that differs, remove obsolete ones.
    All,
    /// Write missing snapshots, fail on differing ones (the default outside CI).
    #[default]
    New,
    /// Write nothing: a missing snapshot fails (CI).
    None,
}

/// What a Jest configuration asks of every test file.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FileSetup {
    /// Run before the test file (Jest's `setupFiles`, then `setupFilesAfterEnv`).
    pub setup_files: Vec<PathBuf>,
    /// Jest's `moduleNameMapper`: a regular expression and the paths it maps to.
    pub module_name_mapper: Vec<(String, Vec<String>)>,
    pub clear_mocks: bool,
    pub reset_mocks: bool,
    pub restore_mocks: bool,
    /// Fake timers from the start of each file (Jest's `fakeTimers.enableGlobally`).
    pub fake_timers: bool,
    /// Global variables every file sees (Jest's `globals`).
    pub globals: Option<serde_json::Value>,
}

/// What a worker needs to know of the run, passed to the JS test API as `native.options`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
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
    pub snapshot_update: SnapshotUpdate,
    /// Running in CI (`--ci` or `CI` set): said in the message of a snapshot not written.
    pub ci: bool,
    /// The project root (Jest's `rootDir`).
    pub root_dir: PathBuf,
    /// `<rootDir>/__mocks__` exists: packages' manual mocks are there.
    pub root_mocks: bool,
    /// What the Jest configuration asks of every file.
    #[serde(flatten)]
    pub setup: FileSetup,
    /// Coverage: which files are instrumented, and where the worker leaves its counts.
    pub coverage: Option<CoverageScope>,
}

fn emit(event: &Event) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", event.to_line());
    let _ = stdout.flush();
}

/// Evaluates a lazily loaded layer of the test API.
fn layer<'js>(ctx: Ctx<'js>, name: String) -> rquickjs::Result<Value<'js>> {
    let (_, bytecode) = LAZY_LAYERS
        .iter()
        .find(|(layer, _)| *layer == name)
        .ok_or(rquickjs::Error::Unknown)?;
    wx_host::eval_layer(&ctx, bytecode)
}

/// Where the snapshots of `file` are kept: `__snapshots__/<file>.snap` beside it.
pub fn snapshot_path(file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .map(|name| format!("{}.snap", name.to_string_lossy()))
        .unwrap_or_default();
    file.parent()
        .unwrap_or(Path::new("."))
        .join("__snapshots__")
        .join(name)
}

fn throw<'js>(ctx: &Ctx<'js>, message: String) -> rquickjs::Error {
    rquickjs::Exception::throw_message(ctx, &message)
}

/// The file access snapshots need: the `.snap` file and inline snapshots in test sources.
fn install_files<'js>(native: &mut Natives<'js>, file: &Path) -> rquickjs::Result<()> {
    native.set(&test::FILE, file.to_string_lossy().as_ref())?;
    let snapshot_file = snapshot_path(file);
    native.set(
        &test::SNAPSHOT_FILE_EXISTS,
        Func::from(move || snapshot_file.is_file()),
    )?;
    native.set(
        &test::READ_FILE,
        Func::from(|path: String| std::fs::read_to_string(path).ok()),
    )?;
    native.set(
        &test::WRITE_FILE,
        Func::from(|ctx: Ctx<'js>, path: String, text: String| {
            let path = PathBuf::from(path);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|err| {
                    throw(&ctx, format!("cannot create {}: {err}", dir.display()))
                })?;
            }
            std::fs::write(&path, text)
                .map_err(|err| throw(&ctx, format!("cannot write {}: {err}", path.display())))
        }),
    )?;
    native.set(
        &test::REMOVE_FILE,
        Func::from(|path: String| std::fs::remove_file(path).is_ok()),
    )?;
    native.set(
        &test::WRITE_INLINE_SNAPSHOTS,
        Func::from(|ctx: Ctx<'js>, path: String, entries: String| {
            write_inline_snapshots(Path::new(&path), &entries)
                .map_err(|message| throw(&ctx, message))
        }),
    )?;
    Ok(())
}

/// Writes inline snapshots (JSON: `[{line, column, snapshot}]`) into the source at `path`.
fn write_inline_snapshots(path: &Path, entries: &str) -> Result<(), String> {
    #[derive(Deserialize)]
    struct Entry {
        line: u32,
        column: u32,
        snapshot: String,
    }
    let entries: Vec<Entry> =
        serde_json::from_str(entries).map_err(|err| format!("inline snapshots: {err}"))?;
    let lang = wx_compile::Lang::of_path(path).unwrap_or(wx_compile::Lang::JavaScript);
    let source = std::fs::read_to_string(path).map_err(|err| {
        format!(
            "cannot read {} to write inline snapshots: {err}",
            path.display()
        )
    })?;
    let snapshots: Vec<wx_compile::InlineSnapshot> = entries
        .into_iter()
        .map(|entry| wx_compile::InlineSnapshot {
            line: entry.line,
            column: entry.column,
            snapshot: entry.snapshot,
        })
        .collect();
    let written =
        wx_compile::write_inline_snapshots(&source, lang, &snapshots).map_err(|error| {
            format!(
                "cannot write inline snapshots into {}:{}:{}: {}",
                path.display(),
                error.line,
                error.column,
                error.message
            )
        })?;
    std::fs::write(path, written).map_err(|err| format!("cannot write {}: {err}", path.display()))
}

fn install(host: &Host, file: &Path, options: &WorkerOptions) -> Option<()> {
    let options_json = serde_json::to_string(options).unwrap_or_else(|_| "{}".into());
    host.with(|ctx, internals| {
        let mut native = Natives::new(ctx, test::TABLE)?;
        native.set(&test::OPTIONS, ctx.json_parse(options_json.clone())?)?;
        native.set(&test::LAYER, Func::from(layer))?;
        install_files(&mut native, file)?;
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

/// Runs the setup files (Jest's `setupFiles` and `setupFilesAfterEnv`) and the file's own
/// preparation (fake timers for every file) before the test file loads. An error in a
/// setup file belongs to the file.
fn set_up(host: &Host, options: &WorkerOptions) {
    host.with(|_ctx, internals: &Internals| {
        let testing: Object = internals.object().get("testing")?;
        testing.get::<_, Function>("prepare")?.call::<_, ()>(())?;
        let load: Function = internals.object().get("loadModule")?;
        for file in &options.setup.setup_files {
            load.call::<_, Value>((file.to_string_lossy().as_ref(),))?;
        }
        Ok(())
    });
}

/// Runs the tests of `file` in `host` (which has `wx` installed) and returns the exit code.
pub async fn run(host: &Host, file: &Path, options: &WorkerOptions) -> i32 {
    if install(host, file, options).is_none() {
        emit(&Event::Aborted {
            reason: "the test API failed to install".into(),
            timed_out: false,
        });
        return 3;
    }
    set_up(host, options);
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
