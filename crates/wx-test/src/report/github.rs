//! `github`: GitHub Actions workflow commands, so failures and conformance warnings appear as
//! annotations on the lines that caused them.

use std::{io::Write, path::PathBuf};

use super::{Reporter, Style, problems, render_error, split_location};
use crate::runner::{FileResult, Summary};

pub struct Github {
    out: Box<dyn Write>,
    cwd: PathBuf,
}

impl Github {
    pub fn new(out: Box<dyn Write>, cwd: PathBuf) -> Github {
        Github { out, cwd }
    }

    /// `file=...,line=...,col=...` for a location, with the path relative to the workspace.
    fn position(&self, location: Option<&str>, fallback_file: &str) -> String {
        match location.and_then(split_location) {
            Some((file, line, col)) => {
                let file = PathBuf::from(file);
                let relative = file.strip_prefix(&self.cwd).unwrap_or(&file);
                format!(
                    "file={},line={line},col={col}",
                    escape_property(&relative.display().to_string())
                )
            }
            None => format!("file={}", escape_property(fallback_file)),
        }
    }
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

impl Reporter for Github {
    fn file_finished(&mut self, result: &FileResult) {
        let plain = Style { color: false };
        for problem in problems(result) {
            let location = problem.location();
            let position = self.position(location.as_deref(), &result.display);
            let message: Vec<String> = problem
                .errors
                .iter()
                .map(|e| render_error(plain, e))
                .collect();
            let _ = writeln!(
                self.out,
                "::error {position},title={}::{}",
                escape_property(&problem.title),
                escape_data(&message.join("\n\n"))
            );
        }
        let warnings = result
            .tests
            .iter()
            .flat_map(|t| t.warnings.iter().map(move |w| (Some(t), w)))
            .chain(result.record.warnings.iter().map(|w| (None, w)));
        for (test, warning) in warnings {
            let position = self.position(Some(&warning.site), &result.display);
            let title = match test {
                Some(test) => format!(
                    "conformance warning [{}] in {}",
                    warning.code,
                    test.full_name()
                ),
                None => format!("conformance warning [{}]", warning.code),
            };
            let _ = writeln!(
                self.out,
                "::warning {position},title={}::{}",
                escape_property(&title),
                escape_data(&warning.message)
            );
        }
        let _ = self.out.flush();
    }

    fn finished(&mut self, _results: &[FileResult], summary: &Summary) {
        let _ = writeln!(
            self.out,
            "::notice title=wxrun test::{}",
            escape_data(&summary.line())
        );
        let _ = self.out.flush();
    }
}
