//! The request URL's query string: the `url` root layer gets its decoded
//! parameters; values that decode further, or are long, become
//! `query:<key>` child layers. Only the URL root is claimed.

use super::form::{pairs_outcome, parse_pairs};
use super::layer_decoder::{Input, LayerDecoder, Origin, Outcome, Priority};
use super::limits::Budget;

pub struct QueryDecoder;

impl LayerDecoder for QueryDecoder {
    fn name(&self) -> &'static str {
        "query"
    }

    fn claims(&self, input: &Input<'_>) -> Priority {
        if input.origin == Origin::Url && input.text.is_some_and(|url| !query_of(url).is_empty()) {
            Priority::DECLARED
        } else {
            Priority::NO
        }
    }

    fn decode(&self, input: &Input<'_>, _budget: &mut Budget) -> Result<Outcome, String> {
        let url = input.text.ok_or("URL is not valid UTF-8")?;
        let pairs = parse_pairs(query_of(url));
        if pairs.is_empty() {
            return Err("empty query".to_string());
        }
        Ok(pairs_outcome("query", pairs))
    }
}

/// The part between `?` and `#`.
fn query_of(url: &str) -> &str {
    let without_fragment = url.split('#').next().unwrap_or("");
    without_fragment.split_once('?').map_or("", |(_, query)| query)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::tree::Structure;

    #[test]
    fn claims_only_urls_with_a_query() {
        assert_eq!(
            QueryDecoder.claims(&Input::new(b"https://h/p?a=1", Origin::Url)),
            Priority::DECLARED
        );
        assert_eq!(
            QueryDecoder.claims(&Input::new(b"https://h/p", Origin::Url)),
            Priority::NO
        );
        assert_eq!(QueryDecoder.claims(&Input::new(b"a=1", Origin::Body)), Priority::NO);
    }

    #[test]
    fn decodes_parameters_without_fragment() {
        let input = Input::new(b"https://h/sa?data=eyJ9&ext=crc%3D12#top", Origin::Url);
        let outcome = QueryDecoder
            .decode(&input, &mut Budget::new())
            .expect("present in this test");
        assert_eq!(
            outcome.structure,
            Some(Structure::Pairs(vec![
                ("data".into(), "eyJ9".into()),
                ("ext".into(), "crc=12".into())
            ]))
        );
        assert_eq!(outcome.children[0].step, "query:data");
        assert_eq!(outcome.summary, "query, 2 parameters");
    }
}
