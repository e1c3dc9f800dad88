//! Statistics and the sections of docs/performance.md.

use std::{fs, path::Path, process::Command, time::Duration};

use anyhow::{Context, Result};

/// The median of `samples`.
pub fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

pub fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index]
}

pub fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

fn first_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .unwrap_or_else(|| "not found".into())
}

/// A line describing the machine and the versions compared.
pub fn machine(node: &str, wxrun: &Path) -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "Machine: {cpu}, {cores} cores. {} ({}), Node.js {}.",
        first_line(&wxrun.to_string_lossy(), &["--version"]),
        "release build",
        first_line(node, &["--version"]),
    )
}

/// The load averages (1, 5 and 15 minutes) as `uptime` shows them: other work on the machine
/// slows every client, so each figure is printed with the load it was taken under.
pub fn load() -> String {
    let text = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let averages: Vec<&str> = text.split_whitespace().take(3).collect();
    if averages.len() == 3 {
        averages.join(", ")
    } else {
        "unknown".into()
    }
}

/// The 1-minute load average.
pub fn load_now() -> f64 {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}

/// Replaces the section `name` of the performance page (between its markers), or appends it.
pub fn update(page: &Path, name: &str, section: &str) -> Result<()> {
    let start = format!("<!-- bench:{name} -->");
    let end = format!("<!-- /bench:{name} -->");
    let text = fs::read_to_string(page).unwrap_or_else(|_| "# Performance\n".into());
    let block = format!("{start}\n{}\n{end}", section.trim_end());
    let updated = match (text.find(&start), text.find(&end)) {
        (Some(a), Some(b)) if b > a => format!("{}{block}{}", &text[..a], &text[b + end.len()..]),
        _ => format!("{}\n{block}\n", text.trim_end()),
    };
    fs::write(page, updated).with_context(|| format!("writing {}", page.display()))
}
