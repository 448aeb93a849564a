//! The documented vocabulary of data types: tweasel TrackHAR's property
//! names (TrackHAR 1.0.0, `i18n/en.json`, CC0-1.0) where they exist, so a
//! finding reads the same in both tools, plus Telltale's own where TrackHAR
//! has none (searches, visited URLs, screens, contact data, IMEI, the
//! incognito flag).

/// Where a name comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    TrackHar,
    Telltale,
}

/// What a data type says about the user, for grouping in views and reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// Identifiers that follow a person or device (ad id, device id …).
    Identifier,
    /// What the person did or looked at (URLs, searches, screens).
    Behaviour,
    /// Where the person is (coordinates, IP addresses, country).
    Location,
    /// Contact data (e-mail, phone number).
    Contact,
    /// The device and its state (model, OS, battery, screen …).
    Device,
    /// The app and the SDK (app id, versions).
    App,
    /// Consent and privacy settings (consent strings, incognito flag).
    Consent,
}

impl Group {
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Identifier => "identifier",
            Group::Behaviour => "behaviour",
            Group::Location => "location",
            Group::Contact => "contact",
            Group::Device => "device",
            Group::App => "app",
            Group::Consent => "consent",
        }
    }
}

/// One entry of the vocabulary.
#[derive(Clone, Copy, Debug)]
pub struct Kind {
    /// The stable name (`advertisingId`).
    pub name: &'static str,
    /// How a reader says it ("Advertising ID (GAID/IDFA)").
    pub label: &'static str,
    pub group: Group,
    pub origin: Origin,
}

const fn th(name: &'static str, label: &'static str, group: Group) -> Kind {
    Kind {
        name,
        label,
        group,
        origin: Origin::TrackHar,
    }
}

const fn ours(name: &'static str, label: &'static str, group: Group) -> Kind {
    Kind {
        name,
        label,
        group,
        origin: Origin::Telltale,
    }
}

use Group::{App, Behaviour, Consent, Contact, Device, Identifier, Location};

/// Every data type Telltale names, identifiers first.
pub static VOCABULARY: &[Kind] = &[
    th("advertisingId", "Device advertising ID (GAID/IDFA)", Identifier),
    th("hashedAdvertisingId", "Hashed device advertising ID", Identifier),
    th(
        "developerScopedId",
        "Developer-scoped device ID (IDFV/ASID/ANDROID_ID)",
        Identifier,
    ),
    th("deviceId", "Unique device ID", Identifier),
    th("installationId", "Unique installation ID", Identifier),
    th("userId", "Unique user ID", Identifier),
    th("sessionId", "Unique session ID", Identifier),
    th("browserId", "Unique ID for the browser", Identifier),
    th("pushNotificationToken", "Push notification token", Identifier),
    th("otherIdentifiers", "Other unique identifier", Identifier),
    ours("imei", "IMEI (hardware serial of the phone)", Identifier),
    th("macAddress", "MAC address", Identifier),
    ours("searchTerm", "Search term", Behaviour),
    ours("visitedUrl", "Visited URL", Behaviour),
    ours("screenName", "Screen or page name", Behaviour),
    th("viewedPage", "Viewed page", Behaviour),
    th("viewedPageCategory", "Category of the viewed page", Behaviour),
    th("viewedPageKeywords", "Keywords related to the viewed page", Behaviour),
    th("viewedPageLanguage", "Language of the viewed page", Behaviour),
    th("referer", "Referer", Behaviour),
    th("websiteName", "Website name", Behaviour),
    th("websiteUrl", "Website URL", Behaviour),
    th("userAction", "Action performed by the user", Behaviour),
    th(
        "userActionSource",
        "Source of the action performed by the user",
        Behaviour,
    ),
    th("interactedElement", "Element the user interacted with", Behaviour),
    th("userInterests", "User interests", Behaviour),
    th("userGender", "Gender of the user", Behaviour),
    th("segment", "Segment for the user", Behaviour),
    th("revenue", "Earned revenue", Behaviour),
    th("currency", "Currency", Behaviour),
    th("isConversion", "Is this a conversion event?", Behaviour),
    th("campaignSource", "Campaign source (utm_source)", Behaviour),
    th("campaignMedium", "Campaign medium (utm_medium)", Behaviour),
    th("campaignName", "Campaign name/ID (utm_campaign)", Behaviour),
    th("campaignCreative", "Campaign creative/content (utm_content)", Behaviour),
    th("campaignCreativePosition", "Campaign creative position", Behaviour),
    th("campaignTerm", "Campaign term/keyword (utm_term)", Behaviour),
    th("timeSpent", "Time spent in app", Behaviour),
    th("startTime", "App start time", Behaviour),
    th("installTime", "App install time", Behaviour),
    th("lastActivityTime", "Time of last activity by the user", Behaviour),
    th("sessionCount", "Session count", Behaviour),
    th("sessionDuration", "Session duration", Behaviour),
    th("userActiveTime", "How long has the user been active?", Behaviour),
    th("isUserActive", "Is user active?", Behaviour),
    th("isUserInactive", "Is user inactive?", Behaviour),
    th("isFirstLaunch", "Is first launch/visit?", Behaviour),
    th("isInForeground", "Is app in foreground?", Behaviour),
    th("scrollPositionX", "Scroll position X", Behaviour),
    th("scrollPositionY", "Scroll position Y", Behaviour),
    th("errorInformation", "Error information", Behaviour),
    th("latitude", "Latitude", Location),
    th("longitude", "Longitude", Location),
    th("publicIp", "Public IP address", Location),
    th("localIp", "Local IP address(es)", Location),
    th("country", "Country", Location),
    th("state", "State/Sub national entity", Location),
    th("timezone", "Time zone", Location),
    th("language", "Language", Location),
    th("carrier", "Carrier", Location),
    ours("email", "E-mail address", Contact),
    ours("phoneNumber", "Phone number", Contact),
    th("consentState", "Consent state", Consent),
    th("isDntEnabled", "Is “Do Not Track” enabled?", Consent),
    ours("incognitoFlag", "Incognito / private mode flag", Consent),
    th("manufacturer", "Manufacturer", Device),
    th("model", "Model", Device),
    th("deviceName", "Device name", Device),
    th("osName", "OS name", Device),
    th("osVersion", "OS version", Device),
    th("architecture", "Architecture", Device),
    th("userAgent", "User agent", Device),
    th("isMobileDevice", "Is device a mobile device?", Device),
    th("isAutomated", "Is device/browser controlled automatically?", Device),
    th("isJsEnabled", "Is JavaScript enabled?", Device),
    th("networkConnectionType", "Network connection type", Device),
    th("signalStrengthCellular", "Signal strength (cellular)", Device),
    th("signalStrengthWifi", "Signal strength (Wi-Fi)", Device),
    th("isRoaming", "Is device roaming?", Device),
    th("screenWidth", "Screen width", Device),
    th("screenHeight", "Screen height", Device),
    th("screenColorDepth", "Screen color depth", Device),
    th("browserWindowWidth", "Browser window width", Device),
    th("browserWindowHeight", "Browser window height", Device),
    th("pageWidth", "Page width", Device),
    th("pageHeight", "Page height", Device),
    th("orientation", "Orientation", Device),
    th("isInDarkMode", "Is app in dark mode?", Device),
    th("ramTotal", "Total RAM", Device),
    th("ramFree", "Free RAM", Device),
    th("ramUsed", "Used RAM", Device),
    th("diskTotal", "Total disk space", Device),
    th("diskFree", "Free disk space", Device),
    th("diskUsed", "Used disk space", Device),
    th("batteryLevel", "Battery level", Device),
    th("isCharging", "Charging status", Device),
    th("volume", "Volume", Device),
    th("isRooted", "Is device rooted?", Device),
    th("isEmulator", "Is device an emulator?", Device),
    th("uptime", "Uptime", Device),
    th("accelerometerX", "Accelerometer X", Device),
    th("accelerometerY", "Accelerometer Y", Device),
    th("accelerometerZ", "Accelerometer Z", Device),
    th("rotationX", "Rotation X", Device),
    th("rotationY", "Rotation Y", Device),
    th("rotationZ", "Rotation Z", Device),
    th("appId", "App ID", App),
    th("appName", "App name", App),
    th("appVersion", "App version", App),
    th("trackerSdkVersion", "Tracker SDK version", App),
    th("propertyId", "ID for the property (website/app)", App),
];

/// The entry named `name`, if it is in the vocabulary.
pub fn kind(name: &str) -> Option<&'static Kind> {
    VOCABULARY.iter().find(|kind| kind.name == name)
}

/// Whether `name` is in the vocabulary.
pub fn is_known(name: &str) -> bool {
    kind(name).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_camel_case() {
        let mut seen = std::collections::HashSet::new();
        for kind in VOCABULARY {
            assert!(seen.insert(kind.name), "duplicate {}", kind.name);
            assert!(
                kind.name.chars().next().is_some_and(|c| c.is_ascii_lowercase()),
                "{}",
                kind.name
            );
            assert!(kind.name.chars().all(|c| c.is_ascii_alphanumeric()), "{}", kind.name);
        }
    }

    #[test]
    fn holds_every_trackhar_property_and_ours() {
        // TrackHAR 1.0.0's property list (i18n/en.json `properties`).
        let trackhar = "accelerometerX accelerometerY accelerometerZ advertisingId appId appName appVersion \
            architecture batteryLevel browserId browserWindowHeight browserWindowWidth campaignCreative \
            campaignCreativePosition campaignMedium campaignName campaignSource campaignTerm carrier \
            consentState country currency developerScopedId deviceId deviceName diskFree diskTotal diskUsed \
            errorInformation hashedAdvertisingId installTime installationId interactedElement isAutomated \
            isCharging isConversion isDntEnabled isEmulator isFirstLaunch isInDarkMode isInForeground \
            isJsEnabled isMobileDevice isRoaming isRooted isUserActive isUserInactive language \
            lastActivityTime latitude localIp longitude macAddress manufacturer model networkConnectionType \
            orientation osName osVersion otherIdentifiers pageHeight pageWidth propertyId publicIp \
            pushNotificationToken ramFree ramTotal ramUsed referer revenue rotationX rotationY rotationZ \
            screenColorDepth screenHeight screenWidth scrollPositionX scrollPositionY segment sessionCount \
            sessionDuration sessionId signalStrengthCellular signalStrengthWifi startTime state timeSpent \
            timezone trackerSdkVersion uptime userAction userActionSource userActiveTime userAgent userGender \
            userId userInterests viewedPage viewedPageCategory viewedPageKeywords viewedPageLanguage volume \
            websiteName websiteUrl";
        for name in trackhar.split_whitespace() {
            let entry = kind(name).unwrap_or_else(|| panic!("{name} missing"));
            assert_eq!(entry.origin, Origin::TrackHar, "{name}");
        }
        for name in [
            "searchTerm",
            "visitedUrl",
            "screenName",
            "email",
            "phoneNumber",
            "imei",
            "incognitoFlag",
        ] {
            assert_eq!(kind(name).map(|k| k.origin), Some(Origin::Telltale), "{name}");
        }
        assert_eq!(VOCABULARY.len(), trackhar.split_whitespace().count() + 7);
    }
}
