//! Tamper evidence for what a case holds besides the evidence files (those
//! are checked against their own SHA-256).
//!
//! - **Annotation history** is a hash chain: each entry's `chain_sha256` is
//!   SHA-256 over the previous entry's hash and the entry's own columns as
//!   stored. Editing an entry breaks its own link; deleting one breaks the
//!   link of the entry after it; deleting the newest entries, or changing an
//!   annotation without a history entry, leaves the annotation and its last
//!   entry disagreeing. [`check_history`] finds all three.
//! - **Decoded rows**: each source's `decoded_sha256` is SHA-256 over the
//!   exchanges, layers and events its import wrote (the columns of schema 1,
//!   which nothing changes after an import; session ids are left out),
//!   computed in the transaction that makes the import visible and
//!   re-computed by `verify`.
//!
//! What this is not: a signature. Someone who edits the database and then
//! re-computes every hash after the edit is not detected; the chain shows
//! edits made with ordinary database tools, and the newest chain hash (shown
//! by `verify`) lets a reader compare a case with an earlier copy.
//!
//! Cases from before schema 4 have neither hash; [`seal_legacy`] computes
//! them once, in the open that migrates the case to schema 4 — never later,
//! so a hash removed afterwards is reported, not silently re-made.

use super::StoreError;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

/// Columns of one history entry that its chain hash covers, in order.
const HISTORY_COLUMNS: &str =
    "history_id, annotation_id, target_kind, target_id, changed_at_micros, user_name, action, old_value, new_value";

/// Columns of schema 1 an import writes, per table, covered by `decoded_sha256`.
/// Session ids are left out: an import may be filed into an existing
/// session when it is published.
const EXCHANGE_COLUMNS: &str = "x.exchange_id, x.source_id, x.seq, x.time_micros, x.duration_micros,
    x.method, x.url, x.host, x.port, x.http_version, x.status, x.request_headers, x.response_headers,
    x.request_body, x.request_body_original, x.response_body, x.response_body_original, x.server_ip,
    x.server_port, x.client_ip, x.app_hint, x.user_agent, x.requested_with, x.app, x.tracker, x.company, x.notes";
const LAYER_COLUMNS: &str = "l.layer_id, l.exchange_id, l.ordinal, l.parent_ordinal, l.decoder, l.step, l.summary, l.text, l.bytes, l.note, l.encrypted";
const EVENT_COLUMNS: &str = "v.event_id, v.exchange_id, v.layer_ordinal, v.time_micros, v.app, v.device,
    v.mode, v.tracker, v.event_name, v.fields, v.key_field, v.decode_path";

/// Feeds one row's values into `hasher`, each tagged with its type and
/// length so that no two different rows encode alike.
fn hash_row(hasher: &mut Sha256, row: &rusqlite::Row<'_>, columns: usize) -> rusqlite::Result<()> {
    for index in 0..columns {
        match row.get_ref(index)? {
            ValueRef::Null => hasher.update(b"n"),
            ValueRef::Integer(value) => {
                hasher.update(b"i");
                hasher.update(value.to_le_bytes());
            }
            ValueRef::Real(value) => {
                hasher.update(b"r");
                hasher.update(value.to_le_bytes());
            }
            ValueRef::Text(bytes) => {
                hasher.update(b"t");
                hasher.update((bytes.len() as u64).to_le_bytes());
                hasher.update(bytes);
            }
            ValueRef::Blob(bytes) => {
                hasher.update(b"b");
                hasher.update((bytes.len() as u64).to_le_bytes());
                hasher.update(bytes);
            }
        }
    }
    Ok(())
}

fn column_count(list: &str) -> usize {
    list.split(',').count()
}

/// One hash-chained history table: each entry's hash covers `columns`
/// and the hash of the entry before it, under its own domain text.
struct Chain {
    table: &'static str,
    columns: &'static str,
    domain: &'static [u8],
}

/// The annotation history (`annotation_history`).
const ANNOTATION_CHAIN: Chain = Chain {
    table: "annotation_history",
    columns: HISTORY_COLUMNS,
    domain: b"telltale annotation history v1\n",
};

impl Chain {
    /// The chain hash of the entry in `row` (its `columns` first) after `previous`.
    fn link(&self, previous: &str, row: &rusqlite::Row<'_>) -> rusqlite::Result<String> {
        let mut hasher = Sha256::new();
        hasher.update(self.domain);
        hasher.update(previous.as_bytes());
        hasher.update(b"\n");
        hash_row(&mut hasher, row, column_count(self.columns))?;
        Ok(hex::encode(hasher.finalize()))
    }

    /// Computes and stores the chain hash of the newest entry, `history_id`,
    /// from the entry before it. Called in the transaction that wrote it.
    fn seal(&self, conn: &Connection, history_id: i64) -> Result<(), StoreError> {
        let table = self.table;
        let previous: String = conn
            .query_row(
                &format!("SELECT chain_sha256 FROM {table} WHERE history_id < ?1 ORDER BY history_id DESC LIMIT 1"),
                [history_id],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten()
            .unwrap_or_default();
        let hash = conn.query_row(
            &format!("SELECT {} FROM {table} WHERE history_id = ?1", self.columns),
            [history_id],
            |row| self.link(&previous, row),
        )?;
        conn.execute(
            &format!("UPDATE {table} SET chain_sha256 = ?2 WHERE history_id = ?1"),
            params![history_id, hash],
        )?;
        Ok(())
    }
}

/// Seals the newest annotation history entry (see [`Chain::seal`]).
pub(crate) fn seal_history_entry(conn: &Connection, history_id: i64) -> Result<(), StoreError> {
    ANNOTATION_CHAIN.seal(conn, history_id)
}

/// Columns of one host label history entry that its chain hash covers, in order.
const HOST_HISTORY_COLUMNS: &str = "history_id, host, changed_at_micros, user_name, action, old_value, new_value";

/// The host label history (`host_label_history`), a chain of its own.
const HOST_CHAIN: Chain = Chain {
    table: "host_label_history",
    columns: HOST_HISTORY_COLUMNS,
    domain: b"telltale host label history v1\n",
};

/// Seals the newest host label history entry (see [`Chain::seal`]).
pub(crate) fn seal_host_history_entry(conn: &Connection, history_id: i64) -> Result<(), StoreError> {
    HOST_CHAIN.seal(conn, history_id)
}

/// Walks the host label history chain and compares each label with its last entry.
pub(crate) fn check_host_history(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut problems = Vec::new();
    let mut statement = conn.prepare(&format!(
        "SELECT {HOST_HISTORY_COLUMNS}, chain_sha256 FROM host_label_history ORDER BY history_id"
    ))?;
    let mut rows = statement.query([])?;
    let mut previous = String::new();
    let mut last: std::collections::BTreeMap<String, (String, Option<String>)> = Default::default();
    let stored_index = column_count(HOST_HISTORY_COLUMNS);
    while let Some(row) = rows.next()? {
        let history_id: i64 = row.get(0)?;
        let expected = HOST_CHAIN.link(&previous, row)?;
        let stored: Option<String> = row.get(stored_index)?;
        if stored.as_deref() != Some(expected.as_str()) {
            problems.push(format!(
                "host label history entry {history_id} does not match its chain hash: it, or an entry before it, was changed or removed"
            ));
        }
        previous = stored.unwrap_or(expected);
        last.insert(row.get(1)?, (row.get(4)?, row.get(6)?));
    }
    drop(rows);
    let mut labels = conn.prepare("SELECT host, company, party FROM host_labels ORDER BY host")?;
    let current: Vec<(String, Option<String>, Option<String>)> = labels
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (host, company, party) in current {
        let content = serde_json::json!({"company": company, "party": party}).to_string();
        let recorded = last
            .remove(&host)
            .and_then(|(action, value)| (action != "delete").then_some(value).flatten());
        if recorded.as_deref() != Some(content.as_str()) {
            problems.push(format!(
                "the label of host {host} differs from its last history entry: it was changed outside Telltale"
            ));
        }
    }
    for (host, (action, _)) in last {
        if action != "delete" {
            problems.push(format!(
                "the label of host {host} is missing although its history never removed it"
            ));
        }
    }
    Ok(problems)
}

/// SHA-256 over the decoded rows of `source_id`, as stored.
pub(crate) fn decoded_digest(conn: &Connection, source_id: i64) -> Result<String, StoreError> {
    let mut total = Sha256::new();
    total.update(b"telltale decoded rows v1\n");
    let queries = [
        (
            format!("SELECT {EXCHANGE_COLUMNS} FROM exchanges x WHERE x.source_id = ?1 ORDER BY x.exchange_id"),
            column_count(EXCHANGE_COLUMNS),
        ),
        (
            format!(
                "SELECT {LAYER_COLUMNS} FROM layers l JOIN exchanges x ON x.exchange_id = l.exchange_id
                 WHERE x.source_id = ?1 ORDER BY l.layer_id"
            ),
            column_count(LAYER_COLUMNS),
        ),
        (
            format!(
                "SELECT {EVENT_COLUMNS} FROM events v JOIN exchanges x ON x.exchange_id = v.exchange_id
                 WHERE x.source_id = ?1 ORDER BY v.event_id"
            ),
            column_count(EVENT_COLUMNS),
        ),
    ];
    for (sql, columns) in queries {
        let mut part = Sha256::new();
        let mut statement = conn.prepare_cached(&sql)?;
        let mut rows = statement.query([source_id])?;
        let mut count = 0u64;
        while let Some(row) = rows.next()? {
            hash_row(&mut part, row, columns)?;
            count += 1;
        }
        total.update(count.to_le_bytes());
        total.update(part.finalize());
    }
    Ok(hex::encode(total.finalize()))
}

/// Stores the digest of the decoded rows of `source_id`; called at the end
/// of its import, in the import's transaction.
pub(crate) fn seal_source(conn: &Connection, source_id: i64) -> Result<(), StoreError> {
    let digest = decoded_digest(conn, source_id)?;
    conn.execute(
        "UPDATE sources SET decoded_sha256 = ?2 WHERE source_id = ?1",
        params![source_id, digest],
    )?;
    Ok(())
}

/// Gives the history entries and sources of a case made before schema 4
/// their hashes. Only called by the open that migrated the case to schema 4.
pub(crate) fn seal_legacy(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    let entries: Vec<i64> = {
        let mut statement =
            tx.prepare("SELECT history_id FROM annotation_history WHERE chain_sha256 IS NULL ORDER BY history_id")?;
        statement.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?
    };
    for history_id in entries {
        seal_history_entry(&tx, history_id)?;
    }
    let sources: Vec<i64> = {
        let mut statement =
            tx.prepare("SELECT source_id FROM sources WHERE decoded_sha256 IS NULL ORDER BY source_id")?;
        statement.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?
    };
    for source_id in sources {
        seal_source(&tx, source_id)?;
    }
    tx.commit()?;
    Ok(())
}

/// What [`check_history`] found: problems, and the newest chain hash.
pub(crate) struct HistoryCheck {
    pub entries: u64,
    pub head: Option<String>,
    pub problems: Vec<String>,
}

/// Walks the history chain and compares each annotation with its last entry.
pub(crate) fn check_history(conn: &Connection) -> Result<HistoryCheck, StoreError> {
    let mut check = HistoryCheck {
        entries: 0,
        head: None,
        problems: Vec::new(),
    };
    let mut statement = conn.prepare(&format!(
        "SELECT {HISTORY_COLUMNS}, chain_sha256 FROM annotation_history ORDER BY history_id"
    ))?;
    let mut rows = statement.query([])?;
    let mut previous = String::new();
    // annotation id → (action, new_value) of its newest entry
    let mut last: std::collections::BTreeMap<i64, (String, Option<String>)> = Default::default();
    let stored_index = column_count(HISTORY_COLUMNS);
    while let Some(row) = rows.next()? {
        check.entries += 1;
        let history_id: i64 = row.get(0)?;
        let expected = ANNOTATION_CHAIN.link(&previous, row)?;
        let stored: Option<String> = row.get(stored_index)?;
        match &stored {
            None => check
                .problems
                .push(format!("annotation history entry {history_id} has no chain hash: it was added outside Telltale")),
            Some(stored) if *stored != expected => check.problems.push(format!(
                "annotation history entry {history_id} does not match its chain hash: it, or an entry before it, was changed or removed"
            )),
            Some(_) => {}
        }
        previous = stored.unwrap_or(expected);
        last.insert(row.get(1)?, (row.get(6)?, row.get(8)?));
    }
    drop(rows);
    check.head = (!previous.is_empty()).then_some(previous);
    let mut annotations =
        conn.prepare("SELECT annotation_id, tags, severity, note FROM annotations ORDER BY annotation_id")?;
    let current: Vec<(i64, String, String, String)> = annotations
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    for (annotation_id, tags, severity, note) in &current {
        let content = serde_json::json!({
            "tags": serde_json::from_str::<serde_json::Value>(tags).unwrap_or(serde_json::Value::Null),
            "severity": severity,
            "note": note,
        });
        let recorded = last
            .remove(annotation_id)
            .and_then(|(action, value)| (action != "delete").then_some(value).flatten())
            .and_then(|value| serde_json::from_str::<serde_json::Value>(&value).ok());
        if recorded.as_ref() != Some(&content) {
            check.problems.push(format!(
                "annotation {annotation_id} differs from its last history entry: it was changed, or history entries were removed"
            ));
        }
    }
    for (annotation_id, (action, _)) in last {
        if action != "delete" {
            check.problems.push(format!(
                "annotation {annotation_id} is missing although its history never deleted it"
            ));
        }
    }
    Ok(check)
}
