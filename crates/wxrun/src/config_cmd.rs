//! `wxrun config [DIR]`: the effective configuration and where each value came from.

use crate::{
    cli::ConfigArgs,
    setup::{UsageError, load_config},
};

pub fn show(args: ConfigArgs) -> Result<i32, UsageError> {
    let dir = args.dir.unwrap_or_else(|| ".".into());
    let dir = std::fs::canonicalize(&dir)
        .map_err(|err| UsageError(format!("cannot open {}: {err}", dir.display())))?;
    let config = load_config(&dir, &args.config)?;
    match &config.project_root {
        Some(root) => println!("project root: {}", root.display()),
        None => println!(
            "project root: none found above {} (built-in defaults)",
            dir.display()
        ),
    }
    for file in &config.files {
        println!("read: {}", file.display());
    }
    println!();
    let rows = config.describe();
    let key_width = rows.iter().map(|(key, _, _)| key.len()).max().unwrap_or(0);
    let value_width = rows
        .iter()
        .map(|(_, value, _)| value.len())
        .max()
        .unwrap_or(0)
        .min(60);
    for (key, value, source) in rows {
        println!("{key:key_width$}  {value:value_width$}  ({source})");
    }
    Ok(0)
}
