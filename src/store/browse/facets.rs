//! Facet counts for the left panel: for each facet, its values with how many
//! events carry them. A facet's counts ignore that facet's own picks, so the
//! other values stay visible and clickable.

use super::filter::{BrowseFilter, Facet, Sql, push_conditions, visible_sessions};
use crate::store::{Case, StoreError};
use rusqlite::params_from_iter;

/// Values shown per facet; the rest are summed into [`FacetList::more`].
pub const FACET_VALUE_LIMIT: usize = 50;

/// One facet value and its event count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetCount {
    pub value: String,
    /// Shown next to the value: the company behind a tracker or host.
    pub detail: Option<String>,
    pub count: u64,
}

/// The values of one facet, most frequent first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetList {
    pub facet: Facet,
    pub values: Vec<FacetCount>,
    /// How many further values were left out.
    pub more: u64,
}

impl Case {
    /// Counts for every listed facet under `filter`.
    pub fn facets(&self, filter: &BrowseFilter) -> Result<Vec<FacetList>, StoreError> {
        let starts = self.session_starts()?;
        Facet::LISTED
            .iter()
            .map(|&facet| {
                let others = filter.without(Some(facet), true);
                if let Some(name) = kept_facet(facet).filter(|_| others.only_hides_sessions()) {
                    return self.kept_facet_counts(facet, name, &others);
                }
                let (group, detail, from) = facet_sql(facet);
                let mut sql = Sql::new(&format!("SELECT {group}, {detail}, count(*) FROM {from} WHERE 1 = 1"));
                push_conditions(&mut sql, &others, &starts);
                sql.push(&format!(" GROUP BY {group} ORDER BY count(*) DESC, {group}"));
                let mut statement = self.conn.prepare_cached(&sql.text)?;
                let all: Vec<FacetCount> = statement
                    .query_map(params_from_iter(sql.values), |r| {
                        Ok(FacetCount {
                            value: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                            detail: r.get(1)?,
                            count: r.get::<_, i64>(2)?.max(0) as u64,
                        })
                    })?
                    .collect::<Result<_, _>>()?;
                let more = all.iter().skip(FACET_VALUE_LIMIT).map(|c| c.count).sum();
                let values = all.into_iter().take(FACET_VALUE_LIMIT).collect();
                Ok(FacetList { facet, values, more })
            })
            .collect()
    }
}

impl Case {
    /// A facet's counts from the figures kept at import (schema 3).
    fn kept_facet_counts(&self, facet: Facet, name: &str, filter: &BrowseFilter) -> Result<FacetList, StoreError> {
        let mut sql =
            Sql::new("SELECT t.value, max(t.detail), sum(t.event_count) FROM session_facets t WHERE t.facet = ");
        let placeholder = sql.bind(name.to_string());
        sql.push(&placeholder);
        visible_sessions(&mut sql, filter);
        sql.push(" GROUP BY t.value ORDER BY sum(t.event_count) DESC, t.value");
        let mut statement = self.conn.prepare_cached(&sql.text)?;
        let all: Vec<FacetCount> = statement
            .query_map(params_from_iter(sql.values), |r| {
                Ok(FacetCount {
                    value: r.get(0)?,
                    detail: r.get(1)?,
                    count: r.get::<_, i64>(2)?.max(0) as u64,
                })
            })?
            .collect::<Result<_, _>>()?;
        let more = all.iter().skip(FACET_VALUE_LIMIT).map(|c| c.count).sum();
        let values = all.into_iter().take(FACET_VALUE_LIMIT).collect();
        Ok(FacetList { facet, values, more })
    }
}

/// The name a facet's counts are kept under at import, if they are.
fn kept_facet(facet: Facet) -> Option<&'static str> {
    match facet {
        Facet::App => Some("app"),
        Facet::Mode => Some("mode"),
        Facet::Tracker => Some("tracker"),
        Facet::Host => Some("host"),
        Facet::Event => Some("event"),
        Facet::Tag | Facet::Field => None,
    }
}

/// (grouping expression, detail expression, FROM clause) of a facet.
fn facet_sql(facet: Facet) -> (&'static str, &'static str, &'static str) {
    match facet {
        Facet::App => ("coalesce(v.app, '')", "NULL", "events v"),
        Facet::Mode => ("v.mode", "NULL", "events v"),
        Facet::Tracker => (
            "v.tracker",
            "max(x.company)",
            "events v JOIN exchanges x ON x.exchange_id = v.exchange_id",
        ),
        Facet::Host => (
            "x.host",
            "max(x.company)",
            "events v JOIN exchanges x ON x.exchange_id = v.exchange_id",
        ),
        Facet::Event => ("v.event_name", "NULL", "events v"),
        Facet::Field => ("f.key", "NULL", "events v, json_each(v.fields) f"),
        Facet::Tag => (
            "t.value",
            "NULL",
            "events v JOIN annotations a ON a.target_kind = 'event' AND a.target_id = v.event_id, json_each(a.tags) t",
        ),
    }
}
