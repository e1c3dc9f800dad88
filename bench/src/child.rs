//! Running a benchmark process and reading its peak memory from the kernel (wait4's rusage),
//! the same way for wxrun and Node.js.

use std::{
    io::Read,
    process::{Command, Stdio},
};

use anyhow::{Context, Result, bail};

pub struct Finished {
    pub stdout: String,
    /// Peak resident set size in KiB.
    pub max_rss_kib: u64,
}

pub fn run(mut command: Command) -> Result<Finished> {
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
    if waited != pid {
        bail!("wait4 failed for {command:?}");
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        bail!("{command:?} failed (status {status}); it printed: {stdout}");
    }
    Ok(Finished {
        stdout,
        max_rss_kib: usage.ru_maxrss as u64,
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
