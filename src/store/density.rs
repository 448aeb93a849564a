//! The timeline's density kept at import (schema 7): per session, lane
//! (app × mode), tracker and time bucket, how many events — and how many
//! tracker requests without events — fell there, at several bucket widths
//! (levels). At a million events, drawing the whole capture then reads a
//! few tens of thousands of kept counts instead of grouping every event.
//!
//! Level `l` has buckets `4^l` seconds wide, counted from the epoch
//! (`bucket = time.div_euclid(width)`), levels 0 (1 s) to 12 (194 days).
//! An import keeps a level only while it has few buckets for the rows it
//! counted — at most [`FLOOR`] plus one per [`ROWS_PER_BUCKET`] rows — so
//! the fine levels of a long capture, which would be as large as the event
//! table itself, are dropped as soon as they grow past that, and the
//! counting's memory stays a fraction of the rows'.
//!
//! A session's `density_levels` says which levels are complete: an import
//! merged into a session keeps only the levels both have, and deletes the
//! rows of the others (see [`store_density`]). The window reads a level
//! whose buckets are at most an eighth of a pixel column wide, and puts each
//! kept bucket in the column that holds its midpoint: an event is drawn at
//! most a sixteenth of a column from where it fell (browse/timeline.rs). A
//! kept bucket across the window's edge counts in the edge column, so the
//! whole extent's first and last events are never lost.
//! The test `kept_density_equals_grouping` compares the two on real
//! captures, with windows on bucket edges where both must agree exactly.

use super::StoreError;
use super::browse::Rows;
use crate::model::{Mode, SessionId};
use rusqlite::{OptionalExtension, Transaction, params};
use std::collections::HashMap;

/// Levels 0..LEVELS are counted.
pub(crate) const LEVELS: u32 = 13;
/// Buckets a level may always have, however few rows were counted.
const FLOOR: usize = 4096;
/// Beyond [`FLOOR`], a level may have one bucket per this many rows.
const ROWS_PER_BUCKET: u64 = 16;

/// Width of one bucket of `level`, in µs.
pub(crate) fn level_micros(level: u32) -> i64 {
    1_000_000 * 4i64.pow(level)
}

/// The bits of `mask` (levels), finest first.
pub(crate) fn levels_of(mask: i64) -> impl Iterator<Item = u32> {
    (0..LEVELS).filter(move |level| mask & (1 << level) != 0)
}

/// One counted series: a lane's events or tracker requests of one tracker.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Series {
    app: Option<String>,
    mode: Mode,
    rows: Rows,
    key: String,
}

/// The counts of one import, kept while it writes.
#[derive(Clone, Debug)]
pub(super) struct Density {
    series: Vec<Series>,
    /// key → the series with that key (a few: one per lane and kind).
    by_key: HashMap<String, Vec<u32>>,
    /// Per level, (series, bucket) → count; `None` once dropped.
    levels: Vec<Option<HashMap<(u32, i64), u64>>>,
    counted: u64,
}

impl Default for Density {
    fn default() -> Density {
        Density {
            series: Vec::new(),
            by_key: HashMap::new(),
            levels: (0..LEVELS).map(|_| Some(HashMap::new())).collect(),
            counted: 0,
        }
    }
}

impl Density {
    fn series_id(&mut self, app: Option<&str>, mode: Mode, rows: Rows, key: &str) -> u32 {
        let same = |s: &Series| s.app.as_deref() == app && s.mode == mode && s.rows == rows;
        if let Some(ids) = self.by_key.get(key)
            && let Some(&id) = ids.iter().find(|&&id| same(&self.series[id as usize]))
        {
            return id;
        }
        let id = u32::try_from(self.series.len()).unwrap_or(u32::MAX);
        self.series.push(Series {
            app: app.map(String::from),
            mode,
            rows,
            key: key.to_string(),
        });
        self.by_key.entry(key.to_string()).or_default().push(id);
        id
    }

    /// Counts one event (`Rows::Events`, keyed by its tracker) or one
    /// tracker request without events (`Rows::Requests`, keyed by tracker,
    /// else company, else host) at `time_micros`.
    pub(super) fn count(&mut self, app: Option<&str>, mode: Mode, rows: Rows, key: &str, time_micros: i64) {
        let series = self.series_id(app, mode, rows, key);
        self.counted += 1;
        let cap = FLOOR + usize::try_from(self.counted / ROWS_PER_BUCKET).unwrap_or(usize::MAX);
        for (level, kept) in self.levels.iter_mut().enumerate() {
            let Some(buckets) = kept else { continue };
            let bucket = time_micros.div_euclid(level_micros(level as u32));
            *buckets.entry((series, bucket)).or_default() += 1;
            if buckets.len() > cap {
                *kept = None;
            }
        }
    }

    /// The levels still kept, as a bit mask.
    pub(super) fn mask(&self) -> i64 {
        (0..LEVELS)
            .filter(|&level| self.levels[level as usize].is_some())
            .fold(0, |mask, level| mask | (1 << level))
    }

    /// The same counts with the lanes without an app given `app` (what
    /// `import::infer_app` did to the rows).
    pub(super) fn with_app_for_unnamed(&self, app: Option<&str>) -> Density {
        let mut density = self.clone();
        for series in &mut density.series {
            if series.app.is_none() {
                series.app = app.map(String::from);
            }
        }
        density
    }
}

/// Adds one import's density to `session`'s, keeping the levels that both
/// the session and the import have complete.
pub(super) fn store_density(tx: &Transaction<'_>, session: SessionId, density: &Density) -> Result<(), StoreError> {
    let before: Option<i64> = tx
        .query_row(
            "SELECT density_levels FROM sessions WHERE session_id = ?1",
            [session],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let kept = match before {
        // Nothing counted yet: what this import kept.
        None => density.mask(),
        Some(before) => before & density.mask(),
    };
    for level in levels_of(before.unwrap_or(0) & !kept) {
        tx.execute(
            "DELETE FROM timeline_density WHERE session_id = ?1 AND level = ?2",
            params![session, level],
        )?;
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO timeline_density (session_id, level, rows, app, mode, key, bucket, count)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for level in levels_of(kept) {
        let Some(buckets) = &density.levels[level as usize] else {
            continue;
        };
        for (&(series, bucket), &count) in buckets {
            let series = &density.series[series as usize];
            insert.execute(params![
                session,
                level,
                series.rows.label(),
                series.app,
                series.mode.as_str(),
                series.key,
                bucket,
                count as i64
            ])?;
        }
    }
    tx.execute(
        "UPDATE sessions SET density_levels = ?2 WHERE session_id = ?1",
        params![session, kept],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fine_levels_are_dropped_when_they_grow_as_large_as_the_rows() {
        let mut density = Density::default();
        // 100 000 events a second apart over two trackers: level 0 would
        // hold a bucket per event, level 4 (256 s) one per 256 events.
        for i in 0..100_000i64 {
            let tracker = if i % 3 == 0 { "mixpanel" } else { "sensorsdata" };
            density.count(
                Some("app"),
                Mode::Normal,
                Rows::Events,
                tracker,
                1_587_376_800_000_000 + i * 1_000_000,
            );
        }
        let kept: Vec<u32> = levels_of(density.mask()).collect();
        // Level 2 (16 s) needs 2 × 6 250 buckets, past 4 096 + 100 000 / 16;
        // level 3 (64 s) needs 2 × 1 563.
        assert_eq!(kept, (3..LEVELS).collect::<Vec<_>>());
        // Series are numbered as first seen: event 0 is mixpanel's.
        let (mixpanel, sensors) = (0, 1);
        let level = |l: usize| density.levels[l].as_ref().expect("kept");
        // Every event is counted once per kept level.
        for l in 3..LEVELS as usize {
            assert_eq!(level(l).values().sum::<u64>(), 100_000, "level {l}");
        }
        // 256 s buckets from the epoch: the first event, at a 256 s edge
        // plus 0, opens a bucket of its own.
        let first = 1_587_376_800_000_000i64.div_euclid(level_micros(4));
        let at = |series: u32, bucket: i64| level(4).get(&(series, bucket)).copied().unwrap_or(0);
        let start = (1_587_376_800_000_000 - first * level_micros(4)) / 1_000_000;
        let in_first = (256 - start).min(100_000);
        assert_eq!(at(mixpanel, first) + at(sensors, first), in_first as u64);
        assert_eq!(density.series.len(), 2);
    }

    #[test]
    fn a_short_capture_keeps_every_level() {
        let mut density = Density::default();
        for i in 0..3_000i64 {
            density.count(None, Mode::Incognito, Rows::Requests, "graph.facebook.com", i * 250_000);
        }
        assert_eq!(density.mask(), (1 << LEVELS) - 1);
        let named = density.with_app_for_unnamed(Some("tld.sample.app"));
        assert_eq!(named.series[0].app.as_deref(), Some("tld.sample.app"));
        assert_eq!(named.levels[0].as_ref().map(HashMap::len), Some(750));
    }

    #[test]
    fn an_import_merged_into_a_session_keeps_the_levels_both_have() {
        let mut case = crate::store::Case::open_in_memory().expect("case");
        case.import_demo().expect("demo");
        let (session, before): (SessionId, i64) = case
            .conn
            .query_row("SELECT session_id, density_levels FROM sessions LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("session");
        // The demo's sessions are short: every level kept.
        assert_eq!(before, (1 << LEVELS) - 1);
        let rows_at = |case: &crate::store::Case, level: u32| -> i64 {
            case.conn
                .query_row(
                    "SELECT count(*) FROM timeline_density WHERE session_id = ?1 AND level = ?2",
                    params![session, level],
                    |r| r.get(0),
                )
                .expect("count")
        };
        assert!(rows_at(&case, 0) > 0);
        // An import too long for levels 0 and 1.
        let mut density = Density::default();
        density.levels[0] = None;
        density.levels[1] = None;
        density.count(Some("app"), Mode::Normal, Rows::Events, "mixpanel", 1_000_000);
        let tx = case.conn.transaction().expect("tx");
        store_density(&tx, session, &density).expect("store");
        tx.commit().expect("commit");
        let after: i64 = case
            .conn
            .query_row(
                "SELECT density_levels FROM sessions WHERE session_id = ?1",
                [session],
                |r| r.get(0),
            )
            .expect("levels");
        assert_eq!(after, before & !0b11);
        assert_eq!((rows_at(&case, 0), rows_at(&case, 1)), (0, 0));
        // The new event is counted at every level still kept.
        let mixpanel: i64 = case
            .conn
            .query_row(
                "SELECT count(DISTINCT level) FROM timeline_density WHERE session_id = ?1 AND key = 'mixpanel' AND app = 'app'",
                [session],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(mixpanel, i64::from(LEVELS) - 2);
    }
}
