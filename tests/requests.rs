//! Requests as first-class evidence, through the real binary on a real
//! app's capture (tweasel ReportHAR's Android first run: Facebook, Branch,
//! Bugsnag): every request is listed with its company and the personal data
//! it carried, `summary` says what went to whom, typed canaries add known
//! values, and the filters select what they say.

use crate::case_cli::telltale;
use crate::common::{fixture, json_of, path_str};
use serde_json::Value;
use std::path::Path;

const FIRST_RUN: &str = "real/har_tweasel-reporthar_android-first-run.har";
/// The emulator's advertising id, as the Facebook SDK sent it in `advertiser_id`.
const AD_ID: &str = "1209d0b9-b959-42e6-b921-aa5d9d08c1af";

/// A case holding the first-run capture as session `first-run` (normal mode).
fn first_run_case(dir: &Path) -> std::path::PathBuf {
    let case = dir.join("case.telltale");
    let har = fixture(FIRST_RUN);
    let out = telltale(&[
        "import",
        path_str(&case),
        path_str(&har),
        "--session",
        "first-run",
        "--mode",
        "normal",
        "--app",
        "tld.sample.app",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    // The import line says who received what, even where no event decoded.
    assert!(stderr.contains("16 exchanges"), "{stderr}");
    assert!(stderr.contains("sent to "), "{stderr}");
    assert!(stderr.contains("Branch"), "{stderr}");
    assert!(stderr.contains("kinds of personal data"), "{stderr}");
    case
}

fn kinds(row: &Value) -> Vec<String> {
    row["data_types"]
        .as_array()
        .expect("data_types array")
        .iter()
        .map(|d| d["type"].as_str().expect("type").to_string())
        .collect()
}

#[test]
fn every_request_is_listed_with_company_and_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = first_run_case(dir.path());
    let rows = json_of(&["exchanges", path_str(&case), "--json"]);
    let rows = rows.as_array().expect("array");
    assert_eq!(rows.len(), 16);
    let mut indices: Vec<i64> = rows
        .iter()
        .map(|r| r["source_index"].as_i64().expect("index"))
        .collect();
    indices.sort_unstable();
    assert_eq!(indices, (0..16).collect::<Vec<_>>());
    for row in rows {
        assert_eq!(row["source_file"], "har_tweasel-reporthar_android-first-run.har");
        assert_eq!(row["session"], "first-run");
        assert_eq!(row["mode"], "normal");
        // Named by the SDKs inside (Facebook's extinfo, Bugsnag's app.id):
        // the HAR itself does not say which app it captured.
        assert_eq!(row["app"], "tld.sample.app", "{row}");
        assert!(row["company"].is_string(), "no company: {row}");
        assert!(row["category"].is_string(), "no category: {row}");
        for key in [
            "id",
            "time",
            "method",
            "url",
            "host",
            "status",
            "server_ip",
            "country",
            "org",
            "app",
            "tracker",
            "event_count",
            "decode_path_summary",
        ] {
            assert!(row.get(key).is_some(), "{key} missing in {row}");
        }
    }
    let by_index = |index: i64| {
        rows.iter()
            .find(|r| r["source_index"] == index)
            .unwrap_or_else(|| panic!("entry {index}"))
    };
    // Entry 7: Facebook app events, a form whose fields hold JSON.
    let activities = by_index(7);
    assert_eq!(activities["method"], "POST");
    assert_eq!(activities["host"], "graph.facebook.com");
    assert_eq!(
        activities["url"],
        "https://graph.facebook.com/v14.0/138566025676/activities"
    );
    assert_eq!(activities["decode_path_summary"], "form › json");
    let ad_id = activities["data_types"]
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["type"] == "advertisingId")
        .expect("the advertising id is named");
    assert_eq!(ad_id["field"], "body.advertiser_id");
    assert_eq!(ad_id["value"], AD_ID);
    assert!(kinds(activities).contains(&"userAgent".to_string()));
    // Entry 9: Branch /v1/open, JSON with the device's details; no event needed.
    let open = by_index(9);
    assert_eq!(open["host"], "api2.branch.io");
    assert_eq!(open["decode_path_summary"], "json");
    for kind in [
        "manufacturer",
        "model",
        "screenWidth",
        "screenHeight",
        "localIp",
        "carrier",
        "language",
    ] {
        assert!(
            kinds(open).contains(&kind.to_string()),
            "{kind} missing: {:?}",
            kinds(open)
        );
    }
    // Entry 10: a config fetch from Branch's CDN still names its company.
    let cdn = by_index(10);
    assert_eq!(cdn["host"], "cdn.branch.io");
    assert_eq!(cdn["method"], "GET");
    assert_eq!(cdn["company"], open["company"]);
}

#[test]
fn filters_select_by_host_company_tracker_and_session() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = first_run_case(dir.path());
    let count = |extra: &[&str]| {
        let mut args = vec!["exchanges", path_str(&case), "--json"];
        args.extend_from_slice(extra);
        json_of(&args).as_array().expect("array").len()
    };
    // A domain includes its subdomains.
    assert_eq!(count(&["--host", "facebook.com"]), 9);
    assert_eq!(count(&["--host", "graph.facebook.com"]), 9);
    assert_eq!(count(&["--host", "branch.io"]), 5);
    assert_eq!(
        count(&["--host", "ranch.io"]),
        0,
        "a suffix must end at a label boundary"
    );
    let branch = json_of(&["exchanges", path_str(&case), "--json", "--host", "api2.branch.io"]);
    let company = branch[0]["company"].as_str().expect("company").to_string();
    assert_eq!(count(&["--company", &company]), 5);
    assert_eq!(
        count(&["--company", &company.to_uppercase()]),
        5,
        "company is case-insensitive"
    );
    assert_eq!(count(&["--session", "first-run"]), 16);
    assert_eq!(count(&["--mode", "incognito"]), 0);
    let out = telltale(&["exchanges", path_str(&case), "--session", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no session named `nope`") && stderr.contains("case.telltale"),
        "{stderr}"
    );
}

#[test]
fn csv_lists_the_same_requests_formula_safe() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = first_run_case(dir.path());
    let out = telltale(&["exchanges", path_str(&case), "--csv"]);
    assert!(out.status.success());
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(&headers[0], "id");
    assert!(headers.iter().any(|h| h == "data_types"));
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    assert_eq!(records.len(), 16);
    let column = headers.iter().position(|h| h == "data_types").expect("column");
    assert!(
        records
            .iter()
            .any(|r| r[column].contains(&format!("advertisingId={AD_ID}")))
    );
}

#[test]
fn summary_says_what_went_to_whom() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = first_run_case(dir.path());
    let groups = json_of(&["summary", path_str(&case), "--json"]);
    let groups = groups.as_array().expect("array");
    assert_eq!(groups.len(), 3, "{groups:#?}");
    let requests: u64 = groups.iter().map(|g| g["requests"].as_u64().expect("requests")).sum();
    assert_eq!(requests, 16);
    let facebook = groups
        .iter()
        .find(|g| g["hosts"] == serde_json::json!(["graph.facebook.com"]))
        .expect("facebook group");
    assert_eq!(facebook["requests"], 9);
    assert_eq!(facebook["mode"], "normal");
    assert_eq!(facebook["app"], "tld.sample.app");
    assert_eq!(facebook["first_time"], "2023-04-07T13:04:57.078662Z");
    let ad = facebook["data_types"]
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["type"] == "advertisingId")
        .expect("advertising id went to Facebook");
    assert_eq!(ad["example_value"], AD_ID);
    assert_eq!(ad["label"], "Device advertising ID (GAID/IDFA)");
    assert!(facebook["countries"].as_array().is_some_and(|c| !c.is_empty()));
    let example = facebook["example_exchange_id"].as_i64().expect("example id");
    let shown = json_of(&["exchanges", path_str(&case), "--json", "--host", "graph.facebook.com"]);
    assert!(shown.as_array().expect("array").iter().any(|r| r["id"] == example));
    // The text table names the companies too.
    let out = telltale(&["summary", path_str(&case)]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Session first-run (normal mode) — tld.sample.app"),
        "{text}"
    );
    assert!(text.contains("advertisingId"), "{text}");
}

#[test]
fn a_typed_canary_adds_known_values_through_every_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = first_run_case(dir.path());
    let out = telltale(&["search", path_str(&case), AD_ID, "--save", "--as", "advertisingId"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let known = |rows: &Value| -> usize {
        rows.as_array()
            .expect("array")
            .iter()
            .flat_map(|r| r["data_types"].as_array().cloned().unwrap_or_default())
            .filter(|d| d["confidence"] == "known value" && d["type"] == "advertisingId" && d["value"] == AD_ID)
            .count()
    };
    let rows = json_of(&["exchanges", path_str(&case), "--json"]);
    let with_known = rows
        .as_array()
        .expect("array")
        .iter()
        .filter(|r| known(&Value::Array(vec![(*r).clone()])) > 0)
        .count();
    // Every Facebook request that sent the ad id (3 app-event posts, 1 config
    // fetch with `advertiser_id` in its URL) and Branch's three calls.
    assert!(with_known >= 4, "{with_known} requests with the known value");
    // Saving again adds nothing new.
    let again = telltale(&["search", path_str(&case), AD_ID, "--save", "--as", "advertisingId"]);
    assert!(String::from_utf8_lossy(&again.stderr).contains(": 0 new data types"));
    assert_eq!(known(&json_of(&["exchanges", path_str(&case), "--json"])), known(&rows));
    // A typed canary saved before an import names what the import brings.
    let second = dir.path().join("second.telltale");
    let setup = telltale(&[
        "import",
        path_str(&second),
        path_str(&fixture("har/mitmproxy__firefox.har")),
    ]);
    assert!(setup.status.success());
    let saved = telltale(&["search", path_str(&second), AD_ID, "--save", "--as", "advertisingId"]);
    assert!(String::from_utf8_lossy(&saved.stderr).contains(": 0 new data types"));
    let later = telltale(&["import", path_str(&second), path_str(&fixture(FIRST_RUN))]);
    assert!(later.status.success());
    assert_eq!(
        known(&json_of(&["exchanges", path_str(&second), "--json"])),
        known(&rows)
    );
    // An unknown type is refused with the vocabulary's name.
    let bad = telltale(&["search", path_str(&case), "x", "--save", "--as", "adId"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown data type `adId`"));
}

#[test]
fn events_carry_their_requests_shared_data_types() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = first_run_case(dir.path());
    let events = json_of(&["events", path_str(&case), "--json"]);
    let events = events.as_array().expect("array");
    let facebook: Vec<&Value> = events.iter().filter(|e| e["host"] == "graph.facebook.com").collect();
    assert!(!facebook.is_empty());
    // The ad id travelled beside the custom_events batch: every event of it carries it.
    for event in facebook {
        assert!(kinds(event).contains(&"advertisingId".to_string()), "{event}");
    }
}

#[test]
fn ordinary_traffic_in_the_public_fixtures_makes_no_generic_events() {
    // Browser sessions of news sites, GitHub, httpbin, Playwright and
    // mitmproxy test servers: API JSON, forms and pages, no SDK telemetry.
    let dir = tempfile::tempdir().expect("tempdir");
    let case = dir.path().join("public.telltale");
    let mut imported = 0;
    for folder in ["har", "mitm", "burp"] {
        let entries = std::fs::read_dir(fixture(folder)).expect("fixture folder");
        for entry in entries {
            let path = entry.expect("entry").path();
            if path.is_dir() || path.extension().is_some_and(|e| e == "md") {
                continue;
            }
            let out = telltale(&["import", path_str(&case), path_str(&path), "--again"]);
            if out.status.success() {
                imported += 1;
            }
        }
    }
    assert!(imported >= 50, "only {imported} fixtures imported");
    let events = json_of(&["events", path_str(&case), "--json", "--tracker", "generic"]);
    assert_eq!(events.as_array().map(Vec::len), Some(0), "{events:#}");
    let requests = json_of(&["exchanges", path_str(&case), "--json"]);
    let with_json = requests
        .as_array()
        .expect("array")
        .iter()
        .filter(|r| r["decode_path_summary"].as_str().is_some_and(|p| p.contains("json")))
        .count();
    assert!(
        with_json >= 5,
        "the corpus must hold JSON requests to mean anything: {with_json}"
    );
}
