//! `wxrun coverage merge` and `wxrun junit merge`: the reports of a suite split with
//! `--shard` over several CI machines, joined into one.

use std::path::{Path, PathBuf};

use wx_test::coverage::{self, CoverageData, Reporter, Threshold, Thresholds};

use crate::{
    cli::{CoverageAction, CoverageCommand, JunitAction, JunitCommand},
    setup::UsageError,
};

/// Writes the coverage reports named by `reporters` (all when empty) into `directory`, the
/// text table to stdout, and checks the thresholds: `flag` (`--coverage-threshold`, the
/// global one) over `configured` (Jest's `coverageThreshold`). Returns whether they were met;
/// each miss is printed.
pub fn write_coverage(
    data: &CoverageData,
    directory: &Path,
    reporters: &[String],
    root: &Path,
    flag: Option<&str>,
    configured: Option<&Thresholds>,
) -> Result<bool, UsageError> {
    let chosen: Vec<Reporter> = if reporters.is_empty() {
        coverage::REPORTERS
            .iter()
            .map(|(_, reporter)| *reporter)
            .collect()
    } else {
        let mut chosen = Vec::new();
        for name in reporters {
            match Reporter::named(name) {
                Some(reporter) => chosen.push(reporter),
                None => eprintln!(
                    "wxrun: note: the coverage reporter {name:?} is not supported (wxrun writes {}); it is skipped",
                    coverage::REPORTERS
                        .iter()
                        .map(|(name, _)| *name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        }
        chosen
    };
    coverage::write_reports(data, directory, &chosen, root, &mut std::io::stdout())
        .map_err(UsageError)?;
    eprintln!("wxrun: coverage reports in {}", directory.display());
    let mut thresholds = configured.cloned().unwrap_or_default();
    if let Some(flag) = flag {
        let global = Threshold::parse(flag)
            .map_err(|err| UsageError(format!("--coverage-threshold {flag:?}: {err}")))?;
        thresholds.insert("global".into(), global);
    }
    let failures = coverage::check_thresholds(data, &thresholds, root);
    for failure in &failures {
        eprintln!("wxrun: {failure}");
    }
    Ok(failures.is_empty())
}

/// A `coverage-final.json`, or a folder holding one.
fn coverage_file(input: &Path) -> PathBuf {
    if input.is_dir() {
        input.join("coverage-final.json")
    } else {
        input.to_path_buf()
    }
}

pub fn coverage(command: CoverageCommand) -> Result<i32, UsageError> {
    let CoverageAction::Merge(args) = command.action;
    let files: Vec<PathBuf> = args
        .inputs
        .iter()
        .map(|input| coverage_file(input))
        .collect();
    let data = coverage::read_and_merge(&files).map_err(UsageError)?;
    let root = match args.root {
        Some(root) => root,
        None => std::env::current_dir()
            .map_err(|err| UsageError(format!("no working folder: {err}")))?,
    };
    let directory = args
        .coverage
        .coverage_directory
        .clone()
        .unwrap_or_else(|| root.join("coverage"));
    let met = write_coverage(
        &data,
        &directory,
        &args.coverage.coverage_reporters,
        &root,
        args.coverage.coverage_threshold.as_deref(),
        None,
    )?;
    Ok(if met { 0 } else { 1 })
}

pub fn junit(command: JunitCommand) -> Result<i32, UsageError> {
    let JunitAction::Merge(args) = command.action;
    let mut merged = quick_junit::Report::new("wxrun");
    for input in &args.inputs {
        let text = std::fs::read_to_string(input)
            .map_err(|err| UsageError(format!("cannot read {}: {err}", input.display())))?;
        let report = quick_junit::Report::deserialize_from_str(&text).map_err(|err| {
            UsageError(format!(
                "{} is not a JUnit XML report: {err}",
                input.display()
            ))
        })?;
        merged.add_test_suites(report.test_suites);
    }
    let file = std::fs::File::create(&args.output)
        .map_err(|err| UsageError(format!("cannot create {}: {err}", args.output.display())))?;
    merged
        .serialize(std::io::BufWriter::new(file))
        .map_err(|err| UsageError(format!("cannot write {}: {err}", args.output.display())))?;
    Ok(0)
}
