//! Helpers shared by the CLI tests: run the real `wxrun` binary and capture what it printed.

#![allow(dead_code)]

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

pub fn fixtures(sub: &str) -> PathBuf {
    repo_root().join("fixtures").join(sub)
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

pub fn wxrun() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wxrun"))
}

/// Runs `wxrun ARGS` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    wxrun()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("wxrun starts")
        .into()
}
