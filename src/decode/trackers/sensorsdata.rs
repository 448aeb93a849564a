//! Sensors Analytics SDKs.
//!
//! Mobile: form `crc=<Java hashCode of data_list>&gzip=<flag>&data_list=…`,
//! flag `1` = base64 of gzip of a JSON array, `0`/absent = base64 JSON,
//! `9`/`13` = encrypted (the field layer is marked encrypted; no events).
//! Web: GET `?data=<base64 JSON>&ext=crc%3D…` and POST `data_list=` without
//! gzip. The crc is checked against the field text as received and with the
//! `+` a form decoder turned into spaces restored; a mismatch is noted on
//! the field layer. One event per array element, time from `time` (ms),
//! name from `event`, else `type` (`profile_set` …).

use super::TrackerDecoder;
use super::event::{Draft, host, java_string_hash, micros_from_millis, pair, text_of};
use crate::decode::json_value::JsonValue;
use crate::decode::tree::Tree;
use crate::model::{DecodedEvent, Exchange};

const ID: &str = "sensorsdata";
/// `gzip` flags meaning the SDK encrypted the payload.
const ENCRYPTED_FLAGS: &[&str] = &["9", "13"];

pub struct SensorsData;

/// One Sensors payload found in a form or query layer.
struct Batch {
    /// The layer with the pairs.
    pairs_layer: usize,
    /// The `data_list` / `data` field layer, when it has one.
    field_layer: Option<usize>,
    flag: Option<String>,
    crc_note: Option<String>,
}

impl TrackerDecoder for SensorsData {
    fn id(&self) -> &'static str {
        ID
    }

    fn events(&self, exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>> {
        let on_sensors_host = host(exchange).contains("sensorsdata");
        let batches: Vec<Batch> = tree
            .request_layers()
            .into_iter()
            .filter_map(|index| find_batch(tree, index, on_sensors_host))
            .collect();
        if batches.is_empty() {
            return None;
        }
        let mut events = Vec::new();
        for batch in batches {
            let target = batch.field_layer.unwrap_or(batch.pairs_layer);
            if let Some(note) = &batch.crc_note {
                tree.add_note(target, note);
            }
            if let Some(flag) = batch.flag.as_deref().filter(|flag| ENCRYPTED_FLAGS.contains(flag)) {
                tree.mark_encrypted(
                    target,
                    &format!("encrypted by the Sensors SDK (gzip={flag}); not decoded"),
                );
                continue;
            }
            events.extend(read_events(tree, target));
        }
        Some(events)
    }
}

fn find_batch(tree: &Tree, index: usize, on_sensors_host: bool) -> Option<Batch> {
    let pairs = tree.pairs(index)?;
    let (key, data, crc) = if let Some(data_list) = pair(pairs, "data_list") {
        ("data_list", data_list, pair(pairs, "crc"))
    } else {
        let data = pair(pairs, "data")?;
        let crc = pair(pairs, "ext").and_then(|ext| ext.split('&').find_map(|item| item.strip_prefix("crc=")));
        ("data", data, crc)
    };
    let field_layer = tree.field_child(index, key);
    let recognised = key == "data_list"
        || crc.is_some()
        || on_sensors_host
        || field_layer.is_some_and(|f| looks_like_sensors(tree, f));
    recognised.then(|| Batch {
        pairs_layer: index,
        field_layer,
        flag: pair(pairs, "gzip").map(str::to_string),
        crc_note: crc.and_then(|crc| crc_note(crc, data)),
    })
}

/// Sensors events carry `type`, `distinct_id` and a `lib` object.
fn looks_like_sensors(tree: &Tree, field: usize) -> bool {
    tree.json_items(field).iter().any(|(_, item)| {
        text_of(item, "type").is_some()
            && item.get("distinct_id").is_some()
            && item.get("lib").is_some_and(JsonValue::is_object)
    })
}

/// `None` when the crc matches the data as received or with `+` restored.
fn crc_note(crc: &str, data: &str) -> Option<String> {
    let Ok(expected) = crc.trim().parse::<i64>() else {
        return Some(format!("crc `{crc}` is not a number"));
    };
    let as_received = java_string_hash(data);
    if i64::from(as_received) == expected {
        return None;
    }
    if data.contains(' ') && i64::from(java_string_hash(&data.replace(' ', "+"))) == expected {
        return None;
    }
    Some(format!(
        "crc mismatch: payload says {expected}, data hashes to {as_received}"
    ))
}

fn read_events(tree: &Tree, field: usize) -> Vec<DecodedEvent> {
    tree.json_items(field)
        .into_iter()
        .map(|(layer, item)| {
            let name = text_of(item, "event")
                .or_else(|| text_of(item, "type"))
                .unwrap_or("event")
                .to_string();
            let draft = Draft {
                layer,
                name,
                time_micros: item.get("time").and_then(micros_from_millis),
                fields: item.flatten(),
            };
            draft.finish(tree, ID)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_is_checked_as_received_and_with_plus_restored() {
        let data = "ab+cd";
        let crc = java_string_hash(data).to_string();
        assert_eq!(crc_note(&crc, data), None);
        assert_eq!(crc_note(&crc, "ab cd"), None);
        let note = crc_note("12", data).expect("present in this test");
        assert!(note.starts_with("crc mismatch: payload says 12"), "{note}");
        assert_eq!(crc_note("x", data).as_deref(), Some("crc `x` is not a number"));
    }
}
