//! A project's Jest configuration, read where it maps onto `wxrun test`: `jest.config.js`
//! (run in a wxrun runtime, so it may compute its values), `.cjs`, `.ts`, `.json`, or the
//! `jest` key of `package.json`. Options wxrun cannot honour are each named once, with the
//! reason, instead of being ignored in silence.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use rquickjs::{Function, Value};
use serde_json::Value as Json;

use crate::{
    coverage::{Threshold, Thresholds},
    discover::TestPatterns,
    worker::FileSetup,
};

/// Config files Jest reads, in its order.
const FILES: [&str; 5] = [
    "jest.config.js",
    "jest.config.ts",
    "jest.config.mjs",
    "jest.config.cjs",
    "jest.config.json",
];

/// What `wxrun test` takes from a Jest configuration.
#[derive(Clone, Debug, Default)]
pub struct JestProject {
    /// Where the configuration came from (`package.json` for its `jest` key); `None` for a
    /// project that uses Jest without configuring it.
    pub source: Option<PathBuf>,
    pub root_dir: PathBuf,
    pub roots: Vec<PathBuf>,
    pub patterns: TestPatterns,
    pub test_timeout: Option<u64>,
    /// Setup files, moduleNameMapper, the mock resets, fake timers and globals.
    pub setup: FileSetup,
    pub bail: Option<usize>,
    pub max_workers: Option<usize>,
    pub collect_coverage: bool,
    pub collect_coverage_from: Vec<String>,
    pub coverage_path_ignore_patterns: Vec<String>,
    pub coverage_directory: Option<PathBuf>,
    pub coverage_reporters: Option<Vec<String>>,
    pub coverage_threshold: Option<Thresholds>,
    /// Options read but not honoured, each with why: printed once per run.
    pub notes: Vec<String>,
}

/// A configuration that cannot be used: names the file, the key and the fix.
#[derive(Debug)]
pub struct ConfigError(pub String);

fn is_jest_project(package: &Json) -> bool {
    ["dependencies", "devDependencies"].iter().any(|section| {
        package
            .get(section)
            .and_then(Json::as_object)
            .is_some_and(|deps| deps.contains_key("jest"))
    })
}

/// The Jest configuration of the project in `dir`, if it has one or uses Jest.
pub fn find(dir: &Path) -> Result<Option<JestProject>, ConfigError> {
    let found: Vec<PathBuf> = FILES
        .iter()
        .map(|name| dir.join(name))
        .filter(|path| path.is_file())
        .collect();
    let package_path = dir.join("package.json");
    let package: Option<Json> = match std::fs::read_to_string(&package_path) {
        Ok(text) => Some(serde_json::from_str(&text).map_err(|err| {
            ConfigError(format!(
                "{} is not valid JSON: {err}",
                package_path.display()
            ))
        })?),
        Err(_) => None,
    };
    let in_package = package.as_ref().and_then(|p| p.get("jest")).cloned();
    if found.len() > 1 || (!found.is_empty() && in_package.is_some()) {
        let mut names: Vec<String> = found.iter().map(|p| p.display().to_string()).collect();
        if in_package.is_some() {
            names.push(format!("the \"jest\" key of {}", package_path.display()));
        }
        return Err(ConfigError(format!(
            "multiple Jest configurations found: {}; keep one, as Jest requires",
            names.join(", ")
        )));
    }
    let (source, value) = match (found.into_iter().next(), in_package) {
        (Some(file), _) => {
            let value = evaluate(&file)?;
            (Some(file), value)
        }
        (None, Some(value)) => (Some(package_path), value),
        (None, None) => match &package {
            Some(package) if is_jest_project(package) => (None, Json::Object(Default::default())),
            _ => return Ok(None),
        },
    };
    map(dir, source, &value).map(Some)
}

/// Runs a JavaScript (or TypeScript) config file and returns what it exports, awaited and
/// called when it is a function, as JSON.
fn evaluate(file: &Path) -> Result<Json, ConfigError> {
    let named = |message: String| ConfigError(format!("{}: {message}", file.display()));
    if file.extension().is_some_and(|ext| ext == "json") {
        let text = std::fs::read_to_string(file).map_err(|err| named(err.to_string()))?;
        return serde_json::from_str(&text).map_err(|err| named(format!("not valid JSON: {err}")));
    }
    if file.extension().is_some_and(|ext| ext == "mjs") {
        return Err(named(
            "wxrun reads Jest configuration written as CommonJS or with `export default` in jest.config.js; rename jest.config.mjs to jest.config.js".into(),
        ));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| named(err.to_string()))?;
    runtime.block_on(async {
        let host = wx_host::Host::new(wx_host::HostOptions {
            cache: wx_host::CacheDir::Off,
            timeout: Some(std::time::Duration::from_secs(30)),
            ..wx_host::HostOptions::default()
        })
        .map_err(|err| named(err.to_string()))?;
        let path = file.to_string_lossy().into_owned();
        host.with(|ctx, internals| {
            let reader: Function = ctx.eval(
                r#"(function (load, path) {
                    const settle = (promise) => promise.then(
                        (value) => { globalThis.__wxrunJestConfig = JSON.stringify(value === undefined ? {} : value); },
                        (error) => { globalThis.__wxrunJestConfigError = String(error); });
                    try {
                        let value = load(path);
                        if (value && value.__esModule && 'default' in value) value = value.default;
                        if (typeof value === 'function') value = value();
                        settle(Promise.resolve(value));
                    } catch (error) {
                        settle(Promise.reject(error));
                    }
                })"#,
            )?;
            let load: Function = internals.object().get("loadModule")?;
            reader.call::<_, ()>((load, path.as_str()))
        });
        host.run_loop().await;
        let read = host.with(|ctx, _| {
            let globals = ctx.globals();
            let json: Value = globals.get("__wxrunJestConfig")?;
            let error: Value = globals.get("__wxrunJestConfigError")?;
            Ok((
                json.as_string().and_then(|s| s.to_string().ok()),
                error.as_string().and_then(|s| s.to_string().ok()),
            ))
        });
        match read {
            Some((Some(json), _)) => {
                serde_json::from_str(&json).map_err(|err| named(err.to_string()))
            }
            Some((None, Some(error))) => Err(named(format!("running it failed: {error}"))),
            _ => Err(named("running it did not produce a configuration".into())),
        }
    })
}

/// Why wxrun does not honour an option, for the note naming it.
fn unsupported(key: &str) -> Option<&'static str> {
    Some(match key {
        "transform" | "transformIgnorePatterns" | "preset" => {
            "wxrun compiles TypeScript and ES modules itself (its compile step); Babel and ts-jest transforms are not run"
        }
        "testEnvironment" | "testEnvironmentOptions" => {
            "tests run in wxrun's mini-program runtime (the global wx, no DOM, no Node built-ins)"
        }
        "snapshotSerializers" | "snapshotFormat" | "snapshotResolver" => {
            "snapshots use Jest 29's default format and location"
        }
        "moduleFileExtensions" | "moduleDirectories" | "modulePaths" | "resolver" => {
            "modules resolve as the base library does (.js, .ts, .json; miniprogram_npm, node_modules)"
        }
        "projects"
        | "reporters"
        | "watchPlugins"
        | "notify"
        | "testSequencer"
        | "runner"
        | "testRunner"
        | "globalSetup"
        | "globalTeardown"
        | "dependencyExtractor"
        | "haste"
        | "automock"
        | "injectGlobals"
        | "sandboxInjectedGlobals"
        | "extensionsToTreatAsEsm"
        | "errorOnDeprecated"
        | "randomize"
        | "seed"
        | "openHandlesTimeout"
        | "detectOpenHandles"
        | "forceCoverageMatch"
        | "coverageProvider"
        | "collectCoverageOnlyFrom"
        | "unmockedModulePathPatterns"
        | "prettierPath"
        | "workerIdleMemoryLimit"
        | "workerThreads"
        | "watchPathIgnorePatterns"
        | "cacheDirectory"
        | "cache"
        | "slowTestThreshold"
        | "showSeed"
        | "displayName"
        | "verbose"
        | "silent"
        | "testFailureExitCode"
        | "testLocationInResults"
        | "maxConcurrency"
        | "id" => "wxrun has no such setting (see docs/testing.md for what replaces it)",
        _ => return None,
    })
}

fn strings(value: &Json) -> Option<Vec<String>> {
    match value {
        Json::String(text) => Some(vec![text.clone()]),
        Json::Array(items) => items
            .iter()
            .map(|item| item.as_str().map(str::to_string))
            .collect(),
        _ => None,
    }
}

/// Turns Jest's configuration object into what wxrun uses.
pub fn map(dir: &Path, source: Option<PathBuf>, value: &Json) -> Result<JestProject, ConfigError> {
    let where_ = source.as_ref().map_or_else(
        || "the Jest configuration".to_string(),
        |p| p.display().to_string(),
    );
    let bad = |key: &str, what: &str| ConfigError(format!("{where_}: \"{key}\" must be {what}"));
    let object = value
        .as_object()
        .ok_or_else(|| ConfigError(format!("{where_}: the configuration must be an object")))?;
    let root_dir = match object.get("rootDir") {
        Some(Json::String(root)) => dir.join(root),
        Some(_) => return Err(bad("rootDir", "a path")),
        None => dir.to_path_buf(),
    };
    let root_dir = root_dir.canonicalize().unwrap_or(root_dir);
    let root_text = root_dir.to_string_lossy().into_owned();
    let expand = |text: &str| text.replace("<rootDir>", &root_text);
    let path_of = |text: &str| {
        let expanded = expand(text);
        let path = Path::new(&expanded);
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            root_dir.join(path)
        }
    };
    let mut project = JestProject {
        source: source.clone(),
        root_dir: root_dir.clone(),
        roots: vec![root_dir.clone()],
        patterns: TestPatterns::jest(),
        ..JestProject::default()
    };
    for (key, value) in object {
        match key.as_str() {
            "rootDir" => {}
            "roots" => {
                project.roots = strings(value)
                    .ok_or_else(|| bad(key, "a list of paths"))?
                    .iter()
                    .map(|root| path_of(root))
                    .collect();
            }
            "testMatch" => {
                project.patterns.globs = strings(value)
                    .ok_or_else(|| bad(key, "a list of globs"))?
                    .iter()
                    .map(|glob| expand(glob))
                    .collect();
            }
            "testRegex" => {
                project.patterns.regexes =
                    strings(value).ok_or_else(|| bad(key, "a regular expression or a list of them"))?;
                if !object.contains_key("testMatch") {
                    project.patterns.globs.clear();
                }
            }
            "testPathIgnorePatterns" => {
                project.patterns.ignore = strings(value)
                    .ok_or_else(|| bad(key, "a list of regular expressions"))?
                    .iter()
                    .map(|p| expand(p))
                    .collect();
            }
            "testTimeout" => {
                project.test_timeout =
                    Some(value.as_u64().ok_or_else(|| bad(key, "a number of milliseconds"))?);
            }
            "setupFiles" | "setupFilesAfterEnv" => {
                let files = strings(value).ok_or_else(|| bad(key, "a list of paths"))?;
                for file in files {
                    let expanded = expand(&file);
                    let from = root_dir.join("jest.config.js");
                    let resolved = match wx_host::resolve(
                        &expanded,
                        Some(&from),
                        &[],
                        &wx_host::ModuleOptions::default(),
                    ) {
                        Ok(wx_host::Resolved::File(path)) => path,
                        _ => {
                            return Err(ConfigError(format!(
                                "{where_}: \"{key}\" names {file:?}, which does not exist (paths are relative to {root_text})"
                            )));
                        }
                    };
                    project.setup.setup_files.push(resolved.canonicalize().unwrap_or(resolved));
                }
            }
            "setupFilesAfterEach" => project.notes.push(format!(
                "{where_}: \"setupFilesAfterEach\" is not a Jest option (did you mean \"setupFilesAfterEnv\"?); it is ignored"
            )),
            "moduleNameMapper" => {
                let map = value
                    .as_object()
                    .ok_or_else(|| bad(key, "an object of regular expression → path"))?;
                for (pattern, targets) in map {
                    let targets = strings(targets)
                        .ok_or_else(|| bad(key, "an object whose values are paths"))?;
                    regex::Regex::new(pattern).map_err(|err| {
                        ConfigError(format!("{where_}: \"moduleNameMapper\" key {pattern:?}: {err}"))
                    })?;
                    project.setup.module_name_mapper.push((
                        pattern.clone(),
                        targets.iter().map(|t| expand(t)).collect(),
                    ));
                }
            }
            "clearMocks" | "resetMocks" | "restoreMocks" | "collectCoverage" => {
                let on = value.as_bool().ok_or_else(|| bad(key, "true or false"))?;
                match key.as_str() {
                    "clearMocks" => project.setup.clear_mocks = on,
                    "resetMocks" => project.setup.reset_mocks = on,
                    "restoreMocks" => project.setup.restore_mocks = on,
                    _ => project.collect_coverage = on,
                }
            }
            "fakeTimers" => {
                let options = value.as_object().ok_or_else(|| bad(key, "an object"))?;
                for (option, setting) in options {
                    if option == "enableGlobally" {
                        project.setup.fake_timers = setting.as_bool().unwrap_or(false);
                    } else {
                        project.notes.push(format!(
                            "{where_}: \"fakeTimers.{option}\" is not supported: fake timers take their options from jest.useFakeTimers(); it is ignored"
                        ));
                    }
                }
            }
            "timers" => {
                project.setup.fake_timers = matches!(value.as_str(), Some("fake" | "modern" | "legacy"));
            }
            "globals" => project.setup.globals = Some(value.clone()),
            "bail" => {
                project.bail = match value {
                    Json::Bool(true) => Some(1),
                    Json::Bool(false) => None,
                    Json::Number(n) => n.as_u64().map(|n| n as usize).filter(|n| *n > 0),
                    _ => return Err(bad(key, "true, false or a number")),
                };
            }
            "maxWorkers" => {
                project.max_workers = match value {
                    Json::Number(n) => n.as_u64().map(|n| n as usize),
                    Json::String(text) if text.ends_with('%') => {
                        let percent: f64 = text.trim_end_matches('%').parse().map_err(|_| {
                            bad(key, "a number or a percentage such as \"50%\"")
                        })?;
                        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
                        Some(((cores as f64 * percent / 100.0).floor() as usize).max(1))
                    }
                    _ => return Err(bad(key, "a number or a percentage such as \"50%\"")),
                };
            }
            "collectCoverageFrom" => {
                project.collect_coverage_from =
                    strings(value).ok_or_else(|| bad(key, "a list of globs"))?;
            }
            "coveragePathIgnorePatterns" => {
                project.coverage_path_ignore_patterns = strings(value)
                    .ok_or_else(|| bad(key, "a list of regular expressions"))?
                    .iter()
                    .map(|p| expand(p))
                    .collect();
            }
            "coverageDirectory" => {
                project.coverage_directory = Some(path_of(
                    value.as_str().ok_or_else(|| bad(key, "a path"))?,
                ));
            }
            "coverageReporters" => {
                let items = value.as_array().ok_or_else(|| bad(key, "a list of reporter names"))?;
                let mut names = Vec::new();
                for item in items {
                    // A reporter may come with options: ["text", {"skipFull": true}].
                    let name = match item {
                        Json::String(name) => name.clone(),
                        Json::Array(pair) => pair
                            .first()
                            .and_then(Json::as_str)
                            .ok_or_else(|| bad(key, "a list of reporter names"))?
                            .to_string(),
                        _ => return Err(bad(key, "a list of reporter names")),
                    };
                    names.push(name);
                }
                project.coverage_reporters = Some(names);
            }
            "coverageThreshold" => {
                let thresholds: BTreeMap<String, Threshold> = serde_json::from_value(value.clone())
                    .map_err(|err| ConfigError(format!("{where_}: \"coverageThreshold\": {err}")))?;
                project.coverage_threshold = Some(thresholds);
            }
            other => match unsupported(other) {
                Some(reason) => project.notes.push(format!(
                    "{where_}: \"{other}\" is not supported: {reason}; it is ignored"
                )),
                None => project.notes.push(format!(
                    "{where_}: \"{other}\" is not a Jest option wxrun knows; it is ignored"
                )),
            },
        }
    }
    Ok(project)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_map_and_the_rest_are_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("setup.js"), "").unwrap();
        let value: Json = serde_json::from_str(
            r#"{
                "testMatch": ["<rootDir>/test/**/*.spec.js"],
                "testTimeout": 900,
                "setupFilesAfterEnv": ["<rootDir>/setup.js"],
                "moduleNameMapper": {"^@/(.*)$": "<rootDir>/src/$1"},
                "clearMocks": true,
                "coverageThreshold": {"global": {"lines": 80}},
                "testEnvironment": "jsdom",
                "setupFilesAfterEach": ["x"],
                "frobnicate": 1
            }"#,
        )
        .unwrap();
        let project = map(dir.path(), None, &value).unwrap();
        let root = dir.path().canonicalize().unwrap();
        assert_eq!(
            project.patterns.globs,
            [format!("{}/test/**/*.spec.js", root.display())]
        );
        assert_eq!(project.test_timeout, Some(900));
        assert_eq!(project.setup.setup_files, [root.join("setup.js")]);
        assert_eq!(
            project.setup.module_name_mapper,
            [(
                "^@/(.*)$".to_string(),
                vec![format!("{}/src/$1", root.display())]
            )]
        );
        assert!(project.setup.clear_mocks);
        assert_eq!(project.notes.len(), 3, "{:?}", project.notes);
        assert!(
            project
                .notes
                .iter()
                .any(|n| n.contains("(did you mean \"setupFilesAfterEnv\"?)"))
        );
        assert!(
            project
                .notes
                .iter()
                .any(|n| n.contains("\"testEnvironment\" is not supported"))
        );
        assert!(
            project
                .notes
                .iter()
                .any(|n| n.contains("\"frobnicate\" is not a Jest option"))
        );
        let bad: Json = serde_json::from_str(r#"{"setupFiles": ["missing.js"]}"#).unwrap();
        let error = map(dir.path(), None, &bad).unwrap_err();
        assert!(
            error.0.contains("\"setupFiles\" names \"missing.js\""),
            "{}",
            error.0
        );
    }

    #[test]
    fn a_config_file_may_compute_its_values() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("jest.config.js"),
            "const timeout = 2 * 1000;\nmodule.exports = async () => ({ testTimeout: timeout, clearMocks: true });\n",
        )
        .unwrap();
        let project = find(dir.path()).unwrap().unwrap();
        assert_eq!(project.test_timeout, Some(2000));
        assert!(project.setup.clear_mocks);
        std::fs::write(
            dir.path().join("jest.config.js"),
            "throw new Error('broken');\n",
        )
        .unwrap();
        let error = find(dir.path()).unwrap_err();
        assert!(
            error
                .0
                .contains("jest.config.js: running it failed: Error: broken"),
            "{}",
            error.0
        );
    }
}
