//! Decoding engine: turns one exchange into a tree of layers and the
//! telemetry events found in them.
//!
//! Layer decoders (one file each, see [`layer_decoder`]) are applied
//! recursively by [`runner`] to four kinds of roots: the URL query (`url`),
//! the request body (`request-body`), the response body (`response-body`) and
//! request headers that are not ordinary HTTP headers (`header:<name>`, kept
//! only when something decodes from them), each gRPC message of a gRPC body
//! (`grpc[i]`, decoded as protobuf), and each WebSocket message after an
//! upgrade (`websocket[i]`; roots `websocket-sent` count as request side,
//! `websocket-received` as response side). Tracker decoders (one file per
//! SDK in [`trackers`]) then read events from the request side of the tree;
//! the [`endpoints`] table names known tracker endpoints by URL, their
//! documented fields and, where no SDK decoder found events, its own event
//! rules; the generic decoder takes what neither claimed.
//! The request side is also read as one [`document`] of named values
//! (`body.custom_events[0]._eventName`), in which [`datatypes`] names the
//! personal data; each event gets the data types inside its own element plus
//! those the request carried beside all its events.
//! When the exchange travelled inside TLS or HTTP/2, its transport steps
//! (`tls1.3 aes-128-gcm › http2 stream 3`) lead every event's decode path.
//!
//! Promises: never panics and never fails — problems become layer notes;
//! memory and time are bounded by [`limits`] (depth ≤ 16, ≤ 64 MiB output per
//! step, ≤ 256 MiB per exchange, ≤ 1000:1 expansion beyond 1 MiB, ≤ 1 MiB
//! stored per layer). Each payload is decoded once; trackers reuse the tree.

mod b64;
mod compressed;
pub mod datatypes;
pub mod document;
mod embedded_url;
pub mod endpoints;
mod form;
mod json;
pub mod json_value;
mod jwt;
pub mod layer_decoder;
pub mod limits;
mod lines;
mod multipart;
mod percent;
pub mod protobuf;
mod query;
mod runner;
pub mod trackers;
pub mod tree;

pub use limits::{
    MAX_DEPTH, MAX_EXCHANGE_OUTPUT_BYTES, MAX_EXPANSION_RATIO, MAX_LAYER_OUTPUT_BYTES, MAX_LAYERS, MAX_PART_LAYERS,
    MAX_STORED_LAYER_BYTES, RATIO_FREE_OUTPUT_BYTES,
};

use crate::codec::Codec;
use crate::model::{Decoded, Exchange, RequestDataType, dedupe_data_types};
use document::Document;
use layer_decoder::{LayerDecoder, Origin};
use runner::{Root, Runner};
use tree::Tree;

/// Every layer decoder, in tie-break order (earlier wins among equal claims).
pub(crate) static DECODERS: &[&dyn LayerDecoder] = &[
    &query::QueryDecoder,
    &compressed::Compressed(Codec::Gzip),
    &compressed::Compressed(Codec::Zstd),
    &compressed::Compressed(Codec::Zlib),
    &compressed::Compressed(Codec::Deflate),
    &compressed::Compressed(Codec::Brotli),
    &multipart::MultipartDecoder,
    &lines::LinesDecoder,
    &json::JsonDecoder,
    &jwt::JwtDecoder,
    &embedded_url::EmbeddedUrlDecoder,
    &form::FormDecoder,
    &percent::PercentDecoder,
    &protobuf::ProtobufDecoder,
    &b64::Base64Decoder,
];

/// The tracker id [`decode_exchange`] gives requests whose events only the
/// generic decoder found; the import names those events after their
/// receiver instead (`store::import`).
pub const GENERIC_TRACKER: &str = "generic";

/// Declared body types that hold no telemetry and are not decoded.
const MEDIA_TYPE_PREFIXES: &[&str] = &["image/", "audio/", "video/", "font/"];

/// Request headers that carry HTTP plumbing, not tracker data.
const ORDINARY_HEADERS: &[&str] = &[
    "accept",
    "accept-charset",
    "accept-encoding",
    "accept-language",
    "authorization",
    "cache-control",
    "connection",
    "content-encoding",
    "content-length",
    "content-type",
    "cookie",
    "dnt",
    "expect",
    "host",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "keep-alive",
    "origin",
    "pragma",
    "priority",
    "proxy-authorization",
    "range",
    "referer",
    "te",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "via",
    "x-forwarded-for",
    "x-requested-with",
];

/// Decodes every layer of `exchange`, the telemetry events inside and the
/// personal data they carry.
///
/// Order: the specific SDK decoders (by payload shape) first; then the
/// endpoint table (by URL): a matched endpoint names the tracker when no SDK
/// decoder did, its event rules give the events when no SDK decoder did
/// (a matched endpoint without rules is a request-level record: the
/// generic decoder does not run on it), and its documented fields give
/// `sdk`-confidence data types, which replace the key-name and value-shape
/// guesses for the same fields. The generic decoder runs on what neither
/// claimed.
pub fn decode_exchange(exchange: &Exchange) -> Decoded {
    let mut tree = decode_exchange_tree(exchange);
    let specific = trackers::detect_specific(exchange, &mut tree);
    let matched = endpoints::find(exchange, &tree);
    let document = Document::build(exchange, &tree);
    let (mut events, tracker) = match (specific, matched) {
        (Some((events, id)), _) => (events, Some(id.to_string())),
        // An endpoint the table knows but gives no event rules for is read
        // by the generic decoder (a registration, a beacon), named after
        // the endpoint's tracker.
        (None, Some(matched)) => (
            matched
                .events(exchange, &tree, &document)
                .or_else(|| trackers::detect_generic(exchange, &mut tree))
                .unwrap_or_default(),
            Some(matched.tracker.id.clone()),
        ),
        (None, None) => match trackers::detect_generic(exchange, &mut tree) {
            Some(events) => (events, Some(GENERIC_TRACKER.to_string())),
            None => (Vec::new(), None),
        },
    };
    let mut found = Vec::new();
    if let Some(matched) = matched {
        found = matched.data_types(&document);
    }
    let named: std::collections::HashSet<String> = found.iter().map(|f| f.data_type.field.clone()).collect();
    found.extend(
        datatypes::recognise(&document)
            .into_iter()
            .filter(|guess| !named.contains(&guess.data_type.field)),
    );
    let data_types = assign_data_types(&tree, &document, found, &mut events);
    let decode_path_summary = decode_path_summary(&tree);
    if let Some(transport) = exchange.transport.as_deref().filter(|t| !t.is_empty()) {
        for event in &mut events {
            event.decode_path = format!("{transport}{}{}", crate::model::PATH_SEPARATOR, event.decode_path);
        }
    }
    Decoded {
        layers: tree.into_layers(),
        events,
        tracker,
        decode_path_summary,
        endpoint: matched.map(|m| m.endpoint.id.clone()),
        data_types,
    }
}

/// The decoders along the request's deepest chain of layers, body first,
/// then URL, then headers: `form › base64 › gzip › json`.
fn decode_path_summary(tree: &Tree) -> String {
    let rank = |root: &str| match root {
        "request-body" => Some(0),
        "url" => Some(1),
        "header" => Some(2),
        "websocket-sent" => Some(3),
        _ => None,
    };
    let depth = |mut index: usize| {
        let mut levels = 0;
        while let Some(parent) = tree.parent(index) {
            levels += 1;
            index = parent;
        }
        levels
    };
    let deepest = (0..tree.len())
        .filter_map(|index| rank(&tree.layer(tree.root_of(index)).decoder).map(|r| (r, index)))
        .min_by_key(|(r, index)| (*r, std::cmp::Reverse(depth(*index)), *index));
    let Some((_, mut at)) = deepest else {
        return String::new();
    };
    let mut names: Vec<&str> = Vec::new();
    // What the deepest layer itself was parsed as, when no child shows it.
    match tree.structure(at) {
        Some(tree::Structure::Pairs(_)) if tree.layer(at).decoder == "url" => names.push("query"),
        Some(tree::Structure::Pairs(_)) => names.push("form"),
        Some(tree::Structure::Json(_) | tree::Structure::JsonElement(_)) => names.push("json"),
        _ => {}
    }
    while tree.parent(at).is_some() {
        let name = match tree.layer(at).decoder.as_str() {
            "json-string" => "json",
            other => other,
        };
        names.push(name);
        at = tree.parent(at).unwrap_or(at);
    }
    names.reverse();
    // A payload an SDK encrypted is named on the request too, not only on
    // its layer: a journalist reading the request list must see it.
    let encrypted = (0..tree.len())
        .any(|index| tree.layer(index).encrypted && rank(&tree.layer(tree.root_of(index)).decoder).is_some());
    if encrypted {
        names.push("encrypted");
    }
    if names.is_empty() {
        return String::new();
    }
    names.dedup();
    names.join(crate::model::PATH_SEPARATOR)
}

/// Gives each event the data types inside its own element plus those the
/// request carried outside every event (shared by all of them); returns the
/// request's data types, each with the event that owns it, deduplicated.
fn assign_data_types(
    tree: &Tree,
    document: &Document,
    found: Vec<datatypes::Found>,
    events: &mut [crate::model::DecodedEvent],
) -> Vec<RequestDataType> {
    let event_paths: Vec<Option<document::FieldPath>> = events
        .iter()
        .map(|event| {
            let layer_path = event.layer.and_then(|layer| document.path_of_layer(tree, layer))?;
            Some(match &event.json_path {
                Some(inner) => layer_path.joined(&document::parse_json_path(inner)),
                None => layer_path.clone(),
            })
        })
        .collect();
    let mut request: Vec<RequestDataType> = Vec::with_capacity(found.len());
    for item in found {
        // The event with the most specific element holding the node owns it;
        // events that share one element (not split out) share its values.
        let deepest = event_paths
            .iter()
            .flatten()
            .filter(|path| item.node.starts_with(path))
            .map(|path| path.0.len())
            .max();
        let owners: Vec<usize> = match deepest {
            Some(depth) => event_paths
                .iter()
                .enumerate()
                .filter(|(_, path)| {
                    path.as_ref()
                        .is_some_and(|p| p.0.len() == depth && item.node.starts_with(p))
                })
                .map(|(index, _)| index)
                .collect(),
            None => Vec::new(),
        };
        if owners.is_empty() {
            for event in events.iter_mut() {
                event.data_types.push(item.data_type.clone());
            }
            request.push(RequestDataType {
                data_type: item.data_type,
                event: None,
            });
        } else {
            for &owner in &owners {
                events[owner].data_types.push(item.data_type.clone());
                request.push(RequestDataType {
                    data_type: item.data_type.clone(),
                    event: Some(owner),
                });
            }
        }
    }
    for event in events.iter_mut() {
        dedupe_data_types(&mut event.data_types);
    }
    dedupe_request_data_types(&mut request);
    request
}

/// One entry per (kind, field, value, owner), the strongest confidence kept.
fn dedupe_request_data_types(types: &mut Vec<RequestDataType>) {
    let mut kept: Vec<RequestDataType> = Vec::with_capacity(types.len());
    let mut index: std::collections::HashMap<(String, String, String, Option<usize>), usize> =
        std::collections::HashMap::new();
    for item in types.drain(..) {
        let key = (
            item.data_type.kind.clone(),
            item.data_type.field.clone(),
            item.data_type.value.clone(),
            item.event,
        );
        match index.get(&key) {
            Some(&at) => {
                let confidence = item.data_type.confidence.min(kept[at].data_type.confidence);
                kept[at].data_type.confidence = confidence;
            }
            None => {
                index.insert(key, kept.len());
                kept.push(item);
            }
        }
    }
    *types = kept;
}

/// Every tracker id an event or request can carry (`events --tracker`).
pub fn tracker_ids() -> Vec<&'static str> {
    let mut ids = trackers::ids();
    for id in endpoints::tracker_ids() {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// The decoded layer tree of `exchange` (request and response), before
/// trackers read it.
pub fn decode_exchange_tree(exchange: &Exchange) -> Tree {
    let mut runner = Runner::new(DECODERS);
    if !exchange.query().is_empty() {
        runner.add_root(Root {
            decoder: "url",
            step: "url".to_string(),
            summary: "request URL".to_string(),
            content: exchange.url.as_bytes(),
            origin: Origin::Url,
            content_type: None,
            content_encoding: None,
            keep_only_if_decoded: false,
            expand: true,
        });
    }
    let grpc_request = grpc_messages(exchange.request_header("content-type"), &exchange.request_body);
    match &grpc_request {
        Some(messages) => add_grpc_roots(
            &mut runner,
            "request-body",
            messages,
            exchange.request_header("grpc-encoding"),
        ),
        None => add_body_root(
            &mut runner,
            "request-body",
            &exchange.request_body,
            exchange.request_header("content-type"),
            {
                exchange
                    .request_body_original
                    .is_none()
                    .then(|| exchange.request_header("content-encoding"))
                    .flatten()
            },
        ),
    }
    add_header_roots(&mut runner, exchange);
    add_cookie_roots(&mut runner, exchange);
    add_websocket_roots(&mut runner, exchange);
    let grpc_response = grpc_messages(exchange.response_header("content-type"), &exchange.response_body);
    match &grpc_response {
        Some(messages) => add_grpc_roots(
            &mut runner,
            "response-body",
            messages,
            exchange.response_header("grpc-encoding"),
        ),
        None => add_body_root(
            &mut runner,
            "response-body",
            &exchange.response_body,
            exchange.response_header("content-type"),
            {
                exchange
                    .response_body_original
                    .is_none()
                    .then(|| exchange.response_header("content-encoding"))
                    .flatten()
            },
        ),
    }
    runner.into_tree()
}

/// Adds a body root; `pending_encoding` is a `Content-Encoding` the importer
/// has not undone (no `*_body_original` was kept).
fn add_body_root(
    runner: &mut Runner<'_>,
    name: &'static str,
    body: &[u8],
    content_type: Option<&str>,
    pending_encoding: Option<&str>,
) {
    if body.is_empty() {
        return;
    }
    // Media files hold no telemetry; keep them as a root without decoding.
    let is_media = content_type.is_some_and(|declared| {
        let lower = declared.trim().to_ascii_lowercase();
        MEDIA_TYPE_PREFIXES.iter().any(|prefix| lower.starts_with(prefix))
    });
    let noun = name.replace('-', " ");
    runner.add_root(Root {
        decoder: name,
        step: name.to_string(),
        summary: format!("{noun}, {} bytes", body.len()),
        content: body,
        origin: Origin::Body,
        content_type,
        content_encoding: pending_encoding,
        keep_only_if_decoded: false,
        expand: !is_media,
    });
}

/// The length-prefixed messages of a gRPC body (`application/grpc…`):
/// (compressed flag, message bytes); `None` when the body is not gRPC or
/// its framing does not add up.
fn grpc_messages<'b>(content_type: Option<&str>, body: &'b [u8]) -> Option<Vec<(bool, &'b [u8])>> {
    let declared = content_type.is_some_and(|t| t.trim().to_ascii_lowercase().starts_with("application/grpc"));
    if !declared || body.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    let mut at = 0;
    while at < body.len() {
        let header = body.get(at..at + 5)?;
        let len = usize::try_from(u32::from_be_bytes([header[1], header[2], header[3], header[4]])).ok()?;
        let message = body.get(at + 5..at + 5 + len)?;
        out.push((header[0] & 1 == 1, message));
        at += 5 + len;
    }
    Some(out)
}

fn add_grpc_roots(runner: &mut Runner<'_>, side: &'static str, messages: &[(bool, &[u8])], encoding: Option<&str>) {
    for (index, (compressed, message)) in messages.iter().enumerate() {
        runner.add_root(Root {
            decoder: side,
            step: format!("grpc[{index}]"),
            summary: format!("gRPC message {index}, {} bytes", message.len()),
            content: message,
            origin: Origin::Body,
            content_type: Some("application/x-protobuf"),
            content_encoding: if *compressed {
                Some(encoding.unwrap_or("gzip"))
            } else {
                None
            },
            keep_only_if_decoded: false,
            expand: true,
        });
    }
}

/// One root per WebSocket message; what the app sent is request side.
fn add_websocket_roots(runner: &mut Runner<'_>, exchange: &Exchange) {
    for (index, message) in exchange.websocket_messages.iter().enumerate() {
        if message.payload.is_empty() {
            continue;
        }
        let (decoder, direction) = if message.from_client {
            ("websocket-sent", "client → server")
        } else {
            ("websocket-received", "server → client")
        };
        let kind = if message.text { "text" } else { "binary" };
        runner.add_root(Root {
            decoder,
            step: format!("websocket[{index}]"),
            summary: format!(
                "WebSocket message {index}, {direction}, {kind}, {} bytes",
                message.payload.len()
            ),
            content: &message.payload,
            origin: Origin::Body,
            content_type: None,
            content_encoding: None,
            keep_only_if_decoded: false,
            expand: true,
        });
    }
}

fn add_header_roots(runner: &mut Runner<'_>, exchange: &Exchange) {
    for (name, value) in &exchange.request_headers {
        let lower = name.to_ascii_lowercase();
        if ORDINARY_HEADERS.contains(&lower.as_str()) || lower.starts_with("sec-") || lower.starts_with(':') {
            continue;
        }
        runner.add_root(Root {
            decoder: "header",
            step: format!("header:{name}"),
            summary: format!("request header `{name}`"),
            content: value.as_bytes(),
            origin: Origin::Header,
            content_type: None,
            content_encoding: None,
            keep_only_if_decoded: true,
            expand: true,
        });
    }
}

/// Cookie values that decode (base64 JSON id lists, JSON), as `cookie:<name>`
/// roots kept only when something decodes from them.
fn add_cookie_roots(runner: &mut Runner<'_>, exchange: &Exchange) {
    for (name, value) in &exchange.request_headers {
        if !name.eq_ignore_ascii_case("cookie") {
            continue;
        }
        for cookie in value.split(';') {
            let Some((cookie_name, cookie_value)) = cookie.split_once('=') else {
                continue;
            };
            let (cookie_name, cookie_value) = (cookie_name.trim(), cookie_value.trim());
            if cookie_name.is_empty() || cookie_value.len() < MIN_DECODED_COOKIE_CHARS {
                continue;
            }
            runner.add_root(Root {
                decoder: "cookie",
                step: format!("cookie:{cookie_name}"),
                summary: format!("cookie `{cookie_name}`"),
                content: cookie_value.as_bytes(),
                origin: Origin::Header,
                content_type: None,
                content_encoding: None,
                keep_only_if_decoded: true,
                expand: true,
            });
        }
    }
}

/// Shortest cookie value tried as an encoding (ids and flags are shorter).
const MIN_DECODED_COOKIE_CHARS: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_that_hold_encodings_are_decoded() {
        // Prebid Server's `uids` cookie: base64 of JSON.
        let uids = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            br#"{"uids":{"adnxs":"7d5a6fd0d53a566b"},"tempUIDs":{}}"#,
        );
        let exchange = Exchange {
            method: "POST".into(),
            url: "https://prebid-server.rubiconproject.com/openrtb2/auction".into(),
            request_headers: vec![("Cookie".into(), format!("uids={uids}; khaos=JPTRA6EU-1L-3MWV"))],
            ..Default::default()
        };
        let decoded = decode_exchange(&exchange);
        let steps: Vec<&str> = decoded.layers.iter().map(|l| l.step.as_str()).collect();
        assert_eq!(steps, ["cookie:uids", "base64"]);
        let tree = decode_exchange_tree(&exchange);
        let document = Document::build(&exchange, &tree);
        let leaves: Vec<String> = document
            .leaves()
            .iter()
            .map(|l| format!("{}={}", l.path, l.value))
            .collect();
        assert!(
            leaves.contains(&"cookie.uids.uids.adnxs=7d5a6fd0d53a566b".to_string()),
            "{leaves:?}"
        );
        assert!(
            leaves.contains(&"cookie.khaos=JPTRA6EU-1L-3MWV".to_string()),
            "{leaves:?}"
        );
    }

    #[test]
    fn ordinary_headers_are_skipped_and_data_headers_decoded() {
        let exchange = Exchange {
            method: "GET".into(),
            url: "https://t.example.net/p".into(),
            request_headers: vec![
                ("User-Agent".into(), "eyJldmVudCI6IiRBcHBTdGFydCJ9".into()),
                ("X-Tracking".into(), "eyJldmVudCI6IiRBcHBTdGFydCJ9".into()),
                ("X-Plain".into(), "hello".into()),
            ],
            ..Default::default()
        };
        let decoded = decode_exchange(&exchange);
        let steps: Vec<&str> = decoded.layers.iter().map(|l| l.step.as_str()).collect();
        assert_eq!(steps, ["header:X-Tracking", "base64"]);
    }

    #[test]
    fn media_bodies_are_kept_but_not_decoded() {
        let exchange = Exchange {
            method: "GET".into(),
            url: "https://h/logo".into(),
            response_headers: vec![("Content-Type".into(), "image/png".into())],
            response_body: b"{\"looks\":\"like json\"}".to_vec(),
            ..Default::default()
        };
        let decoded = decode_exchange(&exchange);
        assert_eq!(decoded.layers.len(), 1);
        assert_eq!(decoded.layers[0].summary, "response body, 21 bytes");
    }

    #[test]
    fn empty_exchange_has_no_layers() {
        assert_eq!(decode_exchange(&Exchange::default()), Decoded::default());
    }

    #[test]
    fn pending_content_encoding_is_undone() {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut encoder, b"{\"ok\":true}").expect("write to Vec");
        let exchange = Exchange {
            method: "GET".into(),
            url: "https://h/".into(),
            response_headers: vec![("Content-Encoding".into(), "gzip".into())],
            response_body: encoder.finish().expect("finish gzip"),
            ..Default::default()
        };
        let decoded = decode_exchange(&exchange);
        assert_eq!(decoded.layers[1].step, "gzip");
        assert_eq!(
            decoded.layers[1].summary,
            format!(
                "gzip {} → 11 bytes · JSON object with 1 keys",
                exchange.response_body.len()
            )
        );
    }

    #[test]
    fn grpc_messages_become_protobuf_layers() {
        // Two length-prefixed messages: field 1 = "hi", field 2 = 150.
        let message = [0x0A, 0x02, b'h', b'i', 0x10, 0x96, 0x01];
        let mut body = Vec::new();
        for _ in 0..2 {
            body.push(0);
            body.extend_from_slice(&u32::try_from(message.len()).expect("short").to_be_bytes());
            body.extend_from_slice(&message);
        }
        let exchange = Exchange {
            method: "POST".into(),
            url: "https://h/pkg.Service/Method".into(),
            request_headers: vec![("content-type".into(), "application/grpc".into())],
            request_body: body,
            ..Default::default()
        };
        let decoded = decode_exchange(&exchange);
        let steps: Vec<&str> = decoded.layers.iter().map(|l| l.step.as_str()).collect();
        assert_eq!(steps, ["grpc[0]", "protobuf", "grpc[1]", "protobuf"]);
    }

    #[test]
    fn websocket_messages_are_roots_and_only_sent_ones_make_events() {
        let message = |from_client: bool, text: &str| crate::model::WebSocketMessage {
            from_client,
            time_micros: Some(1),
            text: true,
            payload: text.as_bytes().to_vec(),
            note: None,
        };
        let exchange = Exchange {
            method: "GET".into(),
            url: "wss://h/socket".into(),
            transport: Some("tls1.3 aes-128-gcm".into()),
            websocket_messages: vec![
                message(true, r#"{"event":"search","time":1588000000000,"q":"canary"}"#),
                message(false, r#"{"event":"ack","time":1588000000001}"#),
            ],
            ..Default::default()
        };
        let decoded = decode_exchange(&exchange);
        let roots: Vec<(&str, &str)> = decoded
            .layers
            .iter()
            .filter(|l| l.parent.is_none())
            .map(|l| (l.decoder.as_str(), l.step.as_str()))
            .collect();
        assert_eq!(
            roots,
            [
                ("websocket-sent", "websocket[0]"),
                ("websocket-received", "websocket[1]")
            ]
        );
        assert_eq!(decoded.events.len(), 1);
        assert_eq!(decoded.events[0].name, "search");
        assert_eq!(decoded.events[0].decode_path, "tls1.3 aes-128-gcm › websocket[0]");
    }
}
