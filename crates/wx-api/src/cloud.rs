//! The natives behind `wx.cloud` (js/cloud.js, docs/device.md "wx.cloud"): the mock rules that
//! answer cloud functions, a cloud file store of real files, and the database file.
//!
//! Each environment keeps its files under `<cloud root>/<env>/files/<cloudPath>` and, with
//! `--data-dir`, its database in `<data-dir>/cloud/<env>/database.json`, both kept between
//! runs. Without a data folder the files live in the run's scratch folder and the database in
//! memory only (js/cloud.js holds it and hands each new state to `saveDatabase`).

use std::{
    fs, io,
    path::{Path, PathBuf},
    sync::Arc,
};

use rquickjs::{Array, Ctx, Exception, prelude::Func};
use wx_bridge::{Natives, Text, declared::cloud, declared::wx};
use wx_net::{
    files,
    sandbox::{Sandbox, extension_of},
};
use wx_offline::{RuleAnswer, StandIn};

/// The database file of an environment, inside its folder.
const DATABASE_FILE: &str = "database.json";

/// Where an environment's files and database live.
#[derive(Clone)]
struct CloudStore {
    /// Where the store's root is (`Sandbox::cloud_root`), asked when first used: the sandbox
    /// makes its folders then.
    sandbox: Arc<Sandbox>,
    /// Whether the database is kept between runs (`--data-dir`).
    persistent: bool,
}

/// The folder name of an environment id: the id itself when it is a plain name (as real ids
/// are: letters, digits, `-`, `_`), else its bytes in hex after an `x-`.
fn env_folder(env: &str) -> String {
    let plain = !env.is_empty()
        && !env.starts_with('.')
        && env
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if plain {
        env.to_string()
    } else {
        let hex: String = env.bytes().map(|b| format!("{b:02x}")).collect();
        format!("x-{hex}")
    }
}

/// The parts of a cloud path, or `None` for one that could leave the store or names no file
/// (`..`, `.`, empty parts, a NUL, a backslash). One leading `/` is allowed.
fn cloud_parts(cloud_path: &str) -> Option<Vec<&str>> {
    let path = cloud_path.strip_prefix('/').unwrap_or(cloud_path);
    let parts: Vec<&str> = path.split('/').collect();
    let valid = |part: &&str| {
        !part.is_empty() && *part != "." && *part != ".." && !part.contains(['\0', '\\'])
    };
    (!path.is_empty() && parts.iter().all(valid)).then_some(parts)
}

impl CloudStore {
    fn env_dir(&self, env: &str) -> PathBuf {
        self.sandbox.cloud_root().join(env_folder(env))
    }

    fn file(&self, env: &str, cloud_path: &str) -> Option<PathBuf> {
        let mut path = self.env_dir(env).join("files");
        path.extend(cloud_parts(cloud_path)?);
        Some(path)
    }

    fn database(&self, env: &str) -> PathBuf {
        self.env_dir(env).join(DATABASE_FILE)
    }
}

/// Reads a database file: `None` when there is none, an error naming the file when it cannot
/// be read or is not a JSON object (the collections by name).
fn load_database(path: &Path) -> Result<Option<String>, String> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(format!("cannot read {}: {err}", path.display())),
    };
    let fix = "fix it, or remove it to start with an empty database";
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(_)) => Ok(Some(text)),
        Ok(_) => Err(format!(
            "{}: the cloud database file should hold a JSON object of collections ({fix})",
            path.display()
        )),
        Err(err) => Err(format!(
            "{}: the cloud database file is not valid JSON: {err} ({fix})",
            path.display()
        )),
    }
}

/// Replaces the database file as one step: a crash leaves the old file or the new one.
fn save_database(path: &Path, text: &str) -> io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(folder)?;
    let mut file = tempfile::NamedTempFile::new_in(folder)?;
    io::Write::write_all(&mut file, text.as_bytes())?;
    file.persist(path).map_err(|err| err.error)?;
    Ok(())
}

fn copy_into(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(folder) = to.parent() {
        fs::create_dir_all(folder)?;
    }
    fs::copy(from, to).map(drop)
}

fn message<'js>(ctx: &Ctx<'js>, text: &str) -> rquickjs::Error {
    Exception::throw_message(ctx, text)
}

pub(crate) fn install<'js>(
    native: &mut Natives<'js>,
    sandbox: &Arc<Sandbox>,
    stand_in: Option<Arc<StandIn>>,
    persistent: bool,
) -> rquickjs::Result<()> {
    let store = CloudStore {
        sandbox: sandbox.clone(),
        persistent,
    };
    let mut group = native.group(&wx::CLOUD_GROUP)?;

    group.set(
        &cloud::CALL_RULE,
        Func::from(
            move |ctx: Ctx<'js>, name: Text, data: Text| -> rquickjs::Result<Option<Array<'js>>> {
                let Some(stand_in) = &stand_in else {
                    return Ok(None);
                };
                let data: serde_json::Value = serde_json::from_str(&data)
                    .map_err(|err| message(&ctx, &format!("wx.cloud.callFunction data: {err}")))?;
                let (kind, payload, delay) = match stand_in.answer_cloud_function(&name, &data) {
                    Some(RuleAnswer::CloudResult { result, delay }) => {
                        ("result", result.to_string(), delay.as_millis() as f64)
                    }
                    Some(RuleAnswer::Fail(reason)) => ("fail", reason, 0.0),
                    _ => return Ok(None),
                };
                let answer = Array::new(ctx.clone())?;
                answer.set(0, kind)?;
                answer.set(1, payload)?;
                answer.set(2, delay)?;
                Ok(Some(answer))
            },
        ),
    )?;

    let (s, st) = (sandbox.clone(), store.clone());
    group.set(
        &cloud::UPLOAD,
        Func::from(
            move |ctx: Ctx<'js>,
                  env: Text,
                  cloud_path: Text,
                  file_path: Text|
                  -> rquickjs::Result<Option<&'static str>> {
                let Some(target) = st.file(&env, &cloud_path) else {
                    return Ok(Some("cloudPathInvalid"));
                };
                let bytes = files::read(&s, &file_path, None, None)
                    .map_err(|err| crate::fs::throw(&ctx, err, "open"))?;
                if let Some(folder) = target.parent() {
                    fs::create_dir_all(folder).map_err(|err| {
                        message(&ctx, &format!("cannot make {}: {err}", folder.display()))
                    })?;
                }
                fs::write(&target, bytes).map_err(|err| {
                    message(&ctx, &format!("cannot write {}: {err}", target.display()))
                })?;
                Ok(None)
            },
        ),
    )?;

    let (s, st) = (sandbox.clone(), store.clone());
    group.set(
        &cloud::DOWNLOAD,
        Func::from(
            move |ctx: Ctx<'js>, env: Text, cloud_path: Text| -> rquickjs::Result<Option<String>> {
                let Some(source) = st.file(&env, &cloud_path).filter(|path| path.is_file()) else {
                    return Ok(None);
                };
                let (path, host) = s.new_temp(extension_of(&cloud_path).as_deref());
                copy_into(&source, &host).map_err(|err| {
                    message(&ctx, &format!("cannot copy {}: {err}", source.display()))
                })?;
                Ok(Some(path))
            },
        ),
    )?;

    let st = store.clone();
    group.set(
        &cloud::EXISTS,
        Func::from(move |env: Text, cloud_path: Text| {
            st.file(&env, &cloud_path)
                .is_some_and(|path| path.is_file())
        }),
    )?;

    let st = store.clone();
    group.set(
        &cloud::REMOVE,
        Func::from(move |env: Text, cloud_path: Text| {
            st.file(&env, &cloud_path)
                .is_some_and(|path| path.is_file() && fs::remove_file(path).is_ok())
        }),
    )?;

    let st = store.clone();
    group.set(
        &cloud::LOAD_DATABASE,
        Func::from(
            move |ctx: Ctx<'js>, env: Text| -> rquickjs::Result<Option<String>> {
                if !st.persistent {
                    return Ok(None);
                }
                load_database(&st.database(&env)).map_err(|text| message(&ctx, &text))
            },
        ),
    )?;

    group.set(
        &cloud::SAVE_DATABASE,
        Func::from(
            move |ctx: Ctx<'js>, env: Text, text: Text| -> rquickjs::Result<()> {
                if !store.persistent {
                    return Ok(());
                }
                let path = store.database(&env);
                save_database(&path, &text).map_err(|err| {
                    message(
                        &ctx,
                        &format!("cannot write the cloud database {}: {err}", path.display()),
                    )
                })
            },
        ),
    )?;
    native.set(&wx::CLOUD_GROUP, group.finish()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloud_paths_stay_in_the_store() {
        assert_eq!(cloud_parts("a/b.png"), Some(vec!["a", "b.png"]));
        assert_eq!(cloud_parts("/a.png"), Some(vec!["a.png"]));
        for bad in ["", "/", "a//b", "../a", "a/./b", "a/..", "a\\b", "a\0"] {
            assert_eq!(cloud_parts(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn environment_folders_are_plain_names() {
        assert_eq!(env_folder("prod-1a2b"), "prod-1a2b");
        assert_eq!(env_folder("../x"), "x-2e2e2f78");
        assert_eq!(env_folder(""), "x-");
    }

    #[test]
    fn a_database_file_round_trips_and_a_bad_one_names_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("env").join(DATABASE_FILE);
        assert_eq!(load_database(&path), Ok(None));
        save_database(&path, "{\"todos\":[]}").unwrap();
        assert_eq!(load_database(&path), Ok(Some("{\"todos\":[]}".into())));
        fs::write(&path, "{\"todos\": [").unwrap();
        let error = load_database(&path).unwrap_err();
        assert!(error.starts_with(&path.display().to_string()), "{error}");
        assert!(error.contains("not valid JSON"), "{error}");
        fs::write(&path, "[]").unwrap();
        assert!(load_database(&path).unwrap_err().contains("JSON object"));
    }
}
