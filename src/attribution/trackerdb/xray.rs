//! X-Ray 2018's mobile tracker list (Binns, Lyngs, Van Kleek, Zhao, Libert,
//! Shadbolt: "Third Party Tracking in the Mobile Ecosystem", WebSci 2018;
//! data at OSF 4nu9e, as TrackerControl ships it): domains → owner, its
//! parent and root parent, country. The root parent is the company that
//! receives the data (ScorecardResearch → comScore).

use super::{ListEntry, clean_domain};
use serde::Deserialize;

const FILE: &str = include_str!("../../../assets/trackerdb/xray-2018.json");

#[derive(Deserialize)]
struct Owner {
    doms: Vec<String>,
    owner_name: Option<String>,
    parent: Option<String>,
    root_parent: Option<String>,
}

pub(super) fn entries() -> Vec<ListEntry> {
    let Ok(owners) = serde_json::from_str::<Vec<Owner>>(FILE) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for owner in owners {
        let Some(company) = owner.root_parent.or(owner.parent).or(owner.owner_name) else {
            continue;
        };
        out.extend(owner.doms.iter().filter_map(|domain| {
            Some(ListEntry {
                domain: clean_domain(domain)?,
                company: company.clone(),
                category: None,
            })
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shipped_file_parses() {
        assert!(serde_json::from_str::<Vec<super::Owner>>(super::FILE).is_ok());
    }
}
