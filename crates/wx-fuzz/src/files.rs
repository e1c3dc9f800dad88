//! The sandbox path resolver and the file operations on top of it (wx-net), with links the
//! fuzzer plants in the data folder.

use std::path::{Path, PathBuf};

use wx_net::{files, sandbox::Sandbox};

use crate::{Bytes, scratch};

struct Setup {
    sandbox: Sandbox,
    data: PathBuf,
    outside: PathBuf,
}

thread_local! {
    static SETUP: Setup = {
        let data = scratch().join("data");
        let outside = scratch().join("outside");
        std::fs::create_dir_all(&outside).expect("a folder outside");
        std::fs::write(outside.join("sentinel"), "untouched").expect("a sentinel file");
        Setup {
            sandbox: Sandbox::new(Some(&data), &[]).expect("a sandbox"),
            data,
            outside,
        }
    };
}

/// Paths the generator builds from: sandbox forms, escapes and the names links get.
const PIECES: [&str; 16] = [
    "wxfile://usr",
    "wxfile://usr/",
    "wxfile://tmp_a.txt",
    "wxfile://store_b",
    "a",
    "b",
    "link",
    "..",
    ".",
    "/",
    "//",
    "x.txt",
    "\u{0}",
    "wxfile://",
    "/etc/passwd",
    "wxfile://usr/../",
];

fn path(bytes: &mut Bytes<'_>) -> String {
    let mut text = String::new();
    for _ in 0..=bytes.choose(6) {
        let piece = PIECES[bytes.choose(PIECES.len())];
        if !text.is_empty() && !text.ends_with('/') && !piece.starts_with('/') {
            text.push('/');
        }
        text.push_str(piece);
    }
    text
}

fn link_targets(outside: &Path, data: &Path) -> [String; 6] {
    [
        outside.join("created.txt").display().to_string(),
        outside.display().to_string(),
        "../outside/created.txt".into(),
        "a".into(),
        data.join("usr/b").display().to_string(),
        "../../..".into(),
    ]
}

/// A run of file operations on fuzzer-built paths, with links planted among them: whatever
/// happens, nothing outside the data folder is created or changed, and every path that
/// resolves stays under it.
pub fn sandbox_path(data: &[u8]) {
    SETUP.with(|setup| {
        let usr = setup.sandbox.usr_root().to_path_buf();
        let _ = std::fs::remove_dir_all(&usr);
        std::fs::create_dir_all(&usr).expect("the user folder");
        let mut bytes = Bytes::new(data);
        let targets = link_targets(&setup.outside, &setup.data);
        while !bytes.is_empty() {
            let sandbox = &setup.sandbox;
            let a = path(&mut bytes);
            let b = path(&mut bytes);
            let payload = bytes.field();
            let _ = match bytes.choose(14) {
                0 => files::write(sandbox, &a, payload.as_bytes(), false),
                1 => files::write(sandbox, &a, payload.as_bytes(), true),
                2 => files::read(sandbox, &a, None, None).map(drop),
                3 => files::mkdir(sandbox, &a, true),
                4 => files::mkdir(sandbox, &a, false),
                5 => files::rmdir(sandbox, &a, true),
                6 => files::unlink(sandbox, &a),
                7 => files::copy(sandbox, &a, &b),
                8 => files::rename(sandbox, &a, &b),
                9 => files::put(sandbox, &a, payload.as_bytes()),
                10 => files::stat_recursive(sandbox, &a).map(drop),
                11 => files::readdir(sandbox, &a).map(drop),
                12 => files::save(sandbox, &a, Some(&b)).map(drop),
                _ => {
                    // Plant a link, as a hostile data folder would hold one.
                    let name = payload.replace(['/', '\0'], "_");
                    let name = if name.is_empty() || name == "." || name == ".." {
                        "link".to_string()
                    } else {
                        name
                    };
                    let target = &targets[bytes.choose(targets.len())];
                    let _ = std::os::unix::fs::symlink(target, usr.join(name));
                    Ok(())
                }
            };
            if let Ok(resolved) = sandbox.resolve(&a) {
                let roots = [&usr, &setup.data];
                assert!(
                    roots.iter().any(|root| resolved.host.starts_with(root))
                        || resolved.host.starts_with(std::env::temp_dir()),
                    "{a:?} resolved to {}",
                    resolved.host.display()
                );
                assert!(!resolved.host.starts_with(&setup.outside), "{a:?} led out");
            }
        }
        let outside: Vec<_> = std::fs::read_dir(&setup.outside)
            .expect("the folder outside")
            .flatten()
            .map(|entry| entry.file_name())
            .collect();
        assert_eq!(outside, ["sentinel"], "something was written outside");
        assert_eq!(
            std::fs::read_to_string(setup.outside.join("sentinel")).unwrap_or_default(),
            "untouched"
        );
    });
}
