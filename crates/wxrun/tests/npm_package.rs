//! The npm packages (npm/): built from this wxrun binary and packed with `npm pack`, installed
//! offline into a fresh project as `npm i -D wxrun` installs them, and run with `npx wxrun
//! test`. Without npm the test is reported as ignored with the reason, and fails under CI,
//! where .ci/prerequisites installs npm (see `common::needing`).

mod common;

use std::{path::Path, process::ExitCode};

use common::{Run, command_works, needing, repo_root, run_tests};

fn main() -> ExitCode {
    run_tests(vec![needing(
        "npm_i_wxrun_then_npx_wxrun_test",
        command_works("npm", &["--version"], "npm").map(drop),
        npm_i_wxrun_then_npx_wxrun_test,
    )])
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Run {
    common::run_outside_ci(dir, Path::new(program), args)
}

fn npm_i_wxrun_then_npx_wxrun_test() {
    let work = tempfile::tempdir().unwrap();
    let packages = work.path().join("packages");
    let build = run(
        work.path(),
        "node",
        &[
            &repo_root().join("npm/build.js").to_string_lossy(),
            "--binary",
            env!("CARGO_BIN_EXE_wxrun"),
            "--out",
            &packages.to_string_lossy(),
            "--pack",
        ],
    );
    assert_eq!(build.code, 0, "{}{}", build.stdout, build.stderr);
    let tarballs: Vec<&str> = build.stdout.lines().collect();
    assert_eq!(tarballs.len(), 2, "{}", build.stdout);
    let launcher = tarballs
        .iter()
        .find(|t| t.ends_with("/wxrun-0.1.0.tgz"))
        .expect("the launcher package");
    let binary = tarballs
        .iter()
        .find(|t| !t.ends_with("/wxrun-0.1.0.tgz"))
        .expect("the platform package");

    let app = work.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("package.json"),
        r#"{"name": "app", "private": true}"#,
    )
    .unwrap();
    std::fs::write(
        app.join("hello.test.js"),
        "test('wx and jest are there', () => {\n  const f = jest.fn();\n  f(wx.getSystemInfoSync().platform);\n  expect(f).toHaveBeenCalledWith(expect.any(String));\n});\n",
    )
    .unwrap();
    let install = run(
        &app,
        "npm",
        &[
            "install",
            "--save-dev",
            "--offline",
            "--no-audit",
            "--no-fund",
            binary,
            launcher,
        ],
    );
    assert_eq!(install.code, 0, "{}{}", install.stdout, install.stderr);
    let manifest = std::fs::read_to_string(app.join("package.json")).unwrap();
    assert!(manifest.contains("\"devDependencies\""), "{manifest}");

    let test = run(&app, "npx", &["--offline", "wxrun", "test"]);
    assert_eq!(test.code, 0, "{}{}", test.stdout, test.stderr);
    assert_eq!(
        test.stdout.trim_end().lines().last(),
        Some("1 passed, 0 failed, 0 skipped"),
        "{}",
        test.stdout
    );
    // The exit code comes through the launcher.
    std::fs::write(
        app.join("bad.test.js"),
        "test('bad', () => expect(1).toBe(2));\n",
    )
    .unwrap();
    assert_eq!(run(&app, "npx", &["--offline", "wxrun", "test"]).code, 1);
    let version = run(&app, "npx", &["--offline", "wxrun", "--version"]);
    assert_eq!(
        version.stdout.trim(),
        format!("wxrun {}", env!("CARGO_PKG_VERSION"))
    );

    // Without the platform package, the launcher says what is missing.
    let bare = work.path().join("bare");
    std::fs::create_dir_all(&bare).unwrap();
    std::fs::write(
        bare.join("package.json"),
        r#"{"name": "bare", "private": true}"#,
    )
    .unwrap();
    let install = run(
        &bare,
        "npm",
        &[
            "install",
            "--offline",
            "--omit=optional",
            "--no-audit",
            "--no-fund",
            launcher,
        ],
    );
    assert_eq!(install.code, 0, "{}{}", install.stdout, install.stderr);
    let missing = run(&bare, "npx", &["--offline", "wxrun", "test"]);
    assert_eq!(missing.code, 2, "{}{}", missing.stdout, missing.stderr);
    assert!(
        missing.stderr.contains("is not installed"),
        "{}",
        missing.stderr
    );
}
