//! fixtures/jest-compat: a Jest suite that runs unchanged under `wxrun test` and, checked
//! against the original, under Jest 29 itself (installed with npm from the fixture's
//! package-lock.json): the same tests pass, Jest's snapshot file is read by wxrun, the
//! snapshot file wxrun writes is the one Jest writes, and coverage agrees with Jest's
//! (istanbul's) line by line and count by count. Without npm the tests that need Jest are
//! reported as ignored with the reason, and fail under CI, where .ci/prerequisites installs
//! npm (see `common::needing`).

mod common;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::ExitCode,
    sync::Once,
};

use common::{
    Missing, Run, command_works, copy_project, fixtures, needing, npm_ci, run_outside_ci,
    run_tests, wxrun_test_in as wxrun_test,
};

fn main() -> ExitCode {
    let jest = || jest_or_npm();
    run_tests(vec![
        libtest_mimic::Trial::test(
            "the_suite_passes_under_wxrun_reading_the_snapshots_jest_wrote",
            || {
                the_suite_passes_under_wxrun_reading_the_snapshots_jest_wrote();
                Ok(())
            },
        ),
        needing(
            "the_suite_passes_under_jest_too",
            jest(),
            the_suite_passes_under_jest_too,
        ),
        needing(
            "wxrun_writes_the_snapshot_file_jest_writes",
            jest(),
            wxrun_writes_the_snapshot_file_jest_writes,
        ),
        needing(
            "coverage_agrees_with_jest_line_by_line",
            jest(),
            coverage_agrees_with_jest_line_by_line,
        ),
    ])
}

fn project() -> PathBuf {
    fixtures("jest-compat")
}

/// A file of the installed Jest, relative to the fixture.
const JEST: &str = "jest/package.json";

/// Jest is in the fixture already, or npm can install it.
fn jest_or_npm() -> Result<(), Missing> {
    if project().join("node_modules").join(JEST).is_file() {
        return Ok(());
    }
    command_works("npm", &["--version"], "npm").map(drop)
}

/// Installs Jest into the fixture, once per test binary.
fn install_jest() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| assert!(npm_ci(&project(), JEST), "npm cannot be started"));
}

fn jest(dir: &Path, args: &[&str]) -> Run {
    let script = project().join("node_modules/jest/bin/jest.js");
    let mut all = vec![script.to_str().unwrap()];
    all.extend(args);
    run_outside_ci(dir, Path::new("node"), &all)
}

/// The files Jest cannot run without Babel or ts-jest (ES-module and TypeScript test files).
const JEST_SKIPS: [&str; 3] = ["--testPathIgnorePatterns", "/wxrun-only/", "/node_modules/"];

fn the_suite_passes_under_wxrun_reading_the_snapshots_jest_wrote() {
    let out = wxrun_test(&project(), &["--ci"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines.contains(&"Snapshots: 8 passed"), "{}", out.stdout);
    assert_eq!(
        lines.last().copied(),
        Some("53 passed, 0 failed, 0 skipped"),
        "{}",
        out.stdout
    );
    // The configuration's options are all honoured: nothing is named as ignored.
    assert!(!out.stderr.contains("is ignored"), "{}", out.stderr);
}

fn the_suite_passes_under_jest_too() {
    install_jest();
    let mut args = vec!["--ci"];
    args.extend(JEST_SKIPS);
    let out = jest(&project(), &args);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("Tests:       49 passed, 49 total"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("Snapshots:   8 passed, 8 total"),
        "{}",
        out.stderr
    );
}

fn wxrun_writes_the_snapshot_file_jest_writes() {
    install_jest();
    let snap = Path::new("__tests__/__snapshots__/snapshots.test.js.snap");
    let written = |run: &dyn Fn(&Path) -> Run| {
        let dir = tempfile::tempdir().unwrap();
        copy_project(&project(), dir.path());
        std::os::unix::fs::symlink(
            project().join("node_modules"),
            dir.path().join("node_modules"),
        )
        .unwrap();
        std::fs::remove_file(dir.path().join(snap)).unwrap();
        let out = run(dir.path());
        assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
        std::fs::read_to_string(dir.path().join(snap)).unwrap()
    };
    let by_jest = written(&|dir| jest(dir, &["__tests__/snapshots.test.js"]));
    let by_wxrun = written(&|dir| wxrun_test(dir, &["__tests__/snapshots.test.js"]));
    assert_eq!(by_wxrun, by_jest);
    let committed = std::fs::read_to_string(project().join(snap)).unwrap();
    assert_eq!(by_jest, committed);
}

/// `line → hits` per file, from an lcov.info.
fn lcov_lines(path: &Path) -> BTreeMap<String, BTreeMap<u32, u64>> {
    let mut out: BTreeMap<String, BTreeMap<u32, u64>> = BTreeMap::new();
    let mut current = String::new();
    for line in std::fs::read_to_string(path).unwrap().lines() {
        if let Some(file) = line.strip_prefix("SF:") {
            current = file.to_string();
            out.entry(current.clone()).or_default();
        } else if let Some(entry) = line.strip_prefix("DA:") {
            let (line, hits) = entry.split_once(',').unwrap();
            out.get_mut(&current)
                .unwrap()
                .insert(line.parse().unwrap(), hits.parse().unwrap());
        }
    }
    out
}

/// Per file: statement, function and branch counts, in order.
fn counts(path: &Path) -> BTreeMap<String, serde_json::Value> {
    let data: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    data.into_iter()
        .map(|(file, coverage)| {
            let values = |key: &str| -> Vec<serde_json::Value> {
                let map = coverage[key].as_object().unwrap();
                let mut entries: Vec<(u32, serde_json::Value)> = map
                    .iter()
                    .map(|(k, v)| (k.parse().unwrap(), v.clone()))
                    .collect();
                entries.sort_by_key(|(k, _)| *k);
                entries.into_iter().map(|(_, v)| v).collect()
            };
            (
                file,
                serde_json::json!({ "s": values("s"), "f": values("f"), "b": values("b") }),
            )
        })
        .collect()
}

fn coverage_agrees_with_jest_line_by_line() {
    install_jest();
    let reports = tempfile::tempdir().unwrap();
    let by_jest = reports.path().join("jest");
    let by_wxrun = reports.path().join("wxrun");
    let mut args = vec![
        "--ci",
        "--coverage",
        "--coverageReporters=lcov",
        "--coverageReporters=json",
    ];
    let directory = format!("--coverageDirectory={}", by_jest.display());
    args.push(&directory);
    args.extend(JEST_SKIPS);
    let out = jest(&project(), &args);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let out = wxrun_test(
        &project(),
        &[
            "__tests__",
            "--ci",
            "--coverage",
            "--coverage-reporters",
            "lcov,json",
            "--coverage-directory",
            &by_wxrun.to_string_lossy(),
        ],
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let (jest_lines, wxrun_lines) = (
        lcov_lines(&by_jest.join("lcov.info")),
        lcov_lines(&by_wxrun.join("lcov.info")),
    );
    assert_eq!(
        jest_lines.keys().collect::<Vec<_>>(),
        ["src/api.js", "src/cart.js", "src/format.js", "src/store.js"]
    );
    for (file, lines) in &jest_lines {
        let covered = |lines: &BTreeMap<u32, u64>| -> Vec<(u32, bool)> {
            lines
                .iter()
                .map(|(line, hits)| (*line, *hits > 0))
                .collect()
        };
        assert_eq!(
            covered(&wxrun_lines[file]),
            covered(lines),
            "the lines counted and covered in {file}"
        );
    }
    // The uncovered lines are the ones the suite leaves out on purpose.
    let uncovered: Vec<u32> = jest_lines["src/cart.js"]
        .iter()
        .filter(|(_, hits)| **hits == 0)
        .map(|(line, _)| *line)
        .collect();
    assert_eq!(uncovered, [35, 53]);
    // Beyond lines: every statement, function and branch count is istanbul's.
    assert_eq!(
        counts(&by_wxrun.join("coverage-final.json")),
        counts(&by_jest.join("coverage-final.json"))
    );
}
