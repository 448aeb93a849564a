//! Mixpanel: `data=<base64 JSON object or array>` (GET query or form) and
//! plain JSON bodies, each event shaped `{event, properties:{token, …}}`.
//! Recognised by `properties.token`, or by a `mixpanel` host. Time from
//! `properties.time`: seconds (maybe fractional), or milliseconds above 1e12.

use super::TrackerDecoder;
use super::event::{Draft, host, micros_from_epoch_number, text_of};
use crate::decode::json_value::JsonValue;
use crate::decode::tree::Tree;
use crate::model::{DecodedEvent, Exchange};

const ID: &str = "mixpanel";

pub struct Mixpanel;

impl TrackerDecoder for Mixpanel {
    fn id(&self) -> &'static str {
        ID
    }

    fn events(&self, exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>> {
        let on_mixpanel_host = host(exchange).contains("mixpanel");
        let events: Vec<DecodedEvent> = tree
            .request_json_objects()
            .into_iter()
            .filter(|(_, item)| is_event(item, on_mixpanel_host))
            .map(|(layer, item)| {
                let properties = item.get("properties");
                let time_micros = properties
                    .and_then(|p| p.get("time"))
                    .and_then(JsonValue::as_f64)
                    .and_then(micros_from_epoch_number);
                let name = text_of(item, "event").unwrap_or_default().to_string();
                Draft {
                    layer,
                    name,
                    time_micros,
                    fields: item.flatten(),
                }
                .finish(tree, ID)
            })
            .collect();
        (!events.is_empty()).then_some(events)
    }
}

fn is_event(item: &JsonValue, on_mixpanel_host: bool) -> bool {
    let Some(properties) = item.get("properties").filter(|p| p.is_object()) else {
        return false;
    };
    text_of(item, "event").is_some() && (properties.get("token").is_some() || on_mixpanel_host)
}
