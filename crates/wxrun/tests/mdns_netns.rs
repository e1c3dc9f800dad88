//! mDNS discovery and UDP broadcast inside a network namespace this test creates: only a
//! loopback interface, with multicast switched on, so no query or broadcast can leave the
//! machine. The test thread enters the namespace; the responder's thread and the wxrun process
//! it starts inherit it. Where namespaces cannot be made (no privilege) the test is reported as
//! ignored, with the reason; a missing `ip` fails it under CI (see `common::needing`).

mod common;

use std::{
    net::{IpAddr, UdpSocket},
    process::{Child, Command, ExitCode},
    time::{Duration, Instant},
};

use common::{Missing, Run, command_works, needing, repo_root, run_tests, wxrun};

const TYPE: &str = "_wxrun._tcp.local.";
/// How long a step of the discovery test may take before the test gives up.
const STEP_DEADLINE: Duration = Duration::from_secs(60);

fn main() -> ExitCode {
    run_tests(vec![needing(
        "mdns_and_broadcast_inside_a_private_network_namespace",
        network_namespaces(),
        mdns_and_broadcast_inside_a_private_network_namespace,
    )])
}

/// `ip` is there and this process may create a network namespace (probed on a thread of its
/// own, which takes the namespace with it when it ends).
fn network_namespaces() -> Result<(), Missing> {
    command_works("ip", &["-V"], "iproute2")?;
    let created = std::thread::spawn(|| {
        // SAFETY: unshare only changes this short-lived thread's network namespace.
        (unsafe { libc::unshare(libc::CLONE_NEWNET) } == 0)
            .then_some(())
            .ok_or_else(std::io::Error::last_os_error)
    })
    .join()
    .expect("the probe thread ends");
    created.map_err(|err| Missing {
        reason: format!("cannot create a network namespace: {err}"),
        installable: false,
    })
}

fn ip(args: &[&str]) {
    let status = Command::new("ip").args(args).status().expect("ip runs");
    assert!(status.success(), "ip {args:?} failed");
}

fn mdns_and_broadcast_inside_a_private_network_namespace() {
    // SAFETY: unshare only changes this thread's network namespace.
    let entered = unsafe { libc::unshare(libc::CLONE_NEWNET) };
    assert_eq!(entered, 0, "{}", std::io::Error::last_os_error());
    ip(&["link", "set", "lo", "up"]);
    ip(&["link", "set", "lo", "multicast", "on"]);
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
    // The discovery test tells over UDP when it has seen each step, so that the next change
    // is made while its scan is running (a LAN peer of the device 127.0.0.1).
    let control = UdpSocket::bind("127.0.0.2:0").unwrap();
    control
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    // The discovery tests need scans longer than the steps below; the auto-stop test runs
    // alongside with the scan limit shortened to 2 s.
    let mut scans = start_tests(
        &dir.path().join("discovery.json"),
        "{}",
        &[
            "js-tests/netns/mdns.netns-test.js",
            "js-tests/netns/udp.netns-test.js",
        ],
        control.local_addr().unwrap().port(),
    );
    let auto_stop = start_tests(
        &dir.path().join("auto-stop.json"),
        r#"{"limits": {"localServiceDiscoveryTimeout": 2000}}"#,
        &["js-tests/netns/mdns-autostop.netns-test.js"],
        0,
    );
    // Alpha found: announce a service that never resolves, and move alpha to another port.
    if wait_for_step(&control, "found alpha", &mut scans) {
        responder.announce_unresolvable("ghost").unwrap();
        responder
            .publish("alpha", &["127.0.0.2".parse().unwrap()], 8002)
            .unwrap();
        // Both seen: withdraw alpha.
        if wait_for_step(&control, "ghost and update seen", &mut scans) {
            responder.withdraw("alpha").unwrap();
        }
    }
    for (child, expected) in [
        (scans, "3 passed, 0 failed, 0 skipped"),
        (auto_stop, "2 passed, 0 failed, 0 skipped"),
    ] {
        let out: Run = child.wait_with_output().unwrap().into();
        println!("{}", out.stdout);
        assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
        assert!(out.stdout.trim_end().ends_with(expected), "{}", out.stdout);
    }
}

/// Waits until the discovery test reports `step` on the control socket. Returns false when
/// its run ended first (its output then tells why); panics at the deadline.
fn wait_for_step(control: &UdpSocket, step: &str, run: &mut Child) -> bool {
    let deadline = Instant::now() + STEP_DEADLINE;
    let mut buffer = [0; 256];
    loop {
        if let Ok((n, _)) = control.recv_from(&mut buffer) {
            assert_eq!(String::from_utf8_lossy(&buffer[..n]), step);
            return true;
        }
        if run.try_wait().unwrap().is_some() {
            return false;
        }
        if Instant::now() > deadline {
            let _ = run.kill();
            panic!("the discovery test did not report \"{step}\" within {STEP_DEADLINE:?}");
        }
    }
}

/// Starts `wxrun test FILES` with the LAN set to loopback plus the `extra` configuration,
/// written to `config_path`. `control` is the port of the step reports (0: none).
fn start_tests(config_path: &std::path::Path, extra: &str, files: &[&str], control: u16) -> Child {
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
        .env("WXRUN_MDNS_CONTROL_PORT", control.to_string())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}
