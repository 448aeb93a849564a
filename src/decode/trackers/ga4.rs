//! Google Analytics 4 (`/g/collect`, `v=2&tid=G-…`). Shared parameters sit
//! in the URL query; a POST body may carry several events, one per line,
//! whose parameters override or extend the query's. Each body line (or a
//! single-line body) is one event at its own layer; without a body the
//! query is the event. Name from `en`; fields include `ep.*`, `epn.*`,
//! `up.*`, in query order with line additions after.

use super::TrackerDecoder;
use super::event::{Draft, pair};
use crate::decode::tree::Tree;
use crate::model::{DecodedEvent, Exchange};

const ID: &str = "ga4";

pub struct Ga4;

impl TrackerDecoder for Ga4 {
    fn id(&self) -> &'static str {
        ID
    }

    fn events(&self, exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>> {
        let layers = tree.request_layers();
        let url_layer = layers
            .iter()
            .copied()
            .find(|index| tree.layer(*index).decoder == "url")?;
        let shared = tree.pairs(url_layer)?;
        let is_ga4 = pair(shared, "v") == Some("2")
            && (pair(shared, "tid").is_some_and(|tid| tid.starts_with("G-"))
                || exchange.path().ends_with("/g/collect"));
        if !is_ga4 {
            return None;
        }
        let body_hits: Vec<usize> = layers
            .iter()
            .copied()
            .filter(|index| tree.layer(tree.root_of(*index)).decoder == "request-body")
            .filter(|index| tree.pairs(*index).is_some_and(|pairs| pair(pairs, "en").is_some()))
            .collect();
        let events = if body_hits.is_empty() {
            vec![event(tree, url_layer, shared.to_vec())]
        } else {
            body_hits
                .into_iter()
                .map(|hit| event(tree, hit, merged(shared, tree.pairs(hit).unwrap_or_default())))
                .collect()
        };
        Some(events)
    }
}

fn event(tree: &Tree, layer: usize, fields: Vec<(String, String)>) -> DecodedEvent {
    let name = pair(&fields, "en").unwrap_or("hit").to_string();
    Draft {
        layer,
        name,
        time_micros: None,
        fields,
    }
    .finish(tree, ID)
}

/// The query's parameters with a line's values replacing or extending them.
fn merged(shared: &[(String, String)], line: &[(String, String)]) -> Vec<(String, String)> {
    let mut fields = shared.to_vec();
    for (key, value) in line {
        match fields.iter_mut().find(|(existing, _)| existing == key) {
            Some(slot) => slot.1 = value.clone(),
            None => fields.push((key.clone(), value.clone())),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_values_override_and_extend_the_query() {
        let shared = vec![
            ("v".to_string(), "2".to_string()),
            ("en".to_string(), "page_view".to_string()),
        ];
        let line = vec![
            ("en".to_string(), "search".to_string()),
            ("ep.search_term".to_string(), "canary".to_string()),
        ];
        let fields = merged(&shared, &line);
        assert_eq!(
            fields,
            vec![
                ("v".to_string(), "2".to_string()),
                ("en".to_string(), "search".to_string()),
                ("ep.search_term".to_string(), "canary".to_string())
            ]
        );
    }
}
