//! Data types: naming the personal data in what an app sent.
//!
//! Three passes over the request [`Document`], strongest first, each named by
//! its [`Confidence`]: the endpoint table and tracker decoders name the
//! fields of SDKs they know (`sdk`); the [`keys`] table names values by
//! their key's spelling in any SDK's style (`key name`); the [`values`]
//! shapes name what only the value's form says, and only where the key says
//! nothing else (`value shape`). The researcher's own values found through
//! canary search add `known value` in the store.
//!
//! Promises: pure functions of the decoded exchange; every name is from the
//! [`vocabulary`]; a value that carries nothing ("", `null`, an all-zero ad
//! id) is never named.

mod keys;
mod values;
pub mod vocabulary;

pub use keys::normalize as normalize_key;
pub use values::{carries_data, fits_kind, is_imei, luhn_valid};
pub use vocabulary::{Group, Kind, Origin, VOCABULARY, is_known, kind};

use super::document::{Document, FieldPath, Leaf, Segment};
use crate::model::{Confidence, DataType};

/// A data type and the document node it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub data_type: DataType,
    pub node: FieldPath,
}

impl Found {
    pub fn new(kind: &str, node: FieldPath, value: &str, confidence: Confidence) -> Found {
        Found {
            data_type: DataType::new(kind, node.to_string(), value, confidence),
            node,
        }
    }
}

/// Keys whose value may be a `latitude,longitude` pair.
const COORDINATE_KEYS: &[&str] = &[
    "location",
    "loc",
    "ll",
    "latlng",
    "latlon",
    "coordinates",
    "geo",
    "gps",
    "latlong",
];

/// The data types that key names and value shapes reveal in `document`.
pub fn recognise(document: &Document) -> Vec<Found> {
    let mut found = Vec::new();
    for leaf in document.leaves() {
        recognise_leaf(leaf, &mut found);
    }
    found
}

fn recognise_leaf(leaf: &Leaf, found: &mut Vec<Found>) {
    if leaf.path.context() == Some("path") || !carries_data(&leaf.value) {
        return;
    }
    let keys: Vec<&str> = leaf
        .path
        .0
        .iter()
        .skip(1)
        .filter_map(|segment| match segment {
            Segment::Key(key) => Some(key.as_str()),
            Segment::Index(_) => None,
        })
        .collect();
    let Some((&key, parents)) = keys.split_last() else {
        return;
    };
    let parent = parents.last().copied();
    let kinds = keys::kinds_for_key(parent, key);
    if !kinds.is_empty() {
        for &kind in kinds {
            if fits_kind(kind, &leaf.value) {
                found.push(Found::new(kind, leaf.path.clone(), &leaf.value, Confidence::KeyName));
            }
        }
        return;
    }
    if keys::says_not_personal(key) {
        return;
    }
    if COORDINATE_KEYS.contains(&keys::normalize(key).as_str())
        && let Some((latitude, longitude)) = coordinate_pair(&leaf.value)
    {
        found.push(Found::new(
            "latitude",
            leaf.path.clone(),
            latitude,
            Confidence::ValueShape,
        ));
        found.push(Found::new(
            "longitude",
            leaf.path.clone(),
            longitude,
            Confidence::ValueShape,
        ));
        return;
    }
    if let Some(kind) = values::kind_for_value(Some(key), &leaf.value) {
        found.push(Found::new(kind, leaf.path.clone(), &leaf.value, Confidence::ValueShape));
    }
}

/// `52.52,13.40` (or with `;` / a space) → the two numbers, when in range.
fn coordinate_pair(value: &str) -> Option<(&str, &str)> {
    let (latitude, longitude) = value.split_once([',', ';', ' '])?;
    let (latitude, longitude) = (latitude.trim(), longitude.trim());
    (fits_kind("latitude", latitude) && fits_kind("longitude", longitude) && latitude.contains('.'))
        .then_some((latitude, longitude))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode_exchange_tree;
    use crate::model::Exchange;

    fn kinds_in(exchange: &Exchange) -> Vec<(String, String, Confidence)> {
        let tree = decode_exchange_tree(exchange);
        let document = Document::build(exchange, &tree);
        recognise(&document)
            .into_iter()
            .map(|f| (f.data_type.kind, f.data_type.field, f.data_type.confidence))
            .collect()
    }

    fn json_post(body: &str) -> Exchange {
        Exchange {
            method: "POST".into(),
            url: "https://collector.example.net/v1/track".into(),
            request_headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("User-Agent".into(), "okhttp/4.9.0".into()),
            ],
            request_body: body.as_bytes().to_vec(),
            ..Exchange::default()
        }
    }

    #[test]
    fn key_names_in_any_style_and_nesting() {
        let found = kinds_in(&json_post(
            r#"{"device":{"id":"a1b2c3d4","model":"Pixel 4","os_version":"11"},
                "$gaid":"38400000-8cf0-11bd-b23e-10b96e40000d","advertiser_tracking_enabled":"1",
                "properties":{"$url":"https://news.example/story","search_keyword":"隐私测试"}}"#,
        ));
        let has = |kind: &str, field: &str| found.iter().any(|(k, f, _)| k == kind && f == field);
        assert!(has("deviceId", "body.device.id"), "{found:#?}");
        assert!(has("model", "body.device.model"));
        assert!(has("osVersion", "body.device.os_version"));
        assert!(has("advertisingId", "body.$gaid"));
        assert!(has("visitedUrl", "body.properties.$url"));
        assert!(has("searchTerm", "body.properties.search_keyword"));
        assert!(has("userAgent", "header.user-agent"));
        assert!(
            found
                .iter()
                .all(|(_, _, confidence)| *confidence == Confidence::KeyName)
        );
    }

    #[test]
    fn value_shapes_only_where_the_key_says_nothing() {
        let found = kinds_in(&json_post(
            r#"{"contact":"jane.doe@example.org","x9":"490154203237518","w":"3C:22:FB:12:34:56",
                "message_id":"6a1c1487-a0af-4223-b142-a0f4621d0311","vid":"6a1c1487-a0af-4223-b142-a0f4621d0312",
                "app_version":"10.0.0.1","loc":"52.5200,13.4050","remote":"192.168.1.23"}"#,
        ));
        let kinds: Vec<(&str, &str)> = found.iter().map(|(k, f, _)| (k.as_str(), f.as_str())).collect();
        assert!(kinds.contains(&("email", "body.contact")), "{kinds:#?}");
        assert!(kinds.contains(&("imei", "body.x9")));
        assert!(kinds.contains(&("macAddress", "body.w")));
        assert!(kinds.contains(&("otherIdentifiers", "body.vid")));
        assert!(kinds.contains(&("latitude", "body.loc")));
        assert!(kinds.contains(&("longitude", "body.loc")));
        assert!(kinds.contains(&("localIp", "body.remote")));
        // The key says what these are: an event id, and a version that looks like an address.
        assert!(!kinds.iter().any(|(_, f)| *f == "body.message_id"));
        assert!(kinds.contains(&("appVersion", "body.app_version")));
        assert!(
            !kinds
                .iter()
                .any(|(k, f)| *f == "body.app_version" && *k != "appVersion")
        );
    }

    #[test]
    fn empty_and_placeholder_values_are_not_named() {
        let found = kinds_in(&json_post(
            r#"{"idfa":"00000000-0000-0000-0000-000000000000","email":"","device_id":null}"#,
        ));
        assert!(
            found.iter().all(|(_, field, _)| field.starts_with("header.")),
            "{found:#?}"
        );
    }
}
