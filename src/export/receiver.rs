//! Who received the data and where, in words a reader can check: the SDK
//! behind a tracker id, the company (the host's, else the SDK's), and each
//! server address with the country and network owner the offline databases
//! give (`attribution::geo_for_ip`; Telltale never looks anything up online).
//!
//! A company named only through the SDK is marked `by_sdk`: the host is
//! in no list (often the app maker's own collector running the SDK
//! vendor's software), so the report says how it knows; one named only by
//! the owner of the server's network reads "probably …".

use crate::attribution::{CompanySource, company_for_host, company_for_tracker, company_label, geo_for_ip};
use crate::store::SummaryGroup;

/// The name readers know an SDK by, for the tracker decoders Telltale has.
/// `generic` (any JSON with an event name and a time) names no SDK.
pub fn sdk_name(tracker: &str) -> Option<&'static str> {
    Some(match tracker {
        "sensorsdata" => "Sensors Analytics",
        "mixpanel" => "Mixpanel",
        "ga" => "Google Analytics",
        "ga4" => "Google Analytics 4",
        "segment" => "Segment",
        "amplitude" => "Amplitude",
        "adjust" => "Adjust",
        "firebase" => "Firebase Analytics",
        _ => return None,
    })
}

/// The first of `trackers` that names an SDK.
pub fn first_sdk<'a>(trackers: impl IntoIterator<Item = &'a str>) -> Option<&'static str> {
    trackers.into_iter().find_map(sdk_name)
}

/// The company that received a request, and how Telltale knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Company {
    /// The name as the report prints it: "probably Tremor Video" for a guess.
    pub name: String,
    /// Named through the SDK that sent the data, not through the host.
    pub by_sdk: bool,
    /// Only a guess: the owner of the server's network.
    pub guess: bool,
}

/// The company stored with a request (or group), as the import named it
/// (`attribution::receiver`: researcher, catalogue, endpoint table, lists,
/// SDK, network owner) with `source` its stored source. Cases imported
/// before sources were kept fall back to the catalogue for the host and
/// the SDK.
pub fn company<'a>(
    stored: Option<&str>,
    source: Option<&str>,
    host: &str,
    trackers: impl IntoIterator<Item = &'a str>,
) -> Option<Company> {
    let parsed = source.and_then(CompanySource::parse);
    if let Some(name) = stored {
        let guess = parsed.as_ref().is_some_and(CompanySource::is_guess);
        return Some(Company {
            name: company_label(name, source),
            by_sdk: parsed == Some(CompanySource::Sdk),
            guess,
        });
    }
    if source.is_some() {
        return None;
    }
    if let Some(entry) = company_for_host(host) {
        return Some(Company {
            name: entry.company.clone(),
            by_sdk: false,
            guess: false,
        });
    }
    trackers.into_iter().find_map(company_for_tracker).map(|entry| Company {
        name: entry.company.clone(),
        by_sdk: true,
        guess: false,
    })
}

/// The company of a summary group: its name, named by the SDK only when
/// every request's name came from the SDK, a guess only when all are.
pub fn group_company(group: &SummaryGroup) -> Option<Company> {
    let source = if group.company_is_guess() {
        group.company_sources.first().map(String::as_str)
    } else if !group.company_sources.is_empty() && group.company_sources.iter().all(|s| s == "sdk") {
        Some("sdk")
    } else {
        group
            .company_sources
            .iter()
            .map(String::as_str)
            .find(|s| CompanySource::parse(s).is_some_and(|p| !p.is_guess()))
    };
    let trackers: Vec<&str> = group.trackers.iter().map(String::as_str).collect();
    company(
        group.company.as_deref(),
        source,
        group.hosts.first().map(String::as_str).unwrap_or_default(),
        trackers,
    )
}

/// One server address and what the offline databases say about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Server {
    pub ip: String,
    /// English country name, `private network`, or `None` when unknown.
    pub country: Option<String>,
    pub country_code: Option<String>,
    /// The network's owner (`Alibaba (US) Technology Co., Ltd.`).
    pub org: Option<String>,
}

/// Looks `ip` up offline.
pub fn server(ip: &str) -> Server {
    let geo = geo_for_ip(ip).unwrap_or_default();
    Server {
        ip: ip.to_string(),
        country: geo.country_name,
        country_code: geo.country_code,
        org: geo.org,
    }
}

/// `161.117.96.161, Singapore, Alibaba (US) Technology Co., Ltd.`; addresses
/// sharing a country and network are listed together
/// (`35.186.205.6 and 35.190.88.7, United States, Google LLC`), groups
/// separated by `; `. Empty when no address was recorded.
pub fn describe_servers(ips: &[String]) -> String {
    let mut groups: Vec<(Option<String>, Option<String>, Vec<String>)> = Vec::new();
    for ip in ips {
        let server = server(ip);
        match groups
            .iter_mut()
            .find(|(country, org, _)| *country == server.country && *org == server.org)
        {
            Some((_, _, list)) => list.push(server.ip),
            None => groups.push((server.country, server.org, vec![server.ip])),
        }
    }
    groups
        .into_iter()
        .map(|(country, org, list)| {
            let mut parts = vec![join_words(&list)];
            parts.push(country.unwrap_or_else(|| "country unknown".into()));
            if let Some(org) = org {
                parts.push(org);
            }
            parts.join(", ")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Distinct country names of `ips`, in order seen (`Singapore, Russia`).
pub fn countries(ips: &[String]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for ip in ips {
        if let Some(country) = server(ip).country.filter(|c| !names.contains(c)) {
            names.push(country);
        }
    }
    names
}

/// `a`, `a and b`, `a, b and c`.
pub fn join_words<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => format!(
            "{} and {}",
            init.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(", "),
            last.as_ref()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vendor_domain_running_sensors_analytics_names_the_sdk_company() {
        // A case from before sources were kept: the catalogue and the SDK decide.
        let sensors = company(None, None, "sa.example-browser-analytics.com", ["sensorsdata"]);
        assert_eq!(
            sensors,
            Some(Company {
                name: "Sensors Data (Sensors Analytics)".into(),
                by_sdk: true,
                guess: false,
            })
        );
        let by_host = company(None, None, "api.mixpanel.com", ["mixpanel"]).expect("Mixpanel host");
        assert_eq!(by_host.name, "Mixpanel");
        assert!(!by_host.by_sdk);
        assert_eq!(company(None, None, "news.example.org", ["generic"]), None);
    }

    #[test]
    fn the_stored_company_and_its_source_decide() {
        let guess = company(
            Some("Tremor Video"),
            Some("network owner: RhythmOne, LLC"),
            "raptor.tremorvideodsp.com",
            [],
        )
        .expect("guess");
        assert_eq!(guess.name, "probably Tremor Video");
        assert!(guess.guess && !guess.by_sdk);
        let sdk = company(
            Some("Mixpanel"),
            Some("sdk"),
            "api-js.example-mixpanel.com",
            ["mixpanel"],
        )
        .expect("sdk");
        assert!(sdk.by_sdk && !sdk.guess);
        // The import looked and found nobody: no fallback names one now.
        assert_eq!(
            company(None, Some("lists: Disconnect"), "x.example", ["mixpanel"]),
            None
        );
    }

    #[test]
    fn servers_are_described_with_country_and_network() {
        let text = describe_servers(&["161.117.96.161".to_string()]);
        assert!(text.starts_with("161.117.96.161, Singapore, "), "{text}");
        assert!(text.contains("Alibaba"), "{text}");
        assert_eq!(describe_servers(&[]), "");
        assert_eq!(describe_servers(&["10.0.0.1".into()]), "10.0.0.1, private network");
    }

    #[test]
    fn words_are_joined_as_in_a_sentence() {
        assert_eq!(join_words(&["a"]), "a");
        assert_eq!(join_words(&["a", "b"]), "a and b");
        assert_eq!(join_words(&["a", "b", "c"]), "a, b and c");
    }
}
