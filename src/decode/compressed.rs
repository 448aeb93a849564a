//! Compressed payloads: gzip, zlib and zstd by magic bytes or declaration;
//! raw deflate and brotli only when a `Content-Encoding` still to be undone
//! declares them (they have no magic to sniff).
//!
//! Decompression goes through [`crate::codec::decompress`] with the
//! [`Budget`]'s limit, so a bomb yields a layer with a note and no content.

use super::layer_decoder::{Child, Input, Keep, LayerDecoder, Outcome, Priority};
use super::limits::{Budget, limit_note};
use crate::codec::{Codec, CodecError, decompress};

/// One compression scheme as a layer decoder.
pub struct Compressed(pub Codec);

impl LayerDecoder for Compressed {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn claims(&self, input: &Input<'_>) -> Priority {
        if input.content_encoding.is_some_and(|tokens| declares(tokens, self.0)) {
            return Priority::DECLARED;
        }
        if Codec::sniff(input.bytes) == Some(self.0) {
            return Priority::SNIFFED;
        }
        Priority::NO
    }

    fn decode(&self, input: &Input<'_>, budget: &mut Budget) -> Result<Outcome, String> {
        let codec = self.0;
        let (limit, bound) = budget.output_limit(input.bytes.len());
        let child = match decompress(codec, input.bytes, limit) {
            Ok(plain) => {
                budget.spend(plain.len());
                let summary = format!("{} {} → {} bytes", codec.name(), input.bytes.len(), plain.len());
                Child::new(codec.name(), codec.name(), plain, summary, Keep::Always)
            }
            Err(CodecError::TooLarge { .. }) => {
                budget.spend(limit);
                let summary = format!("{} {} → more than {limit} bytes", codec.name(), input.bytes.len());
                let mut bomb = Child::new(codec.name(), codec.name(), Vec::new(), summary, Keep::Always);
                bomb.note = Some(limit_note(codec.name(), bound, limit));
                bomb.expand = false;
                bomb
            }
            Err(error) => return Err(error.to_string()),
        };
        Ok(Outcome {
            children: vec![child],
            ..Outcome::default()
        })
    }
}

/// Whether a `Content-Encoding` value names `codec` (`deflate` names both
/// zlib and raw deflate, as servers send both).
fn declares(tokens: &str, codec: Codec) -> bool {
    tokens
        .split(',')
        .map(|token| token.trim().to_ascii_lowercase())
        .any(|token| match codec {
            Codec::Gzip => token == "gzip" || token == "x-gzip",
            Codec::Zlib | Codec::Deflate => token == "deflate",
            Codec::Brotli => token == "br",
            Codec::Zstd => token == "zstd",
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::layer_decoder::Origin;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).expect("write to Vec");
        encoder.finish().expect("finish gzip")
    }

    #[test]
    fn claims_by_magic_or_declaration_only() {
        let packed = gzip(b"[1]");
        assert_eq!(
            Compressed(Codec::Gzip).claims(&Input::new(&packed, Origin::Inner)),
            Priority::SNIFFED
        );
        assert_eq!(
            Compressed(Codec::Zstd).claims(&Input::new(&packed, Origin::Inner)),
            Priority::NO
        );
        assert_eq!(
            Compressed(Codec::Brotli).claims(&Input::new(b"\x0b\x02\x80", Origin::Body)),
            Priority::NO
        );
        let declared = Input {
            content_encoding: Some("br"),
            ..Input::new(b"\x0b\x02\x80", Origin::Body)
        };
        assert_eq!(Compressed(Codec::Brotli).claims(&declared), Priority::DECLARED);
        assert_eq!(
            Compressed(Codec::Gzip).claims(&Input::new(b"plain text", Origin::Body)),
            Priority::NO
        );
    }

    #[test]
    fn decompresses_with_a_size_summary() {
        let packed = gzip(b"{\"event\":\"x\"}");
        let outcome = Compressed(Codec::Gzip)
            .decode(&Input::new(&packed, Origin::Inner), &mut Budget::new())
            .expect("present in this test");
        let child = &outcome.children[0];
        assert_eq!(child.content, b"{\"event\":\"x\"}");
        assert_eq!(child.summary, format!("gzip {} → 13 bytes", packed.len()));
    }

    #[test]
    fn truncated_input_is_an_error() {
        let packed = gzip(&[7u8; 5000]);
        let error = Compressed(Codec::Gzip)
            .decode(
                &Input::new(&packed[..packed.len() / 2], Origin::Inner),
                &mut Budget::new(),
            )
            .expect_err("should fail");
        assert!(error.starts_with("not valid gzip after"), "{error}");
    }

    #[test]
    fn ratio_bomb_becomes_a_noted_empty_layer() {
        let packed = gzip(&vec![0u8; 8 * 1024 * 1024]);
        assert!(
            packed.len() * crate::decode::limits::MAX_EXPANSION_RATIO < 8 * 1024 * 1024,
            "zeros compress over 1000:1"
        );
        let mut budget = Budget::new();
        let outcome = Compressed(Codec::Gzip)
            .decode(&Input::new(&packed, Origin::Inner), &mut budget)
            .expect("present in this test");
        let child = &outcome.children[0];
        assert!(child.content.is_empty());
        assert!(
            child
                .note
                .as_deref()
                .expect("present in this test")
                .contains("expansion limit of 1000:1"),
            "{:?}",
            child.note
        );
        assert!(budget.used_output_bytes() > 0);
    }
}
