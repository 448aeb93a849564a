//! Google Analytics Measurement Protocol v1 (Universal Analytics):
//! `/collect` hits as GET query or POST form, `/batch` with one hit per
//! line. A hit is a pair layer with `v=1` and a `UA-` property id (or any
//! `v=1` hit on a `google-analytics` host).
//!
//! Naming choice: `t=event` hits are named `event:<ec>/<ea>` so a timeline
//! reads "event:search/submit"; other hits keep their type (`pageview`,
//! `screenview`). Fields are the decoded parameters in wire order. v1 hits
//! carry no absolute time of their own, so `time_micros` stays empty.

use super::TrackerDecoder;
use super::event::{Draft, host, pair};
use crate::decode::tree::Tree;
use crate::model::{DecodedEvent, Exchange};

const ID: &str = "ga";

pub struct Ga;

impl TrackerDecoder for Ga {
    fn id(&self) -> &'static str {
        ID
    }

    fn events(&self, exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>> {
        let on_ga_host = host(exchange).contains("google-analytics");
        let events: Vec<DecodedEvent> = tree
            .request_layers()
            .into_iter()
            .filter_map(|layer| {
                let pairs = tree.pairs(layer)?;
                let is_hit = pair(pairs, "v") == Some("1")
                    && (pair(pairs, "tid").is_some_and(|tid| tid.starts_with("UA-")) || on_ga_host);
                is_hit.then(|| {
                    Draft {
                        layer,
                        name: hit_name(pairs),
                        time_micros: None,
                        fields: pairs.to_vec(),
                    }
                    .finish(tree, ID)
                })
            })
            .collect();
        (!events.is_empty()).then_some(events)
    }
}

/// `event:<ec>/<ea>` for events, the hit type otherwise.
fn hit_name(pairs: &[(String, String)]) -> String {
    match pair(pairs, "t") {
        Some("event") => {
            format!(
                "event:{}/{}",
                pair(pairs, "ec").unwrap_or_default(),
                pair(pairs, "ea").unwrap_or_default()
            )
        }
        Some(kind) if !kind.is_empty() => kind.to_string(),
        _ => "hit".to_string(),
    }
}
