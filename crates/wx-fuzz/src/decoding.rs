//! Response decoding (Content-Encoding, charset, BOM) and multipart building (wx-net).

use std::path::Path;

use wx_net::{
    decode::{ContentDecoder, decode_text},
    transfer::Multipart,
};

use crate::Bytes;

const ENCODINGS: [Option<&str>; 6] = [
    None,
    Some("gzip"),
    Some("x-gzip"),
    Some("deflate"),
    Some("br"),
    Some("compress"),
];
const CHARSETS: [&str; 8] = [
    "text/plain",
    "text/plain; charset=utf-8",
    "text/html; charset=GBK",
    "application/json; charset=\"gb18030\"",
    "text/plain; charset=big5",
    "text/plain; charset=Shift_JIS",
    "text/plain; charset=utf-16le",
    "text/plain; charset=nonsense",
];
/// No piece may be larger than this, however the body was made (docs/reliability.md).
const MAX_PIECE: usize = 1024 * 1024;

/// A body decoded as wx-net decodes it: in frames of a chosen size, into bounded pieces, then
/// to text in a charset, exactly one BOM removed.
pub fn response_decoding(data: &[u8]) {
    let mut bytes = Bytes::new(data);
    let encoding = ENCODINGS[bytes.choose(ENCODINGS.len())];
    let frame = usize::from(bytes.byte()).max(1) * 16;
    let content_type = CHARSETS[bytes.choose(CHARSETS.len())];
    let body = bytes.rest();
    let mut decoder = ContentDecoder::for_encoding(encoding);
    let mut decoded = Vec::new();
    let mut failed = false;
    'frames: for chunk in body.chunks(frame) {
        decoder.feed(bytes::Bytes::copy_from_slice(chunk));
        loop {
            match decoder.next_piece() {
                Ok(Some(piece)) => {
                    assert!(piece.len() <= MAX_PIECE, "a piece of {} bytes", piece.len());
                    decoded.extend_from_slice(&piece);
                    if decoded.len() > 64 * MAX_PIECE {
                        // A bomb: what matters is that it came in pieces.
                        return;
                    }
                }
                Ok(None) => break,
                Err(_) => {
                    failed = true;
                    break 'frames;
                }
            }
        }
    }
    if !failed && let Ok(rest) = decoder.finish() {
        decoded.extend_from_slice(&rest);
    }
    if encoding.is_none() {
        assert_eq!(decoded, body, "identity changes nothing");
    }
    let text = decode_text(&decoded, Some(content_type));
    if content_type.ends_with("utf-8") {
        // Exactly one BOM goes, and nothing else changes.
        let lossy = String::from_utf8_lossy(&decoded);
        let expected = lossy.strip_prefix('\u{feff}').unwrap_or(&lossy);
        assert_eq!(text.text, expected);
    }
}

/// Unquotes a Content-Disposition parameter as a server would.
fn unquote(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The parameter `name` of a Content-Disposition line: the text between its quotes.
fn parameter(line: &str, name: &str) -> Option<String> {
    let start = line.find(&format!("; {name}=\""))? + name.len() + 4;
    let mut end = start;
    let bytes = line.as_bytes();
    while end < bytes.len() && bytes[end] != b'"' {
        end += if bytes[end] == b'\\' { 2 } else { 1 };
    }
    Some(unquote(line.get(start..end.min(line.len()))?))
}

/// The form fields and file part of an upload: every name a script gives comes back out of
/// the multipart head as it went in (CR and LF become spaces: a header cannot hold them).
pub fn multipart(data: &[u8]) {
    let mut bytes = Bytes::new(data);
    let mut fields = Vec::new();
    for _ in 0..bytes.choose(4) {
        fields.push((bytes.field(), bytes.field()));
    }
    let name = bytes.field();
    let file_name = bytes.field().replace(['/', '\0'], "_");
    let file = Path::new("/upload").join(if file_name.is_empty() {
        "f"
    } else {
        &file_name
    });
    let body = Multipart::new(&fields, &name, &file, 3, "BOUNDARY".into());
    // wx-api draws a fresh random boundary per upload; text that holds this fixed one would
    // split the parts here and nowhere else.
    let texts = fields
        .iter()
        .flat_map(|(k, v)| [k, v])
        .chain([&name, &file_name]);
    if texts.into_iter().any(|text| text.contains("BOUNDARY")) {
        return;
    }
    let head = String::from_utf8(body.prefix.to_vec()).expect("the head is text");
    let dispositions: Vec<&str> = head
        .split("\r\n")
        .filter(|line| line.starts_with("Content-Disposition: form-data; name=\""))
        .collect();
    let expected = |text: &str| text.replace(['\r', '\n'], " ");
    // Values may contain anything, even lines that look like headers: only check the lines
    // that start a part.
    let parts: Vec<&str> = head.split("--BOUNDARY\r\n").skip(1).collect();
    assert_eq!(parts.len(), fields.len() + 1, "{head:?}");
    for (part, (key, _)) in parts.iter().zip(&fields) {
        let line = part.split("\r\n").next().unwrap_or_default();
        assert_eq!(parameter(line, "name"), Some(expected(key)), "{line:?}");
    }
    let last = parts
        .last()
        .and_then(|p| p.split("\r\n").next())
        .unwrap_or_default();
    assert_eq!(parameter(last, "name"), Some(expected(&name)), "{last:?}");
    assert!(!dispositions.is_empty());
    assert_eq!(
        body.content_length(),
        body.prefix.len() as u64 + 3 + body.suffix.len() as u64
    );
}
