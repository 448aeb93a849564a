//! Canary search: find each needle, in every form it can take, in every
//! event field, every decoded layer and the raw URLs and bodies (the root
//! layers), and say where and how it was found.

use super::canary::{Variant, needle_variants};
use crate::model::{EventId, ExchangeId, Mode, PATH_SEPARATOR};
use crate::store::{Case, LayerStep, StoreError};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// One place a needle was found.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SearchHit {
    pub needle: String,
    pub session: String,
    pub mode: Mode,
    pub exchange_id: ExchangeId,
    /// `None` when the hit is in an exchange or layer but no event.
    pub event_id: Option<EventId>,
    /// Decode path and field, e.g. `form:data_list › base64 › gzip › json[3] · properties.keyword`.
    pub location: String,
    /// How the needle was transformed (`plain`, `base64`, `md5` …); a
    /// case-insensitive match adds ` (case-insensitive)`.
    pub transform: String,
}

impl Case {
    /// Searches for every needle in every form; hits are sorted and unique.
    pub fn search(&self, needles: &[String]) -> Result<Vec<SearchHit>, StoreError> {
        let mut hits = BTreeSet::new();
        let mut paths = PathCache::default();
        for needle in needles.iter().filter(|n| !n.is_empty()) {
            for variant in needle_variants(needle) {
                self.search_events(needle, &variant, &mut hits)?;
                self.search_layers(needle, &variant, &mut paths, &mut hits)?;
            }
        }
        Ok(hits.into_iter().collect())
    }

    fn search_events(&self, needle: &str, variant: &Variant, hits: &mut BTreeSet<SearchHit>) -> Result<(), StoreError> {
        for candidate in self.event_candidates(&variant.pattern)? {
            let fields: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&candidate.fields).unwrap_or_default();
            for (key, value) in &fields {
                let text = value.as_str().map_or_else(|| value.to_string(), str::to_string);
                let Some(transform) = match_kind(&text, variant) else {
                    continue;
                };
                hits.insert(SearchHit {
                    needle: needle.to_string(),
                    session: candidate.session.clone(),
                    mode: candidate.mode,
                    exchange_id: candidate.exchange_id,
                    event_id: Some(candidate.event_id),
                    location: format!("{} · {key}", candidate.decode_path),
                    transform,
                });
            }
        }
        Ok(())
    }

    fn search_layers(
        &self,
        needle: &str,
        variant: &Variant,
        paths: &mut PathCache,
        hits: &mut BTreeSet<SearchHit>,
    ) -> Result<(), StoreError> {
        for candidate in self.layer_candidates(&variant.pattern)? {
            let Some(transform) = match_kind(&candidate.text, variant) else {
                continue;
            };
            let location = paths.path(self, candidate.exchange_id, candidate.ordinal)?;
            hits.insert(SearchHit {
                needle: needle.to_string(),
                session: candidate.session,
                mode: candidate.mode,
                exchange_id: candidate.exchange_id,
                event_id: None,
                location,
                transform,
            });
        }
        Ok(())
    }
}

/// Confirms a candidate: exact match gives the variant's transform; a
/// match only when case is ignored (the index folds case) is marked so.
fn match_kind(text: &str, variant: &Variant) -> Option<String> {
    if text.contains(&variant.pattern) {
        return Some(variant.transform.clone());
    }
    let folded = text.to_lowercase();
    folded
        .contains(&variant.pattern.to_lowercase())
        .then(|| format!("{} (case-insensitive)", variant.transform))
}

/// Step name of the request-body root layer.
const REQUEST_BODY_ROOT: &str = "request-body";

/// Decode paths of layers, built once per exchange.
#[derive(Default)]
struct PathCache {
    steps: HashMap<ExchangeId, Vec<LayerStep>>,
}

impl PathCache {
    fn path(&mut self, case: &Case, exchange: ExchangeId, ordinal: i64) -> Result<String, StoreError> {
        let steps = match self.steps.entry(exchange) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => entry.insert(case.layer_steps(exchange)?),
        };
        Ok(decode_path(steps, ordinal))
    }
}

/// Joins the steps from the root to `ordinal`. Guarded against cycles in
/// a damaged case by never walking more steps than the tree has.
fn decode_path(steps: &[LayerStep], ordinal: i64) -> String {
    let mut chain = Vec::new();
    let mut current = Some(ordinal);
    while let Some(at) = current {
        let Some(step) = steps.iter().find(|s| s.ordinal == at) else {
            break;
        };
        chain.push(step.step.as_str());
        current = step.parent_ordinal;
        if chain.len() > steps.len() {
            break;
        }
    }
    chain.reverse();
    // Event decode paths start below the request body (`form:data_list › …`);
    // layer locations read the same way. A root on its own keeps its name.
    if chain.len() > 1 && chain.first() == Some(&REQUEST_BODY_ROOT) {
        chain.remove(0);
    }
    chain.join(PATH_SEPARATOR)
}
