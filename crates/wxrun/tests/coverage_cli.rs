//! `--api-coverage`: which wx APIs a run called, in `run` and per file in `test`.

mod common;

use common::{Run, repo_root, wxrun};
use serde_json::Value;

fn read_json(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn run_reports_the_functions_called_and_how_wxrun_answers_them() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("uses.js");
    std::fs::write(
        &script,
        "wx.canIUse('request'); wx.canIUse('x'); typeof wx.request; \
         wx.scanCode({ fail: (res) => console.log(res.errMsg) }); wx.reportAnalytics('opened', {});",
    )
    .unwrap();
    let report = dir.path().join("coverage.json");
    let out: Run = wxrun()
        .arg("run")
        .arg(format!("--api-coverage={}", report.display()))
        .arg(&script)
        .output()
        .unwrap()
        .into();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.trim(), "scanCode:fail cancel");
    assert!(
        out.stderr.contains("wx API coverage: 3 of the")
            && out.stderr.contains("1 real, 1 simulated, 1 recorded only"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "answered with generic defaults (recorded only, docs/device.md): reportAnalytics"
        ),
        "{}",
        out.stderr
    );
    let json = read_json(&report);
    let names: Vec<(&str, &str)> = json["apis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|api| {
            (
                api["name"].as_str().unwrap(),
                api["support"].as_str().unwrap(),
            )
        })
        .collect();
    // Reading wx.request without calling it does not count.
    assert_eq!(
        names,
        [
            ("canIUse", "real"),
            ("reportAnalytics", "recorded"),
            ("scanCode", "simulated")
        ]
    );
    assert_eq!(json["called"], 3);
    assert!(json["documented"].as_u64().unwrap() > 400);
    assert!(
        json["notCalled"]
            .as_array()
            .unwrap()
            .contains(&Value::from("request"))
    );
}

#[test]
fn without_the_flag_wx_functions_are_the_originals() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("plain.js");
    // With coverage on, functions are wrapped; the wrapper keeps name and length.
    std::fs::write(&script, "console.log(wx.canIUse.name, wx.canIUse.length)").unwrap();
    let plain: Run = wxrun().arg("run").arg(&script).output().unwrap().into();
    let covered: Run = wxrun()
        .args(["run", "--api-coverage"])
        .arg(&script)
        .output()
        .unwrap()
        .into();
    assert_eq!(plain.stdout, covered.stdout);
    assert!(!plain.stderr.contains("coverage"));
}

#[test]
fn test_reports_each_file() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("coverage.json");
    let out: Run = wxrun()
        .current_dir(repo_root())
        .args([
            "test",
            "fixtures/offline-suite",
            "--replay",
            "examples/offline/tour.har",
        ])
        .arg(format!("--api-coverage={}", report.display()))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
        .into();
    // Most calls are not in the tour's recording; the files still ran.
    assert!(out.stderr.contains("wx API coverage"), "{}", out.stderr);
    let json = read_json(&report);
    let files: Vec<(String, Vec<String>)> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["apis"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            (
                "fixtures/offline-suite/api.test.js".to_string(),
                vec!["request".to_string()]
            ),
            (
                "fixtures/offline-suite/transfer.test.js".to_string(),
                ["connectSocket", "downloadFile", "uploadFile"]
                    .map(String::from)
                    .to_vec()
            ),
        ]
    );
}
