//! Burp Suite "Save items" XML: real 1.7.x exports and synthetic newer-style items.

use crate::common::import_fixture;
use std::io::Write;
use telltale::ingest::{ImportError, ImportInput, Importer, VecSink};

/// Imports in-memory Burp XML with the Burp importer itself.
fn import_burp(xml: &[u8]) -> Result<VecSink, ImportError> {
    let mut sink = VecSink::default();
    let input = ImportInput::new("synthetic.xml", None, xml);
    // Through the registry, which undoes content encodings for every importer.
    telltale::ingest::run(&telltale::ingest::BurpImporter, &input, &mut sink)?;
    Ok(sink)
}

#[test]
fn burp_1_7_36_badstore_session() {
    let (sink, summary, format) = import_fixture("burp/prologwebscanner__burp1.7.36_base64.xml");
    assert_eq!(format, "burp");
    assert!(summary.skipped.is_empty());
    // `grep -c '<item>'` on the file gives 17.
    assert_eq!(sink.exchanges.len(), 17);

    let first = &sink.exchanges[0];
    assert_eq!(first.method, "GET");
    assert_eq!(first.url, "http://192.168.56.101/");
    assert_eq!(first.status, Some(200));
    assert_eq!(first.http_version, "HTTP/1.1");
    assert_eq!(first.response_body.len(), 3583);
    assert_eq!(first.server_ip.as_deref(), Some("192.168.56.101"));
    assert_eq!((first.port, first.server_port), (Some(80), Some(80)));
    // Sun Mar 31 19:58:09 CDT 2019 = 2019-04-01T00:58:09Z.
    assert_eq!(first.time_micros, 1_554_080_289_000_000);
    assert_eq!(first.response_header("Content-Type"), Some("text/html"));
    assert!(first.notes.is_empty(), "{:?}", first.notes);

    let cart_add = &sink.exchanges[7];
    assert_eq!(cart_add.method, "POST");
    assert_eq!(
        cart_add.url,
        "http://192.168.56.101/cgi-bin/badstore.cgi?action=cartadd"
    );
    assert_eq!(
        cart_add.request_body,
        b"cartitem=1000&Add+Items+to+Cart=Add+Items+to+Cart"
    );
    assert_eq!(cart_add.response_body.len(), 4046);
    assert_eq!(sink.exchanges[16].response_body.len(), 136);
}

#[test]
fn burp_1_7_17_https_session() {
    let (sink, _, format) = import_fixture("burp/burrp__burp1.7.17_base64.xml");
    assert_eq!(format, "burp");
    // `grep -c '<item>'` on the file gives 15.
    assert_eq!(sink.exchanges.len(), 15);

    let facebook = &sink.exchanges[0];
    assert_eq!(facebook.method, "GET");
    assert_eq!(facebook.url, "https://connect.facebook.net/en_US/all.js");
    assert_eq!(facebook.host, "connect.facebook.net");
    assert_eq!(facebook.status, Some(200));
    assert_eq!(facebook.response_body.len(), 197_050);
    assert_eq!(facebook.server_ip.as_deref(), Some("31.13.71.7"));
    assert_eq!(facebook.port, Some(443));
    // Sun Feb 19 20:42:20 EST 2017 = 2017-02-20T01:42:20Z.
    assert_eq!(facebook.time_micros, 1_487_554_940_000_000);

    let redirect = &sink.exchanges[12];
    assert_eq!(
        redirect.url,
        "http://www.bloomberg.com/graphics/2014-hottest-year-on-record/"
    );
    assert_eq!(redirect.status, Some(301));
    assert_eq!(redirect.port, Some(80));
    assert_eq!(redirect.server_ip.as_deref(), Some("23.53.122.193"));
    assert_eq!(
        redirect.response_header("location"),
        Some("https://www.bloomberg.com/graphics/2014-hottest-year-on-record/")
    );
    assert_eq!(redirect.response_body.len(), 271);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).expect("write to Vec");
    encoder.finish().expect("finish gzip")
}

/// A newer-Burp document: XML 1.1, raw HTTP in CDATA, a NUL byte in the request.
fn newer_style_xml(response: &[u8]) -> Vec<u8> {
    let mut xml = b"<?xml version=\"1.1\"?>\n<!DOCTYPE items [\n<!ELEMENT items (item*)>\n]>\n\
        <items burpVersion=\"2025.6.5\" exportTime=\"Tue Jul 01 10:00:00 CEST 2025\">\n  <item>\n\
        <time>Tue Jul 01 09:59:58 CEST 2025</time>\n\
        <url><![CDATA[https://telemetry.example.com/v1/batch]]></url>\n\
        <host ip=\"203.0.113.7\">telemetry.example.com</host>\n<port>443</port>\n<protocol>https</protocol>\n\
        <method><![CDATA[POST]]></method>\n<path><![CDATA[/v1/batch]]></path>\n<extension>null</extension>\n\
        <request base64=\"false\"><![CDATA[POST /v1/batch HTTP/1.1\r\nHost: telemetry.example.com\r\n\
        Content-Length: 3\r\n\r\na\0b]]></request>\n<status>200</status>\n<responselength>99</responselength>\n\
        <mimetype>JSON</mimetype>\n<response base64=\"false\"><![CDATA["
        .to_vec();
    xml.extend_from_slice(response);
    xml.extend_from_slice(b"]]></response>\n<comment>device id here</comment>\n  </item>\n</items>\n");
    xml
}

#[test]
fn newer_style_raw_gzip_chunked_response() {
    let plain = br#"{"events":[{"name":"app_open"}]}"#;
    let packed = gzip(plain);
    let mut response = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n\
        Transfer-Encoding: chunked\r\n\r\n"
        .to_vec();
    let (first, second) = packed.split_at(10);
    for chunk in [first, second] {
        response.extend_from_slice(format!("{:x};ext=1\r\n", chunk.len()).as_bytes());
        response.extend_from_slice(chunk);
        response.extend_from_slice(b"\r\n");
    }
    response.extend_from_slice(b"0\r\nX-Trailer: done\r\n\r\n");
    // The gzip stream may contain `]]>`; Burp would split the CDATA, we avoid it.
    assert!(!response.windows(3).any(|w| w == b"]]>"));

    let sink = import_burp(&newer_style_xml(&response)).expect("imports");
    assert_eq!(sink.exchanges.len(), 1);
    let exchange = &sink.exchanges[0];
    assert_eq!(exchange.method, "POST");
    assert_eq!(exchange.url, "https://telemetry.example.com/v1/batch");
    assert_eq!(exchange.server_ip.as_deref(), Some("203.0.113.7"));
    assert_eq!(exchange.status, Some(200));
    assert_eq!(exchange.request_body, b"a\0b");
    assert_eq!(exchange.response_body, plain);
    assert_eq!(exchange.response_body_original.as_deref(), Some(packed.as_slice()));
    // Tue Jul 01 09:59:58 CEST 2025 = 07:59:58Z.
    assert_eq!(exchange.time_micros, 1_751_356_798_000_000);
    assert_eq!(exchange.notes, vec!["Burp comment: device id here".to_string()]);
}

#[test]
fn newer_style_binary_body_keeps_every_byte() {
    let mut response = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 8\r\n\r\n".to_vec();
    let body = b"\x89PNG\r\n\xff\x00";
    response.extend_from_slice(body);
    let sink = import_burp(&newer_style_xml(&response)).expect("imports");
    let exchange = &sink.exchanges[0];
    assert_eq!(exchange.response_body, body);
    assert_eq!(exchange.response_header("content-type"), Some("image/png"));
}

#[test]
fn item_without_response_has_no_status() {
    let xml = b"<?xml version=\"1.0\"?>\n<items burpVersion=\"1.7.36\" exportTime=\"\">\n<item>\n\
        <time>Mon Sep 25 20:05:12 WAT2 2017</time><url><![CDATA[http://h/x]]></url>\
        <host ip=\"\">h</host><port>80</port><protocol>http</protocol><method>GET</method>\
        <path>/x</path><extension>null</extension>\
        <request base64=\"true\"><![CDATA[R0VUIC94IEhUVFAvMS4xDQpIb3N0OiBoDQoNCg==]]></request>\
        <status></status><responselength></responselength><mimetype></mimetype>\
        <response base64=\"true\"></response><comment></comment>\n</item>\n</items>\n";
    let sink = import_burp(xml).expect("imports");
    let exchange = &sink.exchanges[0];
    assert_eq!(exchange.status, None);
    assert_eq!(exchange.server_ip, None);
    assert_eq!(exchange.request_header("host"), Some("h"));
    assert!(
        exchange.notes.iter().any(|n| n == "response missing"),
        "{:?}",
        exchange.notes
    );
    assert!(
        exchange.notes.iter().any(|n| n.contains("WAT2")),
        "{:?}",
        exchange.notes
    );
}

#[test]
fn broken_xml_is_invalid_with_one_line_reason() {
    let xml =
        std::fs::read(crate::common::fixture("burp/prologwebscanner__burp1.7.36_base64.xml")).expect("read fixture");
    let text = String::from_utf8(xml).expect("fixture is UTF-8");
    // The third item's `</url>` no longer matches its start tag.
    let third_url = text
        .match_indices("</url>")
        .nth(2)
        .map(|(i, _)| i)
        .expect("three items");
    let broken = format!("{}</uri>{}", &text[..third_url], &text[third_url + 6..]);
    let Err(error) = import_burp(broken.as_bytes()) else {
        panic!("broken XML must fail")
    };
    let message = error.to_string();
    assert!(
        matches!(error, ImportError::Invalid { format: "Burp XML", .. }),
        "{message}"
    );
    assert!(!message.contains('\n'), "{message}");
    assert!(
        message.contains(&format!("XML syntax error at byte {third_url}")),
        "{message}"
    );
}

#[test]
fn file_cut_short_is_invalid() {
    let xml = std::fs::read(crate::common::fixture("burp/burrp__burp1.7.17_base64.xml")).expect("read fixture");
    for cut in [xml.len() - 200, 265_566] {
        let Err(error) = import_burp(&xml[..cut]) else {
            panic!("file cut at {cut} must fail")
        };
        assert!(matches!(error, ImportError::Invalid { .. }), "{error}");
        assert!(!error.to_string().contains('\n'), "{error}");
    }
}

#[test]
fn stop_from_sink_cancels() {
    struct StopAfterOne(usize);
    impl telltale::ingest::ExchangeSink for StopAfterOne {
        fn exchange(&mut self, _: telltale::model::Exchange) -> Result<telltale::ingest::Flow, ImportError> {
            self.0 += 1;
            Ok(telltale::ingest::Flow::Stop)
        }
        fn warning(&mut self, _: String) {}
    }
    let xml = std::fs::read(crate::common::fixture("burp/burrp__burp1.7.17_base64.xml")).expect("read fixture");
    let mut sink = StopAfterOne(0);
    let input = ImportInput::new("x.xml", None, &xml);
    let result = telltale::ingest::BurpImporter.import(&input, &mut sink);
    // The sink decided to stop; the importer just returns (no error of its own).
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(sink.0, 1);
}
