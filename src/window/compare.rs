//! The compare view's model: the two sessions, the worker's comparison,
//! and what a reader needs first — in plain words, what B still sends,
//! what stopped and what is new (events per tracker, hosts, kinds of
//! personal data) — then the field-level rows grouped by tracker with the
//! differing ones counted. No drawing here (see `compare_ui.rs`).

use super::timeline::TimelineModel;
use crate::analysis::{CompareRow, Comparison, HostRow};
use crate::jobs::SummaryRow;
use crate::model::SessionId;
use std::collections::{BTreeMap, BTreeSet};

/// The compare view's choices and result.
#[derive(Default)]
pub struct CompareState {
    pub a: Option<SessionId>,
    pub b: Option<SessionId>,
    pub result: Option<Comparison>,
    pub running: bool,
    pub timeline_a: Option<TimelineModel>,
    pub timeline_b: Option<TimelineModel>,
}

/// Events of one tracker in A and in B, and which event names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrackerChange {
    pub tracker: String,
    pub events_a: u64,
    pub events_b: u64,
    /// Event names sent in both sessions.
    pub still: Vec<String>,
    /// Event names only A sent.
    pub stopped: Vec<String>,
    /// Event names only B sent.
    pub new: Vec<String>,
}

/// What changed from A to B, for the sentences at the top.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompareSummary {
    pub trackers: Vec<TrackerChange>,
    /// Hosts both sessions contacted, only A, only B.
    pub hosts_still: Vec<String>,
    pub hosts_stopped: Vec<String>,
    pub hosts_new: Vec<String>,
    /// Kinds of personal data (vocabulary names) sent in both, only A, only B.
    pub data_still: Vec<String>,
    pub data_stopped: Vec<String>,
    pub data_new: Vec<String>,
}

impl CompareSummary {
    /// The summary of `comparison`; `summary` (what left the device) adds
    /// the kinds of personal data when it has arrived.
    pub fn of(comparison: &Comparison, a: SessionId, b: SessionId, summary: Option<&[SummaryRow]>) -> CompareSummary {
        let mut by_tracker: BTreeMap<&str, TrackerChange> = BTreeMap::new();
        for row in comparison.rows.iter().filter(|r| r.field.is_empty()) {
            let change = by_tracker.entry(row.tracker.as_str()).or_insert_with(|| TrackerChange {
                tracker: row.tracker.clone(),
                ..TrackerChange::default()
            });
            change.events_a += row.count_a;
            change.events_b += row.count_b;
            let list = match (row.count_a > 0, row.count_b > 0) {
                (true, true) => &mut change.still,
                (true, false) => &mut change.stopped,
                (false, true) => &mut change.new,
                (false, false) => continue,
            };
            list.push(row.event.clone());
        }
        let mut trackers: Vec<TrackerChange> = by_tracker.into_values().collect();
        trackers.sort_by(|x, y| y.events_b.cmp(&x.events_b).then(y.events_a.cmp(&x.events_a)));
        let side = |host: &HostRow| (host.count_a > 0, host.count_b > 0);
        let hosts = |wanted: (bool, bool)| -> Vec<String> {
            comparison
                .hosts
                .iter()
                .filter(|h| side(h) == wanted)
                .map(|h| h.host.clone())
                .collect()
        };
        let mut result = CompareSummary {
            trackers,
            hosts_still: hosts((true, true)),
            hosts_stopped: hosts((true, false)),
            hosts_new: hosts((false, true)),
            ..CompareSummary::default()
        };
        if let Some(rows) = summary {
            let kinds = |session: SessionId| -> BTreeSet<&str> {
                rows.iter()
                    .filter(|r| r.group.session_id == session)
                    .flat_map(|r| r.group.data_types.iter().map(|d| d.kind.as_str()))
                    .collect()
            };
            let (in_a, in_b) = (kinds(a), kinds(b));
            result.data_still = in_a.intersection(&in_b).map(|k| (*k).to_string()).collect();
            result.data_stopped = in_a.difference(&in_b).map(|k| (*k).to_string()).collect();
            result.data_new = in_b.difference(&in_a).map(|k| (*k).to_string()).collect();
        }
        result
    }

    /// Events B sent in total.
    pub fn events_b(&self) -> u64 {
        self.trackers.iter().map(|t| t.events_b).sum()
    }
}

/// The field-level rows of one tracker, with how many differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackerRows<'a> {
    pub tracker: &'a str,
    pub rows: Vec<&'a CompareRow>,
    /// Rows whose counts differ between A and B.
    pub differing: usize,
}

/// Whether a row's counts differ (what the table highlights).
pub fn differs(row: &CompareRow) -> bool {
    row.count_a != row.count_b
}

/// The comparison's rows grouped by tracker, in first-seen order.
pub fn rows_by_tracker(comparison: &Comparison) -> Vec<TrackerRows<'_>> {
    let mut groups: Vec<TrackerRows<'_>> = Vec::new();
    for row in &comparison.rows {
        let at = match groups.iter().position(|g| g.tracker == row.tracker) {
            Some(at) => at,
            None => {
                groups.push(TrackerRows {
                    tracker: &row.tracker,
                    rows: Vec::new(),
                    differing: 0,
                });
                groups.len() - 1
            }
        };
        groups[at].differing += usize::from(differs(row));
        groups[at].rows.push(row);
    }
    groups
}

/// `a, b and 3 more` — a short list for a sentence.
pub fn short_list(items: &[String], shown: usize) -> String {
    match items.len() {
        0 => String::new(),
        n if n <= shown => join_and(items),
        n => format!("{} and {} more", items[..shown].join(", "), n - shown),
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(tracker: &str, event: &str, field: &str, a: u64, b: u64) -> CompareRow {
        CompareRow {
            tracker: tracker.into(),
            event: event.into(),
            field: field.into(),
            count_a: a,
            count_b: b,
        }
    }

    #[test]
    fn the_summary_sorts_event_names_into_still_stopped_and_new() {
        let comparison = Comparison {
            a: "normal".into(),
            b: "incognito".into(),
            rows: vec![
                row("sensorsdata", "page_view", "", 30, 26),
                row("sensorsdata", "page_view", "properties.$url", 30, 26),
                row("sensorsdata", "login", "", 2, 0),
                row("ga", "pageview", "", 0, 5),
            ],
            hosts: Vec::new(),
        };
        let summary = CompareSummary::of(&comparison, SessionId(1), SessionId(2), None);
        let sensors = summary
            .trackers
            .iter()
            .find(|t| t.tracker == "sensorsdata")
            .expect("tracker");
        assert_eq!((sensors.events_a, sensors.events_b), (32, 26));
        assert_eq!(sensors.still, ["page_view"]);
        assert_eq!(sensors.stopped, ["login"]);
        let ga = summary.trackers.iter().find(|t| t.tracker == "ga").expect("tracker");
        assert_eq!(ga.new, ["pageview"]);
        assert_eq!(summary.events_b(), 31);
        let groups = rows_by_tracker(&comparison);
        assert_eq!(groups[0].tracker, "sensorsdata");
        assert_eq!((groups[0].rows.len(), groups[0].differing), (3, 3));
        assert_eq!(short_list(&["a".into(), "b".into(), "c".into()], 2), "a, b and 1 more");
        assert_eq!(short_list(&["a".into(), "b".into()], 2), "a and b");
    }
}
