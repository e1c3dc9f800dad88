//! Running a benchmark process and reading what it cost from the kernel (wait4's rusage: peak
//! memory and CPU time), the same way for wxrun, Node.js, curl and wrk.

use std::{
    io::Read,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};

pub struct Finished {
    pub stdout: String,
    /// Peak resident set size in KiB.
    pub max_rss_kib: u64,
    /// User plus system CPU time.
    pub cpu: Duration,
    /// From spawn to exit.
    pub wall: Duration,
}

fn duration(time: libc::timeval) -> Duration {
    Duration::from_secs(time.tv_sec as u64) + Duration::from_micros(time.tv_usec as u64)
}

pub fn run(mut command: Command) -> Result<Finished> {
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("starting {command:?}"))?;
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut stdout)?;
    }
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; the pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    if waited != pid {
        bail!("wait4 failed for {command:?}");
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        bail!("{command:?} failed (status {status}); it printed: {stdout}");
    }
    Ok(Finished {
        stdout,
        max_rss_kib: usage.ru_maxrss as u64,
        cpu: duration(usage.ru_utime) + duration(usage.ru_stime),
        wall,
    })
}

/// The `{"ms": ...}` a benchmark script prints.
pub fn reported_ms(output: &str) -> Result<f64> {
    let line = output.lines().last().unwrap_or_default();
    let value: serde_json::Value =
        serde_json::from_str(line).with_context(|| format!("output {output:?}"))?;
    if let Some(error) = value.get("error") {
        bail!("the script failed: {error}");
    }
    if value.get("failed").and_then(|f| f.as_u64()).unwrap_or(0) > 0 {
        bail!("some requests failed: {line}");
    }
    value["ms"].as_f64().context("no ms in the output")
}

/// Whether `program` can be run (found on PATH and answering `--version`, or `-v` for nginx).
pub fn available(program: &str, version_flag: &str) -> bool {
    Command::new(program)
        .arg(version_flag)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}
