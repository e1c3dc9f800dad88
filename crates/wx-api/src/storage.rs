//! The natives behind `wx.setStorage` and friends: one key-value store per appid with the
//! phone's limits (1 MB per item, 10 MB in all). Values arrive already encoded by
//! `js/storage.js` (a JSON text that keeps Dates and `undefined`), so this side only counts
//! bytes and keeps them.
//!
//! Without `--data-dir` the store lives in memory and ends with the run. With it, each item is
//! a file under `<data-dir>/storage/<appid>/`, named by a digest of its key (any key fits,
//! however long, the empty one included) and holding the key and the value. A batch is all
//! or nothing, even when the process is killed half-way: its files are written under
//! temporary names, a journal naming them is renamed into place (the moment the batch
//! happens), then the files are. The next start finishes a journal it finds and removes
//! temporary files of a write that never reached its journal. Both stores follow the same
//! rules, so a script behaves the same with and without `--data-dir`.

use std::{
    cell::RefCell,
    collections::BTreeMap,
    fs,
    io::{self, Write},
    path::{Path, PathBuf},
    rc::Rc,
};

use rquickjs::{Ctx, Exception, Object, prelude::Func};
use sha1::Digest;
use wx_bridge::{Natives, Text, declared::wx};

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
        let (key, details) = match self {
            StorageError::ItemTooLarge => ("storageItemTooLarge", Vec::new()),
            StorageError::StoreFull => ("storageFull", Vec::new()),
            StorageError::Write(detail) => ("storageWrite", vec![detail.as_str()]),
        };
        wx_policy::catalogue::lookup(key).map_or_else(String::new, |entry| entry.reason(&details))
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

/// The folder name of an appid: hex, so that any appid is a valid name.
fn file_name(appid: &str) -> String {
    appid.bytes().map(|b| format!("{b:02x}")).collect()
}

/// Items are `<digest>.item`; the journal of a batch in progress is [`JOURNAL`]; temporary
/// files start with a dot.
const ITEM_EXTENSION: &str = "item";
const JOURNAL: &str = "journal";

/// The file name of a key's item, without its extension.
fn item_file_stem(key: &str) -> String {
    sha1::Sha1::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn item_file(key: &str) -> String {
    format!("{}.{ITEM_EXTENSION}", item_file_stem(key))
}

/// An item file: the key's length, a newline, the key, the value.
fn item_contents(key: &str, value: &str) -> Vec<u8> {
    let mut contents = format!("{}\n", key.len()).into_bytes();
    contents.extend_from_slice(key.as_bytes());
    contents.extend_from_slice(value.as_bytes());
    contents
}

fn parse_item(contents: &str) -> Option<(String, String)> {
    let (length, rest) = contents.split_once('\n')?;
    let length: usize = length.parse().ok()?;
    let key = rest.get(..length)?;
    let value = rest.get(length..)?;
    Some((key.to_string(), value.to_string()))
}

/// A key as earlier versions named its file: the key's bytes in hex, the value inside.
fn legacy_key(name: &str) -> Option<String> {
    if name.is_empty() || !name.len().is_multiple_of(2) {
        return None;
    }
    let bytes = (0..name.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(name.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    String::from_utf8(bytes).ok()
}

/// The start of this process's temporary names: `.tmp-<pid>-`.
fn temporary_prefix(pid: u32) -> String {
    format!(".tmp-{pid}-")
}

/// Whether a temporary file was left by a write that can no longer finish: its process is
/// gone (or it is this one, starting afresh), or its name says nothing of a process. Another
/// run sharing the data folder may be writing its own right now.
fn abandoned(name: &str) -> bool {
    let pid = name
        .strip_prefix(".tmp-")
        .and_then(|rest| rest.split('-').next())
        .and_then(|pid| pid.parse::<u32>().ok());
    match pid {
        Some(pid) if pid != std::process::id() => !Path::new(&format!("/proc/{pid}")).exists(),
        _ => true,
    }
}

/// Writes `contents` under a fresh temporary name in `folder`; returns that name.
fn write_temporary(folder: &Path, contents: &[u8]) -> io::Result<String> {
    let mut file = tempfile::Builder::new()
        .prefix(&temporary_prefix(std::process::id()))
        .tempfile_in(folder)?;
    file.write_all(contents)?;
    let (_, path) = file.keep().map_err(|err| err.error)?;
    Ok(path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default())
}

/// One step of a journal: a temporary file that becomes an item, or an item that goes.
enum Step {
    Put { temporary: String, item: String },
    Remove { item: String },
}

fn journal_text(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|step| match step {
            Step::Put { temporary, item } => format!("put {temporary} {item}\n"),
            Step::Remove { item } => format!("remove {item}\n"),
        })
        .collect()
}

fn parse_journal(text: &str) -> Vec<Step> {
    text.lines()
        .filter_map(|line| {
            let mut words = line.split(' ');
            match (words.next(), words.next(), words.next()) {
                (Some("put"), Some(temporary), Some(item)) => Some(Step::Put {
                    temporary: temporary.to_string(),
                    item: item.to_string(),
                }),
                (Some("remove"), Some(item), None) => Some(Step::Remove {
                    item: item.to_string(),
                }),
                _ => None,
            }
        })
        .collect()
}

/// Carries out one step; a step already done (an earlier, interrupted pass) is fine.
fn apply_step(folder: &Path, step: &Step) -> io::Result<()> {
    let done = match step {
        Step::Put { temporary, item } => fs::rename(folder.join(temporary), folder.join(item)),
        Step::Remove { item } => fs::remove_file(folder.join(item)),
    };
    match done {
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Finishes the journal a crash left: every step that still can be done is.
fn finish_journal(folder: &Path) -> io::Result<()> {
    let Ok(text) = fs::read_to_string(folder.join(JOURNAL)) else {
        return Ok(());
    };
    for step in parse_journal(&text) {
        let _ = apply_step(folder, &step);
    }
    fs::remove_file(folder.join(JOURNAL))
}

/// Makes a batch of steps happen at once: after the journal is renamed into place, a crash
/// is finished at the next start; before it, nothing happened. What could stop a step
/// (a folder where an item file goes) is looked for before that point.
fn commit(folder: &Path, steps: &[Step]) -> io::Result<()> {
    for step in steps {
        let item = match step {
            Step::Put { item, .. } | Step::Remove { item } => folder.join(item),
        };
        if fs::symlink_metadata(&item).is_ok_and(|m| !m.is_file()) {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} is in the way and is not a file", item.display()),
            ));
        }
    }
    let staged = write_temporary(folder, journal_text(steps).as_bytes())?;
    fs::rename(folder.join(&staged), folder.join(JOURNAL))?;
    for step in steps {
        apply_step(folder, step)?;
    }
    fs::remove_file(folder.join(JOURNAL))
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

    /// The store of `appid` kept under `data_dir`, with the items earlier runs left: a batch
    /// a crash interrupted after its journal is finished, temporary files are removed.
    pub fn kept(data_dir: &Path, appid: &str) -> io::Result<Storage> {
        let folder = data_dir.join("storage").join(file_name(appid));
        fs::create_dir_all(&folder)?;
        finish_journal(&folder)?;
        let mut storage = Storage::in_memory();
        let mut legacy = Vec::new();
        for entry in fs::read_dir(&folder)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !entry.file_type()?.is_file() {
                continue;
            }
            if name.starts_with('.') {
                if abandoned(&name) {
                    fs::remove_file(entry.path())?;
                }
                continue;
            }
            if name.ends_with(&format!(".{ITEM_EXTENSION}")) {
                let contents = fs::read_to_string(entry.path())?;
                if let Some((key, value)) = parse_item(&contents) {
                    storage.insert(key, value);
                }
            } else if let Some(key) = legacy_key(&name) {
                legacy.push((key, fs::read_to_string(entry.path())?, name));
            }
        }
        storage.folder = Some(folder);
        // Items an earlier version kept: written anew, unless a newer file holds the key.
        for (key, value, name) in legacy {
            if !storage.items.contains_key(&key) {
                storage.persist(&[(key.clone(), Some(value.clone()))])?;
                storage.insert(key, value);
            }
            if let Some(folder) = &storage.folder {
                fs::remove_file(folder.join(name))?;
            }
        }
        Ok(storage)
    }

    fn insert(&mut self, key: String, value: String) {
        self.used += size_of(&key, &value);
        if let Some(old) = self.items.insert(key.clone(), value) {
            self.used -= size_of(&key, &old);
        }
    }

    /// The batch as it would land: each key once, its last value.
    fn net_changes(changes: Vec<(String, String)>) -> BTreeMap<String, String> {
        changes.into_iter().collect()
    }

    fn check(&self, changes: &BTreeMap<String, String>) -> Result<(), StorageError> {
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

    /// Sets every item, or none when one breaks a limit or cannot be written.
    pub fn set_all(&mut self, changes: Vec<(String, String)>) -> Result<(), StorageError> {
        let changes = Self::net_changes(changes);
        self.check(&changes)?;
        let writes: Vec<(String, Option<String>)> = changes
            .iter()
            .map(|(key, value)| (key.clone(), Some(value.clone())))
            .collect();
        self.persist(&writes)
            .map_err(|err| StorageError::Write(err.to_string()))?;
        for (key, value) in changes {
            self.insert(key, value);
        }
        Ok(())
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.items.get(key).map(String::as_str)
    }

    pub fn remove(&mut self, key: &str) -> io::Result<()> {
        self.persist(&[(key.to_string(), None)])?;
        if let Some(old) = self.items.remove(key) {
            self.used -= size_of(key, &old);
        }
        Ok(())
    }

    /// Removes every item at once.
    pub fn clear(&mut self) -> io::Result<()> {
        let all: Vec<(String, Option<String>)> =
            self.items.keys().map(|key| (key.clone(), None)).collect();
        self.persist(&all)?;
        self.items.clear();
        self.used = 0;
        Ok(())
    }

    pub fn keys(&self) -> Vec<String> {
        self.items.keys().cloned().collect()
    }

    /// Bytes in use.
    pub fn used(&self) -> usize {
        self.used
    }

    /// Writes (`Some`) and removes (`None`) items on disk, all or nothing.
    fn persist(&self, changes: &[(String, Option<String>)]) -> io::Result<()> {
        let Some(folder) = &self.folder else {
            return Ok(());
        };
        let mut steps = Vec::with_capacity(changes.len());
        for (key, value) in changes {
            let item = item_file(key);
            match value {
                Some(value) => match write_temporary(folder, &item_contents(key, value)) {
                    Ok(temporary) => steps.push(Step::Put { temporary, item }),
                    Err(err) => {
                        discard(folder, &steps);
                        return Err(err);
                    }
                },
                None => steps.push(Step::Remove { item }),
            }
        }
        // One file is replaced or removed atomically on its own; more need the journal.
        let single = match steps.as_slice() {
            [Step::Put { temporary, item }] => {
                Some(fs::rename(folder.join(temporary), folder.join(item)))
            }
            [Step::Remove { item }] => Some(match fs::remove_file(folder.join(item)) {
                Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
                other => other,
            }),
            _ => None,
        };
        let result = single.unwrap_or_else(|| commit(folder, &steps));
        if result.is_err() {
            discard(folder, &steps);
        }
        result
    }
}

/// Removes the temporary files of a batch that will not happen.
fn discard(folder: &Path, steps: &[Step]) {
    for step in steps {
        if let Step::Put { temporary, .. } = step {
            let _ = fs::remove_file(folder.join(temporary));
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
    native: &mut Natives<'js>,
    data_dir: Option<PathBuf>,
    appid: String,
) -> rquickjs::Result<()> {
    let store = Rc::new(RefCell::new(Lazy {
        data_dir,
        appid,
        storage: None,
    }));
    let mut object = native.group(&wx::STORAGE_GROUP)?;
    let setting = store.clone();
    // Returns "" when every item was set, else the fail reason.
    object.set(
        &wx_bridge::declared::storage::SET,
        Func::from(
            move |ctx: Ctx<'js>, keys: Vec<Text>, values: Vec<Text>| -> rquickjs::Result<String> {
                with_store(&setting, &ctx, |storage| {
                    let changes = Text::strings(keys)
                        .into_iter()
                        .zip(Text::strings(values))
                        .collect();
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
        &wx_bridge::declared::storage::GET,
        Func::from(
            move |ctx: Ctx<'js>, key: Text| -> rquickjs::Result<Option<String>> {
                with_store(&getting, &ctx, |storage| {
                    Ok(storage.get(&key).map(str::to_string))
                })
            },
        ),
    )?;
    let removing = store.clone();
    object.set(
        &wx_bridge::declared::storage::REMOVE,
        Func::from(move |ctx: Ctx<'js>, key: Text| {
            with_store(&removing, &ctx, |storage| storage.remove(&key))
        }),
    )?;
    let clearing = store.clone();
    object.set(
        &wx_bridge::declared::storage::CLEAR,
        Func::from(move |ctx: Ctx<'js>| with_store(&clearing, &ctx, Storage::clear)),
    )?;
    object.set(
        &wx_bridge::declared::storage::INFO,
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
    native.set(&wx::STORAGE_GROUP, object.finish()?)
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

    /// Both kinds of store, so that each rule is checked with and without `--data-dir`.
    fn both(dir: &std::path::Path) -> [Storage; 2] {
        [Storage::in_memory(), Storage::kept(dir, "wxboth").unwrap()]
    }

    #[test]
    fn a_key_given_twice_in_one_batch_counts_once() {
        let dir = tempfile::tempdir().unwrap();
        for mut storage in both(dir.path()) {
            storage
                .set_all(vec![("k".into(), "x".repeat(ITEM_LIMIT))])
                .unwrap();
            storage
                .set_all(vec![("k".into(), "1".into()), ("k".into(), "2".into())])
                .unwrap();
            assert_eq!(storage.get("k"), Some("2"));
            assert_eq!(storage.used(), 2);
        }
    }

    #[test]
    fn a_batch_with_a_repeated_key_cannot_pass_ten_megabytes() {
        let dir = tempfile::tempdir().unwrap();
        for mut storage in both(dir.path()) {
            let item = "y".repeat(ITEM_LIMIT - 1);
            for i in 0..9 {
                storage
                    .set_all(vec![(format!("{i}"), item.clone())])
                    .unwrap();
            }
            storage.set_all(vec![("k".into(), item.clone())]).unwrap();
            // Counting the old "k" once per mention, this batch seemed to fit in 10 MB.
            let result = storage.set_all(vec![
                ("k".into(), "1".into()),
                ("k".into(), item.clone()),
                ("z".into(), "y".repeat(ITEM_LIMIT - 4)),
            ]);
            assert_eq!(result, Err(StorageError::StoreFull));
            assert!(storage.used() <= TOTAL_LIMIT);
            assert_eq!(storage.get("z"), None);
        }
    }

    #[test]
    fn any_key_works_the_same_with_and_without_a_data_dir() {
        let dir = tempfile::tempdir().unwrap();
        let long = "k".repeat(300);
        let keys = ["", long.as_str(), "../x", "a/b", "用户", "\u{fffd}", "."];
        for mut storage in both(dir.path()) {
            for key in keys {
                assert_eq!(
                    storage.set_all(vec![(key.to_string(), format!("\"{key}\""))]),
                    Ok(()),
                    "{key:?}"
                );
            }
            for key in keys {
                assert_eq!(storage.get(key), Some(format!("\"{key}\"").as_str()));
            }
        }
        let again = Storage::kept(dir.path(), "wxboth").unwrap();
        for key in keys {
            assert_eq!(
                again.get(key),
                Some(format!("\"{key}\"").as_str()),
                "{key:?}"
            );
        }
    }

    #[test]
    fn a_batch_that_cannot_be_written_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut storage = Storage::kept(dir.path(), "wxfail").unwrap();
        let folder = dir.path().join("storage").join(file_name("wxfail"));
        // Something in the way of the second item's file: a folder where it would go.
        std::fs::create_dir_all(folder.join(file_name("b"))).unwrap();
        std::fs::create_dir_all(folder.join(format!("{}.item", item_file_stem("b")))).unwrap();
        let result = storage.set_all(vec![("a".into(), "1".into()), ("b".into(), "2".into())]);
        assert!(matches!(result, Err(StorageError::Write(_))), "{result:?}");
        assert_eq!(storage.get("a"), None);
        assert_eq!(storage.used(), 0);
        let again = Storage::kept(dir.path(), "wxfail").unwrap();
        assert_eq!(again.get("a"), None, "nothing of the batch is kept");
    }

    #[test]
    fn temp_files_of_a_crashed_write_are_removed_at_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let mut storage = Storage::kept(dir.path(), "wxcrash").unwrap();
        storage.set_all(vec![("kept".into(), "1".into())]).unwrap();
        let folder = dir.path().join("storage").join(file_name("wxcrash"));
        std::fs::write(folder.join(".tmpHALF"), "half written").unwrap();
        let again = Storage::kept(dir.path(), "wxcrash").unwrap();
        assert_eq!(again.get("kept"), Some("1"));
        assert!(!folder.join(".tmpHALF").exists());
    }

    #[test]
    fn a_journal_a_crash_left_is_finished_and_older_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("storage").join(file_name("wxold"));
        std::fs::create_dir_all(&folder).unwrap();
        // An item as earlier versions kept it: the key in hex, the value inside.
        std::fs::write(folder.join(file_name("old")), "\"v\"").unwrap();
        // A batch whose journal was written, killed before its renames.
        std::fs::write(folder.join(".tmp-0-x"), item_contents("x", "1")).unwrap();
        std::fs::write(
            folder.join(JOURNAL),
            format!(
                "put .tmp-0-x {}\nremove {}\n",
                item_file("x"),
                item_file("gone")
            ),
        )
        .unwrap();
        std::fs::write(folder.join(item_file("gone")), item_contents("gone", "2")).unwrap();
        let storage = Storage::kept(dir.path(), "wxold").unwrap();
        assert_eq!(storage.get("old"), Some("\"v\""));
        assert_eq!(storage.get("x"), Some("1"));
        assert_eq!(storage.get("gone"), None);
        let mut names: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut expected = vec![item_file("old"), item_file("x")];
        expected.sort();
        assert_eq!(
            names, expected,
            "the journal, the temp file and the old file are gone"
        );
    }
}
