//! HAR importer over real files from 15 producers (tests/fixtures/har/SOURCES.md).
//! Expected counts are the number of `log.entries` (checked with Python's json module).

use crate::common::{fixture, import_fixture};
use telltale::ingest::{ImportError, import_to_vec};

/// (file, entries) for every HAR fixture.
const HAR_ENTRY_COUNTS: &[(&str, usize)] = &[
    ("harviewer__chrome51.har", 3),
    ("harviewer__chrome_images.har", 2),
    ("harviewer__data-url.har", 1),
    ("harviewer__ff47.har", 3),
    ("harviewer__fiddler2_noPages.har", 87),
    ("harviewer__firebug_from-cache.har", 1),
    ("harviewer__firebug_multiple-pages.har", 9),
    ("harviewer__firebug_noPageTimings.har", 2),
    ("harviewer__firebug_time-stamps.har", 2),
    ("harviewer__firebug_url-params.har", 1),
    ("harviewer__get-empty-post-data.har", 1),
    ("harviewer__ie11.fiddler.har", 11),
    ("harviewer__ie11.har", 25),
    ("harviewer__missing-content-type.har", 1),
    ("harviewer__no-headers.har", 1),
    ("harviewer__svg.base64.har", 1),
    ("mitmproxy-savehar__corrupted_gzip_body.har", 1),
    ("mitmproxy-savehar__diff_data.har", 5),
    ("mitmproxy-savehar__error_log.har", 2),
    ("mitmproxy-savehar__event_stream.har", 2),
    ("mitmproxy-savehar__incomplete_log.har", 4),
    ("mitmproxy-savehar__successful_log.har", 2),
    ("mitmproxy-savehar__websocket.har", 3),
    ("mitmproxy__charles.har", 1),
    ("mitmproxy__chrome.har", 3),
    ("mitmproxy__firefox.har", 14),
    ("mitmproxy__head-content-length.har", 1),
    ("mitmproxy__insomnia.har", 1),
    ("mitmproxy__postdata.har", 1),
    ("mitmproxy__safari.har", 19),
    ("mitmproxy__with-bom.har", 1),
    ("mitmproxy__compressed.zhar", 2),
    ("pagexray__chrome-har1.3_browsertime.har", 7),
    ("pagexray__chrome-har_redirect_etat.lu.har", 22),
    ("pagexray__firefox43_minus-size.har", 10),
    ("pagexray__wpt2.17_redirect-https.har", 15),
    ("perfcascade__browsertime_sitespeed.io.har", 27),
    ("perfcascade__capture-har_cnn.har", 2),
    ("perfcascade__capture-har_redirect-loop.har", 11),
    ("perfcascade__firefox54_nghttp2.har", 10),
    ("perfcascade__wpt2.18_chrome47_github.har", 16),
    ("perfcascade__wpt3_firefox_nghttp2.har", 20),
    ("playwright__har-fulfill.har", 5),
    ("playwright__har-redirect.har", 3),
    ("playwright__har-sha1.har", 1),
    ("prologwebscanner__firefox66.har", 59),
];

#[test]
fn every_producer_imports_with_its_entry_count() {
    for (file, expected) in HAR_ENTRY_COUNTS {
        let (sink, _, format) = import_fixture(&format!("har/{file}"));
        assert_eq!(format, "har", "{file}");
        assert_eq!(sink.exchanges.len(), *expected, "{file}");
    }
}

#[test]
fn chrome_base64_body_and_server_ip() {
    let (sink, _, _) = import_fixture("har/mitmproxy__chrome.har");
    let first = &sink.exchanges[0];
    assert_eq!(first.method, "GET");
    assert_eq!(first.url, "https://mitmproxy.org/");
    assert_eq!(first.status, Some(304));
    assert_eq!(first.server_ip.as_deref(), Some("108.138.246.80"));
    assert_eq!((first.host.as_str(), first.port), ("mitmproxy.org", Some(443)));
    // content.text is 31 824 base64 characters: the decoded body is 3/4 of that, less padding.
    let expected = base64_decoded_len(31_824);
    assert!(
        first.response_body.len() <= expected && first.response_body.len() + 2 >= expected,
        "{}",
        first.response_body.len()
    );
}

fn base64_decoded_len(chars: usize) -> usize {
    chars / 4 * 3
}

#[test]
fn bom_and_post_body() {
    let (sink, _, _) = import_fixture("har/mitmproxy__with-bom.har");
    let ex = &sink.exchanges[0];
    assert_eq!(ex.method, "POST");
    assert_eq!(ex.url, "https://signal-metrics-collector-beta.s-onetag.com/metrics");
    assert_eq!(ex.server_ip.as_deref(), Some("99.83.181.31"));
    assert!(!ex.request_body.is_empty());
    let (plain, _, _) = import_fixture("har/mitmproxy__postdata.har");
    assert_eq!(
        plain.exchanges[0].request_body, ex.request_body,
        "BOM must not change the content"
    );
}

#[test]
fn zlib_compressed_har_matches_its_plain_twin() {
    let (zhar, _, _) = import_fixture("har/mitmproxy__compressed.zhar");
    let (plain, _, _) = import_fixture("har/mitmproxy-savehar__successful_log.har");
    assert_eq!(zhar.exchanges[0].url, "https://example.com/");
    assert_eq!(
        zhar.exchanges[0].response_body.len(),
        plain.exchanges[0].response_body.len()
    );
    assert_eq!(zhar.exchanges[0].server_ip.as_deref(), Some("93.184.216.34"));
}

#[test]
fn timestamps_with_offsets_become_utc() {
    // Firebug writes local time with an offset: 2011-..+02:00 style; Chrome writes Z.
    let (sink, _, _) = import_fixture("har/harviewer__firebug_time-stamps.har");
    let first = &sink.exchanges[0];
    assert!(
        first.time_micros > 1_000_000_000_000_000,
        "a real 21st-century time: {}",
        first.time_micros
    );
    assert!(
        first.notes.iter().all(|n| !n.contains("startedDateTime")),
        "{:?}",
        first.notes
    );
}

#[test]
fn failed_flows_have_no_status_and_a_note() {
    let (sink, _, _) = import_fixture("har/mitmproxy-savehar__error_log.har");
    let ex = &sink.exchanges[0];
    assert_eq!(ex.url, "http://163.com/");
    assert_eq!(ex.status, None);
    assert!(
        ex.notes
            .iter()
            .any(|n| n.contains("no response") || n.contains("error")),
        "{:?}",
        ex.notes
    );
}

#[test]
fn playwright_external_body_is_noted_when_missing() {
    let (sink, _, _) = import_fixture("har/playwright__har-sha1.har");
    let ex = &sink.exchanges[0];
    assert_eq!(ex.url, "http://no.playwright/");
    assert!(ex.notes.iter().any(|n| n.contains("external file")), "{:?}", ex.notes);
}

#[test]
fn playwright_external_body_is_read_when_present() {
    let dir = tempfile::tempdir().expect("tempdir");
    let har = std::fs::read(fixture("har/playwright__har-sha1.har")).expect("read");
    let text = String::from_utf8_lossy(&har);
    let file_name = text
        .split("\"_file\": \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("fixture has a _file reference")
        .to_string();
    std::fs::write(dir.path().join(&file_name), b"<html>external</html>").expect("write body");
    let path = dir.path().join("capture.har");
    std::fs::write(&path, &har).expect("write har");
    let (sink, _, _) = import_to_vec("capture.har", Some(&path), &har).expect("import");
    assert_eq!(sink.exchanges[0].response_body, b"<html>external</html>");
}

#[test]
fn broken_files_fail_with_one_clear_line() {
    let cases = [
        ("har/broken/harviewer__not-json.har", "invalid JSON at line 8"),
        ("har/broken/harviewer__not-valid.har", "no `log.entries` array"),
        ("har/broken/mitmproxy__broken_headers.json", "no `log` object"),
        ("har/broken/mitmproxy__brokenfile.har", "not a HAR file"),
    ];
    for (file, expected) in cases {
        let bytes = std::fs::read(fixture(file)).expect("read");
        let error = match import_to_vec(file, None, &bytes) {
            Ok(_) => panic!("{file} must not import"),
            Err(e) => e,
        };
        assert!(
            matches!(error, ImportError::Invalid { .. } | ImportError::UnknownFormat),
            "{file}: {error:?}"
        );
        let message = error.to_string();
        assert!(message.contains(expected), "{file}: {message}");
        assert!(!message.contains('\n'), "{file}: one line: {message}");
    }
}

/// The last entry of each producer's file, as Python's json module reads it
/// (body length after base64 decoding): (file, method, url, status, server IP, body bytes).
type LastEntry = (
    &'static str,
    &'static str,
    &'static str,
    Option<u16>,
    Option<&'static str>,
    usize,
);

const LAST_ENTRY_VALUES: &[LastEntry] = &[
    (
        "harviewer__chrome_images.har",
        "GET",
        "/selenium/tests/hars/issue-23/aperture-science.svg",
        Some(200),
        Some("85.159.210.242"),
        1330,
    ),
    (
        "harviewer__fiddler2_noPages.har",
        "GET",
        "http://www.widex.com/en/products/hearingaids/clear/~/media/WidexShared/Products/ColoursAndModels/Buttons/clear220_click.ashx",
        Some(200),
        None,
        1684,
    ),
    (
        "harviewer__firebug_multiple-pages.har",
        "POST",
        "http://legoas/firebug/tests/content/net/601/issue601.php",
        Some(200),
        None,
        34,
    ),
    (
        "harviewer__firebug_noPageTimings.har",
        "GET",
        "http://127.0.0.1:1235/slow.css",
        Some(420),
        None,
        0,
    ),
    (
        "harviewer__ie11.har",
        "GET",
        "http://gitgrimbo.github.io/harviewer/issue-62/scripts/core/trace.js",
        Some(304),
        None,
        531,
    ),
    (
        "harviewer__ie11.fiddler.har",
        "GET",
        "http://gitgrimbo.github.io/harviewer/issue-62/scripts/require.js",
        Some(304),
        Some("151.101.60.133"),
        0,
    ),
    (
        "mitmproxy-savehar__corrupted_gzip_body.har",
        "GET",
        "http://127.0.0.1:5000/",
        Some(200),
        Some("127.0.0.1"),
        24,
    ),
    (
        "mitmproxy-savehar__error_log.har",
        "POST",
        "https://httpbin.org/get",
        Some(405),
        Some("100.26.90.23"),
        178,
    ),
    (
        "mitmproxy-savehar__incomplete_log.har",
        "POST",
        "https://google.com/",
        None,
        None,
        0,
    ),
    (
        "mitmproxy__charles.har",
        "GET",
        "https://mitmproxy.org/?=",
        Some(200),
        Some("13.35.121.50"),
        23_866,
    ),
    (
        "mitmproxy__chrome.har",
        "GET",
        "https://www.google.com/images/branding/googlelogo/2x/googlelogo_light_color_272x92dp.png",
        Some(200),
        Some("142.250.185.164"),
        7108,
    ),
    (
        "mitmproxy__firefox.har",
        "GET",
        "https://mitmproxy.org/favicon.ico",
        Some(200),
        None,
        98_065,
    ),
    (
        "mitmproxy__insomnia.har",
        "GET",
        "http://mitm.it/",
        Some(200),
        None,
        250,
    ),
    (
        "mitmproxy__safari.har",
        "GET",
        "https://mitmproxy.org/data/github-stats.json",
        Some(200),
        Some("13.35.121.29"),
        6986,
    ),
    (
        "pagexray__chrome-har1.3_browsertime.har",
        "GET",
        "https://www.wikipedia.org/static/favicon/wikipedia.ico",
        Some(200),
        Some("185.15.59.224"),
        0,
    ),
    (
        "perfcascade__capture-har_redirect-loop.har",
        "GET",
        "https://www.httpbin.org/relative-redirect/15",
        Some(302),
        None,
        0,
    ),
    (
        "perfcascade__wpt2.18_chrome47_github.har",
        "POST",
        "https://api.github.com/_private/browser/stats",
        Some(200),
        None,
        0,
    ),
    (
        "perfcascade__firefox54_nghttp2.har",
        "GET",
        "https://www.nghttp2.org/images/rss.png?1413623488",
        Some(200),
        Some("139.162.123.134"),
        0,
    ),
    (
        "playwright__har-redirect.har",
        "GET",
        "https://www.theverge.com/",
        Some(200),
        Some("151.101.189.52"),
        14,
    ),
    (
        "prologwebscanner__firefox66.har",
        "GET",
        "http://192.168.56.101/favicon.ico",
        Some(200),
        Some("192.168.56.101"),
        1334,
    ),
];

#[test]
fn last_entry_of_each_producer_has_its_exact_values() {
    for (file, method, url, status, server_ip, body_len) in LAST_ENTRY_VALUES {
        let (sink, _, _) = import_fixture(&format!("har/{file}"));
        let last = sink.exchanges.last().expect("entries");
        assert_eq!(
            (
                last.method.as_str(),
                last.url.as_str(),
                last.status,
                last.server_ip.as_deref(),
                last.response_body.len()
            ),
            (*method, *url, *status, *server_ip, *body_len),
            "{file}"
        );
    }
}

#[test]
fn websocket_messages_of_a_har_become_layers() {
    let (sink, _, _) = crate::common::import_fixture("har/mitmproxy-savehar__websocket.har");
    let counts: Vec<usize> = sink.exchanges.iter().map(|e| e.websocket_messages.len()).collect();
    assert_eq!(counts, [1, 1, 3]);
    let sent = &sink.exchanges[2].websocket_messages[1];
    assert!(sent.from_client && sent.text);
    assert_eq!(sent.payload, b"foo");
    assert_eq!(sent.time_micros, Some(1_693_314_240_794_808));
    let decoded = telltale::decode::decode_exchange(&sink.exchanges[2]);
    let roots: Vec<&str> = decoded
        .layers
        .iter()
        .filter(|l| l.parent.is_none())
        .map(|l| l.decoder.as_str())
        .collect();
    assert!(
        roots.contains(&"websocket-sent") && roots.contains(&"websocket-received"),
        "{roots:?}"
    );
}
