//! GrowingIO SDKs (v3/v4 "autotracker"/CDP and the older SaaS 2.x).
//!
//! Format (github.com/growingio/growingio-sdk-android-autotracker, Apache-2.0:
//! `EventHttpSender`, `EncoderDataFetcher`, `XORUtils`, `BaseEvent`,
//! `BaseField`, `event_v3.proto`): POST `{server}/v3/projects/{projectId}/collect
//! ?stm=<ms>`, body a JSON array of events (`application/json`) or a protobuf
//! `EventV3List` (field 1 = repeated `EventV3Dto`, `application/protobuf`).
//! With the encoder module the body is snappy-compressed (`X-Compress-Codec:
//! 2`) and every byte XORed with `stm & 0xFF` (`X-Crypt-Codec: 1`): the key
//! travels in the URL, so this is obfuscation, not encryption, and Telltale
//! undoes it (a `snappy` layer under the body). Event: `eventType` (VISIT,
//! PAGE, VIEW_CLICK, CUSTOM …), `eventName` for CUSTOM, `timestamp` (ms),
//! `deviceId`, `userId`, `sessionId`, `domain` (the package), `path`,
//! `title`, `attributes`. SaaS 2.x posts JSON arrays to `/v3/{accountId}/
//! {android|ios}/{pv|imp|cstm|…}` with `t` (type), `n` (custom name), `tm` (ms),
//! `d` (domain).

use super::TrackerDecoder;
use super::event::{Draft, host, micros_from_json};
use super::sdk::{body_root, host_is, query_value, text_value};
use crate::decode::limits::MAX_LAYER_OUTPUT_BYTES;
use crate::decode::protobuf::{ProtoField, ProtoValue};
use crate::decode::runner::decode_child;
use crate::decode::tree::Tree;
use crate::model::{DecodedEvent, Exchange};

const ID: &str = "growingio";
const HOSTS: &[&str] = &["growingio.com", "growingio.cn", "giocdn.com"];
/// `X-Compress-Codec` value for snappy.
const SNAPPY_CODEC: &str = "2";
/// `X-Crypt-Codec` value for the XOR with the low byte of `stm`.
const XOR_CODEC: &str = "1";
/// `EventV3List.values`.
const LIST_VALUES: u64 = 1;
/// `EventV3Dto` field numbers and names, from `event_v3.proto`.
const PROTO_FIELDS: &[(u64, &str)] = &[
    (1, "deviceId"),
    (2, "userId"),
    (3, "gioId"),
    (4, "sessionId"),
    (5, "dataSourceId"),
    (6, "eventType"),
    (7, "platform"),
    (8, "timestamp"),
    (9, "domain"),
    (10, "path"),
    (11, "query"),
    (12, "title"),
    (13, "referralPage"),
    (14, "globalSequenceId"),
    (15, "eventSequenceId"),
    (16, "screenHeight"),
    (17, "screenWidth"),
    (18, "language"),
    (19, "sdkVersion"),
    (20, "appVersion"),
    (21, "extraSdk"),
    (22, "eventName"),
    (23, "pageShowTimestamp"),
    (24, "attributes"),
    (25, "resourceItem"),
    (26, "protocolType"),
    (27, "textValue"),
    (28, "xpath"),
    (29, "index"),
    (30, "hyperlink"),
    (31, "urlScheme"),
    (32, "appState"),
    (33, "networkState"),
    (34, "appChannel"),
    (35, "pageName"),
    (36, "platformVersion"),
    (37, "deviceBrand"),
    (38, "deviceModel"),
    (39, "deviceType"),
    (40, "operatingSystem"),
    (42, "appName"),
    (44, "latitude"),
    (45, "longitude"),
    (46, "imei"),
    (47, "androidId"),
    (48, "oaid"),
    (49, "googleAdvertisingId"),
    (50, "idfa"),
    (51, "idfv"),
    (52, "orientation"),
    (53, "projectKey"),
    (54, "sendTime"),
    (55, "userKey"),
    (56, "xcontent"),
    (57, "timezoneOffset"),
];
/// `EventType` enum values.
const EVENT_TYPES: &[&str] = &[
    "VISIT",
    "CUSTOM",
    "VISITOR_ATTRIBUTES",
    "LOGIN_USER_ATTRIBUTES",
    "CONVERSION_VARIABLES",
    "APP_CLOSED",
    "PAGE",
    "PAGE_ATTRIBUTES",
    "VIEW_CLICK",
    "VIEW_CHANGE",
    "FORM_SUBMIT",
    "ACTIVATE",
];
/// `latitude`/`longitude` are doubles (fixed64) in the proto.
const DOUBLE_FIELDS: &[u64] = &[44, 45];

pub struct GrowingIo;

impl TrackerDecoder for GrowingIo {
    fn id(&self) -> &'static str {
        ID
    }

    fn events(&self, exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>> {
        let path = exchange.path();
        let cdp = is_cdp_collect(path);
        let saas = is_saas_collect(path);
        if !cdp && !saas && !host_is(&host(exchange), HOSTS) {
            return None;
        }
        let holder = match unwrap_codec(exchange, tree) {
            Unwrapped::Layer(layer) => layer,
            Unwrapped::Failed => return Some(Vec::new()),
            Unwrapped::Plain => body_root(tree)?,
        };
        let events = json_events(tree, holder);
        if !events.is_empty() {
            return Some(events);
        }
        let events = proto_events(tree, holder);
        (!events.is_empty() || cdp || saas).then_some(events)
    }
}

/// `/v3/projects/{id}/collect`.
fn is_cdp_collect(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(segments.as_slice(), ["v3", "projects", _, "collect"])
}

/// `/v3/{accountId}/{android|ios|web}/{pv|imp|cstm|…}`.
fn is_saas_collect(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(segments.as_slice(), ["v3", _, "android" | "ios" | "web", _])
}

enum Unwrapped {
    /// No codec headers: read the body as the layer decoders left it.
    Plain,
    /// The unwrapped payload's layer.
    Layer(usize),
    /// Codec headers, but the payload did not unwrap (noted on the body).
    Failed,
}

/// Undoes `X-Crypt-Codec: 1` (XOR with `stm & 0xFF`) and `X-Compress-Codec: 2` (snappy).
fn unwrap_codec(exchange: &Exchange, tree: &mut Tree) -> Unwrapped {
    let compressed = exchange.request_header("x-compress-codec").map(str::trim) == Some(SNAPPY_CODEC);
    let xored = exchange.request_header("x-crypt-codec").map(str::trim) == Some(XOR_CODEC);
    if !compressed && !xored {
        return Unwrapped::Plain;
    }
    let Some(root) = body_root(tree) else {
        return Unwrapped::Failed;
    };
    let mut bytes = exchange.request_body.clone();
    let mut steps = Vec::new();
    if xored {
        let Some(key) = query_value(exchange, "stm").and_then(|stm| stm.trim().parse::<i64>().ok()) else {
            tree.add_note(
                root,
                "GrowingIO X-Crypt-Codec 1 without an `stm` query value: XOR key unknown, not decoded",
            );
            return Unwrapped::Failed;
        };
        let key = (key & 0xFF) as u8;
        bytes.iter_mut().for_each(|byte| *byte ^= key);
        steps.push(format!("XOR with stm & 0xFF (0x{key:02x})"));
    }
    if compressed {
        match snappy(&bytes) {
            Ok(plain) => {
                steps.push(format!("snappy {} → {} bytes", bytes.len(), plain.len()));
                bytes = plain;
            }
            Err(reason) => {
                tree.add_note(root, &format!("GrowingIO payload failed as snappy: {reason}"));
                return Unwrapped::Failed;
            }
        }
    }
    let decoder = if compressed { "snappy" } else { "xor" };
    match decode_child(tree, root, decoder, decoder.to_string(), steps.join(", then "), &bytes) {
        Some(layer) => Unwrapped::Layer(layer),
        None => Unwrapped::Failed,
    }
}

/// Raw (unframed) snappy, refused past the per-step output limit.
fn snappy(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let length = snap::raw::decompress_len(bytes).map_err(|e| e.to_string())?;
    if length > MAX_LAYER_OUTPUT_BYTES {
        return Err(format!("would expand to {length} bytes, over the limit"));
    }
    snap::raw::Decoder::new()
        .decompress_vec(bytes)
        .map_err(|e| e.to_string())
}

fn json_events(tree: &Tree, holder: usize) -> Vec<DecodedEvent> {
    tree.json_items(holder)
        .into_iter()
        .filter(|(_, item)| item.get("eventType").is_some() || item.get("t").is_some())
        .map(|(layer, item)| {
            let (name, time, app) = if item.get("eventType").is_some() {
                let kind = text_value(item, "eventType").unwrap_or_default();
                let name = match text_value(item, "eventName") {
                    Some(custom) if kind == "CUSTOM" || kind.is_empty() => custom,
                    _ => kind,
                };
                (name, item.get("timestamp"), text_value(item, "domain"))
            } else {
                let kind = text_value(item, "t").unwrap_or_default();
                let name = match text_value(item, "n") {
                    Some(custom) if kind == "cstm" => custom,
                    _ => kind,
                };
                (name, item.get("tm"), text_value(item, "d"))
            };
            let device = text_value(item, "deviceModel");
            let mut event = Draft {
                layer,
                name,
                time_micros: time.and_then(micros_from_json),
                fields: item.flatten(),
            }
            .finish(tree, ID);
            event.app = event.app.or(app);
            event.device = event.device.or(device);
            event
        })
        .collect()
}

/// Events of a protobuf `EventV3List` at or below `holder`.
fn proto_events(tree: &Tree, holder: usize) -> Vec<DecodedEvent> {
    let Some(layer) = tree.subtree(holder).into_iter().find(|at| tree.protobuf(*at).is_some()) else {
        return Vec::new();
    };
    let Some(list) = tree.protobuf(layer) else {
        return Vec::new();
    };
    list.iter()
        .filter(|field| field.number == LIST_VALUES)
        .filter_map(|field| match &field.value {
            ProtoValue::Message(event) => Some(event.as_slice()),
            _ => None,
        })
        .filter_map(|event| {
            let fields = proto_fields(event);
            let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
            let kind = get("eventType")?;
            let name = match get("eventName") {
                Some(custom) if kind == "CUSTOM" => custom,
                _ => kind,
            };
            let time_micros = get("timestamp")
                .and_then(|ms| ms.parse::<i64>().ok())
                .and_then(|ms| ms.checked_mul(1000));
            let (app, device) = (get("domain"), get("deviceModel"));
            let mut decoded = Draft {
                layer,
                name,
                time_micros,
                fields,
            }
            .finish(tree, ID);
            decoded.app = decoded.app.or(app);
            decoded.device = decoded.device.or(device);
            Some(decoded)
        })
        .collect()
}

/// An `EventV3Dto` as named fields; maps (`attributes`) as `attributes.<key>`.
fn proto_fields(event: &[ProtoField]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for field in event {
        let Some((_, name)) = PROTO_FIELDS.iter().find(|(number, _)| *number == field.number) else {
            continue;
        };
        match &field.value {
            ProtoValue::Message(entry) if matches!(*name, "attributes" | "extraSdk") => {
                let key = proto_text(entry, 1).unwrap_or_default();
                let value = proto_text(entry, 2).unwrap_or_default();
                out.push((format!("{name}.{key}"), value));
            }
            ProtoValue::Varint(number) if *name == "eventType" => {
                let kind = usize::try_from(*number).ok().and_then(|at| EVENT_TYPES.get(at));
                out.push((
                    name.to_string(),
                    kind.map_or_else(|| number.to_string(), |k| k.to_string()),
                ));
            }
            ProtoValue::Fixed64(bits) if DOUBLE_FIELDS.contains(&field.number) => {
                out.push((name.to_string(), f64::from_bits(*bits).to_string()));
            }
            ProtoValue::Varint(number) => out.push((name.to_string(), number.to_string())),
            ProtoValue::Text(text) => out.push((name.to_string(), text.clone())),
            _ => {}
        }
    }
    // proto3 leaves VISIT (0) out: an event without a type is a VISIT.
    if !out.iter().any(|(key, _)| key == "eventType") {
        out.push(("eventType".to_string(), EVENT_TYPES[0].to_string()));
    }
    out
}

fn proto_text(fields: &[ProtoField], number: u64) -> Option<String> {
    fields.iter().find(|f| f.number == number).and_then(|f| match &f.value {
        ProtoValue::Text(text) => Some(text.clone()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collect_paths_are_recognised() {
        assert!(is_cdp_collect("/v3/projects/91eaf9b283361032/collect"));
        assert!(!is_cdp_collect("/v3/projects/91eaf9b283361032/settings"));
        assert!(is_saas_collect("/v3/0a1b4118dd954ec3bcc69da5138bdb96/android/pv"));
        assert!(!is_saas_collect("/v3/projects/x/collect"));
    }

    #[test]
    fn snappy_round_trips_and_refuses_garbage() {
        let plain = br#"[{"eventType":"VISIT"}]"#;
        let packed = snap::raw::Encoder::new().compress_vec(plain).expect("compress");
        assert_eq!(snappy(&packed).expect("valid"), plain);
        assert!(snappy(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err());
    }
}
