//! Who received the data and where, in words a reader can check: the SDK
//! behind a tracker id, the company (the host's, else the SDK's), and each
//! server address with the country and network owner the offline databases
//! give (`attribution::geo_for_ip`; Telltale never looks anything up online).
//!
//! A company named only through the SDK is marked `by_sdk`: the host is
//! not in the catalogue (often the app maker's own collector running the
//! SDK vendor's software), so the report says how it knows.

use crate::attribution::{company_for_host, company_for_tracker, geo_for_ip};

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
    pub name: String,
    /// Named through the SDK that sent the data, not through the host.
    pub by_sdk: bool,
}

/// The company behind `host`: the one stored with the request, else the
/// catalogue's for the host, else the one behind the first of `trackers`
/// that the catalogue knows.
pub fn company<'a>(stored: Option<&str>, host: &str, trackers: impl IntoIterator<Item = &'a str>) -> Option<Company> {
    if let Some(name) = stored.or_else(|| company_for_host(host).map(|e| e.company.as_str())) {
        // A stored company equal to the SDK's, for a host the catalogue does
        // not know, came from the SDK too (see `Case::export_rows`).
        let trackers: Vec<&str> = trackers.into_iter().collect();
        let by_sdk = company_for_host(host).is_none()
            && trackers
                .iter()
                .any(|t| company_for_tracker(t).is_some_and(|e| e.company == name));
        return Some(Company {
            name: name.to_string(),
            by_sdk,
        });
    }
    trackers.into_iter().find_map(company_for_tracker).map(|entry| Company {
        name: entry.company.clone(),
        by_sdk: true,
    })
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
        let sensors = company(None, "sa.example-browser-analytics.com", ["sensorsdata"]);
        assert_eq!(
            sensors,
            Some(Company {
                name: "Sensors Data (Sensors Analytics)".into(),
                by_sdk: true
            })
        );
        let by_host = company(None, "api.mixpanel.com", ["mixpanel"]).expect("Mixpanel host");
        assert_eq!(by_host.name, "Mixpanel");
        assert!(!by_host.by_sdk);
        assert_eq!(company(None, "news.example.org", ["generic"]), None);
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
