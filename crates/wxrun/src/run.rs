//! `wxrun run FILE [ARGS...]`.

use wx_host::Ending;

use crate::{
    cli::RunArgs,
    coverage::{self, FileCoverage},
    setup::{
        UsageError, finish_stand_in, js_thread_runtime, load_config, make_host, make_stand_in,
    },
};

pub fn run(args: RunArgs) -> Result<i32, UsageError> {
    let path = std::fs::canonicalize(&args.file)
        .map_err(|err| UsageError(format!("cannot open {}: {err}", args.file.display())))?;
    if !path.is_file() {
        return Err(UsageError(format!("{} is not a file", args.file.display())));
    }
    let config = load_config(&path, &args.config)?;
    let stand_in = make_stand_in(&config, &args.config, args.config.record.as_deref())?;
    let coverage = args
        .api_coverage
        .as_ref()
        .map(|_| wx_api::ApiCoverage::default());
    let extras = wx_api::Extras {
        stand_in: stand_in.clone(),
        coverage: coverage.clone(),
    };
    let runtime = js_thread_runtime()?;
    let outcome = runtime.block_on(async {
        let host = make_host(config, &args.limits, args.args, extras)?;
        Ok::<_, UsageError>(host.run_main(&path).await)
    })?;
    if let (Some(target), Some(coverage)) = (&args.api_coverage, coverage) {
        let touched = coverage.lock().map(|set| set.clone()).unwrap_or_default();
        let file = FileCoverage {
            file: args.file.display().to_string(),
            touched,
        };
        let json = (!target.is_empty()).then(|| std::path::Path::new(target));
        coverage::report(&[file], json)?;
    }
    finish_stand_in(&stand_in)?;
    if let Some(recorder) = stand_in.recorder() {
        eprintln!(
            "wxrun: recorded {} exchanges in {}",
            recorder.entry_count(),
            recorder.path().display()
        );
    }
    match outcome.ending {
        Ending::Completed | Ending::Exit(_) | Ending::Uncaught => {}
        other => eprintln!("wxrun: {other}"),
    }
    if outcome.ending == Ending::Completed && outcome.errors > 0 {
        eprintln!(
            "wxrun: {} error{} reported during the run (exit code 1)",
            outcome.errors,
            if outcome.errors == 1 { "" } else { "s" }
        );
    }
    Ok(outcome.exit_code())
}
