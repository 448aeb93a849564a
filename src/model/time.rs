//! Conversions between microsecond timestamps and RFC 3339 text.

use chrono::{DateTime, SecondsFormat, Utc};

/// Parses an RFC 3339 / ISO 8601 timestamp with any offset into UTC µs.
/// Accepts the loose forms capture tools write: no `T` separator, no offset
/// (taken as UTC), fractional seconds of any length.
pub fn parse_rfc3339_micros(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.timestamp_micros());
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(text, format) {
            return Some(dt.timestamp_micros());
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(naive) = chrono::NaiveDateTime::parse_from_str(text, format) {
            return Some(naive.and_utc().timestamp_micros());
        }
    }
    None
}

/// Formats UTC µs as RFC 3339 with exactly six fractional digits and `Z`.
pub fn format_rfc3339_micros(time_micros: i64) -> String {
    DateTime::<Utc>::from_timestamp_micros(time_micros)
        .map(|dt| dt.to_rfc3339_opts(SecondsFormat::Micros, true))
        .unwrap_or_else(|| format!("invalid-time({time_micros})"))
}

/// The current wall-clock time in UTC µs.
pub fn now_micros() -> i64 {
    Utc::now().timestamp_micros()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_normalised_to_utc() {
        let a = parse_rfc3339_micros("2023-04-03T12:01:02.345+02:00");
        let b = parse_rfc3339_micros("2023-04-03T10:01:02.345Z");
        assert_eq!(a, b);
        assert_eq!(
            format_rfc3339_micros(a.unwrap_or_default()),
            "2023-04-03T10:01:02.345000Z"
        );
    }

    #[test]
    fn loose_forms_parse() {
        assert!(parse_rfc3339_micros("2010-01-02 03:04:05").is_some());
        assert!(parse_rfc3339_micros("2010-01-02T03:04:05.1234567-05:00").is_some());
        assert!(parse_rfc3339_micros("yesterday").is_none());
    }
}
