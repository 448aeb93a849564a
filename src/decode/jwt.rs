//! JSON Web Tokens (RFC 7519) in a value: `header.payload.signature`, each
//! part base64url. The child layer is the payload (JSON, decoded further by
//! the JSON decoder), so its claims read as `body.idToken.user_id`; the
//! header's `alg` goes into the summary. The signature is not checked: a
//! token is evidence of what was sent, not proof of who signed it.
//!
//! Claimed only for three dot-separated base64url parts whose first two
//! start like a JSON object (`eyJ`, base64 of `{"`), so dotted ids,
//! versions and host names are never tokens.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::layer_decoder::{Child, Input, Keep, LayerDecoder, Outcome, Priority};
use super::limits::{Budget, limit_note};

/// base64url of `{"`: how a JSON object starts.
const JSON_OBJECT_START: &str = "eyJ";

pub struct JwtDecoder;

impl LayerDecoder for JwtDecoder {
    fn name(&self) -> &'static str {
        "jwt"
    }

    fn claims(&self, input: &Input<'_>) -> Priority {
        match input.text {
            Some(text) if parts(text).is_some() => Priority::SNIFFED,
            _ => Priority::NO,
        }
    }

    fn decode(&self, input: &Input<'_>, budget: &mut Budget) -> Result<Outcome, String> {
        let text = input.text.ok_or("not text")?;
        let (header, payload, signature) = parts(text).ok_or("not header.payload.signature")?;
        let (limit, bound) = budget.output_limit(text.len());
        if payload.len() / 4 * 3 > limit {
            budget.spend(limit);
            let mut child = Child::new(
                "jwt",
                "jwt",
                Vec::new(),
                format!("JWT {} bytes", text.len()),
                Keep::Always,
            );
            child.note = Some(limit_note("jwt", bound, limit));
            child.expand = false;
            return Ok(Outcome {
                children: vec![child],
                ..Outcome::default()
            });
        }
        let header = decode_part(header).map_err(|e| format!("header is not base64url: {e}"))?;
        let header: serde_json::Value =
            serde_json::from_slice(&header).map_err(|e| format!("header is not JSON: {e}"))?;
        let algorithm = header.get("alg").and_then(serde_json::Value::as_str).unwrap_or("?");
        let claims = decode_part(payload).map_err(|e| format!("payload is not base64url: {e}"))?;
        budget.spend(claims.len());
        let signed = if signature.is_empty() {
            "unsigned"
        } else {
            "signature not checked"
        };
        let summary = format!("JWT (alg {algorithm}, {signed}) payload {} bytes", claims.len());
        Ok(Outcome {
            children: vec![Child::new("jwt", "jwt", claims, summary, Keep::Always)],
            ..Outcome::default()
        })
    }
}

/// The three parts of a token, when `text` has the shape.
fn parts(text: &str) -> Option<(&str, &str, &str)> {
    let text = text.trim();
    let mut split = text.split('.');
    let (header, payload, signature) = (split.next()?, split.next()?, split.next()?);
    if split.next().is_some() {
        return None;
    }
    let base64url = |part: &str| {
        part.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    (header.starts_with(JSON_OBJECT_START)
        && payload.starts_with(JSON_OBJECT_START)
        && base64url(header)
        && base64url(payload)
        && base64url(signature))
    .then_some((header, payload, signature))
}

/// base64url without padding (tolerating padding some encoders add).
fn decode_part(part: &str) -> Result<Vec<u8>, base64::DecodeError> {
    URL_SAFE_NO_PAD.decode(part.trim_end_matches('='))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::layer_decoder::Origin;

    // {"alg":"RS256","kid":"3f2a","typ":"JWT"} . {"user_id":"7d5a6fd0d53a566b","email":"jane@example.org"} . sig
    const TOKEN: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjNmMmEiLCJ0eXAiOiJKV1QifQ.eyJ1c2VyX2lkIjoiN2Q1YTZmZDBkNTNhNTY2YiIsImVtYWlsIjoiamFuZUBleGFtcGxlLm9yZyJ9.c2lnbmF0dXJl";

    #[test]
    fn the_payload_becomes_the_child() {
        let input = Input::new(TOKEN.as_bytes(), Origin::Inner);
        assert_eq!(JwtDecoder.claims(&input), Priority::SNIFFED);
        let outcome = JwtDecoder.decode(&input, &mut Budget::new()).expect("a token");
        let child = &outcome.children[0];
        assert_eq!(child.step, "jwt");
        assert_eq!(
            std::str::from_utf8(&child.content).expect("JSON text"),
            r#"{"user_id":"7d5a6fd0d53a566b","email":"jane@example.org"}"#
        );
        assert_eq!(child.summary, "JWT (alg RS256, signature not checked) payload 57 bytes");
    }

    #[test]
    fn dotted_values_are_not_tokens() {
        for text in [
            "1.2.3",
            "www.example.com",
            "eyJhbGciOiJub25lIn0.eyJhIjoxfQ",
            "eyJ.eyJ.sig.extra",
            "eyJhbGciOiJub25lIn0.eyJhIjoxfQ.a+b",
            "abc.eyJhIjoxfQ.sig",
        ] {
            assert_eq!(
                JwtDecoder.claims(&Input::new(text.as_bytes(), Origin::Inner)),
                Priority::NO,
                "{text}"
            );
        }
    }

    #[test]
    fn unsigned_tokens_and_bad_headers() {
        // {"alg":"none"} . {"a":1} . (empty)
        let unsigned = "eyJhbGciOiJub25lIn0.eyJhIjoxfQ.";
        let outcome = JwtDecoder
            .decode(&Input::new(unsigned.as_bytes(), Origin::Inner), &mut Budget::new())
            .expect("unsigned token");
        assert_eq!(outcome.children[0].content, br#"{"a":1}"#);
        assert!(outcome.children[0].summary.contains("alg none, unsigned"));
        let bad = "eyJub3QganNvbg.eyJhIjoxfQ.sig";
        let error = JwtDecoder
            .decode(&Input::new(bad.as_bytes(), Origin::Inner), &mut Budget::new())
            .expect_err("header is not JSON");
        assert!(error.contains("header is not JSON"), "{error}");
    }
}
