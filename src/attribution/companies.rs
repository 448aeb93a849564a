//! One name per company, whichever source names it (see
//! `assets/trackerdb/companies.toml` for the rules): the catalogue's
//! spelling where it has the company, an alias for renamed and merged
//! companies, else the source's own name tidied of legal forms
//! ("comScore, Inc." → "comScore").
//!
//! Promises: pure, no I/O; built once on first use.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::catalogue::catalogue;

const COMPANIES_TOML: &str = include_str!("../../assets/trackerdb/companies.toml");

/// Legal forms and filler dropped when names are compared (and shown).
const LEGAL_FORMS: &[&str] = &[
    "inc",
    "llc",
    "ltd",
    "limited",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "sarl",
    "bv",
    "b.v",
    "nv",
    "plc",
    "co",
    "corp",
    "corporation",
    "srl",
    "spa",
    "oy",
    "ab",
    "as",
    "kk",
    "pte",
    "pty",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompaniesFile {
    aliases: HashMap<String, String>,
}

/// Normalised name → the spelling Telltale shows.
static CANONICAL: LazyLock<HashMap<String, String>> = LazyLock::new(build);

fn build() -> HashMap<String, String> {
    let mut names: HashMap<String, String> = HashMap::new();
    let companies: Vec<&str> = {
        let mut all: Vec<&str> = catalogue().iter().map(|e| e.company.as_str()).collect();
        all.sort_unstable();
        all.dedup();
        all
    };
    // Exact catalogue names first, then their brands, then parents that
    // only one catalogue company has.
    for company in &companies {
        names.insert(key(company), (*company).to_string());
    }
    let mut parents: HashMap<String, Vec<&str>> = HashMap::new();
    for company in &companies {
        if let Some((brand, parent)) = split_parent(company) {
            names.entry(key(brand)).or_insert_with(|| (*company).to_string());
            parents.entry(key(parent)).or_default().push(company);
        }
    }
    for (parent, owners) in parents {
        if let [only] = owners.as_slice() {
            names.entry(parent).or_insert_with(|| (*only).to_string());
        }
    }
    if let Ok(file) = toml::from_str::<CompaniesFile>(COMPANIES_TOML) {
        for (alias, target) in file.aliases {
            let target = names.get(&key(&target)).cloned().unwrap_or(target);
            names.insert(key(&alias), target);
        }
    }
    names
}

/// `Brand (Parent)` → (`Brand`, `Parent`).
fn split_parent(name: &str) -> Option<(&str, &str)> {
    let (brand, rest) = name.split_once(" (")?;
    let parent = rest.strip_suffix(')')?;
    (!brand.trim().is_empty() && !parent.trim().is_empty()).then_some((brand.trim(), parent.trim()))
}

/// Lower-case letters and digits of the name, legal forms left out.
fn key(name: &str) -> String {
    tidy(name)
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The name without trailing legal forms and punctuation ("RhythmOne, LLC" → "RhythmOne").
#[must_use]
pub fn tidy(name: &str) -> String {
    let mut words: Vec<&str> = name.split_whitespace().collect();
    while words.len() > 1 {
        let last = words[words.len() - 1]
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '.')
            .trim_end_matches('.')
            .to_lowercase();
        if LEGAL_FORMS.contains(&last.as_str()) {
            words.pop();
        } else {
            break;
        }
    }
    let joined = words.join(" ");
    joined.trim_end_matches([',', '.', ' ', ';']).trim().to_string()
}

/// The name Telltale shows for a company a source calls `name`. A name
/// with its owner in parentheses (DuckDuckGo's "Google Analytics
/// (Google)") is the owner's when the owner is a known company.
#[must_use]
pub fn canonical(name: &str) -> String {
    let name = name.trim();
    if let Some(found) = CANONICAL.get(&key(name)) {
        return found.clone();
    }
    if let Some((brand, owner)) = split_parent(name) {
        if let Some(found) = CANONICAL.get(&key(owner)) {
            return found.clone();
        }
        if let Some(found) = CANONICAL.get(&key(brand)) {
            return found.clone();
        }
    }
    tidy(name)
}

/// Whether `name` is one Telltale already knows (catalogue or alias), as
/// opposed to a list's name seen nowhere else.
#[must_use]
pub fn is_known(name: &str) -> bool {
    CANONICAL.contains_key(&key(name))
}

/// The known company whose name leads `product` ("Google Firebase
/// Analytics" → Google): Exodus Privacy names products, not companies.
#[must_use]
pub fn company_leading(product: &str) -> Option<String> {
    let words: Vec<&str> = product.split_whitespace().collect();
    (1..words.len())
        .rev()
        .find_map(|n| CANONICAL.get(&key(&words[..n].join(" "))).cloned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_aliases_file_parses() {
        toml::from_str::<CompaniesFile>(COMPANIES_TOML).expect("assets/trackerdb/companies.toml");
    }

    #[test]
    fn every_list_spelling_of_a_company_is_one_name() {
        for name in ["Meta", "Facebook", "Meta Platforms, Inc."] {
            assert_eq!(canonical(name), "Facebook (Meta)", "{name}");
        }
        for name in [
            "Google",
            "Alphabet",
            "Google Analytics (Google)",
            "Google Ads (Google)",
            "Google LLC",
        ] {
            assert_eq!(canonical(name), "Google", "{name}");
        }
        assert_eq!(canonical("SmartBear"), "Bugsnag (SmartBear)");
        assert_eq!(canonical("Bugsnag"), "Bugsnag (SmartBear)");
        assert_eq!(canonical("comScore, Inc."), "comScore");
        assert_eq!(canonical("X Corp."), "X (Twitter)");
        assert_eq!(canonical("Twitter"), "X (Twitter)");
        assert_eq!(canonical("RhythmOne, LLC"), "Tremor Video");
    }

    #[test]
    fn unknown_names_are_tidied_not_invented() {
        assert_eq!(canonical("Vpon Inc."), "Vpon");
        assert_eq!(canonical("Some Ad Company GmbH"), "Some Ad Company");
        assert_eq!(tidy("Adform A/S"), "Adform A/S");
        assert!(!is_known("Vpon"));
    }

    #[test]
    fn a_product_name_leads_to_its_company() {
        assert_eq!(company_leading("Google Firebase Analytics").as_deref(), Some("Google"));
        assert_eq!(company_leading("Facebook Login").as_deref(), Some("Facebook (Meta)"));
        assert_eq!(company_leading("Vpon"), None);
    }

    #[test]
    fn every_alias_points_at_one_catalogue_spelling_or_a_new_name() {
        let file: CompaniesFile = toml::from_str(COMPANIES_TOML).expect("parses");
        for (alias, target) in &file.aliases {
            assert_eq!(canonical(alias), canonical(target), "{alias} → {target}");
        }
    }
}
