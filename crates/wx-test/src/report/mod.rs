//! Reporters: how results reach people and CI systems.

mod dot;
mod github;
mod json;
mod junit;
mod pretty;
mod tap;

pub use dot::Dot;
pub use github::Github;
pub use json::Json;
pub use junit::Junit;
pub use pretty::{Pretty, Style};
pub use tap::Tap;

use crate::{
    events::{ErrorRecord, TestResult},
    runner::{FileResult, Summary},
};

/// Receives results as they arrive. Every method has a default so that a reporter implements
/// only what it shows.
pub trait Reporter {
    fn file_started(&mut self, _file: &str) {}
    fn test_finished(&mut self, _file: &str, _test: &TestResult) {}
    fn file_finished(&mut self, _result: &FileResult) {}
    fn finished(&mut self, _results: &[FileResult], _summary: &Summary) {}
}

/// Prefixes every line of `text` with `by`.
pub fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|line| format!("{by}{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A failure as text: origin, the message (for a matcher, Jest's: the matcher hint, then
/// Expected and Received or a diff), location.
pub fn render_error(style: Style, error: &ErrorRecord) -> String {
    let mut lines = Vec::new();
    if let Some(origin) = &error.origin {
        lines.push(style.yellow(&format!("({origin})")));
    }
    match &error.matcher {
        Some(matcher) if error.message.starts_with(matcher.as_str()) => {
            lines.push(style.dim(matcher));
            for line in error.message[matcher.len()..].lines() {
                lines.push(if line.starts_with("- ") || line.starts_with("Expected") {
                    style.green(line)
                } else if line.starts_with("+ ") || line.starts_with("Received") {
                    style.red(line)
                } else {
                    line.to_string()
                });
            }
            if lines.last().is_some_and(String::is_empty) {
                lines.pop();
            }
            // The first line after the hint is empty: keep one.
            if lines.len() > 1 && lines[1].is_empty() && lines.get(2).is_some_and(String::is_empty)
            {
                lines.remove(1);
            }
        }
        _ => lines.push(style.red(&error.message)),
    }
    if let Some(location) = &error.location {
        lines.push(String::new());
        lines.push(style.dim(&format!("at {location}")));
    } else if let Some(stack) = error.stack.as_deref().filter(|s| !s.is_empty()) {
        lines.push(style.dim(stack));
    }
    lines.join("\n")
}

/// One thing that failed: a test, the file outside its tests, or the file's worker.
pub struct Problem<'a> {
    /// `describe > test`, or a description of the file-level failure.
    pub title: String,
    pub test: Option<&'a TestResult>,
    pub errors: Vec<ErrorRecord>,
}

impl Problem<'_> {
    /// Where to point: the first error's location, else the test's.
    pub fn location(&self) -> Option<String> {
        self.errors
            .iter()
            .find_map(|e| e.location.clone())
            .or_else(|| self.test.and_then(|t| t.location.clone()))
    }
}

/// Everything that failed in `result`, in order.
pub fn problems(result: &FileResult) -> Vec<Problem<'_>> {
    let mut out: Vec<Problem> = result
        .tests
        .iter()
        .filter(|t| t.status == crate::events::Status::Failed || !t.errors.is_empty())
        .map(|t| Problem {
            title: t.full_name(),
            test: Some(t),
            errors: t.errors.clone(),
        })
        .collect();
    for error in &result.record.errors {
        out.push(Problem {
            title: "(outside any test)".into(),
            test: None,
            errors: vec![error.clone()],
        });
    }
    if let crate::runner::FileOutcome::Crashed(reason)
    | crate::runner::FileOutcome::TimedOut(reason) = &result.outcome
    {
        let mut message = reason.clone();
        if !result.stderr.trim().is_empty() {
            message.push('\n');
            message.push_str(result.stderr.trim_end());
        }
        out.push(Problem {
            title: "(the file did not finish)".into(),
            test: None,
            errors: vec![ErrorRecord {
                message,
                kind: "crash".into(),
                ..ErrorRecord::default()
            }],
        });
    }
    out
}

/// `file:line:col` split into its parts.
pub fn split_location(location: &str) -> Option<(&str, u32, u32)> {
    let (rest, col) = location.rsplit_once(':')?;
    let (file, line) = rest.rsplit_once(':')?;
    Some((file, line.parse().ok()?, col.parse().ok()?))
}
