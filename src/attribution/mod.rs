//! Who sent an exchange and what an event is about: the app (from the
//! payload, the capture's metadata, `X-Requested-With` or the User-Agent)
//! and the key field a journalist reads first (URL, search term or screen).
//!
//! Pure functions over model types: no I/O, no network. Telltale never looks
//! anything up online.

mod catalogue;
mod geo;
mod user_agent;

use crate::model::{Exchange, exchange_header};
pub use catalogue::{CatalogueEntry, Category, catalogue, company_for_host, company_for_tracker};
pub use geo::{GeoInfo, PRIVATE_NETWORK, country_name, geo_for_ip};
pub use user_agent::{UserAgentInfo, parse_user_agent};

/// The app that sent `exchange`, from the strongest evidence the capture has
/// (capture metadata, then `X-Requested-With`, then User-Agent tokens).
pub fn app_from_exchange(exchange: &Exchange) -> Option<String> {
    if let Some(app) = exchange.app_hint.as_deref().filter(|a| !a.is_empty()) {
        return Some(app.to_string());
    }
    if let Some(app) = exchange_header(&exchange.request_headers, "x-requested-with").filter(|v| looks_like_package(v))
    {
        return Some(app.to_string());
    }
    exchange_header(&exchange.request_headers, "user-agent")
        .map(parse_user_agent)
        .and_then(|ua| ua.app)
        .filter(|app| !is_http_stack(app))
}

/// HTTP libraries that every app uses: they say nothing about which app
/// sent the request, so the session's app is the better answer.
const HTTP_STACK_TOKENS: &[&str] = &[
    "dalvik/",
    "okhttp/",
    "cfnetwork/",
    "darwin/",
    "java/",
    "python-requests/",
    "curl/",
];

fn is_http_stack(app: &str) -> bool {
    let lower = app.to_ascii_lowercase();
    HTTP_STACK_TOKENS.iter().any(|t| lower.starts_with(t))
}

/// An Android package or iOS bundle id: dotted, no spaces (`com.example.app`).
/// `XMLHttpRequest` (what web pages send in that header) is not one.
/// The app an SDK says it runs in: an `appId` the decoders read from the
/// payload that is a package name (`tld.sample.app`; SDKs also call their
/// own numeric app keys `appId`, which name no app). For captures without
/// capture metadata, `X-Requested-With` or an app User-Agent, where the
/// SDK's own report is the best evidence there is.
pub fn app_from_data_types(data_types: &[crate::model::RequestDataType]) -> Option<String> {
    data_types
        .iter()
        .map(|found| &found.data_type)
        .filter(|data_type| data_type.kind == "appId")
        .map(|data_type| data_type.value.trim())
        .find(|value| {
            // Dot-separated identifiers, as Android and iOS name packages.
            looks_like_package(value)
                && value.split('.').all(|part| {
                    part.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                        && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
        })
        .map(str::to_string)
}

fn looks_like_package(value: &str) -> bool {
    value.contains('.') && !value.contains(' ') && value.len() <= 200
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

    #[test]
    fn http_stack_is_not_an_app() {
        let exchange = Exchange {
            request_headers: vec![(
                "User-Agent".into(),
                "Dalvik/2.1.0 (Linux; U; Android 10; Redmi Note 8 Build/QKQ1)".into(),
            )],
            ..Exchange::default()
        };
        assert_eq!(app_from_exchange(&exchange), None);
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
        assert_eq!(app_from_exchange(&exchange).as_deref(), Some("com.mi.globalbrowser"));
    }
}
