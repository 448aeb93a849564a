//! `telltale export --json`: findings with their events, fields, decode
//! path, layers, exchange, evidence hash and history, for other tools.
//!
//! Keys are snake_case and stable; times are RFC 3339 UTC with
//! microseconds. Layer bytes are base64; with redaction on they are left
//! out (binary content cannot be redacted reliably) and
//! `bytes_withheld` says so.

use super::evidence::{Finding, collect_findings};
use super::{ExportError, ExportOptions, Redactor, report_date};
use crate::attribution::geo_for_ip;
use crate::model::{Annotation, DataType, dedupe_data_types, format_rfc3339_micros};
use crate::store::{AnnotationHistoryEntry, Case, ExportRow, LayerRow, SessionRow};
use base64::Engine as _;
use serde::Serialize;
use serde_json::Value;
use std::io::Write;

/// Name and version of this document's shape.
const FORMAT: &str = "telltale-findings/1";

/// The whole JSON document.
#[derive(Serialize)]
pub struct Document {
    format: &'static str,
    case: String,
    telltale_version: &'static str,
    date: String,
    redaction_applied: bool,
    filter: FilterJson,
    sessions: Vec<SessionJson>,
    findings: Vec<FindingJson>,
    /// Every event passing the filter; absent with `findings_only`.
    #[serde(skip_serializing_if = "Option::is_none")]
    events: Option<Vec<EventJson>>,
}

impl Document {
    /// Events in the document: all of them, or those inside findings.
    pub fn event_count(&self) -> usize {
        match &self.events {
            Some(events) => events.len(),
            None => self.findings.iter().map(|f| f.events.len()).sum(),
        }
    }

    pub fn finding_count(&self) -> usize {
        self.findings.len()
    }
}

#[derive(Serialize)]
struct FilterJson {
    session: Option<String>,
    app: Option<String>,
    mode: Option<&'static str>,
    tracker: Option<String>,
    findings_only: bool,
}

#[derive(Serialize)]
struct SessionJson {
    id: i64,
    name: String,
    app: Option<String>,
    device: Option<String>,
    mode: &'static str,
    start_time: Option<String>,
    end_time: Option<String>,
    exchange_count: i64,
    event_count: i64,
    sources: Vec<SourceJson>,
    annotation: Option<AnnotationJson>,
}

#[derive(Serialize)]
struct SourceJson {
    file_name: String,
    sha256: String,
    format: String,
    size_bytes: i64,
}

#[derive(Serialize)]
struct AnnotationJson {
    id: i64,
    target_kind: &'static str,
    target_id: i64,
    severity: &'static str,
    tags: Vec<String>,
    note: String,
    created: String,
    updated: String,
    history: Vec<HistoryJson>,
}

#[derive(Serialize)]
struct HistoryJson {
    time: String,
    user_name: String,
    action: &'static str,
    old_value: Option<Value>,
    new_value: Option<Value>,
}

#[derive(Serialize)]
struct FindingJson {
    annotation: AnnotationJson,
    exchange: ExchangeJson,
    events: Vec<EventJson>,
    layers: Vec<LayerJson>,
}

#[derive(Serialize)]
struct ExchangeJson {
    id: i64,
    time: String,
    request_line: String,
    method: String,
    url: String,
    host: String,
    server_ip: Option<String>,
    #[serde(flatten)]
    place: PlaceJson,
    company: Option<String>,
    /// Where `company` comes from, as `exchanges --json` says it.
    company_source: Option<String>,
    /// `first` (the session's own server) or `third`.
    party: &'static str,
    /// Personal data anywhere in the request (its events' included).
    data_types: Vec<DataType>,
    source_file: String,
    source_sha256: String,
}

/// Where a server is registered, from the offline databases.
#[derive(Serialize)]
struct PlaceJson {
    country: Option<String>,
    country_name: Option<String>,
    org: Option<String>,
}

impl PlaceJson {
    fn of(ip: Option<&str>) -> PlaceJson {
        let geo = ip.and_then(geo_for_ip).unwrap_or_default();
        PlaceJson {
            country: geo.country_code,
            country_name: geo.country_name,
            org: geo.org,
        }
    }
}

#[derive(Serialize)]
struct EventJson {
    id: Option<i64>,
    exchange_id: i64,
    time: String,
    session: String,
    mode: &'static str,
    app: Option<String>,
    device: Option<String>,
    tracker: Option<String>,
    company: Option<String>,
    company_source: Option<String>,
    party: &'static str,
    host: String,
    server_ip: Option<String>,
    #[serde(flatten)]
    place: PlaceJson,
    event: Option<String>,
    key_field: Option<String>,
    decode_path: Option<String>,
    fields: Value,
    /// Personal data the event carried (its own and its request's shared).
    data_types: Vec<DataType>,
    source_file: String,
    source_sha256: String,
}

#[derive(Serialize)]
struct LayerJson {
    ordinal: i64,
    parent_ordinal: Option<i64>,
    decoder: String,
    step: String,
    summary: String,
    text: Option<String>,
    bytes_base64: Option<String>,
    bytes_withheld: bool,
    note: Option<String>,
    encrypted: bool,
}

/// Builds the document for `case` under `options`.
pub fn build(case: &Case, options: &ExportOptions) -> Result<Document, ExportError> {
    let redactor = Redactor::new(&options.redact);
    let findings = collect_findings(case, &options.filter)?;
    let history = case.all_annotation_history()?;
    let sessions = case
        .sessions()?
        .iter()
        .map(|s| session_json(case, s, &history, &redactor))
        .collect::<Result<_, _>>()?;
    let events = if options.findings_only {
        None
    } else {
        let rows = case.export_rows(&options.filter, false)?;
        Some(rows.iter().map(|r| event_json(r, &redactor)).collect())
    };
    Ok(Document {
        format: FORMAT,
        case: case_name(case, &redactor),
        telltale_version: env!("CARGO_PKG_VERSION"),
        date: report_date(case, options)?.format("%Y-%m-%d").to_string(),
        redaction_applied: redactor.is_active(),
        filter: FilterJson {
            session: options.filter.session.clone(),
            app: options.filter.app.clone(),
            mode: options.filter.mode.map(|m| m.as_str()),
            tracker: options.filter.tracker.clone(),
            findings_only: options.findings_only,
        },
        sessions,
        findings: findings.iter().map(|f| finding_json(f, &redactor)).collect(),
        events,
    })
}

/// Writes the document as pretty JSON with a final newline.
pub fn write(out: &mut impl Write, document: &Document) -> Result<(), ExportError> {
    serde_json::to_writer_pretty(&mut *out, document)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// The case's file name, or `in-memory case`.
pub fn case_name(case: &Case, redactor: &Redactor) -> String {
    case.path()
        .and_then(|p| p.file_name())
        .map_or_else(|| "in-memory case".to_string(), |n| redactor.text(&n.to_string_lossy()))
}

fn session_json(
    case: &Case,
    session: &SessionRow,
    history: &[AnnotationHistoryEntry],
    redactor: &Redactor,
) -> Result<SessionJson, ExportError> {
    let annotation = case
        .annotation(crate::model::Target::Session(session.id))?
        .map(|a| annotation_json(&a, history, redactor));
    Ok(SessionJson {
        id: session.id.0,
        name: redactor.text(&session.name),
        app: redactor.option(session.app.as_deref()),
        device: redactor.option(session.device.as_deref()),
        mode: session.mode.as_str(),
        start_time: session.start_micros.map(format_rfc3339_micros),
        end_time: session.end_micros.map(format_rfc3339_micros),
        exchange_count: session.exchange_count,
        event_count: session.event_count,
        sources: session
            .sources
            .iter()
            .map(|s| SourceJson {
                file_name: redactor.text(&s.file_name),
                sha256: s.sha256.clone(),
                format: s.format.clone(),
                size_bytes: s.size_bytes,
            })
            .collect(),
        annotation,
    })
}

fn finding_json(finding: &Finding, redactor: &Redactor) -> FindingJson {
    FindingJson {
        annotation: annotation_json(&finding.annotation, &finding.history, redactor),
        exchange: exchange_json(finding.first(), &finding.rows, redactor),
        events: finding
            .rows
            .iter()
            .filter(|r| r.event_id.is_some())
            .map(|r| event_json(r, redactor))
            .collect(),
        layers: finding.layers.iter().map(|l| layer_json(l, redactor)).collect(),
    }
}

fn annotation_json(annotation: &Annotation, history: &[AnnotationHistoryEntry], redactor: &Redactor) -> AnnotationJson {
    AnnotationJson {
        id: annotation.id.0,
        target_kind: annotation.target.kind(),
        target_id: annotation.target.id(),
        severity: annotation.severity.as_str(),
        tags: annotation.tags.iter().map(|t| redactor.text(t)).collect(),
        note: redactor.text(&annotation.note),
        created: format_rfc3339_micros(annotation.created_micros),
        updated: format_rfc3339_micros(annotation.updated_micros),
        history: history
            .iter()
            .filter(|h| h.annotation_id == annotation.id)
            .map(|h| HistoryJson {
                time: format_rfc3339_micros(h.changed_micros),
                user_name: redactor.text(&h.user_name),
                action: h.action.as_str(),
                old_value: h.old_value.as_ref().map(|v| redactor.json(v)),
                new_value: h.new_value.as_ref().map(|v| redactor.json(v)),
            })
            .collect(),
    }
}

/// `POST https://host/path HTTP/1.1`, redacted.
pub fn request_line(row: &ExportRow, redactor: &Redactor) -> String {
    redactor.text(&format!("{} {} {}", row.method, row.url, row.http_version))
}

/// `types` with field and value redacted.
fn data_types_json(types: &[DataType], redactor: &Redactor) -> Vec<DataType> {
    types
        .iter()
        .map(|t| DataType {
            kind: t.kind.clone(),
            field: redactor.text(&t.field),
            value: redactor.text(&t.value),
            confidence: t.confidence,
        })
        .collect()
}

fn exchange_json(row: &ExportRow, rows: &[ExportRow], redactor: &Redactor) -> ExchangeJson {
    let mut types: Vec<DataType> = rows.iter().flat_map(|r| r.data_types.iter().cloned()).collect();
    dedupe_data_types(&mut types);
    ExchangeJson {
        id: row.exchange_id.0,
        time: format_rfc3339_micros(row.time_micros),
        request_line: request_line(row, redactor),
        method: row.method.clone(),
        url: redactor.text(&row.url),
        host: redactor.text(&row.host),
        server_ip: redactor.option(row.server_ip.as_deref()),
        place: PlaceJson::of(row.server_ip.as_deref()),
        company: redactor.option(row.company.as_deref()),
        company_source: row.company_source.clone(),
        party: row.party.as_str(),
        data_types: data_types_json(&types, redactor),
        source_file: redactor.text(&row.source_file),
        source_sha256: row.source_sha256.clone(),
    }
}

fn event_json(row: &ExportRow, redactor: &Redactor) -> EventJson {
    EventJson {
        id: row.event_id.map(|id| id.0),
        exchange_id: row.exchange_id.0,
        time: format_rfc3339_micros(row.time_micros),
        session: redactor.text(&row.session),
        mode: row.mode.as_str(),
        app: redactor.option(row.app.as_deref()),
        device: redactor.option(row.device.as_deref()),
        tracker: row.tracker.clone(),
        company: row.company.clone(),
        company_source: row.company_source.clone(),
        party: row.party.as_str(),
        host: redactor.text(&row.host),
        server_ip: redactor.option(row.server_ip.as_deref()),
        place: PlaceJson::of(row.server_ip.as_deref()),
        event: redactor.option(row.event.as_deref()),
        key_field: redactor.option(row.key_field.as_deref()),
        decode_path: redactor.option(row.decode_path.as_deref()),
        fields: redactor.json(&Value::Object(row.fields.clone())),
        data_types: data_types_json(&row.data_types, redactor),
        source_file: redactor.text(&row.source_file),
        source_sha256: row.source_sha256.clone(),
    }
}

fn layer_json(layer: &LayerRow, redactor: &Redactor) -> LayerJson {
    let withheld = redactor.is_active() && layer.bytes.is_some();
    LayerJson {
        ordinal: layer.ordinal,
        parent_ordinal: layer.parent_ordinal,
        decoder: layer.decoder.clone(),
        step: redactor.text(&layer.step),
        summary: redactor.text(&layer.summary),
        text: redactor.option(layer.text.as_deref()),
        bytes_base64: match &layer.bytes {
            Some(bytes) if !withheld => Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
            _ => None,
        },
        bytes_withheld: withheld,
        note: redactor.option(layer.note.as_deref()),
        encrypted: layer.encrypted,
    }
}
