//! Who sent an exchange and what an event is about: the app (from the
//! payload, the capture's metadata, `X-Requested-With` or the User-Agent)
//! and the key field a journalist reads first (URL, search term or screen).
//!
//! Pure functions over model types: no I/O, no network. Telltale never looks
//! anything up online.

mod catalogue;
pub mod companies;
pub mod domain;
mod geo;
pub mod network_owner;
pub mod party;
pub mod receiver;
pub mod trackerdb;
mod user_agent;

use crate::model::{Exchange, exchange_header};
pub use catalogue::{CatalogueEntry, Category, catalogue, company_for_host, company_for_tracker};
pub use geo::{GeoInfo, PRIVATE_NETWORK, country_name, geo_for_ip};
pub use party::{FirstParty, Party};
pub use receiver::{CompanySource, Receiver, RequestFacts, company_label, company_with_source, receiver};
pub use user_agent::{UserAgentInfo, parse_user_agent};

/// Request headers in which apps and SDKs name the app's package or bundle
/// id (`X-Requested-With` from Android WebViews, `X-Android-Package` and
/// `X-Ios-Bundle-Identifier` from Google's SDKs); any header whose name
/// holds `package` or `bundle` counts too.
const APP_ID_HEADERS: &[&str] = &["x-requested-with", "x-android-package", "x-ios-bundle-identifier"];

/// The app the capture itself names for this request: its metadata
/// (PCAPdroid's app of the connection, Fiddler's process), else a package
/// or bundle id in an app header. Never the User-Agent: its tokens name
/// HTTP libraries and browsers (`okhttp`, `CFNetwork`, a WebView's
/// `Chrome`, `SDK/18.6.2`), which [`client_of`] keeps as the request's client.
pub fn capture_app(exchange: &Exchange) -> Option<String> {
    if let Some(app) = exchange.app_hint.as_deref().filter(|a| !a.trim().is_empty()) {
        return Some(app.trim().to_string());
    }
    header_app_id(exchange)
}

/// A package or bundle id in one of the request's app headers.
pub fn header_app_id(exchange: &Exchange) -> Option<String> {
    exchange
        .request_headers
        .iter()
        .filter(|(name, _)| {
            let name = name.to_ascii_lowercase();
            APP_ID_HEADERS.contains(&name.as_str()) || name.contains("package") || name.contains("bundle")
        })
        .map(|(_, value)| value.trim())
        .find(|value| is_app_id(value))
        .map(str::to_string)
}

/// The app of a request in a session the user named `session_app`: the
/// capture's own metadata wins; a package id in a header wins when it
/// differs from a `session_app` that is itself a package id (when the user
/// named the app in words, the header cannot be told from it, and the
/// user's word stands); else the user's word.
pub fn app_for_request(exchange: &Exchange, session_app: Option<&str>) -> Option<String> {
    if let Some(app) = exchange.app_hint.as_deref().filter(|a| !a.trim().is_empty()) {
        return Some(app.trim().to_string());
    }
    let header = header_app_id(exchange);
    match session_app {
        Some(named) if !is_app_id(named) => Some(named.to_string()),
        Some(named) => Some(header.unwrap_or_else(|| named.to_string())),
        None => header,
    }
}

/// The HTTP client that sent the request, from its User-Agent: a library
/// (`okhttp/4.9.0`, `Dalvik/2.1.0`, `CFNetwork/1220.1`), a browser
/// (`Chrome`, `MiuiBrowser/12.1.3`) or a WebView. Never an app.
pub fn client_of(exchange: &Exchange) -> Option<String> {
    client_of_user_agent(exchange_header(&exchange.request_headers, "user-agent")?)
}

/// [`client_of`] for a User-Agent text.
pub fn client_of_user_agent(user_agent: &str) -> Option<String> {
    let user_agent = user_agent.trim();
    if user_agent.is_empty() {
        return None;
    }
    if let Some(client) = parse_user_agent(user_agent).app {
        return Some(client);
    }
    let client = if user_agent.contains("AppleWebKit") && user_agent.contains("Mobile/") {
        "iOS WebView"
    } else if user_agent.contains("Safari/") {
        "Safari"
    } else {
        return user_agent.split_whitespace().next().map(str::to_string);
    };
    Some(client.to_string())
}

/// The app an SDK says it runs in: an `appId` the decoders read from the
/// payload that is a package name (`tld.sample.app`; SDKs also call their
/// own numeric app keys `appId`, which name no app). For captures without
/// capture metadata or an app header, where the SDK's own report is the
/// best evidence there is.
pub fn app_from_data_types(data_types: &[crate::model::RequestDataType]) -> Option<String> {
    data_types
        .iter()
        .map(|found| &found.data_type)
        .filter(|data_type| data_type.kind == "appId")
        .map(|data_type| data_type.value.trim())
        .find(|value| is_app_id(value))
        .map(str::to_string)
}

/// An Android package or iOS bundle id: dot-separated identifiers
/// (`com.example.app`). `XMLHttpRequest` (what web pages send in
/// `X-Requested-With`), `1.2.3` and `My App 2.0` are not.
pub fn is_app_id(value: &str) -> bool {
    value.contains('.')
        && value.len() <= 200
        && value.split('.').all(|part| {
            part.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
}

/// Field keys that name what the user was looking at, in the order a reader
/// wants them: URL first, then a search term, then a screen.
const KEY_FIELD_SUFFIXES: &[&str] = &[
    "$url",
    "url",
    "dl",
    "page_location",
    "uri",
    "$referrer_url",
    "search",
    "$search_keyword",
    "search_keyword",
    "keyword",
    "query",
    "q",
    "search_term",
    "$screen_name",
    "screen_name",
    "$title",
    "dt",
    "title",
    "page",
    "dp",
    "screen",
];

/// The first field that tells what the event was about (URL, search term or screen).
pub fn key_field(fields: &[(String, String)]) -> Option<String> {
    for suffix in KEY_FIELD_SUFFIXES {
        let found = fields
            .iter()
            .find(|(key, value)| !value.is_empty() && last_key_segment(key).eq_ignore_ascii_case(suffix));
        if let Some((_, value)) = found {
            return Some(value.clone());
        }
    }
    None
}

fn last_key_segment(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_sdks_app_id_names_the_app_only_when_it_is_a_package() {
        use crate::model::{Confidence, DataType, RequestDataType};
        let found = |value: &str| RequestDataType {
            data_type: DataType::new("appId", "body.extinfo[1]", value, Confidence::Sdk),
            event: None,
        };
        // Facebook's numeric app id, then the package in `extinfo`.
        let types = [found("138566025676"), found("tld.sample.app")];
        assert_eq!(app_from_data_types(&types).as_deref(), Some("tld.sample.app"));
        assert_eq!(app_from_data_types(&[found("138566025676")]), None);
        assert_eq!(app_from_data_types(&[found("1.2.3")]), None);
        assert_eq!(app_from_data_types(&[found("My App 2.0")]), None);
    }

    #[test]
    fn key_field_prefers_url_then_search_then_screen() {
        let fields = vec![
            ("properties.$screen_name".to_string(), "Settings".to_string()),
            ("properties.keyword".to_string(), "cats".to_string()),
        ];
        assert_eq!(key_field(&fields).as_deref(), Some("cats"));
        let mut with_url = fields.clone();
        with_url.push(("properties.$url".into(), "https://a.example/".into()));
        assert_eq!(key_field(&with_url).as_deref(), Some("https://a.example/"));
    }

    fn with_headers(headers: &[(&str, &str)]) -> Exchange {
        Exchange {
            request_headers: headers.iter().map(|(n, v)| ((*n).into(), (*v).into())).collect(),
            ..Exchange::default()
        }
    }

    #[test]
    fn a_user_agent_names_the_client_never_the_app() {
        for (user_agent, client) in [
            (
                "Dalvik/2.1.0 (Linux; U; Android 10; Redmi Note 8 Build/QKQ1)",
                "Dalvik/2.1.0",
            ),
            ("okhttp/4.9.0", "okhttp/4.9.0"),
            ("SDK/18.6.2 (iPhone; iOS 15.1)", "SDK/18.6.2"),
            (
                "Apache-HttpClient/UNAVAILABLE (java 1.4)",
                "Apache-HttpClient/UNAVAILABLE",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
                "iOS WebView",
            ),
        ] {
            let exchange = with_headers(&[("User-Agent", user_agent)]);
            assert_eq!(capture_app(&exchange), None, "{user_agent}");
            assert_eq!(
                app_for_request(&exchange, Some("de.quizduell")).as_deref(),
                Some("de.quizduell")
            );
            assert_eq!(client_of(&exchange).as_deref(), Some(client), "{user_agent}");
        }
    }

    #[test]
    fn a_header_naming_another_package_wins_over_the_named_app() {
        let exchange = with_headers(&[("X-Android-Package", "com.other.app")]);
        assert_eq!(
            app_for_request(&exchange, Some("de.quizduell")).as_deref(),
            Some("com.other.app")
        );
        // An app named in words cannot be told from a package: the user's word stands.
        assert_eq!(
            app_for_request(&exchange, Some("Quizduell")).as_deref(),
            Some("Quizduell")
        );
        let web = with_headers(&[("X-Requested-With", "XMLHttpRequest")]);
        assert_eq!(
            app_for_request(&web, Some("de.quizduell")).as_deref(),
            Some("de.quizduell")
        );
        assert_eq!(app_for_request(&web, None), None);
        let pcapdroid = Exchange {
            app_hint: Some("com.sceneway.kankan".into()),
            ..with_headers(&[("X-Requested-With", "com.android.chrome")])
        };
        assert_eq!(
            app_for_request(&pcapdroid, Some("x.y")).as_deref(),
            Some("com.sceneway.kankan")
        );
    }

    #[test]
    fn requested_with_package_wins_over_user_agent() {
        let exchange = Exchange {
            request_headers: vec![
                (
                    "User-Agent".into(),
                    "Mozilla/5.0 (Linux; Android 11) MiuiBrowser/12.1.3".into(),
                ),
                ("X-Requested-With".into(), "com.mi.globalbrowser".into()),
            ],
            ..Exchange::default()
        };
        assert_eq!(capture_app(&exchange).as_deref(), Some("com.mi.globalbrowser"));
        assert_eq!(client_of(&exchange).as_deref(), Some("MiuiBrowser/12.1.3"));
    }
}
