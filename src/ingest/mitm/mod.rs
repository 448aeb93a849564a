//! mitmproxy flow file importer (`mitmproxy -w`, `mitmdump -w`, "Save" in
//! mitmweb).
//!
//! A flow file is a sequence of tnetstring dictionaries, one per flow. Every
//! flow format mitmproxy 11 itself reads is accepted: the 0.11–3.0 releases
//! (`version` is a list such as `[0, 18, 2]`) and the numbered formats 4–21.
//! Fields moved between versions (`code` → `status_code`, `address` →
//! `peername`, nested `{address: [...]}` → plain `[host, port]`); this module
//! reads both spellings instead of migrating whole flows.
//!
//! Flows are pushed to the sink as soon as each is parsed. HTTP flows become
//! exchanges, with their WebSocket messages when mitmproxy attached them;
//! format-7 `websocket` flows become a copy of their handshake exchange with
//! the messages (what mitmproxy's own migration does, so the counts match);
//! TCP, UDP and DNS flows are counted in the summary.
//! Like mitmproxy, a damaged tail after readable flows is a warning, not a
//! failure; a file whose first value is not a flow is rejected.

mod tnetstring;

use super::{Claim, ExchangeSink, Flow, ImportError, ImportInput, ImportSummary, Importer};
use crate::model::{Exchange, Headers, WebSocketMessage, exchange_header, split_url};
use std::borrow::Cow;
use std::net::IpAddr;
use tnetstring::Value;

const FORMAT: &str = "mitmproxy";

/// The newest flow format this importer was written against (mitmproxy 11).
const NEWEST_KNOWN_VERSION: i64 = 21;

/// Top-level keys of a flow dictionary in some flow format version. Their
/// order in the file is not fixed (Python 2 wrote hash order, newer versions
/// insertion order), so any of them can come first; `response` or
/// `websocket` often does, and `version` may be last.
const FLOW_KEYS: &[&str] = &[
    "backup",
    "client_conn",
    "comment",
    "error",
    "id",
    "intercepted",
    "is_replay",
    "marked",
    "messages",
    "metadata",
    "mode",
    "request",
    "response",
    "server_conn",
    "timestamp_created",
    "type",
    "version",
    "websocket",
];

/// mitmproxy flows.
pub struct MitmImporter;

impl Importer for MitmImporter {
    fn format(&self) -> &'static str {
        FORMAT
    }

    fn name(&self) -> &'static str {
        "mitmproxy flows"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["mitm", "flow", "flows", "dump"]
    }

    fn claims(&self, head: &[u8]) -> Claim {
        if looks_like_flow_file(head) {
            Claim::Certain
        } else {
            Claim::No
        }
    }

    fn import(&self, input: &ImportInput<'_>, sink: &mut dyn ExchangeSink) -> Result<ImportSummary, ImportError> {
        FlowReader::new(input.bytes).read_all(sink)
    }
}

/// True when `head` starts with a tnetstring dictionary whose keys are those
/// of a flow: two of them, or the only one the head holds (when the first
/// value, e.g. a large response, runs past the head). Only keys are looked
/// at, so this stays cheap.
fn looks_like_flow_file(head: &[u8]) -> bool {
    let Some(keys) = tnetstring::leading_dict_keys(head) else {
        return false;
    };
    let known = keys
        .iter()
        .filter(|key| FLOW_KEYS.iter().any(|k| k.as_bytes() == **key))
        .count();
    known >= 2 || (known == 1 && keys.len() == 1)
}

/// Walks the flows of one file, keeping count for the summary.
struct FlowReader<'a> {
    bytes: &'a [u8],
    summary: ImportSummary,
    flows_read: u64,
    warned_newer_version: bool,
    /// WebSocket handshake flows by id, for format-7 `websocket` flows.
    handshakes: std::collections::HashMap<String, Exchange>,
}

impl<'a> FlowReader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        FlowReader {
            bytes,
            summary: ImportSummary::default(),
            flows_read: 0,
            warned_newer_version: false,
            handshakes: std::collections::HashMap::new(),
        }
    }

    fn read_all(mut self, sink: &mut dyn ExchangeSink) -> Result<ImportSummary, ImportError> {
        let mut offset = 0;
        while !self.bytes[offset..].iter().all(u8::is_ascii_whitespace) {
            let (value, next) = match tnetstring::parse_at(self.bytes, offset) {
                Ok(parsed) => parsed,
                Err(e) if self.flows_read == 0 => {
                    return Err(invalid(format!("unreadable data: {e}")));
                }
                Err(e) => {
                    sink.warning(format!(
                        "the file ends with unreadable data ({e}); kept the {} flows before it",
                        self.flows_read
                    ));
                    break;
                }
            };
            let flow = self.read_flow(&value, offset, sink)?;
            self.flows_read += 1;
            offset = next;
            sink.progress(offset as u64);
            if flow == Flow::Stop {
                break;
            }
        }
        Ok(self.summary)
    }

    /// Handles one top-level value that begins at byte `offset`.
    fn read_flow(&mut self, flow: &Value<'_>, offset: usize, sink: &mut dyn ExchangeSink) -> Result<Flow, ImportError> {
        let is_first = self.flows_read == 0;
        let Some(kind) = flow_kind(flow) else {
            if is_first {
                return Err(invalid("the first value is not a flow (no `type` or `request`)".into()));
            }
            sink.warning(format!("skipped a value that is not a flow at byte {offset}"));
            self.summary.skip("values that are not flows", 1);
            return Ok(Flow::Continue);
        };
        if let Err(reason) = self.check_version(flow, sink) {
            if is_first {
                return Err(ImportError::Unsupported { format: FORMAT, reason });
            }
            sink.warning(format!("skipped the flow at byte {offset}: {reason}"));
            self.summary.skip("flows in an unsupported format", 1);
            return Ok(Flow::Continue);
        }
        if kind == "websocket" {
            // Formats before 12: a separate flow per WebSocket connection that
            // names its handshake flow. Like mitmproxy's own migration, it
            // becomes a copy of the handshake with the messages attached.
            let exchange = self.websocket_flow(flow);
            return sink.exchange(exchange);
        }
        if kind != "http" {
            self.summary.skip(&format!("{kind} flows"), 1);
            return Ok(Flow::Continue);
        }
        if flow.get("request").and_then(Value::as_dict).is_none() {
            self.summary.skip("http flows without a request", 1);
            return Ok(Flow::Continue);
        }
        let exchange = http_exchange(flow, &mut self.summary);
        let is_handshake = flow
            .get("metadata")
            .and_then(|m| m.get("websocket"))
            .is_some_and(|w| matches!(w, Value::Bool(true)));
        if is_handshake && let Some(id) = flow.get("id").and_then(Value::as_text) {
            self.handshakes.insert(id.into_owned(), exchange.clone());
        }
        sink.exchange(exchange)
    }

    /// The exchange for a format-7 `websocket` flow.
    fn websocket_flow(&mut self, flow: &Value<'_>) -> Exchange {
        let handshake_id = flow
            .get("metadata")
            .and_then(|m| m.get("websocket_handshake"))
            .and_then(Value::as_text);
        let mut exchange = match handshake_id.and_then(|id| self.handshakes.get(id.as_ref())) {
            Some(handshake) => handshake.clone(),
            None => {
                let mut dummy = Exchange {
                    method: "GET".to_string(),
                    url: "http://unknown-host/".to_string(),
                    host: "unknown-host".to_string(),
                    port: Some(80),
                    http_version: "HTTP/1.1".to_string(),
                    ..Exchange::default()
                };
                dummy
                    .notes
                    .push("WebSocket flow whose handshake flow is not in the file".to_string());
                if let Some(server) = flow.get("server_conn") {
                    (dummy.server_ip, dummy.server_port) =
                        peer_address(server, &["peername", "ip_address", "peer_address", "address"]);
                }
                dummy
            }
        };
        exchange.notes.push(
            "WebSocket flow migrated from flow format 7: shown as a copy of its handshake, as mitmproxy does"
                .to_string(),
        );
        exchange.websocket_messages = flow
            .get("messages")
            .and_then(Value::as_list)
            .map(|messages| messages.iter().filter_map(websocket_message).collect())
            .unwrap_or_default();
        if let Some(first) = exchange.websocket_messages.first().and_then(|m| m.time_micros)
            && exchange.time_micros == 0
        {
            exchange.time_micros = first;
        }
        exchange
    }

    /// Refuses formats mitmproxy itself cannot read; warns once about formats
    /// newer than this importer knows, then reads them anyway.
    fn check_version(&mut self, flow: &Value<'_>, sink: &mut dyn ExchangeSink) -> Result<(), String> {
        match flow_version(flow)? {
            FlowVersion::Numbered(n) if n > NEWEST_KNOWN_VERSION && !self.warned_newer_version => {
                self.warned_newer_version = true;
                sink.warning(format!(
                    "flow format {n} is newer than Telltale knows ({NEWEST_KNOWN_VERSION}); fields may be missing"
                ));
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

fn invalid(reason: String) -> ImportError {
    ImportError::Invalid { format: FORMAT, reason }
}

/// The flow's `type`; files older than mitmproxy 0.11 only had HTTP flows
/// and wrote no type. `None` when the value is not a flow at all.
fn flow_kind(flow: &Value<'_>) -> Option<String> {
    flow.as_dict()?;
    match flow.get("type").and_then(Value::as_text) {
        Some(kind) => Some(kind.to_ascii_lowercase()),
        None => flow.get("request").map(|_| "http".to_string()),
    }
}

/// A flow format version as mitmproxy wrote it.
enum FlowVersion {
    /// 0.11 up to 3.0 used the release number (`[0, 18, 2]`).
    Release,
    /// From mitmproxy 4 on, a counter that grows with each format change.
    Numbered(i64),
}

/// The flow's format version, or why mitmproxy 11 would refuse it.
fn flow_version(flow: &Value<'_>) -> Result<FlowVersion, String> {
    let version = flow.get("version");
    if let Some(n) = version.and_then(Value::as_i64) {
        return if n >= 4 {
            Ok(FlowVersion::Numbered(n))
        } else {
            Err(format!("unknown flow format {n}"))
        };
    }
    let parts: Vec<i64> = version
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_i64)
        .collect();
    match parts.as_slice() {
        [0, minor, ..] if *minor >= 11 => Ok(FlowVersion::Release),
        [1..=3, _, ..] => Ok(FlowVersion::Release),
        [0, minor, ..] => Err(format!(
            "flow format 0.{minor} is too old (mitmproxy 0.11 or newer is needed)"
        )),
        [] => Err("the flow has no format version".into()),
        other => Err(format!("unknown flow format {other:?}")),
    }
}

/// Turns one HTTP flow into an exchange. Missing fields become defaults and
/// notes; a flow never fails the import.
fn http_exchange(flow: &Value<'_>, summary: &mut ImportSummary) -> Exchange {
    let request = flow.get("request").unwrap_or(&Value::Null);
    let mut exchange = request_part(request);
    match flow.get("response") {
        Some(response @ Value::Dict(_)) => apply_response(&mut exchange, response, request),
        _ => exchange.notes.push("no response captured".into()),
    }
    if let Some(message) = flow.get("error").and_then(|e| e.get("msg")).and_then(Value::as_text) {
        exchange.notes.push(format!("connection error: {message}"));
    }
    if let Some(server) = flow.get("server_conn") {
        (exchange.server_ip, exchange.server_port) =
            peer_address(server, &["peername", "ip_address", "peer_address", "address"]);
    }
    if let Some(client) = flow.get("client_conn") {
        exchange.client_ip = peer_address(client, &["peername", "address"]).0;
    }
    attach_websocket_messages(&mut exchange, flow);
    let _ = summary;
    exchange
}

/// The request half of an exchange: target, headers, body, start time.
fn request_part(request: &Value<'_>) -> Exchange {
    let mut exchange = Exchange {
        method: text(request, "method").unwrap_or_default(),
        http_version: http_version(request),
        request_headers: headers(request),
        ..Exchange::default()
    };
    let target = Target::of(request, &exchange);
    (exchange.url, exchange.host, exchange.port) = (target.url, target.host, target.port);
    exchange.time_micros = seconds(request, "timestamp_start").map_or(0, micros);
    exchange.request_body = body(request, "request", &mut exchange.notes);
    exchange
}

fn apply_response(exchange: &mut Exchange, response: &Value<'_>, request: &Value<'_>) {
    let status = response.get("status_code").or_else(|| response.get("code"));
    exchange.status = status.and_then(Value::as_i64).and_then(|s| u16::try_from(s).ok());
    exchange.response_headers = headers(response);
    exchange.response_body = body(response, "response", &mut exchange.notes);
    if let (Some(start), Some(end)) = (seconds(request, "timestamp_start"), seconds(response, "timestamp_end")) {
        exchange.duration_micros = Some(micros(end - start)).filter(|d| *d >= 0);
    }
}

/// WebSocket messages attached to an HTTP flow (`websocket.messages`, the
/// layout mitmproxy writes since it merged WebSocket into HTTP flows).
fn attach_websocket_messages(exchange: &mut Exchange, flow: &Value<'_>) {
    if let Some(messages) = flow
        .get("websocket")
        .and_then(|ws| ws.get("messages"))
        .and_then(Value::as_list)
    {
        exchange.websocket_messages = messages.iter().filter_map(websocket_message).collect();
    }
}

/// One message, `[type, from_client, content, timestamp, …]` in every
/// format version (type 1 = text, 2 = binary).
fn websocket_message(message: &Value<'_>) -> Option<WebSocketMessage> {
    let fields = message.as_list()?;
    let opcode = fields.first()?.as_i64()?;
    let from_client = matches!(fields.get(1)?, Value::Bool(true));
    let payload = match fields.get(2)? {
        Value::String(text) => text.as_bytes().to_vec(),
        other => other.as_bytes()?.to_vec(),
    };
    let time_micros = fields
        .get(3)
        .and_then(|t| t.as_f64().or_else(|| t.as_i64().map(|i| i as f64)))
        .map(micros);
    Some(WebSocketMessage {
        from_client,
        time_micros,
        text: opcode == 1,
        payload,
        note: None,
    })
}

/// Where a request went, as mitmproxy's `pretty_url` shows it.
struct Target {
    url: String,
    host: String,
    port: Option<u16>,
}

impl Target {
    fn of(request: &Value<'_>, exchange: &Exchange) -> Target {
        let scheme = text(request, "scheme")
            .map(|s| s.to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "http".into());
        let path = text(request, "path").unwrap_or_default();
        if path.starts_with("http://") || path.starts_with("https://") {
            let (scheme, host, port) = split_url(&path);
            let port = port.or(default_port(&scheme));
            return Target { url: path, host, port };
        }
        let (host, port) = Self::requested_host(request, exchange, &scheme);
        let path = if path.is_empty() && exchange.method != "CONNECT" {
            "/".to_string()
        } else {
            path
        };
        let url = format!("{scheme}://{}{path}", url_authority(&scheme, &host, port));
        Target { url, host, port }
    }

    /// The authority the client asked for, else the host mitmproxy dialled.
    fn requested_host(request: &Value<'_>, exchange: &Exchange, scheme: &str) -> (String, Option<u16>) {
        if let Some(authority) = authority(request, exchange) {
            let (_, host, port) = split_url(&format!("{scheme}://{authority}"));
            return (host, port.or(default_port(scheme)));
        }
        let port = request
            .get("port")
            .and_then(Value::as_i64)
            .and_then(|p| u16::try_from(p).ok());
        (text(request, "host").unwrap_or_default().to_ascii_lowercase(), port)
    }
}

/// The host the client asked for: HTTP/2 and HTTP/3 carry it in
/// `authority`, HTTP/1 in the `Host` header. mitmproxy prefers it over the
/// address it connected to, which may be an IP in transparent mode.
fn authority(request: &Value<'_>, exchange: &Exchange) -> Option<String> {
    let field = text(request, "authority").filter(|a| !a.is_empty());
    let host_header = || exchange_header(&exchange.request_headers, "host").map(str::to_string);
    let h2_header = || exchange_header(&exchange.request_headers, ":authority").map(str::to_string);
    let is_http1 = exchange.http_version.starts_with("HTTP/1");
    let found = if is_http1 {
        host_header().or(field).or_else(h2_header)
    } else {
        field.or_else(h2_header).or_else(host_header)
    };
    found.map(|a| a.trim().to_string()).filter(|a| !a.is_empty())
}

/// `host[:port]` for a URL: IPv6 in brackets, the scheme's default port left out.
fn url_authority(scheme: &str, host: &str, port: Option<u16>) -> String {
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    match port {
        Some(port) if Some(port) != default_port(scheme) => format!("{host}:{port}"),
        _ => host,
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    }
}

/// `http_version` (`b"HTTP/1.1"`) from 0.14 on; `httpversion` (`[1, 1]`) before.
fn http_version(message: &Value<'_>) -> String {
    if let Some(version) = text(message, "http_version") {
        return version;
    }
    let numbers: Vec<String> = message
        .get("httpversion")
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_i64)
        .map(|n| n.to_string())
        .collect();
    if numbers.is_empty() {
        String::new()
    } else {
        format!("HTTP/{}", numbers.join("."))
    }
}

/// Header pairs `[name, value]` in wire order, as lossy UTF-8.
fn headers(message: &Value<'_>) -> Headers {
    let pairs = message.get("headers").and_then(Value::as_list).unwrap_or_default();
    pairs
        .iter()
        .filter_map(|pair| match pair.as_list()? {
            [name, value] => Some((name.as_text()?.into_owned(), value.as_text()?.into_owned())),
            _ => None,
        })
        .collect()
}

/// The body as captured (`content`; `body` in 0.14 and 0.15). mitmproxy
/// writes `None` when it did not keep the body, e.g. for streamed responses.
fn body(message: &Value<'_>, which: &str, notes: &mut Vec<String>) -> Vec<u8> {
    match message.get("content").or_else(|| message.get("body")) {
        Some(Value::Null) => {
            notes.push(format!("{which} body was not recorded by mitmproxy"));
            Vec::new()
        }
        Some(value) => value.as_bytes().map(<[u8]>::to_vec).unwrap_or_default(),
        None => Vec::new(),
    }
}

/// IP and port of the first of `keys` in `conn` that holds an IP address
/// (hostnames are skipped: `address` is what was asked for, not who answered).
fn peer_address(conn: &Value<'_>, keys: &[&str]) -> (Option<String>, Option<u16>) {
    keys.iter()
        .filter_map(|key| conn.get(key).and_then(address))
        .find(|(host, _)| host.parse::<IpAddr>().is_ok())
        .map_or((None, None), |(host, port)| (Some(host), port))
}

/// `[host, port, …]`, or `{address: [host, port], use_ipv6}` before mitmproxy 2.
fn address(value: &Value<'_>) -> Option<(String, Option<u16>)> {
    let parts = value.get("address").unwrap_or(value).as_list()?;
    let host = parts.first()?.as_text()?.into_owned();
    let port = parts.get(1).and_then(Value::as_i64).and_then(|p| u16::try_from(p).ok());
    Some((host, port))
}

fn text(value: &Value<'_>, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_text).map(Cow::into_owned)
}

fn seconds(value: &Value<'_>, key: &str) -> Option<f64> {
    value.get(key).and_then(Value::as_f64).filter(|s| s.is_finite())
}

#[allow(clippy::cast_possible_truncation)] // capture times are far inside i64 µs
fn micros(seconds: f64) -> i64 {
    (seconds * 1e6).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::VecSink;

    /// Encodes a tnetstring value (the tests' own small writer).
    fn tn(payload: &[u8], kind: u8) -> Vec<u8> {
        [format!("{}:", payload.len()).into_bytes(), payload.to_vec(), vec![kind]].concat()
    }

    fn dict(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let payload: Vec<u8> = entries
            .iter()
            .flat_map(|(k, v)| [tn(k.as_bytes(), b';'), v.clone()].concat())
            .collect();
        tn(&payload, b'}')
    }

    fn flow(version: Vec<u8>, path: &str) -> Vec<u8> {
        let request = dict(&[
            ("host", tn(b"example.com", b';')),
            ("method", tn(b"GET", b',')),
            ("path", tn(path.as_bytes(), b',')),
            ("port", tn(b"8080", b'#')),
            ("scheme", tn(b"http", b',')),
            ("timestamp_start", tn(b"1.5", b'^')),
        ]);
        dict(&[
            ("request", request),
            ("response", tn(b"", b'~')),
            ("type", tn(b"http", b';')),
            ("version", version),
        ])
    }

    fn import(bytes: &[u8]) -> Result<(VecSink, ImportSummary), ImportError> {
        let mut sink = VecSink::default();
        let input = ImportInput::new("t.mitm", None, bytes);
        let summary = MitmImporter.import(&input, &mut sink)?;
        Ok((sink, summary))
    }

    #[test]
    fn claims_flows_but_not_other_tnetstrings() {
        let file = flow(tn(b"21", b'#'), "/");
        assert_eq!(MitmImporter.claims(&file), Claim::Certain);
        assert_eq!(MitmImporter.claims(&file[..30]), Claim::Certain);
        assert_eq!(MitmImporter.claims(&dict(&[("zebra", tn(b"", b'~'))])), Claim::No);
        assert_eq!(MitmImporter.claims(b"{\"log\": {\"entries\": []}}"), Claim::No);
        assert_eq!(MitmImporter.claims(b""), Claim::No);
    }

    #[test]
    fn minimal_flow_becomes_an_exchange() {
        let (sink, _) = import(&flow(tn(b"21", b'#'), "/a?b=1")).expect("imports");
        let ex = &sink.exchanges[0];
        assert_eq!(
            (ex.method.as_str(), ex.url.as_str()),
            ("GET", "http://example.com:8080/a?b=1")
        );
        assert_eq!((ex.time_micros, ex.status, ex.port), (1_500_000, None, Some(8080)));
        assert_eq!(ex.notes, ["no response captured"]);
    }

    #[test]
    fn absolute_form_path_is_the_url() {
        let (sink, _) = import(&flow(tn(b"21", b'#'), "https://other.test/x")).expect("imports");
        assert_eq!(sink.exchanges[0].url, "https://other.test/x");
        assert_eq!(sink.exchanges[0].host, "other.test");
    }

    #[test]
    fn garbage_tail_is_a_warning_and_keeps_flows() {
        let mut file = flow(tn(b"21", b'#'), "/");
        let good_len = file.len();
        file.extend_from_slice(b"999:truncated");
        let (sink, _) = import(&file).expect("keeps the first flow");
        assert_eq!(sink.exchanges.len(), 1);
        assert_eq!(sink.warnings.len(), 1);
        assert!(
            sink.warnings[0].contains(&format!("at byte {good_len}")),
            "{:?}",
            sink.warnings
        );
    }

    #[test]
    fn first_value_not_a_flow_is_invalid() {
        let result = import(&tn(b"1", b'#'));
        assert!(
            matches!(result, Err(ImportError::Invalid { .. })),
            "{:?}",
            result.map(|_| ())
        );
        let result = import(b"not a flow file");
        assert!(
            matches!(result, Err(ImportError::Invalid { .. })),
            "{:?}",
            result.map(|_| ())
        );
    }

    #[test]
    fn old_release_versions() {
        let list = |a: &[u8], b: &[u8]| tn(&[tn(a, b'#'), tn(b, b'#')].concat(), b']');
        assert!(import(&flow(list(b"0", b"11"), "/")).is_ok());
        assert!(import(&flow(list(b"2", b"0"), "/")).is_ok());
        let err = import(&flow(list(b"0", b"10"), "/")).map(|_| ()).expect_err("too old");
        assert_eq!(
            err.to_string(),
            "unsupported mitmproxy file: flow format 0.10 is too old (mitmproxy 0.11 or newer is needed)"
        );
    }

    #[test]
    fn newer_format_warns_once() {
        let file = [flow(tn(b"99", b'#'), "/"), flow(tn(b"99", b'#'), "/")].concat();
        let (sink, _) = import(&file).expect("best effort");
        assert_eq!((sink.exchanges.len(), sink.warnings.len()), (2, 1));
    }

    #[test]
    fn stop_from_the_sink_ends_the_import_quietly() {
        struct StopSink(usize);
        impl ExchangeSink for StopSink {
            fn exchange(&mut self, _: Exchange) -> Result<Flow, ImportError> {
                self.0 += 1;
                Ok(Flow::Stop)
            }
            fn warning(&mut self, _: String) {}
        }
        let bytes = [flow(tn(b"21", b'#'), "/"), flow(tn(b"21", b'#'), "/b")].concat();
        let input = ImportInput::new("t.mitm", None, &bytes);
        let mut sink = StopSink(0);
        let result = MitmImporter.import(&input, &mut sink);
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(sink.0, 1, "no exchange after the stop");
    }
}
