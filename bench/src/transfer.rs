//! Transfers: one 1 GiB download (wx.downloadFile into a temp file) and one 1 GiB upload
//! (wx.uploadFile of a sandbox file, multipart) over plain HTTP on loopback, against curl doing
//! the same (`-o FILE`, `-F file=@FILE`). Wall time from spawn to exit and peak resident memory
//! of the whole process, both from the kernel, for every client.

use std::{path::Path, process::Command};

use anyhow::{Result, ensure};

use crate::{
    Env, Goal, Outcome,
    child::{self, Finished, available},
    report::{load, machine},
    servers::{TransferServer, scratch_dir},
};

const SIZE: u64 = 1024 * 1024 * 1024;
const ROUNDS: usize = 3;
/// The memory goal of a 1 GiB transfer (issue 16): the body streams, it is never held.
const RSS_GOAL_MIB: u64 = 32;

/// The benchmark's folder of files, removed however the benchmark ends (the files are in
/// memory when the folder is in /dev/shm).
struct Scratch(std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn mib(kib: u64) -> u64 {
    kib / 1024
}

/// The fastest of the rounds, with the largest peak memory any round reached.
fn summary(runs: &[Finished]) -> (f64, u64) {
    let seconds = runs
        .iter()
        .map(|run| run.wall.as_secs_f64())
        .fold(f64::INFINITY, f64::min);
    let peak = runs.iter().map(|run| run.max_rss_kib).max().unwrap_or(0);
    (seconds, peak)
}

fn checked_wxrun(
    env: &Env,
    script: &str,
    args: &[String],
    tmp: &Path,
    data: Option<&Path>,
) -> Result<Finished> {
    let mut command = Command::new(&env.wxrun);
    command.args(["run", "--lan", "127.0.0.1/8"]);
    // Phones cap a download at 200 MB; the benchmark raises the cap past 1 GiB.
    command.arg("--config").arg(tmp.join("wxrun.json"));
    if let Some(data) = data {
        command.arg("--data-dir").arg(data);
    }
    command
        .arg(env.root.join("bench/js").join(script))
        .args(args);
    // Temp files (the download's destination) go where curl writes, not to a disk /tmp.
    command.env("TMPDIR", tmp);
    let finished = child::run(command)?;
    child::reported_ms(&finished.stdout)?;
    Ok(finished)
}

fn curl(args: &[&str]) -> Result<Finished> {
    let mut command = Command::new("curl");
    command.args(["-s", "-S", "-f"]).args(args);
    child::run(command)
}

pub fn run(env: &Env) -> Result<Outcome> {
    let has_curl = available("curl", "--version");
    if !has_curl {
        eprintln!("SKIP curl: not installed; the transfer benchmark measures wxrun alone");
    }
    let server = TransferServer::start()?;
    let scratch = Scratch(scratch_dir().join(format!("wx-bench-transfer-{}", std::process::id())));
    let dir = scratch.0.clone();
    let usr = dir.join("data/usr");
    std::fs::create_dir_all(&usr)?;
    // The upload's source: a sparse file reads as zeros without taking memory or disk.
    std::fs::write(
        dir.join("wxrun.json"),
        format!(r#"{{"limits": {{"maxDownloadFileSize": {}}}}}"#, 2 * SIZE),
    )?;
    let source = usr.join("upload.bin");
    std::fs::File::create(&source)?.set_len(SIZE)?;
    let download_url = format!("http://{}/zeros/{SIZE}", server.addr);
    let upload_url = format!("http://{}/upload", server.addr);
    let curl_out = dir.join("curl.bin");
    let load_before = load();

    let (mut ours_down, mut curl_down, mut ours_up, mut curl_up) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        ours_down.push(checked_wxrun(
            env,
            "download.js",
            &[download_url.clone(), SIZE.to_string()],
            &dir,
            None,
        )?);
        ours_up.push(checked_wxrun(
            env,
            "upload.js",
            &[
                upload_url.clone(),
                "wxfile://usr/upload.bin".into(),
                SIZE.to_string(),
            ],
            &dir,
            Some(&dir.join("data")),
        )?);
        if has_curl {
            let out = curl_out.to_string_lossy().into_owned();
            curl_down.push(curl(&["-o", &out, &download_url])?);
            let written = std::fs::metadata(&curl_out)?.len();
            ensure!(written == SIZE, "curl wrote {written} bytes");
            std::fs::remove_file(&curl_out)?;
            let form = format!("file=@{}", source.display());
            let answer = curl(&["-F", &form, &upload_url])?;
            ensure!(
                answer.stdout.contains("\"size\":"),
                "curl's upload got {:?}",
                answer.stdout
            );
            curl_up.push(answer);
        }
    }
    let load_after = load();
    drop(scratch);
    drop(server);

    // SIZE is one GiB.
    let gib_rate = |seconds: f64| format!("{:.2} GiB/s", 1.0 / seconds);
    let mut rows = String::new();
    let mut goals = Vec::new();
    for (what, ours, theirs) in [
        ("download", &ours_down, &curl_down),
        ("upload", &ours_up, &curl_up),
    ] {
        let (our_s, our_peak) = summary(ours);
        rows.push_str(&format!(
            "| {what} | wxrun `wx.{what}File` | {our_s:.2} s | {} | {} MiB |\n",
            gib_rate(our_s),
            mib(our_peak)
        ));
        let share = if theirs.is_empty() {
            rows.push_str(&format!(
                "| {what} | curl | not installed (bench/run installs it with apt-get) | | |\n"
            ));
            None
        } else {
            let (their_s, their_peak) = summary(theirs);
            rows.push_str(&format!(
                "| {what} | curl | {their_s:.2} s | {} | {} MiB |\n",
                gib_rate(their_s),
                mib(their_peak)
            ));
            Some(their_s / our_s)
        };
        let is_download = what == "download";
        goals.push(Goal {
            measure: if is_download {
                "1 GiB download, plain HTTP on loopback: speed against curl"
            } else {
                "1 GiB upload, plain HTTP on loopback: speed against curl"
            },
            figure: match share {
                Some(share) => format!("{our_s:.2} s: **{:.0}%** of curl's speed", share * 100.0),
                None => format!("{our_s:.2} s (curl not installed)"),
            },
            goal: if is_download {
                "≥ 90% of curl"
            } else {
                "(none set; the download's 90% for comparison)"
            },
            met: if is_download {
                share.map(|share| share >= 0.9)
            } else {
                None
            },
            load: load_after.clone(),
        });
        goals.push(Goal {
            measure: if is_download {
                "1 GiB download: peak resident memory"
            } else {
                "1 GiB upload: peak resident memory"
            },
            figure: format!("{} MiB", mib(our_peak)),
            goal: "< 32 MiB",
            met: Some(mib(our_peak) < RSS_GOAL_MIB),
            load: load_after.clone(),
        });
    }
    let text = format!(
        "## Transfers: 1 GiB down and up\n\n\
         One loopback HTTP/1.1 server inside the benchmark (hyper on 127.0.0.2, reached \
         through the LAN rule) streams 1 GiB of zeros for the download and counts the bytes of \
         the upload. wxrun downloads with `wx.downloadFile` into a temp file and uploads a \
         sandbox file with `wx.uploadFile` (multipart); curl does the same with `-o FILE` and \
         `-F file=@FILE`. Files are in {} (memory), so that the disk is not measured. Wall \
         time from spawn to exit (best of {ROUNDS} rounds, alternating) and the largest peak \
         resident memory of a round, both from the kernel (wait4). Load average (1, 5, 15 \
         min) before: {load_before}; after: {load_after}.\n\n\
         | transfer | client | time | speed | peak memory |\n|---|---|---|---|---|\n\
         {rows}\n{}",
        scratch_dir().display(),
        machine(&env.node, &env.wxrun),
    );
    Ok(Outcome { text, goals })
}
