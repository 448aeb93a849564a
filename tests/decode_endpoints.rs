//! The endpoint table (`assets/endpoints/`) against tweasel TrackHAR 1.0.0,
//! its source, and golden tests per endpoint family.
//!
//! The oracle: `tests/fixtures/trackhar/golden/*.trackhar.json` hold what
//! TrackHAR itself reports per request of a HAR (written by
//! `scripts/trackhar-oracle/run.mjs`; node is needed only to regenerate
//! them). For every request TrackHAR reports data on, every property it
//! names must be among Telltale's data types for that request. Inputs: the
//! real captures (`tests/fixtures/real/`), the public HARs
//! (`tests/fixtures/har/`) and a synthetic HAR with one request per
//! TrackHAR adapter (`scripts/trackhar-oracle/synthetic.mjs`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Deserialize;
use telltale::store::{Case, ExchangeFilter, ExchangeRow, ImportOptions, NoObserver};

use crate::common::fixture;

#[derive(Deserialize)]
struct Golden {
    trackhar: String,
    har: String,
    entries: Vec<GoldenEntry>,
}

#[derive(Deserialize)]
struct GoldenEntry {
    index: i64,
    adapter: String,
    properties: Vec<String>,
    /// `[property, context, path, value]`.
    findings: Vec<[String; 4]>,
}

fn goldens() -> Vec<(PathBuf, Golden)> {
    let dir = fixture("trackhar/golden");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let golden: Golden = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path, golden)
        })
        .collect()
}

/// Where a golden file's HAR lives in `tests/fixtures`.
fn har_path(name: &str) -> PathBuf {
    ["trackhar", "real", "har"]
        .iter()
        .map(|dir| fixture(&format!("{dir}/{name}")))
        .find(|path| path.exists())
        .unwrap_or_else(|| panic!("no fixture named {name}"))
}

/// Every request of a HAR as Telltale lists it, by 0-based source index.
fn imported(path: &std::path::Path) -> BTreeMap<i64, ExchangeRow> {
    let mut case = Case::open_in_memory().expect("in-memory case");
    case.import_file(path, &ImportOptions::default(), &mut NoObserver)
        .unwrap_or_else(|e| panic!("import {}: {e}", path.display()));
    case.exchanges(&ExchangeFilter::default())
        .expect("list exchanges")
        .into_iter()
        .map(|row| (row.source_index, row))
        .collect()
}

#[test]
fn every_property_trackhar_reports_is_among_telltales_data_types() {
    let table = telltale::decode::endpoints::table();
    let (mut expected, mut found, mut requests) = (0usize, 0usize, 0usize);
    let mut adapters: BTreeSet<String> = BTreeSet::new();
    let mut misses: Vec<String> = Vec::new();
    let mut values = (0usize, 0usize);
    let mut value_misses: Vec<String> = Vec::new();
    for (golden_path, golden) in goldens() {
        assert_eq!(golden.trackhar, "1.0.0", "{}", golden_path.display());
        if golden.entries.is_empty() {
            continue;
        }
        let rows = imported(&har_path(&golden.har));
        for entry in &golden.entries {
            requests += 1;
            let Some(row) = rows.get(&entry.index) else {
                misses.push(format!("{} #{}: request not imported", golden.har, entry.index));
                continue;
            };
            // The request is matched to the endpoint that transcribes TrackHAR's adapter.
            let endpoint = row
                .endpoint
                .as_deref()
                .and_then(|id| table.endpoints.iter().find(|e| e.id == id));
            match endpoint {
                Some(endpoint) if endpoint.trackhar.contains(&entry.adapter) => {
                    adapters.insert(entry.adapter.clone());
                }
                _ => misses.push(format!(
                    "{} #{}: TrackHAR's {} but Telltale's endpoint {:?}",
                    golden.har, entry.index, entry.adapter, row.endpoint
                )),
            }
            let types: BTreeSet<&str> = row.data_types.iter().map(|t| t.kind.as_str()).collect();
            // The same values: every scalar TrackHAR reads is a value Telltale names with that type.
            for [property, context, path, value] in &entry.findings {
                let scalar = !value.starts_with(['{', '[']) && value.chars().count() < 200;
                let same = row
                    .data_types
                    .iter()
                    .any(|t| &t.kind == property && agrees(&t.value, value));
                let known = KNOWN_VALUE_MISSES
                    .iter()
                    .any(|(har, known_path, _)| *har == golden.har && known_path == &format!("{context}.{path}"));
                if scalar && !known {
                    values.0 += 1;
                    if same {
                        values.1 += 1;
                    } else {
                        value_misses.push(format!(
                            "{} #{} {property} {context}.{path}: TrackHAR {value:?}, Telltale {:?}",
                            golden.har,
                            entry.index,
                            row.data_types
                                .iter()
                                .filter(|t| &t.kind == property)
                                .map(|t| format!("{}={}", t.field, t.value))
                                .collect::<Vec<_>>()
                        ));
                    }
                }
            }
            for property in &entry.properties {
                expected += 1;
                if types.contains(property.as_str()) {
                    found += 1;
                } else {
                    let paths: Vec<String> = entry
                        .findings
                        .iter()
                        .filter(|f| &f[0] == property)
                        .map(|f| format!("{}.{}={}", f[1], f[2], f[3]))
                        .collect();
                    misses.push(format!(
                        "{} #{} {}: {property} missing (TrackHAR: {})",
                        golden.har,
                        entry.index,
                        entry.adapter,
                        paths.join(", ")
                    ));
                }
            }
        }
    }
    eprintln!(
        "TrackHAR oracle: {requests} requests, {} adapters matched, properties {found}/{expected}, scalar values {}/{}",
        adapters.len(),
        values.1,
        values.0
    );
    assert!(misses.is_empty(), "{} misses:\n{}", misses.len(), misses.join("\n"));
    assert!(value_misses.is_empty(), "{}", value_misses.join("\n"));
    // Every adapter reported on by some golden request, i.e. the synthetic HAR reaches them all.
    assert_eq!(adapters.len(), 123, "adapters exercised: {adapters:?}");
}

/// TrackHAR values Telltale does not read, and why (the property itself
/// is still named, from the request's other fields).
const KNOWN_VALUE_MISSES: &[(&str, &str, &str)] = &[(
    "synthetic.har",
    "body.logEvents_FIREBASE_INAPPMESSAGING.*.9",
    "a 9-byte protobuf in base64: Telltale's base64 decoder needs 16 bytes to tell protobuf from chance",
)];

/// Telltale's value says the same as TrackHAR's: equal; the same number
/// (`1.0` as sent, `1` as JavaScript prints it); or the part of TrackHAR's
/// value that carries the data (`google` of `device-brand/google`, the
/// UUID of `/players/<uuid>`, which Telltale's `extract` cuts out).
fn agrees(ours: &str, theirs: &str) -> bool {
    let (ours, theirs) = (ours.trim(), theirs.trim());
    ours == theirs
        || ours
            .parse::<f64>()
            .ok()
            .zip(theirs.parse::<f64>().ok())
            .is_some_and(|(a, b)| a == b)
        || (ours.len() >= 3 && (theirs.ends_with(&format!("/{ours}")) || theirs.ends_with(&format!("/{ours}/"))))
}

#[test]
fn the_table_transcribes_every_trackhar_adapter_once() {
    let table = telltale::decode::endpoints::table();
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for endpoint in &table.endpoints {
        for adapter in &endpoint.trackhar {
            assert!(
                seen.insert(adapter, &endpoint.id).is_none(),
                "{adapter} transcribed twice"
            );
            assert!(
                endpoint.source.contains(adapter.as_str()),
                "{}: source line names {adapter}",
                endpoint.id
            );
        }
    }
    let (_, synthetic) = goldens()
        .into_iter()
        .find(|(_, golden)| golden.har == "synthetic.har")
        .expect("synthetic golden");
    let reported: BTreeSet<&str> = synthetic.entries.iter().map(|e| e.adapter.as_str()).collect();
    let transcribed: BTreeSet<&str> = seen.keys().copied().collect();
    assert_eq!(transcribed, reported);
    assert_eq!(transcribed.len(), 123);
    let companies: BTreeSet<&str> = transcribed.iter().filter_map(|a| a.split('/').next()).collect();
    assert_eq!(companies.len(), 32, "{companies:?}");
}

/// Hosts that serve far more than trackers (Google search, Google's API
/// front door): the catalogue does not call them trackers, so their
/// requests have an endpoint and a tracker but no company.
/// First-party hosts of big platforms that also carry tracker endpoints:
/// the catalogue leaves them alone (a visit to www.facebook.com is no
/// tracker request), the matched endpoint names the company instead.
const NOT_CATALOGUED: &[&str] = &[
    "www.googleapis.com",
    "www.google.com",
    "www.facebook.com",
    "web.facebook.com",
];

#[test]
fn every_endpoint_host_names_its_company_in_the_catalogue() {
    let table = telltale::decode::endpoints::table();
    let mut wrong = Vec::new();
    for endpoint in &table.endpoints {
        let tracker = &table.trackers[endpoint.tracker];
        for url in &endpoint.urls {
            let host = url.trim_start_matches("https://").split('/').next().unwrap_or_default();
            let company = telltale::attribution::company_for_host(host).map(|e| e.company.as_str());
            if !NOT_CATALOGUED.contains(&host) && !company.is_some_and(|c| c.contains(&tracker.company)) {
                wrong.push(format!(
                    "{host} ({}): catalogue says {company:?}, table says {}",
                    endpoint.id, tracker.company
                ));
            }
        }
    }
    let rows = imported(&fixture("trackhar/synthetic.har"));
    for row in rows.values() {
        let Some(endpoint) = row
            .endpoint
            .as_deref()
            .and_then(|id| table.endpoints.iter().find(|e| e.id == id))
        else {
            wrong.push(format!("{}: no endpoint", row.url));
            continue;
        };
        let tracker = &table.trackers[endpoint.tracker];
        match &row.company {
            Some(company) if company.contains(&tracker.company) => {}
            None if NOT_CATALOGUED.contains(&row.host.as_str()) => {}
            other => wrong.push(format!(
                "{} ({}): catalogue says {other:?}, table says {}",
                row.host, endpoint.id, tracker.company
            )),
        }
        // The table names the tracker unless an SDK decoder (by payload shape) did.
        let tracker_id = row.tracker.as_deref().unwrap_or_default();
        assert!(
            tracker_id == tracker.id || telltale::decode::trackers::ids().contains(&tracker_id),
            "{}: tracker {tracker_id}",
            row.url
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

// ---------------------------------------------------------------------
// Golden tests per endpoint family: exact events, fields, data types and
// decode paths, on the real capture and on requests built from each
// SDK's documented format.

use telltale::decode::decode_exchange;
use telltale::model::{Confidence, Decoded, Exchange, format_rfc3339_micros};

/// The real first-run capture, decoded request by request.
fn first_run() -> Vec<(Exchange, Decoded)> {
    let (sink, _, _) = crate::common::import_fixture("real/har_tweasel-reporthar_android-first-run.har");
    sink.exchanges
        .into_iter()
        .map(|exchange| {
            let decoded = decode_exchange(&exchange);
            (exchange, decoded)
        })
        .collect()
}

fn names(decoded: &Decoded) -> Vec<&str> {
    decoded.events.iter().map(|e| e.name.as_str()).collect()
}

fn time(micros: Option<i64>) -> String {
    micros.map(format_rfc3339_micros).unwrap_or_default()
}

/// `(type, field, value)` of the request's `sdk` data types.
fn sdk_types(decoded: &Decoded) -> Vec<(String, String, String)> {
    decoded
        .data_types
        .iter()
        .filter(|t| t.data_type.confidence == Confidence::Sdk)
        .map(|t| {
            (
                t.data_type.kind.clone(),
                t.data_type.field.clone(),
                t.data_type.value.clone(),
            )
        })
        .collect()
}

fn has(types: &[(String, String, String)], kind: &str, field: &str, value: &str) -> bool {
    types.iter().any(|(k, f, v)| k == kind && f == field && v == value)
}

#[test]
fn facebook_custom_events_are_one_event_per_element() {
    let requests = first_run();
    let (_, decoded) = &requests[7];
    assert_eq!(decoded.endpoint.as_deref(), Some("facebook/graph-activities"));
    assert_eq!(decoded.tracker.as_deref(), Some("facebook"));
    assert_eq!(
        names(decoded),
        [
            "fb_sdk_initialize",
            "fb_mobile_deactivate_app",
            "fb_mobile_activate_app"
        ]
    );
    let paths: Vec<&str> = decoded.events.iter().map(|e| e.decode_path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "form:custom_events › json[0]",
            "form:custom_events › json[1]",
            "form:custom_events › json[2]"
        ]
    );
    assert_eq!(time(decoded.events[0].time_micros), "2023-03-20T16:35:24.000000Z");
    // `_logTime` sent as a string ("1679327308") is read too.
    assert_eq!(time(decoded.events[1].time_micros), "2023-03-20T15:48:28.000000Z");
    let first = &decoded.events[0];
    assert_eq!(first.fields.len(), 13);
    assert!(
        first
            .fields
            .contains(&("_eventName".to_string(), "fb_sdk_initialize".to_string()))
    );
    assert!(
        first
            .fields
            .contains(&("core_lib_included".to_string(), "1".to_string()))
    );
    // The batch's shared fields are every event's.
    for event in &decoded.events {
        assert!(
            event.data_types.iter().any(|t| t.kind == "advertisingId"
                && t.field == "body.advertiser_id"
                && t.value == "1209d0b9-b959-42e6-b921-aa5d9d08c1af"
                && t.confidence == Confidence::Sdk),
            "{:?}",
            event.data_types
        );
    }
    let types = sdk_types(decoded);
    assert!(has(
        &types,
        "deviceId",
        "body.anon_id",
        "XZ9dd82044-772f-4b99-b17b-208e9c3cc38b"
    ));
    assert!(has(&types, "appId", "body.extinfo[1]", "tld.sample.app"));
    assert!(has(&types, "timezone", "body.extinfo[15]", "Europe/Berlin"));
    assert!(has(&types, "carrier", "body.extinfo[8]", "T-Mobile"));
    assert!(has(&types, "osName", "body.sdk", "android"));
    // The SDK's documented meaning replaces a guess from the key name.
    assert!(
        !decoded
            .data_types
            .iter()
            .any(|t| t.data_type.field == "body.sdk" && t.data_type.kind != "osName"),
        "{:?}",
        decoded.data_types
    );
    assert_eq!(names(&requests[14].1).len(), 4);
}

#[test]
fn facebook_install_ping_is_one_event() {
    let requests = first_run();
    let (_, decoded) = &requests[8];
    assert_eq!(decoded.endpoint.as_deref(), Some("facebook/graph-activities"));
    assert_eq!(names(decoded), ["MOBILE_APP_INSTALL"]);
    let event = &decoded.events[0];
    assert_eq!(event.decode_path, "request-body");
    assert_eq!(event.time_micros, None);
    assert!(
        event
            .fields
            .contains(&("event".to_string(), "MOBILE_APP_INSTALL".to_string()))
    );
    assert!(
        event
            .fields
            .contains(&("extinfo[5]".to_string(), "sdk_gphone64_x86_64".to_string()))
    );
    assert!(
        event
            .data_types
            .iter()
            .any(|t| t.kind == "model" && t.field == "body.extinfo[5]" && t.value == "sdk_gphone64_x86_64")
    );
}

#[test]
fn branch_calls_are_one_event_named_after_the_endpoint() {
    let requests = first_run();
    let calls: Vec<(usize, Vec<&str>)> = requests
        .iter()
        .enumerate()
        .filter(|(_, (_, d))| d.endpoint.as_deref() == Some("branch/v1"))
        .map(|(index, (_, d))| (index, names(d)))
        .collect();
    assert_eq!(calls, [(9, vec!["open"]), (11, vec!["close"]), (12, vec!["open"])]);
    let types = sdk_types(&requests[11].1);
    assert!(has(
        &types,
        "advertisingId",
        "body.advertising_ids.aaid",
        "1209d0b9-b959-42e6-b921-aa5d9d08c1af"
    ));
    assert!(has(
        &types,
        "deviceId",
        "body.hardware_id",
        "58efd809-326b-4bbd-b9ee-34900c536c89"
    ));
    assert!(has(&types, "userId", "body.identity_id", "1172860168363571074"));
    assert!(has(&types, "localIp", "body.local_ip", "10.0.0.1"));
    // Branch's CDN config is not an SDK call.
    assert_eq!(requests[10].1.endpoint, None);
    assert!(requests[10].1.events.is_empty());
}

#[test]
fn bugsnag_sessions_and_errors_not_breadcrumbs() {
    let requests = first_run();
    let (_, sessions) = &requests[4];
    assert_eq!(sessions.endpoint.as_deref(), Some("bugsnag/bugsnag-sessions"));
    assert_eq!(names(sessions), ["session"]);
    assert_eq!(sessions.events[0].decode_path, "json:sessions[0]");
    assert_eq!(time(sessions.events[0].time_micros), "2023-03-20T16:35:24.304000Z");
    // The session's own ids belong to its event; the device's to the request.
    let owned: Vec<(&str, &str)> = sessions
        .data_types
        .iter()
        .filter(|t| t.event == Some(0) && t.data_type.confidence == Confidence::Sdk)
        .map(|t| (t.data_type.kind.as_str(), t.data_type.field.as_str()))
        .collect();
    assert!(owned.contains(&("sessionId", "body.sessions[0].id")), "{owned:?}");
    assert!(owned.contains(&("userId", "body.sessions[0].user.id")), "{owned:?}");
    assert!(has(&sdk_types(sessions), "isRooted", "body.device.jailbroken", "false"));

    let (_, notify) = &requests[15];
    assert_eq!(notify.endpoint.as_deref(), Some("bugsnag/bugsnag-notify"));
    // One error report, not its 50 breadcrumbs.
    assert_eq!(names(notify), ["java.lang.RuntimeException"]);
    let error = &notify.events[0];
    assert_eq!(error.decode_path, "json:events[0]");
    assert_eq!(time(error.time_micros), "2023-03-20T16:35:39.453000Z");
    assert!(
        error
            .fields
            .iter()
            .any(|(k, v)| k == "exceptions[0].message" && v == "Error getting token")
    );
    let types = sdk_types(notify);
    assert!(has(&types, "timeSpent", "body.events[0].app.duration", "15275"));
    assert!(has(&types, "isInForeground", "body.events[0].app.inForeground", "true"));
}

#[test]
fn the_first_run_capture_in_numbers() {
    let requests = first_run();
    let events: usize = requests.iter().map(|(_, d)| d.events.len()).sum();
    // 8 Facebook app events (7 custom, 1 install), 3 Branch calls, a Bugsnag session and an error.
    assert_eq!(events, 13);
    let endpoints: Vec<Option<&str>> = requests.iter().map(|(_, d)| d.endpoint.as_deref()).collect();
    // The SDK's start-up fetches of its settings (`/v14.0/app…`) are
    // request-level records: the tracker and the data, no events.
    for index in [0, 1, 2, 3, 5, 6] {
        assert_eq!(endpoints[index], Some("facebook/graph-app-settings"), "#{index}");
        assert_eq!(requests[index].1.tracker.as_deref(), Some("facebook"));
        assert!(requests[index].1.events.is_empty());
    }
    assert!(has(
        &sdk_types(&requests[5].1),
        "advertisingId",
        "query.advertiser_id",
        "1209d0b9-b959-42e6-b921-aa5d9d08c1af"
    ));
    assert!(has(
        &sdk_types(&requests[1].1),
        "trackerSdkVersion",
        "query.sdk_version",
        "14.1.1"
    ));
    // Only Branch's CDN skip list (twice) is no endpoint.
    let unmatched: Vec<usize> = (0..endpoints.len()).filter(|&i| endpoints[i].is_none()).collect();
    assert_eq!(unmatched, [10, 13]);
}

fn post(url: &str, content_type: &str, body: &[u8]) -> Exchange {
    let host = url.split('/').nth(2).unwrap_or_default().to_string();
    Exchange {
        method: "POST".into(),
        url: url.into(),
        host,
        request_headers: vec![("Content-Type".into(), content_type.into())],
        request_body: body.to_vec(),
        ..Exchange::default()
    }
}

fn get(url: &str) -> Exchange {
    Exchange {
        method: "GET".into(),
        ..post(url, "text/plain", b"")
    }
}

#[test]
fn appcenter_logs_are_one_event_per_log() {
    // Visual Studio App Center's log batch (learn.microsoft.com/appcenter/sdk/data-collected).
    let body = br#"{"logs":[
        {"type":"startSession","sid":"0b5f4c1a-3a4e-4a6d-9a2b-6b8f0c1d2e3f","timestamp":"2023-03-20T16:35:24.304Z",
         "device":{"sdkName":"appcenter.android","sdkVersion":"4.4.5","model":"Pixel 6","oemName":"Google",
                   "osName":"Android","osVersion":"13","osApiLevel":33,"locale":"en_US","timeZoneOffset":60,
                   "screenSize":"1080x2400","appVersion":"23.13.1","appBuild":"26004526","appNamespace":"tld.sample.app"}},
        {"type":"event","name":"purchase_completed","id":"6a1c1487-a0af-4223-b142-a0f4621d0311",
         "sid":"0b5f4c1a-3a4e-4a6d-9a2b-6b8f0c1d2e3f","timestamp":"2023-03-20T16:35:30.000Z",
         "properties":{"item":"premium"},"device":{"model":"Pixel 6","appNamespace":"tld.sample.app"}}]}"#;
    let mut exchange = post("https://in.appcenter.ms/logs", "application/json", body);
    exchange
        .request_headers
        .push(("Install-ID".into(), "c0ffee00-1234-4abc-8def-0123456789ab".into()));
    let decoded = decode_exchange(&exchange);
    assert_eq!(decoded.endpoint.as_deref(), Some("microsoft/appcenter-logs"));
    assert_eq!(names(&decoded), ["startSession", "purchase_completed"]);
    assert_eq!(decoded.events[1].decode_path, "json:logs[1]");
    assert_eq!(time(decoded.events[1].time_micros), "2023-03-20T16:35:30.000000Z");
    assert!(
        decoded.events[1]
            .fields
            .contains(&("properties.item".to_string(), "premium".to_string()))
    );
    let types = sdk_types(&decoded);
    assert!(has(
        &types,
        "installationId",
        "header.install-id",
        "c0ffee00-1234-4abc-8def-0123456789ab"
    ));
    assert!(has(&types, "manufacturer", "body.logs[0].device.oemName", "Google"));
    assert!(has(
        &types,
        "appId",
        "body.logs[1].device.appNamespace",
        "tld.sample.app"
    ));
}

#[test]
fn singular_and_appmetrica_are_one_event_per_call() {
    // Singular SDK event call: the event name in `n`, device ids in the query.
    let singular = decode_exchange(&post(
        "https://sdk-api-v1.singular.net/api/v1/event?n=level_up&aifa=1209d0b9-b959-42e6-b921-aa5d9d08c1af&i=tld.sample.app&p=Android&ve=13&ma=Google&mo=Pixel%206",
        "application/json",
        br#"{"payload":"{\"level\":7}"}"#,
    ));
    assert_eq!(singular.endpoint.as_deref(), Some("singular/api-v1"));
    assert_eq!(names(&singular), ["level_up"]);
    assert!(has(
        &sdk_types(&singular),
        "advertisingId",
        "query.aifa",
        "1209d0b9-b959-42e6-b921-aa5d9d08c1af"
    ));
    assert!(has(&sdk_types(&singular), "model", "query.mo", "Pixel 6"));
    // A session start has no `n`: named after the endpoint.
    let start = decode_exchange(&get(
        "https://sdk-api-v1.singular.net/api/v1/start?i=tld.sample.app&p=Android",
    ));
    assert_eq!(names(&start), ["start"]);
    assert_eq!(start.events[0].decode_path, "url");

    let metrica = decode_exchange(&get(
        "https://startup.mobile.yandex.net/analytics/startup?app_id=tld.sample.app&adv_id=1209d0b9-b959-42e6-b921-aa5d9d08c1af&manufacturer=Google&model=Pixel%206&app_platform=android",
    ));
    assert_eq!(metrica.endpoint.as_deref(), Some("yandex/appmetrica"));
    assert_eq!(metrica.tracker.as_deref(), Some("yandex"));
    assert_eq!(names(&metrica), ["startup"]);
    assert!(has(
        &sdk_types(&metrica),
        "advertisingId",
        "query.adv_id",
        "1209d0b9-b959-42e6-b921-aa5d9d08c1af"
    ));
}

#[test]
fn analytics_hits_keep_their_sdk_decoder_and_gain_the_tables_data_types() {
    // A Universal Analytics pageview: the `ga` decoder names the event, the table the data.
    let decoded = decode_exchange(&get(
        "https://www.google-analytics.com/collect?v=1&t=pageview&tid=UA-12345-1&cid=555.1679330124&dl=https%3A%2F%2Fnews.example.org%2Farticle%2F42&ul=en-us&sr=1080x2400",
    ));
    assert_eq!(decoded.endpoint.as_deref(), Some("google/google-analytics"));
    assert_eq!(decoded.tracker.as_deref(), Some("ga"));
    assert_eq!(names(&decoded), ["pageview"]);
    let types = sdk_types(&decoded);
    assert!(has(&types, "propertyId", "query.tid", "UA-12345-1"));
    assert!(has(
        &types,
        "viewedPage",
        "query.dl",
        "https://news.example.org/article/42"
    ));
    assert!(has(&types, "language", "query.ul", "en-us"));
    // The same hit to an endpoint no SDK decoder claims still becomes its event by the table's rule.
    let ga4 = decode_exchange(&post(
        "https://www.google.com/ccm/collect?en=page_view&tid=G-ABC123XYZ9&dl=https%3A%2F%2Fnews.example.org%2F",
        "text/plain",
        b"",
    ));
    assert_eq!(ga4.endpoint.as_deref(), Some("google/google-analytics"));
    assert_eq!(names(&ga4), ["page_view"]);
}

/// Schema-less protobuf: (field, bytes-or-message) pairs, one-byte tags and lengths.
fn message(fields: &[(u8, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (number, value) in fields {
        out.push((number << 3) | 2);
        out.push(u8::try_from(value.len()).expect("short field"));
        out.extend_from_slice(value);
    }
    out
}

#[test]
fn firebase_bundles_name_their_app_and_events() {
    // app-measurement.com/a: batch { 1: bundle { 2: event { 2: name, 4: time }, 8: os, 9: os version, 14: app } }
    let millis = 1_679_330_124_304u64;
    let mut time = vec![0x20];
    let mut rest = millis;
    while rest >= 0x80 {
        time.push((rest as u8) | 0x80);
        rest >>= 7;
    }
    time.push(rest as u8);
    let event = |name: &[u8]| [message(&[(2, name)]), time.clone()].concat();
    let bundle = message(&[
        (2, &event(b"session_start")),
        (2, &event(b"screen_view")),
        (8, b"android"),
        (9, b"13"),
        (14, b"tld.sample.app"),
    ]);
    let body = message(&[(1, &bundle)]);
    let decoded = decode_exchange(&post("https://app-measurement.com/a", "application/x-protobuf", &body));
    assert_eq!(decoded.endpoint.as_deref(), Some("google/app-measurement"));
    assert_eq!(decoded.tracker.as_deref(), Some("firebase"));
    assert_eq!(names(&decoded), ["session_start", "screen_view"]);
    let types = sdk_types(&decoded);
    assert!(has(&types, "appId", "body.1.14", "tld.sample.app"), "{types:?}");
    assert!(has(&types, "osName", "body.1.8", "android"));
    assert!(has(&types, "osVersion", "body.1.9", "13"));
}

#[test]
fn tokens_relative_urls_and_encoded_bodies_are_read_through() {
    // Firebase Auth getAccountInfo: the claims of the ID token (a JWT).
    let token = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjNmMmEiLCJ0eXAiOiJKV1QifQ.eyJ1c2VyX2lkIjoiN2Q1YTZmZDBkNTNhNTY2YiIsImVtYWlsIjoiamFuZUBleGFtcGxlLm9yZyJ9.c2lnbmF0dXJl";
    let auth = decode_exchange(&post(
        "https://www.googleapis.com/identitytoolkit/v3/relyingparty/getAccountInfo",
        "application/json",
        format!(r#"{{"idToken":"{token}"}}"#).as_bytes(),
    ));
    assert!(has(
        &sdk_types(&auth),
        "userId",
        "body.idToken.user_id",
        "7d5a6fd0d53a566b"
    ));
    let steps: Vec<&str> = auth.layers.iter().map(|l| l.step.as_str()).collect();
    assert_eq!(steps, ["request-body", "json:idToken", "jwt"]);
    // Facebook's batch API: ids in each call's relative URL.
    let batch = decode_exchange(&post(
        "https://graph.facebook.com/v16.0",
        "application/json",
        br#"{"batch_app_id":"138566025676","batch":"[{\"method\":\"GET\",\"relative_url\":\"138566025676/activities?advertiser_id=1209d0b9-b959-42e6-b921-aa5d9d08c1af&application_package_name=tld.sample.app\"}]"}"#,
    ));
    assert_eq!(batch.endpoint.as_deref(), Some("facebook/graph"));
    let types = sdk_types(&batch);
    assert!(
        has(
            &types,
            "advertisingId",
            "body.batch[0].relative_url.advertiser_id",
            "1209d0b9-b959-42e6-b921-aa5d9d08c1af"
        ),
        "{types:?}"
    );
    assert!(has(
        &types,
        "appId",
        "body.batch[0].relative_url.application_package_name",
        "tld.sample.app"
    ));
    // Mintegral: a form percent-encoded once more, with a form inside `data`.
    let mintegral = decode_exchange(&post(
        "https://analytics.rayjump.com/",
        "application/x-www-form-urlencoded",
        b"key%3Dinstall%26package_name%3Dtld.sample.app%26gaid%3D1209d0b9-b959-42e6-b921-aa5d9d08c1af%26data%3Dgaid%253D1209d0b9-b959-42e6-b921-aa5d9d08c1af",
    ));
    assert_eq!(mintegral.endpoint.as_deref(), Some("mintegral/analytics"));
    assert_eq!(names(&mintegral), ["install"]);
    let types = sdk_types(&mintegral);
    assert!(has(&types, "appId", "body.package_name", "tld.sample.app"), "{types:?}");
    assert!(has(
        &types,
        "advertisingId",
        "body.data.gaid",
        "1209d0b9-b959-42e6-b921-aa5d9d08c1af"
    ));
    assert_eq!(mintegral.events[0].decode_path, "url-decoded");
}

#[test]
fn other_paths_methods_and_config_fetches_are_not_endpoints() {
    // Same hosts, other paths.
    for url in [
        "https://sessions.bugsnag.com/v2/other",
        "https://graph.facebook.com/v14.0/138566025676/activities_extra",
        "https://api2.branch.io/v2/event/standard",
        "https://app-measurement.com/config/app/1:2372:android:abc",
    ] {
        let decoded = decode_exchange(&post(
            url,
            "application/json",
            br#"{"sessions":[{"id":"a","startedAt":"2023-03-20T16:35:24Z"}]}"#,
        ));
        assert_eq!(decoded.endpoint, None, "{url}");
    }
    // Bugsnag sessions are POSTs; a GET to the same URL is not the endpoint.
    assert_eq!(decode_exchange(&get("https://sessions.bugsnag.com/")).endpoint, None);
    // The exact URL matches with or without the trailing slash, and in any host case.
    let mut upper = post("https://Sessions.Bugsnag.com", "application/json", b"{}");
    upper.host = "Sessions.Bugsnag.com".into();
    assert_eq!(
        decode_exchange(&upper).endpoint.as_deref(),
        Some("bugsnag/bugsnag-sessions")
    );
}

#[test]
fn json_on_tracker_hosts_becomes_events_only_where_a_rule_says_so() {
    // A matched endpoint without event rules is a request-level record,
    // however event-like its JSON looks.
    let config = decode_exchange(&post(
        "https://live.chartboost.com/api/config",
        "application/json",
        br#"{"event":"config_fetch","timestamp":1679330124,"session_id":"s1","identity":""}"#,
    ));
    assert_eq!(config.endpoint.as_deref(), Some("chartboost/live-unnested"));
    assert_eq!(config.tracker.as_deref(), Some("chartboost"));
    assert!(config.events.is_empty(), "{:?}", config.events);
    // Ordinary API JSON on a tracker host, on a path the table does not
    // know, stays what it is.
    let listing = decode_exchange(&post(
        "https://live.chartboost.com/api/v1/catalogue",
        "application/json",
        br#"{"products":[{"name":"Shirt","price":12.5,"id":3},{"name":"Hat","price":8,"id":4}],"total":2}"#,
    ));
    assert_eq!(listing.endpoint, None);
    assert!(listing.events.is_empty(), "{:?}", listing.events);
}
