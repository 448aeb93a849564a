//! What the tracker databases the field maintains say about a host: which
//! lists name it, the company each gives, and a category.
//!
//! Five lists are compiled in, each its own file under `assets/trackerdb/`
//! in its own licence (see that folder's README): DuckDuckGo's tracker data
//! set for apps, Disconnect's list (Firefox), X-Ray 2018 (Binns et al.),
//! Exodus Privacy's network signatures and Ghostery's TrackerDB. TrackerControl
//! merges the first four the same way; no single list is enough (each of
//! `tremorvideodsp.com`, `vpon.com`, `id5-sync.com`, `postrelease.com` is
//! missing from most of them).
//!
//! Matching: a list entry names a domain; it matches that host and every
//! subdomain, down to the registrable domain (`domain::host_and_parents`),
//! the longest entry first. The company shown is the one most lists give,
//! after their spellings are made one (`companies::canonical`); a tie goes
//! to the list named first in [`TrackerList::ALL`]. Every list that names
//! the host is kept as the evidence, with its own spelling.
//!
//! Promises: lookups never touch the network or the disk; each list is
//! parsed once, on first use; a list that fails to parse (caught by a unit
//! test) contributes nothing instead of crashing.

mod disconnect;
mod duckduckgo;
mod exodus;
mod ghostery;
mod xray;

use std::collections::HashMap;
use std::sync::LazyLock;

use super::Category;
use super::companies::canonical;
use super::domain::host_and_parents;

/// One of the bundled tracker databases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TrackerList {
    DuckDuckGo,
    Disconnect,
    Ghostery,
    XRay,
    Exodus,
}

impl TrackerList {
    /// Every list, in the order ties are broken.
    pub const ALL: [TrackerList; 5] = [
        TrackerList::DuckDuckGo,
        TrackerList::Disconnect,
        TrackerList::Ghostery,
        TrackerList::XRay,
        TrackerList::Exodus,
    ];

    /// The list's name as evidence reads it.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            TrackerList::DuckDuckGo => "DuckDuckGo tracker data set",
            TrackerList::Disconnect => "Disconnect",
            TrackerList::Ghostery => "Ghostery TrackerDB",
            TrackerList::XRay => "X-Ray 2018",
            TrackerList::Exodus => "Exodus Privacy",
        }
    }

    /// The list whose [`label`](Self::label) is `text`.
    #[must_use]
    pub fn from_label(text: &str) -> Option<TrackerList> {
        TrackerList::ALL.into_iter().find(|list| list.label() == text.trim())
    }

    fn entries(self) -> Vec<ListEntry> {
        match self {
            TrackerList::DuckDuckGo => duckduckgo::entries(),
            TrackerList::Disconnect => disconnect::entries(),
            TrackerList::Ghostery => ghostery::entries(),
            TrackerList::XRay => xray::entries(),
            TrackerList::Exodus => exodus::entries(),
        }
    }
}

/// One domain as one list names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ListEntry {
    /// Lowercase domain without dots at the ends.
    pub domain: String,
    /// The company as the list spells it.
    pub company: String,
    pub category: Option<Category>,
}

/// What one list says about a host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListNaming {
    pub list: TrackerList,
    /// The list's own spelling.
    pub company: String,
    /// The domain of the list's entry that matched (the host or a parent).
    pub domain: String,
}

/// What the lists together say about a host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListsVerdict {
    /// The company most lists give, in Telltale's spelling.
    pub company: String,
    pub category: Option<Category>,
    /// Every list that names the host, in [`TrackerList::ALL`] order.
    pub namings: Vec<ListNaming>,
}

impl ListsVerdict {
    /// The lists that name the host, as evidence: "DuckDuckGo tracker data set, Disconnect".
    #[must_use]
    pub fn sources(&self) -> String {
        let labels: Vec<&str> = self.namings.iter().map(|n| n.list.label()).collect();
        labels.join(", ")
    }
}

struct Stored {
    list: TrackerList,
    company: String,
    category: Option<Category>,
}

/// Domain → what each list says of it.
static INDEX: LazyLock<HashMap<String, Vec<Stored>>> = LazyLock::new(|| {
    let mut index: HashMap<String, Vec<Stored>> = HashMap::new();
    for list in TrackerList::ALL {
        for entry in list.entries() {
            let at = index.entry(entry.domain).or_default();
            // A list naming a domain twice (Disconnect lists some under two
            // categories) counts once; its first category stays.
            if !at.iter().any(|s| s.list == list) {
                at.push(Stored {
                    list,
                    company: entry.company,
                    category: entry.category,
                });
            }
        }
    }
    index
});

/// What the lists say about `host`: for each list its most specific entry
/// among the host and its parents; `None` when no list names it.
#[must_use]
pub fn lookup(host: &str) -> Option<ListsVerdict> {
    let mut namings: Vec<(ListNaming, Option<Category>)> = Vec::new();
    for candidate in host_and_parents(host) {
        let Some(stored) = INDEX.get(&candidate) else { continue };
        for item in stored {
            if namings.iter().any(|(n, _)| n.list == item.list) {
                continue;
            }
            namings.push((
                ListNaming {
                    list: item.list,
                    company: item.company.clone(),
                    domain: candidate.clone(),
                },
                item.category,
            ));
        }
    }
    if namings.is_empty() {
        return None;
    }
    namings.sort_by_key(|(n, _)| n.list);
    // Most lists win; among equals, the list first in ALL order.
    let mut votes: Vec<(String, usize, TrackerList)> = Vec::new();
    for (naming, _) in &namings {
        let name = canonical(&naming.company);
        match votes.iter_mut().find(|(n, _, _)| *n == name) {
            Some(vote) => vote.1 += 1,
            None => votes.push((name, 1, naming.list)),
        }
    }
    votes.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    let company = votes.into_iter().next().map(|(n, _, _)| n)?;
    let category = namings.iter().find_map(|(_, category)| *category);
    Some(ListsVerdict {
        company,
        category,
        namings: namings.into_iter().map(|(n, _)| n).collect(),
    })
}

/// How many domains each list names (README › Data credits; a test checks
/// the lists still load).
#[must_use]
pub fn domain_counts() -> Vec<(TrackerList, usize)> {
    TrackerList::ALL
        .into_iter()
        .map(|list| {
            let count = INDEX
                .values()
                .filter(|stored| stored.iter().any(|s| s.list == list))
                .count();
            (list, count)
        })
        .collect()
}

/// `a.b.` → `a.b`, lowercase; `None` for what cannot be a domain.
fn clean_domain(domain: &str) -> Option<String> {
    let domain = domain.trim().trim_matches('.').to_ascii_lowercase();
    let plain = !domain.is_empty()
        && domain.contains('.')
        && domain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_');
    plain.then_some(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_loads_thousands_of_domains() {
        for (list, count) in domain_counts() {
            let least = match list {
                TrackerList::Exodus => 200,
                TrackerList::DuckDuckGo => 900,
                TrackerList::XRay => 1000,
                _ => 2000,
            };
            assert!(count >= least, "{} names only {count} domains", list.label());
        }
    }

    #[test]
    fn the_long_tail_of_real_captures_is_named() {
        let company = |host| lookup(host).map(|v| v.company);
        assert_eq!(company("www.facebook.com").as_deref(), Some("Facebook (Meta)"));
        assert_eq!(company("lb.eu-1-id5-sync.com").as_deref(), Some("ID5"));
        assert_eq!(company("jadserve.postrelease.com").as_deref(), Some("Nativo"));
        assert_eq!(company("tw.api.vpon.com").as_deref(), Some("Vpon"));
        // In none of the lists: the network owner is what is left.
        assert_eq!(company("raptor.tremorvideodsp.com"), None);
        assert_eq!(company("example.org"), None);
        assert_eq!(company("1.2.3.4"), None);
    }

    #[test]
    fn evidence_names_every_list_with_its_own_spelling() {
        let verdict = lookup("connect.facebook.net").expect("listed");
        assert_eq!(verdict.company, "Facebook (Meta)");
        let lists: Vec<TrackerList> = verdict.namings.iter().map(|n| n.list).collect();
        assert!(lists.contains(&TrackerList::DuckDuckGo) && lists.contains(&TrackerList::Disconnect));
        assert!(verdict.sources().starts_with("DuckDuckGo tracker data set, Disconnect"));
        let ddg = verdict
            .namings
            .iter()
            .find(|n| n.list == TrackerList::DuckDuckGo)
            .expect("DDG");
        assert_eq!(ddg.company, "Facebook");
        assert_eq!(ddg.domain, "facebook.net");
    }

    #[test]
    fn matching_stops_at_the_registrable_domain() {
        // No list entry for a public suffix can swallow every host under it.
        assert!(lookup("something.co.uk").is_none());
        assert!(lookup("notfacebook.net").is_none());
    }

    #[test]
    fn labels_round_trip() {
        for list in TrackerList::ALL {
            assert_eq!(TrackerList::from_label(list.label()), Some(list));
        }
    }
}
