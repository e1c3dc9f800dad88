//! mDNS discovery and UDP broadcast inside a network namespace this test creates: only a
//! loopback interface, with multicast switched on, so no query or broadcast can leave the
//! machine. The test thread enters the namespace; the responder's thread and the wxrun process
//! it starts inherit it. Where namespaces cannot be made (no privilege), the test says SKIP on
//! the terminal.

mod common;

use std::{io::Write, net::IpAddr, process::Command, thread, time::Duration};

use common::{Run, repo_root, wxrun};

const TYPE: &str = "_wxrun._tcp.local.";

fn skip(reason: &str) {
    // Written straight to stderr: the test harness hides print! output of passing tests.
    let _ = writeln!(std::io::stderr(), "SKIP mdns_netns: {reason}");
}

fn ip(args: &[&str]) -> bool {
    Command::new("ip")
        .args(args)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn mdns_and_broadcast_inside_a_private_network_namespace() {
    // SAFETY: unshare only changes this thread's network namespace.
    if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
        return skip(&format!(
            "cannot create a network namespace: {}",
            std::io::Error::last_os_error()
        ));
    }
    if !(ip(&["link", "set", "lo", "up"]) && ip(&["link", "set", "lo", "multicast", "on"])) {
        return skip("cannot configure loopback in the namespace (is iproute2 installed?)");
    }
    let interfaces = String::from_utf8_lossy(
        &Command::new("ip")
            .args(["-o", "link"])
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    assert_eq!(
        interfaces.lines().count(),
        1,
        "only loopback exists here: {interfaces}"
    );

    let loopback: IpAddr = "127.0.0.1".parse().unwrap();
    let responder = wx_testkit::mdns::Responder::new(TYPE, loopback).expect("responder starts");
    responder
        .publish("alpha", &["127.0.0.2".parse().unwrap()], 8001)
        .unwrap();
    responder
        .publish("outside", &["10.9.9.9".parse().unwrap()], 8003)
        .unwrap();
    responder.publish("self", &[loopback], 8004).unwrap();

    let dir = tempfile::tempdir().unwrap();
    // The discovery tests need scans longer than the timeline below; the auto-stop test runs
    // alongside with the scan limit shortened to 2 s.
    let scans = start_tests(
        &dir.path().join("discovery.json"),
        "{}",
        &[
            "js-tests/netns/mdns.netns-test.js",
            "js-tests/netns/udp.netns-test.js",
        ],
    );
    let auto_stop = start_tests(
        &dir.path().join("auto-stop.json"),
        r#"{"limits": {"localServiceDiscoveryTimeout": 2000}}"#,
        &["js-tests/netns/mdns-autostop.netns-test.js"],
    );
    // The timeline the discovery test expects: a service that never resolves, an update, then
    // a withdrawal.
    thread::sleep(Duration::from_millis(1000));
    responder.announce_unresolvable("ghost").unwrap();
    thread::sleep(Duration::from_millis(1500));
    responder
        .publish("alpha", &["127.0.0.2".parse().unwrap()], 8002)
        .unwrap();
    thread::sleep(Duration::from_millis(2500));
    responder.withdraw("alpha").unwrap();
    for (child, expected) in [
        (scans, "3 passed, 0 failed, 0 skipped"),
        (auto_stop, "1 passed, 0 failed, 0 skipped"),
    ] {
        let out: Run = child.wait_with_output().unwrap().into();
        println!("{}", out.stdout);
        assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
        assert!(out.stdout.trim_end().ends_with(expected), "{}", out.stdout);
    }
}

/// Starts `wxrun test FILES` with the LAN set to loopback plus the `extra` configuration.
/// The configuration is written to `config_path`.
fn start_tests(config_path: &std::path::Path, extra: &str, files: &[&str]) -> std::process::Child {
    let mut config: serde_json::Value = serde_json::from_str(extra).unwrap();
    config["lan"] = "127.0.0.1/8".into();
    std::fs::write(config_path, config.to_string()).unwrap();
    wxrun()
        .current_dir(repo_root())
        .args(["test", "--config"])
        .arg(config_path)
        .args(["--jobs", "1"])
        .args(files)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}
