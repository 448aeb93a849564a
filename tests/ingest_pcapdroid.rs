//! PCAPdroid exports as PCAPdroid really writes them, built byte by byte
//! from `../shared/PCAPDROID.md` (read from PCAPdroid's `pcap_dump.c`): the
//! pcap trailer after padding to 4 bytes, the bare-IP record of a packet
//! too big for the snap length, the pcapng uid-mapping Custom Block written
//! mid-stream before a uid's first packet, `u-<uid>` and `u--1` comments,
//! other vendors' and newer blocks ignored, and LINKTYPE_RAW exports.

use telltale::ingest::import_to_vec;

const REQUEST: &[u8] = b"GET /collect?v=2&en=page_view HTTP/1.1\r\nHost: t.example\r\n\r\n";
const RESPONSE: &[u8] = b"HTTP/1.1 204 No Content\r\n\r\n";
const PEN: u32 = 62_652;

/// IPv4 + TCP (PSH/ACK) carrying `payload`; the IP length counts only the packet.
fn ip_packet(from_client: bool, seq: u32, payload: &[u8]) -> Vec<u8> {
    let (src, dst, sport, dport) = if from_client {
        ([10, 215, 173, 1], [93, 184, 216, 34], 41_000u16, 80u16)
    } else {
        ([93, 184, 216, 34], [10, 215, 173, 1], 80, 41_000)
    };
    let total = u16::try_from(40 + payload.len()).expect("small");
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&[0, 1, 0x40, 0, 64, 6, 0, 0]);
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    p.extend_from_slice(&sport.to_be_bytes());
    p.extend_from_slice(&dport.to_be_bytes());
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&[0, 0, 0, 1, 0x50, 0x18, 0xFF, 0xFF, 0, 0, 0, 0]);
    p.extend_from_slice(payload);
    p
}

/// `[fake Ethernet 14 B][IP][pad to 4][trailer 32 B]` (PCAPDROID.md §1).
fn trailer_record(ip: &[u8], uid: i32, app: &str) -> Vec<u8> {
    let mut record = vec![0u8; 12]; // dst and src MAC all zero
    record.extend_from_slice(&[0x08, 0x00]);
    record.extend_from_slice(ip);
    let pad = (4 - (14 + ip.len()) % 4) % 4;
    record.extend(std::iter::repeat_n(0u8, pad));
    record.extend_from_slice(&0x0107_2021u32.to_be_bytes());
    record.extend_from_slice(&uid.to_be_bytes());
    let mut name = [0u8; 20];
    let kept = &app.as_bytes()[..app.len().min(19)];
    name[..kept.len()].copy_from_slice(kept);
    record.extend_from_slice(&name);
    record.extend_from_slice(&0xDEAD_BEEFu32.to_le_bytes()); // fcs, host order
    record
}

/// A little-endian µs pcap, 2.4, with the given snaplen and link type.
fn pcap(link_type: u32, snaplen: u32, records: &[Vec<u8>]) -> Vec<u8> {
    let mut file = 0xA1B2_C3D4u32.to_le_bytes().to_vec(); // starts d4 c3 b2 a1
    file.extend_from_slice(&2u16.to_le_bytes());
    file.extend_from_slice(&4u16.to_le_bytes());
    file.extend_from_slice(&[0; 8]);
    file.extend_from_slice(&snaplen.to_le_bytes());
    file.extend_from_slice(&link_type.to_le_bytes());
    for (i, record) in records.iter().enumerate() {
        let len = u32::try_from(record.len()).expect("small");
        file.extend_from_slice(&1_736_000_000u32.to_le_bytes());
        file.extend_from_slice(&(u32::try_from(i).expect("few") * 1000).to_le_bytes());
        file.extend_from_slice(&len.to_le_bytes());
        file.extend_from_slice(&len.to_le_bytes());
        file.extend_from_slice(record);
    }
    file
}

#[test]
fn pcap_trailer_after_alignment_padding_names_the_app() {
    let request = ip_packet(true, 1000, REQUEST);
    let response = ip_packet(false, 5000, RESPONSE);
    assert_ne!((14 + request.len()) % 4, 0, "the test needs padding before the trailer");
    let file = pcap(
        1,
        65_535,
        &[
            trailer_record(&request, 10_187, "com.example.browser"),
            trailer_record(&response, 10_187, "com.example.browser"),
        ],
    );
    assert_eq!(&file[..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
    let (sink, _, format) = import_to_vec("PCAPdroid_01_Jan_10_00_00.pcap", None, &file).expect("imports");
    assert_eq!(format, "pcap");
    assert_eq!(sink.exchanges.len(), 1);
    let exchange = &sink.exchanges[0];
    assert_eq!(exchange.url, "http://t.example/collect?v=2&en=page_view");
    assert_eq!(exchange.status, Some(204));
    assert_eq!(exchange.app_hint.as_deref(), Some("com.example.browser"));
    assert_eq!(exchange.server_ip.as_deref(), Some("93.184.216.34"));
}

#[test]
fn a_record_too_big_for_the_snaplen_is_bare_ip_in_an_ethernet_file() {
    // PCAPdroid drops both the fake Ethernet header and the trailer when
    // incl_len + overhead > snaplen: the response below is such a record.
    let request = ip_packet(true, 1000, REQUEST);
    let mut big_body = b"HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n".to_vec();
    big_body.extend(std::iter::repeat_n(b'x', 200));
    let response = ip_packet(false, 5000, &big_body);
    let snaplen = u32::try_from(response.len() + 10).expect("small");
    let file = pcap(
        1,
        snaplen,
        &[trailer_record(&request, 10_187, "com.example.browser"), response],
    );
    let (sink, _, _) = import_to_vec("big.pcap", None, &file).expect("imports");
    assert_eq!(sink.exchanges.len(), 1);
    let exchange = &sink.exchanges[0];
    assert_eq!(exchange.status, Some(200));
    assert_eq!(exchange.response_body.len(), 200);
    assert_eq!(exchange.app_hint.as_deref(), Some("com.example.browser"));
}

#[test]
fn unknown_uid_in_the_trailer_names_no_app() {
    let file = pcap(
        1,
        65_535,
        &[
            trailer_record(&ip_packet(true, 1000, REQUEST), -1, ""),
            trailer_record(&ip_packet(false, 5000, RESPONSE), -1, ""),
        ],
    );
    let (sink, _, _) = import_to_vec("x.pcap", None, &file).expect("imports");
    assert_eq!(sink.exchanges[0].app_hint, None);
}

#[test]
fn raw_ip_export_without_extensions() {
    let file = pcap(
        101,
        32_768,
        &[ip_packet(true, 1000, REQUEST), ip_packet(false, 5000, RESPONSE)],
    );
    let (sink, _, _) = import_to_vec("PCAPdroid_raw.pcap", None, &file).expect("imports");
    assert_eq!(sink.exchanges.len(), 1);
    assert_eq!(sink.exchanges[0].status, Some(204));
    assert_eq!(sink.exchanges[0].app_hint, None);
}

// ---- pcapng (PCAPDROID.md §2), little-endian as on Android ----

fn block(block_type: u32, body: &[u8]) -> Vec<u8> {
    let mut padded = body.to_vec();
    while !padded.len().is_multiple_of(4) {
        padded.push(0);
    }
    let total = u32::try_from(12 + padded.len()).expect("small");
    let mut out = block_type.to_le_bytes().to_vec();
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(&padded);
    out.extend_from_slice(&total.to_le_bytes());
    out
}

fn option(code: u16, value: &[u8]) -> Vec<u8> {
    let mut out = code.to_le_bytes().to_vec();
    out.extend_from_slice(&u16::try_from(value.len()).expect("short").to_le_bytes());
    out.extend_from_slice(value);
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
    out
}

fn section_header() -> Vec<u8> {
    let mut shb = 0x1A2B_3C4Du32.to_le_bytes().to_vec();
    shb.extend_from_slice(&1u16.to_le_bytes());
    shb.extend_from_slice(&0u16.to_le_bytes());
    shb.extend_from_slice(&(-1i64).to_le_bytes());
    shb.extend(option(2, b"Pixel 7")); // shb_hardware
    shb.extend(option(4, b"PCAPdroid v1.8.0")); // shb_userappl
    shb.extend(option(0, b""));
    let mut file = block(0x0A0D_0D0A, &shb);
    let mut idb = 101u16.to_le_bytes().to_vec(); // LINKTYPE_RAW, no options
    idb.extend_from_slice(&0u16.to_le_bytes());
    idb.extend_from_slice(&0u32.to_le_bytes());
    file.extend(block(1, &idb));
    file
}

/// The uid-mapping Custom Block, field by field as in the table.
fn uid_map(pen: u32, version: u16, uid: i32, package: &str, app: &str) -> Vec<u8> {
    let mut body = pen.to_le_bytes().to_vec();
    body.extend_from_slice(&version.to_le_bytes());
    body.push(1); // type UID_MAP
    body.push(0); // padding
    body.extend_from_slice(&uid.to_le_bytes());
    body.push(u8::try_from(package.len()).expect("short"));
    body.push(u8::try_from(app.len()).expect("short"));
    body.extend_from_slice(package.as_bytes());
    body.extend_from_slice(app.as_bytes());
    block(0x0000_0BAD, &body)
}

/// An EPB with `epb_flags` (root mode) and the `u-<uid>` comment.
fn packet(index: u64, ip: &[u8], uid: i32, flags: Option<u32>) -> Vec<u8> {
    let micros = 1_736_000_000_000_000u64 + 1000 * index;
    let len = u32::try_from(ip.len()).expect("small");
    let mut epb = 0u32.to_le_bytes().to_vec();
    epb.extend_from_slice(&u32::try_from(micros >> 32).expect("high").to_le_bytes());
    epb.extend_from_slice(&u32::try_from(micros & 0xFFFF_FFFF).expect("low").to_le_bytes());
    epb.extend_from_slice(&len.to_le_bytes());
    epb.extend_from_slice(&len.to_le_bytes());
    epb.extend_from_slice(ip);
    while !epb.len().is_multiple_of(4) {
        epb.push(0);
    }
    if let Some(flags) = flags {
        epb.extend(option(2, &flags.to_le_bytes()));
    }
    epb.extend(option(1, format!("u-{uid}").as_bytes()));
    epb.extend(option(0, b""));
    block(6, &epb)
}

fn exchange_pair(first_seq: u32, path: &str) -> (Vec<u8>, Vec<u8>) {
    let request = format!("GET {path} HTTP/1.1\r\nHost: t.example\r\n\r\n");
    let mut request_ip = ip_packet(true, first_seq, request.as_bytes());
    let mut response_ip = ip_packet(false, first_seq + 50_000, RESPONSE);
    // A second connection needs its own client port (bytes 20..22 of the IP packet).
    let port = 41_000u16 + u16::try_from(first_seq / 100_000).expect("few");
    request_ip[20..22].copy_from_slice(&port.to_be_bytes());
    response_ip[22..24].copy_from_slice(&port.to_be_bytes());
    (request_ip, response_ip)
}

#[test]
fn pcapng_uid_blocks_written_lazily_mid_stream_name_each_connections_app() {
    let (a_request, a_response) = exchange_pair(100_000, "/a");
    let (b_request, b_response) = exchange_pair(200_000, "/b");
    let (c_request, c_response) = exchange_pair(300_000, "/c");
    let mut file = section_header();
    file.extend(uid_map(PEN, 1, 10_187, "com.example.browser", "Example Browser"));
    file.extend(packet(0, &a_request, 10_187, Some(2)));
    file.extend(packet(1, &a_response, 10_187, Some(1)));
    // The second app's block only appears right before its first packet.
    file.extend(uid_map(PEN, 1, 10_200, "com.example.shop", "Shop"));
    file.extend(packet(2, &b_request, 10_200, None));
    file.extend(packet(3, &b_response, 10_200, None));
    // An unknown uid is written with %d: `u--1`.
    file.extend(packet(4, &c_request, -1, None));
    file.extend(packet(5, &c_response, -1, None));
    let (sink, _, format) = import_to_vec("PCAPdroid.pcapng", None, &file).expect("imports");
    assert_eq!(format, "pcapng");
    let apps: Vec<(String, Option<&str>)> = sink
        .exchanges
        .iter()
        .map(|e| (e.url.clone(), e.app_hint.as_deref()))
        .collect();
    assert_eq!(
        apps,
        [
            ("http://t.example/a".to_string(), Some("com.example.browser")),
            ("http://t.example/b".to_string(), Some("com.example.shop")),
            ("http://t.example/c".to_string(), None),
        ]
    );
}

#[test]
fn pcapng_blocks_of_other_vendors_or_newer_versions_are_ignored() {
    let (request, response) = exchange_pair(100_000, "/a");
    let mut file = section_header();
    file.extend(uid_map(32_473, 1, 10_187, "com.other.vendor", "Other"));
    file.extend(uid_map(PEN, 2, 10_187, "com.from.the.future", "Future"));
    file.extend(packet(0, &request, 10_187, None));
    file.extend(packet(1, &response, 10_187, None));
    let (sink, _, _) = import_to_vec("x.pcapng", None, &file).expect("imports");
    // The uid is known from the comment, the package is not.
    assert_eq!(sink.exchanges[0].app_hint.as_deref(), Some("uid 10187"));
}

#[test]
fn pcapng_dsb_anywhere_in_the_stream_is_read() {
    // PCAPdroid writes a DSB mid-stream when TLS decryption is on; the
    // Wireshark capture has its second DSB after packet 9.
    let (sink, _, _) = crate::common::import_fixture("tls/wireshark__tls12-dsb.pcapng");
    let hosts: Vec<&str> = sink.exchanges.iter().map(|e| e.host.as_str()).collect();
    assert_eq!(hosts, ["example.com", "example.net"]);
}
