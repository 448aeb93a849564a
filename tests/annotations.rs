//! Annotations on the demo case: create, update, delete with a history
//! that keeps every value, refusals for targets that do not exist, and the
//! `annotate` / `annotations` commands through the real binary.

use crate::case_cli::telltale;
use std::path::Path;
use std::process::Command;
use telltale::model::{AnnotationEdit, EventId, ExchangeId, Severity, Target};
use telltale::store::{Case, HistoryAction, StoreError};

fn demo_case() -> Case {
    let mut case = Case::open_in_memory().expect("in-memory case");
    case.import_demo().expect("demo imports");
    case
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn create_update_delete_are_all_in_the_history() {
    let mut case = demo_case();
    let target = Target::Event(EventId(16));
    let created = case
        .annotate_as(
            target,
            &AnnotationEdit {
                tags: Some(vec![" canary ".into(), "search".into(), "canary".into()]),
                severity: Some(Severity::Finding),
                note: Some("canary search leaves the phone".into()),
            },
            "ana",
        )
        .expect("create");
    assert_eq!(created.tags, ["canary", "search"]);
    assert_eq!(created.severity, Severity::Finding);

    let updated = case
        .annotate_as(
            target,
            &AnnotationEdit {
                note: Some("also in incognito".into()),
                ..AnnotationEdit::default()
            },
            "bo",
        )
        .expect("update");
    assert_eq!(updated.id, created.id);
    assert_eq!(updated.tags, ["canary", "search"], "parts not edited stay");
    assert_eq!(case.annotation(target).expect("read"), Some(updated.clone()));

    assert!(case.remove_annotation_as(target, "ana").expect("remove"));
    assert_eq!(case.annotation(target).expect("read"), None);
    assert!(
        !case.remove_annotation(target).expect("remove again"),
        "nothing left to remove"
    );

    let history = case.annotation_history(created.id).expect("history");
    let actions: Vec<HistoryAction> = history.iter().map(|h| h.action).collect();
    assert_eq!(
        actions,
        [HistoryAction::Create, HistoryAction::Update, HistoryAction::Delete]
    );
    let users: Vec<&str> = history.iter().map(|h| h.user_name.as_str()).collect();
    assert_eq!(users, ["ana", "bo", "ana"]);
    assert_eq!(history[0].old_value, None);
    assert_eq!(
        history[0].new_value.as_ref().map(|v| v["note"].clone()),
        Some("canary search leaves the phone".into())
    );
    assert_eq!(
        history[1].old_value.as_ref().map(|v| v["note"].clone()),
        Some("canary search leaves the phone".into())
    );
    assert_eq!(
        history[1].new_value.as_ref().map(|v| v["note"].clone()),
        Some("also in incognito".into())
    );
    assert_eq!(
        history[2].old_value.as_ref().map(|v| v["severity"].clone()),
        Some("finding".into())
    );
    assert_eq!(history[2].new_value, None);
    assert!(history.iter().all(|h| h.target == target));
}

#[test]
fn annotating_a_missing_target_fails_and_changes_nothing() {
    let mut case = demo_case();
    for target in [Target::Event(EventId(999_999)), Target::Exchange(ExchangeId(999_999))] {
        let error = case
            .annotate(target, &AnnotationEdit::default())
            .expect_err("missing target is refused");
        assert!(matches!(error, StoreError::NotFound(_)), "{error:?}");
        assert!(error.to_string().contains("999999"), "{error}");
    }
    assert!(case.annotations().expect("list").is_empty());
    assert!(case.all_annotation_history().expect("history").is_empty());
}

#[test]
fn sessions_exchanges_and_events_can_each_be_annotated() {
    let mut case = demo_case();
    let incognito = case.find_session("incognito").expect("demo has an incognito session");
    let targets = [
        Target::Session(incognito),
        Target::Exchange(ExchangeId(5)),
        Target::Event(EventId(1)),
    ];
    for target in targets {
        case.annotate(
            target,
            &AnnotationEdit {
                severity: Some(Severity::Notable),
                ..AnnotationEdit::default()
            },
        )
        .expect("annotate");
    }
    let listed: Vec<Target> = case.annotations().expect("list").iter().map(|a| a.target).collect();
    assert_eq!(listed, targets);
}

#[test]
fn cli_annotation_is_saved_at_once_with_user_and_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = dir.path().join("case.telltale");
    let case = path_str(&case);
    assert!(telltale(&["demo", case]).status.success());

    // Each command is its own process: what one wrote, the next one reads.
    let annotate = |args: &[&str], user: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_telltale"));
        command
            .args(["annotate", case])
            .args(args)
            .env_remove("USER")
            .env_remove("USERNAME");
        if let Some(user) = user {
            command.env("USER", user);
        }
        command.output().expect("run telltale annotate")
    };
    let first = annotate(
        &[
            "--event",
            "16",
            "--tag",
            "canary",
            "--tag",
            "search",
            "--severity",
            "finding",
            "--note",
            "leaks the canary",
        ],
        Some("ana-test"),
    );
    assert!(first.status.success(), "{}", text(&first.stderr));
    let second = annotate(&["--event", "16", "--note", "leaks the canary, in clear base64"], None);
    assert!(second.status.success(), "{}", text(&second.stderr));

    let out = telltale(&["annotations", case, "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("annotations --json is JSON");
    let a = &listed[0];
    assert_eq!(a["target_kind"], "event");
    assert_eq!(a["target_id"], 16);
    assert_eq!(a["severity"], "finding");
    assert_eq!(a["tags"], serde_json::json!(["canary", "search"]));
    assert_eq!(a["note"], "leaks the canary, in clear base64");
    assert_eq!(a["history"][0]["action"], "create");
    assert_eq!(a["history"][0]["user_name"], "ana-test");
    assert_eq!(a["history"][1]["action"], "update");
    assert_eq!(a["history"][1]["user_name"], "unknown", "no $USER nor $USERNAME");
    assert_eq!(a["history"][1]["old_value"]["note"], "leaks the canary");

    let removed = annotate(&["--event", "16", "--remove"], Some("ana-test"));
    assert!(removed.status.success(), "{}", text(&removed.stderr));
    let out = telltale(&["annotations", case, "--json"]);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON"),
        serde_json::json!([])
    );
}

#[test]
fn cli_annotating_a_missing_event_is_one_clear_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = dir.path().join("case.telltale");
    let case = path_str(&case);
    assert!(telltale(&["demo", case]).status.success());
    let out = telltale(&["annotate", case, "--event", "424242", "--note", "x"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no event with id 424242"), "{stderr}");
    assert!(stderr.contains("case.telltale"), "{stderr}");
    let usage = telltale(&["annotate", case, "--note", "no target"]);
    assert_eq!(usage.status.code(), Some(2), "a target is required");
}
