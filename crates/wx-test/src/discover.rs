//! Finding test files: paths, folders and globs, sorted, without `node_modules` or hidden
//! folders.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};
use walkdir::WalkDir;

/// The files `wxrun test` runs when given a folder or nothing.
pub const DEFAULT_PATTERN: &str = "**/*.test.{js,mjs,ts}";

fn skipped_dir(name: &str) -> bool {
    name == "node_modules"
        || name == "miniprogram_npm"
        || (name.starts_with('.') && name != "." && name != "..")
}

fn walk(root: &Path, matcher: &GlobMatcher, out: &mut Vec<PathBuf>) {
    let entries = WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0
                || !(entry.file_type().is_dir()
                    && skipped_dir(&entry.file_name().to_string_lossy()))
        });
    for entry in entries.flatten() {
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
            if matcher.is_match(relative) {
                out.push(entry.path().to_path_buf());
            }
        }
    }
}

/// Why discovery failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoverError(pub String);

/// The test files named by `args` (files, folders or globs relative to `cwd`), sorted and
/// without duplicates. No arguments means every `*.test.js`, `*.test.mjs` and `*.test.ts` under `cwd`.
pub fn discover(cwd: &Path, args: &[String]) -> Result<Vec<PathBuf>, DiscoverError> {
    let default = Glob::new(DEFAULT_PATTERN)
        .map_err(|err| DiscoverError(err.to_string()))?
        .compile_matcher();
    let mut files = Vec::new();
    if args.is_empty() {
        walk(cwd, &default, &mut files);
    }
    for arg in args {
        let path = cwd.join(arg);
        if path.is_file() {
            files.push(path);
        } else if path.is_dir() {
            walk(&path, &default, &mut files);
        } else if arg.contains(['*', '?', '[', '{']) {
            let matcher = Glob::new(arg)
                .map_err(|err| DiscoverError(format!("{arg:?} is not a valid glob: {err}")))?
                .compile_matcher();
            walk(cwd, &matcher, &mut files);
        } else {
            return Err(DiscoverError(format!(
                "{arg} is neither a file, a folder nor a glob pattern"
            )));
        }
    }
    let mut files: Vec<PathBuf> = files
        .into_iter()
        .map(|f| f.canonicalize().unwrap_or(f))
        .collect();
    files.sort();
    files.dedup();
    Ok(files)
}

/// The files of shard `index` (1-based) of `count`: every `count`-th file of the sorted list,
/// so shards are disjoint and together complete.
pub fn shard(files: Vec<PathBuf>, index: usize, count: usize) -> Vec<PathBuf> {
    files
        .into_iter()
        .enumerate()
        .filter(|(position, _)| position % count == index - 1)
        .map(|(_, file)| file)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_tests_and_skips_node_modules() {
        let dir = std::env::temp_dir().join(format!("wx-test-discover-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for rel in [
            "a.test.js",
            "sub/b.test.mjs",
            "sub/c.js",
            "node_modules/x/d.test.js",
            ".hidden/e.test.js",
        ] {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let names = |files: Vec<PathBuf>| -> Vec<String> {
            files
                .iter()
                .map(|f| {
                    f.strip_prefix(dir.canonicalize().unwrap())
                        .unwrap()
                        .display()
                        .to_string()
                })
                .collect()
        };
        assert_eq!(
            names(discover(&dir, &[]).unwrap()),
            ["a.test.js", "sub/b.test.mjs"]
        );
        assert_eq!(
            names(discover(&dir, &["sub".into()]).unwrap()),
            ["sub/b.test.mjs"]
        );
        assert_eq!(
            names(discover(&dir, &["sub/*.js".into()]).unwrap()),
            ["sub/c.js"]
        );
        assert_eq!(
            names(discover(&dir, &["a.test.js".into(), "a.test.js".into()]).unwrap()),
            ["a.test.js"]
        );
        assert!(discover(&dir, &["missing.js".into()]).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn shards_are_disjoint_and_complete() {
        let files: Vec<PathBuf> = (0..10).map(|i| PathBuf::from(format!("f{i}"))).collect();
        let mut all: Vec<PathBuf> = (1..=3).flat_map(|i| shard(files.clone(), i, 3)).collect();
        all.sort();
        assert_eq!(all, files);
        assert_eq!(shard(files.clone(), 1, 3).len(), 4);
        assert_eq!(shard(files, 3, 3).len(), 3);
    }
}
