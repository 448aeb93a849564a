//! Exports for the window: CSV, JSON or PDF of the case, written by
//! `crate::export` on the query worker.

use super::protocol::ExportKind;
use super::worker::with_path;
use crate::export::{ExportOptions, ExportSummary, export_csv, export_json, export_pdf};
use crate::store::{Case, EventFilter};
use std::path::Path;

/// Writes the export; the error names the file.
pub(super) fn run(
    case: &Case,
    kind: ExportKind,
    path: &Path,
    filter: EventFilter,
    findings_only: bool,
) -> Result<ExportSummary, String> {
    let options = ExportOptions {
        filter,
        findings_only,
        ..ExportOptions::default()
    };
    let written = match kind {
        ExportKind::Csv => export_csv(case, &options, path),
        ExportKind::Json => export_json(case, &options, path),
        ExportKind::Pdf => export_pdf(case, &options, path),
    };
    written.map_err(|e| with_path(e, Some(path)))
}
