//! Who received a request: the company behind its host, and where that
//! name comes from, the most precise source first.
//!
//! 1. the researcher's own word for the host (`telltale hosts --set`);
//! 2. Telltale's catalogue (`assets/trackers.toml`), by host suffix;
//! 3. the endpoint table, when the request matched a known endpoint on a
//!    host the catalogue leaves alone (`www.facebook.com/adnw_sync2`);
//! 4. the tracker databases (`trackerdb`): the company most of them give;
//! 5. the SDK the payload belongs to (a Sensors Analytics collector on the
//!    app maker's own domain still sends to Sensors Data's software);
//! 6. a guess from the owner of the server's network (`network_owner`),
//!    only when that network is the company's own.
//!
//! Every caller (import, relabelling, exports) asks this one function, so
//! the same request gets the same answer everywhere.

use super::catalogue::{Category, company_for_host, company_for_tracker};
use super::network_owner::guess_from_network;
use super::trackerdb;

/// Where a request's company comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompanySource {
    /// The researcher named it (`telltale hosts --set HOST --company NAME`).
    Researcher,
    /// Telltale's catalogue.
    Catalogue,
    /// Telltale's endpoint table (the request matched a known endpoint).
    EndpointTable,
    /// The tracker databases that name the host (their labels, comma-separated).
    Lists(String),
    /// The SDK whose payload the request carried.
    Sdk,
    /// A guess: the owner of the server's network (as the ASN data names it).
    NetworkOwner(String),
}

impl CompanySource {
    /// The text stored in the case and printed by `--json` (`company_source`).
    #[must_use]
    pub fn stored(&self) -> String {
        match self {
            CompanySource::Researcher => "researcher".into(),
            CompanySource::Catalogue => "catalogue".into(),
            CompanySource::EndpointTable => "endpoint table".into(),
            CompanySource::Lists(lists) => format!("lists: {lists}"),
            CompanySource::Sdk => "sdk".into(),
            CompanySource::NetworkOwner(org) => format!("network owner: {org}"),
        }
    }

    /// Reads [`stored`](Self::stored) text back; unknown text is `None`.
    #[must_use]
    pub fn parse(text: &str) -> Option<CompanySource> {
        Some(match text {
            "researcher" => CompanySource::Researcher,
            "catalogue" => CompanySource::Catalogue,
            "endpoint table" => CompanySource::EndpointTable,
            "sdk" => CompanySource::Sdk,
            other => {
                if let Some(lists) = other.strip_prefix("lists: ") {
                    CompanySource::Lists(lists.to_string())
                } else if let Some(org) = other.strip_prefix("network owner: ") {
                    CompanySource::NetworkOwner(org.to_string())
                } else {
                    return None;
                }
            }
        })
    }

    /// Whether the name is a guess (the network owner), to be shown as one.
    #[must_use]
    pub fn is_guess(&self) -> bool {
        matches!(self, CompanySource::NetworkOwner(_))
    }

    /// Where the name comes from, for a journalist: "DuckDuckGo tracker data
    /// set, Disconnect", "owner of the server's network (RhythmOne, LLC)".
    #[must_use]
    pub fn explained(&self) -> String {
        match self {
            CompanySource::Researcher => "named by the researcher".into(),
            CompanySource::Catalogue => "Telltale's tracker catalogue".into(),
            CompanySource::EndpointTable => "Telltale's endpoint table".into(),
            CompanySource::Lists(lists) => lists.clone(),
            CompanySource::Sdk => "the SDK in the payload".into(),
            CompanySource::NetworkOwner(org) => format!("owner of the server's network ({org})"),
        }
    }
}

/// How a company reads with its source: "Facebook (Meta) — DuckDuckGo
/// tracker data set, Disconnect"; a guess reads "probably RhythmOne —
/// owner of the server's network".
#[must_use]
pub fn company_with_source(company: &str, source: Option<&str>) -> String {
    match source.and_then(CompanySource::parse) {
        Some(source @ CompanySource::NetworkOwner(_)) => {
            format!("probably {company} — {}", source.explained())
        }
        Some(source) => format!("{company} — {}", source.explained()),
        None => company.to_string(),
    }
}

/// A company name shown as a guess when it is one: "probably Tremor Video".
#[must_use]
pub fn company_label(company: &str, source: Option<&str>) -> String {
    if source.and_then(CompanySource::parse).is_some_and(|s| s.is_guess()) {
        format!("probably {company}")
    } else {
        company.to_string()
    }
}

/// Who received one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receiver {
    pub company: String,
    pub category: Option<Category>,
    pub source: CompanySource,
}

/// What is known about a request for naming its receiver.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestFacts<'a> {
    pub host: &'a str,
    /// The known endpoint's company and category, when one matched.
    pub endpoint_company: Option<(&'a str, Category)>,
    /// The SDK decoder or endpoint tracker that claimed the payload.
    pub tracker: Option<&'a str>,
    pub server_ip: Option<&'a str>,
    /// The researcher's name for the host, when given.
    pub researcher_company: Option<&'a str>,
}

/// The receiver of a request (see the module doc for the order); `None`
/// when nothing at all is known.
#[must_use]
pub fn receiver(facts: RequestFacts<'_>) -> Option<Receiver> {
    if let Some(company) = facts.researcher_company.filter(|c| !c.trim().is_empty()) {
        let known = company_for_host(facts.host);
        return Some(Receiver {
            company: company.trim().to_string(),
            category: known.map(|e| e.category),
            source: CompanySource::Researcher,
        });
    }
    if let Some(entry) = company_for_host(facts.host) {
        return Some(Receiver {
            company: entry.company.clone(),
            category: Some(entry.category),
            source: CompanySource::Catalogue,
        });
    }
    if let Some((company, category)) = facts.endpoint_company {
        return Some(Receiver {
            company: company.to_string(),
            category: Some(category),
            source: CompanySource::EndpointTable,
        });
    }
    if let Some(verdict) = trackerdb::lookup(facts.host) {
        return Some(Receiver {
            source: CompanySource::Lists(verdict.sources()),
            company: verdict.company,
            category: verdict.category,
        });
    }
    if let Some(entry) = facts.tracker.and_then(company_for_tracker) {
        return Some(Receiver {
            company: entry.company.clone(),
            category: Some(entry.category),
            source: CompanySource::Sdk,
        });
    }
    let guess = facts.server_ip.and_then(guess_from_network)?;
    Some(Receiver {
        company: guess.company,
        category: None,
        source: CompanySource::NetworkOwner(guess.org),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(host: &str) -> Option<(String, String)> {
        receiver(RequestFacts {
            host,
            ..RequestFacts::default()
        })
        .map(|r| (r.company, r.source.stored()))
    }

    #[test]
    fn the_most_precise_source_wins() {
        // The catalogue knows graph.facebook.com; the lists know all of facebook.com.
        assert_eq!(
            named("graph.facebook.com"),
            Some(("Facebook (Meta)".into(), "catalogue".into()))
        );
        let (company, source) = named("www.facebook.com").expect("listed");
        assert_eq!(company, "Facebook (Meta)");
        assert!(
            source.starts_with("lists: DuckDuckGo tracker data set, Disconnect"),
            "{source}"
        );
        let researcher = receiver(RequestFacts {
            host: "graph.facebook.com",
            researcher_company: Some("Meta Platforms Ireland"),
            ..RequestFacts::default()
        })
        .expect("named");
        assert_eq!(researcher.company, "Meta Platforms Ireland");
        assert_eq!(researcher.source, CompanySource::Researcher);
    }

    #[test]
    fn an_sdk_names_a_collector_on_an_unknown_domain() {
        let r = receiver(RequestFacts {
            host: "sa.example-browser-analytics.com",
            tracker: Some("sensorsdata"),
            ..RequestFacts::default()
        })
        .expect("by SDK");
        assert_eq!(r.company, "Sensors Data (Sensors Analytics)");
        assert_eq!(r.source, CompanySource::Sdk);
    }

    #[test]
    fn the_network_owner_is_a_guess_and_says_so() {
        let r = receiver(RequestFacts {
            host: "raptor.tremorvideodsp.com",
            server_ip: Some("67.226.210.15"),
            ..RequestFacts::default()
        })
        .expect("guessed");
        assert!(r.source.is_guess());
        let stored = r.source.stored();
        assert_eq!(stored, "network owner: RhythmOne, LLC");
        assert_eq!(
            company_with_source(&r.company, Some(&stored)),
            "probably Tremor Video — owner of the server's network (RhythmOne, LLC)"
        );
        assert_eq!(company_label(&r.company, Some(&stored)), "probably Tremor Video");
        // Amazon rents its addresses: no guess.
        assert!(
            receiver(RequestFacts {
                host: "api.example.org",
                server_ip: Some("108.138.17.9"),
                ..RequestFacts::default()
            })
            .is_none()
        );
    }

    #[test]
    fn stored_sources_read_back() {
        for source in [
            CompanySource::Researcher,
            CompanySource::Catalogue,
            CompanySource::EndpointTable,
            CompanySource::Lists("Disconnect, X-Ray 2018".into()),
            CompanySource::Sdk,
            CompanySource::NetworkOwner("RhythmOne, LLC".into()),
        ] {
            assert_eq!(CompanySource::parse(&source.stored()), Some(source));
        }
        assert_eq!(CompanySource::parse("nonsense"), None);
    }
}
