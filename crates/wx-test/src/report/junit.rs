//! `junit`: JUnit XML as GitLab and Jenkins read it: a `<testsuite>` per file, a `<testcase>`
//! per test (`classname` = file and describe blocks), `<failure>` for failed tests, `<error>`
//! for failures outside tests, crashes and timeouts, `<skipped>`; output and conformance
//! warnings in `<system-out>` / `<system-err>`.

use std::{io::Write, time::Duration};

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::{Reporter, Style, problems, render_error};
use crate::{
    events::Status,
    runner::{FileResult, Summary},
};

pub struct Junit {
    out: Box<dyn Write>,
}

impl Junit {
    pub fn new(out: Box<dyn Write>) -> Junit {
        Junit { out }
    }
}

fn millis(ms: f64) -> Duration {
    Duration::from_secs_f64((ms / 1000.0).max(0.0))
}

fn suite(result: &FileResult) -> TestSuite {
    let plain = Style { color: false };
    let mut suite = TestSuite::new(result.display.as_str());
    suite.set_time(result.duration);
    for test in &result.tests {
        let status = match test.status {
            Status::Passed => TestCaseStatus::success(),
            Status::Skipped | Status::Todo if test.errors.is_empty() => {
                let mut skipped = TestCaseStatus::skipped();
                if test.status == Status::Todo {
                    skipped.set_message("todo");
                }
                skipped
            }
            _ => {
                let mut failed = TestCaseStatus::non_success(NonSuccessKind::Failure);
                if let Some(first) = test.errors.first() {
                    failed.set_message(first.message.as_str());
                    failed.set_type(first.kind.as_str());
                }
                let details: Vec<String> =
                    test.errors.iter().map(|e| render_error(plain, e)).collect();
                failed.set_description(details.join("\n\n"));
                failed
            }
        };
        let mut case = TestCase::new(test.name.as_str(), status);
        let mut classname = vec![result.display.clone()];
        classname.extend(test.path.iter().cloned());
        case.set_classname(classname.join(" > "));
        case.set_time(millis(test.duration));
        let output: String = test
            .output
            .iter()
            .filter(|o| o.stream != "stderr")
            .map(|o| format!("{}\n", o.text))
            .collect();
        if !output.is_empty() {
            case.set_system_out(output);
        }
        let mut errors: String = test
            .output
            .iter()
            .filter(|o| o.stream == "stderr")
            .map(|o| format!("{}\n", o.text))
            .collect();
        for w in &test.warnings {
            errors.push_str(&format!(
                "conformance warning [{}] {} ({})\n",
                w.code, w.message, w.site
            ));
        }
        if !errors.is_empty() {
            case.set_system_err(errors);
        }
        suite.add_test_case(case);
    }
    for problem in problems(result).into_iter().filter(|p| p.test.is_none()) {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        if let Some(first) = problem.errors.first() {
            status.set_message(first.message.lines().next().unwrap_or_default());
            status.set_type(first.kind.as_str());
        }
        let details: Vec<String> = problem
            .errors
            .iter()
            .map(|e| render_error(plain, e))
            .collect();
        status.set_description(details.join("\n\n"));
        let mut case = TestCase::new(problem.title.as_str(), status);
        case.set_classname(result.display.as_str());
        suite.add_test_case(case);
    }
    let output: String = result
        .record
        .output
        .iter()
        .map(|o| format!("{}\n", o.text))
        .collect();
    if !output.is_empty() {
        suite.set_system_out(output);
    }
    let warnings: String = result
        .record
        .warnings
        .iter()
        .map(|w| {
            format!(
                "conformance warning [{}] {} ({})\n",
                w.code, w.message, w.site
            )
        })
        .collect();
    if !warnings.is_empty() {
        suite.set_system_err(warnings);
    }
    suite
}

impl Reporter for Junit {
    fn finished(&mut self, results: &[FileResult], summary: &Summary) {
        let mut report = Report::new("wxrun");
        report.set_time(summary.duration);
        for result in results {
            report.add_test_suite(suite(result));
        }
        if let Err(err) = report.serialize(&mut self.out) {
            eprintln!("wxrun: could not write the JUnit report: {err}");
        }
        let _ = writeln!(self.out);
        let _ = self.out.flush();
    }
}
