//! Inputs the fuzzers found that once crashed Telltale, kept as they were
//! found (`tests/fixtures/fuzz/`, see its SOURCES.md); each test is named
//! after what broke. The fuzz targets' own checks run on them too.

use crate::common::fixture;
use crate::fuzz_props::shapes;
use telltale::ingest::{PcapImporter, PcapngImporter};

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(&format!("fuzz/{name}"))).expect("read fuzz finding")
}

/// `url_of` cut the request target at byte 7 (`https:/`) to compare it
/// with a scheme; a target with a multi-byte character there panicked
/// ("byte index 7 is not a char boundary").
#[test]
fn request_target_with_a_multibyte_character_at_the_scheme_length() {
    shapes::import_with(
        &PcapImporter,
        &read("pcap-target-with-multibyte-char-at-scheme-end.pcap"),
    );
    shapes::import_with(
        &PcapngImporter,
        &read("pcapng-target-with-multibyte-char-at-scheme-end.pcapng"),
    );
    let (sink, _, _) = telltale::ingest::import_to_vec(
        "finding.pcap",
        None,
        &read("pcap-target-with-multibyte-char-at-scheme-end.pcap"),
    )
    .expect("imports");
    assert!(
        sink.exchanges.iter().all(|e| e.url.starts_with("http://")),
        "{:?}",
        sink.exchanges.iter().map(|e| &e.url).collect::<Vec<_>>()
    );
}
