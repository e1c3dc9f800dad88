//! `wxrun test`: reporters, exit codes, selection, sharding, isolation and watch, through the
//! binary on the suites in fixtures/test-suite.

mod common;

use std::{
    collections::BTreeSet,
    time::{Duration, Instant},
};

use common::{Run, Running, fixtures, run_in, wxrun};

fn suite(args: &[&str]) -> Run {
    let mut all = vec!["test"];
    all.extend_from_slice(args);
    run_in(&fixtures("test-suite"), &all)
}

#[test]
fn pretty_output_shows_failures_and_ends_with_the_totals() {
    let out = suite(&["mixed"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let text = &out.stdout;
    assert!(text.contains(" PASS  mixed/pass.test.js"), "{text}");
    assert!(text.contains(" FAIL  mixed/fail.test.js"), "{text}");
    assert!(text.contains("✕ objects › deep equality"), "{text}");
    assert!(
        text.contains("-       \"c\","),
        "the diff shows the expected item: {text}"
    );
    assert!(
        text.contains("+       \"b\","),
        "the diff shows the received item: {text}"
    );
    assert!(
        text.contains("at ") && text.contains("mixed/fail.test.js:5:"),
        "{text}"
    );
    assert!(text.contains("│ output of a failing test"), "{text}");
    assert!(
        text.contains("(exception in a callback of wx.getNetworkType)"),
        "{text}"
    );
    assert!(text.contains("Error: thrown in success"), "{text}");
    assert_eq!(
        text.trim_end().lines().last(),
        Some("7 passed, 2 failed, 2 skipped")
    );
    assert!(!text.contains('\u{1b}'), "no colour when not on a terminal");
}

#[test]
fn exit_codes_tell_failures_crashes_timeouts_and_no_match_apart() {
    assert_eq!(suite(&["mixed/pass.test.js"]).code, 0);
    assert_eq!(suite(&["mixed/fail.test.js"]).code, 1);
    let crash = suite(&["crash"]);
    assert_eq!(crash.code, 3, "{}", crash.stdout);
    assert!(
        crash.stdout.contains(" CRASH  crash/crash.test.js"),
        "{}",
        crash.stdout
    );
    assert!(
        crash.stdout.contains("the worker exited with code 9"),
        "{}",
        crash.stdout
    );
    let started = Instant::now();
    let hang = suite(&["hang", "--file-timeout", "500"]);
    assert_eq!(hang.code, 5, "{}", hang.stdout);
    assert!(
        hang.stdout.contains(" TIMEOUT  hang/hang.test.js"),
        "{}",
        hang.stdout
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(suite(&["empty"]).code, 4);
    assert_eq!(suite(&["mixed", "--filter", "no such test"]).code, 4);
    let nothing = run_in(&fixtures("run"), &["test"]);
    assert_eq!(nothing.code, 4, "{}", nothing.stderr);
    assert_eq!(suite(&["mixed", "--reporter", "nope"]).code, 2);
    assert_eq!(suite(&["mixed", "--shard", "4/3"]).code, 2);
    assert_eq!(suite(&["does-not-exist"]).code, 2);
}

#[test]
fn a_crashing_or_hanging_file_does_not_stop_the_others() {
    let out = suite(&[
        "--file-timeout",
        "500",
        "mixed/pass.test.js",
        "crash",
        "hang",
    ]);
    assert_eq!(out.code, 3);
    assert!(out.stdout.contains(" PASS  mixed/pass.test.js"));
    assert!(out.stdout.contains(" CRASH  crash/crash.test.js"));
    assert!(out.stdout.contains(" TIMEOUT  hang/hang.test.js"));
    assert_eq!(
        out.stdout.trim_end().lines().last(),
        Some("7 passed, 2 failed, 0 skipped")
    );
}

fn listed(args: &[&str]) -> Vec<String> {
    let mut all = vec!["--list"];
    all.extend_from_slice(args);
    let out = suite(&all);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout.lines().map(str::to_string).collect()
}

#[test]
fn shards_are_disjoint_and_together_cover_every_test_once() {
    let all = listed(&["mixed", "crash"]);
    assert_eq!(all.len(), 13, "{all:?}");
    let mut union = Vec::new();
    for shard in ["1/3", "2/3", "3/3"] {
        union.extend(listed(&["mixed", "crash", "--shard", shard]));
    }
    assert_eq!(union.len(), all.len(), "no test twice");
    let as_set = |v: &[String]| v.iter().cloned().collect::<BTreeSet<_>>();
    assert_eq!(as_set(&union), as_set(&all));
    assert_eq!(
        listed(&["mixed", "crash", "--shard", "1/3"]),
        listed(&["mixed", "crash", "--shard", "1/3"])
    );
}

#[test]
fn filter_list_and_bail_select_tests() {
    let squares = listed(&["mixed", "--filter", "square of"]);
    assert_eq!(squares.len(), 3, "{squares:?}");
    assert!(
        squares[0].ends_with("arithmetic › square of 1 is 1"),
        "{squares:?}"
    );
    let regex = listed(&["mixed", "--filter", "/^objects > /"]);
    assert_eq!(regex.len(), 2, "{regex:?}");
    assert!(
        listed(&["mixed"])
            .iter()
            .any(|l| l.ends_with("skipped one [skip]"))
    );
    let bail = suite(&["mixed/fail.test.js", "--bail"]);
    assert_eq!(bail.code, 1);
    assert_eq!(
        bail.stdout.trim_end().lines().last(),
        Some("0 passed, 1 failed, 4 skipped"),
        "{}",
        bail.stdout
    );
}

#[test]
fn shuffle_is_repeatable_by_seed() {
    let order = |seed: &str| -> Vec<String> {
        let out = suite(&[
            "mixed/pass.test.js",
            &format!("--shuffle={seed}"),
            "--reporter",
            "tap",
        ]);
        assert!(
            out.stderr.contains(&format!("seed {seed}")),
            "{}",
            out.stderr
        );
        out.stdout
            .lines()
            .filter(|l| l.trim_start().starts_with("ok "))
            .map(|l| l.trim().split(" - ").nth(1).unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(order("42"), order("42"));
    let orders: BTreeSet<Vec<String>> = ["1", "2", "3", "4", "5", "6"]
        .iter()
        .map(|s| order(s))
        .collect();
    assert!(orders.len() > 1, "different seeds give different orders");
}

#[test]
fn tap_is_version_14_with_subtests_and_yaml() {
    let out = suite(&["mixed", "--reporter", "tap"]);
    let text = &out.stdout;
    assert!(text.starts_with("TAP version 14\n"), "{text}");
    assert!(text.contains("# Subtest: mixed/fail.test.js\n"), "{text}");
    assert!(text.contains("    not ok 1 - objects > deep equality\n      ---\n      message: \"expect(received).toEqual(expected) // deep equality\"\n      severity: fail\n"), "{text}");
    assert!(text.contains("    ok 4 - skipped one # SKIP\n"), "{text}");
    assert!(text.contains("    not ok 5 - to do # TODO\n"), "{text}");
    assert!(
        text.contains("not ok 1 - mixed/fail.test.js\n")
            || text.contains("not ok 2 - mixed/fail.test.js\n"),
        "{text}"
    );
    assert!(text.contains("\n1..2\n"), "{text}");
}

#[test]
fn junit_has_the_structure_ci_systems_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.xml");
    let out = suite(&[
        "mixed",
        "crash",
        "--reporter",
        &format!("junit={}", file.display()),
    ]);
    assert_eq!(out.code, 3);
    assert!(
        out.stdout.ends_with("8 passed, 3 failed, 2 skipped\n"),
        "pretty still prints: {}",
        out.stdout
    );
    let xml = std::fs::read_to_string(&file).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut stack: Vec<String> = Vec::new();
    let mut counts = std::collections::BTreeMap::new();
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let path = format!("{}/{name}", stack.join("/"));
                *counts.entry(path).or_insert(0) += 1;
                if name == "testcase" {
                    assert!(
                        e.attributes()
                            .any(|a| a.unwrap().key.as_ref() == b"classname")
                    );
                }
                stack.push(name);
            }
            quick_xml::events::Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                *counts
                    .entry(format!("{}/{name}", stack.join("/")))
                    .or_insert(0) += 1;
            }
            quick_xml::events::Event::End(_) => {
                stack.pop();
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(counts.get("/testsuites"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("testsuites/testsuite"), Some(&3), "{counts:?}");
    let cases = counts
        .get("testsuites/testsuite/testcase")
        .copied()
        .unwrap_or(0);
    assert!(cases >= 10, "{counts:?}");
    assert_eq!(
        counts.get("testsuites/testsuite/testcase/failure"),
        Some(&2),
        "{counts:?}"
    );
    assert_eq!(
        counts.get("testsuites/testsuite/testcase/error"),
        Some(&1),
        "the crash: {counts:?}"
    );
    assert!(
        xml.contains("classname=\"mixed/fail.test.js &gt; objects\""),
        "{xml}"
    );
    assert!(xml.contains("output of a failing test"), "{xml}");
    let schema = fixtures("junit/junit.xsd");
    match std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
    {
        Ok(check) => assert!(
            check.status.success(),
            "the report does not validate against {}: {}",
            schema.display(),
            String::from_utf8_lossy(&check.stderr)
        ),
        Err(_) => {
            eprintln!("SKIP schema validation: xmllint is not installed (Debian: libxml2-utils)")
        }
    }
}

#[test]
fn json_and_github_reporters() {
    let out = suite(&["mixed", "--reporter", "json"]);
    let document: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(document["summary"]["passed"], 7);
    assert_eq!(document["summary"]["failed"], 2);
    assert_eq!(document["summary"]["exitCode"], 1);
    let fail = document["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "mixed/fail.test.js")
        .unwrap();
    let callback = fail["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "callback exception belongs to the test")
        .unwrap();
    assert_eq!(callback["status"], "failed");
    assert_eq!(
        callback["errors"][0]["origin"],
        "exception in a callback of wx.getNetworkType"
    );

    let github = suite(&["mixed", "--reporter", "github"]);
    let line = github
        .stdout
        .lines()
        .find(|l| l.contains("deep equality"))
        .unwrap();
    assert!(
        line.starts_with("::error file=mixed/fail.test.js,line=5,col="),
        "{line}"
    );
    assert!(line.contains("title=objects > deep equality::"), "{line}");
    assert!(!line[2..].contains('\n') && line.contains("%0A"), "{line}");
    let defaulted = wxrun()
        .args(["test", "mixed"])
        .current_dir(fixtures("test-suite"))
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&defaulted.stdout);
    assert!(
        text.contains("::error file=mixed/fail.test.js"),
        "GITHUB_ACTIONS adds annotations: {text}"
    );
    assert!(text.contains(" FAIL  mixed/fail.test.js"), "{text}");
}

#[test]
fn dot_reporter_marks_each_test() {
    let out = suite(&["mixed/pass.test.js", "--reporter", "dot", "--jobs", "1"]);
    assert!(out.stdout.starts_with("......\n"), "{}", out.stdout);
    assert_eq!(
        out.stdout.trim_end().lines().last(),
        Some("6 passed, 0 failed, 0 skipped")
    );
}

#[test]
fn jobs_do_not_change_results() {
    let one = suite(&["mixed", "crash", "--jobs", "1", "--reporter", "json"]);
    let four = suite(&["mixed", "crash", "--jobs", "4", "--reporter", "json"]);
    let summary = |run: &Run| {
        serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap()["summary"].clone()
    };
    let (mut a, mut b) = (summary(&one), summary(&four));
    a["durationMs"] = 0.into();
    b["durationMs"] = 0.into();
    assert_eq!(a, b);
}

#[test]
fn watch_reruns_the_files_a_change_affects() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("util.js"), "exports.v = 1;").unwrap();
    std::fs::write(
        dir.path().join("uses.test.js"),
        "test('uses', () => expect(require('./util').v).toBe(1));",
    )
    .unwrap();
    std::fs::write(dir.path().join("other.test.js"), "test('other', () => {});").unwrap();
    let mut command = wxrun();
    command
        .args(["test", "--watch"])
        .current_dir(dir.path())
        .env_remove("CI");
    let running = Running::start(command);
    // Printed once the watcher is in place, after the first run.
    running.wait_for("the first run, then watching", |_, err| {
        err.contains("watching for changes")
    });
    std::fs::write(dir.path().join("util.js"), "exports.v = 2;").unwrap();
    running.wait_for("the re-run of the affected file", |out, _| {
        out.contains("0 passed, 1 failed, 0 skipped")
    });
    let _ = std::process::Command::new("kill")
        .arg(running.id().to_string())
        .status();
    let out = running.finish();
    assert!(
        out.stdout.contains("2 passed, 0 failed, 0 skipped"),
        "first full run: {}",
        out.stdout
    );
    assert!(
        out.stderr.contains("running 1 affected file"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("0 passed, 1 failed, 0 skipped"),
        "only uses.test.js re-ran: {}",
        out.stdout
    );

    let ci = wxrun()
        .args(["test", "--watch"])
        .current_dir(dir.path())
        .env("CI", "true")
        .output()
        .unwrap();
    assert_eq!(ci.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&ci.stderr).contains("--watch is off because CI is set"));
}
