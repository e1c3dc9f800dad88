//! Uploads and downloads stream through the file on disk, never holding it whole in memory
//! (spec sections 5 and 6), measured: the 100 MB round trip of
//! `js-tests/transfer/round-trip.memory-test.js` runs under `wxrun test`, and the peak resident
//! memory of that process and its worker stays far below the size of the file.

mod common;

use std::process::Stdio;

use common::{Run, repo_root, wxrun};

/// Peak resident memory allowed for the run: a whole-file buffer alone would be 100 MiB.
const CEILING_KIB: i64 = 64 * 1024;

#[test]
fn a_100_mb_round_trip_stays_under_a_memory_ceiling() {
    let servers = wx_testkit::TestServers::start().expect("test servers start");
    let dir = tempfile::tempdir().unwrap();
    let config = servers.write_config(dir.path()).unwrap();
    let stdout = std::fs::File::create(dir.path().join("stdout")).unwrap();
    let stderr = std::fs::File::create(dir.path().join("stderr")).unwrap();
    let mut command = wxrun();
    command
        .current_dir(repo_root())
        .args([
            "test",
            "js-tests/transfer/round-trip.memory-test.js",
            "--config",
        ])
        .arg(&config)
        .env("NO_COLOR", "1")
        .stdout(Stdio::from(stdout))
        .stderr(Stdio::from(stderr));
    for (key, value) in servers.env() {
        command.env(key, value);
    }
    #[allow(clippy::zombie_processes, reason = "reaped by wait4 below")]
    let child = command.spawn().expect("wxrun starts");
    // wait4 rather than Child::wait: it also reports the peak memory of the child, including
    // the worker it waited for.
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, with valid pointers.
    let waited = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(waited, child.id() as libc::pid_t, "wait4 failed");
    let out = Run {
        code: if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        },
        stdout: std::fs::read_to_string(dir.path().join("stdout")).unwrap(),
        stderr: std::fs::read_to_string(dir.path().join("stderr")).unwrap(),
    };
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .trim_end()
            .ends_with("1 passed, 0 failed, 0 skipped"),
        "{}",
        out.stdout
    );
    let peak_kib = usage.ru_maxrss;
    println!("peak resident memory: {} MiB", peak_kib / 1024);
    assert!(
        peak_kib < CEILING_KIB,
        "the round trip peaked at {} MiB, above the {} MiB ceiling: is a file read whole?",
        peak_kib / 1024,
        CEILING_KIB / 1024
    );
}
