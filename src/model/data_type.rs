//! Personal data found in what an app sent: one [`DataType`] per value that
//! a decoder, a key name, a value's shape or the researcher's own known
//! values identify as a kind of personal data (an advertising id, a visited
//! URL, the phone's model…).
//!
//! The kinds are strings from the vocabulary in `decode::datatypes`, which uses
//! tweasel TrackHAR's property names where they exist, so findings can be
//! compared with TrackHAR's.

use serde::{Deserialize, Serialize};

/// One piece of personal data in a request or an event.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DataType {
    /// The kind, from the vocabulary: `advertisingId`, `visitedUrl`, `model` …
    #[serde(rename = "type")]
    pub kind: String,
    /// Where it was found: the decoded field path, e.g. `body.advertiser_id`,
    /// `query.cid`, `header.user-agent`, `body.custom_events[0]._appVersion`.
    pub field: String,
    /// The value as sent (capped at [`MAX_DATA_TYPE_VALUE_CHARS`]).
    pub value: String,
    /// How Telltale knows.
    pub confidence: Confidence,
}

/// Longest value kept with a data type; longer values are cut with `…`.
pub const MAX_DATA_TYPE_VALUE_CHARS: usize = 512;

/// How a value was recognised, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Confidence {
    /// The researcher's own value (a typed canary: the phone's ad id, IMEI …)
    /// was found here, through whatever encoding.
    #[serde(rename = "known value")]
    KnownValue,
    /// The SDK's documented field: a decoder or the endpoint table says so.
    #[serde(rename = "sdk")]
    Sdk,
    /// The field's name says what it is (`advertising_id`, `$os_version`, `imei`).
    #[serde(rename = "key name")]
    KeyName,
    /// Only the value's shape says so (an e-mail address, a MAC address, an IMEI
    /// with a valid check digit) and the key does not contradict it.
    #[serde(rename = "value shape")]
    ValueShape,
}

impl Confidence {
    pub const ALL: [Confidence; 4] = [
        Confidence::KnownValue,
        Confidence::Sdk,
        Confidence::KeyName,
        Confidence::ValueShape,
    ];

    /// The stable name used in the case file, CLI and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::KnownValue => "known value",
            Confidence::Sdk => "sdk",
            Confidence::KeyName => "key name",
            Confidence::ValueShape => "value shape",
        }
    }
}

impl std::fmt::Display for Confidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Confidence {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Confidence::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| format!("unknown confidence `{s}`"))
    }
}

impl DataType {
    /// A data type with its value capped at [`MAX_DATA_TYPE_VALUE_CHARS`].
    pub fn new(kind: &str, field: impl Into<String>, value: &str, confidence: Confidence) -> DataType {
        DataType {
            kind: kind.to_string(),
            field: field.into(),
            value: cap_value(value),
            confidence,
        }
    }
}

fn cap_value(value: &str) -> String {
    match value.char_indices().nth(MAX_DATA_TYPE_VALUE_CHARS) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_string(),
    }
}

/// Keeps one entry per (kind, field, value), the strongest confidence winning,
/// in the order first seen.
pub fn dedupe_data_types(types: &mut Vec<DataType>) {
    // An event carries a handful: compare in place, without a key per item
    // (the keyed map's three string copies were most of `events --json`'s
    // data-type cost).
    if types.len() <= 32 {
        let mut kept: Vec<DataType> = Vec::with_capacity(types.len());
        for data_type in types.drain(..) {
            let same =
                |k: &DataType| k.kind == data_type.kind && k.field == data_type.field && k.value == data_type.value;
            match kept.iter_mut().find(|k| same(k)) {
                Some(seen) => seen.confidence = seen.confidence.min(data_type.confidence),
                None => kept.push(data_type),
            }
        }
        *types = kept;
        return;
    }
    let mut best: std::collections::HashMap<(String, String, String), usize> = std::collections::HashMap::new();
    let mut kept: Vec<DataType> = Vec::with_capacity(types.len());
    for data_type in types.drain(..) {
        let key = (data_type.kind.clone(), data_type.field.clone(), data_type.value.clone());
        match best.get(&key) {
            Some(&at) => {
                if data_type.confidence < kept[at].confidence {
                    kept[at].confidence = data_type.confidence;
                }
            }
            None => {
                best.insert(key, kept.len());
                kept.push(data_type);
            }
        }
    }
    *types = kept;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_with_the_documented_keys() {
        let data_type = DataType::new("advertisingId", "body.advertiser_id", "38400000-8cf0", Confidence::Sdk);
        let json = serde_json::to_string(&data_type).expect("serialise");
        assert_eq!(
            json,
            r#"{"type":"advertisingId","field":"body.advertiser_id","value":"38400000-8cf0","confidence":"sdk"}"#
        );
        assert_eq!("known value".parse::<Confidence>(), Ok(Confidence::KnownValue));
    }

    #[test]
    fn long_values_are_capped_on_a_char_boundary() {
        let long = "é".repeat(MAX_DATA_TYPE_VALUE_CHARS + 10);
        let capped = DataType::new("userAgent", "header.user-agent", &long, Confidence::KeyName).value;
        assert_eq!(capped.chars().count(), MAX_DATA_TYPE_VALUE_CHARS + 1);
        assert!(capped.ends_with('…'));
    }

    #[test]
    fn dedupe_keeps_the_strongest_confidence() {
        let mut types = vec![
            DataType::new("model", "body.model", "Pixel 4", Confidence::KeyName),
            DataType::new("osName", "body.os", "android", Confidence::KeyName),
            DataType::new("model", "body.model", "Pixel 4", Confidence::Sdk),
        ];
        dedupe_data_types(&mut types);
        assert_eq!(types.len(), 2);
        assert_eq!(types[0].confidence, Confidence::Sdk);
        assert_eq!(types[1].kind, "osName");
    }

    #[test]
    fn dedupe_gives_the_same_for_few_and_many() {
        // 40 values, each twice: the keyed path; the first 16: the in-place one.
        let all: Vec<DataType> = (0..80)
            .map(|i| {
                let confidence = if i % 3 == 0 {
                    Confidence::Sdk
                } else {
                    Confidence::KeyName
                };
                DataType::new("userId", format!("body.id{}", i % 40), "abc", confidence)
            })
            .collect();
        let mut many = all.clone();
        dedupe_data_types(&mut many);
        assert_eq!(many.len(), 40);
        let mut few: Vec<DataType> = all.iter().filter(|d| d.field.as_str() < "body.id16").cloned().collect();
        let field_of_few = few.len();
        dedupe_data_types(&mut few);
        assert!(field_of_few <= 32 && few.len() < field_of_few);
        for kept in &few {
            assert_eq!(many.iter().find(|m| m.field == kept.field), Some(kept));
        }
        // body.id0 came as Sdk (i = 0) and KeyName (i = 40): the strongest stays.
        assert_eq!(many[0].confidence, Confidence::Sdk);
    }
}
