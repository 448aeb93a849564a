//! Segment: `/v1/batch` JSON `{batch:[…]}` (each element its own layer),
//! single `/v1/track|page|screen|identify|group|alias` bodies (the type may
//! come from the path), and `/v1/pixel/*?data=<base64 JSON>`.
//!
//! A message is an object with a Segment type and an id (`messageId`,
//! `anonymousId` or `userId`); on a `segment` host the id is not required.
//! Naming: `track` → its `event`; `page`/`screen` → `page:<name>` /
//! `screen:<name>` when named, else the type; others → the type. Time from
//! `timestamp`, else `originalTimestamp`, else `sentAt`.

use super::TrackerDecoder;
use super::event::{Draft, host, micros_from_json, text_of};
use crate::decode::json_value::JsonValue;
use crate::decode::tree::Tree;
use crate::model::{DecodedEvent, Exchange};

const ID: &str = "segment";
const TYPES: &[&str] = &["track", "page", "screen", "identify", "group", "alias"];
const ID_KEYS: &[&str] = &["messageId", "anonymousId", "userId"];
const TIME_KEYS: &[&str] = &["timestamp", "originalTimestamp", "sentAt"];

pub struct Segment;

impl TrackerDecoder for Segment {
    fn id(&self) -> &'static str {
        ID
    }

    fn events(&self, exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>> {
        let on_segment_host = host(exchange).contains("segment");
        let path_type = exchange.path().rsplit('/').next().filter(|last| TYPES.contains(last));
        let events: Vec<DecodedEvent> = tree
            .request_json_objects()
            .into_iter()
            .filter_map(|(layer, item)| {
                let kind = message_type(item, path_type, on_segment_host)?;
                let time_micros = TIME_KEYS
                    .iter()
                    .find_map(|key| item.get(key).and_then(micros_from_json));
                Some(
                    Draft {
                        layer,
                        name: event_name(item, kind),
                        time_micros,
                        fields: item.flatten(),
                    }
                    .finish(tree, ID),
                )
            })
            .collect();
        (!events.is_empty()).then_some(events)
    }
}

/// The Segment type of a message, or `None` when `item` is not one.
fn message_type<'a>(item: &'a JsonValue, path_type: Option<&'a str>, on_segment_host: bool) -> Option<&'a str> {
    if item.get("batch").is_some() {
        return None;
    }
    let kind = text_of(item, "type")
        .filter(|kind| TYPES.contains(kind))
        .or(path_type)?;
    let has_id = ID_KEYS.iter().any(|key| item.get(key).is_some());
    (has_id || on_segment_host).then_some(kind)
}

fn event_name(item: &JsonValue, kind: &str) -> String {
    match (kind, text_of(item, "event"), text_of(item, "name")) {
        ("track", Some(event), _) => event.to_string(),
        ("page" | "screen", _, Some(name)) => format!("{kind}:{name}"),
        _ => kind.to_string(),
    }
}
