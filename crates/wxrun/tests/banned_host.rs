//! The ban on api.weixin.qq.com through the routes of the configuration and the command line:
//! a configuration that lists the host is refused, naming the file and key, and `--connect-to`
//! with `--no-url-check` cannot send a call there (HTTP, WebSocket or TCP). A sentinel listener on loopback stands
//! where the connection would go, so a broken ban shows there and never reaches the real host.
//! (The JS routes, with urlCheck on and off, are in js-tests/helpers/banned.js.)

mod common;

use std::{
    net::TcpListener,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use common::run_in;

const BANNED: &str = "api.weixin.qq.com";

#[test]
fn a_configuration_that_lists_the_banned_host_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("script.js"), "console.log('ran');").unwrap();
    for key in [
        "requestdomain",
        "uploaddomain",
        "downloaddomain",
        "wsrequestdomain",
        "udpdomain",
        "tcpdomain",
    ] {
        let config = serde_json::json!({ key: ["ok.example.com", BANNED] });
        std::fs::write(dir.path().join("wxrun.json"), config.to_string()).unwrap();
        let out = run_in(dir.path(), &["run", "script.js"]);
        assert_eq!(out.code, 2, "{key}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{key}: the script must not run");
        for part in [
            "wxrun.json",
            &format!("key `{key}[1]`"),
            "is api.weixin.qq.com, which can never be configured",
        ] {
            assert!(out.stderr.contains(part), "{key}: {part}: {}", out.stderr);
        }
    }
}

#[test]
fn connect_to_with_url_check_off_cannot_reach_the_banned_host() {
    // Counts and drops every connection, so a call that gets through fails at once.
    let sentinel = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = sentinel.local_addr().unwrap().port();
    let reached = Arc::new(AtomicUsize::new(0));
    std::thread::spawn({
        let reached = reached.clone();
        move || {
            for connection in sentinel.incoming() {
                reached.fetch_add(1, Ordering::SeqCst);
                drop(connection);
            }
        }
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("banned.js"),
        "const show = (r) => console.log(JSON.stringify(r));
wx.request({ url: 'https://api.weixin.qq.com/sns/jscode2session', complete: show });
wx.request({ url: 'http://api.weixin.qq.com/', complete: show });
wx.downloadFile({ url: 'https://api.weixin.qq.com/x', complete: show });
const socket = wx.connectSocket({ url: 'wss://api.weixin.qq.com/' });
socket.onOpen(() => socket.close({}));
socket.onError(show);
const tcp = wx.createTCPSocket();
tcp.onConnect(() => tcp.close());
tcp.onError(show);
tcp.connect({ address: 'api.weixin.qq.com', port: 9100 });
",
    )
    .unwrap();
    let mut args = vec!["run".to_string(), "--no-url-check".to_string()];
    for from in [443, 80, 9100] {
        args.push("--connect-to".into());
        args.push(format!("{BANNED}:{from}:127.0.0.1:{port}"));
    }
    args.push("banned.js".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run_in(dir.path(), &args);
    assert_eq!(
        reached.load(Ordering::SeqCst),
        0,
        "the sentinel was reached"
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut lines: Vec<&str> = out.stdout.lines().collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            r#"{"errMsg":"connect:fail url not in domain list (api.weixin.qq.com:9100)","errCode":-3}"#,
            r#"{"errMsg":"downloadFile:fail url not in domain list","errno":600002}"#,
            r#"{"errMsg":"request:fail url not in domain list","errno":600002}"#,
            r#"{"errMsg":"request:fail url not in domain list","errno":600002}"#,
            r#"{"errMsg":"url not in domain list"}"#,
        ]
    );
}
