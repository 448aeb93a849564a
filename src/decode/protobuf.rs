//! Raw protobuf without a schema, walked like `protoc --decode_raw`.
//!
//! Binary data is only called protobuf when it is plausible: every byte
//! consumed, only wire types 0, 1, 2 and 5 (no groups), field numbers from 1
//! to [`MAX_PLAUSIBLE_FIELD_NUMBER`], lengths inside the buffer. Nested
//! messages are recognised to [`MAX_NESTING`] levels. The decoded tree
//! becomes a `protobuf` child layer whose text is the field tree; text
//! fields that may hold more encoding (a JWT, JSON, base64) become
//! `protobuf:<path>` children of it (decoder `protobuf-string`, path as
//! the document names it: `1[2].3`), kept only when something decodes.

use super::b64::is_mostly_printable;
use super::layer_decoder::{Child, Input, Keep, LayerDecoder, Outcome, Priority};
use super::limits::Budget;
use super::tree::Structure;
use std::fmt::Write as _;

/// Highest field number accepted (real schemas stay far below; random bytes do not).
pub const MAX_PLAUSIBLE_FIELD_NUMBER: u64 = 65_535;
/// Deepest nested message recognised.
const MAX_NESTING: usize = 32;
/// Longest varint (64 bits in 7-bit groups).
const MAX_VARINT_BYTES: usize = 10;
const WIRE_VARINT: u64 = 0;
const WIRE_FIXED64: u64 = 1;
const WIRE_LENGTH_DELIMITED: u64 = 2;
const WIRE_FIXED32: u64 = 5;
/// Smallest binary input sniffed as protobuf.
const MIN_SNIFFED_BYTES: usize = 2;
/// Shortest text field tried as an embedded encoding.
const MIN_STRING_PART_CHARS: usize = 16;
/// Most text fields of one message tried as embedded encodings.
const MAX_STRING_PARTS: usize = 200;

/// One field of a raw message.
#[derive(Clone, Debug, PartialEq)]
pub struct ProtoField {
    pub number: u64,
    pub value: ProtoValue,
}

/// A field value as far as the wire format tells.
#[derive(Clone, Debug, PartialEq)]
pub enum ProtoValue {
    Varint(u64),
    Fixed64(u64),
    Fixed32(u32),
    Text(String),
    Message(Vec<ProtoField>),
    Bytes(Vec<u8>),
}

pub struct ProtobufDecoder;

impl LayerDecoder for ProtobufDecoder {
    fn name(&self) -> &'static str {
        "protobuf"
    }

    fn claims(&self, input: &Input<'_>) -> Priority {
        if input.media_type().is_some_and(|media| media.contains("protobuf")) {
            return Priority::DECLARED;
        }
        // Protobuf is often valid UTF-8 (all bytes < 0x80) but full of control bytes.
        if input.bytes.len() >= MIN_SNIFFED_BYTES && !input.text.is_some_and(is_mostly_printable) {
            return Priority::FALLBACK;
        }
        Priority::NO
    }

    fn decode(&self, input: &Input<'_>, _budget: &mut Budget) -> Result<Outcome, String> {
        let fields = parse_message(input.bytes).ok_or("not a plausible protobuf message")?;
        let mut text = String::new();
        render(&fields, 0, &mut text);
        let summary = format!("protobuf, {} top-level fields", fields.len());
        let mut child = Child::new("protobuf", "protobuf", text.into_bytes(), summary.clone(), Keep::Always);
        child.expand = false;
        string_parts(&fields, "", &mut child.children);
        child.structure = Some(Structure::Protobuf(fields));
        Ok(Outcome {
            summary,
            children: vec![child],
            ..Outcome::default()
        })
    }
}

/// Text fields long enough to hold an encoding, as `protobuf:<path>`
/// children (a field number, `[n]` when the field repeats).
fn string_parts(fields: &[ProtoField], prefix: &str, out: &mut Vec<Child>) {
    for (position, field) in fields.iter().enumerate() {
        if out.len() >= MAX_STRING_PARTS {
            return;
        }
        let same = |other: &ProtoField| other.number == field.number;
        let mut path = if prefix.is_empty() {
            field.number.to_string()
        } else {
            format!("{prefix}.{}", field.number)
        };
        if fields.iter().filter(|f| same(f)).count() > 1 {
            let nth = fields[..position].iter().filter(|f| same(f)).count();
            path = format!("{path}[{nth}]");
        }
        match &field.value {
            ProtoValue::Message(inner) => string_parts(inner, &path, out),
            ProtoValue::Text(text) if text.chars().count() >= MIN_STRING_PART_CHARS => {
                let summary = format!("protobuf field {path}, {} bytes", text.len());
                out.push(Child::new(
                    "protobuf-string",
                    format!("protobuf:{path}"),
                    text.as_bytes().to_vec(),
                    summary,
                    Keep::IfDecoded,
                ));
            }
            _ => {}
        }
    }
}

/// Parses a whole buffer as one plausible message, or `None`.
pub fn parse_message(bytes: &[u8]) -> Option<Vec<ProtoField>> {
    parse_nested(bytes, 0)
}

fn parse_nested(bytes: &[u8], depth: usize) -> Option<Vec<ProtoField>> {
    if bytes.is_empty() {
        return None;
    }
    let mut position = 0;
    let mut fields = Vec::new();
    while position < bytes.len() {
        let tag = read_varint(bytes, &mut position)?;
        let number = tag >> 3;
        if number == 0 || number > MAX_PLAUSIBLE_FIELD_NUMBER {
            return None;
        }
        let value = match tag & 0x7 {
            WIRE_VARINT => ProtoValue::Varint(read_varint(bytes, &mut position)?),
            WIRE_FIXED64 => ProtoValue::Fixed64(u64::from_le_bytes(take(bytes, &mut position)?)),
            WIRE_FIXED32 => ProtoValue::Fixed32(u32::from_le_bytes(take(bytes, &mut position)?)),
            WIRE_LENGTH_DELIMITED => {
                let length = usize::try_from(read_varint(bytes, &mut position)?).ok()?;
                let end = position.checked_add(length).filter(|end| *end <= bytes.len())?;
                let value = classify(&bytes[position..end], depth);
                position = end;
                value
            }
            _ => return None,
        };
        fields.push(ProtoField { number, value });
    }
    Some(fields)
}

/// Text when clean, else a nested message when one parses, else loose
/// text, else bytes (the order `protoc --decode_raw` users expect).
fn classify(slice: &[u8], depth: usize) -> ProtoValue {
    let text = std::str::from_utf8(slice).ok();
    if let Some(clean) = text.filter(|t| !t.chars().any(char::is_control)) {
        return ProtoValue::Text(clean.to_string());
    }
    if depth < MAX_NESTING
        && let Some(message) = parse_nested(slice, depth + 1)
    {
        return ProtoValue::Message(message);
    }
    match text {
        Some(loose) if is_mostly_printable(loose) => ProtoValue::Text(loose.to_string()),
        _ => ProtoValue::Bytes(slice.to_vec()),
    }
}

fn read_varint(bytes: &[u8], position: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in 0..MAX_VARINT_BYTES {
        let byte = *bytes.get(*position)?;
        *position += 1;
        value |= u64::from(byte & 0x7f).checked_shl(u32::try_from(shift * 7).ok()?)?;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn take<const N: usize>(bytes: &[u8], position: &mut usize) -> Option<[u8; N]> {
    let end = position.checked_add(N)?;
    let array = bytes.get(*position..end)?.try_into().ok()?;
    *position = end;
    Some(array)
}

/// Writes the field tree the way `protoc --decode_raw` prints it.
pub fn render(fields: &[ProtoField], indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    for field in fields {
        let number = field.number;
        let _ = match &field.value {
            ProtoValue::Varint(value) => writeln!(out, "{pad}{number}: {value}"),
            ProtoValue::Fixed64(value) => writeln!(out, "{pad}{number}: 0x{value:016x}"),
            ProtoValue::Fixed32(value) => writeln!(out, "{pad}{number}: 0x{value:08x}"),
            ProtoValue::Text(text) => writeln!(out, "{pad}{number}: {text:?}"),
            ProtoValue::Bytes(bytes) => writeln!(out, "{pad}{number}: \"{}\"", bytes.escape_ascii()),
            ProtoValue::Message(inner) => {
                let _ = writeln!(out, "{pad}{number} {{");
                render(inner, indent + 1, out);
                writeln!(out, "{pad}}}")
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::layer_decoder::Origin;

    /// field 1 { field 2: "screen_view", field 4: 1586000000000 }, field 3: 150
    fn sample() -> Vec<u8> {
        let mut inner = vec![0x12, 11];
        inner.extend_from_slice(b"screen_view");
        inner.push(0x20);
        let mut millis = 1_586_000_000_000u64;
        while millis >= 0x80 {
            inner.push((millis as u8) | 0x80);
            millis >>= 7;
        }
        inner.push(millis as u8);
        let mut message = vec![0x0a, inner.len() as u8];
        message.extend(inner);
        message.extend([0x18, 0x96, 0x01]);
        message
    }

    #[test]
    fn walks_nested_messages_like_decode_raw() {
        let fields = parse_message(&sample()).expect("present in this test");
        let mut text = String::new();
        render(&fields, 0, &mut text);
        assert_eq!(text, "1 {\n  2: \"screen_view\"\n  4: 1586000000000\n}\n3: 150\n");
    }

    #[test]
    fn claims_binary_and_decodes_into_a_child() {
        let bytes = sample();
        let input = Input::new(&bytes, Origin::Inner);
        assert_eq!(ProtobufDecoder.claims(&input), Priority::FALLBACK);
        let outcome = ProtobufDecoder
            .decode(&input, &mut Budget::new())
            .expect("present in this test");
        assert_eq!(outcome.children[0].step, "protobuf");
        assert!(matches!(outcome.children[0].structure, Some(Structure::Protobuf(ref f)) if f.len() == 2));
    }

    #[test]
    fn long_text_fields_are_offered_for_more_decoding() {
        // 1: "eyJ…" (24 chars), 2 { 3: "short" }, 2 { 3: "a longer text value" }
        let token = b"eyJhbGciOiJub25lIn0.eyJ";
        let mut message = vec![0x0a, token.len() as u8];
        message.extend_from_slice(token);
        for text in [&b"short"[..], b"a longer text value"] {
            let inner = [&[0x1a, text.len() as u8][..], text].concat();
            message.extend([0x12, inner.len() as u8]);
            message.extend(inner);
        }
        let outcome = ProtobufDecoder
            .decode(&Input::new(&message, Origin::Inner), &mut Budget::new())
            .expect("a message");
        let steps: Vec<&str> = outcome.children[0].children.iter().map(|c| c.step.as_str()).collect();
        assert_eq!(steps, ["protobuf:1", "protobuf:2[1].3"]);
        assert!(outcome.children[0].children.iter().all(|c| c.keep == Keep::IfDecoded));
    }

    #[test]
    fn refuses_implausible_bytes() {
        assert_eq!(
            ProtobufDecoder.claims(&Input::new(b"plain text", Origin::Inner)),
            Priority::NO
        );
        // Field number 0, group wire type, length past the end, trailing garbage.
        for bad in [&[0x00, 0x01][..], &[0x0b, 0x0c], &[0x0a, 0x05, 0x01], &[0x08, 0x96]] {
            assert_eq!(parse_message(bad), None, "{bad:?}");
        }
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let random: Vec<u8> = (0..64)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 32) as u8
            })
            .collect();
        assert_eq!(parse_message(&random), None);
        let error = ProtobufDecoder
            .decode(&Input::new(&random, Origin::Inner), &mut Budget::new())
            .expect_err("should fail");
        assert_eq!(error, "not a plausible protobuf message");
    }
}
