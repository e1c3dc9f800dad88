//! File operations on sandbox paths, for `wx.getFileSystemManager()` and the saved-file APIs.
//! Every path is found through the [`Sandbox`] and every operation works relative to the
//! folder it was found in; errors carry the script's path.

use std::io::{Read, Seek, SeekFrom, Write};

use md5::Digest;

use crate::sandbox::{Entry, FsError, Kind, Sandbox};

fn io(path: &str) -> impl Fn(std::io::Error) -> FsError + '_ {
    move |error| FsError::from_io(&error, path)
}

/// A `Stats` object's facts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stats {
    pub mode: u32,
    pub size: u64,
    pub accessed: u64,
    pub modified: u64,
    pub is_dir: bool,
}

fn stats_of(entry: &Entry) -> Stats {
    Stats {
        mode: entry.mode,
        size: entry.size,
        accessed: entry.accessed,
        modified: entry.modified,
        is_dir: entry.kind == Kind::Dir,
    }
}

/// Reads a file, optionally `length` bytes from `position`.
pub fn read(
    sandbox: &Sandbox,
    path: &str,
    position: Option<u64>,
    length: Option<u64>,
) -> Result<Vec<u8>, FsError> {
    let mut file = sandbox.locate(path, true)?.open_read()?;
    let size = file.metadata().map_err(io(path))?.len();
    let start = position.unwrap_or(0);
    if start > size {
        return Err(FsError::InvalidArgument(format!(
            "position {start} is beyond the end of {path}"
        )));
    }
    let available = size - start;
    let wanted = length.unwrap_or(available);
    if wanted > available {
        return Err(FsError::InvalidArgument(format!(
            "length {wanted} is beyond the end of {path}"
        )));
    }
    file.seek(SeekFrom::Start(start)).map_err(io(path))?;
    let mut data = Vec::with_capacity(wanted as usize);
    file.take(wanted).read_to_end(&mut data).map_err(io(path))?;
    Ok(data)
}

/// Writes (or with `append`, appends to) a file. The parent folder must exist.
pub fn write(sandbox: &Sandbox, path: &str, data: &[u8], append: bool) -> Result<(), FsError> {
    let mut file = sandbox.locate(path, true)?.open_write(append, !append)?;
    file.write_all(data).map_err(io(path))
}

/// `wxrun.sandbox.put`: writes a fixture file, making the folders on its way.
pub fn put(sandbox: &Sandbox, path: &str, data: &[u8]) -> Result<(), FsError> {
    if let Some((parent, _)) = path.rsplit_once('/')
        && parent.len() > crate::sandbox::SCHEME.len()
    {
        mkdir(sandbox, parent, true)?;
    }
    write(sandbox, path, data, false)
}

fn existing(sandbox: &Sandbox, path: &str) -> Result<Entry, FsError> {
    sandbox
        .locate(path, true)?
        .entry()?
        .ok_or_else(|| FsError::NotFound(path.to_string()))
}

pub fn access(sandbox: &Sandbox, path: &str) -> Result<(), FsError> {
    existing(sandbox, path).map(drop)
}

pub fn stat(sandbox: &Sandbox, path: &str) -> Result<Stats, FsError> {
    existing(sandbox, path).map(|entry| stats_of(&entry))
}

/// `stat` with `recursive`: the folder itself (as "/") and everything under it, by relative path.
pub fn stat_recursive(sandbox: &Sandbox, path: &str) -> Result<Vec<(String, Stats)>, FsError> {
    let located = sandbox.locate(path, true)?;
    let root = located
        .entry()?
        .ok_or_else(|| FsError::NotFound(path.to_string()))?;
    let mut out = vec![("/".to_string(), stats_of(&root))];
    if root.kind == Kind::Dir {
        out.extend(
            located
                .walk()?
                .iter()
                .map(|(name, entry)| (name.clone(), stats_of(entry))),
        );
    }
    Ok(out)
}

pub fn unlink(sandbox: &Sandbox, path: &str) -> Result<(), FsError> {
    sandbox.locate(path, false)?.remove_file()
}

pub fn mkdir(sandbox: &Sandbox, path: &str, recursive: bool) -> Result<(), FsError> {
    if !recursive {
        return sandbox.locate(path, true)?.mkdir();
    }
    // Each folder on the way, found afresh so that a link among them is judged as usual.
    let rest = path.strip_prefix(crate::sandbox::SCHEME).unwrap_or(path);
    let mut prefix = path[..path.len() - rest.len()].to_string();
    for (index, part) in rest.split('/').enumerate() {
        if index > 0 {
            prefix.push('/');
        }
        prefix.push_str(part);
        if part.is_empty() || part == "." || part == ".." {
            continue;
        }
        let located = sandbox.locate(&prefix, true)?;
        match located.entry()? {
            Some(entry) if entry.kind == Kind::Dir => {}
            Some(_) => return Err(FsError::AlreadyExists(path.to_string())),
            None => match located.mkdir() {
                Err(FsError::AlreadyExists(_)) | Ok(()) => {}
                Err(other) => return Err(other),
            },
        }
    }
    match existing(sandbox, path)?.kind {
        Kind::Dir => Ok(()),
        _ => Err(FsError::AlreadyExists(path.to_string())),
    }
}

pub fn readdir(sandbox: &Sandbox, path: &str) -> Result<Vec<String>, FsError> {
    sandbox.locate(path, true)?.read_dir()
}

pub fn rmdir(sandbox: &Sandbox, path: &str, recursive: bool) -> Result<(), FsError> {
    sandbox.locate(path, true)?.remove_dir(recursive)
}

pub fn copy(sandbox: &Sandbox, from: &str, to: &str) -> Result<(), FsError> {
    let source_place = sandbox.locate(from, true)?;
    let target_place = sandbox.locate(to, true)?;
    let mut source = source_place.open_read()?;
    if source_place.host() == target_place.host() {
        // Opening the target for writing would empty the one file both name.
        return Ok(());
    }
    let mut target = target_place.open_write(false, true)?;
    std::io::copy(&mut source, &mut target)
        .map(drop)
        .map_err(io(to))
}

pub fn rename(sandbox: &Sandbox, from: &str, to: &str) -> Result<(), FsError> {
    let source = sandbox.locate(from, false)?;
    let target = sandbox.locate(to, false)?;
    if source.entry()?.is_none() {
        return Err(FsError::NotFound(from.to_string()));
    }
    source.rename_to(&target)
}

/// `saveFile`: moves a temp file into the saved files (or to `to` under `usr`); returns the
/// new sandbox path.
pub fn save(sandbox: &Sandbox, from: &str, to: Option<&str>) -> Result<String, FsError> {
    let source = sandbox.locate(from, false)?;
    if source.is_read_only() {
        return Err(FsError::ReadOnly(from.to_string()));
    }
    if source.entry()?.map(|entry| entry.kind) != Some(Kind::File) {
        return Err(FsError::NotFound(from.to_string()));
    }
    let saved = match to {
        Some(to) => to.to_string(),
        None => {
            sandbox
                .new_store(crate::sandbox::extension_of(from).as_deref())
                .0
        }
    };
    source.rename_to(&sandbox.locate(&saved, false)?)?;
    Ok(saved)
}

/// Saved files: (path, size, creation time in seconds).
pub fn saved_list(sandbox: &Sandbox) -> Result<Vec<(String, u64, u64)>, FsError> {
    let files = sandbox.saved_files().map_err(io("wxfile://store"))?;
    Ok(files
        .into_iter()
        .filter_map(|(path, _)| {
            let stats = stat(sandbox, &path).ok()?;
            Some((path, stats.size, stats.modified))
        })
        .collect())
}

pub fn remove_saved(sandbox: &Sandbox, path: &str) -> Result<(), FsError> {
    if !Sandbox::is_saved(path) {
        return Err(FsError::NotFound(path.to_string()));
    }
    unlink(sandbox, path)
}

/// Size and hex digest (`md5` or `sha1`) of a file, read in pieces.
pub fn info(sandbox: &Sandbox, path: &str, algorithm: &str) -> Result<(u64, String), FsError> {
    let mut file = sandbox.locate(path, true)?.open_read()?;
    let mut buffer = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    let mut md5 = md5::Md5::new();
    let mut sha1 = sha1::Sha1::new();
    let use_sha1 = algorithm == "sha1";
    loop {
        let read = file.read(&mut buffer).map_err(io(path))?;
        if read == 0 {
            break;
        }
        size += read as u64;
        if use_sha1 {
            sha1.update(&buffer[..read]);
        } else {
            md5.update(&buffer[..read]);
        }
    }
    let digest: Vec<u8> = if use_sha1 {
        sha1.finalize().to_vec()
    } else {
        md5.finalize().to_vec()
    };
    Ok((size, digest.iter().map(|b| format!("{b:02x}")).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_read_append_and_errors_name_the_path() {
        let sandbox = Sandbox::new(None, &[]).unwrap();
        let path = "wxfile://usr/notes.txt";
        write(&sandbox, path, b"hello", false).unwrap();
        write(&sandbox, path, b" world", true).unwrap();
        assert_eq!(read(&sandbox, path, None, None).unwrap(), b"hello world");
        assert_eq!(read(&sandbox, path, Some(6), Some(5)).unwrap(), b"world");
        assert!(matches!(
            read(&sandbox, path, Some(6), Some(50)),
            Err(FsError::InvalidArgument(_))
        ));
        let missing = read(&sandbox, "wxfile://usr/none.txt", None, None).unwrap_err();
        assert_eq!(
            missing.reason("open"),
            "no such file or directory, open wxfile://usr/none.txt"
        );
        assert_eq!(missing.errno(), 1300002);
        assert!(matches!(
            write(&sandbox, "wxfile://usr/no/dir/x", b"x", false),
            Err(FsError::NotFound(_))
        ));
        assert!(matches!(
            write(&sandbox, "wxfile://usr/new.txt", b"x", true),
            Err(FsError::NotFound(_))
        ));
    }

    #[test]
    fn copying_a_file_onto_itself_keeps_it() {
        let sandbox = Sandbox::new(None, &[]).unwrap();
        write(&sandbox, "wxfile://usr/same.txt", b"kept", false).unwrap();
        copy(&sandbox, "wxfile://usr/same.txt", "wxfile://usr/./same.txt").unwrap();
        assert_eq!(
            read(&sandbox, "wxfile://usr/same.txt", None, None).unwrap(),
            b"kept"
        );
    }

    #[test]
    fn folders() {
        let sandbox = Sandbox::new(None, &[]).unwrap();
        mkdir(&sandbox, "wxfile://usr/a/b", true).unwrap();
        assert!(matches!(
            mkdir(&sandbox, "wxfile://usr/a", false),
            Err(FsError::AlreadyExists(_))
        ));
        write(&sandbox, "wxfile://usr/a/b/f.txt", b"123", false).unwrap();
        assert_eq!(readdir(&sandbox, "wxfile://usr/a").unwrap(), vec!["b"]);
        assert!(matches!(
            readdir(&sandbox, "wxfile://usr/a/b/f.txt"),
            Err(FsError::NotADirectory(_))
        ));
        assert!(matches!(
            rmdir(&sandbox, "wxfile://usr/a", false),
            Err(FsError::NotEmpty(_))
        ));
        let all = stat_recursive(&sandbox, "wxfile://usr/a").unwrap();
        let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, vec!["/", "/b", "/b/f.txt"]);
        assert_eq!(all[2].1.size, 3);
        rmdir(&sandbox, "wxfile://usr/a", true).unwrap();
        assert!(access(&sandbox, "wxfile://usr/a").is_err());
    }

    #[test]
    fn saved_files_and_digests() {
        let sandbox = Sandbox::new(None, &[]).unwrap();
        let (temp, host) = sandbox.new_temp(Some("txt"));
        std::fs::write(host, "abc").unwrap();
        let saved = save(&sandbox, &temp, None).unwrap();
        assert!(
            saved.starts_with("wxfile://store_") && saved.ends_with(".txt"),
            "{saved}"
        );
        assert!(access(&sandbox, &temp).is_err(), "the temp file moved");
        let list = saved_list(&sandbox).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!((list[0].0.as_str(), list[0].1), (saved.as_str(), 3));
        assert_eq!(
            info(&sandbox, &saved, "md5").unwrap(),
            (3, "900150983cd24fb0d6963f7d28e17f72".into())
        );
        assert_eq!(
            info(&sandbox, &saved, "sha1").unwrap().1,
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        remove_saved(&sandbox, &saved).unwrap();
        assert!(saved_list(&sandbox).unwrap().is_empty());
        assert!(matches!(
            remove_saved(&sandbox, "wxfile://usr/x"),
            Err(FsError::NotFound(_))
        ));
    }
}
