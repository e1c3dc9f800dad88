//! The default reporter: a block per file, details of each failure (expected, received, diff,
//! location), live progress on a terminal, and the totals as the last line.

use std::io::Write;

use super::render_error;
use crate::{
    events::{Output, Status, TestResult, Warning},
    runner::{FileOutcome, FileResult, Summary},
};

/// ANSI styling, off when not on a terminal or when `NO_COLOR` is set.
#[derive(Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    pub fn red(self, text: &str) -> String {
        self.paint("31", text)
    }
    pub fn green(self, text: &str) -> String {
        self.paint("32", text)
    }
    pub fn yellow(self, text: &str) -> String {
        self.paint("33", text)
    }
    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
    fn badge(self, code: &str, text: &str) -> String {
        self.paint(&format!("1;{code}"), text)
    }
}

pub struct Pretty {
    out: Box<dyn Write>,
    style: Style,
    /// Live progress on stderr, redrawn in place.
    progress: bool,
    total_files: usize,
    done_files: usize,
    passed: usize,
    failed: usize,
}

use super::indent;

impl Pretty {
    pub fn new(out: Box<dyn Write>, style: Style, progress: bool, total_files: usize) -> Pretty {
        Pretty {
            out,
            style,
            progress,
            total_files,
            done_files: 0,
            passed: 0,
            failed: 0,
        }
    }

    fn clear_progress(&self) {
        if self.progress {
            eprint!("\r\x1b[K");
        }
    }

    fn draw_progress(&self) {
        if self.progress {
            eprint!(
                "\r\x1b[K{} {}/{} files · {} passed · {} failed",
                self.style.dim("running"),
                self.done_files,
                self.total_files,
                self.passed,
                self.failed
            );
        }
    }

    fn warnings_block(&self, warnings: &[Warning]) -> Vec<String> {
        warnings
            .iter()
            .map(|w| {
                self.style.yellow(&format!(
                    "⚠ conformance warning [{}] {} ({})",
                    w.code, w.message, w.site
                ))
            })
            .collect()
    }

    fn output_block(&self, output: &[Output]) -> Vec<String> {
        output
            .iter()
            .map(|o| {
                let text = if o.stream == "stderr" {
                    self.style.yellow(&o.text)
                } else {
                    o.text.clone()
                };
                indent(&text, "│ ")
            })
            .collect()
    }

    fn test_block(&self, test: &TestResult) -> Vec<String> {
        let style = self.style;
        let name = test.full_name().replace(" > ", " › ");
        let mut lines = Vec::new();
        match test.status {
            Status::Failed => {
                lines.push(style.red(&format!("✕ {name} ({:.0} ms)", test.duration)));
                for error in &test.errors {
                    lines.push(indent(&render_error(self.style, error), "    "));
                    lines.push(String::new());
                }
                for line in self.output_block(&test.output) {
                    lines.push(indent(&line, "    "));
                }
            }
            Status::Skipped if !test.errors.is_empty() => {
                lines.push(style.red(&format!("✕ {name} (not run: its beforeAll hook failed)")));
                for error in &test.errors {
                    lines.push(indent(&render_error(self.style, error), "    "));
                }
            }
            _ => {}
        }
        for warning in self.warnings_block(&test.warnings) {
            lines.push(format!("{} {}", style.dim(&format!("{name}:")), warning));
        }
        lines
    }
}

impl super::Reporter for Pretty {
    fn test_finished(&mut self, _file: &str, test: &TestResult) {
        match test.status {
            Status::Passed => self.passed += 1,
            Status::Failed => self.failed += 1,
            _ => {}
        }
        self.draw_progress();
    }

    fn file_finished(&mut self, result: &FileResult) {
        self.clear_progress();
        self.done_files += 1;
        let style = self.style;
        let badge = match &result.outcome {
            FileOutcome::Crashed(_) => style.badge("41", " CRASH "),
            FileOutcome::TimedOut(_) => style.badge("41", " TIMEOUT "),
            FileOutcome::Finished if result.failed() => style.badge("41", " FAIL "),
            FileOutcome::Finished => style.badge("42", " PASS "),
        };
        let counts = format!(
            "{} test{}, {:.0} ms",
            result.tests.len(),
            if result.tests.len() == 1 { "" } else { "s" },
            result.duration.as_secs_f64() * 1000.0
        );
        let mut lines = vec![format!(
            "{badge} {} {}",
            result.display,
            style.dim(&format!("({counts})"))
        )];
        for test in &result.tests {
            for line in self.test_block(test) {
                lines.push(indent(&line, "  "));
            }
        }
        for error in &result.record.errors {
            lines.push(indent(&style.red("● error outside any test"), "  "));
            lines.push(indent(&render_error(self.style, error), "    "));
        }
        for warning in self.warnings_block(&result.record.warnings) {
            lines.push(indent(&warning, "  "));
        }
        for line in self.output_block(&result.record.output) {
            lines.push(indent(&line, "  "));
        }
        match &result.outcome {
            FileOutcome::Crashed(reason) | FileOutcome::TimedOut(reason) => {
                lines.push(indent(&style.red(reason), "  "));
                if !result.stderr.trim().is_empty() {
                    lines.push(indent(result.stderr.trim_end(), "  │ "));
                }
            }
            // What wxrun itself said about the file (calls refused offline, for example).
            FileOutcome::Finished if !result.stderr.trim().is_empty() => {
                lines.push(indent(result.stderr.trim_end(), "  │ "));
            }
            FileOutcome::Finished => {}
        }
        let _ = writeln!(self.out, "{}", lines.join("\n"));
        self.draw_progress();
    }

    fn finished(&mut self, _results: &[FileResult], summary: &Summary) {
        self.clear_progress();
        let style = self.style;
        let mut files = format!(
            "{} file{}",
            summary.files,
            if summary.files == 1 { "" } else { "s" }
        );
        if summary.files_failed > 0 {
            files.push_str(&format!(", {} failed", summary.files_failed));
        }
        if summary.crashed > 0 {
            files.push_str(&format!(", {} crashed", summary.crashed));
        }
        if summary.timed_out > 0 {
            files.push_str(&format!(", {} timed out", summary.timed_out));
        }
        if summary.not_run > 0 {
            files.push_str(&format!(", {} not run (--bail)", summary.not_run));
        }
        let _ = writeln!(self.out);
        let snapshots = &summary.snapshots;
        if !snapshots.obsolete.is_empty() || !snapshots.obsolete_files.is_empty() {
            let count = snapshots.obsolete.len() + snapshots.obsolete_files.len();
            let _ = writeln!(
                self.out,
                "{}",
                style.yellow(&format!(
                    "{count} obsolete snapshot{} (no test checked {}); run with -u to remove {}:",
                    if count == 1 { "" } else { "s" },
                    if count == 1 { "it" } else { "them" },
                    if count == 1 { "it" } else { "them" },
                ))
            );
            for name in snapshots.obsolete.iter().chain(&snapshots.obsolete_files) {
                let _ = writeln!(self.out, "  • {name}");
            }
        }
        if let Some(line) = snapshots.line() {
            let _ = writeln!(self.out, "{line}");
        }
        let _ = writeln!(
            self.out,
            "{}",
            style.dim(&format!(
                "{files} · {:.2} s",
                summary.duration.as_secs_f64()
            ))
        );
        let line = summary.line();
        let colored = if summary.failed > 0 || snapshots.failed() {
            style.red(&line)
        } else {
            style.green(&line)
        };
        let _ = writeln!(self.out, "{}", style.bold(&colored));
        let _ = self.out.flush();
    }
}
