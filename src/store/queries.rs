//! Read queries over sessions and events, returning plain rows.

use super::{Case, StoreError};
use crate::model::{EventId, ExchangeId, Mode, SessionId};
use rusqlite::{Row, params_from_iter, types::Value};
use serde::Serialize;

/// An evidence file as listed with its session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceRow {
    pub file_name: String,
    pub sha256: String,
    pub format: String,
    pub size_bytes: i64,
}

/// A session with its counts and time span (µs; `None` when empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub id: SessionId,
    pub name: String,
    pub app: Option<String>,
    pub device: Option<String>,
    pub mode: Mode,
    pub notes: String,
    pub exchange_count: i64,
    pub event_count: i64,
    pub start_micros: Option<i64>,
    pub end_micros: Option<i64>,
    pub sources: Vec<SourceRow>,
}

/// How many exchanges went to one host in a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostCount {
    pub host: String,
    pub company: Option<String>,
    pub exchanges: u64,
    pub server_ips: Vec<String>,
}

/// Which events to list. Empty fields do not filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Session name or numeric id.
    pub session: Option<String>,
    pub app: Option<String>,
    pub mode: Option<Mode>,
    pub tracker: Option<String>,
    /// Only events carrying an annotation.
    pub annotated_only: bool,
    pub limit: Option<u64>,
}

/// One event with what a reader needs to place it.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    pub id: EventId,
    pub session: String,
    pub session_id: SessionId,
    pub exchange_id: ExchangeId,
    pub time_micros: i64,
    pub app: Option<String>,
    pub device: Option<String>,
    pub mode: Mode,
    pub tracker: String,
    pub company: Option<String>,
    pub event: String,
    pub fields: serde_json::Map<String, serde_json::Value>,
    pub key_field: Option<String>,
    pub decode_path: String,
    pub host: String,
    pub url: String,
    pub server_ip: Option<String>,
    /// Personal data the event carried (its own and its request's shared).
    pub data_types: Vec<crate::model::DataType>,
}

impl Case {
    /// Every session, oldest first, with counts, time span and sources.
    pub fn sessions(&self) -> Result<Vec<SessionRow>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            // Counts and span are kept up to date at import (schema 3).
            "SELECT s.session_id, s.name, s.app, s.device, s.mode, s.notes,
                    s.exchange_count, s.event_count, s.start_micros, s.end_micros
             FROM sessions s WHERE s.import_token IS NULL ORDER BY s.session_id",
        )?;
        let mut rows: Vec<SessionRow> = statement
            .query_map([], |r| {
                Ok(SessionRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    app: r.get(2)?,
                    device: r.get(3)?,
                    mode: r.get::<_, String>(4)?.parse().unwrap_or_default(),
                    notes: r.get(5)?,
                    exchange_count: r.get(6)?,
                    event_count: r.get(7)?,
                    start_micros: r.get(8)?,
                    end_micros: r.get(9)?,
                    sources: Vec::new(),
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut sources = self.conn.prepare_cached(
            "SELECT file_name, sha256, format, size_bytes FROM sources WHERE session_id = ?1 ORDER BY source_id",
        )?;
        for row in &mut rows {
            row.sources = sources
                .query_map([row.id], |r| {
                    Ok(SourceRow {
                        file_name: r.get(0)?,
                        sha256: r.get(1)?,
                        format: r.get(2)?,
                        size_bytes: r.get(3)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
        }
        Ok(rows)
    }

    /// Finds a session by name, or by id when `name_or_id` is a number.
    pub fn find_session(&self, name_or_id: &str) -> Result<SessionId, StoreError> {
        let by_name = self.conn.query_row(
            "SELECT session_id FROM sessions WHERE name = ?1 AND import_token IS NULL",
            [name_or_id],
            |r| r.get(0),
        );
        match by_name {
            Ok(id) => Ok(id),
            Err(rusqlite::Error::QueryReturnedNoRows) => {
                let by_id = name_or_id.parse::<i64>().ok().and_then(|id| {
                    self.conn
                        .query_row(
                            "SELECT session_id FROM sessions WHERE session_id = ?1 AND import_token IS NULL",
                            [id],
                            |r| r.get(0),
                        )
                        .ok()
                });
                by_id.ok_or_else(|| StoreError::NotFound(format!("no session named `{name_or_id}`")))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Exchanges per host in one session, with the host's company and the
    /// server addresses the capture recorded for it.
    pub fn host_counts(&self, session: SessionId) -> Result<Vec<HostCount>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT host, max(company), count(*), group_concat(DISTINCT server_ip)
             FROM exchanges WHERE session_id = ?1 GROUP BY host ORDER BY host",
        )?;
        let rows = statement.query_map([session], |r| {
            let ips: Option<String> = r.get(3)?;
            Ok(HostCount {
                host: r.get(0)?,
                company: r.get(1)?,
                exchanges: r.get::<_, i64>(2)?.max(0) as u64,
                server_ips: ips
                    .map(|list| list.split(',').map(str::to_string).collect())
                    .unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Events matching `filter`, in time order (ties by id).
    pub fn events(&self, filter: &EventFilter) -> Result<Vec<EventRow>, StoreError> {
        let mut rows = Vec::new();
        self.for_each_event(filter, |row| {
            rows.push(row);
            Ok::<(), StoreError>(())
        })?;
        Ok(rows)
    }

    /// Hands each event matching `filter` to `each`, in time order (ties by
    /// id), straight from the query: memory stays flat however many rows
    /// there are. An error from `each` (a closed pipe) stops the listing.
    pub fn for_each_event<E: From<StoreError>>(
        &self,
        filter: &EventFilter,
        mut each: impl FnMut(EventRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut sql = format!("{EVENT_ROW_SELECT} WHERE s.import_token IS NULL");
        let mut values: Vec<Value> = Vec::new();
        if let Some(session) = &filter.session {
            values.push(Value::Integer(self.find_session(session)?.0));
            sql.push_str(&format!(" AND v.session_id = ?{}", values.len()));
        }
        for (column, value) in [("v.app", &filter.app), ("v.tracker", &filter.tracker)] {
            if let Some(value) = value {
                values.push(Value::Text(value.clone()));
                sql.push_str(&format!(" AND {column} = ?{}", values.len()));
            }
        }
        if let Some(mode) = filter.mode {
            values.push(Value::Text(mode.as_str().into()));
            sql.push_str(&format!(" AND v.mode = ?{}", values.len()));
        }
        if filter.annotated_only {
            sql.push_str(
                // By key from the annotations, not tested once per event.
                " AND v.event_id IN (SELECT a.target_id FROM annotations a WHERE a.target_kind = 'event')",
            );
        }
        sql.push_str(" ORDER BY v.time_micros, v.event_id");
        if let Some(limit) = filter.limit {
            values.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
            sql.push_str(&format!(" LIMIT ?{}", values.len()));
        }
        let mut statement = self.conn.prepare_cached(&sql).map_err(StoreError::from)?;
        let mut rows = statement.query(params_from_iter(values)).map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            let mut event = event_row(row).map_err(StoreError::from)?;
            event.data_types = self.event_data_types(event.id, event.exchange_id)?;
            each(event)?;
        }
        Ok(())
    }
}

/// One HTTP exchange as listed (no bodies, no headers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRow {
    pub exchange_id: ExchangeId,
    pub session: String,
    pub session_mode: Mode,
    pub time_micros: i64,
    pub method: String,
    pub url: String,
    pub host: String,
    pub status: Option<u16>,
    pub server_ip: Option<String>,
    pub app: Option<String>,
    pub tracker: Option<String>,
    pub company: Option<String>,
    pub event_count: i64,
    /// Where `company` comes from (`attribution::CompanySource::stored`).
    pub company_source: Option<String>,
    /// `first` or `third`.
    pub party: String,
    /// The HTTP client in the User-Agent.
    pub client: Option<String>,
}

impl Case {
    /// Hands each exchange of the sessions `filter` names (session, app and
    /// tracker apply; mode is the session's) to `each`, in time order,
    /// straight from the query.
    pub fn for_each_request<E: From<StoreError>>(
        &self,
        filter: &EventFilter,
        mut each: impl FnMut(RequestRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut sql = String::from(
            "SELECT x.exchange_id, s.name, s.mode, x.time_micros, x.method, x.url, x.host, x.status, x.server_ip,
                    x.app, x.tracker, x.company,
                    (SELECT count(*) FROM events v WHERE v.exchange_id = x.exchange_id),
                    x.company_source, x.party, x.client
             FROM exchanges x JOIN sessions s ON s.session_id = x.session_id WHERE s.import_token IS NULL",
        );
        let mut values: Vec<Value> = Vec::new();
        if let Some(session) = &filter.session {
            values.push(Value::Integer(self.find_session(session)?.0));
            sql.push_str(&format!(" AND x.session_id = ?{}", values.len()));
        }
        for (column, value) in [("x.app", &filter.app), ("x.tracker", &filter.tracker)] {
            if let Some(value) = value {
                values.push(Value::Text(value.clone()));
                sql.push_str(&format!(" AND {column} = ?{}", values.len()));
            }
        }
        if let Some(mode) = filter.mode {
            values.push(Value::Text(mode.as_str().into()));
            sql.push_str(&format!(" AND s.mode = ?{}", values.len()));
        }
        sql.push_str(" ORDER BY x.time_micros, x.exchange_id");
        let mut statement = self.conn.prepare_cached(&sql).map_err(StoreError::from)?;
        let mut rows = statement.query(params_from_iter(values)).map_err(StoreError::from)?;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let row = request_row(r).map_err(StoreError::from)?;
            each(row)?;
        }
        Ok(())
    }
}

fn request_row(r: &Row<'_>) -> rusqlite::Result<RequestRow> {
    Ok(RequestRow {
        exchange_id: r.get(0)?,
        session: r.get(1)?,
        session_mode: r.get::<_, String>(2)?.parse().unwrap_or_default(),
        time_micros: r.get(3)?,
        method: r.get(4)?,
        url: r.get(5)?,
        host: r.get(6)?,
        status: r.get::<_, Option<i64>>(7)?.and_then(|s| u16::try_from(s).ok()),
        server_ip: r.get(8)?,
        app: r.get(9)?,
        tracker: r.get(10)?,
        company: r.get(11)?,
        event_count: r.get(12)?,
        company_source: r.get(13)?,
        party: r.get(14)?,
        client: r.get(15)?,
    })
}

/// One piece of personal data a request carried, as exported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataTypeRow {
    pub exchange_id: ExchangeId,
    pub event_id: Option<EventId>,
    pub session: String,
    pub mode: Mode,
    pub company: Option<String>,
    pub kind: String,
    pub field: String,
    pub value: String,
}

impl Case {
    /// Hands each stored data type of the sessions `filter` names to `each`,
    /// by exchange, straight from the query.
    pub fn for_each_data_type<E: From<StoreError>>(
        &self,
        filter: &EventFilter,
        mut each: impl FnMut(DataTypeRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut sql = String::from(
            "SELECT d.exchange_id, d.event_id, s.name, x.mode, x.company, d.type, d.field, d.value
             FROM data_types d JOIN exchanges x USING (exchange_id) JOIN sessions s ON s.session_id = x.session_id
             WHERE s.import_token IS NULL",
        );
        let mut values: Vec<Value> = Vec::new();
        if let Some(session) = &filter.session {
            values.push(Value::Integer(self.find_session(session)?.0));
            sql.push_str(&format!(" AND x.session_id = ?{}", values.len()));
        }
        if let Some(mode) = filter.mode {
            values.push(Value::Text(mode.as_str().into()));
            sql.push_str(&format!(" AND x.mode = ?{}", values.len()));
        }
        sql.push_str(" ORDER BY d.exchange_id, d.data_type_id");
        let mut statement = self.conn.prepare_cached(&sql).map_err(StoreError::from)?;
        let mut rows = statement.query(params_from_iter(values)).map_err(StoreError::from)?;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let row = data_type_row(r).map_err(StoreError::from)?;
            each(row)?;
        }
        Ok(())
    }
}

fn data_type_row(r: &Row<'_>) -> rusqlite::Result<DataTypeRow> {
    Ok(DataTypeRow {
        exchange_id: r.get(0)?,
        event_id: r.get(1)?,
        session: r.get(2)?,
        mode: r.get::<_, String>(3)?.parse().unwrap_or_default(),
        company: r.get(4)?,
        kind: r.get(5)?,
        field: r.get(6)?,
        value: r.get(7)?,
    })
}

/// The columns [`event_row`] reads, joined from events, sessions and exchanges.
pub(crate) const EVENT_ROW_SELECT: &str =
    "SELECT v.event_id, s.name, v.session_id, v.exchange_id, v.time_micros, v.app, v.device, v.mode,
            v.tracker, x.company, v.event_name, v.fields, v.key_field, v.decode_path, x.host, x.url, x.server_ip
     FROM events v JOIN sessions s USING (session_id) JOIN exchanges x USING (exchange_id)";

/// Reads one row of [`EVENT_ROW_SELECT`].
pub(crate) fn event_row(r: &Row<'_>) -> rusqlite::Result<EventRow> {
    let fields: String = r.get(11)?;
    Ok(EventRow {
        id: r.get(0)?,
        session: r.get(1)?,
        session_id: r.get(2)?,
        exchange_id: r.get(3)?,
        time_micros: r.get(4)?,
        app: r.get(5)?,
        device: r.get(6)?,
        mode: r.get::<_, String>(7)?.parse().unwrap_or_default(),
        tracker: r.get(8)?,
        company: r.get(9)?,
        event: r.get(10)?,
        fields: serde_json::from_str(&fields).unwrap_or_default(),
        key_field: r.get(12)?,
        decode_path: r.get(13)?,
        host: r.get(14)?,
        url: r.get(15)?,
        server_ip: r.get(16)?,
        data_types: Vec::new(),
    })
}
