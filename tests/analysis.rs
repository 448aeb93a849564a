//! Canary search and session comparison over the demo case and over
//! payloads built here through every layer and transform.

use base64::Engine as _;
use std::io::Write;
use telltale::model::Mode;
use telltale::store::{Case, ImportOptions, NoObserver};

fn demo_case() -> Case {
    let mut case = Case::open_in_memory().expect("in-memory case");
    case.import_demo().expect("demo imports");
    case
}

#[test]
fn demo_canary_is_found_only_in_its_own_session_through_the_sensors_batch() {
    let case = demo_case();
    let hits = case.search(&["purple giraffe 7391".to_string()]).expect("search");
    assert!(!hits.is_empty());
    assert!(
        hits.iter().all(|h| h.session == "normal" && h.mode == Mode::Normal),
        "{hits:?}"
    );
    let through_gzip = hits
        .iter()
        .find(|h| {
            h.event_id.is_some()
                && h.transform == "plain"
                && h.location.starts_with("form:data_list › base64 › gzip › json[")
        })
        .expect("a hit inside the gzip'd Sensors batch");
    assert!(
        through_gzip.location.ends_with("· properties.keyword"),
        "{}",
        through_gzip.location
    );
    // The search URL inside the same batch carries it form-encoded.
    assert!(
        hits.iter()
            .any(|h| h.transform == "form-encoded" && h.location.ends_with("· properties.$url")),
        "{hits:?}"
    );
    // The search URL carries it form-encoded.
    assert!(
        hits.iter()
            .any(|h| h.transform == "form-encoded" && h.location == "url"),
        "{hits:?}"
    );
}

#[test]
fn chinese_canary_is_found_in_incognito() {
    let case = demo_case();
    let hits = case.search(&["隐私测试".to_string()]).expect("search");
    assert!(
        hits.iter().any(|h| h.event_id.is_some() && h.session == "incognito"),
        "{hits:?}"
    );
    assert!(hits.iter().all(|h| h.session == "incognito"));
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).expect("write");
    encoder.finish().expect("finish")
}

fn form_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A one-entry HAR whose POST body is `body` (form-encoded).
fn har_with_post(url: &str, body: &str) -> Vec<u8> {
    serde_json::json!({"log": {"version": "1.2", "creator": {"name": "test"}, "entries": [{
        "startedDateTime": "2024-01-02T03:04:05Z", "time": 10,
        "request": {"method": "POST", "url": url, "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Content-Type", "value": "application/x-www-form-urlencoded"}],
            "postData": {"mimeType": "application/x-www-form-urlencoded", "text": body}},
        "response": {"status": 200, "headers": [], "content": {"text": "ok", "mimeType": "text/plain"}},
        "serverIPAddress": "203.0.113.9"}]}})
    .to_string()
    .into_bytes()
}

#[test]
fn canary_with_escaped_slashes_inside_gzip_inside_base64_inside_a_form_field() {
    let needle = "https://secret.example/é/path";
    // The JSON writer escaped slashes and non-ASCII, as Android's org.json does.
    let json =
        r#"[{"event":"page","time":1704164645000,"properties":{"url":"https:\/\/secret.example\/\u00e9\/path"}}]"#;
    let data_list = base64::engine::general_purpose::STANDARD.encode(gzip(json.as_bytes()));
    let body = format!("crc=1&gzip=1&data_list={}", form_encode(&data_list));
    let mut case = Case::open_in_memory().expect("case");
    let options = ImportOptions {
        session: Some("s".into()),
        mode: Some(Mode::Normal),
        ..ImportOptions::default()
    };
    case.import_bytes(
        "t.har",
        None,
        &har_with_post("https://sa.example.net/sa", &body),
        &options,
        &mut NoObserver,
    )
    .expect("import");
    let hits = case.search(&[needle.to_string()]).expect("search");
    let event_hit = hits
        .iter()
        .find(|h| h.event_id.is_some())
        .expect("found in the event's fields");
    assert_eq!(event_hit.transform, "plain");
    assert!(event_hit.location.contains("gzip"), "{}", event_hit.location);
    assert!(
        hits.iter().any(|h| h.transform == "json-escaped"),
        "the raw JSON layer holds the escaped form: {hits:?}"
    );
}

#[test]
fn hashed_and_base64_canaries_are_found() {
    let needle = "device-canary-0042";
    let md5 = "6e0e4d0e4b6b7a19b2c1b0a1a0f7d7a6"; // not the needle's: must not match
    let real_md5 = {
        use md5::Digest;
        hex::encode(md5::Md5::digest(needle.as_bytes()))
    };
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("xx{needle}yy"));
    let body = format!("uid_md5={real_md5}&other={md5}&blob={}", form_encode(&b64));
    let mut case = Case::open_in_memory().expect("case");
    case.import_bytes(
        "t.har",
        None,
        &har_with_post("https://t.example.org/c", &body),
        &ImportOptions::default(),
        &mut NoObserver,
    )
    .expect("import");
    let hits = case.search(&[needle.to_string()]).expect("search");
    let transforms: Vec<&str> = hits.iter().map(|h| h.transform.as_str()).collect();
    assert!(transforms.contains(&"md5"), "{hits:?}");
    assert!(
        transforms.contains(&"plain"),
        "base64 layer decoded, so the needle is plain in it: {hits:?}"
    );
    assert!(
        case.search(&["nowhere-to-be-found".to_string()])
            .expect("search")
            .is_empty()
    );
}

#[test]
fn compare_shows_what_incognito_still_sends() {
    let case = demo_case();
    let comparison = case.compare("normal", "incognito").expect("compare");
    let first = &comparison.rows[0];
    assert!(first.count_b > 0, "rows present in B come first: {first:?}");
    let search = comparison
        .rows
        .iter()
        .find(|r| r.tracker == "sensorsdata" && r.event == "search" && r.field.is_empty())
        .expect("searches are reported in both");
    assert!(search.count_a > 0 && search.count_b > 0, "{search:?}");
    let url_field = comparison
        .rows
        .iter()
        .find(|r| r.tracker == "sensorsdata" && r.event == "page_view" && r.field == "properties.$url")
        .expect("page_view URLs in both");
    assert!(url_field.count_b > 0);
    let analytics = comparison
        .hosts
        .iter()
        .find(|h| h.host == "sa.example-browser-analytics.com")
        .expect("host row");
    assert!(analytics.count_a > 0 && analytics.count_b > 0);
    assert!(
        comparison
            .hosts
            .iter()
            .position(|h| h.count_b == 0)
            .is_none_or(|p| comparison.hosts[..p].iter().all(|h| h.count_b > 0))
    );
}

#[test]
fn compare_unknown_session_is_a_clear_error() {
    let case = demo_case();
    let error = case.compare("normal", "nope").expect_err("unknown session");
    assert_eq!(error.to_string(), "no session named `nope`");
}

#[test]
fn compare_host_rows_carry_server_ip_country_and_network() {
    let case = demo_case();
    let comparison = case.compare("normal", "incognito").expect("compare");
    let singapore = comparison
        .hosts
        .iter()
        .find(|h| h.host == "sa.example-browser-analytics.com")
        .expect("row");
    assert_eq!(singapore.server_ips, ["161.117.96.161"]);
    assert_eq!(singapore.country.as_deref(), Some("SG"));
    assert_eq!(singapore.org.as_deref(), Some("Alibaba (US) Technology Co., Ltd."));
    let russia = comparison
        .hosts
        .iter()
        .find(|h| h.host == "stat.example-browser-analytics.ru")
        .expect("row");
    assert_eq!(russia.country.as_deref(), Some("RU"));
}

#[test]
fn every_transform_of_a_canary_is_found_and_named() {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use md5::Digest as _;
    let needle = "Zürich/clinic?visit=1";
    let planted: Vec<(&str, String)> = vec![
        ("url-encoded", "Z%C3%BCrich%2Fclinic%3Fvisit%3D1".to_string()),
        ("hex", hex::encode(needle.as_bytes())),
        ("md5", hex::encode(md5::Md5::digest(needle.as_bytes()))),
        ("sha1", hex::encode(sha1::Sha1::digest(needle.as_bytes()))),
        ("sha256", hex::encode(sha2::Sha256::digest(needle.as_bytes()))),
        // Binary prefix keeps the base64 layer from decoding to text, so the
        // encoded form itself must be recognised.
        (
            "base64",
            STANDARD.encode([&[0xff, 0xfe, 0x00][..], needle.as_bytes()].concat()),
        ),
        (
            "base64url",
            URL_SAFE_NO_PAD.encode([&[0xfb, 0xff][..], needle.as_bytes(), &[0xff]].concat()),
        ),
        ("json-escaped", r#"{"v":"Z\u00fcrich\/clinic?visit=1"}"#.to_string()),
    ];
    let mut case = Case::open_in_memory().expect("case");
    for (i, (transform, value)) in planted.iter().enumerate() {
        let har = serde_json::json!({"log": {"entries": [{
            "startedDateTime": "2024-01-02T03:04:05Z",
            "request": {"method": "POST", "url": format!("https://t{i}.example/x"), "headers": [{"name": "Content-Type", "value": "text/plain"}],
                "postData": {"mimeType": "text/plain", "text": format!("v {value} end")}},
            "response": {"status": 204}}]}});
        let options = ImportOptions {
            session: Some((*transform).to_string()),
            ..ImportOptions::default()
        };
        case.import_bytes(
            &format!("{transform}.har"),
            None,
            har.to_string().as_bytes(),
            &options,
            &mut NoObserver,
        )
        .expect("import");
    }
    let hits = case.search(&[needle.to_string()]).expect("search");
    for (transform, _) in &planted {
        // Where the URL-safe fragment has no `-` or `_` it is the standard
        // one, and the hit is named `base64`.
        let same_name = |h: &&telltale::analysis::SearchHit| {
            h.transform == *transform || (*transform == "base64url" && h.transform == "base64")
        };
        assert!(
            hits.iter().filter(|h| h.session == *transform).any(|h| same_name(&h)),
            "{transform} not found: {:?}",
            hits.iter().filter(|h| h.session == *transform).collect::<Vec<_>>()
        );
    }
}
