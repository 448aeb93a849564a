//! Importer tests: pcap and pcapng, against the public fixtures in
//! `tests/fixtures/pcap/` (see its SOURCES.md) and small captures built here.

use crate::common::import_fixture;
use telltale::ingest::{ExchangeSink, Flow, ImportError, ImportInput, Importer, PcapImporter, VecSink, import_to_vec};
use telltale::model::Exchange;

/// (fixture, format, `tshark -Y http.request` count, Telltale's count).
/// Telltale must find at least what tshark finds; where it finds more, the
/// extra exchange is one tshark does not flag (HTTP/0.9, a request whose
/// response was captured without it).
const COUNTS: &[(&str, &str, usize, usize)] = &[
    ("filesamples__simple_http.pcap", "pcap", 2, 2), // tshark -Y http.request: 2
    ("filesamples__simple_http_sll2.pcap", "pcap", 2, 2), // tshark -Y http.request: 2
    ("tcpdump__arcnet-rfc1201-arp-icmp-http.pcap", "pcap", 1, 1), // tshark -Y http.request: 1
    ("tcpdump__empty.pcapng", "pcapng", 0, 0),       // tshark -Y http.request: 0
    ("tcpdump__ipv4_tcp_http_xml.pcap", "pcap", 0, 0), // tshark -Y http.request: 0
    ("tcpdump__ipv4_tcp_http_xml_tso.pcap", "pcap", 1, 1), // tshark -Y http.request: 1
    ("tcpdump__print-flags.pcap", "pcap", 1, 1),     // tshark -Y http.request: 1
    ("zeek__100-continue.pcap", "pcap", 1, 1),       // tshark -Y http.request: 1
    ("zeek__connect-with-header.pcap", "pcap", 1, 1), // tshark -Y http.request: 1
    ("zeek__cooper-grill-dvwa.pcapng", "pcapng", 3, 3), // tshark -Y http.request: 3
    ("zeek__get-gzip.pcap", "pcap", 1, 1),           // tshark -Y http.request: 1
    ("zeek__get-without-fins.pcap", "pcap", 1, 1),   // tshark -Y http.request: 1
    ("zeek__get.pcap", "pcap", 1, 1),                // tshark -Y http.request: 1
    ("zeek__get_nosyn.pcap", "pcap", 1, 1),          // tshark -Y http.request: 1
    ("zeek__http-lower-case.pcap", "pcap", 1, 1),    // tshark -Y http.request: 1
    ("zeek__http-non-printable-characters.pcap", "pcap", 4, 4), // tshark -Y http.request: 4
    ("zeek__http-post-large.pcap", "pcap", 2, 2),    // tshark -Y http.request: 2
    ("zeek__http-qinq-0.pcap", "pcap", 1, 1),        // tshark -Y http.request: 1
    ("zeek__http-vlan-0.pcap", "pcap", 1, 1),        // tshark -Y http.request: 1
    ("zeek__http_09.pcap", "pcap", 0, 1),            // tshark -Y http.request: 0
    ("zeek__ipv6-http-atomic-frag.pcap", "pcap", 0, 4), // tshark -Y http.request: 0
    ("zeek__missing-zlib-header.pcap", "pcap", 2, 2), // tshark -Y http.request: 2
    ("zeek__multipart-form-data.pcap", "pcap", 1, 1), // tshark -Y http.request: 1
    ("zeek__nflog-http.pcap", "pcap", 1, 1),         // tshark -Y http.request: 1
    ("zeek__pipelined-requests.pcap", "pcap", 5, 5), // tshark -Y http.request: 5
    ("zeek__post.pcap", "pcap", 1, 1),               // tshark -Y http.request: 1
    ("zeek__proxy.pcap", "pcap", 1, 1),              // tshark -Y http.request: 1
    ("zeek__tcp-http-with-padding.pcap", "pcap", 0, 1), // tshark -Y http.request: 0
    ("zeek__websocket.pcap", "pcap", 1, 1),          // tshark -Y http.request: 1
    ("zeek__wikipedia.pcap", "pcap", 15, 15),        // tshark -Y http.request: 15
    ("zeek__www-odd-url.pcap", "pcap", 1, 1),        // tshark -Y http.request: 1
    ("zeek__x-gzip.pcap", "pcap", 1, 1),             // tshark -Y http.request: 1
    ("zeek__zeek-image-1080-80-x.pcapng", "pcapng", 1, 1), // tshark -Y http.request: 1
    ("zeek__zero-length-bodies-with-drops.pcap", "pcap", 7, 7), // tshark -Y http.request: 7
];

fn only(fixture: &str) -> Exchange {
    let (sink, _, _) = import_fixture(&format!("pcap/{fixture}"));
    assert_eq!(sink.exchanges.len(), 1, "{fixture}");
    sink.exchanges.into_iter().next().expect("one exchange")
}

fn assert_server(exchange: &Exchange, ip: &str, port: u16) {
    assert_eq!(exchange.server_ip.as_deref(), Some(ip), "{}", exchange.url);
    assert_eq!(exchange.server_port, Some(port), "{}", exchange.url);
}

#[test]
fn every_fixture_finds_at_least_what_tshark_finds() {
    for &(fixture, format, tshark_requests, telltale_exchanges) in COUNTS {
        let (sink, _, detected) = import_fixture(&format!("pcap/{fixture}"));
        assert_eq!(detected, format, "{fixture}");
        assert!(
            sink.exchanges.len() >= tshark_requests,
            "{fixture}: fewer exchanges than tshark"
        );
        assert_eq!(sink.exchanges.len(), telltale_exchanges, "{fixture}");
    }
}

#[test]
fn plain_get_on_ethernet() {
    let e = only("zeek__get.pcap");
    assert_eq!((e.method.as_str(), e.status), ("GET", Some(200)));
    assert_eq!(e.url, "http://bro.org/download/CHANGES.bro-aux.txt");
    assert_eq!((e.host.as_str(), e.port), ("bro.org", Some(80)));
    assert_server(&e, "192.150.187.43", 80);
    assert_eq!(e.client_ip.as_deref(), Some("141.142.228.5"));
    assert_eq!(e.response_body.len(), 4705);
    assert_eq!(e.time_micros, 1_362_692_526_939_527);
    assert_eq!(e.duration_micros, Some(70_248));
    assert!(e.notes.is_empty(), "{:?}", e.notes);
}

#[test]
fn same_get_without_syn_without_fins_and_in_vlans() {
    let reference = only("zeek__get.pcap");
    for fixture in [
        "zeek__get_nosyn.pcap",
        "zeek__get-without-fins.pcap",
        "zeek__http-vlan-0.pcap",
        "zeek__http-qinq-0.pcap",
    ] {
        let e = only(fixture);
        assert_eq!(
            (&e.url, e.status, e.response_body.len()),
            (&reference.url, reference.status, 4705),
            "{fixture}"
        );
        assert_eq!(e.server_ip, reference.server_ip, "{fixture}");
    }
}

#[test]
fn gzip_x_gzip_and_raw_deflate_bodies_are_decoded() {
    let gzip = only("zeek__get-gzip.pcap");
    assert_eq!(gzip.url, "http://httpbin.org/gzip");
    assert_eq!(gzip.response_body.len(), 197);
    assert_eq!(gzip.response_body_original.as_ref().map(Vec::len), Some(165));
    assert!(String::from_utf8_lossy(&gzip.response_body).contains("\"gzipped\": true"));

    let x_gzip = only("zeek__x-gzip.pcap");
    assert_eq!(
        (
            x_gzip.response_body.len(),
            x_gzip.response_body_original.as_ref().map(Vec::len)
        ),
        (19, Some(39))
    );

    let (sink, _, _) = import_fixture("pcap/zeek__missing-zlib-header.pcap");
    for e in &sink.exchanges {
        assert_eq!(e.url, "http://ads1.msn.com/library/dap.js");
        assert_eq!(e.response_header("content-encoding"), Some("deflate"));
        assert_eq!(
            (e.response_body.len(), e.response_body_original.as_ref().map(Vec::len)),
            (13249, Some(5139))
        );
        assert!(e.notes.is_empty(), "{:?}", e.notes);
    }
}

#[test]
fn pipelined_requests_pair_in_order() {
    let (sink, _, _) = import_fixture("pcap/zeek__pipelined-requests.pcap");
    let seen: Vec<(&str, Option<u16>, usize)> = sink
        .exchanges
        .iter()
        .map(|e| (e.path(), e.status, e.response_body.len()))
        .collect();
    assert_eq!(
        seen,
        [
            ("/style/enhanced.css", Some(200), 2675),
            ("/script/urchin.js", Some(200), 21421),
            ("/images/template/screen/bullet_utility.png", Some(200), 94),
            ("/images/template/screen/key-point-top.png", Some(200), 2349),
            ("/projects/calendar/images/header-sunbird.png", Some(200), 27579),
        ]
    );
    assert!(
        sink.exchanges
            .iter()
            .all(|e| e.server_ip.as_deref() == Some("63.245.209.11"))
    );
}

#[test]
fn expect_100_continue_keeps_the_final_response() {
    let e = only("zeek__100-continue.pcap");
    assert_eq!(
        (e.method.as_str(), e.url.as_str(), e.status),
        ("POST", "http://www.osu.edu/", Some(200))
    );
    assert_eq!((e.request_body.len(), e.response_body.len()), (2001, 60731));
}

#[test]
fn post_bodies() {
    let e = only("zeek__post.pcap");
    assert_eq!(
        (e.method.as_str(), e.url.as_str(), e.status),
        ("POST", "http://httpbin.org/post", Some(200))
    );
    assert_eq!(e.request_body.len(), 11);
    let (sink, _, _) = import_fixture("pcap/zeek__http-post-large.pcap");
    let bodies: Vec<(usize, Option<u16>)> = sink
        .exchanges
        .iter()
        .map(|e| (e.request_body.len(), e.server_port))
        .collect();
    assert_eq!(bodies, [(61484, Some(80)), (61484, Some(5000))]);
}

#[test]
fn connect_is_recorded_and_the_tunnel_left_alone_on_bsd_loopback() {
    let e = only("zeek__connect-with-header.pcap");
    assert_eq!(
        (e.method.as_str(), e.url.as_str(), e.status),
        ("CONNECT", "http://secure.newegg.com:443", Some(200))
    );
    assert_server(&e, "::1", 80);
}

#[test]
fn proxy_absolute_form_target() {
    let e = only("zeek__proxy.pcap");
    assert_eq!(
        (e.url.as_str(), e.host.as_str(), e.status),
        ("http://bro.org/", "bro.org", Some(200))
    );
    assert_server(&e, "192.168.56.101", 80);
    assert_eq!(e.response_body.len(), 15961);
}

#[test]
fn http_09_simple_request_gets_the_raw_response() {
    let e = only("zeek__http_09.pcap");
    assert_eq!(
        (e.url.as_str(), e.http_version.as_str(), e.status),
        ("http://127.0.0.1:80/zeek.html", "HTTP/0.9", None)
    );
    assert!(String::from_utf8_lossy(&e.response_body).contains("The Zeek Network Security Monitor"));
}

#[test]
fn requests_without_response_are_kept_with_a_note() {
    let tso = only("tcpdump__ipv4_tcp_http_xml_tso.pcap");
    assert_eq!(tso.method, "POST");
    assert_server(&tso, "199.43.68.163", 8080);
    assert_eq!((tso.status, tso.request_body.len()), (None, 1607));
    assert_eq!(tso.notes, ["no response captured"]);

    let multipart = only("zeek__multipart-form-data.pcap");
    assert_eq!(
        (multipart.url.as_str(), multipart.status),
        ("http://localhost:8000/", None)
    );
    assert!(
        multipart
            .request_header("content-type")
            .is_some_and(|t| t.starts_with("multipart/form-data"))
    );
}

#[test]
fn websocket_upgrade_stops_http_parsing() {
    let e = only("zeek__websocket.pcap");
    assert_eq!(
        (e.url.as_str(), e.status),
        ("http://sandbox.kaazing.net/echo?.kl=Y", Some(101))
    );
}

#[test]
fn link_layers_sll2_nflog_arcnet_ipv6() {
    let (sll2, _, _) = import_fixture("pcap/filesamples__simple_http_sll2.pcap");
    let urls: Vec<&str> = sll2.exchanges.iter().map(|e| e.url.as_str()).collect();
    assert_eq!(urls, ["http://localhost:8000/", "http://localhost:8000/favicon.ico"]);
    assert_eq!(sll2.exchanges[1].status, Some(404));

    let nflog = only("zeek__nflog-http.pcap");
    assert_eq!(
        (nflog.url.as_str(), nflog.status, nflog.response_body.len()),
        ("http://www.example.net/", Some(200), 1270)
    );
    assert_server(&nflog, "93.184.216.34", 80);

    let arcnet = only("tcpdump__arcnet-rfc1201-arp-icmp-http.pcap");
    assert_eq!((arcnet.url.as_str(), arcnet.status), ("http://tcpdump.org/", Some(301)));

    let (ipv6, _, _) = import_fixture("pcap/zeek__ipv6-http-atomic-frag.pcap");
    for e in &ipv6.exchanges {
        assert_eq!(e.url, "http://[2001:db8:1::1]:80/bad.html");
        assert_server(e, "2001:db8:1::1", 80);
        assert_eq!(e.response_body.len(), 88);
    }
}

#[test]
fn ethernet_padding_and_pcapng() {
    let padded = only("zeek__tcp-http-with-padding.pcap");
    assert_eq!(
        (padded.status, padded.response_body.as_slice()),
        (Some(200), &b"Hello\n"[..])
    );
    assert_server(&padded, "217.207.159.63", 27272);

    let image = only("zeek__zeek-image-1080-80-x.pcapng");
    assert_eq!(
        (image.url.as_str(), image.response_body.len()),
        ("http://localhost/zeek.png", 5816)
    );
    assert!(image.response_body.starts_with(b"\x89PNG"));

    let (empty, summary, _) = import_fixture("pcap/tcpdump__empty.pcapng");
    assert!(empty.exchanges.is_empty() && empty.warnings.is_empty() && summary.skipped.is_empty());
}

#[test]
fn odd_urls_are_kept() {
    let (sink, _, _) = import_fixture("pcap/zeek__http-non-printable-characters.pcap");
    let paths: Vec<&str> = sink.exchanges.iter().map(Exchange::path).collect();
    assert_eq!(
        paths,
        [
            "/regular_file.html",
            "/printable_%F0%9F%98%84",
            "/non_printable_%07",
            "/non_printable_literal_%5Cx07"
        ]
    );
    assert!(only("zeek__www-odd-url.pcap").url.contains("uurimisr%FChma"));
}

#[test]
fn drops_leave_requests_paired_with_their_own_responses() {
    let (sink, _, _) = import_fixture("pcap/zeek__zero-length-bodies-with-drops.pcap");
    let statuses: Vec<Option<u16>> = sink.exchanges.iter().map(|e| e.status).collect();
    let s = |code| Some(code);
    assert_eq!(statuses, [s(302), s(200), s(302), s(200), s(200), s(200), s(200)]);
    // Every response began after its own request.
    assert!(sink.exchanges.iter().all(|e| e.duration_micros.is_some_and(|d| d > 0)));
}

// ---- captures built in the test ----

const HTTP_REQUEST: &[u8] = b"GET /ping?id=7 HTTP/1.1\r\nHost: t.example\r\n\r\n";
const HTTP_RESPONSE: &[u8] = b"HTTP/1.1 204 No Content\r\n\r\n";

/// A classic little-endian µs pcap with one Ethernet frame per packet.
fn pcap_file(link_type: u32, frames: &[Vec<u8>]) -> Vec<u8> {
    let mut file = Vec::new();
    file.extend_from_slice(&0xA1B2_C3D4u32.to_le_bytes());
    file.extend_from_slice(&2u16.to_le_bytes());
    file.extend_from_slice(&4u16.to_le_bytes());
    file.extend_from_slice(&[0; 8]);
    file.extend_from_slice(&65_535u32.to_le_bytes());
    file.extend_from_slice(&link_type.to_le_bytes());
    for (i, frame) in frames.iter().enumerate() {
        let len = u32::try_from(frame.len()).expect("small frame");
        file.extend_from_slice(&1_700_000_000u32.to_le_bytes());
        file.extend_from_slice(&(u32::try_from(i).expect("few") * 1000).to_le_bytes());
        file.extend_from_slice(&len.to_le_bytes());
        file.extend_from_slice(&len.to_le_bytes());
        file.extend_from_slice(frame);
    }
    file
}

/// Ethernet + IPv4 + TCP (PSH/ACK) carrying `payload`, optionally with a PCAPdroid trailer.
fn frame(from_client: bool, seq: u32, payload: &[u8], app: Option<&str>) -> Vec<u8> {
    let (src, dst, sport, dport) = if from_client {
        ([10, 0, 0, 2], [10, 0, 0, 1], 40000u16, 80u16)
    } else {
        ([10, 0, 0, 1], [10, 0, 0, 2], 80, 40000)
    };
    let mut f = vec![0u8; 12];
    f.extend_from_slice(&[0x08, 0x00]);
    let total = u16::try_from(40 + payload.len()).expect("small");
    f.extend_from_slice(&[0x45, 0]);
    f.extend_from_slice(&total.to_be_bytes());
    f.extend_from_slice(&[0, 1, 0x40, 0, 64, 6, 0, 0]);
    f.extend_from_slice(&src);
    f.extend_from_slice(&dst);
    f.extend_from_slice(&sport.to_be_bytes());
    f.extend_from_slice(&dport.to_be_bytes());
    f.extend_from_slice(&seq.to_be_bytes());
    f.extend_from_slice(&[0, 0, 0, 1, 0x50, 0x18, 0xFF, 0xFF, 0, 0, 0, 0]);
    f.extend_from_slice(payload);
    if let Some(app) = app {
        f.extend_from_slice(&0x0107_2021u32.to_be_bytes());
        f.extend_from_slice(&10_123i32.to_be_bytes());
        let mut name = [0u8; 20];
        name[..app.len()].copy_from_slice(app.as_bytes());
        f.extend_from_slice(&name);
        f.extend_from_slice(&[0; 4]);
    }
    f
}

fn request_and_response(app: Option<&str>) -> Vec<u8> {
    pcap_file(
        1,
        &[
            frame(true, 1000, HTTP_REQUEST, app),
            frame(false, 5000, HTTP_RESPONSE, app),
        ],
    )
}

#[test]
fn pcapdroid_trailer_sets_the_app_hint() {
    let (sink, _, format) =
        import_to_vec("droid.pcap", None, &request_and_response(Some("com.example.tracker"))).expect("import");
    assert_eq!(format, "pcap");
    assert_eq!(sink.exchanges.len(), 1);
    let e = &sink.exchanges[0];
    assert_eq!((e.url.as_str(), e.status), ("http://t.example/ping?id=7", Some(204)));
    assert_eq!(e.app_hint.as_deref(), Some("com.example.tracker"));
    assert_eq!((e.time_micros, e.duration_micros), (1_700_000_000_000_000, Some(1000)));
}

#[test]
fn truncated_last_packet_keeps_what_came_before() {
    let mut bytes = request_and_response(None);
    bytes.extend_from_slice(&frame(false, 9000, b"HTTP/1.1 200 OK\r\n", None)[..20]);
    let (sink, _, _) = import_to_vec("cut.pcap", None, &bytes).expect("import");
    assert_eq!(sink.exchanges.len(), 1);
    assert_eq!(sink.warnings.len(), 1, "{:?}", sink.warnings);
    assert!(sink.warnings[0].contains("cut off"), "{:?}", sink.warnings);
}

#[test]
fn corrupt_header_is_invalid() {
    let bytes = &request_and_response(None)[..12];
    let input = ImportInput::new("bad.pcap", None, bytes);
    let result = PcapImporter.import(&input, &mut VecSink::default());
    let Err(ImportError::Invalid { format, reason }) = result else {
        panic!("expected Invalid, got {result:?}")
    };
    assert_eq!(format, "pcap");
    assert!(!reason.contains('\n'), "{reason}");
}

#[test]
fn unknown_link_type_is_skipped_with_one_warning() {
    let bytes = pcap_file(
        105,
        &[frame(true, 1, HTTP_REQUEST, None), frame(false, 1, HTTP_RESPONSE, None)],
    );
    let (sink, _, _) = import_to_vec("wifi.pcap", None, &bytes).expect("import");
    assert!(sink.exchanges.is_empty());
    assert_eq!(sink.warnings.len(), 1);
    assert!(sink.warnings[0].contains("link type 105"), "{}", sink.warnings[0]);
}

#[test]
fn stop_from_the_sink_cancels() {
    struct StopAtOnce(usize);
    impl ExchangeSink for StopAtOnce {
        fn exchange(&mut self, _: Exchange) -> Result<Flow, ImportError> {
            self.0 += 1;
            Ok(Flow::Stop)
        }
        fn warning(&mut self, _: String) {}
    }
    let bytes = std::fs::read(crate::common::fixture("pcap/zeek__pipelined-requests.pcap")).expect("fixture");
    let input = ImportInput::new("x.pcap", None, &bytes);
    let mut sink = StopAtOnce(0);
    // The sink decided to stop; the importer just returns.
    assert!(PcapImporter.import(&input, &mut sink).is_ok());
    assert_eq!(sink.0, 1, "nothing is pushed after the stop");
}
