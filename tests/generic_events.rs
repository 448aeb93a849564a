//! The generic decoder measured alone, as if no SDK decoder or endpoint
//! table knew any SDK: on real captures and the public fixtures, the
//! events a person counts by hand (recall) and nothing else (precision:
//! no configuration fetch, page, script or image is an event). The
//! figures are printed (`cargo test generic_events -- --nocapture`) and
//! quoted in README › Events from any SDK.

use crate::common::fixture;
use telltale::decode::decode_exchange_tree;
use telltale::decode::trackers::detect_generic;

/// Requests that carry events, by capture, host and path start, with the
/// number of events a person counts in them (read from the payloads).
const TRUTH: &[(&str, &str, &str, usize)] = &[
    // Facebook SDK: `custom_events` JSON arrays in a form field (3 + 4
    // records) and the install ping's `event=MOBILE_APP_INSTALL`.
    (
        "real/har_tweasel-reporthar_android-first-run.har",
        "graph.facebook.com",
        "/v14.0/138566025676/activities",
        8,
    ),
    // Branch: `/v1/open` twice and `/v1/close`, one event each.
    (
        "real/har_tweasel-reporthar_android-first-run.har",
        "api2.branch.io",
        "/v1/",
        3,
    ),
    // Bugsnag: one session, one error report.
    (
        "real/har_tweasel-reporthar_android-first-run.har",
        "sessions.bugsnag.com",
        "/",
        1,
    ),
    (
        "real/har_tweasel-reporthar_android-first-run.har",
        "notify.bugsnag.com",
        "/",
        1,
    ),
    // Google Analytics pageview beacons (`t=pageview`).
    (
        "real/har_perfcascade_browsertime-filamentgroup.com.har",
        "www.google-analytics.com",
        "/r/collect",
        3,
    ),
    // The public fixtures' Google Analytics pageviews.
    (
        "har/pagexray__firefox43_minus-size.har",
        "www.google-analytics.com",
        "/r/collect",
        1,
    ),
    (
        "har/perfcascade__wpt2.18_chrome47_github.har",
        "www.google-analytics.com",
        "/r/collect",
        1,
    ),
    // GitHub's own analytics: a `page_view` named by the path.
    (
        "har/perfcascade__wpt2.18_chrome47_github.har",
        "collector.githubapp.com",
        "/github/page_view",
        1,
    ),
];

/// The path and query of an absolute URL.
fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.find('/').map_or("/", |at| &rest[at..])
}

fn captures() -> Vec<String> {
    let mut list: Vec<String> = TRUTH.iter().map(|t| t.0.to_string()).collect();
    for dir in ["har", "mitm"] {
        let mut names: Vec<String> = std::fs::read_dir(fixture(dir))
            .expect("fixtures")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| format!("{dir}/{}", e.file_name().to_string_lossy()))
            .filter(|n| !n.ends_with(".md"))
            .collect();
        names.sort();
        list.extend(names);
    }
    list.sort();
    list.dedup();
    list
}

#[test]
fn generic_events_alone_have_the_recall_and_precision_the_readme_states() {
    let mut false_positives = Vec::new();
    let mut found_per_truth = vec![0usize; TRUTH.len()];
    let mut requests = 0usize;
    for capture in captures() {
        let path = fixture(&capture);
        let bytes = std::fs::read(&path).expect("read");
        let Ok((sink, _, _)) = telltale::ingest::import_to_vec(&capture, Some(&path), &bytes) else {
            continue;
        };
        for exchange in &sink.exchanges {
            requests += 1;
            let mut tree = decode_exchange_tree(exchange);
            let events = detect_generic(exchange, &mut tree).unwrap_or_default();
            let path = path_of(&exchange.url);
            let truth = TRUTH
                .iter()
                .position(|t| t.0 == capture && t.1 == exchange.host && path.starts_with(t.2));
            match truth {
                Some(at) => found_per_truth[at] += events.len(),
                None => {
                    for event in &events {
                        false_positives.push(format!("{capture}: {} {path} → {}", exchange.host, event.name));
                    }
                }
            }
        }
    }
    let expected: usize = TRUTH.iter().map(|t| t.3).sum();
    let mut found = 0;
    for (truth, count) in TRUTH.iter().zip(&found_per_truth) {
        println!("{} {}{}: {count} of {}", truth.0, truth.1, truth.2, truth.3);
        found += (*count).min(truth.3);
        // More events than a person counts is a false positive too.
        for _ in truth.3..*count {
            false_positives.push(format!("{}: {} {} → one event too many", truth.0, truth.1, truth.2));
        }
    }
    println!(
        "generic decoder alone: {found} of {expected} events found ({:.0} % recall) in {requests} requests; {} false positives",
        100.0 * found as f64 / expected as f64,
        false_positives.len()
    );
    for fp in &false_positives {
        println!("FALSE POSITIVE {fp}");
    }
    assert!(found * 10 >= expected * 9, "recall under 90 %: {found} of {expected}");
    assert!(false_positives.is_empty(), "{false_positives:#?}");
}
