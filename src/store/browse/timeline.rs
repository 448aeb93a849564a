//! The timeline's data: one lane per app × mode, and for the visible time
//! window either every event and every *tracker request without events*
//! (when few) or counts per lane, pixel-column bucket and tracker (when
//! many), so drawing a million events costs no more than drawing a
//! screen's width of bars.
//!
//! A tracker request is one to a third party (`attribution::party`) that
//! is a known company or claimed by a tracker;
//! those that carry no events (config fetches, registrations, crash
//! reports) get marks of their own, so a lane is never empty while the
//! app talked to trackers. Requests with events are shown by their events.
//!
//! Times are on the axis the GUI asked for: µs since the epoch, or µs since
//! each session's start — its first event or request (`relative`). The
//! time range of the filter is ignored here: the timeline shows the
//! selection, it is not cut by it.

use super::filter::{
    BrowseFilter, Rows, Sql, push_conditions, push_request_conditions, time_expr, time_expr_of, time_window,
    visible_sessions,
};
use crate::model::{EventId, ExchangeId, Mode, SessionId};
use crate::store::density::{level_micros, levels_of};
use crate::store::{Case, StoreError};
use rusqlite::{params, params_from_iter};
use std::collections::HashMap;

/// One row of the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Lane {
    pub app: Option<String>,
    pub mode: Mode,
    /// Events in the lane.
    pub count: u64,
    /// Tracker requests without events in the lane.
    pub requests: u64,
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

/// A tracker request that carries no events, drawn as a mark of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestMark {
    pub exchange_id: ExchangeId,
    pub lane: usize,
    pub time_micros: i64,
    pub tracker: Option<String>,
    pub company: Option<String>,
    pub method: String,
    pub host: String,
    /// Kinds of personal data the request carried.
    pub data_types: u64,
}

impl RequestMark {
    /// What colours the mark: its tracker, else its company, else its host.
    pub fn colour_key(&self) -> &str {
        self.tracker
            .as_deref()
            .or(self.company.as_deref())
            .unwrap_or(self.host.as_str())
    }
}

/// Kept density is read at a level whose buckets are at most this many
/// times narrower than a pixel column (store/density.rs).
const KEPT_PER_COLUMN: f64 = 8.0;

/// The condition that makes a request a mark of its own.
const REQUEST_MARK: &str =
    " AND x.event_count = 0 AND x.party = 'third' AND (x.company IS NOT NULL OR x.tracker IS NOT NULL)";

/// How many events (or tracker requests) of one tracker fall in one lane and bucket.
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
    /// Events and request marks in the window.
    pub total: u64,
    /// Every event, when `total <= mark_limit`; else empty.
    pub marks: Vec<TimelineMark>,
    /// Every tracker request without events, when `total <= mark_limit`; else empty.
    pub request_marks: Vec<RequestMark>,
    /// Counts when there are too many events for marks; else empty.
    pub buckets: Vec<TimelineBucket>,
    pub bucket_micros: f64,
}

impl Case {
    /// Each session's start: its first event or request, whichever is
    /// earlier (an event's own time can precede the request that sent it).
    pub fn session_starts(&self) -> Result<HashMap<SessionId, i64>, StoreError> {
        // Kept up to date at import (schema 3), so no scan of every row.
        let mut statement = self.conn.prepare_cached(
            "SELECT session_id,
                    min(coalesce(first_event_micros, start_micros), coalesce(start_micros, first_event_micros))
             FROM sessions
             WHERE import_token IS NULL AND coalesce(first_event_micros, start_micros) IS NOT NULL",
        )?;
        let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The lanes (app × mode) of the events and tracker requests `filter`
    /// lets through, busiest app first, normal before incognito, and their
    /// time extent.
    pub fn timeline_lanes(&self, filter: &BrowseFilter, relative: bool) -> Result<Lanes, StoreError> {
        self.timeline_lanes_with(filter, relative, true)
    }

    /// [`Case::timeline_lanes`], from the kept figures where they answer
    /// (`use_kept`) or always by grouping the rows.
    pub(super) fn timeline_lanes_with(
        &self,
        filter: &BrowseFilter,
        relative: bool,
        use_kept: bool,
    ) -> Result<Lanes, StoreError> {
        let starts = self.session_starts()?;
        let filter = filter.without(None, false);
        let mut extent: Option<(i64, i64)> = None;
        let mut lanes: Vec<Lane> = Vec::new();
        let mut add = |app: Option<String>, mode: Mode, rows: Rows, count: u64, first: i64, last: i64| {
            extent = Some(extent.map_or((first, last), |(a, b)| (a.min(first), b.max(last))));
            let lane = match lanes.iter_mut().position(|l| l.app == app && l.mode == mode) {
                Some(index) => &mut lanes[index],
                None => {
                    lanes.push(Lane {
                        app,
                        mode,
                        count: 0,
                        requests: 0,
                    });
                    let last = lanes.len() - 1;
                    &mut lanes[last]
                }
            };
            match rows {
                Rows::Events => lane.count += count,
                Rows::Requests => lane.requests += count,
            }
        };
        let kept = use_kept && filter.only_hides_sessions();
        if kept {
            // Kept up to date at import (schema 5; store/figures.rs).
            let mut sql = Sql::new(
                "SELECT t.session_id, t.app, t.mode, t.event_count, t.first_micros, t.last_micros, t.request_count,
                        t.request_first_micros, t.request_last_micros FROM session_lanes t WHERE 1 = 1",
            );
            visible_sessions(&mut sql, &filter);
            let mut statement = self.conn.prepare_cached(&sql.text)?;
            let found = statement.query_map(params_from_iter(sql.values), |r| {
                Ok((
                    r.get::<_, SessionId>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?.parse::<Mode>().unwrap_or_default(),
                    [
                        (
                            Rows::Events,
                            r.get::<_, i64>(3)?,
                            r.get::<_, Option<i64>>(4)?,
                            r.get::<_, Option<i64>>(5)?,
                        ),
                        (
                            Rows::Requests,
                            r.get::<_, i64>(6)?,
                            r.get::<_, Option<i64>>(7)?,
                            r.get::<_, Option<i64>>(8)?,
                        ),
                    ],
                ))
            })?;
            for row in found {
                let (session, app, mode, figures) = row?;
                for (rows, count, first, last) in figures {
                    if let (true, Some(first), Some(last)) = (count > 0, first, last) {
                        let shift = axis_shift(relative, &starts, session);
                        add(app.clone(), mode, rows, count as u64, first - shift, last - shift);
                    }
                }
            }
        }
        let queried: &[Rows] = if kept { &[] } else { &[Rows::Events, Rows::Requests] };
        for &rows in queried {
            let mut sql = Sql::new("");
            let time = time_expr_of(&mut sql, rows, relative, &starts);
            match rows {
                Rows::Events => {
                    sql.push(&format!(
                        "SELECT v.app, v.mode, count(*), min({time}), max({time}) FROM events v WHERE 1 = 1"
                    ));
                    push_conditions(&mut sql, &filter, &starts);
                    sql.push(" GROUP BY v.app, v.mode");
                }
                Rows::Requests => {
                    sql.push(&format!(
                        "SELECT x.app, x.mode, count(*), min({time}), max({time}) FROM exchanges x WHERE 1 = 1{REQUEST_MARK}"
                    ));
                    push_request_conditions(&mut sql, &filter, &starts);
                    sql.push(" GROUP BY x.app, x.mode");
                }
            }
            let mut statement = self.conn.prepare_cached(&sql.text)?;
            let found = statement.query_map(params_from_iter(sql.values), |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, String>(1)?.parse::<Mode>().unwrap_or_default(),
                    r.get::<_, i64>(2)?.max(0) as u64,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })?;
            for row in found {
                let (app, mode, count, first, last) = row?;
                add(app, mode, rows, count, first, last);
            }
        }
        // Busiest app first; within an app, normal before incognito.
        let mut app_totals: HashMap<Option<String>, u64> = HashMap::new();
        for lane in &lanes {
            *app_totals.entry(lane.app.clone()).or_default() += lane.count + lane.requests;
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
    /// Buckets are in (lane, bucket, tracker) order.
    pub fn timeline_slice(
        &self,
        filter: &BrowseFilter,
        lanes: &[Lane],
        window: TimelineWindow,
    ) -> Result<TimelineSlice, StoreError> {
        self.timeline_slice_with(filter, lanes, window, true)
    }

    /// [`Case::timeline_slice`], with bucket counts from the density kept
    /// at import where it answers (`use_kept`) or always by grouping rows.
    pub(super) fn timeline_slice_with(
        &self,
        filter: &BrowseFilter,
        lanes: &[Lane],
        window: TimelineWindow,
        use_kept: bool,
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
        let start = sql.bind(window.start_micros);
        let in_window = time_window(
            &mut sql,
            Rows::Events,
            window.relative,
            &starts,
            window.start_micros,
            window.end_micros,
        );
        let scope = WindowScope {
            in_window,
            time,
            start,
            filter,
            starts,
            lane_of,
        };
        let requests = RequestScope::new(&window, &scope);
        // Sessions' figures answer when the filter only hides sessions.
        let sessions = match use_kept && scope.filter.only_hides_sessions() {
            true => Some(self.visible_session_levels(&scope.filter)?),
            false => None,
        };
        let total = match &sessions {
            Some(sessions) => self.session_window_total(&window, &scope, sessions)?,
            None => self.window_total(&sql, &requests, &scope)?,
        };
        let span = (window.end_micros - window.start_micros).max(1) as f64;
        let bucket_micros = span / f64::from(window.buckets.max(1));
        let mut slice = TimelineSlice {
            window,
            total,
            marks: Vec::new(),
            request_marks: Vec::new(),
            buckets: Vec::new(),
            bucket_micros,
        };
        if total <= window.mark_limit {
            slice.marks = self.slice_marks(sql, &scope)?;
            slice.request_marks = self.slice_request_marks(&requests, &scope)?;
        } else {
            let levels = sessions.and_then(|sessions| kept_levels(sessions, bucket_micros));
            slice.buckets = match &levels {
                Some(levels) => {
                    let mut buckets = self.kept_buckets(Rows::Events, &window, &scope, levels, bucket_micros)?;
                    buckets.extend(self.kept_buckets(Rows::Requests, &window, &scope, levels, bucket_micros)?);
                    buckets
                }
                None => {
                    let mut buckets = self.slice_buckets(sql, &scope, bucket_micros)?;
                    buckets.extend(self.slice_request_buckets(&requests, &scope, bucket_micros)?);
                    buckets
                }
            };
            slice
                .buckets
                .sort_by(|a, b| (a.lane, a.bucket, &a.tracker).cmp(&(b.lane, b.bucket, &b.tracker)));
        }
        Ok(slice)
    }

    /// Events and request marks in the window, for any filter.
    fn window_total(&self, prefix: &Sql, requests: &RequestScope, scope: &WindowScope) -> Result<u64, StoreError> {
        let mut count_sql = Sql {
            text: format!("SELECT count(*) FROM events v WHERE 1 = 1{}", scope.in_window),
            values: prefix.values.clone(),
        };
        push_conditions(&mut count_sql, &scope.filter, &scope.starts);
        let events: i64 = self
            .conn
            .prepare_cached(&count_sql.text)?
            .query_row(params_from_iter(count_sql.values), |r| r.get(0))?;
        let mut count_sql = Sql {
            text: format!(
                "SELECT count(*) FROM exchanges x WHERE 1 = 1{REQUEST_MARK}{}",
                requests.in_window
            ),
            values: requests.prefix.values.clone(),
        };
        push_request_conditions(&mut count_sql, &scope.filter, &scope.starts);
        let marks: i64 = self
            .conn
            .prepare_cached(&count_sql.text)?
            .query_row(params_from_iter(count_sql.values), |r| r.get(0))?;
        Ok(events.max(0) as u64 + marks.max(0) as u64)
    }

    /// [`Case::window_total`] when the filter only hides sessions: counted
    /// per visible session over its (session, time) index, which holds
    /// every column the count needs, so no row is read. Over all sessions
    /// at once SQLite walks the time index and reads each event's row for
    /// its session: 0.9 s warm and 6 s cold at a million events.
    fn session_window_total(
        &self,
        window: &TimelineWindow,
        scope: &WindowScope,
        sessions: &[(SessionId, Option<i64>)],
    ) -> Result<u64, StoreError> {
        let mut events = self.conn.prepare_cached(
            "SELECT count(*) FROM events v WHERE v.session_id = ?1 AND v.time_micros BETWEEN ?2 AND ?3",
        )?;
        let mut marks = self.conn.prepare_cached(&format!(
            "SELECT count(*) FROM exchanges x WHERE x.session_id = ?1 AND x.time_micros BETWEEN ?2 AND ?3{REQUEST_MARK}"
        ))?;
        let mut total = 0u64;
        for &(session, _) in sessions {
            let shift = axis_shift(window.relative, &scope.starts, session);
            let range = params![session, window.start_micros + shift, window.end_micros + shift];
            for statement in [&mut events, &mut marks] {
                total += statement.query_row(range, |r| r.get::<_, i64>(0))?.max(0) as u64;
            }
        }
        Ok(total)
    }

    /// The sessions `filter` shows, with the levels of kept density each
    /// has complete (store/density.rs).
    fn visible_session_levels(&self, filter: &BrowseFilter) -> Result<Vec<(SessionId, Option<i64>)>, StoreError> {
        let mut sql = Sql::new("SELECT t.session_id, t.density_levels FROM sessions t WHERE 1 = 1");
        visible_sessions(&mut sql, filter);
        let sessions = self
            .conn
            .prepare_cached(&sql.text)?
            .query_map(params_from_iter(sql.values), |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(sessions)
    }

    /// Bucket counts of `rows` from the density kept at import
    /// (store/density.rs), each session's at its level in `levels`
    /// ([`kept_levels`]). Each kept bucket that overlaps the window counts in
    /// the column that holds its midpoint.
    fn kept_buckets(
        &self,
        rows: Rows,
        window: &TimelineWindow,
        scope: &WindowScope,
        levels: &[(SessionId, u32)],
        bucket_micros: f64,
    ) -> Result<Vec<TimelineBucket>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT app, mode, key, bucket, count FROM timeline_density
             WHERE session_id = ?1 AND level = ?2 AND rows = ?3 AND bucket BETWEEN ?4 AND ?5",
        )?;
        let last_column = window.buckets.max(1) - 1;
        let mut counts: HashMap<(usize, u32, String), u64> = HashMap::new();
        for &(session, level) in levels {
            let width = level_micros(level);
            let shift = axis_shift(window.relative, &scope.starts, session);
            let first = (window.start_micros + shift).div_euclid(width);
            let last = (window.end_micros + shift).div_euclid(width);
            let found = statement.query_map(params![session, level, rows.label(), first, last], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, String>(1)?.parse::<Mode>().unwrap_or_default(),
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })?;
            for row in found {
                let (app, mode, key, bucket, count) = row?;
                // A row in no known lane arrived after the lanes were read: skip it.
                let Some(&lane) = scope.lane_of.get(&(app, mode)) else {
                    continue;
                };
                // A kept bucket across the window's edge counts in the edge
                // column: the whole extent's first and last events stay in.
                let middle = bucket * width + width / 2 - shift;
                let column = ((middle - window.start_micros) as f64 / bucket_micros).max(0.0) as u32;
                *counts.entry((lane, column.min(last_column), key)).or_default() += count.max(0) as u64;
            }
        }
        Ok(counts
            .into_iter()
            .map(|((lane, bucket, tracker), count)| TimelineBucket {
                lane,
                bucket,
                tracker,
                count,
            })
            .collect())
    }

    fn slice_request_marks(
        &self,
        requests: &RequestScope,
        scope: &WindowScope,
    ) -> Result<Vec<RequestMark>, StoreError> {
        let RequestScope { time, in_window, .. } = requests;
        let mut sql = Sql {
            text: format!(
                "SELECT x.exchange_id, x.app, x.mode, {time}, x.tracker, x.company, x.method, x.host,
                        (SELECT count(DISTINCT d.type) FROM data_types d WHERE d.exchange_id = x.exchange_id)
                 FROM exchanges x WHERE 1 = 1{REQUEST_MARK}{in_window}"
            ),
            values: requests.prefix.values.clone(),
        };
        push_request_conditions(&mut sql, &scope.filter, &scope.starts);
        sql.push(" ORDER BY x.time_micros, x.exchange_id");
        let mut statement = self.conn.prepare_cached(&sql.text)?;
        let rows = statement.query_map(params_from_iter(sql.values), |r| {
            let key = (
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?.parse().unwrap_or_default(),
            );
            Ok((
                key,
                RequestMark {
                    exchange_id: r.get(0)?,
                    lane: 0,
                    time_micros: r.get(3)?,
                    tracker: r.get(4)?,
                    company: r.get(5)?,
                    method: r.get(6)?,
                    host: r.get(7)?,
                    data_types: r.get::<_, i64>(8)?.max(0) as u64,
                },
            ))
        })?;
        let mut marks = Vec::new();
        for row in rows {
            let (key, mut mark) = row?;
            if let Some(&lane) = scope.lane_of.get(&key) {
                mark.lane = lane;
                marks.push(mark);
            }
        }
        Ok(marks)
    }

    fn slice_request_buckets(
        &self,
        requests: &RequestScope,
        scope: &WindowScope,
        bucket_micros: f64,
    ) -> Result<Vec<TimelineBucket>, StoreError> {
        let RequestScope {
            time, start, in_window, ..
        } = requests;
        let mut sql = Sql {
            text: String::new(),
            values: requests.prefix.values.clone(),
        };
        let width = sql.bind(bucket_micros);
        sql.push(&format!(
            "SELECT x.app, x.mode, CAST(({time} - {start}) / {width} AS INTEGER) AS bucket,
                    coalesce(x.tracker, x.company, x.host) AS key, count(*)
             FROM exchanges x WHERE 1 = 1{REQUEST_MARK}{in_window}"
        ));
        push_request_conditions(&mut sql, &scope.filter, &scope.starts);
        sql.push(" GROUP BY x.app, x.mode, bucket, key");
        self.buckets_of(sql, scope)
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
        self.buckets_of(sql, scope)
    }

    /// Runs a bucket query whose columns are (app, mode, bucket, key,
    /// count), for events and tracker requests alike, keeping the rows of
    /// known lanes.
    fn buckets_of(&self, sql: Sql, scope: &WindowScope) -> Result<Vec<TimelineBucket>, StoreError> {
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
            // A row in no known lane arrived after the lanes were read: skip it.
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

/// Each session's level of kept density for columns `bucket_micros` wide:
/// the coarsest it has complete whose buckets are at most
/// [`KEPT_PER_COLUMN`]th of a column. `None` when a session has none (a
/// case from before schema 7, or a window zoomed in past the finest kept
/// level): the rows are grouped instead.
fn kept_levels(sessions: Vec<(SessionId, Option<i64>)>, bucket_micros: f64) -> Option<Vec<(SessionId, u32)>> {
    let finest = bucket_micros / KEPT_PER_COLUMN;
    sessions
        .into_iter()
        .map(|(session, levels)| {
            levels_of(levels.unwrap_or(0))
                .filter(|&level| level_micros(level) as f64 <= finest)
                .last()
                .map(|level| (session, level))
        })
        .collect()
}

/// What `time_expr_of` subtracts from a row's time in `session`: the
/// session's start on a relative axis, else nothing.
fn axis_shift(relative: bool, starts: &HashMap<SessionId, i64>, session: SessionId) -> i64 {
    match relative && !starts.is_empty() {
        true => starts.get(&session).copied().unwrap_or(0),
        false => 0,
    }
}

/// The pieces of SQL and lookups shared by the queries of one window.
struct WindowScope {
    /// The event-time expression on the requested axis.
    time: String,
    /// Placeholder of the window's start.
    start: String,
    /// ` AND` the row's time lies in the window ([`time_window`]).
    in_window: String,
    filter: BrowseFilter,
    starts: HashMap<SessionId, i64>,
    lane_of: HashMap<(Option<String>, Mode), usize>,
}

/// The request side of one window: its own bound prefix, since the time
/// expression is over `x`.
struct RequestScope {
    prefix: Sql,
    time: String,
    start: String,
    in_window: String,
}

impl RequestScope {
    fn new(window: &TimelineWindow, scope: &WindowScope) -> RequestScope {
        let mut prefix = Sql::new("");
        let time = time_expr_of(&mut prefix, Rows::Requests, window.relative, &scope.starts);
        let start = prefix.bind(window.start_micros);
        let in_window = time_window(
            &mut prefix,
            Rows::Requests,
            window.relative,
            &scope.starts,
            window.start_micros,
            window.end_micros,
        );
        RequestScope {
            in_window,
            time,
            start,
            prefix,
        }
    }
}
