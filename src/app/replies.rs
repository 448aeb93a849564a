//! What the worker's answers change. Runs on the frame thread before
//! drawing; answers for a view the window has left are dropped.

use super::commands::{open_case, refresh_view, select};
use crate::jobs::{Jobs, OpenMode, Reply, TimelineKey, TimelineReply};
use crate::model::{Mode, Target};
use crate::window::import::ImportStage;
use crate::window::state::AppState;

/// Applies one reply.
pub fn apply(state: &mut AppState, jobs: &mut Jobs, reply: Reply) {
    match reply {
        Reply::Opened(result) => opened(state, jobs, result),
        Reply::Sessions(sessions) => {
            state.sessions = sessions;
            default_compare(state, jobs);
        }
        Reply::Warnings(warnings) => state.warnings = warnings,
        Reply::Findings(findings) => state.findings = findings,
        Reply::Facets { view, facets } if view == state.view_id => state.facets = facets,
        Reply::Count { view, count } if view == state.view_id => state.table.count = Some(count),
        Reply::Page { view, offset, rows } if view == state.view_id => page(state, jobs, offset, rows),
        Reply::Position { view, event, position } if view == state.view_id && state.selected == Some(event) => {
            state.table.selected_index = position;
            state.table.scroll_to = position;
        }
        Reply::Timeline(reply) => timeline(state, *reply),
        Reply::Detail { event, detail } if state.selected == Some(event) => {
            let detail = detail.map(|d| *d);
            state.draft = crate::window::state::AnnotationDraft {
                event: Some(event),
                tags: detail
                    .as_ref()
                    .and_then(|d| d.annotation.as_ref())
                    .map(|a| a.tags.join(", "))
                    .unwrap_or_default(),
                note: detail
                    .as_ref()
                    .and_then(|d| d.annotation.as_ref())
                    .map(|a| a.note.clone())
                    .unwrap_or_default(),
            };
            state.selected_layer = detail.as_ref().and_then(|d| d.layer_ordinal);
            state.detail = detail;
        }
        Reply::Annotated(annotation) => {
            if let (Some(detail), Target::Event(id)) = (&mut state.detail, annotation.target)
                && detail.event.id == id
            {
                detail.annotation = Some(annotation);
            }
            state.notify("Annotation saved.", false);
            refresh_view(state, jobs);
        }
        Reply::Compared(comparison) => {
            state.compare.running = false;
            state.compare.result = Some(*comparison);
        }
        Reply::Searched { needles, hits } => {
            state.search.running = false;
            state.search.needles = needles;
            state.search.hits = hits;
        }
        other => apply_background(state, jobs, other),
    }
}

/// Replies of imports, exports and failures.
fn apply_background(state: &mut AppState, jobs: &mut Jobs, reply: Reply) {
    match reply {
        Reply::ImportProgress { file, progress } => {
            if let Some(dialog) = &mut state.import
                && let ImportStage::Running { current, .. } = &mut dialog.stage
            {
                *current = Some((file, progress));
            }
        }
        Reply::Imported { file, result } => {
            match &result {
                Ok(outcome) => state.notify(
                    format!(
                        "Imported {} into session `{}`: {} exchanges, {} events.",
                        file.display(),
                        outcome.session,
                        outcome.exchanges,
                        outcome.events
                    ),
                    false,
                ),
                Err(message) => state.notify(format!("Import failed: {message}"), true),
            }
            if let Some(dialog) = &mut state.import {
                dialog.results.push((file, result));
            }
        }
        Reply::ImportsDone => {
            if let Some(dialog) = &mut state.import {
                dialog.stage = ImportStage::Finished;
            }
            jobs.send(crate::jobs::Request::Refresh);
            refresh_view(state, jobs);
        }
        Reply::Exported(result) => {
            state.exporting = false;
            match result {
                Ok(summary) => state.notify(
                    format!("Exported {} rows to {}.", summary.rows, summary.path.display()),
                    false,
                ),
                Err(message) => state.notify(format!("Export failed: {message}"), true),
            }
        }
        Reply::Failed { what, message } => {
            if what == "compare" {
                state.compare.running = false;
            }
            if what == "search" {
                state.search.running = false;
            }
            state.notify(format!("Could not load {what}: {message}"), true);
        }
        _ => {}
    }
}

fn opened(state: &mut AppState, jobs: &mut Jobs, result: Result<crate::jobs::CaseInfo, String>) {
    state.opening = false;
    match result {
        Ok(info) => {
            if info.path.is_some() {
                state.settings.last_case = info.path.clone();
            }
            state.case = Some(info);
            state.fallback_demo = None;
            state.filter = crate::store::BrowseFilter::default();
            state.selected = None;
            state.detail = None;
            state.compare = crate::window::state::CompareState::default();
            jobs.send(crate::jobs::Request::Refresh);
            refresh_view(state, jobs);
        }
        Err(message) => match state.fallback_demo.take() {
            // The remembered case is gone: open (or write) the demo instead.
            Some(demo) => open_case(state, jobs, demo, OpenMode::Demo),
            None => state.notify(format!("Cannot open the case: {message}"), true),
        },
    }
}

fn page(state: &mut AppState, jobs: &mut Jobs, offset: u64, rows: Vec<crate::store::ListRow>) {
    state.table.insert_page(offset, rows);
    if let Some(index) = state.table.pending_select
        && let Some(event) = state.table.row(index).map(|r| r.id)
    {
        select(state, jobs, event, Some(index));
    }
    if let Some(event) = state.selected
        && state.table.selected_index.is_none()
    {
        state.table.selected_index = state.table.index_of(event);
    }
}

fn timeline(state: &mut AppState, reply: TimelineReply) {
    if reply.view != state.view_id {
        return;
    }
    let model = match reply.key {
        TimelineKey::Main => Some(&mut state.timeline),
        TimelineKey::CompareA => state.compare.timeline_a.as_mut(),
        TimelineKey::CompareB => state.compare.timeline_b.as_mut(),
    };
    if let Some(model) = model {
        model.reply = Some(std::sync::Arc::new(reply));
    }
}

/// Compares the first normal session with the first incognito one (else
/// the first two) until the user picks.
fn default_compare(state: &mut AppState, jobs: &mut Jobs) {
    if state.compare.a.is_some() && state.compare.b.is_some() {
        return;
    }
    let first = |mode: Mode| state.sessions.iter().find(|s| s.mode == mode).map(|s| s.id);
    let (a, b) = match (first(Mode::Normal), first(Mode::Incognito)) {
        (Some(a), Some(b)) => (a, b),
        _ if state.sessions.len() >= 2 => (state.sessions[0].id, state.sessions[1].id),
        _ => return,
    };
    super::commands::pick_compare(state, jobs, Some(a), Some(b));
}
