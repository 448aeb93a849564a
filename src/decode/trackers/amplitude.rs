//! Amplitude: the legacy form `v, client, e=<JSON array>, upload_time,
//! checksum`, and HTTP API v2 JSON `{api_key, events:[…]}` (also when the
//! body was gzip: the layer chain already undid it). One event per element
//! with an `event_type`; time from `time` (ms), else `timestamp`.

use super::TrackerDecoder;
use super::event::{Draft, micros_from_millis, pair, text_of};
use crate::decode::json_value::JsonValue;
use crate::decode::tree::Tree;
use crate::model::{DecodedEvent, Exchange};

const ID: &str = "amplitude";

pub struct Amplitude;

impl TrackerDecoder for Amplitude {
    fn id(&self) -> &'static str {
        ID
    }

    fn events(&self, _exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>> {
        let mut items: Vec<(usize, &JsonValue)> = Vec::new();
        let mut recognised = false;
        for layer in tree.request_layers() {
            if let Some(pairs) = tree.pairs(layer)
                && pair(pairs, "e").is_some()
                && pair(pairs, "client").is_some()
            {
                recognised = true;
                if let Some(field) = tree.field_child(layer, "e") {
                    items.extend(tree.json_items(field));
                }
            } else if let Some(value) = tree.json(layer)
                && value.get("api_key").is_some()
                && value.get("events").is_some_and(|events| events.as_array().is_some())
            {
                recognised = true;
                items.extend(tree.keyed_items(layer, "events"));
            }
        }
        if !recognised {
            return None;
        }
        let events = items
            .into_iter()
            .filter_map(|(layer, item)| {
                let name = text_of(item, "event_type")?.to_string();
                let time_micros = item
                    .get("time")
                    .or_else(|| item.get("timestamp"))
                    .and_then(micros_from_millis);
                Some(
                    Draft {
                        layer,
                        name,
                        time_micros,
                        fields: item.flatten(),
                    }
                    .finish(tree, ID),
                )
            })
            .collect();
        Some(events)
    }
}
