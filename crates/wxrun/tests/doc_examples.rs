//! The examples the docs pages show, run as the pages say (docs/mocks.md, docs/strict.md,
//! docs/coverage.md; docs/recording.md's tour is in offline_cli.rs). If one of these fails,
//! the page is wrong.

mod common;

use common::{Run, repo_root, wxrun};

fn wxrun_in_repo(args: &[&str]) -> Run {
    wxrun()
        .current_dir(repo_root())
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("wxrun starts")
        .into()
}

#[test]
fn mocks_page_script() {
    let out = wxrun_in_repo(&["run", "examples/mocks/profile.js"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "profile: 200 Ann 3\n\
         login: t-42 401 unknown user\n\
         slow: request:fail timeout\n\
         orders: request:fail no mock rule matches https://api.example.com/orders (offline)\n\
         push: hello\n\
         push: {\"unread\":2}\n"
    );
    assert!(out.stderr.contains("  https://api.example.com/orders"));
}

#[test]
fn mocks_page_tests() {
    let out = wxrun_in_repo(&["test", "examples/mocks"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("3 passed, 0 failed"), "{}", out.stdout);
}

#[test]
fn strict_page_script() {
    let relaxed = wxrun_in_repo(&["run", "examples/strict/legacy.js"]);
    assert_eq!(relaxed.code, 0, "{}", relaxed.stderr);
    assert_eq!(relaxed.stdout, "items: 200 {\"ok\":true}\n");
    for code in ["[referer]", "[timeout-cap]"] {
        assert!(
            relaxed.stderr.contains(&format!("wxrun warning: {code}")),
            "{}",
            relaxed.stderr
        );
    }
    assert!(relaxed.stderr.contains("examples/strict/legacy.js:4:4"));
    let strict = wxrun_in_repo(&["run", "--strict", "examples/strict/legacy.js"]);
    assert_eq!(strict.code, 1);
    assert!(
        strict
            .stderr
            .contains("wxrun error (--strict): [timeout-cap]"),
        "{}",
        strict.stderr
    );
}

#[test]
fn coverage_page_command() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("coverage.json");
    let out = wxrun_in_repo(&[
        "test",
        "examples/mocks",
        &format!("--api-coverage={}", report.display()),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("  examples/mocks/profile.test.js  request"),
        "{}",
        out.stderr
    );
    assert!(report.is_file());
}
