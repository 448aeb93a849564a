//! The last resort for "who received this?": the owner of the server's
//! network, from the offline ASN data (`geo`), offered as a *guess*.
//!
//! A company that runs its own network (RhythmOne, AS 29798, behind Tremor
//! Video's `raptor.tremorvideodsp.com`) is named by it. Clouds, CDNs,
//! hosting and access providers rent their addresses to anyone, so their
//! name is no guess and none is made (`assets/networks.toml` lists them);
//! nor for local addresses. Callers must show the result as a guess
//! ("probably RhythmOne — owner of the server's network").
//!
//! Promises: pure, no I/O beyond the compiled-in data; the list is parsed
//! once; a list that fails to parse (a unit test catches it) means no guess
//! is ever made.

use std::sync::LazyLock;

use serde::Deserialize;

use super::companies::{canonical, tidy};
use super::geo::geo_for_ip;

const NETWORKS_TOML: &str = include_str!("../../assets/networks.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Networks {
    owners: Vec<String>,
    words: Vec<String>,
}

static NETWORKS: LazyLock<Option<Networks>> = LazyLock::new(|| toml::from_str(NETWORKS_TOML).ok());

/// A guess at the company behind a server from its network's owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkGuess {
    /// The company in Telltale's spelling (`companies::canonical`).
    pub company: String,
    /// The network owner as the ASN data names it (`RhythmOne, LLC`).
    pub org: String,
    pub asn: Option<u32>,
}

/// Words of `text`, lowercase, split at anything but letters, digits and `&`
/// (`Amazon.com, Inc.` → `amazon`, `com`, `inc`).
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '&'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether `needle`'s words appear in `haystack` in a row.
fn contains_words(haystack: &[String], needle: &str) -> bool {
    let needle = words(needle);
    !needle.is_empty() && haystack.windows(needle.len()).any(|window| window == needle.as_slice())
}

/// Whether the network owner `org` rents its addresses to others (cloud,
/// CDN, hosting, access provider): then its name says nothing.
#[must_use]
pub fn is_shared_network(org: &str) -> bool {
    let Some(networks) = NETWORKS.as_ref() else {
        return true;
    };
    let name = words(org);
    networks
        .owners
        .iter()
        .chain(&networks.words)
        .any(|owner| contains_words(&name, owner))
}

/// The guess for a server at `server_ip`, when its network has an owner
/// that is not a shared network.
#[must_use]
pub fn guess_from_network(server_ip: &str) -> Option<NetworkGuess> {
    let geo = geo_for_ip(server_ip)?;
    let org = geo.org?;
    if org.trim().is_empty() || is_shared_network(&org) {
        return None;
    }
    Some(NetworkGuess {
        company: canonical(&tidy(&org)),
        org,
        asn: geo.asn,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_parses() {
        assert!(NETWORKS.is_some());
    }

    #[test]
    fn a_company_network_gives_a_guess() {
        // raptor.tremorvideodsp.com, recorded in a real iOS Charles session.
        let guess = guess_from_network("67.226.210.15").expect("RhythmOne's own network");
        assert_eq!(guess.org, "RhythmOne, LLC");
        assert_eq!(guess.company, "Tremor Video");
    }

    #[test]
    fn clouds_cdns_and_access_providers_give_none() {
        for org in [
            "Amazon.com, Inc.",
            "Google LLC",
            "Cloudflare, Inc.",
            "Akamai International B.V.",
            "Hangzhou Alibaba Advertising Co.,Ltd.",
            "CHINANET-BACKBONE",
            "Chinanet",
            "Deutsche Telekom AG",
            "OVH SAS",
            "Hetzner Online GmbH",
            "DigitalOcean, LLC",
            "Some Regional Broadband Ltd",
        ] {
            assert!(is_shared_network(org), "{org}");
        }
        for org in ["RhythmOne, LLC", "Facebook, Inc.", "Criteo SA", "AppNexus, Inc."] {
            assert!(!is_shared_network(org), "{org}");
        }
        // Amazon's address behind api2.branch.io in the Android first run.
        assert_eq!(guess_from_network("108.138.17.9"), None);
        assert_eq!(guess_from_network("192.168.1.10"), None);
        assert_eq!(guess_from_network("not an address"), None);
    }
}
