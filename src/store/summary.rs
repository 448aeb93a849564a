//! What left the device, aggregated: per session × mode × company (or host,
//! for requests to no known company), how many requests and events, when,
//! to which hosts and servers, and which kinds of personal data.
//!
//! First party and third party are never mixed: a session's own hosts
//! (`attribution::party`: the app's domains and owners, the sites visited,
//! hosts the researcher marked) form one group of their own, and every
//! other host is a third party, named by its company or listed alone as a
//! third party in no tracker database.
//!
//! Three grouped queries over indexed columns; the work grows with the case
//! but memory only with the number of groups.

use super::{Case, StoreError};
use crate::attribution::{CompanySource, Party};
use crate::model::{EventId, ExchangeId, Mode, SessionId};
use rusqlite::{params_from_iter, types::Value};
use std::collections::HashMap;

/// Which part of the case to summarise.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SummaryFilter {
    /// Session name or id.
    pub session: Option<String>,
    pub mode: Option<Mode>,
    /// Only requests from this evidence file.
    pub source: Option<crate::model::SourceId>,
}

/// One kind of personal data within a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryDataType {
    pub kind: String,
    /// Requests that carried it.
    pub requests: u64,
    /// Values sent: one per event (or request, for data sent beside the
    /// events) and distinct value, so a value named by two fields of one
    /// event counts once.
    pub values: u64,
    /// Different values among them.
    pub distinct_values: u64,
    /// One value as sent (the smallest, so the choice is stable).
    pub example_value: String,
    pub example_exchange_id: ExchangeId,
}

/// One session × mode × company (or host) group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryGroup {
    pub session: String,
    pub session_id: SessionId,
    pub app: Option<String>,
    pub mode: Mode,
    /// The session's own hosts (one group per session and mode), or a third party.
    pub party: Party,
    /// `None` when no company is known for the host (then `hosts` has one
    /// entry, for a third party); for the first-party group, the one
    /// company that owns all its named hosts, if there is one.
    pub company: Option<String>,
    /// Where the company name comes from, as stored
    /// (`attribution::CompanySource::stored`), each once.
    pub company_sources: Vec<String>,
    pub category: Option<String>,
    pub trackers: Vec<String>,
    pub hosts: Vec<String>,
    pub server_ips: Vec<String>,
    pub requests: u64,
    pub events: u64,
    pub first_micros: i64,
    pub last_micros: i64,
    pub example_exchange_id: ExchangeId,
    pub example_event_id: Option<EventId>,
    pub data_types: Vec<SummaryDataType>,
}

type GroupKey = (i64, String, String, Option<String>, Option<String>);

/// The grouping columns: the first party is one group; a known company
/// groups all its third-party hosts; otherwise each host stands alone.
const GROUP_COLUMNS: &str = "x.session_id, x.mode, x.party,
    CASE WHEN x.party = 'third' THEN x.company END,
    CASE WHEN x.party = 'third' AND x.company IS NULL THEN x.host END";

/// The label of a group of no known company that is a third party.
pub const UNLISTED_THIRD_PARTY: &str = "third party not in any tracker database";

impl SummaryGroup {
    /// Whether the company is only a guess (every request's name is the
    /// owner of the server's network).
    #[must_use]
    pub fn company_is_guess(&self) -> bool {
        !self.company_sources.is_empty()
            && self
                .company_sources
                .iter()
                .all(|s| CompanySource::parse(s).is_some_and(|s| s.is_guess()))
    }

    /// Where the name comes from, for a reader: "DuckDuckGo tracker data
    /// set, Disconnect", "owner of the server's network (RhythmOne, LLC)".
    #[must_use]
    pub fn company_evidence(&self) -> Option<String> {
        let mut parts: Vec<String> = Vec::new();
        for source in self.company_sources.iter().filter_map(|s| CompanySource::parse(s)) {
            // A guess is no evidence beside a named source.
            if source.is_guess() && !self.company_is_guess() {
                continue;
            }
            for part in source.explained().split(", ") {
                if !parts.iter().any(|p| p == part) {
                    parts.push(part.to_string());
                }
            }
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// The receiver as a journalist reads it: "Meta (Facebook)",
    /// "probably Tremor Video", "The app's own servers and visited sites",
    /// or the host of an unlisted third party.
    #[must_use]
    pub fn receiver_label(&self) -> String {
        match (self.party, &self.company) {
            (Party::First, Some(company)) => format!("{company} — the app's own servers and visited sites"),
            (Party::First, None) => "The app's own servers and visited sites".into(),
            (Party::Third, Some(company)) if self.company_is_guess() => format!("probably {company}"),
            (Party::Third, Some(company)) => company.clone(),
            (Party::Third, None) => self.hosts.first().cloned().unwrap_or_default(),
        }
    }
}

fn split_list(list: Option<String>) -> Vec<String> {
    let mut items: Vec<String> = list
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    items.sort();
    items.dedup();
    items
}

impl Case {
    /// The groups of the case, per session and mode; within each, the
    /// third parties that carried the most kinds of personal data first,
    /// the first party last.
    pub fn summary(&self, filter: &SummaryFilter) -> Result<Vec<SummaryGroup>, StoreError> {
        // A running import's rows are invisible (see `store::import`).
        let mut condition =
            String::from(" WHERE x.session_id NOT IN (SELECT session_id FROM sessions WHERE import_token IS NOT NULL)");
        let mut values: Vec<Value> = Vec::new();
        if let Some(session) = &filter.session {
            values.push(Value::Integer(self.find_session(session)?.0));
            condition.push_str(&format!(" AND x.session_id = ?{}", values.len()));
        }
        if let Some(mode) = filter.mode {
            values.push(Value::Text(mode.as_str().into()));
            condition.push_str(&format!(" AND x.mode = ?{}", values.len()));
        }
        if let Some(source) = filter.source {
            values.push(Value::Integer(source.0));
            condition.push_str(&format!(" AND x.source_id = ?{}", values.len()));
        }
        let mut groups: Vec<SummaryGroup> = Vec::new();
        let mut index: HashMap<GroupKey, usize> = HashMap::new();
        let sql = format!(
            "SELECT {GROUP_COLUMNS}, s.name, s.app, count(*), sum(x.event_count), min(x.time_micros),
                    max(x.time_micros), min(x.exchange_id), group_concat(DISTINCT x.host),
                    group_concat(DISTINCT x.server_ip), group_concat(DISTINCT x.tracker), max(x.category),
                    CASE WHEN count(DISTINCT x.company) = 1 AND count(x.company) = count(*) THEN max(x.company) END,
                    json_group_array(DISTINCT x.company_source)
             FROM exchanges x JOIN sessions s USING (session_id){condition}
             GROUP BY {GROUP_COLUMNS}"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let mut rows = statement.query(params_from_iter(values.iter()))?;
        while let Some(r) = rows.next()? {
            let key: GroupKey = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
            let sources: Vec<Option<String>> = serde_json::from_str(&r.get::<_, String>(17)?).unwrap_or_default();
            let mut company_sources: Vec<String> = sources.into_iter().flatten().collect();
            company_sources.sort();
            let group = SummaryGroup {
                session: r.get(5)?,
                session_id: SessionId(key.0),
                app: r.get(6)?,
                mode: key.1.parse().unwrap_or_default(),
                party: Party::parse(&key.2).unwrap_or(Party::Third),
                company: key.3.clone().or(r.get(16)?),
                company_sources,
                category: r.get(15)?,
                trackers: split_list(r.get(14)?),
                hosts: split_list(r.get(12)?),
                server_ips: split_list(r.get(13)?),
                requests: r.get::<_, i64>(7)?.max(0) as u64,
                events: r.get::<_, Option<i64>>(8)?.unwrap_or(0).max(0) as u64,
                first_micros: r.get(9)?,
                last_micros: r.get(10)?,
                example_exchange_id: r.get(11)?,
                example_event_id: None,
                data_types: Vec::new(),
            };
            index.insert(key, groups.len());
            groups.push(group);
        }
        drop(rows);
        let sql = format!(
            "SELECT {GROUP_COLUMNS}, d.type, count(DISTINCT d.exchange_id), min(d.value), min(d.exchange_id),
                    count(DISTINCT d.exchange_id || ':' || coalesce(d.event_id, '') || ':' || d.value),
                    count(DISTINCT d.value)
             FROM data_types d JOIN exchanges x USING (exchange_id){condition}
             GROUP BY {GROUP_COLUMNS}, d.type
             ORDER BY count(DISTINCT d.exchange_id) DESC, d.type"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let mut rows = statement.query(params_from_iter(values.iter()))?;
        while let Some(r) = rows.next()? {
            let key: GroupKey = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
            if let Some(&at) = index.get(&key) {
                groups[at].data_types.push(SummaryDataType {
                    kind: r.get(5)?,
                    requests: r.get::<_, i64>(6)?.max(0) as u64,
                    example_value: r.get(7)?,
                    example_exchange_id: r.get(8)?,
                    values: r.get::<_, i64>(9)?.max(0) as u64,
                    distinct_values: r.get::<_, i64>(10)?.max(0) as u64,
                });
            }
        }
        drop(rows);
        let sql = format!(
            "SELECT {GROUP_COLUMNS}, min(v.event_id)
             FROM events v JOIN exchanges x USING (exchange_id){condition}
             GROUP BY {GROUP_COLUMNS}"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let mut rows = statement.query(params_from_iter(values.iter()))?;
        while let Some(r) = rows.next()? {
            let key: GroupKey = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
            if let Some(&at) = index.get(&key) {
                groups[at].example_event_id = r.get(5)?;
            }
        }
        groups.sort_by(|a, b| {
            // The third parties first; the session's own servers last.
            (a.session_id, a.mode, a.party == Party::First)
                .cmp(&(b.session_id, b.mode, b.party == Party::First))
                .then(b.data_types.len().cmp(&a.data_types.len()))
                .then(b.requests.cmp(&a.requests))
                .then(a.company.cmp(&b.company))
                .then(a.hosts.cmp(&b.hosts))
        });
        Ok(groups)
    }
}
