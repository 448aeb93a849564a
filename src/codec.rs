//! Bounded decompression shared by importers (HTTP `Content-Encoding`) and
//! decoders (gzip inside base64 inside a form field).
//!
//! Captured content is hostile: every function here stops at a caller-given
//! output cap and reports how far it got, so a decompression bomb becomes a
//! note, never an out-of-memory.

use std::io::Read;

/// Largest body produced by undoing a `Content-Encoding` at import time.
pub const MAX_CONTENT_DECODED_BYTES: usize = 64 * 1024 * 1024;

/// Why a decompression did not produce the whole plain text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    #[error("not valid {codec} after {consumed_bytes} bytes")]
    Invalid { codec: &'static str, consumed_bytes: usize },
    #[error("{codec} output exceeds the {limit_bytes}-byte limit")]
    TooLarge { codec: &'static str, limit_bytes: usize },
    #[error("unknown content encoding `{0}`")]
    Unknown(String),
}

/// Compression schemes Telltale can undo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    Gzip,
    Zlib,
    Deflate,
    Brotli,
    Zstd,
}

impl Codec {
    pub fn name(self) -> &'static str {
        match self {
            Codec::Gzip => "gzip",
            Codec::Zlib => "zlib",
            Codec::Deflate => "deflate",
            Codec::Brotli => "brotli",
            Codec::Zstd => "zstd",
        }
    }

    /// Recognises a codec from its magic bytes (brotli has none).
    pub fn sniff(bytes: &[u8]) -> Option<Codec> {
        match bytes {
            [0x1f, 0x8b, 0x08, ..] => Some(Codec::Gzip),
            [0x28, 0xb5, 0x2f, 0xfd, ..] => Some(Codec::Zstd),
            [cmf, flg, ..] if cmf & 0x0f == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0 => {
                Some(Codec::Zlib)
            }
            _ => None,
        }
    }
}

/// Decompresses `input` with `codec`, producing at most `limit_bytes`.
pub fn decompress(codec: Codec, input: &[u8], limit_bytes: usize) -> Result<Vec<u8>, CodecError> {
    match codec {
        Codec::Gzip => read_bounded(codec, flate2::read::MultiGzDecoder::new(input), limit_bytes),
        Codec::Zlib => read_bounded(codec, flate2::read::ZlibDecoder::new(input), limit_bytes),
        Codec::Deflate => read_bounded(codec, flate2::read::DeflateDecoder::new(input), limit_bytes),
        Codec::Brotli => read_bounded(codec, brotli::Decompressor::new(input, 4096), limit_bytes),
        Codec::Zstd => match ruzstd::decoding::StreamingDecoder::new(input) {
            Ok(decoder) => read_bounded(codec, decoder, limit_bytes),
            Err(_) => Err(CodecError::Invalid {
                codec: codec.name(),
                consumed_bytes: 0,
            }),
        },
    }
}

/// Undoes one HTTP `Content-Encoding` token. `deflate` is accepted with and
/// without the zlib header, as servers send both.
pub fn decode_content_encoding(token: &str, input: &[u8], limit_bytes: usize) -> Result<Vec<u8>, CodecError> {
    match token.trim().to_ascii_lowercase().as_str() {
        "" | "identity" => Ok(input.to_vec()),
        "gzip" | "x-gzip" => decompress(Codec::Gzip, input, limit_bytes),
        "deflate" => {
            if Codec::sniff(input) == Some(Codec::Zlib) {
                decompress(Codec::Zlib, input, limit_bytes).or_else(|_| decompress(Codec::Deflate, input, limit_bytes))
            } else {
                decompress(Codec::Deflate, input, limit_bytes)
            }
        }
        "br" => decompress(Codec::Brotli, input, limit_bytes),
        "zstd" => decompress(Codec::Zstd, input, limit_bytes),
        other => Err(CodecError::Unknown(other.to_string())),
    }
}

/// Undoes a whole `Content-Encoding` header value (`gzip, br` is applied
/// right to left). Returns `Ok(None)` when nothing needed undoing.
pub fn decode_content_encodings(header: &str, input: &[u8], limit_bytes: usize) -> Result<Option<Vec<u8>>, CodecError> {
    let tokens: Vec<&str> = header
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("identity"))
        .collect();
    if tokens.is_empty() || input.is_empty() {
        return Ok(None);
    }
    let mut current = input.to_vec();
    for token in tokens.iter().rev() {
        current = decode_content_encoding(token, &current, limit_bytes)?;
    }
    Ok(Some(current))
}

fn read_bounded(codec: Codec, reader: impl Read, limit_bytes: usize) -> Result<Vec<u8>, CodecError> {
    let mut out = Vec::new();
    // One byte more than the limit tells "exactly at the limit" from "over".
    let mut limited = reader.take(limit_bytes as u64 + 1);
    match limited.read_to_end(&mut out) {
        Ok(_) if out.len() > limit_bytes => Err(CodecError::TooLarge {
            codec: codec.name(),
            limit_bytes,
        }),
        Ok(_) => Ok(out),
        Err(_) => Err(CodecError::Invalid {
            codec: codec.name(),
            consumed_bytes: out.len(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).expect("write to Vec");
        encoder.finish().expect("finish gzip")
    }

    #[test]
    fn gzip_round_trip_and_sniff() {
        let packed = gzip(b"hello telemetry");
        assert_eq!(Codec::sniff(&packed), Some(Codec::Gzip));
        assert_eq!(
            decompress(Codec::Gzip, &packed, 1024).as_deref(),
            Ok(&b"hello telemetry"[..])
        );
    }

    #[test]
    fn bomb_stops_at_limit() {
        let packed = gzip(&vec![0u8; 10 * 1024 * 1024]);
        assert_eq!(
            decompress(Codec::Gzip, &packed, 1024 * 1024),
            Err(CodecError::TooLarge {
                codec: "gzip",
                limit_bytes: 1024 * 1024
            })
        );
    }

    #[test]
    fn truncated_gzip_is_invalid() {
        let packed = gzip(&[7u8; 5000]);
        let result = decompress(Codec::Gzip, &packed[..packed.len() / 2], 1 << 20);
        assert!(
            matches!(result, Err(CodecError::Invalid { codec: "gzip", .. })),
            "{result:?}"
        );
    }

    #[test]
    fn deflate_with_and_without_zlib_header() {
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        raw.write_all(b"abc abc abc").expect("write");
        let raw = raw.finish().expect("finish");
        let mut zl = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        zl.write_all(b"abc abc abc").expect("write");
        let zl = zl.finish().expect("finish");
        for body in [raw, zl] {
            assert_eq!(
                decode_content_encoding("deflate", &body, 100).as_deref(),
                Ok(&b"abc abc abc"[..])
            );
        }
    }
}
