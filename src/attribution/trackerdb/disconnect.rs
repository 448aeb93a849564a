//! Disconnect's tracking protection list (`services.json`, as Firefox
//! ships it in mozilla-services/shavar-prod-lists; CC BY-NC-SA 4.0):
//! category → company → its site → the company's domains.

use super::{ListEntry, clean_domain};
use crate::attribution::Category;
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;

const FILE: &str = include_str!("../../../assets/trackerdb/disconnect-services.json");

/// One company of a category: its name → (its website → its domains).
type CompanyEntry = HashMap<String, HashMap<String, Value>>;

#[derive(Deserialize)]
struct File {
    categories: HashMap<String, Vec<CompanyEntry>>,
}

/// Disconnect's categories in Telltale's terms.
fn category(name: &str) -> Option<Category> {
    Some(match name {
        "Advertising" => Category::Advertising,
        "Analytics" | "Email" | "EmailAggressive" => Category::Analytics,
        "Social" => Category::Social,
        "Content" => Category::Content,
        "FingerprintingInvasive" | "FingerprintingGeneral" | "Anti-fraud" => Category::Fingerprinting,
        "ConsentManagers" => Category::Consent,
        "Cryptomining" => Category::Other,
        _ => return None,
    })
}

pub(super) fn entries() -> Vec<ListEntry> {
    let Ok(file) = serde_json::from_str::<File>(FILE) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // Sorted, so a domain listed under two categories keeps the same one on every run.
    let mut categories: Vec<_> = file.categories.into_iter().collect();
    categories.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, companies) in categories {
        let category = category(&name);
        for company in companies {
            for (company_name, sites) in company {
                for domains in sites.values() {
                    // Besides the site → domains lists a company may carry
                    // flags such as `"dnt": "w3c"`; only lists are domains.
                    let Some(domains) = domains.as_array() else { continue };
                    out.extend(domains.iter().filter_map(Value::as_str).filter_map(|domain| {
                        Some(ListEntry {
                            domain: clean_domain(domain)?,
                            company: company_name.clone(),
                            category,
                        })
                    }));
                }
            }
        }
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
