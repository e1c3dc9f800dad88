//! `wxrun test` and the worker it starts for each file.

use std::{
    cell::RefCell,
    collections::BTreeSet,
    io::IsTerminal,
    path::{Path, PathBuf},
    rc::Rc,
};

use wx_host::CompileChoices;
use wx_test::{
    RunPlan, SnapshotUpdate, WORKER_OPTIONS_ENV, WorkerOptions,
    coverage::CoverageScope,
    discover::{TestPatterns, discover_with, shard},
    jest_config::{self, JestProject},
    report::{Dot, Github, Json, Junit, Pretty, Reporter, Tap},
    report_style,
};

use crate::{
    cli::{LimitFlags, TestArgs, WorkerArgs},
    coverage::{self, FileCoverage},
    merge_cmd,
    setup::{
        RunExtras, UsageError, js_thread_runtime, load_config, make_test_host, part_file_name,
        start_dir,
    },
};

/// The default time for each test and hook, in milliseconds.
const DEFAULT_TEST_TIMEOUT: u64 = 5000;

fn parse_shard(text: &str) -> Result<(usize, usize), UsageError> {
    let bad = || {
        UsageError(format!(
            "--shard {text:?}: expected I/N with 1 <= I <= N, such as 2/3"
        ))
    };
    let (index, count) = text.split_once('/').ok_or_else(bad)?;
    let index: usize = index.trim().parse().map_err(|_| bad())?;
    let count: usize = count.trim().parse().map_err(|_| bad())?;
    if index == 0 || count == 0 || index > count {
        return Err(bad());
    }
    Ok((index, count))
}

fn random_seed() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{:08x}", nanos ^ std::process::id())
}

pub fn run(args: TestArgs) -> Result<i32, UsageError> {
    let cwd =
        std::env::current_dir().map_err(|err| UsageError(format!("no working folder: {err}")))?;
    let jest = jest_config::find(&cwd).map_err(|err| UsageError(err.0))?;
    for note in jest.iter().flat_map(|jest| &jest.notes) {
        eprintln!("wxrun: note: {note}");
    }
    let (patterns, roots, root_dir) = match &jest {
        Some(jest) => (
            jest.patterns.clone(),
            jest.roots.clone(),
            jest.root_dir.clone(),
        ),
        None => (TestPatterns::wxrun(), vec![cwd.clone()], cwd.clone()),
    };
    let mut files =
        discover_with(&cwd, &args.paths, &patterns, &roots).map_err(|err| UsageError(err.0))?;
    if let Some(text) = &args.shard {
        let (index, count) = parse_shard(text)?;
        files = shard(files, index, count);
    }
    // Configuration errors are reported once, before any worker starts.
    let dirs: BTreeSet<PathBuf> = files.iter().map(|f| start_dir(f)).collect();
    let mut strict = args.config.strict;
    for dir in &dirs {
        strict |= load_config(dir, &args.config)?.strict.value;
    }
    let shuffle = args.shuffle.as_ref().map(|seed| {
        let seed = if seed.is_empty() {
            random_seed()
        } else {
            seed.clone()
        };
        eprintln!("wxrun: shuffling tests with seed {seed} (--shuffle={seed} repeats this order)");
        seed
    });
    let exe = std::env::current_exe()
        .map_err(|err| UsageError(format!("cannot find the wxrun executable: {err}")))?;
    let jobs = args
        .jobs
        .map(|j| j as usize)
        .or(jest.as_ref().and_then(|jest| jest.max_workers))
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    // With --record, each worker records its file into this folder; the parts are joined
    // into one HAR, in file order, when the run is over.
    let record_parts = match &args.config.record {
        Some(_) => Some(tempfile::tempdir().map_err(|err| {
            UsageError(format!("--record: cannot make a temporary folder: {err}"))
        })?),
        None => None,
    };
    let coverage_parts = match &args.api_coverage {
        Some(_) => Some(tempfile::tempdir().map_err(|err| {
            UsageError(format!(
                "--api-coverage: cannot make a temporary folder: {err}"
            ))
        })?),
        None => None,
    };
    let mut worker_flags = args.config.clone();
    worker_flags.record_parts = record_parts.as_ref().map(|dir| dir.path().to_path_buf());
    worker_flags.coverage_parts = coverage_parts.as_ref().map(|dir| dir.path().to_path_buf());
    let project = jest.clone().unwrap_or_default();
    // Code coverage: each worker leaves its counts in this folder.
    let coverage_on = args.coverage.coverage || project.collect_coverage;
    let coverage_dir = match coverage_on {
        true => Some(tempfile::tempdir().map_err(|err| {
            UsageError(format!("--coverage: cannot make a temporary folder: {err}"))
        })?),
        false => None,
    };
    let scope = coverage_dir.as_ref().map(|parts| CoverageScope {
        root: root_dir.clone(),
        include: project.collect_coverage_from.clone(),
        ignore: project.coverage_path_ignore_patterns.clone(),
        tests: patterns.clone(),
        setup_files: project.setup.setup_files.clone(),
        parts: parts.path().to_path_buf(),
    });
    if let Some(scope) = &scope {
        scope.check().map_err(|err| UsageError(err.0))?;
    }
    let ci = args
        .ci
        .unwrap_or_else(|| std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false"));
    let snapshot_update = if args.update_snapshots {
        SnapshotUpdate::All
    } else if ci {
        SnapshotUpdate::None
    } else {
        SnapshotUpdate::New
    };
    let bail = args.bail.or(project.bail);
    let orphans = wx_test::discover::orphan_snapshot_files(&roots);
    let plan = RunPlan {
        cwd,
        files,
        jobs,
        exe,
        worker_args: worker_flags.to_args(),
        worker: WorkerOptions {
            filter: args.filter.clone(),
            test_timeout: args
                .test_timeout
                .or(project.test_timeout)
                .unwrap_or(DEFAULT_TEST_TIMEOUT),
            bail,
            shuffle,
            list: args.list,
            strict,
            file_timeout: args.file_timeout,
            max_memory: args.max_memory,
            snapshot_update,
            ci,
            root_mocks: root_dir.join("__mocks__").is_dir(),
            root_dir: root_dir.clone(),
            setup: project.setup.clone(),
            coverage: scope.clone(),
        },
        bail,
        obsolete_snapshot_files: orphans
            .iter()
            .map(|path| display_relative(&root_dir, path))
            .collect(),
        updating_snapshots: args.update_snapshots,
    };
    if plan.files.is_empty() {
        eprintln!(
            "wxrun: no test files found (looked for {})",
            wx_test::discover::DEFAULT_PATTERN
        );
        return Ok(4);
    }
    if args.list {
        let (results, _) = wx_test::runner::run(&plan, &mut []);
        let mut count = 0;
        for file in &results {
            for test in &file.listed {
                let mut name = test.path.clone();
                name.push(test.name.clone());
                let mode = if test.mode == "normal" {
                    String::new()
                } else {
                    format!(" [{}]", test.mode)
                };
                println!("{} › {}{mode}", file.display, name.join(" › "));
                count += 1;
            }
        }
        return Ok(if count == 0 { 4 } else { 0 });
    }
    if args.watch {
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            eprintln!("wxrun: --watch is off because CI is set; running once");
        } else {
            reporters(&args.reporter, &plan)?;
            let cwd = plan.cwd.clone();
            let paths = args.paths.clone();
            let specs = args.reporter.clone();
            wx_test::watch::watch(
                plan,
                move || discover_with(&cwd, &paths, &patterns, &roots).unwrap_or_default(),
                move |plan| reporters(&specs, plan).unwrap_or_default(),
            )
            .map_err(UsageError)?;
            return Ok(0);
        }
    }
    let mut reporters = reporters(&args.reporter, &plan)?;
    // Coverage is reported first when the run ends, so that the totals stay the last line.
    let coverage_outcome = Rc::new(RefCell::new(None));
    if let Some(scope) = &scope {
        reporters.insert(
            0,
            Box::new(CoverageStep {
                scope: scope.clone(),
                project: project.clone(),
                flags: args.coverage.clone(),
                outcome: coverage_outcome.clone(),
            }),
        );
    }
    let (_, summary) = wx_test::runner::run(&plan, &mut reporters);
    drop(reporters);
    let mut code = summary.exit_code();
    if args.update_snapshots {
        for orphan in &orphans {
            let _ = std::fs::remove_file(orphan);
        }
    }
    let coverage_met = coverage_outcome.borrow_mut().take().transpose()?;
    if coverage_met == Some(false) && code == 0 {
        code = 1;
    }
    // Where each file's worker left its part of a run-wide result.
    let part_of = |dir: &Path, file: &PathBuf, extension: &str| {
        let file = std::fs::canonicalize(file).unwrap_or_else(|_| file.clone());
        dir.join(part_file_name(&file, extension))
    };
    if let (Some(target), Some(parts)) = (&args.api_coverage, &coverage_parts) {
        let files: Vec<FileCoverage> = plan
            .files
            .iter()
            .map(|file| FileCoverage {
                file: file
                    .strip_prefix(&plan.cwd)
                    .unwrap_or(file)
                    .display()
                    .to_string(),
                touched: std::fs::read_to_string(part_of(parts.path(), file, "json"))
                    .ok()
                    .and_then(|text| serde_json::from_str(&text).ok())
                    .unwrap_or_default(),
            })
            .collect();
        let json = (!target.is_empty()).then(|| Path::new(target));
        coverage::report(&files, json)?;
    }
    if let (Some(record), Some(parts)) = (&args.config.record, &record_parts) {
        let part_files: Vec<PathBuf> = plan
            .files
            .iter()
            .map(|file| part_of(parts.path(), file, "har"))
            .collect();
        let count = wx_offline::recorder::merge(&part_files, record).map_err(UsageError)?;
        eprintln!("wxrun: recorded {count} exchanges in {}", record.display());
    }
    Ok(code)
}

fn display_relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Writes the coverage reports when the run ends, before the other reporters' totals.
struct CoverageStep {
    scope: CoverageScope,
    project: JestProject,
    flags: crate::cli::CoverageFlags,
    /// Whether the thresholds were met, once reported.
    outcome: Rc<RefCell<Option<Result<bool, UsageError>>>>,
}

impl Reporter for CoverageStep {
    fn finished(&mut self, results: &[wx_test::FileResult], _summary: &wx_test::Summary) {
        let files: Vec<PathBuf> = results.iter().map(|result| result.path.clone()).collect();
        let outcome = report_coverage(&self.scope, &self.project, &self.flags, &files);
        *self.outcome.borrow_mut() = Some(outcome);
    }
}

/// Merges what the workers counted, adds the files no test loaded (with
/// `collectCoverageFrom`), writes the reports and checks the thresholds. Returns whether they
/// were met.
fn report_coverage(
    scope: &CoverageScope,
    project: &JestProject,
    flags: &crate::cli::CoverageFlags,
    files: &[PathBuf],
) -> Result<bool, UsageError> {
    let parts: Vec<PathBuf> = files
        .iter()
        .map(|file| {
            let file = std::fs::canonicalize(file).unwrap_or_else(|_| file.clone());
            scope.parts.join(part_file_name(&file, "json"))
        })
        .filter(|part| part.is_file())
        .collect();
    let mut data = wx_test::coverage::read_and_merge(&parts).map_err(UsageError)?;
    for path in scope.unloaded(&data) {
        if let Some(file) = wx_test::coverage::FileCoverage::never_run(&path) {
            data.insert(file.path.clone(), file);
        }
    }
    let directory = flags
        .coverage_directory
        .clone()
        .or_else(|| project.coverage_directory.clone())
        .unwrap_or_else(|| scope.root.join("coverage"));
    let reporters = if flags.coverage_reporters.is_empty() {
        project.coverage_reporters.clone().unwrap_or_default()
    } else {
        flags.coverage_reporters.clone()
    };
    merge_cmd::write_coverage(
        &data,
        &directory,
        &reporters,
        &scope.root,
        flags.coverage_threshold.as_deref(),
        project.coverage_threshold.as_ref(),
    )
}

const REPORTERS: &[&str] = &["pretty", "dot", "tap", "junit", "json", "github"];

/// The reporters of `--reporter NAME[=FILE]`. Without any, `pretty`; when every reporter
/// named writes to a file, `pretty` still shows progress on stdout; with `GITHUB_ACTIONS` set,
/// `github` annotations are added.
fn reporters(specs: &[String], plan: &RunPlan) -> Result<Vec<Box<dyn Reporter>>, UsageError> {
    let mut parsed = Vec::new();
    for spec in specs {
        let (name, file) = match spec.split_once('=') {
            Some((name, file)) => (name, Some(PathBuf::from(file))),
            None => (spec.as_str(), None),
        };
        if !REPORTERS.contains(&name) {
            return Err(UsageError(format!(
                "--reporter {spec:?}: unknown reporter {name:?}; choose from {}",
                REPORTERS.join(", ")
            )));
        }
        parsed.push((name.to_string(), file));
    }
    if parsed.iter().all(|(_, file)| file.is_some()) {
        parsed.push(("pretty".into(), None));
    }
    if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true")
        && !parsed.iter().any(|(name, _)| name == "github")
    {
        parsed.push(("github".into(), None));
    }
    let mut out: Vec<Box<dyn Reporter>> = Vec::new();
    for (name, file) in parsed {
        let (writer, terminal): (Box<dyn std::io::Write>, bool) = match &file {
            Some(path) => {
                let created = std::fs::File::create(path).map_err(|err| {
                    UsageError(format!(
                        "--reporter {name}={}: cannot create the file: {err}",
                        path.display()
                    ))
                })?;
                (Box::new(std::io::BufWriter::new(created)), false)
            }
            None => (Box::new(std::io::stdout()), std::io::stdout().is_terminal()),
        };
        let style = report_style(terminal);
        out.push(match name.as_str() {
            "pretty" => Box::new(Pretty::new(
                writer,
                style,
                terminal && std::io::stderr().is_terminal(),
                plan.files.len(),
            )),
            "dot" => Box::new(Dot::new(writer, style)),
            "tap" => Box::new(Tap::new(writer)),
            "junit" => Box::new(Junit::new(writer)),
            "json" => Box::new(Json::new(writer)),
            _ => Box::new(Github::new(writer, plan.cwd.clone())),
        });
    }
    Ok(out)
}

/// One file, in this process: the worker side of `wxrun test`.
pub fn worker(args: WorkerArgs) -> Result<i32, UsageError> {
    let options: WorkerOptions = std::env::var(WORKER_OPTIONS_ENV)
        .ok()
        .and_then(|json| serde_json::from_str(&json).ok())
        .ok_or_else(|| {
            UsageError(format!(
                "{WORKER_OPTIONS_ENV} is missing: this command is started by `wxrun test`"
            ))
        })?;
    let file = std::fs::canonicalize(&args.file)
        .map_err(|err| UsageError(format!("cannot open {}: {err}", args.file.display())))?;
    let config = load_config(&file, &args.config)?;
    let limits = LimitFlags {
        timeout: Some(options.file_timeout),
        max_memory: options.max_memory,
    };
    let record_to = args
        .config
        .record_parts
        .as_ref()
        .map(|dir| dir.join(part_file_name(&file, "har")));
    let extras = RunExtras::new(
        &config,
        &args.config,
        record_to.as_deref(),
        args.config.coverage_parts.is_some(),
    )?;
    // Every file but packages gets `jest.mock` hoisting; coverage, the project's own files.
    let compile = CompileChoices {
        hoist_jest_mocks: true,
        instrument: match &options.coverage {
            Some(scope) => {
                let mut scope = scope.clone();
                scope.setup_files.push(file.clone());
                Some(scope.filter().map_err(|err| UsageError(err.0))?)
            }
            None => None,
        },
    };
    let runtime = js_thread_runtime()?;
    let (code, counted) = runtime.block_on(async {
        let host = make_test_host(
            config,
            &limits,
            &args.config,
            Vec::new(),
            extras.for_host(),
            &compile,
        )?;
        let code = wx_test::worker::run(&host, &file, &options).await;
        let counted = host.coverage_json();
        host.abandon();
        Ok::<_, UsageError>((code, counted))
    })?;
    extras.finish()?;
    if let (Some(scope), Some(json)) = (&options.coverage, counted) {
        let part = scope.parts.join(part_file_name(&file, "json"));
        std::fs::write(&part, json).map_err(|err| {
            UsageError(format!(
                "--coverage: cannot write {}: {err}",
                part.display()
            ))
        })?;
    }
    if let (Some(dir), Some(touched)) = (&args.config.coverage_parts, extras.touched()) {
        let text = serde_json::to_string(&touched).unwrap_or_default();
        std::fs::write(dir.join(part_file_name(&file, "json")), text)
            .map_err(|err| UsageError(format!("--api-coverage: {err}")))?;
    }
    Ok(code)
}
