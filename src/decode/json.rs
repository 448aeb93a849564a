//! JSON text (declared, or sniffed from matching brackets), parsed in place
//! with key order kept.
//!
//! So that every event can point at a real layer, arrays of objects are
//! split into element layers: `json[i]` for a top-level array, `json:key[i]`
//! for an array under a top-level key (`batch`, `events`). String values
//! that may hold more encoding become `json:<path>` child layers (decoder
//! `json-string`), kept only when something decodes from them. At most
//! [`MAX_PART_LAYERS`] elements and [`MAX_STRING_PARTS`] strings per value.

use super::json_value::{JsonValue, PathSegment};
use super::layer_decoder::{Child, Input, Keep, LayerDecoder, Outcome, Priority};
use super::limits::{Budget, MAX_PART_LAYERS};
use super::tree::Structure;

/// Shortest string value worth trying to decode (shorter base64 or JSON
/// carries too little to matter and too many false positives).
const MIN_STRING_PART_CHARS: usize = 8;
/// Most string values of one JSON value tried as embedded encodings.
const MAX_STRING_PARTS: usize = 200;

pub struct JsonDecoder;

impl LayerDecoder for JsonDecoder {
    fn name(&self) -> &'static str {
        "json"
    }

    fn claims(&self, input: &Input<'_>) -> Priority {
        if input.media_type().is_some_and(|media| is_json_media_type(&media)) {
            return Priority::DECLARED;
        }
        match input.text {
            Some(text) if looks_like_json(text) => Priority::SNIFFED,
            _ => Priority::NO,
        }
    }

    fn decode(&self, input: &Input<'_>, _budget: &mut Budget) -> Result<Outcome, String> {
        let value = JsonValue::parse(input.bytes).map_err(|error| format!("not valid JSON: {error}"))?;
        let children = split_children(&value);
        Ok(Outcome {
            summary: value.describe(),
            note: None,
            structure: Some(Structure::Json(value)),
            children,
        })
    }
}

fn is_json_media_type(media: &str) -> bool {
    media == "application/json" || media == "text/json" || media.ends_with("+json")
}

/// Text that starts and ends like a JSON object or array.
pub fn looks_like_json(text: &str) -> bool {
    let trimmed = text.trim();
    (trimmed.starts_with('{') && trimmed.ends_with('}')) || (trimmed.starts_with('[') && trimmed.ends_with(']'))
}

/// Element layers for arrays of objects, string-part layers for the rest.
fn split_children(value: &JsonValue) -> Vec<Child> {
    let mut children = Vec::new();
    let mut strings_left = MAX_STRING_PARTS;
    match value {
        JsonValue::Array(items) if is_object_array(items) => {
            for (index, item) in items.iter().enumerate().take(MAX_PART_LAYERS) {
                children.push(element_child(
                    format!("json[{index}]"),
                    vec![PathSegment::Index(index)],
                    item,
                    &mut strings_left,
                ));
            }
        }
        JsonValue::Object(entries) => {
            for (key, entry) in entries {
                match entry {
                    JsonValue::Array(items) if is_object_array(items) => {
                        for (index, item) in items.iter().enumerate().take(MAX_PART_LAYERS) {
                            let path = vec![PathSegment::Key(key.clone()), PathSegment::Index(index)];
                            children.push(element_child(
                                format!("json:{key}[{index}]"),
                                path,
                                item,
                                &mut strings_left,
                            ));
                        }
                    }
                    other => string_parts(other, key, &mut children, &mut strings_left),
                }
            }
        }
        other => string_parts(other, "", &mut children, &mut strings_left),
    }
    children
}

fn is_object_array(items: &[JsonValue]) -> bool {
    !items.is_empty() && items.iter().all(JsonValue::is_object)
}

fn element_child(step: String, path: Vec<PathSegment>, item: &JsonValue, strings_left: &mut usize) -> Child {
    let mut child = Child::new(
        "json",
        step,
        item.to_json_text().into_bytes(),
        item.describe(),
        Keep::Always,
    );
    child.expand = false;
    child.structure = Some(Structure::JsonElement(path));
    string_parts(item, "", &mut child.children, strings_left);
    child
}

/// Adds a `json-string` child for every string under `value` that might
/// hold another encoding; `prefix` is the value's path.
fn string_parts(value: &JsonValue, prefix: &str, out: &mut Vec<Child>, strings_left: &mut usize) {
    if *strings_left == 0 {
        return;
    }
    match value {
        JsonValue::String(text) if text.len() >= MIN_STRING_PART_CHARS => {
            *strings_left -= 1;
            let summary = format!("string `{prefix}`, {} bytes", text.len());
            out.push(Child::new(
                "json-string",
                format!("json:{prefix}"),
                text.as_bytes().to_vec(),
                summary,
                Keep::IfDecoded,
            ));
        }
        JsonValue::Object(entries) => {
            for (key, entry) in entries {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                string_parts(entry, &path, out, strings_left);
            }
        }
        JsonValue::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                string_parts(item, &format!("{prefix}[{index}]"), out, strings_left);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::layer_decoder::Origin;

    fn decode(text: &str) -> Outcome {
        JsonDecoder
            .decode(&Input::new(text.as_bytes(), Origin::Inner), &mut Budget::new())
            .expect("present in this test")
    }

    #[test]
    fn claims_declared_and_bracketed_text() {
        let declared = Input {
            content_type: Some("application/vnd.api+json"),
            ..Input::new(b"1", Origin::Body)
        };
        assert_eq!(JsonDecoder.claims(&declared), Priority::DECLARED);
        assert_eq!(
            JsonDecoder.claims(&Input::new(b" [1,2]\n", Origin::Body)),
            Priority::SNIFFED
        );
        for refused in ["12345678", "hello", "{unclosed", "a=1"] {
            assert_eq!(
                JsonDecoder.claims(&Input::new(refused.as_bytes(), Origin::Body)),
                Priority::NO,
                "{refused}"
            );
        }
    }

    #[test]
    fn invalid_json_is_an_error_not_a_panic() {
        let result = JsonDecoder.decode(&Input::new(b"{\"a\":", Origin::Body), &mut Budget::new());
        assert!(result.expect_err("should fail").starts_with("not valid JSON"));
    }

    #[test]
    fn arrays_of_objects_become_element_layers() {
        let outcome = decode(r#"[{"event":"a"},{"event":"b","payload":"{\"k\":\"v\"}"}]"#);
        assert_eq!(outcome.summary, "JSON array of 2 objects");
        let steps: Vec<&str> = outcome.children.iter().map(|c| c.step.as_str()).collect();
        assert_eq!(steps, ["json[0]", "json[1]"]);
        assert_eq!(
            outcome.children[1].structure,
            Some(Structure::JsonElement(vec![PathSegment::Index(1)]))
        );
        assert_eq!(outcome.children[1].children[0].step, "json:payload");
        assert_eq!(outcome.children[1].children[0].decoder, "json-string");
    }

    #[test]
    fn element_layers_are_capped() {
        let text = format!("[{}]", vec!["{\"a\":1}"; MAX_PART_LAYERS + 500].join(","));
        let outcome = decode(&text);
        assert_eq!(outcome.children.len(), MAX_PART_LAYERS);
        assert_eq!(
            outcome.summary,
            format!("JSON array of {} objects", MAX_PART_LAYERS + 500)
        );
    }

    #[test]
    fn keyed_arrays_and_nested_strings_get_paths() {
        let outcome = decode(r#"{"batch":[{"type":"track"}],"context":{"blob":"eyJhIjoxfQ==","short":"x"}}"#);
        let steps: Vec<&str> = outcome.children.iter().map(|c| c.step.as_str()).collect();
        assert_eq!(steps, ["json:batch[0]", "json:context.blob"]);
    }
}
