//! `application/x-www-form-urlencoded` bodies (declared, or sniffed from a
//! `k=v&k=v` shape): the layer gets its decoded pairs; field values that
//! decode further, or are long, become `form:<key>` child layers.
//!
//! Like every form parser this turns `+` into a space; the base64 decoder
//! restores it and says so, since SDKs often send base64 unescaped.

use super::layer_decoder::{Child, Input, Keep, LayerDecoder, Origin, Outcome, Priority};
use super::limits::{Budget, MAX_PART_LAYERS};
use super::tree::Structure;

/// Longest key a sniffed form may have (longer looks like base64 text).
const MAX_SNIFFED_KEY_CHARS: usize = 64;

pub struct FormDecoder;

impl LayerDecoder for FormDecoder {
    fn name(&self) -> &'static str {
        "form"
    }

    fn claims(&self, input: &Input<'_>) -> Priority {
        if input.origin == Origin::Url {
            return Priority::NO;
        }
        if input.media_type().as_deref() == Some("application/x-www-form-urlencoded") {
            return Priority::DECLARED;
        }
        match input.text {
            Some(text) if looks_like_form(text) => Priority::SNIFFED,
            _ => Priority::NO,
        }
    }

    fn decode(&self, input: &Input<'_>, _budget: &mut Budget) -> Result<Outcome, String> {
        let text = input.text.ok_or("form body is not valid UTF-8")?;
        let pairs = parse_pairs(text.trim_end_matches(['\r', '\n']));
        // A declared form that is really JSON or text has no `=` at all.
        if pairs.is_empty() || !text.contains('=') {
            return Err("no `key=value` fields".to_string());
        }
        Ok(pairs_outcome("form", pairs))
    }
}

/// The outcome shared by form and query decoding: pairs on the layer,
/// child layers for values worth a look.
pub fn pairs_outcome(prefix: &'static str, pairs: Vec<(String, String)>) -> Outcome {
    let noun = if prefix == "query" { "parameter" } else { "field" };
    let summary = format!(
        "{prefix}, {} {noun}{}",
        pairs.len(),
        if pairs.len() == 1 { "" } else { "s" }
    );
    let children = pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .take(MAX_PART_LAYERS)
        .map(|(key, value)| {
            let summary = format!("{prefix} {noun} `{key}`, {} bytes", value.len());
            Child::new(
                prefix,
                format!("{prefix}:{key}"),
                value.as_bytes().to_vec(),
                summary,
                Keep::IfDecodedOrLong,
            )
        })
        .collect();
    Outcome {
        summary,
        note: None,
        structure: Some(Structure::Pairs(pairs)),
        children,
    }
}

/// Splits `a=1&b=2` into decoded pairs; `+` becomes a space, `%XX` a byte.
pub fn parse_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            let (key, value) = segment.split_once('=').unwrap_or((segment, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

/// Decodes `%XX` escapes and `+`; malformed escapes stay as written.
pub fn percent_decode(text: &str) -> String {
    if !text.bytes().any(|b| b == b'%' || b == b'+') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => out.push(b' '),
            b'%' => {
                if let Some(byte) = bytes.get(index + 1..index + 3).and_then(hex_byte) {
                    out.push(byte);
                    index += 3;
                    continue;
                }
                out.push(b'%');
            }
            other => out.push(other),
        }
        index += 1;
    }
    String::from_utf8(out).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

fn hex_byte(pair: &[u8]) -> Option<u8> {
    let nibble = |b: u8| char::from(b).to_digit(16);
    Some((nibble(*pair.first()?)? * 16 + nibble(*pair.get(1)?)?) as u8)
}

/// `k=v&k=v` with sane keys and no whitespace; at least one value that is
/// not just base64 padding (so `eyJhIjoxfQ==` is not a form).
pub fn looks_like_form(text: &str) -> bool {
    let text = text.trim_end_matches(['\r', '\n']);
    if text.is_empty() || text.contains(char::is_whitespace) {
        return false;
    }
    let mut has_value = false;
    for segment in text.split('&').filter(|segment| !segment.is_empty()) {
        let Some((key, value)) = segment.split_once('=') else {
            return false;
        };
        if key.is_empty() || key.len() > MAX_SNIFFED_KEY_CHARS || !key.chars().all(is_key_char) {
            return false;
        }
        has_value |= !value.is_empty() && !value.chars().all(|c| c == '=');
    }
    has_value
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_.-[]$%:~*".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(text: &str, content_type: Option<&str>) -> Option<Outcome> {
        let mut input = Input::new(text.as_bytes(), Origin::Body);
        input.content_type = content_type;
        (FormDecoder.claims(&input) > Priority::NO).then(|| {
            FormDecoder
                .decode(&input, &mut Budget::new())
                .expect("present in this test")
        })
    }

    #[test]
    fn claims_declared_and_sniffed_forms_only() {
        let declared = Input {
            content_type: Some("application/x-www-form-urlencoded; charset=UTF-8"),
            ..Input::new(b"x", Origin::Body)
        };
        assert_eq!(FormDecoder.claims(&declared), Priority::DECLARED);
        assert_eq!(
            FormDecoder.claims(&Input::new(b"v=1&t=pageview", Origin::Inner)),
            Priority::SNIFFED
        );
        for refused in ["eyJhIjoxfQ==", "hello world", "{\"a\":1}", "a=", "https://x/?a=b", ""] {
            assert_eq!(
                FormDecoder.claims(&Input::new(refused.as_bytes(), Origin::Body)),
                Priority::NO,
                "{refused}"
            );
        }
        assert_eq!(FormDecoder.claims(&Input::new(b"a=b", Origin::Url)), Priority::NO);
    }

    #[test]
    fn declared_form_without_fields_fails_so_json_can_win() {
        let input = Input {
            content_type: Some("application/x-www-form-urlencoded"),
            ..Input::new(b"{\"a\":1}", Origin::Body)
        };
        assert!(FormDecoder.decode(&input, &mut Budget::new()).is_err());
    }

    #[test]
    fn decodes_pairs_plus_and_percent() {
        let outcome = decode("crc=-12&gzip=1&q=a+b%2Fc%ZZ", None).expect("present in this test");
        assert_eq!(
            outcome.structure,
            Some(Structure::Pairs(vec![
                ("crc".into(), "-12".into()),
                ("gzip".into(), "1".into()),
                ("q".into(), "a b/c%ZZ".into()),
            ]))
        );
        assert_eq!(outcome.summary, "form, 3 fields");
        assert_eq!(outcome.children[2].step, "form:q");
        assert_eq!(outcome.children[2].keep, Keep::IfDecodedOrLong);
    }
}
