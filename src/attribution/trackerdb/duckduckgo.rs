//! DuckDuckGo's tracker data set for apps (`app/android-tds.json` of
//! duckduckgo/tracker-blocklists, CC BY-NC-SA 4.0): tracker domain →
//! owner (`displayName`, legal `name`). It has no categories.

use super::{ListEntry, clean_domain};
use serde::Deserialize;
use std::collections::HashMap;

const FILE: &str = include_str!("../../../assets/trackerdb/duckduckgo-android-tds.json");

#[derive(Deserialize)]
struct File {
    trackers: HashMap<String, Tracker>,
}

#[derive(Deserialize)]
struct Tracker {
    owner: Owner,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Owner {
    display_name: Option<String>,
    name: Option<String>,
}

pub(super) fn entries() -> Vec<ListEntry> {
    let Ok(file) = serde_json::from_str::<File>(FILE) else {
        return Vec::new();
    };
    file.trackers
        .into_iter()
        .filter_map(|(domain, tracker)| {
            let company = tracker.owner.display_name.or(tracker.owner.name)?;
            Some(ListEntry {
                domain: clean_domain(&domain)?,
                company,
                category: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shipped_file_parses() {
        assert!(serde_json::from_str::<super::File>(super::FILE).is_ok());
    }
}
