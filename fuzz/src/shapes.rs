//! Turning arbitrary bytes into inputs for Telltale's entry points.
//!
//! Shared, file for file, by the cargo-fuzz targets (`fuzz/`) and the
//! property tests (`tests/fuzz_props.rs`): both must exercise the same
//! shapes, so a crash the fuzzer found stays covered in `cargo test`.
//! Only `telltale`, `base64` and `flate2` are used (both crates have them).

use base64::Engine as _;
use std::io::Write as _;
use telltale::ingest::{ExchangeSink, Flow, ImportError, ImportInput, Importer, VecSink};
use telltale::model::Exchange;

/// Runs one importer on `bytes` and checks what every importer promises:
/// no panic (the caller's harness sees that), an error message on one line,
/// and exchanges whose bodies stay under the content-decoding cap.
pub fn import_with(importer: &dyn Importer, bytes: &[u8]) {
    let mut sink = CheckingSink::default();
    let input = ImportInput::new("fuzz.input", None, bytes);
    if let Err(error) = importer.import(&input, &mut sink) {
        let message = error.to_string();
        assert!(!message.contains('\n'), "multi-line error: {message:?}");
    }
}

/// A sink that checks each exchange and decodes it, as the store would.
#[derive(Default)]
struct CheckingSink {
    inner: VecSink,
}

impl ExchangeSink for CheckingSink {
    fn exchange(&mut self, exchange: Exchange) -> Result<Flow, ImportError> {
        // A body whose Content-Encoding was undone stays under the cap.
        let cap = telltale::codec::MAX_CONTENT_DECODED_BYTES;
        if exchange.request_body_original.is_some() {
            assert!(exchange.request_body.len() <= cap, "request body over the cap");
        }
        if exchange.response_body_original.is_some() {
            assert!(exchange.response_body.len() <= cap, "response body over the cap");
        }
        // Keep memory flat over a long run: only the last exchange is kept.
        self.inner.exchanges.clear();
        self.inner.exchange(exchange)
    }
    fn warning(&mut self, message: String) {
        self.inner.warning(message);
    }
}

/// Where the layer-chain target puts its payload.
pub fn layer_exchange(data: &[u8]) -> Exchange {
    let (selector, payload) = match data.split_first() {
        Some((first, rest)) => (*first, rest),
        None => (0, data),
    };
    let content_types = [
        None,
        Some("application/json"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=XyZ"),
        Some("text/plain"),
        Some("application/x-protobuf"),
        Some("application/octet-stream"),
        Some("application/x-ndjson"),
    ];
    let encodings = [None, Some("gzip"), Some("br"), Some("zstd"), Some("deflate")];
    let content_type = content_types[usize::from(selector & 7)];
    let encoding = encodings[usize::from((selector >> 3) % 5)];
    let mut exchange = Exchange {
        method: "POST".into(),
        url: "https://collector.example.net/log".into(),
        host: "collector.example.net".into(),
        http_version: "HTTP/1.1".into(),
        ..Exchange::default()
    };
    if let Some(content_type) = content_type {
        exchange
            .request_headers
            .push(("Content-Type".into(), content_type.into()));
    }
    if let Some(encoding) = encoding {
        exchange
            .request_headers
            .push(("Content-Encoding".into(), encoding.into()));
    }
    match selector >> 6 {
        // The payload as a URL query string and a data header.
        0 => {
            let text = String::from_utf8_lossy(payload);
            exchange.url = format!("https://collector.example.net/log?{text}");
            exchange.request_headers.push(("X-Payload".into(), text.into_owned()));
        }
        // As the response body too.
        1 => {
            exchange.request_body = payload.to_vec();
            exchange.response_body = payload.to_vec();
            exchange.response_headers = exchange.request_headers.clone();
        }
        _ => exchange.request_body = payload.to_vec(),
    }
    exchange
}

/// The tracker decoders the trackers target drives, one per selector value.
pub const TRACKERS: &[&str] = &[
    "sensorsdata",
    "mixpanel",
    "ga",
    "ga4",
    "segment",
    "amplitude",
    "adjust",
    "firebase",
    "generic",
    "appsflyer",
    "growingio",
    "bytedance-applog",
    "tencent-mta",
    "umeng",
    "appmetrica",
];

/// How the payload is wrapped before it goes where the tracker looks.
fn wrap(how: u8, payload: &[u8]) -> Vec<u8> {
    match how % 4 {
        0 => payload.to_vec(),
        1 => base64::engine::general_purpose::STANDARD.encode(payload).into_bytes(),
        2 => gzip(payload),
        _ => base64::engine::general_purpose::STANDARD
            .encode(gzip(payload))
            .into_bytes(),
    }
}

fn gzip(payload: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(payload);
    encoder.finish().unwrap_or_default()
}

/// Percent-encodes everything but unreserved characters (a form value).
fn form_value(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An exchange shaped the way tracker `TRACKERS[selector % len]` expects,
/// with `payload` (wrapped by `how`) where that SDK puts its events.
pub fn tracker_exchange(selector: u8, how: u8, payload: &[u8]) -> (&'static str, Exchange) {
    let id = TRACKERS[usize::from(selector) % TRACKERS.len()];
    let wrapped = wrap(how, payload);
    let text = String::from_utf8_lossy(&wrapped).into_owned();
    let form = "application/x-www-form-urlencoded";
    let (url, body, content_type): (String, Vec<u8>, &str) = match id {
        "sensorsdata" => {
            let flag = if how % 4 >= 2 { "1" } else { "0" };
            let crc = telltale::decode::trackers::java_string_hash(&text);
            (
                "https://t.sensorsdata.cn/sa?project=default".into(),
                format!("crc={crc}&gzip={flag}&data_list={}", form_value(&wrapped)).into_bytes(),
                form,
            )
        }
        "mixpanel" => (
            format!("https://api.mixpanel.com/track?ip=1&data={}", form_value(&wrapped)),
            format!("data={}", form_value(&wrapped)).into_bytes(),
            form,
        ),
        "ga" => (
            format!("https://www.google-analytics.com/collect?{text}"),
            wrapped.clone(),
            "text/plain",
        ),
        "ga4" => (
            "https://www.google-analytics.com/g/collect?v=2&tid=G-FUZZ&cid=1.2&en=page_view".into(),
            wrapped.clone(),
            "text/plain",
        ),
        "segment" => (
            "https://api.segment.io/v1/batch".into(),
            wrapped.clone(),
            "application/json",
        ),
        "amplitude" => {
            if how & 4 == 0 {
                (
                    "https://api2.amplitude.com/2/httpapi".into(),
                    wrapped.clone(),
                    "application/json",
                )
            } else {
                (
                    "https://api.amplitude.com/".into(),
                    format!("v=2&client=k&e={}&upload_time=1", form_value(&wrapped)).into_bytes(),
                    form,
                )
            }
        }
        "adjust" => (
            "https://app.adjust.com/event".into(),
            format!(
                "app_token=abc&event_token=e1&created_at=2020-04-30T12%3A00%3A00.000Z%2B0000&partner_params={}",
                form_value(&wrapped)
            )
            .into_bytes(),
            form,
        ),
        "firebase" => (
            "https://app-measurement.com/a".into(),
            wrapped.clone(),
            "application/x-www-form-urlencoded",
        ),
        "appsflyer" => (
            "https://inapps.appsflyersdk.com/api/v6.12/androidevent?app_id=com.example.shop&buildnumber=6.12.2".into(),
            wrapped.clone(),
            "application/json",
        ),
        "growingio" => (
            "https://napi.growingio.com/v3/projects/91eaf9b283361032/collect?stm=1588248000000".into(),
            wrapped.clone(),
            "application/json",
        ),
        "bytedance-applog" => (
            "https://log.snssdk.com/service/2/app_log/?aid=10001&device_platform=android".into(),
            wrapped.clone(),
            "application/json",
        ),
        "tencent-mta" => (
            "http://pingma.qq.com:80/mstat/report".into(),
            wrapped.clone(),
            "application/octet-stream",
        ),
        "umeng" => (
            "https://ulogs.umeng.com/unify_logs".into(),
            wrapped.clone(),
            "application/octet-stream",
        ),
        "appmetrica" => (
            "https://report.appmetrica.yandex.net/report?deviceid=4f1d2c3b&uuid=0123456789abcdef&app_id=com.example.maps"
                .into(),
            wrapped.clone(),
            "application/x-protobuf",
        ),
        _ => (
            "https://logs.example.org/v1/events".into(),
            wrapped.clone(),
            "application/json",
        ),
    };
    let (_, host, port) = telltale::model::split_url(&url);
    let mut request_headers = vec![("Content-Type".to_string(), content_type.to_string())];
    if id == "tencent-mta" {
        // How MTA marks its encrypted bodies (see decode/trackers/tencent_mta.rs).
        request_headers.push(("Content-Encoding".into(), "rc4,gzip".into()));
    }
    let exchange = Exchange {
        method: "POST".into(),
        url,
        host,
        port,
        http_version: "HTTP/1.1".into(),
        request_headers,
        request_body: body,
        ..Exchange::default()
    };
    (id, exchange)
}

/// Runs tracker `id` alone on the layer tree of `exchange`, and checks that
/// every event points at a real layer.
pub fn run_tracker(id: &str, exchange: &Exchange) -> usize {
    let mut tree = telltale::decode::decode_exchange_tree(exchange);
    let Some(tracker) = telltale::decode::trackers::by_id(id) else {
        panic!("no tracker decoder `{id}`");
    };
    let events = tracker.events(exchange, &mut tree).unwrap_or_default();
    for event in &events {
        if let Some(layer) = event.layer {
            assert!(
                layer < tree.len(),
                "{id}: event points at layer {layer} of {}",
                tree.len()
            );
        }
        assert_eq!(event.tracker, id);
    }
    events.len()
}

/// Runs the whole layer chain and checks its promises: parents come before
/// children and stored content stays under the per-layer cap.
pub fn run_layers(exchange: &Exchange) -> usize {
    let decoded = telltale::decode::decode_exchange(exchange);
    for (index, layer) in decoded.layers.iter().enumerate() {
        if let Some(parent) = layer.parent {
            assert!(parent < index, "layer {index} has parent {parent}");
        }
        let stored = layer.text.as_ref().map_or(0, String::len) + layer.bytes.as_ref().map_or(0, Vec::len);
        assert!(
            stored <= telltale::decode::MAX_STORED_LAYER_BYTES,
            "layer {index} stores {stored} bytes"
        );
    }
    assert!(decoded.layers.len() <= telltale::decode::MAX_LAYERS);
    decoded.layers.len()
}
