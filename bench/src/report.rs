//! Statistics and the sections of docs/performance.md.

use std::{fs, path::Path, process::Command, time::Duration};

use anyhow::{Context, Result};

use crate::Goal;

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

/// The cells of a markdown table row (`| a | b |` gives `a`, `b`), `None` for other lines.
fn cells(line: &str) -> Option<Vec<String>> {
    let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
    Some(
        inner
            .split('|')
            .map(|cell| cell.trim().to_string())
            .collect(),
    )
}

/// The goals section: every goal of issue 16's table beside the figure measured for it. The
/// rows of the goals measured now replace those with the same measure; the rows of benchmarks
/// not run this time stay as the page had them, so that `bench/run NAME` refreshes only its own.
pub fn goals_table(page: &Path, goals: Vec<Goal>) -> Result<String> {
    let header = "| measure | figure | goal | met | load (1, 5, 15 min) |";
    let mut rows: Vec<Vec<String>> = Vec::new();
    let text = fs::read_to_string(page).unwrap_or_default();
    if let (Some(a), Some(b)) = (
        text.find("<!-- bench:goals -->"),
        text.find("<!-- /bench:goals -->"),
    ) && b > a
    {
        for line in text[a..b].lines() {
            if let Some(row) = cells(line).filter(|row| row.len() == 5)
                && row[0] != "measure"
                && !row[0].starts_with("---")
            {
                rows.push(row);
            }
        }
    }
    for goal in goals {
        let row = vec![
            goal.measure.to_string(),
            goal.figure,
            goal.goal.to_string(),
            match goal.met {
                Some(true) => "met".to_string(),
                Some(false) => "**not met**".to_string(),
                None => "no target".to_string(),
            },
            goal.load,
        ];
        match rows.iter_mut().find(|known| known[0] == row[0]) {
            Some(known) => *known = row,
            None => rows.push(row),
        }
    }
    let mut table = format!(
        "## Goals (issue 16) and what was measured\n\n\
         Each row is rewritten by the benchmark that measures it (`bench/run NAME`); the load \
         average says how busy the shared machine was when the figure was taken.\n\n\
         {header}\n|---|---|---|---|---|\n"
    );
    for row in rows {
        table.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    Ok(table)
}
