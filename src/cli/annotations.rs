//! `telltale annotations CASE [--json]`: every annotation with its history.

use super::output::{clip, print_json, print_table, short_time};
use crate::model::{Annotation, format_rfc3339_micros};
use crate::store::AnnotationHistoryEntry;
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `telltale annotations`.
#[derive(clap::Args, Debug)]
pub struct AnnotationsArgs {
    pub case: PathBuf,
    /// Print a JSON array (with each annotation's history) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// The JSON shape of one annotation (keys are a stable interface).
#[derive(Serialize)]
struct AnnotationJson<'a> {
    id: i64,
    target_kind: &'static str,
    target_id: i64,
    severity: &'static str,
    tags: &'a [String],
    note: &'a str,
    created: String,
    updated: String,
    history: Vec<HistoryJson<'a>>,
}

#[derive(Serialize)]
struct HistoryJson<'a> {
    time: String,
    user_name: &'a str,
    action: &'static str,
    old_value: Option<&'a serde_json::Value>,
    new_value: Option<&'a serde_json::Value>,
}

fn annotation_json<'a>(a: &'a Annotation, history: &'a [AnnotationHistoryEntry]) -> AnnotationJson<'a> {
    AnnotationJson {
        id: a.id.0,
        target_kind: a.target.kind(),
        target_id: a.target.id(),
        severity: a.severity.as_str(),
        tags: &a.tags,
        note: &a.note,
        created: format_rfc3339_micros(a.created_micros),
        updated: format_rfc3339_micros(a.updated_micros),
        history: history
            .iter()
            .filter(|h| h.annotation_id == a.id)
            .map(|h| HistoryJson {
                time: format_rfc3339_micros(h.changed_micros),
                user_name: &h.user_name,
                action: h.action.as_str(),
                old_value: h.old_value.as_ref(),
                new_value: h.new_value.as_ref(),
            })
            .collect(),
    }
}

pub fn run(args: &AnnotationsArgs) -> anyhow::Result<()> {
    let case = super::open_case(&args.case)?;
    let on_case = |e: crate::store::StoreError| anyhow::anyhow!("{e} — {}", args.case.display());
    let annotations = case.annotations().map_err(on_case)?;
    let history = case.all_annotation_history().map_err(on_case)?;
    if args.json {
        let rows: Vec<AnnotationJson<'_>> = annotations.iter().map(|a| annotation_json(a, &history)).collect();
        return print_json(&rows);
    }
    let rows: Vec<Vec<String>> = annotations
        .iter()
        .map(|a| {
            let changes = history.iter().filter(|h| h.annotation_id == a.id).count();
            vec![
                a.id.to_string(),
                format!("{} {}", a.target.kind(), a.target.id()),
                a.severity.to_string(),
                a.tags.join(", "),
                clip(&a.note, 50),
                short_time(a.updated_micros),
                changes.to_string(),
            ]
        })
        .collect();
    print_table(
        &["ID", "TARGET", "SEVERITY", "TAGS", "NOTE", "UPDATED (UTC)", "CHANGES"],
        &rows,
        60,
    )?;
    Ok(())
}
