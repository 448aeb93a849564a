//! The investigator's annotations and their history.
//!
//! Promises:
//! - **Saved at once.** Every call is one transaction, committed before it
//!   returns: a process that dies right after keeps the change (WAL; a
//!   committed transaction survives a crash of the process).
//! - **Nothing is lost.** Every create, update and delete appends a row to
//!   `annotation_history` with the time, the OS user name and the old and new
//!   values as JSON, in the same transaction as the change itself.
//! - **Tamper evident.** Every history entry is sealed into a hash chain in
//!   the same transaction (see `integrity.rs`); `telltale verify` checks it.
//! - **Targets exist.** Annotating a session, exchange or event that is not in
//!   the case fails with [`StoreError::NotFound`] and changes nothing.

use super::{Case, StoreError};
use crate::model::{Annotation, AnnotationEdit, AnnotationId, Severity, Target, now_micros};
use rusqlite::{OptionalExtension, Row, Transaction, TransactionBehavior, params};
use serde::Serialize;

/// What happened to an annotation in one history entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryAction {
    Create,
    Update,
    Delete,
}

impl HistoryAction {
    /// The stable lower-case name stored in the case.
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryAction::Create => "create",
            HistoryAction::Update => "update",
            HistoryAction::Delete => "delete",
        }
    }

    fn parse(text: &str) -> HistoryAction {
        match text {
            "create" => HistoryAction::Create,
            "delete" => HistoryAction::Delete,
            _ => HistoryAction::Update,
        }
    }
}

/// One change to an annotation, as recorded.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AnnotationHistoryEntry {
    pub history_id: i64,
    pub annotation_id: AnnotationId,
    pub target: Target,
    pub changed_micros: i64,
    pub user_name: String,
    pub action: HistoryAction,
    /// `{"tags": [...], "severity": "...", "note": "..."}` before the change; `None` on create.
    pub old_value: Option<serde_json::Value>,
    /// The same after the change; `None` on delete.
    pub new_value: Option<serde_json::Value>,
}

/// The OS user name from `$USER` (Unix) or `$USERNAME` (Windows), else `unknown`.
pub fn current_user_name() -> String {
    ["USER", "USERNAME"]
        .iter()
        .filter_map(|key| std::env::var(key).ok())
        .map(|name| name.trim().to_string())
        .find(|name| !name.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

impl Case {
    /// Creates or changes the annotation on `target`, recording the change.
    pub fn annotate(&mut self, target: Target, edit: &AnnotationEdit) -> Result<Annotation, StoreError> {
        self.annotate_as(target, edit, &current_user_name())
    }

    /// [`Case::annotate`] with an explicit user name for the history.
    pub fn annotate_as(
        &mut self,
        target: Target,
        edit: &AnnotationEdit,
        user_name: &str,
    ) -> Result<Annotation, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        ensure_target_exists(&tx, target)?;
        let now = now_micros();
        let annotation = match select_annotation(&tx, target)? {
            None => {
                let created = insert_annotation(&tx, target, edit, now)?;
                record(
                    &tx,
                    &created,
                    HistoryAction::Create,
                    None,
                    Some(&created),
                    now,
                    user_name,
                )?;
                created
            }
            Some(old) => {
                let new = apply_edit(&old, edit, now);
                if same_content(&old, &new) {
                    return Ok(old);
                }
                update_annotation(&tx, &new)?;
                record(&tx, &new, HistoryAction::Update, Some(&old), Some(&new), now, user_name)?;
                new
            }
        };
        tx.commit()?;
        Ok(annotation)
    }

    /// Deletes the annotation on `target`; `false` when there was none.
    /// The deletion and the last value are kept in the history.
    pub fn remove_annotation(&mut self, target: Target) -> Result<bool, StoreError> {
        self.remove_annotation_as(target, &current_user_name())
    }

    /// [`Case::remove_annotation`] with an explicit user name for the history.
    pub fn remove_annotation_as(&mut self, target: Target, user_name: &str) -> Result<bool, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(old) = select_annotation(&tx, target)? else {
            return Ok(false);
        };
        tx.execute("DELETE FROM annotations WHERE annotation_id = ?1", [old.id])?;
        record(
            &tx,
            &old,
            HistoryAction::Delete,
            Some(&old),
            None,
            now_micros(),
            user_name,
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// The annotation on `target`, if any.
    pub fn annotation(&self, target: Target) -> Result<Option<Annotation>, StoreError> {
        select_annotation(&self.conn, target)
    }

    /// Every annotation, oldest first (ties by id).
    pub fn annotations(&self) -> Result<Vec<Annotation>, StoreError> {
        let mut statement = self.conn.prepare_cached(&format!(
            "{SELECT_ANNOTATION} ORDER BY created_at_micros, annotation_id"
        ))?;
        let rows = statement.query_map([], annotation_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every recorded change to annotation `id`, oldest first; works for
    /// deleted annotations too.
    pub fn annotation_history(&self, id: AnnotationId) -> Result<Vec<AnnotationHistoryEntry>, StoreError> {
        let mut statement = self.conn.prepare_cached(&format!(
            "{SELECT_HISTORY} WHERE annotation_id = ?1 ORDER BY history_id"
        ))?;
        let rows = statement.query_map([id], history_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every recorded change to every annotation, deleted ones included, oldest first.
    pub fn all_annotation_history(&self) -> Result<Vec<AnnotationHistoryEntry>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(&format!("{SELECT_HISTORY} ORDER BY history_id"))?;
        let rows = statement.query_map([], history_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

const SELECT_ANNOTATION: &str = "SELECT annotation_id, target_kind, target_id, tags, severity, note,
        created_at_micros, updated_at_micros FROM annotations";

const SELECT_HISTORY: &str = "SELECT history_id, annotation_id, target_kind, target_id, changed_at_micros,
        user_name, action, old_value, new_value FROM annotation_history";

fn select_annotation(conn: &rusqlite::Connection, target: Target) -> Result<Option<Annotation>, StoreError> {
    let mut statement = conn.prepare_cached(&format!(
        "{SELECT_ANNOTATION} WHERE target_kind = ?1 AND target_id = ?2"
    ))?;
    Ok(statement
        .query_row(params![target.kind(), target.id()], annotation_row)
        .optional()?)
}

fn ensure_target_exists(tx: &Transaction<'_>, target: Target) -> Result<(), StoreError> {
    let sql = match target {
        Target::Session(_) => "SELECT 1 FROM sessions WHERE session_id = ?1",
        Target::Exchange(_) => "SELECT 1 FROM exchanges WHERE exchange_id = ?1",
        Target::Event(_) => "SELECT 1 FROM events WHERE event_id = ?1",
    };
    let found: Option<i64> = tx.query_row(sql, [target.id()], |r| r.get(0)).optional()?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::NotFound(format!(
            "no {} with id {} in this case",
            target.kind(),
            target.id()
        ))),
    }
}

fn insert_annotation(
    tx: &Transaction<'_>,
    target: Target,
    edit: &AnnotationEdit,
    now: i64,
) -> Result<Annotation, StoreError> {
    let blank = Annotation {
        id: AnnotationId(0),
        target,
        tags: Vec::new(),
        severity: Severity::default(),
        note: String::new(),
        created_micros: now,
        updated_micros: now,
    };
    let mut created = apply_edit(&blank, edit, now);
    tx.execute(
        "INSERT INTO annotations (target_kind, target_id, tags, severity, note, created_at_micros, updated_at_micros)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            target.kind(),
            target.id(),
            tags_json(&created.tags),
            created.severity.as_str(),
            created.note,
            now,
            now
        ],
    )?;
    created.id = AnnotationId(tx.last_insert_rowid());
    Ok(created)
}

fn update_annotation(tx: &Transaction<'_>, annotation: &Annotation) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE annotations SET tags = ?1, severity = ?2, note = ?3, updated_at_micros = ?4 WHERE annotation_id = ?5",
        params![
            tags_json(&annotation.tags),
            annotation.severity.as_str(),
            annotation.note,
            annotation.updated_micros,
            annotation.id
        ],
    )?;
    Ok(())
}

fn record(
    tx: &Transaction<'_>,
    annotation: &Annotation,
    action: HistoryAction,
    old: Option<&Annotation>,
    new: Option<&Annotation>,
    now: i64,
    user_name: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO annotation_history (annotation_id, target_kind, target_id, changed_at_micros, user_name, action, old_value, new_value)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            annotation.id,
            annotation.target.kind(),
            annotation.target.id(),
            now,
            user_name,
            action.as_str(),
            old.map(|a| content_json(a).to_string()),
            new.map(|a| content_json(a).to_string()),
        ],
    )?;
    super::integrity::seal_history_entry(tx, tx.last_insert_rowid())
}

/// The old annotation with `edit` applied. Tags are trimmed, empty ones
/// dropped and duplicates removed, keeping the first spelling's position.
fn apply_edit(old: &Annotation, edit: &AnnotationEdit, now: i64) -> Annotation {
    let mut new = old.clone();
    if let Some(tags) = &edit.tags {
        new.tags = clean_tags(tags);
    }
    if let Some(severity) = edit.severity {
        new.severity = severity;
    }
    if let Some(note) = &edit.note {
        new.note.clone_from(note);
    }
    new.updated_micros = now.max(old.updated_micros);
    new
}

/// Trimmed, non-empty, unique tags in the order given.
pub fn clean_tags(tags: &[String]) -> Vec<String> {
    let mut clean: Vec<String> = Vec::new();
    for tag in tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if !clean.iter().any(|seen| seen == tag) {
            clean.push(tag.to_string());
        }
    }
    clean
}

fn same_content(a: &Annotation, b: &Annotation) -> bool {
    a.tags == b.tags && a.severity == b.severity && a.note == b.note
}

/// The part of an annotation a person edits, as recorded in the history.
fn content_json(annotation: &Annotation) -> serde_json::Value {
    serde_json::json!({
        "tags": annotation.tags,
        "severity": annotation.severity.as_str(),
        "note": annotation.note,
    })
}

fn tags_json(tags: &[String]) -> String {
    serde_json::Value::from(tags.to_vec()).to_string()
}

fn target_from(kind: &str, id: i64) -> Target {
    match kind {
        "session" => Target::Session(crate::model::SessionId(id)),
        "exchange" => Target::Exchange(crate::model::ExchangeId(id)),
        _ => Target::Event(crate::model::EventId(id)),
    }
}

fn annotation_row(r: &Row<'_>) -> rusqlite::Result<Annotation> {
    let kind: String = r.get(1)?;
    let tags: String = r.get(3)?;
    Ok(Annotation {
        id: r.get(0)?,
        target: target_from(&kind, r.get(2)?),
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        severity: r.get::<_, String>(4)?.parse().unwrap_or_default(),
        note: r.get(5)?,
        created_micros: r.get(6)?,
        updated_micros: r.get(7)?,
    })
}

fn history_row(r: &Row<'_>) -> rusqlite::Result<AnnotationHistoryEntry> {
    let kind: String = r.get(2)?;
    let action: String = r.get(6)?;
    let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
    Ok(AnnotationHistoryEntry {
        history_id: r.get(0)?,
        annotation_id: r.get(1)?,
        target: target_from(&kind, r.get(3)?),
        changed_micros: r.get(4)?,
        user_name: r.get(5)?,
        action: HistoryAction::parse(&action),
        old_value: parse(r.get(7)?),
        new_value: parse(r.get(8)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventId;

    fn demo() -> Case {
        let mut case = Case::open_in_memory().expect("case");
        case.import_demo().expect("demo");
        case
    }

    #[test]
    fn tags_are_trimmed_and_unique() {
        let tags = ["  url ".to_string(), String::new(), "url".into(), "incognito".into()];
        assert_eq!(clean_tags(&tags), vec!["url".to_string(), "incognito".to_string()]);
    }

    #[test]
    fn unchanged_edit_adds_no_history() {
        let mut case = demo();
        let target = Target::Event(EventId(1));
        let edit = AnnotationEdit {
            note: Some("same".into()),
            ..AnnotationEdit::default()
        };
        let first = case.annotate_as(target, &edit, "ana").expect("annotate");
        case.annotate_as(target, &edit, "ana").expect("annotate again");
        assert_eq!(case.annotation_history(first.id).expect("history").len(), 1);
    }
}
