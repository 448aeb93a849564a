//! TLS, HTTP/2 and WebSocket inside pcap/pcapng: the captures in
//! `tests/fixtures/tls/` (see its SOURCES.md) against what tshark decrypts
//! and dissects with the same keys. The oracle's answers are written here
//! (and in `expected.json` for the public captures), so the tests need no
//! tshark; the ignored `tshark_oracle` test recomputes them.

use crate::common::fixture;
use telltale::ingest::{ImportSummary, KeyLog, VecSink, import_to_vec, import_to_vec_with_keys};
use telltale::model::Exchange;

fn read(relative: &str) -> Vec<u8> {
    let path = fixture(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Imports `capture` with the key log `keys` (a file in the same folder).
fn with_keys(capture: &str, keys: &str) -> (VecSink, ImportSummary) {
    let keylog = KeyLog::from_file(&read(&format!("tls/{keys}"))).expect("key log");
    let (sink, summary, _) =
        import_to_vec_with_keys(capture, &read(&format!("tls/{capture}")), &keylog).expect("imports");
    (sink, summary)
}

fn without_keys(capture: &str) -> (VecSink, ImportSummary) {
    let (sink, summary, _) = import_to_vec(capture, None, &read(&format!("tls/{capture}"))).expect("imports");
    (sink, summary)
}

/// (method, authority, path) of every request that is HTTP (not a TLS record).
fn requests(exchanges: &[Exchange]) -> Vec<(String, String, String)> {
    exchanges
        .iter()
        .filter(|e| e.method != "TLS")
        .map(|e| {
            let rest = e.url.split_once("://").map_or(e.url.as_str(), |(_, r)| r);
            let (authority, path) = rest.find('/').map_or((rest, "/"), |i| (&rest[..i], &rest[i..]));
            (e.method.clone(), authority.to_string(), path.to_string())
        })
        .collect()
}

fn owned(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    list.iter()
        .map(|(m, a, p)| ((*m).to_string(), (*a).to_string(), (*p).to_string()))
        .collect()
}

/// tshark's requests from `expected.json` for a public capture. tshark shows
/// no authority for HTTP/1.x requests without a Host header; Telltale then
/// names the server address, so only method and path are compared there.
fn expected(capture: &str) -> Vec<(String, Option<String>, String)> {
    let json: serde_json::Value = serde_json::from_slice(&read("tls/expected.json")).expect("expected.json");
    json["files"][format!("pcap/{capture}")]["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|r| {
            (
                r["method"].as_str().expect("method").to_string(),
                r["authority"].as_str().map(str::to_string),
                r["path"].as_str().expect("path").to_string(),
            )
        })
        .collect()
}

fn assert_matches_tshark(capture: &str, exchanges: &[Exchange]) {
    let mut ours = requests(exchanges);
    let mut theirs = expected(capture);
    ours.sort();
    theirs.sort_by(|a, b| (&a.0, &a.2).cmp(&(&b.0, &b.2)));
    assert_eq!(ours.len(), theirs.len(), "{capture}: {ours:?} vs tshark {theirs:?}");
    let mut ours_by_path: Vec<_> = ours.iter().map(|(m, a, p)| (m.clone(), p.clone(), a.clone())).collect();
    ours_by_path.sort();
    let mut theirs_by_path: Vec<_> = theirs
        .iter()
        .map(|(m, a, p)| (m.clone(), p.clone(), a.clone()))
        .collect();
    theirs_by_path.sort();
    for ((m, p, a), (tm, tp, ta)) in ours_by_path.iter().zip(&theirs_by_path) {
        assert_eq!((m, p), (tm, tp), "{capture}");
        if let Some(ta) = ta {
            assert_eq!(a, ta, "{capture}: authority of {m} {p}");
        }
    }
}

#[test]
fn tls12_dsb_keys_inside_the_capture_decrypt_both_connections() {
    let (sink, summary) = without_keys("wireshark__tls12-dsb.pcapng");
    assert_matches_tshark("wireshark__tls12-dsb.pcapng", &sink.exchanges);
    assert!(sink.exchanges.iter().all(|e| e.status == Some(200)));
    assert_eq!(
        sink.exchanges[0].transport.as_deref(),
        Some("tls1.2 aes-128-gcm"),
        "{:?}",
        sink.exchanges[0]
    );
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
}

#[test]
fn tls13_with_0rtt_early_data_and_resumption() {
    let (sink, _) = with_keys("wireshark__tls13-rfc8446.pcap", "wireshark__tls13-rfc8446.keys");
    assert_matches_tshark("wireshark__tls13-rfc8446.pcap", &sink.exchanges);
    let first = sink
        .exchanges
        .iter()
        .find(|e| e.url.ends_with("/first"))
        .expect("/first");
    assert!(
        String::from_utf8_lossy(&first.response_body).contains("Request for /first, version TLSv1.3"),
        "{:?}",
        String::from_utf8_lossy(&first.response_body)
    );
}

#[test]
fn http2_in_tls13_with_hpack_dynamic_table_across_streams() {
    let (sink, _) = with_keys("hotplace__http2.pcapng", "hotplace__http.sslkeylog");
    assert_matches_tshark("hotplace__http2.pcapng", &sink.exchanges);
    let http2: Vec<&Exchange> = sink.exchanges.iter().filter(|e| e.http_version == "HTTP/2").collect();
    assert_eq!(http2.len(), 5);
    assert!(http2.iter().all(|e| e.status.is_some()), "every stream answered");
    assert!(
        http2
            .iter()
            .filter_map(|e| e.transport.as_deref())
            .any(|t| t == "tls1.3 aes-128-gcm › http2 stream 3"),
        "{:?}",
        http2.iter().map(|e| &e.transport).collect::<Vec<_>>()
    );
    let json = http2.iter().find(|e| e.url.ends_with("/api/json")).expect("/api/json");
    assert!(serde_json::from_slice::<serde_json::Value>(&json.response_body).is_ok());
}

#[test]
fn tls12_chacha20_poly1305() {
    let capture = "hotplace__curl_http1_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256.pcapng";
    let (sink, _) = with_keys(capture, "hotplace__http.sslkeylog");
    assert_matches_tshark(capture, &sink.exchanges);
    assert_eq!(sink.exchanges[0].transport.as_deref(), Some("tls1.2 chacha20-poly1305"));
}

#[test]
fn tls12_many_cipher_suites_decrypt_and_the_rest_are_named() {
    let (sink, summary) = without_keys("lbirchler__dsb-dump.pcapng");
    let decrypted = requests(&sink.exchanges);
    // tshark decrypts 70 of the 73 handshakes, and so does Telltale
    // (AES-GCM/CBC, Camellia, SEED, 3DES, DES, DES40 export, IDEA, RC4 with
    // any key exchange; OpenSSL 1.0 also DEFLATE-compressed these records).
    // The 3 that tshark cannot decrypt either (0x0003, 0x0004, 0x0006) start
    // with an SSLv2 hello, so no key log line fits them.
    assert_eq!(decrypted.len(), 70, "{decrypted:?}");
    assert!(decrypted.iter().all(|(m, _, p)| m == "GET" && p == "/"));
    let unsupported: Vec<&str> = summary
        .skipped
        .iter()
        .filter(|(what, _)| what.contains("is not one Telltale decrypts"))
        .map(|(what, _)| what.as_str())
        .collect();
    assert_eq!(unsupported, Vec::<&str>::new());
    let transports: std::collections::BTreeSet<&str> =
        sink.exchanges.iter().filter_map(|e| e.transport.as_deref()).collect();
    for expected in [
        "tls1.2 rc4-128-sha",
        "tls1.2 3des-ede-cbc-sha",
        "tls1.2 camellia-256-cbc-sha",
        "tls1.2 idea-cbc-sha",
        "tls1.2 seed-cbc-sha",
        "tls1.2 des40-cbc-sha",
    ] {
        assert!(transports.contains(expected), "{expected} in {transports:?}");
    }
}

#[test]
fn http2_draft_16_alpn_and_goaway() {
    let (sink, _) = with_keys("lekensteyn__http2-16-ssl.pcapng", "lekensteyn__http2-16-ssl.keys");
    assert_matches_tshark("lekensteyn__http2-16-ssl.pcapng", &sink.exchanges);
    assert_eq!(sink.exchanges[0].http_version, "HTTP/2");
}

#[test]
fn chunked_response_over_many_records_and_segments() {
    let (sink, _) = with_keys(
        "lekensteyn__http-chunked-ssl.pcapng",
        "lekensteyn__http-chunked-ssl.keys",
    );
    assert_matches_tshark("lekensteyn__http-chunked-ssl.pcapng", &sink.exchanges);
    let exchange = &sink.exchanges[0];
    assert_eq!(exchange.status, Some(200));
    assert!(!exchange.response_body.is_empty());
    assert!(
        exchange.notes.iter().all(|n| !n.contains("failed authentication")),
        "{:?}",
        exchange.notes
    );
}

#[test]
fn tls12_and_tls13_aes256_sha384_suites() {
    let (sink, _) = with_keys("scapy__tls_nss_example.pcap", "scapy__tls_nss_example.keys.txt");
    assert_matches_tshark("scapy__tls_nss_example.pcap", &sink.exchanges);
    let transports: Vec<&str> = sink.exchanges.iter().filter_map(|e| e.transport.as_deref()).collect();
    assert!(transports.contains(&"tls1.2 aes-256-gcm"), "{transports:?}");
    assert!(transports.contains(&"tls1.3 aes-256-gcm"), "{transports:?}");
    // OpenSSL s_server -WWW answers with the PEM file it was asked for.
    assert!(
        sink.exchanges
            .iter()
            .any(|e| e.response_body.windows(10).any(|w| w == b"-----BEGIN"))
    );
}

#[test]
fn tls12_aes256_gcm_firefox_to_heise() {
    let (sink, _) = with_keys("zeek__tls12-decryption.pcap", "zeek__tls12-decryption.keys");
    assert_matches_tshark("zeek__tls12-decryption.pcap", &sink.exchanges);
    assert_eq!(sink.exchanges[0].status, Some(301));
}

#[test]
fn tls13_chacha20_that_is_not_http_keeps_its_plaintext() {
    let capture = "snet__TLS1_3_TLS_CHACHA20_POLY1305_SHA256.pcap";
    let (sink, summary) = with_keys(capture, "snet__TLS1_3_TLS_CHACHA20_POLY1305_SHA256.txt");
    assert_eq!(sink.exchanges.len(), 1);
    let record = &sink.exchanges[0];
    assert_eq!(record.method, "TLS");
    assert_eq!(record.transport.as_deref(), Some("tls1.3 chacha20-poly1305"));
    assert!(record.request_body.len() > 256 && record.request_body.iter().all(|b| *b == b'A' || *b == b'\n'));
    assert!(
        summary
            .skipped
            .iter()
            .any(|(w, n)| w.contains("not carrying HTTP") && *n == 1)
    );
}

#[test]
fn without_keys_the_connections_are_listed_by_server_name() {
    let (sink, summary) = without_keys("telltale__h2-tls13-aes128.pcap");
    assert_eq!(sink.exchanges.len(), 2, "one record per TLS connection");
    for record in &sink.exchanges {
        assert_eq!(record.method, "TLS");
        assert_eq!(record.host, "telemetry.example.test");
        assert_eq!(record.url, "https://telemetry.example.test:18443/");
        assert!(
            record
                .notes
                .iter()
                .any(|n| n.contains("no key: give the key log with --keylog"))
        );
    }
    assert_eq!(
        summary.skipped,
        vec![(
            "TLS connections to telemetry.example.test, no key: give the key log with --keylog".to_string(),
            2
        )]
    );
}

#[test]
fn rsa_key_exchange_without_a_key_log_is_a_record_and_the_cleartext_request_stays() {
    let (sink, _) = without_keys("gowireshark__https.pcapng");
    let plain = requests(&sink.exchanges);
    assert_eq!(owned(&[("GET", "connectivity-check.ubuntu.com", "/")]), plain);
    assert!(
        sink.exchanges
            .iter()
            .any(|e| e.method == "TLS" && e.server_port == Some(443))
    );
}

/// Loopback captures made for Telltale (SOURCES.md says how); the expected
/// lists are tshark 4.0's with the same key logs.
#[test]
fn loopback_http2_tls13_aes128_matches_tshark() {
    let (sink, _) = with_keys("telltale__h2-tls13-aes128.pcap", "telltale__h2-tls13-aes128.keys");
    assert_eq!(
        requests(&sink.exchanges),
        owned(&[
            ("POST", "telemetry.example.test:18443", "/v1/track?uid=42"),
            (
                "GET",
                "telemetry.example.test:18443",
                "/collect?v=2&en=page_view&dl=https%3A%2F%2Fexample.org%2F"
            ),
            ("GET", "telemetry.example.test:18443", "/favicon.ico"),
        ])
    );
    let post = &sink.exchanges[0];
    assert_eq!(post.status, Some(200));
    assert_eq!(post.response_body, b"{\"ok\":true}");
    // The decoders run on the decrypted body, and the evidence path shows the TLS layer.
    let decoded = telltale::decode::decode_exchange(post);
    let event = decoded.events.first().expect("the generic decoder finds the event");
    assert_eq!(event.name, "search");
    assert_eq!(event.decode_path, "tls1.3 aes-128-gcm › http2 stream 1 › request-body");
    assert!(
        event
            .fields
            .iter()
            .any(|(k, v)| k == "properties.query" && v == "canary-h2-tls13")
    );
}

#[test]
fn loopback_tls12_cbc_suites_match_tshark_with_keylog_and_with_dsb() {
    let expected = owned(&[
        ("GET", "telemetry.example.test:18443", "/a?canary=cbc-sha256"),
        ("POST", "telemetry.example.test:18443", "/b"),
        ("GET", "telemetry.example.test:18443", "/c"),
    ]);
    let (keylog, _) = with_keys("telltale__h1-tls12-cbc.pcap", "telltale__h1-tls12-cbc.keys");
    assert_eq!(requests(&keylog.exchanges), expected);
    let transports: Vec<&str> = keylog.exchanges.iter().filter_map(|e| e.transport.as_deref()).collect();
    assert_eq!(
        transports,
        [
            "tls1.2 aes-128-cbc-sha256",
            "tls1.2 aes-128-cbc-sha",
            "tls1.2 aes-256-cbc-sha384"
        ]
    );
    assert_eq!(keylog.exchanges[1].request_body, b"data=eyJldmVudCI6ImNsaWNrIn0%3D");
    let (dsb, _) = without_keys("telltale__h1-tls12-cbc-dsb.pcapng");
    assert_eq!(requests(&dsb.exchanges), expected);
}

#[test]
fn loopback_chacha20_in_tls12_and_tls13_and_aes256_with_gzip() {
    let (sink, _) = with_keys("telltale__mixed-chacha.pcap", "telltale__mixed-chacha.keys");
    assert_eq!(
        requests(&sink.exchanges),
        owned(&[
            ("GET", "telemetry.example.test:18443", "/chacha12"),
            ("GET", "telemetry.example.test:18443", "/chacha13"),
            ("GET", "telemetry.example.test:18443", "/aes256"),
        ])
    );
    let transports: Vec<&str> = sink.exchanges.iter().filter_map(|e| e.transport.as_deref()).collect();
    assert_eq!(
        transports,
        [
            "tls1.2 chacha20-poly1305",
            "tls1.3 chacha20-poly1305 › http2 stream 1",
            "tls1.3 aes-256-gcm › http2 stream 1"
        ]
    );
}

#[test]
fn h2c_prior_knowledge_with_continuation_and_padding() {
    let (sink, _) = without_keys("telltale__h2c.pcap");
    assert_eq!(
        requests(&sink.exchanges),
        owned(&[
            ("POST", "127.0.0.1:18080", "/v1/events"),
            ("GET", "127.0.0.1:18080", "/two?x=1"),
            ("GET", "127.0.0.1:18080", "/three"),
        ])
    );
    let post = &sink.exchanges[0];
    assert!(post.request_body.starts_with(b"{\"event\": \"screen_view\""));
    let two = &sink.exchanges[1];
    assert_eq!(
        two.request_headers.len(),
        120,
        "the header block continued in a CONTINUATION frame"
    );
    let decoded = telltale::decode::decode_exchange(post);
    assert_eq!(decoded.events.len(), 1);
    assert_eq!(decoded.events[0].decode_path, "http2 stream 1 › request-body");
}

#[test]
fn h2c_upgrade_answers_the_upgrade_request_on_stream_1() {
    let (sink, _) = without_keys("scapy__http2_h2c.pcap");
    assert_matches_tshark("scapy__http2_h2c.pcap", &sink.exchanges);
    let robots = sink
        .exchanges
        .iter()
        .find(|e| e.url.ends_with("/robots.txt"))
        .expect("robots");
    assert_eq!(robots.http_version, "HTTP/1.1");
    assert_eq!(robots.status, Some(200));
    assert!(robots.notes.iter().any(|n| n.contains("Upgrade: h2c")));
    let humans = sink
        .exchanges
        .iter()
        .find(|e| e.url.ends_with("/humans.txt"))
        .expect("humans");
    assert_eq!(humans.http_version, "HTTP/2");
    // tshark: stream 1 answers 200, stream 3 answers 404.
    assert_eq!(humans.status, Some(404));
}

#[test]
fn websocket_frames_after_upgrade_become_messages() {
    // tshark: 14 frames (12 binary, 2 close) in one connection.
    let (sink, _) = without_keys("zeek__jupyter-websocket.pcap");
    assert_eq!(sink.exchanges.len(), 1);
    let handshake = &sink.exchanges[0];
    assert_eq!(handshake.status, Some(101));
    assert_eq!(handshake.websocket_messages.len(), 12, "{:?}", handshake.notes);
    assert!(
        handshake.notes.iter().any(|n| n.contains("(14 frames, 2 control)")),
        "{:?}",
        handshake.notes
    );
    assert!(handshake.websocket_messages.iter().any(|m| m.from_client));
    assert!(handshake.websocket_messages.iter().any(|m| !m.from_client));

    // tshark: 7 frames: binary + continuation (one message), binary, ping, pong, 2 close.
    let (sink, _) = without_keys("zeek__two-binary-fragments.pcap");
    let handshake = &sink.exchanges[0];
    assert!(
        handshake.notes.iter().any(|n| n.contains("(7 frames, 4 control)")),
        "{:?}",
        handshake.notes
    );
    assert_eq!(handshake.websocket_messages.len(), 2);

    // tshark: 13 frames, 11 text (SIP), 2 close; masked from the client.
    let (sink, _) = without_keys("lekensteyn__websocket-sip.pcapng");
    let handshake = &sink.exchanges[0];
    assert_eq!(handshake.websocket_messages.len(), 11);
    let first = &handshake.websocket_messages[0];
    assert!(first.text && first.from_client);
    assert!(
        first.payload.starts_with(b"REGISTER sip:"),
        "{:?}",
        String::from_utf8_lossy(&first.payload)
    );
    // Every message is a layer the decoders and the canary search see.
    let decoded = telltale::decode::decode_exchange(handshake);
    let roots = decoded
        .layers
        .iter()
        .filter(|l| l.step.starts_with("websocket["))
        .count();
    assert_eq!(roots, 11);
}

#[test]
fn wrong_keys_are_a_note_never_garbage() {
    // The chacha key log holds none of this capture's client randoms: no key.
    let (sink, summary) = with_keys("telltale__h2-tls13-aes128.pcap", "telltale__mixed-chacha.keys");
    assert!(sink.exchanges.iter().all(|e| e.method == "TLS"));
    assert!(summary.skipped.iter().any(|(w, _)| w.contains("no key")));
    // The right client randoms with the wrong secrets: the records do not authenticate.
    let keys = String::from_utf8(read("tls/telltale__h2-tls13-aes128.keys")).expect("text");
    let wrong: String = keys
        .lines()
        .map(|line| {
            let mut words: Vec<String> = line.split(' ').map(str::to_string).collect();
            if let Some(secret) = words.get_mut(2) {
                *secret = "11".repeat(secret.len() / 2);
            }
            words.join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let keylog = KeyLog::parse(wrong.as_bytes());
    let (sink, summary, _) =
        import_to_vec_with_keys("x.pcap", &read("tls/telltale__h2-tls13-aes128.pcap"), &keylog).expect("imports");
    assert!(
        sink.exchanges
            .iter()
            .all(|e| e.method == "TLS" && e.request_body.is_empty())
    );
    assert!(
        summary
            .skipped
            .iter()
            .any(|(w, n)| w.contains("does not fit") && *n == 2),
        "{:?}",
        summary.skipped
    );
}

#[test]
fn a_flipped_byte_fails_authentication_and_is_left_out() {
    let mut bytes = read("tls/telltale__h1-tls12-cbc.pcap");
    let keylog = KeyLog::from_file(&read("tls/telltale__h1-tls12-cbc.keys")).expect("keys");
    // The first application-data record from the client: flip a byte inside it.
    let at = bytes
        .windows(3)
        .position(|w| w == [0x17, 0x03, 0x03])
        .expect("an application data record");
    bytes[at + 5 + 20] ^= 0x01;
    let (sink, _, _) = import_to_vec_with_keys("flipped.pcap", &bytes, &keylog).expect("imports");
    let paths: Vec<String> = requests(&sink.exchanges).into_iter().map(|(_, _, p)| p).collect();
    assert!(!paths.contains(&"/a?canary=cbc-sha256".to_string()), "{paths:?}");
    assert!(paths.contains(&"/b".to_string()) && paths.contains(&"/c".to_string()));
    assert!(
        sink.exchanges
            .iter()
            .flat_map(|e| &e.notes)
            .any(|n| n.contains("failed authentication")),
        "{:?}",
        sink.exchanges.iter().map(|e| &e.notes).collect::<Vec<_>>()
    );
    // No exchange carries bytes that did not authenticate.
    assert!(sink.exchanges.iter().all(|e| !e.url.contains("canary=cbc")));
}

#[test]
fn a_capture_cut_inside_a_record_keeps_what_came_before() {
    let bytes = read("tls/wireshark__tls13-rfc8446.pcap");
    let keylog = KeyLog::from_file(&read("tls/wireshark__tls13-rfc8446.keys")).expect("keys");
    let cut = &bytes[..bytes.len() - 40];
    let (sink, _, _) = import_to_vec_with_keys("cut.pcap", cut, &keylog).expect("imports");
    let paths: Vec<String> = requests(&sink.exchanges).into_iter().map(|(_, _, p)| p).collect();
    assert!(paths.contains(&"/first".to_string()), "{paths:?}");
    assert!(!sink.warnings.is_empty(), "the cut is reported");
}

/// Recomputes the oracle: runs tshark on every TLS fixture with its keys
/// and compares its requests with Telltale's. Needs tshark (Debian
/// `tshark`); run with `cargo test --test tests tshark_oracle -- --ignored --nocapture`.
#[test]
#[ignore = "needs tshark"]
fn tshark_oracle() {
    let cases: &[(&str, Option<&str>)] = &[
        ("wireshark__tls12-dsb.pcapng", None),
        ("wireshark__tls13-rfc8446.pcap", Some("wireshark__tls13-rfc8446.keys")),
        ("hotplace__http2.pcapng", Some("hotplace__http.sslkeylog")),
        (
            "hotplace__curl_http1_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256.pcapng",
            Some("hotplace__http.sslkeylog"),
        ),
        ("lbirchler__dsb-dump.pcapng", None),
        ("lekensteyn__http2-16-ssl.pcapng", Some("lekensteyn__http2-16-ssl.keys")),
        (
            "lekensteyn__http-chunked-ssl.pcapng",
            Some("lekensteyn__http-chunked-ssl.keys"),
        ),
        ("scapy__tls_nss_example.pcap", Some("scapy__tls_nss_example.keys.txt")),
        ("zeek__tls12-decryption.pcap", Some("zeek__tls12-decryption.keys")),
        (
            "snet__TLS1_3_TLS_CHACHA20_POLY1305_SHA256.pcap",
            Some("snet__TLS1_3_TLS_CHACHA20_POLY1305_SHA256.txt"),
        ),
        ("scapy__http2_h2c.pcap", None),
        ("zeek__jupyter-websocket.pcap", None),
        ("zeek__two-binary-fragments.pcap", None),
        ("lekensteyn__websocket-sip.pcapng", None),
        ("telltale__h2-tls13-aes128.pcap", Some("telltale__h2-tls13-aes128.keys")),
        ("telltale__h1-tls12-cbc.pcap", Some("telltale__h1-tls12-cbc.keys")),
        ("telltale__h1-tls12-cbc-dsb.pcapng", None),
        ("telltale__mixed-chacha.pcap", Some("telltale__mixed-chacha.keys")),
        ("telltale__h2c.pcap", None),
    ];
    let mut mismatches = Vec::new();
    for (capture, keys) in cases {
        let path = fixture(&format!("tls/{capture}"));
        let mut command = std::process::Command::new("tshark");
        command.arg("-r").arg(&path);
        if let Some(keys) = keys {
            command
                .arg("-o")
                .arg(format!("tls.keylog_file:{}", fixture(&format!("tls/{keys}")).display()));
        }
        if capture.contains("h2c.pcap") && capture.starts_with("telltale") {
            command.args(["-d", "tcp.port==18080,http2"]);
        }
        command.args([
            "-Y",
            "http.request || http2.type == 1 && http2.headers.method",
            "-T",
            "fields",
            "-E",
            "occurrence=a",
            "-E",
            "aggregator=|",
            "-e",
            "http.request.method",
            "-e",
            "http2.headers.method",
            "-e",
            "http2.headers.path",
            "-e",
            "http.request.uri",
        ]);
        let output = command.output().expect("tshark runs");
        let text = String::from_utf8_lossy(&output.stdout);
        let mut theirs: Vec<(String, String)> = Vec::new();
        for line in text.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            let get = |i: usize| fields.get(i).copied().unwrap_or("");
            if !get(0).is_empty() {
                theirs.push((get(0).to_string(), get(3).to_string()));
            }
            for (method, path) in get(1).split('|').zip(get(2).split('|')) {
                if !method.is_empty() {
                    theirs.push((method.to_string(), path.to_string()));
                }
            }
        }
        let (sink, _) = match keys {
            Some(keys) => with_keys(capture, keys),
            None => without_keys(capture),
        };
        let mut ours: Vec<(String, String)> = requests(&sink.exchanges).into_iter().map(|(m, _, p)| (m, p)).collect();
        theirs.sort();
        ours.sort();
        println!("{capture}: tshark {} requests, Telltale {}", theirs.len(), ours.len());
        if ours != theirs {
            mismatches.push(format!("{capture}: tshark {theirs:?}\n  Telltale {ours:?}"));
        }
    }
    for mismatch in &mismatches {
        println!("MISMATCH {mismatch}");
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

/// `telltale import CASE CAPTURE --keylog KEYS` through the real binary:
/// the requests are decrypted, the key log is a source with its SHA-256,
/// a bad key log fails naming the file and leaves the case as it was.
#[test]
fn cli_keylog_is_used_and_stored_as_evidence() {
    use crate::case_cli::telltale;
    use sha2::Digest;
    let dir = tempfile::tempdir().expect("tempdir");
    let case = dir.path().join("case.telltale");
    let case_arg = case.to_str().expect("utf-8");
    let capture = fixture("tls/telltale__h2-tls13-aes128.pcap");
    let keys = fixture("tls/telltale__h2-tls13-aes128.keys");
    let out = telltale(&[
        "import",
        case_arg,
        capture.to_str().expect("utf-8"),
        "--keylog",
        keys.to_str().expect("utf-8"),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // The POSTed `search` event and the `collect?en=page_view` beacon
    // (the generic decoder's); the third request is a plain fetch.
    assert!(stderr.contains(": 3 exchanges, 2 events"), "{stderr}");
    let out = telltale(&["sessions", case_arg, "--json"]);
    let sessions: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let sources = sessions[0]["sources"].as_array().expect("sources");
    let keylog = sources
        .iter()
        .find(|s| s["format"] == "tls-keylog")
        .expect("the key log is a source");
    let sha = hex::encode(sha2::Sha256::digest(read("tls/telltale__h2-tls13-aes128.keys")));
    assert_eq!(keylog["sha256"], sha.as_str());
    assert_eq!(keylog["file_name"], "telltale__h2-tls13-aes128.keys");
    assert!(telltale(&["verify", case_arg]).status.success());

    // Not a key log: one line naming the file, nothing imported.
    let not_keys = fixture("tls/telltale__h2c_client.py");
    let out = telltale(&[
        "import",
        case_arg,
        fixture("tls/telltale__h1-tls12-cbc.pcap").to_str().expect("utf-8"),
        "--keylog",
        not_keys.to_str().expect("utf-8"),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("not a TLS key log") && stderr.contains("telltale__h2c_client.py"),
        "{stderr}"
    );
    let out = telltale(&["sessions", case_arg, "--json"]);
    let sessions: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        sessions.as_array().map(Vec::len),
        Some(1),
        "the failed import left no session"
    );
}

#[test]
fn quic_is_named_as_out_of_scope() {
    // One UDP datagram to port 443 holding a QUIC v1 Initial (long header).
    let mut quic = vec![0xC3, 0, 0, 0, 1, 8];
    quic.extend_from_slice(&[0x11; 8]);
    quic.extend_from_slice(&[0; 40]);
    let udp_len = u16::try_from(8 + quic.len()).expect("small");
    let mut frame = vec![0u8; 12];
    frame.extend_from_slice(&[0x08, 0x00]);
    frame.extend_from_slice(&[0x45, 0]);
    frame.extend_from_slice(&(20 + udp_len).to_be_bytes());
    frame.extend_from_slice(&[0, 1, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 2, 142, 250, 1, 1]);
    frame.extend_from_slice(&50_000u16.to_be_bytes());
    frame.extend_from_slice(&443u16.to_be_bytes());
    frame.extend_from_slice(&udp_len.to_be_bytes());
    frame.extend_from_slice(&[0, 0]);
    frame.extend_from_slice(&quic);
    let mut file = 0xA1B2_C3D4u32.to_le_bytes().to_vec();
    file.extend_from_slice(&[2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 1, 0, 0, 0]);
    let len = u32::try_from(frame.len()).expect("small").to_le_bytes();
    file.extend_from_slice(&[0; 8]);
    file.extend_from_slice(&len);
    file.extend_from_slice(&len);
    file.extend_from_slice(&frame);
    let (sink, summary, _) = import_to_vec("quic.pcap", None, &file).expect("imports");
    assert!(sink.exchanges.is_empty());
    assert_eq!(summary.skipped.len(), 1);
    let (what, count) = &summary.skipped[0];
    assert_eq!(*count, 1);
    assert!(
        what.starts_with("QUIC packets (HTTP/3") && what.contains("not read by Telltale"),
        "{what}"
    );
}
