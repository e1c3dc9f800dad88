//! Coverage reports, named as Jest names them: `text` (a table), `lcov` (`lcov.info`),
//! `cobertura` (`cobertura-coverage.xml`), `json-summary` (`coverage-summary.json`) and
//! `json` (`coverage-final.json`, istanbul's own format, which `wxrun coverage merge` reads).

use std::{collections::BTreeMap, fmt::Write as _, io::Write, path::Path};

use serde_json::json;

use super::{Counts, CoverageData, FileCoverage, Summary, total};

/// A report kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reporter {
    Text,
    Lcov,
    Cobertura,
    JsonSummary,
    Json,
}

/// Every report, by the name Jest's `coverageReporters` uses.
pub const REPORTERS: [(&str, Reporter); 5] = [
    ("text", Reporter::Text),
    ("lcov", Reporter::Lcov),
    ("cobertura", Reporter::Cobertura),
    ("json-summary", Reporter::JsonSummary),
    ("json", Reporter::Json),
];

impl Reporter {
    pub fn named(name: &str) -> Option<Reporter> {
        REPORTERS
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, reporter)| *reporter)
    }
}

fn relative<'p>(path: &'p str, root: &Path) -> std::borrow::Cow<'p, str> {
    match Path::new(path).strip_prefix(root) {
        Ok(rest) => rest.to_string_lossy().into_owned().into(),
        Err(_) => path.into(),
    }
}

/// `lcov.info`, as istanbul's lcovonly writes it for Jest: paths relative to the root.
pub fn lcov(data: &CoverageData, root: &Path) -> String {
    let mut out = String::new();
    for file in data.values() {
        let summary = file.summary();
        let _ = writeln!(out, "TN:\nSF:{}", relative(&file.path, root));
        for meta in file.fn_map.values() {
            let _ = writeln!(out, "FN:{},{}", meta.decl.start.line, meta.name);
        }
        let _ = writeln!(
            out,
            "FNF:{}\nFNH:{}",
            summary.functions.total, summary.functions.covered
        );
        for (key, meta) in &file.fn_map {
            let _ = writeln!(out, "FNDA:{},{}", file.f.get(key).unwrap_or(&0), meta.name);
        }
        for (line, hits) in file.lines() {
            let _ = writeln!(out, "DA:{line},{hits}");
        }
        let _ = writeln!(
            out,
            "LF:{}\nLH:{}",
            summary.lines.total, summary.lines.covered
        );
        for (key, counts) in &file.b {
            let Some(meta) = file.branch_map.get(key) else {
                continue;
            };
            for (index, count) in counts.iter().enumerate() {
                let _ = writeln!(out, "BRDA:{},{key},{index},{count}", meta.loc.start.line);
            }
        }
        let _ = writeln!(
            out,
            "BRF:{}\nBRH:{}\nend_of_record",
            summary.branches.total, summary.branches.covered
        );
    }
    out
}

fn counts_json(counts: Counts) -> serde_json::Value {
    json!({ "total": counts.total, "covered": counts.covered, "skipped": 0, "pct": counts.pct() })
}

fn summary_json(summary: &Summary) -> serde_json::Value {
    json!({
        "lines": counts_json(summary.lines),
        "statements": counts_json(summary.statements),
        "functions": counts_json(summary.functions),
        "branches": counts_json(summary.branches),
    })
}

/// `coverage-summary.json`: the total and each file's four measures.
pub fn json_summary(data: &CoverageData) -> String {
    let files: Vec<&FileCoverage> = data.values().collect();
    let mut out = serde_json::Map::new();
    out.insert("total".into(), summary_json(&total(&files)));
    for file in &files {
        out.insert(file.path.clone(), summary_json(&file.summary()));
    }
    serde_json::to_string(&out).unwrap_or_default()
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn rate(counts: Counts) -> String {
    if counts.total == 0 {
        "1".into()
    } else {
        format!("{:.4}", counts.covered as f64 / counts.total as f64)
    }
}

/// Branches by line: (covered, total).
fn branch_lines(file: &FileCoverage) -> BTreeMap<u32, (u64, u64)> {
    let mut out: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
    for (key, counts) in &file.b {
        let Some(meta) = file.branch_map.get(key) else {
            continue;
        };
        let entry = out.entry(meta.loc.start.line).or_default();
        entry.0 += counts.iter().filter(|count| **count > 0).count() as u64;
        entry.1 += counts.len() as u64;
    }
    out
}

/// `cobertura-coverage.xml` (Cobertura 04 DTD): a package per folder, a class per file.
pub fn cobertura(data: &CoverageData, root: &Path, timestamp_ms: u128) -> String {
    let files: Vec<&FileCoverage> = data.values().collect();
    let all = total(&files);
    let mut packages: BTreeMap<String, Vec<&FileCoverage>> = BTreeMap::new();
    for file in &files {
        let rel = relative(&file.path, root);
        let folder = Path::new(rel.as_ref())
            .parent()
            .map(|p| p.to_string_lossy().replace('/', "."))
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "main".into());
        packages.entry(folder).or_default().push(file);
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" ?>\n<!DOCTYPE coverage SYSTEM \"http://cobertura.sourceforge.net/xml/coverage-04.dtd\">\n",
    );
    let _ = writeln!(
        out,
        "<coverage lines-valid=\"{}\" lines-covered=\"{}\" line-rate=\"{}\" branches-valid=\"{}\" branches-covered=\"{}\" branch-rate=\"{}\" timestamp=\"{timestamp_ms}\" complexity=\"0\" version=\"0.1\">",
        all.lines.total,
        all.lines.covered,
        rate(all.lines),
        all.branches.total,
        all.branches.covered,
        rate(all.branches)
    );
    let _ = writeln!(
        out,
        "  <sources>\n    <source>{}</source>\n  </sources>\n  <packages>",
        xml_escape(&root.to_string_lossy())
    );
    for (name, files) in &packages {
        let summary = total(files);
        let _ = writeln!(
            out,
            "    <package name=\"{}\" line-rate=\"{}\" branch-rate=\"{}\">\n      <classes>",
            xml_escape(name),
            rate(summary.lines),
            rate(summary.branches)
        );
        for file in files {
            let summary = file.summary();
            let rel = relative(&file.path, root);
            let class = Path::new(rel.as_ref())
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "        <class name=\"{}\" filename=\"{}\" line-rate=\"{}\" branch-rate=\"{}\">\n          <methods>",
                xml_escape(&class),
                xml_escape(&rel),
                rate(summary.lines),
                rate(summary.branches)
            );
            for (key, meta) in &file.fn_map {
                let hits = file.f.get(key).copied().unwrap_or(0);
                let _ = writeln!(
                    out,
                    "            <method name=\"{}\" hits=\"{hits}\" signature=\"()V\">\n              <lines>\n                <line number=\"{}\" hits=\"{hits}\"/>\n              </lines>\n            </method>",
                    xml_escape(&meta.name),
                    meta.decl.start.line
                );
            }
            let _ = writeln!(out, "          </methods>\n          <lines>");
            let branches = branch_lines(file);
            for (line, hits) in file.lines() {
                match branches.get(&line) {
                    Some((covered, all)) => {
                        let percent = if *all == 0 { 100 } else { covered * 100 / all };
                        let _ = writeln!(
                            out,
                            "            <line number=\"{line}\" hits=\"{hits}\" branch=\"true\" condition-coverage=\"{percent}% ({covered}/{all})\"/>"
                        );
                    }
                    None => {
                        let _ = writeln!(
                            out,
                            "            <line number=\"{line}\" hits=\"{hits}\" branch=\"false\"/>"
                        );
                    }
                }
            }
            let _ = writeln!(out, "          </lines>\n        </class>");
        }
        let _ = writeln!(out, "      </classes>\n    </package>");
    }
    out.push_str("  </packages>\n</coverage>\n");
    out
}

/// Lines never run, as ranges: `5-7,12`.
fn uncovered_lines(file: &FileCoverage) -> String {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    let lines = file.lines();
    let mut previous_line = None;
    for (line, hits) in &lines {
        if *hits == 0 {
            match ranges.last_mut() {
                // Consecutive among the counted lines.
                Some(last) if previous_line == Some(last.1) => last.1 = *line,
                _ => ranges.push((*line, *line)),
            }
        }
        previous_line = Some(*line);
    }
    ranges
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The text table istanbul prints: a row for all files, then one per file.
pub fn text(data: &CoverageData, root: &Path) -> String {
    let files: Vec<&FileCoverage> = data.values().collect();
    let mut rows: Vec<[String; 6]> = vec![[
        "File".into(),
        "% Stmts".into(),
        "% Branch".into(),
        "% Funcs".into(),
        "% Lines".into(),
        "Uncovered Line #s".into(),
    ]];
    let row = |name: String, summary: &Summary, uncovered: String| {
        let pct = |counts: Counts| {
            let value = counts.pct();
            if value.fract() == 0.0 {
                format!("{value:.0}")
            } else {
                format!("{value}")
            }
        };
        [
            name,
            pct(summary.statements),
            pct(summary.branches),
            pct(summary.functions),
            pct(summary.lines),
            uncovered,
        ]
    };
    rows.push(row("All files".into(), &total(&files), String::new()));
    for file in &files {
        rows.push(row(
            format!(" {}", relative(&file.path, root)),
            &file.summary(),
            uncovered_lines(file),
        ));
    }
    let mut widths = [0usize; 6];
    for cells in &rows {
        for (index, cell) in cells.iter().enumerate() {
            widths[index] = widths[index].max(cell.chars().count());
        }
    }
    let rule: String = widths
        .iter()
        .map(|w| "-".repeat(w + 2))
        .collect::<Vec<_>>()
        .join("|");
    let mut out = String::new();
    let line = |cells: &[String; 6]| {
        cells
            .iter()
            .enumerate()
            .map(|(index, cell)| {
                let pad = widths[index] - cell.chars().count();
                if index == 0 || index == 5 {
                    format!(" {cell}{} ", " ".repeat(pad))
                } else {
                    format!(" {}{cell} ", " ".repeat(pad))
                }
            })
            .collect::<Vec<_>>()
            .join("|")
    };
    let _ = writeln!(out, "{rule}");
    let _ = writeln!(out, "{}", line(&rows[0]).trim_end());
    let _ = writeln!(out, "{rule}");
    for cells in &rows[1..] {
        let _ = writeln!(out, "{}", line(cells).trim_end());
    }
    let _ = writeln!(out, "{rule}");
    out
}

/// Writes the chosen reports: files into `dir`, the text table to `out`.
pub fn write_reports(
    data: &CoverageData,
    dir: &Path,
    reporters: &[Reporter],
    root: &Path,
    out: &mut dyn Write,
) -> Result<(), String> {
    std::fs::create_dir_all(dir)
        .map_err(|err| format!("cannot create the coverage folder {}: {err}", dir.display()))?;
    let write = |name: &str, text: String| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|err| format!("cannot write {}: {err}", path.display()))
    };
    for reporter in reporters {
        match reporter {
            Reporter::Text => {
                let _ = out.write_all(text(data, root).as_bytes());
            }
            Reporter::Lcov => write("lcov.info", lcov(data, root))?,
            Reporter::Cobertura => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis());
                write("cobertura-coverage.xml", cobertura(data, root, now))?
            }
            Reporter::JsonSummary => write("coverage-summary.json", json_summary(data))?,
            Reporter::Json => write(
                "coverage-final.json",
                serde_json::to_string(data).unwrap_or_default(),
            )?,
        }
    }
    Ok(())
}
