//! `--api-coverage[=FILE]`: which `wx` APIs a run called, per file, against the inventory of
//! documented APIs, with how wxrun answers each (real, simulated, recorded only). A table on
//! stderr; JSON in FILE.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
};

use serde_json::json;
use wx_api::Support;
use wx_policy::inventory;

use crate::setup::UsageError;

/// The APIs one file (or script) called.
pub struct FileCoverage {
    pub file: String,
    pub touched: BTreeSet<String>,
}

/// Prints the table and, when `json_path` is given, writes the JSON report.
pub fn report(files: &[FileCoverage], json_path: Option<&Path>) -> Result<(), UsageError> {
    let members: BTreeMap<&str, Support> = wx_api::members().into_iter().collect();
    let documented = inventory::all().len();
    let mut by_api: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for file in files {
        for api in &file.touched {
            by_api
                .entry(api.as_str())
                .or_default()
                .push(file.file.as_str());
        }
    }
    let support_of = |api: &str| members.get(api).copied().unwrap_or(Support::Recorded);
    let count = |support: Support| {
        by_api
            .keys()
            .filter(|api| support_of(api) == support)
            .count()
    };
    let recorded: Vec<&str> = by_api
        .keys()
        .copied()
        .filter(|api| support_of(api) == Support::Recorded)
        .collect();
    let untouched: Vec<&str> = members
        .keys()
        .copied()
        .filter(|api| !by_api.contains_key(api))
        .collect();

    eprintln!();
    eprintln!(
        "wx API coverage: {} of the {} wx APIs were called ({documented} documented): {} real, {} simulated, {} recorded only",
        by_api.len(),
        members.len(),
        count(Support::Real),
        count(Support::Simulated),
        count(Support::Recorded),
    );
    let width = files.iter().map(|f| f.file.len()).max().unwrap_or(0);
    for file in files {
        let list: Vec<&str> = file.touched.iter().map(String::as_str).collect();
        let list = if list.is_empty() {
            "(none)".to_string()
        } else {
            list.join(", ")
        };
        eprintln!("  {:width$}  {list}", file.file);
    }
    if !recorded.is_empty() {
        eprintln!(
            "  answered with generic defaults (recorded only, docs/device.md): {}",
            recorded.join(", ")
        );
    }

    if let Some(path) = json_path {
        let apis: Vec<_> = by_api
            .iter()
            .map(|(api, files)| {
                json!({
                    "name": api,
                    "support": support_of(api).as_str(),
                    "since": inventory::lookup(api)
                        .and_then(|entry| entry.min_lib)
                        .map(|version| version.to_string()),
                    "files": files,
                })
            })
            .collect();
        let document = json!({
            "documented": documented,
            "members": members.len(),
            "called": by_api.len(),
            "apis": apis,
            "notCalled": untouched,
            "files": files
                .iter()
                .map(|f| json!({ "file": f.file, "apis": f.touched }))
                .collect::<Vec<_>>(),
        });
        let text = serde_json::to_string_pretty(&document).unwrap_or_default();
        std::fs::write(path, text + "\n").map_err(|err| {
            UsageError(format!(
                "--api-coverage={}: cannot write the file: {err}",
                path.display()
            ))
        })?;
        eprintln!("  (JSON in {})", path.display());
    }
    Ok(())
}
