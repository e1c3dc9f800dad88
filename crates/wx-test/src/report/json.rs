//! `json`: the whole run as one JSON document, for tools.

use std::io::Write;

use serde_json::{Value, json};

use super::Reporter;
use crate::runner::{FileOutcome, FileResult, Summary};

pub struct Json {
    out: Box<dyn Write>,
}

impl Json {
    pub fn new(out: Box<dyn Write>) -> Json {
        Json { out }
    }
}

fn file(result: &FileResult) -> Value {
    let (status, reason) = match &result.outcome {
        FileOutcome::Finished if result.failed() => ("failed", None),
        FileOutcome::Finished => ("passed", None),
        FileOutcome::Crashed(reason) => ("crashed", Some(reason.clone())),
        FileOutcome::TimedOut(reason) => ("timedOut", Some(reason.clone())),
    };
    json!({
        "path": result.display,
        "status": status,
        "reason": reason,
        "durationMs": result.duration.as_secs_f64() * 1000.0,
        "tests": result.tests,
        "errors": result.record.errors,
        "warnings": result.record.warnings,
        "output": result.record.output,
        "stderr": result.stderr,
    })
}

impl Reporter for Json {
    fn finished(&mut self, results: &[FileResult], summary: &Summary) {
        let document = json!({
            "summary": {
                "passed": summary.passed,
                "failed": summary.failed,
                "skipped": summary.skipped,
                "todo": summary.todo,
                "files": summary.files,
                "filesFailed": summary.files_failed,
                "crashed": summary.crashed,
                "timedOut": summary.timed_out,
                "notRun": summary.not_run,
                "durationMs": summary.duration.as_secs_f64() * 1000.0,
                "exitCode": summary.exit_code(),
            },
            "files": results.iter().map(file).collect::<Vec<_>>(),
        });
        let _ = serde_json::to_writer_pretty(&mut self.out, &document);
        let _ = writeln!(self.out);
        let _ = self.out.flush();
    }
}
