//! HAR 1.1 / 1.2 importer (Chrome, Firefox, Safari, IE11, Fiddler, Firebug,
//! Charles, Insomnia, Playwright, mitmproxy, WebPageTest, Browsertime,
//! chrome-har, capture-har, PiRogue …).
//!
//! Streams: `log.entries` is visited element by element with a serde
//! `DeserializeSeed`, and each entry goes to the sink as soon as it is parsed,
//! so a 1 GB HAR never becomes one JSON tree in memory. Also reads a UTF-8
//! BOM and zlib-compressed `.zhar` files (sniffed by content). Every field a
//! producer may omit, set to `null` or write with an odd type is optional.

use super::{Claim, ExchangeSink, Flow, ImportError, ImportInput, ImportSummary, Importer};
use crate::codec::Codec;
use crate::model::{Exchange, Headers, parse_rfc3339_micros, split_url};
use base64::Engine as _;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::fmt;
use std::path::Path;

const FORMAT_NAME: &str = "HAR";
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// Largest `_file` body reference read from beside the HAR.
const MAX_EXTERNAL_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// HAR files, plain or zlib-compressed.
pub struct HarImporter;

impl Importer for HarImporter {
    fn format(&self) -> &'static str {
        "har"
    }

    fn name(&self) -> &'static str {
        "HAR"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["har", "zhar", "json"]
    }

    fn bodies(&self) -> super::Bodies {
        super::Bodies::UsuallyDecoded
    }

    fn claims(&self, head: &[u8]) -> Claim {
        let text = head.strip_prefix(UTF8_BOM).unwrap_or(head);
        if Codec::sniff(text) == Some(Codec::Zlib) {
            return Claim::Sniffed;
        }
        let trimmed = text.trim_ascii_start();
        if !trimmed.starts_with(b"{") {
            return Claim::No;
        }
        let window = &trimmed[..trimmed.len().min(4096)];
        if contains(window, b"\"log\"") {
            Claim::Certain
        } else {
            Claim::Sniffed
        }
    }

    fn import(&self, input: &ImportInput<'_>, sink: &mut dyn ExchangeSink) -> Result<ImportSummary, ImportError> {
        let bytes = input.bytes.strip_prefix(UTF8_BOM).unwrap_or(input.bytes);
        let context = EntryContext {
            base_dir: input.path.and_then(Path::parent),
        };
        let state = RefCell::new(StreamState {
            sink,
            context,
            error: None,
            stopped: false,
            entries: 0,
            seen_log: false,
            seen_entries: false,
        });
        let result = if Codec::sniff(bytes) == Some(Codec::Zlib) {
            let reader = std::io::BufReader::new(flate2::read::ZlibDecoder::new(bytes));
            let mut deserializer = serde_json::Deserializer::from_reader(reader);
            HarSeed(&state)
                .deserialize(&mut deserializer)
                .and_then(|()| deserializer.end())
        } else {
            let mut deserializer = serde_json::Deserializer::from_slice(bytes);
            HarSeed(&state)
                .deserialize(&mut deserializer)
                .and_then(|()| deserializer.end())
        };
        let state = state.into_inner();
        if let Some(error) = state.error {
            return Err(error);
        }
        if state.stopped {
            return Ok(ImportSummary::default());
        }
        if let Err(e) = result {
            return Err(invalid(json_error_reason(&e)));
        }
        if !state.seen_log {
            return Err(invalid("no `log` object".into()));
        }
        if !state.seen_entries {
            return Err(invalid("no `log.entries` array".into()));
        }
        Ok(ImportSummary::default())
    }
}

fn invalid(reason: String) -> ImportError {
    ImportError::Invalid {
        format: FORMAT_NAME,
        reason,
    }
}

fn json_error_reason(error: &serde_json::Error) -> String {
    match error.classify() {
        serde_json::error::Category::Eof => {
            format!("the file ends early (line {}, column {})", error.line(), error.column())
        }
        serde_json::error::Category::Syntax => {
            format!("invalid JSON at line {}, column {}", error.line(), error.column())
        }
        _ => error.to_string(),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

struct EntryContext<'a> {
    base_dir: Option<&'a Path>,
}

struct StreamState<'s, 'a> {
    sink: &'s mut dyn ExchangeSink,
    context: EntryContext<'a>,
    /// An error from the sink, carried out of serde's visitor.
    error: Option<ImportError>,
    /// The sink said stop; the parse was cut short on purpose.
    stopped: bool,
    entries: u64,
    seen_log: bool,
    seen_entries: bool,
}

/// Marker text for errors we raise inside serde to stop the parse.
const STOPPED: &str = "telltale: import stopped";

struct HarSeed<'r, 's, 'a>(&'r RefCell<StreamState<'s, 'a>>);
struct LogSeed<'r, 's, 'a>(&'r RefCell<StreamState<'s, 'a>>);
struct EntriesSeed<'r, 's, 'a>(&'r RefCell<StreamState<'s, 'a>>);

impl<'de> DeserializeSeed<'de> for HarSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for HarSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a HAR object with a `log`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "log" {
                self.0.borrow_mut().seen_log = true;
                map.next_value_seed(LogSeed(self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for LogSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LogSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a `log` object with `entries`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "entries" {
                self.0.borrow_mut().seen_entries = true;
                map.next_value_seed(EntriesSeed(self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for EntriesSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for EntriesSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an `entries` array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(entry) = seq.next_element::<HarEntry>()? {
            let mut state = self.0.borrow_mut();
            let index = state.entries;
            state.entries += 1;
            let exchange = entry.into_exchange(&state.context, index);
            match state.sink.exchange(exchange) {
                Ok(Flow::Continue) => {}
                Ok(Flow::Stop) => {
                    state.stopped = true;
                    return Err(de::Error::custom(STOPPED));
                }
                Err(e) => {
                    state.error = Some(e);
                    return Err(de::Error::custom(STOPPED));
                }
            }
        }
        Ok(())
    }
}

/// A scalar that some producers write as a number, bool or null where the
/// spec says string.
#[derive(Default)]
struct Text(Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Text(match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Null => None,
            serde_json::Value::Number(n) => Some(n.to_string()),
            serde_json::Value::Bool(b) => Some(b.to_string()),
            other => Some(other.to_string()),
        }))
    }
}

impl Text {
    fn or_empty(self) -> String {
        self.0.unwrap_or_default()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HarEntry {
    #[serde(rename = "startedDateTime")]
    started: Text,
    time: Option<f64>,
    request: HarRequest,
    response: Option<HarResponse>,
    #[serde(rename = "serverIPAddress")]
    server_ip: Text,
    #[serde(rename = "_serverPort")]
    server_port: Option<serde_json::Value>,
    /// mitmproxy's savehar writes connection errors here.
    #[serde(rename = "_error")]
    error: Text,
    /// Chrome's and mitmproxy's WebSocket messages after the upgrade.
    #[serde(rename = "_webSocketMessages")]
    web_socket_messages: Option<Vec<HarWebSocketMessage>>,
}

/// One `_webSocketMessages` item: `type` send/receive, `time` (seconds),
/// `opcode` 1 (text) or 2 (binary, `data` in base64).
#[derive(Deserialize, Default)]
#[serde(default)]
struct HarWebSocketMessage {
    #[serde(rename = "type")]
    kind: Text,
    time: Option<f64>,
    opcode: Option<i64>,
    data: Text,
}

impl HarWebSocketMessage {
    fn into_message(self) -> crate::model::WebSocketMessage {
        let text = self.opcode != Some(2);
        let data = self.data.0.unwrap_or_default();
        let (payload, note) = if text {
            (data.into_bytes(), None)
        } else {
            match base64::engine::general_purpose::STANDARD.decode(data.as_bytes()) {
                Ok(bytes) => (bytes, None),
                Err(_) => (
                    data.into_bytes(),
                    Some("binary message is not valid base64; kept as text".to_string()),
                ),
            }
        };
        crate::model::WebSocketMessage {
            from_client: self.kind.0.as_deref() == Some("send"),
            time_micros: self.time.map(|seconds| (seconds * 1_000_000.0).round() as i64),
            text,
            payload,
            note,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HarRequest {
    method: Text,
    url: Text,
    #[serde(rename = "httpVersion")]
    http_version: Text,
    headers: Option<Vec<HarHeader>>,
    #[serde(rename = "postData")]
    post_data: Option<HarPostData>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HarHeader {
    name: Text,
    value: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HarPostData {
    #[serde(rename = "mimeType")]
    mime_type: Text,
    text: Text,
    params: Option<Vec<HarHeader>>,
    /// Not in the spec, but some tools base64 binary request bodies.
    encoding: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HarResponse {
    status: Option<serde_json::Value>,
    #[serde(rename = "httpVersion")]
    http_version: Text,
    headers: Option<Vec<HarHeader>>,
    content: Option<HarContent>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HarContent {
    text: Text,
    encoding: Text,
    #[serde(rename = "_file")]
    file: Text,
}

fn headers(list: Option<Vec<HarHeader>>) -> Headers {
    list.unwrap_or_default()
        .into_iter()
        .map(|h| (h.name.or_empty(), h.value.or_empty()))
        .filter(|(name, _)| !name.is_empty())
        .collect()
}

/// Decodes `text` that a producer marked `encoding: base64` (tolerating
/// whitespace and missing padding); falls back to the text itself.
fn body_bytes(text: Option<String>, encoding: Option<String>, notes: &mut Vec<String>, which: &str) -> Vec<u8> {
    let Some(text) = text else { return Vec::new() };
    if encoding.as_deref().is_some_and(|e| e.eq_ignore_ascii_case("base64")) {
        let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let trimmed = compact.trim_end_matches('=');
        match base64::engine::general_purpose::STANDARD_NO_PAD.decode(trimmed) {
            Ok(bytes) => return bytes,
            Err(e) => notes.push(format!("{which} body marked base64 but is not: {e}; kept as text")),
        }
    }
    text.into_bytes()
}

impl HarEntry {
    fn into_exchange(self, context: &EntryContext<'_>, index: u64) -> Exchange {
        let mut notes = Vec::new();
        let url = self.request.url.or_empty();
        let (scheme, host, url_port) = split_url(&url);
        let time_micros = match self.started.0.as_deref().and_then(parse_rfc3339_micros) {
            Some(t) => t,
            None => {
                notes.push(format!("entry {index}: no readable startedDateTime"));
                0
            }
        };
        let request_headers = headers(self.request.headers);
        let mut request_body = Vec::new();
        if let Some(post) = self.request.post_data {
            request_body = match post.text.0 {
                Some(text) => body_bytes(Some(text), post.encoding.0, &mut notes, "request"),
                None => form_from_params(post.params.unwrap_or_default()),
            };
            let _ = post.mime_type;
        }

        let mut exchange = Exchange {
            time_micros,
            duration_micros: self.time.filter(|t| *t >= 0.0).map(|ms| (ms * 1000.0).round() as i64),
            method: self.request.method.or_empty().to_ascii_uppercase(),
            port: url_port.or_else(|| default_port(&scheme)),
            host,
            http_version: self.request.http_version.or_empty(),
            request_headers,
            request_body,
            server_ip: clean_ip(self.server_ip.0),
            server_port: self
                .server_port
                .as_ref()
                .and_then(json_port)
                .or(url_port)
                .or_else(|| default_port(&scheme)),
            url,
            ..Exchange::default()
        };
        if let Some(error) = self.error.0.filter(|e| !e.is_empty()) {
            notes.push(format!("connection error: {error}"));
        }
        match self.response {
            Some(response) => fill_response(&mut exchange, response, context, &mut notes),
            None => notes.push("no response captured".into()),
        }
        exchange.websocket_messages = self
            .web_socket_messages
            .unwrap_or_default()
            .into_iter()
            .map(HarWebSocketMessage::into_message)
            .collect();
        exchange.notes = notes;
        exchange
    }
}

fn fill_response(exchange: &mut Exchange, response: HarResponse, context: &EntryContext<'_>, notes: &mut Vec<String>) {
    let status = match &response.status {
        Some(serde_json::Value::Number(n)) => n.as_f64().map_or(0, |s| s as i64),
        Some(serde_json::Value::String(s)) => s.trim().parse().unwrap_or(0),
        _ => 0,
    };
    exchange.status = u16::try_from(status).ok().filter(|s| *s > 0);
    if exchange.status.is_none() {
        notes.push("no response captured (status 0)".into());
    }
    if exchange.http_version.is_empty() {
        exchange.http_version = response.http_version.or_empty();
    }
    exchange.response_headers = headers(response.headers);
    let content = response.content.unwrap_or_default();
    let body = match content.file.0 {
        Some(file) if content.text.0.is_none() => read_external_body(context, &file, notes),
        _ => body_bytes(content.text.0, content.encoding.0, notes, "response"),
    };
    exchange.response_body = body;
}

/// Playwright writes bodies to files beside the HAR (`content._file`).
fn read_external_body(context: &EntryContext<'_>, file: &str, notes: &mut Vec<String>) -> Vec<u8> {
    let name = Path::new(file);
    // Only a plain file name beside the HAR: a hostile HAR must not make us
    // read `/etc/passwd` or `../../secret`.
    let is_plain = name.components().count() == 1 && name.file_name().is_some();
    let Some(dir) = context.base_dir.filter(|_| is_plain) else {
        notes.push(format!(
            "response body is in external file `{file}`, which was not read"
        ));
        return Vec::new();
    };
    let path = dir.join(name);
    match std::fs::metadata(&path) {
        Ok(meta) if meta.len() <= MAX_EXTERNAL_BODY_BYTES => match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                notes.push(format!("response body file `{file}` could not be read: {e}"));
                Vec::new()
            }
        },
        Ok(_) => {
            notes.push(format!(
                "response body file `{file}` is larger than {MAX_EXTERNAL_BODY_BYTES} bytes; not read"
            ));
            Vec::new()
        }
        Err(_) => {
            notes.push(format!(
                "response body is in external file `{file}`, not found beside the HAR"
            ));
            Vec::new()
        }
    }
}

fn form_from_params(params: Vec<HarHeader>) -> Vec<u8> {
    params
        .into_iter()
        .map(|p| format!("{}={}", p.name.or_empty(), p.value.or_empty()))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

fn clean_ip(ip: Option<String>) -> Option<String> {
    let ip = ip?;
    let ip = ip.trim().trim_start_matches('[').trim_end_matches(']');
    (!ip.is_empty()).then(|| ip.to_string())
}

fn json_port(value: &serde_json::Value) -> Option<u16> {
    match value {
        serde_json::Value::Number(n) => n.as_u64().and_then(|p| u16::try_from(p).ok()),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::VecSink;

    fn run(bytes: &[u8]) -> Result<VecSink, ImportError> {
        let mut sink = VecSink::default();
        let input = ImportInput::new("t.har", None, bytes);
        HarImporter.import(&input, &mut sink)?;
        Ok(sink)
    }

    #[test]
    fn claims_json_with_log() {
        assert_eq!(HarImporter.claims(b"\xEF\xBB\xBF { \"log\": {}}"), Claim::Certain);
        assert_eq!(HarImporter.claims(b"<items>"), Claim::No);
    }

    #[test]
    fn missing_entries_is_a_clear_error() {
        let err = run(br#"{"log": {"version": "1.2"}}"#).err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("not a HAR file: no `log.entries` array"));
    }

    #[test]
    fn null_and_odd_types_are_tolerated() {
        let har = br#"{"log":{"entries":[{"startedDateTime":"2020-01-01T00:00:00.5+01:00","time":-1,
            "request":{"method":"post","url":"http://h:81/p","httpVersion":null,"headers":null,
              "postData":{"params":[{"name":"a","value":1}]}},
            "response":{"status":"200","content":{"text":"aGk","encoding":"base64"}},
            "serverIPAddress":"[::1]"}]}}"#;
        let sink = run(har).expect("imports");
        let ex = &sink.exchanges[0];
        assert_eq!(ex.method, "POST");
        assert_eq!(ex.time_micros, 1_577_833_200_500_000);
        assert_eq!(ex.duration_micros, None);
        assert_eq!(ex.request_body, b"a=1");
        assert_eq!(ex.response_body, b"hi");
        assert_eq!(ex.server_ip.as_deref(), Some("::1"));
        assert_eq!((ex.host.as_str(), ex.port), ("h", Some(81)));
    }

    #[test]
    fn external_body_path_traversal_is_refused() {
        let mut notes = Vec::new();
        let context = EntryContext {
            base_dir: Some(Path::new("/tmp")),
        };
        assert!(read_external_body(&context, "../etc/passwd", &mut notes).is_empty());
        assert!(notes[0].contains("not read"), "{notes:?}");
    }
}
