//! First party and third party: which hosts are the app's own servers.
//!
//! A session's own hosts are those of
//! - its app's id read as a domain (`de.quizduell` → `quizduell.de`, and
//!   any site whose name is a distinctive label of the id: `com.sceneway.kankan`
//!   → `kankan.com`, `kankan.cn` …);
//! - the sites the capture visited (a browser's pages: each HAR page's
//!   first document or redirect, requests that navigated a top-level
//!   document, the first request of a capture when it is an HTML page or
//!   a redirect with no Referer, and the hosts those pages redirect to);
//! - the companies that own those sites in Telltale's catalogue or the
//!   tracker databases (an app of Google's sends to Google's trackers as
//!   its own);
//! - hosts on the researcher's own machine or network (`localhost`,
//!   loopback, private and link-local addresses: a lab server, a router);
//! - hosts the researcher marked first party (`telltale hosts --set HOST
//!   --first-party`); a host marked third party is one whatever else says.
//!
//! Every other host is a third party: named by a list, or "a third party in
//! no tracker database". Nothing is called the app's own unless one of the
//! rules above says so.
//!
//! Hosts are compared by site (`domain::site_of`, the whole Public Suffix
//! List), so `a.herokuapp.com` is not `b.herokuapp.com`'s first party.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::catalogue::company_for_host;
use super::domain::{normalize_host, site_of};
use super::is_app_id;
use super::trackerdb;

/// Labels of app ids that name no one in particular.
const GENERIC_LABELS: &[&str] = &[
    "android",
    "app",
    "apps",
    "application",
    "mobile",
    "client",
    "game",
    "games",
    "free",
    "lite",
    "pro",
    "plus",
    "global",
    "official",
    "studio",
    "studios",
    "main",
    "release",
    "prod",
    "debug",
    "beta",
    "test",
    "demo",
    "sdk",
    "phone",
    "tablet",
    "ios",
    "iphone",
    "ipad",
    "www",
    "web",
    "online",
    "play",
    "store",
];

/// `first` or `third`, as stored and printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    First,
    Third,
}

impl Party {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Party::First => "first",
            Party::Third => "third",
        }
    }

    /// `first` / `third` (also `first-party`, `1`, `3`); `None` otherwise.
    #[must_use]
    pub fn parse(text: &str) -> Option<Party> {
        match text.trim().to_ascii_lowercase().as_str() {
            "first" | "first-party" | "1" => Some(Party::First),
            "third" | "third-party" | "3" => Some(Party::Third),
            _ => None,
        }
    }
}

/// What makes a host one of a session's own (see the module doc), kept in
/// the case per session so a later relabelling decides the same way.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstParty {
    /// Sites (registrable domains, whole list) that are the app's own.
    pub sites: BTreeSet<String>,
    /// Distinctive labels of the app's id; a site whose name is one is the app's own.
    pub app_labels: BTreeSet<String>,
    /// Companies that own the app's sites.
    pub owners: BTreeSet<String>,
}

impl FirstParty {
    /// The rules for a session of `apps` that visited `visited` hosts.
    #[must_use]
    pub fn for_session<'a>(
        apps: impl IntoIterator<Item = &'a str>,
        visited: impl IntoIterator<Item = &'a str>,
    ) -> FirstParty {
        let mut rules = FirstParty::default();
        for app in apps {
            if let Some(site) = app_domain(app) {
                rules.sites.insert(site);
            }
            rules.app_labels.extend(app_labels(app));
        }
        // The owner of the app's own domain owns the app; the owner of a
        // visited site only when the capture visited that one site (a
        // browsing session that searched on google.com does not make
        // Google's trackers the browser's own).
        let mut owned: Vec<String> = rules.sites.iter().cloned().collect();
        let visited: BTreeSet<String> = visited.into_iter().filter_map(site_of).collect();
        if visited.len() == 1 {
            owned.extend(visited.iter().cloned());
        }
        rules.sites.extend(visited);
        rules.owners.extend(owned.iter().filter_map(|site| owner_of(site)));
        rules
    }

    /// Joins what another import of the same session found.
    pub fn merge(&mut self, other: FirstParty) {
        self.sites.extend(other.sites);
        self.app_labels.extend(other.app_labels);
        self.owners.extend(other.owners);
    }

    /// The party of `host`, whose receiving company is `company`.
    #[must_use]
    pub fn party_of(&self, host: &str, company: Option<&str>) -> Party {
        let own_site = site_of(host).is_some_and(|site| {
            self.sites.contains(&site)
                || site
                    .split('.')
                    .next()
                    .is_some_and(|name| self.app_labels.contains(name))
        });
        let own_company = company.is_some_and(|c| self.owners.contains(c));
        // The lab's own servers (a test server on loopback, a router on
        // the LAN): the session's side, not a third party's.
        if own_site || own_company || super::domain::is_local_host(host) {
            Party::First
        } else {
            Party::Third
        }
    }
}

/// The company that owns a site, by catalogue or tracker databases (never
/// a guess: a wrong owner would make a third party the app's own).
fn owner_of(site: &str) -> Option<String> {
    company_for_host(site)
        .map(|entry| entry.company.clone())
        .or_else(|| trackerdb::lookup(site).map(|verdict| verdict.company))
}

/// `de.quizduell.app` → `quizduell.de`.
fn app_domain(app: &str) -> Option<String> {
    if !is_app_id(app) {
        return None;
    }
    let mut parts = app.split('.');
    let tld = parts.next()?.to_ascii_lowercase();
    let name = parts.next()?.to_ascii_lowercase();
    if GENERIC_LABELS.contains(&name.as_str()) {
        return None;
    }
    let domain = normalize_host(&format!("{name}.{tld}"))?;
    site_of(&domain).filter(|site| *site == domain)
}

/// The distinctive labels of an app id (four letters or more, not generic).
fn app_labels(app: &str) -> Vec<String> {
    if !is_app_id(app) {
        return Vec::new();
    }
    app.split('.')
        .skip(1)
        .map(str::to_ascii_lowercase)
        .filter(|label| label.len() >= 4 && !GENERIC_LABELS.contains(&label.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_id_names_its_own_domain() {
        let rules = FirstParty::for_session(["de.quizduell"], []);
        assert_eq!(rules.party_of("api.quizduell.de", None), Party::First);
        assert_eq!(
            rules.party_of("graph.facebook.com", Some("Facebook (Meta)")),
            Party::Third
        );
        let rules = FirstParty::for_session(["com.sceneway.kankan"], []);
        assert_eq!(rules.party_of("img.sceneway.com", None), Party::First);
        assert_eq!(rules.party_of("m.kankan.cn", None), Party::First);
        assert_eq!(rules.party_of("lb.eu-1-id5-sync.com", Some("ID5")), Party::Third);
    }

    #[test]
    fn a_browsers_sites_and_their_owners_are_first_party() {
        let rules = FirstParty::for_session(["Chrome"], ["www.facebook.com"]);
        assert!(rules.owners.contains("Facebook (Meta)"));
        assert_eq!(
            rules.party_of("static.xx.fbcdn.net", Some("Facebook (Meta)")),
            Party::First
        );
        assert_eq!(rules.party_of("www.google-analytics.com", Some("Google")), Party::Third);
    }

    #[test]
    fn a_browsing_session_owns_its_sites_not_their_owners() {
        let rules = FirstParty::for_session(["com.example.browser"], ["www.google.com", "news.example.org"]);
        assert_eq!(rules.party_of("www.google.com", Some("Google")), Party::First);
        assert_eq!(rules.party_of("www.google-analytics.com", Some("Google")), Party::Third);
    }

    #[test]
    fn nothing_is_first_party_without_a_rule() {
        let rules = FirstParty::for_session(["app.under.test", "okhttp/4.9"], []);
        for host in ["cdn.branch.io", "example.org", "146.190.62.39"] {
            assert_eq!(rules.party_of(host, None), Party::Third, "{host}");
        }
        // The lab's own machine and network are no third party.
        for host in [
            "10.0.0.1",
            "127.0.0.1",
            "localhost",
            "[::1]",
            "printer.local",
            "192.168.111.154",
        ] {
            assert_eq!(rules.party_of(host, None), Party::First, "{host}");
        }
        // Generic labels name nobody.
        let rules = FirstParty::for_session(["com.android.app"], []);
        assert_eq!(rules.party_of("www.android.com", None), Party::Third);
    }

    #[test]
    fn parties_are_compared_by_site() {
        let rules = FirstParty::for_session([], ["a.herokuapp.com"]);
        assert_eq!(rules.party_of("a.herokuapp.com", None), Party::First);
        assert_eq!(rules.party_of("b.herokuapp.com", None), Party::Third);
    }

    #[test]
    fn party_words_parse() {
        assert_eq!(Party::parse("first"), Some(Party::First));
        assert_eq!(Party::parse("Third-Party"), Some(Party::Third));
        assert_eq!(Party::parse("second"), None);
    }
}
