//! The forms a canary phrase takes on the wire: as typed, URL- and
//! form-encoded, JSON-escaped, base64 (standard and URL-safe, at each of
//! the three byte alignments it can sit at inside a longer base64 text),
//! hex, and MD5/SHA-1/SHA-256 hex digests (trackers hash identifiers).

use base64::Engine as _;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// A transformed form shorter than this (a two-character base64 fragment)
/// matches too much by chance.
const MIN_TRANSFORMED_CHARS: usize = 4;

/// One searchable form of a needle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    /// How the needle was transformed: `plain`, `url-encoded`, `form-encoded`,
    /// `json-escaped`, `base64`, `base64url`, `hex`, `md5`, `sha1`, `sha256`.
    pub transform: String,
    pub pattern: String,
}

/// Every distinct form of `needle` worth searching for, plain first.
pub fn needle_variants(needle: &str) -> Vec<Variant> {
    let bytes = needle.as_bytes();
    let mut variants = vec![
        variant("plain", needle.to_string()),
        variant("url-encoded", percent_encode(needle, "%20")),
        variant("form-encoded", percent_encode(needle, "+")),
        variant("json-escaped", json_escape(needle)),
        variant("hex", hex::encode(bytes)),
        variant("md5", hex::encode(Md5::digest(bytes))),
        variant("sha1", hex::encode(Sha1::digest(bytes))),
        variant("sha256", hex::encode(Sha256::digest(bytes))),
    ];
    for offset in 0..3 {
        let (standard, url_safe) = base64_fragments(bytes, offset);
        variants.push(variant("base64", standard));
        variants.push(variant("base64url", url_safe));
    }
    let mut seen = std::collections::HashSet::new();
    variants.retain(|v| {
        let long_enough = v.transform == "plain" || v.pattern.chars().count() >= MIN_TRANSFORMED_CHARS;
        long_enough && seen.insert(v.pattern.clone())
    });
    variants
}

fn variant(transform: &str, pattern: String) -> Variant {
    Variant {
        transform: transform.to_string(),
        pattern,
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters; a space
/// becomes `space` (`%20` for URLs, `+` for forms).
fn percent_encode(text: &str, space: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(char::from(byte)),
            b' ' => out.push_str(space),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// How JSON writers that escape everything write the needle: `\/` for `/`
/// and `\uXXXX` (UTF-16) for non-ASCII.
fn json_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '/' => out.push_str("\\/"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_ascii() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out
}

/// The base64 characters that depend only on the needle when it starts
/// `offset` bytes into a 3-byte group of a longer encoded text.
fn base64_fragments(bytes: &[u8], offset: usize) -> (String, String) {
    let mut padded = vec![0u8; offset];
    padded.extend_from_slice(bytes);
    padded.extend_from_slice(&[0, 0]);
    let standard = base64::engine::general_purpose::STANDARD_NO_PAD.encode(&padded);
    // Output character i covers input bits [6i, 6i + 6): keep those wholly
    // inside the needle's bits [8 * offset, 8 * (offset + len)).
    let start = (8 * offset).div_ceil(6);
    let end = (8 * (offset + bytes.len())) / 6;
    let fragment = standard.get(start..end.max(start)).unwrap_or_default().to_string();
    let url_safe = fragment.replace('+', "-").replace('/', "_");
    (fragment, url_safe)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(variants: &[Variant], transform: &str) -> Vec<String> {
        variants
            .iter()
            .filter(|v| v.transform == transform)
            .map(|v| v.pattern.clone())
            .collect()
    }

    #[test]
    fn base64_fragments_are_found_at_every_alignment() {
        let needle = "purple giraffe 7391";
        let variants = needle_variants(needle);
        for prefix in ["", "x", "xy", "xyz", "{\"q\":\""] {
            let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{prefix}{needle} tail"));
            assert!(
                pattern(&variants, "base64")
                    .iter()
                    .any(|p| encoded.contains(p.as_str())),
                "prefix {prefix:?}: {encoded}"
            );
        }
    }

    #[test]
    fn textual_transforms() {
        let variants = needle_variants("隐私 a/b");
        assert_eq!(pattern(&variants, "url-encoded"), ["%E9%9A%90%E7%A7%81%20a%2Fb"]);
        assert_eq!(pattern(&variants, "form-encoded"), ["%E9%9A%90%E7%A7%81+a%2Fb"]);
        assert_eq!(pattern(&variants, "json-escaped"), ["\\u9690\\u79c1 a\\/b"]);
        assert_eq!(pattern(&variants, "hex"), ["e99a90e7a78120612f62"]);
        assert_eq!(pattern(&variants, "md5").len(), 1);
    }

    #[test]
    fn digests_match_known_values() {
        let variants = needle_variants("abc");
        assert_eq!(pattern(&variants, "md5"), ["900150983cd24fb0d6963f7d28e17f72"]);
        assert_eq!(pattern(&variants, "sha1"), ["a9993e364706816aba3e25717850c26c9cd0d89d"]);
    }

    #[test]
    fn url_safe_form_is_its_own_variant_when_it_differs() {
        // "??>>" encodes with `/` and `+` in standard base64.
        let variants = needle_variants("a??>>??>>b");
        let url_safe = pattern(&variants, "base64url");
        assert!(!url_safe.is_empty());
        assert!(
            url_safe.iter().all(|p| !p.contains('/') && !p.contains('+')),
            "{url_safe:?}"
        );
        let encoded = base64::engine::general_purpose::URL_SAFE.encode("xa??>>??>>by");
        assert!(
            url_safe.iter().any(|p| encoded.contains(p.as_str())),
            "{encoded} {url_safe:?}"
        );
    }

    #[test]
    fn plain_ascii_needle_has_no_duplicate_forms() {
        let variants = needle_variants("canary");
        assert_eq!(variants.iter().filter(|v| v.pattern == "canary").count(), 1);
    }
}
