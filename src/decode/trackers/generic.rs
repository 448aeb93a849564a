//! Generic events: telemetry of SDKs nobody wrote a decoder for. Any
//! request-side JSON object — posted alone, inside an array, nested at any
//! depth, inside form fields, URL-encoded several levels deep, in raw zlib
//! bodies, one per line — that looks like an event becomes one.
//!
//! "Looks like an event" is decided on shape and on the host: an object
//! needs a name under an event-name key, and more evidence the larger the
//! doubt — a strong key (`event`, `_eventName`, `event_type`, `en` …) with a
//! time, a telemetry key (`properties`, `session_id`, `device_id` …) or a
//! tracker host; a weak key (`name`, `t`, `kind`, `type`, `action`) only with
//! a time *and* a telemetry key or a tracker host. So lists of products or
//! search results (names and prices, no time, no telemetry, no tracker)
//! stay what they are. In an array that holds an event, siblings with a
//! name and a time are events too (a batch is one shape). Once an object is
//! an event, its inside is its own (an event's `items[]` are not events).

use super::TrackerDecoder;
use super::event::{Draft, micros_from_json};
use crate::attribution::{Category, company_for_host};
use crate::decode::json_value::{JsonValue, PathSegment};
use crate::decode::tree::{Structure, Tree};
use crate::model::{DecodedEvent, Exchange};

const ID: &str = "generic";
/// Keys whose string value names an event in most SDKs.
const STRONG_NAME_KEYS: &[&str] = &[
    "event",
    "event_name",
    "eventName",
    "_eventName",
    "event_type",
    "eventType",
    "en",
    "ev",
    "evt",
    "event_id_name",
    "eventKey",
    "event_key",
];
/// Keys that name an event in some SDKs and something else in others.
const WEAK_NAME_KEYS: &[&str] = &["name", "t", "kind", "type", "action", "n", "e", "category"];
/// Keys holding the event's time, in any unit.
const TIME_KEYS: &[&str] = &[
    "time",
    "timestamp",
    "ts",
    "event_time",
    "eventTime",
    "event_timestamp",
    "created_at",
    "createdAt",
    "client_ts",
    "clientTime",
    "_logTime",
    "logTime",
    "occurred_at",
    "sent_at",
    "time_ms",
    "timeMillis",
    "timestampMillis",
    "$time",
    "_ts",
    "local_time",
    "localTime",
    "happened_at",
];
/// Keys that only telemetry carries (context around an event).
const TELEMETRY_KEYS: &[&str] = &[
    "properties",
    "props",
    "params",
    "parameters",
    "attributes",
    "event_properties",
    "eventProperties",
    "user_properties",
    "context",
    "session_id",
    "sessionId",
    "device_id",
    "deviceId",
    "user_id",
    "userId",
    "distinct_id",
    "anonymous_id",
    "anonymousId",
    "install_id",
    "app_version",
    "appVersion",
    "os_version",
    "osVersion",
    "platform",
    "sdk_version",
    "sdkVersion",
    "screen_name",
    "_ui",
    "_session_id",
    "advertiser_id",
    "idfa",
    "gaid",
    "device_model",
    "device",
];
/// Longest string accepted as an event name.
const MAX_NAME_CHARS: usize = 120;
/// Deepest JSON nesting searched for events.
const MAX_SEARCH_DEPTH: usize = 12;
/// Most events read from one exchange by this decoder.
const MAX_GENERIC_EVENTS: usize = 10_000;

pub struct Generic;

impl TrackerDecoder for Generic {
    fn id(&self) -> &'static str {
        ID
    }

    fn events(&self, exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>> {
        let tracker_host = company_for_host(&super::event::host(exchange)).is_some_and(|entry| {
            matches!(
                entry.category,
                Category::Analytics | Category::Advertising | Category::Attribution | Category::CrashReporting
            )
        });
        let mut found: Vec<(usize, Vec<PathSegment>, &JsonValue)> = Vec::new();
        for layer in tree.request_layers() {
            if is_encrypted(tree, layer) {
                continue;
            }
            // Split-out elements are read through their container.
            if matches!(tree.structure(layer), Some(Structure::Json(_)))
                && let Some(value) = tree.json(layer)
            {
                search(value, &mut Vec::new(), tracker_host, 0, &mut |path, item| {
                    found.push((layer, path.to_vec(), item));
                });
            }
            if found.len() >= MAX_GENERIC_EVENTS {
                break;
            }
        }
        found.truncate(MAX_GENERIC_EVENTS);
        let events: Vec<DecodedEvent> = found
            .into_iter()
            .map(|(holder, path, item)| {
                let (layer, inner) = element_layer(tree, holder, &path);
                let name = event_name(item).unwrap_or_default().to_string();
                let time_micros = TIME_KEYS
                    .iter()
                    .find_map(|key| item.get(key).and_then(micros_from_json));
                let mut event = Draft {
                    layer,
                    name,
                    time_micros,
                    fields: item.flatten(),
                }
                .finish(tree, ID);
                event.json_path = inner.filter(|p| !p.is_empty()).map(|p| json_path_text(&p));
                event
            })
            .collect();
        (!events.is_empty()).then_some(events)
    }
}

/// Depth-first search for event objects; an accepted object is not searched further.
fn search<'v>(
    value: &'v JsonValue,
    path: &mut Vec<PathSegment>,
    tracker_host: bool,
    depth: usize,
    found: &mut dyn FnMut(&[PathSegment], &'v JsonValue),
) {
    if depth > MAX_SEARCH_DEPTH {
        return;
    }
    match value {
        JsonValue::Object(entries) => {
            if is_event(value, tracker_host) {
                found(path, value);
                return;
            }
            for (key, entry) in entries {
                path.push(PathSegment::Key(key.clone()));
                search(entry, path, tracker_host, depth + 1, found);
                path.pop();
            }
        }
        JsonValue::Array(items) => {
            // In a batch that holds events, a sibling with a name and a time
            // is one too, whatever else it lacks.
            let batch = items.iter().any(|item| is_event(item, tracker_host));
            for (index, item) in items.iter().enumerate() {
                path.push(PathSegment::Index(index));
                if batch && is_batch_member(item) {
                    found(path, item);
                } else {
                    search(item, path, tracker_host, depth + 1, found);
                }
                path.pop();
            }
        }
        _ => {}
    }
}

/// The event's name under a strong key, else under a weak one.
fn event_name(item: &JsonValue) -> Option<&str> {
    STRONG_NAME_KEYS.iter().chain(WEAK_NAME_KEYS).find_map(|key| {
        item.get(key)
            .and_then(JsonValue::as_str)
            .filter(|name| is_name_like(name))
    })
}

/// Whether `item` is an event (see the module doc).
fn is_event(item: &JsonValue, tracker_host: bool) -> bool {
    let has_name = |keys: &[&str]| {
        keys.iter()
            .any(|key| item.get(key).and_then(JsonValue::as_str).is_some_and(is_name_like))
    };
    let has_time = TIME_KEYS
        .iter()
        .any(|key| item.get(key).and_then(micros_from_json).is_some());
    let has_telemetry = TELEMETRY_KEYS.iter().any(|key| item.get(key).is_some());
    if has_name(STRONG_NAME_KEYS) {
        return has_time || has_telemetry || tracker_host;
    }
    has_name(WEAK_NAME_KEYS) && has_time && (has_telemetry || tracker_host)
}

/// A batch member: any event name (strong or weak key) and a time.
fn is_batch_member(item: &JsonValue) -> bool {
    item.is_object()
        && event_name(item).is_some()
        && TIME_KEYS
            .iter()
            .any(|key| item.get(key).and_then(micros_from_json).is_some())
}

/// A short identifier-like name: no URL, no sentence, no number alone.
fn is_name_like(name: &str) -> bool {
    let name = name.trim();
    !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && !name.contains("://")
        && name.split_whitespace().count() <= 6
        && name.parse::<f64>().is_err()
        && name.chars().any(char::is_alphabetic)
}

/// The element layer that shows the object at `path` inside `holder`, when
/// the JSON decoder split it out (`json[i]`, `json:key[i]`), with what path
/// is left inside it; else `holder` and the full path.
fn element_layer(tree: &Tree, holder: usize, path: &[PathSegment]) -> (usize, Option<Vec<PathSegment>>) {
    for &child in tree.children(holder) {
        if let Some(Structure::JsonElement(element)) = tree.structure(child)
            && path.starts_with(element)
        {
            return (child, Some(path[element.len()..].to_vec()));
        }
    }
    (holder, Some(path.to_vec()))
}

/// `[2].events[3]` style text of a JSON path (the JSON decoder's convention).
fn json_path_text(path: &[PathSegment]) -> String {
    let mut text = String::new();
    for segment in path {
        match segment {
            PathSegment::Key(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            PathSegment::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
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

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> JsonValue {
        JsonValue::parse(text.as_bytes()).expect("valid JSON")
    }

    fn events_in(text: &str, tracker_host: bool) -> Vec<String> {
        let value = json(text);
        let mut names = Vec::new();
        search(&value, &mut Vec::new(), tracker_host, 0, &mut |path, item| {
            names.push(format!("{}:{}", json_path_text(path), event_name(item).unwrap_or("")));
        });
        names
    }

    #[test]
    fn batches_nested_at_any_depth() {
        let batch = r#"{"api_key":"k","payload":{"data":{"events":[
            {"event_type":"app_open","time":1680861000123,"device_id":"d"},
            {"event_type":"purchase","time":1680861001123,"items":[{"name":"shirt","time":1}]}]}}}"#;
        assert_eq!(
            events_in(batch, false),
            ["payload.data.events[0]:app_open", "payload.data.events[1]:purchase"]
        );
    }

    #[test]
    fn a_single_object_posted_alone_is_an_event() {
        assert_eq!(
            events_in(
                r#"{"_eventName":"fb_mobile_activate_app","_logTime":1680861000}"#,
                false
            ),
            [":fb_mobile_activate_app"]
        );
    }

    #[test]
    fn ordinary_api_json_is_not_telemetry() {
        let products = r#"[{"name":"Shirt","price":12.5,"id":3},{"name":"Hat","price":8,"id":4}]"#;
        assert!(events_in(products, false).is_empty());
        assert!(
            events_in(products, true).is_empty(),
            "no time: not even on a tracker host"
        );
        let results = r#"{"results":[{"title":"Cats","type":"article","url":"https://x/1"}],"total":1}"#;
        assert!(events_in(results, false).is_empty());
        // A calendar API's `event` needs more than its key on an ordinary host.
        assert!(events_in(r#"{"event":"Team lunch","location":"Cafe"}"#, false).is_empty());
        assert_eq!(
            events_in(r#"{"event":"screen_view","location":"Cafe"}"#, true),
            [":screen_view"]
        );
    }

    #[test]
    fn weak_keys_need_a_time_and_telemetry() {
        assert!(events_in(r#"{"name":"Shirt","timestamp":1680861000}"#, false).is_empty());
        assert_eq!(
            events_in(r#"{"name":"level_up","timestamp":1680861000,"session_id":"s1"}"#, false),
            [":level_up"]
        );
    }

    #[test]
    fn names_must_look_like_names() {
        assert!(!is_name_like("https://example.org/page"));
        assert!(!is_name_like("12345"));
        assert!(!is_name_like("this is a long sentence that nobody would call an event"));
        assert!(is_name_like("$AppStart"));
        assert!(is_name_like("Page View"));
    }
}
