//! Module sources as the loader evaluates them: read, compiled by wx-compile (ES-module syntax
//! and TypeScript), cached on disk by content, and the mappings that turn a location in
//! compiled code back into the user's file, line and column.

use std::{
    cell::RefCell,
    collections::{HashMap, HashSet},
    fmt, fs, io,
    path::{Component, Path, PathBuf},
    rc::Rc,
    sync::Arc,
};

use sha2::{Digest, Sha256};
use wx_compile::{CompileError, ErrorKind, Lang, Output, Passes, SourceMapping};

/// Decides which files coverage instruments.
pub type InstrumentFilter = Arc<dyn Fn(&Path) -> bool + Send + Sync>;

/// The compile passes a test run adds (`wxrun test`): `jest.mock` hoisting and coverage.
/// Files in package folders (`node_modules`, `miniprogram_npm`) get neither.
#[derive(Clone, Default)]
pub struct CompileChoices {
    /// Move `jest.mock(...)` calls above the requires and imports, as babel-jest does.
    pub hoist_jest_mocks: bool,
    /// Instrument for coverage the files this accepts.
    pub instrument: Option<InstrumentFilter>,
}

impl fmt::Debug for CompileChoices {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompileChoices")
            .field("hoist_jest_mocks", &self.hoist_jest_mocks)
            .field("coverage", &self.instrument.is_some())
            .finish()
    }
}

impl CompileChoices {
    /// Whether coverage is on at all.
    pub fn coverage(&self) -> bool {
        self.instrument.is_some()
    }

    fn passes(&self, path: &Path) -> Passes {
        if in_package(path) {
            return Passes::default();
        }
        Passes {
            hoist_jest_mocks: self.hoist_jest_mocks,
            coverage: self.instrument.as_ref().is_some_and(|accept| accept(path)),
        }
    }
}

/// Whether `path` is inside a package folder (`node_modules`, `miniprogram_npm`).
pub fn in_package(path: &Path) -> bool {
    path.components().any(|part| {
        matches!(part, Component::Normal(name) if name == "node_modules" || name == "miniprogram_npm")
    })
}

/// Where compiled files are kept between runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CacheDir {
    /// The system cache folder (`$XDG_CACHE_HOME/wxrun`, `~/.cache/wxrun`,
    /// `~/Library/Caches/wxrun` on macOS).
    #[default]
    System,
    At(PathBuf),
    /// Compile every run.
    Off,
}

impl CacheDir {
    /// The folder compiled files go in, when there is one.
    pub fn folder(&self) -> Option<PathBuf> {
        let base = match self {
            CacheDir::Off => return None,
            CacheDir::At(dir) => return Some(dir.join("compile")),
            CacheDir::System => system_cache_dir()?,
        };
        Some(base.join("wxrun").join("compile"))
    }
}

fn system_cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|dir| !dir.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let home = PathBuf::from(std::env::var_os("HOME").filter(|home| !home.is_empty())?);
    Some(if cfg!(target_os = "macos") {
        home.join("Library").join("Caches")
    } else {
        home.join(".cache")
    })
}

/// A source that could not be turned into code to run.
#[derive(Debug)]
pub(crate) enum SourceError {
    Read(io::Error),
    Compile(CompileError),
}

/// A compiled file's mapping: in memory once used, on disk until then.
enum Mapping {
    Ready(Rc<SourceMapping>),
    Stored(PathBuf),
    Unreadable,
}

/// What one run knows of its module sources.
pub(crate) struct Sources {
    cache: Option<PathBuf>,
    choices: CompileChoices,
    mappings: RefCell<HashMap<String, Mapping>>,
    /// Files evaluated inside the CommonJS wrapper, whose line 1 starts after its header.
    wrapped: RefCell<HashSet<String>>,
}

/// The cache key of `source` compiled as `lang` with `passes`: changes with the compiler's
/// output version, so outputs of other versions or passes never mix.
fn cache_key(source: &str, lang: Lang, passes: Passes) -> String {
    let mut hasher = Sha256::new();
    hasher.update(wx_compile::OUTPUT_VERSION.as_bytes());
    hasher.update([0, lang as u8, passes.tag(), 0]);
    hasher.update(source.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A cache entry of a file that runs as written.
const UNCHANGED: &str = "// wxrun: unchanged\n";
/// The first line of a cache entry holding compiled code (which follows it).
const COMPILED: &str = "// wxrun: compiled\n";

/// Writes `bytes` to `path` through a temporary file, so a reader never sees half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    io::Write::write_all(&mut file, bytes)?;
    file.persist(path).map_err(|err| err.error)?;
    Ok(())
}

impl Sources {
    pub(crate) fn new(cache: &CacheDir, choices: CompileChoices) -> Sources {
        Sources {
            cache: cache.folder(),
            choices,
            mappings: RefCell::new(HashMap::new()),
            wrapped: RefCell::new(HashSet::new()),
        }
    }

    /// Whether files are instrumented for coverage.
    pub(crate) fn coverage(&self) -> bool {
        self.choices.coverage()
    }

    /// The code to evaluate for the module file `path`: its text, compiled when it is
    /// TypeScript or uses ES-module syntax.
    pub(crate) fn code_of(&self, path: &Path) -> Result<String, SourceError> {
        let source = read_source(path).map_err(SourceError::Read)?;
        let Some(lang) = Lang::of_path(path) else {
            return Ok(source);
        };
        let passes = self.choices.passes(path);
        if lang == Lang::JavaScript && !passes.needs_compile(&source) {
            return Ok(source);
        }
        let key = cache_key(&source, lang, passes);
        let entry = self
            .cache
            .as_ref()
            .map(|dir| dir.join(&key[..2]).join(&key[2..]));
        if let Some(entry) = &entry
            && let Some(code) = self.cached(entry, path)
        {
            return Ok(code.unwrap_or(source));
        }
        match wx_compile::compile_with(&source, lang, passes) {
            Ok(Output::Unchanged) => {
                if let Some(entry) = &entry {
                    let _ = write_atomically(entry, UNCHANGED.as_bytes());
                }
                Ok(source)
            }
            Ok(Output::Compiled(compiled)) => {
                if let Some(entry) = &entry {
                    // The map first, so that an entry is never found without its map.
                    let map = entry.with_extension("map");
                    let stored = write_atomically(&map, compiled.mapping.to_json().as_bytes())
                        .and_then(|()| {
                            write_atomically(
                                entry,
                                format!("{COMPILED}{}", compiled.code).as_bytes(),
                            )
                        });
                    let _ = stored;
                }
                self.mappings.borrow_mut().insert(
                    path.to_string_lossy().into_owned(),
                    Mapping::Ready(Rc::new(compiled.mapping)),
                );
                Ok(compiled.code)
            }
            Err(error) => Err(SourceError::Compile(error)),
        }
    }

    /// A cache hit: `Some(Some(code))` for a compiled file, `Some(None)` for one that runs
    /// unchanged, `None` for a miss. One read: the mapping is read only if a location in the
    /// file is ever shown.
    fn cached(&self, entry: &Path, path: &Path) -> Option<Option<String>> {
        let text = fs::read_to_string(entry).ok()?;
        if text == UNCHANGED {
            return Some(None);
        }
        let code = text.strip_prefix(COMPILED)?;
        self.mappings.borrow_mut().insert(
            path.to_string_lossy().into_owned(),
            Mapping::Stored(entry.with_extension("map")),
        );
        Some(Some(code.to_string()))
    }

    /// Whether the entry file `path` must run as a native ES module: it awaits at its top
    /// level, which CommonJS cannot.
    pub(crate) fn runs_as_module(&self, path: &Path) -> bool {
        matches!(
            self.code_of(path),
            Err(SourceError::Compile(error)) if error.kind == ErrorKind::TopLevelAwait
        )
    }

    /// The code of an entry that runs as a native ES module: `.mjs` and JavaScript as written,
    /// TypeScript without its types (and then with a mapping).
    pub(crate) fn module_code_of(&self, path: &Path) -> Result<String, SourceError> {
        let source = read_source(path).map_err(SourceError::Read)?;
        let Some(lang) = Lang::of_path(path) else {
            return Ok(source);
        };
        match wx_compile::compile_as_module(&source, lang) {
            Ok(Output::Unchanged) => Ok(source),
            Ok(Output::Compiled(compiled)) => {
                self.mappings.borrow_mut().insert(
                    path.to_string_lossy().into_owned(),
                    Mapping::Ready(Rc::new(compiled.mapping)),
                );
                Ok(compiled.code)
            }
            Err(error) => Err(SourceError::Compile(error)),
        }
    }

    /// Notes that `file` is evaluated inside the CommonJS wrapper.
    pub(crate) fn mark_wrapped(&self, file: &str) {
        self.wrapped.borrow_mut().insert(file.to_string());
    }

    /// The user's line and column for a location the engine reported in `file` (from 1):
    /// without the wrapper's header on line 1, and through the mapping of a compiled file.
    /// `None` when the location needs no change.
    pub(crate) fn user_location(&self, file: &str, line: u32, column: u32) -> Option<(u32, u32)> {
        let wrapped = self.wrapped.borrow().contains(file);
        let column = if wrapped && line == 1 {
            column
                .saturating_sub(crate::modules::common_js_header().len() as u32)
                .max(1)
        } else {
            column
        };
        self.original(file, line, column)
            .or(wrapped.then_some((line, column)))
    }

    /// The user's line and column for a location in the compiled code of `file`, when `file`
    /// was compiled.
    fn original(&self, file: &str, line: u32, column: u32) -> Option<(u32, u32)> {
        let mut mappings = self.mappings.borrow_mut();
        let slot = mappings.get_mut(file)?;
        if let Mapping::Stored(path) = slot {
            *slot = fs::read_to_string(&*path)
                .ok()
                .and_then(|json| SourceMapping::from_json(&json))
                .map_or(Mapping::Unreadable, |mapping| {
                    Mapping::Ready(Rc::new(mapping))
                });
        }
        match slot {
            Mapping::Ready(mapping) => mapping.original(line, column),
            _ => None,
        }
    }
}

/// Reads a source file as text, dropping a BOM and a `#!` line (kept as an empty comment so
/// that line numbers stay right).
pub fn read_source(path: &Path) -> io::Result<String> {
    let text = fs::read_to_string(path)?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    Ok(match text.strip_prefix("#!") {
        Some(rest) => format!("//{rest}"),
        None => text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiled_files_are_cached_with_their_mapping() {
        let cache = tempfile::tempdir().unwrap();
        let project = tempfile::tempdir().unwrap();
        let file = project.path().join("a.js");
        fs::write(&file, "import b from './b';\n\nthrow b;\n").unwrap();
        let plain = project.path().join("plain.js");
        fs::write(&plain, "module.exports = 1;\n").unwrap();
        let dir = CacheDir::At(cache.path().to_path_buf());

        let first = Sources::new(&dir, CompileChoices::default());
        let code = first.code_of(&file).unwrap();
        assert!(code.contains("require(\"./b\")"), "{code}");
        let name = file.to_string_lossy();
        assert_eq!(first.original(&name, 3, 1), Some((3, 1)));
        assert_eq!(first.code_of(&plain).unwrap(), "module.exports = 1;\n");

        let second = Sources::new(&dir, CompileChoices::default());
        assert_eq!(second.code_of(&file).unwrap(), code);
        assert!(matches!(
            second.mappings.borrow().get(name.as_ref()),
            Some(Mapping::Stored(_))
        ));
        assert_eq!(second.original(&name, 3, 1), Some((3, 1)));
        // Nothing was written for the plain file, which was never parsed.
        let entries: usize = fs::read_dir(cache.path().join("compile"))
            .unwrap()
            .map(|dir| fs::read_dir(dir.unwrap().path()).unwrap().count())
            .sum();
        assert_eq!(entries, 2, "the compiled code and its map");
    }

    #[test]
    fn a_changed_file_is_compiled_again() {
        let cache = tempfile::tempdir().unwrap();
        let project = tempfile::tempdir().unwrap();
        let file = project.path().join("a.ts");
        let dir = CacheDir::At(cache.path().to_path_buf());
        fs::write(&file, "export const a: number = 1;\n").unwrap();
        assert!(
            Sources::new(&dir, CompileChoices::default())
                .code_of(&file)
                .unwrap()
                .contains("= 1")
        );
        fs::write(&file, "export const a: number = 2;\n").unwrap();
        assert!(
            Sources::new(&dir, CompileChoices::default())
                .code_of(&file)
                .unwrap()
                .contains("= 2")
        );
    }

    #[test]
    fn passes_have_their_own_cache_entries_and_spare_packages() {
        let cache = tempfile::tempdir().unwrap();
        let project = tempfile::tempdir().unwrap();
        let file = project.path().join("a.js");
        fs::write(&file, "module.exports = 1;\n").unwrap();
        let dir = CacheDir::At(cache.path().to_path_buf());
        let covered = CompileChoices {
            hoist_jest_mocks: true,
            instrument: Some(Arc::new(|_: &Path| true)),
        };
        assert_eq!(
            Sources::new(&dir, CompileChoices::default())
                .code_of(&file)
                .unwrap(),
            "module.exports = 1;\n"
        );
        let instrumented = Sources::new(&dir, covered.clone()).code_of(&file).unwrap();
        assert!(
            instrumented.contains("__wxrun$cov.s[0]++"),
            "{instrumented}"
        );
        // A cached run of the other kind gets its own output.
        assert_eq!(
            Sources::new(&dir, CompileChoices::default())
                .code_of(&file)
                .unwrap(),
            "module.exports = 1;\n"
        );
        assert_eq!(
            Sources::new(&dir, covered.clone()).code_of(&file).unwrap(),
            instrumented
        );
        let package = project.path().join("node_modules/p/index.js");
        fs::create_dir_all(package.parent().unwrap()).unwrap();
        fs::write(&package, "module.exports = 1;\n").unwrap();
        assert_eq!(
            Sources::new(&dir, covered).code_of(&package).unwrap(),
            "module.exports = 1;\n"
        );
    }

    #[test]
    fn compile_errors_come_back_with_their_location() {
        let project = tempfile::tempdir().unwrap();
        let file = project.path().join("bad.ts");
        fs::write(&file, "let a: = 1;\n").unwrap();
        match Sources::new(&CacheDir::Off, CompileChoices::default()).code_of(&file) {
            Err(SourceError::Compile(error)) => assert_eq!(error.line, 1),
            other => panic!("{other:?}"),
        }
    }
}
