//! AppsFlyer (attribution) SDK.
//!
//! Format (decompiled Android SDK 4.8.x, `AppsFlyerLib` / `ServerParameters`
//! in github.com/candledragle/AppsflyerSDk; hosts from AppsFlyer's SDK docs):
//! one POST per SDK call to `https://{launches|inapps|conversions|attr|
//! register|events|t}.{appsflyer.com|appsflyersdk.com}/api/v{N}/androidevent
//! ?app_id=<package>&buildnumber=<sdk>` (`iosevent` on iOS). The body is one
//! JSON object: `appsflyerKey` (dev key), `af_timestamp` (ms), `uid`
//! (AppsFlyer id), `advertiserId` (GAID), `android_id`, `imei`, `brand`,
//! `model`, `sdk`, `counter`, `installDate`, `eventName` and `eventValue`
//! (a JSON object as a string) for in-app events. No batching: one request,
//! one event, named `eventName` or after the subdomain (`launch`, `inapp`,
//! `conversion`, `attribution`, `register`).
//!
//! SDK 6 encrypts event bodies: a binary (non-JSON, non-text) body to an
//! AppsFlyer `/api/` endpoint is marked encrypted and yields no event.

use super::TrackerDecoder;
use super::event::{Draft, host, micros_from_text};
use super::sdk::{body_is_text, has_request_json, host_is, mark_body_encrypted, query_value, text_value};
use crate::decode::json_value::JsonValue;
use crate::decode::tree::Tree;
use crate::model::{DecodedEvent, Exchange};

const ID: &str = "appsflyer";
const HOSTS: &[&str] = &["appsflyer.com", "appsflyersdk.com"];
/// Subdomains and the event they stand for when the body names none.
const SUBDOMAIN_EVENTS: &[(&str, &str)] = &[
    ("launches", "launch"),
    ("t", "launch"),
    ("inapps", "inapp"),
    ("conversions", "conversion"),
    ("attr", "attribution"),
    ("register", "register"),
    ("events", "event"),
    ("monitorsdk", "monitor"),
    ("gcdsdk", "conversion_data"),
    ("dlsdk", "deep_link"),
    ("validate", "validate_purchase"),
    ("adrevenue", "ad_revenue"),
];
const ENCRYPTED_NOTE: &str =
    "encrypted by the AppsFlyer SDK (binary body, not JSON: SDK 6 encrypts event payloads); not decoded";

pub struct AppsFlyer;

impl TrackerDecoder for AppsFlyer {
    fn id(&self) -> &'static str {
        ID
    }

    fn events(&self, exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>> {
        let host = host(exchange);
        let sdk_endpoint = is_sdk_endpoint(exchange.path());
        let on_host = host_is(&host, HOSTS);
        let found = tree
            .request_json_objects()
            .into_iter()
            .find(|(_, item)| looks_like_appsflyer(item))
            .map(|(layer, _)| layer);
        let Some(layer) = found else {
            if on_host
                && sdk_endpoint
                && !exchange.request_body.is_empty()
                && !has_request_json(tree)
                && !body_is_text(exchange)
            {
                mark_body_encrypted(tree, ENCRYPTED_NOTE);
                return Some(Vec::new());
            }
            return None;
        };
        let item = tree.json(layer)?;
        let name = text_value(item, "eventName")
            .or_else(|| subdomain_event(&host).map(str::to_string))
            .unwrap_or_else(|| "appsflyer".to_string());
        let time_micros = text_value(item, "af_timestamp").and_then(|t| micros_from_text(&t));
        let fields = fields_of(item);
        let model = text_value(item, "model");
        let mut event = Draft {
            layer,
            name,
            time_micros,
            fields,
        }
        .finish(tree, ID);
        if event.app.is_none() {
            event.app = query_value(exchange, "app_id").filter(|app| !app.is_empty());
        }
        if event.device.is_none() {
            event.device = model;
        }
        Some(vec![event])
    }
}

/// `/api/v4/androidevent`, `/api/v6.12/iosevent`, `/api/v6.3/androidevent/` …
fn is_sdk_endpoint(path: &str) -> bool {
    let mut segments = path.trim_matches('/').split('/');
    segments.next() == Some("api")
        && segments.next().is_some_and(|version| version.starts_with('v'))
        && segments.next().is_some_and(|kind| kind.ends_with("event"))
}

/// An AppsFlyer body carries the dev key, or its timestamp with a device id.
fn looks_like_appsflyer(item: &JsonValue) -> bool {
    item.get("appsflyerKey").is_some()
        || (item.get("af_timestamp").is_some()
            && (item.get("uid").is_some() || item.get("advertiserId").is_some() || item.get("af_events_api").is_some()))
}

fn subdomain_event(host: &str) -> Option<&'static str> {
    let first = host.split('.').next()?;
    SUBDOMAIN_EVENTS
        .iter()
        .find(|(subdomain, _)| {
            first == *subdomain || first.strip_prefix(subdomain).is_some_and(|rest| rest.starts_with('-'))
        })
        .map(|(_, name)| *name)
}

/// The body's fields, with `eventValue` (JSON in a string) opened up.
fn fields_of(item: &JsonValue) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let Some(entries) = item.as_object() else {
        return fields;
    };
    for (key, value) in entries {
        let nested = (key == "eventValue")
            .then(|| value.as_str().and_then(|text| JsonValue::parse(text.as_bytes()).ok()))
            .flatten()
            .filter(JsonValue::is_object);
        match nested {
            Some(parsed) => parsed.flatten_into(key, &mut fields),
            None => value.flatten_into(key, &mut fields),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_endpoints_and_subdomains_are_recognised() {
        assert!(is_sdk_endpoint("/api/v4/androidevent"));
        assert!(is_sdk_endpoint("/api/v6.12/iosevent"));
        assert!(!is_sdk_endpoint("/install_data/v4.0/com.example"));
        assert_eq!(subdomain_event("launches.appsflyersdk.com"), Some("launch"));
        assert_eq!(subdomain_event("inapps.appsflyer.com"), Some("inapp"));
        assert_eq!(subdomain_event("onelink.me"), None);
    }
}
