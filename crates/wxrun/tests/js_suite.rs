//! The project's JavaScript conformance suite (`js-tests/`), run by `wxrun test` against real
//! wx-testkit servers on loopback, reached by name through `connectTo` with a CA made for this
//! run.

mod common;

use common::{Run, repo_root, wxrun};

#[test]
fn js_suite_passes_against_the_test_servers() {
    let servers = wx_testkit::TestServers::start().expect("test servers start");
    let dir = tempfile::tempdir().unwrap();
    let config = servers.write_config(dir.path()).unwrap();
    let mut command = wxrun();
    command
        .current_dir(repo_root())
        .args(["test", "js-tests", "--config"])
        .arg(&config)
        .env("NO_COLOR", "1");
    for (key, value) in servers.env() {
        command.env(key, value);
    }
    let out: Run = command.output().expect("wxrun starts").into();
    println!("{}", out.stdout);
    eprintln!("{}", out.stderr);
    assert_eq!(
        out.code, 0,
        "the JS suite failed:\n{}\n{}",
        out.stdout, out.stderr
    );
    let last = out.stdout.trim_end().lines().last().unwrap_or_default();
    assert!(last.ends_with("0 failed, 0 skipped"), "{last}");
}
