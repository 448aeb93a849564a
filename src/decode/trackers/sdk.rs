//! Helpers shared by the app-world SDK decoders (AppsFlyer, GrowingIO,
//! ByteDance AppLog, Tencent MTA, Umeng, AppMetrica): where the request body
//! sits in the tree, what the URL's query says, and how an encrypted body is
//! marked (on its layer; `decode_path_summary` then names it on the request).

use crate::decode::json_value::JsonValue;
use crate::decode::tree::Tree;
use crate::model::Exchange;

/// The `request-body` root layer, when the request has a body.
pub fn body_root(tree: &Tree) -> Option<usize> {
    (0..tree.len()).find(|index| tree.parent(*index).is_none() && tree.layer(*index).decoder == "request-body")
}

/// Whether `host` is `suffix` or ends in `.suffix`.
pub fn host_is(host: &str, suffixes: &[&str]) -> bool {
    suffixes
        .iter()
        .any(|suffix| host == *suffix || host.strip_suffix(suffix).is_some_and(|rest| rest.ends_with('.')))
}

/// The first value of `key` in the URL's query, percent-decoded.
pub fn query_value(exchange: &Exchange, key: &str) -> Option<String> {
    exchange.query().split('&').find_map(|item| {
        let (name, value) = item.split_once('=').unwrap_or((item, ""));
        (name == key).then(|| percent_decode(value))
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'%' => {
                match text
                    .get(at + 1..at + 3)
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                {
                    Some(byte) => {
                        out.push(byte);
                        at += 3;
                    }
                    None => {
                        out.push(b'%');
                        at += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                at += 1;
            }
            byte => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether any request layer holds JSON (the body was readable).
pub fn has_request_json(tree: &Tree) -> bool {
    tree.request_layers()
        .into_iter()
        .any(|index| tree.json(index).is_some())
}

/// Whether the body is text a person could read (not ciphertext).
pub fn body_is_text(exchange: &Exchange) -> bool {
    std::str::from_utf8(&exchange.request_body)
        .is_ok_and(|text| text.chars().all(|c| !c.is_control() || c.is_whitespace()))
}

/// Marks the request body encrypted with `note`; false when there is no body.
pub fn mark_body_encrypted(tree: &mut Tree, note: &str) -> bool {
    match body_root(tree) {
        Some(root) => {
            tree.mark_encrypted(root, note);
            true
        }
        None => false,
    }
}

/// A JSON object's string or number value as text.
pub fn text_value(value: &JsonValue, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(JsonValue::scalar_text)
        .filter(|text| !text.is_empty())
}
