//! Ghostery's TrackerDB (npm `@ghostery/trackerdb`, CC BY-NC-SA 4.0; the
//! database behind WhoTracks.me), cut down by `scripts/trackerdb_pack.py`
//! to patterns (name, category, organisation, domains) and organisations
//! (name, country). Patterns of the `hosting` category (CDNs, clouds) are
//! left out: a CDN says nothing about who receives the data.

use super::{ListEntry, clean_domain};
use crate::attribution::Category;
use serde::Deserialize;
use std::collections::HashMap;

const FILE: &str = include_str!("../../../assets/trackerdb/ghostery-trackerdb.json");

#[derive(Deserialize)]
struct File {
    organizations: HashMap<String, Organization>,
    patterns: HashMap<String, Pattern>,
}

#[derive(Deserialize)]
struct Organization {
    name: String,
}

#[derive(Deserialize)]
struct Pattern {
    name: String,
    category: String,
    organization: Option<String>,
    domains: Vec<String>,
}

/// Ghostery's categories in Telltale's terms; `None` leaves the pattern out.
fn category(name: &str) -> Option<Option<Category>> {
    Some(Some(match name {
        "advertising" | "pornvertising" => Category::Advertising,
        "site_analytics" => Category::Analytics,
        "social_media" => Category::Social,
        "customer_interaction" => Category::CustomerInteraction,
        "consent" => Category::Consent,
        "audio_video_player" => Category::Content,
        "misc" | "utilities" | "extensions" => Category::Other,
        "hosting" => return None,
        _ => return Some(None),
    }))
}

pub(super) fn entries() -> Vec<ListEntry> {
    let Ok(file) = serde_json::from_str::<File>(FILE) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for pattern in file.patterns.into_values() {
        let Some(category) = category(&pattern.category) else {
            continue;
        };
        let company = pattern
            .organization
            .as_ref()
            .and_then(|key| file.organizations.get(key))
            .map_or(pattern.name.clone(), |org| org.name.clone());
        out.extend(pattern.domains.iter().filter_map(|domain| {
            Some(ListEntry {
                domain: clean_domain(domain)?,
                company: company.clone(),
                category,
            })
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shipped_file_parses() {
        assert!(serde_json::from_str::<super::File>(super::FILE).is_ok());
    }
}
