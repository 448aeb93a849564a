//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// Path of a fixture copied into `tests/fixtures/`.
pub fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
}

/// Imports a fixture in memory with the sniffed importer.
pub fn import_fixture(relative: &str) -> (telltale::ingest::VecSink, telltale::ingest::ImportSummary, &'static str) {
    let path = fixture(relative);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    telltale::ingest::import_to_vec(&name, Some(&path), &bytes).unwrap_or_else(|e| panic!("import {relative}: {e}"))
}

/// A temp path as the command line takes it.
pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

/// The JSON a successful `telltale ARGS…` prints.
pub fn json_of(args: &[&str]) -> serde_json::Value {
    let out = crate::case_cli::telltale(args);
    assert!(
        out.status.success(),
        "{:?}: {}",
        args,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}
