//! Key spellings that say what a value is, whatever the SDK: camelCase,
//! snake_case, `$`-prefixed (Sensors, Mixpanel), upper case (Facebook's
//! Audience Network), the Chinese SDKs' abbreviations (`utdid`, `cuid`,
//! `oaid`). Keys are compared after [`normalize`]; a parent key is tried
//! together with its child first (`device.id` → `deviceid`), then the child
//! alone.
//!
//! Only spellings that are unambiguous across SDKs are listed; short keys
//! that mean different things in different SDKs (`v`, `t`, `id`, `cid`,
//! `q`) belong to the endpoint table, which knows the SDK.

/// `$os_version` → `osversion`, `advertisingId` → `advertisingid`, `X-Requested-With` → `xrequestedwith`.
pub fn normalize(key: &str) -> String {
    key.trim_start_matches(['$', '_', '@', '#'])
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Normalized spellings per data type.
static KEYS: &[(&str, &[&str])] = &[
    (
        "advertisingId",
        &[
            "advertisingid",
            "advertiserid",
            "adid",
            "gaid",
            "aaid",
            "gpsadid",
            "googleadid",
            "googleadvertisingid",
            "googleaid",
            "androidadid",
            "idfa",
            "ifa",
            "advid",
            "adverid",
            "oaid",
            "useradvertisingid",
            "advertisingtrackingid",
            "consentifa",
            "aifa",
            "adtrackingid",
        ],
    ),
    (
        "hashedAdvertisingId",
        &[
            "gaidmd5",
            "idfamd5",
            "gaidsha1",
            "hashedadid",
            "hashedidfa",
            "hashedgaid",
            "aaidmd5",
        ],
    ),
    (
        "developerScopedId",
        &[
            "idfv",
            "ifv",
            "androidid",
            "vendorid",
            "iosvendorid",
            "appsetid",
            "identifierforvendor",
            "andi",
        ],
    ),
    (
        "deviceId",
        &[
            "deviceid",
            "udid",
            "hardwareid",
            "devicefingerprintid",
            "devicehash",
            "deviceuuid",
            "androiduuid",
            "iosuuid",
            "persistentiosuuid",
            "utdid",
            "cuid",
            "anonid",
            "fbanonid",
            "serialno",
            "serialnumber",
            "deviceserial",
            "deviceguid",
            "externaldeviceid",
            "openudid",
            "clientudid",
            "idmd5",
            "umid",
        ],
    ),
    (
        "installationId",
        &[
            "installationid",
            "installid",
            "fid",
            "firebaseinstallationid",
            "appinstanceid",
            "installationuuid",
            "brazeinstallid",
        ],
    ),
    (
        "userId",
        &[
            "userid",
            "uid",
            "customuserid",
            "externaluserid",
            "externaluid",
            "distinctid",
            "identity",
            "identityid",
            "memberid",
            "accountid",
            "loginid",
            "anonymousid",
            "visitorid",
            "appuserid",
            "puid",
            "ppuid",
            "publisheruserid",
            "mixpaneldistinctid",
            "segmentanonymousid",
            "marketingcloudvisitorid",
        ],
    ),
    (
        "sessionId",
        &["sessionid", "sid", "sessionuuid", "clientsessionid", "sessionkey"],
    ),
    ("browserId", &["browserid", "fbp"]),
    (
        "pushNotificationToken",
        &[
            "pushtoken",
            "fcmtoken",
            "apnstoken",
            "apnsdevicetoken",
            "gcmtoken",
            "firebasetoken",
            "notificationtoken",
            "registrationtoken",
            "pushid",
        ],
    ),
    ("imei", &["imei", "imei1", "imei2", "deviceimei", "meid"]),
    (
        "macAddress",
        &["mac", "macaddress", "macaddr", "wifimac", "bssid", "devicemac"],
    ),
    (
        "searchTerm",
        &[
            "searchterm",
            "searchkeyword",
            "keyword",
            "searchquery",
            "searchword",
            "searchtext",
            "searchstring",
            "search",
            "searchkey",
        ],
    ),
    (
        "visitedUrl",
        &[
            "url",
            "pageurl",
            "currenturl",
            "pagelocation",
            "href",
            "weburl",
            "visitedurl",
            "documentlocation",
            "dl",
        ],
    ),
    (
        "screenName",
        &[
            "screenname",
            "screen",
            "screenclass",
            "firebasescreen",
            "firebasescreenclass",
            "currentscreen",
            "pagename",
            "activity",
            "activityname",
            "viewname",
            "viewcontroller",
            "screentitle",
        ],
    ),
    (
        "viewedPage",
        &[
            "title",
            "pagetitle",
            "dt",
            "dp",
            "page",
            "pagepath",
            "documenttitle",
            "pageview",
        ],
    ),
    (
        "referer",
        &[
            "referer",
            "referrer",
            "referrerurl",
            "dr",
            "referringurl",
            "latestreferrer",
            "latestreferrerhost",
        ],
    ),
    (
        "latitude",
        &[
            "lat",
            "latitude",
            "geolat",
            "geolatitude",
            "locationlat",
            "gpslat",
            "locationlatitude",
        ],
    ),
    (
        "longitude",
        &[
            "lon",
            "lng",
            "longitude",
            "geolon",
            "geolng",
            "geolongitude",
            "locationlon",
            "locationlng",
            "gpslon",
            "gpslng",
            "locationlongitude",
        ],
    ),
    (
        "publicIp",
        &[
            "ip",
            "ipaddress",
            "clientip",
            "publicip",
            "wip",
            "remoteip",
            "userip",
            "ipaddr",
        ],
    ),
    (
        "localIp",
        &["localip", "privateip", "lanip", "wifiip", "localipaddress"],
    ),
    (
        "country",
        &[
            "country",
            "countrycode",
            "countryiso",
            "simcountry",
            "networkcountry",
            "simcountryiso",
        ],
    ),
    ("state", &["province", "provincename"]),
    ("otherIdentifiers", &["imsi", "iccid", "simserial", "simserialnumber"]),
    (
        "timezone",
        &[
            "timezone",
            "tz",
            "timezoneoffset",
            "tzoffset",
            "utcoffset",
            "timezoneid",
        ],
    ),
    (
        "language",
        &[
            "language",
            "lang",
            "locale",
            "languagecode",
            "devicelanguage",
            "ul",
            "devicelocale",
            "acceptlanguage",
        ],
    ),
    (
        "carrier",
        &[
            "carrier",
            "carriername",
            "operator",
            "networkoperator",
            "operatorname",
            "mccmnc",
            "simoperator",
            "isp",
            "devicecarrier",
            "networkoperatorname",
        ],
    ),
    ("email", &["email", "emailaddress", "mail", "useremail", "emailid"]),
    (
        "phoneNumber",
        &[
            "phone",
            "phonenumber",
            "msisdn",
            "tel",
            "telephone",
            "mobilenumber",
            "mobilephone",
        ],
    ),
    (
        "consentState",
        &[
            "consent",
            "gdprconsent",
            "consentstring",
            "tcstring",
            "gpp",
            "usprivacy",
            "gdprconsentstring",
        ],
    ),
    ("isDntEnabled", &["dnt", "donottrack"]),
    (
        "incognitoFlag",
        &[
            "incognito",
            "isincognito",
            "incognitomode",
            "privatemode",
            "isprivate",
            "privatebrowsing",
        ],
    ),
    (
        "manufacturer",
        &[
            "manufacturer",
            "brand",
            "make",
            "devicebrand",
            "devicemanufacturer",
            "devicemake",
            "oem",
        ],
    ),
    ("model", &["model", "devicemodel", "modelname", "modelnumber"]),
    ("deviceName", &["devicename"]),
    (
        "osName",
        &[
            "os",
            "osname",
            "ostype",
            "platform",
            "deviceos",
            "sysname",
            "systemname",
            "osidentifier",
        ],
    ),
    (
        "osVersion",
        &[
            "osversion",
            "osv",
            "osbuild",
            "systemversion",
            "androidversion",
            "iosversion",
            "apilevel",
            "sdkint",
            "androidapilevel",
            "platformversion",
            "osver",
            "deviceosversion",
        ],
    ),
    (
        "architecture",
        &[
            "arch",
            "architecture",
            "cpuabi",
            "cpuarch",
            "abi",
            "cputype",
            "supportedabis",
        ],
    ),
    ("userAgent", &["useragent", "ua", "httpuseragent", "deviceuseragent"]),
    (
        "networkConnectionType",
        &[
            "networktype",
            "connectiontype",
            "nettype",
            "network",
            "conntype",
            "wifi",
            "radio",
            "cellulartype",
            "networkaccess",
        ],
    ),
    ("isRoaming", &["roaming", "isroaming"]),
    (
        "screenWidth",
        &[
            "screenwidth",
            "displaywidth",
            "screenw",
            "resolutionwidth",
            "devicewidth",
        ],
    ),
    (
        "screenHeight",
        &[
            "screenheight",
            "displayheight",
            "screenh",
            "resolutionheight",
            "deviceheight",
        ],
    ),
    ("screenColorDepth", &["colordepth", "screencolordepth"]),
    (
        "orientation",
        &["orientation", "screenorientation", "deviceorientation"],
    ),
    ("isInDarkMode", &["darkmode", "isdarkmode"]),
    ("ramTotal", &["totalmemory", "ramtotal", "totalram", "memtotal", "ram"]),
    (
        "ramFree",
        &["freememory", "availablememory", "freeram", "availram", "memfree"],
    ),
    ("diskTotal", &["totaldisk", "disktotal", "totalstorage", "diskspace"]),
    (
        "diskFree",
        &["freedisk", "diskfree", "freespace", "freestorage", "availablestorage"],
    ),
    ("batteryLevel", &["battery", "batterylevel", "batterypercent"]),
    (
        "isCharging",
        &["charging", "ischarging", "batterystate", "batterycharging"],
    ),
    ("volume", &["volume", "volumelevel"]),
    (
        "isRooted",
        &["rooted", "isrooted", "root", "isroot", "jailbroken", "isjailbroken"],
    ),
    (
        "isEmulator",
        &["emulator", "isemulator", "simulator", "issimulator", "isemu"],
    ),
    ("uptime", &["uptime", "timesinceboot"]),
    ("accelerometerX", &["accelerometerx"]),
    ("accelerometerY", &["accelerometery"]),
    ("accelerometerZ", &["accelerometerz"]),
    ("rotationX", &["rotationx"]),
    ("rotationY", &["rotationy"]),
    ("rotationZ", &["rotationz"]),
    (
        "appId",
        &[
            "appid",
            "packagename",
            "bundleid",
            "bundleidentifier",
            "applicationid",
            "apppackage",
            "applicationpackagename",
            "iosbundleid",
            "appbundleid",
            "xrequestedwith",
            "appnamespace",
        ],
    ),
    ("appName", &["appname", "applicationname", "apptitle", "appdisplayname"]),
    (
        "appVersion",
        &[
            "appversion",
            "appver",
            "versionname",
            "versioncode",
            "appbuild",
            "appversioncode",
            "appversionname",
            "bundleversion",
            "appv",
            "cfbundleshortversionstring",
            "appbuildversion",
        ],
    ),
    (
        "trackerSdkVersion",
        &[
            "sdkversion",
            "libversion",
            "sdkver",
            "libraryversion",
            "notifierversion",
        ],
    ),
    (
        "startTime",
        &[
            "starttime",
            "sessionstart",
            "startedat",
            "appstarttime",
            "sessionstarttime",
        ],
    ),
    (
        "installTime",
        &[
            "installtime",
            "installedat",
            "firstinstalltime",
            "firstopentime",
            "installdate",
        ],
    ),
    ("timeSpent", &["timespent", "sessionlength"]),
    ("sessionDuration", &["sessionduration"]),
    (
        "isFirstLaunch",
        &["isfirstlaunch", "firstlaunch", "isfirsttime", "isfirstday"],
    ),
    ("isInForeground", &["inforeground", "isforeground", "foreground"]),
    ("userGender", &["gender", "sex"]),
    ("currency", &["currency", "currencycode"]),
    ("errorInformation", &["stacktrace", "exception", "errormessage"]),
    ("campaignSource", &["utmsource"]),
    ("campaignMedium", &["utmmedium"]),
    ("campaignName", &["utmcampaign"]),
    ("campaignCreative", &["utmcontent"]),
    ("campaignTerm", &["utmterm"]),
];

/// Normalized keys that name two kinds at once (`resolution` = `1080x2340`).
static PAIRED_KEYS: &[(&str, &str, &str)] = &[
    ("resolution", "screenWidth", "screenHeight"),
    ("screenresolution", "screenWidth", "screenHeight"),
    ("screensize", "screenWidth", "screenHeight"),
    ("displayresolution", "screenWidth", "screenHeight"),
];

/// Keys that say a value is *not* personal data about the user (event and
/// message ids, checksums), so no value shape may name it.
static NOT_PERSONAL: &[&str] = &[
    "insertid",
    "messageid",
    "eventid",
    "requestid",
    "trackid",
    "traceid",
    "spanid",
    "nonce",
    "batchid",
    "crc",
    "checksum",
    "signature",
    "sign",
    "hash",
    "md5",
    "etag",
    "eventuuid",
    "logid",
    "transactionid",
    "orderid",
    "productid",
    "itemid",
    "sku",
];

/// What the key (with its parent key) says the value is: one or two kinds.
pub fn kinds_for_key(parent: Option<&str>, key: &str) -> &'static [&'static str] {
    let key = normalize(key);
    if let Some(parent) = parent {
        let mut combined = normalize(parent);
        combined.push_str(&key);
        let found = lookup(&combined);
        if !found.is_empty() {
            return found;
        }
    }
    lookup(&key)
}

/// Spelling → kinds, built once from [`PAIRED_KEYS`] and [`KEYS`]: every
/// leaf of every decoded payload is looked up (twice with its parent), and
/// scanning the ~600 spellings each time was a tenth of an import's CPU.
static INDEX: std::sync::LazyLock<std::collections::HashMap<&'static str, Vec<&'static str>>> =
    std::sync::LazyLock::new(|| {
        let mut index: std::collections::HashMap<&'static str, Vec<&'static str>> = std::collections::HashMap::new();
        for (kind, spellings) in KEYS {
            for spelling in *spellings {
                let kinds = index.entry(spelling).or_default();
                if !kinds.contains(kind) {
                    kinds.push(kind);
                }
            }
        }
        // A paired key names both halves and nothing else.
        for (key, first, second) in PAIRED_KEYS {
            index.insert(key, vec![first, second]);
        }
        index
    });

fn lookup(normalized: &str) -> &'static [&'static str] {
    INDEX.get(normalized).map_or(&[], Vec::as_slice)
}

static NOT_PERSONAL_SET: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| NOT_PERSONAL.iter().copied().collect());

/// Whether the key says "this is not about the user" (an event id, a checksum).
pub fn says_not_personal(key: &str) -> bool {
    NOT_PERSONAL_SET.contains(normalize(key).as_str())
}

/// Every kind the key table can name (for the vocabulary test).
#[cfg(test)]
pub fn all_kinds() -> impl Iterator<Item = &'static str> {
    KEYS.iter()
        .map(|(kind, _)| *kind)
        .chain(PAIRED_KEYS.iter().flat_map(|(_, a, b)| [*a, *b]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_normalize_alike() {
        for spelling in ["$os_version", "osVersion", "os-version", "OS_VERSION", "_osVersion"] {
            assert_eq!(normalize(spelling), "osversion", "{spelling}");
        }
        assert_eq!(kinds_for_key(None, "$os_version"), ["osVersion"]);
        assert_eq!(kinds_for_key(None, "google_advertising_id"), ["advertisingId"]);
        assert_eq!(kinds_for_key(None, "X-Requested-With"), ["appId"]);
    }

    #[test]
    fn parent_and_child_are_read_together_first() {
        assert_eq!(kinds_for_key(Some("device"), "id"), ["deviceId"]);
        assert_eq!(kinds_for_key(Some("user"), "id"), ["userId"]);
        assert_eq!(kinds_for_key(Some("app"), "version"), ["appVersion"]);
        // Unknown combination: the child alone decides.
        assert_eq!(kinds_for_key(Some("context"), "ip"), ["publicIp"]);
        assert!(kinds_for_key(Some("event"), "id").is_empty());
        assert!(kinds_for_key(None, "id").is_empty());
    }

    #[test]
    fn paired_keys_name_both_dimensions() {
        assert_eq!(
            kinds_for_key(None, "screen_resolution"),
            ["screenWidth", "screenHeight"]
        );
    }

    #[test]
    fn every_spelling_is_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for (kind, spellings) in KEYS {
            assert!(
                super::super::vocabulary::is_known(kind),
                "{kind} is not in the vocabulary"
            );
            for spelling in *spellings {
                assert_eq!(normalize(spelling), *spelling, "{spelling} is not normalized");
                assert!(seen.insert(*spelling), "{spelling} listed twice");
            }
        }
        for kind in all_kinds() {
            assert!(super::super::vocabulary::is_known(kind), "{kind}");
        }
    }

    #[test]
    fn event_ids_are_not_personal() {
        assert!(says_not_personal("$insert_id"));
        assert!(says_not_personal("messageId"));
        assert!(!says_not_personal("device_id"));
    }
}
