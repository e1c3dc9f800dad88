//! `wxrun run`: modules, console, timers, exit codes, stacks and limits, through the binary.

mod common;

use std::time::{Duration, Instant};

use common::{Run, Running, fixtures, run_in, wxrun};

fn run(args: &[&str]) -> Run {
    run_in(&fixtures("run"), args)
}

#[test]
fn every_require_form_resolves() {
    let out = run(&["run", "modules/main.js"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout.trim(),
        "sibling sibling lib-index lib-index helper-up json json bom-json dep-package cached function filename dirname"
    );
}

#[test]
fn require_cycles_see_partial_exports_as_in_node() {
    let out = run(&["run", "cycle/main.js"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "in a, b.loaded = true b saw a.loaded = false\nmain: true true\n"
    );
}

#[test]
fn es_modules_import_modules_commonjs_json_and_builtins() {
    let out = run(&["run", "esm/main.mjs", "p", "q"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "42 commonjs commonjs true function p,q\n");
}

#[test]
fn a_missing_module_names_the_paths_tried_and_the_requester() {
    let out = run(&["run", "missing.js"]);
    assert_eq!(out.code, 1);
    let root = fixtures("run");
    assert!(
        out.stderr.contains("Cannot find module './not-there'"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!(
            "required from {}",
            root.join("missing.js").display()
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains(&root.join("not-there.js").display().to_string()),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("missing.js:1:1"), "{}", out.stderr);
}

#[test]
fn timers_fire_in_deadline_order_after_microtasks() {
    let out = run(&["run", "timers.js"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout.trim(),
        "sync micro promise t0 i1 t100 args:xy t200 | ticks 3"
    );
}

#[test]
fn console_streams_are_separate() {
    let out = run(&["run", "streams.js"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "ok\n");
    assert_eq!(out.stderr, "warned\nerrored\n");
}

#[test]
fn uncaught_exception_prints_stack_with_user_locations_and_exits_1() {
    let out = run(&["run", "uncaught.js"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "before\n");
    let path = fixtures("run").join("uncaught.js");
    let expected = format!(
        "Uncaught TypeError: bad thing\n    at inner ({p}:2:13)\n    at outer ({p}:5:3)\n",
        p = path.display()
    );
    assert!(out.stderr.starts_with(&expected), "{}", out.stderr);
    assert!(!out.stderr.contains("wxrun:internal"), "{}", out.stderr);
}

#[test]
fn uncaught_exception_in_a_timer_exits_1() {
    let out = run(&["run", "uncaught-timer.js"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("Uncaught Error: from a timer"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("uncaught-timer.js:2:"),
        "{}",
        out.stderr
    );
}

#[test]
fn unhandled_rejection_prints_and_exits_1_without_waiting() {
    let out = run(&["run", "rejection.js"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("Uncaught (in promise) Error: rejected"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("rejection.js:2:"), "{}", out.stderr);
    assert_eq!(out.stdout, "");
}

#[test]
fn syntax_errors_name_the_file() {
    let out = run(&["run", "syntax.js"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("SyntaxError"), "{}", out.stderr);
    assert!(out.stderr.contains("syntax.js:1"), "{}", out.stderr);
}

#[test]
fn timeout_stops_a_busy_loop() {
    let started = Instant::now();
    let out = run(&["run", "--timeout", "300", "forever.js"]);
    assert_eq!(out.code, 124, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("still running after 300 ms (--timeout)"),
        "{}",
        out.stderr
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn timeout_stops_an_idle_script_too() {
    let out = run(&["run", "--timeout", "200", "idle-forever.js"]);
    assert_eq!(out.code, 124, "{}", out.stderr);
}

#[test]
fn memory_limit_is_a_clean_error() {
    let out = run(&["run", "--max-memory", "16", "memory.js"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("out of memory: the JavaScript heap reached the 16 MiB limit"),
        "{}",
        out.stderr
    );
}

#[test]
fn stack_overflow_is_a_range_error() {
    let out = run(&["run", "recursion.js"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .starts_with("Uncaught RangeError: Maximum call stack size exceeded"),
        "{}",
        out.stderr
    );
    let caught = run(&["run", "recursion-caught.js"]);
    assert_eq!(caught.code, 0);
    assert_eq!(caught.stdout, "true Maximum call stack size exceeded\n");
}

#[test]
fn exit_stops_at_once_with_its_code() {
    let out = run(&["run", "exit.js", "7"]);
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert_eq!(out.stdout, "args [\"7\"]\n");
    assert_eq!(out.stderr, "");
    assert_eq!(run(&["run", "exit.js"]).code, 0);
}

#[test]
fn ctrl_c_ends_the_run_with_130() {
    let mut command = wxrun();
    command
        .args(["run", "forever.js"])
        .current_dir(fixtures("run"));
    let running = Running::start(command);
    // The script prints before it loops; the handler is in place before any script runs.
    running.wait_for("the script's first line", |out, _| out.contains("looping"));
    let status = std::process::Command::new("kill")
        .args(["-INT", &running.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = running.finish();
    assert_eq!(out.code, 130);
    assert!(
        out.stderr.contains("interrupted by Ctrl-C"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_missing_script_is_a_usage_error() {
    let out = run(&["run", "no-such-file.js"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with("wxrun: cannot open no-such-file.js"),
        "{}",
        out.stderr
    );
}

#[test]
fn configuration_errors_exit_2_naming_file_key_and_value() {
    let out = run(&["run", "bad-config/main.js"]);
    assert_eq!(out.code, 2);
    let file = fixtures("run").join("bad-config/wxrun.json");
    assert_eq!(
        out.stderr.trim(),
        format!(
            "wxrun: configuration error: {}: key `requestdomain[1]`: \"localhost\" is localhost; it cannot be configured (LAN addresses are reached through the `lan` setting)",
            file.display()
        )
    );
    assert_eq!(out.stdout, "");
    let flag = run(&["run", "--lib-version", "two", "timers.js"]);
    assert_eq!(flag.code, 2);
    assert!(
        flag.stderr
            .contains("command line: --lib-version: \"two\" is not a base-library version"),
        "{}",
        flag.stderr
    );
}

#[test]
fn callback_exceptions_are_reported_complete_still_runs_and_exit_is_1() {
    let out = run(&["run", "callback-error.js"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "complete ran with getNetworkType:ok\nstill running\n"
    );
    assert!(
        out.stderr.starts_with(
            "Uncaught exception in a callback of wx.getNetworkType: Error: thrown by success\n"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("callback-error.js:5:"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("1 error reported during the run"),
        "{}",
        out.stderr
    );
}

#[test]
fn project_configuration_applies_and_config_shows_sources() {
    let out = run(&["run", "project/main.js"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "2.20.0\n");
    let root = fixtures("run").join("project");
    let shown = run_in(&root, &["config", "--appid", "wxflag"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    let line = |key: &str| {
        shown
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(key))
            .unwrap_or_else(|| panic!("no {key} line in\n{}", shown.stdout))
            .to_string()
    };
    assert!(line("appid").contains("wxflag") && line("appid").ends_with("(flag --appid)"));
    assert!(
        line("libVersion").ends_with(&format!("({})", root.join("project.config.json").display()))
    );
    assert!(line("urlCheck").contains("false"));
    assert!(line("requestdomain").contains("[api.example.com]"));
    assert!(line("requestdomain").ends_with(&format!("({})", root.join("wxrun.json").display())));
    assert!(line("lan").contains("10.1.2.3/16"));
    assert!(line("networkTimeout.request").contains("8000"));
    assert!(line("networkTimeout.uploadFile").ends_with("(default)"));
}

/// A worker with work under way (a timer before its answer) keeps the run alive; once it is
/// idle it does not, though it was never terminated.
#[test]
fn a_busy_worker_keeps_the_run_alive_and_an_idle_one_does_not() {
    let out = run(&["run", "--timeout", "10000", "worker/main.js"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "answer 42\n");
}
