//! Turning response bytes into what scripts see: transparent decompression (gzip, deflate,
//! br), then for text responses the charset conversion and the removal of exactly one BOM.
//!
//! Decompression hands out bounded pieces: a small compressed frame can expand a thousandfold
//! (gzip) or far more (brotli), so the decoder never turns more than a slice of input, or fills
//! more than one output buffer, before the caller has counted what came out.

use std::io::{self, Write};

use brotli_decompressor::{BrotliDecompressStream, BrotliResult, BrotliState, StandardAlloc};
use bytes::{Buf, Bytes};
use encoding_rs::Encoding;

/// Compressed bytes given to flate2 at once: deflate expands at most about 1032 times, so one
/// slice yields at most about half a MiB.
const FLATE_SLICE: usize = 512;
/// The output buffer of the brotli decoder: its pieces are at most this large.
const BROTLI_PIECE: usize = 64 * 1024;

enum Codec {
    Identity,
    Gzip(flate2::write::GzDecoder<Vec<u8>>),
    Deflate(flate2::write::ZlibDecoder<Vec<u8>>),
    Brotli {
        state: Box<BrotliState<StandardAlloc, StandardAlloc, StandardAlloc>>,
        done: bool,
    },
}

/// A streaming decoder for one `Content-Encoding`: [`feed`](Self::feed) it the body's frames,
/// take [`next_piece`](Self::next_piece)s until it has none, and [`finish`](Self::finish) at
/// the end.
pub struct ContentDecoder {
    codec: Codec,
    pending: Bytes,
}

impl ContentDecoder {
    /// The decoder for a `Content-Encoding` value; unknown codings pass through unchanged.
    pub fn for_encoding(encoding: Option<&str>) -> ContentDecoder {
        let codec = match encoding.map(|e| e.trim().to_ascii_lowercase()).as_deref() {
            Some("gzip" | "x-gzip") => Codec::Gzip(flate2::write::GzDecoder::new(Vec::new())),
            Some("deflate") => Codec::Deflate(flate2::write::ZlibDecoder::new(Vec::new())),
            Some("br") => Codec::Brotli {
                state: Box::new(BrotliState::new(
                    StandardAlloc::default(),
                    StandardAlloc::default(),
                    StandardAlloc::default(),
                )),
                done: false,
            },
            _ => Codec::Identity,
        };
        ContentDecoder {
            codec,
            pending: Bytes::new(),
        }
    }

    /// A decoder that passes bytes through.
    pub fn identity() -> ContentDecoder {
        ContentDecoder::for_encoding(None)
    }

    pub fn is_identity(&self) -> bool {
        matches!(self.codec, Codec::Identity)
    }

    /// Hands over the next frame of the body; call [`next_piece`](Self::next_piece) until it
    /// gives `None` before feeding more.
    pub fn feed(&mut self, chunk: Bytes) {
        if self.pending.is_empty() {
            self.pending = chunk;
        } else {
            let mut joined = Vec::with_capacity(self.pending.len() + chunk.len());
            joined.extend_from_slice(&self.pending);
            joined.extend_from_slice(&chunk);
            self.pending = joined.into();
        }
    }

    /// The next decoded piece of what was fed, or `None` when it needs more input.
    pub fn next_piece(&mut self) -> io::Result<Option<Vec<u8>>> {
        let pending = &mut self.pending;
        match &mut self.codec {
            Codec::Identity => Ok((!pending.is_empty()).then(|| std::mem::take(pending).to_vec())),
            Codec::Gzip(decoder) => flate_piece(pending, decoder),
            Codec::Deflate(decoder) => flate_piece(pending, decoder),
            Codec::Brotli { state, done } => brotli_piece(pending, state, done),
        }
    }

    /// Ends the stream, returning the rest; a truncated compressed stream is an error.
    pub fn finish(self) -> io::Result<Vec<u8>> {
        match self.codec {
            Codec::Identity => Ok(self.pending.to_vec()),
            Codec::Gzip(decoder) => decoder.finish(),
            Codec::Deflate(decoder) => decoder.finish(),
            Codec::Brotli { done: true, .. } => Ok(Vec::new()),
            Codec::Brotli { done: false, .. } => Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "truncated brotli stream",
            )),
        }
    }
}

/// The inside of flate2's write-side decoders: where their output collects.
trait FlateWriter: Write {
    fn output(&mut self) -> &mut Vec<u8>;
}

impl FlateWriter for flate2::write::GzDecoder<Vec<u8>> {
    fn output(&mut self) -> &mut Vec<u8> {
        self.get_mut()
    }
}

impl FlateWriter for flate2::write::ZlibDecoder<Vec<u8>> {
    fn output(&mut self) -> &mut Vec<u8> {
        self.get_mut()
    }
}

fn flate_piece(pending: &mut Bytes, decoder: &mut impl FlateWriter) -> io::Result<Option<Vec<u8>>> {
    while !pending.is_empty() {
        let take = pending.len().min(FLATE_SLICE);
        decoder.write_all(&pending[..take])?;
        pending.advance(take);
        let out = std::mem::take(decoder.output());
        if !out.is_empty() {
            return Ok(Some(out));
        }
    }
    Ok(None)
}

fn brotli_piece(
    pending: &mut Bytes,
    state: &mut BrotliState<StandardAlloc, StandardAlloc, StandardAlloc>,
    done: &mut bool,
) -> io::Result<Option<Vec<u8>>> {
    loop {
        if *done {
            // Bytes after the end of the stream are ignored, as browsers do.
            pending.clear();
            return Ok(None);
        }
        let mut output = vec![0u8; BROTLI_PIECE];
        let mut available_in = pending.len();
        let mut input_offset = 0;
        let mut available_out = output.len();
        let mut output_offset = 0;
        let mut total = 0;
        let result = BrotliDecompressStream(
            &mut available_in,
            &mut input_offset,
            pending,
            &mut available_out,
            &mut output_offset,
            &mut output,
            &mut total,
            state,
        );
        pending.advance(input_offset);
        output.truncate(output_offset);
        match result {
            BrotliResult::ResultFailure => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "corrupt brotli stream",
                ));
            }
            BrotliResult::ResultSuccess => *done = true,
            BrotliResult::NeedsMoreInput if output.is_empty() => return Ok(None),
            BrotliResult::NeedsMoreInput | BrotliResult::NeedsMoreOutput => {}
        }
        if !output.is_empty() {
            return Ok(Some(output));
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

    /// Feeds `body` in frames of `frame` bytes and collects every piece.
    fn decode_all(encoding: &str, body: &[u8], frame: usize) -> io::Result<Vec<Vec<u8>>> {
        let mut decoder = ContentDecoder::for_encoding(Some(encoding));
        let mut pieces = Vec::new();
        for chunk in body.chunks(frame) {
            decoder.feed(Bytes::copy_from_slice(chunk));
            while let Some(piece) = decoder.next_piece()? {
                pieces.push(piece);
            }
        }
        pieces.push(decoder.finish()?);
        Ok(pieces)
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn compressed_streams_decode_in_pieces() {
        let compressed = gzip(&b"hello world ".repeat(1000));
        let out: Vec<u8> = decode_all("gzip", &compressed, 100).unwrap().concat();
        assert_eq!(out, b"hello world ".repeat(1000));
        let mut truncated = ContentDecoder::for_encoding(Some("gzip"));
        truncated.feed(Bytes::copy_from_slice(&compressed[..compressed.len() / 2]));
        while truncated.next_piece().unwrap().is_some() {}
        assert!(truncated.finish().is_err());
    }

    #[test]
    fn a_bomb_comes_out_in_bounded_pieces() {
        let zeros = vec![0u8; 32 * 1024 * 1024];
        // One frame holding the whole compressed body: each piece stays small all the same.
        let gzip_pieces = decode_all("gzip", &gzip(&zeros), usize::MAX).unwrap();
        assert!(gzip_pieces.iter().all(|p| p.len() <= FLATE_SLICE * 1100));
        assert_eq!(gzip_pieces.iter().map(Vec::len).sum::<usize>(), zeros.len());
        let mut brotli = Vec::new();
        {
            let mut encoder = brotli::CompressorWriter::new(&mut brotli, 4096, 5, 22);
            encoder.write_all(&zeros).unwrap();
        }
        let brotli_pieces = decode_all("br", &brotli, usize::MAX).unwrap();
        assert!(brotli_pieces.iter().all(|p| p.len() <= BROTLI_PIECE));
        assert_eq!(
            brotli_pieces.iter().map(Vec::len).sum::<usize>(),
            zeros.len()
        );
    }

    #[test]
    fn corrupt_and_truncated_brotli_fail() {
        assert!(decode_all("br", b"\xff\xff\xff\xff not brotli", 4).is_err());
        let mut brotli = Vec::new();
        {
            let mut encoder = brotli::CompressorWriter::new(&mut brotli, 4096, 5, 22);
            encoder.write_all(&b"abc".repeat(1000)).unwrap();
        }
        assert!(decode_all("br", &brotli[..brotli.len() / 2], 7).is_err());
    }
}
