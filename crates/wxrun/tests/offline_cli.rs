//! Recording and replay end to end: a suite recorded against the real test servers, then
//! replayed with the servers stopped; what the recording keeps; what an unmatched call does;
//! and the README's offline tour.

mod common;

use std::path::Path;

use common::{Run, repo_root, wxrun};
use serde_json::Value;

/// (file, test, status, console output) of every test in a JSON report, in a stable order.
fn outcomes(report: &Path) -> Vec<(String, String, String, String)> {
    let report: Value = serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    let mut rows = Vec::new();
    for file in report["files"].as_array().unwrap() {
        for test in file["tests"].as_array().unwrap() {
            rows.push((
                file["path"].as_str().unwrap().to_string(),
                test["name"].as_str().unwrap().to_string(),
                test["status"].as_str().unwrap().to_string(),
                test["output"].to_string(),
            ));
        }
    }
    rows.sort();
    rows
}

fn run_suite(extra: &[&str], envs: &[(String, String)]) -> Run {
    let mut command = wxrun();
    command
        .current_dir(repo_root())
        .args(["test", "fixtures/offline-suite"])
        .args(extra)
        .env("NO_COLOR", "1");
    for (key, value) in envs {
        command.env(key, value);
    }
    command.output().expect("wxrun starts").into()
}

#[test]
fn a_suite_recorded_against_the_servers_replays_identically_with_them_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let har = dir.path().join("suite.har");
    let recorded_report = dir.path().join("recorded.json");
    let replayed_report = dir.path().join("replayed.json");
    {
        let servers = wx_testkit::TestServers::start().expect("test servers start");
        let config = servers.write_config(dir.path()).unwrap();
        let recording = run_suite(
            &[
                "--config",
                config.to_str().unwrap(),
                "--record",
                har.to_str().unwrap(),
                "--reporter",
                &format!("json={}", recorded_report.display()),
            ],
            &servers.env(),
        );
        assert_eq!(
            recording.code, 0,
            "{}\n{}",
            recording.stdout, recording.stderr
        );
        assert!(
            recording.stderr.contains("recorded 15 exchanges"),
            "{}",
            recording.stderr
        );
    } // The servers stop here.

    let replaying = run_suite(
        &[
            "--replay",
            har.to_str().unwrap(),
            "--reporter",
            &format!("json={}", replayed_report.display()),
        ],
        &[],
    );
    assert_eq!(
        replaying.code, 0,
        "{}\n{}",
        replaying.stdout, replaying.stderr
    );
    let recorded = outcomes(&recorded_report);
    assert_eq!(recorded.len(), 7);
    assert!(recorded.iter().all(|(_, _, status, _)| status == "passed"));
    assert_eq!(recorded, outcomes(&replayed_report));

    // What the file keeps: HAR 1.2, every kind of exchange, no credential anywhere.
    let text = std::fs::read_to_string(&har).unwrap();
    assert!(!text.contains("s3cret"), "a credential leaked into {text}");
    let har: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(har["log"]["version"], "1.2");
    assert_eq!(har["log"]["creator"]["name"], "wxrun");
    let entries = har["log"]["entries"].as_array().unwrap();
    let post = entries
        .iter()
        .find(|e| e["request"]["method"] == "POST" && e["_wxrun"]["api"] == "request")
        .unwrap();
    assert_eq!(
        post["request"]["url"],
        "https://api.wxrun.test/echo?access_token=REDACTED&page=1"
    );
    // A cookie keeps its name (docs/recording.md).
    for (secret_header, kept) in [("authorization", "REDACTED"), ("cookie", "sid=REDACTED")] {
        let header = post["request"]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| {
                h["name"]
                    .as_str()
                    .unwrap()
                    .eq_ignore_ascii_case(secret_header)
            })
            .unwrap();
        assert_eq!(header["value"], kept);
    }
    let apis: Vec<&str> = entries
        .iter()
        .map(|e| e["_wxrun"]["api"].as_str().unwrap())
        .collect();
    for api in ["request", "uploadFile", "downloadFile", "connectSocket"] {
        assert!(apis.contains(&api), "{api} missing from {apis:?}");
    }
    let socket = entries
        .iter()
        .find(|e| e["_wxrun"]["api"] == "connectSocket")
        .unwrap();
    let kinds: Vec<(&str, u64)> = socket["_webSocketMessages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["type"].as_str().unwrap(), m["opcode"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [("send", 1), ("receive", 1), ("send", 2), ("receive", 2)]
    );
    let failures: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["_wxrun"]["failure"]["reason"].as_str())
        .collect();
    assert_eq!(
        failures,
        ["-102:net::ERR_CONNECTION_REFUSED", "timeout"],
        "failures are recorded as such"
    );
}

#[test]
fn the_offline_tour_runs_from_its_committed_recording() {
    let out: Run = wxrun()
        .current_dir(repo_root())
        .args([
            "run",
            "--replay",
            "examples/offline/tour.har",
            "examples/offline/tour.js",
        ])
        .output()
        .unwrap()
        .into();
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "GET /json/3 -> 200 item 0, item 1, item 2");
    assert_eq!(
        lines[1],
        "POST /echo -> 200 server saw body {\"hello\":\"wxrun\"}"
    );
    assert!(lines[2].starts_with("download -> 200 2048 bytes at wxfile://tmp_"));
    assert_eq!(
        lines[3],
        "socket -> replies [\"ping\",\"pong?\"] closed with 1000"
    );
}

#[test]
fn a_call_the_recording_lacks_fails_and_is_named_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo_root().join("examples/offline/wxrun.json"),
        dir.path().join("wxrun.json"),
    )
    .unwrap();
    let script = dir.path().join("unrecorded.js");
    std::fs::write(
        &script,
        "wx.request({ url: 'https://api.wxrun.test/json/4', success: () => console.log('answered?!'), fail: (e) => console.log(e.errMsg) });",
    )
    .unwrap();
    let out: Run = wxrun()
        .args(["run", "--replay"])
        .arg(repo_root().join("examples/offline/tour.har"))
        .arg(&script)
        .output()
        .unwrap()
        .into();
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(
        out.stdout.trim(),
        "request:fail no recorded response for https://api.wxrun.test/json/4 (replay; the network is not used)"
    );
    assert!(
        out.stderr
            .contains("1 call had no mock rule or recorded response")
            && out.stderr.contains("  https://api.wxrun.test/json/4"),
        "{}",
        out.stderr
    );
}

#[test]
fn bad_mock_files_and_recordings_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.json");
    std::fs::write(
        &rules,
        r#"[{"url": "https://a.example.com/*", "response": {"status": "ok"}}]"#,
    )
    .unwrap();
    let script = dir.path().join("s.js");
    std::fs::write(&script, "").unwrap();
    let out: Run = wxrun()
        .args(["run", "--mock"])
        .arg(&rules)
        .arg(&script)
        .output()
        .unwrap()
        .into();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(&format!(
            "{}: rule 0, `response.status`: must be an HTTP status",
            rules.display()
        )),
        "{}",
        out.stderr
    );
    let not_har = dir.path().join("x.har");
    std::fs::write(&not_har, "{}").unwrap();
    let out: Run = wxrun()
        .args(["run", "--replay"])
        .arg(&not_har)
        .arg(&script)
        .output()
        .unwrap()
        .into();
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("not a HAR 1.2 file"), "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"));
}
