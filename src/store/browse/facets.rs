//! Facet counts for the left panel: for each facet, its values with how many
//! events carry them. A facet's counts ignore that facet's own picks, so the
//! other values stay visible and clickable.

use super::filter::{BrowseFilter, Facet, Sql, push_conditions};
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
