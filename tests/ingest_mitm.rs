//! Importer tests: mitmproxy flow files, one per flow format version in
//! `tests/fixtures/mitm/`, cross-checked against the HAR files mitmproxy's
//! own savehar addon wrote for the same flows.

use crate::common::{fixture, import_fixture};
use base64::Engine as _;
use telltale::ingest::{ImportError, ImportSummary, VecSink};
use telltale::model::{Exchange, parse_rfc3339_micros};

fn import(name: &str) -> (VecSink, ImportSummary) {
    let (sink, summary, format) = import_fixture(&format!("mitm/{name}"));
    assert_eq!(format, "mitmproxy", "{name} sniffed as mitmproxy");
    assert!(sink.warnings.is_empty(), "{name}: {:?}", sink.warnings);
    (sink, summary)
}

fn skipped(summary: &ImportSummary) -> Vec<(&str, u64)> {
    summary.skipped.iter().map(|(what, n)| (what.as_str(), *n)).collect()
}

fn urls(sink: &VecSink) -> Vec<&str> {
    sink.exchanges.iter().map(|e| e.url.as_str()).collect()
}

/// Method, URL, status, decoded response body length and server IP.
fn summary_of(ex: &Exchange) -> (&str, &str, Option<u16>, usize, Option<&str>) {
    (
        ex.method.as_str(),
        ex.url.as_str(),
        ex.status,
        ex.response_body.len(),
        ex.server_ip.as_deref(),
    )
}

#[test]
fn dumpfile_010_is_too_old() {
    let path = fixture("mitm/mitmproxy__dumpfile-010.mitm");
    let bytes = std::fs::read(&path).expect("read fixture");
    let result = telltale::ingest::import_to_vec("dumpfile-010.mitm", Some(&path), &bytes);
    match result {
        Err(
            err @ ImportError::Unsupported {
                format: "mitmproxy", ..
            },
        ) => assert_eq!(
            err.to_string(),
            "unsupported mitmproxy file: flow format 0.10 is too old (mitmproxy 0.11 or newer is needed)"
        ),
        other => panic!(
            "expected Unsupported, got {:?}",
            other.map(|(sink, ..)| sink.exchanges.len())
        ),
    }
}

#[test]
fn dumpfile_011_python2_byte_strings() {
    let (sink, summary) = import("mitmproxy__dumpfile-011.mitm");
    assert_eq!((sink.exchanges.len(), skipped(&summary)), (1, vec![]));
    let ex = &sink.exchanges[0];
    // 0.11 recorded only the hostname it dialled, so there is no server IP.
    assert_eq!(summary_of(ex), ("GET", "https://example.com/", Some(200), 1270, None));
    assert_eq!(ex.http_version, "HTTP/1.1");
    assert_eq!(ex.client_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(ex.time_micros, 1_469_208_634_706_000);
    assert_eq!(ex.duration_micros, Some(91_000));
    assert_eq!(ex.request_header("user-agent"), Some("curl/7.46.0"));
}

#[test]
fn dumpfile_018_nested_ip_address() {
    let (sink, summary) = import("mitmproxy__dumpfile-018.mitm");
    assert_eq!((sink.exchanges.len(), skipped(&summary)), (1, vec![]));
    let ex = &sink.exchanges[0];
    assert_eq!(
        summary_of(ex),
        (
            "GET",
            "https://www.example.com/",
            Some(200),
            1270,
            Some("93.184.216.34")
        )
    );
    assert_eq!((ex.server_port, ex.port), (Some(443), Some(443)));
    // The response end time was not recorded in 0.18.
    assert_eq!(ex.duration_micros, None);
}

#[test]
fn dumpfile_019_format_7_http2_without_response() {
    let (sink, summary) = import("mitmproxy__dumpfile-019.mitm");
    assert_eq!((sink.exchanges.len(), skipped(&summary)), (1, vec![]));
    let ex = &sink.exchanges[0];
    assert_eq!(
        (ex.method.as_str(), ex.status, ex.http_version.as_str()),
        ("GET", None, "HTTP/2.0")
    );
    assert!(
        ex.url
            .starts_with("https://webrv.rtb-seller.com/webrv-at?width=400&height=300&page_url="),
        "{}",
        ex.url
    );
    assert_eq!(ex.url.len(), "https://webrv.rtb-seller.com".len() + 443);
    assert_eq!(ex.server_ip.as_deref(), Some("3.213.13.94"));
    assert_eq!(ex.client_ip.as_deref(), Some("::ffff:127.0.0.1"));
    assert_eq!(ex.notes, ["no response captured"]);
}

#[test]
fn dumpfile_10_hostname_is_not_an_ip() {
    let (sink, summary) = import("mitmproxy__dumpfile-10.mitm");
    assert_eq!((sink.exchanges.len(), skipped(&summary)), (1, vec![]));
    let ex = &sink.exchanges[0];
    assert_eq!(summary_of(ex), ("GET", "https://example.com/", None, 0, None));
    assert_eq!(ex.client_ip, None);
}

#[test]
fn dumpfile_19_format_20_http3() {
    let (sink, summary) = import("mitmproxy__dumpfile-19.mitm");
    assert_eq!((sink.exchanges.len(), skipped(&summary)), (1, vec![]));
    let ex = &sink.exchanges[0];
    assert_eq!(
        summary_of(ex),
        (
            "GET",
            "https://cloudflare-quic.com/",
            Some(200),
            125_959,
            Some("104.22.8.38")
        )
    );
    assert_eq!(ex.http_version, "HTTP/3");
    assert_eq!(ex.client_ip.as_deref(), Some("::1"));
    assert_eq!(ex.server_port, Some(443));
}

#[test]
fn dumpfile_7_websocket_flows_give_mitmproxys_six_http_flows() {
    // mitmproxy 11 reads this file as 6 HTTP flows: the 3 handshakes, and
    // each of the 3 format-7 websocket flows migrated onto a copy of its
    // handshake with the messages attached.
    let (sink, summary) = import("mitmproxy__dumpfile-7-websocket.mitm");
    assert!(skipped(&summary).is_empty(), "{:?}", summary.skipped);
    assert_eq!(
        urls(&sink),
        [
            "http://echo.websocket.org/?encoding=text",
            "http://echo.websocket.org/?encoding=text",
            "http://echo.websocket.org/?encoding=text",
            "https://echo.websocket.org/?encoding=text",
            "https://echo.websocket.org/?encoding=text",
            "https://echo.websocket.org/?encoding=text",
        ]
    );
    for ex in &sink.exchanges {
        assert_eq!(
            (ex.status, ex.server_ip.as_deref()),
            (Some(101), Some("174.129.224.73"))
        );
    }
    let counts: Vec<usize> = sink.exchanges.iter().map(|e| e.websocket_messages.len()).collect();
    assert_eq!(counts, [0, 2, 2, 0, 2, 0]);
    let first = &sink.exchanges[1].websocket_messages[0];
    assert!(first.text && first.from_client);
    assert_eq!(first.payload, b"Rock it with HTML5 WebSocket");
    assert!(first.time_micros.is_some_and(|t| t > 1_612_375_000_000_000));
    // Each message is a layer the decoders and the canary search see.
    let decoded = telltale::decode::decode_exchange(&sink.exchanges[1]);
    let steps: Vec<&str> = decoded
        .layers
        .iter()
        .filter(|l| l.parent.is_none())
        .map(|l| l.step.as_str())
        .collect();
    assert!(
        steps.contains(&"websocket[0]") && steps.contains(&"websocket[1]"),
        "{steps:?}"
    );
}

#[test]
fn dumpfile_7_format_11_two_flows() {
    let (sink, summary) = import("mitmproxy__dumpfile-7.mitm");
    assert_eq!((sink.exchanges.len(), skipped(&summary)), (2, vec![]));
    let first = summary_of(&sink.exchanges[0]);
    assert_eq!(
        first,
        ("GET", "http://example.com/", Some(200), 1256, Some("93.184.216.34"))
    );
    let second = summary_of(&sink.exchanges[1]);
    assert_eq!(
        second,
        ("GET", "https://example.com/", Some(200), 1256, Some("93.184.216.34"))
    );
    assert_eq!(sink.exchanges[1].http_version, "HTTP/2.0");
}

#[test]
fn corrupted_gzip_body_is_a_note_not_an_error() {
    let (sink, summary) = import("mitmproxy__flows__corrupted_gzip_body.mitm");
    assert_eq!((sink.exchanges.len(), skipped(&summary)), (1, vec![]));
    let ex = &sink.exchanges[0];
    assert_eq!(
        summary_of(ex),
        ("GET", "http://127.0.0.1:5000/", Some(200), 24, Some("127.0.0.1"))
    );
    assert_eq!(ex.server_port, Some(5000));
    assert_eq!(ex.response_body_original, None);
    assert!(ex.response_body.starts_with(&[0x1f, 0x8b]));
    assert!(
        ex.notes.iter().any(|n| n.starts_with("response body kept as captured")),
        "{:?}",
        ex.notes
    );
}

#[test]
fn diff_data_decodes_bodies_and_skips_tcp() {
    let (sink, summary) = import("mitmproxy__flows__diff_data.mitm");
    assert_eq!(skipped(&summary), [("tcp flows", 2)]);
    let bodies: Vec<usize> = sink.exchanges.iter().map(|e| e.response_body.len()).collect();
    // gzip 110 → 90, brotli 332 → 509, plain, gzip 409 → 429, plain.
    assert_eq!(bodies, [90, 509, 39_198, 429, 29]);
    let first = &sink.exchanges[0];
    assert_eq!(
        summary_of(first),
        (
            "POST",
            "https://jnn-pa.googleapis.com/$rpc/google.internal.waa.v1.Waa/GenerateIT",
            Some(200),
            90,
            Some("142.251.32.42")
        )
    );
    assert_eq!(first.response_body_original.as_ref().map(Vec::len), Some(110));
    let sync = &sink.exchanges[3];
    assert_eq!(
        (
            sync.request_body.len(),
            sync.request_body_original.as_ref().map(Vec::len)
        ),
        (5970, Some(2379))
    );
}

#[test]
fn error_log_connection_error_note() {
    let (sink, summary) = import("mitmproxy__flows__error_log.mitm");
    assert_eq!((sink.exchanges.len(), skipped(&summary)), (2, vec![]));
    let failed = &sink.exchanges[0];
    assert_eq!(summary_of(failed), ("GET", "http://163.com/", None, 0, None));
    assert_eq!(failed.notes[0], "no response captured");
    assert!(
        failed.notes[1].starts_with("connection error: Multiple exceptions: [Errno 60]"),
        "{:?}",
        failed.notes
    );
    let post = &sink.exchanges[1];
    assert_eq!(
        summary_of(post),
        ("POST", "https://httpbin.org/get", Some(405), 178, Some("100.26.90.23"))
    );
    assert_eq!(post.request_body, b"key1=value1&key2=value2");
}

#[test]
fn event_stream_uses_authority_not_dialled_ip() {
    let (sink, summary) = import("mitmproxy__flows__event_stream.mitm");
    assert_eq!((sink.exchanges.len(), skipped(&summary)), (2, vec![]));
    for ex in &sink.exchanges {
        assert_eq!(ex.host, "clientstream.launchdarkly.com");
        assert!(
            ex.url.starts_with("https://clientstream.launchdarkly.com/meval/"),
            "{}",
            ex.url
        );
        assert_eq!(
            (ex.status, ex.server_ip.as_deref(), ex.client_ip.as_deref()),
            (Some(200), Some("3.33.235.18"), Some("10.0.0.4"))
        );
    }
    // Streamed (SSE) bodies are not kept by mitmproxy: the flow says `content: None`.
    let not_recorded = "response body was not recorded by mitmproxy";
    assert_eq!(
        sink.exchanges[0].notes,
        [not_recorded, "connection error: stream reset by client (CANCEL)"]
    );
    assert_eq!(sink.exchanges[1].notes, [not_recorded]);
}

#[test]
fn incomplete_log_has_no_responses() {
    let (sink, summary) = import("mitmproxy__flows__incomplete_log.mitm");
    assert_eq!((sink.exchanges.len(), skipped(&summary)), (4, vec![]));
    let methods: Vec<&str> = sink.exchanges.iter().map(|e| e.method.as_str()).collect();
    assert_eq!(methods, ["GET", "GET", "POST", "POST"]);
    assert!(
        sink.exchanges
            .iter()
            .all(|e| e.status.is_none() && e.duration_micros.is_none())
    );
}

#[test]
fn successful_log_values() {
    let (sink, summary) = import("mitmproxy__flows__successful_log.mitm");
    assert_eq!((sink.exchanges.len(), skipped(&summary)), (2, vec![]));
    let first = &sink.exchanges[0];
    assert_eq!(
        summary_of(first),
        ("GET", "https://example.com/", Some(200), 1256, Some("93.184.216.34"))
    );
    assert_eq!(first.time_micros, 1_690_281_721_726_810);
    let post = &sink.exchanges[1];
    assert_eq!(
        summary_of(post),
        (
            "POST",
            "https://httpbin.org/post",
            Some(200),
            453,
            Some("54.211.216.104")
        )
    );
    assert_eq!(post.request_body.len(), 23);
}

#[test]
fn websocket_messages_on_http_flows_are_attached() {
    let (sink, summary) = import("mitmproxy__flows__websocket.mitm");
    assert_eq!(sink.exchanges.len(), 3);
    assert!(skipped(&summary).is_empty());
    let counts: Vec<usize> = sink.exchanges.iter().map(|e| e.websocket_messages.len()).collect();
    // The same messages mitmproxy's savehar wrote as `_webSocketMessages`.
    assert_eq!(counts, [1, 1, 3]);
    let sent = &sink.exchanges[2].websocket_messages[1];
    assert!(sent.from_client && sent.payload == b"foo");
    assert!(sink.exchanges.iter().all(|e| e.status == Some(101)));
    assert_eq!(sink.exchanges[1].url, "https://demo.piesocket.com/v3/channel_123");
}

#[test]
fn truncated_file_keeps_flows_and_warns() {
    let bytes = std::fs::read(fixture("mitm/mitmproxy__dumpfile-7.mitm")).expect("read fixture");
    let cut = &bytes[..bytes.len() - 100];
    let (sink, ..) = telltale::ingest::import_to_vec("cut.mitm", None, cut).expect("first flow survives");
    assert_eq!(sink.exchanges.len(), 1);
    assert_eq!(sink.warnings.len(), 1);
    assert!(sink.warnings[0].contains("at byte "), "{:?}", sink.warnings);
}

/// Every mitmproxy-savehar HAR lists the same requests as its flow file.
#[test]
fn savehar_oracle_agrees() {
    for name in [
        "corrupted_gzip_body",
        "diff_data",
        "error_log",
        "event_stream",
        "incomplete_log",
        "successful_log",
        "websocket",
    ] {
        let (sink, _) = import(&format!("mitmproxy__flows__{name}.mitm"));
        let har_path = fixture(&format!("mitm/mitmproxy-savehar__{name}.har"));
        let har: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&har_path).expect("read HAR")).expect("HAR is JSON");
        let entries = har["log"]["entries"].as_array().expect("entries");
        assert_eq!(entries.len(), sink.exchanges.len(), "{name}: entry count");
        for (entry, ex) in entries.iter().zip(&sink.exchanges) {
            assert_matches_har_entry(name, entry, ex);
        }
    }
}

fn assert_matches_har_entry(name: &str, entry: &serde_json::Value, ex: &Exchange) {
    assert_eq!(entry["request"]["url"].as_str(), Some(ex.url.as_str()), "{name}: url");
    assert_eq!(
        entry["request"]["method"].as_str(),
        Some(ex.method.as_str()),
        "{name}: method"
    );
    let har_status = entry["response"]["status"].as_u64().expect("status");
    assert_eq!(
        ex.status.map_or(0, u64::from),
        har_status,
        "{name}: status of {}",
        ex.url
    );
    assert_eq!(
        entry["serverIPAddress"].as_str(),
        ex.server_ip.as_deref(),
        "{name}: server IP of {}",
        ex.url
    );
    let har_start = entry["startedDateTime"]
        .as_str()
        .and_then(parse_rfc3339_micros)
        .expect("start time");
    assert!(
        (har_start - ex.time_micros).abs() <= 1,
        "{name}: start {har_start} vs {}",
        ex.time_micros
    );
    let content = &entry["response"]["content"];
    let text = content["text"].as_str().unwrap_or("");
    if content["encoding"].as_str() == Some("base64") {
        let decoded = base64::engine::general_purpose::STANDARD.decode(text).expect("base64");
        assert_eq!(decoded, ex.response_body, "{name}: body of {}", ex.url);
    } else {
        // savehar writes bodies that are not UTF-8 as Latin-1 text.
        let expected: String = match std::str::from_utf8(&ex.response_body) {
            Ok(utf8) => utf8.to_string(),
            Err(_) => ex.response_body.iter().map(|&b| char::from(b)).collect(),
        };
        assert_eq!(text, expected, "{name}: body of {}", ex.url);
    }
}
