//! Helpers shared by tracker decoders: building a [`DecodedEvent`] from a
//! layer, reading times of any unit, attributing app, device and mode from
//! the payload's own keys.

use crate::decode::json_value::JsonValue;
use crate::decode::tree::Tree;
use crate::model::{DecodedEvent, Exchange, Mode, parse_rfc3339_micros, split_url};

/// Keys naming the app (at any depth). `lib.$app_version` is not one.
const APP_KEYS: &[&str] = &[
    "$app_id",
    "app_id",
    "package_name",
    "$app_name",
    "app_name",
    "bundle_id",
    "packageName",
];
/// Keys naming the device, most specific first.
const DEVICE_KEYS: &[&str] = &["$model", "$device_id", "device_model"];
/// Keys carrying the payload's own incognito/private flag.
const MODE_KEYS: &[&str] = &[
    "incognito",
    "is_incognito",
    "$is_incognito",
    "incognito_mode",
    "private_mode",
    "is_private",
    "private_browsing",
];

/// Epoch numbers below this are seconds (1e11 s is the year 5138).
const SECONDS_BELOW: f64 = 1e11;
/// … below this milliseconds, below [`MICROS_BELOW`] microseconds.
const MILLIS_BELOW: f64 = 1e14;
const MICROS_BELOW: f64 = 1e17;
const MICROS_PER_SECOND: f64 = 1e6;
const MICROS_PER_MILLI: f64 = 1e3;

/// An event before its path and attribution are filled in.
pub struct Draft {
    pub layer: usize,
    pub name: String,
    pub time_micros: Option<i64>,
    pub fields: Vec<(String, String)>,
}

impl Draft {
    /// Completes the event: decode path from the tree, attribution from fields.
    pub fn finish(self, tree: &Tree, tracker: &str) -> DecodedEvent {
        let app = first_field(&self.fields, APP_KEYS);
        let device = first_field(&self.fields, DEVICE_KEYS);
        let mode = first_field(&self.fields, MODE_KEYS).and_then(|flag| mode_from_flag(&flag));
        DecodedEvent {
            layer: Some(self.layer),
            time_micros: self.time_micros,
            tracker: tracker.to_string(),
            name: self.name,
            fields: self.fields,
            decode_path: tree.path(self.layer),
            app,
            device,
            mode,
            json_path: None,
            data_types: Vec::new(),
        }
    }
}

/// The value of the first key (in `keys` order) whose last path segment
/// matches, at any depth; empty values do not count.
fn first_field(fields: &[(String, String)], keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|wanted| {
        fields
            .iter()
            .find(|(key, value)| last_segment(key) == *wanted && !value.is_empty())
            .map(|(_, value)| value.clone())
    })
}

/// `properties.$app_id` → `$app_id`; `items[2].id` → `id`; `tags[0]` → `tags`.
fn last_segment(key: &str) -> &str {
    let last = key.rsplit('.').next().unwrap_or(key);
    last.split('[').next().unwrap_or(last)
}

fn mode_from_flag(flag: &str) -> Option<Mode> {
    match flag.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(Mode::Incognito),
        "false" | "0" => Some(Mode::Normal),
        _ => None,
    }
}

/// An epoch number in seconds, milliseconds or microseconds (told apart by
/// magnitude) as µs.
pub fn micros_from_epoch_number(number: f64) -> Option<i64> {
    if !number.is_finite() || number <= 0.0 || number >= MICROS_BELOW {
        return None;
    }
    let micros = if number < SECONDS_BELOW {
        number * MICROS_PER_SECOND
    } else if number < MILLIS_BELOW {
        number * MICROS_PER_MILLI
    } else {
        number
    };
    Some(micros.round() as i64)
}

/// Milliseconds since the epoch (a JSON number or numeric string) as µs.
pub fn micros_from_millis(value: &JsonValue) -> Option<i64> {
    let millis = value.as_f64().filter(|m| m.is_finite() && *m > 0.0)?;
    Some((millis * MICROS_PER_MILLI).round() as i64)
}

/// A time as a JSON number or string: epoch of any unit, or RFC 3339.
pub fn micros_from_json(value: &JsonValue) -> Option<i64> {
    match value {
        JsonValue::Number(number) => micros_from_epoch_number(number.as_f64()?),
        JsonValue::String(text) => micros_from_text(text),
        _ => None,
    }
}

/// A time as text: an epoch number of any unit, RFC 3339, or Adjust's
/// `2020-04-14T10:20:30.123Z+0200` (a `Z` before the real offset).
pub fn micros_from_text(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(number) = text.parse::<f64>() {
        return micros_from_epoch_number(number);
    }
    parse_rfc3339_micros(text).or_else(|| {
        let (before, after) = text.split_once('Z')?;
        (after.starts_with('+') || after.starts_with('-')).then(|| parse_rfc3339_micros(&format!("{before}{after}")))?
    })
}

/// Java's `String.hashCode`: 31-based, wrapping i32, over UTF-16 code units.
pub fn java_string_hash(text: &str) -> i32 {
    text.encode_utf16()
        .fold(0i32, |hash, unit| hash.wrapping_mul(31).wrapping_add(i32::from(unit)))
}

/// The first value of `key` in decoded pairs.
pub fn pair<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// The exchange's host, lower-cased (from the URL when the importer left it empty).
pub fn host(exchange: &Exchange) -> String {
    if exchange.host.is_empty() {
        split_url(&exchange.url).1
    } else {
        exchange.host.to_ascii_lowercase()
    }
}

/// A string value of a JSON object.
pub fn text_of<'a>(value: &'a JsonValue, key: &str) -> Option<&'a str> {
    value.get(key).and_then(JsonValue::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_hash_matches_known_values() {
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("hello"), 99_162_322);
        // Wraps like Java: "polygenelubricants".hashCode() == Integer.MIN_VALUE.
        assert_eq!(java_string_hash("polygenelubricants"), i32::MIN);
        // UTF-16 code units: a non-BMP character counts as two.
        assert_eq!(java_string_hash("😀"), 0xD83D * 31 + 0xDE00);
    }

    #[test]
    fn epoch_units_are_told_apart_by_magnitude() {
        let micros = 1_586_000_000_000_000;
        assert_eq!(micros_from_epoch_number(1_586_000_000.0), Some(micros));
        assert_eq!(micros_from_epoch_number(1_586_000_000_000.0), Some(micros));
        assert_eq!(micros_from_epoch_number(1_586_000_000_000_000.0), Some(micros));
        assert_eq!(micros_from_epoch_number(1_586_000_000.5), Some(micros + 500_000));
        assert_eq!(micros_from_epoch_number(-1.0), None);
        assert_eq!(micros_from_text("2020-04-04T11:33:20Z"), Some(micros));
        assert_eq!(micros_from_text("2020-04-04T13:33:20.000Z+0200"), Some(micros));
        assert_eq!(micros_from_text("yesterday"), None);
    }

    #[test]
    fn attribution_reads_keys_at_any_depth() {
        let fields: Vec<(String, String)> = [
            ("lib.$app_version", "12.1.4"),
            ("properties.$model", "Redmi Note 8"),
            ("properties.$app_id", "com.mi.globalbrowser"),
            ("properties.$is_incognito", "true"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(first_field(&fields, APP_KEYS).as_deref(), Some("com.mi.globalbrowser"));
        assert_eq!(first_field(&fields, DEVICE_KEYS).as_deref(), Some("Redmi Note 8"));
        assert_eq!(
            first_field(&fields, MODE_KEYS).and_then(|f| mode_from_flag(&f)),
            Some(Mode::Incognito)
        );
        assert_eq!(mode_from_flag("0"), Some(Mode::Normal));
        assert_eq!(mode_from_flag("maybe"), None);
    }
}
