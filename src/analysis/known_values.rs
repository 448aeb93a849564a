//! Typed canaries become data types: every hit of a canary saved `--as
//! advertisingId` (through every encoding canary search handles) adds that
//! data type with confidence `known value` to the request or event.

use crate::store::{Case, KnownValueHit, StoreError};
use std::collections::HashSet;

impl Case {
    /// Searches every typed canary and records its hits; returns how many
    /// data types were new. Idempotent: run after every import and save.
    pub fn apply_typed_canaries(&mut self) -> Result<u64, StoreError> {
        let typed = self.typed_canaries()?;
        if typed.is_empty() {
            return Ok(0);
        }
        let mut hits = Vec::new();
        for (needle, data_type) in typed {
            let found = self.search(std::slice::from_ref(&needle))?;
            // A hit in an event's fields is the precise one; the same value
            // in the layers of that request adds nothing.
            let in_events: HashSet<_> = found
                .iter()
                .filter(|hit| hit.event_id.is_some())
                .map(|hit| hit.exchange_id)
                .collect();
            for hit in found {
                if hit.event_id.is_none() && in_events.contains(&hit.exchange_id) {
                    continue;
                }
                hits.push(KnownValueHit {
                    exchange_id: hit.exchange_id,
                    event_id: hit.event_id,
                    data_type: data_type.clone(),
                    field: hit.location,
                    value: needle.clone(),
                });
            }
        }
        self.add_known_values(&hits)
    }
}
