//! Hiding the researcher's own identifiers (an e-mail address, a device id,
//! a home IP) in exported captured content.
//!
//! Each text is replaced as typed and in the forms it takes inside URLs,
//! forms and JSON (`%40`, `+`, `\u00e9` …), ignoring ASCII case, so it does
//! not survive in a query string. Longer forms are replaced first so that
//! one text containing another is hidden whole. Hashes of evidence files
//! are never passed through here: they must keep naming the originals.

use crate::analysis::needle_variants;
use std::borrow::Cow;

/// What every redacted text becomes.
pub const REDACTED: &str = "[redacted]";

/// Forms of a text worth hiding; digests and base64 fragments are left out
/// because replacing them would corrupt unrelated payload bytes.
const HIDDEN_FORMS: &[&str] = &["plain", "url-encoded", "form-encoded", "json-escaped"];

/// Replaces the researcher's identifiers with [`REDACTED`].
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    /// Lower-cased (ASCII) patterns, longest first.
    patterns: Vec<String>,
}

impl Redactor {
    /// A redactor for `texts`; empty texts are ignored.
    pub fn new(texts: &[String]) -> Redactor {
        let mut patterns: Vec<String> = texts
            .iter()
            .filter(|t| !t.trim().is_empty())
            .flat_map(|t| needle_variants(t))
            .filter(|v| HIDDEN_FORMS.contains(&v.transform.as_str()))
            .map(|v| v.pattern.to_ascii_lowercase())
            .collect();
        patterns.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        patterns.dedup();
        Redactor { patterns }
    }

    /// Whether any text is being hidden.
    pub fn is_active(&self) -> bool {
        !self.patterns.is_empty()
    }

    /// `text` with every pattern replaced.
    pub fn apply<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut current = Cow::Borrowed(text);
        for pattern in &self.patterns {
            if let Some(replaced) = replace_ignoring_ascii_case(&current, pattern) {
                current = Cow::Owned(replaced);
            }
        }
        current
    }

    /// An owned copy of `text` with every pattern replaced.
    pub fn text(&self, text: &str) -> String {
        self.apply(text).into_owned()
    }

    /// An excerpt of `text` at most `max_chars` characters long (plus `…`
    /// when cut), redacted *before* it is cut: cutting first would leave the
    /// start of an identifier that straddles the cut in the excerpt, where
    /// no pattern matches it any more.
    pub fn excerpt(&self, text: &str, max_chars: usize) -> String {
        let redacted = self.apply(text);
        if redacted.chars().count() <= max_chars {
            return redacted.into_owned();
        }
        let mut cut: String = redacted.chars().take(max_chars).collect();
        cut.push('…');
        cut
    }

    /// Like [`Redactor::text`] for optional text.
    pub fn option(&self, text: Option<&str>) -> Option<String> {
        text.map(|t| self.text(t))
    }

    /// A JSON value with every string (and object key) redacted.
    pub fn json(&self, value: &serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match value {
            Value::String(s) => Value::String(self.text(s)),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.json(v)).collect()),
            Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (self.text(k), self.json(v))).collect()),
            other => other.clone(),
        }
    }
}

/// `haystack` with `pattern` (already ASCII-lower-cased) replaced wherever
/// it matches ignoring ASCII case; `None` when it does not occur.
fn replace_ignoring_ascii_case(haystack: &str, pattern: &str) -> Option<String> {
    // ASCII lower-casing keeps every byte offset, so offsets found in the
    // lowered copy are char boundaries of the original too.
    let lowered = haystack.to_ascii_lowercase();
    let mut matches = lowered.match_indices(pattern).peekable();
    matches.peek()?;
    let mut out = String::with_capacity(haystack.len());
    let mut last = 0;
    for (start, found) in matches {
        out.push_str(&haystack[last..start]);
        out.push_str(REDACTED);
        last = start + found.len();
    }
    out.push_str(&haystack[last..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_encoded_forms_are_hidden() {
        let redactor = Redactor::new(&["Ana.Researcher@example.org".to_string()]);
        assert_eq!(
            redactor.text("u=ana.researcher%40example.org&x=1 by Ana.Researcher@example.org"),
            "u=[redacted]&x=1 by [redacted]"
        );
        assert!(redactor.is_active());
    }

    #[test]
    fn longer_text_is_hidden_whole() {
        let redactor = Redactor::new(&["ana".to_string(), "ana-phone-7".to_string()]);
        assert_eq!(redactor.text("device ana-phone-7"), "device [redacted]");
    }

    #[test]
    fn an_identifier_straddling_the_excerpt_cut_is_hidden_whole() {
        let redactor = Redactor::new(&["ana-phone-7".to_string()]);
        let text = format!("{}ana-phone-7 and more", "x".repeat(95));
        let excerpt = redactor.excerpt(&text, 100);
        assert_eq!(excerpt, format!("{}[reda…", "x".repeat(95)));
        assert!(!excerpt.contains("ana-p"), "{excerpt}");
        assert_eq!(redactor.excerpt("short", 100), "short");
    }

    #[test]
    fn non_ascii_text_is_kept_around_a_match() {
        let redactor = Redactor::new(&["Zoë".to_string()]);
        assert_eq!(redactor.text("café ZOË zoë"), "café ZOË [redacted]");
        assert!(!Redactor::new(&[]).is_active());
    }
}
