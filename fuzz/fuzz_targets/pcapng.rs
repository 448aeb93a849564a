//! Fuzzes the pcapng importer on arbitrary file bytes (no sniffing first, so
//! inputs that merely resemble the format reach the parser too).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    telltale_fuzz::shapes::import_with(&telltale::ingest::PcapngImporter, data);
});
