//! File operations on sandbox paths, for `wx.getFileSystemManager()` and the saved-file APIs.
//! Every path is resolved through the [`Sandbox`]; errors carry the script's path.

use std::{
    fs::{self, OpenOptions},
    io::{Read, Seek, SeekFrom, Write},
    path::Path,
    time::UNIX_EPOCH,
};

use md5::Digest;

use crate::sandbox::{FsError, Sandbox};

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

fn stats_of(metadata: &fs::Metadata) -> Stats {
    use std::os::unix::fs::MetadataExt;
    let seconds = |time: std::io::Result<std::time::SystemTime>| {
        time.ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs())
    };
    Stats {
        mode: metadata.mode(),
        size: metadata.len(),
        accessed: seconds(metadata.accessed()),
        modified: seconds(metadata.modified()),
        is_dir: metadata.is_dir(),
    }
}

/// Reads a file, optionally `length` bytes from `position`.
pub fn read(
    sandbox: &Sandbox,
    path: &str,
    position: Option<u64>,
    length: Option<u64>,
) -> Result<Vec<u8>, FsError> {
    let host = sandbox.resolve(path)?.host;
    if host.is_dir() {
        return Err(FsError::IsADirectory(path.to_string()));
    }
    let mut file = fs::File::open(&host).map_err(io(path))?;
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
    let host = sandbox.resolve_writable(path)?;
    if host.is_dir() {
        return Err(FsError::IsADirectory(path.to_string()));
    }
    if append && !host.exists() {
        return Err(FsError::NotFound(path.to_string()));
    }
    let mut file = OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(&host)
        .map_err(io(path))?;
    file.write_all(data).map_err(io(path))
}

pub fn access(sandbox: &Sandbox, path: &str) -> Result<(), FsError> {
    let host = sandbox.resolve(path)?.host;
    fs::symlink_metadata(&host).map(drop).map_err(io(path))
}

pub fn stat(sandbox: &Sandbox, path: &str) -> Result<Stats, FsError> {
    let host = sandbox.resolve(path)?.host;
    fs::metadata(&host).map(|m| stats_of(&m)).map_err(io(path))
}

/// `stat` with `recursive`: the folder itself (as "/") and everything under it, by relative path.
pub fn stat_recursive(sandbox: &Sandbox, path: &str) -> Result<Vec<(String, Stats)>, FsError> {
    let host = sandbox.resolve(path)?.host;
    let root = fs::metadata(&host).map_err(io(path))?;
    let mut out = vec![("/".to_string(), stats_of(&root))];
    if root.is_dir() {
        walk(&host, "", path, &mut out)?;
    }
    Ok(out)
}

fn walk(
    dir: &Path,
    prefix: &str,
    path: &str,
    out: &mut Vec<(String, Stats)>,
) -> Result<(), FsError> {
    let mut entries: Vec<_> = fs::read_dir(dir).map_err(io(path))?.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = format!("{prefix}/{}", entry.file_name().to_string_lossy());
        let metadata = entry.metadata().map_err(io(path))?;
        out.push((name.clone(), stats_of(&metadata)));
        if metadata.is_dir() {
            walk(&entry.path(), &name, path, out)?;
        }
    }
    Ok(())
}

pub fn unlink(sandbox: &Sandbox, path: &str) -> Result<(), FsError> {
    let host = sandbox.resolve_writable(path)?;
    if host.is_dir() {
        return Err(FsError::IsADirectory(path.to_string()));
    }
    fs::remove_file(&host).map_err(io(path))
}

pub fn mkdir(sandbox: &Sandbox, path: &str, recursive: bool) -> Result<(), FsError> {
    let host = sandbox.resolve_writable(path)?;
    if recursive {
        if host.is_file() {
            return Err(FsError::AlreadyExists(path.to_string()));
        }
        fs::create_dir_all(&host).map_err(io(path))
    } else {
        fs::create_dir(&host).map_err(io(path))
    }
}

pub fn readdir(sandbox: &Sandbox, path: &str) -> Result<Vec<String>, FsError> {
    let host = sandbox.resolve(path)?.host;
    if host.is_file() {
        return Err(FsError::NotADirectory(path.to_string()));
    }
    let mut names: Vec<String> = fs::read_dir(&host)
        .map_err(io(path))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    Ok(names)
}

pub fn rmdir(sandbox: &Sandbox, path: &str, recursive: bool) -> Result<(), FsError> {
    let host = sandbox.resolve_writable(path)?;
    if host.is_file() {
        return Err(FsError::NotADirectory(path.to_string()));
    }
    if recursive {
        fs::remove_dir_all(&host).map_err(io(path))
    } else {
        fs::remove_dir(&host).map_err(io(path))
    }
}

pub fn copy(sandbox: &Sandbox, from: &str, to: &str) -> Result<(), FsError> {
    let source = sandbox.resolve(from)?.host;
    if source.is_dir() {
        return Err(FsError::IsADirectory(from.to_string()));
    }
    let target = sandbox.resolve_writable(to)?;
    if target.is_dir() {
        return Err(FsError::IsADirectory(to.to_string()));
    }
    if !source.exists() {
        return Err(FsError::NotFound(from.to_string()));
    }
    fs::copy(&source, &target).map(drop).map_err(io(to))
}

pub fn rename(sandbox: &Sandbox, from: &str, to: &str) -> Result<(), FsError> {
    let source = sandbox.resolve_writable(from)?;
    let target = sandbox.resolve_writable(to)?;
    if !source.exists() {
        return Err(FsError::NotFound(from.to_string()));
    }
    fs::rename(&source, &target).map_err(io(to))
}

/// `saveFile`: moves a temp file into the saved files (or to `to` under `usr`); returns the
/// new sandbox path.
pub fn save(sandbox: &Sandbox, from: &str, to: Option<&str>) -> Result<String, FsError> {
    let source = sandbox.resolve_writable(from)?;
    if !source.is_file() {
        return Err(FsError::NotFound(from.to_string()));
    }
    let (saved, target) = match to {
        Some(to) => (to.to_string(), sandbox.resolve_writable(to)?),
        None => sandbox.new_store(crate::sandbox::extension_of(from).as_deref()),
    };
    fs::rename(&source, &target)
        .or_else(|_| fs::copy(&source, &target).and_then(|_| fs::remove_file(&source)))
        .map_err(io(from))?;
    Ok(saved)
}

/// Saved files: (path, size, creation time in seconds).
pub fn saved_list(sandbox: &Sandbox) -> Result<Vec<(String, u64, u64)>, FsError> {
    let files = sandbox.saved_files().map_err(io("wxfile://store"))?;
    Ok(files
        .into_iter()
        .filter_map(|(path, host)| {
            let stats = stats_of(&fs::metadata(host).ok()?);
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
    let host = sandbox.resolve(path)?.host;
    let mut file = fs::File::open(&host).map_err(io(path))?;
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
