//! A URL with a query inside a value — `https://partner.example/sync?uid=…`
//! in a sync pixel's `url=` parameter, `v16.0/act?advertiser_id=…` as a
//! batch call's `relative_url` — read like the request's own query: the
//! layer gets the parameters, values worth a look become `query:<key>`
//! children, and the document names them `query.url.uid`.
//!
//! Claimed only for one token without whitespace whose part before `?` is
//! a URL or a path and whose part after it is a `k=v&…` form, so prose
//! with a question mark stays text.

use super::form::{looks_like_form, pairs_outcome, parse_pairs};
use super::layer_decoder::{Input, LayerDecoder, Origin, Outcome, Priority};
use super::limits::Budget;

pub struct EmbeddedUrlDecoder;

impl LayerDecoder for EmbeddedUrlDecoder {
    fn name(&self) -> &'static str {
        "embedded URL"
    }

    fn claims(&self, input: &Input<'_>) -> Priority {
        if input.origin != Origin::Inner {
            return Priority::NO;
        }
        match input.text {
            Some(text) if query_of(text).is_some() => Priority::SNIFFED,
            _ => Priority::NO,
        }
    }

    fn decode(&self, input: &Input<'_>, _budget: &mut Budget) -> Result<Outcome, String> {
        let text = input.text.ok_or("not text")?;
        let query = query_of(text).ok_or("no URL with a query")?;
        let pairs = parse_pairs(query);
        if pairs.is_empty() {
            return Err("empty query".to_string());
        }
        Ok(pairs_outcome("query", pairs))
    }
}

/// The query of a URL or path with one, without its fragment.
fn query_of(text: &str) -> Option<&str> {
    let text = text.trim();
    let (location, rest) = text.split_once('?')?;
    let query = rest.split('#').next().unwrap_or_default();
    let location_ok = !location.is_empty()
        && location
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~:/%@!$'()*+,;".contains(&b))
        && (location.contains("://") || location.contains('/'));
    (location_ok && looks_like_form(query)).then_some(query)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::tree::Structure;

    #[test]
    fn urls_and_paths_with_queries() {
        let input = Input::new(b"https://partner.example/sync?uid=c0ffee&gdpr=1#top", Origin::Inner);
        assert_eq!(EmbeddedUrlDecoder.claims(&input), Priority::SNIFFED);
        let outcome = EmbeddedUrlDecoder.decode(&input, &mut Budget::new()).expect("a URL");
        assert_eq!(
            outcome.structure,
            Some(Structure::Pairs(vec![
                ("uid".into(), "c0ffee".into()),
                ("gdpr".into(), "1".into())
            ]))
        );
        let relative = Input::new(
            b"v16.0/138566025676/activities?advertiser_id=1209d0b9&sdk=android",
            Origin::Inner,
        );
        assert_eq!(EmbeddedUrlDecoder.claims(&relative), Priority::SNIFFED);
    }

    #[test]
    fn prose_plain_words_and_the_request_url_are_not_claimed() {
        for text in [
            "what is this? a=b",
            "why?",
            "https://example.org/page",
            "word?a=b",
            "https://example.org/?",
            "a=b&c=d",
        ] {
            assert_eq!(
                EmbeddedUrlDecoder.claims(&Input::new(text.as_bytes(), Origin::Inner)),
                Priority::NO,
                "{text}"
            );
        }
        assert_eq!(
            EmbeddedUrlDecoder.claims(&Input::new(b"https://h/p?a=1", Origin::Url)),
            Priority::NO
        );
    }
}
