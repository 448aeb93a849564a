//! Candidate rows for canary search: events and layers whose text contains
//! a pattern, found through the FTS5 trigram indexes (patterns of three or
//! more characters) or a scan (shorter ones). The caller confirms each
//! candidate and decides how it matched.

use super::{Case, StoreError};
use crate::model::{EventId, ExchangeId, Mode};

/// Trigram indexes need at least this many characters in a pattern.
const TRIGRAM_MIN_CHARS: usize = 3;

/// An event whose fields may contain a pattern.
#[derive(Clone, Debug)]
pub struct EventCandidate {
    pub event_id: EventId,
    pub exchange_id: ExchangeId,
    pub session: String,
    pub mode: Mode,
    pub decode_path: String,
    pub fields: String,
}

/// A layer whose text may contain a pattern.
#[derive(Clone, Debug)]
pub struct LayerCandidate {
    pub exchange_id: ExchangeId,
    pub ordinal: i64,
    pub session: String,
    pub mode: Mode,
    pub text: String,
}

/// One step of an exchange's layer tree, for building decode paths.
#[derive(Clone, Debug)]
pub struct LayerStep {
    pub ordinal: i64,
    pub parent_ordinal: Option<i64>,
    pub step: String,
}

/// Quotes `pattern` as an FTS5 phrase (inner quotes doubled), so captured
/// or typed text can never be read as FTS query syntax.
fn fts_phrase(pattern: &str) -> String {
    format!("\"{}\"", pattern.replace('"', "\"\""))
}

impl Case {
    /// Events whose flattened fields may contain `pattern` (case-insensitive
    /// for long patterns; exact for short ones).
    pub fn event_candidates(&self, pattern: &str) -> Result<Vec<EventCandidate>, StoreError> {
        let select = "SELECT v.event_id, v.exchange_id, s.name, v.mode, v.decode_path, v.fields
                      FROM events v JOIN sessions s USING (session_id)";
        let (sql, argument) = if pattern.chars().count() >= TRIGRAM_MIN_CHARS {
            (
                format!(
                    "{select} WHERE v.event_id IN (SELECT rowid FROM event_search WHERE event_search MATCH ?1) ORDER BY v.event_id"
                ),
                fts_phrase(pattern),
            )
        } else {
            (
                format!("{select} WHERE instr(v.fields, ?1) > 0 ORDER BY v.event_id"),
                pattern.to_string(),
            )
        };
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows = statement.query_map([argument], |r| {
            Ok(EventCandidate {
                event_id: r.get(0)?,
                exchange_id: r.get(1)?,
                session: r.get(2)?,
                mode: r.get::<_, String>(3)?.parse().unwrap_or_default(),
                decode_path: r.get(4)?,
                fields: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Layers whose text may contain `pattern`.
    pub fn layer_candidates(&self, pattern: &str) -> Result<Vec<LayerCandidate>, StoreError> {
        let select = "SELECT l.exchange_id, l.ordinal, s.name, s.mode, l.text
                      FROM layers l JOIN exchanges x USING (exchange_id) JOIN sessions s ON s.session_id = x.session_id";
        let (sql, argument) = if pattern.chars().count() >= TRIGRAM_MIN_CHARS {
            (
                format!(
                    "{select} WHERE l.layer_id IN (SELECT rowid FROM layer_search WHERE layer_search MATCH ?1) ORDER BY l.layer_id"
                ),
                fts_phrase(pattern),
            )
        } else {
            (
                format!("{select} WHERE instr(l.text, ?1) > 0 ORDER BY l.layer_id"),
                pattern.to_string(),
            )
        };
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows = statement.query_map([argument], |r| {
            Ok(LayerCandidate {
                exchange_id: r.get(0)?,
                ordinal: r.get(1)?,
                session: r.get(2)?,
                mode: r.get::<_, String>(3)?.parse().unwrap_or_default(),
                text: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The layer tree of one exchange (ordinal, parent, step), in order.
    pub fn layer_steps(&self, exchange: ExchangeId) -> Result<Vec<LayerStep>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT ordinal, parent_ordinal, step FROM layers WHERE exchange_id = ?1 ORDER BY ordinal",
        )?;
        let rows = statement.query_map([exchange], |r| {
            Ok(LayerStep {
                ordinal: r.get(0)?,
                parent_ordinal: r.get(1)?,
                step: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Saves canary phrases so reports can list their hits. Already-saved
    /// phrases are left as they are.
    pub fn save_canaries(&mut self, needles: &[String]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO canaries (needle, created_at_micros) VALUES (?1, ?2) ON CONFLICT (needle) DO NOTHING",
            )?;
            for needle in needles {
                insert.execute(rusqlite::params![needle, crate::model::now_micros()])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The saved canary phrases, oldest first.
    pub fn canaries(&self) -> Result<Vec<String>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT needle FROM canaries ORDER BY canary_id")?;
        let rows = statement.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
