//! Network behaviour that needs the command line: `--insecure`, `--strict`, and what keeps a
//! run alive. (Name resolution failures are in dns_netns.rs.)

mod common;

use std::{io::Write, path::Path};

use common::{Run, wxrun};

struct Setup {
    _servers: wx_testkit::TestServers,
    dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let servers = wx_testkit::TestServers::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    servers.write_config(dir.path()).unwrap();
    Setup {
        _servers: servers,
        dir,
    }
}

fn script(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    path.display().to_string()
}

const PRINT_RESULT: &str = "
const url = require('wxrun').args[0];
wx.request({ url, complete: (r) => console.log(JSON.stringify(r.errMsg === 'request:ok' ? { status: r.statusCode } : r)) });
";

#[test]
fn insecure_skips_certificate_checks_loudly() {
    let setup = setup();
    let file = script(setup.dir.path(), "get.js", PRINT_RESULT);
    let checked: Run = wxrun()
        .args(["run", &file, "https://untrusted.wxrun.test/echo"])
        .output()
        .unwrap()
        .into();
    assert_eq!(
        checked.stdout.trim(),
        r#"{"errMsg":"request:fail -202:net::ERR_CERT_AUTHORITY_INVALID","errno":600001}"#
    );
    let insecure: Run = wxrun()
        .args([
            "run",
            "--insecure",
            &file,
            "https://untrusted.wxrun.test/echo",
        ])
        .output()
        .unwrap()
        .into();
    assert_eq!(insecure.code, 0, "{}", insecure.stderr);
    assert_eq!(insecure.stdout.trim(), r#"{"status":200}"#);
    assert!(
        insecure
            .stderr
            .contains("--insecure is on: TLS certificates are NOT verified"),
        "{}",
        insecure.stderr
    );
    let expired: Run = wxrun()
        .args([
            "run",
            "--insecure",
            &file,
            "https://expired.wxrun.test/echo",
        ])
        .output()
        .unwrap()
        .into();
    assert_eq!(expired.stdout.trim(), r#"{"status":200}"#);
}

#[test]
fn strict_turns_warnings_into_errors_in_run_and_test() {
    let setup = setup();
    let file = script(
        setup.dir.path(),
        "referer.js",
        "wx.request({ url: 'https://api.wxrun.test/echo', header: { Referer: 'x' }, complete: (r) => console.log(r.errMsg) });",
    );
    let lenient: Run = wxrun().args(["run", &file]).output().unwrap().into();
    assert_eq!(lenient.code, 0, "{}", lenient.stderr);
    assert!(
        lenient.stderr.contains("wxrun warning: [referer]"),
        "{}",
        lenient.stderr
    );
    assert!(
        lenient.stderr.contains("referer.js:1:3"),
        "the call site: {}",
        lenient.stderr
    );
    let strict: Run = wxrun()
        .args(["run", "--strict", &file])
        .output()
        .unwrap()
        .into();
    assert_eq!(strict.code, 1);
    assert_eq!(strict.stdout.trim(), "request:ok");
    assert!(
        strict.stderr.contains("wxrun error (--strict): [referer]"),
        "{}",
        strict.stderr
    );

    let test_file = script(
        setup.dir.path(),
        "warns.test.js",
        "test('sets a Referer', async () => {\n  await new Promise((done) => wx.request({ url: 'https://api.wxrun.test/echo', header: { Referer: 'x' }, complete: done }));\n});\n",
    );
    let passes: Run = wxrun()
        .args(["test", &test_file])
        .current_dir(setup.dir.path())
        .output()
        .unwrap()
        .into();
    assert_eq!(passes.code, 0, "{}", passes.stdout);
    assert!(
        passes.stdout.contains("⚠ conformance warning [referer]"),
        "{}",
        passes.stdout
    );
    let fails: Run = wxrun()
        .args(["test", "--strict", &test_file])
        .current_dir(setup.dir.path())
        .output()
        .unwrap()
        .into();
    assert_eq!(fails.code, 1, "{}", fails.stdout);
    assert!(
        fails
            .stdout
            .contains("conformance warning under --strict: [referer]"),
        "{}",
        fails.stdout
    );
}

#[test]
fn an_open_socket_keeps_the_run_alive_until_it_closes() {
    let setup = setup();
    let file = script(
        setup.dir.path(),
        "socket.js",
        "const task = wx.connectSocket({ url: 'wss://ws.wxrun.test/echo' });
task.onOpen(() => setTimeout(() => task.send({ data: 'late' }), 300));
task.onMessage((m) => { console.log('got', m.data); task.close({}); });
task.onClose((c) => console.log('closed', c.code));
",
    );
    let started = std::time::Instant::now();
    let out: Run = wxrun().args(["run", &file]).output().unwrap().into();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "got late\nclosed 1000\n");
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));

    let forever = script(
        setup.dir.path(),
        "open-forever.js",
        "wx.connectSocket({ url: 'wss://ws.wxrun.test/echo' }).onOpen(() => console.log('open'));",
    );
    // Ended by --timeout (124), not by itself (0); the limit leaves room for the socket to
    // open on a busy machine.
    let out: Run = wxrun()
        .args(["run", "--timeout", "3000", &forever])
        .output()
        .unwrap()
        .into();
    assert_eq!(
        out.code, 124,
        "an open socket holds the run: {}",
        out.stderr
    );
    assert_eq!(out.stdout, "open\n");
}

#[test]
fn a_bound_udp_socket_keeps_the_run_alive_until_it_closes() {
    let setup = setup();
    let file = script(
        setup.dir.path(),
        "udp.js",
        "const socket = wx.createUDPSocket();
socket.bind();
setTimeout(() => socket.send({ address: 'udp.wxrun.test', port: 9000, message: 'late' }), 300);
socket.onMessage((m) => { console.log('got', m.remoteInfo.size, 'bytes'); socket.close(); });
socket.onClose(() => console.log('closed'));
",
    );
    let started = std::time::Instant::now();
    let out: Run = wxrun().args(["run", &file]).output().unwrap().into();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "got 4 bytes\nclosed\n");
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));

    let forever = script(
        setup.dir.path(),
        "bound-forever.js",
        "console.log('bound', wx.createUDPSocket().bind() > 0);",
    );
    let out: Run = wxrun()
        .args(["run", "--timeout", "700", &forever])
        .output()
        .unwrap()
        .into();
    assert_eq!(
        out.code, 124,
        "a bound socket holds the run: {}",
        out.stderr
    );
    assert_eq!(out.stdout, "bound true\n");
}

#[test]
fn a_tcp_connection_keeps_the_run_alive_until_it_closes() {
    let setup = setup();
    let file = script(
        setup.dir.path(),
        "tcp.js",
        "const socket = wx.createTCPSocket();
socket.onConnect(() => setTimeout(() => socket.write('late'), 300));
socket.onMessage((m) => { console.log('got', m.message.byteLength, 'bytes'); socket.close(); });
socket.onClose(() => console.log('closed'));
socket.connect({ address: 'tcp.wxrun.test', port: 9100 });
",
    );
    let started = std::time::Instant::now();
    let out: Run = wxrun().args(["run", &file]).output().unwrap().into();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "got 4 bytes\nclosed\n");
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));

    let forever = script(
        setup.dir.path(),
        "connected-forever.js",
        "const socket = wx.createTCPSocket();
socket.onConnect(() => console.log('connected'));
socket.connect({ address: 'tcp.wxrun.test', port: 9100 });
",
    );
    let out: Run = wxrun()
        .args(["run", "--timeout", "2000", &forever])
        .output()
        .unwrap()
        .into();
    assert_eq!(
        out.code, 124,
        "an open connection holds the run: {}",
        out.stderr
    );
    assert_eq!(out.stdout, "connected\n");

    // A socket that was created but never connected holds nothing.
    let idle = script(
        setup.dir.path(),
        "idle.js",
        "wx.createTCPSocket().onClose(() => console.log('never'));",
    );
    let out: Run = wxrun()
        .args(["run", "--timeout", "5000", &idle])
        .output()
        .unwrap()
        .into();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "");
}
