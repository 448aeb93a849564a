//! Shared by the fuzz targets: how arbitrary bytes become an importer's
//! input or an exchange shaped for one decoder. The same code drives the
//! property tests in `tests/fuzz_props.rs`, so a regression found here shows
//! up in `cargo test` without nightly.

#[path = "shapes.rs"]
pub mod shapes;
