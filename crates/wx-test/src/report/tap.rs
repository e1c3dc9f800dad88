//! `tap`: TAP version 14, one subtest per file, YAML diagnostics for failures.

use std::io::Write;

use super::{Reporter, Style, problems, render_error};
use crate::{
    events::{Status, TestResult},
    runner::{FileOutcome, FileResult, Summary},
};

pub struct Tap {
    out: Box<dyn Write>,
    files: usize,
}

impl Tap {
    pub fn new(mut out: Box<dyn Write>) -> Tap {
        let _ = writeln!(out, "TAP version 14");
        Tap { out, files: 0 }
    }
}

/// A description safe for a TAP test line (no `#` directives, no line breaks).
fn description(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('#', "\\#")
        .replace(['\n', '\r'], " ")
}

/// A YAML block scalar at `indent`.
fn yaml_block(key: &str, text: &str, indent: &str) -> String {
    let mut out = format!("{indent}{key}: |-\n");
    for line in text.lines() {
        out.push_str(&format!("{indent}  {line}\n"));
    }
    out
}

fn yaml_quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

fn diagnostics(
    test: Option<&TestResult>,
    errors: &[crate::events::ErrorRecord],
    indent: &str,
) -> String {
    let mut yaml = format!("{indent}---\n");
    if let Some(first) = errors.first() {
        // The first line (a matcher's hint); the whole message is in `details`.
        yaml.push_str(&format!(
            "{indent}message: {}\n",
            yaml_quoted(first.message.lines().next().unwrap_or_default())
        ));
        yaml.push_str(&format!("{indent}severity: fail\n"));
        if let Some(location) = first
            .location
            .as_ref()
            .or(test.and_then(|t| t.location.as_ref()))
        {
            yaml.push_str(&format!("{indent}at: {}\n", yaml_quoted(location)));
        }
        if let Some(expected) = &first.expected {
            yaml.push_str(&format!("{indent}expected: {}\n", yaml_quoted(expected)));
        }
        if let Some(received) = &first.received {
            yaml.push_str(&format!("{indent}actual: {}\n", yaml_quoted(received)));
        }
    }
    let details: Vec<String> = errors
        .iter()
        .map(|e| render_error(Style { color: false }, e))
        .collect();
    if !details.is_empty() {
        yaml.push_str(&yaml_block("details", &details.join("\n\n"), indent));
    }
    if let Some(test) = test {
        if !test.warnings.is_empty() {
            yaml.push_str(&format!("{indent}warnings:\n"));
            for w in &test.warnings {
                yaml.push_str(&format!(
                    "{indent}  - {}\n",
                    yaml_quoted(&format!("[{}] {} ({})", w.code, w.message, w.site))
                ));
            }
        }
        let output: String = test
            .output
            .iter()
            .map(|o| format!("{}\n", o.text))
            .collect();
        if !output.is_empty() {
            yaml.push_str(&yaml_block("output", &output, indent));
        }
    }
    yaml.push_str(&format!("{indent}...\n"));
    yaml
}

impl Reporter for Tap {
    fn file_finished(&mut self, result: &FileResult) {
        self.files += 1;
        let mut body = String::new();
        let mut count = 0;
        for test in &result.tests {
            count += 1;
            let name = description(&test.full_name());
            let line = match test.status {
                Status::Passed => format!("ok {count} - {name}"),
                Status::Failed => format!("not ok {count} - {name}"),
                Status::Skipped => format!("ok {count} - {name} # SKIP"),
                Status::Todo => format!("not ok {count} - {name} # TODO"),
            };
            body.push_str(&format!("    {line}\n"));
            if test.status == Status::Failed || !test.warnings.is_empty() {
                body.push_str(&diagnostics(Some(test), &test.errors, "      "));
            }
        }
        for problem in problems(result).into_iter().filter(|p| p.test.is_none()) {
            count += 1;
            body.push_str(&format!(
                "    not ok {count} - {}\n",
                description(&problem.title)
            ));
            body.push_str(&diagnostics(None, &problem.errors, "      "));
        }
        body.push_str(&format!("    1..{count}\n"));
        let status = if result.failed() { "not ok" } else { "ok" };
        let directive = match result.outcome {
            FileOutcome::Finished => String::new(),
            FileOutcome::Crashed(_) => " # crashed".into(),
            FileOutcome::TimedOut(_) => " # timed out".into(),
        };
        let _ = write!(
            self.out,
            "# Subtest: {}\n{body}{status} {} - {}{directive}\n",
            description(&result.display),
            self.files,
            description(&result.display)
        );
        let _ = self.out.flush();
    }

    fn finished(&mut self, _results: &[FileResult], summary: &Summary) {
        let _ = writeln!(self.out, "1..{}", self.files);
        let _ = writeln!(self.out, "# {}", summary.line());
        let _ = self.out.flush();
    }
}
