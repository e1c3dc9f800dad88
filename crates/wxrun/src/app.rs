//! `wxrun app [DIR]`: runs a mini-program headless. The framework itself (App, Page, the page
//! stack, lifecycles) lives in wx-api's `miniprogram` layer, shared with
//! `require('wxrun').miniprogram.launch()`; this side checks the flags, runs the `--require`
//! scripts and starts the launch.

use std::path::{Path, PathBuf};

use wx_policy::{Config, config::CompileType};

use crate::{
    cli::AppArgs,
    run::finish,
    setup::{RunExtras, UsageError, js_thread_runtime, load_config, make_host},
};

/// `--call METHOD[:JSON]` → (method, JSON text of the event fields).
fn parse_call(flag: &str) -> Result<(String, String), UsageError> {
    let (method, json) = match flag.split_once(':') {
        Some((method, json)) => (method, json),
        None => (flag, ""),
    };
    let valid_name = !method.is_empty()
        && method
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if !valid_name {
        return Err(UsageError(format!(
            "--call {flag}: expected a page method name such as onTap, optionally followed by :JSON"
        )));
    }
    if !json.is_empty() {
        let value: serde_json::Value = serde_json::from_str(json).map_err(|err| {
            UsageError(format!(
                "--call {flag}: the part after the colon is not JSON ({err}); for example --call 'onTap:{{\"dataset\":{{\"id\":3}}}}'"
            ))
        })?;
        if !value.is_object() {
            return Err(UsageError(format!(
                "--call {flag}: the JSON should be an object of event fields (detail, dataset, type)"
            )));
        }
    }
    Ok((method.to_string(), json.to_string()))
}

/// Folders below `dir` (two levels at most, no hidden ones or packages) that hold app.json,
/// for a hint when the project does not say where its mini-program is.
fn app_json_below(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut queue = vec![(dir.to_path_buf(), 0)];
    while let Some((folder, depth)) = queue.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if !path.is_dir() || name.starts_with('.') || name == "node_modules" {
                continue;
            }
            if path.join("app.json").is_file() {
                found.push(path.clone());
            }
            if depth < 1 {
                queue.push((path, depth + 1));
            }
        }
    }
    found.sort();
    found
}

/// The folder of app.json that `wxrun app DIR` runs: DIR itself, or the `miniprogramRoot` of
/// the project DIR belongs to, as DevTools finds it.
fn app_folder(dir: &Path, config: &Config) -> Result<PathBuf, UsageError> {
    if config.compile_type.value == CompileType::Game {
        return Err(UsageError(format!(
            "{} is a mini-game project (compileType \"game\" in {}); wxrun app runs mini-programs — run a game's scripts with wxrun run",
            dir.display(),
            config.compile_type.source
        )));
    }
    let mut looked = vec![dir.join("app.json")];
    if dir.join("app.json").is_file() {
        return Ok(dir.to_path_buf());
    }
    if let Some(root) = &config.miniprogram_root {
        let candidate = root.join("app.json");
        if candidate.is_file() {
            return Ok(std::fs::canonicalize(root).unwrap_or_else(|_| root.clone()));
        }
        if !looked.contains(&candidate) {
            looked.push(candidate);
        }
    }
    let looked: Vec<String> = looked.iter().map(|p| p.display().to_string()).collect();
    let mut message = format!("no app.json found: looked at {}", looked.join(" and "));
    let below = app_json_below(dir);
    let project_config = config
        .project_root
        .as_ref()
        .map(|root| root.join("project.config.json"))
        .filter(|file| file.is_file());
    match (below.first(), project_config) {
        (Some(found), Some(file)) => {
            let relative = found.strip_prefix(dir).unwrap_or(found);
            message.push_str(&format!(
                "; {}/app.json exists: set \"miniprogramRoot\": \"{}/\" in {}, or run wxrun app {}",
                relative.display(),
                relative.display(),
                file.display(),
                found.display()
            ));
        }
        (Some(found), None) => message.push_str(&format!(
            "; {}/app.json exists: run wxrun app {} (or add a project.config.json with \"miniprogramRoot\")",
            found.display(),
            found.display()
        )),
        (None, Some(file)) => message.push_str(&format!(
            "; set \"miniprogramRoot\" in {} to the folder that holds app.json",
            file.display()
        )),
        (None, None) => message.push_str(
            "; give the folder that holds app.json, or the project folder whose project.config.json names it in \"miniprogramRoot\"",
        ),
    }
    Err(UsageError(message))
}

pub fn run(args: AppArgs) -> Result<i32, UsageError> {
    let given = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let given_dir = std::fs::canonicalize(&given).map_err(|err| {
        UsageError(format!(
            "cannot open the mini-program folder {}: {err}",
            given.display()
        ))
    })?;
    let calls = args
        .calls
        .iter()
        .map(|flag| parse_call(flag))
        .collect::<Result<Vec<_>, _>>()?;
    let mut preload = Vec::new();
    for file in &args.preload {
        let path = std::fs::canonicalize(file).map_err(|err| {
            UsageError(format!(
                "--require {}: cannot open it: {err}",
                file.display()
            ))
        })?;
        preload.push(path.to_string_lossy().into_owned());
    }
    let config = load_config(&given_dir, &args.config)?;
    let dir = app_folder(&given_dir, &config)?;
    let mut extras = RunExtras::new(&config, &args.config, args.config.record.as_deref(), false)?;
    extras.trace = args.trace;
    let runtime = js_thread_runtime()?;
    let outcome = runtime.block_on(async {
        let host = make_host(
            config,
            &args.limits,
            &args.config,
            Vec::new(),
            extras.for_host(),
        )?;
        let launch = wx_api::AppLaunch {
            dir: dir.to_string_lossy().into_owned(),
            page: args.page.clone(),
            calls: calls.clone(),
            preload: preload.clone(),
            exit_when_idle: args.exit_when_idle,
        };
        if let Some(message) = wx_api::launch_app(&host, launch) {
            return Err(UsageError(message));
        }
        let ending = host.run_loop().await;
        let outcome = host.outcome(ending);
        host.abandon();
        Ok::<_, UsageError>(outcome)
    })?;
    finish(&outcome, &extras, args.config.record.as_deref())
}

#[cfg(test)]
mod tests {
    use super::parse_call;

    #[test]
    fn calls_take_a_method_and_optional_event_json() {
        assert_eq!(
            parse_call("onTap").unwrap(),
            ("onTap".to_string(), String::new())
        );
        assert_eq!(
            parse_call(r#"onTap:{"dataset":{"id":3}}"#).unwrap().1,
            r#"{"dataset":{"id":3}}"#
        );
        assert!(
            parse_call("onTap:{oops")
                .unwrap_err()
                .0
                .contains("not JSON")
        );
        assert!(parse_call("on tap").is_err());
        assert!(parse_call("onTap:[1]").unwrap_err().0.contains("object"));
    }
}
