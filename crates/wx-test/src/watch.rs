//! `wxrun test --watch`: after a full run, re-run the files a change affects. A test file is
//! affected when it changed or when it loaded the changed file as a module (the workers report
//! what each file loaded); configuration files affect everything.

use std::{
    collections::{BTreeSet, HashMap},
    path::{Path, PathBuf},
    sync::mpsc,
    time::Duration,
};

use notify::{RecursiveMode, Watcher};

use crate::{
    report::Reporter,
    runner::{self, FileResult, RunPlan},
};

const CONFIG_FILES: &[&str] = &[
    "wxrun.json",
    "project.config.json",
    "project.private.config.json",
    "app.json",
    "game.json",
];

/// Which file → the test files that loaded it.
#[derive(Default)]
pub struct ModuleGraph {
    users: HashMap<PathBuf, BTreeSet<PathBuf>>,
}

impl ModuleGraph {
    pub fn record(&mut self, results: &[FileResult]) {
        for result in results {
            for users in self.users.values_mut() {
                users.remove(&result.path);
            }
            self.users
                .entry(result.path.clone())
                .or_default()
                .insert(result.path.clone());
            for module in &result.record.modules {
                self.users
                    .entry(PathBuf::from(module))
                    .or_default()
                    .insert(result.path.clone());
            }
        }
    }

    /// The test files to run again after `changed`, among `tests` (the current discovery).
    pub fn affected(&self, changed: &[PathBuf], tests: &[PathBuf]) -> Vec<PathBuf> {
        let mut out = BTreeSet::new();
        for path in changed {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if CONFIG_FILES.contains(&name) {
                return tests.to_vec();
            }
            if tests.contains(path) {
                out.insert(path.clone());
            }
            if let Some(users) = self.users.get(path) {
                out.extend(users.iter().filter(|t| tests.contains(t)).cloned());
            }
        }
        out.into_iter().collect()
    }
}

fn ignored(path: &Path) -> bool {
    path.components().any(|c| {
        let part = c.as_os_str().to_string_lossy();
        part == "node_modules" || part == "target" || (part.starts_with('.') && part.len() > 1)
    })
}

/// Runs `plan`, then re-runs affected files on every change until interrupted. `discover`
/// finds the test files again (a new test file joins in); `reporters` makes fresh reporters
/// for each round.
pub fn watch(
    mut plan: RunPlan,
    discover: impl Fn() -> Vec<PathBuf>,
    reporters: impl Fn(&RunPlan) -> Vec<Box<dyn Reporter>>,
) -> Result<(), String> {
    let (sender, receiver) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && !matches!(event.kind, notify::EventKind::Access(_))
        {
            let _ = sender.send(event.paths);
        }
    })
    .map_err(|err| format!("cannot watch files: {err}"))?;
    watcher
        .watch(&plan.cwd, RecursiveMode::Recursive)
        .map_err(|err| format!("cannot watch {}: {err}", plan.cwd.display()))?;
    let mut graph = ModuleGraph::default();
    let (results, _) = runner::run(&plan, &mut reporters(&plan));
    graph.record(&results);
    eprintln!("\nwxrun: watching for changes (Ctrl-C to stop)");
    loop {
        let Ok(first) = receiver.recv() else {
            return Ok(());
        };
        // Collect the burst of events one save produces.
        let mut changed: BTreeSet<PathBuf> = first.into_iter().collect();
        while let Ok(more) = receiver.recv_timeout(Duration::from_millis(150)) {
            changed.extend(more);
        }
        let changed: Vec<PathBuf> = changed
            .into_iter()
            .filter(|p| !ignored(p.strip_prefix(&plan.cwd).unwrap_or(p)))
            .map(|p| p.canonicalize().unwrap_or(p))
            .collect();
        let tests = discover();
        let affected = graph.affected(&changed, &tests);
        if affected.is_empty() {
            continue;
        }
        eprintln!(
            "wxrun: running {} affected file{}",
            affected.len(),
            if affected.len() == 1 { "" } else { "s" }
        );
        plan.files = affected;
        let (results, _) = runner::run(&plan, &mut reporters(&plan));
        graph.record(&results);
        eprintln!("\nwxrun: watching for changes (Ctrl-C to stop)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{events::FileRecord, runner::FileOutcome};

    fn result(path: &str, modules: &[&str]) -> FileResult {
        FileResult {
            path: PathBuf::from(path),
            display: path.into(),
            tests: Vec::new(),
            listed: Vec::new(),
            record: FileRecord {
                modules: modules.iter().map(|m| m.to_string()).collect(),
                ..FileRecord::default()
            },
            outcome: FileOutcome::Finished,
            duration: Duration::ZERO,
            stderr: String::new(),
        }
    }

    #[test]
    fn affected_files_follow_the_module_graph() {
        let mut graph = ModuleGraph::default();
        graph.record(&[
            result("/p/a.test.js", &["/p/a.test.js", "/p/lib/util.js"]),
            result("/p/b.test.js", &["/p/b.test.js", "/p/lib/other.js"]),
        ]);
        let tests = vec![
            PathBuf::from("/p/a.test.js"),
            PathBuf::from("/p/b.test.js"),
            PathBuf::from("/p/new.test.js"),
        ];
        let run = |graph: &ModuleGraph, changed: &[&str]| {
            graph.affected(
                &changed.iter().map(PathBuf::from).collect::<Vec<_>>(),
                &tests,
            )
        };
        assert_eq!(
            run(&graph, &["/p/lib/util.js"]),
            vec![PathBuf::from("/p/a.test.js")]
        );
        assert_eq!(
            run(&graph, &["/p/b.test.js"]),
            vec![PathBuf::from("/p/b.test.js")]
        );
        assert_eq!(
            run(&graph, &["/p/new.test.js"]),
            vec![PathBuf::from("/p/new.test.js")]
        );
        assert_eq!(run(&graph, &["/p/unrelated.js"]), Vec::<PathBuf>::new());
        assert_eq!(run(&graph, &["/p/wxrun.json"]).len(), 3);
        // A file that stops loading a module is no longer affected by it.
        graph.record(&[result("/p/a.test.js", &["/p/a.test.js"])]);
        assert_eq!(run(&graph, &["/p/lib/util.js"]), Vec::<PathBuf>::new());
    }
}
