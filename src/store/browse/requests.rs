//! The requests table's rows: every exchange the filter lets through —
//! also those no event was decoded from (config fetches, registrations,
//! crash reports carry device data too) — counted, sorted and fetched a
//! page at a time, like the event table.
//!
//! Rows carry the kinds of personal data (not the values) and the server's
//! country from the offline database; the inspector asks for one request's
//! detail. Country is looked up per row after the query, so it is shown
//! but cannot be sorted by.

use super::filter::{BrowseFilter, Sql, push_request_conditions};
use crate::model::{ExchangeId, Mode, SessionId, Severity};
use crate::store::{Case, StoreError};
use rusqlite::{OptionalExtension, Row, params_from_iter};
use serde::{Deserialize, Serialize};

/// A column the requests table can be sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RequestSortColumn {
    #[default]
    Time,
    Session,
    App,
    Mode,
    Method,
    Host,
    Company,
    Tracker,
    Status,
    /// Events decoded from the request.
    Events,
    /// Kinds of personal data the request carried.
    DataTypes,
}

impl RequestSortColumn {
    fn sql(self) -> &'static str {
        match self {
            RequestSortColumn::Time => "x.time_micros",
            RequestSortColumn::Session => "s.name",
            RequestSortColumn::App => "x.app",
            RequestSortColumn::Mode => "x.mode",
            RequestSortColumn::Method => "x.method",
            RequestSortColumn::Host => "x.host",
            RequestSortColumn::Company => "x.company",
            RequestSortColumn::Tracker => "x.tracker",
            RequestSortColumn::Status => "x.status",
            RequestSortColumn::Events => "x.event_count",
            RequestSortColumn::DataTypes => {
                "(SELECT count(DISTINCT d.type) FROM data_types d WHERE d.exchange_id = x.exchange_id)"
            }
        }
    }
}

/// How the requests table is sorted; ties fall back to time, then id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RequestSort {
    pub column: RequestSortColumn,
    pub descending: bool,
}

impl RequestSort {
    fn order_by(self) -> String {
        let direction = if self.descending { "DESC" } else { "ASC" };
        match self.column {
            RequestSortColumn::Time => format!(" ORDER BY x.time_micros {direction}, x.exchange_id {direction}"),
            column => format!(
                " ORDER BY {} {direction}, x.time_micros {direction}, x.exchange_id {direction}",
                column.sql()
            ),
        }
    }
}

/// One row of the requests table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestListRow {
    pub id: ExchangeId,
    pub session_id: SessionId,
    pub session: String,
    pub time_micros: i64,
    pub app: Option<String>,
    pub mode: Mode,
    pub method: String,
    pub host: String,
    pub url: String,
    pub status: Option<u16>,
    pub server_ip: Option<String>,
    /// ISO code of the server's registration country (offline lookup).
    pub country: Option<String>,
    pub tracker: Option<String>,
    pub company: Option<String>,
    /// Where `company` comes from (`attribution::CompanySource::stored`).
    pub company_source: Option<String>,
    /// The session's own server, or a third party's.
    pub party: crate::attribution::Party,
    /// The HTTP client that sent it, from the User-Agent (`okhttp`, `CFNetwork` …).
    pub client: Option<String>,
    pub category: Option<String>,
    pub event_count: u64,
    /// Kinds of personal data, in the order first found.
    pub data_types: Vec<String>,
    /// Severity of the request's own annotation.
    pub severity: Option<Severity>,
}

const REQUEST_COLUMNS: &str = "x.exchange_id, x.session_id, s.name, x.time_micros, x.app, x.mode, x.method,
    x.host, x.url, x.status, x.server_ip, x.tracker, x.company, x.category, x.event_count,
    (SELECT group_concat(type, ' ') FROM (SELECT type, min(data_type_id) AS first FROM data_types d
        WHERE d.exchange_id = x.exchange_id GROUP BY type ORDER BY first)),
    (SELECT a.severity FROM annotations a WHERE a.target_kind = 'exchange' AND a.target_id = x.exchange_id),
    x.company_source, x.party, x.client";

const REQUEST_FROM: &str = " FROM exchanges x JOIN sessions s ON s.session_id = x.session_id WHERE 1 = 1";

impl RequestListRow {
    /// The company as the window shows it: "probably Tremor Video" for a
    /// guess; `None` when no company is known.
    #[must_use]
    pub fn company_label(&self) -> Option<String> {
        self.company
            .as_deref()
            .map(|c| crate::attribution::company_label(c, self.company_source.as_deref()))
    }
}

impl Case {
    /// How many requests `filter` lets through.
    pub fn request_count(&self, filter: &BrowseFilter) -> Result<u64, StoreError> {
        if filter.only_hides_sessions() {
            return self.kept_session_total("exchange_count", filter);
        }
        let starts = self.session_starts()?;
        let mut sql = Sql::new("SELECT count(*) FROM exchanges x WHERE 1 = 1");
        push_request_conditions(&mut sql, filter, &starts);
        let mut statement = self.conn.prepare_cached(&sql.text)?;
        let count: i64 = statement.query_row(params_from_iter(sql.values), |r| r.get(0))?;
        Ok(count.max(0) as u64)
    }

    /// Rows `offset..offset + limit` of the filtered, sorted requests.
    pub fn request_page(
        &self,
        filter: &BrowseFilter,
        sort: RequestSort,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<RequestListRow>, StoreError> {
        let starts = self.session_starts()?;
        let mut sql = Sql::new(&format!("SELECT {REQUEST_COLUMNS}{REQUEST_FROM}"));
        push_request_conditions(&mut sql, filter, &starts);
        sql.push(&sort.order_by());
        let (limit, offset) = (sql.bind(to_i64(limit)), sql.bind(to_i64(offset)));
        sql.push(&format!(" LIMIT {limit} OFFSET {offset}"));
        let mut statement = self.conn.prepare_cached(&sql.text)?;
        let rows = statement.query_map(params_from_iter(sql.values), request_row)?;
        let mut rows: Vec<RequestListRow> = rows.collect::<Result<_, _>>()?;
        for row in &mut rows {
            row.country = row
                .server_ip
                .as_deref()
                .and_then(crate::attribution::geo_for_ip)
                .and_then(|geo| geo.country_code);
        }
        Ok(rows)
    }

    /// Where `exchange` sits in the filtered, sorted requests; `None` when
    /// the filter hides it.
    pub fn request_position(
        &self,
        filter: &BrowseFilter,
        sort: RequestSort,
        exchange: ExchangeId,
    ) -> Result<Option<u64>, StoreError> {
        let starts = self.session_starts()?;
        let mut sql = Sql::new(&format!(
            "SELECT position FROM (SELECT x.exchange_id, row_number() OVER ({}) - 1 AS position{REQUEST_FROM}",
            sort.order_by().trim_start()
        ));
        push_request_conditions(&mut sql, filter, &starts);
        let id = sql.bind(exchange.0);
        sql.push(&format!(") WHERE exchange_id = {id}"));
        let mut statement = self.conn.prepare_cached(&sql.text)?;
        let position: Option<i64> = statement
            .query_row(params_from_iter(sql.values), |r| r.get(0))
            .optional()?;
        Ok(position.map(|p| p.max(0) as u64))
    }
}

fn request_row(r: &Row<'_>) -> rusqlite::Result<RequestListRow> {
    let types: Option<String> = r.get(15)?;
    Ok(RequestListRow {
        id: r.get(0)?,
        session_id: r.get(1)?,
        session: r.get(2)?,
        time_micros: r.get(3)?,
        app: r.get(4)?,
        mode: r.get::<_, String>(5)?.parse().unwrap_or_default(),
        method: r.get(6)?,
        host: r.get(7)?,
        url: r.get(8)?,
        status: r.get(9)?,
        server_ip: r.get(10)?,
        country: None,
        tracker: r.get(11)?,
        company: r.get(12)?,
        category: r.get(13)?,
        event_count: r.get::<_, i64>(14)?.max(0) as u64,
        data_types: types
            .map(|t| t.split(' ').filter(|s| !s.is_empty()).map(str::to_string).collect())
            .unwrap_or_default(),
        severity: r.get::<_, Option<String>>(16)?.and_then(|s| s.parse().ok()),
        company_source: r.get(17)?,
        party: crate::attribution::Party::parse(&r.get::<_, String>(18)?).unwrap_or(crate::attribution::Party::Third),
        client: r.get(19)?,
    })
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
