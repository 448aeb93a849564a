//! Golden tests per tracker over payloads built here from the documented
//! wire formats (hosts are deliberately not the vendors' own).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use std::io::Write;
use telltale::decode::decode_exchange;
use telltale::decode::trackers::java_string_hash;
use telltale::model::{Decoded, DecodedEvent, Exchange, Mode};

const FORM: &str = "application/x-www-form-urlencoded";
/// 2020-04-04T11:33:20Z, in ms.
const T0_MILLIS: i64 = 1_586_000_000_000;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).expect("write to Vec");
    encoder.finish().expect("finish gzip")
}

/// Percent-encodes everything but unreserved characters, like `URLEncoder`.
fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn post(url: &str, content_type: &str, body: impl Into<Vec<u8>>) -> Exchange {
    Exchange {
        method: "POST".into(),
        url: url.into(),
        request_headers: vec![("Content-Type".into(), content_type.into())],
        request_body: body.into(),
        ..Default::default()
    }
}

fn get(url: &str) -> Exchange {
    Exchange {
        method: "GET".into(),
        url: url.into(),
        ..Default::default()
    }
}

fn field<'a>(event: &'a DecodedEvent, key: &str) -> Option<&'a str> {
    event.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn names(decoded: &Decoded) -> Vec<&str> {
    decoded.events.iter().map(|event| event.name.as_str()).collect()
}

fn paths(decoded: &Decoded) -> Vec<&str> {
    decoded.events.iter().map(|event| event.decode_path.as_str()).collect()
}

/// A Sensors Analytics Android event like the Mi Browser sent.
fn sensors_event(index: i64) -> serde_json::Value {
    json!({
        "_track_id": 1000 + index,
        "time": T0_MILLIS + index * 1000,
        "type": "track",
        "distinct_id": "a1b2c3",
        "lib": {"$lib": "Android", "$lib_version": "4.3.1", "$lib_method": "code", "$app_version": "12.1.4"},
        "event": if index % 2 == 0 { "$AppViewScreen" } else { "$AppClick" },
        "properties": {
            "$url": format!("https://news.example.org/article/{index}"),
            "$title": format!("小米浏览器 新闻 {index}"),
            "$model": "Redmi Note 8",
            "$app_id": "com.mi.globalbrowser",
            "$is_incognito": index >= 25,
        }
    })
}

/// `crc`, `gzip=1`, `data_list` as the Android SDK posts them.
fn sensors_body(events: &[serde_json::Value], crc: Option<i32>) -> (String, String) {
    let packed = gzip(serde_json::Value::Array(events.to_vec()).to_string().as_bytes());
    let data = STANDARD.encode(packed);
    let crc = crc.unwrap_or_else(|| java_string_hash(&data));
    (format!("crc={crc}&gzip=1&data_list={}", url_encode(&data)), data)
}

#[test]
fn sensors_batch_of_50_becomes_50_events() {
    let events: Vec<_> = (0..50).map(sensors_event).collect();
    let (body, _) = sensors_body(&events, None);
    let decoded = decode_exchange(&post("https://sa.example.net/sa?project=default", FORM, body));
    assert_eq!(decoded.tracker.as_deref(), Some("sensorsdata"));
    assert_eq!(decoded.events.len(), 50);
    let seventh = &decoded.events[7];
    assert_eq!(seventh.name, "$AppClick");
    assert_eq!(decoded.events[8].name, "$AppViewScreen");
    assert_eq!(seventh.tracker, "sensorsdata");
    assert_eq!(seventh.time_micros, Some((T0_MILLIS + 7000) * 1000));
    assert_eq!(
        field(seventh, "properties.$url"),
        Some("https://news.example.org/article/7")
    );
    assert_eq!(field(seventh, "lib.$lib_version"), Some("4.3.1"));
    assert_eq!(field(seventh, "_track_id"), Some("1007"));
    assert_eq!(seventh.decode_path, "form:data_list › base64 › gzip › json[7]");
    let layer = &decoded.layers[seventh.layer.expect("present in this test")];
    assert_eq!(layer.step, "json[7]");
    assert!(
        layer
            .text
            .as_deref()
            .expect("present in this test")
            .contains("article/7\"")
    );
    assert_eq!(seventh.app.as_deref(), Some("com.mi.globalbrowser"));
    assert_eq!(seventh.device.as_deref(), Some("Redmi Note 8"));
    assert_eq!(seventh.mode, Some(Mode::Normal));
    assert_eq!(decoded.events[30].mode, Some(Mode::Incognito));
    let data_list = decoded
        .layers
        .iter()
        .find(|l| l.step == "form:data_list")
        .expect("present in this test");
    assert_eq!(data_list.note, None, "crc matches");
}

#[test]
fn sensors_crc_mismatch_is_noted() {
    let (body, data) = sensors_body(&[sensors_event(1)], Some(12345));
    assert_ne!(java_string_hash(&data), 12345);
    let decoded = decode_exchange(&post("https://sa.example.net/sa", FORM, body));
    let data_list = decoded
        .layers
        .iter()
        .find(|l| l.step == "form:data_list")
        .expect("present in this test");
    let note = data_list.note.as_deref().expect("present in this test");
    assert!(note.starts_with("crc mismatch: payload says 12345"), "{note}");
    assert_eq!(
        decoded.events.len(),
        1,
        "a mismatch is evidence, not a reason to drop events"
    );
}

#[test]
fn sensors_encrypted_flag_gives_no_events() {
    let ciphertext: Vec<u8> = (0u32..200)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let data = STANDARD.encode(ciphertext);
    let body = format!("crc={}&gzip=9&data_list={}", java_string_hash(&data), url_encode(&data));
    let decoded = decode_exchange(&post("https://sa.example.net/sa", FORM, body));
    assert_eq!(decoded.tracker.as_deref(), Some("sensorsdata"));
    assert!(decoded.events.is_empty());
    let data_list = decoded
        .layers
        .iter()
        .find(|l| l.step == "form:data_list")
        .expect("present in this test");
    assert!(data_list.encrypted);
    assert!(
        data_list
            .note
            .as_deref()
            .expect("present in this test")
            .contains("encrypted by the Sensors SDK (gzip=9)")
    );
}

#[test]
fn sensors_plus_turned_into_space_is_restored_and_crc_confirms_it() {
    // Find an event whose base64 has a `+`, then send it unescaped like a sloppy SDK.
    let (data, events) = (0..200)
        .map(|i| {
            let event = sensors_event(i);
            (
                STANDARD.encode(serde_json::Value::Array(vec![event.clone()]).to_string()),
                event,
            )
        })
        .find(|(data, _)| data.contains('+'))
        .expect("present in this test");
    let body = format!(
        "crc={}&gzip=0&data_list={}",
        java_string_hash(&data),
        data.replace('=', "%3D").replace('/', "%2F")
    );
    let decoded = decode_exchange(&post("https://sa.example.net/sa", FORM, body));
    let base64 = decoded
        .layers
        .iter()
        .find(|l| l.step == "base64")
        .expect("present in this test");
    assert_eq!(
        base64.note.as_deref(),
        Some("restored `+` that form decoding had turned into spaces")
    );
    let data_list = decoded
        .layers
        .iter()
        .find(|l| l.step == "form:data_list")
        .expect("present in this test");
    assert_eq!(data_list.note, None, "crc matches once `+` is restored");
    assert_eq!(decoded.events.len(), 1);
    assert_eq!(
        decoded.events[0].name,
        events["event"].as_str().expect("present in this test")
    );
    assert_eq!(decoded.events[0].decode_path, "form:data_list › base64 › json[0]");
}

#[test]
fn sensors_web_get_with_ext_crc() {
    let event = json!({"type": "track", "event": "$pageview", "time": T0_MILLIS, "distinct_id": "d", "lib": {"$lib": "js"},
        "properties": {"$url": "https://search.example/?q=canary", "$title": "Search"}});
    let data = STANDARD.encode(event.to_string());
    let url = format!(
        "https://sa.example.net/sa.gif?project=p&data={}&ext={}",
        url_encode(&data),
        url_encode(&format!("crc={}", java_string_hash(&data)))
    );
    let decoded = decode_exchange(&get(&url));
    assert_eq!(decoded.tracker.as_deref(), Some("sensorsdata"));
    assert_eq!(names(&decoded), ["$pageview"]);
    assert_eq!(paths(&decoded), ["query:data › base64"]);
    assert_eq!(
        field(&decoded.events[0], "properties.$url"),
        Some("https://search.example/?q=canary")
    );
    assert!(
        decoded.layers.iter().all(|l| l.note.is_none()),
        "crc matches: {:?}",
        decoded.layers
    );
}

#[test]
fn sensors_profile_set_is_named_by_type() {
    let event = json!({"type": "profile_set", "time": T0_MILLIS, "distinct_id": "d", "lib": {"$lib": "js"}, "properties": {"$city": "X"}});
    let data = STANDARD.encode(serde_json::Value::Array(vec![event]).to_string());
    let decoded = decode_exchange(&post(
        "https://sa.example.net/sa",
        FORM,
        format!("data_list={}", url_encode(&data)),
    ));
    assert_eq!(names(&decoded), ["profile_set"]);
}

#[test]
fn mixpanel_array_in_query() {
    let events = json!([
        {"event": "Search", "properties": {"token": "tok", "distinct_id": "u1", "time": 1_586_000_000.5, "query": "canary"}},
        {"event": "Open", "properties": {"token": "tok", "distinct_id": "u1", "time": T0_MILLIS + 2000, "$insert_id": "x1"}}
    ]);
    let url = format!(
        "https://mp.example.com/track/?data={}&ip=1",
        url_encode(&STANDARD.encode(events.to_string()))
    );
    let decoded = decode_exchange(&get(&url));
    assert_eq!(decoded.tracker.as_deref(), Some("mixpanel"));
    assert_eq!(names(&decoded), ["Search", "Open"]);
    assert_eq!(
        paths(&decoded),
        ["query:data › base64 › json[0]", "query:data › base64 › json[1]"]
    );
    assert_eq!(decoded.events[0].time_micros, Some(T0_MILLIS * 1000 + 500_000));
    assert_eq!(decoded.events[1].time_micros, Some((T0_MILLIS + 2000) * 1000));
    assert_eq!(field(&decoded.events[0], "properties.query"), Some("canary"));
}

#[test]
fn mixpanel_plain_json_body() {
    let body = json!({"event": "Signup", "properties": {"token": "tok", "time": 1_586_000_000}}).to_string();
    let decoded = decode_exchange(&post("https://mp.example.com/track", "application/json", body));
    assert_eq!(decoded.tracker.as_deref(), Some("mixpanel"));
    assert_eq!(paths(&decoded), ["request-body"]);
    assert_eq!(decoded.events[0].time_micros, Some(T0_MILLIS * 1000));
}

#[test]
fn ga_v1_batch_of_three_lines() {
    let body = [
        "v=1&tid=UA-12345-1&cid=555&t=pageview&dl=https%3A%2F%2Fnews.example%2Fa&dt=Front%20page",
        "v=1&tid=UA-12345-1&cid=555&t=event&ec=search&ea=submit&el=canary+phrase",
        "v=1&tid=UA-12345-1&cid=555&t=screenview&cd=Settings",
    ]
    .join("\n");
    let decoded = decode_exchange(&post("https://ga.example.net/batch", "text/plain", body));
    assert_eq!(decoded.tracker.as_deref(), Some("ga"));
    assert_eq!(names(&decoded), ["pageview", "event:search/submit", "screenview"]);
    assert_eq!(paths(&decoded), ["line[0]", "line[1]", "line[2]"]);
    assert_eq!(field(&decoded.events[0], "dl"), Some("https://news.example/a"));
    assert_eq!(field(&decoded.events[0], "dt"), Some("Front page"));
    assert_eq!(field(&decoded.events[1], "el"), Some("canary phrase"));
    assert_eq!(field(&decoded.events[1], "tid"), Some("UA-12345-1"));
}

#[test]
fn ga_v1_get_collect() {
    let decoded = decode_exchange(&get(
        "https://ga.example.net/collect?v=1&tid=UA-1-1&cid=9&t=pageview&dp=%2Fhome",
    ));
    assert_eq!(decoded.tracker.as_deref(), Some("ga"));
    assert_eq!(names(&decoded), ["pageview"]);
    assert_eq!(paths(&decoded), ["url"]);
    assert_eq!(field(&decoded.events[0], "dp"), Some("/home"));
}

#[test]
fn ga4_post_with_two_lines_extends_the_query() {
    let url = "https://ga.example.net/g/collect?v=2&tid=G-ABC123&cid=1.2&sid=77&dl=https%3A%2F%2Fnews.example%2F&en=page_view";
    let body = "en=search&ep.search_term=canary%20phrase&_et=12\nen=scroll&epn.percent_scrolled=90&up.plan=free";
    let decoded = decode_exchange(&post(url, "text/plain;charset=UTF-8", body));
    assert_eq!(decoded.tracker.as_deref(), Some("ga4"));
    assert_eq!(names(&decoded), ["search", "scroll"]);
    assert_eq!(paths(&decoded), ["line[0]", "line[1]"]);
    let search = &decoded.events[0];
    assert_eq!(field(search, "dl"), Some("https://news.example/"));
    assert_eq!(field(search, "ep.search_term"), Some("canary phrase"));
    assert_eq!(field(search, "en"), Some("search"));
    assert_eq!(field(&decoded.events[1], "epn.percent_scrolled"), Some("90"));
    assert_eq!(field(&decoded.events[1], "up.plan"), Some("free"));
    assert_eq!(field(&decoded.events[1], "ep.search_term"), None);
}

#[test]
fn ga4_get_is_one_event() {
    let decoded = decode_exchange(&get(
        "https://ga.example.net/g/collect?v=2&tid=G-X&en=page_view&dt=Home",
    ));
    assert_eq!(names(&decoded), ["page_view"]);
    assert_eq!(paths(&decoded), ["url"]);
}

#[test]
fn segment_batch() {
    let body = json!({
        "batch": [
            {"type": "track", "event": "Search Submitted", "anonymousId": "a1", "messageId": "m1",
             "timestamp": "2020-04-04T11:33:20Z", "properties": {"query": "canary"}},
            {"type": "page", "name": "Home", "anonymousId": "a1", "messageId": "m2", "timestamp": "2020-04-04T11:33:21.5Z"},
            {"type": "identify", "userId": "u1", "messageId": "m3", "traits": {"email": "x@example.org"}}
        ],
        "writeKey": "wk",
        "sentAt": "2020-04-04T11:33:22Z"
    })
    .to_string();
    let decoded = decode_exchange(&post("https://seg.example.net/v1/batch", "application/json", body));
    assert_eq!(decoded.tracker.as_deref(), Some("segment"));
    assert_eq!(names(&decoded), ["Search Submitted", "page:Home", "identify"]);
    assert_eq!(paths(&decoded), ["json:batch[0]", "json:batch[1]", "json:batch[2]"]);
    assert_eq!(decoded.events[0].time_micros, Some(T0_MILLIS * 1000));
    assert_eq!(decoded.events[1].time_micros, Some(T0_MILLIS * 1000 + 1_500_000));
    assert_eq!(decoded.events[2].time_micros, None);
    assert_eq!(field(&decoded.events[0], "properties.query"), Some("canary"));
    assert_eq!(field(&decoded.events[2], "traits.email"), Some("x@example.org"));
}

#[test]
fn segment_pixel_get() {
    let data =
        STANDARD.encode(json!({"type": "track", "event": "Opened", "anonymousId": "a", "writeKey": "k"}).to_string());
    let decoded = decode_exchange(&get(&format!(
        "https://seg.example.net/v1/pixel/track?data={}",
        url_encode(&data)
    )));
    assert_eq!(decoded.tracker.as_deref(), Some("segment"));
    assert_eq!(names(&decoded), ["Opened"]);
    assert_eq!(paths(&decoded), ["query:data › base64"]);
}

#[test]
fn amplitude_v2_gzip_body() {
    let body = json!({"api_key": "key", "events": [
        {"device_id": "dev1", "user_id": "u", "event_type": "search", "time": T0_MILLIS, "event_properties": {"term": "canary"}},
        {"device_id": "dev1", "event_type": "open_tab", "time": T0_MILLIS + 1, "platform": "Android", "app_name": "Mint Browser"}
    ]})
    .to_string();
    let decoded = decode_exchange(&post(
        "https://amp.example.net/2/httpapi",
        "application/json",
        gzip(body.as_bytes()),
    ));
    assert_eq!(decoded.tracker.as_deref(), Some("amplitude"));
    assert_eq!(names(&decoded), ["search", "open_tab"]);
    assert_eq!(paths(&decoded), ["gzip › json:events[0]", "gzip › json:events[1]"]);
    assert_eq!(decoded.events[1].time_micros, Some((T0_MILLIS + 1) * 1000));
    assert_eq!(field(&decoded.events[0], "event_properties.term"), Some("canary"));
    assert_eq!(decoded.events[1].app.as_deref(), Some("Mint Browser"));
}

#[test]
fn amplitude_legacy_form() {
    let e = json!([{"event_type": "session_start", "timestamp": T0_MILLIS, "device_id": "d"}]).to_string();
    let body = format!(
        "v=2&client=abc&e={}&upload_time={T0_MILLIS}&checksum=0123abcd",
        url_encode(&e)
    );
    let decoded = decode_exchange(&post("https://amp.example.net/", FORM, body));
    assert_eq!(decoded.tracker.as_deref(), Some("amplitude"));
    assert_eq!(names(&decoded), ["session_start"]);
    assert_eq!(paths(&decoded), ["form:e › json[0]"]);
    assert_eq!(decoded.events[0].time_micros, Some(T0_MILLIS * 1000));
}

#[test]
fn adjust_event_with_partner_params() {
    let partner = json!({"query": "canary phrase", "screen": "search"}).to_string();
    let body = format!(
        "app_token=abc123token&event_token=ev42&created_at={}&package_name=com.mi.globalbrowser&partner_params={}&callback_params={}",
        url_encode("2020-04-04T13:33:20.000Z+0200"),
        url_encode(&partner),
        url_encode(r#"{"k":"v"}"#)
    );
    let decoded = decode_exchange(&post("https://adj.example.net/event", FORM, body));
    assert_eq!(decoded.tracker.as_deref(), Some("adjust"));
    assert_eq!(names(&decoded), ["event:ev42"]);
    let event = &decoded.events[0];
    assert_eq!(event.time_micros, Some(T0_MILLIS * 1000));
    assert_eq!(field(event, "partner_params.query"), Some("canary phrase"));
    assert_eq!(field(event, "partner_params.screen"), Some("search"));
    assert_eq!(field(event, "callback_params.k"), Some("v"));
    assert_eq!(field(event, "partner_params"), None);
    assert_eq!(event.app.as_deref(), Some("com.mi.globalbrowser"));
    assert!(
        decoded
            .layers
            .iter()
            .any(|l| l.step == "form:partner_params" && l.summary.ends_with("JSON object with 2 keys"))
    );
}

#[test]
fn adjust_session_is_named_after_the_path() {
    let body = "app_token=abc123token&created_at=2020-04-04T11%3A33%3A20Z&environment=production";
    let decoded = decode_exchange(&post("https://adj.example.net/session", FORM, body));
    assert_eq!(names(&decoded), ["session"]);
    assert_eq!(paths(&decoded), ["request-body"]);
}

fn varint(mut value: u64) -> Vec<u8> {
    let mut out = Vec::new();
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
    out
}

fn proto_bytes(number: u64, bytes: &[u8]) -> Vec<u8> {
    [varint(number << 3 | 2), varint(bytes.len() as u64), bytes.to_vec()].concat()
}

fn proto_varint(number: u64, value: u64) -> Vec<u8> {
    [varint(number << 3), varint(value)].concat()
}

fn firebase_event(name: &str, millis: u64, param: (&str, &str)) -> Vec<u8> {
    let param = [proto_bytes(1, param.0.as_bytes()), proto_bytes(2, param.1.as_bytes())].concat();
    [
        proto_bytes(1, &param),
        proto_bytes(2, name.as_bytes()),
        proto_varint(4, millis),
    ]
    .concat()
}

#[test]
fn firebase_bundle_events() {
    let bundle = [
        proto_varint(1, 1),
        proto_bytes(
            2,
            &firebase_event("screen_view", 1_586_000_000_000, ("_sn", "SearchActivity")),
        ),
        proto_bytes(
            2,
            &firebase_event("search", 1_586_000_001_000, ("search_term", "canary")),
        ),
        proto_bytes(14, b"com.mi.globalbrowser"),
    ]
    .concat();
    let batch = proto_bytes(1, &bundle);
    let decoded = decode_exchange(&post(
        "https://measure.example.net/a",
        "application/x-www-form-urlencoded",
        gzip(&batch),
    ));
    assert_eq!(decoded.tracker.as_deref(), Some("firebase"));
    assert_eq!(names(&decoded), ["screen_view", "search"]);
    assert_eq!(paths(&decoded), ["gzip › protobuf", "gzip › protobuf"]);
    assert_eq!(decoded.events[1].time_micros, Some((T0_MILLIS + 1000) * 1000));
    assert_eq!(field(&decoded.events[1], "params.search_term"), Some("canary"));
}

#[test]
fn firebase_unknown_structure_is_one_bundle_event() {
    let batch = [proto_varint(3, 7), proto_bytes(5, b"opaque-but-printable")].concat();
    let decoded = decode_exchange(&post(
        "https://measure.example.net/a",
        "application/octet-stream",
        gzip(&batch),
    ));
    assert_eq!(decoded.tracker.as_deref(), Some("firebase"));
    assert_eq!(names(&decoded), ["firebase_bundle"]);
    assert_eq!(field(&decoded.events[0], "5"), Some("opaque-but-printable"));
}

#[test]
fn generic_json_events_with_any_time_unit() {
    let body = json!({"events": [
        {"event_name": "open", "ts": 1_586_000_000},
        {"eventName": "search", "timestamp": T0_MILLIS, "query": "canary", "private_mode": "1"},
        {"action": "close", "created_at": "2020-04-04T11:33:20Z", "device_model": "Mi 10"},
        {"no_name": true, "ts": 1}
    ]})
    .to_string();
    let decoded = decode_exchange(&post("https://logs.example.net/collect", "application/json", body));
    assert_eq!(decoded.tracker.as_deref(), Some("generic"));
    assert_eq!(names(&decoded), ["open", "search", "close"]);
    assert!(
        decoded
            .events
            .iter()
            .all(|event| event.time_micros == Some(T0_MILLIS * 1000))
    );
    assert_eq!(decoded.events[1].mode, Some(Mode::Incognito));
    assert_eq!(decoded.events[0].mode, None);
    assert_eq!(decoded.events[2].device.as_deref(), Some("Mi 10"));
    assert_eq!(paths(&decoded), ["json:events[0]", "json:events[1]", "json:events[2]"]);
}

#[test]
fn incognito_flag_in_a_generic_payload() {
    let body = json!([{"event": "visit", "time": 1_586_000_000_000_000_i64, "props": {"$is_incognito": true, "url": "https://x.example/"}}]).to_string();
    let decoded = decode_exchange(&post("https://logs.example.net/e", "application/json", body));
    assert_eq!(decoded.events.len(), 1);
    assert_eq!(decoded.events[0].mode, Some(Mode::Incognito));
    assert_eq!(decoded.events[0].time_micros, Some(T0_MILLIS * 1000));
}

#[test]
fn ordinary_traffic_has_no_tracker() {
    let decoded = decode_exchange(&post(
        "https://api.example.net/login",
        "application/json",
        r#"{"user":"a","remember":true}"#,
    ));
    assert_eq!(decoded.tracker, None);
    assert!(decoded.events.is_empty());
    let decoded = decode_exchange(&get("https://www.example.net/search?q=hello+world&page=2"));
    assert_eq!(decoded.tracker, None);
}

#[test]
fn events_beyond_the_element_layer_cap_are_not_lost() {
    let count = telltale::decode::MAX_PART_LAYERS + 200;
    let items: Vec<_> = (0..count)
        .map(|i| json!({"event": "tick", "ts": 1_586_000_000 + i}))
        .collect();
    let decoded = decode_exchange(&post(
        "https://logs.example.net/e",
        "application/json",
        serde_json::Value::Array(items).to_string(),
    ));
    assert_eq!(decoded.events.len(), count);
    assert_eq!(decoded.events[999].decode_path, "json[999]");
    assert_eq!(decoded.events[1000].decode_path, "request-body");
    assert_eq!(
        decoded.events[1100].time_micros,
        Some((1_586_000_000 + 1100) * 1_000_000)
    );
}
