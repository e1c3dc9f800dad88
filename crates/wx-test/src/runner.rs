//! Running test files in worker processes, `jobs` at a time, and gathering their results. A
//! worker that crashes or hangs fails its file and the others go on.

use std::{
    collections::VecDeque,
    io::{BufRead, BufReader, Read},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
        mpsc,
    },
    thread,
    time::{Duration, Instant},
};

use crate::{
    events::{Event, FileRecord, Listed, SnapshotCounts, Status, TestResult},
    report::Reporter,
    worker::WorkerOptions,
};

/// The environment variable that carries [`WorkerOptions`] to a worker.
pub const WORKER_OPTIONS_ENV: &str = "WXRUN_WORKER_OPTIONS";
/// The hidden subcommand of the `wxrun` binary that runs one file.
pub const WORKER_COMMAND: &str = "__test-worker";

/// How a file's worker ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileOutcome {
    Finished,
    Crashed(String),
    TimedOut(String),
}

/// Everything known about one test file after its run.
#[derive(Clone, Debug)]
pub struct FileResult {
    pub path: PathBuf,
    /// The path as shown to users (relative to the working folder when possible).
    pub display: String,
    pub tests: Vec<TestResult>,
    pub listed: Vec<Listed>,
    pub record: FileRecord,
    pub outcome: FileOutcome,
    pub duration: Duration,
    /// What the worker printed on stderr (normally nothing).
    pub stderr: String,
}

impl FileResult {
    pub fn count(&self, status: Status) -> usize {
        self.tests.iter().filter(|t| t.status == status).count()
    }

    /// Failed as a whole: an error outside tests, a crash or a timeout.
    pub fn file_failed(&self) -> bool {
        !self.record.errors.is_empty() || self.outcome != FileOutcome::Finished
    }

    pub fn failed(&self) -> bool {
        self.file_failed() || self.count(Status::Failed) > 0
    }
}

/// Snapshot totals of a run, as Jest counts them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SnapshotTotals {
    pub counts: SnapshotCounts,
    /// `file › snapshot name` of each obsolete snapshot.
    pub obsolete: Vec<String>,
    /// Snapshot files whose test file is gone (removed with `-u`).
    pub obsolete_files: Vec<String>,
    pub files_removed: usize,
    /// `-u` was given: obsolete snapshots were removed instead of failing the run.
    pub updating: bool,
}

impl SnapshotTotals {
    /// As in Jest, obsolete snapshots (and snapshot files) fail a run that does not update
    /// them.
    pub fn failed(&self) -> bool {
        !self.updating && (!self.obsolete.is_empty() || !self.obsolete_files.is_empty())
    }

    fn is_empty(&self) -> bool {
        *self
            == SnapshotTotals {
                updating: self.updating,
                ..SnapshotTotals::default()
            }
    }

    /// `Snapshots: 1 failed, 2 written, 1 obsolete, 4 passed`, or nothing when no file has
    /// snapshots.
    pub fn line(&self) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let mut parts = Vec::new();
        let counts = self.counts;
        for (count, what) in [
            (counts.unmatched, "failed"),
            (counts.added, "written"),
            (counts.updated, "updated"),
            (counts.removed, "removed"),
            (self.files_removed, "file removed"),
            (self.obsolete.len(), "obsolete"),
            (self.obsolete_files.len(), "file obsolete"),
            (counts.matched, "passed"),
        ] {
            if count > 0 {
                parts.push(format!("{count} {what}"));
            }
        }
        Some(format!("Snapshots: {}", parts.join(", ")))
    }
}

/// Totals of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub todo: usize,
    pub files: usize,
    pub files_failed: usize,
    pub crashed: usize,
    pub timed_out: usize,
    pub not_run: usize,
    pub duration: Duration,
    pub snapshots: SnapshotTotals,
}

impl Summary {
    pub fn of(results: &[FileResult], not_run: usize, duration: Duration) -> Summary {
        let mut summary = Summary {
            files: results.len(),
            not_run,
            duration,
            ..Summary::default()
        };
        for file in results {
            if let Some(snapshot) = &file.record.snapshot {
                let totals = &mut summary.snapshots;
                totals.counts.add(snapshot.counts);
                totals.files_removed += usize::from(snapshot.file_removed);
                totals.obsolete.extend(
                    snapshot
                        .obsolete
                        .iter()
                        .map(|name| format!("{} › {name}", file.display)),
                );
            }
            summary.passed += file.count(Status::Passed);
            summary.failed += file.count(Status::Failed);
            summary.skipped += file.count(Status::Skipped) + file.count(Status::Todo);
            summary.todo += file.count(Status::Todo);
            if file.file_failed() {
                // A file that failed outside its tests counts as one failure.
                summary.failed += 1;
            }
            if file.failed() {
                summary.files_failed += 1;
            }
            match file.outcome {
                FileOutcome::Crashed(_) => summary.crashed += 1,
                FileOutcome::TimedOut(_) => summary.timed_out += 1,
                FileOutcome::Finished => {}
            }
        }
        summary
    }

    /// The exit code of `wxrun test` (docs/cli.md): 0 all passed, 1 a test failed, 3 a file
    /// crashed, 4 no test matched, 5 a file timed out.
    pub fn exit_code(&self) -> i32 {
        if self.crashed > 0 {
            3
        } else if self.timed_out > 0 {
            5
        } else if self.failed > 0 || self.snapshots.failed() {
            1
        } else if self.passed + self.skipped == 0 {
            4
        } else {
            0
        }
    }

    /// The last line of the default output.
    pub fn line(&self) -> String {
        format!(
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

/// What to run and how.
#[derive(Clone, Debug)]
pub struct RunPlan {
    pub cwd: PathBuf,
    pub files: Vec<PathBuf>,
    pub jobs: usize,
    /// The `wxrun` executable that workers run as.
    pub exe: PathBuf,
    /// Configuration flags passed on to every worker.
    pub worker_args: Vec<String>,
    pub worker: WorkerOptions,
    /// Stop starting files once this many tests have failed.
    pub bail: Option<usize>,
    /// Snapshot files whose test file is gone, and whether `-u` removes them.
    pub obsolete_snapshot_files: Vec<String>,
    pub updating_snapshots: bool,
}

fn display_path(cwd: &Path, path: &Path) -> String {
    path.strip_prefix(cwd)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.display().to_string())
}

enum Message {
    Started(usize),
    Test(usize, TestResult),
    Done(usize, Box<FileResult>),
}

/// Kills a worker that outlives its deadline (its own watchdog failed: native code that never
/// yields, a deadlock).
fn guard(child: Arc<Mutex<Child>>, deadline: Duration, done: mpsc::Receiver<()>) {
    thread::spawn(move || {
        if done.recv_timeout(deadline).is_err()
            && let Ok(mut child) = child.lock()
        {
            let _ = child.kill();
        }
    });
}

fn run_file(
    plan: &RunPlan,
    index: usize,
    path: &Path,
    sender: &mpsc::Sender<Message>,
) -> FileResult {
    let started = Instant::now();
    let mut result = FileResult {
        path: path.to_path_buf(),
        display: display_path(&plan.cwd, path),
        tests: Vec::new(),
        listed: Vec::new(),
        record: FileRecord::default(),
        outcome: FileOutcome::Finished,
        duration: Duration::ZERO,
        stderr: String::new(),
    };
    let options = serde_json::to_string(&plan.worker).unwrap_or_default();
    let spawned = Command::new(&plan.exe)
        .arg(WORKER_COMMAND)
        .arg(path)
        .args(&plan.worker_args)
        .env(WORKER_OPTIONS_ENV, options)
        .current_dir(&plan.cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(err) => {
            result.outcome = FileOutcome::Crashed(format!("the worker could not start: {err}"));
            return result;
        }
    };
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let child = Arc::new(Mutex::new(child));
    let (done_sender, done) = mpsc::channel();
    guard(
        child.clone(),
        Duration::from_millis(plan.worker.file_timeout) + Duration::from_secs(10),
        done,
    );
    let stderr_reader = thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut stderr) = stderr {
            let _ = stderr.read_to_string(&mut text);
        }
        text
    });
    let mut finished = false;
    let mut aborted = None;
    if let Some(stdout) = stdout {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            match Event::from_line(&line) {
                Some(Ok(Event::Test(test))) => {
                    let _ = sender.send(Message::Test(index, test.clone()));
                    result.tests.push(test);
                }
                Some(Ok(Event::List { tests })) => result.listed = tests,
                Some(Ok(Event::File(record))) => {
                    result.record = record;
                    finished = true;
                }
                Some(Ok(Event::Aborted { reason, timed_out })) => {
                    aborted = Some((reason, timed_out))
                }
                Some(Err(err)) => result
                    .stderr
                    .push_str(&format!("unreadable event: {err}\n")),
                None => result.stderr.push_str(&format!("{line}\n")),
            }
        }
    }
    let status = child.lock().ok().and_then(|mut child| child.wait().ok());
    let _ = done_sender.send(());
    result
        .stderr
        .push_str(&stderr_reader.join().unwrap_or_default());
    result.duration = started.elapsed();
    result.outcome = match (finished, aborted, status) {
        (_, Some((reason, true)), _) => FileOutcome::TimedOut(reason),
        (_, Some((reason, false)), _) => FileOutcome::Crashed(reason),
        (true, None, _) => FileOutcome::Finished,
        (false, None, Some(status)) => FileOutcome::Crashed(match status.code() {
            Some(code) => format!("the worker exited with code {code} before the file finished"),
            None => {
                let killed = started.elapsed() >= Duration::from_millis(plan.worker.file_timeout);
                if killed {
                    return FileResult {
                        outcome: FileOutcome::TimedOut(format!(
                            "the file did not finish within {} ms and its worker was killed",
                            plan.worker.file_timeout
                        )),
                        ..result
                    };
                }
                format!("the worker was killed by a signal ({status})")
            }
        }),
        (false, None, None) => FileOutcome::Crashed("the worker vanished".into()),
    };
    result
}

/// Runs `plan`, feeding `reporters` as results arrive. Returns the results in file order and
/// the number of files not run because of `--bail`.
pub fn run(plan: &RunPlan, reporters: &mut [Box<dyn Reporter>]) -> (Vec<FileResult>, Summary) {
    let started = Instant::now();
    let queue: Arc<Mutex<VecDeque<(usize, PathBuf)>>> =
        Arc::new(Mutex::new(plan.files.iter().cloned().enumerate().collect()));
    let failures = Arc::new(AtomicUsize::new(0));
    let (sender, receiver) = mpsc::channel();
    let mut workers = Vec::new();
    for _ in 0..plan.jobs.max(1).min(plan.files.len().max(1)) {
        let queue = queue.clone();
        let sender = sender.clone();
        let plan = plan.clone();
        let failures = failures.clone();
        workers.push(thread::spawn(move || {
            loop {
                if plan
                    .bail
                    .is_some_and(|limit| failures.load(Ordering::Acquire) >= limit)
                {
                    break;
                }
                let next = queue.lock().ok().and_then(|mut q| q.pop_front());
                let Some((index, path)) = next else { break };
                let _ = sender.send(Message::Started(index));
                let result = run_file(&plan, index, &path, &sender);
                let failed = result.count(Status::Failed) + usize::from(result.file_failed());
                failures.fetch_add(failed, Ordering::AcqRel);
                let _ = sender.send(Message::Done(index, Box::new(result)));
            }
        }));
    }
    drop(sender);
    let mut results: Vec<Option<FileResult>> = vec![None; plan.files.len()];
    for message in receiver {
        match message {
            Message::Started(index) => {
                for reporter in reporters.iter_mut() {
                    reporter.file_started(&display_path(&plan.cwd, &plan.files[index]));
                }
            }
            Message::Test(index, test) => {
                let display = display_path(&plan.cwd, &plan.files[index]);
                for reporter in reporters.iter_mut() {
                    reporter.test_finished(&display, &test);
                }
            }
            Message::Done(index, result) => {
                for reporter in reporters.iter_mut() {
                    reporter.file_finished(&result);
                }
                results[index] = Some(*result);
            }
        }
    }
    for worker in workers {
        let _ = worker.join();
    }
    let not_run = results.iter().filter(|r| r.is_none()).count();
    let results: Vec<FileResult> = results.into_iter().flatten().collect();
    let mut summary = Summary::of(&results, not_run, started.elapsed());
    summary.snapshots.updating = plan.updating_snapshots;
    if plan.updating_snapshots {
        summary.snapshots.files_removed += plan.obsolete_snapshot_files.len();
    } else {
        summary.snapshots.obsolete_files = plan.obsolete_snapshot_files.clone();
    }
    for reporter in reporters.iter_mut() {
        reporter.finished(&results, &summary);
    }
    (results, summary)
}
