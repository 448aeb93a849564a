//! Telltale's one integration-test binary (ripgrep style): one module per area.

mod analysis;
mod annotations;
mod attribution;
mod capture_builder;
mod case_cli;
mod common;
mod concurrency;
mod crash_safety;
mod decode_endpoints;
mod decode_layers;
mod decode_sdks;
mod decode_trackers;
mod export;
mod export_parquet;
mod fuzz_props;
mod fuzz_regressions;
mod generic_events;
#[cfg(feature = "gui")]
mod gui;
mod hostile_corpus;
mod hostile_inputs;
mod hosts;
mod import_concurrency;
mod ingest_burp;
mod ingest_formats;
mod ingest_har;
mod ingest_mitm;
mod ingest_pcap;
mod ingest_pcapdroid;
mod ingest_tls;
mod injection;
mod integrity;
mod redaction;
mod requests;
// The generator the benchmarks use, shared by the Parquet and concurrency tests.
#[path = "../benches/support/synthetic.rs"]
mod synthetic;
