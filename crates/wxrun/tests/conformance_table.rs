//! docs/conformance.md names, for every rule, the tests that check it and the code that
//! implements it. Code moves; this keeps the names true: every file named exists, and every
//! symbol named after a file (`file` › `symbol`) appears in that file.

mod common;

use std::path::{Path, PathBuf};

use common::repo_root;

/// Every file under `dir` (skipping build output and dependencies).
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if !matches!(name.as_ref(), "target" | "node_modules" | ".git") {
                walk(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

fn looks_like_file(token: &str) -> bool {
    let token = token.trim_end_matches('/');
    [".rs", ".js", ".json", ".md", ".toml", ".sh"]
        .iter()
        .any(|ext| token.ends_with(ext))
}

struct Repo {
    root: PathBuf,
    files: Vec<PathBuf>,
}

impl Repo {
    /// The file a table names: a path from the repository root, from `crates/` or `js-tests/`,
    /// or a file name unique enough (the one in `near`'s crate first).
    fn find(&self, token: &str, near: Option<&Path>) -> Option<PathBuf> {
        for base in ["", "crates", "js-tests", "fixtures"] {
            let path = self.root.join(base).join(token);
            if path.is_file() {
                return Some(path);
            }
        }
        let matching: Vec<&PathBuf> = self
            .files
            .iter()
            .filter(|path| path.to_string_lossy().ends_with(&format!("/{token}")))
            .collect();
        if let Some(near) = near {
            let krate = crate_of(near);
            if let Some(same) = matching.iter().find(|path| crate_of(path) == krate) {
                return Some((*same).clone());
            }
        }
        matching.first().map(|path| (*path).clone())
    }
}

/// `crates/<name>` of a path, or the path's top folder.
fn crate_of(path: &Path) -> Option<String> {
    let text = path.to_string_lossy();
    let at = text.find("/crates/")?;
    text[at + 8..].split('/').next().map(str::to_string)
}

/// The backticked tokens of a cell, split into `;`-separated groups.
fn groups(cell: &str) -> Vec<Vec<String>> {
    cell.split(';')
        .map(|group| {
            group
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[test]
fn every_file_and_symbol_the_table_names_exists() {
    let root = repo_root();
    let mut files = Vec::new();
    walk(&root.join("crates"), &mut files);
    walk(&root.join("js-tests"), &mut files);
    let repo = Repo {
        root: root.clone(),
        files,
    };
    let text = std::fs::read_to_string(root.join("docs/conformance.md")).unwrap();
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut in_table = false;
    for (number, line) in text.lines().enumerate() {
        let line_no = number + 1;
        if !line.starts_with('|') {
            in_table = false;
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').collect();
        if !in_table {
            // The header row: tables with a code column are checked.
            in_table = cells.last().is_some_and(|c| c.trim() == "code");
            continue;
        }
        if line.starts_with("|---") || cells.len() < 3 {
            continue;
        }
        let (tests, code) = (cells[cells.len() - 2], cells[cells.len() - 1]);
        for group in groups(tests) {
            for token in group.iter().filter(|t| looks_like_file(t)) {
                checked += 1;
                if repo.find(token, None).is_none() {
                    problems.push(format!("line {line_no}: test file `{token}` not found"));
                }
            }
        }
        let mut previous: Option<PathBuf> = None;
        for group in groups(code) {
            let mut file: Option<PathBuf> = None;
            for token in group {
                if looks_like_file(&token) {
                    checked += 1;
                    match repo.find(&token, previous.as_deref()) {
                        Some(found) => {
                            previous = Some(found.clone());
                            file = Some(found);
                        }
                        None => problems.push(format!("line {line_no}: file `{token}` not found")),
                    }
                    continue;
                }
                // A symbol: its last segment (`Type::item`, `Class.method`), without call
                // parentheses.
                let symbol = token
                    .rsplit("::")
                    .next()
                    .and_then(|s| s.rsplit('.').next())
                    .unwrap_or(&token)
                    .trim_end_matches("()");
                checked += 1;
                let found = match &file {
                    Some(file) => {
                        std::fs::read_to_string(file).is_ok_and(|source| source.contains(symbol))
                    }
                    None => repo.files.iter().any(|path| {
                        std::fs::read_to_string(path).is_ok_and(|source| source.contains(symbol))
                    }),
                };
                if !found {
                    let place = file
                        .as_ref()
                        .map(|f| f.strip_prefix(&root).unwrap_or(f).display().to_string())
                        .unwrap_or_else(|| "any source file".into());
                    problems.push(format!("line {line_no}: `{token}` is not in {place}"));
                }
            }
        }
    }
    assert!(
        checked > 300,
        "only {checked} names checked: has the table's layout changed?"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
