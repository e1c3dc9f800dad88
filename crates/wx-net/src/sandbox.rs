//! The sandbox: the folder a run's `wxfile://` paths live in. Temp files
//! (`wxfile://tmp_<hex>.<ext>`), user files under `wxfile://usr`, saved files
//! (`wxfile://store_<hex>.<ext>`), and host folders mounted read-only under `wxfile://usr/<name>`.
//! Nothing outside is reachable: `..` above a root, host paths, and symlinks that lead out are
//! refused with `permission denied`.

use std::{
    collections::hash_map::RandomState,
    fmt, fs,
    hash::{BuildHasher, Hasher},
    io,
    path::{Component, Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
};

/// The prefix of every sandbox path.
pub const SCHEME: &str = "wxfile://";
/// `wx.env.USER_DATA_PATH`.
pub const USER_DATA_PATH: &str = "wxfile://usr";

/// A file-system failure, as the platform words it (`<api>:fail <reason>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FsError {
    NotFound(String),
    PermissionDenied(String),
    ReadOnly(String),
    NotADirectory(String),
    IsADirectory(String),
    NotEmpty(String),
    AlreadyExists(String),
    InvalidArgument(String),
    Io(String),
}

impl FsError {
    /// The errMsg text after `<api>:fail `, naming the operation and the path.
    pub fn reason(&self, operation: &str) -> String {
        match self {
            FsError::NotFound(path) => format!("no such file or directory, {operation} {path}"),
            FsError::PermissionDenied(path) => format!("permission denied, {operation} {path}"),
            FsError::ReadOnly(path) => {
                format!("permission denied, {operation} {path} (a read-only mount)")
            }
            FsError::NotADirectory(path) => format!("not a directory, {operation} {path}"),
            FsError::IsADirectory(path) => {
                format!("illegal operation on a directory, {operation} {path}")
            }
            FsError::NotEmpty(path) => format!("directory not empty, {operation} {path}"),
            FsError::AlreadyExists(path) => format!("file already exists, {operation} {path}"),
            FsError::InvalidArgument(what) => format!("Invalid argument, {what}"),
            FsError::Io(what) => format!("system error, {what}"),
        }
    }

    pub fn errno(&self) -> u32 {
        match self {
            FsError::NotFound(_) => 1300002,
            FsError::PermissionDenied(_) | FsError::ReadOnly(_) => 1300013,
            FsError::NotADirectory(_) => 1300020,
            FsError::IsADirectory(_) => 1301003,
            FsError::NotEmpty(_) => 1300066,
            FsError::AlreadyExists(_) => 1301005,
            FsError::InvalidArgument(_) => 1300022,
            FsError::Io(_) => 1300201,
        }
    }

    /// Maps an I/O error on `path` (the path as the script wrote it).
    pub fn from_io(error: &io::Error, path: &str) -> FsError {
        let path = path.to_string();
        match error.kind() {
            io::ErrorKind::NotFound => FsError::NotFound(path),
            io::ErrorKind::PermissionDenied => FsError::PermissionDenied(path),
            io::ErrorKind::NotADirectory => FsError::NotADirectory(path),
            io::ErrorKind::IsADirectory => FsError::IsADirectory(path),
            io::ErrorKind::DirectoryNotEmpty => FsError::NotEmpty(path),
            io::ErrorKind::AlreadyExists => FsError::AlreadyExists(path),
            _ => FsError::Io(format!("{error}: {path}")),
        }
    }
}

impl fmt::Display for FsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason("access"))
    }
}

/// A sandbox path resolved to the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub host: PathBuf,
    pub read_only: bool,
}

struct Area {
    root: PathBuf,
    read_only: bool,
}

/// The sandbox of a run.
pub struct Sandbox {
    tmp: PathBuf,
    usr: PathBuf,
    store: PathBuf,
    mounts: Vec<(String, PathBuf)>,
    counter: AtomicU64,
    seed: u64,
    /// Removed when the run ends.
    _scratch: tempfile::TempDir,
}

fn canonical_dir(path: &Path) -> io::Result<PathBuf> {
    fs::create_dir_all(path)?;
    path.canonicalize()
}

impl Sandbox {
    /// A fresh sandbox; with `data_dir`, `usr` and saved files live there and are kept
    /// between runs (temp files never are). `mounts` are host folders shown read-only under
    /// `wxfile://usr/<name>`.
    pub fn new(data_dir: Option<&Path>, mounts: &[(String, PathBuf)]) -> io::Result<Sandbox> {
        let scratch = tempfile::Builder::new()
            .prefix("wxrun-sandbox-")
            .tempdir()?;
        let keep = match data_dir {
            Some(dir) => dir.to_path_buf(),
            None => scratch.path().to_path_buf(),
        };
        let mut resolved_mounts = Vec::new();
        for (name, host) in mounts {
            resolved_mounts.push((name.clone(), host.canonicalize()?));
        }
        Ok(Sandbox {
            tmp: canonical_dir(&scratch.path().join("tmp"))?,
            usr: canonical_dir(&keep.join("usr"))?,
            store: canonical_dir(&keep.join("store"))?,
            mounts: resolved_mounts,
            counter: AtomicU64::new(0),
            seed: RandomState::new().build_hasher().finish(),
            _scratch: scratch,
        })
    }

    /// The host folder behind `wxfile://usr`, for `--data-dir` users and debugging.
    pub fn usr_root(&self) -> &Path {
        &self.usr
    }

    fn area<'a>(&'a self, rest: &'a str) -> Option<(Area, &'a str)> {
        if let Some(after) = rest.strip_prefix("usr") {
            if !(after.is_empty() || after.starts_with('/')) {
                return None;
            }
            let after = after.trim_start_matches('/');
            let first = after.split('/').next().unwrap_or_default();
            if let Some((_, host)) = self.mounts.iter().find(|(name, _)| name == first) {
                let inner = after[first.len()..].trim_start_matches('/');
                return Some((
                    Area {
                        root: host.clone(),
                        read_only: true,
                    },
                    inner,
                ));
            }
            return Some((
                Area {
                    root: self.usr.clone(),
                    read_only: false,
                },
                after,
            ));
        }
        if rest.starts_with("tmp_") && !rest.contains('/') {
            return Some((
                Area {
                    root: self.tmp.clone(),
                    read_only: false,
                },
                rest,
            ));
        }
        if rest.starts_with("store_") && !rest.contains('/') {
            return Some((
                Area {
                    root: self.store.clone(),
                    read_only: false,
                },
                rest,
            ));
        }
        None
    }

    /// Resolves a sandbox path to the host, refusing anything that would leave the sandbox.
    pub fn resolve(&self, path: &str) -> Result<Resolved, FsError> {
        let denied = || FsError::PermissionDenied(path.to_string());
        let rest = path.strip_prefix(SCHEME).ok_or_else(denied)?;
        let (area, inner) = self.area(rest).ok_or_else(denied)?;
        let mut host = area.root.clone();
        let mut depth = 0usize;
        for component in Path::new(inner).components() {
            match component {
                Component::Normal(part) => {
                    host.push(part);
                    depth += 1;
                }
                Component::CurDir => {}
                Component::ParentDir if depth > 0 => {
                    host.pop();
                    depth -= 1;
                }
                _ => return Err(denied()),
            }
        }
        // Symlinks: the deepest part that exists must still be inside the area.
        let mut existing = host.as_path();
        loop {
            match existing.canonicalize() {
                Ok(real) => {
                    if !real.starts_with(&area.root) {
                        return Err(denied());
                    }
                    break;
                }
                Err(_) => match existing.parent() {
                    Some(parent) => existing = parent,
                    None => return Err(denied()),
                },
            }
        }
        Ok(Resolved {
            host,
            read_only: area.read_only,
        })
    }

    /// Resolves a path that will be written.
    pub fn resolve_writable(&self, path: &str) -> Result<PathBuf, FsError> {
        let resolved = self.resolve(path)?;
        if resolved.read_only {
            return Err(FsError::ReadOnly(path.to_string()));
        }
        Ok(resolved.host)
    }

    fn unique(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(self.seed ^ n);
        format!("{:016x}{n:x}", hasher.finish())
    }

    fn name(prefix: &str, unique: &str, extension: Option<&str>) -> String {
        match extension.filter(|e| !e.is_empty()) {
            Some(ext) => format!("{prefix}{unique}.{ext}"),
            None => format!("{prefix}{unique}"),
        }
    }

    /// A new temp file path: `wxfile://tmp_<hex>.<ext>` and its host path.
    pub fn new_temp(&self, extension: Option<&str>) -> (String, PathBuf) {
        let name = Self::name("tmp_", &self.unique(), extension);
        (format!("{SCHEME}{name}"), self.tmp.join(name))
    }

    /// A new saved-file path: `wxfile://store_<hex>.<ext>` and its host path.
    pub fn new_store(&self, extension: Option<&str>) -> (String, PathBuf) {
        let name = Self::name("store_", &self.unique(), extension);
        (format!("{SCHEME}{name}"), self.store.join(name))
    }

    /// Saved files, as (sandbox path, host path).
    pub fn saved_files(&self) -> io::Result<Vec<(String, PathBuf)>> {
        let mut files = Vec::new();
        for entry in fs::read_dir(&self.store)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type()?.is_file() && !name.starts_with('.') {
                files.push((format!("{SCHEME}{name}"), entry.path()));
            }
        }
        files.sort();
        Ok(files)
    }

    /// Whether `path` names a saved file (`wxfile://store_...`).
    pub fn is_saved(path: &str) -> bool {
        path.strip_prefix(SCHEME)
            .is_some_and(|rest| rest.starts_with("store_"))
    }

    /// Whether `path` names a temp file.
    pub fn is_temp(path: &str) -> bool {
        path.strip_prefix(SCHEME)
            .is_some_and(|rest| rest.starts_with("tmp_"))
    }
}

/// The extension of a sandbox or URL path's last segment, if any.
pub fn extension_of(path: &str) -> Option<String> {
    let last = path.rsplit('/').next()?;
    let (_, ext) = last.rsplit_once('.')?;
    (!ext.is_empty() && ext.len() <= 10 && ext.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| ext.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_into_their_areas() {
        let sandbox = Sandbox::new(None, &[]).unwrap();
        let usr = sandbox.resolve("wxfile://usr/a/b.txt").unwrap();
        assert_eq!(usr.host, sandbox.usr.join("a/b.txt"));
        assert!(!usr.read_only);
        assert_eq!(sandbox.resolve("wxfile://usr").unwrap().host, sandbox.usr);
        assert_eq!(
            sandbox.resolve("wxfile://usr/a/../c").unwrap().host,
            sandbox.usr.join("c")
        );
        let (path, host) = sandbox.new_temp(Some("png"));
        assert!(
            path.starts_with("wxfile://tmp_") && path.ends_with(".png"),
            "{path}"
        );
        assert_eq!(sandbox.resolve(&path).unwrap().host, host);
        let (saved, _) = sandbox.new_store(None);
        assert!(Sandbox::is_saved(&saved));
        assert_ne!(sandbox.new_temp(None).0, sandbox.new_temp(None).0);
    }

    #[test]
    fn nothing_outside_is_reachable() {
        let sandbox = Sandbox::new(None, &[]).unwrap();
        for path in [
            "/etc/passwd",
            "usr/a.txt",
            "wxfile://usr/../tmp_x",
            "wxfile://usr/a/../../b",
            "wxfile://etc/passwd",
            "wxfile://usrx/a",
            "wxfile://tmp_a/../../x",
            "http://tmp/a.txt",
            "file:///etc/passwd",
        ] {
            assert_eq!(
                sandbox.resolve(path),
                Err(FsError::PermissionDenied(path.to_string())),
                "{path}"
            );
        }
        std::os::unix::fs::symlink("/etc", sandbox.usr.join("escape")).unwrap();
        assert!(matches!(
            sandbox.resolve("wxfile://usr/escape/passwd"),
            Err(FsError::PermissionDenied(_))
        ));
        std::fs::create_dir_all(sandbox.usr.join("inside")).unwrap();
        std::os::unix::fs::symlink(sandbox.usr.join("inside"), sandbox.usr.join("link")).unwrap();
        assert!(
            sandbox.resolve("wxfile://usr/link/x").is_ok(),
            "a link that stays inside is fine"
        );
    }

    #[test]
    fn mounts_are_read_only() {
        let host = tempfile::tempdir().unwrap();
        std::fs::write(host.path().join("f.txt"), "x").unwrap();
        let sandbox =
            Sandbox::new(None, &[("fixtures".into(), host.path().to_path_buf())]).unwrap();
        let file = sandbox.resolve("wxfile://usr/fixtures/f.txt").unwrap();
        assert!(file.read_only);
        assert_eq!(std::fs::read_to_string(file.host).unwrap(), "x");
        assert_eq!(
            sandbox.resolve_writable("wxfile://usr/fixtures/g.txt"),
            Err(FsError::ReadOnly("wxfile://usr/fixtures/g.txt".into()))
        );
        assert!(matches!(
            sandbox.resolve("wxfile://usr/fixtures/../../x"),
            Err(FsError::PermissionDenied(_))
        ));
    }

    #[test]
    fn data_dir_keeps_usr_and_store() {
        let dir = tempfile::tempdir().unwrap();
        let first = Sandbox::new(Some(dir.path()), &[]).unwrap();
        std::fs::write(
            first.resolve_writable("wxfile://usr/kept.txt").unwrap(),
            "kept",
        )
        .unwrap();
        let (saved, saved_host) = first.new_store(Some("txt"));
        std::fs::write(saved_host, "saved").unwrap();
        let (temp, temp_host) = first.new_temp(Some("txt"));
        std::fs::write(temp_host, "temporary").unwrap();
        drop(first);
        let second = Sandbox::new(Some(dir.path()), &[]).unwrap();
        let host = second.resolve("wxfile://usr/kept.txt").unwrap().host;
        assert_eq!(std::fs::read_to_string(host).unwrap(), "kept");
        let host = second.resolve(&saved).unwrap().host;
        assert_eq!(std::fs::read_to_string(host).unwrap(), "saved");
        assert_eq!(
            second.saved_files().unwrap().len(),
            1,
            "the saved file is listed again"
        );
        assert!(
            !second.resolve(&temp).unwrap().host.exists(),
            "temporary files belong to one run"
        );
    }

    #[test]
    fn extensions_come_from_the_last_segment() {
        assert_eq!(
            extension_of("https://a.com/x/photo.JPG"),
            Some("jpg".into())
        );
        assert_eq!(extension_of("https://a.com/x/photo"), None);
        assert_eq!(extension_of("https://a.com/x.y/photo"), None);
        assert_eq!(extension_of("wxfile://usr/a.tar.gz"), Some("gz".into()));
    }
}
