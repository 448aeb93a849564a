//! Requests (exchanges) as first-class rows: every request the capture
//! holds, whether or not an event was decoded from it, with its company,
//! category, tracker, event count and the personal data it carried.
//!
//! Listing streams: rows are handed to a callback one at a time, so memory
//! stays flat whatever the case size. Filters are bound parameters.

use super::{Case, StoreError};
use crate::model::{Confidence, DataType, EventId, ExchangeId, Mode, SessionId};
use rusqlite::{Row, params_from_iter, types::Value};

/// Which requests to list. Empty fields do not filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExchangeFilter {
    /// Session name or numeric id.
    pub session: Option<String>,
    /// Exact host, or a domain whose subdomains count too (`facebook.com`).
    pub host: Option<String>,
    pub tracker: Option<String>,
    /// Company, compared case-insensitively.
    pub company: Option<String>,
    pub mode: Option<Mode>,
}

/// One request as listed.
#[derive(Clone, Debug, PartialEq)]
pub struct ExchangeRow {
    pub id: ExchangeId,
    pub session: String,
    pub session_id: SessionId,
    pub source_file: String,
    /// 0-based position of the request in its source file.
    pub source_index: i64,
    pub time_micros: i64,
    pub method: String,
    pub url: String,
    pub host: String,
    pub status: Option<u16>,
    pub server_ip: Option<String>,
    pub app: Option<String>,
    pub mode: Mode,
    pub tracker: Option<String>,
    pub company: Option<String>,
    /// Where the company comes from (`attribution::CompanySource::stored`).
    pub company_source: Option<String>,
    pub category: Option<String>,
    /// `first` (the app's own servers) or `third`.
    pub party: String,
    /// The HTTP library or browser that sent it (never an app).
    pub client: Option<String>,
    pub endpoint: Option<String>,
    pub event_count: i64,
    pub decode_path_summary: String,
    pub data_types: Vec<DataType>,
}

const EXCHANGE_ROW_SELECT: &str = "SELECT x.exchange_id, s.name, x.session_id, src.file_name, x.seq, x.time_micros,
        x.method, x.url, x.host, x.status, x.server_ip, x.app, x.mode, x.tracker, x.company, x.category,
        x.endpoint, x.event_count, x.decode_path_summary, x.company_source, x.party, x.client
     FROM exchanges x JOIN sessions s USING (session_id) JOIN sources src USING (source_id)";

fn exchange_row(r: &Row<'_>) -> rusqlite::Result<ExchangeRow> {
    Ok(ExchangeRow {
        id: r.get(0)?,
        session: r.get(1)?,
        session_id: r.get(2)?,
        source_file: r.get(3)?,
        source_index: r.get(4)?,
        time_micros: r.get(5)?,
        method: r.get(6)?,
        url: r.get(7)?,
        host: r.get(8)?,
        status: r.get(9)?,
        server_ip: r.get(10)?,
        app: r.get(11)?,
        mode: r.get::<_, String>(12)?.parse().unwrap_or_default(),
        tracker: r.get(13)?,
        company: r.get(14)?,
        category: r.get(15)?,
        endpoint: r.get(16)?,
        event_count: r.get(17)?,
        decode_path_summary: r.get(18)?,
        company_source: r.get(19)?,
        party: r.get(20)?,
        client: r.get(21)?,
        data_types: Vec::new(),
    })
}

fn data_type_row(r: &Row<'_>) -> rusqlite::Result<DataType> {
    Ok(DataType {
        kind: r.get(0)?,
        field: r.get(1)?,
        value: r.get(2)?,
        confidence: r.get::<_, String>(3)?.parse().unwrap_or(Confidence::ValueShape),
    })
}

impl Case {
    /// Calls `each` with every request matching `filter`, in time order
    /// (ties by id), with its data types; stops early when `each` fails.
    pub fn for_each_exchange(
        &self,
        filter: &ExchangeFilter,
        mut each: impl FnMut(ExchangeRow) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        // A running import's rows are invisible (see `store::import`).
        let mut sql = format!("{EXCHANGE_ROW_SELECT} WHERE s.import_token IS NULL");
        let mut values: Vec<Value> = Vec::new();
        if let Some(session) = &filter.session {
            values.push(Value::Integer(self.find_session(session)?.0));
            sql.push_str(&format!(" AND x.session_id = ?{}", values.len()));
        }
        if let Some(host) = &filter.host {
            let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
            values.push(Value::Text(host.clone()));
            let exact = values.len();
            values.push(Value::Text(format!("%.{}", escape_like(&host))));
            sql.push_str(&format!(
                " AND (lower(x.host) = ?{exact} OR lower(x.host) LIKE ?{} ESCAPE '\\')",
                values.len()
            ));
        }
        if let Some(tracker) = &filter.tracker {
            values.push(Value::Text(tracker.clone()));
            sql.push_str(&format!(" AND x.tracker = ?{}", values.len()));
        }
        if let Some(company) = &filter.company {
            values.push(Value::Text(company.clone()));
            sql.push_str(&format!(" AND x.company = ?{} COLLATE NOCASE", values.len()));
        }
        if let Some(mode) = filter.mode {
            values.push(Value::Text(mode.as_str().into()));
            sql.push_str(&format!(" AND x.mode = ?{}", values.len()));
        }
        sql.push_str(" ORDER BY x.time_micros, x.exchange_id");
        let mut statement = self.conn.prepare(&sql)?;
        let mut rows = statement.query(params_from_iter(values))?;
        while let Some(row) = rows.next()? {
            let mut exchange = exchange_row(row)?;
            exchange.data_types = self.exchange_data_types(exchange.id)?;
            each(exchange)?;
        }
        Ok(())
    }

    /// Every request matching `filter` (see [`Case::for_each_exchange`]).
    pub fn exchanges(&self, filter: &ExchangeFilter) -> Result<Vec<ExchangeRow>, StoreError> {
        let mut rows = Vec::new();
        self.for_each_exchange(filter, |row| {
            rows.push(row);
            Ok(())
        })?;
        Ok(rows)
    }

    /// One request by id.
    pub fn exchange_row(&self, id: ExchangeId) -> Result<ExchangeRow, StoreError> {
        let sql = format!("{EXCHANGE_ROW_SELECT} WHERE x.exchange_id = ?1");
        let mut row = self.conn.query_row(&sql, [id], exchange_row).map_err(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound(format!("no request with id {id}")),
            other => other.into(),
        })?;
        row.data_types = self.exchange_data_types(id)?;
        Ok(row)
    }

    /// The personal data a request carried, its events' included, one entry
    /// per (type, field, value), in the order found.
    pub fn exchange_data_types(&self, exchange: ExchangeId) -> Result<Vec<DataType>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT type, field, value, confidence FROM data_types WHERE exchange_id = ?1
             ORDER BY data_type_id",
        )?;
        let mut types: Vec<DataType> = statement
            .query_map([exchange], data_type_row)?
            .collect::<Result<_, _>>()?;
        crate::model::dedupe_data_types(&mut types);
        Ok(types)
    }

    /// The personal data an event carried: its own fields' and what its
    /// request sent beside all its events.
    pub fn event_data_types(&self, event: EventId, exchange: ExchangeId) -> Result<Vec<DataType>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT type, field, value, confidence FROM data_types
             WHERE exchange_id = ?2 AND (event_id = ?1 OR event_id IS NULL)
             ORDER BY data_type_id",
        )?;
        let mut types: Vec<DataType> = statement
            .query_map(rusqlite::params![event, exchange], data_type_row)?
            .collect::<Result<_, _>>()?;
        crate::model::dedupe_data_types(&mut types);
        Ok(types)
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("a_b%c\\d"), "a\\_b\\%c\\\\d");
    }
}
