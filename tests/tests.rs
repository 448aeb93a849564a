//! Telltale's one integration-test binary (ripgrep style): one module per area.

mod analysis;
mod annotations;
mod attribution;
mod case_cli;
mod common;
mod decode_layers;
mod decode_sdks;
mod decode_trackers;
mod export;
#[cfg(feature = "gui")]
mod gui;
mod ingest_burp;
mod ingest_formats;
mod ingest_har;
mod ingest_mitm;
mod ingest_pcap;
mod ingest_pcapdroid;
mod ingest_tls;
mod requests;
