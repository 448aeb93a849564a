//! Facet counts for the left panel: for each facet, its values with how many
//! **requests** and how many events carry them — so a capture whose
//! requests decode into no events still lists its hosts, companies,
//! trackers and data types. A facet's counts ignore that facet's own picks,
//! so the other values stay visible and clickable.

use super::filter::{
    BrowseFilter, Facet, SessionStarts, Sql, push_conditions, push_request_conditions, visible_sessions,
};
use crate::store::{Case, StoreError};
use rusqlite::params_from_iter;
use std::collections::HashMap;

/// Values shown per facet; the rest are counted in [`FacetList::more`].
pub const FACET_VALUE_LIMIT: usize = 50;

/// One facet value and its counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetCount {
    pub value: String,
    /// Shown next to the value: the company behind a tracker or host, the
    /// category of a company.
    pub detail: Option<String>,
    /// Requests that carry the value (an event facet: requests with such an event).
    pub requests: u64,
    /// Events that carry it.
    pub events: u64,
}

/// The values of one facet, most requests first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetList {
    pub facet: Facet,
    pub values: Vec<FacetCount>,
    /// How many further values were left out.
    pub more: u64,
}

/// (value, detail, count) rows of one facet over requests or events.
type FacetRows = Vec<(String, Option<String>, u64)>;

/// How one facet is counted over one kind of row.
struct FacetSql {
    group: &'static str,
    detail: &'static str,
    from: &'static str,
    /// What is counted (`count(*)` or a distinct id when the FROM joins).
    count: &'static str,
}

impl Case {
    /// Counts for every listed facet under `filter`.
    pub fn facets(&self, filter: &BrowseFilter) -> Result<Vec<FacetList>, StoreError> {
        self.facets_with(filter, true)
    }

    /// [`Case::facets`], from the kept figures where they answer (`kept`)
    /// or always by grouping the rows (what the kept figures are checked against).
    pub(super) fn facets_with(&self, filter: &BrowseFilter, kept: bool) -> Result<Vec<FacetList>, StoreError> {
        let starts = self.session_starts()?;
        Facet::LISTED
            .iter()
            .map(|&facet| {
                let others = filter.without(Some(facet), true);
                if kept && others.only_hides_sessions() && facet != Facet::Tag {
                    let (requests, events) = self.kept_facet_counts(facet, &others)?;
                    return Ok(merge(facet, requests, events));
                }
                let requests = self.facet_counts(&request_sql(facet), &others, &starts, true)?;
                let events = self.facet_counts(&event_sql(facet), &others, &starts, false)?;
                Ok(merge(facet, requests, events))
            })
            .collect()
    }

    /// The request and event counts of one facet from the figures kept at
    /// import (schema 5; `store/figures.rs`), summed over the sessions
    /// `filter` shows: the same lists as [`Case::facet_counts`] gives when
    /// the filter only hides sessions, without grouping every row.
    fn kept_facet_counts(&self, facet: Facet, filter: &BrowseFilter) -> Result<(FacetRows, FacetRows), StoreError> {
        let mut sql =
            Sql::new("SELECT value, max(detail), sum(request_count), sum(event_count) FROM session_facets t WHERE ");
        let label = sql.bind(facet.label().to_string());
        sql.push(&format!("t.facet = {label}"));
        visible_sessions(&mut sql, filter);
        sql.push(" GROUP BY value");
        let mut statement = self.conn.prepare_cached(&sql.text)?;
        let rows = statement.query_map(params_from_iter(sql.values), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, i64>(2)?.max(0) as u64,
                r.get::<_, i64>(3)?.max(0) as u64,
            ))
        })?;
        let (mut requests, mut events) = (Vec::new(), Vec::new());
        for row in rows {
            let (value, detail, request_count, event_count) = row?;
            if request_count > 0 {
                requests.push((value.clone(), detail.clone(), request_count));
            }
            if event_count > 0 {
                events.push((value, detail, event_count));
            }
        }
        Ok((requests, events))
    }

    /// (value, detail, count) of one facet over requests or events.
    fn facet_counts(
        &self,
        facet: &FacetSql,
        filter: &BrowseFilter,
        starts: &SessionStarts,
        requests: bool,
    ) -> Result<FacetRows, StoreError> {
        let FacetSql {
            group,
            detail,
            from,
            count,
        } = facet;
        let mut sql = Sql::new(&format!("SELECT {group}, {detail}, {count} FROM {from} WHERE 1 = 1"));
        if requests {
            push_request_conditions(&mut sql, filter, starts);
        } else {
            push_conditions(&mut sql, filter, starts);
        }
        sql.push(&format!(" GROUP BY {group}"));
        let mut statement = self.conn.prepare_cached(&sql.text)?;
        let rows = statement.query_map(params_from_iter(sql.values), |r| {
            Ok((
                r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                r.get::<_, Option<String>>(1)?,
                r.get::<_, i64>(2)?.max(0) as u64,
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Joins the request and event counts of one facet, most requests first
/// (then most events, then by value), and cuts the list.
fn merge(facet: Facet, requests: FacetRows, events: FacetRows) -> FacetList {
    let mut by_value: HashMap<String, FacetCount> = HashMap::new();
    for (value, detail, count) in requests {
        let entry = by_value.entry(value.clone()).or_insert_with(|| FacetCount {
            value,
            detail: None,
            requests: 0,
            events: 0,
        });
        entry.requests += count;
        entry.detail = entry.detail.take().or(detail);
    }
    for (value, detail, count) in events {
        let entry = by_value.entry(value.clone()).or_insert_with(|| FacetCount {
            value,
            detail: None,
            requests: 0,
            events: 0,
        });
        entry.events += count;
        entry.detail = entry.detail.take().or(detail);
    }
    let mut all: Vec<FacetCount> = by_value.into_values().collect();
    // "No tracker" or "no company" has no company to show beside it.
    for count in all.iter_mut().filter(|c| c.value.is_empty()) {
        count.detail = None;
    }
    all.sort_by(|a, b| {
        b.requests
            .cmp(&a.requests)
            .then(b.events.cmp(&a.events))
            .then(a.value.cmp(&b.value))
    });
    let more = all.len().saturating_sub(FACET_VALUE_LIMIT) as u64;
    all.truncate(FACET_VALUE_LIMIT);
    FacetList {
        facet,
        values: all,
        more,
    }
}

/// How a facet groups requests (`x`).
fn request_sql(facet: Facet) -> FacetSql {
    let plain = |group, detail| FacetSql {
        group,
        detail,
        from: "exchanges x",
        count: "count(*)",
    };
    match facet {
        Facet::App => plain("coalesce(x.app, '')", "NULL"),
        Facet::Mode => plain("x.mode", "NULL"),
        Facet::Company => plain("coalesce(x.company, '')", "max(x.category)"),
        Facet::Tracker => plain("coalesce(x.tracker, '')", "max(x.company)"),
        Facet::Host => plain("x.host", "max(x.company)"),
        Facet::DataType => FacetSql {
            group: "d.type",
            detail: "NULL",
            from: "exchanges x JOIN data_types d ON d.exchange_id = x.exchange_id",
            count: "count(DISTINCT x.exchange_id)",
        },
        Facet::Event => FacetSql {
            group: "e.event_name",
            detail: "NULL",
            from: "exchanges x JOIN events e ON e.exchange_id = x.exchange_id",
            count: "count(DISTINCT x.exchange_id)",
        },
        Facet::Field => FacetSql {
            group: "f.key",
            detail: "NULL",
            from: "exchanges x JOIN events e ON e.exchange_id = x.exchange_id, json_each(e.fields) f",
            count: "count(DISTINCT x.exchange_id)",
        },
        // Driven from the (few) annotations: joining every request to them
        // took most of a second on a 400 000-request case.
        Facet::Tag => FacetSql {
            group: "t.value",
            detail: "NULL",
            from: "annotations a JOIN exchanges x ON x.exchange_id = CASE a.target_kind
                       WHEN 'exchange' THEN a.target_id
                       WHEN 'event' THEN (SELECT e.exchange_id FROM events e WHERE e.event_id = a.target_id) END,
                   json_each(a.tags) t",
            count: "count(DISTINCT x.exchange_id)",
        },
    }
}

/// How a facet groups events (`v`).
fn event_sql(facet: Facet) -> FacetSql {
    let plain = |group, detail, from| FacetSql {
        group,
        detail,
        from,
        count: "count(*)",
    };
    let joined = "events v JOIN exchanges x ON x.exchange_id = v.exchange_id";
    match facet {
        Facet::App => plain("coalesce(v.app, '')", "NULL", "events v"),
        Facet::Mode => plain("v.mode", "NULL", "events v"),
        Facet::Company => plain("coalesce(x.company, '')", "max(x.category)", joined),
        Facet::Tracker => plain("v.tracker", "max(x.company)", joined),
        Facet::Host => plain("x.host", "max(x.company)", joined),
        // An event carries its own data types and those its request sent beside all its events.
        Facet::DataType => FacetSql {
            group: "d.type",
            detail: "NULL",
            from: "events v JOIN data_types d ON d.exchange_id = v.exchange_id
                   AND (d.event_id = v.event_id OR d.event_id IS NULL)",
            count: "count(DISTINCT v.event_id)",
        },
        Facet::Event => plain("v.event_name", "NULL", "events v"),
        Facet::Field => plain("f.key", "NULL", "events v, json_each(v.fields) f"),
        Facet::Tag => plain(
            "t.value",
            "NULL",
            "events v JOIN annotations a ON a.target_kind = 'event' AND a.target_id = v.event_id, json_each(a.tags) t",
        ),
    }
}
