//! Adjust: form POSTs to `/session`, `/event`, `/sdk_click`,
//! `/attribution`… with `app_token`, `created_at`, `event_token`, and JSON
//! strings in `partner_params` / `callback_params` (decoded as child layers
//! and flattened into `partner_params.<key>`). One event per request, named
//! after the path (`session`, `event:<event_token>`); time from `created_at`.

use super::TrackerDecoder;
use super::event::{Draft, micros_from_text, pair};
use crate::decode::tree::Tree;
use crate::model::{DecodedEvent, Exchange};

const ID: &str = "adjust";
/// Endpoints of the Adjust SDK.
const PATHS: &[&str] = &[
    "session",
    "event",
    "sdk_click",
    "attribution",
    "sdk_info",
    "third_party_sharing",
    "ad_revenue",
    "gdpr_forget_device",
    "measurement_consent",
    "disable_third_party_sharing",
];
/// Fields holding JSON objects as strings.
const JSON_FIELDS: &[&str] = &["partner_params", "callback_params"];

pub struct Adjust;

impl TrackerDecoder for Adjust {
    fn id(&self) -> &'static str {
        ID
    }

    fn events(&self, exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>> {
        let endpoint = exchange
            .path()
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let layer = tree.request_layers().into_iter().find(|layer| {
            tree.pairs(*layer).is_some_and(|pairs| {
                pair(pairs, "app_token").is_some()
                    && (pair(pairs, "created_at").is_some()
                        || pair(pairs, "event_token").is_some()
                        || PATHS.contains(&endpoint.as_str()))
            })
        })?;
        let pairs = tree.pairs(layer)?;
        let name = match (endpoint.as_str(), pair(pairs, "event_token")) {
            ("event", Some(token)) => format!("event:{token}"),
            ("", _) => "adjust".to_string(),
            (path, _) => path.to_string(),
        };
        let time_micros = pair(pairs, "created_at").and_then(micros_from_text);
        let fields = flatten_fields(tree, layer, pairs);
        Some(vec![
            Draft {
                layer,
                name,
                time_micros,
                fields,
            }
            .finish(tree, ID),
        ])
    }
}

/// The form's pairs, with JSON-string fields replaced by their flattened keys.
fn flatten_fields(tree: &Tree, layer: usize, pairs: &[(String, String)]) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for (key, value) in pairs {
        let parsed = JSON_FIELDS
            .contains(&key.as_str())
            .then(|| tree.field_child(layer, key).and_then(|child| tree.json(child)))
            .flatten()
            .filter(|json| json.is_object());
        match parsed {
            Some(json) => json.flatten_into(key, &mut fields),
            None => fields.push((key.clone(), value.clone())),
        }
    }
    fields
}
