//! SDKs of the app world (issue 8 §2, beyond TrackHAR): "is this mine?" and
//! "what comes out" for AppsFlyer, GrowingIO, ByteDance AppLog, Tencent MTA,
//! Umeng and AppMetrica, with payloads built here in each SDK's wire format;
//! and, over every public and real fixture, that each request to a
//! catalogued host carries its company and category after import.
//!
//! Where each format comes from (repository, file):
//! - AppsFlyer: github.com/candledragle/AppsflyerSDk
//!   `af-appsflyer-sdk-4.8.10/src/main/java/com/appsflyer/AppsFlyerLib.java`
//!   (commit 4e652958c98d7532ae0f115aec639a82293ebeba) and `ServerParameters`.
//! - GrowingIO: github.com/growingio/growingio-sdk-android-autotracker
//!   `growingio-tracker-core/…/middleware/EventHttpSender.java` (0af5432b),
//!   `growingio-data/encoder/…/EncoderDataFetcher.java` (2508fc80),
//!   `…/XORUtils.java` (c8284fc9), `growingio-data/protobuf/src/main/proto/event_v3.proto`
//!   (02126446), `…/events/base/BaseField.java` (38e94a65).
//! - ByteDance AppLog: github.com/volcengine/datarangers-sdk-android
//!   `agent/src/main/java/com/bytedance/applog/UriConfig.java`, `store/PackV2.java`,
//!   `store/BaseData.java`, `store/EventV3.java`, `util/EncryptUtils.java` (70c625a6).
//! - Tencent MTA: decompiled SDK in github.com/tsuzcx/qq_apk,
//!   `com.tencent.mobileqq/classes.jar/com/tencent/wxop/stat/common/StatConstants.java`
//!   and the sender's `Content-Encoding: rc4,gzip`.
//! - Umeng: github.com/kisence-mian/SDKLibrary
//!   `Umeng/.smaliCache/umeng-common-9.3.8.jar/com/umeng/commonsdk/statistics/idtracking/Envelope.smali`.
//! - AppMetrica: github.com/appmetrica/appmetrica-sdk-ios `AMAReportPayloadEncoderFactory.m`.

use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use telltale::attribution::company_for_host;
use telltale::decode::decode_exchange;
use telltale::model::{Decoded, DecodedEvent, Exchange};

/// 2020-04-04T11:33:20Z, in ms.
const T0_MILLIS: i64 = 1_586_000_000_000;
const T0_MICROS: i64 = T0_MILLIS * 1000;
const GAID: &str = "38400000-8cf0-11bd-b23e-10b96e40000d";

fn post(url: &str, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Exchange {
    Exchange {
        method: "POST".into(),
        url: url.into(),
        host: url
            .split('/')
            .nth(2)
            .unwrap_or_default()
            .split(['?', ':'])
            .next()
            .unwrap_or_default()
            .into(),
        request_headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        request_body: body.into(),
        ..Default::default()
    }
}

fn field<'a>(event: &'a DecodedEvent, key: &str) -> Option<&'a str> {
    event.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn names(decoded: &Decoded) -> Vec<&str> {
    decoded.events.iter().map(|event| event.name.as_str()).collect()
}

fn kinds(event: &DecodedEvent) -> Vec<&str> {
    event.data_types.iter().map(|t| t.kind.as_str()).collect()
}

/// Bytes that look like ciphertext: no JSON, no text, no valid protobuf start.
fn ciphertext(len: usize) -> Vec<u8> {
    let mut state: u32 = 0x9e37_79b9;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8 | 0x80
        })
        .collect()
}

fn body_encrypted(decoded: &Decoded) -> bool {
    decoded
        .layers
        .iter()
        .any(|layer| layer.parent.is_none() && layer.decoder == "request-body" && layer.encrypted)
}

// --- AppsFlyer -------------------------------------------------------------------

fn appsflyer_body(event_name: Option<&str>) -> Vec<u8> {
    let mut body = json!({
        "appsflyerKey": "K2aMGPY3SkC9WckYUgHJ99",
        "af_timestamp": T0_MILLIS.to_string(),
        "uid": "1586000000000-1234567890123456789",
        "advertiserId": GAID,
        "brand": "google",
        "model": "Pixel 4",
        "sdk": "29",
        "counter": "3",
        "installDate": "2020-04-01_101010+0000",
    });
    if let Some(name) = event_name {
        body["eventName"] = json!(name);
        body["eventValue"] = json!("{\"af_revenue\":\"9.99\",\"af_currency\":\"EUR\"}");
    }
    serde_json::to_vec(&body).expect("json")
}

#[test]
fn appsflyer_inapp_event_is_one_event_with_its_values() {
    let exchange = post(
        "https://inapps.appsflyersdk.com/api/v6.12/androidevent?app_id=com.example.shop&buildnumber=6.12.2",
        &[("Content-Type", "application/json")],
        appsflyer_body(Some("af_purchase")),
    );
    let decoded = decode_exchange(&exchange);
    assert_eq!(decoded.tracker.as_deref(), Some("appsflyer"));
    assert_eq!(names(&decoded), ["af_purchase"]);
    let event = &decoded.events[0];
    assert_eq!(event.time_micros, Some(T0_MICROS));
    assert_eq!(field(event, "eventValue.af_revenue"), Some("9.99"));
    assert_eq!(field(event, "eventValue.af_currency"), Some("EUR"));
    assert_eq!(event.app.as_deref(), Some("com.example.shop"));
    assert_eq!(event.device.as_deref(), Some("Pixel 4"));
    assert!(kinds(event).contains(&"advertisingId"), "{:?}", kinds(event));
}

#[test]
fn appsflyer_launch_is_named_after_its_subdomain() {
    let exchange = post(
        "https://launches.appsflyer.com/api/v6.3/androidevent?app_id=com.example.shop&buildnumber=6.3.2",
        &[("Content-Type", "application/json")],
        appsflyer_body(None),
    );
    let decoded = decode_exchange(&exchange);
    assert_eq!(names(&decoded), ["launch"]);
}

#[test]
fn appsflyer_encrypted_body_is_marked_not_decoded() {
    let exchange = post(
        "https://launches.appsflyersdk.com/api/v6.12/androidevent?app_id=com.example.shop&buildnumber=6.12.2",
        &[("Content-Type", "application/octet-stream")],
        ciphertext(300),
    );
    let decoded = decode_exchange(&exchange);
    assert_eq!(decoded.tracker.as_deref(), Some("appsflyer"));
    assert!(decoded.events.is_empty());
    assert!(body_encrypted(&decoded));
    assert!(
        decoded.decode_path_summary.ends_with("encrypted"),
        "{}",
        decoded.decode_path_summary
    );
}

#[test]
fn json_with_an_event_name_elsewhere_is_not_appsflyer() {
    let exchange = post(
        "https://api.example.com/v1/track",
        &[("Content-Type", "application/json")],
        br#"{"eventName":"signup","userId":"u1"}"#.to_vec(),
    );
    assert_ne!(decode_exchange(&exchange).tracker.as_deref(), Some("appsflyer"));
}

// --- GrowingIO -------------------------------------------------------------------

const GIO_STM: i64 = 1_586_000_000_123;

fn growingio_events() -> serde_json::Value {
    json!([
        {"platform": "Android", "platformVersion": "10", "deviceId": "d6a8c1e0-4f1b-4c8e-9a55-3b5d7f0e2c11",
         "sessionId": "s-1", "eventType": "VISIT", "timestamp": T0_MILLIS, "globalSequenceId": 1,
         "eventSequenceId": 1, "domain": "com.example.news", "urlScheme": "growing.abc",
         "deviceBrand": "Xiaomi", "deviceModel": "Redmi Note 8", "appVersion": "3.1.0", "language": "zh"},
        {"platform": "Android", "deviceId": "d6a8c1e0-4f1b-4c8e-9a55-3b5d7f0e2c11", "sessionId": "s-1",
         "eventType": "PAGE", "timestamp": T0_MILLIS + 1000, "domain": "com.example.news",
         "path": "/MainActivity", "title": "首页"},
        {"platform": "Android", "deviceId": "d6a8c1e0-4f1b-4c8e-9a55-3b5d7f0e2c11", "sessionId": "s-1",
         "eventType": "CUSTOM", "eventName": "search", "timestamp": T0_MILLIS + 2000,
         "domain": "com.example.news", "attributes": {"keyword": "小米 隐私"}}
    ])
}

fn gio_url() -> String {
    format!("https://napi.growingio.com/v3/projects/91eaf9b283361032/collect?stm={GIO_STM}")
}

fn assert_growingio_events(decoded: &Decoded) {
    assert_eq!(decoded.tracker.as_deref(), Some("growingio"));
    assert_eq!(names(decoded), ["VISIT", "PAGE", "search"]);
    let search = &decoded.events[2];
    assert_eq!(search.time_micros, Some(T0_MICROS + 2_000_000));
    assert_eq!(field(search, "attributes.keyword"), Some("小米 隐私"));
    assert_eq!(search.app.as_deref(), Some("com.example.news"));
    assert_eq!(decoded.events[0].device.as_deref(), Some("Redmi Note 8"));
}

#[test]
fn growingio_json_batch_is_one_event_per_element() {
    let body = serde_json::to_vec(&growingio_events()).expect("json");
    let decoded = decode_exchange(&post(&gio_url(), &[("Content-Type", "application/json")], body));
    assert_growingio_events(&decoded);
}

#[test]
fn growingio_snappy_and_xor_are_undone() {
    let plain = serde_json::to_vec(&growingio_events()).expect("json");
    let mut body = snap::raw::Encoder::new().compress_vec(&plain).expect("snappy");
    let key = (GIO_STM & 0xFF) as u8;
    body.iter_mut().for_each(|b| *b ^= key);
    let exchange = post(
        &gio_url(),
        &[
            ("Content-Type", "application/json"),
            ("X-Compress-Codec", "2"),
            ("X-Crypt-Codec", "1"),
        ],
        body,
    );
    let decoded = decode_exchange(&exchange);
    assert_growingio_events(&decoded);
    assert!(
        decoded.events[0].decode_path.starts_with("snappy"),
        "{}",
        decoded.events[0].decode_path
    );
    let snappy = decoded
        .layers
        .iter()
        .find(|l| l.decoder == "snappy")
        .expect("snappy layer");
    assert!(
        snappy.summary.contains("XOR with stm & 0xFF (0x7b)"),
        "{}",
        snappy.summary
    );
    assert!(!body_encrypted(&decoded));
}

/// Protobuf wire helpers for `EventV3List`.
fn varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn tag_bytes(number: u64, bytes: &[u8], out: &mut Vec<u8>) {
    varint(number << 3 | 2, out);
    varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

fn tag_varint(number: u64, value: u64, out: &mut Vec<u8>) {
    varint(number << 3, out);
    varint(value, out);
}

#[test]
fn growingio_protobuf_fields_are_named_from_the_proto() {
    let mut event = Vec::new();
    tag_bytes(1, b"d6a8c1e0-4f1b-4c8e-9a55-3b5d7f0e2c11", &mut event);
    tag_varint(6, 1, &mut event); // CUSTOM
    tag_varint(8, T0_MILLIS as u64, &mut event);
    tag_bytes(9, b"com.example.news", &mut event);
    tag_bytes(22, b"add_to_cart", &mut event);
    let mut entry = Vec::new();
    tag_bytes(1, b"sku", &mut entry);
    tag_bytes(2, b"A-42", &mut entry);
    tag_bytes(24, &entry, &mut event);
    tag_bytes(49, GAID.as_bytes(), &mut event);
    let mut list = Vec::new();
    tag_bytes(1, &event, &mut list);
    let decoded = decode_exchange(&post(&gio_url(), &[("Content-Type", "application/protobuf")], list));
    assert_eq!(decoded.tracker.as_deref(), Some("growingio"));
    assert_eq!(names(&decoded), ["add_to_cart"]);
    let event = &decoded.events[0];
    assert_eq!(event.time_micros, Some(T0_MICROS));
    assert_eq!(field(event, "attributes.sku"), Some("A-42"));
    assert_eq!(field(event, "googleAdvertisingId"), Some(GAID));
    assert_eq!(event.app.as_deref(), Some("com.example.news"));
}

#[test]
fn growingio_codec_headers_elsewhere_are_not_claimed() {
    let exchange = post(
        "https://api.example.com/upload",
        &[("Content-Type", "application/json")],
        br#"[{"eventType":"x"}]"#.to_vec(),
    );
    assert_ne!(decode_exchange(&exchange).tracker.as_deref(), Some("growingio"));
}

// --- ByteDance AppLog ------------------------------------------------------------

#[test]
fn applog_pack_gives_launch_terminate_and_v3_events() {
    let pack = json!({
        "magic_tag": "ss_app_log",
        "header": {"aid": "10001", "app_name": "demo", "package": "com.example.video", "app_version": "1.2.0",
                   "device_id": "7012345678901234567", "install_id": "7012345678901234568",
                   "device_model": "SM-G9600", "device_brand": "samsung", "os_version": "10", "language": "zh"},
        "time_sync": {"server_time": 1_586_000_000, "local_time": 1_586_000_000},
        "launch": [{"local_time_ms": T0_MILLIS, "tea_event_index": 1, "session_id": "A1", "datetime": "2020-04-04 11:33:20"}],
        "event_v3": [
            {"event": "play_video", "params": "{\"video_id\":\"v-9\",\"duration\":31}", "local_time_ms": T0_MILLIS + 5000,
             "tea_event_index": 2, "session_id": "A1", "user_unique_id": "u-77"},
            {"event": "bav2b_page", "params": {"page_key": "HomeActivity"}, "local_time_ms": T0_MILLIS + 6000,
             "tea_event_index": 3, "session_id": "A1"}
        ],
        "terminate": [{"local_time_ms": T0_MILLIS + 60_000, "duration": 60, "session_id": "A1"}]
    });
    let exchange = post(
        "https://log.snssdk.com/service/2/app_log/?aid=10001&device_platform=android",
        &[("Content-Type", "application/json; charset=utf-8")],
        serde_json::to_vec(&pack).expect("json"),
    );
    let decoded = decode_exchange(&exchange);
    assert_eq!(decoded.tracker.as_deref(), Some("bytedance-applog"));
    assert_eq!(names(&decoded), ["launch", "terminate", "play_video", "bav2b_page"]);
    let play = &decoded.events[2];
    assert_eq!(play.time_micros, Some(T0_MICROS + 5_000_000));
    assert_eq!(field(play, "params.video_id"), Some("v-9"));
    assert_eq!(field(play, "params.duration"), Some("31"));
    assert_eq!(play.app.as_deref(), Some("com.example.video"));
    assert_eq!(play.device.as_deref(), Some("SM-G9600"));
    assert_eq!(field(&decoded.events[3], "params.page_key"), Some("HomeActivity"));
}

#[test]
fn applog_encrypted_pack_is_marked() {
    let exchange = post(
        "https://log.snssdk.com/service/2/app_log/?tt_data=a&aid=10001",
        &[("Content-Type", "application/octet-stream;tt-data=a")],
        ciphertext(400),
    );
    let decoded = decode_exchange(&exchange);
    assert_eq!(decoded.tracker.as_deref(), Some("bytedance-applog"));
    assert!(decoded.events.is_empty());
    assert!(body_encrypted(&decoded));
}

#[test]
fn json_without_the_magic_tag_is_not_applog() {
    let exchange = post(
        "https://api.example.com/service/2/app_log/",
        &[("Content-Type", "application/json")],
        br#"{"event_v3":[{"event":"x","local_time_ms":1586000000000}]}"#.to_vec(),
    );
    assert_ne!(decode_exchange(&exchange).tracker.as_deref(), Some("bytedance-applog"));
}

// --- Tencent MTA, Umeng, AppMetrica: encrypted bodies ------------------------------

#[test]
fn tencent_mta_rc4_body_is_marked_encrypted() {
    let exchange = post(
        "http://pingma.qq.com:80/mstat/report",
        &[("Content-Type", "json"), ("Content-Encoding", "rc4,gzip")],
        ciphertext(500),
    );
    let decoded = decode_exchange(&exchange);
    assert_eq!(decoded.tracker.as_deref(), Some("tencent-mta"));
    assert!(decoded.events.is_empty());
    assert!(body_encrypted(&decoded));
    let note = decoded.layers[0].note.as_deref().unwrap_or_default();
    assert!(note.contains("RC4") && note.contains("rc4,gzip"), "{note}");
    // Through a proxy the SDK says it in X-Content-Encoding.
    let proxied = post(
        "http://10.0.0.172/mstat/report",
        &[("X-Content-Encoding", "rc4")],
        ciphertext(100),
    );
    assert_eq!(decode_exchange(&proxied).tracker.as_deref(), Some("tencent-mta"));
}

#[test]
fn ordinary_gzip_is_not_tencent_mta() {
    let exchange = post(
        "https://api.example.com/x",
        &[("Content-Encoding", "gzip")],
        ciphertext(50),
    );
    assert_ne!(decode_exchange(&exchange).tracker.as_deref(), Some("tencent-mta"));
}

#[test]
fn umeng_envelope_is_marked_and_json_is_left_alone() {
    let envelope = post(
        "https://ulogs.umeng.com/unify_logs",
        &[("Content-Type", "envelope/json")],
        ciphertext(600),
    );
    let decoded = decode_exchange(&envelope);
    assert_eq!(decoded.tracker.as_deref(), Some("umeng"));
    assert!(body_encrypted(&decoded));
    let json_body = post(
        "https://ulogs.umeng.com/unify_logs",
        &[("Content-Type", "application/json")],
        br#"{"header":{"appkey":"5d030d6f570df379b7000e70"}}"#.to_vec(),
    );
    assert_ne!(decode_exchange(&json_body).tracker.as_deref(), Some("umeng"));
}

#[test]
fn appmetrica_report_is_marked_and_query_data_is_named() {
    let exchange = post(
        &format!(
            "https://report.appmetrica.yandex.net/report?deviceid=4f1d2c3b4a5968778695a4b3c2d1e0f1&uuid=0123456789abcdef0123456789abcdef&app_id=com.example.maps&model=Pixel%204&manufacturer=Google&adv_id={GAID}"
        ),
        &[("Content-Type", "application/octet-stream")],
        ciphertext(700),
    );
    let decoded = decode_exchange(&exchange);
    assert_eq!(decoded.tracker.as_deref(), Some("appmetrica"));
    assert!(decoded.events.is_empty());
    assert!(body_encrypted(&decoded));
    let kinds: Vec<&str> = decoded.data_types.iter().map(|t| t.data_type.kind.as_str()).collect();
    assert!(kinds.contains(&"advertisingId"), "{kinds:?}");
    let startup = Exchange {
        method: "GET".into(),
        url: "https://startup.mobile.yandex.net/analytics/startup?deviceid=x".into(),
        host: "startup.mobile.yandex.net".into(),
        ..Default::default()
    };
    assert_ne!(decode_exchange(&startup).tracker.as_deref(), Some("appmetrica"));
}

// --- Attribution over every fixture ----------------------------------------------

fn capture_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            capture_files(&path, out);
            continue;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let capture = [".har", ".zhar", ".flow", ".mitm", ".xml", ".pcap", ".pcapng", ".burp"]
            .iter()
            .any(|ext| name.ends_with(ext));
        if capture {
            out.push(path);
        }
    }
}

#[test]
fn every_request_to_a_catalogued_host_has_its_company_after_import() {
    let mut files = Vec::new();
    capture_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
        &mut files,
    );
    // The repo's copies of the public and real fixtures (tests/fixtures/*/
    // SOURCES.md): CI checks out the repository alone.
    let dir = tempfile::tempdir().expect("tempdir");
    let case = dir.path().join("all.telltale");
    let case_arg = case.to_str().expect("utf-8 path");
    let mut imported = 0;
    for file in &files {
        let out = Command::new(env!("CARGO_BIN_EXE_telltale"))
            .args(["import", case_arg, file.to_str().expect("utf-8 path"), "--again"])
            .output()
            .expect("run telltale import");
        // Broken fixtures are refused with an error; the others must import.
        if out.status.success() {
            imported += 1;
        }
    }
    assert!(imported >= 40, "only {imported} of {} fixtures imported", files.len());
    let out = Command::new(env!("CARGO_BIN_EXE_telltale"))
        .args(["exchanges", case_arg, "--json"])
        .output()
        .expect("run telltale exchanges");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("exchanges --json");
    let mut catalogued = 0;
    let mut companies = std::collections::BTreeSet::new();
    for row in &rows {
        let host = row["host"].as_str().unwrap_or_default();
        let Some(entry) = company_for_host(host) else { continue };
        catalogued += 1;
        assert_eq!(row["company"].as_str(), Some(entry.company.as_str()), "request {row}");
        assert_eq!(row["category"].as_str(), Some(entry.category.as_str()), "request {row}");
        companies.insert(entry.company.clone());
    }
    // The real Android first run alone sends 16 requests to Facebook, Branch and Bugsnag.
    assert!(
        catalogued >= 16,
        "only {catalogued} catalogued requests of {}",
        rows.len()
    );
    for company in ["Facebook (Meta)", "Branch", "Bugsnag (SmartBear)", "Google"] {
        assert!(companies.contains(company), "{company} missing from {companies:?}");
    }
}
