//! Exodus Privacy's tracker signatures (reports.exodus-privacy.eu.org API,
//! ODbL 1.0), cut down by `scripts/trackerdb_pack.py` to name, website,
//! network signature and categories. Exodus names trackers (SDKs), not
//! companies: "Google Firebase Analytics" is filed under Google, a tracker
//! whose name leads with no known company under its own name.
//!
//! `network_signature` is a regular expression over host names; most are
//! `|`-separated escaped domains (`appsflyer\.com|appsflyer\.net`), which
//! are read as domains. A tracker without a signature (Vpon) is known by
//! its website's domain, unless that is a platform many SDKs share.

use super::{ListEntry, clean_domain};
use crate::attribution::Category;
use crate::attribution::companies::company_leading;
use crate::attribution::domain::registrable_domain;
use serde::Deserialize;
use std::collections::HashMap;

const FILE: &str = include_str!("../../../assets/trackerdb/exodus-trackers.json");

/// Websites that host many SDKs' pages: their domain names no tracker.
const SHARED_WEBSITES: &[&str] = &[
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "google.com",
    "apple.com",
    "microsoft.com",
    "medium.com",
    "npmjs.com",
    "sourceforge.net",
    "amazon.com",
    "facebook.com",
    "yahoo.com",
    "wordpress.com",
];

#[derive(Deserialize)]
struct File {
    trackers: HashMap<String, Tracker>,
}

#[derive(Deserialize)]
struct Tracker {
    name: String,
    website: String,
    network_signature: String,
    categories: Vec<String>,
}

fn category(categories: &[String]) -> Option<Category> {
    categories.iter().find_map(|name| match name.as_str() {
        "Advertisement" | "Profiling" => Some(Category::Advertising),
        "Analytics" | "Identification" | "Location" => Some(Category::Analytics),
        "Crash reporting" => Some(Category::CrashReporting),
        _ => None,
    })
}

/// The plain domains of a signature: `\.facebook\.com|fbcdn\.net` → both.
fn signature_domains(signature: &str) -> Vec<String> {
    signature
        .split('|')
        .filter_map(|alternative| {
            let text = alternative
                .trim()
                .trim_start_matches('^')
                .trim_end_matches('$')
                .replace("\\.", ".")
                .replace("\\-", "-");
            clean_domain(&text)
        })
        .collect()
}

pub(super) fn entries() -> Vec<ListEntry> {
    let Ok(file) = serde_json::from_str::<File>(FILE) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for tracker in file.trackers.into_values() {
        let mut domains = signature_domains(&tracker.network_signature);
        if tracker.network_signature.trim().is_empty() {
            let host = crate::model::split_url(&tracker.website).1;
            domains.extend(registrable_domain(&host).filter(|domain| !SHARED_WEBSITES.contains(&domain.as_str())));
        }
        let company = company_leading(&tracker.name).unwrap_or_else(|| tracker.name.clone());
        let category = category(&tracker.categories);
        out.extend(domains.into_iter().map(|domain| ListEntry {
            domain,
            company: company.clone(),
            category,
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_parses() {
        assert!(serde_json::from_str::<File>(FILE).is_ok());
    }

    #[test]
    fn signatures_are_read_as_domains() {
        assert_eq!(
            signature_domains(r"\.facebook\.com|^fbcdn\.net$"),
            ["facebook.com", "fbcdn.net"]
        );
        // A bare word is a pattern, not a domain.
        assert!(signature_domains("fidzup").is_empty());
    }
}
