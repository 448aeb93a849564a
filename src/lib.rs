//! Telltale: reveal what apps secretly send home.
//!
//! The architecture in ten lines — dependencies point one way:
//! - [`model`]: plain types (exchanges, layers, events, modes). No I/O.
//! - [`codec`]: bounded decompression, shared by importers and decoders.
//! - [`ingest`]: one importer per capture format, streaming exchanges into a sink.
//! - [`decode`]: layer decoders and tracker decoders turn an exchange into events.
//! - [`store`]: the SQLite case file; the only module that speaks SQL.
//! - [`analysis`]: search, compare, timeline buckets over the store.
//! - [`export`]: CSV, JSON and PDF out of the store; [`palette`]: colours shared by window and report.
//! - [`cli`]: the command line; `app`/`ui` (feature `gui`): the eframe window.
//!
//! The core (`--no-default-features`) never depends on egui.

pub mod analysis;
pub mod attribution;
pub mod codec;
pub mod decode;
pub mod demo;
pub mod export;
pub mod ingest;
pub mod jobs;
pub mod model;
pub mod palette;
pub mod store;

#[cfg(feature = "gui")]
pub mod app;
pub mod cli;
#[cfg(feature = "gui")]
pub mod ui;
