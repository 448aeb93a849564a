//! Root layers (`url`, `request-body`, `response-body`, `header:<name>`)
//! hold exactly what their exchange row already holds, so their content is
//! not stored twice (schema 3): the layer row keeps its step, summary and
//! notes, and its text or bytes are rebuilt from the exchange when read,
//! cut at [`MAX_STORED_LAYER_BYTES`] as when decoding.

use crate::decode::MAX_STORED_LAYER_BYTES;

/// Decoders of root layers whose content lives in the exchange row.
pub(crate) const ROOT_DECODERS: &[&str] = &["url", "request-body", "response-body", "header"];

/// Whether a layer's content is left out of the layers table.
pub(crate) fn stored_in_exchange(parent: Option<usize>, decoder: &str) -> bool {
    parent.is_none() && ROOT_DECODERS.contains(&decoder)
}

/// The exchange columns a root layer's content comes from.
pub(crate) struct ExchangeContent {
    pub url: String,
    pub request_body: Vec<u8>,
    pub response_body: Vec<u8>,
    /// `request_headers` as stored: a JSON array of `[name, value]`.
    pub request_headers: String,
}

impl ExchangeContent {
    /// The raw content of the root layer `decoder`/`step`.
    pub fn root(&self, decoder: &str, step: &str) -> Option<Vec<u8>> {
        match decoder {
            "url" => Some(self.url.as_bytes().to_vec()),
            "request-body" => Some(self.request_body.clone()),
            "response-body" => Some(self.response_body.clone()),
            "header" => {
                let name = step.strip_prefix("header:")?;
                let headers: Vec<(String, String)> = serde_json::from_str(&self.request_headers).ok()?;
                headers
                    .into_iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, value)| value.into_bytes())
            }
            _ => None,
        }
    }
}

/// Content as the layer table would have stored it: text when valid UTF-8
/// (a cap that cut a character keeps the valid part), else bytes.
pub(crate) fn split_content(content: &[u8]) -> (Option<String>, Option<Vec<u8>>) {
    if content.is_empty() {
        return (None, None);
    }
    let stored = &content[..content.len().min(MAX_STORED_LAYER_BYTES)];
    match std::str::from_utf8(stored) {
        Ok(text) => (Some(text.to_string()), None),
        Err(error) if error.error_len().is_none() && stored.len() < content.len() => (
            Some(String::from_utf8_lossy(&stored[..error.valid_up_to()]).into_owned()),
            None,
        ),
        Err(_) => (None, Some(stored.to_vec())),
    }
}
