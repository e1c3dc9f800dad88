//! A name that cannot be resolved fails with `ERR_NAME_NOT_RESOLVED`: wxrun runs inside a
//! network namespace of the test's own (`unshare -n`), where nothing but a loopback interface
//! that is down exists, so no resolver is reachable and no DNS query leaves the machine. Where
//! namespaces cannot be made (no privilege) the test is reported as ignored, with the reason; a
//! missing `unshare` fails it under CI (see `common::needing`).

mod common;

use std::process::{Command, ExitCode};

use common::{Missing, Run, command_works, needing, run_tests};

fn main() -> ExitCode {
    run_tests(vec![needing(
        "unresolvable_names_fail_with_name_not_resolved",
        unshare_network(),
        unresolvable_names_fail_with_name_not_resolved,
    )])
}

fn unshare_network() -> Result<(), Missing> {
    if command_works("unshare", &["-n", "true"], "util-linux")? {
        Ok(())
    } else {
        Err(Missing {
            reason: "`unshare -n` cannot create a network namespace here".into(),
            installable: false,
        })
    }
}

fn unresolvable_names_fail_with_name_not_resolved() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("wxrun.json"),
        r#"{"requestdomain": ["https://nowhere.wxrun.test"]}"#,
    )
    .unwrap();
    let file = dir.path().join("dns.js");
    std::fs::write(
        &file,
        "wx.request({ url: 'https://nowhere.wxrun.test/', complete: (r) => console.log(JSON.stringify(r)) });",
    )
    .unwrap();
    let out: Run = Command::new("unshare")
        .args(["-n", env!("CARGO_BIN_EXE_wxrun"), "run"])
        .arg(&file)
        .output()
        .unwrap()
        .into();
    assert_eq!(
        out.stdout.trim(),
        r#"{"errMsg":"request:fail -105:net::ERR_NAME_NOT_RESOLVED","errno":600001}"#,
        "{}",
        out.stderr
    );
}
