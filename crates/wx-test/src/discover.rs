//! Finding test files: paths, folders and globs, sorted, without `node_modules` or hidden
//! folders; what counts as a test file is wxrun's pattern, or Jest's `testMatch`,
//! `testRegex`, `testPathIgnorePatterns` and `roots` when the project has a Jest
//! configuration.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};
use regex::Regex;
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

/// The files `wxrun test` runs when given a folder or nothing.
pub const DEFAULT_PATTERN: &str = "**/*.test.{js,mjs,ts}";

/// Jest's default `testMatch`.
pub const JEST_TEST_MATCH: [&str; 2] = [
    "**/__tests__/**/*.[jt]s?(x)",
    "**/?(*.)+(spec|test).[jt]s?(x)",
];

/// A glob with micromatch's extended forms (`?(a|b)`, `+(a|b)`, `@(a|b)`, `*(a|b)`), as Jest
/// writes them, spelled as the plain globs it stands for (`+` and `*` take one repetition).
pub fn extglobs(pattern: &str) -> Vec<String> {
    let bytes = pattern.as_bytes();
    for (at, window) in bytes.windows(2).enumerate() {
        if matches!(window[0], b'?' | b'+' | b'@' | b'*') && window[1] == b'(' {
            let Some(close) = pattern[at..].find(')').map(|i| at + i) else {
                break;
            };
            let choices: Vec<&str> = pattern[at + 2..close].split('|').collect();
            let optional = matches!(window[0], b'?' | b'*');
            let mut out = Vec::new();
            for rest in extglobs(&pattern[close + 1..]) {
                if optional {
                    out.push(format!("{}{rest}", &pattern[..at]));
                }
                for choice in &choices {
                    out.push(format!("{}{choice}{rest}", &pattern[..at]));
                }
            }
            return out;
        }
    }
    vec![pattern.to_string()]
}

/// One glob for [`extglobs`]'s forms: alternatives become `{a,b}` (an optional part is
/// tried as given and left out), for sets that take a single pattern.
pub fn extglob(pattern: &str) -> String {
    let all = extglobs(pattern);
    if all.len() == 1 {
        all.into_iter().next().unwrap_or_default()
    } else {
        format!("{{{}}}", all.join(","))
    }
}

/// What makes a file a test file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TestPatterns {
    /// Globs matched against the absolute path (Jest's `testMatch`).
    pub globs: Vec<String>,
    /// Regular expressions on the absolute path (Jest's `testRegex`).
    pub regexes: Vec<String>,
    /// Regular expressions on the absolute path of files that are never tests (Jest's
    /// `testPathIgnorePatterns`).
    pub ignore: Vec<String>,
}

impl TestPatterns {
    /// wxrun's own: `*.test.js`, `*.test.mjs` and `*.test.ts`.
    pub fn wxrun() -> TestPatterns {
        TestPatterns {
            globs: vec![DEFAULT_PATTERN.to_string()],
            ..TestPatterns::default()
        }
    }

    /// Jest's defaults.
    pub fn jest() -> TestPatterns {
        TestPatterns {
            globs: JEST_TEST_MATCH.iter().map(|g| g.to_string()).collect(),
            regexes: Vec::new(),
            ignore: vec!["/node_modules/".into()],
        }
    }

    pub fn matcher(&self) -> Result<TestMatcher, String> {
        let mut builder = GlobSetBuilder::new();
        for glob in &self.globs {
            for plain in extglobs(glob) {
                builder.add(Glob::new(&plain).map_err(|err| format!("testMatch {glob:?}: {err}"))?);
            }
        }
        let regex = |what: &str, pattern: &String| {
            Regex::new(pattern).map_err(|err| format!("{what} {pattern:?}: {err}"))
        };
        Ok(TestMatcher {
            globs: builder.build().map_err(|err| err.to_string())?,
            regexes: self
                .regexes
                .iter()
                .map(|p| regex("testRegex", p))
                .collect::<Result<_, _>>()?,
            ignore: self
                .ignore
                .iter()
                .map(|p| regex("testPathIgnorePatterns", p))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// [`TestPatterns`], compiled.
pub struct TestMatcher {
    globs: GlobSet,
    regexes: Vec<Regex>,
    ignore: Vec<Regex>,
}

impl TestMatcher {
    pub fn is_test(&self, path: &Path) -> bool {
        let text = path.to_string_lossy();
        !self.ignore.iter().any(|regex| regex.is_match(&text))
            && (self.globs.is_match(path) || self.regexes.iter().any(|r| r.is_match(&text)))
    }
}

fn skipped_dir(name: &str) -> bool {
    name == "node_modules"
        || name == "miniprogram_npm"
        || (name.starts_with('.') && name != "." && name != "..")
}

/// What a walk keeps: files a glob matches relative to the walk's root, or test files.
enum Keep<'m> {
    Relative(&'m GlobMatcher),
    Tests(&'m TestMatcher),
}

fn walk(root: &Path, keep: &Keep<'_>, out: &mut Vec<PathBuf>) {
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
            let kept = match keep {
                Keep::Relative(matcher) => {
                    matcher.is_match(entry.path().strip_prefix(root).unwrap_or(entry.path()))
                }
                Keep::Tests(tests) => {
                    let absolute = std::path::absolute(entry.path())
                        .unwrap_or_else(|_| entry.path().to_path_buf());
                    tests.is_test(&absolute)
                }
            };
            if kept {
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
    discover_with(cwd, args, &TestPatterns::wxrun(), &[cwd.to_path_buf()])
}

/// [`discover`] with what makes a test file (`patterns`) and where to look without arguments
/// (`roots`).
pub fn discover_with(
    cwd: &Path,
    args: &[String],
    patterns: &TestPatterns,
    roots: &[PathBuf],
) -> Result<Vec<PathBuf>, DiscoverError> {
    let tests = patterns.matcher().map_err(DiscoverError)?;
    let keep = Keep::Tests(&tests);
    let mut files = Vec::new();
    if args.is_empty() {
        for root in roots {
            walk(root, &keep, &mut files);
        }
    }
    for arg in args {
        let path = cwd.join(arg);
        if path.is_file() {
            files.push(path);
        } else if path.is_dir() {
            walk(&path, &keep, &mut files);
        } else if arg.contains(['*', '?', '[', '{']) {
            let matcher = Glob::new(arg)
                .map_err(|err| DiscoverError(format!("{arg:?} is not a valid glob: {err}")))?
                .compile_matcher();
            walk(cwd, &Keep::Relative(&matcher), &mut files);
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

/// Snapshot files under `roots` whose test file is gone (Jest's obsolete snapshot files).
pub fn orphan_snapshot_files(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for root in roots {
        let walk = WalkDir::new(root).into_iter().filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            entry.depth() == 0
                || !(entry.file_type().is_dir()
                    && (name == "node_modules"
                        || name == "miniprogram_npm"
                        || name.starts_with('.')))
        });
        for entry in walk.flatten() {
            let path = entry.path();
            let in_snapshots = path
                .parent()
                .and_then(Path::file_name)
                .is_some_and(|name| name == "__snapshots__");
            if !in_snapshots || path.extension().is_none_or(|ext| ext != "snap") {
                continue;
            }
            let test = path
                .parent()
                .and_then(Path::parent)
                .zip(path.file_stem())
                .map(|(dir, stem)| dir.join(stem));
            if test.is_some_and(|test| !test.exists()) {
                out.push(path.to_path_buf());
            }
        }
    }
    out.sort();
    out
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
    fn jest_patterns_find_what_jest_finds() {
        assert_eq!(extglobs("a.[jt]s?(x)"), ["a.[jt]s", "a.[jt]sx"]);
        let jest = TestPatterns::jest().matcher().unwrap();
        for (path, is_test) in [
            ("/p/src/__tests__/util.js", true),
            ("/p/src/util.spec.ts", true),
            ("/p/src/util.test.jsx", true),
            ("/p/test.js", true),
            ("/p/src/util.js", false),
            ("/p/node_modules/x/a.test.js", false),
        ] {
            assert_eq!(jest.is_test(Path::new(path)), is_test, "{path}");
        }
        let regex = TestPatterns {
            regexes: vec![r"(/tests/.*|\.check)\.js$".into()],
            ..TestPatterns::default()
        }
        .matcher()
        .unwrap();
        assert!(regex.is_test(Path::new("/p/a.check.js")));
        assert!(!regex.is_test(Path::new("/p/a.test.js")));
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
