//! The figures kept per session at import (schema 3 and 5): counts, time
//! span, timeline lanes and facet counts, so that `sessions` and the
//! window's first frame read a few rows instead of grouping every request
//! and event once per facet.
//!
//! The counting here mirrors the window's queries exactly (what
//! `browse/facets.rs` groups requests and events by, and which requests
//! `browse/timeline.rs` draws as marks of their own); the test
//! `kept_facets_and_lanes_equal_the_queries` in `browse/tests.rs` compares
//! the two on real captures. Annotations' tags change after import and are
//! always counted by query.

use super::StoreError;
use super::browse::{Facet, Rows};
use super::density::{Density, store_density};
use super::import::PreparedExchange;
use crate::model::{Mode, SessionId};
use rusqlite::{Connection, Transaction, params};
use std::collections::{BTreeSet, HashMap};

/// One lane's figures: its events and its tracker requests without events,
/// each with the time span they cover.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct LaneTotals {
    pub events: u64,
    pub event_span: Option<(i64, i64)>,
    pub requests: u64,
    pub request_span: Option<(i64, i64)>,
}

/// One facet value's figures.
#[derive(Clone, Debug, Default)]
pub(super) struct FacetTotals {
    /// The greatest detail among the requests, and among the events (SQL
    /// `max()`, as the window's queries take; the window shows the
    /// requests' detail when there is one).
    pub request_detail: Option<String>,
    pub event_detail: Option<String>,
    pub requests: u64,
    pub events: u64,
}

fn keep_max(kept: &mut Option<String>, seen: Option<&String>) {
    if seen > kept.as_ref() {
        *kept = seen.cloned();
    }
}

/// What the writer wrote, for the session's figures.
#[derive(Default)]
pub(super) struct Totals {
    pub exchanges: u64,
    pub events: u64,
    pub start_micros: Option<i64>,
    pub end_micros: Option<i64>,
    pub first_event_micros: Option<i64>,
    /// (app, mode) → figures.
    pub lanes: HashMap<(Option<String>, Mode), LaneTotals>,
    /// (facet, value) → figures; stored under `Facet::label`, which the
    /// window reads them by.
    /// Keyed by facet first so a value already seen is found by `&str`,
    /// without allocating a key for each of an exchange's dozen values.
    pub facets: HashMap<Facet, HashMap<String, FacetTotals>>,
    /// The timeline's counts per time bucket (store/density.rs).
    pub density: Density,
}

fn widen(span: &mut Option<(i64, i64)>, time: i64) {
    *span = Some(span.map_or((time, time), |(a, b)| (a.min(time), b.max(time))));
}

fn join_spans(a: Option<(i64, i64)>, b: Option<(i64, i64)>) -> Option<(i64, i64)> {
    match (a, b) {
        (Some((a0, a1)), Some((b0, b1))) => Some((a0.min(b0), a1.max(b1))),
        (a, b) => a.or(b),
    }
}

impl Totals {
    fn facet(&mut self, facet: Facet, value: &str) -> &mut FacetTotals {
        let values = self.facets.entry(facet).or_default();
        if !values.contains_key(value) {
            values.insert(value.to_string(), FacetTotals::default());
        }
        values.get_mut(value).expect("inserted above")
    }

    fn count_request(&mut self, facet: Facet, value: &str, detail: Option<&String>) {
        let entry = self.facet(facet, value);
        entry.requests += 1;
        keep_max(&mut entry.request_detail, detail);
    }

    fn count_event(&mut self, facet: Facet, value: &str, detail: Option<&String>) {
        let entry = self.facet(facet, value);
        entry.events += 1;
        keep_max(&mut entry.event_detail, detail);
    }

    pub(super) fn count_exchange(&mut self, prepared: &PreparedExchange) {
        let exchange = &prepared.exchange;
        self.exchanges += 1;
        let end = exchange.time_micros + exchange.duration_micros.unwrap_or(0);
        self.start_micros = Some(
            self.start_micros
                .map_or(exchange.time_micros, |t| t.min(exchange.time_micros)),
        );
        self.end_micros = Some(self.end_micros.map_or(end, |t| t.max(end)));
        let company = prepared.company.as_ref();
        // The request, once per value (browse/facets.rs `request_sql`).
        let request_values = [
            (Facet::App, prepared.app.as_deref().unwrap_or(""), None),
            (Facet::Mode, prepared.mode.as_str(), None),
            (
                Facet::Company,
                prepared.company.as_deref().unwrap_or(""),
                prepared.category.as_ref(),
            ),
            (Facet::Tracker, prepared.tracker.as_deref().unwrap_or(""), company),
            (Facet::Host, exchange.host.as_str(), company),
        ];
        for (facet, value, detail) in request_values {
            self.count_request(facet, value, detail);
        }
        let data_types: BTreeSet<&str> = prepared.data_types.iter().map(|d| d.data_type.kind.as_str()).collect();
        for kind in &data_types {
            self.count_request(Facet::DataType, kind, None);
        }
        let names: BTreeSet<&str> = prepared.events.iter().map(|e| e.name.as_str()).collect();
        for name in names {
            self.count_request(Facet::Event, name, None);
        }
        // A tracker request that decoded into no event is a mark of its own
        // on the timeline (browse/timeline.rs `REQUEST_MARK`).
        if prepared.events.is_empty() && (prepared.company.is_some() || prepared.tracker.is_some()) {
            let lane = self.lanes.entry((prepared.app.clone(), prepared.mode)).or_default();
            lane.requests += 1;
            widen(&mut lane.request_span, exchange.time_micros);
            // The key the request buckets are grouped by (browse/timeline.rs).
            let key = prepared.tracker.as_deref().or(company.map(String::as_str));
            self.density.count(
                prepared.app.as_deref(),
                prepared.mode,
                Rows::Requests,
                key.unwrap_or(exchange.host.as_str()),
                exchange.time_micros,
            );
        }
        for (index, event) in prepared.events.iter().enumerate() {
            self.events += 1;
            let time = event.time_micros;
            self.first_event_micros = Some(self.first_event_micros.map_or(time, |t| t.min(time)));
            let lane = self.lanes.entry((event.app.clone(), event.mode)).or_default();
            lane.events += 1;
            widen(&mut lane.event_span, time);
            self.density
                .count(event.app.as_deref(), event.mode, Rows::Events, &event.tracker, time);
            let event_values = [
                (Facet::App, event.app.as_deref().unwrap_or(""), None),
                (Facet::Mode, event.mode.as_str(), None),
                (
                    Facet::Company,
                    prepared.company.as_deref().unwrap_or(""),
                    prepared.category.as_ref(),
                ),
                (Facet::Tracker, event.tracker.as_str(), company),
                (Facet::Host, exchange.host.as_str(), company),
                (Facet::Event, event.name.as_str(), None),
            ];
            for (facet, value, detail) in event_values {
                self.count_event(facet, value, detail);
            }
            // An event carries its own data types and those its request sent
            // beside all its events (an index past the events is stored as NULL).
            let carried: BTreeSet<&str> = prepared
                .data_types
                .iter()
                .filter(|d| d.event.is_none_or(|i| i == index || i >= prepared.events.len()))
                .map(|d| d.data_type.kind.as_str())
                .collect();
            for kind in carried {
                self.count_event(Facet::DataType, kind, None);
            }
        }
    }

    fn facet_values(&self) -> impl Iterator<Item = (Facet, &String, &FacetTotals)> {
        self.facets
            .iter()
            .flat_map(|(facet, values)| values.iter().map(|(value, figures)| (*facet, value, figures)))
    }

    /// Requests per receiving company, most first (then by name).
    pub(super) fn companies(&self) -> Vec<(String, u64)> {
        let mut companies: Vec<(String, u64)> = self
            .facets
            .get(&Facet::Company)
            .into_iter()
            .flatten()
            .filter(|(value, figures)| !value.is_empty() && figures.requests > 0)
            .map(|(value, figures)| (value.clone(), figures.requests))
            .collect();
        companies.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        companies
    }

    /// The kinds of personal data the requests carried, by name.
    pub(super) fn data_type_kinds(&self) -> Vec<String> {
        let mut kinds: Vec<String> = self
            .facets
            .get(&Facet::DataType)
            .into_iter()
            .flatten()
            .filter(|(_, figures)| figures.requests > 0)
            .map(|(value, _)| value.clone())
            .collect();
        kinds.sort();
        kinds
    }

    /// The figures with the lanes and facet counts of rows without an app
    /// moved to `app` (what `import::infer_app` did to the rows).
    pub(super) fn with_app_for_unnamed(&self, app: Option<&str>) -> Totals {
        let mut totals = Totals {
            exchanges: self.exchanges,
            events: self.events,
            start_micros: self.start_micros,
            end_micros: self.end_micros,
            first_event_micros: self.first_event_micros,
            lanes: HashMap::new(),
            facets: HashMap::new(),
            density: self.density.with_app_for_unnamed(app),
        };
        for ((lane_app, mode), lane) in &self.lanes {
            let lane_app = lane_app.clone().or_else(|| app.map(String::from));
            let entry = totals.lanes.entry((lane_app, *mode)).or_default();
            entry.events += lane.events;
            entry.requests += lane.requests;
            entry.event_span = join_spans(entry.event_span, lane.event_span);
            entry.request_span = join_spans(entry.request_span, lane.request_span);
        }
        for (facet, value, figures) in self.facet_values() {
            let value = match app {
                Some(app) if facet == Facet::App && value.is_empty() => app,
                _ => value.as_str(),
            };
            let entry = totals.facet(facet, value);
            entry.requests += figures.requests;
            entry.events += figures.events;
            keep_max(&mut entry.request_detail, figures.request_detail.as_ref());
            keep_max(&mut entry.event_detail, figures.event_detail.as_ref());
        }
        totals
    }
}

/// Adds the import's counts, span, lanes and facet counts to the session's.
pub(super) fn store_figures(tx: &Transaction<'_>, session: SessionId, totals: &Totals) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE sessions SET exchange_count = exchange_count + ?2, event_count = event_count + ?3,
             start_micros = CASE WHEN start_micros IS NULL OR ?4 < start_micros THEN ?4 ELSE start_micros END,
             end_micros = CASE WHEN end_micros IS NULL OR ?5 > end_micros THEN ?5 ELSE end_micros END,
             first_event_micros = CASE WHEN first_event_micros IS NULL OR ?6 < first_event_micros THEN ?6 ELSE first_event_micros END
         WHERE session_id = ?1",
        params![
            session,
            totals.exchanges as i64,
            totals.events as i64,
            totals.start_micros,
            totals.end_micros,
            totals.first_event_micros
        ],
    )?;
    let mut lane = tx.prepare_cached(
        "INSERT INTO session_lanes (session_id, app, mode, event_count, first_micros, last_micros, request_count,
             request_first_micros, request_last_micros) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for ((app, mode), figures) in &totals.lanes {
        lane.execute(params![
            session,
            app,
            mode.as_str(),
            figures.events as i64,
            figures.event_span.map(|s| s.0),
            figures.event_span.map(|s| s.1),
            figures.requests as i64,
            figures.request_span.map(|s| s.0),
            figures.request_span.map(|s| s.1),
        ])?;
    }
    let mut facet = tx.prepare_cached(
        "INSERT INTO session_facets (session_id, facet, value, detail, request_count, event_count)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (name, value, figures) in totals.facet_values() {
        facet.execute(params![
            session,
            name.label(),
            value,
            figures.request_detail.as_ref().or(figures.event_detail.as_ref()),
            figures.requests as i64,
            figures.events as i64
        ])?;
    }
    store_density(tx, session, &totals.density)
}

/// Counts `session`'s lanes, facet values and timeline density again from
/// its rows, replacing what was kept: after the researcher renamed a
/// host's company (`hosts.rs`), the kept figures must say what the rows
/// say. The counting mirrors [`Totals::count_exchange`] exactly (the test
/// `recount_equals_the_import_s_figures` compares the two).
pub(super) fn recount_figures(tx: &Connection, session: SessionId) -> Result<(), StoreError> {
    for table in ["session_lanes", "session_facets", "timeline_density"] {
        tx.execute(&format!("DELETE FROM {table} WHERE session_id = ?1"), [session])?;
    }
    tx.execute(
        "INSERT INTO session_lanes (session_id, app, mode, event_count, first_micros, last_micros, request_count,
                                    request_first_micros, request_last_micros)
         SELECT ?1, app, mode, sum(events), min(first_e), max(last_e), sum(requests), min(first_r), max(last_r)
         FROM (SELECT app, mode, 1 AS events, time_micros AS first_e, time_micros AS last_e,
                      0 AS requests, NULL AS first_r, NULL AS last_r FROM events WHERE session_id = ?1
               UNION ALL
               SELECT app, mode, 0, NULL, NULL, 1, time_micros, time_micros FROM exchanges
               WHERE session_id = ?1 AND event_count = 0 AND party = 'third' AND (company IS NOT NULL OR tracker IS NOT NULL))
         GROUP BY app, mode",
        [session],
    )?;
    tx.execute(
        "INSERT INTO session_facets (session_id, facet, value, detail, request_count, event_count)
         SELECT ?1, facet, value, coalesce(max(CASE WHEN requests > 0 THEN detail END), max(detail)),
                sum(requests), sum(events)
         FROM (SELECT 'app' AS facet, coalesce(app, '') AS value, NULL AS detail, 1 AS requests, 0 AS events
               FROM exchanges WHERE session_id = ?1
               UNION ALL SELECT 'mode', mode, NULL, 1, 0 FROM exchanges WHERE session_id = ?1
               UNION ALL SELECT 'company', coalesce(company, ''), category, 1, 0 FROM exchanges WHERE session_id = ?1
               UNION ALL SELECT 'tracker', coalesce(tracker, ''), company, 1, 0 FROM exchanges WHERE session_id = ?1
               UNION ALL SELECT 'host', host, company, 1, 0 FROM exchanges WHERE session_id = ?1
               UNION ALL SELECT 'data type', d.type, NULL, 1, 0
                   FROM exchanges x JOIN (SELECT DISTINCT exchange_id, type FROM data_types) d
                   ON d.exchange_id = x.exchange_id WHERE x.session_id = ?1
               UNION ALL SELECT 'event', e.event_name, NULL, 1, 0
                   FROM exchanges x JOIN (SELECT DISTINCT exchange_id, event_name FROM events) e
                   ON e.exchange_id = x.exchange_id WHERE x.session_id = ?1
               UNION ALL SELECT 'app', coalesce(app, ''), NULL, 0, 1 FROM events WHERE session_id = ?1
               UNION ALL SELECT 'mode', mode, NULL, 0, 1 FROM events WHERE session_id = ?1
               UNION ALL SELECT 'company', coalesce(x.company, ''), x.category, 0, 1
                   FROM events v JOIN exchanges x ON x.exchange_id = v.exchange_id WHERE v.session_id = ?1
               UNION ALL SELECT 'tracker', coalesce(v.tracker, ''), x.company, 0, 1
                   FROM events v JOIN exchanges x ON x.exchange_id = v.exchange_id WHERE v.session_id = ?1
               UNION ALL SELECT 'host', x.host, x.company, 0, 1
                   FROM events v JOIN exchanges x ON x.exchange_id = v.exchange_id WHERE v.session_id = ?1
               UNION ALL SELECT 'data type', type, NULL, 0, 1
                   FROM (SELECT DISTINCT v.event_id, d.type FROM events v
                         JOIN data_types d ON d.exchange_id = v.exchange_id
                              AND (d.event_id = v.event_id OR d.event_id IS NULL)
                         WHERE v.session_id = ?1)
               UNION ALL SELECT 'event', event_name, NULL, 0, 1 FROM events WHERE session_id = ?1)
         GROUP BY facet, value",
        [session],
    )?;
    let mask: Option<i64> = tx.query_row(
        "SELECT density_levels FROM sessions WHERE session_id = ?1",
        [session],
        |r| r.get(0),
    )?;
    for level in super::density::levels_of(mask.unwrap_or(0)) {
        let width = super::density::level_micros(level);
        // `bucket` is time.div_euclid(width), as density.rs counts it.
        let bucket = "CASE WHEN time_micros >= 0 THEN time_micros / ?3 ELSE (time_micros - ?3 + 1) / ?3 END";
        tx.execute(
            &format!(
                "INSERT INTO timeline_density (session_id, level, rows, app, mode, key, bucket, count)
                 SELECT ?1, ?2, 'events', app, mode, tracker, {bucket} AS b, count(*)
                 FROM events WHERE session_id = ?1 GROUP BY app, mode, tracker, b"
            ),
            params![session, level, width],
        )?;
        tx.execute(
            &format!(
                "INSERT INTO timeline_density (session_id, level, rows, app, mode, key, bucket, count)
                 SELECT ?1, ?2, 'requests', app, mode, coalesce(tracker, company, host) AS k, {bucket} AS b, count(*)
                 FROM exchanges WHERE session_id = ?1 AND event_count = 0 AND party = 'third' AND (company IS NOT NULL OR tracker IS NOT NULL)
                 GROUP BY app, mode, k, b"
            ),
            params![session, level, width],
        )?;
    }
    Ok(())
}
