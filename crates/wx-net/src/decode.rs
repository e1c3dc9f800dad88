//! Turning response bytes into what scripts see: transparent decompression (gzip, deflate,
//! br), then for text responses the charset conversion and the removal of exactly one BOM.

use std::io::{self, Write};

use encoding_rs::Encoding;

/// A streaming decoder for one `Content-Encoding`.
pub enum ContentDecoder {
    Identity,
    Gzip(flate2::write::GzDecoder<Vec<u8>>),
    Deflate(flate2::write::ZlibDecoder<Vec<u8>>),
    Brotli(Box<brotli_decompressor::DecompressorWriter<Vec<u8>>>),
}

impl ContentDecoder {
    /// The decoder for a `Content-Encoding` value; unknown codings pass through unchanged.
    pub fn for_encoding(encoding: Option<&str>) -> ContentDecoder {
        match encoding.map(|e| e.trim().to_ascii_lowercase()).as_deref() {
            Some("gzip" | "x-gzip") => {
                ContentDecoder::Gzip(flate2::write::GzDecoder::new(Vec::new()))
            }
            Some("deflate") => ContentDecoder::Deflate(flate2::write::ZlibDecoder::new(Vec::new())),
            Some("br") => ContentDecoder::Brotli(Box::new(
                brotli_decompressor::DecompressorWriter::new(Vec::new(), 16 * 1024),
            )),
            _ => ContentDecoder::Identity,
        }
    }

    pub fn is_identity(&self) -> bool {
        matches!(self, ContentDecoder::Identity)
    }

    /// Decodes `chunk`, returning what is ready.
    pub fn push(&mut self, chunk: &[u8]) -> io::Result<Vec<u8>> {
        match self {
            ContentDecoder::Identity => Ok(chunk.to_vec()),
            ContentDecoder::Gzip(decoder) => {
                decoder.write_all(chunk)?;
                Ok(std::mem::take(decoder.get_mut()))
            }
            ContentDecoder::Deflate(decoder) => {
                decoder.write_all(chunk)?;
                Ok(std::mem::take(decoder.get_mut()))
            }
            ContentDecoder::Brotli(decoder) => {
                decoder.write_all(chunk)?;
                Ok(std::mem::take(decoder.get_mut()))
            }
        }
    }

    /// Ends the stream, returning the rest; a truncated compressed stream is an error.
    pub fn finish(self) -> io::Result<Vec<u8>> {
        match self {
            ContentDecoder::Identity => Ok(Vec::new()),
            ContentDecoder::Gzip(decoder) => decoder.finish(),
            ContentDecoder::Deflate(decoder) => decoder.finish(),
            ContentDecoder::Brotli(mut decoder) => {
                decoder.close().map_err(|_| {
                    io::Error::new(io::ErrorKind::InvalidData, "truncated brotli stream")
                })?;
                Ok(std::mem::take(decoder.get_mut()))
            }
        }
    }
}

/// The charset named by a `Content-Type` value, if any.
pub fn charset_of(content_type: Option<&str>) -> Option<&'static Encoding> {
    let content_type = content_type?;
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        if !key.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        Encoding::for_label(value.trim().trim_matches('"').as_bytes())
    })
}

/// A text body as the platform gives it to scripts.
#[derive(Debug, PartialEq, Eq)]
pub struct Text {
    pub text: String,
    /// Some bytes were not valid in the charset and became U+FFFD.
    pub replaced: bool,
}

/// Decodes `bytes` in the charset of `content_type` (UTF-8 when none is named or the name is
/// unknown), then removes exactly one leading BOM.
pub fn decode_text(bytes: &[u8], content_type: Option<&str>) -> Text {
    let encoding = charset_of(content_type).unwrap_or(encoding_rs::UTF_8);
    // Decode without BOM sniffing: the platform removes one U+FEFF after decoding, whatever
    // the charset, and leaves a second one in place.
    let (text, replaced) = encoding.decode_without_bom_handling(bytes);
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or_else(|| text.into_owned());
    Text { text, replaced }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charsets_are_converted() {
        let (gbk, _, _) = encoding_rs::GBK.encode("你好");
        assert_eq!(
            decode_text(&gbk, Some("text/plain; charset=GBK")).text,
            "你好"
        );
        let (big5, _, _) = encoding_rs::BIG5.encode("你好");
        assert_eq!(
            decode_text(&big5, Some("text/html;charset=\"big5\"")).text,
            "你好"
        );
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("こんにちは");
        assert_eq!(
            decode_text(&sjis, Some("text/plain; Charset=Shift_JIS")).text,
            "こんにちは"
        );
        assert_eq!(
            decode_text("héllo".as_bytes(), Some("text/plain")).text,
            "héllo"
        );
        assert_eq!(
            decode_text("héllo".as_bytes(), Some("text/plain; charset=nonsense")).text,
            "héllo"
        );
    }

    #[test]
    fn exactly_one_bom_is_removed() {
        assert_eq!(decode_text("\u{feff}{}".as_bytes(), None).text, "{}");
        assert_eq!(
            decode_text("\u{feff}\u{feff}{}".as_bytes(), None).text,
            "\u{feff}{}"
        );
        // After decoding, whatever the charset: GB18030 spells U+FEFF as four bytes.
        let (gb18030_boms, _, _) = encoding_rs::GB18030.encode("\u{feff}\u{feff}ok");
        assert_eq!(
            decode_text(&gb18030_boms, Some("text/plain; charset=gb18030")).text,
            "\u{feff}ok"
        );
    }

    #[test]
    fn invalid_sequences_are_replaced_and_flagged() {
        let text = decode_text(&[b'a', 0xff, b'b'], None);
        assert_eq!(text.text, "a\u{fffd}b");
        assert!(text.replaced);
        assert!(!decode_text(b"ab", None).replaced);
    }

    #[test]
    fn compressed_streams_decode_in_pieces() {
        use flate2::{Compression, write::GzEncoder};
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(&b"hello world ".repeat(1000)).unwrap();
        let compressed = encoder.finish().unwrap();
        let mut decoder = ContentDecoder::for_encoding(Some("gzip"));
        let mut out = Vec::new();
        for piece in compressed.chunks(100) {
            out.extend(decoder.push(piece).unwrap());
        }
        out.extend(decoder.finish().unwrap());
        assert_eq!(out, b"hello world ".repeat(1000));
        let mut truncated = ContentDecoder::for_encoding(Some("gzip"));
        truncated.push(&compressed[..compressed.len() / 2]).unwrap();
        assert!(truncated.finish().is_err());
    }
}
