//! The event table's rows: counted, sorted and fetched a page at a time, so
//! the GUI only ever holds the rows on screen.
//!
//! Rows carry no decoded fields (parsing them for a million rows is what
//! makes a table slow); the inspector asks for one event's detail instead.

use super::filter::{BrowseFilter, Sql, push_conditions, visible_sessions};
use crate::model::{EventId, ExchangeId, Mode, SessionId, Severity};
use crate::store::{Case, StoreError};
use rusqlite::{OptionalExtension, Row, params_from_iter};
use serde::{Deserialize, Serialize};

/// A column the table can be sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SortColumn {
    #[default]
    Time,
    Session,
    App,
    Mode,
    Tracker,
    Event,
    KeyField,
    DecodePath,
}

impl SortColumn {
    fn sql(self) -> &'static str {
        match self {
            SortColumn::Time => "v.time_micros",
            SortColumn::Session => "s.name",
            SortColumn::App => "v.app",
            SortColumn::Mode => "v.mode",
            SortColumn::Tracker => "v.tracker",
            SortColumn::Event => "v.event_name",
            SortColumn::KeyField => "v.key_field",
            SortColumn::DecodePath => "v.decode_path",
        }
    }
}

/// How the table is sorted; ties always fall back to time, then id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Sort {
    pub column: SortColumn,
    pub descending: bool,
}

impl Sort {
    fn order_by(self) -> String {
        let direction = if self.descending { "DESC" } else { "ASC" };
        match self.column {
            SortColumn::Time => format!(" ORDER BY v.time_micros {direction}, v.event_id {direction}"),
            column => format!(
                " ORDER BY {} {direction}, v.time_micros {direction}, v.event_id {direction}",
                column.sql()
            ),
        }
    }
}

/// One table row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListRow {
    pub id: EventId,
    pub exchange_id: ExchangeId,
    pub session_id: SessionId,
    pub session: String,
    pub time_micros: i64,
    pub app: Option<String>,
    pub mode: Mode,
    pub tracker: String,
    pub company: Option<String>,
    pub event: String,
    pub key_field: Option<String>,
    pub decode_path: String,
    /// Severity of the event's annotation, if it has one.
    pub severity: Option<Severity>,
}

const LIST_COLUMNS: &str = "v.event_id, v.exchange_id, v.session_id, s.name, v.time_micros, v.app, v.mode,
    v.tracker, x.company, v.event_name, v.key_field, v.decode_path,
    (SELECT a.severity FROM annotations a WHERE a.target_kind = 'event' AND a.target_id = v.event_id)";

const LIST_FROM: &str = " FROM events v JOIN sessions s ON s.session_id = v.session_id
    JOIN exchanges x ON x.exchange_id = v.exchange_id WHERE 1 = 1";

impl Case {
    /// The sum of a per-session count kept up to date at import (schema 3:
    /// `event_count`, `exchange_count`) over the sessions `filter` shows.
    pub(super) fn kept_session_total(&self, column: &'static str, filter: &BrowseFilter) -> Result<u64, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT coalesce(sum(t.{column}), 0) FROM sessions t WHERE 1 = 1"
        ));
        visible_sessions(&mut sql, filter);
        let mut statement = self.conn.prepare_cached(&sql.text)?;
        let count: i64 = statement.query_row(params_from_iter(sql.values), |r| r.get(0))?;
        Ok(count.max(0) as u64)
    }

    /// How many events `filter` lets through.
    pub fn event_count(&self, filter: &BrowseFilter) -> Result<u64, StoreError> {
        if filter.only_hides_sessions() {
            return self.kept_session_total("event_count", filter);
        }
        let starts = self.session_starts()?;
        let mut sql = Sql::new("SELECT count(*) FROM events v WHERE 1 = 1");
        push_conditions(&mut sql, filter, &starts);
        let mut statement = self.conn.prepare_cached(&sql.text)?;
        let count: i64 = statement.query_row(params_from_iter(sql.values), |r| r.get(0))?;
        Ok(count.max(0) as u64)
    }

    /// Rows `offset..offset + limit` of the filtered, sorted events.
    pub fn event_page(
        &self,
        filter: &BrowseFilter,
        sort: Sort,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<ListRow>, StoreError> {
        let starts = self.session_starts()?;
        let mut sql = Sql::new(&format!("SELECT {LIST_COLUMNS}{LIST_FROM}"));
        push_conditions(&mut sql, filter, &starts);
        sql.push(&sort.order_by());
        let (limit, offset) = (sql.bind(to_i64(limit)), sql.bind(to_i64(offset)));
        sql.push(&format!(" LIMIT {limit} OFFSET {offset}"));
        let mut statement = self.conn.prepare_cached(&sql.text)?;
        let rows = statement.query_map(params_from_iter(sql.values), list_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Where `event` sits in the filtered, sorted list; `None` when the
    /// filter hides it. Lets a click on the timeline scroll the table.
    pub fn event_position(&self, filter: &BrowseFilter, sort: Sort, event: EventId) -> Result<Option<u64>, StoreError> {
        let starts = self.session_starts()?;
        let mut sql = Sql::new(&format!(
            "SELECT position FROM (SELECT v.event_id, row_number() OVER ({}) - 1 AS position{LIST_FROM}",
            sort.order_by().trim_start()
        ));
        push_conditions(&mut sql, filter, &starts);
        let id = sql.bind(event.0);
        sql.push(&format!(") WHERE event_id = {id}"));
        let mut statement = self.conn.prepare_cached(&sql.text)?;
        let position: Option<i64> = statement
            .query_row(params_from_iter(sql.values), |r| r.get(0))
            .optional()?;
        Ok(position.map(|p| p.max(0) as u64))
    }
}

fn list_row(r: &Row<'_>) -> rusqlite::Result<ListRow> {
    Ok(ListRow {
        id: r.get(0)?,
        exchange_id: r.get(1)?,
        session_id: r.get(2)?,
        session: r.get(3)?,
        time_micros: r.get(4)?,
        app: r.get(5)?,
        mode: r.get::<_, String>(6)?.parse().unwrap_or_default(),
        tracker: r.get(7)?,
        company: r.get(8)?,
        event: r.get(9)?,
        key_field: r.get(10)?,
        decode_path: r.get(11)?,
        severity: r.get::<_, Option<String>>(12)?.and_then(|s| s.parse().ok()),
    })
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
