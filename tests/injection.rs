//! Captured content is hostile; none of it may steer Telltale. SQL values
//! are bound, FTS needles are phrases, CSV cells cannot become formulas,
//! PDF content is data, names from captures never choose where Telltale
//! reads or writes, and nothing opens a socket or runs a program (checked
//! from outside with `strace`, installed by `.ci/run`).

use crate::capture_builder::{har, har_entry};
use crate::case_cli::telltale;
use std::path::{Path, PathBuf};
use telltale::store::{Case, EventFilter, ImportOptions, NoObserver};

/// Needles that are FTS5 or SQL syntax when spliced; each must be found
/// literally where it was planted, and nowhere else.
const NEEDLES: &[&str] = &[
    "\"",
    "say \"hi\" there",
    "NEAR(",
    "NEAR(a b, 2)",
    "*",
    "pre*",
    "') OR 1=1 --",
    "\" OR \"\"=\"",
    "col:value",
    "fields:secret",
    "a AND b",
    "NOT this",
    "^start",
    "x; DROP TABLE events; --",
    "%_\\",
];

/// One generic-tracker event per needle, its `q` field holding the needle
/// between other text; and a decoy event holding only the parts after a `:`.
fn planted_case(dir: &Path) -> (Case, PathBuf) {
    let entries = NEEDLES
        .iter()
        .enumerate()
        .map(|(i, needle)| {
            let body = serde_json::json!([{"event": "typed", "time": 1_588_248_000_000i64 + i as i64, "q": format!("before {needle} after")}]);
            har_entry(
                &format!("https://logs.example.org/v1/events?n={i}"),
                "POST",
                Some(("application/json", &body.to_string())),
                &[("Content-Type", "application/json")],
            )
        })
        .chain(std::iter::once(har_entry(
            "https://logs.example.org/v1/events?decoy",
            "POST",
            Some((
                "application/json",
                r#"[{"event":"decoy","time":1588248999000,"q":"value secret this start"}]"#,
            )),
            &[("Content-Type", "application/json")],
        )))
        .collect();
    let path = dir.join("planted.telltale");
    let mut case = Case::create_or_open(&path).expect("case");
    case.import_bytes(
        "planted.har",
        None,
        &har(entries),
        &ImportOptions {
            session: Some("'); DROP TABLE events; --".into()),
            app: Some("\" OR 1=1 --".into()),
            ..ImportOptions::default()
        },
        &mut NoObserver,
    )
    .expect("import");
    (case, path)
}

#[test]
fn fts_syntax_in_needles_is_searched_literally_and_never_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (case, _) = planted_case(dir.path());
    for needle in NEEDLES {
        let hits = case
            .search(&[needle.to_string()])
            .unwrap_or_else(|e| panic!("search {needle:?} failed: {e}"));
        // Inside JSON a quote or backslash is stored escaped: that hit is
        // the json-escaped form of the same literal text.
        let plain: Vec<_> = hits
            .iter()
            .filter(|h| h.transform == "plain" || h.transform == "json-escaped")
            .collect();
        assert!(!plain.is_empty(), "{needle:?} was planted but not found");
        for hit in &plain {
            let fields = case.event_detail_fields(hit);
            assert!(fields.contains(needle), "{needle:?} matched {fields:?}");
        }
    }
    let absent = case.search(&["NEAR(zz yy)\" *".to_string()]).expect("search runs");
    assert!(absent.is_empty(), "{absent:?}");
}

/// Everything a hit may have matched: the field values of its exchange's
/// events, its URL and the text of its exchange's layers.
trait HitText {
    fn event_detail_fields(&self, hit: &telltale::analysis::SearchHit) -> String;
}

impl HitText for Case {
    fn event_detail_fields(&self, hit: &telltale::analysis::SearchHit) -> String {
        let mut texts: Vec<String> = self
            .events(&EventFilter::default())
            .expect("events")
            .into_iter()
            .filter(|e| e.exchange_id == hit.exchange_id)
            .flat_map(|e| {
                let mut values: Vec<String> = e
                    .fields
                    .values()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
                values.push(e.url);
                values
            })
            .collect();
        texts.extend(
            self.exchange_layers(hit.exchange_id)
                .expect("layers")
                .into_iter()
                .filter_map(|l| l.text),
        );
        texts.join("\n")
    }
}

#[test]
fn sql_syntax_in_names_and_filters_stays_a_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (case, path) = planted_case(dir.path());
    let all = case.events(&EventFilter::default()).expect("events");
    assert_eq!(all.len(), NEEDLES.len() + 1, "every table is still there");
    let by_session = case
        .events(&EventFilter {
            session: Some("'); DROP TABLE events; --".into()),
            ..EventFilter::default()
        })
        .expect("filter by session");
    assert_eq!(by_session.len(), all.len());
    for tracker in ["x' OR '1'='1", "generic' --", "\" OR \"\"=\""] {
        let none = case
            .events(&EventFilter {
                tracker: Some(tracker.into()),
                ..EventFilter::default()
            })
            .expect("filter by tracker");
        assert!(none.is_empty(), "{tracker:?} matched {} events", none.len());
    }
    let by_app = case
        .events(&EventFilter {
            app: Some("\" OR 1=1 --".into()),
            ..EventFilter::default()
        })
        .expect("filter by app");
    assert_eq!(by_app.len(), all.len());
    drop(case);
    let note = "'); DELETE FROM annotations; --";
    let out = telltale(&[
        "annotate",
        path.to_str().expect("utf-8"),
        "--event",
        "1",
        "--note",
        note,
        "--tag",
        "' OR 1=1",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let case = Case::open_existing(&path).expect("open");
    let annotations = case.annotations().expect("annotations");
    assert_eq!(annotations.len(), 1);
    assert_eq!(annotations[0].note, note);
    assert_eq!(annotations[0].tags, ["' OR 1=1"]);
}

/// Rust source files under `dir`, recursively.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("list src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            found.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

#[test]
fn only_the_store_speaks_sql_and_it_splices_no_quoted_values() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for path in sources(&src) {
        let text = std::fs::read_to_string(&path).expect("read source");
        let in_store = path.starts_with(src.join("store"));
        if !in_store {
            assert!(
                !text.contains("rusqlite"),
                "{} speaks SQL outside src/store",
                path.display()
            );
            continue;
        }
        // A value spliced into SQL text shows as a placeholder inside SQL
        // quotes ('{name}', or '{}' in a format!); bound values are ?N, and
        // a literal '{}' (an empty JSON object) is fine.
        for (number, line) in text.lines().enumerate() {
            let named = line
                .match_indices("'{")
                .any(|(at, _)| line[at + 2..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'));
            let positional = line.contains("format!(") && line.contains("'{}'");
            let spliced = named || positional;
            assert!(
                !spliced,
                "{}:{}: value spliced into SQL: {line}",
                path.display(),
                number + 1
            );
        }
    }
}

#[test]
fn csv_cells_cannot_start_a_formula() {
    for cell in ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"] {
        let safe = telltale::export::neutralize_formula(cell);
        assert!(safe.starts_with('\''), "{cell:?} → {safe:?}");
        assert_eq!(&safe[1..], cell);
    }
    assert_eq!(telltale::export::neutralize_formula("plain, text"), "plain, text");
}

#[test]
fn typst_markup_in_captures_is_shown_never_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let payload = "#read(\"/etc/passwd\") #include \"/etc/hostname\" ]) #panic()";
    let capture = dir.path().join("markup.har");
    let url = format!(
        "https://typst.example/{}",
        payload.replace(' ', "%20").replace('"', "%22").replace('#', "%23")
    );
    let body = serde_json::json!([{"event": payload, "time": 1_588_248_000_000i64}]).to_string();
    std::fs::write(
        &capture,
        har(vec![har_entry(
            &url,
            "POST",
            Some(("application/json", &body)),
            &[("Content-Type", "application/json")],
        )]),
    )
    .expect("write");
    let case = dir.path().join("case.telltale");
    let case_arg = case.to_str().expect("utf-8");
    assert!(
        telltale(&["import", case_arg, capture.to_str().expect("utf-8")])
            .status
            .success()
    );
    assert!(
        telltale(&[
            "annotate",
            case_arg,
            "--event",
            "1",
            "--note",
            payload,
            "--severity",
            "finding"
        ])
        .status
        .success()
    );
    let pdf = dir.path().join("report.pdf");
    let out = telltale(&[
        "export",
        case_arg,
        "--pdf",
        pdf.to_str().expect("utf-8"),
        "--findings-only",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (apt-get install -y poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("#read(\"/etc/passwd\")"), "shown as text: {text}");
    assert!(!text.contains("root:"), "a file was read into the report");
}

#[test]
fn file_names_from_captures_choose_no_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let work = dir.path().join("work");
    std::fs::create_dir(&work).expect("mkdir");
    let marker = format!("telltale-evil-{}", std::process::id());
    let body = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"../../{marker}\"\r\nContent-Type: text/plain\r\n\r\nowned\r\n--XyZ--\r\n"
    );
    let mut entry = har_entry(
        "https://upload.example/u",
        "POST",
        Some(("multipart/form-data; boundary=XyZ", &body)),
        &[("Content-Type", "multipart/form-data; boundary=XyZ")],
    );
    entry["response"]["headers"] = serde_json::json!([{"name": "Content-Disposition", "value": format!("attachment; filename=\"/tmp/{marker}\"")}]);
    entry["response"]["content"] = serde_json::json!({"mimeType": "text/plain", "_file": format!("../{marker}")});
    let capture = work.join("names.har");
    std::fs::write(&capture, har(vec![entry])).expect("write");
    let case = work.join("case.telltale");
    let case_arg = case.to_str().expect("utf-8");
    let out = telltale(&["import", case_arg, capture.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let export = work.join("all.json");
    assert!(
        telltale(&["export", case_arg, "--json", export.to_str().expect("utf-8")])
            .status
            .success()
    );
    for place in [dir.path().to_path_buf(), work.clone(), PathBuf::from("/tmp")] {
        assert!(
            !place.join(&marker).exists(),
            "a capture chose the path {}",
            place.join(&marker).display()
        );
    }
    let listed: Vec<String> = std::fs::read_dir(&work)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    for name in &listed {
        assert!(
            [
                "names.har",
                "case.telltale",
                "case.telltale-wal",
                "case.telltale-shm",
                "all.json"
            ]
            .contains(&name.as_str()),
            "unexpected file {name}"
        );
    }
}

/// Runs `program args…` under `strace -f`, returning the traced calls that
/// open sockets, connect or start programs.
fn traced_calls(program: &str, args: &[&str], trace_dir: &Path) -> Vec<String> {
    let log = trace_dir.join(format!("strace-{}.log", args.first().copied().unwrap_or("run")));
    let status = std::process::Command::new("strace")
        .arg("-f")
        .arg("-qq")
        .arg("-e")
        .arg("trace=socket,connect,sendto,sendmsg,execve")
        .arg("-o")
        .arg(&log)
        .arg(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("strace runs (apt-get install -y strace)");
    assert!(status.code().is_some(), "traced program was killed");
    let text = std::fs::read_to_string(&log).expect("strace log");
    text.lines()
        .filter(|line| {
            ["socket(", "connect(", "sendto(", "sendmsg(", "execve("]
                .iter()
                .any(|c| line.contains(c))
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn import_search_and_export_open_no_socket_and_run_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The sounding board: a command that does open a socket is seen.
    let control = traced_calls("bash", &["-c", "exec 3<>/dev/tcp/127.0.0.1/9 || true"], dir.path());
    assert!(
        control.iter().any(|c| c.contains("socket(")),
        "strace sees sockets: {control:?}"
    );

    let telltale_bin = env!("CARGO_BIN_EXE_telltale");
    let case = dir.path().join("case.telltale");
    let case_arg = case.to_str().expect("utf-8");
    let capture = dir.path().join("fetch-me.har");
    let mut entry = har_entry(
        "http://127.0.0.1:9/collect?u=http%3A%2F%2F127.0.0.1%3A9%2F",
        "GET",
        None,
        &[("Referer", "http://127.0.0.1:9/")],
    );
    entry["response"]["content"] = serde_json::json!({"mimeType": "text/html", "text": "<img src=\"http://127.0.0.1:9/x.png\"><script src=\"https://127.0.0.1:9/a.js\"></script>", "_file": "http://127.0.0.1:9/body"});
    std::fs::write(&capture, har(vec![entry])).expect("write");
    let pdf = dir.path().join("r.pdf");
    let csv = dir.path().join("r.csv");
    let json = dir.path().join("r.json");
    let runs: Vec<Vec<&str>> = vec![
        vec!["import", case_arg, capture.to_str().expect("utf-8")],
        vec!["annotate", case_arg, "--exchange", "1", "--note", "http://127.0.0.1:9/"],
        vec!["search", case_arg, "127.0.0.1"],
        vec![
            "export",
            case_arg,
            "--pdf",
            pdf.to_str().expect("utf-8"),
            "--csv",
            csv.to_str().expect("utf-8"),
            "--json",
            json.to_str().expect("utf-8"),
        ],
        vec!["verify", case_arg],
    ];
    for args in runs {
        let calls = traced_calls(telltale_bin, &args, dir.path());
        let execs: Vec<&String> = calls.iter().filter(|c| c.contains("execve(")).collect();
        assert_eq!(execs.len(), 1, "{args:?} started programs: {execs:?}");
        let network: Vec<&String> = calls.iter().filter(|c| !c.contains("execve(")).collect();
        assert!(network.is_empty(), "{args:?} used the network: {network:?}");
    }
    assert!(pdf.exists() && csv.exists() && json.exists());
}
