//! Findings with the evidence behind them, shared by the JSON and PDF
//! exports: each annotated event or exchange with its rows, the decoded
//! layers on its decode paths and the annotation's history.
//!
//! Session annotations are not findings here (they describe a recording,
//! not something that left the device); reports show them with the session.

use super::ExportError;
use crate::model::{Annotation, ExchangeId, Target};
use crate::store::{AnnotationHistoryEntry, Case, EventFilter, ExportRow, LayerRow};
use std::collections::{BTreeSet, HashMap};

/// Layers shown for an annotated exchange that decoded into no event: its
/// roots and their first descendants, enough to see what was sent.
const LAYERS_WITHOUT_EVENT: usize = 8;

/// One annotated event or exchange and its evidence.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub annotation: Annotation,
    /// The event, or every event of the exchange (one row without an event
    /// when the exchange decoded into none). Never empty.
    pub rows: Vec<ExportRow>,
    /// The exchange's layers on the decode paths of `rows`, parents before
    /// children.
    pub layers: Vec<LayerRow>,
    pub history: Vec<AnnotationHistoryEntry>,
}

impl Finding {
    /// The earliest row: where the finding sits in time.
    pub fn first(&self) -> &ExportRow {
        // `rows` is never empty: findings without rows are dropped in `collect_findings`.
        &self.rows[0]
    }
}

/// Every annotated event and exchange passing `filter`, in time order.
pub fn collect_findings(case: &Case, filter: &EventFilter) -> Result<Vec<Finding>, ExportError> {
    let rows = case.export_rows(
        &EventFilter {
            limit: None,
            ..filter.clone()
        },
        true,
    )?;
    let mut by_target: HashMap<Target, Vec<ExportRow>> = HashMap::new();
    for row in &rows {
        if let Some(event) = row.event_id {
            by_target.entry(Target::Event(event)).or_default().push(row.clone());
        }
        by_target
            .entry(Target::Exchange(row.exchange_id))
            .or_default()
            .push(row.clone());
    }
    let mut findings = Vec::new();
    for annotation in case.annotations()? {
        let Some(rows) = by_target.remove(&annotation.target) else {
            continue;
        };
        let exchange = rows[0].exchange_id;
        let layers = layers_on_paths(case.exchange_layers(exchange)?, &rows);
        let history = case.annotation_history(annotation.id)?;
        findings.push(Finding {
            annotation,
            rows,
            layers,
            history,
        });
    }
    findings.sort_by_key(|f| {
        let first = f.first();
        (first.time_micros, first.exchange_id, first.event_id, f.annotation.id)
    });
    Ok(findings)
}

/// The evidence behind a request the report cites as an example: its rows,
/// the event that carried `kind` first (or the first row), and the layers
/// on that event's decode path.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// Never empty; the cited row first.
    pub rows: Vec<ExportRow>,
    pub layers: Vec<LayerRow>,
}

/// The example evidence for `exchange`, `None` when it has no rows.
pub fn collect_example(case: &Case, exchange: ExchangeId, kind: &str) -> Result<Option<Example>, ExportError> {
    let mut rows = case.export_exchange_rows(exchange)?;
    if let Some(at) = rows.iter().position(|r| r.data_types.iter().any(|d| d.kind == kind)) {
        let cited = rows.remove(at);
        rows.insert(0, cited);
    }
    let Some(cited) = rows.first() else {
        return Ok(None);
    };
    let layers = layers_on_paths(case.exchange_layers(exchange)?, std::slice::from_ref(cited));
    Ok(Some(Example { rows, layers }))
}

/// The layers from each row's own layer up to its root, in ordinal order.
fn layers_on_paths(layers: Vec<LayerRow>, rows: &[ExportRow]) -> Vec<LayerRow> {
    let parents: HashMap<i64, Option<i64>> = layers.iter().map(|l| (l.ordinal, l.parent_ordinal)).collect();
    let mut wanted = BTreeSet::new();
    for start in rows.iter().filter_map(|r| r.layer_ordinal) {
        let mut next = Some(start);
        // A malformed parent chain (a cycle) must not loop forever.
        while let Some(ordinal) = next.filter(|o| wanted.insert(*o)) {
            next = parents.get(&ordinal).copied().flatten();
        }
    }
    if wanted.is_empty() {
        return layers.into_iter().take(LAYERS_WITHOUT_EVENT).collect();
    }
    layers.into_iter().filter(|l| wanted.contains(&l.ordinal)).collect()
}
