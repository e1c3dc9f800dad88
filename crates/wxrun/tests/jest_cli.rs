//! `wxrun test` as a Jest user's CI sees it: snapshots written, checked, updated with -u,
//! refused under CI, obsolete ones reported; the Jest options wxrun does not honour named
//! once; coverage reports, merged across workers and across `--shard` runs, thresholds; JUnit
//! reports of shards merged.

mod common;

use std::path::Path;

use common::{Run, wxrun};

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

use common::wxrun_test_in as test_in;

fn last_line(run: &Run) -> &str {
    run.stdout.trim_end().lines().last().unwrap_or_default()
}

const SNAPSHOT_TEST: &str = "test('value', () => {\n  expect({ n: 1 }).toMatchSnapshot();\n});\n\ntest('inline', () => {\n  expect([1, 'two']).toMatchInlineSnapshot();\n});\n";

#[test]
fn snapshots_are_written_checked_updated_and_refused_in_ci() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, &[("a.test.js", SNAPSHOT_TEST)]);
    let snap = root.join("__snapshots__/a.test.js.snap");

    // First run: both snapshots are written, the inline one into the test file.
    let out = test_in(root, &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("Snapshots: 2 written"),
        "{}",
        out.stdout
    );
    assert_eq!(
        std::fs::read_to_string(&snap).unwrap(),
        "// Jest Snapshot v1, https://goo.gl/fbAQLP\n\nexports[`value 1`] = `\n{\n  \"n\": 1,\n}\n`;\n"
    );
    let source = std::fs::read_to_string(root.join("a.test.js")).unwrap();
    assert!(
        source.contains("  expect([1, 'two']).toMatchInlineSnapshot(`\n    [\n      1,\n      \"two\",\n    ]\n  `);\n"),
        "{source}"
    );

    // Then they are checked, under CI too.
    let out = test_in(root, &["--ci"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("Snapshots: 2 passed"), "{}", out.stdout);

    // A changed value fails with the diff; -u writes it.
    let changed = std::fs::read_to_string(root.join("a.test.js"))
        .unwrap()
        .replace("{ n: 1 }", "{ n: 2 }");
    write(root, &[("a.test.js", &changed)]);
    let out = test_in(root, &[]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("Snapshot name: `value 1`\n      \n      - Snapshot  - 1\n      + Received  + 1\n      \n        {\n      -   \"n\": 1,\n      +   \"n\": 2,\n        }"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Snapshots: 1 failed, 1 passed"),
        "{}",
        out.stdout
    );
    let out = test_in(root, &["-u"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("Snapshots: 1 updated, 1 passed"),
        "{}",
        out.stdout
    );
    assert!(std::fs::read_to_string(&snap).unwrap().contains("\"n\": 2"));

    // A missing snapshot is not written in CI: --ci, or the CI variable.
    write(
        root,
        &[(
            "a.test.js",
            &format!("{changed}\ntest('new', () => {{\n  expect(1).toMatchSnapshot();\n}});\n"),
        )],
    );
    let out = test_in(root, &["--ci"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("New snapshot was not written. The update flag must be explicitly passed to write a new snapshot."),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("continuous integration (CI)"),
        "{}",
        out.stdout
    );
    let out: Run = wxrun()
        .arg("test")
        .current_dir(root)
        .env("CI", "true")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
        .into();
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(!std::fs::read_to_string(&snap).unwrap().contains("new 1"));
}

#[test]
fn obsolete_snapshots_fail_the_run_until_removed_with_u() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        &[(
            "a.test.js",
            "test('kept', () => expect(1).toMatchSnapshot());\ntest('dropped', () => expect(2).toMatchSnapshot());\ntest.skip('skipped', () => expect(3).toMatchSnapshot());\n",
        )],
    );
    assert_eq!(test_in(root, &[]).code, 0);
    // The skipped test's snapshot was never written; write one by hand, as an older run did.
    let snap = root.join("__snapshots__/a.test.js.snap");
    let text = std::fs::read_to_string(&snap).unwrap().replace(
        "exports[`kept 1`]",
        "exports[`skipped 1`] = `3`;\n\nexports[`kept 1`]",
    );
    std::fs::write(&snap, text).unwrap();
    write(
        root,
        &[
            (
                "a.test.js",
                "test('kept', () => expect(1).toMatchSnapshot());\ntest.skip('skipped', () => expect(3).toMatchSnapshot());\n",
            ),
            (
                "__snapshots__/gone.test.js.snap",
                "// Jest Snapshot v1, https://goo.gl/fbAQLP\n\nexports[`x 1`] = `1`;\n",
            ),
        ],
    );
    let out = test_in(root, &[]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("2 obsolete snapshots (no test checked them); run with -u to remove them:\n  • a.test.js › dropped 1\n  • __snapshots__/gone.test.js.snap\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("Snapshots: 1 obsolete, 1 file obsolete, 1 passed"),
        "{}",
        out.stdout
    );
    assert_eq!(last_line(&out), "1 passed, 0 failed, 1 skipped");

    let out = test_in(root, &["-u"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("Snapshots: 1 removed, 1 file removed, 1 passed"),
        "{}",
        out.stdout
    );
    let text = std::fs::read_to_string(&snap).unwrap();
    assert!(!text.contains("dropped"), "{text}");
    // A skipped test's snapshot is not obsolete.
    assert!(text.contains("skipped 1"), "{text}");
    assert!(!root.join("__snapshots__/gone.test.js.snap").exists());
    assert_eq!(test_in(root, &["--ci"]).code, 0);
}

#[test]
fn jest_options_wxrun_does_not_honour_are_named_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        &[
            (
                "package.json",
                r#"{"name": "p", "jest": {"testEnvironment": "jsdom", "setupFilesAfterEach": ["x.js"], "reporters": ["default"], "testMatch": ["**/checks/*.js"], "testTimeout": 50}}"#,
            ),
            ("checks/one.js", "test('one', () => expect(1).toBe(1));\n"),
            (
                "checks/two.js",
                "test('slow', () => new Promise((resolve) => setTimeout(resolve, 500)));\n",
            ),
            ("other.test.js", "test('not matched', () => {});\n"),
        ],
    );
    let out = test_in(root, &[]);
    for option in [
        "\"testEnvironment\" is not supported",
        "\"setupFilesAfterEach\" is not a Jest option (did you mean \"setupFilesAfterEnv\"?)",
        "\"reporters\" is not supported",
    ] {
        assert_eq!(
            out.stderr.matches(option).count(),
            1,
            "{option}\n{}",
            out.stderr
        );
    }
    assert!(
        out.stderr.contains("package.json: \"testEnvironment\""),
        "{}",
        out.stderr
    );
    // testMatch chose the files; testTimeout (50 ms) failed the slow one.
    assert!(
        out.stdout.contains("test timed out after 50 ms"),
        "{}",
        out.stdout
    );
    assert_eq!(last_line(&out), "1 passed, 1 failed, 0 skipped");
    // A bad configuration names the file and the key.
    write(
        root,
        &[(
            "package.json",
            r#"{"name": "p", "jest": {"testTimeout": "soon"}}"#,
        )],
    );
    let out = test_in(root, &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("package.json: \"testTimeout\" must be a number of milliseconds"),
        "{}",
        out.stderr
    );
}

const COVERED_PROJECT: [(&str, &str); 5] = [
    (
        "src/a.js",
        "function one() {\n  return 1;\n}\nfunction two(flag) {\n  if (flag) return 'yes';\n  return 'no';\n}\nmodule.exports = { one, two };\n",
    ),
    (
        "src/b.ts",
        "interface Shape {\n  side: number;\n}\n\nexport function area(shape: Shape): number {\n  return shape.side * shape.side;\n}\n\nexport function unused(): string {\n  return 'never';\n}\n",
    ),
    (
        "t1.test.js",
        "const { one } = require('./src/a');\ntest('one', () => expect(one()).toBe(1));\n",
    ),
    (
        "t2.test.js",
        "const { two } = require('./src/a');\nconst { area } = require('./src/b');\ntest('two', () => expect(two(true)).toBe('yes'));\ntest('area', () => expect(area({ side: 3 })).toBe(9));\n",
    ),
    (
        "package.json",
        r#"{"name": "covered", "jest": {"coverageThreshold": {"global": {"functions": 50}}}}"#,
    ),
];

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn coverage_reports_merge_workers_and_locate_typescript() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, &COVERED_PROJECT);
    let out = test_in(root, &["--coverage", "-j", "2"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    // The text table, after the test results.
    assert!(
        out.stdout
            .contains("File      | % Stmts | % Branch | % Funcs | % Lines | Uncovered Line #s"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(" All files |"), "{}", out.stdout);
    let coverage = root.join("coverage");
    // Both workers' counts are in: a.js's two functions ran, in different files.
    let final_json = read_json(&coverage.join("coverage-final.json"));
    let a = &final_json[root
        .join("src/a.js")
        .canonicalize()
        .unwrap()
        .to_string_lossy()
        .as_ref()];
    assert_eq!(a["f"], serde_json::json!({"0": 1, "1": 1}));
    assert_eq!(a["b"]["0"], serde_json::json!([1, 0]));
    // TypeScript is counted on its own lines: the return on line 6 ran, line 10 did not.
    let lcov = std::fs::read_to_string(coverage.join("lcov.info")).unwrap();
    let b = lcov.split("SF:src/b.ts\n").nth(1).unwrap();
    let b = b.split("end_of_record").next().unwrap();
    assert!(
        b.contains("FN:5,area\n") && b.contains("DA:6,1\n") && b.contains("DA:10,0\n"),
        "{b}"
    );
    assert!(b.contains("LF:2\nLH:1\n"), "{b}");
    let summary = read_json(&coverage.join("coverage-summary.json"));
    assert_eq!(
        summary["total"]["functions"],
        serde_json::json!({"total": 4, "covered": 3, "skipped": 0, "pct": 75.0})
    );
    let cobertura = std::fs::read_to_string(coverage.join("cobertura-coverage.xml")).unwrap();
    let mut reader = quick_xml::Reader::from_str(&cobertura);
    let mut classes = Vec::new();
    loop {
        match reader.read_event().expect("well-formed Cobertura XML") {
            quick_xml::events::Event::Start(tag) if tag.name().as_ref() == b"class" => {
                let filename = tag
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == b"filename")
                    .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                classes.push(filename.unwrap_or_default());
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(classes, ["src/a.js", "src/b.ts"]);
    assert!(
        cobertura.contains(
            "<line number=\"5\" hits=\"1\" branch=\"true\" condition-coverage=\"50% (1/2)\"/>"
        ),
        "{cobertura}"
    );

    // Thresholds: the configured one (functions 50%) is met; a stricter flag fails the run.
    let out = test_in(
        root,
        &[
            "--coverage",
            "--coverage-threshold",
            "lines=100,functions=50",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("\"global\" coverage threshold for lines (100%) not met: 66.66%"),
        "{}",
        out.stderr
    );
    assert_eq!(last_line(&out), "3 passed, 0 failed, 0 skipped");
}

#[test]
fn shards_merge_into_the_coverage_and_junit_of_the_whole_suite() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, &COVERED_PROJECT);
    let whole = test_in(
        root,
        &[
            "--coverage",
            "--coverage-directory",
            "whole",
            "--coverage-reporters",
            "json",
        ],
    );
    assert_eq!(whole.code, 0, "{}", whole.stderr);
    for shard in ["1", "2"] {
        let out = test_in(
            root,
            &[
                "--shard",
                &format!("{shard}/2"),
                "--coverage",
                "--coverage-directory",
                &format!("shard-{shard}"),
                "--coverage-reporters",
                "json",
                "--reporter",
                &format!("junit=junit-{shard}.xml"),
            ],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let merged: Run = wxrun()
        .args([
            "coverage",
            "merge",
            "shard-1",
            "shard-2/coverage-final.json",
            "--coverage-directory",
            "merged",
            "--coverage-reporters",
            "json,text",
        ])
        .current_dir(root)
        .output()
        .unwrap()
        .into();
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    assert!(merged.stdout.contains(" All files |"), "{}", merged.stdout);
    assert_eq!(
        read_json(&root.join("merged/coverage-final.json")),
        read_json(&root.join("whole/coverage-final.json"))
    );
    let junit: Run = wxrun()
        .args([
            "junit",
            "merge",
            "junit-1.xml",
            "junit-2.xml",
            "-o",
            "junit.xml",
        ])
        .current_dir(root)
        .output()
        .unwrap()
        .into();
    assert_eq!(junit.code, 0, "{}", junit.stderr);
    let report = std::fs::read_to_string(root.join("junit.xml")).unwrap();
    assert!(report.contains("tests=\"3\""), "{report}");
    assert!(
        report.contains("t1.test.js") && report.contains("t2.test.js"),
        "{report}"
    );
    // A file that is not coverage is named.
    std::fs::write(root.join("bad.json"), "[]").unwrap();
    let bad: Run = wxrun()
        .args(["coverage", "merge", "bad.json"])
        .current_dir(root)
        .output()
        .unwrap()
        .into();
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .contains("bad.json is not coverage in istanbul's format"),
        "{}",
        bad.stderr
    );
}

#[test]
fn packages_manual_mocks_virtual_mocks_and_module_name_mapper() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        &[
            (
                "package.json",
                r#"{"name": "p", "jest": {"moduleNameMapper": {"^~/(.*)$": "<rootDir>/lib/$1"}}}"#,
            ),
            (
                "node_modules/left-pad/index.js",
                "module.exports = (s, n) => s.padStart(n);\n",
            ),
            (
                "__mocks__/left-pad.js",
                "module.exports = () => 'mocked';\n",
            ),
            (
                "lib/util.js",
                "module.exports = { pad: require('left-pad') };\n",
            ),
            (
                "a.test.js",
                "jest.mock('config-service', () => ({ url: 'https://x.test' }), { virtual: true });\nconst { pad } = require('~/util');\ntest('the package is mocked from the root __mocks__, the real one is there too', () => {\n  expect(pad('a', 3)).toBe('mocked');\n  expect(jest.requireActual('left-pad')('a', 3)).toBe('  a');\n});\ntest('a virtual mock answers for a module that does not exist', () => {\n  expect(require('config-service').url).toBe('https://x.test');\n});\n",
            ),
        ],
    );
    let out = test_in(root, &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(last_line(&out), "2 passed, 0 failed, 0 skipped");
}
