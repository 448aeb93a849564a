//! `kill -9` at seeded random moments during an import, an annotation and
//! an export, with real child processes of the built binary. After every
//! kill the case opens, passes `verify`, holds no partial session, and
//! keeps every annotation whose command had finished; an export leaves the
//! old file or the whole new one, never half of one. The seed is printed
//! with every failure so it reproduces.

use crate::capture_builder::{Rng, base64, gzip, har, har_entry};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use telltale::store::Case;

const SEED: u64 = 0x7e11_7a1e;

fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_telltale"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start telltale")
}

/// Lets `child` run for `delay`, then SIGKILLs it unless it already ended.
/// Returns whether it finished successfully on its own (was acknowledged).
fn kill_after(mut child: Child, delay: Duration) -> bool {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.success();
        }
        if started.elapsed() >= delay {
            child.kill().expect("SIGKILL");
            child.wait().expect("reap");
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// How long a command takes when nobody kills it (to place kills inside it).
fn duration_of(args: &[&str]) -> Duration {
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_telltale"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run");
    assert!(status.success(), "{args:?}");
    started.elapsed()
}

/// A HAR of `entries` Sensors batches (form › base64 › gzip › JSON): enough
/// decoding work that an import takes a while.
fn sensors_har(entries: usize) -> Vec<u8> {
    let list: Vec<serde_json::Value> = (0..entries)
        .map(|i| {
            let events: Vec<serde_json::Value> = (0..10)
                .map(|j| serde_json::json!({"type": "track", "event": "$pageview", "time": 1_588_248_000_000i64 + i as i64 * 10 + j, "distinct_id": "d", "properties": {"$url": format!("https://news.example/{i}/{j}")}}))
                .collect();
            let data = base64(&gzip(serde_json::to_string(&events).expect("json").as_bytes()));
            let body = format!("crc=1&gzip=1&data_list={}", data.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D"));
            har_entry(
                "https://t.sensorsdata.cn/sa?project=default",
                "POST",
                Some(("application/x-www-form-urlencoded", &body)),
                &[("Content-Type", "application/x-www-form-urlencoded")],
            )
        })
        .collect();
    har(list)
}

/// What every kill must leave: a case that opens and verifies, whose
/// sessions are each complete.
fn assert_whole(case_path: &Path, context: &str) -> Case {
    let case = Case::open_existing(case_path).unwrap_or_else(|e| panic!("{context}: case does not open: {e}"));
    let report = case.verify().unwrap_or_else(|e| panic!("{context}: verify fails: {e}"));
    assert!(report.problems.is_empty(), "{context}: {:?}", report.problems);
    for session in case.sessions().expect("sessions") {
        assert!(
            !session.sources.is_empty(),
            "{context}: session {} has no source",
            session.name
        );
    }
    case
}

#[test]
fn kill_during_import_leaves_no_partial_session() {
    let dir = tempfile::tempdir().expect("tempdir");
    let capture = dir.path().join("batches.har");
    std::fs::write(&capture, sensors_har(400)).expect("write capture");
    let capture_arg = capture.to_str().expect("utf-8");
    let reference = dir.path().join("reference.telltale");
    let full = duration_of(&["import", reference.to_str().expect("utf-8"), capture_arg]);
    let expected = Case::open_existing(&reference)
        .expect("open")
        .sessions()
        .expect("sessions")[0]
        .exchange_count;
    assert_eq!(expected, 400);
    let mut rng = Rng::new(SEED);
    let case_path = dir.path().join("case.telltale");
    let case_arg = case_path.to_str().expect("utf-8").to_string();
    let mut completed = 0;
    for round in 0..6 {
        let delay = Duration::from_micros(rng.below(full.as_micros() as u64 * 12 / 10));
        let finished = kill_after(
            spawn(&[
                "import",
                &case_arg,
                capture_arg,
                "--again",
                "--session",
                &format!("s{round}"),
            ]),
            delay,
        );
        let context = format!("seed {SEED:#x}, round {round}, kill after {delay:?}");
        let case = assert_whole(&case_path, &context);
        // Opening the case removed what the killed import had written (the
        // staging rows are invisible anyway; this checks they are gone).
        assert_eq!(
            crate::import_concurrency::staged_exchanges(&case_path),
            0,
            "{context}: staging rows left behind"
        );
        assert_eq!(
            crate::import_concurrency::staging_sessions(&case_path),
            0,
            "{context}: a staging session left behind"
        );
        let sessions = case.sessions().expect("sessions");
        let this = sessions.iter().find(|s| s.name == format!("s{round}"));
        match this {
            Some(session) => assert_eq!(session.exchange_count, expected, "{context}: partial session"),
            None => assert!(!finished, "{context}: acknowledged import lost"),
        }
        completed += usize::from(this.is_some());
        assert_eq!(sessions.len(), completed, "{context}");
    }
}

#[test]
fn kill_during_annotation_keeps_every_acknowledged_note() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case_path = dir.path().join("case.telltale");
    let case_arg = case_path.to_str().expect("utf-8").to_string();
    assert!(duration_of(&["demo", &case_arg]) > Duration::ZERO);
    let typical = duration_of(&["annotate", &case_arg, "--event", "1", "--note", "warm-up"]);
    let mut rng = Rng::new(SEED ^ 1);
    let mut acknowledged: Vec<(String, String)> = Vec::new();
    for round in 0..12 {
        let event = (round % 20 + 2).to_string();
        let note = format!("note {round} on event {event}");
        let delay = Duration::from_micros(rng.below(typical.as_micros() as u64 * 15 / 10));
        let finished = kill_after(
            spawn(&["annotate", &case_arg, "--event", &event, "--note", &note, "--tag", "t"]),
            delay,
        );
        if finished {
            acknowledged.retain(|(e, _)| *e != event);
            acknowledged.push((event.clone(), note));
        }
        let context = format!("seed {SEED:#x}, round {round}, kill after {delay:?}");
        let case = assert_whole(&case_path, &context);
        let annotations = case.annotations().expect("annotations");
        for (event, note) in &acknowledged {
            let kept = annotations
                .iter()
                .find(|a| a.target.id().to_string() == *event && a.target.kind() == "event");
            assert_eq!(
                kept.map(|a| a.note.as_str()),
                Some(note.as_str()),
                "{context}: note lost"
            );
        }
    }
}

#[test]
fn kill_during_export_leaves_the_old_file_or_the_whole_new_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case_path = dir.path().join("case.telltale");
    let case_arg = case_path.to_str().expect("utf-8").to_string();
    duration_of(&["demo", &case_arg]);
    duration_of(&[
        "annotate",
        &case_arg,
        "--event",
        "16",
        "--severity",
        "finding",
        "--note",
        "canary",
    ]);
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).expect("mkdir");
    let reference: PathBuf = dir.path().join("reference.pdf");
    let export = |out: &Path| -> Vec<String> {
        vec![
            "export".into(),
            case_arg.clone(),
            "--pdf".into(),
            out.to_str().expect("utf-8").into(),
            "--reproducible".into(),
            "--date".into(),
            "2020-05-01".into(),
        ]
    };
    let args = export(&reference);
    let full = duration_of(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let whole = std::fs::read(&reference).expect("reference pdf");
    let out = out_dir.join("report.pdf");
    let old = b"%PDF- the previous report".to_vec();
    let mut rng = Rng::new(SEED ^ 2);
    for round in 0..6 {
        std::fs::write(&out, &old).expect("old report");
        let delay = Duration::from_micros(rng.below(full.as_micros() as u64 * 12 / 10));
        let args = export(&out);
        let finished = kill_after(spawn(&args.iter().map(String::as_str).collect::<Vec<_>>()), delay);
        let context = format!("seed {SEED:#x}, round {round}, kill after {delay:?}");
        let now = std::fs::read(&out).expect("report.pdf is there");
        assert!(
            now == old || now == whole,
            "{context}: report.pdf is neither the old nor the new file"
        );
        if finished {
            assert!(now == whole, "{context}");
        }
        for entry in std::fs::read_dir(&out_dir).expect("list") {
            let path = entry.expect("entry").path();
            if path != out {
                // Only a complete file can have been given a name.
                assert_eq!(
                    std::fs::read(&path).expect("read"),
                    whole,
                    "{context}: half-written {}",
                    path.display()
                );
                std::fs::remove_file(&path).expect("tidy");
            }
        }
        assert_whole(&case_path, &context);
    }
}
