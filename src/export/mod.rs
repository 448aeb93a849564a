//! Getting findings out of a case: CSV for spreadsheets (formula-safe),
//! JSON for scripts, PDF for editors and lawyers.
//!
//! Promises, for every format:
//! - **All or nothing.** The file is written to a temporary file next to
//!   `out` and renamed into place: a failed export never leaves half a file.
//! - **Same case, same options, same bytes** (the PDF with `reproducible`):
//!   rows are sorted, dates come from the options or the case, not the clock.
//! - **Redaction.** Every `redact` text (and its URL-, form- and
//!   JSON-encoded forms) becomes `[redacted]` in captured content; hashes
//!   still name the original evidence files.
//! - Runs on any thread that owns the [`Case`]; the GUI calls it from a worker.

mod atomic;
mod canary_rows;
mod csv_out;
mod evidence;
mod headline;
mod json_out;
mod parquet;
mod pdf;
mod receiver;
mod redact;
mod report;
mod what_left;
mod wording;

use crate::store::{Case, EventFilter};
use std::path::{Path, PathBuf};

pub use csv_out::{EXPORT_COLUMNS, EventsCsv, neutralize_formula, write_events_csv, write_export_csv};
pub use evidence::{Finding, collect_findings};
pub use parquet::{DATA_TYPES_SCHEMA, EVENTS_SCHEMA, ParquetSummary, REQUESTS_SCHEMA, export_parquet};
pub use redact::{REDACTED, Redactor};

/// What to export and how.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Which events (session, app, mode, tracker).
    pub filter: EventFilter,
    /// Only annotated events and exchanges.
    pub findings_only: bool,
    /// The report's title (PDF).
    pub title: Option<String>,
    /// The researcher's own identifiers, replaced by `[redacted]`.
    pub redact: Vec<String>,
    /// CSV for Excel: a UTF-8 byte-order mark and CRLF line ends.
    pub excel: bool,
    /// The report date, `YYYY-MM-DD`; default: today, or the case's last
    /// change with `reproducible`.
    pub date: Option<String>,
    /// Same case and options give the same bytes (no clock in the output).
    pub reproducible: bool,
}

/// What an export wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportSummary {
    pub path: PathBuf,
    /// Data rows (CSV), events (JSON) or findings-table rows (PDF).
    pub rows: usize,
    /// Annotated events and exchanges included.
    pub findings: usize,
    pub size_bytes: u64,
    /// Pages of the PDF (0 for CSV and JSON).
    pub pages: usize,
    /// Things the reader should know (a section left out, a font missing).
    pub warnings: Vec<String>,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write CSV: {0}")]
    Csv(csv::Error),
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot lay out the PDF report: {0}")]
    Typst(String),
    #[error("not a date (use YYYY-MM-DD): `{0}`")]
    InvalidDate(String),
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
}

/// An I/O failure under the CSV writer stays an I/O error, so callers can
/// tell a closed pipe (`telltale events --csv | head`) from bad data.
impl From<csv::Error> for ExportError {
    fn from(error: csv::Error) -> Self {
        if !error.is_io_error() {
            return ExportError::Csv(error);
        }
        match error.into_kind() {
            csv::ErrorKind::Io(io) => ExportError::Io(io),
            other => ExportError::Io(std::io::Error::other(format!("{other:?}"))),
        }
    }
}

/// Writes the events (or findings) as CSV to `out`.
pub fn export_csv(case: &Case, options: &ExportOptions, out: &Path) -> Result<ExportSummary, ExportError> {
    let rows = case.export_rows(&options.filter, options.findings_only)?;
    let redactor = Redactor::new(&options.redact);
    let size_bytes = atomic::write_atomically(out, |file| write_export_csv(file, &rows, options.excel, &redactor))?;
    Ok(ExportSummary {
        path: out.to_path_buf(),
        rows: rows.len(),
        findings: rows.iter().filter(|r| r.annotation.is_some()).count(),
        size_bytes,
        pages: 0,
        warnings: Vec::new(),
    })
}

/// Writes findings with their evidence (and, unless `findings_only`, every
/// event) as one JSON document to `out`.
pub fn export_json(case: &Case, options: &ExportOptions, out: &Path) -> Result<ExportSummary, ExportError> {
    let document = json_out::build(case, options)?;
    let size_bytes = atomic::write_atomically(out, |file| json_out::write(file, &document))?;
    Ok(ExportSummary {
        path: out.to_path_buf(),
        rows: document.event_count(),
        findings: document.finding_count(),
        size_bytes,
        pages: 0,
        warnings: Vec::new(),
    })
}

/// Writes the PDF report to `out`.
pub fn export_pdf(case: &Case, options: &ExportOptions, out: &Path) -> Result<ExportSummary, ExportError> {
    let report = report::build(case, options)?;
    let rendered = pdf::render(&report, options.reproducible)?;
    let size_bytes = atomic::write_atomically(out, |file| {
        use std::io::Write;
        file.write_all(&rendered.bytes)?;
        Ok(())
    })?;
    let mut warnings = report.warnings.clone();
    warnings.extend(rendered.warnings);
    Ok(ExportSummary {
        path: out.to_path_buf(),
        rows: report.findings.len(),
        findings: report.findings.len(),
        size_bytes,
        pages: rendered.pages,
        warnings,
    })
}

/// The report date: `--date` as given, else the case's last change when
/// the output must be reproducible, else today (UTC).
fn report_date(case: &Case, options: &ExportOptions) -> Result<chrono::NaiveDate, ExportError> {
    if let Some(text) = &options.date {
        return chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| ExportError::InvalidDate(text.clone()));
    }
    let micros = if options.reproducible {
        case.export_last_change_micros()?.unwrap_or(0)
    } else {
        crate::model::now_micros()
    };
    Ok(chrono::DateTime::<chrono::Utc>::from_timestamp_micros(micros)
        .unwrap_or_default()
        .date_naive())
}
