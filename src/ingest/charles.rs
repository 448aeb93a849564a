//! Charles Proxy session exports: `.chlsj` (JSON, "Export Session… → JSON
//! Session File") and `.chlsx` (XML, "XML Session File").
//!
//! Both hold one transaction per request: method, scheme, host, port, path
//! and query, the remote address (`host/ip`), times (`times.start` … or the
//! `startTimeMillis` attributes), request and response header lists and
//! bodies (`text`, or base64 `encoded`; XML `<body encoding="base64">`).
//! Charles usually stores bodies with `Content-Encoding` already undone
//! (`decoded: true`), so bodies count as [`Bodies::UsuallyDecoded`].
//! `CONNECT` tunnels that Charles did not decrypt (`tunnel: true`) are kept
//! as exchanges with a note and without their bodies, which are TLS
//! ciphertext, so nothing is decoded from them. Transactions are pushed as
//! soon as each is read (the JSON array is walked element by element; the
//! XML is read as events).

use super::{Bodies, Claim, ExchangeSink, Flow, ImportError, ImportInput, ImportSummary, Importer};
use crate::model::{Exchange, Headers, parse_rfc3339_micros, split_url};
use base64::Engine as _;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use serde::de::{DeserializeSeed, Deserializer as _, SeqAccess, Visitor};
use serde_json::Value;
use std::cell::RefCell;
use std::fmt;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Charles JSON sessions (`.chlsj`).
pub struct CharlesJsonImporter;

/// Charles XML sessions (`.chlsx`).
pub struct CharlesXmlImporter;

impl Importer for CharlesJsonImporter {
    fn format(&self) -> &'static str {
        "charles-json"
    }

    fn name(&self) -> &'static str {
        "Charles JSON session"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["chlsj"]
    }

    fn claims(&self, head: &[u8]) -> Claim {
        let text = head.strip_prefix(UTF8_BOM).unwrap_or(head).trim_ascii_start();
        let window = &text[..text.len().min(4096)];
        let looks = text.starts_with(b"[")
            && contains(window, b"\"protocolVersion\"")
            && (contains(window, b"\"actualPort\"") || contains(window, b"\"times\""));
        if looks { Claim::Certain } else { Claim::No }
    }

    fn bodies(&self) -> Bodies {
        Bodies::UsuallyDecoded
    }

    fn import(&self, input: &ImportInput<'_>, sink: &mut dyn ExchangeSink) -> Result<ImportSummary, ImportError> {
        let bytes = input.bytes.strip_prefix(UTF8_BOM).unwrap_or(input.bytes);
        let state = RefCell::new(JsonState {
            sink,
            error: None,
            stopped: false,
            count: 0,
        });
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let result = deserializer
            .deserialize_seq(TransactionsVisitor(&state))
            .and_then(|()| deserializer.end());
        let state = state.into_inner();
        if let Some(error) = state.error {
            return Err(error);
        }
        if state.stopped {
            return Ok(ImportSummary::default());
        }
        result.map_err(|e| ImportError::Invalid {
            format: "Charles JSON session",
            reason: format!("{e} after {} transactions", state.count),
        })?;
        Ok(ImportSummary::default())
    }
}

struct JsonState<'s> {
    sink: &'s mut dyn ExchangeSink,
    error: Option<ImportError>,
    stopped: bool,
    count: u64,
}

const STOPPED: &str = "telltale: import stopped";

struct TransactionsVisitor<'r, 's>(&'r RefCell<JsonState<'s>>);

impl<'de> Visitor<'de> for TransactionsVisitor<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of Charles transactions")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(value) = seq.next_element_seed(ValueSeed)? {
            let mut state = self.0.borrow_mut();
            state.count += 1;
            let exchange = json_transaction(&value);
            match state.sink.exchange(exchange) {
                Ok(Flow::Continue) => {}
                Ok(Flow::Stop) => {
                    state.stopped = true;
                    return Err(serde::de::Error::custom(STOPPED));
                }
                Err(e) => {
                    state.error = Some(e);
                    return Err(serde::de::Error::custom(STOPPED));
                }
            }
        }
        Ok(())
    }
}

struct ValueSeed;

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        serde::Deserialize::deserialize(deserializer)
    }
}

/// One `.chlsj` transaction as an exchange.
fn json_transaction(t: &Value) -> Exchange {
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let mut parts = Parts {
        method: text(t, "method").unwrap_or_default(),
        scheme: text(t, "scheme").unwrap_or_else(|| "http".into()),
        host: text(t, "host").unwrap_or_default(),
        port: t
            .get("actualPort")
            .and_then(Value::as_u64)
            .and_then(|p| u16::try_from(p).ok()),
        path: text(t, "path"),
        query: text(t, "query"),
        version: text(t, "protocolVersion").unwrap_or_default(),
        tunnel: t.get("tunnel").and_then(Value::as_bool).unwrap_or(false),
        remote_address: text(t, "remoteAddress"),
        client_address: text(t, "clientAddress"),
        start_micros: t
            .get("times")
            .and_then(|times| times.get("start"))
            .and_then(Value::as_str)
            .and_then(parse_rfc3339_micros),
        end_micros: t
            .get("times")
            .and_then(|times| times.get("end"))
            .and_then(Value::as_str)
            .and_then(parse_rfc3339_micros),
        ..Parts::default()
    };
    let status_text = text(t, "status");
    if let Some(request) = t.get("request") {
        parts.request_headers = json_headers(request);
        parts.request_body = json_body(request, &mut parts.notes, "request");
    }
    if let Some(response) = t.get("response") {
        parts.status = response
            .get("status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok());
        parts.response_headers = json_headers(response);
        parts.response_body = json_body(response, &mut parts.notes, "response");
    }
    if let Some(status) = status_text.filter(|s| s != "COMPLETE") {
        parts.notes.push(format!("Charles status: {status}"));
    }
    if let Some(error) = text(t, "errorMessage").filter(|e| !e.is_empty()) {
        parts.notes.push(format!("connection error: {error}"));
    }
    parts.into_exchange()
}

fn json_headers(message: &Value) -> Headers {
    message
        .get("header")
        .and_then(|h| h.get("headers"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|h| {
                    Some((
                        h.get("name")?.as_str()?.to_string(),
                        h.get("value").and_then(Value::as_str).unwrap_or("").to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn json_body(message: &Value, notes: &mut Vec<String>, which: &str) -> Vec<u8> {
    let Some(body) = message.get("body") else {
        return Vec::new();
    };
    if let Some(text) = body.get("text").and_then(Value::as_str) {
        return text.as_bytes().to_vec();
    }
    match body.get("encoded").and_then(Value::as_str) {
        Some(encoded) => decode_base64(encoded, notes, which),
        None => Vec::new(),
    }
}

fn decode_base64(encoded: &str, notes: &mut Vec<String>, which: &str) -> Vec<u8> {
    let compact: String = encoded.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    match base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
        Ok(bytes) => bytes,
        Err(e) => {
            notes.push(format!("{which} body is not valid base64 ({e}); kept as text"));
            encoded.as_bytes().to_vec()
        }
    }
}

/// The fields both Charles formats share.
#[derive(Default)]
struct Parts {
    method: String,
    scheme: String,
    host: String,
    port: Option<u16>,
    path: Option<String>,
    query: Option<String>,
    version: String,
    tunnel: bool,
    remote_address: Option<String>,
    client_address: Option<String>,
    start_micros: Option<i64>,
    end_micros: Option<i64>,
    status: Option<u16>,
    request_headers: Headers,
    request_body: Vec<u8>,
    response_headers: Headers,
    response_body: Vec<u8>,
    notes: Vec<String>,
}

impl Parts {
    fn into_exchange(mut self) -> Exchange {
        let default_port = if self.scheme == "https" { 443 } else { 80 };
        let port = self.port.unwrap_or(default_port);
        let authority = if port == default_port {
            self.host.clone()
        } else {
            format!("{}:{port}", self.host)
        };
        let is_connect = self.method.eq_ignore_ascii_case("CONNECT");
        let url = if is_connect {
            format!("{}://{authority}", self.scheme)
        } else {
            let path = self.path.as_deref().unwrap_or("/");
            match self.query.as_deref().filter(|q| !q.is_empty()) {
                Some(query) => format!("{}://{authority}{path}?{query}", self.scheme),
                None => format!("{}://{authority}{path}", self.scheme),
            }
        };
        if self.tunnel || is_connect {
            let (up, down) = (self.request_body.len(), self.response_body.len());
            self.notes.push(format!(
                "TLS tunnel that Charles did not decrypt ({up} bytes sent, {down} received; content not imported)"
            ));
            self.request_body.clear();
            self.response_body.clear();
        }
        let (_, host, url_port) = split_url(&url);
        let time = self.start_micros.unwrap_or(0);
        if self.start_micros.is_none() {
            self.notes.push("no start time".to_string());
        }
        Exchange {
            time_micros: time,
            duration_micros: self.end_micros.map(|end| end - time).filter(|d| *d >= 0),
            method: self.method,
            url,
            host,
            port: url_port.or(Some(port)),
            http_version: self.version,
            status: self.status,
            request_headers: self.request_headers,
            response_headers: self.response_headers,
            request_body: self.request_body,
            response_body: self.response_body,
            server_ip: self.remote_address.as_deref().and_then(address_ip),
            server_port: Some(port),
            client_ip: self.client_address.as_deref().and_then(address_ip),
            notes: self.notes,
            ..Exchange::default()
        }
    }
}

/// The IP in Charles' `host/1.2.3.4` (or `/127.0.0.1`, `1.2.3.4`) address.
fn address_ip(address: &str) -> Option<String> {
    let ip = address.rsplit('/').next()?.trim();
    let ip = ip.strip_prefix('[').and_then(|i| i.strip_suffix(']')).unwrap_or(ip);
    ip.parse::<std::net::IpAddr>().ok().map(|ip| ip.to_string())
}

/// An attribute's value, entities resolved.
pub(super) fn xml_attribute(start: &BytesStart<'_>, key: &str) -> Option<String> {
    start.attributes().flatten().find_map(|attribute| {
        let name: &str = attribute.key.as_ref();
        (name == key).then(|| {
            attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(std::borrow::Cow::into_owned)
                .unwrap_or_default()
        })
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

impl Importer for CharlesXmlImporter {
    fn format(&self) -> &'static str {
        "charles-xml"
    }

    fn name(&self) -> &'static str {
        "Charles XML session"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["chlsx", "xml"]
    }

    fn claims(&self, head: &[u8]) -> Claim {
        if contains(head, b"<charles-session") {
            Claim::Certain
        } else {
            Claim::No
        }
    }

    fn bodies(&self) -> Bodies {
        Bodies::UsuallyDecoded
    }

    fn import(&self, input: &ImportInput<'_>, sink: &mut dyn ExchangeSink) -> Result<ImportSummary, ImportError> {
        let bytes = input.bytes.strip_prefix(UTF8_BOM).unwrap_or(input.bytes);
        let mut reader = Reader::from_reader(bytes);
        let mut walker = XmlWalker::default();
        let mut saw_session = false;
        loop {
            let event = reader.read_event().map_err(|e| ImportError::Invalid {
                format: "Charles XML session",
                reason: format!("XML error at byte {}: {e}", reader.error_position()),
            })?;
            match event {
                Event::Eof => break,
                Event::Start(start) => {
                    let name = start.name();
                    let name: &str = name.as_ref();
                    saw_session |= name == "charles-session";
                    walker.start(&start);
                }
                Event::Empty(start) => {
                    walker.start(&start);
                    if let Some(exchange) = walker.end()
                        && sink.exchange(exchange)? == Flow::Stop
                    {
                        return Ok(ImportSummary::default());
                    }
                }
                Event::End(_) => {
                    if let Some(exchange) = walker.end()
                        && sink.exchange(exchange)? == Flow::Stop
                    {
                        return Ok(ImportSummary::default());
                    }
                }
                Event::Text(text) => walker.text(&text),
                Event::CData(data) => walker.text(&data),
                Event::GeneralRef(reference) => {
                    let name: &str = &reference;
                    let resolved = match name {
                        "lt" => "<".to_string(),
                        "gt" => ">".to_string(),
                        "amp" => "&".to_string(),
                        "apos" => "'".to_string(),
                        "quot" => "\"".to_string(),
                        _ => match reference.resolve_char_ref() {
                            Ok(Some(ch)) => ch.to_string(),
                            _ => String::new(),
                        },
                    };
                    walker.text(&resolved);
                }
                _ => {}
            }
        }
        if !saw_session {
            return Err(ImportError::Invalid {
                format: "Charles XML session",
                reason: "no <charles-session> element".to_string(),
            });
        }
        Ok(ImportSummary::default())
    }
}

/// Builds transactions from XML events.
#[derive(Default)]
struct XmlWalker {
    path: Vec<String>,
    current: Option<Parts>,
    /// Which message the walker is inside: request or response.
    in_response: bool,
    header_name: String,
    header_value: String,
    body: String,
    body_base64: bool,
}

impl XmlWalker {
    fn start(&mut self, start: &BytesStart<'_>) {
        let qname = start.name();
        let name: &str = qname.as_ref();
        let name = name.to_string();
        let attr = |key: &str| xml_attribute(start, key);
        match name.as_str() {
            "transaction" => {
                let millis = |key: &str| attr(key).and_then(|v| v.parse::<i64>().ok()).map(|ms| ms * 1000);
                self.current = Some(Parts {
                    method: attr("method").unwrap_or_default(),
                    scheme: attr("protocol").unwrap_or_else(|| "http".into()),
                    host: attr("host").unwrap_or_default(),
                    port: attr("actualPort").or_else(|| attr("port")).and_then(|p| p.parse().ok()),
                    path: attr("path"),
                    query: attr("query"),
                    version: attr("protocolVersion").unwrap_or_default(),
                    tunnel: attr("tunnel").is_some_and(|t| t == "true"),
                    remote_address: attr("remoteAddress"),
                    client_address: attr("clientAddress"),
                    start_micros: millis("startTimeMillis")
                        .or_else(|| attr("startTime").and_then(|t| parse_rfc3339_micros(&t))),
                    end_micros: millis("endTimeMillis")
                        .or_else(|| attr("endTime").and_then(|t| parse_rfc3339_micros(&t))),
                    ..Parts::default()
                });
            }
            "request" => self.in_response = false,
            "response" => {
                self.in_response = true;
                if let Some(parts) = self.current.as_mut() {
                    parts.status = attr("status").and_then(|s| s.parse().ok());
                }
            }
            "header" => {
                self.header_name.clear();
                self.header_value.clear();
            }
            "body" => {
                self.body.clear();
                self.body_base64 = attr("encoding").is_some_and(|e| e.eq_ignore_ascii_case("base64"));
            }
            _ => {}
        }
        self.path.push(name);
    }

    fn text(&mut self, text: &str) {
        match self.path.last().map(String::as_str) {
            Some("name") if self.inside("header") => self.header_name.push_str(text),
            Some("value") if self.inside("header") => self.header_value.push_str(text),
            Some("body") => self.body.push_str(text),
            _ => {}
        }
    }

    fn inside(&self, parent: &str) -> bool {
        self.path.len() >= 2 && self.path[self.path.len() - 2] == parent
    }

    /// Closes the innermost element; returns a finished transaction.
    fn end(&mut self) -> Option<Exchange> {
        let name = self.path.pop()?;
        let parts = self.current.as_mut()?;
        match name.as_str() {
            "header" => {
                let header = (self.header_name.trim().to_string(), self.header_value.clone());
                if self.in_response {
                    parts.response_headers.push(header);
                } else {
                    parts.request_headers.push(header);
                }
            }
            "body" => {
                let which = if self.in_response { "response" } else { "request" };
                let bytes = if self.body_base64 {
                    decode_base64(&self.body, &mut parts.notes, which)
                } else {
                    std::mem::take(&mut self.body).into_bytes()
                };
                if self.in_response {
                    parts.response_body = bytes;
                } else {
                    parts.request_body = bytes;
                }
            }
            "transaction" => return self.current.take().map(Parts::into_exchange),
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::VecSink;

    #[test]
    fn xml_session_with_base64_body_and_tunnel() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE charles-session SYSTEM "http://www.charlesproxy.com/dtd/charles-session-1_2.dtd">
<charles-session>
  <transaction status="COMPLETE" method="POST" protocolVersion="HTTP/1.1" protocol="https" host="api.example.com" port="443" actualPort="443" path="/v1/batch" query="a=1&amp;b=2" remoteAddress="api.example.com/93.184.216.34" clientAddress="/127.0.0.1" startTime="2024-03-11T10:42:03.369+08:00" startTimeMillis="1710124923369" endTimeMillis="1710124923500">
    <request headers="true" body="true" mime-type="application/json">
      <headers><first-line><![CDATA[POST /v1/batch?a=1&b=2 HTTP/1.1]]></first-line>
        <header><name>Host</name><value>api.example.com</value></header>
        <header><name>Content-Type</name><value>application/json</value></header>
      </headers>
      <body encoding="base64">eyJldmVudCI6InNlYXJjaCJ9</body>
    </request>
    <response status="200" headers="true" body="true">
      <headers><first-line>HTTP/1.1 200 OK</first-line></headers>
      <body><![CDATA[ok]]></body>
    </response>
  </transaction>
  <transaction method="CONNECT" protocol="https" host="t.example.net" actualPort="443" tunnel="true" startTimeMillis="1710124924000">
    <request><headers/><body encoding="base64">FgMB</body></request>
    <response status="200"/>
  </transaction>
</charles-session>"#;
        assert_eq!(CharlesXmlImporter.claims(xml), Claim::Certain);
        let mut sink = VecSink::default();
        CharlesXmlImporter
            .import(&ImportInput::new("s.chlsx", None, xml), &mut sink)
            .expect("imports");
        assert_eq!(sink.exchanges.len(), 2);
        let post = &sink.exchanges[0];
        assert_eq!(post.url, "https://api.example.com/v1/batch?a=1&b=2");
        assert_eq!(post.request_body, b"{\"event\":\"search\"}");
        assert_eq!(post.response_body, b"ok");
        assert_eq!(post.status, Some(200));
        assert_eq!(post.server_ip.as_deref(), Some("93.184.216.34"));
        assert_eq!(post.client_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(post.time_micros, 1_710_124_923_369_000);
        assert_eq!(post.duration_micros, Some(131_000));
        assert_eq!(post.request_headers.len(), 2);
        let tunnel = &sink.exchanges[1];
        assert_eq!(tunnel.url, "https://t.example.net");
        assert!(tunnel.request_body.is_empty());
        assert!(tunnel.notes[0].starts_with("TLS tunnel that Charles did not decrypt (3 bytes sent"));
    }

    #[test]
    fn addresses() {
        assert_eq!(address_ip("host.example/10.0.0.1").as_deref(), Some("10.0.0.1"));
        assert_eq!(address_ip("/127.0.0.1").as_deref(), Some("127.0.0.1"));
        assert_eq!(address_ip("localhost"), None);
    }
}
