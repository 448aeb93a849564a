//! The timeline's data: one lane per app × mode, and for the visible time
//! window either every event (when few) or counts per lane, pixel-column
//! bucket and tracker (when many), so drawing a million events costs no
//! more than drawing a screen's width of bars.
//!
//! Times are on the axis the GUI asked for: µs since the epoch, or µs since
//! each session's first event (`relative`). The time range of the filter
//! is ignored here: the timeline shows the selection, it is not cut by it.

use super::filter::{BrowseFilter, Sql, push_conditions, time_expr, visible_sessions};
use crate::model::{EventId, Mode, SessionId};
use crate::store::{Case, StoreError};
use rusqlite::params_from_iter;
use std::collections::HashMap;

/// One row of the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Lane {
    pub app: Option<String>,
    pub mode: Mode,
    pub count: u64,
}

/// Lanes with the time span their events cover.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lanes {
    pub lanes: Vec<Lane>,
    /// First and last event time on the requested axis.
    pub extent: Option<(i64, i64)>,
    /// Each session's first event time (what relative times count from).
    pub starts: HashMap<SessionId, i64>,
}

/// The visible window of the timeline and its width in buckets (pixels).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimelineWindow {
    pub relative: bool,
    pub start_micros: i64,
    pub end_micros: i64,
    pub buckets: u32,
    /// At most this many events are sent one by one; more are bucketed.
    pub mark_limit: u64,
}

/// One event drawn as a mark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineMark {
    pub event_id: EventId,
    pub lane: usize,
    pub time_micros: i64,
    pub tracker: String,
    pub event: String,
    pub key_field: Option<String>,
}

/// How many events of one tracker fall in one lane and bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineBucket {
    pub lane: usize,
    pub bucket: u32,
    pub tracker: String,
    pub count: u64,
}

/// What the timeline draws for one window.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineSlice {
    pub window: TimelineWindow,
    /// Events in the window.
    pub total: u64,
    /// Every event, when `total <= mark_limit`; else empty.
    pub marks: Vec<TimelineMark>,
    /// Counts when there are too many events for marks; else empty.
    pub buckets: Vec<TimelineBucket>,
    pub bucket_micros: f64,
}

impl Case {
    /// Each session's first event time (sessions without events are absent).
    pub fn session_starts(&self) -> Result<HashMap<SessionId, i64>, StoreError> {
        let mut statement = self
            .conn
            // Kept up to date at import (schema 3).
            .prepare_cached(
                "SELECT session_id, first_event_micros FROM sessions
                 WHERE import_token IS NULL AND first_event_micros IS NOT NULL",
            )?;
        let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The lanes (app × mode) of the events `filter` lets through, busiest
    /// app first, normal before incognito, and their time extent.
    pub fn timeline_lanes(&self, filter: &BrowseFilter, relative: bool) -> Result<Lanes, StoreError> {
        let starts = self.session_starts()?;
        let filter = filter.without(None, false);
        let mut sql = Sql::new("");
        if filter.only_hides_sessions() {
            // Kept up to date at import (schema 3): per session and lane, so
            // relative times subtract each session's first event.
            let offset = if relative {
                "coalesce((SELECT first_event_micros FROM sessions s WHERE s.session_id = t.session_id), 0)"
            } else {
                "0"
            };
            sql.push(&format!(
                "SELECT t.app, t.mode, sum(t.event_count), min(t.first_micros - {offset}), max(t.last_micros - {offset})
                 FROM session_lanes t WHERE 1 = 1"
            ));
            visible_sessions(&mut sql, &filter);
            sql.push(" GROUP BY t.app, t.mode");
        } else {
            let time = time_expr(&mut sql, relative, &starts);
            sql.push(&format!(
                "SELECT v.app, v.mode, count(*), min({time}), max({time}) FROM events v WHERE 1 = 1"
            ));
            push_conditions(&mut sql, &filter, &starts);
            sql.push(" GROUP BY v.app, v.mode");
        }
        let mut statement = self.conn.prepare_cached(&sql.text)?;
        let mut extent: Option<(i64, i64)> = None;
        let mut lanes: Vec<Lane> = Vec::new();
        let rows = statement.query_map(params_from_iter(sql.values), |r| {
            Ok((
                Lane {
                    app: r.get(0)?,
                    mode: r.get::<_, String>(1)?.parse().unwrap_or_default(),
                    count: r.get::<_, i64>(2)?.max(0) as u64,
                },
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        for row in rows {
            let (lane, first, last) = row?;
            extent = Some(extent.map_or((first, last), |(a, b)| (a.min(first), b.max(last))));
            lanes.push(lane);
        }
        // Busiest app first; within an app, normal before incognito.
        let mut app_totals: HashMap<Option<String>, u64> = HashMap::new();
        for lane in &lanes {
            *app_totals.entry(lane.app.clone()).or_default() += lane.count;
        }
        lanes.sort_by(|a, b| {
            let total = |l: &Lane| app_totals.get(&l.app).copied().unwrap_or(0);
            total(b)
                .cmp(&total(a))
                .then_with(|| (&a.app, a.mode).cmp(&(&b.app, b.mode)))
        });
        Ok(Lanes { lanes, extent, starts })
    }

    /// Marks or bucket counts for `window`, lanes numbered as in `lanes`.
    pub fn timeline_slice(
        &self,
        filter: &BrowseFilter,
        lanes: &[Lane],
        window: TimelineWindow,
    ) -> Result<TimelineSlice, StoreError> {
        let starts = self.session_starts()?;
        let filter = filter.without(None, false);
        let lane_of: HashMap<(Option<String>, Mode), usize> = lanes
            .iter()
            .enumerate()
            .map(|(i, lane)| ((lane.app.clone(), lane.mode), i))
            .collect();
        let mut sql = Sql::new("");
        let time = time_expr(&mut sql, window.relative, &starts);
        let (start, end) = (sql.bind(window.start_micros), sql.bind(window.end_micros));
        let scope = WindowScope {
            in_window: format!(" AND {time} BETWEEN {start} AND {end}"),
            time,
            start,
            filter,
            starts,
            lane_of,
        };
        let mut count_sql = Sql {
            text: format!("SELECT count(*) FROM events v WHERE 1 = 1{}", scope.in_window),
            values: sql.values.clone(),
        };
        push_conditions(&mut count_sql, &scope.filter, &scope.starts);
        let total: i64 = self
            .conn
            .prepare_cached(&count_sql.text)?
            .query_row(params_from_iter(count_sql.values), |r| r.get(0))?;
        let total = total.max(0) as u64;
        let span = (window.end_micros - window.start_micros).max(1) as f64;
        let bucket_micros = span / f64::from(window.buckets.max(1));
        let mut slice = TimelineSlice {
            window,
            total,
            marks: Vec::new(),
            buckets: Vec::new(),
            bucket_micros,
        };
        if total <= window.mark_limit {
            slice.marks = self.slice_marks(sql, &scope)?;
        } else {
            slice.buckets = self.slice_buckets(sql, &scope, bucket_micros)?;
        }
        Ok(slice)
    }

    fn slice_marks(&self, mut sql: Sql, scope: &WindowScope) -> Result<Vec<TimelineMark>, StoreError> {
        let WindowScope { time, in_window, .. } = scope;
        sql.push(&format!(
            "SELECT v.event_id, v.app, v.mode, {time}, v.tracker, v.event_name, v.key_field
             FROM events v WHERE 1 = 1{in_window}"
        ));
        push_conditions(&mut sql, &scope.filter, &scope.starts);
        sql.push(" ORDER BY v.time_micros, v.event_id");
        let mut statement = self.conn.prepare_cached(&sql.text)?;
        let rows = statement.query_map(params_from_iter(sql.values), |r| {
            let key = (
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?.parse().unwrap_or_default(),
            );
            Ok((
                key,
                TimelineMark {
                    event_id: r.get(0)?,
                    lane: 0,
                    time_micros: r.get(3)?,
                    tracker: r.get(4)?,
                    event: r.get(5)?,
                    key_field: r.get(6)?,
                },
            ))
        })?;
        let mut marks = Vec::new();
        for row in rows {
            let (key, mut mark) = row?;
            // An event in no known lane arrived after the lanes were read: skip it.
            if let Some(&lane) = scope.lane_of.get(&key) {
                mark.lane = lane;
                marks.push(mark);
            }
        }
        Ok(marks)
    }

    fn slice_buckets(
        &self,
        mut sql: Sql,
        scope: &WindowScope,
        bucket_micros: f64,
    ) -> Result<Vec<TimelineBucket>, StoreError> {
        let WindowScope {
            time, start, in_window, ..
        } = scope;
        let width = sql.bind(bucket_micros);
        sql.push(&format!(
            "SELECT v.app, v.mode, CAST(({time} - {start}) / {width} AS INTEGER) AS bucket, v.tracker, count(*)
             FROM events v WHERE 1 = 1{in_window}"
        ));
        push_conditions(&mut sql, &scope.filter, &scope.starts);
        sql.push(" GROUP BY v.app, v.mode, bucket, v.tracker");
        let mut statement = self.conn.prepare_cached(&sql.text)?;
        let rows = statement.query_map(params_from_iter(sql.values), |r| {
            let key = (
                r.get::<_, Option<String>>(0)?,
                r.get::<_, String>(1)?.parse().unwrap_or_default(),
            );
            Ok((key, r.get::<_, i64>(2)?, r.get::<_, String>(3)?, r.get::<_, i64>(4)?))
        })?;
        let mut buckets = Vec::new();
        for row in rows {
            let (key, bucket, tracker, count) = row?;
            if let Some(&lane) = scope.lane_of.get(&key) {
                buckets.push(TimelineBucket {
                    lane,
                    bucket: u32::try_from(bucket.max(0)).unwrap_or(u32::MAX),
                    tracker,
                    count: count.max(0) as u64,
                });
            }
        }
        Ok(buckets)
    }
}

/// The pieces of SQL and lookups shared by the queries of one window.
struct WindowScope {
    /// The event-time expression on the requested axis.
    time: String,
    /// Placeholder of the window's start.
    start: String,
    /// ` AND time BETWEEN start AND end`.
    in_window: String,
    filter: BrowseFilter,
    starts: HashMap<SessionId, i64>,
    lane_of: HashMap<(Option<String>, Mode), usize>,
}
