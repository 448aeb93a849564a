//! Generic events: any request-side JSON object (alone or in an array)
//! with an event-name-like key and a time-like key that no specific tracker
//! claimed. Times may be seconds, milliseconds, microseconds (told apart by
//! magnitude) or RFC 3339 strings.

use super::TrackerDecoder;
use super::event::{Draft, micros_from_json, text_of};
use crate::decode::tree::Tree;
use crate::model::{DecodedEvent, Exchange};

const ID: &str = "generic";
const NAME_KEYS: &[&str] = &["event", "event_name", "eventName", "event_type", "name", "action", "en"];
const TIME_KEYS: &[&str] = &["time", "timestamp", "ts", "event_time", "created_at", "client_ts"];

pub struct Generic;

impl TrackerDecoder for Generic {
    fn id(&self) -> &'static str {
        ID
    }

    fn events(&self, _exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>> {
        let events: Vec<DecodedEvent> = tree
            .request_json_objects()
            .into_iter()
            .filter(|(layer, _)| !is_encrypted(tree, *layer))
            .filter_map(|(layer, item)| {
                let name = NAME_KEYS
                    .iter()
                    .find_map(|key| text_of(item, key).filter(|name| !name.is_empty()))?;
                let time_micros = TIME_KEYS
                    .iter()
                    .find_map(|key| item.get(key).and_then(micros_from_json))?;
                let draft = Draft {
                    layer,
                    name: name.to_string(),
                    time_micros: Some(time_micros),
                    fields: item.flatten(),
                };
                Some(draft.finish(tree, ID))
            })
            .collect();
        (!events.is_empty()).then_some(events)
    }
}

/// Whether the layer or one above it was marked encrypted.
fn is_encrypted(tree: &Tree, mut layer: usize) -> bool {
    loop {
        if tree.layer(layer).encrypted {
            return true;
        }
        match tree.parent(layer) {
            Some(parent) => layer = parent,
            None => return false,
        }
    }
}
