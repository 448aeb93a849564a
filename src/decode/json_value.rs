//! An order-preserving JSON value.
//!
//! `serde_json::Value` sorts object keys (the crate is built without
//! `preserve_order`), but a journalist reads fields in the order the SDK
//! sent them, so decoders parse into this type instead. Parsing inherits
//! serde_json's recursion limit (128 levels), so hostile nesting fails
//! cleanly instead of overflowing the stack.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::fmt;

/// A parsed JSON value whose objects keep their key order.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonValue {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<JsonValue>),
    Object(Vec<(String, JsonValue)>),
}

/// One step into a JSON value: an object key or an array index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

impl JsonValue {
    /// Parses JSON text (UTF-8 bytes).
    pub fn parse(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// The first value under `key` when this is an object.
    pub fn get(&self, key: &str) -> Option<&JsonValue> {
        self.as_object()?.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn as_object(&self) -> Option<&[(String, JsonValue)]> {
        match self {
            JsonValue::Object(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[JsonValue]> {
        match self {
            JsonValue::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            JsonValue::String(text) => Some(text),
            _ => None,
        }
    }

    /// The value as a float: numbers, and strings that hold a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            JsonValue::Number(number) => number.as_f64(),
            JsonValue::String(text) => text.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self, JsonValue::Object(_))
    }

    /// Follows `path` from this value.
    pub fn at(&self, path: &[PathSegment]) -> Option<&JsonValue> {
        path.iter().try_fold(self, |value, segment| match segment {
            PathSegment::Key(key) => value.get(key),
            PathSegment::Index(index) => value.as_array()?.get(*index),
        })
    }

    /// A scalar as users read it: strings unquoted, numbers and booleans as
    /// text, null as empty; `None` for arrays and objects.
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            JsonValue::Null => Some(String::new()),
            JsonValue::Bool(flag) => Some(flag.to_string()),
            JsonValue::Number(number) => Some(number.to_string()),
            JsonValue::String(text) => Some(text.clone()),
            JsonValue::Array(_) | JsonValue::Object(_) => None,
        }
    }

    /// Compact JSON text of this value, keys in their original order.
    pub fn to_json_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// One line for layer lists: "JSON array of 50 objects".
    pub fn describe(&self) -> String {
        match self {
            JsonValue::Array(items) => {
                let objects = items.iter().filter(|item| item.is_object()).count();
                if objects == items.len() && !items.is_empty() {
                    format!("JSON array of {} objects", items.len())
                } else {
                    format!("JSON array of {} items", items.len())
                }
            }
            JsonValue::Object(entries) => format!("JSON object with {} keys", entries.len()),
            JsonValue::String(_) => "JSON string".to_string(),
            JsonValue::Number(_) => "JSON number".to_string(),
            JsonValue::Bool(_) => "JSON boolean".to_string(),
            JsonValue::Null => "JSON null".to_string(),
        }
    }

    /// Flattens into `(key, value)` pairs like `properties.$url` and
    /// `items[2].id`, in payload order. Empty containers read `{}` / `[]`.
    pub fn flatten(&self) -> Vec<(String, String)> {
        let mut fields = Vec::new();
        self.flatten_into("", &mut fields);
        fields
    }

    /// Flattens under `prefix` (no separator added when `prefix` is empty).
    pub fn flatten_into(&self, prefix: &str, fields: &mut Vec<(String, String)>) {
        match self {
            JsonValue::Object(entries) if !entries.is_empty() => {
                for (key, value) in entries {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    value.flatten_into(&path, fields);
                }
            }
            JsonValue::Array(items) if !items.is_empty() => {
                for (index, value) in items.iter().enumerate() {
                    value.flatten_into(&format!("{prefix}[{index}]"), fields);
                }
            }
            JsonValue::Object(_) => fields.push((prefix.to_string(), "{}".to_string())),
            JsonValue::Array(_) => fields.push((prefix.to_string(), "[]".to_string())),
            scalar => fields.push((prefix.to_string(), scalar.scalar_text().unwrap_or_default())),
        }
    }
}

impl<'de> Deserialize<'de> for JsonValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = JsonValue;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<JsonValue, E> {
        Ok(JsonValue::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<JsonValue, E> {
        Ok(JsonValue::Number(value.into()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<JsonValue, E> {
        Ok(JsonValue::Number(value.into()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<JsonValue, E> {
        Ok(serde_json::Number::from_f64(value).map_or(JsonValue::Null, JsonValue::Number))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<JsonValue, E> {
        Ok(JsonValue::String(value.to_string()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<JsonValue, E> {
        Ok(JsonValue::String(value))
    }

    fn visit_unit<E: de::Error>(self) -> Result<JsonValue, E> {
        Ok(JsonValue::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<JsonValue, E> {
        Ok(JsonValue::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<JsonValue, D::Error> {
        JsonValue::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsonValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(JsonValue::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value()?;
            entries.push((key, value));
        }
        Ok(JsonValue::Object(entries))
    }
}

impl Serialize for JsonValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            JsonValue::Null => serializer.serialize_unit(),
            JsonValue::Bool(flag) => serializer.serialize_bool(*flag),
            JsonValue::Number(number) => number.serialize(serializer),
            JsonValue::String(text) => serializer.serialize_str(text),
            JsonValue::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            JsonValue::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_and_round_trips() {
        let text = r#"{"z":1,"a":{"y":true,"b":null},"m":[1.5,"x"]}"#;
        let value = JsonValue::parse(text.as_bytes()).expect("present in this test");
        assert_eq!(value.to_json_text(), text);
        let keys: Vec<&str> = value
            .as_object()
            .expect("present in this test")
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(keys, ["z", "a", "m"]);
    }

    #[test]
    fn flattens_with_dots_and_indexes() {
        let value = JsonValue::parse(br#"{"p":{"$url":"https://x"},"items":[{"id":7},{}],"n":null,"ok":false}"#)
            .expect("present in this test");
        assert_eq!(
            value.flatten(),
            vec![
                ("p.$url".to_string(), "https://x".to_string()),
                ("items[0].id".to_string(), "7".to_string()),
                ("items[1]".to_string(), "{}".to_string()),
                ("n".to_string(), String::new()),
                ("ok".to_string(), "false".to_string()),
            ]
        );
    }

    #[test]
    fn describes_and_follows_paths() {
        let value = JsonValue::parse(br#"[{"a":[1,{"b":"c"}]},{}]"#).expect("present in this test");
        assert_eq!(value.describe(), "JSON array of 2 objects");
        let path = [
            PathSegment::Index(0),
            PathSegment::Key("a".into()),
            PathSegment::Index(1),
            PathSegment::Key("b".into()),
        ];
        assert_eq!(value.at(&path).and_then(JsonValue::as_str), Some("c"));
    }

    #[test]
    fn hostile_nesting_fails_cleanly() {
        let deep = "[".repeat(100_000);
        assert!(JsonValue::parse(deep.as_bytes()).is_err());
    }
}
