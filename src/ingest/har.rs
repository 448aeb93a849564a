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
use crate::model::{Exchange, Headers, exchange_header, parse_rfc3339_micros, split_url};
use base64::Engine as _;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::fmt;
use std::path::Path;

const FORMAT_NAME: &str = "HAR";
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// Largest `_file` body reference read from beside the HAR.
pub const MAX_EXTERNAL_BODY_BYTES: u64 = 64 * 1024 * 1024;
/// Most bytes read from all `_file` references of one HAR together: a HAR
/// naming one big file ten thousand times must not read it ten thousand times.
pub const MAX_EXTERNAL_BODIES_BYTES: u64 = 256 * 1024 * 1024;

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
            external_bytes_read: std::cell::Cell::new(0),
        };
        let state = RefCell::new(StreamState {
            sink,
            context,
            error: None,
            stopped: false,
            entries: 0,
            seen_log: false,
            seen_entries: false,
            meta: HarMeta::default(),
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
        finish_stream(state.into_inner(), result)
    }
}

impl HarImporter {
    /// Streams a HAR (plain or zlib-compressed, BOM allowed) from `reader`
    /// without holding the file in memory: the store imports large files
    /// this way. `path` is where the file lives (for `_file` bodies).
    pub fn import_reader(
        &self,
        reader: impl std::io::Read,
        path: Option<&Path>,
        sink: &mut dyn ExchangeSink,
    ) -> Result<ImportSummary, ImportError> {
        use std::io::BufRead as _;
        let mut reader = std::io::BufReader::with_capacity(1 << 20, reader);
        if reader.fill_buf()?.starts_with(UTF8_BOM) {
            reader.consume(UTF8_BOM.len());
        }
        let zlib = Codec::sniff(reader.fill_buf()?) == Some(Codec::Zlib);
        let state = RefCell::new(StreamState {
            sink,
            context: EntryContext {
                base_dir: path.and_then(Path::parent),
                external_bytes_read: std::cell::Cell::new(0),
            },
            error: None,
            stopped: false,
            entries: 0,
            seen_log: false,
            seen_entries: false,
            meta: HarMeta::default(),
        });
        let result = if zlib {
            let inflated = std::io::BufReader::new(flate2::read::ZlibDecoder::new(reader));
            let mut deserializer = serde_json::Deserializer::from_reader(inflated);
            HarSeed(&state)
                .deserialize(&mut deserializer)
                .and_then(|()| deserializer.end())
        } else {
            let mut deserializer = serde_json::Deserializer::from_reader(reader);
            HarSeed(&state)
                .deserialize(&mut deserializer)
                .and_then(|()| deserializer.end())
        };
        finish_stream(state.into_inner(), result)
    }
}

/// The outcome of a streamed parse: the sink's error first, then the parser's.
fn finish_stream(
    state: StreamState<'_, '_>,
    result: Result<(), serde_json::Error>,
) -> Result<ImportSummary, ImportError> {
    if let Some(error) = state.error {
        return Err(error);
    }
    // The sink asked to stop: the parse was cut on purpose, not broken.
    if state.stopped {
        return Ok(ImportSummary::default());
    }
    if let Err(e) = result {
        if e.is_io() {
            return Err(ImportError::Io(std::io::Error::from(e)));
        }
        return Err(invalid(json_error_reason(&e)));
    }
    if !state.seen_log {
        return Err(invalid("no `log` object".into()));
    }
    if !state.seen_entries {
        return Err(invalid("no `log.entries` array".into()));
    }
    Ok(ImportSummary {
        recorded_app: state.meta.recorded_app(),
        visited_sites: state.meta.sites,
        ..ImportSummary::default()
    })
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
    /// Bytes read so far from `_file` references (see [`MAX_EXTERNAL_BODIES_BYTES`]).
    external_bytes_read: std::cell::Cell<u64>,
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
    /// What the capture says about itself (see [`HarMeta`]).
    meta: HarMeta,
}

/// What a HAR says about its own recording, for attribution: the browser
/// that recorded it (a browser's own HAR: DevTools, Firefox, Browsertime,
/// Playwright …; a proxy's HAR names no browser) and the sites it visited
/// (each page's first request, and page titles that are URLs).
#[derive(Default)]
struct HarMeta {
    creator: Option<String>,
    browser: Option<(String, Option<String>)>,
    sites: Vec<String>,
    pages_seen: std::collections::HashSet<String>,
}

impl HarMeta {
    /// The browser as an app name: `Chrome 56`, `Firefox 111`.
    fn recorded_app(&self) -> Option<String> {
        let (name, version) = match &self.browser {
            Some((name, version)) => (name.clone(), version.clone()),
            None => {
                let creator = self.creator.as_deref()?;
                let name = match creator {
                    "WebInspector" => "Chrome",
                    "WebKit Web Inspector" => "Safari",
                    "Firefox" | "Firebug" => "Firefox",
                    "Internet Explorer Network Inspector" => "Internet Explorer",
                    _ => return None,
                };
                (name.to_string(), None)
            }
        };
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let major = version
            .as_deref()
            .and_then(|v| v.split('.').next())
            .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
        Some(match major {
            Some(major) => format!("{name} {major}"),
            None => name.to_string(),
        })
    }

    fn add_site(&mut self, url: &str) {
        let (scheme, host, _) = split_url(url);
        if matches!(scheme.as_str(), "http" | "https") && !host.is_empty() && !self.sites.contains(&host) {
            self.sites.push(host);
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HarNamed {
    name: Text,
    version: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HarPage {
    title: Text,
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
            } else if key == "creator" {
                let creator: Option<HarNamed> = map.next_value()?;
                self.0.borrow_mut().meta.creator = creator.and_then(|c| c.name.0);
            } else if key == "browser" {
                let browser: Option<HarNamed> = map.next_value()?;
                self.0.borrow_mut().meta.browser = browser.and_then(|b| Some((b.name.0?, b.version.0)));
            } else if key == "pages" {
                let pages: Option<Vec<HarPage>> = map.next_value()?;
                let mut state = self.0.borrow_mut();
                for page in pages.unwrap_or_default() {
                    if let Some(title) = page.title.0 {
                        state.meta.add_site(&title);
                    }
                }
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// An HTML page or a redirect: what a page's own first request returns.
fn is_document_or_redirect(exchange: &Exchange) -> bool {
    exchange.status.is_some_and(|s| (300..400).contains(&s))
        || exchange
            .response_header("content-type")
            .is_some_and(|t| t.to_ascii_lowercase().contains("text/html"))
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
            let page = entry.pageref.0.clone();
            let exchange = entry.into_exchange(&state.context, index);
            // A page's first document (or redirect to it) loaded the page
            // itself; a repeat view's first request can be a tracker's
            // beacon, since the page came from the cache.
            if let Some(page) = page
                && !state.meta.pages_seen.contains(&page)
                && is_document_or_redirect(&exchange)
            {
                state.meta.pages_seen.insert(page);
                state.meta.add_site(&exchange.url);
            }
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
    /// A number, but some producers write a string (even `"NaN"`): any type is read.
    time: Option<serde_json::Value>,
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
    pageref: Text,
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

/// The bytes of a binary request body that mitmproxy's HAR export wrote as
/// latin-1 text, one character per byte (it does so for every type it does
/// not know as text: protobuf, octet-stream, forms, no type at all), so
/// gzip and protobuf bodies survive. Told apart from ordinary text by
/// characters text never holds (C0/C1 controls) or by bytes that are UTF-8
/// read as latin-1 (`Ã©` for `é`); `None` for anything else.
fn latin1_body(text: &str, declared_type: Option<&str>, marked_encoding: bool) -> Option<Vec<u8>> {
    if marked_encoding {
        return None;
    }
    let declared = declared_type.unwrap_or_default().to_ascii_lowercase();
    let textual = ["json", "html", "xml", "javascript", "ecmascript", "text/", "charset="]
        .iter()
        .any(|marker| declared.contains(marker));
    if textual || text.is_ascii() || text.chars().any(|c| u32::from(c) > 0xFF) {
        return None;
    }
    let bytes: Vec<u8> = text.chars().map(|c| u32::from(c) as u8).collect();
    let controls = text.chars().any(|c| {
        let code = u32::from(c);
        (code < 0x20 && !matches!(c, '\t' | '\n' | '\r')) || (0x80..0xA0).contains(&code)
    });
    let mojibake = std::str::from_utf8(&bytes).is_ok();
    (controls || mojibake).then_some(bytes)
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
            let declared = post
                .mime_type
                .0
                .clone()
                .or_else(|| exchange_header(&request_headers, "content-type").map(str::to_string));
            request_body = match post.text.0 {
                Some(text) => match latin1_body(&text, declared.as_deref(), post.encoding.0.is_some()) {
                    Some(bytes) => bytes,
                    None => body_bytes(Some(text), post.encoding.0, &mut notes, "request"),
                },
                None => form_from_params(post.params.unwrap_or_default()),
            };
        }

        let mut exchange = Exchange {
            time_micros,
            duration_micros: self
                .time
                .as_ref()
                .and_then(|t| t.as_f64().or_else(|| t.as_str()?.trim().parse().ok()))
                .filter(|t: &f64| t.is_finite() && *t >= 0.0)
                .map(|ms| (ms * 1000.0).round() as i64),
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
    // The name is plain, but it may be a symlink: what it points at must
    // still be inside the HAR's folder, and be a regular file (a FIFO or a
    // device would block or never end).
    let inside = match (std::fs::canonicalize(&path), std::fs::canonicalize(dir)) {
        (Ok(target), Ok(folder)) => target.starts_with(folder),
        _ => false,
    };
    let meta = std::fs::metadata(&path);
    let spent = context.external_bytes_read.get();
    match meta {
        Err(_) => {
            notes.push(format!(
                "response body is in external file `{file}`, not found beside the HAR"
            ));
            Vec::new()
        }
        Ok(_) if !inside => {
            notes.push(format!(
                "response body file `{file}` leads outside the HAR's folder; not read"
            ));
            Vec::new()
        }
        Ok(meta) if !meta.is_file() => {
            notes.push(format!("response body file `{file}` is not a regular file; not read"));
            Vec::new()
        }
        Ok(meta) if meta.len() > MAX_EXTERNAL_BODY_BYTES => {
            notes.push(format!(
                "response body file `{file}` is larger than {MAX_EXTERNAL_BODY_BYTES} bytes; not read"
            ));
            Vec::new()
        }
        Ok(meta) if spent.saturating_add(meta.len()) > MAX_EXTERNAL_BODIES_BYTES => {
            notes.push(format!(
                "response body file `{file}` not read: the HAR's external bodies reached {MAX_EXTERNAL_BODIES_BYTES} bytes"
            ));
            Vec::new()
        }
        Ok(meta) => {
            context.external_bytes_read.set(spent.saturating_add(meta.len()));
            // Read no more than was measured, in case the file grows meanwhile.
            let mut bytes = Vec::new();
            let read = std::fs::File::open(&path)
                .and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, meta.len()), &mut bytes));
            match read {
                Ok(_) => bytes,
                Err(e) => {
                    notes.push(format!("response body file `{file}` could not be read: {e}"));
                    Vec::new()
                }
            }
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
    fn external_bodies_stop_at_the_budget_for_the_whole_har() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("body.txt"), b"0123456789").expect("write");
        let context = EntryContext {
            base_dir: Some(dir.path()),
            external_bytes_read: std::cell::Cell::new(MAX_EXTERNAL_BODIES_BYTES - 15),
        };
        let mut notes = Vec::new();
        assert_eq!(read_external_body(&context, "body.txt", &mut notes), b"0123456789");
        assert!(read_external_body(&context, "body.txt", &mut notes).is_empty());
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("external bodies reached"), "{notes:?}");
    }

    #[test]
    fn external_body_path_traversal_is_refused() {
        let mut notes = Vec::new();
        let context = EntryContext {
            base_dir: Some(Path::new("/tmp")),
            external_bytes_read: std::cell::Cell::new(0),
        };
        assert!(read_external_body(&context, "../etc/passwd", &mut notes).is_empty());
        assert!(notes[0].contains("not read"), "{notes:?}");
    }

    #[cfg(unix)]
    #[test]
    fn external_body_through_a_symlink_out_of_the_folder_is_refused() {
        let outside = tempfile::tempdir().expect("tempdir");
        let secret = outside.path().join("secret.txt");
        std::fs::write(&secret, "not evidence").expect("write");
        let folder = tempfile::tempdir().expect("tempdir");
        std::os::unix::fs::symlink(&secret, folder.path().join("body.bin")).expect("symlink");
        std::fs::write(folder.path().join("inside.bin"), "evidence").expect("write");
        let context = EntryContext {
            base_dir: Some(folder.path()),
            external_bytes_read: std::cell::Cell::new(0),
        };
        let mut notes = Vec::new();
        // A plain name, but the link leads out of the HAR's folder.
        assert!(read_external_body(&context, "body.bin", &mut notes).is_empty());
        assert!(notes.iter().any(|n| n.contains("not read")), "{notes:?}");
        assert_eq!(read_external_body(&context, "inside.bin", &mut Vec::new()), b"evidence");
    }
}
