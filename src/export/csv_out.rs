//! RFC 4180 CSV through the `csv` crate, safe against spreadsheet formula
//! injection: captured content is hostile, so any cell that starts with
//! `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'` (OWASP's
//! CSV-injection advice) and can never run as a formula.

use super::{ExportError, Redactor};
use crate::attribution::geo_for_ip;
use crate::model::{DataType, format_rfc3339_micros};
use crate::store::{EventRow, ExportRow};
use std::borrow::Cow;
use std::io::Write;

/// Prefixes a cell that a spreadsheet would read as a formula.
pub fn neutralize_formula(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

const EVENT_COLUMNS: &[&str] = &[
    "time",
    "session",
    "mode",
    "app",
    "tracker",
    "company",
    "host",
    "server_ip",
    "country",
    "org",
    "event",
    "key_field",
    "data_types",
    "decode_path",
    "exchange_id",
    "event_id",
];

/// The columns of `telltale export --csv`, in order (a stable interface).
pub const EXPORT_COLUMNS: &[&str] = &[
    "time",
    "session",
    "mode",
    "app",
    "device",
    "tracker",
    "company",
    "host",
    "server_ip",
    "country",
    "org",
    "event",
    "key_field",
    "data_types",
    "decode_path",
    "severity",
    "tags",
    "note",
    "exchange_id",
    "event_id",
    "source_file",
    "source_sha256",
    "company_source",
    "party",
];

/// A CSV writer over `out`; `excel` writes a UTF-8 BOM first and ends
/// lines with CRLF so Excel shows non-ASCII text right.
fn csv_writer<W: Write>(mut out: W, excel: bool) -> Result<csv::Writer<W>, ExportError> {
    if excel {
        out.write_all(b"\xEF\xBB\xBF")?;
    }
    let terminator = if excel {
        csv::Terminator::CRLF
    } else {
        csv::Terminator::Any(b'\n')
    };
    Ok(csv::WriterBuilder::new().terminator(terminator).from_writer(out))
}

/// Writes export rows (see [`EXPORT_COLUMNS`]) with captured content
/// redacted and every cell formula-safe. Hashes are written as stored.
pub fn write_export_csv(
    out: impl Write,
    rows: &[ExportRow],
    excel: bool,
    redactor: &Redactor,
) -> Result<(), ExportError> {
    let mut writer = csv_writer(out, excel)?;
    writer.write_record(EXPORT_COLUMNS)?;
    for row in rows {
        let record = export_record(row, redactor);
        writer.write_record(record.iter().map(|c| neutralize_formula(c).into_owned()))?;
    }
    writer.flush()?;
    Ok(())
}

/// Data types as one cell, `type=value` pairs as `exchanges --csv` writes
/// them: `searchTerm=purple giraffe 7391; userId=03317bb4875fb038`.
pub fn data_types_cell(types: &[DataType]) -> String {
    types
        .iter()
        .map(|t| format!("{}={}", t.kind, t.value))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Country code and network owner of `ip` from the offline databases.
fn country_and_org(ip: Option<&str>) -> (String, String) {
    let geo = ip.and_then(geo_for_ip).unwrap_or_default();
    (
        geo.country_code.or(geo.country_name).unwrap_or_default(),
        geo.org.unwrap_or_default(),
    )
}

fn export_record(row: &ExportRow, redactor: &Redactor) -> [String; 24] {
    let text = |value: Option<&str>| redactor.text(value.unwrap_or_default());
    let annotation = row.annotation.as_ref();
    let (country, org) = country_and_org(row.server_ip.as_deref());
    [
        format_rfc3339_micros(row.time_micros),
        redactor.text(&row.session),
        row.mode.to_string(),
        text(row.app.as_deref()),
        text(row.device.as_deref()),
        text(row.tracker.as_deref()),
        text(row.company.as_deref()),
        redactor.text(&row.host),
        text(row.server_ip.as_deref()),
        country,
        org,
        text(row.event.as_deref()),
        text(row.key_field.as_deref()),
        redactor.text(&data_types_cell(&row.data_types)),
        text(row.decode_path.as_deref()),
        annotation.map(|a| a.severity.to_string()).unwrap_or_default(),
        annotation
            .map(|a| redactor.text(&a.tags.join("; ")))
            .unwrap_or_default(),
        annotation.map(|a| redactor.text(&a.note)).unwrap_or_default(),
        row.exchange_id.to_string(),
        row.event_id.map(|id| id.to_string()).unwrap_or_default(),
        redactor.text(&row.source_file),
        row.source_sha256.clone(),
        text(row.company_source.as_deref()),
        row.party.as_str().to_string(),
    ]
}

/// Writes events as CSV (`telltale events --csv`). `excel` adds a UTF-8
/// BOM and CRLF line ends.
pub fn write_events_csv(out: impl Write, events: &[EventRow], excel: bool) -> Result<(), ExportError> {
    let mut writer = EventsCsv::new(out, excel)?;
    for event in events {
        writer.write(event)?;
    }
    writer.finish()
}

/// Events as CSV, one row at a time (listings stream).
pub struct EventsCsv<W: Write> {
    writer: csv::Writer<W>,
}

impl<W: Write> EventsCsv<W> {
    /// Starts the CSV with its header line.
    pub fn new(out: W, excel: bool) -> Result<Self, ExportError> {
        let mut writer = csv_writer(out, excel)?;
        writer.write_record(EVENT_COLUMNS)?;
        Ok(EventsCsv { writer })
    }

    pub fn write(&mut self, e: &EventRow) -> Result<(), ExportError> {
        let (country, org) = country_and_org(e.server_ip.as_deref());
        let record = [
            format_rfc3339_micros(e.time_micros),
            e.session.clone(),
            e.mode.to_string(),
            e.app.clone().unwrap_or_default(),
            e.tracker.clone(),
            e.company.clone().unwrap_or_default(),
            e.host.clone(),
            e.server_ip.clone().unwrap_or_default(),
            country,
            org,
            e.event.clone(),
            e.key_field.clone().unwrap_or_default(),
            data_types_cell(&e.data_types),
            e.decode_path.clone(),
            e.exchange_id.to_string(),
            e.id.to_string(),
        ];
        self.writer
            .write_record(record.iter().map(|c| neutralize_formula(c).into_owned()))?;
        Ok(())
    }

    pub fn finish(mut self) -> Result<(), ExportError> {
        self.writer.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralized() {
        assert_eq!(
            neutralize_formula("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(neutralize_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralize_formula("-2+3"), "'-2+3");
        assert_eq!(neutralize_formula("\tcmd"), "'\tcmd");
        assert_eq!(neutralize_formula("https://a/"), "https://a/");
    }
}
