//! "What left the device": per app, one row per receiver (a company, or a
//! host no company is known for) and one column per mode, normal beside
//! incognito, saying which kinds of personal data went there and how often.
//! Kinds sent in only one of the modes, and receivers reached in only one,
//! are marked, so what incognito still sends (or newly sends) stands out.
//!
//! Built on `Case::summary`; sessions of the same app and mode are added
//! together (the sessions section lists them). The session's own servers
//! and the sites visited (first party, `attribution::party`) share one row
//! at the end; every other host is a third party, named by its company
//! with the source of the name, or said to be in no tracker database.

use super::Redactor;
use super::headline::app_name;
use super::receiver::{Company, countries, describe_servers, first_sdk, group_company};
use super::wording::{is_headline, label, table_rank};
use crate::attribution::Party;
use crate::model::{Mode, SessionId};
use crate::store::{HostCount, SummaryGroup, UNLISTED_THIRD_PARTY};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Ordinary hosts named in the shared last row.
const OTHER_HOSTS_NAMED: usize = 10;
/// Hosts listed per receiver.
const HOSTS_PER_ROW: usize = 6;

/// One app's table.
#[derive(Clone, Debug, Serialize)]
pub struct LeftApp {
    pub app: String,
    /// `normal, incognito` or `before (normal mode), after (normal mode)`:
    /// the sessions added up here.
    pub sessions: String,
    /// The column heads, in `Mode::ALL` order.
    pub modes: Vec<&'static str>,
    pub totals: Vec<ModeTotal>,
    pub rows: Vec<LeftRow>,
    /// Rows with a difference between the modes.
    pub differences: usize,
}

/// What one mode sent in all.
#[derive(Clone, Debug, Serialize)]
pub struct ModeTotal {
    pub mode: &'static str,
    pub requests: u64,
    pub events: u64,
    pub receivers: usize,
}

/// One receiver.
#[derive(Clone, Debug, Serialize)]
pub struct LeftRow {
    /// The company, or the host when none is known.
    pub receiver: String,
    /// The company is known only through the SDK (host not in the catalogue).
    pub by_sdk: bool,
    /// `Sensors Analytics SDK`, or empty.
    pub sdk: String,
    /// Where the receiver's name comes from ("named by DuckDuckGo tracker
    /// data set, Disconnect"), or that no tracker database knows it.
    pub evidence: String,
    /// `host — 161.117.96.161, Singapore, Alibaba …`.
    pub hosts: Vec<String>,
    pub more_hosts: usize,
    /// One per mode in [`LeftApp::modes`].
    pub cells: Vec<LeftCell>,
    pub differs: bool,
    /// The shared row of the session's own servers and visited sites.
    pub other: bool,
}

/// What one receiver got in one mode.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LeftCell {
    pub sent: bool,
    /// Reached in this mode only.
    pub only_here: bool,
    pub requests: u64,
    pub events: u64,
    pub headline: Vec<LeftKind>,
    pub other: Vec<LeftKind>,
    /// The hosts reached in this mode, for the shared row of ordinary hosts
    /// (what was browsed); empty for other rows.
    pub hosts: Vec<String>,
    pub more_hosts: usize,
}

/// One kind of data in a cell.
#[derive(Clone, Debug, Serialize)]
pub struct LeftKind {
    pub label: String,
    pub values: u64,
    /// Sent to this receiver in this mode but not in another mode shown.
    pub only_here: bool,
}

#[derive(Default)]
struct Acc {
    company: Option<Company>,
    evidence: Option<String>,
    trackers: BTreeSet<String>,
    /// host → server addresses.
    hosts: BTreeMap<String, BTreeSet<String>>,
    cells: BTreeMap<Mode, CellAcc>,
    other: bool,
}

#[derive(Default)]
struct CellAcc {
    requests: u64,
    events: u64,
    /// kind → values sent.
    kinds: BTreeMap<String, u64>,
    hosts: BTreeSet<String>,
}

/// The tables, one per app, apps in the order their sessions came.
pub fn what_left(
    groups: &[SummaryGroup],
    hosts: &HashMap<SessionId, Vec<HostCount>>,
    redactor: &Redactor,
) -> Vec<LeftApp> {
    let mut apps: Vec<(String, Vec<&SummaryGroup>)> = Vec::new();
    for group in groups {
        let app = app_name(group, groups);
        match apps.iter_mut().find(|(a, _)| *a == app) {
            Some((_, list)) => list.push(group),
            None => apps.push((app, vec![group])),
        }
    }
    apps.into_iter()
        .map(|(app, groups)| app_table(app, &groups, hosts, redactor))
        .collect()
}

fn app_table(
    app: String,
    groups: &[&SummaryGroup],
    hosts: &HashMap<SessionId, Vec<HostCount>>,
    redactor: &Redactor,
) -> LeftApp {
    let modes: Vec<Mode> = Mode::ALL
        .into_iter()
        .filter(|m| groups.iter().any(|g| g.mode == *m))
        .collect();
    let mut sessions: Vec<String> = Vec::new();
    let mut rows: BTreeMap<String, Acc> = BTreeMap::new();
    for group in groups {
        let session = if group.session.eq_ignore_ascii_case(group.mode.as_str()) {
            group.session.clone()
        } else {
            format!("{} ({} mode)", redactor.text(&group.session), group.mode)
        };
        if !sessions.contains(&session) {
            sessions.push(session);
        }
        let own = group.party == Party::First;
        let key = match (&group.company, own) {
            (_, true) => "\u{10ffff}own".to_string(),
            (Some(company), _) => company.clone(),
            (None, _) => group.hosts.join(", "),
        };
        let acc = rows.entry(key).or_default();
        acc.other = own;
        if !own && acc.company.is_none() {
            acc.company = group_company(group);
            acc.evidence = group.company_evidence();
        }
        acc.trackers.extend(group.trackers.iter().cloned());
        let session_hosts = hosts.get(&group.session_id);
        for host in &group.hosts {
            let ips = acc.hosts.entry(host.clone()).or_default();
            match session_hosts {
                Some(counts) if group.hosts.len() > 1 => ips.extend(
                    counts
                        .iter()
                        .filter(|c| &c.host == host)
                        .flat_map(|c| c.server_ips.iter().cloned()),
                ),
                _ => ips.extend(group.server_ips.iter().cloned()),
            }
        }
        let cell = acc.cells.entry(group.mode).or_default();
        cell.requests += group.requests;
        cell.events += group.events;
        cell.hosts.extend(group.hosts.iter().cloned());
        for data in &group.data_types {
            *cell.kinds.entry(data.kind.clone()).or_default() += data.values;
        }
    }
    let mut rows: Vec<LeftRow> = rows.into_values().map(|acc| left_row(acc, &modes, redactor)).collect();
    rows.sort_by_key(|row| {
        let headline = row.cells.iter().map(|c| c.headline.len()).max().unwrap_or(0);
        let requests: u64 = row.cells.iter().map(|c| c.requests).sum();
        (row.other, std::cmp::Reverse(headline), std::cmp::Reverse(requests))
    });
    let totals = modes
        .iter()
        .enumerate()
        .map(|(i, mode)| ModeTotal {
            mode: mode.as_str(),
            requests: rows.iter().map(|r| r.cells[i].requests).sum(),
            events: rows.iter().map(|r| r.cells[i].events).sum(),
            receivers: rows.iter().filter(|r| r.cells[i].sent && !r.other).count(),
        })
        .collect();
    LeftApp {
        app: redactor.text(&app),
        sessions: sessions.join(", "),
        modes: modes.iter().map(|m| m.as_str()).collect(),
        totals,
        differences: rows.iter().filter(|r| r.differs).count(),
        rows,
    }
}

fn left_row(acc: Acc, modes: &[Mode], redactor: &Redactor) -> LeftRow {
    let trackers: Vec<&str> = acc.trackers.iter().map(String::as_str).collect();
    let first_host = acc.hosts.keys().next().cloned().unwrap_or_default();
    let company = acc.company.as_ref();
    let sdk = first_sdk(trackers.iter().copied())
        .map(|s| format!("{s} SDK"))
        .unwrap_or_default();
    let receiver = match (company, acc.other) {
        (_, true) => "The app's own servers and the sites visited".to_string(),
        (Some(company), _) => redactor.text(&company.name),
        (None, _) => redactor.text(&first_host),
    };
    let evidence = match (company, &acc.evidence, acc.other) {
        (_, _, true) => String::new(),
        (Some(c), Some(evidence), _) if c.guess => format!("a guess: {evidence}"),
        (Some(_), Some(evidence), _) => format!("named by {evidence}"),
        (Some(_), None, _) => String::new(),
        (None, _, _) => UNLISTED_THIRD_PARTY.to_string(),
    };
    let host_lines: Vec<String> = acc
        .hosts
        .iter()
        .filter(|_| !acc.other)
        .map(|(host, ips)| {
            let ips: Vec<String> = ips.iter().cloned().collect();
            let servers = describe_servers(&ips);
            if servers.is_empty() {
                redactor.text(host)
            } else {
                redactor.text(&format!("{host} — {servers}"))
            }
        })
        .collect();
    let cells: Vec<LeftCell> = modes.iter().map(|mode| cell(&acc, *mode, modes, redactor)).collect();
    let differs = modes.len() > 1
        && !acc.other
        && cells
            .iter()
            .any(|c| !c.sent || c.headline.iter().chain(&c.other).any(|k| k.only_here));
    LeftRow {
        receiver,
        by_sdk: company.is_some_and(|c| c.by_sdk) && !acc.other,
        sdk,
        evidence,
        more_hosts: host_lines.len().saturating_sub(HOSTS_PER_ROW),
        hosts: host_lines.into_iter().take(HOSTS_PER_ROW).collect(),
        cells,
        differs,
        other: acc.other,
    }
}

fn cell(acc: &Acc, mode: Mode, modes: &[Mode], redactor: &Redactor) -> LeftCell {
    let Some(here) = acc.cells.get(&mode) else {
        return LeftCell::default();
    };
    let elsewhere = |kind: &str| {
        modes
            .iter()
            .filter(|m| **m != mode)
            .all(|m| acc.cells.get(m).is_some_and(|c| c.kinds.contains_key(kind)))
    };
    let mut sorted: Vec<(&String, &u64)> = here.kinds.iter().collect();
    sorted.sort_by_key(|(kind, _)| table_rank(kind));
    let hosts: Vec<String> = if acc.other {
        here.hosts
            .iter()
            .map(|host| {
                let ips: Vec<String> = acc
                    .hosts
                    .get(host)
                    .map(|s| s.iter().cloned().collect())
                    .unwrap_or_default();
                match countries(&ips).join(", ") {
                    country if country.is_empty() => redactor.text(host),
                    country => redactor.text(&format!("{host} ({country})")),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut cell = LeftCell {
        sent: true,
        only_here: modes.len() > 1 && modes.iter().all(|m| *m == mode || !acc.cells.contains_key(m)),
        requests: here.requests,
        events: here.events,
        more_hosts: hosts.len().saturating_sub(OTHER_HOSTS_NAMED),
        hosts: hosts.into_iter().take(OTHER_HOSTS_NAMED).collect(),
        ..LeftCell::default()
    };
    for (kind, values) in sorted {
        let entry = LeftKind {
            label: label(kind),
            values: *values,
            only_here: modes.len() > 1 && !acc.other && !elsewhere(kind),
        };
        if is_headline(kind) {
            cell.headline.push(entry);
        } else {
            cell.other.push(entry);
        }
    }
    cell
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ExchangeId;
    use crate::store::SummaryDataType;

    fn group(mode: Mode, session: i64, company: Option<&str>, host: &str, kinds: &[&str]) -> SummaryGroup {
        SummaryGroup {
            session: mode.as_str().into(),
            session_id: SessionId(session),
            app: Some("com.example.browser".into()),
            mode,
            // The page the user visited is the session's own; no company, here a first party.
            party: if company.is_none() && host.starts_with("news.") {
                Party::First
            } else {
                Party::Third
            },
            company: company.map(str::to_string),
            company_sources: company.map(|_| vec!["catalogue".to_string()]).unwrap_or_default(),
            category: None,
            trackers: if company.is_some() {
                vec!["ga".into()]
            } else {
                Vec::new()
            },
            hosts: vec![host.into()],
            server_ips: vec!["142.250.185.78".into()],
            requests: 3,
            events: 3,
            first_micros: 0,
            last_micros: 0,
            example_exchange_id: ExchangeId(1),
            example_event_id: None,
            data_types: kinds
                .iter()
                .map(|k| SummaryDataType {
                    kind: (*k).into(),
                    requests: 3,
                    values: 3,
                    distinct_values: 2,
                    example_value: "x".into(),
                    example_exchange_id: ExchangeId(1),
                })
                .collect(),
        }
    }

    #[test]
    fn normal_beside_incognito_with_the_differences_marked() {
        let groups = [
            group(
                Mode::Normal,
                1,
                Some("Google Analytics (Google)"),
                "www.google-analytics.com",
                &["visitedUrl"],
            ),
            group(
                Mode::Incognito,
                2,
                Some("Google Analytics (Google)"),
                "www.google-analytics.com",
                &["visitedUrl", "searchTerm"],
            ),
            group(Mode::Incognito, 2, Some("Mixpanel"), "api.mixpanel.com", &["userId"]),
            group(Mode::Normal, 1, None, "news.example.org", &["userAgent"]),
            group(Mode::Incognito, 2, None, "px.unlisted.example", &[]),
        ];
        let tables = what_left(&groups, &HashMap::new(), &Redactor::new(&[]));
        assert_eq!(tables.len(), 1);
        let table = &tables[0];
        assert_eq!(table.modes, ["normal", "incognito"]);
        assert_eq!(table.sessions, "normal, incognito");
        let ga = &table.rows[0];
        assert_eq!(ga.receiver, "Google Analytics (Google)");
        let (normal, incognito) = (&ga.cells[0], &ga.cells[1]);
        assert!(normal.sent && incognito.sent);
        let flags = |cell: &LeftCell| -> Vec<(String, bool)> {
            cell.headline.iter().map(|k| (k.label.clone(), k.only_here)).collect()
        };
        assert_eq!(flags(normal), [("Visited URL".to_string(), false)]);
        assert_eq!(
            flags(incognito),
            [("Search term".to_string(), true), ("Visited URL".to_string(), false)]
        );
        assert!(ga.differs);
        let mixpanel = &table.rows[1];
        assert!(!mixpanel.cells[0].sent, "Mixpanel was not reached in normal mode");
        assert!(mixpanel.cells[1].only_here);
        let unlisted = table
            .rows
            .iter()
            .find(|r| r.receiver == "px.unlisted.example")
            .expect("a third party in no list has a row of its own");
        assert_eq!(unlisted.evidence, "third party not in any tracker database");
        assert!(!unlisted.other);
        assert_eq!(ga.evidence, "named by Telltale's tracker catalogue");
        let other = table.rows.last().expect("the own servers' row");
        assert!(other.other && !other.differs);
        assert_eq!(other.receiver, "The app's own servers and the sites visited");
        assert_eq!(other.cells[0].hosts, ["news.example.org (United States)"]);
        assert_eq!(table.differences, 3);
    }
}
