//! The long tail through the real binary: hosts no Telltale table knows
//! get their company from the bundled tracker databases, the session's own
//! hosts are first party and nothing else is, the app is the user's word
//! and never an HTTP client, and `telltale hosts --set` labels a host with
//! a history that `verify` checks.
//!
//! The capture is written here: the hosts and payload shapes are those of
//! the real captures the long-tail issue names (the Meta Pixel beacon,
//! ID5, Vpon's emulator flag, Nativo's `postrelease.com`, a Firebase
//! Installations registration), sent by an app with okhttp, Dalvik and
//! `SDK/18.6.2` User-Agents.

use crate::case_cli::telltale;
use crate::common::{json_of, path_str};
use serde_json::{Value, json};
use std::path::Path;

fn entry(method: &str, url: &str, headers: &[(&str, &str)], body: Option<Value>, mime: &str) -> Value {
    let mut request = json!({
        "method": method, "url": url, "httpVersion": "HTTP/1.1",
        "headers": headers.iter().map(|(k, v)| json!({"name": k, "value": v})).collect::<Vec<_>>(),
        "queryString": [], "cookies": [], "headersSize": -1, "bodySize": -1,
    });
    if let Some(body) = body {
        request["postData"] = json!({"mimeType": "application/json", "text": body.to_string()});
    }
    json!({
        "startedDateTime": "2024-05-01T10:00:00.000Z", "time": 50, "serverIPAddress": "203.0.113.5",
        "request": request,
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Content-Type", "value": mime}], "cookies": [],
            "content": {"size": 2, "mimeType": mime, "text": "{}"}, "redirectURL": "", "headersSize": -1, "bodySize": -1},
        "cache": {}, "timings": {"send": 0, "wait": 50, "receive": 0},
    })
}

fn long_tail_case(dir: &Path) -> std::path::PathBuf {
    let okhttp = [("User-Agent", "okhttp/4.9.2")];
    let entries = vec![
        entry(
            "GET",
            "https://api.quizduell.de/v2/user/state",
            &okhttp,
            None,
            "application/json",
        ),
        entry(
            "GET",
            "https://www.facebook.com/tr?id=123&ev=PageView&dl=https%3A%2F%2Fquizduell.de%2F&fbp=fb.1.1714557600.99",
            &okhttp,
            None,
            "image/gif",
        ),
        entry(
            "GET",
            "https://lb.eu-1-id5-sync.com/lb/v1",
            &okhttp,
            None,
            "application/json",
        ),
        entry(
            "POST",
            "https://tw.api.vpon.com/api/webviewAdReq",
            &[("User-Agent", "SDK/18.6.2")],
            Some(json!({"is_emulator": false, "app": "de.quizduell"})),
            "application/json",
        ),
        entry(
            "GET",
            "https://jadserve.postrelease.com/t?ntv_at=3&ntv_ui=abc",
            &okhttp,
            None,
            "image/gif",
        ),
        entry(
            "POST",
            "https://firebaseinstallations.googleapis.com/v1/projects/quizduell-app/installations",
            &[
                ("User-Agent", "Dalvik/2.1.0 (Linux; U; Android 11)"),
                ("X-Android-Package", "de.quizduell"),
            ],
            Some(
                json!({"fid": "cXh1", "appId": "1:123:android:abc", "authVersion": "FIS_v2", "sdkVersion": "a:17.1.0"}),
            ),
            "application/json",
        ),
        entry(
            "GET",
            "https://cdn.quizduell.de/img/logo.png",
            &okhttp,
            None,
            "image/png",
        ),
    ];
    let har = json!({"log": {"version": "1.2", "creator": {"name": "mitmproxy har_dump", "version": "9.0.1"}, "entries": entries}});
    let file = dir.join("long-tail.har");
    std::fs::write(&file, har.to_string()).expect("write");
    let case = dir.join("case.telltale");
    let out = telltale(&["import", path_str(&case), path_str(&file), "--app", "de.quizduell"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    case
}

fn row<'a>(rows: &'a Value, host: &str) -> &'a Value {
    rows.as_array()
        .expect("array")
        .iter()
        .find(|r| r["host"] == host)
        .unwrap_or_else(|| panic!("no request to {host}"))
}

#[test]
fn every_third_party_is_named_and_only_the_apps_hosts_are_its_own() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = long_tail_case(dir.path());
    let rows = json_of(&["exchanges", path_str(&case), "--json"]);
    for (host, company, source) in [
        (
            "www.facebook.com",
            "Facebook (Meta)",
            "lists: DuckDuckGo tracker data set",
        ),
        ("lb.eu-1-id5-sync.com", "ID5", "lists: "),
        ("tw.api.vpon.com", "Vpon", "lists: "),
        ("jadserve.postrelease.com", "Nativo", "lists: "),
        ("firebaseinstallations.googleapis.com", "Google", ""),
    ] {
        let r = row(&rows, host);
        assert_eq!(r["party"], "third", "{host}");
        assert_eq!(r["company"], company, "{host}");
        let stored = r["company_source"].as_str().unwrap_or_default();
        assert!(stored.starts_with(source), "{host}: {stored}");
        assert_eq!(r["company_guess"], false, "{host}");
    }
    for host in ["api.quizduell.de", "cdn.quizduell.de"] {
        assert_eq!(
            row(&rows, host)["party"],
            "first",
            "{host}: the app id names its own domain"
        );
    }
    // The app is the user's word; the HTTP clients are kept as clients.
    let apps: Vec<&Value> = rows.as_array().expect("array").iter().map(|r| &r["app"]).collect();
    assert!(apps.iter().all(|a| *a == "de.quizduell"), "{apps:?}");
    assert_eq!(row(&rows, "tw.api.vpon.com")["client"], "SDK/18.6.2");
    assert_eq!(row(&rows, "api.quizduell.de")["client"], "okhttp/4.9.2");
    // One session, one app: one timeline lane, whatever the clients.
    let summary = json_of(&["summary", path_str(&case), "--json"]);
    let groups = summary.as_array().expect("array");
    assert!(groups.iter().all(|g| g["app"] == "de.quizduell"));
    let own: Vec<&Value> = groups.iter().filter(|g| g["party"] == "first").collect();
    assert_eq!(own.len(), 1, "the app's own servers are one line: {own:?}");
    assert_eq!(own[0]["hosts"], json!(["api.quizduell.de", "cdn.quizduell.de"]));
    assert!(
        groups
            .iter()
            .filter(|g| g["party"] == "third")
            .all(|g| !g["company"].is_null()),
        "{groups:#?}"
    );
    // The Meta Pixel's beacon and the Firebase registration are events.
    let events = json_of(&["events", path_str(&case), "--json"]);
    let names: Vec<&str> = events
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|e| e["event"].as_str())
        .collect();
    assert_eq!(names, ["PageView", "installation"]);
    let text = String::from_utf8_lossy(&telltale(&["summary", path_str(&case)]).stdout).into_owned();
    assert!(!text.contains("unknown company"), "{text}");
    assert!(text.contains("The app's own servers and visited sites"), "{text}");
}

#[test]
fn a_host_label_is_kept_with_its_history_used_everywhere_and_verified() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = long_tail_case(dir.path());
    let c = path_str(&case);
    let out = telltale(&[
        "hosts",
        c,
        "--set",
        "cdn.quizduell.de",
        "--company",
        "Acme CDN",
        "--third-party",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = json_of(&["exchanges", c, "--json", "--host", "cdn.quizduell.de"]);
    assert_eq!(rows[0]["company"], "Acme CDN");
    assert_eq!(rows[0]["company_source"], "researcher");
    assert_eq!(rows[0]["party"], "third");
    let summary = json_of(&["summary", c, "--json"]);
    assert!(
        summary
            .as_array()
            .expect("array")
            .iter()
            .any(|g| g["company"] == "Acme CDN" && g["party"] == "third")
    );
    let hosts = json_of(&["hosts", c, "--json"]);
    let cdn = row(&hosts, "cdn.quizduell.de");
    assert_eq!(cdn["researcher"], json!({"company": "Acme CDN", "party": "third"}));
    assert_eq!(cdn["history"].as_array().expect("history").len(), 1);
    // Clearing gives the host back to the rules: the app's own again.
    assert!(
        telltale(&["hosts", c, "--set", "cdn.quizduell.de", "--clear"])
            .status
            .success()
    );
    let rows = json_of(&["exchanges", c, "--json", "--host", "cdn.quizduell.de"]);
    assert_eq!(rows[0]["party"], "first");
    assert!(rows[0]["company"].is_null());
    let out = telltale(&["verify", c]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("2 host label history entries chain"), "{stdout}");
    // A host no request went to is refused, naming the case; nothing changes.
    let out = telltale(&["hosts", c, "--set", "nosuch.example", "--third-party"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nosuch.example") && stderr.contains(c), "{stderr}");
    // Rewriting the history is caught.
    let conn = rusqlite::Connection::open(&case).expect("open");
    conn.execute(
        "UPDATE host_label_history SET new_value = '{\"company\":\"Someone else\",\"party\":null}' WHERE history_id = 1",
        [],
    )
    .expect("tamper");
    drop(conn);
    let out = telltale(&["verify", c]);
    assert!(!out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}
