//! `wxrun test` and the worker it starts for each file.

use std::{
    collections::BTreeSet,
    io::IsTerminal,
    path::{Path, PathBuf},
};

use wx_test::{
    RunPlan, WORKER_OPTIONS_ENV, WorkerOptions,
    discover::{discover, shard},
    report::{Dot, Github, Json, Junit, Pretty, Reporter, Tap},
    report_style,
};

use crate::{
    cli::{LimitFlags, TestArgs, WorkerArgs},
    coverage::{self, FileCoverage},
    setup::{
        RunExtras, UsageError, js_thread_runtime, load_config, make_host, part_file_name, start_dir,
    },
};

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
    let mut files = discover(&cwd, &args.paths).map_err(|err| UsageError(err.0))?;
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
    let plan = RunPlan {
        cwd,
        files,
        jobs,
        exe,
        worker_args: worker_flags.to_args(),
        worker: WorkerOptions {
            filter: args.filter.clone(),
            test_timeout: args.test_timeout,
            bail: args.bail,
            shuffle,
            list: args.list,
            strict,
            file_timeout: args.file_timeout,
            max_memory: args.max_memory,
        },
        bail: args.bail,
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
                move || discover(&cwd, &paths).unwrap_or_default(),
                move |plan| reporters(&specs, plan).unwrap_or_default(),
            )
            .map_err(UsageError)?;
            return Ok(0);
        }
    }
    let mut reporters = reporters(&args.reporter, &plan)?;
    let (_, summary) = wx_test::runner::run(&plan, &mut reporters);
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
    Ok(summary.exit_code())
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
    let runtime = js_thread_runtime()?;
    let code = runtime.block_on(async {
        let host = make_host(config, &limits, &args.config, Vec::new(), extras.for_host())?;
        let code = wx_test::worker::run(&host, &file, &options).await;
        host.abandon();
        Ok::<_, UsageError>(code)
    })?;
    extras.finish()?;
    if let (Some(dir), Some(touched)) = (&args.config.coverage_parts, extras.touched()) {
        let text = serde_json::to_string(&touched).unwrap_or_default();
        std::fs::write(dir.join(part_file_name(&file, "json")), text)
            .map_err(|err| UsageError(format!("--api-coverage: {err}")))?;
    }
    Ok(code)
}
