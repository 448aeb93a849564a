//! What a value's shape alone says (an e-mail address, an IMEI with a valid
//! Luhn check digit, a MAC address, an IP address, a UUID under an id-like
//! key, a "lat,lon" pair), and whether a value is worth naming at all.
//!
//! Shapes are only consulted when the key names nothing (see
//! `super::keys`): a key that says otherwise always wins.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Values that mean "nothing sent": no data type is named for them.
const EMPTY_VALUES: &[&str] = &[
    "",
    "null",
    "nil",
    "none",
    "undefined",
    "unknown",
    "n/a",
    "na",
    "-",
    "[]",
    "{}",
    "\"\"",
];

/// Whether `value` carries anything (not empty, not a placeholder, not an
/// all-zero id such as the "limit ad tracking" advertising id).
pub fn carries_data(value: &str) -> bool {
    let trimmed = value.trim();
    if EMPTY_VALUES.iter().any(|empty| trimmed.eq_ignore_ascii_case(empty)) {
        return false;
    }
    // 00000000-0000-0000-0000-000000000000 and friends.
    let significant: Vec<char> = trimmed.chars().filter(|c| !matches!(c, '-' | ':')).collect();
    !(significant.len() >= 8 && significant.iter().all(|c| *c == '0'))
}

/// Whether `value` can be a `kind` at all (a "visited URL" must be a URL, a
/// latitude a number in range …); keeps key matches from naming junk.
pub fn fits_kind(kind: &str, value: &str) -> bool {
    let value = value.trim();
    match kind {
        "visitedUrl" | "websiteUrl" => value.contains("://") || value.starts_with("www."),
        "referer" => value.contains("://") || value.contains('.') || value.starts_with('/'),
        "latitude" => value
            .parse::<f64>()
            .is_ok_and(|n| (-90.0..=90.0).contains(&n) && n != 0.0),
        "longitude" => value
            .parse::<f64>()
            .is_ok_and(|n| (-180.0..=180.0).contains(&n) && n != 0.0),
        "publicIp" | "localIp" => value.parse::<IpAddr>().is_ok() || value.contains(','),
        "email" => is_email(value),
        "imei" => value.len() >= 14 && value.chars().all(|c| c.is_ascii_digit()),
        "macAddress" => is_mac(value),
        "searchTerm" | "screenName" | "model" | "manufacturer" | "appName" | "carrier" => {
            value.parse::<f64>().is_err() && !matches!(value, "true" | "false")
        }
        "advertisingId"
        | "deviceId"
        | "developerScopedId"
        | "installationId"
        | "userId"
        | "sessionId"
        | "browserId"
        | "pushNotificationToken"
        | "hashedAdvertisingId" => value.chars().count() >= 4 && !matches!(value, "true" | "false"),
        _ => true,
    }
}

/// The kind a value's shape alone names, under a key that names nothing.
/// `key` is the value's own key (to tell an id-like key from others).
pub fn kind_for_value(key: Option<&str>, value: &str) -> Option<&'static str> {
    let value = value.trim();
    if is_email(value) {
        return Some("email");
    }
    if is_imei(value) {
        return Some("imei");
    }
    if is_mac(value) {
        return Some("macAddress");
    }
    if let Some(kind) = ip_kind(value) {
        return Some(kind);
    }
    let key = key.map(super::keys::normalize).unwrap_or_default();
    if is_uuid(value) && (key.ends_with("id") || key.contains("uuid") || key.contains("guid")) {
        return Some("otherIdentifiers");
    }
    None
}

/// `name@host.tld`, without spaces.
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let Some((host, tld)) = domain.rsplit_once('.') else {
        return false;
    };
    !local.is_empty()
        && !host.is_empty()
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && !value.chars().any(|c| c.is_whitespace() || c == '/' || c == '?')
        && !domain.contains('@')
}

/// 15 digits with a valid Luhn check digit and a GSMA reporting-body prefix.
pub fn is_imei(value: &str) -> bool {
    /// First two digits of TACs issued by the GSMA's reporting bodies.
    const REPORTING_BODIES: &[&str] = &[
        "01", "10", "30", "33", "35", "44", "45", "49", "50", "51", "52", "53", "54", "86", "91", "98", "99",
    ];
    value.len() == 15
        && value.bytes().all(|b| b.is_ascii_digit())
        && REPORTING_BODIES.contains(&&value[..2])
        && luhn_valid(value)
}

/// The Luhn check over ASCII digits (the last one is the check digit).
pub fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(position, byte)| {
            let digit = u32::from(byte - b'0');
            if position % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                digit
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Six hex pairs with `:` or `-`, not Android's placeholder `02:00:00:00:00:00`.
pub fn is_mac(value: &str) -> bool {
    let parts: Vec<&str> = value.split([':', '-']).collect();
    parts.len() == 6
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit()))
        && !value.eq_ignore_ascii_case("02:00:00:00:00:00")
        && !value.eq_ignore_ascii_case("ff:ff:ff:ff:ff:ff")
}

/// `localIp` or `publicIp` for an address; dotted quads whose parts are all
/// single digits read as version numbers ("4.2.1.0"), not addresses.
pub fn ip_kind(value: &str) -> Option<&'static str> {
    if let Ok(v4) = value.parse::<Ipv4Addr>() {
        if v4.octets().iter().all(|o| *o < 10) || v4.is_unspecified() || v4.is_broadcast() {
            return None;
        }
        return Some(if is_local_v4(v4) { "localIp" } else { "publicIp" });
    }
    if value.contains(':')
        && let Ok(v6) = value.parse::<Ipv6Addr>()
    {
        if v6.is_unspecified() || v6.is_loopback() {
            return None;
        }
        let first = v6.segments()[0];
        let local = (first & 0xffc0) == 0xfe80 || (first & 0xfe00) == 0xfc00;
        return Some(if local { "localIp" } else { "publicIp" });
    }
    None
}

fn is_local_v4(address: Ipv4Addr) -> bool {
    let [a, b, ..] = address.octets();
    address.is_private() || address.is_loopback() || address.is_link_local() || (a == 100 && (64..128).contains(&b))
}

/// `8-4-4-4-12` hex digits.
pub fn is_uuid(value: &str) -> bool {
    let lengths: Vec<usize> = value.split('-').map(str::len).collect();
    lengths == [8, 4, 4, 4, 12] && value.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_carry_no_data() {
        for empty in [
            "",
            "null",
            "unknown",
            "00000000-0000-0000-0000-000000000000",
            "{}",
            "N/A",
        ] {
            assert!(!carries_data(empty), "{empty}");
        }
        assert!(carries_data("38400000-8cf0-11bd-b23e-10b96e40000d"));
        assert!(carries_data("0"));
    }

    #[test]
    fn imei_needs_luhn_and_a_reporting_body() {
        assert!(is_imei("490154203237518"));
        assert!(!is_imei("490154203237519"), "wrong check digit");
        assert!(!is_imei("123456789012347"), "no reporting body 12");
        assert!(!is_imei("1586000000000"), "a millisecond time is not an IMEI");
    }

    #[test]
    fn shapes() {
        assert_eq!(kind_for_value(None, "jane.doe@example.org"), Some("email"));
        assert_eq!(kind_for_value(None, "a@b"), None);
        assert_eq!(kind_for_value(None, "3C:22:FB:12:34:56"), Some("macAddress"));
        assert_eq!(kind_for_value(None, "02:00:00:00:00:00"), None);
        assert_eq!(kind_for_value(None, "192.168.1.23"), Some("localIp"));
        assert_eq!(kind_for_value(None, "161.117.96.161"), Some("publicIp"));
        assert_eq!(kind_for_value(None, "4.2.1.0"), None, "a version, not an address");
        assert_eq!(kind_for_value(None, "fe80::1c2d:3e4f"), Some("localIp"));
        assert_eq!(kind_for_value(None, "12:30:45"), None);
        let uuid = "6a1c1487-a0af-4223-b142-a0f4621d0311";
        assert_eq!(kind_for_value(Some("xid"), uuid), Some("otherIdentifiers"));
        assert_eq!(kind_for_value(Some("color"), uuid), None);
    }

    #[test]
    fn kinds_refuse_values_that_cannot_be_them() {
        assert!(fits_kind("visitedUrl", "https://example.org/a"));
        assert!(!fits_kind("visitedUrl", "home"));
        assert!(fits_kind("latitude", "52.52"));
        assert!(!fits_kind("latitude", "123.4"));
        assert!(!fits_kind("latitude", "0"));
        assert!(!fits_kind("searchTerm", "true"));
        assert!(fits_kind("isRooted", "false"));
        assert!(!fits_kind("advertisingId", "1"));
    }
}
