//! Session comparison: which trackers, events and fields each of two
//! sessions sent, and to which hosts — with what B still sends first
//! (typically: what the incognito session keeps sending).

use crate::attribution::geo_for_ip;
use crate::store::{Case, EventFilter, StoreError};
use serde::Serialize;
use std::collections::BTreeMap;

/// Counts of one (tracker, event, field) in each session. `field` is empty
/// for the row that counts the events themselves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CompareRow {
    pub tracker: String,
    pub event: String,
    pub field: String,
    pub count_a: u64,
    pub count_b: u64,
}

/// Exchanges per host in each session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostRow {
    pub host: String,
    pub company: Option<String>,
    pub count_a: u64,
    pub count_b: u64,
    /// Server addresses the captures recorded for the host.
    pub server_ips: Vec<String>,
    /// Registration country of the first address (offline lookup).
    pub country: Option<String>,
    /// Network owner of the first address.
    pub org: Option<String>,
}

/// The comparison of session `a` with session `b`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    pub rows: Vec<CompareRow>,
    pub hosts: Vec<HostRow>,
}

type RowKey = (String, String, String);
/// Company, exchanges in A and B, and server addresses of one host.
type HostTally = (Option<String>, [u64; 2], Vec<String>);

impl Case {
    /// Compares two sessions (names or ids).
    pub fn compare(&self, a: &str, b: &str) -> Result<Comparison, StoreError> {
        let mut rows: BTreeMap<RowKey, [u64; 2]> = BTreeMap::new();
        for (side, session) in [a, b].into_iter().enumerate() {
            let filter = EventFilter {
                session: Some(session.to_string()),
                ..EventFilter::default()
            };
            for event in self.events(&filter)? {
                let base = (event.tracker.clone(), event.event.clone());
                rows.entry((base.0.clone(), base.1.clone(), String::new())).or_default()[side] += 1;
                let mut seen_fields = std::collections::BTreeSet::new();
                for key in event.fields.keys() {
                    seen_fields.insert(normalize_field(key));
                }
                for field in seen_fields {
                    rows.entry((base.0.clone(), base.1.clone(), field)).or_default()[side] += 1;
                }
            }
        }
        let mut rows: Vec<CompareRow> = rows
            .into_iter()
            .map(|((tracker, event, field), [count_a, count_b])| CompareRow {
                tracker,
                event,
                field,
                count_a,
                count_b,
            })
            .collect();
        rows.sort_by(|x, y| {
            still_sent_first(x.count_b, y.count_b)
                .then_with(|| (&x.tracker, &x.event, &x.field).cmp(&(&y.tracker, &y.event, &y.field)))
        });
        let hosts = self.compare_hosts(a, b)?;
        Ok(Comparison {
            a: a.to_string(),
            b: b.to_string(),
            rows,
            hosts,
        })
    }

    fn compare_hosts(&self, a: &str, b: &str) -> Result<Vec<HostRow>, StoreError> {
        let mut hosts: BTreeMap<String, HostTally> = BTreeMap::new();
        for (side, session) in [a, b].into_iter().enumerate() {
            let id = self.find_session(session)?;
            for count in self.host_counts(id)? {
                let entry = hosts.entry(count.host).or_default();
                entry.0 = entry.0.take().or(count.company);
                entry.1[side] += count.exchanges;
                for ip in count.server_ips {
                    if !entry.2.contains(&ip) {
                        entry.2.push(ip);
                    }
                }
            }
        }
        let mut rows: Vec<HostRow> = hosts
            .into_iter()
            .map(|(host, (company, [count_a, count_b], server_ips))| {
                let geo = server_ips.first().and_then(|ip| geo_for_ip(ip)).unwrap_or_default();
                HostRow {
                    host,
                    company,
                    count_a,
                    count_b,
                    server_ips,
                    country: geo.country_code,
                    org: geo.org,
                }
            })
            .collect();
        rows.sort_by(|x, y| {
            still_sent_first(x.count_b, y.count_b)
                .then_with(|| y.count_b.cmp(&x.count_b))
                .then_with(|| x.host.cmp(&y.host))
        });
        Ok(rows)
    }
}

/// Rows present in B come before rows absent from B.
fn still_sent_first(count_x: u64, count_y: u64) -> std::cmp::Ordering {
    (count_y > 0).cmp(&(count_x > 0))
}

/// `items[3].id` → `items[].id`, so arrays of different lengths compare.
fn normalize_field(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut in_index = false;
    for c in key.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            c if in_index && c.is_ascii_digit() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_indices_are_folded() {
        assert_eq!(normalize_field("items[12].id"), "items[].id");
        assert_eq!(normalize_field("properties.$url"), "properties.$url");
    }
}
