//! Read queries for exports: one row per event with everything a CSV line,
//! a report table or a JSON finding needs (company, evidence file and hash,
//! the annotation), plus the evidence behind one exchange (its decoded
//! layers and request line).
//!
//! An event's *annotation* is its own, else its exchange's: marking a whole
//! batch request marks every event in it. An annotated exchange that decoded
//! into no event is still a finding and gets one row without an event.
//! Rows come in time order, ties by exchange then event id, so the same case
//! always exports the same bytes.

use super::root_layers::{ExchangeContent, ROOT_DECODERS, split_content};
use super::{Case, EventFilter, StoreError};
use crate::attribution::{company_for_host, company_for_tracker};
use crate::model::{Annotation, DataType, EventId, ExchangeId, Mode, SessionId, Target};
use rusqlite::{OptionalExtension, Row, params_from_iter, types::Value};
use std::collections::HashMap;

/// One exported line: an event (or an annotated exchange without events).
#[derive(Clone, Debug, PartialEq)]
pub struct ExportRow {
    /// `None` for an annotated exchange that decoded into no event.
    pub event_id: Option<EventId>,
    pub exchange_id: ExchangeId,
    pub session_id: SessionId,
    pub session: String,
    pub time_micros: i64,
    pub mode: Mode,
    pub app: Option<String>,
    pub device: Option<String>,
    pub tracker: Option<String>,
    pub company: Option<String>,
    /// Where `company` comes from (`attribution::CompanySource::stored`).
    pub company_source: Option<String>,
    /// The session's own server, or a third party's.
    pub party: crate::attribution::Party,
    pub host: String,
    pub server_ip: Option<String>,
    pub method: String,
    pub url: String,
    pub http_version: String,
    pub event: Option<String>,
    pub key_field: Option<String>,
    pub decode_path: Option<String>,
    /// Ordinal of the layer the event was read from.
    pub layer_ordinal: Option<i64>,
    pub fields: serde_json::Map<String, serde_json::Value>,
    pub source_file: String,
    pub source_sha256: String,
    /// The event's own annotation, else its exchange's.
    pub annotation: Option<Annotation>,
    /// Personal data the event carried (its own and what its request sent
    /// beside all its events), or the whole request's for a row without event.
    pub data_types: Vec<DataType>,
}

/// Events sent in one mode to one tracker and host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AggregateRow {
    pub mode: Mode,
    pub tracker: String,
    pub company: Option<String>,
    pub host: String,
    pub server_ip: Option<String>,
    pub events: i64,
}

/// Events per lane (app × mode) over equal time slices.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    pub start_micros: i64,
    pub end_micros: i64,
    pub lanes: Vec<TimelineLane>,
}

/// One lane of a [`Timeline`]: an app (empty when unknown) in one mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineLane {
    pub app: String,
    pub mode: Mode,
    pub counts: Vec<i64>,
}

/// One decoded layer of an exchange, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerRow {
    pub ordinal: i64,
    pub parent_ordinal: Option<i64>,
    pub decoder: String,
    pub step: String,
    pub summary: String,
    pub text: Option<String>,
    pub bytes: Option<Vec<u8>>,
    pub note: Option<String>,
    pub encrypted: bool,
}

const EVENT_ROW_SQL: &str =
    "SELECT v.event_id, v.exchange_id, v.session_id, s.name, v.time_micros, v.mode, v.app, v.device,
        v.tracker, x.company, x.host, x.server_ip, x.method, x.url, x.http_version, v.event_name, v.key_field,
        v.decode_path, v.layer_ordinal, v.fields, src.file_name, src.sha256, x.company_source, x.party
     FROM events v JOIN sessions s ON s.session_id = v.session_id
     JOIN exchanges x ON x.exchange_id = v.exchange_id
     JOIN sources src ON src.source_id = x.source_id WHERE 1 = 1";

const EXCHANGE_ROW_SQL: &str =
    "SELECT NULL, x.exchange_id, x.session_id, s.name, x.time_micros, s.mode, x.app, s.device,
        x.tracker, x.company, x.host, x.server_ip, x.method, x.url, x.http_version, NULL, NULL,
        NULL, NULL, '{}', src.file_name, src.sha256, x.company_source, x.party
     FROM exchanges x JOIN sessions s ON s.session_id = x.session_id
     JOIN sources src ON src.source_id = x.source_id
     WHERE NOT EXISTS (SELECT 1 FROM events v WHERE v.exchange_id = x.exchange_id)
       AND x.exchange_id IN (SELECT target_id FROM annotations WHERE target_kind = 'exchange')";

/// One request as a row without event, whether annotated or not.
const BARE_EXCHANGE_ROW_SQL: &str =
    "SELECT NULL, x.exchange_id, x.session_id, s.name, x.time_micros, x.mode, x.app, s.device,
        x.tracker, x.company, x.host, x.server_ip, x.method, x.url, x.http_version, NULL, NULL,
        NULL, NULL, '{}', src.file_name, src.sha256, x.company_source, x.party
     FROM exchanges x JOIN sessions s ON s.session_id = x.session_id
     JOIN sources src ON src.source_id = x.source_id WHERE x.exchange_id = ?1";

impl Case {
    /// Rows to export: every event matching `filter`, or with
    /// `findings_only` only annotated events and annotated exchanges.
    pub fn export_rows(&self, filter: &EventFilter, findings_only: bool) -> Result<Vec<ExportRow>, StoreError> {
        let annotations: HashMap<Target, Annotation> = self.annotations()?.into_iter().map(|a| (a.target, a)).collect();
        let filter = EventFilter {
            annotated_only: filter.annotated_only || findings_only,
            ..filter.clone()
        };
        let mut rows = self.query_export_rows(EVENT_ROW_SQL, "v", &filter)?;
        rows.extend(self.query_export_rows(EXCHANGE_ROW_SQL, "x", &filter)?);
        for row in &mut rows {
            let own = row.event_id.and_then(|id| annotations.get(&Target::Event(id)));
            let batch = annotations.get(&Target::Exchange(row.exchange_id));
            row.annotation = own.or(batch).cloned();
        }
        if findings_only {
            rows.retain(|row| row.annotation.is_some());
        }
        rows.sort_by_key(|row| (row.time_micros, row.exchange_id, row.event_id));
        if let Some(limit) = filter.limit {
            rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        }
        self.attach_data_types(&mut rows)?;
        Ok(rows)
    }

    /// The rows of one request, annotated or not: its events, or one row
    /// without event when it decoded into none (evidence for a report's
    /// example request).
    pub fn export_exchange_rows(&self, exchange: ExchangeId) -> Result<Vec<ExportRow>, StoreError> {
        let annotations: HashMap<Target, Annotation> = self.annotations()?.into_iter().map(|a| (a.target, a)).collect();
        let mut statement = self.conn.prepare_cached(&format!(
            "{EVENT_ROW_SQL} AND v.exchange_id = ?1 ORDER BY v.time_micros, v.event_id"
        ))?;
        let mut rows: Vec<ExportRow> = statement.query_map([exchange], export_row)?.collect::<Result<_, _>>()?;
        if rows.is_empty() {
            let mut statement = self.conn.prepare_cached(BARE_EXCHANGE_ROW_SQL)?;
            rows = statement.query_map([exchange], export_row)?.collect::<Result<_, _>>()?;
        }
        for row in &mut rows {
            let own = row.event_id.and_then(|id| annotations.get(&Target::Event(id)));
            row.annotation = own.or(annotations.get(&Target::Exchange(row.exchange_id))).cloned();
        }
        self.attach_data_types(&mut rows)?;
        Ok(rows)
    }

    /// Fills each row's data types: the event's, or the whole request's.
    fn attach_data_types(&self, rows: &mut [ExportRow]) -> Result<(), StoreError> {
        for row in rows {
            row.data_types = match row.event_id {
                Some(event) => self.event_data_types(event, row.exchange_id)?,
                None => self.exchange_data_types(row.exchange_id)?,
            };
        }
        Ok(())
    }

    /// Every decoded layer of `exchange`, by ordinal; root layers get their
    /// content from the exchange row (see `root_layers`).
    pub fn exchange_layers(&self, exchange: ExchangeId) -> Result<Vec<LayerRow>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT ordinal, parent_ordinal, decoder, step, summary, text, bytes, note, encrypted
             FROM layers WHERE exchange_id = ?1 ORDER BY ordinal",
        )?;
        let rows = statement.query_map([exchange], |r| {
            Ok(LayerRow {
                ordinal: r.get(0)?,
                parent_ordinal: r.get(1)?,
                decoder: r.get(2)?,
                step: r.get(3)?,
                summary: r.get(4)?,
                text: r.get(5)?,
                bytes: r.get(6)?,
                note: r.get(7)?,
                encrypted: r.get(8)?,
            })
        })?;
        let mut layers: Vec<LayerRow> = rows.collect::<Result<_, _>>()?;
        let needs_content = layers.iter().any(|l| {
            l.parent_ordinal.is_none()
                && l.text.is_none()
                && l.bytes.is_none()
                && ROOT_DECODERS.contains(&l.decoder.as_str())
        });
        if needs_content && let Some(content) = self.exchange_content(exchange)? {
            for layer in &mut layers {
                if layer.parent_ordinal.is_none() && layer.text.is_none() && layer.bytes.is_none() {
                    let raw = content.root(&layer.decoder, &layer.step).unwrap_or_default();
                    (layer.text, layer.bytes) = split_content(&raw);
                }
            }
        }
        Ok(layers)
    }

    /// The exchange columns root layers are rebuilt from.
    pub(crate) fn exchange_content(&self, exchange: ExchangeId) -> Result<Option<ExchangeContent>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT url, request_body, response_body, request_headers FROM exchanges WHERE exchange_id = ?1",
            )?
            .query_row([exchange], |r| {
                Ok(ExchangeContent {
                    url: r.get(0)?,
                    request_body: r.get(1)?,
                    response_body: r.get(2)?,
                    request_headers: r.get(3)?,
                })
            })
            .optional()?)
    }

    /// The latest moment the case changed (an import, a session, an
    /// annotation), in µs: a date for reports that does not come from the clock.
    pub fn export_last_change_micros(&self) -> Result<Option<i64>, StoreError> {
        Ok(self.conn.query_row(
            "SELECT max(t) FROM (
                 SELECT max(imported_at_micros) AS t FROM sources
                 UNION ALL SELECT max(created_at_micros) FROM sessions
                 UNION ALL SELECT max(changed_at_micros) FROM annotation_history)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Runs one of the two row queries with `filter` applied; `alias` is the
    /// table whose `app` and `tracker` columns the filter applies to.
    fn query_export_rows(&self, base: &str, alias: &str, filter: &EventFilter) -> Result<Vec<ExportRow>, StoreError> {
        let (clause, values) = self.filter_clause(filter, alias)?;
        let mut statement = self.conn.prepare_cached(&format!("{base}{clause}"))?;
        let rows = statement.query_map(params_from_iter(values), export_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Event counts per mode, tracker, company, host and server IP.
    pub fn export_aggregates(&self, filter: &EventFilter) -> Result<Vec<AggregateRow>, StoreError> {
        let (clause, values) = self.filter_clause(filter, "v")?;
        let sql = format!(
            "SELECT v.mode, v.tracker, x.company, x.host, x.server_ip, count(*)
             FROM events v JOIN sessions s ON s.session_id = v.session_id
             JOIN exchanges x ON x.exchange_id = v.exchange_id WHERE 1 = 1{clause}
             GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"
        );
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows = statement.query_map(params_from_iter(values), |r| {
            let host: String = r.get(3)?;
            Ok(AggregateRow {
                mode: r.get::<_, String>(0)?.parse().unwrap_or_default(),
                tracker: r.get(1)?,
                company: company_or_catalogue(r.get(2)?, &host, Some(&r.get::<_, String>(1)?)),
                host,
                server_ip: r.get(4)?,
                events: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Events per lane (app × mode) in `buckets` equal time slices between
    /// the first and last event passing `filter`.
    pub fn export_timeline(&self, filter: &EventFilter, buckets: u32) -> Result<Timeline, StoreError> {
        let (clause, values) = self.filter_clause(filter, "v")?;
        let from = "FROM events v JOIN sessions s ON s.session_id = v.session_id WHERE 1 = 1";
        let span: (Option<i64>, Option<i64>) = self.conn.query_row(
            &format!("SELECT min(v.time_micros), max(v.time_micros) {from}{clause}"),
            params_from_iter(values.iter()),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let (Some(start_micros), Some(end_micros)) = span else {
            return Ok(Timeline::default());
        };
        let width = (end_micros - start_micros + 1).max(1);
        let first = values.len() + 1;
        let sql = format!(
            "SELECT coalesce(v.app, ''), v.mode, ((v.time_micros - ?{first}) * ?{}) / ?{}, count(*)
             {from}{clause} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
            first + 1,
            first + 2
        );
        let mut bound = values;
        bound.extend([start_micros, i64::from(buckets), width].map(Value::Integer));
        let mut lanes: Vec<TimelineLane> = Vec::new();
        let mut statement = self.conn.prepare_cached(&sql)?;
        let mut rows = statement.query(params_from_iter(bound))?;
        while let Some(row) = rows.next()? {
            let (app, mode): (String, String) = (row.get(0)?, row.get(1)?);
            let mode: Mode = mode.parse().unwrap_or_default();
            if lanes.last().is_none_or(|l| l.app != app || l.mode != mode) {
                lanes.push(TimelineLane {
                    app,
                    mode,
                    counts: vec![0; buckets as usize],
                });
            }
            let bucket = usize::try_from(row.get::<_, i64>(2)?).unwrap_or(0);
            let total: i64 = row.get(3)?;
            if let Some(slot) = lanes.last_mut().and_then(|lane| lane.counts.get_mut(bucket)) {
                *slot += total;
            }
        }
        Ok(Timeline {
            start_micros,
            end_micros,
            lanes,
        })
    }

    /// ` AND ...` conditions for `filter` on table `alias` (`v` events or
    /// `x` exchanges; `s` is the session) and the values they bind.
    fn filter_clause(&self, filter: &EventFilter, alias: &str) -> Result<(String, Vec<Value>), StoreError> {
        // A running import's rows are invisible (see `store::import`).
        let mut sql = String::from(" AND s.import_token IS NULL");
        let mut values: Vec<Value> = Vec::new();
        if let Some(session) = &filter.session {
            values.push(Value::Integer(self.find_session(session)?.0));
            sql.push_str(&format!(" AND {alias}.session_id = ?{}", values.len()));
        }
        for (column, value) in [("app", &filter.app), ("tracker", &filter.tracker)] {
            if let Some(value) = value {
                values.push(Value::Text(value.clone()));
                sql.push_str(&format!(" AND {alias}.{column} = ?{}", values.len()));
            }
        }
        if let Some(mode) = filter.mode {
            let column = if alias == "v" { "v.mode" } else { "s.mode" };
            values.push(Value::Text(mode.as_str().into()));
            sql.push_str(&format!(" AND {column} = ?{}", values.len()));
        }
        if filter.annotated_only {
            sql.push_str(match alias {
                // Driven from the annotations (a few) by key, not tested
                // once per event: at a million events the EXISTS form read
                // every row (1.6 s each time the window refreshed).
                "v" => {
                    " AND (v.event_id IN (SELECT a.target_id FROM annotations a WHERE a.target_kind = 'event')
                          OR v.exchange_id IN (SELECT a.target_id FROM annotations a WHERE a.target_kind = 'exchange'))"
                }
                _ => "",
            });
        }
        Ok((sql, values))
    }
}

/// The company stored with the exchange, else the tracker catalogue's
/// company for the host (older cases and hosts attributed after import),
/// else the company behind the SDK that sent it: a vendor's own analytics
/// domain running Sensors Analytics still names Sensors Data.
fn company_or_catalogue(stored: Option<String>, host: &str, tracker: Option<&str>) -> Option<String> {
    stored
        .or_else(|| company_for_host(host).map(|entry| entry.company.clone()))
        .or_else(|| tracker.and_then(company_for_tracker).map(|entry| entry.company.clone()))
}

fn export_row(r: &Row<'_>) -> rusqlite::Result<ExportRow> {
    let fields: String = r.get(19)?;
    let host: String = r.get(10)?;
    let tracker: Option<String> = r.get(8)?;
    Ok(ExportRow {
        event_id: r.get(0)?,
        exchange_id: r.get(1)?,
        session_id: r.get(2)?,
        session: r.get(3)?,
        time_micros: r.get(4)?,
        mode: r.get::<_, String>(5)?.parse().unwrap_or_default(),
        app: r.get(6)?,
        device: r.get(7)?,
        company: company_or_catalogue(r.get(9)?, &host, tracker.as_deref()),
        tracker,
        host,
        server_ip: r.get(11)?,
        method: r.get(12)?,
        url: r.get(13)?,
        http_version: r.get(14)?,
        event: r.get(15)?,
        key_field: r.get(16)?,
        decode_path: r.get(17)?,
        layer_ordinal: r.get(18)?,
        fields: serde_json::from_str(&fields).unwrap_or_default(),
        source_file: r.get(20)?,
        source_sha256: r.get(21)?,
        company_source: r.get(22)?,
        party: crate::attribution::Party::parse(&r.get::<_, String>(23)?).unwrap_or(crate::attribution::Party::Third),
        annotation: None,
        data_types: Vec::new(),
    })
}
