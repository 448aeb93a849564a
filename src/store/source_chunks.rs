//! The evidence files' own bytes, kept in the case in pieces of
//! [`SOURCE_CHUNK_BYTES`], each compressed with zstd when that makes it
//! smaller (schema 6). Captures are text-heavy (a HAR of base64 tracker
//! payloads shrinks about fourfold), and the original was the largest single
//! part of a case. `telltale verify` decompresses every piece and re-hashes
//! the file, so the SHA-256 recorded at import still proves the bytes are
//! the ones that were imported.
//!
//! A piece's stored form is untrusted like any input: decompression stops
//! at the piece size, and a piece that does not decompress is reported by
//! `verify`, never returned short.

use super::StoreError;
use super::import::SOURCE_CHUNK_BYTES;
use crate::model::SourceId;
use rusqlite::{Transaction, params};

/// zstd's fastest level: the import is the hot path, and higher levels
/// gain little on this kind of text.
const LEVEL: i32 = 1;

/// One piece ready to store.
pub(super) struct StoredChunk {
    bytes: Vec<u8>,
    compression: Option<&'static str>,
}

impl StoredChunk {
    /// Compresses `piece` when that makes it smaller; keeps it as is otherwise.
    pub(super) fn pack(piece: Vec<u8>) -> StoredChunk {
        match zstd::bulk::compress(&piece, LEVEL) {
            Ok(packed) if packed.len() < piece.len() => StoredChunk {
                bytes: packed,
                compression: Some("zstd"),
            },
            _ => StoredChunk {
                bytes: piece,
                compression: None,
            },
        }
    }

    pub(super) fn insert(&self, tx: &Transaction<'_>, source: SourceId, seq: i64) -> Result<(), StoreError> {
        let mut insert = tx
            .prepare_cached("INSERT INTO source_chunks (source_id, seq, bytes, compression) VALUES (?1, ?2, ?3, ?4)")?;
        insert.execute(params![source, seq, self.bytes, self.compression])?;
        Ok(())
    }
}

/// The original bytes of a stored piece, or what is wrong with it.
pub(super) fn unpack(bytes: Vec<u8>, compression: Option<&str>) -> Result<Vec<u8>, String> {
    match compression {
        None => Ok(bytes),
        // A piece is at most SOURCE_CHUNK_BYTES; anything larger was not written by an import.
        Some("zstd") => {
            zstd::bulk::decompress(&bytes, SOURCE_CHUNK_BYTES).map_err(|e| format!("does not decompress ({e})"))
        }
        Some(other) => Err(format!("has an unknown compression `{other}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_packed_and_comes_back_whole() {
        let piece: Vec<u8> = b"{\"request\": {\"url\": \"https://graph.facebook.com/\"}}, "
            .iter()
            .copied()
            .cycle()
            .take(SOURCE_CHUNK_BYTES)
            .collect();
        let stored = StoredChunk::pack(piece.clone());
        assert_eq!(stored.compression, Some("zstd"));
        assert!(stored.bytes.len() * 20 < piece.len(), "{}", stored.bytes.len());
        assert_eq!(unpack(stored.bytes, stored.compression), Ok(piece));
    }

    #[test]
    fn incompressible_bytes_are_kept_as_they_are() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let piece: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let stored = StoredChunk::pack(piece.clone());
        assert_eq!(stored.compression, None);
        assert_eq!(stored.bytes, piece);
    }

    #[test]
    fn a_piece_that_expands_past_its_size_is_refused() {
        // 64 MiB of zeros compress to a few KiB: a forged piece must not be
        // inflated past the size an import writes.
        let bomb = zstd::bulk::compress(&vec![0u8; 64 << 20], 1).expect("compress");
        let error = unpack(bomb, Some("zstd")).expect_err("capped");
        assert!(error.starts_with("does not decompress"), "{error}");
        assert!(unpack(vec![1, 2, 3], Some("lz4")).is_err());
    }
}
