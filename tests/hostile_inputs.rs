//! Runs the bad-input corpus (`hostile_corpus.rs`) through the real binary.
//!
//! For every case: a copy of a case that already holds the demo sessions
//! and an annotation gets `telltale import CASE INPUT`. The run must end in
//! exit 0 or exit 1 with exactly one line on stderr naming the file — never
//! a panic, a signal, more than 1 GiB of peak memory (GNU time) or more
//! than a minute — and afterwards the case must pass `verify` and still
//! hold exactly what it held before. Slow cases: `cargo test --release
//! --test tests hostile -- --ignored`.

use crate::capture_builder::{HANG_LIMIT, Run, har, har_entry, run_measured};
use crate::hostile_corpus::{Expect, HostileCase, cases};
use std::path::{Path, PathBuf};
use telltale::model::{AnnotationEdit, EventId, Severity, Target};
use telltale::store::Case;

/// Peak memory a hostile input may cost (the bound).
const MAX_RSS_KB: u64 = 1024 * 1024;

/// What a case holds that no failed or odd import may change.
#[derive(Debug, PartialEq)]
struct Snapshot {
    sessions: Vec<String>,
    annotations: Vec<String>,
    history: usize,
}

fn snapshot(path: &Path) -> Snapshot {
    let case = Case::open_existing(path).expect("open case");
    let report = case.verify().expect("verify");
    assert!(report.problems.is_empty(), "verify: {:?}", report.problems);
    Snapshot {
        sessions: case
            .sessions()
            .expect("sessions")
            .iter()
            .map(|s| {
                format!(
                    "{}|{}|{}|{}|{:?}",
                    s.name, s.mode, s.exchange_count, s.event_count, s.sources
                )
            })
            .collect(),
        annotations: case
            .annotations()
            .expect("annotations")
            .iter()
            .map(|a| format!("{a:?}"))
            .collect(),
        history: case.all_annotation_history().expect("history").len(),
    }
}

/// A case with the demo sessions and one annotation, made once per test.
fn template(dir: &Path) -> PathBuf {
    let path = dir.join("template.telltale");
    let mut case = Case::create_or_open(&path).expect("create case");
    case.import_demo().expect("demo");
    let edit = AnnotationEdit {
        severity: Some(Severity::Finding),
        note: Some("search sent in incognito".into()),
        tags: Some(vec!["canary".into()]),
    };
    case.annotate_as(Target::Event(EventId(16)), &edit, "ana")
        .expect("annotate");
    drop(case);
    assert!(
        !dir.join("template.telltale-wal").exists(),
        "closed case has no WAL left"
    );
    path
}

fn check_run(hostile: &HostileCase, input: &Path, run: &Run) {
    let name = &hostile.name;
    assert!(!run.hung, "{name}: still running after {HANG_LIMIT:?}");
    assert!(
        run.max_rss_kb > 0 && run.max_rss_kb <= MAX_RSS_KB,
        "{name}: peak memory {} KiB",
        run.max_rss_kb
    );
    assert!(!run.stderr.contains("panicked"), "{name}: panic: {}", run.stderr);
    match run.code {
        Some(0) => assert_ne!(
            hostile.expect,
            Expect::Refused,
            "{name}: imported but should be refused"
        ),
        Some(1) => {
            assert_ne!(hostile.expect, Expect::Imported, "{name}: refused: {}", run.stderr);
            let lines: Vec<&str> = run.stderr.lines().collect();
            assert_eq!(lines.len(), 1, "{name}: one line on stderr, got {:?}", run.stderr);
            let shown = input.display().to_string();
            assert!(
                lines[0].contains(&shown),
                "{name}: the line names the file: {}",
                lines[0]
            );
        }
        other => panic!("{name}: exit {other:?}: {}", run.stderr),
    }
}

fn run_case(hostile: &HostileCase, template: &Path, root: &Path, index: usize) {
    let dir = root.join(format!("case-{index}"));
    std::fs::create_dir(&dir).expect("case dir");
    let case_path = dir.join("case.telltale");
    std::fs::copy(template, &case_path).expect("copy template");
    let before = snapshot(&case_path);
    let input = (hostile.write)(&dir);
    let run = run_measured(
        &[
            "import",
            case_path.to_str().expect("utf-8"),
            input.to_str().expect("utf-8"),
        ],
        &dir,
    );
    eprintln!(
        "{:<60} exit {:?}, {} KiB peak: {}",
        hostile.name,
        run.code,
        run.max_rss_kb,
        run.stderr.lines().next().unwrap_or("")
    );
    check_run(hostile, &input, &run);
    let mut after = snapshot(&case_path);
    if run.code == Some(0) {
        let new = after.sessions.len() - before.sessions.len();
        assert!(new <= 1, "{}: {new} new sessions", hostile.name);
        after.sessions.retain(|s| before.sessions.contains(s));
        if let Some(check) = hostile.check {
            let conn = rusqlite::Connection::open_with_flags(&case_path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .expect("open read-only");
            check(&conn);
        }
    }
    assert_eq!(before, after, "{}: the case changed", hostile.name);
    // Big inputs are not kept around for the rest of the run.
    let _ = std::fs::remove_dir_all(&dir);
}

fn run_cases(select: impl Fn(&HostileCase) -> bool) -> usize {
    let root = tempfile::tempdir().expect("tempdir");
    let template = template(root.path());
    let mut count = 0;
    for (index, hostile) in cases().iter().enumerate().filter(|(_, c)| select(c)) {
        run_case(hostile, &template, root.path(), index);
        count += 1;
    }
    count
}

#[test]
fn hostile_corpus_has_at_least_forty_cases() {
    assert!(cases().len() >= 40, "{} cases", cases().len());
}

#[test]
fn hostile_inputs_end_cleanly_and_leave_the_case_as_it_was() {
    let ran = run_cases(|c| !c.slow);
    assert!(ran >= 40, "ran {ran} cases");
}

#[test]
#[ignore = "slow: cargo test --release --test tests hostile -- --ignored"]
fn hostile_inputs_slow_cases() {
    assert!(run_cases(|c| c.slow) >= 1);
}

/// Many tiny captures, each its own session, in one `import` run.
fn many_tiny_files(count: usize) {
    let root = tempfile::tempdir().expect("tempdir");
    let case = root.path().join("case.telltale");
    let case_arg = case.to_str().expect("utf-8").to_string();
    let mut files = Vec::new();
    for i in 0..count {
        let path = root.path().join(format!("tiny-{i}.har"));
        let url = format!("https://tiny.example/{i}?q={i}");
        std::fs::write(&path, har(vec![har_entry(&url, "GET", None, &[])])).expect("write");
        files.push(path.to_str().expect("utf-8").to_string());
    }
    // A command line has a size limit: a thousand files per run.
    for chunk in files.chunks(1000) {
        let mut args = vec!["import", case_arg.as_str()];
        args.extend(chunk.iter().map(String::as_str));
        let run = run_measured(&args, root.path());
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(run.max_rss_kb <= MAX_RSS_KB, "{} KiB", run.max_rss_kb);
        assert!(!run.hung);
    }
    let opened = Case::open_existing(&case).expect("open");
    let sessions = opened.sessions().expect("sessions");
    assert_eq!(sessions.len(), count);
    assert!(sessions.iter().all(|s| s.exchange_count == 1));
    assert!(opened.verify().expect("verify").problems.is_empty());
}

#[test]
fn three_hundred_tiny_files_become_three_hundred_sessions() {
    many_tiny_files(300);
}

#[test]
#[ignore = "slow: cargo test --release --test tests hostile -- --ignored"]
fn hostile_hundred_thousand_tiny_files() {
    many_tiny_files(100_000);
}
