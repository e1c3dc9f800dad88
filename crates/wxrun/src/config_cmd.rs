//! `wxrun config [DIR]`: the effective configuration and where each value came from.

use std::{fmt::Write as _, io::Write as _};

use crate::{
    cli::ConfigArgs,
    setup::{UsageError, load_config},
};

pub fn show(args: ConfigArgs) -> Result<i32, UsageError> {
    let dir = args.dir.unwrap_or_else(|| ".".into());
    let dir = std::fs::canonicalize(&dir)
        .map_err(|err| UsageError(format!("cannot open {}: {err}", dir.display())))?;
    let config = load_config(&dir, &args.config)?;
    // Written at once, and a closed pipe (`wxrun config | head`) is not an error.
    let mut out = String::new();
    match &config.project_root {
        Some(root) => writeln!(out, "project root: {}", root.display()),
        None => writeln!(
            out,
            "project root: none found above {} (built-in defaults)",
            dir.display()
        ),
    }
    .ok();
    for file in &config.files {
        writeln!(out, "read: {}", file.display()).ok();
    }
    out.push('\n');
    let rows = config.describe();
    let key_width = rows.iter().map(|(key, _, _)| key.len()).max().unwrap_or(0);
    let value_width = rows
        .iter()
        .map(|(_, value, _)| value.len())
        .max()
        .unwrap_or(0)
        .min(60);
    for (key, value, source) in rows {
        writeln!(out, "{key:key_width$}  {value:value_width$}  ({source})").ok();
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(0)
}
