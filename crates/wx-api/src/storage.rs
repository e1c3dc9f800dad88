//! The natives behind `wx.setStorage` and friends: one key-value store per appid with the
//! phone's limits (1 MB per item, 10 MB in all). Values arrive already encoded by
//! `js/storage.js` (a JSON text that keeps Dates and `undefined`), so this side only counts
//! bytes and keeps them.
//!
//! Without `--data-dir` the store lives in memory and ends with the run. With it, each key is
//! a file under `<data-dir>/storage/<appid>/`, written (to a temporary file, then renamed) as
//! it is set, so that a run that crashes keeps every item it had set and no write ever costs
//! more than the one item.

use std::{
    cell::RefCell,
    collections::BTreeMap,
    fs,
    io::{self, Write},
    path::{Path, PathBuf},
    rc::Rc,
};

use rquickjs::{Ctx, Exception, Object, prelude::Func};

/// The largest item, counted as the UTF-8 bytes of its encoded value.
pub const ITEM_LIMIT: usize = 1024 * 1024;
/// The largest store, counted as keys plus encoded values.
pub const TOTAL_LIMIT: usize = 10 * 1024 * 1024;

/// Why a write was refused; the text is the platform's reason after `<api>:fail `.
#[derive(Debug, PartialEq, Eq)]
pub enum StorageError {
    ItemTooLarge,
    StoreFull,
    Write(String),
}

impl StorageError {
    pub fn reason(&self) -> String {
        match self {
            StorageError::ItemTooLarge => "exceed storage item max length".into(),
            StorageError::StoreFull => "exceed storage max size 10MB".into(),
            StorageError::Write(detail) => format!("write storage failed: {detail}"),
        }
    }
}

/// The items of one appid.
pub struct Storage {
    items: BTreeMap<String, String>,
    used: usize,
    /// Where items are kept between runs (`--data-dir`), one file per key.
    folder: Option<PathBuf>,
}

fn size_of(key: &str, value: &str) -> usize {
    key.len() + value.len()
}

/// File names are the key in hex: keys may hold any character, `/` and `..` included.
fn file_name(key: &str) -> String {
    key.bytes().map(|b| format!("{b:02x}")).collect()
}

fn key_of(file_name: &str) -> Option<String> {
    if !file_name.len().is_multiple_of(2) {
        return None;
    }
    let bytes = (0..file_name.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(file_name.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    String::from_utf8(bytes).ok()
}

impl Storage {
    /// An empty store that ends with the run.
    pub fn in_memory() -> Storage {
        Storage {
            items: BTreeMap::new(),
            used: 0,
            folder: None,
        }
    }

    /// The store of `appid` kept under `data_dir`, with the items earlier runs left.
    pub fn kept(data_dir: &Path, appid: &str) -> io::Result<Storage> {
        let folder = data_dir.join("storage").join(file_name(appid));
        fs::create_dir_all(&folder)?;
        let mut storage = Storage {
            items: BTreeMap::new(),
            used: 0,
            folder: None,
        };
        for entry in fs::read_dir(&folder)? {
            let entry = entry?;
            let name = entry.file_name();
            // Half-written temporary files (a crash mid-write) start with a dot.
            let Some(key) = name.to_str().and_then(key_of) else {
                continue;
            };
            let value = fs::read_to_string(entry.path())?;
            storage.used += size_of(&key, &value);
            storage.items.insert(key, value);
        }
        storage.folder = Some(folder);
        Ok(storage)
    }

    fn check(&self, changes: &[(String, String)]) -> Result<(), StorageError> {
        let mut used = self.used;
        for (key, value) in changes {
            if value.len() > ITEM_LIMIT {
                return Err(StorageError::ItemTooLarge);
            }
            if let Some(old) = self.items.get(key) {
                used -= size_of(key, old);
            }
            used += size_of(key, value);
        }
        if used > TOTAL_LIMIT {
            return Err(StorageError::StoreFull);
        }
        Ok(())
    }

    /// Sets every item, or none when one breaks a limit.
    pub fn set_all(&mut self, changes: Vec<(String, String)>) -> Result<(), StorageError> {
        self.check(&changes)?;
        for (key, value) in changes {
            self.persist(&key, Some(&value))
                .map_err(|err| StorageError::Write(err.to_string()))?;
            if let Some(old) = self.items.get(&key) {
                self.used -= size_of(&key, old);
            }
            self.used += size_of(&key, &value);
            self.items.insert(key, value);
        }
        Ok(())
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.items.get(key).map(String::as_str)
    }

    pub fn remove(&mut self, key: &str) -> io::Result<()> {
        self.persist(key, None)?;
        if let Some(old) = self.items.remove(key) {
            self.used -= size_of(key, &old);
        }
        Ok(())
    }

    pub fn clear(&mut self) -> io::Result<()> {
        let keys: Vec<String> = self.items.keys().cloned().collect();
        for key in keys {
            self.remove(&key)?;
        }
        Ok(())
    }

    pub fn keys(&self) -> Vec<String> {
        self.items.keys().cloned().collect()
    }

    /// Bytes in use.
    pub fn used(&self) -> usize {
        self.used
    }

    fn persist(&self, key: &str, value: Option<&str>) -> io::Result<()> {
        let Some(folder) = &self.folder else {
            return Ok(());
        };
        let path = folder.join(file_name(key));
        match value {
            None => match fs::remove_file(&path) {
                Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
                _ => Ok(()),
            },
            Some(value) => {
                let mut file = tempfile::Builder::new().prefix(".").tempfile_in(folder)?;
                file.write_all(value.as_bytes())?;
                file.persist(&path).map_err(|err| err.error)?;
                Ok(())
            }
        }
    }
}

/// Opens the store lazily: a script that never touches storage never reads the folder.
struct Lazy {
    data_dir: Option<PathBuf>,
    appid: String,
    storage: Option<Storage>,
}

/// Runs `f` on the store, opening it first if needed; I/O errors become JS exceptions.
fn with_store<R>(
    lazy: &RefCell<Lazy>,
    ctx: &Ctx<'_>,
    f: impl FnOnce(&mut Storage) -> io::Result<R>,
) -> rquickjs::Result<R> {
    let mut lazy = lazy.borrow_mut();
    if lazy.storage.is_none() {
        let opened = match &lazy.data_dir {
            Some(dir) => Storage::kept(dir, &lazy.appid),
            None => Ok(Storage::in_memory()),
        };
        lazy.storage = Some(opened.map_err(|err| throw_io(ctx, err))?);
    }
    let storage = lazy.storage.as_mut().expect("opened above");
    f(storage).map_err(|err| throw_io(ctx, err))
}

fn throw_io(ctx: &Ctx<'_>, err: io::Error) -> rquickjs::Error {
    Exception::throw_message(ctx, &format!("storage: {err}"))
}

/// `native.storage`: set/get/remove/clear/info over the store of `appid`.
pub fn install<'js>(
    native: &Object<'js>,
    data_dir: Option<PathBuf>,
    appid: String,
) -> rquickjs::Result<()> {
    let ctx = native.ctx().clone();
    let store = Rc::new(RefCell::new(Lazy {
        data_dir,
        appid,
        storage: None,
    }));
    let object = Object::new(ctx)?;
    let setting = store.clone();
    // Returns "" when every item was set, else the fail reason.
    object.set(
        "set",
        Func::from(
            move |ctx: Ctx<'js>,
                  keys: Vec<String>,
                  values: Vec<String>|
                  -> rquickjs::Result<String> {
                with_store(&setting, &ctx, |storage| {
                    let changes = keys.into_iter().zip(values).collect();
                    Ok(storage
                        .set_all(changes)
                        .err()
                        .map(|err| err.reason())
                        .unwrap_or_default())
                })
            },
        ),
    )?;
    let getting = store.clone();
    object.set(
        "get",
        Func::from(
            move |ctx: Ctx<'js>, key: String| -> rquickjs::Result<Option<String>> {
                with_store(&getting, &ctx, |storage| {
                    Ok(storage.get(&key).map(str::to_string))
                })
            },
        ),
    )?;
    let removing = store.clone();
    object.set(
        "remove",
        Func::from(move |ctx: Ctx<'js>, key: String| {
            with_store(&removing, &ctx, |storage| storage.remove(&key))
        }),
    )?;
    let clearing = store.clone();
    object.set(
        "clear",
        Func::from(move |ctx: Ctx<'js>| with_store(&clearing, &ctx, Storage::clear)),
    )?;
    object.set(
        "info",
        Func::from(move |ctx: Ctx<'js>| -> rquickjs::Result<Object<'js>> {
            let (keys, used) =
                with_store(&store, &ctx, |storage| Ok((storage.keys(), storage.used())))?;
            // Sizes in KB, rounded up as a phone shows them.
            let info = Object::new(ctx.clone())?;
            info.set("keys", keys)?;
            info.set("currentSize", used.div_ceil(1024) as f64)?;
            info.set("limitSize", (TOTAL_LIMIT / 1024) as f64)?;
            Ok(info)
        }),
    )?;
    native.set("storage", object)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_over_one_megabyte_are_refused_and_nothing_changes() {
        let mut storage = Storage::in_memory();
        let big = "x".repeat(ITEM_LIMIT + 1);
        assert_eq!(
            storage.set_all(vec![("k".into(), big)]),
            Err(StorageError::ItemTooLarge)
        );
        assert_eq!(storage.used(), 0);
        storage
            .set_all(vec![("k".into(), "x".repeat(ITEM_LIMIT))])
            .unwrap();
        assert_eq!(storage.used(), ITEM_LIMIT + 1);
    }

    #[test]
    fn the_store_holds_ten_megabytes_counting_replaced_items_once() {
        let mut storage = Storage::in_memory();
        let item = "y".repeat(ITEM_LIMIT - 1);
        for i in 0..10 {
            storage
                .set_all(vec![(format!("{i}"), item.clone())])
                .unwrap();
        }
        // Replacing an item does not count it twice.
        storage.set_all(vec![("0".into(), item.clone())]).unwrap();
        assert_eq!(
            storage.set_all(vec![("10".into(), "z".repeat(20))]),
            Err(StorageError::StoreFull)
        );
        storage.remove("3").unwrap();
        storage
            .set_all(vec![("10".into(), "z".repeat(20))])
            .unwrap();
    }

    #[test]
    fn a_batch_that_breaks_a_limit_sets_nothing() {
        let mut storage = Storage::in_memory();
        let result = storage.set_all(vec![
            ("a".into(), "1".into()),
            ("b".into(), "x".repeat(ITEM_LIMIT + 1)),
        ]);
        assert_eq!(result, Err(StorageError::ItemTooLarge));
        assert!(storage.get("a").is_none());
    }

    #[test]
    fn kept_items_survive_a_new_store_and_keys_may_hold_any_character() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = Storage::kept(dir.path(), "wx123").unwrap();
        first
            .set_all(vec![
                ("../token".into(), "\"abc\"".into()),
                ("用户".into(), "1".into()),
            ])
            .unwrap();
        first.set_all(vec![("gone".into(), "1".into())]).unwrap();
        first.remove("gone").unwrap();
        let second = Storage::kept(dir.path(), "wx123").unwrap();
        assert_eq!(second.get("../token"), Some("\"abc\""));
        assert_eq!(second.get("用户"), Some("1"));
        assert_eq!(second.get("gone"), None);
        assert_eq!(second.used(), first.used());
        // Another appid sees none of it.
        let other = Storage::kept(dir.path(), "wx999").unwrap();
        assert!(other.keys().is_empty());
    }
}
