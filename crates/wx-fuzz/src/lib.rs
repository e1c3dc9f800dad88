//! wx-fuzz: the bodies of wxrun's fuzz targets, as plain functions of the fuzzer's bytes.
//! `fuzz/` (cargo-fuzz, nightly) calls them; `tests/corpus.rs` replays the committed corpus
//! (`fuzz/corpus/<target>/`) and the inputs of fixed findings (`fuzz/regressions/<target>/`)
//! through them on stable. Each body panics when one of wxrun's promises breaks
//! (docs/reliability.md), not only when wxrun itself panics.

mod decoding;
mod files;
mod js;
mod offline;
mod policy;
mod socket;

/// The body of a fuzz target.
pub type Body = fn(&[u8]);

/// Every target: its name (the folder of its corpus) and its body.
pub const TARGETS: &[(&str, Body)] = &[
    ("url_policy", policy::url_policy),
    ("config_load", policy::config_load),
    ("mock_rules", offline::mock_rules),
    ("har_replay", offline::har_replay),
    ("response_decoding", decoding::response_decoding),
    ("multipart", decoding::multipart),
    ("ws_close", socket::ws_close),
    ("sandbox_path", files::sandbox_path),
    ("js_wx", js::js_wx),
];

pub use decoding::{multipart, response_decoding};
pub use files::sandbox_path;
pub use js::js_wx;
pub use offline::{har_replay, mock_rules};
pub use policy::{config_load, url_policy};
pub use socket::ws_close;

/// Reads fuzzer bytes as a few small choices and then text.
pub(crate) struct Bytes<'a> {
    data: &'a [u8],
}

impl<'a> Bytes<'a> {
    pub fn new(data: &'a [u8]) -> Bytes<'a> {
        Bytes { data }
    }

    /// One byte (0 when the input has run out).
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((first, rest)) => {
                self.data = rest;
                *first
            }
            None => 0,
        }
    }

    /// A yes or no.
    pub fn flag(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    /// One of `n` choices.
    pub fn choose(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n.max(1)
    }

    /// Up to the next NUL (or the end), as text.
    pub fn field(&mut self) -> String {
        let end = self
            .data
            .iter()
            .position(|b| *b == 0)
            .unwrap_or(self.data.len());
        let text = String::from_utf8_lossy(&self.data[..end]).into_owned();
        self.data = self.data.get(end + 1..).unwrap_or_default();
        text
    }

    pub fn rest(&self) -> &'a [u8] {
        self.data
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// A folder that lives as long as the process, for targets that need files.
pub(crate) fn scratch() -> &'static std::path::Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        tempfile::Builder::new()
            .prefix("wx-fuzz-")
            .tempdir()
            .expect("a temporary folder")
    })
    .path()
}
