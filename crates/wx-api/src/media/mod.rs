//! The simulated user's album and files: what `chooseImage`, `chooseMedia`, `chooseVideo` and
//! `chooseMessageFile` pick (the files of the profile's `mediaFolder`, or the built-in photo),
//! copied into `wxfile://tmp_…` as a phone copies a pick, and what an image file says of itself
//! (`getImageInfo`, `compressImage`) and how long an audio file plays (the audio contexts).

mod audio_length;

use std::{
    fs,
    path::{Path, PathBuf},
    sync::Arc,
};

use rquickjs::{Array, Ctx, prelude::Func};
use wx_bridge::{Natives, Text, declared::media, declared::wx};
use wx_net::sandbox::{FsError, Sandbox, extension_of};

use crate::fs::throw;

/// The photo the album holds when the profile names no `mediaFolder`: a 4×3 PNG.
const BUILT_IN_PHOTO: &[u8] = include_bytes!("../../data/album.png");
const BUILT_IN_PHOTO_NAME: &str = "wxrun-album.png";

/// What a chooser picks from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Image,
    Video,
    /// Any file (chooseMessageFile with `type: 'all'` or `'file'`).
    File,
}

impl Kind {
    fn parse(name: &str) -> Option<Kind> {
        match name {
            "image" => Some(Kind::Image),
            "video" => Some(Kind::Video),
            "file" => Some(Kind::File),
            _ => None,
        }
    }

    /// What a file is by its extension: an image, a video, or any other file.
    fn of(path: &Path) -> Kind {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("jpg" | "jpeg" | "png" | "gif" | "webp" | "bmp" | "heic") => Kind::Image,
            Some("mp4" | "mov" | "m4v" | "3gp" | "webm") => Kind::Video,
            _ => Kind::File,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Image => "image",
            Kind::Video => "video",
            Kind::File => "file",
        }
    }

    /// Whether a pick of this kind takes `path` (a pick of any file takes every file).
    fn takes(self, path: &Path) -> bool {
        self == Kind::File || Kind::of(path) == self
    }
}

/// One picked file: where the copy is, its size, the name it had and what it is.
struct Picked {
    temp_path: String,
    size: u64,
    name: String,
    kind: Kind,
}

/// A new temp file with `extension` holding `bytes`; its `wxfile://` path.
fn write_temp(sandbox: &Sandbox, extension: Option<&str>, bytes: &[u8]) -> Result<String, FsError> {
    let (temp_path, host) = sandbox.new_temp(extension);
    fs::write(&host, bytes).map_err(|e| FsError::from_io(&e, &temp_path))?;
    Ok(temp_path)
}

/// The files of `folder` of `kind`, by name; only regular files directly inside it.
fn album(folder: &Path, kind: Kind) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
                .map(|entry| entry.path())
                .filter(|path| kind.takes(path))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Copies up to `count` files of `kind` into the sandbox's temp files. An album with nothing of
/// the kind picks nothing (the user cancels); with no folder, images are the built-in photo.
fn pick(
    sandbox: &Sandbox,
    folder: Option<&Path>,
    kind: Kind,
    count: usize,
) -> Result<Vec<Picked>, FsError> {
    let mut picked = Vec::new();
    let Some(folder) = folder else {
        if kind != Kind::Video {
            picked.push(Picked {
                temp_path: write_temp(sandbox, Some("png"), BUILT_IN_PHOTO)?,
                size: BUILT_IN_PHOTO.len() as u64,
                name: BUILT_IN_PHOTO_NAME.to_string(),
                kind: Kind::Image,
            });
        }
        return Ok(picked);
    };
    for source in album(folder, kind).into_iter().take(count) {
        let name = source
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let extension = extension_of(&name);
        let (temp_path, host) = sandbox.new_temp(extension.as_deref());
        let size = fs::copy(&source, &host).map_err(|e| FsError::from_io(&e, &temp_path))?;
        picked.push(Picked {
            temp_path,
            size,
            name,
            kind: Kind::of(&source),
        });
    }
    Ok(picked)
}

/// Where media files are read from: `wxfile://` paths in the sandbox, other paths in the
/// code package (the mini-program folder, `/` being its root), as `src` options name them.
struct Files {
    sandbox: Arc<Sandbox>,
    package: Option<PathBuf>,
}

impl Files {
    /// The file at `path`; `root` (the launched mini-program's folder) overrides the package.
    fn read(&self, path: &str, root: Option<&str>) -> Result<Vec<u8>, FsError> {
        let host = if path.starts_with(wx_net::sandbox::SCHEME) {
            self.sandbox.resolve(path)?.host
        } else {
            self.package_file(path, root.map(Path::new))?
        };
        fs::read(&host).map_err(|e| FsError::from_io(&e, path))
    }

    /// A file of the code package; nothing outside the package folder is reachable.
    fn package_file(&self, path: &str, root: Option<&Path>) -> Result<PathBuf, FsError> {
        let not_found = || FsError::from_io(&std::io::ErrorKind::NotFound.into(), path);
        let package = match root.or(self.package.as_deref()) {
            Some(folder) => folder.to_path_buf(),
            None => std::env::current_dir().map_err(|_| not_found())?,
        };
        let package = package.canonicalize().map_err(|_| not_found())?;
        let file = package
            .join(path.trim_start_matches('/'))
            .canonicalize()
            .map_err(|_| not_found())?;
        if file.starts_with(&package) && file.is_file() {
            Ok(file)
        } else {
            Err(not_found())
        }
    }
}

/// [width, height, type] of the image at `path`, or `None` when it is no image wxrun can read.
fn image_info(
    files: &Files,
    path: &str,
    root: Option<&str>,
) -> Result<Option<(usize, usize, &'static str)>, FsError> {
    let bytes = files.read(path, root)?;
    let kind = match imagesize::image_type(&bytes) {
        Ok(imagesize::ImageType::Png) => "png",
        Ok(imagesize::ImageType::Jpeg) => "jpeg",
        Ok(imagesize::ImageType::Gif) => "gif",
        Ok(imagesize::ImageType::Webp) => "webp",
        Ok(imagesize::ImageType::Bmp) => "bmp",
        Ok(imagesize::ImageType::Heif(_)) => "heic",
        _ => return Ok(None),
    };
    Ok(imagesize::blob_size(&bytes)
        .ok()
        .map(|size| (size.width, size.height, kind)))
}

pub(crate) fn install<'js>(
    native: &mut Natives<'js>,
    sandbox: &Arc<Sandbox>,
    media_folder: Option<PathBuf>,
    package: Option<PathBuf>,
) -> rquickjs::Result<()> {
    let mut natives = native.group(&wx::MEDIA_GROUP)?;
    let files = Arc::new(Files {
        sandbox: sandbox.clone(),
        package,
    });
    let s = sandbox.clone();
    natives.set(
        &media::PICK,
        Func::from(
            move |ctx: Ctx<'js>, kind: Text, count: f64| -> rquickjs::Result<Array<'js>> {
                let kind = Kind::parse(&kind).unwrap_or(Kind::File);
                let count = if count.is_finite() && count >= 1.0 {
                    count as usize
                } else {
                    1
                };
                let picked = pick(&s, media_folder.as_deref(), kind, count)
                    .map_err(|e| throw(&ctx, e, "open"))?;
                let out = Array::new(ctx.clone())?;
                for (index, file) in picked.into_iter().enumerate() {
                    let entry = Array::new(ctx.clone())?;
                    entry.set(0, file.temp_path)?;
                    entry.set(1, file.size as f64)?;
                    entry.set(2, file.name)?;
                    entry.set(3, file.kind.name())?;
                    out.set(index, entry)?;
                }
                Ok(out)
            },
        ),
    )?;
    let f = files.clone();
    natives.set(
        &media::IMAGE_INFO,
        Func::from(
            move |ctx: Ctx<'js>,
                  path: Text,
                  root: Option<Text>|
                  -> rquickjs::Result<Option<Array<'js>>> {
                let Some((width, height, kind)) =
                    image_info(&f, &path, root.as_deref()).map_err(|e| throw(&ctx, e, "open"))?
                else {
                    return Ok(None);
                };
                let out = Array::new(ctx.clone())?;
                out.set(0, width as f64)?;
                out.set(1, height as f64)?;
                out.set(2, kind)?;
                Ok(Some(out))
            },
        ),
    )?;
    let s = sandbox.clone();
    let f = files.clone();
    natives.set(
        &media::COPY_TO_TEMP,
        Func::from(
            move |ctx: Ctx<'js>, path: Text, root: Option<Text>| -> rquickjs::Result<String> {
                f.read(&path, root.as_deref())
                    .and_then(|bytes| write_temp(&s, extension_of(&path).as_deref(), &bytes))
                    .map_err(|e| throw(&ctx, e, "open"))
            },
        ),
    )?;
    natives.set(
        &media::AUDIO_LENGTH,
        Func::from(
            move |ctx: Ctx<'js>, path: Text, root: Option<Text>| -> rquickjs::Result<Option<f64>> {
                let bytes = files
                    .read(&path, root.as_deref())
                    .map_err(|e| throw(&ctx, e, "open"))?;
                Ok(audio_length::seconds(&bytes))
            },
        ),
    )?;
    let s = sandbox.clone();
    natives.set(
        &media::RECORD_SILENCE,
        Func::from(
            move |ctx: Ctx<'js>,
                  millis: f64,
                  sample_rate: f64,
                  channels: f64,
                  extension: Text|
                  -> rquickjs::Result<Array<'js>> {
                let rate = if (8000.0..=48000.0).contains(&sample_rate) {
                    sample_rate as u32
                } else {
                    8000
                };
                let channels = if channels == 1.0 { 1 } else { 2 };
                let bytes = silence(millis.max(0.0) as u64, rate, channels);
                let temp_path =
                    write_temp(&s, Some(&extension), &bytes).map_err(|e| throw(&ctx, e, "open"))?;
                let out = Array::new(ctx.clone())?;
                out.set(0, temp_path)?;
                out.set(1, bytes.len() as f64)?;
                Ok(out)
            },
        ),
    )?;
    native.set(&wx::MEDIA_GROUP, natives.finish()?)
}

/// A WAV file of `millis` of silence: 16-bit PCM at `sample_rate` with `channels`.
fn silence(millis: u64, sample_rate: u32, channels: u16) -> Vec<u8> {
    let block = u32::from(channels) * 2;
    let frames = u64::from(sample_rate) * millis / 1000;
    let data_len = u32::try_from(frames * u64::from(block)).unwrap_or(u32::MAX - 64);
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend(b"RIFF");
    out.extend((36 + data_len).to_le_bytes());
    out.extend(b"WAVEfmt ");
    out.extend(16u32.to_le_bytes());
    out.extend(1u16.to_le_bytes());
    out.extend(channels.to_le_bytes());
    out.extend(sample_rate.to_le_bytes());
    out.extend((sample_rate * block).to_le_bytes());
    out.extend((block as u16).to_le_bytes());
    out.extend(16u16.to_le_bytes());
    out.extend(b"data");
    out.extend(data_len.to_le_bytes());
    out.resize(44 + data_len as usize, 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_photo_is_a_4_by_3_png() {
        let size = imagesize::blob_size(BUILT_IN_PHOTO).unwrap();
        assert_eq!((size.width, size.height), (4, 3));
    }

    #[test]
    fn a_folder_gives_its_files_of_the_kind_by_name_up_to_the_count() {
        let folder = tempfile::tempdir().unwrap();
        for name in ["b.JPG", "a.png", "c.mp4", "notes.txt"] {
            fs::write(folder.path().join(name), name).unwrap();
        }
        fs::create_dir(folder.path().join("d.png")).unwrap();
        let sandbox = Sandbox::new(None, &[]).unwrap();
        let names = |kind, count| {
            pick(&sandbox, Some(folder.path()), kind, count)
                .unwrap()
                .into_iter()
                .map(|p| p.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(names(Kind::Image, 9), ["a.png", "b.JPG"]);
        assert_eq!(names(Kind::Image, 1), ["a.png"]);
        assert_eq!(names(Kind::Video, 9), ["c.mp4"]);
        assert_eq!(names(Kind::File, 9).len(), 4);
        let first = pick(&sandbox, Some(folder.path()), Kind::Image, 1).unwrap();
        let copy = sandbox.resolve(&first[0].temp_path).unwrap().host;
        assert_eq!(fs::read(copy).unwrap(), b"a.png");
        assert!(first[0].temp_path.starts_with("wxfile://tmp_"));
        assert!(first[0].temp_path.ends_with(".png"));
    }

    #[test]
    fn without_a_folder_images_are_the_built_in_photo_and_videos_none() {
        let sandbox = Sandbox::new(None, &[]).unwrap();
        let photo = pick(&sandbox, None, Kind::Image, 9).unwrap();
        assert_eq!(photo.len(), 1);
        assert_eq!(photo[0].size, BUILT_IN_PHOTO.len() as u64);
        let files = Files {
            sandbox: Arc::new(sandbox),
            package: None,
        };
        assert_eq!(
            image_info(&files, &photo[0].temp_path, None).unwrap(),
            Some((4, 3, "png"))
        );
        assert!(
            pick(&files.sandbox, None, Kind::Video, 9)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_recording_is_silence_of_its_length() {
        let wav = silence(1500, 8000, 1);
        assert_eq!(wav.len(), 44 + 8000 * 2 * 3 / 2);
        assert_eq!(audio_length::seconds(&wav), Some(1.5));
    }

    #[test]
    fn package_files_stay_inside_the_package() {
        let package = tempfile::tempdir().unwrap();
        fs::create_dir(package.path().join("img")).unwrap();
        fs::write(package.path().join("img/a.png"), BUILT_IN_PHOTO).unwrap();
        let files = Files {
            sandbox: Arc::new(Sandbox::new(None, &[]).unwrap()),
            package: Some(package.path().to_path_buf()),
        };
        let size = |path| image_info(&files, path, None).unwrap();
        assert_eq!(size("/img/a.png"), Some((4, 3, "png")));
        assert_eq!(size("img/a.png"), Some((4, 3, "png")));
        assert!(files.read("../../etc/passwd", None).is_err());
        assert!(files.read("/img", None).is_err());
        // A launched mini-program's folder replaces the run's.
        let elsewhere = tempfile::tempdir().unwrap();
        assert!(files.read("/img/a.png", elsewhere.path().to_str()).is_err());
    }
}
