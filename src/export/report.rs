//! The PDF report's content as plain data. Everything captured (URLs,
//! fields, notes, file names) reaches the Typst template only through this
//! structure, serialised as JSON: it is never spliced into markup, so a
//! payload like `#panic()` or `]` is shown as text and cannot run.
//!
//! Redaction is applied here, once, to every captured text; hashes are
//! copied as stored. Long excerpts are cut and wrapped here so the
//! template only lays out lines. Times are to the second everywhere but in
//! the evidence blocks, which keep the capture's microseconds.
//!
//! The order of the report: key findings (sentences, `headline`), what left
//! the device (`what_left`), the findings table, canary hits, the timeline,
//! the sessions with their evidence files, one evidence block per finding
//! and per example request a sentence cites, and the appendix.

use super::canary_rows::group_hits;
use super::evidence::{Example, Finding, collect_example, collect_findings};
use super::headline::{Sentence, Sources, headlines};
use super::json_out::{case_name, request_line};
use super::receiver::{company, describe_servers, first_sdk, server};
use super::what_left::{LeftApp, what_left};
use super::wording::{label, table_rank};
use super::{ExportError, ExportOptions, Redactor, report_date};
use crate::model::{Annotation, DataType, Mode, SessionId, Target, format_rfc3339_micros};
use crate::palette::LIGHT;
use crate::store::{
    AnnotationHistoryEntry, Case, ExportRow, HistoryAction, HostCount, LayerRow, SessionRow, SummaryFilter,
    SummaryGroup,
};
use serde::Serialize;
use std::collections::HashMap;

/// Fields shown per finding; the JSON export has them all.
const FIELDS_SHOWN: usize = 24;
/// Personal-data rows shown per evidence block.
const DATA_SHOWN: usize = 30;
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
/// Rows of the canary table; `telltale search` lists every hit.
const CANARY_ROWS: usize = 200;
/// Rows of the all-events appendix; the CSV export has every event.
const APPENDIX_ROWS: usize = 1000;
/// Time slices of the timeline image.
const TIMELINE_BUCKETS: u32 = 60;

/// Everything the template shows.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub meta: Meta,
    pub palette: PaletteData,
    /// Page 1: sentences from the case summary.
    pub key_findings: Vec<Sentence>,
    /// Receivers with personal data not retold on page 1.
    pub more_groups: usize,
    /// Page 1: the researcher's findings retold.
    pub finding_sentences: Vec<Sentence>,
    pub more_findings: usize,
    pub left: Vec<LeftApp>,
    pub sessions: Vec<SessionData>,
    /// `None` when the case has no saved canaries (the section is left out).
    pub canaries: Option<Canaries>,
    pub findings: Vec<EvidenceData>,
    /// Example requests cited by key findings that no annotation covers.
    pub examples: Vec<EvidenceData>,
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

/// The window's colours (`crate::palette::LIGHT`) as `#rrggbb`.
#[derive(Clone, Debug, Serialize)]
pub struct PaletteData {
    pub normal: String,
    pub incognito: String,
    pub unknown: String,
    pub info: String,
    pub notable: String,
    pub finding: String,
    pub canary: String,
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
    /// `created`, `changed`, `removed`.
    pub action: &'static str,
    /// What changed, in words: `note “a” → “b”; tags: canary → canary, url`.
    pub change: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Canaries {
    pub needles: Vec<String>,
    /// Every hit (layer × transform) that `telltale search` lists.
    pub hit_count: usize,
    pub rows: Vec<CanaryRow>,
    pub more_rows: usize,
}

/// One event or request that held a canary.
#[derive(Clone, Debug, Serialize)]
pub struct CanaryRow {
    pub needle: String,
    /// Empty when the session is named after its mode.
    pub session: String,
    pub mode: &'static str,
    /// `host`, `company`, `country` of the request.
    pub host: String,
    pub company: String,
    pub country: String,
    /// The clearest place it was found.
    pub location: String,
    /// Every encoding it was found under, simplest first.
    pub encodings: String,
    /// `event 219 · request 241`.
    pub target: String,
    pub response_only: bool,
}

/// One evidence block: an annotated finding or an example request.
#[derive(Clone, Debug, Serialize)]
pub struct EvidenceData {
    /// `finding` or `example`.
    pub kind: &'static str,
    /// `Finding 1`, `Example A`.
    pub label: String,
    /// The block's label in the document, which page 1 links to.
    pub anchor: String,
    pub number: usize,
    /// Key findings (page 1) this block backs: `1, 3`.
    pub backs: String,
    /// With microseconds (evidence).
    pub time: String,
    /// To the second (tables).
    pub time_short: String,
    /// Empty when the session is named after its mode.
    pub session: String,
    pub mode: &'static str,
    pub company: String,
    pub company_by_sdk: bool,
    pub sdk: String,
    pub tracker: String,
    pub host: String,
    /// `161.117.96.161, Singapore, Alibaba …`, or empty.
    pub server: String,
    pub country: String,
    pub event: String,
    pub key_field: String,
    /// The headline kinds of data in it: `Search term, Visited URL, Unique user ID`.
    pub data_summary: String,
    pub decode_path: String,
    pub severity: &'static str,
    pub tags: String,
    pub note: String,
    pub target: String,
    pub data: Vec<DataRow>,
    pub more_data: usize,
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

/// One piece of personal data in an evidence block.
#[derive(Clone, Debug, Serialize)]
pub struct DataRow {
    pub label: String,
    pub kind: String,
    pub field: String,
    pub value: String,
    pub confidence: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct FieldData {
    pub key: String,
    pub value: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct LayerData {
    /// 1, 2, 3 … in the order shown (not the stored ordinal).
    pub number: usize,
    /// The number of the layer it was found in; empty for a root.
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
    let session_rows: Vec<SessionRow> = case
        .sessions()?
        .into_iter()
        .filter(|s| session_selected(case, s, options))
        .collect();
    let sessions = session_rows
        .iter()
        .map(|s| session_data(case, s, &history, &redactor))
        .collect::<Result<_, _>>()?;
    let groups = summary_groups(case, options)?;
    let mut hosts: HashMap<SessionId, Vec<HostCount>> = HashMap::new();
    for session in &session_rows {
        hosts.insert(session.id, case.host_counts(session.id)?);
    }
    let mut headlines = headlines(&Sources {
        groups: &groups,
        findings: &findings,
        hosts: &hosts,
        redactor: &redactor,
    });
    let backs = |anchor: &str| -> String {
        let numbers: Vec<String> = headlines
            .key_findings
            .iter()
            .enumerate()
            .filter(|(_, s)| s.evidence.as_ref().is_some_and(|e| e.anchor == anchor))
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        numbers.join(", ")
    };
    let mut finding_blocks: Vec<EvidenceData> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| finding_evidence(i + 1, f, &redactor))
        .collect();
    for block in &mut finding_blocks {
        block.backs = backs(&block.anchor);
    }
    let mut examples = Vec::new();
    for (i, wanted) in headlines.examples.iter().enumerate() {
        if let Some(example) = collect_example(case, wanted.exchange_id, &wanted.kind)? {
            let mut block = example_evidence(i + 1, wanted.letter, &example, &redactor);
            block.backs = backs(&block.anchor);
            examples.push(block);
        }
    }
    // A sentence never points at a block the report does not have.
    let anchors: Vec<&str> = finding_blocks
        .iter()
        .chain(&examples)
        .map(|b| b.anchor.as_str())
        .collect();
    let mut key_findings = headlines.key_findings;
    for sentence in key_findings.iter_mut().chain(headlines.findings.iter_mut()) {
        if sentence
            .evidence
            .as_ref()
            .is_some_and(|e| !anchors.contains(&e.anchor.as_str()))
        {
            sentence.evidence = None;
        }
    }
    Ok(Report {
        meta: meta(case, options, &redactor)?,
        palette: palette(),
        key_findings,
        more_groups: headlines.more_groups,
        finding_sentences: headlines.findings,
        more_findings: headlines.more_findings,
        left: what_left(&groups, &hosts, &redactor),
        sessions,
        canaries: canaries(case, &redactor, &mut warnings)?,
        findings: finding_blocks,
        examples,
        timeline: timeline(case, options, unnamed_app(&groups).as_deref(), &redactor)?,
        appendix: appendix(case, options, &redactor)?,
        warnings,
    })
}

/// Every character of captured text in the report, for font selection.
pub fn all_text(report: &Report) -> String {
    serde_json::to_string(report).unwrap_or_default()
}

fn palette() -> PaletteData {
    PaletteData {
        normal: LIGHT.normal.hex(),
        incognito: LIGHT.incognito.hex(),
        unknown: LIGHT.unknown.hex(),
        info: LIGHT.severity_info.hex(),
        notable: LIGHT.severity_notable.hex(),
        finding: LIGHT.severity_finding.hex(),
        canary: LIGHT.canary.hex(),
    }
}

/// The summary groups under the export's filter (session and mode in the
/// query; app and tracker here, as the summary does not filter by them).
fn summary_groups(case: &Case, options: &ExportOptions) -> Result<Vec<SummaryGroup>, ExportError> {
    let filter = &options.filter;
    let groups = case.summary(&SummaryFilter {
        session: filter.session.clone(),
        mode: filter.mode,
        ..SummaryFilter::default()
    })?;
    Ok(groups
        .into_iter()
        .filter(|g| filter.app.as_ref().is_none_or(|app| g.app.as_ref() == Some(app)))
        .filter(|g| filter.tracker.as_ref().is_none_or(|t| g.trackers.contains(t)))
        .collect())
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

/// `2020-04-20 10:00:35`: UTC to the second, for tables and headings.
pub fn time_to_second(time_micros: i64) -> String {
    let text = format_rfc3339_micros(time_micros);
    match text.split_once('T') {
        Some((day, rest)) => format!("{day} {}", rest.get(..8).unwrap_or(rest)),
        None => text,
    }
}

/// The session's name, or empty when it only repeats the mode (a session
/// called “incognito” in incognito mode reads “incognito”, not twice).
fn session_label(session: &str, mode: Mode, redactor: &Redactor) -> String {
    if session.trim().eq_ignore_ascii_case(mode.as_str()) {
        String::new()
    } else {
        redactor.text(session)
    }
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
        start: session.start_micros.map(time_to_second).unwrap_or_default(),
        end: session.end_micros.map(time_to_second).unwrap_or_default(),
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
    HistoryData {
        time: time_to_second(entry.changed_micros),
        user: redactor.text(&entry.user_name),
        action: match entry.action {
            HistoryAction::Create => "created",
            HistoryAction::Update => "changed",
            HistoryAction::Delete => "removed",
        },
        change: redactor.text(&describe_change(
            entry.action,
            entry.old_value.as_ref(),
            entry.new_value.as_ref(),
        )),
    }
}

/// One recorded annotation value, read as severity, tags and note.
struct Recorded {
    severity: String,
    tags: Vec<String>,
    note: String,
}

impl Recorded {
    fn from(value: Option<&serde_json::Value>) -> Recorded {
        let value = value.cloned().unwrap_or_default();
        Recorded {
            severity: value["severity"].as_str().unwrap_or("").to_string(),
            tags: value["tags"]
                .as_array()
                .map(|t| t.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default(),
            note: value["note"].as_str().unwrap_or("").to_string(),
        }
    }

    fn tags_text(&self) -> String {
        if self.tags.is_empty() {
            "none".into()
        } else {
            self.tags.join(", ")
        }
    }

    fn note_text(&self) -> String {
        if self.note.is_empty() {
            "no note".into()
        } else {
            format!("“{}”", self.note)
        }
    }

    /// `severity finding; tags canary; note “…”`.
    fn describe(&self) -> String {
        format!(
            "severity {}; tags {}; note {}",
            self.severity,
            self.tags_text(),
            self.note_text()
        )
    }
}

/// What a history entry changed, in words.
fn describe_change(action: HistoryAction, old: Option<&serde_json::Value>, new: Option<&serde_json::Value>) -> String {
    let (old, new) = (Recorded::from(old), Recorded::from(new));
    match action {
        HistoryAction::Create => new.describe(),
        HistoryAction::Delete => format!("was: {}", old.describe()),
        HistoryAction::Update => {
            let mut changes = Vec::new();
            if old.severity != new.severity {
                changes.push(format!("severity {} → {}", old.severity, new.severity));
            }
            if old.tags != new.tags {
                changes.push(format!("tags {} → {}", old.tags_text(), new.tags_text()));
            }
            if old.note != new.note {
                changes.push(format!("note {} → {}", old.note_text(), new.note_text()));
            }
            if changes.is_empty() {
                "saved unchanged".into()
            } else {
                changes.join("; ")
            }
        }
    }
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
    let groups = group_hits(&hits);
    let mut exchanges = HashMap::new();
    let mut rows = Vec::new();
    for group in groups.iter().take(CANARY_ROWS) {
        let exchange = match exchanges.entry(group.exchange_id) {
            std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
            std::collections::hash_map::Entry::Vacant(slot) => slot.insert(case.exchange_row(group.exchange_id)?),
        };
        let trackers: Vec<&str> = exchange.tracker.as_deref().into_iter().collect();
        let receiver = company(
            exchange.company.as_deref(),
            exchange.company_source.as_deref(),
            &exchange.host,
            trackers,
        );
        let country = exchange
            .server_ip
            .as_deref()
            .map(server)
            .and_then(|s| s.country)
            .unwrap_or_default();
        rows.push(CanaryRow {
            needle: redactor.text(&group.needle),
            session: session_label(&group.session, group.mode, redactor),
            mode: group.mode.as_str(),
            host: redactor.text(&exchange.host),
            company: receiver.map(|c| redactor.text(&c.name)).unwrap_or_default(),
            country,
            location: redactor.text(&group.location),
            encodings: group.encodings.join(", "),
            target: match group.event_id {
                Some(event) => format!("event {event} · request {}", group.exchange_id),
                None => format!("request {}", group.exchange_id),
            },
            response_only: group.response_only,
        });
    }
    Ok(Some(Canaries {
        needles: needles.iter().map(|n| redactor.text(n)).collect(),
        hit_count: hits.len(),
        more_rows: groups.len().saturating_sub(CANARY_ROWS),
        rows,
    }))
}

/// The parts of an evidence block shared by findings and examples.
fn evidence_data(
    kind: &'static str,
    label: String,
    anchor: String,
    number: usize,
    rows: &[ExportRow],
    layers: &[LayerRow],
    redactor: &Redactor,
) -> Option<EvidenceData> {
    let first = rows.first()?;
    let event_rows: Vec<&ExportRow> = rows.iter().filter(|r| r.event_id.is_some()).collect();
    let (fields, more_fields) = fields_shown(first, redactor);
    let trackers: Vec<&str> = first.tracker.as_deref().into_iter().collect();
    let receiver = company(
        first.company.as_deref(),
        first.company_source.as_deref(),
        &first.host,
        trackers.iter().copied(),
    );
    let ips: Vec<String> = first.server_ip.iter().cloned().collect();
    let data = data_rows(rows, redactor);
    Some(EvidenceData {
        kind,
        label,
        anchor,
        number,
        backs: String::new(),
        time: format_rfc3339_micros(first.time_micros),
        time_short: time_to_second(first.time_micros),
        session: session_label(&first.session, first.mode, redactor),
        mode: first.mode.as_str(),
        company: receiver
            .as_ref()
            .map(|c| redactor.text(&c.name))
            .unwrap_or_else(|| "—".into()),
        company_by_sdk: receiver.as_ref().is_some_and(|c| c.by_sdk),
        sdk: first_sdk(trackers.iter().copied())
            .map(|s| format!("{s} SDK"))
            .unwrap_or_default(),
        tracker: first.tracker.clone().unwrap_or_else(|| "—".into()),
        host: redactor.text(&first.host),
        server: redactor.text(&describe_servers(&ips)),
        country: first
            .server_ip
            .as_deref()
            .map(server)
            .and_then(|s| s.country)
            .unwrap_or_default(),
        event: String::new(),
        key_field: redactor.text(first.key_field.as_deref().unwrap_or(&first.url)),
        data_summary: data_summary(&data),
        decode_path: redactor.text(first.decode_path.as_deref().unwrap_or("—")),
        severity: "",
        tags: String::new(),
        note: String::new(),
        target: String::new(),
        more_data: data.len().saturating_sub(DATA_SHOWN),
        data: data.into_iter().take(DATA_SHOWN).collect(),
        fields,
        more_fields,
        events: event_rows
            .iter()
            .take(EVENTS_SHOWN)
            .map(|r| event_line(r, redactor))
            .collect(),
        more_events: event_rows.len().saturating_sub(EVENTS_SHOWN),
        layers: numbered_layers(layers, redactor),
        more_layers: layers.len().saturating_sub(LAYERS_SHOWN),
        request_line: request_line(first, redactor),
        source_file: redactor.text(&first.source_file),
        source_sha256: first.source_sha256.clone(),
        history: Vec::new(),
    })
}

fn finding_evidence(number: usize, finding: &Finding, redactor: &Redactor) -> EvidenceData {
    let annotation = &finding.annotation;
    let event_rows: Vec<&ExportRow> = finding.rows.iter().filter(|r| r.event_id.is_some()).collect();
    let mut block = evidence_data(
        "finding",
        format!("Finding {number}"),
        format!("finding-{number}"),
        number,
        &finding.rows,
        &finding.layers,
        redactor,
    )
    // `collect_findings` never yields a finding without rows.
    .unwrap_or_else(|| empty_evidence(number));
    block.event = finding_event(annotation.target, &event_rows, redactor);
    if block.event.is_empty() {
        block.event = request_name(finding.first(), redactor);
    }
    block.severity = annotation.severity.as_str();
    block.tags = redactor.text(&annotation.tags.join(", "));
    block.note = redactor.text(&annotation.note);
    block.target = target_text(annotation.target, finding.first());
    block.history = finding.history.iter().map(|h| history_data(h, redactor)).collect();
    block
}

fn example_evidence(number: usize, letter: char, example: &Example, redactor: &Redactor) -> EvidenceData {
    let mut block = evidence_data(
        "example",
        format!("Example {letter}"),
        format!("example-{letter}"),
        number,
        &example.rows,
        &example.layers,
        redactor,
    )
    .unwrap_or_else(|| empty_evidence(number));
    let Some(cited) = example.rows.first() else {
        return block;
    };
    block.event = match cited.event.as_deref() {
        Some(event) => redactor.text(event),
        None => request_name(cited, redactor),
    };
    block.target = match cited.event_id {
        Some(event) => format!("event {event} in request {}", cited.exchange_id),
        None => format!("request {}", cited.exchange_id),
    };
    block
}

/// A block for the impossible case of evidence without rows, so a report
/// never fails over it.
fn empty_evidence(number: usize) -> EvidenceData {
    EvidenceData {
        kind: "finding",
        label: format!("Finding {number}"),
        anchor: format!("finding-{number}"),
        number,
        backs: String::new(),
        time: String::new(),
        time_short: String::new(),
        session: String::new(),
        mode: "unknown",
        company: "—".into(),
        company_by_sdk: false,
        sdk: String::new(),
        tracker: "—".into(),
        host: String::new(),
        server: String::new(),
        country: String::new(),
        event: String::new(),
        key_field: String::new(),
        data_summary: String::new(),
        decode_path: String::new(),
        severity: "",
        tags: String::new(),
        note: String::new(),
        target: String::new(),
        data: Vec::new(),
        more_data: 0,
        fields: Vec::new(),
        more_fields: 0,
        events: Vec::new(),
        more_events: 0,
        layers: Vec::new(),
        more_layers: 0,
        request_line: String::new(),
        source_file: String::new(),
        source_sha256: String::new(),
        history: Vec::new(),
    }
}

/// `event 16 in request 8`, `request 8`, `session 2`.
fn target_text(target: Target, first: &ExportRow) -> String {
    match target {
        Target::Event(id) => format!("event {id} in request {}", first.exchange_id),
        Target::Exchange(id) => format!("request {id}"),
        Target::Session(id) => format!("session {id}"),
    }
}

/// The event name, or for a whole exchange how many events it carried
/// (empty when it carried none).
fn finding_event(target: Target, rows: &[&ExportRow], redactor: &Redactor) -> String {
    match (target, rows) {
        (Target::Event(_), [row, ..]) => redactor.text(row.event.as_deref().unwrap_or("")),
        // No event: the caller names the request instead.
        (_, []) => String::new(),
        (_, [row]) => redactor.text(row.event.as_deref().unwrap_or("")),
        (_, rows) => format!("{} events in one request", rows.len()),
    }
}

/// `POST api2.branch.io/v1/open`: a request without events, by its line
/// (without the query, which the evidence block shows in full).
fn request_name(row: &ExportRow, redactor: &Redactor) -> String {
    let without_scheme = row.url.split_once("://").map_or(row.url.as_str(), |(_, rest)| rest);
    let path = without_scheme.split(['?', '#']).next().unwrap_or(without_scheme);
    redactor.text(&format!("{} {path}", row.method))
}

fn event_line(row: &ExportRow, redactor: &Redactor) -> String {
    let id = row.event_id.map(|id| id.to_string()).unwrap_or_default();
    let event = row.event.as_deref().unwrap_or("");
    let key = row.key_field.as_deref().unwrap_or("");
    redactor.text(&format!("#{id} {event} {key}"))
}

/// Headline kinds named in `data`, in order, at most four and a count of the rest.
fn data_summary(data: &[DataRow]) -> String {
    let mut labels: Vec<&str> = Vec::new();
    for row in data.iter().filter(|d| super::wording::is_headline(&d.kind)) {
        if !labels.contains(&row.label.as_str()) {
            labels.push(&row.label);
        }
    }
    let shown = labels.iter().take(4).copied().collect::<Vec<_>>().join(", ");
    match labels.len() {
        0..=4 => shown,
        n => format!("{shown} and {} more", n - 4),
    }
}

/// The personal data of `rows` (once per kind, field and value), headline
/// kinds first.
fn data_rows(rows: &[ExportRow], redactor: &Redactor) -> Vec<DataRow> {
    let mut all: Vec<DataType> = rows.iter().flat_map(|r| r.data_types.iter().cloned()).collect();
    crate::model::dedupe_data_types(&mut all);
    all.sort_by_key(|d| table_rank(&d.kind));
    all.into_iter()
        .map(|d| DataRow {
            label: label(&d.kind),
            field: redactor.text(&d.field),
            value: redactor.text(&clip(&d.value, FIELD_CHARS)),
            confidence: d.confidence.as_str(),
            kind: d.kind,
        })
        .collect()
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

/// The first layers, numbered 1, 2, 3 … as shown, each naming the number
/// of the layer it was found in.
fn numbered_layers(layers: &[LayerRow], redactor: &Redactor) -> Vec<LayerData> {
    let shown: Vec<&LayerRow> = layers.iter().take(LAYERS_SHOWN).collect();
    let numbers: HashMap<i64, usize> = shown.iter().enumerate().map(|(i, l)| (l.ordinal, i + 1)).collect();
    shown
        .iter()
        .enumerate()
        .map(|(i, layer)| {
            let parent = layer.parent_ordinal.map(|p| match numbers.get(&p) {
                Some(number) => number.to_string(),
                // A parent not shown (beyond the limit) keeps its stored ordinal.
                None => format!("#{p}"),
            });
            layer_data(i + 1, parent, layer, redactor)
        })
        .collect()
}

fn layer_data(number: usize, parent: Option<String>, layer: &LayerRow, redactor: &Redactor) -> LayerData {
    let excerpt = match (&layer.text, &layer.bytes) {
        (Some(text), _) => wrap_lines(&redactor.excerpt(text, EXCERPT_CHARS), EXCERPT_LINE_CHARS),
        (None, Some(_)) if redactor.is_active() => vec!["(binary content withheld: redaction is on)".into()],
        (None, Some(bytes)) => hex_excerpt(bytes),
        (None, None) => Vec::new(),
    };
    LayerData {
        number,
        parent: parent.unwrap_or_default(),
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

/// `text` cut to `max` characters with `…` when longer.
fn clip(text: &str, max: usize) -> String {
    super::wording::clip(text, max)
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

/// The one app id that sessions without an app name carried, if there is
/// exactly one: the name for the timeline's lane of events without an app.
fn unnamed_app(groups: &[SummaryGroup]) -> Option<String> {
    let mut names: Vec<String> = Vec::new();
    for group in groups.iter().filter(|g| g.app.is_none()) {
        let name = super::headline::app_name(group, groups);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    match names.as_slice() {
        [one] if !one.starts_with("the app in session") => names.pop(),
        _ => None,
    }
}

fn timeline(
    case: &Case,
    options: &ExportOptions,
    unnamed_app: Option<&str>,
    redactor: &Redactor,
) -> Result<TimelineData, ExportError> {
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
                    unnamed_app.map_or_else(|| "unknown app".into(), |app| redactor.text(app))
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
        start: time_to_second(timeline.start_micros),
        end: time_to_second(timeline.end_micros),
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
                time: time_to_second(r.time_micros),
                session: session_label(&r.session, r.mode, redactor),
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

    #[test]
    fn tables_show_times_to_the_second() {
        assert_eq!(time_to_second(1_587_376_835_716_000), "2020-04-20 10:00:35");
    }

    #[test]
    fn a_session_named_after_its_mode_is_not_said_twice() {
        let redactor = Redactor::new(&[]);
        assert_eq!(session_label("incognito", Mode::Incognito, &redactor), "");
        assert_eq!(
            session_label("after update", Mode::Incognito, &redactor),
            "after update"
        );
    }

    #[test]
    fn history_says_what_changed_in_words() {
        let old = serde_json::json!({"severity": "notable", "tags": ["canary"], "note": ""});
        let new = serde_json::json!({"severity": "finding", "tags": ["canary"], "note": "sent to Singapore"});
        assert_eq!(
            describe_change(HistoryAction::Update, Some(&old), Some(&new)),
            "severity notable → finding; note no note → “sent to Singapore”"
        );
        assert_eq!(
            describe_change(HistoryAction::Create, None, Some(&new)),
            "severity finding; tags canary; note “sent to Singapore”"
        );
        assert_eq!(
            describe_change(HistoryAction::Delete, Some(&old), None),
            "was: severity notable; tags canary; note no note"
        );
    }
}
