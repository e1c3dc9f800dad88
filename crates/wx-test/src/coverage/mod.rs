//! Code coverage of the project's files (`wxrun test --coverage`): which files are
//! instrumented, the counts in istanbul's format (what Jest writes to `coverage-final.json`,
//! so tools that read Jest's coverage read wxrun's), merging the counts of worker processes
//! and of `--shard` runs, the reports, and thresholds.

mod report;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::Arc,
};

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;
use serde::{Deserialize, Serialize};
use wx_host::InstrumentFilter;

pub use report::{REPORTERS, Reporter, write_reports};

use crate::discover::TestPatterns;

/// Which files a test run instruments: the project's files under `root`, except test files,
/// setup files, `__mocks__`, packages and what the Jest configuration leaves out.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CoverageScope {
    pub root: PathBuf,
    /// Jest's `collectCoverageFrom`: globs relative to the root (`!` excludes); empty means
    /// every file a test loads.
    pub include: Vec<String>,
    /// Jest's `coveragePathIgnorePatterns`: regular expressions on the absolute path.
    pub ignore: Vec<String>,
    /// Test files (never instrumented).
    pub tests: TestPatterns,
    /// Setup files (never instrumented).
    pub setup_files: Vec<PathBuf>,
    /// Where each worker leaves its counts.
    pub parts: PathBuf,
}

/// Why a coverage setting is unusable.
#[derive(Debug)]
pub struct ScopeError(pub String);

/// The compiled form of a [`CoverageScope`].
struct Matcher {
    root: PathBuf,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    ignore: Vec<Regex>,
    tests: crate::discover::TestMatcher,
    setup_files: Vec<PathBuf>,
}

fn globs(patterns: &[String]) -> Result<Option<GlobSet>, ScopeError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(&crate::discover::extglob(pattern))
            .map_err(|err| ScopeError(format!("collectCoverageFrom {pattern:?}: {err}")))?;
        builder.add(glob);
    }
    builder
        .build()
        .map(Some)
        .map_err(|err| ScopeError(err.to_string()))
}

impl CoverageScope {
    fn matcher(&self) -> Result<Matcher, ScopeError> {
        let (exclude, include): (Vec<String>, Vec<String>) = self
            .include
            .iter()
            .cloned()
            .partition(|pattern| pattern.starts_with('!'));
        let exclude: Vec<String> = exclude
            .iter()
            .map(|pattern| pattern[1..].to_string())
            .collect();
        let ignore = self
            .ignore
            .iter()
            .map(|pattern| {
                Regex::new(pattern).map_err(|err| {
                    ScopeError(format!("coveragePathIgnorePatterns {pattern:?}: {err}"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Matcher {
            root: self.root.clone(),
            include: globs(&include)?,
            exclude: globs(&exclude)?,
            ignore,
            tests: self.tests.matcher().map_err(ScopeError)?,
            setup_files: self.setup_files.clone(),
        })
    }

    /// Whether every setting can be used; the error names the bad one.
    pub fn check(&self) -> Result<(), ScopeError> {
        self.matcher().map(drop)
    }

    /// The decision the host's compile step asks for each file.
    pub fn filter(&self) -> Result<InstrumentFilter, ScopeError> {
        let matcher = self.matcher()?;
        Ok(Arc::new(move |path: &Path| matcher.accepts(path)))
    }

    /// Files matching `include` under the root that no test loaded, to report as never run.
    pub fn unloaded(&self, loaded: &CoverageData) -> Vec<PathBuf> {
        let Ok(matcher) = self.matcher() else {
            return Vec::new();
        };
        if matcher.include.is_none() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let walk = walkdir::WalkDir::new(&self.root)
            .into_iter()
            .filter_entry(|entry| {
                let name = entry.file_name().to_string_lossy();
                entry.depth() == 0
                    || !(entry.file_type().is_dir()
                        && (name.starts_with('.')
                            || name == "node_modules"
                            || name == "miniprogram_npm"))
            });
        for entry in walk.flatten() {
            let path = entry.path();
            if entry.file_type().is_file()
                && wx_compile::Lang::of_path(path).is_some()
                && matcher.accepts(path)
                && !loaded.contains_key(&path.to_string_lossy().into_owned())
            {
                out.push(path.to_path_buf());
            }
        }
        out
    }
}

impl Matcher {
    fn accepts(&self, path: &Path) -> bool {
        let Ok(relative) = path.strip_prefix(&self.root) else {
            return false;
        };
        let text = path.to_string_lossy();
        if wx_host::in_package(path)
            || text.contains("/__mocks__/")
            || self.setup_files.iter().any(|setup| setup == path)
            || self.tests.is_test(path)
            || self.ignore.iter().any(|regex| regex.is_match(&text))
        {
            return false;
        }
        if let Some(exclude) = &self.exclude
            && exclude.is_match(relative)
        {
            return false;
        }
        self.include
            .as_ref()
            .is_none_or(|include| include.is_match(relative))
    }
}

/// A position as istanbul writes it: line from 1, column from 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionMeta {
    pub name: String,
    pub decl: Range,
    pub loc: Range,
    #[serde(default)]
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchMeta {
    #[serde(rename = "type")]
    pub kind: String,
    pub loc: Range,
    pub locations: Vec<Range>,
    #[serde(default)]
    pub line: u32,
}

/// The coverage of one file, in istanbul's format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileCoverage {
    pub path: String,
    pub statement_map: BTreeMap<u32, Range>,
    pub fn_map: BTreeMap<u32, FunctionMeta>,
    pub branch_map: BTreeMap<u32, BranchMeta>,
    pub s: BTreeMap<u32, u64>,
    pub f: BTreeMap<u32, u64>,
    pub b: BTreeMap<u32, Vec<u64>>,
}

/// Coverage of many files, by path: the content of `coverage-final.json`.
pub type CoverageData = BTreeMap<String, FileCoverage>;

fn convert(range: &wx_compile::coverage::Range) -> Range {
    let position = |p: &wx_compile::coverage::Position| Position {
        line: p.line,
        column: p.column,
    };
    Range {
        start: position(&range.start),
        end: position(&range.end),
    }
}

impl FileCoverage {
    /// A file no test loaded: everything in it counted zero times.
    pub fn never_run(path: &Path) -> Option<FileCoverage> {
        let lang = wx_compile::Lang::of_path(path)?;
        let source = std::fs::read_to_string(path).ok()?;
        let map = wx_compile::coverage_map(&source, lang).ok()??;
        let numbered = |n: usize| n as u32;
        Some(FileCoverage {
            path: path.to_string_lossy().into_owned(),
            statement_map: map
                .statements
                .iter()
                .enumerate()
                .map(|(i, range)| (numbered(i), convert(range)))
                .collect(),
            fn_map: map
                .functions
                .iter()
                .enumerate()
                .map(|(i, function)| {
                    (
                        numbered(i),
                        FunctionMeta {
                            name: function.name.clone(),
                            decl: convert(&function.decl),
                            loc: convert(&function.loc),
                            line: function.decl.start.line,
                        },
                    )
                })
                .collect(),
            branch_map: map
                .branches
                .iter()
                .enumerate()
                .map(|(i, branch)| {
                    (
                        numbered(i),
                        BranchMeta {
                            kind: branch.kind.name().to_string(),
                            loc: convert(&branch.loc),
                            locations: branch.locations.iter().map(convert).collect(),
                            line: branch.loc.start.line,
                        },
                    )
                })
                .collect(),
            s: (0..map.statements.len())
                .map(|i| (numbered(i), 0))
                .collect(),
            f: (0..map.functions.len()).map(|i| (numbered(i), 0)).collect(),
            b: map
                .branches
                .iter()
                .enumerate()
                .map(|(i, branch)| (numbered(i), vec![0; branch.locations.len()]))
                .collect(),
        })
    }

    /// Adds the counts of `other`, the same file counted elsewhere (another worker or shard).
    /// Counts are added by index when both were made from the same source; otherwise by
    /// location, as istanbul merges.
    pub fn merge(&mut self, other: &FileCoverage) {
        if self.statement_map == other.statement_map
            && self.fn_map == other.fn_map
            && self.branch_map == other.branch_map
        {
            for (key, count) in &other.s {
                *self.s.entry(*key).or_default() += count;
            }
            for (key, count) in &other.f {
                *self.f.entry(*key).or_default() += count;
            }
            for (key, counts) in &other.b {
                let mine = self.b.entry(*key).or_default();
                mine.resize(mine.len().max(counts.len()), 0);
                for (index, count) in counts.iter().enumerate() {
                    mine[index] += count;
                }
            }
            return;
        }
        let mut next = self.statement_map.keys().max().map_or(0, |k| k + 1);
        for (key, range) in &other.statement_map {
            let count = other.s.get(key).copied().unwrap_or(0);
            match self.statement_map.iter().find(|(_, r)| *r == range) {
                Some((mine, _)) => *self.s.entry(*mine).or_default() += count,
                None => {
                    self.statement_map.insert(next, *range);
                    self.s.insert(next, count);
                    next += 1;
                }
            }
        }
        let mut next = self.fn_map.keys().max().map_or(0, |k| k + 1);
        for (key, meta) in &other.fn_map {
            let count = other.f.get(key).copied().unwrap_or(0);
            match self
                .fn_map
                .iter()
                .find(|(_, m)| m.decl == meta.decl && m.loc == meta.loc)
            {
                Some((mine, _)) => *self.f.entry(*mine).or_default() += count,
                None => {
                    self.fn_map.insert(next, meta.clone());
                    self.f.insert(next, count);
                    next += 1;
                }
            }
        }
        let mut next = self.branch_map.keys().max().map_or(0, |k| k + 1);
        for (key, meta) in &other.branch_map {
            let counts = other.b.get(key).cloned().unwrap_or_default();
            match self
                .branch_map
                .iter()
                .find(|(_, m)| m.loc == meta.loc && m.locations == meta.locations)
            {
                Some((mine, _)) => {
                    let mine = self.b.entry(*mine).or_default();
                    mine.resize(mine.len().max(counts.len()), 0);
                    for (index, count) in counts.iter().enumerate() {
                        mine[index] += count;
                    }
                }
                None => {
                    self.branch_map.insert(next, meta.clone());
                    self.b.insert(next, counts);
                    next += 1;
                }
            }
        }
    }

    /// Hits per line: the highest count of the statements starting on it (istanbul's rule).
    pub fn lines(&self) -> BTreeMap<u32, u64> {
        let mut lines = BTreeMap::new();
        for (key, range) in &self.statement_map {
            let count = self.s.get(key).copied().unwrap_or(0);
            let entry = lines.entry(range.start.line).or_insert(0);
            *entry = (*entry).max(count);
        }
        lines
    }

    pub fn summary(&self) -> Summary {
        let lines = self.lines();
        Summary {
            lines: Counts::of(lines.values().copied()),
            statements: Counts::of(self.s.values().copied()),
            functions: Counts::of(self.f.values().copied()),
            branches: Counts::of(self.b.values().flatten().copied()),
        }
    }
}

/// Adds `other` into `into`.
pub fn merge(into: &mut CoverageData, other: CoverageData) {
    for (path, file) in other {
        match into.get_mut(&path) {
            Some(mine) => mine.merge(&file),
            None => {
                into.insert(path, file);
            }
        }
    }
}

/// Reads and merges `coverage-final.json` files (of workers, or of `--shard` runs).
pub fn read_and_merge(files: &[PathBuf]) -> Result<CoverageData, String> {
    let mut data = CoverageData::new();
    for file in files {
        let text = std::fs::read_to_string(file)
            .map_err(|err| format!("cannot read {}: {err}", file.display()))?;
        let part: CoverageData = serde_json::from_str(&text).map_err(|err| {
            format!(
                "{} is not coverage in istanbul's format (coverage-final.json): {err}",
                file.display()
            )
        })?;
        merge(&mut data, part);
    }
    Ok(data)
}

/// Covered out of total, for one kind of thing counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: u64,
    pub covered: u64,
}

impl Counts {
    fn of(counts: impl Iterator<Item = u64>) -> Counts {
        let mut out = Counts::default();
        for count in counts {
            out.total += 1;
            out.covered += u64::from(count > 0);
        }
        out
    }

    /// istanbul's percentage: floored to two decimals, 100 when nothing is counted.
    pub fn pct(self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            ((10000 * self.covered) as f64 / self.total as f64).floor() / 100.0
        }
    }

    fn add(&mut self, other: Counts) {
        self.total += other.total;
        self.covered += other.covered;
    }
}

/// The four measures of a file or a set of files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub lines: Counts,
    pub statements: Counts,
    pub functions: Counts,
    pub branches: Counts,
}

impl Summary {
    pub fn add(&mut self, other: Summary) {
        self.lines.add(other.lines);
        self.statements.add(other.statements);
        self.functions.add(other.functions);
        self.branches.add(other.branches);
    }

    fn measures(&self) -> [(&'static str, Counts); 4] {
        [
            ("statements", self.statements),
            ("branches", self.branches),
            ("functions", self.functions),
            ("lines", self.lines),
        ]
    }
}

/// The summary of several files.
pub fn total(files: &[&FileCoverage]) -> Summary {
    let mut out = Summary::default();
    for file in files {
        out.add(file.summary());
    }
    out
}

/// Minimums for the four measures: a percentage, or a negative number for the most uncovered
/// things allowed (Jest's `coverageThreshold`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub statements: Option<f64>,
    pub branches: Option<f64>,
    pub functions: Option<f64>,
    pub lines: Option<f64>,
}

impl Threshold {
    fn get(&self, measure: &str) -> Option<f64> {
        match measure {
            "statements" => self.statements,
            "branches" => self.branches,
            "functions" => self.functions,
            _ => self.lines,
        }
    }

    /// `lines=80,branches=70`, as `--coverage-threshold` takes it.
    pub fn parse(text: &str) -> Result<Threshold, String> {
        let mut out = Threshold::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?} is not MEASURE=NUMBER"))?;
            let value: f64 = value
                .trim()
                .parse()
                .map_err(|_| format!("{part:?}: {value:?} is not a number"))?;
            let slot = match key.trim() {
                "statements" => &mut out.statements,
                "branches" => &mut out.branches,
                "functions" => &mut out.functions,
                "lines" => &mut out.lines,
                other => {
                    return Err(format!(
                        "{other:?} is not a measure; use statements, branches, functions or lines"
                    ));
                }
            };
            *slot = Some(value);
        }
        Ok(out)
    }

    /// What `summary` (of the files named `name`) misses, as Jest words it.
    fn failures(&self, name: &str, summary: &Summary) -> Vec<String> {
        let mut out = Vec::new();
        for (measure, counts) in summary.measures() {
            let Some(wanted) = self.get(measure) else {
                continue;
            };
            if wanted >= 0.0 {
                if counts.pct() < wanted {
                    out.push(format!(
                        "\"{name}\" coverage threshold for {measure} ({wanted}%) not met: {}%",
                        counts.pct()
                    ));
                }
            } else {
                let uncovered = counts.total - counts.covered;
                if uncovered as f64 > -wanted {
                    out.push(format!(
                        "\"{name}\" coverage threshold for {measure} ({}) not met: {uncovered} uncovered",
                        -wanted
                    ));
                }
            }
        }
        out
    }
}

/// Jest's `coverageThreshold`: `global`, and paths (a file, a folder, or a glob) relative to
/// the root, whose files are held to their own threshold instead of the global one.
pub type Thresholds = BTreeMap<String, Threshold>;

/// The thresholds `data` misses, each as a line for the user.
pub fn check_thresholds(data: &CoverageData, thresholds: &Thresholds, root: &Path) -> Vec<String> {
    let mut failures = Vec::new();
    let mut claimed: Vec<&str> = Vec::new();
    for (key, threshold) in thresholds.iter().filter(|(key, _)| *key != "global") {
        let target = root.join(key.trim_start_matches("./"));
        let is_glob = key.contains(['*', '?', '[', '{']);
        if is_glob {
            let Ok(glob) = Glob::new(&target.to_string_lossy()) else {
                failures.push(format!("coverageThreshold {key:?} is not a valid glob"));
                continue;
            };
            let glob = glob.compile_matcher();
            for (path, file) in data.iter().filter(|(path, _)| glob.is_match(path.as_str())) {
                claimed.push(path);
                failures.extend(threshold.failures(path, &file.summary()));
            }
            continue;
        }
        let files: Vec<(&String, &FileCoverage)> = data
            .iter()
            .filter(|(path, _)| Path::new(path.as_str()).starts_with(&target))
            .collect();
        if files.is_empty() {
            failures.push(format!(
                "coverage data for {key} was not found (coverageThreshold names a file or folder no test covered)"
            ));
            continue;
        }
        claimed.extend(files.iter().map(|(path, _)| path.as_str()));
        let summary = total(&files.iter().map(|(_, file)| *file).collect::<Vec<_>>());
        failures.extend(threshold.failures(key, &summary));
    }
    if let Some(global) = thresholds.get("global") {
        let rest: Vec<&FileCoverage> = data
            .iter()
            .filter(|(path, _)| !claimed.contains(&path.as_str()))
            .map(|(_, file)| file)
            .collect();
        failures.extend(global.failures("global", &total(&rest)));
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, counts: &[u64]) -> FileCoverage {
        let range = |line: u32| Range {
            start: Position { line, column: 0 },
            end: Position { line, column: 5 },
        };
        FileCoverage {
            path: path.into(),
            statement_map: (0..counts.len() as u32)
                .map(|i| (i, range(i + 1)))
                .collect(),
            fn_map: BTreeMap::new(),
            branch_map: [(
                0,
                BranchMeta {
                    kind: "if".into(),
                    loc: range(1),
                    locations: vec![range(1), range(1)],
                    line: 1,
                },
            )]
            .into(),
            s: counts
                .iter()
                .enumerate()
                .map(|(i, c)| (i as u32, *c))
                .collect(),
            f: BTreeMap::new(),
            b: [(0, vec![counts[0], 0])].into(),
        }
    }

    #[test]
    fn workers_and_shards_add_up() {
        let mut data = CoverageData::new();
        merge(
            &mut data,
            [("/p/a.js".to_string(), file("/p/a.js", &[1, 0, 0]))].into(),
        );
        merge(
            &mut data,
            [("/p/a.js".to_string(), file("/p/a.js", &[2, 1, 0]))].into(),
        );
        merge(
            &mut data,
            [("/p/b.js".to_string(), file("/p/b.js", &[0]))].into(),
        );
        let a = &data["/p/a.js"];
        assert_eq!(a.s.values().copied().collect::<Vec<_>>(), [3, 1, 0]);
        assert_eq!(a.b[&0], [3, 0]);
        let summary = a.summary();
        assert_eq!((summary.lines.covered, summary.lines.total), (2, 3));
        assert_eq!(summary.lines.pct(), 66.66);
        assert_eq!(summary.branches.pct(), 50.0);
    }

    #[test]
    fn thresholds_fail_as_jest_words_them() {
        let data: CoverageData = [
            (
                "/p/src/a.js".to_string(),
                file("/p/src/a.js", &[1, 0, 0, 0]),
            ),
            ("/p/lib/b.js".to_string(), file("/p/lib/b.js", &[1, 1])),
        ]
        .into();
        let thresholds: Thresholds =
            serde_json::from_str(r#"{"global": {"lines": 90}, "./src/": {"statements": -2}}"#)
                .unwrap();
        let failures = check_thresholds(&data, &thresholds, Path::new("/p"));
        assert_eq!(
            failures,
            ["\"./src/\" coverage threshold for statements (2) not met: 3 uncovered".to_string(),]
        );
        let strict: Thresholds = serde_json::from_str(r#"{"global": {"lines": 90}}"#).unwrap();
        assert_eq!(
            check_thresholds(&data, &strict, Path::new("/p")),
            ["\"global\" coverage threshold for lines (90%) not met: 50%".to_string()]
        );
        assert_eq!(
            Threshold::parse("lines=80, branches=-3").unwrap(),
            Threshold {
                lines: Some(80.0),
                branches: Some(-3.0),
                ..Threshold::default()
            }
        );
        assert!(Threshold::parse("line=80").is_err());
    }
}
