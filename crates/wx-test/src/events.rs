//! What a worker tells the runner, one JSON object per line on its stdout.

use serde::{Deserialize, Serialize};

/// Lines of a worker's stdout that carry events start with this; anything else is noise
/// (which a worker should never print) and is shown as file output.
pub const EVENT_PREFIX: &str = "\u{1e}wxrun:";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Passed,
    Failed,
    Skipped,
    Todo,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ErrorRecord {
    pub message: String,
    pub kind: String,
    pub origin: Option<String>,
    pub matcher: Option<String>,
    pub expected: Option<String>,
    pub received: Option<String>,
    pub location: Option<String>,
    pub stack: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Warning {
    pub code: String,
    pub message: String,
    pub site: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Output {
    pub stream: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestResult {
    pub name: String,
    /// The names of the enclosing `describe` blocks.
    pub path: Vec<String>,
    pub location: Option<String>,
    pub status: Status,
    /// Milliseconds.
    pub duration: f64,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub errors: Vec<ErrorRecord>,
    #[serde(default)]
    pub warnings: Vec<Warning>,
    #[serde(default)]
    pub output: Vec<Output>,
}

impl TestResult {
    /// `describe > inner > test name`
    pub fn full_name(&self) -> String {
        let mut parts = self.path.clone();
        parts.push(self.name.clone());
        parts.join(" > ")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Listed {
    pub name: String,
    pub path: Vec<String>,
    pub mode: String,
    pub location: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FileRecord {
    pub errors: Vec<ErrorRecord>,
    pub warnings: Vec<Warning>,
    pub output: Vec<Output>,
    /// Every file the test file loaded as a module (for `--watch`).
    pub modules: Vec<String>,
    /// What became of the file's snapshots, when it has any.
    pub snapshot: Option<SnapshotRecord>,
}

/// How many snapshots were written, updated, matched, failed and removed (as obsolete).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SnapshotCounts {
    pub added: usize,
    pub updated: usize,
    pub matched: usize,
    pub unmatched: usize,
    pub removed: usize,
}

impl SnapshotCounts {
    pub fn add(&mut self, other: SnapshotCounts) {
        self.added += other.added;
        self.updated += other.updated;
        self.matched += other.matched;
        self.unmatched += other.unmatched;
        self.removed += other.removed;
    }
}

/// The snapshots of one test file after its run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SnapshotRecord {
    #[serde(flatten)]
    pub counts: SnapshotCounts,
    /// Names of snapshots no test checked (left in place; `-u` removes them).
    pub obsolete: Vec<String>,
    /// `-u` removed the snapshot file, which had nothing left.
    #[serde(rename = "fileRemoved")]
    pub file_removed: bool,
    /// The `.snap` file.
    pub file: String,
}

/// One event of a worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Event {
    Test(TestResult),
    List {
        tests: Vec<Listed>,
    },
    /// The file finished; errors outside tests (load errors, afterAll hooks).
    File(FileRecord),
    /// The worker is about to stop before the file finished (timeout, out of memory).
    Aborted {
        reason: String,
        timed_out: bool,
    },
}

impl Event {
    pub fn to_line(&self) -> String {
        format!(
            "{EVENT_PREFIX}{}",
            serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
        )
    }

    pub fn from_line(line: &str) -> Option<Result<Event, serde_json::Error>> {
        line.strip_prefix(EVENT_PREFIX).map(serde_json::from_str)
    }
}
