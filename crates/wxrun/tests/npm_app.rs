//! A published npm library that wraps App/Page and uses `wx` at import time (umtrack-wx, pinned
//! by fixtures/npm-app/package-lock.json) loads unchanged under `wxrun app`. npm fetches it
//! when the fixture lacks it: without npm the test is reported as ignored, with the reason, and
//! under CI it fails, since .ci/prerequisites installs npm (see `common::needing`).

mod common;

use std::process::{Command, ExitCode};

use common::{Missing, Run, command_works, fixtures, in_order, needing, run_tests, trace, wxrun};

/// A file of the installed library, relative to the fixture.
const INSTALLED: &str = "node_modules/umtrack-wx/package.json";

fn main() -> ExitCode {
    run_tests(vec![needing(
        "a_published_npm_library_that_needs_wx_at_import_time_loads_and_makes_requests",
        npm_or_installed(),
        a_published_npm_library_that_needs_wx_at_import_time_loads_and_makes_requests,
    )])
}

/// The library is in the fixture already, or npm can fetch it.
fn npm_or_installed() -> Result<(), Missing> {
    if fixtures("npm-app").join(INSTALLED).is_file() {
        return Ok(());
    }
    command_works("npm", &["--version"], "npm").map(drop)
}

fn a_published_npm_library_that_needs_wx_at_import_time_loads_and_makes_requests() {
    let app_dir = fixtures("npm-app");
    if !app_dir.join(INSTALLED).is_file() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&app_dir)
            .status()
            .expect("npm starts");
        assert!(status.success(), "npm ci failed in {}", app_dir.display());
    }
    let servers = wx_testkit::TestServers::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The testkit's configuration, plus the analytics hosts, which mock rules answer: nothing
    // leaves the machine.
    let mut config = servers.wxrun_config();
    let domains = config["requestdomain"].as_array_mut().unwrap();
    for host in [
        "umini.shujupie.com",
        "ulogs.umeng.com",
        "pslog.umeng.com",
        "ucc.umeng.com",
    ] {
        domains.push(format!("https://{host}").into());
    }
    config["mock"] = app_dir
        .join("umeng-mocks.json")
        .display()
        .to_string()
        .into();
    let config_path = dir.path().join("wxrun.json");
    std::fs::write(&config_path, config.to_string()).unwrap();
    let run: Run = wxrun()
        .arg("app")
        .arg(&app_dir)
        .arg("--config")
        .arg(&config_path)
        .args(["--trace", "--timeout", "20000"])
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("analytics loaded: wx.uma is object"),
        "{}",
        run.stdout
    );
    let lines = trace(&run);
    in_order(
        &lines,
        &[
            "app onLaunch",
            "page pages/index/index onLoad",
            "request GET https://api.wxrun.test/echo?page=index -> 200",
            "setData pages/index/index {\"echoed\":\"page=index\"}",
        ],
    );
    let reports = lines
        .iter()
        .filter(|line| {
            line.starts_with("request POST https://umini.shujupie.com/") && line.ends_with("-> 200")
        })
        .count();
    assert!(
        reports >= 1,
        "the library sent no report:\n{}",
        lines.join("\n")
    );
}
