//! The PDF report's content as plain data. Everything captured (URLs,
//! fields, notes, file names) reaches the Typst template only through this
//! structure, serialised as JSON: it is never spliced into markup, so a
//! payload like `#panic()` or `]` is shown as text and cannot run.
//!
//! Redaction is applied here, once, to every captured text; hashes are
//! copied as stored. Long excerpts are cut and wrapped here so the
//! template only lays out lines.

use super::evidence::{Finding, collect_findings};
use super::json_out::{case_name, request_line};
use super::{ExportError, ExportOptions, Redactor, report_date};
use crate::model::{Annotation, Mode, Target, format_rfc3339_micros};
use crate::store::{AggregateRow, AnnotationHistoryEntry, Case, ExportRow, LayerRow, SessionRow};
use serde::Serialize;
use std::collections::BTreeMap;

/// Fields shown per finding; the JSON export has them all.
const FIELDS_SHOWN: usize = 24;
/// Characters of a field value shown.
const FIELD_CHARS: usize = 300;
/// Characters of a layer's text shown as an excerpt.
const EXCERPT_CHARS: usize = 480;
/// Bytes of a binary layer shown as hex.
const EXCERPT_BYTES: usize = 48;
/// Characters per excerpt line (monospace, fits the page).
const EXCERPT_LINE_CHARS: usize = 96;
/// Layers shown per finding.
const LAYERS_SHOWN: usize = 12;
/// Events of one annotated exchange listed in its evidence block.
const EVENTS_SHOWN: usize = 20;
/// Rows of the all-events appendix; the CSV export has every event.
const APPENDIX_ROWS: usize = 1000;
/// Time slices of the timeline image.
const TIMELINE_BUCKETS: u32 = 60;

/// Everything the template shows.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub meta: Meta,
    pub sessions: Vec<SessionData>,
    pub summary: Vec<ModeSummary>,
    /// `None` when the case has no saved canaries (the section is left out).
    pub canaries: Option<Canaries>,
    pub findings: Vec<FindingData>,
    pub timeline: TimelineData,
    /// The all-events appendix; `None` with `findings_only`.
    pub appendix: Option<Appendix>,
    /// For the caller, not the template.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Meta {
    pub case: String,
    pub title: String,
    pub date: String,
    pub version: String,
    pub findings_only: bool,
    pub filter: String,
    pub redacted: bool,
    pub redacted_count: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct SessionData {
    pub name: String,
    pub app: String,
    pub device: String,
    pub mode: &'static str,
    pub start: String,
    pub end: String,
    pub exchanges: i64,
    pub events: i64,
    pub sources: Vec<SourceData>,
    pub annotation: Option<AnnotationData>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SourceData {
    pub file: String,
    pub format: String,
    pub size_bytes: i64,
    pub sha256: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct AnnotationData {
    pub severity: &'static str,
    pub tags: String,
    pub note: String,
    pub history: Vec<HistoryData>,
}

#[derive(Clone, Debug, Serialize)]
pub struct HistoryData {
    pub time: String,
    pub user: String,
    pub action: &'static str,
    pub change: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ModeSummary {
    pub mode: &'static str,
    pub events: i64,
    pub trackers: Vec<CountRow>,
    pub hosts: Vec<CountRow>,
}

/// A labelled count: `tracker` / `company`, or `host` / `server IP`.
#[derive(Clone, Debug, Serialize)]
pub struct CountRow {
    pub name: String,
    pub detail: String,
    pub events: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Canaries {
    pub needles: Vec<String>,
    pub hits: Vec<CanaryHit>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CanaryHit {
    pub needle: String,
    pub session: String,
    pub mode: &'static str,
    pub location: String,
    pub transform: String,
    /// `event 3 in exchange 2`, or `exchange 2` when no event holds it.
    pub target: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct FindingData {
    pub number: usize,
    pub time: String,
    pub session: String,
    pub mode: &'static str,
    pub company: String,
    pub tracker: String,
    pub event: String,
    pub key_field: String,
    pub decode_path: String,
    pub severity: &'static str,
    pub tags: String,
    pub note: String,
    pub target: String,
    pub fields: Vec<FieldData>,
    pub more_fields: usize,
    pub events: Vec<String>,
    pub more_events: usize,
    pub layers: Vec<LayerData>,
    pub more_layers: usize,
    pub request_line: String,
    pub source_file: String,
    pub source_sha256: String,
    pub history: Vec<HistoryData>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FieldData {
    pub key: String,
    pub value: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct LayerData {
    pub ordinal: i64,
    pub parent: String,
    pub decoder: String,
    pub step: String,
    pub summary: String,
    pub excerpt: Vec<String>,
    pub note: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct TimelineData {
    pub start: String,
    pub end: String,
    pub buckets: u32,
    pub max: i64,
    pub lanes: Vec<LaneData>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LaneData {
    pub label: String,
    pub mode: &'static str,
    pub total: i64,
    pub counts: Vec<i64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Appendix {
    pub rows: Vec<AppendixRow>,
    pub total: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct AppendixRow {
    pub time: String,
    pub session: String,
    pub mode: &'static str,
    pub tracker: String,
    pub event: String,
    pub key_field: String,
}

/// Gathers the report for `case` under `options`.
pub fn build(case: &Case, options: &ExportOptions) -> Result<Report, ExportError> {
    let redactor = Redactor::new(&options.redact);
    let mut warnings = Vec::new();
    let findings = collect_findings(case, &options.filter)?;
    let history = case.all_annotation_history()?;
    let sessions = case
        .sessions()?
        .iter()
        .filter(|s| session_selected(case, s, options))
        .map(|s| session_data(case, s, &history, &redactor))
        .collect::<Result<_, _>>()?;
    let canaries = canaries(case, &redactor, &mut warnings)?;
    Ok(Report {
        meta: meta(case, options, &redactor)?,
        sessions,
        summary: summary(&case.export_aggregates(&options.filter)?, &redactor),
        canaries,
        findings: findings
            .iter()
            .enumerate()
            .map(|(i, f)| finding_data(i + 1, f, &redactor))
            .collect(),
        timeline: timeline(case, options, &redactor)?,
        appendix: appendix(case, options, &redactor)?,
        warnings,
    })
}

/// Every character of captured text in the report, for font selection.
pub fn all_text(report: &Report) -> String {
    serde_json::to_string(report).unwrap_or_default()
}

fn meta(case: &Case, options: &ExportOptions, redactor: &Redactor) -> Result<Meta, ExportError> {
    let filter = &options.filter;
    let parts: Vec<String> = [
        filter.session.as_ref().map(|s| format!("session {}", redactor.text(s))),
        filter.app.as_ref().map(|a| format!("app {}", redactor.text(a))),
        filter.mode.map(|m| format!("mode {m}")),
        filter.tracker.as_ref().map(|t| format!("tracker {t}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    Ok(Meta {
        case: case_name(case, redactor),
        title: redactor.text(options.title.as_deref().unwrap_or("Telemetry findings")),
        date: report_date(case, options)?.format("%Y-%m-%d").to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        findings_only: options.findings_only,
        filter: if parts.is_empty() {
            "none".into()
        } else {
            parts.join(", ")
        },
        redacted: redactor.is_active(),
        redacted_count: options.redact.iter().filter(|t| !t.trim().is_empty()).count(),
    })
}

fn session_selected(case: &Case, session: &SessionRow, options: &ExportOptions) -> bool {
    let by_name = options
        .filter
        .session
        .as_ref()
        .is_none_or(|wanted| case.find_session(wanted).is_ok_and(|id| id == session.id));
    by_name && options.filter.mode.is_none_or(|m| m == session.mode)
}

fn session_data(
    case: &Case,
    session: &SessionRow,
    history: &[AnnotationHistoryEntry],
    redactor: &Redactor,
) -> Result<SessionData, ExportError> {
    let annotation = case.annotation(Target::Session(session.id))?;
    Ok(SessionData {
        name: redactor.text(&session.name),
        app: redactor.text(session.app.as_deref().unwrap_or("—")),
        device: redactor.text(session.device.as_deref().unwrap_or("—")),
        mode: session.mode.as_str(),
        start: session.start_micros.map(format_rfc3339_micros).unwrap_or_default(),
        end: session.end_micros.map(format_rfc3339_micros).unwrap_or_default(),
        exchanges: session.exchange_count,
        events: session.event_count,
        sources: session
            .sources
            .iter()
            .map(|s| SourceData {
                file: redactor.text(&s.file_name),
                format: s.format.clone(),
                size_bytes: s.size_bytes,
                sha256: s.sha256.clone(),
            })
            .collect(),
        annotation: annotation.map(|a| annotation_data(&a, history, redactor)),
    })
}

fn annotation_data(annotation: &Annotation, history: &[AnnotationHistoryEntry], redactor: &Redactor) -> AnnotationData {
    AnnotationData {
        severity: annotation.severity.as_str(),
        tags: redactor.text(&annotation.tags.join(", ")),
        note: redactor.text(&annotation.note),
        history: history
            .iter()
            .filter(|h| h.annotation_id == annotation.id)
            .map(|h| history_data(h, redactor))
            .collect(),
    }
}

fn history_data(entry: &AnnotationHistoryEntry, redactor: &Redactor) -> HistoryData {
    let show = |value: &Option<serde_json::Value>| value.as_ref().map_or_else(|| "—".to_string(), describe_value);
    HistoryData {
        time: format_rfc3339_micros(entry.changed_micros),
        user: redactor.text(&entry.user_name),
        action: entry.action.as_str(),
        change: redactor.text(&format!("{} → {}", show(&entry.old_value), show(&entry.new_value))),
    }
}

/// `finding [url, incognito] "note"` for one recorded annotation value.
fn describe_value(value: &serde_json::Value) -> String {
    let severity = value["severity"].as_str().unwrap_or("");
    let tags: Vec<&str> = value["tags"]
        .as_array()
        .map(|t| t.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let note = value["note"].as_str().unwrap_or("");
    format!("{severity} [{}] “{note}”", tags.join(", "))
}

fn summary(rows: &[AggregateRow], redactor: &Redactor) -> Vec<ModeSummary> {
    Mode::ALL
        .iter()
        .filter_map(|mode| {
            let in_mode: Vec<&AggregateRow> = rows.iter().filter(|r| r.mode == *mode).collect();
            if in_mode.is_empty() {
                return None;
            }
            let mut trackers: BTreeMap<(String, String), i64> = BTreeMap::new();
            let mut hosts: BTreeMap<(String, String), i64> = BTreeMap::new();
            for row in &in_mode {
                let company = row.company.clone().unwrap_or_default();
                *trackers.entry((row.tracker.clone(), company)).or_default() += row.events;
                let ip = row.server_ip.clone().unwrap_or_else(|| "—".into());
                *hosts.entry((redactor.text(&row.host), redactor.text(&ip))).or_default() += row.events;
            }
            Some(ModeSummary {
                mode: mode.as_str(),
                events: in_mode.iter().map(|r| r.events).sum(),
                trackers: count_rows(trackers),
                hosts: count_rows(hosts),
            })
        })
        .collect()
}

/// Largest counts first, then by name, so the order is stable.
fn count_rows(counts: BTreeMap<(String, String), i64>) -> Vec<CountRow> {
    let mut rows: Vec<CountRow> = counts
        .into_iter()
        .map(|((name, detail), events)| CountRow { name, detail, events })
        .collect();
    rows.sort_by(|a, b| b.events.cmp(&a.events).then_with(|| a.name.cmp(&b.name)));
    rows
}

fn canaries(case: &Case, redactor: &Redactor, warnings: &mut Vec<String>) -> Result<Option<Canaries>, ExportError> {
    let needles = case.canaries()?;
    if needles.is_empty() {
        return Ok(None);
    }
    let hits = case.search(&needles)?;
    if hits.is_empty() {
        warnings.push(format!("none of the {} saved canaries was found", needles.len()));
    }
    Ok(Some(Canaries {
        needles: needles.iter().map(|n| redactor.text(n)).collect(),
        hits: hits
            .into_iter()
            .map(|h| CanaryHit {
                needle: redactor.text(&h.needle),
                session: redactor.text(&h.session),
                mode: h.mode.as_str(),
                location: redactor.text(&h.location),
                transform: h.transform,
                target: match h.event_id {
                    Some(event) => format!("event {event} in exchange {}", h.exchange_id),
                    None => format!("exchange {}", h.exchange_id),
                },
            })
            .collect(),
    }))
}

fn finding_data(number: usize, finding: &Finding, redactor: &Redactor) -> FindingData {
    let first = finding.first();
    let annotation = &finding.annotation;
    let event_rows: Vec<&ExportRow> = finding.rows.iter().filter(|r| r.event_id.is_some()).collect();
    let (fields, more_fields) = fields_shown(first, redactor);
    FindingData {
        number,
        time: format_rfc3339_micros(first.time_micros),
        session: redactor.text(&first.session),
        mode: first.mode.as_str(),
        company: redactor.text(first.company.as_deref().unwrap_or("—")),
        tracker: first.tracker.clone().unwrap_or_else(|| "—".into()),
        event: finding_event(annotation.target, &event_rows, redactor),
        key_field: redactor.text(first.key_field.as_deref().unwrap_or(&first.url)),
        decode_path: redactor.text(first.decode_path.as_deref().unwrap_or("—")),
        severity: annotation.severity.as_str(),
        tags: redactor.text(&annotation.tags.join(", ")),
        note: redactor.text(&annotation.note),
        target: format!("{} {}", annotation.target.kind(), annotation.target.id()),
        fields,
        more_fields,
        events: event_rows
            .iter()
            .take(EVENTS_SHOWN)
            .map(|r| event_line(r, redactor))
            .collect(),
        more_events: event_rows.len().saturating_sub(EVENTS_SHOWN),
        layers: finding
            .layers
            .iter()
            .take(LAYERS_SHOWN)
            .map(|l| layer_data(l, redactor))
            .collect(),
        more_layers: finding.layers.len().saturating_sub(LAYERS_SHOWN),
        request_line: request_line(first, redactor),
        source_file: redactor.text(&first.source_file),
        source_sha256: first.source_sha256.clone(),
        history: finding.history.iter().map(|h| history_data(h, redactor)).collect(),
    }
}

/// The event name, or for a whole exchange how many events it carried.
fn finding_event(target: Target, rows: &[&ExportRow], redactor: &Redactor) -> String {
    match (target, rows) {
        (Target::Event(_), [row, ..]) => redactor.text(row.event.as_deref().unwrap_or("")),
        (_, []) => "(no decoded event)".into(),
        (_, [row]) => redactor.text(row.event.as_deref().unwrap_or("")),
        (_, rows) => format!("{} events in one request", rows.len()),
    }
}

fn event_line(row: &ExportRow, redactor: &Redactor) -> String {
    let id = row.event_id.map(|id| id.to_string()).unwrap_or_default();
    let event = row.event.as_deref().unwrap_or("");
    let key = row.key_field.as_deref().unwrap_or("");
    redactor.text(&format!("#{id} {event} {key}"))
}

/// The first fields in payload order, and how many more there are.
fn fields_shown(row: &ExportRow, redactor: &Redactor) -> (Vec<FieldData>, usize) {
    let total = row.fields.len();
    let fields = row
        .fields
        .iter()
        .take(FIELDS_SHOWN)
        .map(|(key, value)| FieldData {
            key: redactor.text(key),
            value: redactor.excerpt(
                &value.as_str().map_or_else(|| value.to_string(), str::to_string),
                FIELD_CHARS,
            ),
        })
        .collect();
    (fields, total.saturating_sub(FIELDS_SHOWN))
}

fn layer_data(layer: &LayerRow, redactor: &Redactor) -> LayerData {
    let excerpt = match (&layer.text, &layer.bytes) {
        (Some(text), _) => wrap_lines(&redactor.excerpt(text, EXCERPT_CHARS), EXCERPT_LINE_CHARS),
        (None, Some(_)) if redactor.is_active() => vec!["(binary content withheld: redaction is on)".into()],
        (None, Some(bytes)) => hex_excerpt(bytes),
        (None, None) => Vec::new(),
    };
    LayerData {
        ordinal: layer.ordinal,
        parent: layer
            .parent_ordinal
            .map(|p| p.to_string())
            .unwrap_or_else(|| "—".into()),
        decoder: layer.decoder.clone(),
        step: redactor.text(&layer.step),
        summary: redactor.text(&layer.summary),
        excerpt,
        note: match (layer.encrypted, &layer.note) {
            (true, Some(note)) => format!("encrypted; {}", redactor.text(note)),
            (true, None) => "encrypted".into(),
            (false, note) => redactor.text(note.as_deref().unwrap_or("")),
        },
    }
}

/// The first bytes as hex, 16 per line.
fn hex_excerpt(bytes: &[u8]) -> Vec<String> {
    let mut lines: Vec<String> = bytes
        .chunks(16)
        .take(EXCERPT_BYTES / 16)
        .map(|chunk| chunk.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" "))
        .collect();
    if bytes.len() > EXCERPT_BYTES {
        lines.push(format!("… {} bytes in all", bytes.len()));
    }
    lines
}

/// Splits `text` into lines of at most `width` characters (at newlines
/// first), with control characters shown as spaces.
fn wrap_lines(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for line in text.lines() {
        let clean: Vec<char> = line.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        if clean.is_empty() {
            continue;
        }
        lines.extend(clean.chunks(width.max(1)).map(|piece| piece.iter().collect::<String>()));
    }
    lines
}

fn timeline(case: &Case, options: &ExportOptions, redactor: &Redactor) -> Result<TimelineData, ExportError> {
    let timeline = case.export_timeline(&options.filter, TIMELINE_BUCKETS)?;
    if timeline.lanes.is_empty() {
        return Ok(TimelineData::default());
    }
    let lanes: Vec<LaneData> = timeline
        .lanes
        .iter()
        .map(|lane| LaneData {
            label: format!(
                "{} · {}",
                if lane.app.is_empty() {
                    "unknown app".into()
                } else {
                    redactor.text(&lane.app)
                },
                lane.mode
            ),
            mode: lane.mode.as_str(),
            total: lane.counts.iter().sum(),
            counts: lane.counts.clone(),
        })
        .collect();
    Ok(TimelineData {
        start: format_rfc3339_micros(timeline.start_micros),
        end: format_rfc3339_micros(timeline.end_micros),
        buckets: TIMELINE_BUCKETS,
        max: lanes.iter().flat_map(|l| l.counts.iter().copied()).max().unwrap_or(0),
        lanes,
    })
}

fn appendix(case: &Case, options: &ExportOptions, redactor: &Redactor) -> Result<Option<Appendix>, ExportError> {
    if options.findings_only {
        return Ok(None);
    }
    let rows = case.export_rows(&options.filter, false)?;
    Ok(Some(Appendix {
        total: rows.len(),
        rows: rows
            .iter()
            .take(APPENDIX_ROWS)
            .map(|r| AppendixRow {
                time: format_rfc3339_micros(r.time_micros),
                session: redactor.text(&r.session),
                mode: r.mode.as_str(),
                tracker: r.tracker.clone().unwrap_or_default(),
                event: redactor.text(r.event.as_deref().unwrap_or("")),
                key_field: redactor.excerpt(r.key_field.as_deref().unwrap_or(""), FIELD_CHARS),
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_wrapped_not_cut() {
        let text = "a".repeat(200);
        let lines = wrap_lines(&text, 96);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines.concat(), text);
    }

    #[test]
    fn hex_excerpt_says_how_much_was_left_out() {
        let lines = hex_excerpt(&[0xAB; 100]);
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("ab ab"));
        assert_eq!(lines[3], "… 100 bytes in all");
    }
}
