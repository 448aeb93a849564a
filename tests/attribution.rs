//! Attribution through the public API: which company a host belongs to, and
//! where a server address is registered, from the data shipped in `assets/`.
//!
//! The geo values were checked by hand against the upstream CSVs of
//! ip-location-db 2.3.2026061719 (`geo-whois-asn-country-ipv4-num.csv`,
//! `asn-ipv4-num.csv` and their IPv6 siblings); after `scripts/refresh-geo.sh`
//! a changed answer here means the data changed, so re-check before updating.

use telltale::attribution::{GeoInfo, PRIVATE_NETWORK, company_for_host, geo_for_ip};

fn geo(code: &str, name: &str, asn: u32, org: &str) -> Option<GeoInfo> {
    Some(GeoInfo {
        country_code: Some(code.to_string()),
        country_name: Some(name.to_string()),
        asn: Some(asn),
        org: Some(org.to_string()),
    })
}

fn private() -> Option<GeoInfo> {
    Some(GeoInfo {
        country_name: Some(PRIVATE_NETWORK.to_string()),
        ..GeoInfo::default()
    })
}

#[test]
fn alibaba_cloud_singapore_address_is_sg_as45102() {
    // 161.117.0.0/16: Alibaba Cloud's Singapore block, where the 2020 Mi Browser data went.
    assert_eq!(
        geo_for_ip("161.117.0.1"),
        geo("SG", "Singapore", 45102, "Alibaba (US) Technology Co., Ltd.")
    );
}

#[test]
fn same_owner_can_be_registered_in_another_country() {
    // Also AS45102, but the 47.74.0.0 block is registered in the US: country is registration, not location.
    assert_eq!(
        geo_for_ip("47.74.0.1"),
        geo("US", "United States", 45102, "Alibaba (US) Technology Co., Ltd.")
    );
}

#[test]
fn russian_addresses_are_ru() {
    assert_eq!(geo_for_ip("77.88.8.8"), geo("RU", "Russia", 13238, "YANDEX LLC"));
    assert_eq!(
        geo_for_ip("[2a02:6b8::2:242]:443"),
        geo("RU", "Russia", 13238, "YANDEX LLC")
    );
}

#[test]
fn google_dns_is_us_as15169() {
    assert_eq!(geo_for_ip("8.8.8.8"), geo("US", "United States", 15169, "Google LLC"));
    assert_eq!(
        geo_for_ip("2001:4860:4860::8888"),
        geo("US", "United States", 15169, "Google LLC")
    );
    assert_eq!(geo_for_ip("::ffff:8.8.8.8"), geo_for_ip("8.8.8.8"));
}

#[test]
fn cloudflare_dns_is_registered_in_australia() {
    assert_eq!(geo_for_ip("1.1.1.1"), geo("AU", "Australia", 13335, "Cloudflare, Inc."));
}

#[test]
fn local_addresses_are_private_network() {
    for ip in [
        "127.0.0.1",
        "[::1]",
        "192.168.1.20",
        "10.0.0.1:8080",
        "100.64.3.4",
        "fe80::1",
    ] {
        assert_eq!(geo_for_ip(ip), private(), "{ip}");
    }
}

#[test]
fn unknown_or_invalid_addresses_are_none() {
    assert_eq!(geo_for_ip("192.0.2.1"), None, "documentation range has no owner");
    assert_eq!(geo_for_ip("sensorsdata.cn"), None);
    assert_eq!(geo_for_ip(""), None);
}

#[test]
fn mi_browser_hosts_name_their_companies() {
    let sensors = company_for_host("sj.datasink.sensorsdata.cn").expect("Sensors Analytics is catalogued");
    assert_eq!(sensors.company, "Sensors Data (Sensors Analytics)");
    assert_eq!(sensors.tracker.as_deref(), Some("sensorsdata"));
    assert_eq!(sensors.country, "CN");

    let xiaomi = company_for_host("data.mistat.intl.xiaomi.com").expect("Xiaomi telemetry is catalogued");
    assert_eq!((xiaomi.company.as_str(), xiaomi.country.as_str()), ("Xiaomi", "CN"));
    assert_eq!(
        company_for_host("tracking.intl.miui.com").map(|e| e.suffix.as_str()),
        Some("tracking.intl.miui.com")
    );
}

#[test]
fn tracker_hosts_map_to_their_decoders() {
    let tracker = |host| company_for_host(host).and_then(|e| e.tracker.as_deref());
    assert_eq!(tracker("api-js.mixpanel.com"), Some("mixpanel"));
    assert_eq!(tracker("www.google-analytics.com"), Some("ga"));
    assert_eq!(tracker("region1.analytics.google.com"), Some("ga4"));
    assert_eq!(tracker("api.segment.io"), Some("segment"));
    assert_eq!(tracker("api2.amplitude.com"), Some("amplitude"));
    assert_eq!(tracker("app.adjust.com:443"), Some("adjust"));
    assert_eq!(tracker("app-measurement.com"), Some("firebase"));
    assert_eq!(tracker("www.example.com"), None);
}
