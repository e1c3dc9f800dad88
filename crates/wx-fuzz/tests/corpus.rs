//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) and the inputs of fixed
//! findings (`fuzz/regressions/<target>/`) through every target, on stable: what fuzzing
//! found once stays fixed, and the corpus's coverage is kept by every CI run.

use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut files = Vec::new();
    for folder in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(folder).join(target)) else {
            continue;
        };
        files.extend(entries.flatten().map(|entry| entry.path()));
    }
    files.sort();
    files
}

#[test]
fn every_target_has_a_corpus() {
    for (name, _) in wx_fuzz::TARGETS {
        assert!(!inputs(name).is_empty(), "fuzz/corpus/{name} is empty");
    }
}

macro_rules! replay {
    ($($target:ident),* $(,)?) => {$(
        #[test]
        fn $target() {
            for input in inputs(stringify!($target)) {
                // A fuzzer running now may have just removed a file it replaced.
                let Ok(data) = std::fs::read(&input) else {
                    continue;
                };
                let outcome = std::panic::catch_unwind(|| wx_fuzz::$target(&data));
                assert!(outcome.is_ok(), "{} fails", input.display());
            }
        }
    )*};
}

replay!(
    url_policy,
    config_load,
    mock_rules,
    har_replay,
    response_decoding,
    multipart,
    ws_close,
    sandbox_path,
    js_wx,
);
