//! The case file through the real `telltale` binary: imports, refusals,
//! sessions JSON, verify, and that failures leave the case as it was.

use crate::common::fixture;
use std::path::Path;
use std::process::{Command, Output};

pub fn telltale(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_telltale"))
        .args(args)
        .output()
        .expect("run telltale")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

fn sessions_json(case: &Path) -> serde_json::Value {
    let out = telltale(&["sessions", path_str(case), "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("sessions --json is JSON")
}

#[test]
fn import_then_sessions_json_reports_counts_and_sources() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = dir.path().join("case.telltale");
    let har = fixture("har/mitmproxy__firefox.har");
    let out = telltale(&[
        "import",
        path_str(&case),
        path_str(&har),
        "--app",
        "firefox",
        "--mode",
        "incognito",
        "--device",
        "laptop",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("14 exchanges"), "{}", text(&out.stderr));
    let sessions = sessions_json(&case);
    let s = &sessions[0];
    assert_eq!(s["name"], "mitmproxy__firefox.har");
    assert_eq!(s["app"], "firefox");
    assert_eq!(s["device"], "laptop");
    assert_eq!(s["mode"], "incognito");
    assert_eq!(s["exchange_count"], 14);
    assert_eq!(s["sources"][0]["format"], "har");
    assert_eq!(
        s["sources"][0]["sha256"],
        "475d4c9306aa40fced5e5e8cc7c371df1fdce7270cd2e5aed10d76f283712790"
    );
    assert_eq!(s["sources"][0]["size_bytes"], 260_557);
    let start = s["start_time"].as_str().expect("start_time");
    assert!(
        start.ends_with('Z') && start.len() == "2023-04-03T10:01:02.345000Z".len(),
        "{start}"
    );
    let verify = telltale(&["verify", path_str(&case)]);
    assert!(verify.status.success(), "{}", text(&verify.stderr));
}

#[test]
fn several_files_into_one_named_session() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = dir.path().join("c.telltale");
    let a = fixture("har/mitmproxy__chrome.har");
    let b = fixture("har/mitmproxy__safari.har");
    let out = telltale(&[
        "import",
        path_str(&case),
        path_str(&a),
        path_str(&b),
        "--session",
        "normal run",
        "--mode",
        "normal",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sessions = sessions_json(&case);
    assert_eq!(sessions.as_array().map(Vec::len), Some(1));
    assert_eq!(sessions[0]["exchange_count"], 3 + 19);
    assert_eq!(sessions[0]["sources"].as_array().map(Vec::len), Some(2));
}

#[test]
fn reimport_is_refused_unless_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = dir.path().join("c.telltale");
    let har = fixture("har/mitmproxy__chrome.har");
    assert!(telltale(&["import", path_str(&case), path_str(&har)]).status.success());
    let again = telltale(&["import", path_str(&case), path_str(&har)]);
    assert_eq!(again.status.code(), Some(1));
    let message = text(&again.stderr);
    assert!(
        message.contains("already imported") && message.contains("mitmproxy__chrome.har"),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "{message}");
    let forced = telltale(&[
        "import",
        path_str(&case),
        path_str(&har),
        "--again",
        "--session",
        "second",
    ]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    assert_eq!(sessions_json(&case).as_array().map(Vec::len), Some(2));
}

#[test]
fn broken_file_leaves_the_case_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = dir.path().join("c.telltale");
    let good = fixture("har/mitmproxy__chrome.har");
    assert!(telltale(&["import", path_str(&case), path_str(&good)]).status.success());
    let before = sessions_json(&case);
    for broken in [
        "har/broken/harviewer__not-json.har",
        "har/broken/mitmproxy__brokenfile.har",
    ] {
        let path = fixture(broken);
        let out = telltale(&[
            "import",
            path_str(&case),
            path_str(&path),
            "--session",
            "should not exist",
        ]);
        assert_eq!(out.status.code(), Some(1), "{broken}");
        let message = text(&out.stderr);
        assert_eq!(message.lines().count(), 1, "{message}");
        assert!(message.contains(path_str(&path)), "names the file: {message}");
    }
    assert_eq!(sessions_json(&case), before);
    assert!(telltale(&["verify", path_str(&case)]).status.success());
}

#[test]
fn usage_errors_exit_2_and_missing_case_exits_1() {
    assert_eq!(telltale(&["import"]).status.code(), Some(2));
    assert_eq!(
        telltale(&["import", "x.telltale", "a.har", "--mode", "sideways"])
            .status
            .code(),
        Some(2)
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope.telltale");
    let out = telltale(&["sessions", path_str(&missing)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no such case file"), "{}", text(&out.stderr));
}

#[test]
fn verify_detects_tampered_evidence() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = dir.path().join("c.telltale");
    let har = fixture("har/mitmproxy__insomnia.har");
    assert!(telltale(&["import", path_str(&case), path_str(&har)]).status.success());
    let conn = rusqlite::Connection::open(&case).expect("open");
    conn.execute("UPDATE source_chunks SET bytes = x'00'", [])
        .expect("tamper");
    drop(conn);
    let out = telltale(&["verify", path_str(&case)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("mitmproxy__insomnia.har: stored bytes do not match"),
        "{}",
        text(&out.stderr)
    );
}

/// Cancels after `after` exchanges, as the GUI's Cancel button does.
struct CancelAfter {
    after: u64,
}

impl telltale::store::ImportObserver for CancelAfter {
    fn progress(&mut self, progress: &telltale::store::ImportProgress) -> telltale::ingest::Flow {
        if progress.exchanges >= self.after {
            telltale::ingest::Flow::Stop
        } else {
            telltale::ingest::Flow::Continue
        }
    }
}

#[test]
fn cancelled_import_leaves_no_trace() {
    use telltale::store::{Case, ImportOptions};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.telltale");
    let mut case = Case::create_or_open(&path).expect("case");
    let first = fixture("har/mitmproxy__chrome.har");
    case.import_file(&first, &ImportOptions::default(), &mut telltale::store::NoObserver)
        .expect("import");
    let before = case.sessions().expect("sessions");
    let big = fixture("har/harviewer__fiddler2_noPages.har");
    let options = ImportOptions {
        session: Some("cancelled".into()),
        ..ImportOptions::default()
    };
    let result = case.import_file(&big, &options, &mut CancelAfter { after: 10 });
    assert!(result.is_err_and(|e| e.to_string().contains("cancelled")));
    assert_eq!(case.sessions().expect("sessions"), before);
    // The same file imports afterwards: nothing of the cancelled attempt remains.
    let again = case
        .import_file(&big, &options, &mut telltale::store::NoObserver)
        .expect("import after cancel");
    assert_eq!(again.exchanges, 87);
    assert!(case.verify().expect("verify").problems.is_empty());
}

/// `telltale events CASE --json | head -c 300`: the reader closes the pipe
/// early, and the listing ends quietly with exit 0 (it printed "Broken pipe
/// (os error 32)" and exited 1).
#[test]
fn a_reader_that_closes_the_pipe_early_ends_the_listing_quietly() {
    use std::io::Read as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let case = dir.path().join("demo.telltale");
    let demo = telltale(&["demo", path_str(&case)]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let mut child = Command::new(env!("CARGO_BIN_EXE_telltale"))
        .args(["events", path_str(&case), "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut head = [0u8; 300];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut head)
        .expect("300 bytes");
    // The pipe closes here; the demo's 426 events are far more than a pipe holds.
    let out = child.wait_with_output().expect("wait");
    assert!(head.starts_with(b"["), "{}", text(&head));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
}
