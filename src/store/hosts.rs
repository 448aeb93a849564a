//! Hosts: every host of the case with who receives what it is sent, where
//! that name comes from, and whether it is the app's own (first party) —
//! and the researcher's word on a host, kept with a history.
//!
//! The researcher's label (`telltale hosts --set HOST --company NAME
//! --first-party|--third-party`, or the window's inspector and What left
//! the device) is written in one transaction that also
//! - rewrites the company, its source and the party of every request to
//!   the host, in every session, as the import would have with the label
//!   (`attribution::receiver`, `attribution::party`), and renames the
//!   events the generic decoder named after the old company;
//! - records the change in `host_label_history`, hash-chained like the
//!   annotation history, so `verify` shows edits made outside Telltale;
//! - re-seals the decoded-row digest of the sources whose rows changed
//!   (the change itself is in the chained history), and counts the kept
//!   figures of the sessions concerned again from their rows.
//!
//! Removing a label (`--clear`) restores what the import's sources say.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;

use super::{Case, StoreError};
use crate::attribution::{self, CompanySource, FirstParty, Party, RequestFacts};
use crate::model::{SessionId, now_micros};

/// The researcher's word on one host.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HostLabel {
    /// The company that receives what the host is sent.
    pub company: Option<String>,
    /// First or third party, whatever the rules say.
    pub party: Option<Party>,
}

impl HostLabel {
    fn stored(&self) -> String {
        serde_json::json!({"company": self.company, "party": self.party.map(Party::as_str)}).to_string()
    }

    fn is_empty(&self) -> bool {
        self.company.is_none() && self.party.is_none()
    }
}

/// Every label of the case, by host.
pub(crate) type HostLabels = HashMap<String, HostLabel>;

/// A change to a host's label.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostEdit {
    /// `Some(name)`: the host's company; `Some("")` removes the researcher's company.
    pub company: Option<String>,
    pub party: Option<Party>,
    /// Removes the whole label: the import's sources decide again.
    pub clear: bool,
}

/// What one list says of a host (for the evidence).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostListNaming {
    pub list: String,
    pub company: String,
    pub domain: String,
}

/// One change to a host's label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostHistoryEntry {
    pub time_micros: i64,
    pub user_name: String,
    pub action: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// One host of the case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostRow {
    pub host: String,
    pub requests: u64,
    pub events: u64,
    pub sessions: Vec<String>,
    pub company: Option<String>,
    /// As stored (`attribution::CompanySource::stored`).
    pub company_source: Option<String>,
    pub category: Option<String>,
    /// `first`, `third`, or `mixed` when the sessions disagree.
    pub party: String,
    pub server_ips: Vec<String>,
    /// Every tracker database that names the host, with its own spelling.
    pub lists: Vec<HostListNaming>,
    pub label: Option<HostLabel>,
    pub history: Vec<HostHistoryEntry>,
}

impl HostRow {
    /// Whether the company is a guess (from the server's network owner).
    pub fn company_is_guess(&self) -> bool {
        self.company_source
            .as_deref()
            .and_then(CompanySource::parse)
            .is_some_and(|s| s.is_guess())
    }
}

/// Every host label of the case.
pub(crate) fn read_labels(conn: &Connection) -> Result<HostLabels, StoreError> {
    let mut statement = conn.prepare_cached("SELECT host, company, party FROM host_labels")?;
    let rows = statement.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            HostLabel {
                company: r.get(1)?,
                party: r.get::<_, Option<String>>(2)?.as_deref().and_then(Party::parse),
            },
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Gives every request of `session` its party: the researcher's mark,
/// else `rules`.
pub(crate) fn apply_parties(
    tx: &Connection,
    session: SessionId,
    rules: &FirstParty,
    labels: &HostLabels,
) -> Result<(), StoreError> {
    let hosts: Vec<(String, Option<String>)> = {
        let mut statement = tx.prepare("SELECT DISTINCT host, company FROM exchanges WHERE session_id = ?1")?;
        statement
            .query_map([session], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?
    };
    let mut update = tx.prepare_cached(
        "UPDATE exchanges SET party = ?4 WHERE session_id = ?1 AND host = ?2 AND company IS ?3 AND party <> ?4",
    )?;
    for (host, company) in hosts {
        let party = labels
            .get(&host)
            .and_then(|label| label.party)
            .unwrap_or_else(|| rules.party_of(&host, company.as_deref()));
        update.execute(params![session, host, company, party.as_str()])?;
    }
    // The import counted every request to a company or tracker as a
    // timeline mark before the parties were known; a first-party one is
    // not, so the figures are counted again when there is one.
    let first_party_marks: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM exchanges WHERE session_id = ?1 AND party = 'first' AND event_count = 0
                          AND (company IS NOT NULL OR tracker IS NOT NULL))",
        [session],
        |r| r.get(0),
    )?;
    if first_party_marks {
        super::figures::recount_figures(tx, session)?;
    }
    Ok(())
}

/// The rules a session's import stored (`attribution::party`).
pub(crate) fn session_rules(tx: &Connection, session: SessionId) -> Result<FirstParty, StoreError> {
    let stored: Option<String> = tx.query_row(
        "SELECT first_party FROM sessions WHERE session_id = ?1",
        [session],
        |r| r.get(0),
    )?;
    Ok(stored
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default())
}

/// A `json_group_array` of texts (NULLs left out), sorted.
fn json_list(text: Option<String>) -> Vec<String> {
    let values: Vec<Option<String>> = text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
    let mut items: Vec<String> = values.into_iter().flatten().filter(|s| !s.is_empty()).collect();
    items.sort();
    items.dedup();
    items
}

impl Case {
    /// Every host of the case, most requests first.
    pub fn hosts(&self) -> Result<Vec<HostRow>, StoreError> {
        let labels = read_labels(&self.conn)?;
        let mut statement = self.conn.prepare(
            "SELECT x.host, count(*), sum(x.event_count), json_group_array(DISTINCT s.name),
                    max(x.company), max(x.company_source), max(x.category),
                    min(x.party), max(x.party), json_group_array(DISTINCT x.server_ip)
             FROM exchanges x JOIN sessions s USING (session_id)
             WHERE s.import_token IS NULL
             GROUP BY x.host ORDER BY count(*) DESC, x.host",
        )?;
        let mut rows: Vec<HostRow> = statement
            .query_map([], |r| {
                let host: String = r.get(0)?;
                let (min_party, max_party): (String, String) = (r.get(7)?, r.get(8)?);
                Ok(HostRow {
                    requests: r.get::<_, i64>(1)?.max(0) as u64,
                    events: r.get::<_, Option<i64>>(2)?.unwrap_or(0).max(0) as u64,
                    sessions: json_list(r.get(3)?),
                    company: r.get(4)?,
                    company_source: r.get(5)?,
                    category: r.get(6)?,
                    party: if min_party == max_party {
                        min_party
                    } else {
                        "mixed".into()
                    },
                    server_ips: json_list(r.get(9)?),
                    lists: Vec::new(),
                    label: None,
                    history: Vec::new(),
                    host,
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut history: BTreeMap<String, Vec<HostHistoryEntry>> = BTreeMap::new();
        {
            let mut statement = self.conn.prepare(
                "SELECT host, changed_at_micros, user_name, action, old_value, new_value
                 FROM host_label_history ORDER BY history_id",
            )?;
            let entries = statement.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    HostHistoryEntry {
                        time_micros: r.get(1)?,
                        user_name: r.get(2)?,
                        action: r.get(3)?,
                        old_value: r.get(4)?,
                        new_value: r.get(5)?,
                    },
                ))
            })?;
            for entry in entries {
                let (host, entry) = entry?;
                history.entry(host).or_default().push(entry);
            }
        }
        for row in &mut rows {
            row.lists = attribution::trackerdb::lookup(&row.host)
                .map(|verdict| {
                    verdict
                        .namings
                        .into_iter()
                        .map(|n| HostListNaming {
                            list: n.list.label().to_string(),
                            company: n.company,
                            domain: n.domain,
                        })
                        .collect()
                })
                .unwrap_or_default();
            row.label = labels.get(&row.host).cloned();
            row.history = history.remove(&row.host).unwrap_or_default();
        }
        Ok(rows)
    }

    /// Sets or removes the researcher's word on `host` (see the module doc).
    pub fn set_host_label(&mut self, host: &str, edit: &HostEdit) -> Result<HostRow, StoreError> {
        self.set_host_label_as(host, edit, &super::current_user_name())
    }

    /// [`Case::set_host_label`] with an explicit user name for the history.
    pub fn set_host_label_as(&mut self, host: &str, edit: &HostEdit, user_name: &str) -> Result<HostRow, StoreError> {
        let host =
            attribution::domain::normalize_host(host).ok_or_else(|| StoreError::Invalid("no host given".into()))?;
        let known: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM exchanges WHERE host = ?1)",
            [&host],
            |r| r.get(0),
        )?;
        if !known {
            return Err(StoreError::NotFound(format!(
                "no request in this case went to host {host}"
            )));
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let old: Option<HostLabel> = tx
            .query_row("SELECT company, party FROM host_labels WHERE host = ?1", [&host], |r| {
                Ok(HostLabel {
                    company: r.get(0)?,
                    party: r.get::<_, Option<String>>(1)?.as_deref().and_then(Party::parse),
                })
            })
            .optional()?;
        let new = if edit.clear {
            HostLabel::default()
        } else {
            let mut label = old.clone().unwrap_or_default();
            if let Some(company) = &edit.company {
                label.company = Some(company.trim().to_string()).filter(|c| !c.is_empty());
            }
            if edit.party.is_some() {
                label.party = edit.party;
            }
            label
        };
        let now = now_micros();
        let action = match (&old, new.is_empty()) {
            (None, true) => None,
            (None, false) => Some("create"),
            (Some(_), true) => Some("delete"),
            (Some(old), false) if *old == new => None,
            (Some(_), false) => Some("update"),
        };
        if let Some(action) = action {
            if new.is_empty() {
                tx.execute("DELETE FROM host_labels WHERE host = ?1", [&host])?;
            } else {
                tx.execute(
                    "INSERT INTO host_labels (host, company, party, created_at_micros, updated_at_micros)
                     VALUES (?1, ?2, ?3, ?4, ?4)
                     ON CONFLICT (host) DO UPDATE SET company = ?2, party = ?3, updated_at_micros = ?4",
                    params![host, new.company, new.party.map(Party::as_str), now],
                )?;
            }
            tx.execute(
                "INSERT INTO host_label_history (host, changed_at_micros, user_name, action, old_value, new_value)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    host,
                    now,
                    user_name,
                    action,
                    old.as_ref().map(HostLabel::stored),
                    (!new.is_empty()).then(|| new.stored())
                ],
            )?;
            let history_id = tx.last_insert_rowid();
            super::integrity::seal_host_history_entry(&tx, history_id)?;
            reattribute_host(&tx, &host, &new)?;
        }
        tx.commit()?;
        self.hosts()?
            .into_iter()
            .find(|row| row.host == host)
            .ok_or_else(|| StoreError::NotFound(format!("no request in this case went to host {host}")))
    }
}

/// One group of a host's requests that share what naming their receiver reads.
struct RequestGroup {
    endpoint: Option<String>,
    tracker: Option<String>,
    server_ip: Option<String>,
    company: Option<String>,
    company_source: Option<String>,
}

/// Rewrites company, source, category, generic event names and party of
/// every request to `host`, as the import would have named them with `label`.
fn reattribute_host(tx: &Transaction<'_>, host: &str, label: &HostLabel) -> Result<(), StoreError> {
    let groups: Vec<RequestGroup> = {
        let mut statement = tx.prepare(
            "SELECT DISTINCT endpoint, tracker, server_ip, company, company_source FROM exchanges WHERE host = ?1",
        )?;
        statement
            .query_map([host], |r| {
                Ok(RequestGroup {
                    endpoint: r.get(0)?,
                    tracker: r.get(1)?,
                    server_ip: r.get(2)?,
                    company: r.get(3)?,
                    company_source: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?
    };
    let decoders = crate::decode::tracker_ids();
    let mut update = tx.prepare_cached(
        "UPDATE exchanges SET company = ?5, category = ?6, company_source = ?7, tracker = ?8
         WHERE host = ?1 AND endpoint IS ?2 AND tracker IS ?3 AND server_ip IS ?4",
    )?;
    let mut rename_events = tx.prepare_cached(
        "UPDATE events SET tracker = ?5 WHERE tracker = ?3 AND exchange_id IN
             (SELECT exchange_id FROM exchanges WHERE host = ?1 AND endpoint IS ?2 AND tracker IS ?5 AND server_ip IS ?4)",
    )?;
    for group in groups {
        let endpoint_company = group.endpoint.as_deref().and_then(crate::decode::endpoints::company_of);
        // A tracker that is no decoder's or endpoint table's id is a name
        // the import gave generic events after their receiver.
        let decoder_tracker = group.tracker.as_deref().filter(|t| decoders.contains(t));
        let receiver = attribution::receiver(RequestFacts {
            host,
            endpoint_company: endpoint_company.as_ref().map(|(c, category)| (c.as_str(), *category)),
            tracker: decoder_tracker,
            server_ip: group.server_ip.as_deref(),
            researcher_company: label.company.as_deref(),
        });
        let generic_name = |company: Option<&str>, source: Option<&str>| -> String {
            match company.filter(|_| !source.and_then(CompanySource::parse).is_some_and(|s| s.is_guess())) {
                Some(company) => company.to_string(),
                None => attribution::domain::registrable_domain(host).unwrap_or_else(|| host.to_string()),
            }
        };
        let tracker = match group.tracker.as_deref() {
            Some(old)
                if decoder_tracker.is_none()
                    && old == generic_name(group.company.as_deref(), group.company_source.as_deref()) =>
            {
                Some(generic_name(
                    receiver.as_ref().map(|r| r.company.as_str()),
                    receiver.as_ref().map(|r| r.source.stored()).as_deref(),
                ))
            }
            _ => group.tracker.clone(),
        };
        update.execute(params![
            host,
            group.endpoint,
            group.tracker,
            group.server_ip,
            receiver.as_ref().map(|r| r.company.clone()),
            receiver.as_ref().and_then(|r| r.category).map(|c| c.as_str()),
            receiver.as_ref().map(|r| r.source.stored()),
            tracker,
        ])?;
        if tracker != group.tracker {
            rename_events.execute(params![host, group.endpoint, group.tracker, group.server_ip, tracker])?;
        }
    }
    let sessions: Vec<SessionId> = {
        let mut statement = tx.prepare("SELECT DISTINCT session_id FROM exchanges WHERE host = ?1")?;
        statement.query_map([host], |r| r.get(0))?.collect::<Result<_, _>>()?
    };
    let labels = read_labels(tx)?;
    for session in &sessions {
        let rules = session_rules(tx, *session)?;
        apply_parties(tx, *session, &rules, &labels)?;
    }
    let sources: Vec<i64> = {
        let mut statement = tx.prepare("SELECT DISTINCT source_id FROM exchanges WHERE host = ?1")?;
        statement.query_map([host], |r| r.get(0))?.collect::<Result<_, _>>()?
    };
    for source in sources {
        super::integrity::seal_source(tx, source)?;
    }
    for session in sessions {
        super::figures::recount_figures(tx, session)?;
    }
    Ok(())
}

impl Case {
    /// Works out the clients and parties of requests imported before
    /// schema 8, once, at the open after the upgrade.
    pub(crate) fn backfill_attribution(&mut self) -> Result<(), StoreError> {
        let pending: i64 = self
            .conn
            .query_row("SELECT count(*) FROM attribution_backfill", [], |r| r.get(0))?;
        if pending == 0 {
            return Ok(());
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let agents: Vec<String> = {
            let mut statement = tx.prepare("SELECT DISTINCT user_agent FROM exchanges WHERE user_agent IS NOT NULL")?;
            statement.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?
        };
        for agent in agents {
            tx.execute(
                "UPDATE exchanges SET client = ?2 WHERE user_agent = ?1",
                params![agent, attribution::client_of_user_agent(&agent)],
            )?;
        }
        let sessions: Vec<(SessionId, Option<String>)> = {
            let mut statement = tx.prepare("SELECT session_id, app FROM sessions WHERE import_token IS NULL")?;
            statement
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?
        };
        let labels = read_labels(&tx)?;
        for (session, app) in sessions {
            let rules = FirstParty::for_session(app.as_deref(), []);
            tx.execute(
                "UPDATE sessions SET first_party = ?2 WHERE session_id = ?1",
                params![session, serde_json::to_string(&rules).unwrap_or_default()],
            )?;
            apply_parties(&tx, session, &rules, &labels)?;
        }
        tx.execute("DELETE FROM attribution_backfill", [])?;
        tx.commit()?;
        Ok(())
    }
}
