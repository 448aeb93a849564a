//! Which company a host name belongs to: Telltale's tracker catalogue.
//!
//! The catalogue is `assets/trackers.toml`, compiled into the program and parsed
//! once on first use. Each entry is a domain suffix with the company behind it
//! (one spelling per company, shared with the endpoint table), the product it
//! serves, the payload decoder that understands it (if any) or a
//! `decoder_note` saying why none does, a category, the company's country and
//! where that fact comes from, so a journalist can cite it. The import stores
//! the company and category on every request to a catalogued host, decoded or not.
//!
//! Promises: lookups never touch the network or the disk; a host matches the
//! longest suffix that ends at a label boundary; a catalogue that fails to
//! parse (caught by a unit test before it can ship) yields no matches instead
//! of a crash.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

/// The catalogue as shipped; edit `assets/trackers.toml`, not this string.
const CATALOGUE_TOML: &str = include_str!("../../assets/trackers.toml");

/// What a company does with the data it receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Product and usage analytics.
    Analytics,
    /// Ad serving, ad measurement and retargeting.
    Advertising,
    /// Install and campaign attribution (which ad led to which install).
    Attribution,
    /// Crash, error and performance reports.
    CrashReporting,
    /// Push notifications and messaging, usually with engagement tracking.
    Push,
    /// Tag managers that load other trackers.
    TagManager,
    /// Social network SDKs and pixels.
    Social,
    /// Consent-management platforms (they record consent choices with device ids).
    Consent,
    /// Chat, feedback and support widgets (tracker databases list them).
    CustomerInteraction,
    /// Embedded players, fonts and other content third parties serve.
    Content,
    /// Fingerprinting and anti-fraud scripts.
    Fingerprinting,
    /// A tracker database lists the host without a category we have.
    Other,
}

impl Category {
    /// The lowercase name used in `assets/trackers.toml` and in exports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Analytics => "analytics",
            Self::Advertising => "advertising",
            Self::Attribution => "attribution",
            Self::CrashReporting => "crash-reporting",
            Self::Push => "push",
            Self::TagManager => "tag-manager",
            Self::Social => "social",
            Self::Consent => "consent",
            Self::CustomerInteraction => "customer-interaction",
            Self::Content => "content",
            Self::Fingerprinting => "fingerprinting",
            Self::Other => "other",
        }
    }
}

/// One catalogue line: a domain suffix and the company behind it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueEntry {
    /// Domain suffix, lowercase, without a leading dot (`sensorsdata.cn`).
    pub suffix: String,
    /// Company that receives the data (`Sensors Data (Sensors Analytics)`).
    pub company: String,
    /// The company's product behind this host (`Firebase Analytics (app-measurement)`).
    pub product: Option<String>,
    /// Id of the payload decoder for this company, one of `crate::decode::tracker_ids()`.
    pub tracker: Option<String>,
    /// What the company does with the data.
    pub category: Category,
    /// The company's country, ISO 3166-1 alpha-2 (`CN`).
    pub country: String,
    /// Where the fact comes from: documentation page, SDK source or public list.
    pub source: String,
    /// Why no SDK decoder reads this host's payloads (`format not public:
    /// generic decoding`); the generic decoder and data-type recognisers still run.
    pub decoder_note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    entry: Vec<CatalogueEntry>,
}

/// The parsed entries and an index from suffix to entry.
struct Catalogue {
    entries: Vec<CatalogueEntry>,
    by_suffix: HashMap<String, usize>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    // A parse error here would have failed `embedded_catalogue_parses`; at run
    // time an empty catalogue only means "no company known", never a crash.
    let entries = parse_catalogue(CATALOGUE_TOML).unwrap_or_default();
    let by_suffix = entries
        .iter()
        .enumerate()
        .map(|(index, entry)| (entry.suffix.clone(), index))
        .collect();
    Catalogue { entries, by_suffix }
});

/// Parses catalogue TOML text and normalises suffixes to lowercase without dots at the ends.
fn parse_catalogue(text: &str) -> Result<Vec<CatalogueEntry>, toml::de::Error> {
    let file: CatalogueFile = toml::from_str(text)?;
    let entries = file
        .entry
        .into_iter()
        .map(|mut entry| {
            entry.suffix = entry.suffix.trim_matches('.').to_ascii_lowercase();
            entry
        })
        .collect();
    Ok(entries)
}

/// Every entry of the shipped catalogue, in file order (empty if it failed to parse).
#[must_use]
pub fn catalogue() -> &'static [CatalogueEntry] {
    &CATALOGUE.entries
}

/// The company behind `host`: the entry with the longest suffix that ends at a
/// label boundary (`a.sensorsdata.cn` → `sensorsdata.cn`, `notsensorsdata.cn` → none).
/// Case-insensitive; a port and a trailing dot are ignored.
#[must_use]
pub fn company_for_host(host: &str) -> Option<&'static CatalogueEntry> {
    let host = super::domain::normalize_host(host)?;
    let catalogue = &*CATALOGUE;
    // Walk from the full host to ever shorter suffixes, so the first hit is the longest.
    let mut candidate = host.as_str();
    loop {
        if let Some(&index) = catalogue.by_suffix.get(candidate) {
            return catalogue.entries.get(index);
        }
        candidate = candidate.split_once('.')?.1;
    }
}

/// The company behind the SDK whose decoder is `tracker` (`sensorsdata` →
/// Sensors Data): the first catalogue entry naming that decoder. For data
/// an SDK sent to a host the catalogue does not know — often the app
/// maker's own domain running the SDK's collector.
#[must_use]
pub fn company_for_tracker(tracker: &str) -> Option<&'static CatalogueEntry> {
    catalogue()
        .iter()
        .find(|entry| entry.tracker.as_deref() == Some(tracker))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tracker_names_its_company() {
        let sensors = company_for_tracker("sensorsdata").map(|e| e.company.as_str());
        assert_eq!(sensors, Some("Sensors Data (Sensors Analytics)"));
        assert!(company_for_tracker("generic").is_none());
    }

    #[test]
    fn embedded_catalogue_parses() {
        let entries = parse_catalogue(CATALOGUE_TOML).expect("assets/trackers.toml must parse");
        assert_eq!(entries.len(), catalogue().len());
    }

    #[test]
    fn catalogue_has_at_least_sixty_entries() {
        assert!(catalogue().len() >= 60, "only {} entries", catalogue().len());
    }

    /// TrackHAR's 32 companies (issue 8 §2), as the catalogue spells them.
    const TRACKHAR_COMPANIES: &[&str] = &[
        "Google",
        "Facebook (Meta)",
        "Microsoft",
        "Criteo",
        "Magnite",
        "PubMatic",
        "Taboola",
        "OpenX",
        "ID5",
        "Adform",
        "Index Exchange",
        "Equativ",
        "Outbrain",
        "Media.net",
        "Adagio",
        "INFOnline",
        "Adjust (AppLovin)",
        "Branch",
        "Singular",
        "OneSignal",
        "ironSource (Unity)",
        "Unity",
        "Vungle (Liftoff)",
        "AdColony (Digital Turbine)",
        "Chartboost",
        "Mintegral",
        "Kidoz",
        "Start.io",
        "MoPub",
        "Apple",
        "Yandex",
        "Bugsnag (SmartBear)",
    ];

    /// The SDKs issue 8 §2 names beyond TrackHAR.
    const BEYOND_TRACKHAR: &[&str] = &[
        "Sensors Data (Sensors Analytics)",
        "Mixpanel",
        "Amplitude",
        "Segment (Twilio)",
        "AppsFlyer",
        "Xiaomi",
        "Umeng (Alibaba)",
        "Tencent",
        "Baidu",
        "GrowingIO",
        "ByteDance",
        "Huawei",
    ];

    #[test]
    fn every_company_of_issue_8_has_an_entry() {
        assert_eq!(TRACKHAR_COMPANIES.len(), 32);
        for company in TRACKHAR_COMPANIES.iter().chain(BEYOND_TRACKHAR) {
            assert!(
                catalogue().iter().any(|entry| entry.company == *company),
                "no catalogue entry for {company}"
            );
        }
    }

    #[test]
    fn app_world_sdks_say_how_they_are_decoded() {
        // Each SDK beyond TrackHAR has a decoder or says why it has none.
        for company in BEYOND_TRACKHAR {
            let entries: Vec<&CatalogueEntry> = catalogue().iter().filter(|e| e.company == *company).collect();
            assert!(
                entries.iter().any(|e| e.tracker.is_some()
                    || e.decoder_note
                        .as_deref()
                        .is_some_and(|n| n.contains("generic decoding"))),
                "{company}: no decoder and no decoder_note"
            );
        }
        let xiaomi = company_for_host("tracking.intl.miui.com").expect("catalogued");
        assert!(xiaomi.tracker.is_none());
        assert!(
            xiaomi
                .decoder_note
                .as_deref()
                .is_some_and(|note| note.starts_with("format not public: generic decoding")),
            "{:?}",
            xiaomi.decoder_note
        );
        assert_eq!(
            company_for_host("ulogs.umeng.com").and_then(|e| e.tracker.as_deref()),
            Some("umeng")
        );
    }

    #[test]
    fn a_note_never_contradicts_a_decoder() {
        for entry in catalogue() {
            assert!(
                entry.tracker.is_none() || entry.decoder_note.is_none(),
                "{} has both a tracker and a decoder_note",
                entry.suffix
            );
        }
    }

    #[test]
    fn one_country_and_spelling_per_company() {
        let mut countries: HashMap<&str, &str> = HashMap::new();
        let mut lower: HashMap<String, &str> = HashMap::new();
        for entry in catalogue() {
            let country = countries
                .entry(entry.company.as_str())
                .or_insert(entry.country.as_str());
            assert_eq!(*country, entry.country, "{} has two countries", entry.company);
            let spelling = lower
                .entry(entry.company.to_lowercase())
                .or_insert(entry.company.as_str());
            assert_eq!(*spelling, entry.company, "two spellings of one company");
        }
    }

    #[test]
    fn first_party_hosts_of_big_platforms_are_not_trackers() {
        // A suffix must not swallow ordinary hosts of the same companies.
        for host in [
            "www.google.com",
            "mail.google.com",
            "www.facebook.com",
            "www.bing.com",
            "www.apple.com",
            "yandex.ru",
            "www.qq.com",
            "www.baidu.com",
            "www.xiaomi.com",
            "www.unity.com",
            "www.douyin.com",
            "api.example.com",
        ] {
            assert!(
                company_for_host(host).is_none(),
                "{host} matched {:?}",
                company_for_host(host)
            );
        }
    }

    #[test]
    fn every_entry_has_source_company_and_country() {
        for entry in catalogue() {
            assert!(!entry.source.trim().is_empty(), "{} has no source", entry.suffix);
            assert!(!entry.company.trim().is_empty(), "{} has no company", entry.suffix);
            let country_ok = entry.country.len() == 2 && entry.country.bytes().all(|b| b.is_ascii_uppercase());
            assert!(country_ok, "{} has country {:?}", entry.suffix, entry.country);
        }
    }

    #[test]
    fn every_tracker_id_is_a_known_decoder() {
        // The registry itself, not a copied list: a renamed decoder fails here.
        let registry = crate::decode::tracker_ids();
        for entry in catalogue() {
            if let Some(id) = &entry.tracker {
                assert!(
                    registry.contains(&id.as_str()),
                    "{} names unknown tracker {id}",
                    entry.suffix
                );
            }
        }
    }

    #[test]
    fn suffixes_are_unique_and_plain() {
        let mut seen = std::collections::HashSet::new();
        for entry in catalogue() {
            assert!(seen.insert(entry.suffix.as_str()), "duplicate suffix {}", entry.suffix);
            assert!(
                entry.suffix.contains('.') && !entry.suffix.contains(['*', ' ', '/', ':']),
                "{}",
                entry.suffix
            );
        }
    }

    #[test]
    fn suffix_matches_only_at_label_boundary() {
        let company = |host| company_for_host(host).map(|e| e.suffix.as_str());
        assert_eq!(company("sensorsdata.cn"), Some("sensorsdata.cn"));
        assert_eq!(company("a.sensorsdata.cn"), Some("sensorsdata.cn"));
        assert_eq!(company("notsensorsdata.cn"), None);
        assert_eq!(company("sensorsdata.cn.example.org"), None);
    }

    #[test]
    fn longest_suffix_wins() {
        let hit = company_for_host("report.appmetrica.yandex.net").map(|e| e.suffix.as_str());
        assert_eq!(hit, Some("report.appmetrica.yandex.net"));
        let hit = company_for_host("startup.appmetrica.yandex.net").map(|e| e.suffix.as_str());
        assert_eq!(hit, Some("appmetrica.yandex.net"));
        let hit = company_for_host("graph.facebook.com").map(|e| e.suffix.as_str());
        assert_eq!(hit, Some("graph.facebook.com"));
    }

    #[test]
    fn host_case_port_and_trailing_dot_are_ignored() {
        let hit = company_for_host("SJ.DataSink.SensorsData.CN.:8106").map(|e| e.company.as_str());
        assert_eq!(hit, Some("Sensors Data (Sensors Analytics)"));
        assert!(company_for_host("[2001:db8::1]:443").is_none());
        assert!(company_for_host("").is_none());
    }

    #[test]
    fn broken_catalogue_is_an_error_not_a_panic() {
        assert!(parse_catalogue("[[entry]]\nsuffix = 1").is_err());
        assert!(parse_catalogue("[[entry]]\nsuffix = \"a.b\"\ncategory = \"weather\"").is_err());
    }
}
