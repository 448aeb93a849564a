//! Firebase / Google app-measurement: a gzip-compressed protobuf posted to
//! `/a`. Best effort without the schema: in the batch, field 1 is a bundle
//! (repeated); in a bundle, field 2 is an event (repeated) with field 2 the
//! name, field 4 the time in ms, field 1 the params (name 1; value 2 string,
//! 3 int, 4 float, 5 double). When that structure is absent on an
//! app-measurement request, the whole raw tree is one `firebase_bundle`
//! event. All events point at the `protobuf` layer.

use super::TrackerDecoder;
use super::event::{Draft, host};
use crate::decode::protobuf::{ProtoField, ProtoValue};
use crate::decode::tree::Tree;
use crate::model::{DecodedEvent, Exchange};

const ID: &str = "firebase";
const BATCH_BUNDLE: u64 = 1;
const BUNDLE_EVENT: u64 = 2;
const EVENT_PARAM: u64 = 1;
const EVENT_NAME: u64 = 2;
const EVENT_TIME_MILLIS: u64 = 4;
const PARAM_NAME: u64 = 1;
const MICROS_PER_MILLI: i64 = 1000;
/// Event times outside 2001…2286 (ms) mean the structure guess is wrong.
const PLAUSIBLE_MILLIS: std::ops::Range<u64> = 1_000_000_000_000..10_000_000_000_000;

pub struct Firebase;

impl TrackerDecoder for Firebase {
    fn id(&self) -> &'static str {
        ID
    }

    fn events(&self, exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>> {
        let on_measurement_endpoint = host(exchange).contains("app-measurement") || exchange.path() == "/a";
        let mut events = Vec::new();
        let mut recognised = false;
        for layer in tree.request_layers() {
            let Some(fields) = tree.protobuf(layer) else { continue };
            let drafts = bundle_events(layer, fields);
            if !drafts.is_empty() {
                recognised = true;
                events.extend(drafts.into_iter().map(|draft| draft.finish(tree, ID)));
            } else if on_measurement_endpoint {
                recognised = true;
                let mut raw = Vec::new();
                flatten_raw(fields, "", &mut raw);
                let draft = Draft {
                    layer,
                    name: "firebase_bundle".to_string(),
                    time_micros: None,
                    fields: raw,
                };
                events.push(draft.finish(tree, ID));
            }
        }
        recognised.then_some(events)
    }
}

fn messages(fields: &[ProtoField], number: u64) -> impl Iterator<Item = &[ProtoField]> {
    fields
        .iter()
        .filter(move |f| f.number == number)
        .filter_map(|f| match &f.value {
            ProtoValue::Message(inner) => Some(inner.as_slice()),
            _ => None,
        })
}

fn text(fields: &[ProtoField], number: u64) -> Option<&str> {
    fields.iter().find(|f| f.number == number).and_then(|f| match &f.value {
        ProtoValue::Text(text) => Some(text.as_str()),
        _ => None,
    })
}

fn varint(fields: &[ProtoField], number: u64) -> Option<u64> {
    fields.iter().find(|f| f.number == number).and_then(|f| match f.value {
        ProtoValue::Varint(value) => Some(value),
        _ => None,
    })
}

/// Events following the bundle → event structure; empty when it does not fit.
fn bundle_events(layer: usize, batch: &[ProtoField]) -> Vec<Draft> {
    let mut drafts = Vec::new();
    for bundle in messages(batch, BATCH_BUNDLE) {
        for event in messages(bundle, BUNDLE_EVENT) {
            let (Some(name), Some(millis)) = (text(event, EVENT_NAME), varint(event, EVENT_TIME_MILLIS)) else {
                continue;
            };
            if name.is_empty() || !PLAUSIBLE_MILLIS.contains(&millis) {
                continue;
            }
            let mut fields = vec![
                ("name".to_string(), name.to_string()),
                ("timestamp_millis".to_string(), millis.to_string()),
            ];
            for param in messages(event, EVENT_PARAM) {
                if let Some(param_name) = text(param, PARAM_NAME) {
                    let value = param
                        .iter()
                        .find(|f| f.number != PARAM_NAME)
                        .map(|f| scalar(&f.value))
                        .unwrap_or_default();
                    fields.push((format!("params.{param_name}"), value));
                }
            }
            let time_micros = i64::try_from(millis).ok().map(|ms| ms * MICROS_PER_MILLI);
            drafts.push(Draft {
                layer,
                name: name.to_string(),
                time_micros,
                fields,
            });
        }
    }
    drafts
}

/// A value as text; fixed-width values read as float when the field is 4
/// or 5 would need the schema, so they are shown as integers and floats.
fn scalar(value: &ProtoValue) -> String {
    match value {
        ProtoValue::Varint(number) => (*number as i64).to_string(),
        ProtoValue::Fixed64(bits) => f64::from_bits(*bits).to_string(),
        ProtoValue::Fixed32(bits) => f32::from_bits(*bits).to_string(),
        ProtoValue::Text(text) => text.clone(),
        ProtoValue::Bytes(bytes) => hex::encode(bytes),
        ProtoValue::Message(_) => "{…}".to_string(),
    }
}

/// Raw field tree as `1.2.4` → value pairs.
fn flatten_raw(fields: &[ProtoField], prefix: &str, out: &mut Vec<(String, String)>) {
    for field in fields {
        let key = if prefix.is_empty() {
            field.number.to_string()
        } else {
            format!("{prefix}.{}", field.number)
        };
        match &field.value {
            ProtoValue::Message(inner) => flatten_raw(inner, &key, out),
            other => out.push((key, scalar(other))),
        }
    }
}
