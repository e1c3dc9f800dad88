//! `wxrun app`: the sample mini-program (fixtures/sample-app) against wx-testkit's shop API,
//! with --trace, --call, --page, --require and --data-dir; app errors; bad input.

mod common;

use std::path::Path;

use common::{Run, fixtures, in_order, trace, wxrun};

struct Servers {
    _servers: wx_testkit::TestServers,
    dir: tempfile::TempDir,
    config: String,
}

/// `wxrun app DIR ARGS` without the test servers.
fn app_at(dir: &Path, args: &[&str]) -> Run {
    wxrun()
        .arg("app")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
        .into()
}

fn servers() -> Servers {
    let servers = wx_testkit::TestServers::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = servers.write_config(dir.path()).unwrap();
    Servers {
        _servers: servers,
        config: config.display().to_string(),
        dir,
    }
}

fn app(servers: &Servers, extra: &[&str]) -> Run {
    wxrun()
        .arg("app")
        .arg(fixtures("sample-app"))
        .args(["--config", &servers.config])
        .args(extra)
        .env("NO_COLOR", "1")
        .output()
        .expect("wxrun starts")
        .into()
}

#[test]
fn the_sample_app_runs_its_lifecycle_requests_and_taps() {
    let servers = servers();
    let run = app(
        &servers,
        &[
            "--trace",
            "--call",
            r#"onTapItem:{"dataset":{"id":2}}"#,
            "--call",
            "onBuy",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    in_order(
        &trace(&run),
        &[
            "app App() registered",
            "app onLaunch {\"path\":\"pages/index/index\"",
            "app onShow",
            "route launch pages/index/index",
            "page pages/index/index onLoad {}",
            "ui showLoading {\"title\":\"Loading\"}",
            "open-api login",
            "page pages/index/index onShow",
            "page pages/index/index onReady",
            "request POST https://api.wxrun.test/app/login -> 200",
            "request GET https://api.wxrun.test/app/items -> 200",
            "setData pages/index/index {\"items\":[{\"id\":1,\"name\":\"Item 1\"",
            "ui hideLoading",
            "call pages/index/index onTapItem {\"dataset\":{\"id\":2}}",
            "route navigateTo /pages/detail/detail?id=2",
            "page pages/index/index onHide",
            "page pages/detail/detail onLoad {\"id\":\"2\"}",
            "request GET https://api.wxrun.test/app/items/2 -> 200",
            "setData pages/detail/detail {\"item\":{\"id\":2",
            "ui setNavigationBarTitle {\"title\":\"Item 2\"}",
            "call pages/detail/detail onBuy {}",
            "ui showModal {\"title\":\"Buy\",\"content\":\"Buy Item 2?\"}",
            "request POST https://api.wxrun.test/app/orders -> 200",
            "setData pages/detail/detail {\"order.id\":1001}",
            "ui showToast {\"title\":\"Ordered\"}",
        ],
    );
}

#[test]
fn page_opens_a_page_with_its_query_and_nothing_is_traced_without_the_flag() {
    let servers = servers();
    let run = app(&servers, &["--page", "pages/detail/detail?id=3", "--trace"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    in_order(
        &trace(&run),
        &[
            "app onLaunch {\"path\":\"pages/detail/detail\",\"query\":{\"id\":\"3\"}",
            "page pages/detail/detail onLoad {\"id\":\"3\"}",
            "setData pages/detail/detail {\"item\":{\"id\":3",
        ],
    );
    let quiet = app(&servers, &["--page", "pages/detail/detail?id=3"]);
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert!(trace(&quiet).is_empty(), "{}", quiet.stderr);
}

#[test]
fn storage_is_kept_between_runs_only_with_data_dir() {
    let servers = servers();
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().display().to_string();
    let logins = |run: &Run| {
        trace(run)
            .iter()
            .filter(|l| l.starts_with("open-api login"))
            .count()
    };
    let first = app(&servers, &["--trace", "--data-dir", &data_dir]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(logins(&first), 1);
    // The token stored by the first run is used: no login.
    let second = app(&servers, &["--trace", "--data-dir", &data_dir]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(logins(&second), 0, "{}", second.stderr);
    // Without --data-dir every run starts empty.
    let fresh = app(&servers, &["--trace"]);
    assert_eq!(logins(&fresh), 1);
}

#[test]
fn a_require_script_can_take_the_device_offline_before_the_app_starts() {
    let servers = servers();
    let preload = servers.dir.path().join("offline.js");
    std::fs::write(&preload, "require('wxrun').network.offline();\n").unwrap();
    let run = app(
        &servers,
        &["--trace", "--require", &preload.display().to_string()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    in_order(
        &trace(&run),
        &[
            "network networkType none",
            "request POST https://api.wxrun.test/app/login -> fail -106:net::ERR_INTERNET_DISCONNECTED",
            "setData pages/index/index {\"loading\":false,\"error\":\"request:fail -106:net::ERR_INTERNET_DISCONNECTED\"}",
            "ui showToast {\"title\":\"Could not load\",\"icon\":\"error\"}",
        ],
    );
}

#[test]
fn the_simulated_device_answers_the_app_in_its_default_state_or_as_scripted() {
    let servers = servers();
    let buy = [
        "--trace",
        "--call",
        r#"onTapItem:{"dataset":{"id":2}}"#,
        "--call",
        "onBuy",
    ];
    // No update after launch; the user closes the payment sheet.
    let run = app(&servers, &buy);
    assert_eq!(run.code, 0, "{}", run.stderr);
    in_order(
        &trace(&run),
        &[
            "app onLaunch",
            "base getUpdateManager",
            "base UpdateManager.onCheckForUpdate [{\"hasUpdate\":false}]",
            "ui showToast {\"title\":\"Ordered\"}",
            "payment requestPayment {\"timeStamp\":\"1001\"",
            "payment requestPayment -> requestPayment:fail cancel",
            "setData pages/detail/detail {\"order.paid\":false}",
        ],
    );
    assert!(
        !trace(&run).iter().any(|line| line.contains("applyUpdate")),
        "{}",
        run.stderr
    );

    // A --require script: a new version is ready, and the user pays.
    let preload = servers.dir.path().join("device.js");
    std::fs::write(
        &preload,
        "const { device } = require('wxrun');\n\
         device.respond('UpdateManager.onCheckForUpdate', { hasUpdate: true });\n\
         device.respond('requestPayment', {});\n",
    )
    .unwrap();
    let mut args = buy.to_vec();
    let preload = preload.display().to_string();
    args.extend(["--require", &preload]);
    let scripted = app(&servers, &args);
    assert_eq!(scripted.code, 0, "{}", scripted.stderr);
    in_order(
        &trace(&scripted),
        &[
            "base UpdateManager.onCheckForUpdate [{\"hasUpdate\":true}]",
            "ui showModal {\"title\":\"Update ready\"",
            "base UpdateManager.applyUpdate",
            "payment requestPayment {",
            "setData pages/detail/detail {\"order.paid\":true}",
        ],
    );

    // The profile's user and place, on the "me" page.
    let me = app(
        &servers,
        &[
            "--trace",
            "--page",
            "pages/me/me",
            "--call",
            "onProfile",
            "--call",
            "onLocate",
        ],
    );
    assert_eq!(me.code, 0, "{}", me.stderr);
    in_order(
        &trace(&me),
        &[
            "open-api getUserProfile {\"desc\":\"to show your name\"}",
            "setData pages/me/me {\"nickName\":\"微信用户\"}",
            "location getLocation {\"type\":\"gcj02\"}",
            "open-api scope scope.userLocation granted (asked by getLocation)",
            "setData pages/me/me {\"place\":\"23.0999,113.3245\"}",
        ],
    );
}

#[test]
fn app_errors_reach_on_error_and_the_run_goes_on_but_fails() {
    let run: Run = wxrun()
        .arg("app")
        .arg(fixtures("miniprogram-errors"))
        .args([
            "--call",
            "onBoom",
            "--call",
            "onAsyncBoom",
            "--call",
            "onStillAlive",
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let lines: Vec<String> = run.stdout.lines().map(str::to_string).collect();
    assert_eq!(
        lines,
        [
            "App.onError: Error: boom",
            "wx.onError: Error: boom",
            "App.onUnhandledRejection: later (promise given: true)",
            "still running after the errors",
        ]
    );
    assert!(run.stderr.contains("boom"), "{}", run.stderr);
    assert!(
        run.stderr.contains("Uncaught (in promise) Error: later"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("2 errors reported during the run"),
        "{}",
        run.stderr
    );
}

fn bad(args: &[&str], dir: &Path) -> Run {
    wxrun()
        .arg("app")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
        .into()
}

#[test]
fn bad_input_is_named_with_a_fix_and_exits_2() {
    let no_manifest = tempfile::tempdir().unwrap();
    let run = app_at(no_manifest.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no app.json found: looked at"),
        "{}",
        run.stderr
    );

    let run = app_at(&fixtures("miniprogram-bad-manifest"), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("app.json: \"pages\" should list the page routes"),
        "{}",
        run.stderr
    );

    let run = bad(
        &["--page", "pages/nope/nope"],
        &fixtures("miniprogram-errors"),
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("page \"pages/nope/nope\" is not in")
            && run.stderr.contains("pages/index/index"),
        "{}",
        run.stderr
    );

    let run = app_at(&fixtures("miniprogram-errors"), &["--call", "onBoom:{oops"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not JSON"), "{}", run.stderr);

    let run = app_at(&fixtures("miniprogram-errors"), &["--call", "onMissing"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("has no method \"onMissing\" (it has: onBoom, onAsyncBoom, onStillAlive"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn a_page_file_runs_on_its_own_with_wxrun_run() {
    let run: Run = wxrun()
        .arg("run")
        .arg(fixtures("sample-app/pages/index/index.js"))
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("is not defined"), "{}", run.stderr);
}

#[test]
fn entry_page_path_picks_the_first_page() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("pages/a")).unwrap();
    std::fs::create_dir_all(root.join("pages/b")).unwrap();
    std::fs::write(
        root.join("app.json"),
        r#"{ "pages": ["pages/a/a", "pages/b/b"], "entryPagePath": "pages/b/b" }"#,
    )
    .unwrap();
    std::fs::write(root.join("app.js"), "App({});").unwrap();
    for page in ["a", "b"] {
        std::fs::write(
            root.join(format!("pages/{page}/{page}.js")),
            format!("Page({{ onLoad() {{ console.log('opened {page}'); }} }});"),
        )
        .unwrap();
    }
    let run = app_at(root, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), "opened b");
}
