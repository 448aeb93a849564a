//! Telltale's one integration-test binary (ripgrep style): one module per area.

mod attribution;
mod analysis;
mod annotations;
mod case_cli;
mod common;
mod decode_layers;
mod decode_trackers;
mod export;
mod ingest_burp;
mod ingest_har;
mod ingest_mitm;
mod ingest_pcap;
#[cfg(feature = "gui")]
mod gui;
