//! Reporters: how results reach people and CI systems.

mod pretty;

pub use pretty::{Pretty, Style};

use crate::{
    events::TestResult,
    runner::{FileResult, Summary},
};

/// Receives results as they arrive. Every method has a default so that a reporter implements
/// only what it shows.
pub trait Reporter {
    fn file_started(&mut self, _file: &str) {}
    fn test_finished(&mut self, _file: &str, _test: &TestResult) {}
    fn file_finished(&mut self, _result: &FileResult) {}
    fn finished(&mut self, _results: &[FileResult], _summary: &Summary) {}
}
