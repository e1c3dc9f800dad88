//! `wxrun run FILE [ARGS...]`.

use std::path::Path;

use wx_host::{Ending, RunOutcome};

use crate::{
    cli::RunArgs,
    coverage::{self, FileCoverage},
    setup::{RunExtras, UsageError, js_thread_runtime, load_config, make_host},
};

pub fn run(args: RunArgs) -> Result<i32, UsageError> {
    let path = std::fs::canonicalize(&args.file)
        .map_err(|err| UsageError(format!("cannot open {}: {err}", args.file.display())))?;
    if !path.is_file() {
        return Err(UsageError(format!("{} is not a file", args.file.display())));
    }
    let config = load_config(&path, &args.config)?;
    let mut extras = RunExtras::new(
        &config,
        &args.config,
        args.config.record.as_deref(),
        args.api_coverage.is_some(),
    )?;
    extras.trace = args.trace;
    let runtime = js_thread_runtime()?;
    let outcome = runtime.block_on(async {
        let host = make_host(
            config,
            &args.limits,
            &args.config,
            args.args,
            extras.for_host(),
        )?;
        let outcome = host.run_main(&path).await;
        host.abandon();
        Ok::<_, UsageError>(outcome)
    })?;
    if let (Some(target), Some(touched)) = (&args.api_coverage, extras.touched()) {
        let file = FileCoverage {
            file: args.file.display().to_string(),
            touched,
        };
        let json = (!target.is_empty()).then(|| std::path::Path::new(target));
        coverage::report(&[file], json)?;
    }
    finish(&outcome, &extras, args.config.record.as_deref())
}

/// What every run prints at its end (the recording, why it stopped, errors it counted), and
/// its exit code.
pub fn finish(
    outcome: &RunOutcome,
    extras: &RunExtras,
    record: Option<&Path>,
) -> Result<i32, UsageError> {
    if let (Some(count), Some(record)) = (extras.finish()?, record) {
        eprintln!("wxrun: recorded {count} exchanges in {}", record.display());
    }
    match outcome.ending {
        Ending::Completed | Ending::Exit(_) | Ending::Uncaught => {}
        other => eprintln!("wxrun: {other}"),
    }
    // Errors are named however the run ended (a timed-out run may have failed before).
    if outcome.errors > 0 {
        eprintln!(
            "wxrun: {} error{} reported during the run (exit code 1)",
            outcome.errors,
            if outcome.errors == 1 { "" } else { "s" }
        );
    }
    Ok(outcome.exit_code())
}
