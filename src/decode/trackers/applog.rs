//! ByteDance / Volcengine AppLog ("DataRangers", 火山引擎增长分析) SDK.
//!
//! Format (github.com/volcengine/datarangers-sdk-android:
//! `UriConfig`, `store/PackV2`, `store/BaseData`, `store/EventV3`,
//! `util/EncryptUtils`): POST `{domain}/service/2/app_log/` (register:
//! `/service/2/device_register/`), body one JSON pack `{"magic_tag":
//! "ss_app_log", "header": {aid, app_name, package, app_version, device_id,
//! install_id, device_model, device_brand, os_version, language, resolution,
//! carrier, access …}, "time_sync": {…}, "launch": [...], "terminate": [...],
//! "event_v3": [{event, params, local_time_ms, tea_event_index, session_id,
//! user_unique_id, datetime}], "event": [{category, tag, label, …}]}`, up to
//! 200 events a pack. One event per element of `event_v3`, `event`,
//! `launch` (`launch`) and `terminate` (`terminate`); time `local_time_ms`.
//!
//! With `setEncryptAndCompress` (the default) the pack is gzipped, then
//! encrypted by the SDK's native encryptor and sent as `application/
//! octet-stream;tt-data=<type>` (the URL carries `tt_data=a`): such bodies
//! are marked encrypted and yield no events.

use super::TrackerDecoder;
use super::event::{Draft, micros_from_json};
use super::sdk::{has_request_json, mark_body_encrypted, query_value, text_value};
use crate::decode::json_value::JsonValue;
use crate::decode::tree::Tree;
use crate::model::{DecodedEvent, Exchange};

const ID: &str = "bytedance-applog";
const MAGIC: &str = "ss_app_log";
/// Upload paths of the SDK.
const PATHS: &[&str] = &[
    "/service/2/app_log",
    "/service/2/device_register",
    "/service/2/log_settings",
];
/// Arrays of events in a pack and the name of their events when they carry none.
const ARRAYS: &[(&str, Option<&str>)] = &[
    ("launch", Some("launch")),
    ("terminate", Some("terminate")),
    ("event_v3", None),
    ("event", None),
];
const ENCRYPTED_NOTE: &str =
    "encrypted by the ByteDance AppLog SDK (gzip, then its native encryptor; `tt-data` content type); not decoded";

pub struct AppLog;

impl TrackerDecoder for AppLog {
    fn id(&self) -> &'static str {
        ID
    }

    fn events(&self, exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>> {
        let pack = tree
            .request_json_objects()
            .into_iter()
            .find(|(_, item)| item.get("magic_tag").and_then(JsonValue::as_str) == Some(MAGIC))
            .map(|(layer, _)| layer);
        let Some(pack) = pack else {
            let on_path = PATHS.iter().any(|path| exchange.path().starts_with(path));
            let declared = exchange
                .request_header("content-type")
                .is_some_and(|kind| kind.contains("tt-data"))
                || query_value(exchange, "tt_data").is_some();
            if on_path && declared && !exchange.request_body.is_empty() && !has_request_json(tree) {
                mark_body_encrypted(tree, ENCRYPTED_NOTE);
                return Some(Vec::new());
            }
            return None;
        };
        let header = tree.json(pack).and_then(|value| value.get("header")).cloned();
        let app = header
            .as_ref()
            .and_then(|h| text_value(h, "package").or_else(|| text_value(h, "app_name")));
        let device = header.as_ref().and_then(|h| text_value(h, "device_model"));
        let mut events = Vec::new();
        for (key, fixed_name) in ARRAYS {
            for (layer, item) in tree.keyed_items(pack, key) {
                let name = fixed_name
                    .map(str::to_string)
                    .or_else(|| text_value(item, "event"))
                    .or_else(|| text_value(item, "tag"))
                    .unwrap_or_else(|| (*key).to_string());
                let mut event = Draft {
                    layer,
                    name,
                    time_micros: item.get("local_time_ms").and_then(micros_from_json),
                    fields: fields_of(item),
                }
                .finish(tree, ID);
                event.app = event.app.or_else(|| app.clone());
                event.device = event.device.or_else(|| device.clone());
                events.push(event);
            }
        }
        Some(events)
    }
}

/// The element's fields, with `params` (an object, or JSON in a string) opened up.
fn fields_of(item: &JsonValue) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let Some(entries) = item.as_object() else {
        return fields;
    };
    for (key, value) in entries {
        let parsed = (key == "params")
            .then(|| value.as_str().and_then(|text| JsonValue::parse(text.as_bytes()).ok()))
            .flatten()
            .filter(JsonValue::is_object);
        match parsed {
            Some(params) => params.flatten_into(key, &mut fields),
            None => value.flatten_into(key, &mut fields),
        }
    }
    fields
}
