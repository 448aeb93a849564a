//! Typed canaries: the researcher's own values (the phone's advertising id,
//! IMEI, account e-mail, home coordinates) saved with the data type they
//! stand for, and the `known value` data types their hits add.
//!
//! Finding the hits is canary search's job (`analysis::search`, through
//! every encoding and transform); this module only stores what it found.
//! Writes are one transaction each and idempotent.

use super::{Case, StoreError};
use crate::model::{EventId, ExchangeId};
use rusqlite::TransactionBehavior;

/// A typed canary found in a request or event (see [`Case::add_known_values`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownValueHit {
    pub exchange_id: ExchangeId,
    pub event_id: Option<EventId>,
    pub data_type: String,
    /// Where it was found (the search hit's location).
    pub field: String,
    /// The researcher's value.
    pub value: String,
}

impl Case {
    /// Saves canaries that stand for a kind of personal data (`--as
    /// advertisingId`); a phrase saved before gets the kind.
    pub fn save_typed_canaries(&mut self, needles: &[String], data_type: &str) -> Result<(), StoreError> {
        if !crate::decode::datatypes::is_known(data_type) {
            return Err(StoreError::Invalid(format!(
                "unknown data type `{data_type}` (README lists the vocabulary under \"Data types\")"
            )));
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO canaries (needle, created_at_micros, data_type) VALUES (?1, ?2, ?3)
                 ON CONFLICT (needle) DO UPDATE SET data_type = excluded.data_type",
            )?;
            for needle in needles {
                insert.execute(rusqlite::params![needle, crate::model::now_micros(), data_type])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Saved canaries that stand for a data type, as (needle, type), oldest first.
    pub fn typed_canaries(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT needle, data_type FROM canaries WHERE data_type IS NOT NULL ORDER BY canary_id")?;
        let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records `known value` data types, keeping rows that exist already;
    /// returns how many were new.
    pub fn add_known_values(&mut self, hits: &[KnownValueHit]) -> Result<u64, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut added = 0;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO data_types (exchange_id, event_id, type, field, value, confidence)
                 SELECT ?1, ?2, ?3, ?4, ?5, 'known value'
                 WHERE NOT EXISTS (SELECT 1 FROM data_types WHERE exchange_id = ?1 AND event_id IS ?2
                     AND type = ?3 AND field = ?4 AND value = ?5 AND confidence = 'known value')",
            )?;
            for hit in hits {
                let inserted = insert.execute(rusqlite::params![
                    hit.exchange_id,
                    hit.event_id,
                    hit.data_type,
                    hit.field,
                    hit.value
                ])?;
                added += inserted as u64;
            }
        }
        tx.commit()?;
        Ok(added)
    }
}
