//! `telltale verify` catches tampering: a flipped byte in a stored evidence
//! file, a changed decoded row, and an edited, removed or forged annotation
//! history entry (the history is hash-chained, migration 0004). A case made
//! at schema 1, before the chain existed, still opens, is sealed once, and
//! verifies. Tampering is done the way someone would: with SQL on the file.

use crate::case_cli::telltale;
use rusqlite::{Connection, params};
use std::path::{Path, PathBuf};
use telltale::model::{AnnotationEdit, EventId, ExchangeId, Severity, Target};
use telltale::store::Case;

/// A demo case with three annotation history entries on event 16 and one
/// on exchange 3 (created, updated, updated; created).
fn annotated_case(dir: &Path) -> PathBuf {
    let path = dir.join("case.telltale");
    let mut case = Case::create_or_open(&path).expect("create");
    case.import_demo().expect("demo");
    let note = |text: &str| AnnotationEdit {
        note: Some(text.into()),
        ..AnnotationEdit::default()
    };
    case.annotate_as(Target::Event(EventId(16)), &note("first"), "ana")
        .expect("create");
    case.annotate_as(Target::Event(EventId(16)), &note("second"), "ana")
        .expect("update");
    let finding = AnnotationEdit {
        severity: Some(Severity::Finding),
        ..AnnotationEdit::default()
    };
    case.annotate_as(Target::Event(EventId(16)), &finding, "ben")
        .expect("update");
    case.annotate_as(Target::Exchange(ExchangeId(3)), &note("batch"), "ana")
        .expect("create");
    path
}

fn problems(path: &Path) -> Vec<String> {
    let case = Case::open_existing(path).expect("open");
    case.verify()
        .expect("verify runs")
        .problems
        .into_iter()
        .map(|p| format!("{}: {}", p.file_name.unwrap_or_default(), p.problem))
        .collect()
}

fn tamper(path: &Path, sql: &str) {
    let conn = Connection::open(path).expect("open raw");
    conn.execute_batch(sql).expect("tamper");
}

#[test]
fn untouched_case_verifies_and_names_the_chain_head() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = annotated_case(dir.path());
    assert_eq!(problems(&path), Vec::<String>::new());
    let out = telltale(&["verify", path.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("4 annotation history entries chain to "), "{stdout}");
}

#[test]
fn a_flipped_byte_in_a_stored_source_is_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = annotated_case(dir.path());
    let conn = Connection::open(&path).expect("open raw");
    let mut bytes: Vec<u8> = conn
        .query_row(
            "SELECT bytes FROM source_chunks WHERE source_id = 1 AND seq = 0",
            [],
            |r| r.get(0),
        )
        .expect("chunk");
    bytes[100] ^= 0x01;
    conn.execute(
        "UPDATE source_chunks SET bytes = ?1 WHERE source_id = 1 AND seq = 0",
        params![bytes],
    )
    .expect("flip");
    drop(conn);
    let found = problems(&path);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("normal.har: stored bytes do not match"),
        "{found:?}"
    );
    let out = telltale(&["verify", path.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("normal.har"));
}

#[test]
fn a_changed_decoded_row_is_found() {
    for (what, sql) in [
        (
            "event field",
            "UPDATE events SET fields = replace(fields, '\"', '''') WHERE event_id = 16",
        ),
        (
            "event name",
            "UPDATE events SET event_name = 'harmless' WHERE event_id = 16",
        ),
        (
            "layer text",
            "UPDATE layers SET text = 'nothing to see' WHERE layer_id = (SELECT min(layer_id) FROM layers WHERE text IS NOT NULL AND exchange_id IN (SELECT exchange_id FROM events WHERE event_id = 16))",
        ),
        (
            "exchange url",
            "UPDATE exchanges SET url = 'https://innocent.example/' WHERE exchange_id = (SELECT exchange_id FROM events WHERE event_id = 16)",
        ),
        ("deleted event", "DELETE FROM events WHERE event_id = 16"),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = annotated_case(dir.path());
        tamper(&path, sql);
        let found = problems(&path);
        assert!(
            found
                .iter()
                .any(|p| p.contains("decoded rows (exchanges, layers or events) were changed")),
            "{what}: {found:?}"
        );
    }
}

#[test]
fn an_edited_history_entry_in_the_middle_is_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = annotated_case(dir.path());
    // Entry 2 (first → second) rewritten to hide that the note said "second".
    tamper(
        &path,
        "UPDATE annotation_history SET new_value = replace(new_value, 'second', 'other') WHERE history_id = 2",
    );
    let found = problems(&path);
    assert!(
        found
            .iter()
            .any(|p| p.contains("annotation history entry 2 does not match its chain hash")),
        "{found:?}"
    );
}

#[test]
fn a_deleted_history_entry_in_the_middle_is_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = annotated_case(dir.path());
    tamper(&path, "DELETE FROM annotation_history WHERE history_id = 2");
    let found = problems(&path);
    assert!(
        found
            .iter()
            .any(|p| p.contains("annotation history entry 3 does not match its chain hash")),
        "{found:?}"
    );
}

#[test]
fn a_removed_newest_entry_or_a_silent_edit_is_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = annotated_case(dir.path());
    tamper(&path, "DELETE FROM annotation_history WHERE history_id = 4");
    assert!(
        problems(&path)
            .iter()
            .any(|p| p.contains("annotation 2 differs from its last history entry")),
        "{:?}",
        problems(&path)
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = annotated_case(dir.path());
    tamper(
        &path,
        "UPDATE annotations SET note = 'never said' WHERE annotation_id = 1",
    );
    assert!(
        problems(&path)
            .iter()
            .any(|p| p.contains("annotation 1 differs from its last history entry")),
        "{:?}",
        problems(&path)
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = annotated_case(dir.path());
    tamper(
        &path,
        "INSERT INTO annotation_history (annotation_id, target_kind, target_id, changed_at_micros, user_name, action, old_value, new_value)
         SELECT annotation_id, target_kind, target_id, changed_at_micros + 1, 'mallory', 'update', new_value, new_value
         FROM annotation_history WHERE history_id = 4",
    );
    assert!(
        problems(&path)
            .iter()
            .any(|p| p.contains("annotation history entry 5 has no chain hash")),
        "{:?}",
        problems(&path)
    );
}

/// The columns of schema 1, per table, to copy a current case into a
/// schema-1 file (what Telltale 0.1 wrote).
const SCHEMA_1_TABLES: &[(&str, &str)] = &[
    (
        "sessions",
        "session_id, name, app, device, mode, notes, created_at_micros",
    ),
    (
        "sources",
        "source_id, session_id, file_name, size_bytes, sha256, format, imported_at_micros, exchange_count, skipped, warnings",
    ),
    (
        "exchanges",
        "exchange_id, session_id, source_id, seq, time_micros, duration_micros, method, url, host, port, http_version, status, request_headers, response_headers, request_body, request_body_original, response_body, response_body_original, server_ip, server_port, client_ip, app_hint, user_agent, requested_with, app, tracker, company, notes",
    ),
    (
        "layers",
        "layer_id, exchange_id, ordinal, parent_ordinal, decoder, step, summary, text, bytes, note, encrypted",
    ),
    (
        "events",
        "event_id, exchange_id, session_id, layer_ordinal, time_micros, app, device, mode, tracker, event_name, fields, key_field, decode_path",
    ),
    (
        "annotations",
        "annotation_id, target_kind, target_id, tags, severity, note, created_at_micros, updated_at_micros",
    ),
    (
        "annotation_history",
        "history_id, annotation_id, target_kind, target_id, changed_at_micros, user_name, action, old_value, new_value",
    ),
    ("canaries", "canary_id, needle, created_at_micros"),
];

/// A case file at schema 1 holding the demo and its annotations.
fn schema_1_case(dir: &Path) -> PathBuf {
    let current = annotated_case(dir);
    let old = dir.join("schema1.telltale");
    let conn = Connection::open(&old).expect("create schema-1 file");
    conn.execute_batch(include_str!("../migrations/0001-case/up.sql"))
        .expect("schema 1");
    conn.execute_batch(&format!(
        "PRAGMA user_version = 1; PRAGMA application_id = {}; ATTACH DATABASE '{}' AS current;",
        0x5454_4C45,
        current.display()
    ))
    .expect("attach");
    for (table, columns) in SCHEMA_1_TABLES {
        conn.execute_batch(&format!(
            "INSERT INTO main.{table} ({columns}) SELECT {columns} FROM current.{table}"
        ))
        .expect("copy rows");
    }
    // Schema 1 kept the pieces as they were read: undo schema 6's zstd.
    let pieces: Vec<(i64, i64, Vec<u8>, Option<String>)> = {
        let mut statement = conn
            .prepare("SELECT source_id, seq, bytes, compression FROM current.source_chunks")
            .expect("prepare");
        statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    for (source, seq, bytes, compression) in pieces {
        let bytes = match compression.as_deref() {
            Some("zstd") => zstd::bulk::decompress(&bytes, 1 << 20).expect("a piece decompresses"),
            _ => bytes,
        };
        conn.execute(
            "INSERT INTO main.source_chunks (source_id, seq, bytes) VALUES (?1, ?2, ?3)",
            params![source, seq, bytes],
        )
        .expect("copy piece");
    }
    conn.execute_batch("DETACH DATABASE current").expect("detach");
    old
}

#[test]
fn a_schema_1_case_opens_is_sealed_once_and_verifies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = schema_1_case(dir.path());
    let version: i64 = Connection::open(&old)
        .expect("raw")
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, 1);
    let out = telltale(&["verify", old.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let case = Case::open_existing(&old).expect("open old case");
    assert_eq!(case.sessions().expect("sessions").len(), 2);
    let history = case.all_annotation_history().expect("history");
    assert_eq!(history.len(), 4);
    assert_eq!(
        history[1].new_value.as_ref().and_then(|v| v["note"].as_str()),
        Some("second")
    );
    drop(case);
    // Sealed at the upgrade, so tampering after it shows like in a new case.
    tamper(
        &old,
        "UPDATE annotation_history SET user_name = 'mallory' WHERE history_id = 3",
    );
    assert!(
        problems(&old).iter().any(|p| p.contains("entry 3 does not match")),
        "{:?}",
        problems(&old)
    );
    // And a hash removed later is reported, not silently made again.
    tamper(
        &old,
        "UPDATE annotation_history SET chain_sha256 = NULL WHERE history_id = 1",
    );
    assert!(problems(&old).iter().any(|p| p.contains("entry 1 has no chain hash")));
}

#[test]
fn stored_originals_are_never_modified_by_use() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = annotated_case(dir.path());
    let digest = |path: &Path| -> Vec<(i64, String)> {
        let conn = Connection::open(path).expect("raw");
        let mut statement = conn
            .prepare("SELECT source_id, sha256 FROM sources ORDER BY source_id")
            .expect("prepare");
        statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    let before = digest(&path);
    let case_arg = path.to_str().expect("utf-8");
    let out_dir = dir.path().join("out.csv");
    for args in [
        vec!["annotate", case_arg, "--event", "3", "--note", "x"],
        vec!["annotate", case_arg, "--event", "3", "--remove"],
        vec!["search", case_arg, "隐私测试", "--save"],
        vec!["export", case_arg, "--csv", out_dir.to_str().expect("utf-8")],
    ] {
        let out = telltale(&args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(digest(&path), before);
    assert_eq!(
        problems(&path),
        Vec::<String>::new(),
        "the bytes still match their hashes"
    );
}
