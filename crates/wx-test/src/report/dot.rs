//! `dot`: one character per test, then the failures and the totals.

use std::io::Write;

use super::{Problem, Reporter, Style, indent, problems, render_error};
use crate::{
    events::{Status, TestResult},
    runner::{FileOutcome, FileResult, Summary},
};

pub struct Dot {
    out: Box<dyn Write>,
    style: Style,
    column: usize,
}

impl Dot {
    pub fn new(out: Box<dyn Write>, style: Style) -> Dot {
        Dot {
            out,
            style,
            column: 0,
        }
    }

    fn mark(&mut self, mark: String) {
        let _ = write!(self.out, "{mark}");
        self.column += 1;
        if self.column == 80 {
            let _ = writeln!(self.out);
            self.column = 0;
        }
        let _ = self.out.flush();
    }
}

impl Reporter for Dot {
    fn test_finished(&mut self, _file: &str, test: &TestResult) {
        let style = self.style;
        let mark = match test.status {
            Status::Passed => style.green("."),
            Status::Failed => style.red("F"),
            Status::Skipped => style.yellow("s"),
            Status::Todo => style.yellow("t"),
        };
        self.mark(mark);
    }

    fn file_finished(&mut self, result: &FileResult) {
        match result.outcome {
            FileOutcome::Crashed(_) => self.mark(self.style.red("C")),
            FileOutcome::TimedOut(_) => self.mark(self.style.red("T")),
            FileOutcome::Finished if !result.record.errors.is_empty() => {
                self.mark(self.style.red("E"))
            }
            FileOutcome::Finished => {}
        }
    }

    fn finished(&mut self, results: &[FileResult], summary: &Summary) {
        let _ = writeln!(self.out);
        for result in results {
            for Problem { title, errors, .. } in problems(result) {
                let _ = writeln!(
                    self.out,
                    "\n{} › {}",
                    result.display,
                    self.style.bold(&title)
                );
                for error in &errors {
                    let _ = writeln!(
                        self.out,
                        "{}",
                        indent(&render_error(self.style, error), "  ")
                    );
                }
            }
            for test in &result.tests {
                for warning in &test.warnings {
                    let _ = writeln!(
                        self.out,
                        "{}",
                        self.style.yellow(&format!(
                            "⚠ {} › {}: [{}] {} ({})",
                            result.display,
                            test.full_name(),
                            warning.code,
                            warning.message,
                            warning.site
                        ))
                    );
                }
            }
        }
        let _ = writeln!(self.out, "\n{}", summary.line());
        let _ = self.out.flush();
    }
}
