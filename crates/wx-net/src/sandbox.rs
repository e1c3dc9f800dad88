//! The sandbox: the folder a run's `wxfile://` paths live in. Temp files
//! (`wxfile://tmp_<hex>.<ext>`), user files under `wxfile://usr`, saved files
//! (`wxfile://store_<hex>.<ext>`), and host folders mounted read-only under `wxfile://usr/<name>`.
//!
//! Nothing outside is reachable. A path is resolved one component at a time from an open
//! descriptor of its area's root (`openat` with `O_NOFOLLOW`); wxrun reads every symlink itself
//! and follows it only while its target stays in the same area, so `..` above a root, host
//! paths and links that lead out (dangling or not) are refused with `permission denied`. Files
//! are opened relative to the folder found that way, never following a link; FIFOs, devices
//! and sockets are refused before they are opened; and a write never goes through a regular
//! file that has other hard links (it could be a file outside the sandbox).

use std::{
    collections::{VecDeque, hash_map::RandomState},
    ffi::{OsStr, OsString},
    fmt, fs,
    hash::{BuildHasher, Hasher},
    io,
    os::{
        fd::OwnedFd,
        unix::ffi::{OsStrExt, OsStringExt},
    },
    path::{Path, PathBuf},
    sync::{
        OnceLock,
        atomic::{AtomicU64, Ordering},
    },
};

use rustix::{
    fs::{AtFlags, FileType, Mode, OFlags},
    io::Errno,
};
use wx_policy::catalogue;

/// The prefix of every sandbox path.
pub const SCHEME: &str = "wxfile://";
/// `wx.env.USER_DATA_PATH`.
pub const USER_DATA_PATH: &str = "wxfile://usr";

/// How many symlinks one resolution follows before giving up, as the kernel does.
const MAX_LINKS: usize = 40;

/// A file-system failure, as the platform words it (`<api>:fail <reason>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FsError {
    NotFound(String),
    PermissionDenied(String),
    ReadOnly(String),
    /// A FIFO, a device or a socket: `what` names it ("a FIFO").
    Special {
        path: String,
        what: &'static str,
    },
    /// A regular file with other hard links, which a write would change wherever they are.
    HardLinked(String),
    NotADirectory(String),
    IsADirectory(String),
    NotEmpty(String),
    AlreadyExists(String),
    InvalidArgument(String),
    Io(String),
}

impl FsError {
    /// The catalogue entry and the details after the operation.
    fn entry(&self) -> (&'static str, Vec<&str>) {
        match self {
            FsError::NotFound(path) => ("fsNotFound", vec![path]),
            FsError::PermissionDenied(path) => ("fsPermissionDenied", vec![path]),
            FsError::ReadOnly(path) => ("fsReadOnly", vec![path]),
            FsError::Special { path, what } => ("fsSpecialFile", vec![path, what]),
            FsError::HardLinked(path) => ("fsHardLinked", vec![path]),
            FsError::NotADirectory(path) => ("fsNotADirectory", vec![path]),
            FsError::IsADirectory(path) => ("fsIsADirectory", vec![path]),
            FsError::NotEmpty(path) => ("fsNotEmpty", vec![path]),
            FsError::AlreadyExists(path) => ("fsAlreadyExists", vec![path]),
            FsError::InvalidArgument(what) => ("fsInvalidArgument", vec![what]),
            FsError::Io(what) => ("fsSystem", vec![what]),
        }
    }

    fn catalogued(&self) -> &'static catalogue::Entry {
        let (key, _) = self.entry();
        catalogue::lookup(key).unwrap_or_else(|| panic!("{key} is not in the catalogue"))
    }

    /// The errMsg text after `<api>:fail `, naming the operation and the path.
    pub fn reason(&self, operation: &str) -> String {
        let (_, details) = self.entry();
        // Entries that name a path take the operation first.
        let mut all = Vec::with_capacity(details.len() + 1);
        if !matches!(self, FsError::InvalidArgument(_) | FsError::Io(_)) {
            all.push(operation);
        }
        all.extend(details);
        self.catalogued().reason(&all)
    }

    pub fn errno(&self) -> u32 {
        self.catalogued().errno.unwrap_or_default()
    }

    /// Maps an I/O error on `path` (the path as the script wrote it).
    pub fn from_io(error: &io::Error, path: &str) -> FsError {
        let path = path.to_string();
        // A link met where none may be (`O_NOFOLLOW`), or a FIFO opened without a reader.
        if matches!(
            error.raw_os_error().map(Errno::from_raw_os_error),
            Some(Errno::LOOP | Errno::NXIO)
        ) {
            return FsError::PermissionDenied(path);
        }
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

    fn from_errno(errno: Errno, path: &str) -> FsError {
        FsError::from_io(&io::Error::from(errno), path)
    }
}

impl fmt::Display for FsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason("access"))
    }
}

/// What kind of thing a sandbox path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    /// Only seen when the last link of a path is not followed.
    Symlink,
    /// A FIFO, device or socket, named for messages.
    Special(&'static str),
}

/// The facts of one entry, read without following a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub kind: Kind,
    pub mode: u32,
    pub size: u64,
    pub links: u64,
    pub accessed: u64,
    pub modified: u64,
}

impl Entry {
    fn of(stat: &rustix::fs::Stat) -> Entry {
        let kind = match FileType::from_raw_mode(stat.st_mode) {
            FileType::RegularFile => Kind::File,
            FileType::Directory => Kind::Dir,
            FileType::Symlink => Kind::Symlink,
            FileType::Fifo => Kind::Special("a FIFO"),
            FileType::Socket => Kind::Special("a socket"),
            FileType::CharacterDevice | FileType::BlockDevice => Kind::Special("a device"),
            FileType::Unknown => Kind::Special("not a regular file"),
        };
        Entry {
            kind,
            mode: stat.st_mode,
            size: u64::try_from(stat.st_size).unwrap_or(0),
            links: stat.st_nlink,
            accessed: u64::try_from(stat.st_atime).unwrap_or(0),
            modified: u64::try_from(stat.st_mtime).unwrap_or(0),
        }
    }
}

/// A sandbox path resolved to the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The host path, free of symlinks when it was resolved.
    pub host: PathBuf,
    pub read_only: bool,
}

struct Area {
    root: PathBuf,
    read_only: bool,
}

/// A sandbox path found on the host: the folder that holds it, reached from the area's root
/// without following any link out of it, and its name there. Operations work relative to
/// that folder, so nothing swapped in later can redirect them.
pub struct Located {
    dir: OwnedFd,
    /// `None` for the root of an area (`wxfile://usr`).
    name: Option<OsString>,
    host: PathBuf,
    read_only: bool,
    /// As the script wrote it, for messages.
    path: String,
}

fn components(text: &[u8]) -> impl Iterator<Item = OsString> + '_ {
    text.split(|b| *b == b'/')
        .filter(|part| !part.is_empty() && *part != b".")
        .map(|part| OsStr::from_bytes(part).to_os_string())
}

fn open_dir_at(dir: &OwnedFd, name: &OsStr) -> rustix::io::Result<OwnedFd> {
    rustix::fs::openat(
        dir,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

impl Located {
    /// The host path, for transfers that open it later and for `hostPath`.
    pub fn host(&self) -> &Path {
        &self.host
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    pub fn is_area_root(&self) -> bool {
        self.name.is_none()
    }

    fn error(&self, errno: Errno) -> FsError {
        FsError::from_errno(errno, &self.path)
    }

    fn writable(&self) -> Result<(), FsError> {
        if self.read_only {
            return Err(FsError::ReadOnly(self.path.clone()));
        }
        Ok(())
    }

    /// The entry, or `None` when nothing is there. A last link is reported as a link.
    pub fn entry(&self) -> Result<Option<Entry>, FsError> {
        let stat = match &self.name {
            None => rustix::fs::fstat(&self.dir),
            Some(name) => rustix::fs::statat(&self.dir, name, AtFlags::SYMLINK_NOFOLLOW),
        };
        match stat {
            Ok(stat) => Ok(Some(Entry::of(&stat))),
            Err(Errno::NOENT) => Ok(None),
            Err(errno) => Err(self.error(errno)),
        }
    }

    fn open(&self, flags: OFlags, mode: Mode) -> Result<OwnedFd, FsError> {
        let flags = flags | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK;
        let name: &OsStr = self.name.as_deref().unwrap_or(OsStr::new("."));
        rustix::fs::openat(&self.dir, name, flags, mode).map_err(|errno| self.error(errno))
    }

    /// Refuses what wxrun never opens: links, FIFOs, devices and sockets.
    fn refuse_special(&self, entry: &Entry) -> Result<(), FsError> {
        match entry.kind {
            Kind::Special(what) => Err(FsError::Special {
                path: self.path.clone(),
                what,
            }),
            Kind::Symlink => Err(FsError::PermissionDenied(self.path.clone())),
            Kind::File | Kind::Dir => Ok(()),
        }
    }

    /// Opens a regular file for reading.
    pub fn open_read(&self) -> Result<fs::File, FsError> {
        match self.entry()? {
            None => return Err(FsError::NotFound(self.path.clone())),
            Some(entry) if entry.kind == Kind::Dir => {
                return Err(FsError::IsADirectory(self.path.clone()));
            }
            Some(entry) => self.refuse_special(&entry)?,
        }
        let fd = self.open(OFlags::RDONLY, Mode::empty())?;
        self.check_opened(&fd, false)?;
        Ok(fs::File::from(fd))
    }

    /// Opens a regular file for writing: truncated, or with `append` at its end; `create`
    /// makes it when missing.
    pub fn open_write(&self, append: bool, create: bool) -> Result<fs::File, FsError> {
        self.writable()?;
        match self.entry()? {
            None if !create => return Err(FsError::NotFound(self.path.clone())),
            None => {}
            Some(entry) if entry.kind == Kind::Dir => {
                return Err(FsError::IsADirectory(self.path.clone()));
            }
            Some(entry) => self.refuse_special(&entry)?,
        }
        let mut flags = OFlags::WRONLY;
        if create {
            flags |= OFlags::CREATE;
        }
        let fd = self.open(flags, Mode::from_raw_mode(0o666))?;
        self.check_opened(&fd, true)?;
        if !append {
            rustix::fs::ftruncate(&fd, 0).map_err(|errno| self.error(errno))?;
        }
        let mut file = fs::File::from(fd);
        if append {
            io::Seek::seek(&mut file, io::SeekFrom::End(0))
                .map_err(|e| FsError::from_io(&e, &self.path))?;
        }
        Ok(file)
    }

    /// What was opened must still be a regular file (nothing was swapped in since the check),
    /// and one that a write would not change elsewhere.
    fn check_opened(&self, fd: &OwnedFd, writing: bool) -> Result<(), FsError> {
        let entry = Entry::of(&rustix::fs::fstat(fd).map_err(|errno| self.error(errno))?);
        if entry.kind == Kind::Dir {
            return Err(FsError::IsADirectory(self.path.clone()));
        }
        self.refuse_special(&entry)?;
        if writing && entry.links > 1 {
            return Err(FsError::HardLinked(self.path.clone()));
        }
        // Reads and writes of a regular file block as usual.
        rustix::fs::fcntl_setfl(fd, OFlags::empty()).map_err(|errno| self.error(errno))
    }

    pub fn mkdir(&self) -> Result<(), FsError> {
        self.writable()?;
        let Some(name) = &self.name else {
            return Err(FsError::AlreadyExists(self.path.clone()));
        };
        rustix::fs::mkdirat(&self.dir, name, Mode::from_raw_mode(0o777))
            .map_err(|errno| self.error(errno))
    }

    /// Removes a file or a link (never what it points to).
    pub fn remove_file(&self) -> Result<(), FsError> {
        self.writable()?;
        let Some(name) = &self.name else {
            return Err(FsError::IsADirectory(self.path.clone()));
        };
        match self.entry()? {
            None => Err(FsError::NotFound(self.path.clone())),
            Some(entry) if entry.kind == Kind::Dir => Err(FsError::IsADirectory(self.path.clone())),
            Some(_) => rustix::fs::unlinkat(&self.dir, name, AtFlags::empty())
                .map_err(|errno| self.error(errno)),
        }
    }

    /// Removes a folder; with `recursive`, what is in it first. An area's root is emptied but
    /// stays, so that `wxfile://usr` is always there to write into.
    pub fn remove_dir(&self, recursive: bool) -> Result<(), FsError> {
        self.writable()?;
        match self.entry()? {
            None => return Err(FsError::NotFound(self.path.clone())),
            Some(entry) if entry.kind != Kind::Dir => {
                return Err(FsError::NotADirectory(self.path.clone()));
            }
            Some(_) => {}
        }
        let Some(name) = &self.name else {
            let empty = self.read_dir()?.is_empty();
            return match (recursive, empty) {
                (_, true) => Ok(()),
                (false, false) => Err(FsError::NotEmpty(self.path.clone())),
                (true, false) => clear_dir(&self.dir).map_err(|errno| self.error(errno)),
            };
        };
        if recursive {
            let inner = open_dir_at(&self.dir, name).map_err(|errno| self.error(errno))?;
            clear_dir(&inner).map_err(|errno| self.error(errno))?;
        }
        rustix::fs::unlinkat(&self.dir, name, AtFlags::REMOVEDIR).map_err(|errno| self.error(errno))
    }

    fn open_listing(&self) -> Result<OwnedFd, FsError> {
        match self.entry()? {
            None => Err(FsError::NotFound(self.path.clone())),
            Some(entry) if entry.kind != Kind::Dir => {
                Err(FsError::NotADirectory(self.path.clone()))
            }
            Some(_) => match &self.name {
                None => rustix::fs::openat(
                    &self.dir,
                    ".",
                    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                    Mode::empty(),
                )
                .map_err(|errno| self.error(errno)),
                Some(name) => open_dir_at(&self.dir, name).map_err(|errno| self.error(errno)),
            },
        }
    }

    /// The names in a folder, sorted.
    pub fn read_dir(&self) -> Result<Vec<String>, FsError> {
        let fd = self.open_listing()?;
        let mut names: Vec<String> = list(&fd)
            .map_err(|errno| self.error(errno))?
            .into_iter()
            .map(|(name, _)| name.to_string_lossy().into_owned())
            .collect();
        names.sort();
        Ok(names)
    }

    /// Every entry under a folder, depth first in name order, with paths relative to it
    /// (`/a`, `/a/b.txt`). Links are listed, never followed.
    pub fn walk(&self) -> Result<Vec<(String, Entry)>, FsError> {
        let fd = self.open_listing()?;
        let mut out = Vec::new();
        walk_dir(&fd, "", &mut out).map_err(|errno| self.error(errno))?;
        Ok(out)
    }

    /// Moves this entry to `target` (replacing what is there, as `rename` does).
    pub fn rename_to(&self, target: &Located) -> Result<(), FsError> {
        self.writable()?;
        target.writable()?;
        let (Some(from), Some(to)) = (&self.name, &target.name) else {
            return Err(FsError::PermissionDenied(self.path.clone()));
        };
        rustix::fs::renameat(&self.dir, from, &target.dir, to).map_err(|errno| target.error(errno))
    }
}

/// The entries of a folder (without `.` and `..`) and their kinds.
fn list(dir: &OwnedFd) -> rustix::io::Result<Vec<(OsString, Entry)>> {
    let mut entries = Vec::new();
    for entry in rustix::fs::Dir::read_from(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let name = OsStr::from_bytes(name).to_os_string();
        let stat = rustix::fs::statat(dir, &name, AtFlags::SYMLINK_NOFOLLOW)?;
        entries.push((name, Entry::of(&stat)));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}

/// Removes everything in a folder; links are removed, never followed.
fn clear_dir(dir: &OwnedFd) -> rustix::io::Result<()> {
    for (name, entry) in list(dir)? {
        if entry.kind == Kind::Dir {
            clear_dir(&open_dir_at(dir, &name)?)?;
            rustix::fs::unlinkat(dir, &name, AtFlags::REMOVEDIR)?;
        } else {
            rustix::fs::unlinkat(dir, &name, AtFlags::empty())?;
        }
    }
    Ok(())
}

fn walk_dir(dir: &OwnedFd, prefix: &str, out: &mut Vec<(String, Entry)>) -> rustix::io::Result<()> {
    for (name, entry) in list(dir)? {
        let path = format!("{prefix}/{}", name.to_string_lossy());
        out.push((path.clone(), entry));
        if entry.kind == Kind::Dir {
            walk_dir(&open_dir_at(dir, &name)?, &path, out)?;
        }
    }
    Ok(())
}

/// Why the sandbox of a run could not be prepared, naming the folder.
#[derive(Debug, thiserror::Error)]
#[error("cannot prepare the folder {path} for the wxfile:// sandbox: {source}")]
pub struct SandboxError {
    pub path: PathBuf,
    pub source: io::Error,
}

/// The sandbox of a run.
pub struct Sandbox {
    tmp: PathBuf,
    usr: PathBuf,
    store: PathBuf,
    /// wx.cloud's simulated storage and database, made when first used.
    cloud: PathBuf,
    mounts: Vec<(String, PathBuf)>,
    counter: AtomicU64,
    seed: u64,
    /// The run's own folder (temp files, and `usr` and the saved files without a data
    /// folder): named when the sandbox is made, created when a file is first used, so that a
    /// run that touches no file makes and removes no folder; removed when the run ends.
    scratch: PathBuf,
    /// Whether `usr` and `store` are in `scratch` (no data folder).
    scratch_holds_usr: bool,
    /// Set once `scratch` and its folders have been created.
    made: OnceLock<()>,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if self.made.get().is_some() {
            let _ = fs::remove_dir_all(&self.scratch);
        }
    }
}

/// Removes a sandbox's scratch folder when dropped ([`Sandbox::scratch_remover`]).
#[derive(Debug)]
pub struct ScratchRemover(PathBuf);

impl Drop for ScratchRemover {
    fn drop(&mut self) {
        // Already gone when the sandbox was dropped first; nothing else can be done here.
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn canonical_dir(path: &Path) -> Result<PathBuf, SandboxError> {
    fs::create_dir_all(path)
        .and_then(|()| path.canonicalize())
        .map_err(|source| SandboxError {
            path: path.to_path_buf(),
            source,
        })
}

impl Sandbox {
    /// A fresh sandbox; with `data_dir`, `usr` and saved files live there and are kept
    /// between runs (temp files never are). `mounts` are host folders shown read-only under
    /// `wxfile://usr/<name>`.
    pub fn new(
        data_dir: Option<&Path>,
        mounts: &[(String, PathBuf)],
    ) -> Result<Sandbox, SandboxError> {
        // The temp folder must be there and writable now, so that a broken TMPDIR is named at
        // the start rather than at the first file operation.
        let temp = std::env::temp_dir();
        let base = temp
            .canonicalize()
            .and_then(|base| {
                rustix::fs::access(
                    &base,
                    rustix::fs::Access::WRITE_OK | rustix::fs::Access::EXEC_OK,
                )
                .map_err(io::Error::from)
                .map(|()| base)
            })
            .map_err(|source| SandboxError {
                path: temp.clone(),
                source,
            })?;
        let seed = RandomState::new().build_hasher().finish();
        let mut name = RandomState::new().build_hasher();
        name.write_u64(seed);
        name.write_u32(std::process::id());
        let scratch = base.join(format!("wxrun-sandbox-{:016x}", name.finish()));
        let (usr, store, keep) = match data_dir {
            Some(dir) => (
                canonical_dir(&dir.join("usr"))?,
                canonical_dir(&dir.join("store"))?,
                dir.to_path_buf(),
            ),
            None => (scratch.join("usr"), scratch.join("store"), scratch.clone()),
        };
        let mut resolved_mounts = Vec::new();
        for (name, host) in mounts {
            let resolved = host.canonicalize().map_err(|source| SandboxError {
                path: host.clone(),
                source,
            })?;
            resolved_mounts.push((name.clone(), resolved));
        }
        Ok(Sandbox {
            tmp: scratch.join("tmp"),
            usr,
            store,
            cloud: keep.join("cloud"),
            mounts: resolved_mounts,
            counter: AtomicU64::new(0),
            seed,
            scratch,
            scratch_holds_usr: data_dir.is_none(),
            made: OnceLock::new(),
        })
    }

    /// Creates the scratch folder (owner only, as a temp folder is) and the areas in it, once.
    /// A failure leaves them missing, and the file operation that follows fails with the
    /// system's reason, as it would on a folder that disappeared.
    fn ensure(&self) {
        self.made.get_or_init(|| {
            use std::os::unix::fs::DirBuilderExt;
            let _ = fs::DirBuilder::new().mode(0o700).create(&self.scratch);
            let _ = fs::create_dir(&self.tmp);
            if self.scratch_holds_usr {
                let _ = fs::create_dir(&self.usr);
                let _ = fs::create_dir(&self.store);
            }
        });
    }

    /// A guard that removes this sandbox's scratch folder (the temp files, and `usr` and the
    /// saved files when there is no data folder) when dropped, for a run that ends without
    /// dropping the sandbox itself (an abandoned host).
    pub fn scratch_remover(&self) -> ScratchRemover {
        ScratchRemover(self.scratch.clone())
    }

    /// The host folder of wx.cloud's simulated storage (kept in the data folder, like `usr`);
    /// it may not exist yet.
    pub fn cloud_root(&self) -> &Path {
        self.ensure();
        &self.cloud
    }

    /// The host folder behind `wxfile://usr`, for `--data-dir` users and debugging.
    pub fn usr_root(&self) -> &Path {
        self.ensure();
        &self.usr
    }

    fn area<'a>(&'a self, rest: &'a str) -> Option<(Area, &'a str)> {
        self.ensure();
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

    /// Finds a sandbox path on the host, one component at a time from its area's root,
    /// following a symlink only while it stays in the area. With `follow_last` false, a link
    /// at the end is the result itself (to remove or rename the link).
    pub fn locate(&self, path: &str, follow_last: bool) -> Result<Located, FsError> {
        let denied = || FsError::PermissionDenied(path.to_string());
        let rest = path.strip_prefix(SCHEME).ok_or_else(denied)?;
        let (area, inner) = self.area(rest).ok_or_else(denied)?;
        if inner.contains('\0') {
            return Err(FsError::InvalidArgument(format!(
                "{path:?} contains a NUL character"
            )));
        }
        // A root the script removed (`rmdir wxfile://usr`) comes back: it always exists.
        if !area.read_only && !area.root.is_dir() {
            fs::create_dir_all(&area.root).map_err(|e| FsError::from_io(&e, path))?;
        }
        let root = rustix::fs::open(
            &area.root,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|errno| FsError::from_errno(errno, path))?;
        let mut pending: VecDeque<OsString> = components(inner.as_bytes()).collect();
        // A `..` that climbs above the root as written is refused before anything is looked at.
        let mut depth = 0usize;
        for part in &pending {
            if part == ".." {
                depth = depth.checked_sub(1).ok_or_else(denied)?;
            } else {
                depth += 1;
            }
        }
        // `folders[i]` is the open folder reached by `names[..i]`.
        let mut folders: Vec<OwnedFd> = vec![root];
        let mut names: Vec<OsString> = Vec::new();
        let mut links = 0;
        let located = |mut folders: Vec<OwnedFd>, names: &[OsString], name: Option<OsString>| {
            let mut host = area.root.clone();
            host.extend(names);
            if let Some(name) = &name {
                host.push(name);
            }
            Located {
                dir: folders.pop().expect("the root is always there"),
                name,
                host,
                read_only: area.read_only,
                path: path.to_string(),
            }
        };
        while let Some(part) = pending.pop_front() {
            if part == ".." {
                if names.pop().is_none() {
                    return Err(denied());
                }
                folders.pop();
                continue;
            }
            let last = pending.is_empty();
            let current = folders.last().expect("the root is always there");
            if last && !follow_last {
                return Ok(located(folders, &names, Some(part)));
            }
            let stat = match rustix::fs::statat(current, &part, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(stat) => stat,
                Err(Errno::NOENT) if last => return Ok(located(folders, &names, Some(part))),
                Err(errno) => return Err(FsError::from_errno(errno, path)),
            };
            match FileType::from_raw_mode(stat.st_mode) {
                FileType::Symlink => {
                    links += 1;
                    if links > MAX_LINKS {
                        return Err(denied());
                    }
                    let target = rustix::fs::readlinkat(current, &part, Vec::new())
                        .map_err(|errno| FsError::from_errno(errno, path))?;
                    let target = OsString::from_vec(target.into_bytes());
                    let target = Path::new(&target);
                    let within = if target.is_absolute() {
                        // An absolute link may only name a place inside this same area.
                        let within = target.strip_prefix(&area.root).map_err(|_| denied())?;
                        folders.truncate(1);
                        names.clear();
                        within
                    } else {
                        target
                    };
                    for part in components(within.as_os_str().as_bytes())
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                    {
                        pending.push_front(part);
                    }
                }
                FileType::Directory if !last => {
                    let folder = open_dir_at(current, &part)
                        .map_err(|errno| FsError::from_errno(errno, path))?;
                    folders.push(folder);
                    names.push(part);
                }
                _ if last => return Ok(located(folders, &names, Some(part))),
                _ => return Err(FsError::NotADirectory(path.to_string())),
            }
        }
        // The path names a folder: hand out its parent and its name, or the area's root.
        match names.pop() {
            None => Ok(located(folders, &names, None)),
            Some(name) => {
                folders.pop();
                Ok(located(folders, &names, Some(name)))
            }
        }
    }

    /// Resolves a sandbox path to the host, refusing anything that would leave the sandbox.
    pub fn resolve(&self, path: &str) -> Result<Resolved, FsError> {
        let located = self.locate(path, true)?;
        Ok(Resolved {
            host: located.host,
            read_only: located.read_only,
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
        self.ensure();
        let name = Self::name("tmp_", &self.unique(), extension);
        (format!("{SCHEME}{name}"), self.tmp.join(name))
    }

    /// A new saved-file path: `wxfile://store_<hex>.<ext>` and its host path.
    pub fn new_store(&self, extension: Option<&str>) -> (String, PathBuf) {
        self.ensure();
        let name = Self::name("store_", &self.unique(), extension);
        (format!("{SCHEME}{name}"), self.store.join(name))
    }

    /// Saved files, as (sandbox path, host path).
    pub fn saved_files(&self) -> io::Result<Vec<(String, PathBuf)>> {
        self.ensure();
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
    fn the_scratch_folder_is_made_on_first_use_and_removed_with_the_sandbox() {
        let sandbox = Sandbox::new(None, &[]).unwrap();
        let scratch = sandbox.scratch.clone();
        assert!(!scratch.exists(), "made before any file was used");
        let (_, host) = sandbox.new_temp(Some("txt"));
        std::fs::write(&host, "x").unwrap();
        assert!(sandbox.usr_root().is_dir() && sandbox.store.is_dir());
        drop(sandbox);
        assert!(!scratch.exists(), "left behind");
    }

    #[test]
    fn paths_map_into_their_areas() {
        let sandbox = Sandbox::new(None, &[]).unwrap();
        // The areas exist once a file is first used; these tests write into them directly.
        sandbox.ensure();
        std::fs::create_dir(sandbox.usr.join("a")).unwrap();
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
        assert_eq!(
            sandbox.resolve("wxfile://usr/link/x").unwrap().host,
            sandbox.usr.join("inside/x"),
            "a link that stays inside is followed"
        );
    }

    fn denied(sandbox: &Sandbox, path: &str) -> bool {
        matches!(sandbox.resolve(path), Err(FsError::PermissionDenied(_)))
    }

    #[test]
    fn dangling_links_are_judged_by_where_they_would_lead() {
        let sandbox = Sandbox::new(None, &[]).unwrap();
        // The areas exist once a file is first used; these tests write into them directly.
        sandbox.ensure();
        let outside = tempfile::tempdir().unwrap();
        let usr = &sandbox.usr;
        std::os::unix::fs::symlink(outside.path().join("created.txt"), usr.join("out")).unwrap();
        std::os::unix::fs::symlink("../../escape.txt", usr.join("up")).unwrap();
        std::os::unix::fs::symlink("new.txt", usr.join("in")).unwrap();
        std::os::unix::fs::symlink(sandbox.store.join("x"), usr.join("other_area")).unwrap();
        std::os::unix::fs::symlink("loop", usr.join("loop")).unwrap();
        for path in [
            "wxfile://usr/out",
            "wxfile://usr/up",
            "wxfile://usr/other_area",
            "wxfile://usr/loop",
        ] {
            assert!(denied(&sandbox, path), "{path}");
        }
        assert_eq!(
            sandbox.resolve("wxfile://usr/in").unwrap().host,
            usr.join("new.txt")
        );
        // The link itself, when the last link is not followed (unlink, rename).
        let link = sandbox.locate("wxfile://usr/out", false).unwrap();
        assert_eq!(link.entry().unwrap().unwrap().kind, Kind::Symlink);
        assert!(link.open_write(false, true).is_err());
        assert!(!outside.path().join("created.txt").exists());
    }

    #[test]
    fn dot_dot_after_a_link_climbs_from_where_the_link_led() {
        let sandbox = Sandbox::new(None, &[]).unwrap();
        let usr = &sandbox.usr;
        std::fs::create_dir_all(usr.join("a/b")).unwrap();
        std::fs::create_dir_all(usr.join("c")).unwrap();
        std::os::unix::fs::symlink("a/b", usr.join("c/deep")).unwrap();
        // c/deep -> c/a/b, which does not exist: not found rather than a lexical guess.
        assert!(matches!(
            sandbox.resolve("wxfile://usr/c/deep/../x"),
            Err(FsError::NotFound(_))
        ));
        std::fs::remove_file(usr.join("c/deep")).unwrap();
        std::os::unix::fs::symlink("../a/b", usr.join("c/deep")).unwrap();
        assert_eq!(
            sandbox.resolve("wxfile://usr/c/deep/../x").unwrap().host,
            usr.join("a/x")
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
