//! RFC 4180 CSV through the `csv` crate, safe against spreadsheet formula
//! injection: captured content is hostile, so any cell that starts with
//! `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'` (OWASP's
//! CSV-injection advice) and can never run as a formula.

use super::ExportError;
use crate::model::format_rfc3339_micros;
use crate::store::EventRow;
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
    "host",
    "server_ip",
    "event",
    "key_field",
    "decode_path",
    "exchange_id",
    "event_id",
];

/// Writes events as CSV. `excel` adds a UTF-8 BOM and CRLF line ends so
/// Excel shows non-ASCII text right.
pub fn write_events_csv(mut out: impl Write, events: &[EventRow], excel: bool) -> Result<(), ExportError> {
    if excel {
        out.write_all(b"\xEF\xBB\xBF")?;
    }
    let terminator = if excel {
        csv::Terminator::CRLF
    } else {
        csv::Terminator::Any(b'\n')
    };
    let mut writer = csv::WriterBuilder::new().terminator(terminator).from_writer(out);
    writer.write_record(EVENT_COLUMNS)?;
    for e in events {
        let record = [
            format_rfc3339_micros(e.time_micros),
            e.session.clone(),
            e.mode.to_string(),
            e.app.clone().unwrap_or_default(),
            e.tracker.clone(),
            e.host.clone(),
            e.server_ip.clone().unwrap_or_default(),
            e.event.clone(),
            e.key_field.clone().unwrap_or_default(),
            e.decode_path.clone(),
            e.exchange_id.to_string(),
            e.id.to_string(),
        ];
        writer.write_record(record.iter().map(|c| neutralize_formula(c).into_owned()))?;
    }
    writer.flush()?;
    Ok(())
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
