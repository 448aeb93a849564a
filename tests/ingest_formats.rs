//! Fiddler `.saz` and Charles `.chlsj`/`.chlsx` importers against real
//! files (`tests/fixtures/saz/`, `tests/fixtures/charles/`, see SOURCES.md;
//! the counts are those of `../shared/fixtures/public/tls/expected.json`),
//! and the importer registry's description of itself.

use crate::common::import_fixture;
use telltale::ingest::{ImportError, formats, import_to_vec, readable_formats};

fn methods(exchanges: &[telltale::model::Exchange]) -> Vec<&str> {
    exchanges.iter().map(|e| e.method.as_str()).collect()
}

#[test]
fn fiddler_httpbin_sessions_with_decoded_bodies() {
    let (sink, _, format) = import_fixture("saz/joelverhagen__httpbin-test.saz");
    assert_eq!(format, "fiddler");
    assert_eq!(methods(&sink.exchanges), ["GET", "GET", "GET", "GET", "GET", "POST"]);
    let urls: Vec<&str> = sink.exchanges.iter().map(|e| e.url.as_str()).collect();
    assert_eq!(
        urls[..5],
        [
            "https://httpbin.org/get",
            "https://httpbin.org/stream/5",
            "https://httpbin.org/brotli",
            "https://httpbin.org/deflate",
            "https://httpbin.org/gzip"
        ]
    );
    // Chunked, brotli, deflate and gzip bodies all come out as JSON.
    let stream = &sink.exchanges[1];
    assert_eq!(String::from_utf8_lossy(&stream.response_body).lines().count(), 5);
    for (index, flag) in [(2, "brotli"), (3, "deflated"), (4, "gzipped")] {
        let body: serde_json::Value =
            serde_json::from_slice(&sink.exchanges[index].response_body).unwrap_or_else(|e| panic!("{flag}: {e}"));
        assert_eq!(body[flag], true, "{flag}");
        assert!(sink.exchanges[index].response_body_original.is_some());
    }
    let first = &sink.exchanges[0];
    assert_eq!(first.status, Some(200));
    assert!(
        first.time_micros > 1_756_000_000_000_000,
        "time from _m.xml: {}",
        first.time_micros
    );
    assert!(first.duration_micros.is_some_and(|d| d >= 0));
    assert!(first.server_ip.is_some() && first.client_ip.is_some());
    assert_eq!(sink.exchanges[5].request_body.len(), 75);
}

#[test]
fn fiddler_archives_without_metadata_with_tunnels_and_padded_ids() {
    let (sink, _, _) = import_fixture("saz/ludoviclefevre__multipleSessions.saz");
    assert_eq!(sink.exchanges.len(), 4);
    assert!(
        sink.exchanges
            .iter()
            .all(|e| e.url == "http://localhost:9000/test" && e.status == Some(200))
    );
    assert!(
        sink.exchanges[0]
            .notes
            .iter()
            .any(|n| n.contains("no session metadata"))
    );

    let (sink, _, _) = import_fixture("saz/fluxzy__minimal.saz");
    assert_eq!(methods(&sink.exchanges), ["POST", "CONNECT", "GET", "CONNECT", "GET"]);
    assert_eq!(sink.exchanges[1].url, "https://sandbox.smartizy.com:443");
    assert_eq!(
        sink.exchanges[4].url,
        "https://sandbox.smartizy.com:5001/content-produce/1035/1035"
    );
    assert_eq!(sink.exchanges[0].app_hint.as_deref(), Some("postman"));
    assert_eq!(sink.exchanges[0].server_ip.as_deref(), Some("164.132.227.11"));

    let (sink, _, _) = import_fixture("saz/dnafication__test.saz");
    assert_eq!(sink.exchanges.len(), 14);
    assert_eq!(sink.exchanges.iter().filter(|e| e.method == "CONNECT").count(), 11);
    assert_eq!(
        sink.exchanges[0].url,
        "https://www.fiddler2.com/UpdateCheck.aspx?isBeta=False"
    );
}

#[test]
fn not_a_saz_file_is_refused_naming_the_formats() {
    let path = crate::common::fixture("saz/ludoviclefevre__notASazFile.saz");
    let bytes = std::fs::read(&path).expect("fixture");
    let Err(error) = import_to_vec("notASazFile.saz", None, &bytes) else {
        panic!("a text file is no archive");
    };
    assert!(matches!(error, ImportError::UnknownFormat));
    let message = error.to_string();
    assert!(
        message.contains("Fiddler archive") && message.contains("Charles JSON session"),
        "{message}"
    );
}

#[test]
fn charles_json_connect_only_session() {
    let (sink, _, format) = import_fixture("charles/jhy1996911__session.chlsj");
    assert_eq!(format, "charles-json");
    assert_eq!(sink.exchanges.len(), 6);
    for exchange in &sink.exchanges {
        assert_eq!(exchange.method, "CONNECT");
        assert_eq!(exchange.url, "https://esop-api-test.tigerbrokers.net");
        assert_eq!(exchange.status, Some(200));
        assert_eq!(exchange.server_ip.as_deref(), Some("172.30.49.201"));
        assert!(
            exchange.request_body.is_empty(),
            "tunnel bytes are ciphertext, not evidence to decode"
        );
        assert!(
            exchange
                .notes
                .iter()
                .any(|n| n.starts_with("TLS tunnel that Charles did not decrypt"))
        );
        let decoded = telltale::decode::decode_exchange(exchange);
        assert!(decoded.events.is_empty());
    }
    assert_eq!(
        sink.exchanges[0].time_micros,
        telltale::model::parse_rfc3339_micros("2024-03-11T10:42:03.369+08:00").expect("time")
    );
}

#[test]
fn registry_describes_every_format() {
    let names: Vec<&str> = formats().iter().map(|f| f.name).collect();
    assert_eq!(
        names,
        [
            "pcap",
            "pcapng",
            "Fiddler archive",
            "mitmproxy flows",
            "Burp XML",
            "Charles XML session",
            "Charles JSON session",
            "HAR"
        ]
    );
    assert_eq!(
        readable_formats(),
        "pcap, pcapng, Fiddler archive, mitmproxy flows, Burp XML, Charles XML session, Charles JSON session or HAR"
    );
    let extensions = telltale::ingest::file_extensions();
    for ext in ["har", "pcapng", "saz", "chlsj", "chlsx", "mitm"] {
        assert!(extensions.contains(&ext), "{ext}");
    }
}

#[test]
fn content_encoding_is_undone_once_for_every_importer() {
    // A gzip body in a Charles XML file: the registry inflates it; a body
    // Charles stored decoded (with the header still there) is left alone.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, b"{\"event\":\"x\",\"time\":1588000000000}").expect("write");
    let gzipped = gz.finish().expect("gzip");
    let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &gzipped);
    let xml = format!(
        r#"<charles-session><transaction method="POST" protocol="https" host="h.example" path="/a" startTimeMillis="1">
<request><headers><header><name>Content-Encoding</name><value>gzip</value></header></headers><body encoding="base64">{b64}</body></request>
<response status="200"><headers><header><name>Content-Encoding</name><value>gzip</value></header></headers><body>plain already</body></response>
</transaction></charles-session>"#
    );
    let (sink, _, _) = import_to_vec("s.chlsx", None, xml.as_bytes()).expect("imports");
    let exchange = &sink.exchanges[0];
    assert_eq!(exchange.request_body, b"{\"event\":\"x\",\"time\":1588000000000}");
    assert_eq!(exchange.request_body_original.as_deref(), Some(gzipped.as_slice()));
    assert_eq!(exchange.response_body, b"plain already");
    assert!(exchange.response_body_original.is_none());
    assert!(
        exchange.notes.iter().all(|n| !n.contains("kept as captured")),
        "{:?}",
        exchange.notes
    );
}
