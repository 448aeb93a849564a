//! The endpoint table: known tracker endpoints by URL, which of their fields
//! hold which personal data, and how their payloads split into events.
//!
//! The facts live in `assets/endpoints/<tracker>.toml` (one file per tracker
//! company; the format is documented in README "How decoding works" and
//! checked by `table`'s unit tests). Most were transcribed from tweasel
//! TrackHAR 1.0.0's adapters (CC0-1.0), each endpoint with its source line;
//! `tests/decode_endpoints.rs` runs TrackHAR's own findings (golden files
//! from `scripts/trackhar-oracle/`) against Telltale's.
//!
//! A request's endpoint URL is `https://{host}{path}` without query and
//! trailing `/` (scheme always `https`; the path as sent and
//! percent-decoded). The first endpoint in table order (files by name,
//! entries in file order) whose URL or pattern fits and whose `methods` and
//! `body` predicates hold wins.
//!
//! Promises: the table is parsed once (a broken table, caught by the unit
//! tests, yields no endpoints instead of a crash); matching a request costs
//! a hash lookup and one pass of a precompiled regex set, however large the
//! table; reading data types and events never fails.

mod matcher;
mod rules;
pub mod table;

use std::sync::LazyLock;

use crate::decode::datatypes::Found;
use crate::decode::document::Document;
use crate::decode::tree::{Structure, Tree};
use crate::model::{DecodedEvent, Exchange};
pub use table::{BodyKind, Endpoint, Table, Tracker};

struct Loaded {
    table: Table,
    matcher: matcher::Matcher,
}

static LOADED: LazyLock<Loaded> = LazyLock::new(|| {
    // A broken table fails `every_table_file_loads` before it can ship; at
    // run time it only means "no endpoint known".
    let table = Table::embedded().unwrap_or_default();
    match matcher::Matcher::new(&table.endpoints) {
        Ok(matcher) => Loaded { table, matcher },
        Err(_) => Loaded {
            table: Table::default(),
            matcher: matcher::Matcher::default(),
        },
    }
});

/// The shipped table.
pub fn table() -> &'static Table {
    &LOADED.table
}

/// The tracker whose endpoint `endpoint_id` (`facebook/adnw-sync2`) is.
pub fn tracker_of(endpoint_id: &str) -> Option<&'static table::Tracker> {
    let tracker_id = endpoint_id.split_once('/')?.0;
    LOADED.table.trackers.iter().find(|tracker| tracker.id == tracker_id)
}

/// The company and category a request matched to `endpoint_id` goes to,
/// for hosts the catalogue does not list (`www.facebook.com/adnw_sync2`,
/// `www.google.com/pagead/…` are trackers on a first-party host): named as
/// the catalogue names the tracker's company, so it groups with the rest.
pub fn company_of(endpoint_id: &str) -> Option<(String, crate::attribution::Category)> {
    let tracker = tracker_of(endpoint_id)?;
    let catalogued = crate::attribution::company_for_tracker(&tracker.id)
        .or_else(|| {
            crate::attribution::catalogue()
                .iter()
                .find(|entry| entry.company.contains(&tracker.company))
        })
        .map(|entry| entry.company.clone());
    Some((catalogued.unwrap_or_else(|| tracker.company.clone()), tracker.category))
}

/// Every tracker id of the table, in table order.
pub fn tracker_ids() -> Vec<&'static str> {
    LOADED
        .table
        .trackers
        .iter()
        .map(|tracker| tracker.id.as_str())
        .collect()
}

/// A request matched to a known endpoint.
#[derive(Clone, Copy, Debug)]
pub struct Matched {
    pub endpoint: &'static Endpoint,
    pub tracker: &'static Tracker,
}

impl Matched {
    /// The `sdk`-confidence data types the endpoint's fields hold.
    pub fn data_types(&self, document: &Document) -> Vec<Found> {
        rules::data_types(self.endpoint, document)
    }

    /// The events the endpoint's rules read, `None` when none yields one.
    pub fn events(&self, exchange: &Exchange, tree: &Tree, document: &Document) -> Option<Vec<DecodedEvent>> {
        rules::events(self.endpoint, &self.tracker.id, exchange, tree, document)
    }
}

/// The known endpoint `exchange` went to, if any.
pub fn find(exchange: &Exchange, tree: &Tree) -> Option<Matched> {
    let loaded = &*LOADED;
    let host = matcher::normal_host(&crate::decode::trackers::event::host(exchange));
    let urls = matcher::endpoint_urls(&host, exchange.path());
    let refs: Vec<&str> = urls.iter().map(String::as_str).collect();
    let candidates = loaded.matcher.candidates(&host, &refs);
    if candidates.is_empty() {
        return None;
    }
    let body = body_kind(tree);
    candidates.into_iter().find_map(|index| {
        let endpoint = &loaded.table.endpoints[index];
        let method_ok = endpoint.methods.is_empty()
            || endpoint
                .methods
                .iter()
                .any(|method| method.eq_ignore_ascii_case(&exchange.method));
        let body_ok = match endpoint.body {
            None => true,
            Some(BodyKind::Any) => body.is_some(),
            Some(BodyKind::None) => body.is_none(),
            Some(wanted) => body == Some(wanted),
        };
        (method_ok && body_ok).then(|| Matched {
            endpoint,
            tracker: &loaded.table.trackers[endpoint.tracker],
        })
    })
}

/// What the request body was decoded as: the first structure below the
/// body root (through compression and base64); `Any` for a body that
/// decoded as nothing, `None` for no body.
fn body_kind(tree: &Tree) -> Option<BodyKind> {
    let root =
        (0..tree.len()).find(|&index| tree.parent(index).is_none() && tree.layer(index).decoder == "request-body")?;
    let mut queue = vec![root];
    let mut cursor = 0;
    while let Some(&layer) = queue.get(cursor) {
        match tree.structure(layer) {
            Some(Structure::Json(_)) => return Some(BodyKind::Json),
            Some(Structure::Pairs(_)) => return Some(BodyKind::Form),
            Some(Structure::Protobuf(_)) => return Some(BodyKind::Protobuf),
            _ => queue.extend_from_slice(tree.children(layer)),
        }
        cursor += 1;
    }
    Some(BodyKind::Any)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode_exchange_tree;

    fn exchange(method: &str, url: &str, content_type: &str, body: &str) -> Exchange {
        Exchange {
            method: method.into(),
            url: url.into(),
            host: url.split('/').nth(2).unwrap_or_default().into(),
            request_headers: vec![("Content-Type".into(), content_type.into())],
            request_body: body.as_bytes().to_vec(),
            ..Exchange::default()
        }
    }

    fn endpoint_of(exchange: &Exchange) -> Option<&'static str> {
        let tree = decode_exchange_tree(exchange);
        find(exchange, &tree).map(|m| m.endpoint.id.as_str())
    }

    #[test]
    fn the_shipped_table_compiles_into_its_matcher() {
        assert!(table().endpoints.len() >= 117);
        let urls: usize = table()
            .endpoints
            .iter()
            .map(|e| e.urls.len() + e.url_patterns.len())
            .sum();
        assert!(urls > 190, "{urls}");
        assert!(matcher::Matcher::new(&table().endpoints).is_ok());
        for id in [
            "facebook", "google", "bugsnag", "branch", "adjust", "singular", "yandex",
        ] {
            assert!(tracker_ids().contains(&id), "{id}");
            assert!(crate::decode::tracker_ids().contains(&id), "{id}");
        }
    }

    #[test]
    fn exact_urls_patterns_and_percent_decoded_paths() {
        let post = |url: &str| exchange("POST", url, "application/json", "{}");
        assert_eq!(
            endpoint_of(&post("https://sessions.bugsnag.com/")),
            Some("bugsnag/bugsnag-sessions")
        );
        assert_eq!(
            endpoint_of(&post("https://graph.facebook.com/v14.0/138566025676/activities")),
            Some("facebook/graph-activities")
        );
        assert_eq!(
            endpoint_of(&post("https://app.eu.adjust.world/session")),
            Some("adjust/body")
        );
        assert_eq!(
            endpoint_of(&post("https://us-u.openx.net/w/1.0/cm")),
            Some("openx/w-1-0-cm")
        );
        // Plain http is matched as well (TrackHAR misses it).
        assert_eq!(endpoint_of(&post("http://app.adjust.com/session")), Some("adjust/body"));
        // `firebase:fetch` sent as `firebase%3Afetch`.
        assert_eq!(
            endpoint_of(&post(
                "https://firebaseremoteconfig.googleapis.com/v1/projects/123/namespaces/firebase%3Afetch"
            )),
            Some("google/firebaseremoteconfig")
        );
        assert_eq!(endpoint_of(&post("https://www.example.com/session")), None);
        assert_eq!(endpoint_of(&post("https://app.adjust.com.evil.example/session")), None);
    }

    #[test]
    fn method_and_body_predicates() {
        let sessions = "https://sessions.bugsnag.com";
        assert_eq!(endpoint_of(&exchange("GET", sessions, "text/plain", "")), None);
        assert_eq!(
            endpoint_of(&exchange("POST", sessions, "application/json", r#"{"a":1}"#)),
            Some("bugsnag/bugsnag-sessions")
        );
        let tree_of = |body: &str, content_type: &str| {
            decode_exchange_tree(&exchange("POST", "https://h.example/p", content_type, body))
        };
        assert_eq!(
            body_kind(&tree_of(r#"{"a":1}"#, "application/json")),
            Some(BodyKind::Json)
        );
        assert_eq!(
            body_kind(&tree_of("a=1&b=2", "application/x-www-form-urlencoded")),
            Some(BodyKind::Form)
        );
        assert_eq!(body_kind(&tree_of("hello there", "text/plain")), Some(BodyKind::Any));
        assert_eq!(body_kind(&tree_of("", "text/plain")), None);
    }
}
