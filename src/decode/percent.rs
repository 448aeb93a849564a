//! A whole value percent-encoded once more than its container needs:
//! a body that is `os%3Dandroid%26model%3DPixel` (Mintegral's analytics), a
//! form field holding `%7B%22event%22…`. The child layer is the decoded
//! text, which the form or JSON decoder then reads — how SDKs end up
//! URL-encoded two or three levels deep.
//!
//! Claimed only for text with no raw `=`, `&` or whitespace that holds an
//! escaped `=` or `{`/`[` and decodes to a form or JSON, so ordinary
//! escaped values (`a%20b`, `%E4%BD%A0`) stay what they are.

use super::form::{looks_like_form, percent_decode};
use super::json::looks_like_json;
use super::layer_decoder::{Child, Input, Keep, LayerDecoder, Outcome, Priority};
use super::limits::Budget;

pub struct PercentDecoder;

impl LayerDecoder for PercentDecoder {
    fn name(&self) -> &'static str {
        "url-decoded"
    }

    fn claims(&self, input: &Input<'_>) -> Priority {
        match input.text {
            Some(text) if decoded(text).is_some() => Priority::SNIFFED,
            _ => Priority::NO,
        }
    }

    fn decode(&self, input: &Input<'_>, budget: &mut Budget) -> Result<Outcome, String> {
        let text = input.text.ok_or("not text")?;
        let decoded = decoded(text).ok_or("not a percent-encoded form or JSON")?;
        budget.spend(decoded.len());
        let summary = format!("URL-decoded {} → {} bytes", text.len(), decoded.len());
        Ok(Outcome {
            children: vec![Child::new(
                "url-decoded",
                "url-decoded",
                decoded.into_bytes(),
                summary,
                Keep::Always,
            )],
            ..Outcome::default()
        })
    }
}

/// The decoded text, when `text` is a percent-encoded form or JSON value.
fn decoded(text: &str) -> Option<String> {
    let text = text.trim_end_matches(['\r', '\n']);
    if text.contains(['=', '&']) || text.contains(char::is_whitespace) {
        return None;
    }
    let upper = text.to_ascii_uppercase();
    let escaped_structure = upper.contains("%3D") || upper.starts_with("%7B") || upper.starts_with("%5B");
    if !escaped_structure {
        return None;
    }
    let decoded = percent_decode(text);
    (looks_like_form(&decoded) || looks_like_json(&decoded)).then_some(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::layer_decoder::Origin;

    #[test]
    fn encoded_forms_and_json_are_unwrapped() {
        let input = Input::new(b"os%3Dandroid%26model%3DPixel%25206", Origin::Body);
        assert_eq!(PercentDecoder.claims(&input), Priority::SNIFFED);
        let outcome = PercentDecoder.decode(&input, &mut Budget::new()).expect("a form");
        assert_eq!(outcome.children[0].content, b"os=android&model=Pixel%206");
        let json = Input::new(b"%7B%22event%22%3A%22open%22%7D", Origin::Inner);
        let outcome = PercentDecoder.decode(&json, &mut Budget::new()).expect("JSON");
        assert_eq!(outcome.children[0].content, br#"{"event":"open"}"#);
    }

    #[test]
    fn ordinary_escaped_values_are_left_alone() {
        for text in [
            "a%20b",
            "%E4%BD%A0%E5%A5%BD",
            "a=b%3Dc",
            "plain",
            "100%25",
            "x%3Dy%20z w",
        ] {
            assert_eq!(
                PercentDecoder.claims(&Input::new(text.as_bytes(), Origin::Inner)),
                Priority::NO,
                "{text}"
            );
        }
    }
}
