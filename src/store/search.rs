//! Candidate rows for canary search: events and layers whose text may
//! contain a pattern. The trigram filters of `search_index` rule out the
//! blocks of exchanges that cannot hold it; the rows of the blocks left are
//! checked here case-insensitively, and the caller confirms each candidate
//! and decides how it matched.

use super::root_layers::{ExchangeContent, split_content};
use super::search_index::{BlockBuilder, Probe, fold_case};
use super::{Case, StoreError};
use crate::model::{EventId, ExchangeId, Mode, SessionId};
use rusqlite::{TransactionBehavior, params};

/// The stored filters, with what identifies the state they were read in.
pub(crate) struct BlockCache {
    key: (i64, i64),
    blocks: Vec<Block>,
}

struct Block {
    first_exchange_id: i64,
    last_exchange_id: i64,
    filter: Vec<u8>,
}

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

impl Case {
    /// Events whose flattened fields contain `pattern`, ignoring case.
    pub fn event_candidates(&self, pattern: &str) -> Result<Vec<EventCandidate>, StoreError> {
        let folded = fold_case(pattern).into_owned();
        let mut statement = self.conn.prepare_cached(
            "SELECT v.event_id, v.exchange_id, s.name, v.mode, v.decode_path, v.fields
             FROM events v JOIN sessions s USING (session_id)
             WHERE v.exchange_id BETWEEN ?1 AND ?2 AND s.import_token IS NULL ORDER BY v.event_id",
        )?;
        let mut found = Vec::new();
        for (first, last) in self.candidate_blocks(pattern)? {
            let rows = statement.query_map(params![first, last], |r| {
                Ok(EventCandidate {
                    event_id: r.get(0)?,
                    exchange_id: r.get(1)?,
                    session: r.get(2)?,
                    mode: r.get::<_, String>(3)?.parse().unwrap_or_default(),
                    decode_path: r.get(4)?,
                    fields: r.get(5)?,
                })
            })?;
            for row in rows {
                let row = row?;
                if fold_case(&row.fields).contains(&folded) {
                    found.push(row);
                }
            }
        }
        Ok(found)
    }

    /// Layers whose text contains `pattern`, ignoring case (root layers
    /// read their text from the exchange).
    pub fn layer_candidates(&self, pattern: &str) -> Result<Vec<LayerCandidate>, StoreError> {
        let folded = fold_case(pattern).into_owned();
        let mut statement = self.conn.prepare_cached(
            "SELECT l.exchange_id, l.ordinal, s.name, s.mode, l.text, l.parent_ordinal, l.decoder, l.step, l.bytes
             FROM layers l JOIN exchanges x USING (exchange_id) JOIN sessions s ON s.session_id = x.session_id
             WHERE l.exchange_id BETWEEN ?1 AND ?2 AND s.import_token IS NULL ORDER BY l.layer_id",
        )?;
        let mut found = Vec::new();
        for (first, last) in self.candidate_blocks(pattern)? {
            let mut content: Option<(ExchangeId, Option<ExchangeContent>)> = None;
            let mut rows = statement.query(params![first, last])?;
            while let Some(r) = rows.next()? {
                let exchange_id: ExchangeId = r.get(0)?;
                let mut text: Option<String> = r.get(4)?;
                let is_root_in_exchange = r.get::<_, Option<i64>>(5)?.is_none()
                    && text.is_none()
                    && r.get::<_, Option<Vec<u8>>>(8)?.is_none();
                if is_root_in_exchange {
                    if content.as_ref().is_none_or(|(id, _)| *id != exchange_id) {
                        content = Some((exchange_id, self.exchange_content(exchange_id)?));
                    }
                    let (decoder, step): (String, String) = (r.get(6)?, r.get(7)?);
                    text = content
                        .as_ref()
                        .and_then(|(_, c)| c.as_ref())
                        .and_then(|c| c.root(&decoder, &step))
                        .and_then(|raw| split_content(&raw).0);
                }
                let Some(text) = text else { continue };
                if fold_case(&text).contains(&folded) {
                    found.push(LayerCandidate {
                        exchange_id,
                        ordinal: r.get(1)?,
                        session: r.get(2)?,
                        mode: r.get::<_, String>(3)?.parse().unwrap_or_default(),
                        text,
                    });
                }
            }
        }
        Ok(found)
    }

    /// Exchange-id ranges of the blocks whose filter lets `pattern` through.
    fn candidate_blocks(&self, pattern: &str) -> Result<Vec<(i64, i64)>, StoreError> {
        let key: (i64, i64) = self.conn.query_row(
            "SELECT coalesce(max(block_id), 0), count(*) FROM search_blocks",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut cache = self.search_blocks.borrow_mut();
        if cache.as_ref().is_none_or(|c| c.key != key) {
            let mut statement = self.conn.prepare_cached(
                "SELECT first_exchange_id, last_exchange_id, filter FROM search_blocks ORDER BY block_id",
            )?;
            let blocks = statement
                .query_map([], |r| {
                    Ok(Block {
                        first_exchange_id: r.get(0)?,
                        last_exchange_id: r.get(1)?,
                        filter: r.get(2)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
            *cache = Some(BlockCache { key, blocks });
        }
        let probe = Probe::new(pattern);
        Ok(cache
            .as_ref()
            .map(|c| {
                c.blocks
                    .iter()
                    .filter(|b| probe.may_match(&b.filter))
                    .map(|b| (b.first_exchange_id, b.last_exchange_id))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Builds the search filters of a case made before schema 3 from its
    /// stored texts, once (the migration leaves a marker).
    pub(crate) fn backfill_search_index(&mut self) -> Result<(), StoreError> {
        let pending: i64 = self
            .conn
            .query_row("SELECT count(*) FROM search_backfill", [], |r| r.get(0))?;
        if pending == 0 {
            return Ok(());
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let sessions: Vec<SessionId> = tx
                .prepare("SELECT session_id FROM sessions ORDER BY session_id")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut texts = tx.prepare(
                "SELECT x.exchange_id, l.text FROM exchanges x JOIN layers l USING (exchange_id)
                 WHERE x.session_id = ?1 AND l.text IS NOT NULL
                 UNION ALL SELECT v.exchange_id, v.fields FROM events v WHERE v.session_id = ?1
                 ORDER BY 1",
            )?;
            let mut insert = tx.prepare(
                "INSERT INTO search_blocks (session_id, first_exchange_id, last_exchange_id, filter) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for session in sessions {
                let mut builder = BlockBuilder::default();
                let mut range: Option<(i64, i64)> = None;
                let mut rows = texts.query([session])?;
                while let Some(r) = rows.next()? {
                    let exchange: i64 = r.get(0)?;
                    // A block closes between exchanges, never inside one.
                    if builder.is_full()
                        && range.is_some_and(|(_, last)| last != exchange)
                        && let Some((first, last)) = range.take()
                    {
                        insert.execute(params![session, first, last, builder.finish()])?;
                    }
                    builder.add(&r.get::<_, String>(1)?);
                    range = Some(range.map_or((exchange, exchange), |(first, _)| (first, exchange)));
                }
                if let Some((first, last)) = range {
                    insert.execute(params![session, first, last, builder.finish()])?;
                }
            }
        }
        tx.execute("DELETE FROM search_backfill", [])?;
        tx.commit()?;
        Ok(())
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
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
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
