//! A short property-based pass over the fuzz targets' entry points, so a
//! regression shows in `cargo test` without nightly: the same shaping code
//! (`fuzz/src/shapes.rs`), inputs from proptest instead of libFuzzer —
//! public fixtures with random edits and cuts, and plain random bytes.

#[path = "../fuzz/src/shapes.rs"]
pub mod shapes;

use crate::common::fixture;
use proptest::collection::vec;
use proptest::prelude::*;
use std::sync::LazyLock;
use telltale::ingest::{BurpImporter, HarImporter, MitmImporter, PcapImporter, PcapngImporter};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn read(relative: &str) -> Vec<u8> {
    std::fs::read(fixture(relative)).expect("read fixture")
}

static HAR: LazyLock<Vec<u8>> = LazyLock::new(|| read("har/harviewer__chrome51.har"));
static MITM: LazyLock<Vec<u8>> = LazyLock::new(|| read("mitm/mitmproxy__dumpfile-7.mitm"));
static BURP: LazyLock<Vec<u8>> = LazyLock::new(|| read("burp/prologwebscanner__burp1.7.36_base64.xml"));
static PCAP: LazyLock<Vec<u8>> = LazyLock::new(|| read("pcap/zeek__get-gzip.pcap"));
static PCAPNG: LazyLock<Vec<u8>> = LazyLock::new(|| read("pcap/zeek__cooper-grill-dvwa.pcapng"));

/// Random edits: (position, byte, kind) — overwrite, insert, delete, or
/// write a big length-like number; then a cut.
type Edits = Vec<(usize, u8, u8)>;

fn edited(seed: &[u8], edits: &Edits, cut: usize) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for &(position, byte, kind) in edits {
        if bytes.is_empty() {
            bytes.push(byte);
            continue;
        }
        let at = position % bytes.len();
        match kind % 4 {
            0 => bytes[at] = byte,
            1 => bytes.insert(at, byte),
            2 => {
                bytes.remove(at);
            }
            _ => {
                let end = (at + 4).min(bytes.len());
                bytes[at..end].copy_from_slice(&[0xff, 0xff, 0xff, 0x7f][..end - at]);
            }
        }
    }
    let keep = if cut.is_multiple_of(3) {
        bytes.len()
    } else {
        cut % (bytes.len() + 1)
    };
    bytes.truncate(keep);
    bytes
}

fn edits() -> impl Strategy<Value = Edits> {
    vec(any::<(usize, u8, u8)>(), 0..12)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn har_importer_survives_edited_fixtures(edits in edits(), cut in any::<usize>()) {
        shapes::import_with(&HarImporter, &edited(&HAR, &edits, cut));
    }

    #[test]
    fn mitm_importer_survives_edited_fixtures(edits in edits(), cut in any::<usize>()) {
        shapes::import_with(&MitmImporter, &edited(&MITM, &edits, cut));
    }

    #[test]
    fn burp_importer_survives_edited_fixtures(edits in edits(), cut in any::<usize>()) {
        shapes::import_with(&BurpImporter, &edited(&BURP, &edits, cut));
    }

    #[test]
    fn pcap_importer_survives_edited_fixtures(edits in edits(), cut in any::<usize>()) {
        shapes::import_with(&PcapImporter, &edited(&PCAP, &edits, cut));
    }

    #[test]
    fn pcapng_importer_survives_edited_fixtures(edits in edits(), cut in any::<usize>()) {
        shapes::import_with(&PcapngImporter, &edited(&PCAPNG, &edits, cut));
    }

    #[test]
    fn importers_survive_random_bytes(bytes in vec(any::<u8>(), 0..4096)) {
        for importer in telltale::ingest::importers() {
            shapes::import_with(importer.as_ref(), &bytes);
        }
    }

    #[test]
    fn layer_chain_survives_random_payloads(bytes in vec(any::<u8>(), 0..4096)) {
        shapes::run_layers(&shapes::layer_exchange(&bytes));
    }

    #[test]
    fn layer_chain_survives_edited_nested_payloads(edits in edits(), selector in any::<u8>()) {
        let inner = br#"[{"event":"$pageview","time":1588248000000,"properties":{"q":"x"}}]"#;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut encoder, inner).expect("gzip");
        let packed = encoder.finish().expect("gzip");
        let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &packed);
        let body = format!("gzip=1&data_list={b64}");
        let mut data = vec![selector];
        data.extend(edited(body.as_bytes(), &edits, usize::MAX - 2));
        shapes::run_layers(&shapes::layer_exchange(&data));
    }

    #[test]
    fn each_tracker_decoder_survives_random_payloads(selector in any::<u8>(), how in any::<u8>(), bytes in vec(any::<u8>(), 0..2048)) {
        let (id, exchange) = shapes::tracker_exchange(selector, how, &bytes);
        shapes::run_tracker(id, &exchange);
    }

    #[test]
    fn each_tracker_decoder_survives_edited_events(selector in any::<u8>(), how in any::<u8>(), edits in edits()) {
        let events = br#"[{"type":"track","event":"$pageview","time":1588248000000,"distinct_id":"d","properties":{"token":"t","$url":"https://a.example/"}},{"event_type":"open","device_id":"d","time":1588248000001,"en":"page_view"}]"#;
        let (id, exchange) = shapes::tracker_exchange(selector, how, &edited(events, &edits, usize::MAX - 2));
        shapes::run_tracker(id, &exchange);
    }
}

#[test]
fn every_tracker_decoder_is_reachable_and_decodes_its_own_shape() {
    let mut ids: Vec<&str> = telltale::decode::trackers::ids();
    let mut shaped = shapes::TRACKERS.to_vec();
    ids.sort_unstable();
    shaped.sort_unstable();
    assert_eq!(ids, shaped, "the fuzz shapes cover every tracker decoder");
    // A Sensors batch in the Sensors shape gives events: the shapes reach
    // the decoders' real work, not only their "not mine" answers.
    let events = br#"[{"type":"track","event":"$pageview","time":1588248000000,"distinct_id":"d","properties":{"$url":"https://a.example/"}}]"#;
    let (id, exchange) = shapes::tracker_exchange(0, 3, events);
    assert_eq!(id, "sensorsdata");
    assert_eq!(shapes::run_tracker(id, &exchange), 1);
    let (id, exchange) = shapes::tracker_exchange(4, 0, br#"{"batch":[{"type":"track","event":"Clicked","userId":"u1","messageId":"m1","timestamp":"2020-04-30T12:00:00Z"}]}"#);
    assert_eq!(id, "segment");
    assert_eq!(shapes::run_tracker(id, &exchange), 1);
}
