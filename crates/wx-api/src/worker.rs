//! `wx.createWorker`: a real second JavaScript runtime on its own thread, running the worker
//! script with the global `worker` (postMessage, onMessage, env, testOnProcessKilled), its own
//! timers and modules. Messages cross as JSON text, each as a macrotask of the receiving side.
//!
//! The run stays alive while the worker has work (a message in flight, a timer, the script
//! loading); an idle worker does not keep it open, and a terminated one stops at once, even in
//! the middle of a loop.

use std::{
    cell::RefCell,
    collections::HashMap,
    path::{Path, PathBuf},
    rc::Rc,
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicBool, Ordering},
    },
};

use rquickjs::{Function, Object, prelude::Func};
use tokio::sync::Notify;
use wx_bridge::{Natives, Text, declared::worker, declared::worker_global, declared::wx};
use wx_host::{Ending, Host, HostOptions, Internals, KeepAlive, LoopHandle, Stopper};

const WORKER_GLOBAL: &[u8] = wx_bytecode::layer!("worker/global.js");

/// What the main thread and a worker thread share.
#[derive(Default)]
struct Link {
    state: Mutex<LinkState>,
    /// Signalled on every message to the worker and on terminate.
    wake: Notify,
    terminated: AtomicBool,
}

#[derive(Default)]
struct LinkState {
    /// The worker's loop, once its host is up.
    handle: Option<LoopHandle>,
    stopper: Option<Stopper>,
    /// Messages posted before the worker's host was up, with what keeps the run open for them.
    pending: Vec<(String, KeepAlive)>,
}

impl Link {
    fn state(&self) -> MutexGuard<'_, LinkState> {
        // Nothing panics while the state is held, so a poisoned lock is still consistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn is_terminated(&self) -> bool {
        self.terminated.load(Ordering::Acquire)
    }

    /// Hands `json` to the worker; `keep` holds the run open until the worker has run it.
    fn send(&self, json: String, keep: KeepAlive) {
        let mut state = self.state();
        match &state.handle {
            Some(handle) => {
                handle.post(deliver_to_worker(json, keep));
            }
            None => state.pending.push((json, keep)),
        }
        drop(state);
        self.wake.notify_one();
    }

    fn terminate(&self) {
        self.terminated.store(true, Ordering::Release);
        let state = self.state();
        if let Some(stopper) = &state.stopper {
            stopper.stop();
        }
        drop(state);
        self.wake.notify_one();
    }
}

fn deliver_to_worker(json: String, keep: KeepAlive) -> wx_host::Macrotask {
    Box::new(move |_ctx, internals| {
        let deliver: Function = internals.object().get("workerDeliver")?;
        let result = deliver.call::<_, ()>((json,));
        drop(keep);
        result
    })
}

/// Posts an event of worker `id` to the main thread's task handler.
fn to_main(main: &LoopHandle, id: f64, kind: &'static str, payload: Option<String>) {
    main.post(Box::new(move |_ctx, internals: &Internals<'_>| {
        let dispatch: Function = internals.object().get("wxDispatch")?;
        dispatch.call((id, kind, payload))
    }));
}

/// Where the worker script `script_path` is: relative to the mini-program root, inside the
/// `workers` folder app.json names (when it names one), with `.js` or `.ts` added when missing.
/// Else the catalogue key and details of the refusal.
fn locate(root: &Path, script_path: &str) -> Result<PathBuf, (&'static str, Vec<String>)> {
    let relative = script_path.trim_start_matches('/');
    if let Some(folder) = workers_folder(root) {
        let inside = Path::new(relative)
            .components()
            .zip(Path::new(&folder).components())
            .filter(|(a, b)| a == b)
            .count()
            == Path::new(&folder).components().count();
        if !inside {
            return Err(("workerOutsideFolder", vec![script_path.into(), folder]));
        }
    }
    let base = root.join(relative);
    let candidates = [
        base.clone(),
        base.with_extension("js"),
        base.with_extension("ts"),
    ];
    candidates
        .iter()
        .find(|path| path.is_file())
        .cloned()
        .ok_or_else(|| ("workerNotFound", vec![base.display().to_string()]))
}

/// app.json's `workers`: a folder, or `{ "path": folder, ... }`.
fn workers_folder(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("app.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let workers = json.get("workers")?;
    let folder = workers
        .as_str()
        .or_else(|| workers.get("path").and_then(|p| p.as_str()))?;
    Some(folder.trim_matches('/').to_string())
}

/// The worker thread: its own host and loop until terminated, killed or broken.
fn run_worker(
    id: f64,
    script: PathBuf,
    options: HostOptions,
    link: Arc<Link>,
    main: LoopHandle,
    loading: KeepAlive,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            to_main(&main, id, "failed", Some(err.to_string()));
            return;
        }
    };
    runtime.block_on(async {
        let host = match Host::new(options) {
            Ok(host) => host,
            Err(err) => {
                to_main(&main, id, "failed", Some(err.to_string()));
                return;
            }
        };
        let installed = host.with(|ctx, internals| {
            let natives = global_natives(ctx, &main, id, &link)?;
            let deliver: Function = internals
                .eval_layer(WORKER_GLOBAL)?
                .into_function()
                .ok_or(rquickjs::Error::Unknown)?
                .call((natives,))?;
            internals.object().set("workerDeliver", deliver)
        });
        if installed.is_none() {
            to_main(&main, id, "exit", Some("uncaught".into()));
            return;
        }
        {
            let mut state = link.state();
            let handle = host.loop_handle();
            for (json, keep) in state.pending.drain(..) {
                handle.post(deliver_to_worker(json, keep));
            }
            state.handle = Some(handle);
            state.stopper = Some(host.stopper());
        }
        let mut busy = Some(loading);
        if !link.is_terminated() {
            host.load_main(&script);
        }
        let ending = loop {
            let ending = host.run_loop().await;
            if ending != Ending::Completed || link.is_terminated() {
                break ending;
            }
            // Idle: the run need not wait for this worker until a message comes.
            busy.take();
            link.wake.notified().await;
            if link.is_terminated() {
                break Ending::Completed;
            }
            busy = Some(main.keep_alive());
        };
        let how = match ending {
            Ending::Uncaught | Ending::OutOfMemory(_) => "uncaught",
            _ => "ended",
        };
        // Posted before the run may end, so the main thread hears how the worker ended.
        to_main(&main, id, "exit", Some(how.into()));
        drop(busy);
    });
}

/// The natives of the worker's global `worker`.
fn global_natives<'js>(
    ctx: &rquickjs::Ctx<'js>,
    main: &LoopHandle,
    id: f64,
    link: &Arc<Link>,
) -> rquickjs::Result<Object<'js>> {
    let mut natives = Natives::new(ctx, worker_global::TABLE)?;
    let to = main.clone();
    natives.set(
        &worker_global::POST,
        Func::from(move |json: Text| to_main(&to, id, "message", Some(json.to_string()))),
    )?;
    let to = main.clone();
    let killed = link.clone();
    natives.set(
        &worker_global::KILLED,
        Func::from(move || {
            to_main(&to, id, "killed", None);
            killed.terminate();
        }),
    )?;
    natives.finish()
}

pub(crate) fn install<'js>(
    native: &mut Natives<'js>,
    internals: &Internals<'js>,
) -> rquickjs::Result<()> {
    let mut natives = native.group(&wx::WORKER_GROUP)?;
    // Only the JS thread's natives use the map.
    let links: Rc<RefCell<HashMap<u64, Arc<Link>>>> = Rc::default();
    let options = internals.worker_options();
    let main = internals.loop_handle();
    let created = links.clone();
    natives.set(
        &worker::CREATE,
        Func::from(
            move |id: f64, script_path: Text, root: Option<Text>| -> Option<Vec<String>> {
                let root = root
                    .map(|root| PathBuf::from(root.to_string()))
                    .or_else(|| options.modules.root.clone())
                    .or_else(|| std::env::current_dir().ok())
                    .unwrap_or_default();
                let script = match locate(&root, &script_path) {
                    Ok(script) => script,
                    Err((key, details)) => {
                        return Some(std::iter::once(key.to_string()).chain(details).collect());
                    }
                };
                let link = Arc::new(Link::default());
                created.borrow_mut().insert(id as u64, link.clone());
                let (options, main) = (options.clone(), main.clone());
                let loading = main.keep_alive();
                let spawned = std::thread::Builder::new()
                    .name("wxrun-worker".into())
                    .spawn(move || run_worker(id, script, options, link, main, loading));
                match spawned {
                    Ok(_) => None,
                    Err(err) => Some(vec!["workerNotStarted".into(), err.to_string()]),
                }
            },
        ),
    )?;
    let posted = links.clone();
    let main = internals.loop_handle();
    natives.set(
        &worker::POST,
        Func::from(move |id: f64, json: Text| {
            if let Some(link) = posted.borrow().get(&(id as u64)) {
                link.send(json.to_string(), main.keep_alive());
            }
        }),
    )?;
    natives.set(
        &worker::TERMINATE,
        Func::from(move |id: f64| {
            let link = links.borrow_mut().remove(&(id as u64));
            if let Some(link) = link {
                link.terminate();
            }
        }),
    )?;
    native.set(&wx::WORKER_GROUP, natives.finish()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_are_found_inside_the_workers_folder_with_or_without_extension() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("app.json"), r#"{"workers": "workers"}"#).unwrap();
        std::fs::create_dir(root.path().join("workers")).unwrap();
        std::fs::write(root.path().join("workers/echo.js"), "").unwrap();
        std::fs::write(root.path().join("outside.js"), "").unwrap();
        let found = root.path().join("workers/echo.js");
        assert_eq!(locate(root.path(), "workers/echo.js").unwrap(), found);
        assert_eq!(locate(root.path(), "/workers/echo").unwrap(), found);
        assert_eq!(
            locate(root.path(), "outside.js").unwrap_err().0,
            "workerOutsideFolder"
        );
        assert_eq!(
            locate(root.path(), "workers/none.js").unwrap_err().0,
            "workerNotFound"
        );
    }

    #[test]
    fn without_a_workers_folder_any_script_of_the_root_runs() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("w.js"), "").unwrap();
        assert!(locate(root.path(), "w.js").is_ok());
    }
}
