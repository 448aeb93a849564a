//! Where a server address is registered and who runs the network: country,
//! autonomous system number and organisation, from databases compiled into
//! the program.
//!
//! Promise: Telltale never contacts the network to answer this — no DNS, no
//! WHOIS, no update checks. The data in `assets/geo/` (see its README for
//! sources, versions and the CC BY 4.0 attribution) changes only when a
//! developer runs `scripts/refresh-geo.sh` and commits the result.
//!
//! The databases are parsed lazily, once, on the first lookup; a damaged
//! database means "unknown", never a crash. Addresses that cannot leave the
//! local network (private, loopback, link-local, CGNAT, unique-local) are not
//! looked up: they get a [`GeoInfo`] whose `country_name` is
//! [`PRIVATE_NETWORK`], so a journalist sees why no country is given.
//!
//! A country is where the address block is registered or announced, not where
//! the machine stands: say "registered in", not "located in".

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::LazyLock;

use maxminddb::{Reader, path};

/// ip-location-db `geo-whois-asn-country` (`MaxMind` DB, IPv4 + IPv6): `{country_code}` per range.
const COUNTRY_MMDB: &[u8] = include_bytes!("../../assets/geo/country.mmdb");
/// ip-location-db `asn`, repacked by `scripts/geo_asn_to_bin.py` (layout documented there).
const ASN_BIN: &[u8] = include_bytes!("../../assets/geo/asn.bin");
/// ISO 3166-1 alpha-2 code → English short name.
const COUNTRIES_TOML: &str = include_str!("../../assets/geo/countries.toml");

/// The `country_name` of addresses that never leave a local network.
pub const PRIVATE_NETWORK: &str = "private network";

/// What the offline databases say about one IP address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GeoInfo {
    /// ISO 3166-1 alpha-2 code of the country the address is registered in (`SG`).
    pub country_code: Option<String>,
    /// English country name (`Singapore`), or [`PRIVATE_NETWORK`].
    pub country_name: Option<String>,
    /// Autonomous system number of the network announcing the address (`45102`).
    pub asn: Option<u32>,
    /// Organisation that holds that autonomous system.
    pub org: Option<String>,
}

/// Country and network owner of `ip` (`1.2.3.4`, `2001:db8::1`, `[::1]`, with or
/// without `:port`). `None` when the text is not an address or the databases
/// know nothing about it; private addresses get [`PRIVATE_NETWORK`].
pub fn geo_for_ip(ip: &str) -> Option<GeoInfo> {
    let ip = parse_ip(ip)?;
    if is_local_only(ip) {
        return Some(GeoInfo {
            country_name: Some(PRIVATE_NETWORK.to_string()),
            ..GeoInfo::default()
        });
    }
    let country_code = country_code_for(ip);
    let (asn, org) = match ASN_TABLE.as_ref().and_then(|table| table.lookup(ip)) {
        Some((asn, org)) => (Some(asn), org.map(str::to_string)),
        None => (None, None),
    };
    if country_code.is_none() && asn.is_none() {
        return None;
    }
    let country_name = country_code.as_deref().and_then(country_name).map(str::to_string);
    Some(GeoInfo {
        country_code,
        country_name,
        asn,
        org,
    })
}

/// English name of an ISO 3166-1 alpha-2 code (`RU` → `Russia`), case-insensitive.
pub fn country_name(code: &str) -> Option<&'static str> {
    COUNTRY_NAMES
        .get(code.to_ascii_uppercase().as_str())
        .map(String::as_str)
}

/// An address from a host field: plain, bracketed IPv6, or either with a port.
/// IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes IPv4 so both spellings agree.
fn parse_ip(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    let ip = text
        .parse::<IpAddr>()
        .ok()
        .or_else(|| text.strip_prefix('[')?.strip_suffix(']')?.parse().ok())
        .or_else(|| text.parse::<SocketAddr>().ok().map(|socket| socket.ip()))?;
    Some(ip.to_canonical())
}

/// Addresses that cannot be a server on the internet.
pub(crate) fn is_local_only(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_local_only_v4(v4),
        IpAddr::V6(v6) => is_local_only_v6(v6),
    }
}

fn is_local_only_v4(ip: Ipv4Addr) -> bool {
    // 100.64.0.0/10 is carrier-grade NAT (RFC 6598); `Ipv4Addr::is_shared` is unstable.
    let carrier_nat = ip.octets()[0] == 100 && (ip.octets()[1] & 0xC0) == 64;
    ip.is_private() || ip.is_loopback() || ip.is_link_local() || ip.is_unspecified() || ip.is_broadcast() || carrier_nat
}

fn is_local_only_v6(ip: Ipv6Addr) -> bool {
    ip.is_loopback() || ip.is_unspecified() || ip.is_unique_local() || ip.is_unicast_link_local()
}

static COUNTRY_READER: LazyLock<Option<Reader<&'static [u8]>>> =
    LazyLock::new(|| Reader::from_source(COUNTRY_MMDB).ok());

fn country_code_for(ip: IpAddr) -> Option<String> {
    let reader = COUNTRY_READER.as_ref()?;
    let result = reader.lookup(ip).ok()?;
    let code: Option<&str> = result.decode_path(&path!["country_code"]).ok()?;
    code.filter(|c| !c.is_empty()).map(str::to_string)
}

static COUNTRY_NAMES: LazyLock<HashMap<String, String>> =
    LazyLock::new(|| toml::from_str(COUNTRIES_TOML).unwrap_or_default());

static ASN_TABLE: LazyLock<Option<AsnTable<'static>>> = LazyLock::new(|| AsnTable::parse(ASN_BIN));

const ASN_MAGIC: &[u8; 8] = b"TTASN\x00\x01\x00";
const ASN_HEADER_BYTES: usize = 24;
const V4_RECORD_BYTES: usize = 12;
const V6_RECORD_BYTES: usize = 36;
const ORG_RECORD_BYTES: usize = 12;

/// Zero-copy view of `asn.bin`: sorted, non-overlapping inclusive ranges,
/// binary-searched in place.
struct AsnTable<'a> {
    v4: &'a [[u8; V4_RECORD_BYTES]],
    v6: &'a [[u8; V6_RECORD_BYTES]],
    orgs: &'a [[u8; ORG_RECORD_BYTES]],
    strings: &'a [u8],
}

impl<'a> AsnTable<'a> {
    /// Splits the file into its sections; `None` if the magic or any length is wrong.
    fn parse(bytes: &'a [u8]) -> Option<Self> {
        let (header, rest) = bytes.split_at_checked(ASN_HEADER_BYTES)?;
        if !header.starts_with(ASN_MAGIC) {
            return None;
        }
        let count = |index: usize| read_u32(header, 8 + 4 * index).map(|n| n as usize);
        let (v4, rest) = rest.split_at_checked(count(0)?.checked_mul(V4_RECORD_BYTES)?)?;
        let (v6, rest) = rest.split_at_checked(count(1)?.checked_mul(V6_RECORD_BYTES)?)?;
        let (orgs, strings) = rest.split_at_checked(count(2)?.checked_mul(ORG_RECORD_BYTES)?)?;
        if strings.len() != count(3)? {
            return None;
        }
        Some(Self {
            v4: v4.as_chunks().0,
            v6: v6.as_chunks().0,
            orgs: orgs.as_chunks().0,
            strings,
        })
    }

    /// ASN and organisation name of the range holding `ip`.
    fn lookup(&self, ip: IpAddr) -> Option<(u32, Option<&'a str>)> {
        let asn = match ip {
            IpAddr::V4(v4) => find_range(self.v4, u32::from(v4), v4_record)?,
            IpAddr::V6(v6) => find_range(self.v6, u128::from(v6), v6_record)?,
        };
        Some((asn, self.org_name(asn)))
    }

    fn org_name(&self, asn: u32) -> Option<&'a str> {
        let index = self.orgs.binary_search_by_key(&asn, |record| le_u32(record, 0)).ok()?;
        let record = self.orgs.get(index)?;
        let offset = read_u32(record, 4)? as usize;
        let len = read_u32(record, 8)? as usize;
        let bytes = self.strings.get(offset..offset.checked_add(len)?)?;
        std::str::from_utf8(bytes).ok()
    }
}

/// The value of the range `start..=end` that holds `key`, in records sorted by start.
fn find_range<R, K: Ord + Copy>(records: &[R], key: K, read: fn(&R) -> (K, K, u32)) -> Option<u32> {
    let after = records.partition_point(|record| read(record).0 <= key);
    let (_, end, asn) = read(records.get(after.checked_sub(1)?)?);
    (key <= end).then_some(asn)
}

fn v4_record(record: &[u8; V4_RECORD_BYTES]) -> (u32, u32, u32) {
    (le_u32(record, 0), le_u32(record, 4), le_u32(record, 8))
}

fn v6_record(record: &[u8; V6_RECORD_BYTES]) -> (u128, u128, u32) {
    (le_u128(record, 0), le_u128(record, 16), le_u32(record, 32))
}

// Offsets inside a fixed-size record are always in bounds; the 0 is never used.
fn le_u32(record: &[u8], offset: usize) -> u32 {
    read_u32(record, offset).unwrap_or(0)
}

fn le_u128(record: &[u8], offset: usize) -> u128 {
    record
        .get(offset..)
        .and_then(<[u8]>::first_chunk::<16>)
        .map_or(0, |chunk| u128::from_le_bytes(*chunk))
}

fn read_u32(bytes: &[u8], offset: usize) -> Option<u32> {
    let chunk = bytes.get(offset..)?.first_chunk::<4>()?;
    Some(u32::from_le_bytes(*chunk))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_databases_open() {
        assert!(COUNTRY_READER.is_some(), "assets/geo/country.mmdb must open");
        let table = ASN_TABLE.as_ref().expect("assets/geo/asn.bin must parse");
        assert!(table.v4.len() > 100_000 && table.v6.len() > 10_000 && !table.orgs.is_empty());
        let countries: HashMap<String, String> = toml::from_str(COUNTRIES_TOML).expect("countries.toml must parse");
        assert!(countries.len() >= 249, "only {} countries", countries.len());
    }

    #[test]
    fn asn_ranges_are_sorted_and_disjoint() {
        let table = ASN_TABLE.as_ref().expect("asn.bin parses");
        assert!(table.v4.windows(2).all(|w| v4_record(&w[0]).1 < v4_record(&w[1]).0));
        assert!(table.v6.windows(2).all(|w| v6_record(&w[0]).1 < v6_record(&w[1]).0));
    }

    #[test]
    fn parse_ip_accepts_brackets_ports_and_mapped_v4() {
        assert_eq!(parse_ip("[::1]"), Some(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        assert_eq!(parse_ip("[2001:db8::1]:443"), "2001:db8::1".parse().ok());
        assert_eq!(parse_ip("8.8.8.8:53"), "8.8.8.8".parse().ok());
        assert_eq!(parse_ip("::ffff:8.8.8.8"), "8.8.8.8".parse().ok());
        assert_eq!(parse_ip("example.com"), None);
    }

    #[test]
    fn local_only_ranges() {
        for ip in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.1.1",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
        ] {
            assert!(is_local_only(parse_ip(ip).expect("address")), "{ip}");
        }
        for ip in ["100.128.0.1", "8.8.8.8", "2001:4860:4860::8888"] {
            assert!(!is_local_only(parse_ip(ip).expect("address")), "{ip}");
        }
    }

    #[test]
    fn damaged_asn_table_is_rejected() {
        assert!(AsnTable::parse(b"").is_none());
        assert!(AsnTable::parse(&ASN_BIN[..ASN_BIN.len() - 1]).is_none());
        let mut wrong_magic = ASN_BIN[..ASN_HEADER_BYTES].to_vec();
        wrong_magic[0] = b'X';
        assert!(AsnTable::parse(&wrong_magic).is_none());
    }

    #[test]
    fn country_names() {
        assert_eq!(country_name("SG"), Some("Singapore"));
        assert_eq!(country_name("ru"), Some("Russia"));
        assert_eq!(country_name("ZZ"), None);
    }
}
