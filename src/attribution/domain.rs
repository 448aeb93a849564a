//! Host names as attribution reads them: lowercase, without port or
//! trailing dot, and their *registrable domain* (the name a company
//! registers: `www.bbc.co.uk` → `bbc.co.uk`), from the Public Suffix List
//! compiled into the program (`assets/psl/`, Mozilla, MPL-2.0; refreshed by
//! `scripts/refresh-trackerdb.sh`), read with the `publicsuffix` crate.
//!
//! Two readings of the list serve two questions:
//! - [`registrable_domain`] uses the ICANN section only: tracker databases
//!   name companies' domains (`cloudfront.net`, `amazonaws.com`), which the
//!   list's private section treats as public suffixes.
//! - [`site_of`] uses the whole list: `a.herokuapp.com` and `b.herokuapp.com`
//!   are different parties, so the app's own hosts are told apart by it.
//!
//! Promises: no network, no disk; the list is parsed once, on first use; a
//! list that fails to parse (caught by a unit test) leaves every host its
//! own domain instead of crashing. IP literals have no domain.

use std::net::IpAddr;
use std::sync::LazyLock;

use publicsuffix::{IcannList, List, Psl};

/// The Public Suffix List as shipped (publicsuffix.org, see its VERSION line).
const PUBLIC_SUFFIX_LIST: &str = include_str!("../../assets/psl/public_suffix_list.dat");

static ICANN: LazyLock<Option<IcannList>> = LazyLock::new(|| PUBLIC_SUFFIX_LIST.parse().ok());
static FULL: LazyLock<Option<List>> = LazyLock::new(|| PUBLIC_SUFFIX_LIST.parse().ok());

/// Lowercase host name without port, brackets or trailing dot; `None` for
/// an empty host.
#[must_use]
pub fn normalize_host(host: &str) -> Option<String> {
    let host = host.trim();
    let name = if let Some(inner) = host.strip_prefix('[') {
        inner.split(']').next().unwrap_or(inner)
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        }
    };
    let name = name.trim_end_matches('.');
    (!name.is_empty()).then(|| name.to_ascii_lowercase())
}

/// Whether `host` is an IP address (v4 or v6, with or without brackets and port).
#[must_use]
pub fn is_ip_literal(host: &str) -> bool {
    normalize_host(host).is_some_and(|name| name.parse::<IpAddr>().is_ok())
}

/// A host on the researcher's own machine or network: `localhost`, a
/// `.local` / `.localhost` name, a loopback, private or link-local address.
/// Nothing sent there left for a company.
#[must_use]
pub fn is_local_host(host: &str) -> bool {
    let Some(name) = normalize_host(host) else {
        return false;
    };
    if name == "localhost" || name.ends_with(".localhost") || name.ends_with(".local") {
        return true;
    }
    name.parse::<IpAddr>().is_ok_and(super::geo::is_local_only)
}

/// The registrable domain of `host` by the list's ICANN section
/// (`ads.example.co.uk` → `example.co.uk`); the host itself when the list
/// does not know its suffix; `None` for IP literals and bare suffixes.
#[must_use]
pub fn registrable_domain(host: &str) -> Option<String> {
    domain_by(ICANN.as_ref(), host)
}

/// The site a host belongs to, by the whole list, private section included
/// (`a.herokuapp.com` → `a.herokuapp.com`, `cdn.9gag.com` → `9gag.com`).
#[must_use]
pub fn site_of(host: &str) -> Option<String> {
    domain_by(FULL.as_ref(), host)
}

fn domain_by<L: Psl>(list: Option<&L>, host: &str) -> Option<String> {
    let name = normalize_host(host)?;
    if name.parse::<IpAddr>().is_ok() {
        return None;
    }
    let Some(list) = list else { return Some(name) };
    match list.domain(name.as_bytes()) {
        Some(domain) => std::str::from_utf8(domain.as_bytes()).ok().map(str::to_string),
        // A bare public suffix (`co.uk`) has no registrable domain; a name
        // under an unknown suffix is its own.
        None if list
            .suffix(name.as_bytes())
            .is_some_and(|s| s.as_bytes() == name.as_bytes()) =>
        {
            None
        }
        None => Some(name),
    }
}

/// `host` and each parent of it down to its registrable domain, longest
/// first (`a.b.example.co.uk` → `a.b.example.co.uk`, `b.example.co.uk`,
/// `example.co.uk`). Never a bare public suffix; an IP literal is only itself.
#[must_use]
pub fn host_and_parents(host: &str) -> Vec<String> {
    let Some(name) = normalize_host(host) else {
        return Vec::new();
    };
    let Some(domain) = registrable_domain(&name) else {
        return if name.parse::<IpAddr>().is_ok() {
            vec![name]
        } else {
            Vec::new()
        };
    };
    let mut out = Vec::new();
    let mut candidate = name.as_str();
    loop {
        out.push(candidate.to_string());
        if candidate.len() <= domain.len() {
            break;
        }
        match candidate.split_once('.') {
            Some((_, rest)) => candidate = rest,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_parses_and_has_its_version() {
        assert!(ICANN.is_some() && FULL.is_some());
        assert!(PUBLIC_SUFFIX_LIST.contains("// VERSION: "));
    }

    #[test]
    fn registrable_domains_follow_the_list() {
        assert_eq!(registrable_domain("www.bbc.co.uk").as_deref(), Some("bbc.co.uk"));
        assert_eq!(
            registrable_domain("raptor.tremorvideodsp.com").as_deref(),
            Some("tremorvideodsp.com")
        );
        assert_eq!(
            registrable_domain("lb.eu-1-id5-sync.com").as_deref(),
            Some("eu-1-id5-sync.com")
        );
        assert_eq!(
            registrable_domain("d1.cloudfront.net").as_deref(),
            Some("cloudfront.net")
        );
        assert_eq!(registrable_domain("co.uk"), None);
        assert_eq!(registrable_domain("10.0.0.1"), None);
        assert_eq!(
            registrable_domain("WWW.Example.COM.:443").as_deref(),
            Some("example.com")
        );
    }

    #[test]
    fn sites_keep_private_suffixes_apart() {
        assert_eq!(site_of("a.herokuapp.com").as_deref(), Some("a.herokuapp.com"));
        assert_eq!(site_of("img.9cache.com").as_deref(), Some("9cache.com"));
    }

    #[test]
    fn parents_stop_at_the_registrable_domain() {
        assert_eq!(
            host_and_parents("a.b.example.co.uk"),
            ["a.b.example.co.uk", "b.example.co.uk", "example.co.uk"]
        );
        assert_eq!(host_and_parents("[2001:db8::1]:443"), ["2001:db8::1"]);
        assert_eq!(host_and_parents("1.2.3.4:80"), ["1.2.3.4"]);
        assert!(host_and_parents("").is_empty());
        assert!(is_ip_literal("1.2.3.4:80") && !is_ip_literal("example.com"));
    }
}
