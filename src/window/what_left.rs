//! The "What left the device" view's model, built on the case summary
//! (`Case::summary`): per app, one row per company (or host, for requests
//! to no known company), one column per mode — normal beside incognito —
//! and in each cell the kinds of personal data that went there, with the
//! requests and events behind them. Kinds sent in one mode and not in
//! another are marked, so "incognito still sends the visited URL" and
//! "only incognito sends …" stand out. Within a cell identifiers come
//! first, then behaviour, location, contact, device and app data.
//!
//! The session's own servers and the sites visited (first party,
//! `attribution::party`) are one recipient per app, listed last; every
//! other host is a third party: a named company (with where the name comes
//! from, a guess marked as one) or a host no tracker database knows.
//! No drawing here.

use crate::attribution::Party;
use crate::jobs::SummaryRow;
use crate::model::{ExchangeId, Mode, SessionId};
use std::collections::BTreeSet;

/// One kind of personal data in a cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellType {
    pub kind: String,
    /// Requests that carried it.
    pub requests: u64,
    pub example_value: String,
    pub example_exchange_id: ExchangeId,
    /// Not sent to this company in the app's other mode(s).
    pub only_here: bool,
}

/// What one company (or host) received from one app in one mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub requests: u64,
    pub events: u64,
    pub types: Vec<CellType>,
    /// The sessions the cell sums up.
    pub sessions: Vec<SessionId>,
}

/// One company (or one host of no known company) for one app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    /// The app's own servers and visited sites, or a third party.
    pub party: Party,
    /// `None`: no company is known for the host (then `hosts` has one
    /// entry), and always for the first party.
    pub company: Option<String>,
    /// The company is only a guess (the owner of the server's network).
    pub company_guess: bool,
    /// Where the company's name comes from, in words.
    pub evidence: Option<String>,
    pub category: Option<String>,
    pub trackers: Vec<String>,
    pub hosts: Vec<String>,
    pub countries: Vec<String>,
    pub orgs: Vec<String>,
    /// One cell per mode of the app (same order as [`AppBlock::modes`]).
    pub cells: Vec<Option<Cell>>,
}

impl Recipient {
    /// The row's name: the company ("probably …" for a guess), else the host.
    pub fn label(&self) -> String {
        match (self.party, &self.company) {
            (Party::First, _) => "The app's own servers and the sites visited".into(),
            (Party::Third, Some(company)) if self.company_guess => format!("probably {company}"),
            (Party::Third, Some(company)) => company.clone(),
            (Party::Third, None) => self.hosts.first().cloned().unwrap_or_default(),
        }
    }

    /// A third party that no tracker database or catalogue names.
    pub fn is_unlisted(&self) -> bool {
        self.party == Party::Third && self.company.is_none()
    }

    fn kinds(&self) -> usize {
        let kinds: BTreeSet<&str> = self
            .cells
            .iter()
            .flatten()
            .flat_map(|c| c.types.iter().map(|t| t.kind.as_str()))
            .collect();
        kinds.len()
    }
}

/// Everything one app sent, per recipient and mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppBlock {
    pub app: Option<String>,
    /// The modes the app was recorded in: normal, then incognito, then unknown.
    pub modes: Vec<Mode>,
    pub recipients: Vec<Recipient>,
}

impl AppBlock {
    /// Requests and kinds of personal data per mode, for the block's heading.
    pub fn totals(&self, mode_index: usize) -> (u64, usize) {
        let mut kinds = BTreeSet::new();
        let mut requests = 0;
        for cell in self.recipients.iter().filter_map(|r| r.cells.get(mode_index)?.as_ref()) {
            requests += cell.requests;
            kinds.extend(cell.types.iter().map(|t| t.kind.as_str()));
        }
        (requests, kinds.len())
    }
}

/// Builds the view from the summary, leaving out `hidden` sessions.
/// Recipients that received the most kinds of data come first, the
/// session's own servers last.
pub fn what_left(rows: &[SummaryRow], hidden: &BTreeSet<SessionId>) -> Vec<AppBlock> {
    let mut blocks: Vec<AppBlock> = Vec::new();
    for row in rows.iter().filter(|r| !hidden.contains(&r.group.session_id)) {
        let group = &row.group;
        let block = match blocks.iter().position(|b| b.app == group.app) {
            Some(at) => &mut blocks[at],
            None => {
                blocks.push(AppBlock {
                    app: group.app.clone(),
                    modes: Vec::new(),
                    recipients: Vec::new(),
                });
                let last = blocks.len() - 1;
                &mut blocks[last]
            }
        };
        if !block.modes.contains(&group.mode) {
            block.modes.push(group.mode);
        }
        let own = group.party == Party::First;
        let company = if own { None } else { group.company.clone() };
        let key_host = company.is_none().then(|| group.hosts.first().cloned()).flatten();
        let at = block.recipients.iter().position(|r| {
            r.party == group.party
                && (own || (r.company == company && (r.company.is_some() || r.hosts.first() == key_host.as_ref())))
        });
        let recipient = match at {
            Some(at) => &mut block.recipients[at],
            None => {
                block.recipients.push(Recipient {
                    party: group.party,
                    company_guess: !own && group.company_is_guess(),
                    evidence: if own { None } else { group.company_evidence() },
                    company,
                    category: group.category.clone(),
                    trackers: Vec::new(),
                    hosts: Vec::new(),
                    countries: Vec::new(),
                    orgs: Vec::new(),
                    cells: Vec::new(),
                });
                let last = block.recipients.len() - 1;
                &mut block.recipients[last]
            }
        };
        extend_unique(&mut recipient.trackers, &group.trackers);
        extend_unique(&mut recipient.hosts, &group.hosts);
        extend_unique(&mut recipient.countries, &row.countries);
        extend_unique(&mut recipient.orgs, &row.orgs);
        add_to_cell(recipient, group.mode, row);
    }
    for block in &mut blocks {
        finish(block);
    }
    blocks
}

fn extend_unique(list: &mut Vec<String>, more: &[String]) {
    for item in more {
        if !list.contains(item) {
            list.push(item.clone());
        }
    }
}

/// Cells are first kept in arrival order of modes, tagged by mode; `finish`
/// lays them out in column order.
fn add_to_cell(recipient: &mut Recipient, mode: Mode, row: &SummaryRow) {
    let index = mode_slot(mode);
    if recipient.cells.len() <= index {
        recipient.cells.resize(index + 1, None);
    }
    let cell = recipient.cells[index].get_or_insert_with(|| Cell {
        requests: 0,
        events: 0,
        types: Vec::new(),
        sessions: Vec::new(),
    });
    cell.requests += row.group.requests;
    cell.events += row.group.events;
    if !cell.sessions.contains(&row.group.session_id) {
        cell.sessions.push(row.group.session_id);
    }
    for data in &row.group.data_types {
        match cell.types.iter_mut().find(|t| t.kind == data.kind) {
            Some(existing) => existing.requests += data.requests,
            None => cell.types.push(CellType {
                kind: data.kind.clone(),
                requests: data.requests,
                example_value: data.example_value.clone(),
                example_exchange_id: data.example_exchange_id,
                only_here: false,
            }),
        }
    }
}

/// Column of a mode while building (all three; trimmed in `finish`).
fn mode_slot(mode: Mode) -> usize {
    match mode {
        Mode::Normal => 0,
        Mode::Incognito => 1,
        Mode::Unknown => 2,
    }
}

/// Orders the columns, marks kinds sent in one mode only, sorts rows.
fn finish(block: &mut AppBlock) {
    block.modes.sort_by_key(|m| mode_slot(*m));
    let slots: Vec<usize> = block.modes.iter().map(|m| mode_slot(*m)).collect();
    for recipient in &mut block.recipients {
        let mut cells: Vec<Option<Cell>> = slots
            .iter()
            .map(|slot| recipient.cells.get(*slot).cloned().flatten())
            .collect();
        if cells.len() > 1 {
            let kinds: Vec<BTreeSet<String>> = cells
                .iter()
                .map(|c| {
                    c.as_ref()
                        .map(|c| c.types.iter().map(|t| t.kind.clone()).collect())
                        .unwrap_or_default()
                })
                .collect();
            for (index, cell) in cells.iter_mut().enumerate() {
                let Some(cell) = cell else { continue };
                for data in &mut cell.types {
                    data.only_here = kinds
                        .iter()
                        .enumerate()
                        .all(|(other, set)| other == index || !set.contains(&data.kind));
                }
            }
        }
        for cell in cells.iter_mut().flatten() {
            cell.types
                .sort_by(|a, b| b.requests.cmp(&a.requests).then(a.kind.cmp(&b.kind)));
        }
        recipient.cells = cells;
    }
    block.recipients.sort_by(|a, b| {
        (a.party == Party::First)
            .cmp(&(b.party == Party::First))
            .then(b.kinds().cmp(&a.kinds()))
            .then(a.company.is_none().cmp(&b.company.is_none()))
            .then(a.label().cmp(&b.label()))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{SummaryDataType, SummaryGroup};

    fn group(session: i64, mode: Mode, company: Option<&str>, host: &str, kinds: &[&str]) -> SummaryRow {
        SummaryRow {
            group: SummaryGroup {
                session: format!("s{session}"),
                session_id: SessionId(session),
                app: Some("com.example".into()),
                mode,
                party: if host.starts_with("own.") {
                    Party::First
                } else {
                    Party::Third
                },
                company: company.map(String::from),
                company_sources: company
                    .map(|_| vec!["lists: DuckDuckGo tracker data set".to_string()])
                    .unwrap_or_default(),
                category: None,
                trackers: vec!["t".into()],
                hosts: vec![host.into()],
                server_ips: Vec::new(),
                requests: 3,
                events: 2,
                first_micros: 0,
                last_micros: 1,
                example_exchange_id: ExchangeId(1),
                example_event_id: None,
                data_types: kinds
                    .iter()
                    .map(|k| SummaryDataType {
                        kind: (*k).into(),
                        requests: 1,
                        values: 1,
                        distinct_values: 1,
                        example_value: "v".into(),
                        example_exchange_id: ExchangeId(1),
                    })
                    .collect(),
            },
            countries: vec!["Singapore".into()],
            orgs: Vec::new(),
        }
    }

    #[test]
    fn normal_sits_beside_incognito_and_one_mode_kinds_are_marked() {
        let rows = vec![
            group(
                2,
                Mode::Incognito,
                Some("Sensors"),
                "sa.example",
                &["visitedUrl", "searchTerm"],
            ),
            group(
                1,
                Mode::Normal,
                Some("Sensors"),
                "sa.example",
                &["visitedUrl", "deviceId"],
            ),
            group(1, Mode::Normal, None, "own.example", &[]),
            group(1, Mode::Normal, None, "own.example.net", &["userAgent"]),
            group(2, Mode::Incognito, None, "ads.unlisted.example", &[]),
        ];
        let blocks = what_left(&rows, &BTreeSet::new());
        assert_eq!(blocks.len(), 1);
        let block = &blocks[0];
        assert_eq!(block.modes, [Mode::Normal, Mode::Incognito]);
        let labels: Vec<String> = block.recipients.iter().map(Recipient::label).collect();
        assert_eq!(
            labels,
            [
                "Sensors",
                "ads.unlisted.example",
                "The app's own servers and the sites visited"
            ],
            "a third party no list knows is listed on its own, even without personal data; the own servers are one row, last"
        );
        assert!(block.recipients[1].is_unlisted());
        assert_eq!(
            block.recipients[0].evidence.as_deref(),
            Some("DuckDuckGo tracker data set")
        );
        let own = &block.recipients[2];
        assert_eq!(own.hosts, ["own.example", "own.example.net"]);
        let sensors = &block.recipients[0];
        let normal = sensors.cells[0].as_ref().expect("normal cell");
        let incognito = sensors.cells[1].as_ref().expect("incognito cell");
        let marked = |cell: &Cell| -> Vec<(String, bool)> {
            let mut kinds: Vec<(String, bool)> = cell.types.iter().map(|t| (t.kind.clone(), t.only_here)).collect();
            kinds.sort();
            kinds
        };
        assert_eq!(
            marked(normal),
            [("deviceId".to_string(), true), ("visitedUrl".to_string(), false)]
        );
        assert_eq!(
            marked(incognito),
            [("searchTerm".to_string(), true), ("visitedUrl".to_string(), false)]
        );
        assert_eq!(block.totals(1), (6, 2));
        let hidden: BTreeSet<SessionId> = [SessionId(2)].into();
        let only_normal = what_left(&rows, &hidden);
        assert_eq!(only_normal[0].modes, [Mode::Normal]);
        assert!(
            only_normal[0].recipients[0].cells[0]
                .as_ref()
                .expect("cell")
                .types
                .iter()
                .all(|t| !t.only_here)
        );
    }
}
