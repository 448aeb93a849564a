//! What the worker's answers change. Runs on the frame thread before
//! drawing; answers for a view the window has left are dropped.

use super::commands::{data_changed, open_case, refresh_view, select};
use crate::jobs::{Jobs, OpenMode, Reply, TimelineKey, TimelineReply};
use crate::model::{Mode, Target};
use crate::store::SearchHits;
use crate::window::import::ImportStage;
use crate::window::state::{AnnotationDraft, AppState, Detail, RowsShown, Selection};

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
        Reply::Count { view, events, requests } if view == state.view_id => counted(state, events, requests),
        Reply::Page { view, offset, rows } if view == state.view_id => {
            state.table.insert_page(offset, rows);
            after_page(state, jobs, RowsShown::Events);
        }
        Reply::RequestPage { view, offset, rows } if view == state.view_id => {
            state.requests.insert_page(offset, rows);
            after_page(state, jobs, RowsShown::Requests);
        }
        Reply::Position { view, event, position }
            if view == state.view_id && state.selected == Some(Selection::Event(event)) =>
        {
            state.table.selected_index = position;
            state.table.scroll_to = position;
        }
        Reply::RequestPosition {
            view,
            exchange,
            position,
        } if view == state.view_id && state.selected == Some(Selection::Request(exchange)) => {
            state.requests.selected_index = position;
            state.requests.scroll_to = position;
        }
        Reply::Timeline(reply) => timeline(state, *reply),
        Reply::Detail { event, detail } if state.selected == Some(Selection::Event(event)) => {
            state.selected_layer = detail.as_ref().and_then(|d| d.layer_ordinal);
            show_detail(state, detail.map(Detail::Event));
        }
        Reply::RequestDetail { exchange, detail } if state.selected == Some(Selection::Request(exchange)) => {
            state.selected_layer = None;
            show_detail(state, detail.map(Detail::Request));
        }
        Reply::Annotated(annotation) => {
            if let Some(detail) = &mut state.detail
                && detail.selection().target() == annotation.target
            {
                *detail.annotation_mut() = Some(annotation);
            }
            state.notify("Annotation saved.", false);
            refresh_view(state, jobs);
        }
        Reply::AnnotationRemoved { target, removed } => annotation_removed(state, jobs, target, removed),
        Reply::HostLabelled(row) => {
            let name = match &row.company {
                Some(company) => format!("{} is now {company} ({} party).", row.host, row.party),
                None => format!("{} is now {} party, no known company.", row.host, row.party),
            };
            state.notify(name, false);
            refresh_view(state, jobs);
        }
        other => apply_more(state, jobs, other),
    }
}

/// Replies of searches, summaries, comparisons, imports and failures.
fn apply_more(state: &mut AppState, jobs: &mut Jobs, reply: Reply) {
    match reply {
        Reply::Summary(rows) => {
            state.summary.running = false;
            state.summary.rows = Some(rows);
        }
        Reply::Compared(comparison) => {
            state.compare.running = false;
            state.compare.result = Some(*comparison);
        }
        Reply::Searched { needles, hits } => searched(state, jobs, needles, hits),
        Reply::CanarySaved {
            needle,
            data_type,
            added,
        } => {
            let text = match data_type {
                Some(kind) => format!(
                    "Saved “{needle}” as a canary for {kind}: {added} new {} where it was found.",
                    if added == 1 { "data type" } else { "data types" }
                ),
                None => format!("Saved “{needle}” as a canary; the report lists its hits."),
            };
            state.notify(text, false);
            data_changed(state, jobs);
            refresh_view(state, jobs);
        }
        other => apply_background(state, jobs, other),
    }
}

/// Replies of imports and failures.
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
                        "Imported {} into session `{}`: {} requests, {} events.",
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
            data_changed(state, jobs);
            refresh_view(state, jobs);
        }
        Reply::Failed { what, message } => {
            match what {
                "compare" => state.compare.running = false,
                "search" => state.search.running = false,
                "summary" => state.summary.running = false,
                _ => {}
            }
            state.notify(format!("Could not load {what}: {message}"), true);
        }
        _ => {}
    }
}

fn counted(state: &mut AppState, events: u64, requests: u64) {
    state.table.count = Some(events);
    state.requests.count = Some(requests);
    // A capture whose requests decode into no events shows its requests.
    if !state.rows_picked && events == 0 && requests > 0 {
        state.rows_shown = RowsShown::Requests;
    }
}

fn after_page(state: &mut AppState, jobs: &mut Jobs, rows: RowsShown) {
    let pending = match rows {
        RowsShown::Events => state
            .table
            .pending_select
            .and_then(|i| state.table.row(i).map(|r| (i, Selection::Event(r.id)))),
        RowsShown::Requests => state
            .requests
            .pending_select
            .and_then(|i| state.requests.row(i).map(|r| (i, Selection::Request(r.id)))),
    };
    if let Some((index, selected)) = pending {
        select(state, jobs, selected, Some(index));
    }
    match state.selected {
        Some(Selection::Event(event)) if state.table.selected_index.is_none() => {
            state.table.selected_index = state.table.index_of(event);
        }
        Some(Selection::Request(exchange)) if state.requests.selected_index.is_none() => {
            state.requests.selected_index = state.requests.index_of(exchange);
        }
        _ => {}
    }
}

fn show_detail(state: &mut AppState, detail: Option<Detail>) {
    let annotation = detail.as_ref().and_then(Detail::annotation);
    state.draft = AnnotationDraft {
        target: detail.as_ref().map(|d| d.selection().target()),
        tags: annotation.map(|a| a.tags.join(", ")).unwrap_or_default(),
        note: annotation.map(|a| a.note.clone()).unwrap_or_default(),
    };
    state.detail = detail;
}

fn annotation_removed(state: &mut AppState, jobs: &mut Jobs, target: Target, removed: bool) {
    if let Some(detail) = &mut state.detail
        && detail.selection().target() == target
    {
        *detail.annotation_mut() = None;
        state.draft.tags.clear();
        state.draft.note.clear();
    }
    let text = if removed {
        "Annotation removed (its history keeps what it said)."
    } else {
        "There was no annotation to remove."
    };
    state.notify(text, false);
    refresh_view(state, jobs);
}

/// Canary hits arrived: rows with a hit match the search too, also
/// requests without events.
fn searched(state: &mut AppState, jobs: &mut Jobs, needles: Vec<String>, hits: Vec<crate::analysis::SearchHit>) {
    state.search.running = false;
    if needles.first().map(String::as_str) != Some(state.filter.text.as_str()) {
        return; // an older search
    }
    let mut exchanges: Vec<_> = hits.iter().map(|h| h.exchange_id).collect();
    exchanges.sort();
    exchanges.dedup();
    let mut events: Vec<_> = hits.iter().filter_map(|h| h.event_id).collect();
    events.sort();
    events.dedup();
    let only_requests = events.is_empty() && !exchanges.is_empty() && !state.rows_picked;
    state.filter.hits = Some(SearchHits { events, exchanges });
    state.search.needles = needles;
    state.search.hits = hits;
    if only_requests {
        state.rows_shown = RowsShown::Requests;
    }
    refresh_view(state, jobs);
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
            state.search.text.clear();
            state.search.hits.clear();
            state.search.needles.clear();
            state.selected = None;
            state.detail = None;
            state.rows_shown = RowsShown::Events;
            state.rows_picked = false;
            state.compare = crate::window::compare::CompareState::default();
            state.summary = crate::window::state::SummaryState::default();
            if state.is_demo() && !state.settings.welcomed && state.welcome.is_none() {
                super::files::show_welcome(state, true);
            }
            jobs.send(crate::jobs::Request::Refresh);
            refresh_view(state, jobs);
            super::files::run_pending_import(state, jobs);
            if matches!(
                state.view,
                crate::window::state::View::WhatLeft | crate::window::state::View::Compare
            ) {
                data_changed(state, jobs);
            }
        }
        Err(message) => {
            state.pending_import = None;
            if let Some(dialog) = &state.import
                && dialog.stage == ImportStage::Form
                && dialog.results.is_empty()
            {
                state.import = None;
            }
            match state.fallback_demo.take() {
                // The remembered case is gone: open (or write) the demo instead.
                Some(demo) => open_case(state, jobs, demo, OpenMode::Demo),
                None => state.notify(format!("Cannot open the case: {message}"), true),
            }
        }
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
