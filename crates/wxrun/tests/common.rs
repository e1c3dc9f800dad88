//! Helpers shared by the CLI tests: run the real `wxrun` binary and capture what it printed.

#![allow(dead_code)]

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

pub fn fixtures(sub: &str) -> PathBuf {
    repo_root().join("fixtures").join(sub)
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

pub fn wxrun() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wxrun"))
}

/// Runs `wxrun ARGS` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    wxrun()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("wxrun starts")
        .into()
}

/// The trace lines without their timestamps.
pub fn trace(run: &Run) -> Vec<String> {
    run.stderr
        .lines()
        .filter_map(|line| line.strip_prefix("[trace +"))
        .map(|rest| {
            rest.split_once("ms] ")
                .map_or(rest, |(_, text)| text)
                .to_string()
        })
        .collect()
}

/// Asserts that `expected` appear in `lines` in this order (other lines may come between).
pub fn in_order(lines: &[String], expected: &[&str]) {
    let mut at = 0;
    for want in expected {
        match lines[at..].iter().position(|line| line.starts_with(want)) {
            Some(found) => at += found + 1,
            None => panic!("{want:?} not found (in order) in:\n{}", lines.join("\n")),
        }
    }
}

/// A prerequisite of a test that this machine lacks.
pub struct Missing {
    pub reason: String,
    /// Whether `.ci/prerequisites` installs it (a Debian package), so that CI must not skip.
    pub installable: bool,
}

/// Whether a command runs and succeeds: `Err(Missing)` naming the Debian package it comes
/// from when it cannot be started.
pub fn command_works(program: &str, args: &[&str], package: &str) -> Result<bool, Missing> {
    match Command::new(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
    {
        Ok(status) => Ok(status.success()),
        Err(err) => Err(Missing {
            reason: format!("`{program}` cannot be started ({err}); Debian's {package} has it"),
            installable: true,
        }),
    }
}

/// A test of a harness-less test file (libtest-mimic) that needs `prerequisite`. When it is
/// missing, the test is reported as ignored, with `SKIP name: reason` on stderr, and so counted
/// in the summary line; when `CI` is set and `.ci/prerequisites` could have installed it, the
/// test fails instead.
pub fn needing(name: &str, prerequisite: Result<(), Missing>, body: fn()) -> libtest_mimic::Trial {
    let Err(missing) = prerequisite else {
        return libtest_mimic::Trial::test(name, move || {
            body();
            Ok(())
        });
    };
    let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    if missing.installable && in_ci {
        let reason = format!(
            "{}; CI is set and .ci/prerequisites installs it: run that script",
            missing.reason
        );
        return libtest_mimic::Trial::test(name, move || Err(reason.into()));
    }
    eprintln!("SKIP {name}: {}", missing.reason);
    let reason = missing.reason;
    libtest_mimic::Trial::test(name, move || Err(format!("not run here: {reason}").into()))
        .with_ignored_flag(true)
}

/// Runs the tests of a harness-less test file with the arguments cargo test passed.
pub fn run_tests(trials: Vec<libtest_mimic::Trial>) -> std::process::ExitCode {
    libtest_mimic::run(&libtest_mimic::Arguments::from_args(), trials).exit_code()
}

/// A running `wxrun` whose output is collected as it comes, so that a test waits for what the
/// process prints instead of sleeping.
pub struct Running {
    child: std::process::Child,
    stdout: std::sync::Arc<std::sync::Mutex<String>>,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

/// How long a test waits for output it expects before it fails.
pub const OUTPUT_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30);

impl Running {
    pub fn start(mut command: Command) -> Running {
        use std::io::Read;
        let mut child = command
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("wxrun starts");
        let stdout = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let collect = |mut from: Box<dyn Read + Send>,
                       into: std::sync::Arc<std::sync::Mutex<String>>| {
            std::thread::spawn(move || {
                let mut buffer = [0; 4096];
                while let Ok(n) = from.read(&mut buffer) {
                    if n == 0 {
                        break;
                    }
                    into.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buffer[..n]));
                }
            })
        };
        let readers = vec![
            collect(Box::new(child.stdout.take().unwrap()), stdout.clone()),
            collect(Box::new(child.stderr.take().unwrap()), stderr.clone()),
        ];
        Running {
            child,
            stdout,
            stderr,
            readers,
        }
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Waits until `printed(stdout, stderr)` holds, polling; fails the test after
    /// [`OUTPUT_DEADLINE`] with what was printed.
    pub fn wait_for(&self, what: &str, printed: impl Fn(&str, &str) -> bool) {
        let deadline = std::time::Instant::now() + OUTPUT_DEADLINE;
        loop {
            {
                let (out, err) = (self.stdout.lock().unwrap(), self.stderr.lock().unwrap());
                if printed(&out, &err) {
                    return;
                }
                assert!(
                    std::time::Instant::now() < deadline,
                    "{what}: not printed within {OUTPUT_DEADLINE:?}\nstdout:\n{out}\nstderr:\n{err}"
                );
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Waits for the process to end and returns what it printed.
    pub fn finish(mut self) -> Run {
        let status = self.child.wait().unwrap();
        for reader in self.readers.drain(..) {
            reader.join().unwrap();
        }
        Run {
            code: status.code().unwrap_or(-1),
            stdout: std::mem::take(&mut *self.stdout.lock().unwrap()),
            stderr: std::mem::take(&mut *self.stderr.lock().unwrap()),
        }
    }
}

/// Installs the npm dependencies of the project in `dir` (pinned by its package-lock.json)
/// unless `marker` (a file under its node_modules) is there already. Returns false when npm
/// is not on this machine; fails the test when npm is there but the install fails.
pub fn npm_ci(dir: &Path, marker: &str) -> bool {
    if dir.join("node_modules").join(marker).is_file() {
        return true;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir)
        .status();
    match status {
        Ok(status) => {
            assert!(status.success(), "npm ci failed in {}", dir.display());
            true
        }
        Err(_) => false,
    }
}

/// Copies the folder `from` to `to`, leaving out `node_modules`.
pub fn copy_project(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "node_modules" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_project(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs `program ARGS` in `dir` as outside CI and without colour (`CI` unset, `NO_COLOR`,
/// `FORCE_COLOR=0`), so that snapshots may be written and output compared as text.
pub fn run_outside_ci(dir: &Path, program: &Path, args: &[&str]) -> Run {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env_remove("CI")
        .env("NO_COLOR", "1")
        .env("FORCE_COLOR", "0")
        .output()
        .unwrap_or_else(|err| panic!("{} starts: {err}", program.display()))
        .into()
}

/// `wxrun test ARGS` in `dir`, outside CI.
pub fn wxrun_test_in(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["test"];
    all.extend(args);
    run_outside_ci(dir, Path::new(env!("CARGO_BIN_EXE_wxrun")), &all)
}
