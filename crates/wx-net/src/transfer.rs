//! Streaming transfers: the multipart body of `uploadFile`, read from disk as hyper asks for
//! it, and the file sink of `downloadFile`, written as the body arrives, renamed into place
//! only when complete.

use std::{
    io,
    path::{Path, PathBuf},
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::{Duration, Instant},
};

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWriteExt, ReadBuf};

use crate::sandbox::{Sandbox, extension_of};

/// A multipart/form-data body: the form fields and the file part's head, the file, the end.
#[derive(Clone, Debug)]
pub struct Multipart {
    pub boundary: String,
    pub prefix: Bytes,
    pub file: PathBuf,
    pub file_len: u64,
    pub suffix: Bytes,
}

/// Quotes a value for a Content-Disposition parameter.
fn quoted(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace(['\r', '\n'], " ")
}

impl Multipart {
    /// Builds the body: `fields` first, in order, then the file as part `name`.
    pub fn new(
        fields: &[(String, String)],
        name: &str,
        file: &Path,
        file_len: u64,
        boundary: String,
    ) -> Multipart {
        let mut prefix = String::new();
        for (key, value) in fields {
            prefix.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{value}\r\n",
                quoted(key)
            ));
        }
        let filename = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let content_type = mime_guess::from_path(file)
            .first_raw()
            .unwrap_or("application/octet-stream");
        prefix.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {content_type}\r\n\r\n",
            quoted(name),
            quoted(&filename)
        ));
        Multipart {
            suffix: Bytes::from(format!("\r\n--{boundary}--\r\n")),
            prefix: Bytes::from(prefix),
            file: file.to_path_buf(),
            file_len,
            boundary,
        }
    }

    pub fn content_length(&self) -> u64 {
        self.prefix.len() as u64 + self.file_len + self.suffix.len() as u64
    }

    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }
}

/// Called with the bytes sent so far.
pub type SentProgress = Arc<dyn Fn(u64) + Send + Sync>;

enum Part {
    Prefix,
    File,
    Suffix,
    Done,
}

/// Opens a file the sandbox resolved, without following a link that appeared since and
/// without blocking on a FIFO; only a regular file is accepted.
fn open_regular(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc_flags::NOFOLLOW | libc_flags::NONBLOCK)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok(file)
}

/// The `open` flags the transfers add, from rustix so that no second binding is needed.
mod libc_flags {
    use rustix::fs::OFlags;
    pub const NOFOLLOW: i32 = OFlags::NOFOLLOW.bits() as i32;
    pub const NONBLOCK: i32 = OFlags::NONBLOCK.bits() as i32;
}

/// The streaming body of a [`Multipart`].
pub struct MultipartBody {
    multipart: Multipart,
    file: tokio::fs::File,
    part: Part,
    sent: u64,
    buffer: Vec<u8>,
    progress: SentProgress,
}

impl MultipartBody {
    pub fn open(multipart: Multipart, progress: SentProgress) -> io::Result<MultipartBody> {
        let file = open_regular(&multipart.file)?;
        Ok(MultipartBody {
            multipart,
            file: tokio::fs::File::from_std(file),
            part: Part::Prefix,
            sent: 0,
            buffer: vec![0; 64 * 1024],
            progress,
        })
    }

    fn frame(&mut self, data: Bytes) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        self.sent += data.len() as u64;
        (self.progress)(self.sent);
        Poll::Ready(Some(Ok(Frame::data(data))))
    }
}

impl Body for MultipartBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        loop {
            match this.part {
                Part::Prefix => {
                    this.part = Part::File;
                    let prefix = this.multipart.prefix.clone();
                    return this.frame(prefix);
                }
                Part::File => {
                    let mut read_buf = ReadBuf::new(&mut this.buffer);
                    match Pin::new(&mut this.file).poll_read(cx, &mut read_buf) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Err(error)) => return Poll::Ready(Some(Err(error))),
                        Poll::Ready(Ok(())) if read_buf.filled().is_empty() => {
                            this.part = Part::Suffix;
                        }
                        Poll::Ready(Ok(())) => {
                            let chunk = Bytes::copy_from_slice(read_buf.filled());
                            return this.frame(chunk);
                        }
                    }
                }
                Part::Suffix => {
                    this.part = Part::Done;
                    let suffix = this.multipart.suffix.clone();
                    return this.frame(suffix);
                }
                Part::Done => return Poll::Ready(None),
            }
        }
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.multipart.content_length())
    }
}

/// The usual extension of a Content-Type, for naming downloaded temp files. Generic types
/// (`application/octet-stream`) give none.
fn extension_for_type(content_type: &str) -> Option<&'static str> {
    let mime = content_type.split(';').next()?.trim().to_ascii_lowercase();
    let common = match mime.as_str() {
        "application/octet-stream" | "binary/octet-stream" => return None,
        "image/jpeg" | "image/jpg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/svg+xml" => "svg",
        "text/plain" => "txt",
        "text/html" => "html",
        "application/json" => "json",
        "application/pdf" => "pdf",
        "application/zip" => "zip",
        "audio/mpeg" => "mp3",
        "video/mp4" => "mp4",
        _ => {
            // Otherwise only a type with exactly one registered extension names it.
            let extensions = mime_guess::get_mime_extensions_str(&mime)?;
            return match extensions {
                [only] => Some(only),
                _ => None,
            };
        }
    };
    Some(common)
}

/// Where a download goes.
#[derive(Clone)]
pub struct DownloadTarget {
    pub sandbox: Arc<Sandbox>,
    /// `filePath` given by the script: (sandbox path, host path). `None`: a new temp file.
    pub destination: Option<(String, PathBuf)>,
    /// The largest body kept, in bytes.
    pub cap: u64,
}

/// A download in progress: a hidden file next to the destination, removed unless committed.
pub struct DownloadSink {
    partial: PathBuf,
    file: Option<tokio::fs::File>,
    written: u64,
    committed: bool,
}

impl DownloadSink {
    pub async fn create(target: &DownloadTarget) -> io::Result<DownloadSink> {
        let dir = match &target.destination {
            Some((_, host)) => host.parent().map(Path::to_path_buf).unwrap_or_default(),
            None => target
                .sandbox
                .new_temp(None)
                .1
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
        };
        let (_, unique) = target.sandbox.new_temp(Some("partial"));
        let name = unique
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let partial = dir.join(format!(".{name}"));
        // A fresh name: never an existing file, never through a link.
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc_flags::NOFOLLOW)
            .open(&partial)
            .await?;
        Ok(DownloadSink {
            partial,
            file: Some(file),
            written: 0,
            committed: false,
        })
    }

    pub async fn write(&mut self, data: &[u8]) -> io::Result<()> {
        if let Some(file) = self.file.as_mut() {
            file.write_all(data).await?;
        }
        self.written += data.len() as u64;
        Ok(())
    }

    pub fn written(&self) -> u64 {
        self.written
    }

    /// Moves the complete file into place and returns its sandbox path.
    pub async fn commit(
        mut self,
        target: &DownloadTarget,
        url_path: &str,
        content_type: Option<&str>,
    ) -> io::Result<String> {
        if let Some(mut file) = self.file.take() {
            file.flush().await?;
            file.sync_all().await.ok();
        }
        let (path, host) = match &target.destination {
            Some((path, host)) => (path.clone(), host.clone()),
            None => {
                let extension = extension_of(url_path).or_else(|| {
                    content_type
                        .and_then(extension_for_type)
                        .map(str::to_string)
                });
                target.sandbox.new_temp(extension.as_deref())
            }
        };
        tokio::fs::rename(&self.partial, &host).await?;
        self.committed = true;
        Ok(path)
    }
}

impl Drop for DownloadSink {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

/// Progress reports as the platform sends them: an integer percent when it changes (the last
/// one 100 when the length is known); with no length, `progress` 0 at most every 100 ms.
pub struct ProgressGate {
    total: u64,
    last_percent: Option<u8>,
    last_time: Option<Instant>,
}

impl ProgressGate {
    pub fn new(total: u64) -> ProgressGate {
        ProgressGate {
            total,
            last_percent: None,
            last_time: None,
        }
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    /// The percent to report for `done` bytes, if a report is due.
    pub fn update(&mut self, done: u64) -> Option<u8> {
        if self.total == 0 {
            let now = Instant::now();
            let due = self
                .last_time
                .is_none_or(|last| now.duration_since(last) >= Duration::from_millis(100));
            if due && done > 0 {
                self.last_time = Some(now);
                return Some(0);
            }
            return None;
        }
        let percent = ((done.min(self.total) * 100) / self.total) as u8;
        if self.last_percent == Some(percent) {
            return None;
        }
        self.last_percent = Some(percent);
        Some(percent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_reports_each_percent_once() {
        let mut gate = ProgressGate::new(1000);
        let reports: Vec<u8> = [5, 9, 10, 11, 500, 999, 1000, 1000]
            .iter()
            .filter_map(|&done| gate.update(done))
            .collect();
        assert_eq!(reports, vec![0, 1, 50, 99, 100]);
        let mut unknown = ProgressGate::new(0);
        assert_eq!(unknown.update(10), Some(0));
        assert_eq!(unknown.update(20), None, "within 100 ms");
    }

    #[test]
    fn temp_file_extensions_from_content_type() {
        assert_eq!(extension_for_type("image/jpeg"), Some("jpg"));
        assert_eq!(
            extension_for_type("application/json; charset=utf-8"),
            Some("json")
        );
        assert_eq!(extension_for_type("application/octet-stream"), None);
        assert_eq!(extension_for_type("nonsense"), None);
    }

    #[test]
    fn multipart_layout() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("photo.png");
        std::fs::write(&file, b"PNG").unwrap();
        let body = Multipart::new(
            &[("user".into(), "wx".into())],
            "image",
            &file,
            3,
            "B".into(),
        );
        let prefix = String::from_utf8(body.prefix.to_vec()).unwrap();
        assert_eq!(
            prefix,
            "--B\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nwx\r\n--B\r\nContent-Disposition: form-data; name=\"image\"; filename=\"photo.png\"\r\nContent-Type: image/png\r\n\r\n"
        );
        assert_eq!(body.suffix, Bytes::from("\r\n--B--\r\n"));
        assert_eq!(body.content_length(), body.prefix.len() as u64 + 3 + 9);
        assert_eq!(body.content_type(), "multipart/form-data; boundary=B");
    }
}
