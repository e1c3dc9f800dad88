//! `wxrun app [DIR]`: runs a mini-program headless. The framework itself (App, Page, the page
//! stack, lifecycles) lives in wx-api's `miniprogram` layer, shared with
//! `require('wxrun').miniprogram.launch()`; this side checks the flags, runs the `--require`
//! scripts and starts the launch.

use std::path::PathBuf;

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

pub fn run(args: AppArgs) -> Result<i32, UsageError> {
    let given = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let dir = std::fs::canonicalize(&given).map_err(|err| {
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
    let config = load_config(&dir, &args.config)?;
    let mut extras = RunExtras::new(&config, &args.config, args.config.record.as_deref(), false)?;
    extras.trace = args.trace;
    let runtime = js_thread_runtime()?;
    let outcome = runtime.block_on(async {
        let host = make_host(config, &args.limits, Vec::new(), extras.for_host())?;
        let launch = wx_api::AppLaunch {
            dir: dir.to_string_lossy().into_owned(),
            page: args.page.clone(),
            calls: calls.clone(),
            preload: preload.clone(),
        };
        if let Some(message) = wx_api::launch_app(&host, launch) {
            return Err(UsageError(message));
        }
        let ending = host.run_loop().await;
        Ok::<_, UsageError>(host.outcome(ending))
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
