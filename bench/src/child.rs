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

/// `wx-bench --measure PROGRAM ARGS...` runs PROGRAM and prints, after its output, one line
/// with what it cost. Every benchmark process is started through such a spawner: Linux gives a
/// process the memory high-water mark of the one it was spawned from (the mark is copied with
/// the address space and kept across exec), so a child of the benchmark itself, which holds
/// servers and has held large buffers, would report at least the benchmark's own peak. A
/// freshly started wx-bench is small.
pub const MEASURE: &str = "--measure";

/// The first word of the spawner's line.
const MARK: &str = "wx-bench-usage";

/// Runs `command` through a spawner and reads its cost.
pub fn run(command: Command) -> Result<Finished> {
    let mut spawner = Command::new(std::env::current_exe().context("finding wx-bench")?);
    spawner
        .arg(MEASURE)
        .arg(command.get_program())
        .args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => spawner.env(key, value),
            None => spawner.env_remove(key),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        spawner.current_dir(dir);
    }
    let mut child = spawner
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("starting {command:?}"))?;
    let mut output = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut output)?;
    }
    child.wait()?;
    // The spawner's line comes last; the program's output may not end its own line.
    let at = output
        .rfind(MARK)
        .with_context(|| format!("{command:?}: the spawner said {output:?}"))?;
    let (stdout, usage) = output.split_at(at);
    let fields: Vec<u64> = usage
        .trim_start_matches(MARK)
        .split_whitespace()
        .map(|field| field.parse().unwrap_or(u64::MAX))
        .collect();
    let [max_rss_kib, cpu_us, wall_ns, status] = fields[..] else {
        bail!("{command:?}: the spawner said {usage:?}");
    };
    if status != 0 {
        bail!("{command:?} failed (status {status}); it printed: {stdout}");
    }
    Ok(Finished {
        stdout: stdout.to_string(),
        max_rss_kib,
        cpu: Duration::from_micros(cpu_us),
        wall: Duration::from_nanos(wall_ns),
    })
}

/// The spawner (`wx-bench --measure PROGRAM ARGS...`): runs the program with this process's
/// output, waits for it, and prints `MARK peak-KiB cpu-µs wall-ns status` after it.
pub fn measure(args: &[std::ffi::OsString]) -> ! {
    let Some((program, rest)) = args.split_first() else {
        eprintln!("wx-bench {MEASURE}: no program");
        std::process::exit(2);
    };
    let started = Instant::now();
    let child = match Command::new(program).args(rest).spawn() {
        Ok(child) => child,
        Err(error) => {
            eprintln!("wx-bench {MEASURE}: starting {program:?}: {error}");
            println!("{MARK} 0 0 0 127");
            std::process::exit(0);
        }
    };
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; the pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    let code = if waited == pid && libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        255
    };
    let cpu = duration(usage.ru_utime) + duration(usage.ru_stime);
    println!(
        "{MARK} {} {} {} {code}",
        usage.ru_maxrss,
        cpu.as_micros(),
        wall.as_nanos()
    );
    std::process::exit(0);
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
