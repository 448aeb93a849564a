//! Base64 text (standard or URL-safe alphabet, padded or not), accepted
//! only when the result is plausible: mostly printable UTF-8 text (JSON
//! included), compressed data with a known magic (gzip, zlib, zstd), or a
//! plausible protobuf message. Random bytes, plain words and hex ids are
//! refused, so a field that merely uses base64's alphabet is no layer.
//!
//! A form decoder turns `+` into a space; when the text has spaces they are
//! restored to `+` before decoding, and the layer says so.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_PAD_INDIFFERENT, URL_SAFE_PAD_INDIFFERENT};

use super::layer_decoder::{Child, Input, Keep, LayerDecoder, Outcome, Priority};
use super::limits::{Budget, limit_note};
use super::protobuf;
use crate::codec::Codec;

/// Shortest base64 text considered (shorter ones are ids and words).
pub const MIN_BASE64_CHARS: usize = 8;
/// Share of printable characters decoded text must reach.
const MIN_PRINTABLE_RATIO: f64 = 0.95;
/// Smallest decoded size accepted as protobuf (tiny messages arise by chance).
const MIN_PROTOBUF_BYTES: usize = 16;
/// Base64 encodes 3 bytes in 4 characters.
const DECODED_PER_ENCODED: (usize, usize) = (3, 4);

pub struct Base64Decoder;

impl LayerDecoder for Base64Decoder {
    fn name(&self) -> &'static str {
        "base64"
    }

    fn claims(&self, input: &Input<'_>) -> Priority {
        match input.text {
            Some(text) if shape(text).is_some() => Priority::FALLBACK,
            _ => Priority::NO,
        }
    }

    fn decode(&self, input: &Input<'_>, budget: &mut Budget) -> Result<Outcome, String> {
        let text = input.text.ok_or("not text")?;
        let shape = shape(text).ok_or("not base64 text")?;
        let (limit, bound) = budget.output_limit(text.len());
        let estimate = text.len() / DECODED_PER_ENCODED.1 * DECODED_PER_ENCODED.0;
        if estimate > limit {
            budget.spend(limit);
            let mut child = Child::new(
                "base64",
                "base64",
                Vec::new(),
                format!("base64 {} bytes", text.len()),
                Keep::Always,
            );
            child.note = Some(limit_note("base64", bound, limit));
            child.expand = false;
            return Ok(Outcome {
                children: vec![child],
                ..Outcome::default()
            });
        }
        let decoded = decode_text(text, shape)?;
        budget.spend(decoded.len());
        let kind = plausible_kind(&decoded).ok_or("decoded bytes look random, not base64")?;
        let summary = format!(
            "base64 ({}) {} → {} bytes, {kind}",
            shape.alphabet_name(),
            text.len(),
            decoded.len()
        );
        let mut child = Child::new("base64", "base64", decoded, summary, Keep::Always);
        if shape.restored_plus {
            child.note = Some("restored `+` that form decoding had turned into spaces".to_string());
        }
        Ok(Outcome {
            children: vec![child],
            ..Outcome::default()
        })
    }
}

/// What the text looks like as base64.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Shape {
    url_safe: bool,
    restored_plus: bool,
}

impl Shape {
    fn alphabet_name(self) -> &'static str {
        if self.url_safe { "URL-safe" } else { "standard" }
    }
}

/// Checks alphabet, padding, length and character mix without decoding.
fn shape(text: &str) -> Option<Shape> {
    let trimmed = text.trim_matches(['\r', '\n']);
    let body = trimmed.trim_end_matches('=');
    let padding = trimmed.len() - body.len();
    if body.len() < MIN_BASE64_CHARS || padding > 2 {
        return None;
    }
    let (mut standard, mut url_safe, mut spaces) = (false, false, false);
    let (mut upper, mut lower, mut digit) = (false, false, false);
    for byte in body.bytes() {
        match byte {
            b'A'..=b'Z' => upper = true,
            b'a'..=b'z' => lower = true,
            b'0'..=b'9' => digit = true,
            b'+' | b'/' => standard = true,
            b'-' | b'_' => url_safe = true,
            b' ' => spaces = true,
            b'\r' | b'\n' => {}
            _ => return None,
        }
    }
    // Spaces stand for `+` only in the standard alphabet.
    if (standard || spaces) && url_safe {
        return None;
    }
    let symbols = body.bytes().filter(|b| !matches!(b, b'\r' | b'\n')).count();
    if symbols % DECODED_PER_ENCODED.1 == 1 {
        return None;
    }
    // Real base64 mixes cases and digits; words, numbers and hex ids do not.
    let classes = usize::from(upper) + usize::from(lower) + usize::from(digit);
    if classes < 2 || is_hex_id(body) {
        return None;
    }
    Some(Shape {
        url_safe,
        restored_plus: spaces,
    })
}

/// Hex digits, optionally with dashes (UUIDs).
fn is_hex_id(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

fn decode_text(text: &str, shape: Shape) -> Result<Vec<u8>, String> {
    let engine = if shape.url_safe {
        &URL_SAFE_PAD_INDIFFERENT
    } else {
        &STANDARD_PAD_INDIFFERENT
    };
    // Most texts need no cleaning: decode them in place (copying them byte
    // by byte through `chars()` cost more than the decoding itself).
    let needs_cleaning = text.bytes().any(|b| matches!(b, b'\r' | b'\n' | b' '));
    let decoded = if needs_cleaning {
        let cleaned: Vec<u8> = text
            .bytes()
            .filter(|b| !matches!(b, b'\r' | b'\n'))
            .map(|b| if b == b' ' { b'+' } else { b })
            .collect();
        engine.decode(cleaned)
    } else {
        engine.decode(text.as_bytes())
    };
    decoded.map_err(|error| format!("not valid base64: {error}"))
}

/// Why decoded bytes are believable, or `None` when they look random.
pub fn plausible_kind(decoded: &[u8]) -> Option<&'static str> {
    if let Some(codec) = Codec::sniff(decoded) {
        return Some(codec.name());
    }
    if let Ok(text) = std::str::from_utf8(decoded)
        && is_mostly_printable(text)
    {
        return Some("text");
    }
    if decoded.len() >= MIN_PROTOBUF_BYTES && protobuf::parse_message(decoded).is_some() {
        return Some("protobuf");
    }
    None
}

/// At least [`MIN_PRINTABLE_RATIO`] of the characters are not control characters.
pub fn is_mostly_printable(text: &str) -> bool {
    if text.is_ascii() {
        // ASCII fast path: a byte is a character.
        let control = text
            .bytes()
            .filter(|b| b.is_ascii_control() && !matches!(b, b'\n' | b'\r' | b'\t'))
            .count();
        return !text.is_empty() && (text.len() - control) as f64 >= text.len() as f64 * MIN_PRINTABLE_RATIO;
    }
    let (mut total, mut printable) = (0usize, 0usize);
    for c in text.chars() {
        total += 1;
        if !c.is_control() || matches!(c, '\n' | '\r' | '\t') {
            printable += 1;
        }
    }
    total > 0 && printable as f64 >= total as f64 * MIN_PRINTABLE_RATIO
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::layer_decoder::Origin;

    fn decode(text: &str) -> Result<Outcome, String> {
        let input = Input::new(text.as_bytes(), Origin::Inner);
        assert_eq!(Base64Decoder.claims(&input), Priority::FALLBACK, "claims {text}");
        Base64Decoder.decode(&input, &mut Budget::new())
    }

    fn pseudo_random(len: usize) -> Vec<u8> {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect()
    }

    #[test]
    fn decodes_json_in_both_alphabets_with_or_without_padding() {
        for text in [
            "eyJldmVudCI6IiRBcHBTdGFydCJ9",
            "eyJhIjoiPz4-In0",
            "eyJhIjoiPz4+In0=",
            "eyJhIjoiPz4_In0",
        ] {
            let outcome = decode(text).expect("present in this test");
            let child = &outcome.children[0];
            assert!(child.content.starts_with(b"{\""), "{text}: {:?}", child.content);
            assert_eq!(child.step, "base64");
        }
    }

    #[test]
    fn restores_plus_turned_into_space_and_notes_it() {
        let outcome = decode("eyJhIjoiPz4 In0=").expect("present in this test");
        assert_eq!(outcome.children[0].content, br#"{"a":"?>>"}"#);
        assert!(
            outcome.children[0]
                .note
                .as_deref()
                .expect("present in this test")
                .contains("restored `+`")
        );
    }

    #[test]
    fn refuses_words_ids_and_short_text() {
        for text in [
            "hello",
            "helloworld",
            "documents",
            "5f2b8c9d0e1a3b4c5f2b8c9d",
            "550e8400-e29b-41d4-a716-446655440000",
            "12345678901",
            "a b c d e",
            "abc.def/ghi",
        ] {
            assert_eq!(
                Base64Decoder.claims(&Input::new(text.as_bytes(), Origin::Inner)),
                Priority::NO,
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_random_bytes() {
        let text = STANDARD_PAD_INDIFFERENT.encode(pseudo_random(96));
        let error = decode(&text).expect_err("should fail");
        assert_eq!(error, "decoded bytes look random, not base64");
        // Mixed-case words that happen to use the alphabet are refused too.
        assert!(decode("ThisIsNotBase64Text").is_err());
    }

    #[test]
    fn accepts_gzip_magic() {
        let text = STANDARD_PAD_INDIFFERENT.encode([0x1f, 0x8b, 0x08, 0, 1, 2, 3, 4, 5]);
        let outcome = decode(&text).expect("present in this test");
        assert!(
            outcome.children[0].summary.ends_with("gzip"),
            "{}",
            outcome.children[0].summary
        );
    }
}
