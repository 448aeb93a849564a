//! Decoding engine: turns one exchange into a tree of layers and the
//! telemetry events found in them.
//!
//! Layer decoders (one file each, see [`layer_decoder`]) are applied
//! recursively by [`runner`] to four kinds of roots: the URL query (`url`),
//! the request body (`request-body`), the response body (`response-body`) and
//! request headers that are not ordinary HTTP headers (`header:<name>`, kept
//! only when something decodes from them). Tracker decoders (one file per
//! SDK in [`trackers`]) then read events from the request side of the tree.
//!
//! Promises: never panics and never fails — problems become layer notes;
//! memory and time are bounded by [`limits`] (depth ≤ 16, ≤ 64 MiB output per
//! step, ≤ 256 MiB per exchange, ≤ 1000:1 expansion beyond 1 MiB, ≤ 1 MiB
//! stored per layer). Each payload is decoded once; trackers reuse the tree.

mod b64;
mod compressed;
mod form;
mod json;
pub mod json_value;
pub mod layer_decoder;
pub mod limits;
mod lines;
mod multipart;
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
use crate::model::{Decoded, Exchange};
use layer_decoder::{LayerDecoder, Origin};
use runner::{Root, Runner};

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
    &form::FormDecoder,
    &protobuf::ProtobufDecoder,
    &b64::Base64Decoder,
];

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

/// Decodes every layer of `exchange` and the telemetry events inside.
pub fn decode_exchange(exchange: &Exchange) -> Decoded {
    let mut tree = layer_tree(exchange);
    let (events, tracker) = trackers::detect(exchange, &mut tree);
    Decoded {
        layers: tree.into_layers(),
        events,
        tracker,
    }
}

/// The layer tree of `exchange` before any tracker decoder has read it (the
/// fuzz targets drive each tracker decoder alone on it).
pub fn layer_tree(exchange: &Exchange) -> tree::Tree {
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
    add_body_root(
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
    );
    add_header_roots(&mut runner, exchange);
    add_body_root(
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
    );
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
