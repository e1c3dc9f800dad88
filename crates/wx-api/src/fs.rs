//! The natives behind `wx.getFileSystemManager()`, the saved-file APIs and the `wxrun.sandbox`
//! controls: sandbox file operations, and string encodings as the platform names them.

use std::sync::Arc;

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use rquickjs::{Array, ArrayBuffer, Ctx, Exception, Value, prelude::Func};
use wx_bridge::{Data, Natives, Text, data_of, declared::wx};
use wx_net::{
    files,
    sandbox::{FsError, Sandbox},
};

/// Throws the failure as an Error whose message is the platform's reason and which carries
/// `errno`; the JS layer turns it into a fail result or a `...Sync:fail` error.
pub(crate) fn throw(ctx: &Ctx<'_>, error: FsError, operation: &str) -> rquickjs::Error {
    match Exception::from_message(ctx.clone(), &error.reason(operation)) {
        Ok(exception) => {
            let _ = exception.as_object().set("errno", error.errno());
            ctx.throw(exception.into_value())
        }
        Err(err) => err,
    }
}

/// Encodes `text` into bytes the way `encoding` names it.
fn encode(text: &str, encoding: &str) -> Result<Vec<u8>, String> {
    Ok(match encoding.to_ascii_lowercase().as_str() {
        "" | "utf8" | "utf-8" => text.as_bytes().to_vec(),
        "ascii" | "binary" | "latin1" => text.chars().map(|c| c as u32 as u8).collect(),
        "ucs2" | "ucs-2" | "utf16le" | "utf-16le" => {
            text.encode_utf16().flat_map(u16::to_le_bytes).collect()
        }
        "base64" => BASE64
            .decode(text.trim())
            .map_err(|_| "base64 encode error".to_string())?,
        "hex" => {
            let clean = text.trim();
            if !clean.len().is_multiple_of(2) || !clean.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!("{clean:?} is not hex"));
            }
            (0..clean.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&clean[i..i + 2], 16).unwrap_or(0))
                .collect()
        }
        other => return Err(format!("unknown encoding {other:?}")),
    })
}

/// Decodes bytes to a string the way `encoding` names it.
fn decode(bytes: &[u8], encoding: &str) -> Result<String, String> {
    Ok(match encoding.to_ascii_lowercase().as_str() {
        "utf8" | "utf-8" => String::from_utf8_lossy(bytes).into_owned(),
        "ascii" => bytes.iter().map(|b| (b & 0x7f) as char).collect(),
        "binary" | "latin1" => bytes.iter().map(|&b| b as char).collect(),
        "ucs2" | "ucs-2" | "utf16le" | "utf-16le" => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        "base64" => BASE64.encode(bytes),
        "hex" => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        other => return Err(format!("unknown encoding {other:?}")),
    })
}

fn stats_array<'js>(ctx: &Ctx<'js>, stats: &files::Stats) -> rquickjs::Result<Array<'js>> {
    let array = Array::new(ctx.clone())?;
    array.set(0, stats.mode)?;
    array.set(1, stats.size as f64)?;
    array.set(2, stats.accessed as f64)?;
    array.set(3, stats.modified as f64)?;
    array.set(4, stats.is_dir)?;
    Ok(array)
}

pub(crate) fn install<'js>(
    native: &mut Natives<'js>,
    sandbox: &Arc<Sandbox>,
) -> rquickjs::Result<()> {
    let mut fs = native.group(&wx::FS_GROUP)?;

    let s = sandbox.clone();
    fs.set(
        &wx_bridge::declared::fs::READ,
        Func::from(
            move |ctx: Ctx<'js>, path: Text, position: Option<f64>, length: Option<f64>| {
                let data = files::read(
                    &s,
                    &path,
                    position.map(|p| p as u64),
                    length.map(|l| l as u64),
                )
                .map_err(|e| throw(&ctx, e, "open"))?;
                ArrayBuffer::new(ctx, data)
            },
        ),
    )?;
    let s = sandbox.clone();
    fs.set(
        &wx_bridge::declared::fs::WRITE,
        Func::from(move |ctx: Ctx<'js>, path: Text, data: Data, append: bool| {
            let bytes = data.into_bytes();
            files::write(&s, &path, &bytes, append).map_err(|e| throw(&ctx, e, "open"))
        }),
    )?;
    let s = sandbox.clone();
    fs.set(
        &wx_bridge::declared::fs::ACCESS,
        Func::from(move |ctx: Ctx<'js>, path: Text| {
            files::access(&s, &path).map_err(|e| throw(&ctx, e, "access"))
        }),
    )?;
    let s = sandbox.clone();
    fs.set(
        &wx_bridge::declared::fs::STAT,
        Func::from(
            move |ctx: Ctx<'js>, path: Text, recursive: bool| -> rquickjs::Result<Value<'js>> {
                if recursive {
                    let all =
                        files::stat_recursive(&s, &path).map_err(|e| throw(&ctx, e, "stat"))?;
                    let out = Array::new(ctx.clone())?;
                    for (index, (name, stats)) in all.iter().enumerate() {
                        let entry = Array::new(ctx.clone())?;
                        entry.set(0, name.as_str())?;
                        entry.set(1, stats_array(&ctx, stats)?)?;
                        out.set(index, entry)?;
                    }
                    Ok(out.into_value())
                } else {
                    let stats = files::stat(&s, &path).map_err(|e| throw(&ctx, e, "stat"))?;
                    Ok(stats_array(&ctx, &stats)?.into_value())
                }
            },
        ),
    )?;
    let s = sandbox.clone();
    fs.set(
        &wx_bridge::declared::fs::UNLINK,
        Func::from(move |ctx: Ctx<'js>, path: Text| {
            files::unlink(&s, &path).map_err(|e| throw(&ctx, e, "unlink"))
        }),
    )?;
    let s = sandbox.clone();
    fs.set(
        &wx_bridge::declared::fs::MKDIR,
        Func::from(move |ctx: Ctx<'js>, path: Text, recursive: bool| {
            files::mkdir(&s, &path, recursive).map_err(|e| throw(&ctx, e, "mkdir"))
        }),
    )?;
    let s = sandbox.clone();
    fs.set(
        &wx_bridge::declared::fs::READDIR,
        Func::from(move |ctx: Ctx<'js>, path: Text| {
            files::readdir(&s, &path).map_err(|e| throw(&ctx, e, "scandir"))
        }),
    )?;
    let s = sandbox.clone();
    fs.set(
        &wx_bridge::declared::fs::RMDIR,
        Func::from(move |ctx: Ctx<'js>, path: Text, recursive: bool| {
            files::rmdir(&s, &path, recursive).map_err(|e| throw(&ctx, e, "rmdir"))
        }),
    )?;
    let s = sandbox.clone();
    fs.set(
        &wx_bridge::declared::fs::COPY,
        Func::from(move |ctx: Ctx<'js>, from: Text, to: Text| {
            files::copy(&s, &from, &to).map_err(|e| throw(&ctx, e, "copyfile"))
        }),
    )?;
    let s = sandbox.clone();
    fs.set(
        &wx_bridge::declared::fs::RENAME,
        Func::from(move |ctx: Ctx<'js>, from: Text, to: Text| {
            files::rename(&s, &from, &to).map_err(|e| throw(&ctx, e, "rename"))
        }),
    )?;
    let s = sandbox.clone();
    fs.set(
        &wx_bridge::declared::fs::SAVE,
        Func::from(move |ctx: Ctx<'js>, from: Text, to: Option<Text>| {
            files::save(&s, &from, to.as_deref()).map_err(|e| throw(&ctx, e, "open"))
        }),
    )?;
    let s = sandbox.clone();
    fs.set(
        &wx_bridge::declared::fs::SAVED_LIST,
        Func::from(move |ctx: Ctx<'js>| -> rquickjs::Result<Array<'js>> {
            let list = files::saved_list(&s).map_err(|e| throw(&ctx, e, "scandir"))?;
            let out = Array::new(ctx.clone())?;
            for (index, (path, size, time)) in list.into_iter().enumerate() {
                let entry = Array::new(ctx.clone())?;
                entry.set(0, path)?;
                entry.set(1, size as f64)?;
                entry.set(2, time as f64)?;
                out.set(index, entry)?;
            }
            Ok(out)
        }),
    )?;
    let s = sandbox.clone();
    fs.set(
        &wx_bridge::declared::fs::REMOVE_SAVED,
        Func::from(move |ctx: Ctx<'js>, path: Text| {
            files::remove_saved(&s, &path).map_err(|e| throw(&ctx, e, "unlink"))
        }),
    )?;
    let s = sandbox.clone();
    fs.set(
        &wx_bridge::declared::fs::INFO,
        Func::from(
            move |ctx: Ctx<'js>,
                  path: Text,
                  algorithm: Text|
                  -> rquickjs::Result<Vec<Value<'js>>> {
                let (size, digest) =
                    files::info(&s, &path, &algorithm).map_err(|e| throw(&ctx, e, "open"))?;
                Ok(vec![
                    Value::new_number(ctx.clone(), size as f64),
                    rquickjs::String::from_str(ctx, &digest)?.into_value(),
                ])
            },
        ),
    )?;
    fs.set(
        &wx_bridge::declared::fs::ENCODE,
        Func::from(|ctx: Ctx<'js>, text: Text, encoding: Text| {
            let bytes = encode(&text, &encoding)
                .map_err(|e| throw(&ctx, FsError::InvalidArgument(e), ""))?;
            ArrayBuffer::new(ctx, bytes)
        }),
    )?;
    fs.set(
        &wx_bridge::declared::fs::DECODE,
        Func::from(|ctx: Ctx<'js>, data: Data, encoding: Text| {
            let bytes = data.into_bytes();
            decode(&bytes, &encoding).map_err(|e| throw(&ctx, FsError::InvalidArgument(e), ""))
        }),
    )?;
    // wxrun.sandbox: put fixture files in, see where a path lives on the host.
    let s = sandbox.clone();
    fs.set(
        &wx_bridge::declared::fs::PUT,
        Func::from(
            move |ctx: Ctx<'js>, path: Text, data: Value<'js>| -> rquickjs::Result<()> {
                let bytes = data_of(&ctx, &data)?
                    .ok_or_else(|| {
                        Exception::throw_type(
                            &ctx,
                            "sandbox.put(path, data): data must be a string or an ArrayBuffer",
                        )
                    })?
                    .into_bytes();
                files::put(&s, &path, &bytes).map_err(|e| throw(&ctx, e, "open"))
            },
        ),
    )?;
    let s = sandbox.clone();
    fs.set(
        &wx_bridge::declared::fs::HOST_PATH,
        Func::from(
            move |ctx: Ctx<'js>, path: Text| -> rquickjs::Result<String> {
                let resolved = s.resolve(&path).map_err(|e| throw(&ctx, e, "open"))?;
                Ok(resolved.host.display().to_string())
            },
        ),
    )?;
    native.set(&wx::FS_GROUP, fs.finish()?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_round_trip() {
        let bytes = [0u8, 1, 127, 128, 255];
        for encoding in ["base64", "hex", "latin1", "binary"] {
            let text = decode(&bytes, encoding).unwrap();
            assert_eq!(encode(&text, encoding).unwrap(), bytes, "{encoding}");
        }
        assert_eq!(decode(&bytes, "hex").unwrap(), "00017f80ff");
        assert_eq!(decode("héllo".as_bytes(), "utf-8").unwrap(), "héllo");
        assert_eq!(
            decode(&encode("héllo", "ucs2").unwrap(), "utf16le").unwrap(),
            "héllo"
        );
        assert_eq!(decode(&[0xc3, 0xa9], "ascii").unwrap(), "C)");
        assert!(encode("xyz", "hex").is_err());
        assert!(decode(&bytes, "utf32").is_err());
    }
}
