//! An import in progress never blocks an annotation and never shows: a real
//! `telltale import` child process with a concurrent `telltale annotate`,
//! then `kill -9` mid-import; the window's worker annotating while its
//! import thread writes; a Cancel clicked while an import is still queued.

use crate::synthetic;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use telltale::jobs::{Jobs, Reply, Request};
use telltale::model::{AnnotationEdit, Target};
use telltale::store::{Case, ImportOptions, NoObserver};

/// Entries of the HAR that takes long enough to import (a debug build
/// writes a few thousand a second).
const BIG_ENTRIES: usize = 40_000;

fn telltale() -> Command {
    Command::new(env!("CARGO_BIN_EXE_telltale"))
}

fn big_har(dir: &Path) -> PathBuf {
    let path = dir.join("big.har");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    synthetic::write_har(synthetic::Shape::single(BIG_ENTRIES), &mut out).expect("write");
    std::io::Write::flush(&mut out).expect("flush");
    path
}

/// A case on disk holding the demo's normal session.
fn case_with_one_session(dir: &Path) -> PathBuf {
    let path = dir.join("case.telltale");
    let mut case = Case::create_or_open(&path).expect("case");
    let options = ImportOptions {
        session: Some("normal".into()),
        ..ImportOptions::default()
    };
    case.import_bytes(
        "normal.har",
        None,
        telltale::demo::NORMAL_HAR,
        &options,
        &mut NoObserver,
    )
    .expect("import");
    path
}

/// Rows the running import has written into its staging session so far.
pub(crate) fn staged_exchanges(case: &Path) -> i64 {
    let conn = rusqlite::Connection::open(case).expect("open");
    conn.query_row(
        "SELECT count(*) FROM exchanges WHERE session_id IN (SELECT session_id FROM sessions WHERE import_token IS NOT NULL)",
        [],
        |r| r.get(0),
    )
    .unwrap_or(0)
}

/// Staging sessions (running or abandoned imports) in the case file.
pub(crate) fn staging_sessions(case: &Path) -> i64 {
    let conn = rusqlite::Connection::open(case).expect("open");
    conn.query_row(
        "SELECT count(*) FROM sessions WHERE import_token IS NOT NULL",
        [],
        |r| r.get(0),
    )
    .unwrap_or(0)
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(300);
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn session_names(case: &Path) -> Vec<String> {
    let output = telltale()
        .args(["sessions", case.to_str().expect("utf-8"), "--json"])
        .output()
        .expect("run sessions");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let sessions: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    sessions
        .as_array()
        .expect("array")
        .iter()
        .map(|s| s["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn annotate_from_a_second_process_succeeds_while_an_import_runs_and_a_killed_import_leaves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let har = big_har(dir.path());
    let case = case_with_one_session(dir.path());
    let case_arg = case.to_str().expect("utf-8");
    let mut import = telltale()
        .args(["import", case_arg, har.to_str().expect("utf-8"), "--session", "big"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start import");
    wait_until("the import to commit a first batch", || staged_exchanges(&case) > 0);

    // Every target kind and every edit, each while batches are being
    // written: one that met a batch without waiting for it would fail (a
    // deferred transaction that read first failed at once with "database
    // is locked" on events and exchanges).
    let targets: [&[&str]; 3] = [&["--session", "normal"], &["--event", "5"], &["--exchange", "5"]];
    for target in targets {
        let edits: [&[&str]; 4] = [
            &["--severity", "finding", "--note", "draft"],
            &["--note", "draft, changed"],
            &["--remove"],
            &[
                "--severity",
                "finding",
                "--tag",
                "during-import",
                "--note",
                "seen during import",
            ],
        ];
        for edit in edits {
            let annotate = telltale()
                .args(["annotate", case_arg])
                .args(target)
                .args(edit)
                .output()
                .expect("run annotate");
            assert!(
                annotate.status.success(),
                "{target:?} {edit:?}: {}",
                String::from_utf8_lossy(&annotate.stderr)
            );
        }
    }
    // The partial import is invisible to every reader meanwhile.
    assert_eq!(session_names(&case), ["normal"]);
    assert!(
        import.try_wait().expect("poll").is_none(),
        "the import finished before the annotation: the HAR is too small to show concurrency"
    );

    import.kill().expect("kill -9 the import");
    import.wait().expect("reap");
    // The next open removes what the killed import left.
    assert_eq!(session_names(&case), ["normal"]);
    assert_eq!(staged_exchanges(&case), 0);
    let annotations = telltale()
        .args(["annotations", case_arg, "--json"])
        .output()
        .expect("annotations");
    let list: serde_json::Value = serde_json::from_slice(&annotations.stdout).expect("json");
    let list = list.as_array().expect("array");
    assert_eq!(list.len(), 3, "{list:#?}");
    assert!(list.iter().all(|a| a["note"] == "seen during import"), "{list:#?}");
    // Each kept its whole history: create, update, delete, create.
    assert!(
        list.iter().all(|a| a["history"].as_array().map(Vec::len) == Some(4)),
        "{list:#?}"
    );
    let verify = telltale().args(["verify", case_arg]).output().expect("verify");
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
}

/// A note saved while another connection holds the write lock (as the
/// import's writer does while it commits a batch) waits for the lock
/// instead of failing: here the lock is held for 1.5 s.
#[test]
fn an_annotation_waits_for_a_write_in_progress() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = case_with_one_session(dir.path());
    let mut writer = rusqlite::Connection::open(&case).expect("open");
    let batch = writer
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .expect("take the write lock");
    let case_arg = case.to_str().expect("utf-8").to_string();
    let annotate = std::thread::spawn(move || {
        telltale()
            .args([
                "annotate",
                &case_arg,
                "--session",
                "normal",
                "--note",
                "saved while locked",
            ])
            .output()
            .expect("run annotate")
    });
    std::thread::sleep(Duration::from_millis(1500));
    batch.commit().expect("release the lock");
    let out = annotate.join().expect("annotate thread");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list = telltale()
        .args(["annotations", case.to_str().expect("utf-8"), "--json"])
        .output()
        .expect("annotations");
    let list: serde_json::Value = serde_json::from_slice(&list.stdout).expect("json");
    assert_eq!(list[0]["note"], "saved while locked");
}

fn next_reply(jobs: &mut Jobs, mut wanted: impl FnMut(&Reply) -> bool) -> Reply {
    thread_local! {
        // Replies polled together with the one returned, for the next call
        // (each test runs on a thread of its own).
        static PENDING: std::cell::RefCell<std::collections::VecDeque<Reply>> =
            const { std::cell::RefCell::new(std::collections::VecDeque::new()) };
    }
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let found = PENDING.with(|pending| {
            let mut pending = pending.borrow_mut();
            pending.extend(jobs.poll());
            while let Some(reply) = pending.pop_front() {
                if wanted(&reply) {
                    return Some(reply);
                }
            }
            None
        });
        if let Some(reply) = found {
            return reply;
        }
        assert!(Instant::now() < deadline, "no such reply");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn the_window_worker_saves_an_annotation_while_its_import_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let har = big_har(dir.path());
    let case_path = case_with_one_session(dir.path());
    let case = Case::open_existing(&case_path).expect("open");
    let session = case.sessions().expect("sessions")[0].id;
    let mut jobs = Jobs::start(Some(case), Arc::new(|| {})).expect("jobs");
    jobs.send(Request::Import {
        items: vec![(har, ImportOptions::default())],
    });
    wait_until("the import to commit a first batch", || {
        staged_exchanges(&case_path) > 0
    });
    jobs.send(Request::Annotate {
        target: Target::Session(session),
        edit: AnnotationEdit {
            note: Some("noted while importing".into()),
            ..AnnotationEdit::default()
        },
    });
    let reply = next_reply(&mut jobs, |r| {
        matches!(r, Reply::Annotated(_) | Reply::Failed { .. } | Reply::Imported { .. })
    });
    assert!(
        matches!(&reply, Reply::Annotated(a) if a.note == "noted while importing"),
        "{reply:?}"
    );
    // An event and a request too, and a removal, all during the import.
    for target in [
        Target::Event(telltale::model::EventId(5)),
        Target::Exchange(telltale::model::ExchangeId(5)),
    ] {
        jobs.send(Request::Annotate {
            target,
            edit: AnnotationEdit {
                note: Some("noted while importing".into()),
                ..AnnotationEdit::default()
            },
        });
        let reply = next_reply(&mut jobs, |r| {
            matches!(r, Reply::Annotated(_) | Reply::Failed { .. } | Reply::Imported { .. })
        });
        assert!(matches!(&reply, Reply::Annotated(a) if a.target == target), "{reply:?}");
    }
    jobs.send(Request::RemoveAnnotation {
        target: Target::Event(telltale::model::EventId(5)),
    });
    let reply = next_reply(&mut jobs, |r| {
        matches!(
            r,
            Reply::AnnotationRemoved { .. } | Reply::Failed { .. } | Reply::Imported { .. }
        )
    });
    assert!(
        matches!(&reply, Reply::AnnotationRemoved { removed: true, .. }),
        "{reply:?}"
    );
    jobs.cancel_import();
    let imported = next_reply(&mut jobs, |r| matches!(r, Reply::Imported { .. }));
    assert!(
        matches!(&imported, Reply::Imported { result: Err(message), .. } if message.contains("cancelled")),
        "{imported:?}"
    );
    next_reply(&mut jobs, |r| matches!(r, Reply::ImportsDone));
    assert_eq!(session_names(&case_path), ["normal"]);
    assert_eq!(staged_exchanges(&case_path), 0);
}

#[test]
fn a_cancel_clicked_while_an_import_is_queued_is_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let small = dir.path().join("small.har");
    std::fs::write(&small, telltale::demo::INCOGNITO_HAR).expect("write");
    // An in-memory case imports on the worker itself, so the second import
    // waits in the queue behind the first.
    let case = Case::open_in_memory().expect("case");
    let mut jobs = Jobs::start(Some(case), Arc::new(|| {})).expect("jobs");
    let options = |name: &str| ImportOptions {
        session: Some(name.into()),
        again: true,
        ..ImportOptions::default()
    };
    jobs.send(Request::Import {
        items: vec![(small.clone(), options("first"))],
    });
    jobs.send(Request::Import {
        items: vec![(small.clone(), options("queued"))],
    });
    jobs.cancel_import();
    jobs.send(Request::Import {
        items: vec![(small, options("after the cancel"))],
    });
    let mut done = 0;
    let mut imported = Vec::new();
    while done < 3 {
        match next_reply(&mut jobs, |r| matches!(r, Reply::Imported { .. } | Reply::ImportsDone)) {
            Reply::ImportsDone => done += 1,
            Reply::Imported { result, .. } => imported.push(result.map(|o| o.session)),
            _ => {}
        }
    }
    jobs.send(Request::Refresh);
    let sessions = match next_reply(&mut jobs, |r| matches!(r, Reply::Sessions(_))) {
        Reply::Sessions(sessions) => sessions,
        _ => unreachable!("filtered above"),
    };
    let names: Vec<&str> = sessions.iter().map(|s| s.name.as_str()).collect();
    // The first may have finished before the click; the queued one never starts.
    assert!(!names.contains(&"queued"), "{names:?} {imported:?}");
    assert!(names.contains(&"after the cancel"), "{names:?} {imported:?}");
}
