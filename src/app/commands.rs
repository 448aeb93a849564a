//! What a click means. Panels push [`Command`]s while drawing; the app
//! applies them after the frame, here, turning them into state changes and
//! worker requests. Nothing here blocks: queries go to the worker, files
//! and exports to their own threads. Selection is in `selection.rs`,
//! files, imports, exports and the welcome in `files.rs`.

/// The command type lives below the shell; re-exported for scripts and benches.
pub use crate::window::command::Command;

pub use super::files::open_case;
pub use super::selection::select;
use super::{dialogs, files, selection};
use crate::analysis::CompareRow;
use crate::jobs::{Jobs, OpenMode, Request, TimelineKey, WindowSpec};
use crate::model::SessionId;
use crate::store::{BrowseFilter, Facet};
use crate::window::command::WhatLeftCell;
use crate::window::state::{AppState, RowsShown, Selection, View};
use crate::window::timeline::TimelineModel;

/// What applying commands needs besides the state.
pub struct Context<'a> {
    pub jobs: &'a mut Jobs,
    pub egui: &'a egui::Context,
    pub waker: &'a crate::jobs::Waker,
}

/// Applies one command.
pub fn apply(state: &mut AppState, cx: &mut Context<'_>, command: Command) {
    match command {
        Command::ChooseFile(purpose) => dialogs::choose(state, cx, purpose),
        Command::OpenPicker(purpose) => dialogs::open_picker(state, cx, purpose),
        Command::ClosePicker => state.picker = None,
        Command::PickerNavigate(dir) => {
            if let Some(picker) = &mut state.picker {
                picker.navigate(dir, cx.waker.clone());
            }
        }
        Command::PickerGo(text) => dialogs::picker_go(state, cx, &text),
        Command::FilesChosen(purpose, paths) => files::files_chosen(state, cx, purpose, paths),
        Command::OpenCase(path) => open_case(state, cx.jobs, path, OpenMode::Existing),
        Command::ShowImport(paths) => files::show_import(state, &paths),
        Command::RunImport => files::run_import(state, cx.jobs),
        Command::CancelImport => files::cancel_import(state, cx.jobs),
        Command::CloseImport => files::close_import(state),
        Command::ShowExport => files::show_export(state),
        Command::CloseExport => state.export = None,
        Command::CancelExport => files::cancel_export(state),
        Command::ShowWelcome(show) => files::show_welcome(state, show),
        Command::StartCase => files::start_case(state, cx.jobs),
        Command::SetView(view) => set_view(state, cx.jobs, view),
        Command::ShowRows(rows) => show_rows(state, cx.jobs, rows),
        Command::SetDark(dark) => {
            state.settings.dark = dark;
            cx.egui
                .set_theme(if dark { egui::Theme::Dark } else { egui::Theme::Light });
        }
        Command::SetRelative(relative) => {
            state.settings.relative_time = relative;
            if let Some(range) = &mut state.filter.time {
                // A range on the other axis means nothing any more.
                if range.relative != relative {
                    state.filter.time = None;
                }
            }
            refresh_view(state, cx.jobs);
        }
        other => apply_view(state, cx, other),
    }
}

/// Commands about what is shown and selected.
fn apply_view(state: &mut AppState, cx: &mut Context<'_>, command: Command) {
    match command {
        Command::ToggleSession(id) => {
            if !state.filter.hidden_sessions.remove(&id) {
                state.filter.hidden_sessions.insert(id);
            }
            refresh_view(state, cx.jobs);
        }
        Command::ToggleFacet(facet, value) => {
            state.filter.toggle(facet, &value);
            refresh_view(state, cx.jobs);
        }
        Command::ClearFilters => {
            state.filter = BrowseFilter::default();
            state.search.text.clear();
            state.search.hits.clear();
            state.search.needles.clear();
            refresh_view(state, cx.jobs);
        }
        Command::SetTimeRange(range) => {
            state.filter.time = range;
            refresh_view(state, cx.jobs);
        }
        Command::SortBy(column) => {
            state.sort.descending = state.sort.column == column && !state.sort.descending;
            state.sort.column = column;
            refresh_view(state, cx.jobs);
        }
        Command::SortRequestsBy(column) => {
            let sort = &mut state.request_sort;
            sort.descending = sort.column == column && !sort.descending;
            sort.column = column;
            refresh_view(state, cx.jobs);
        }
        Command::Search(text) => search(state, cx.jobs, text),
        Command::FocusSearch => state.search.focus_next_frame = true,
        Command::CanaryForm(form) => state.search.save_form = form,
        Command::SaveCanary { needle, data_type } => {
            state.search.save_form = None;
            if !needle.trim().is_empty() {
                cx.jobs.send(Request::SaveCanary {
                    needle: needle.trim().to_string(),
                    data_type,
                });
            }
        }
        Command::FetchRows(rows, range) => selection::fetch_rows(state, cx.jobs, rows, range),
        Command::Select(selected) => select(state, cx.jobs, selected, None),
        Command::SelectIndex(index) => selection::select_index(state, cx.jobs, index),
        Command::MoveSelection(delta) => selection::move_selection(state, cx.jobs, delta),
        Command::SelectLayer(ordinal) => state.selected_layer = ordinal,
        Command::Timeline { key, window, buckets } => ask_timeline(state, cx.jobs, key, window, buckets),
        Command::Annotate(target, edit) => cx.jobs.send(Request::Annotate { target, edit }),
        Command::RemoveAnnotation(target) => cx.jobs.send(Request::RemoveAnnotation { target }),
        Command::PickCompare { a, b } => pick_compare(state, cx.jobs, a, b),
        Command::FilterToCompareRow(row) => filter_to_compare_row(state, cx.jobs, &row),
        Command::OpenWhatLeft(cell) => open_what_left(state, cx.jobs, &cell),
        Command::HostForm(form) => state.host_form = form,
        Command::LabelHost { host, edit } => {
            state.host_form = None;
            cx.jobs.send(Request::LabelHost { host, edit });
        }
        Command::ShowWarnings(show) => state.show_warnings = show,
        Command::Copy(text) => cx.egui.copy_text(text),
        _ => {}
    }
}

fn set_view(state: &mut AppState, jobs: &mut Jobs, view: View) {
    state.view = view;
    let needs_summary = matches!(view, View::WhatLeft | View::Compare);
    if needs_summary && state.summary.rows.is_none() && !state.summary.running && state.case.is_some() {
        state.summary.running = true;
        jobs.send(Request::Summary);
    }
}

fn show_rows(state: &mut AppState, jobs: &mut Jobs, rows: RowsShown) {
    state.rows_shown = rows;
    state.rows_picked = true;
    // The selection's row in the table now shown, for the highlight.
    match (rows, state.selected) {
        (RowsShown::Events, Some(Selection::Event(event))) => {
            state.table.selected_index = state.table.index_of(event);
        }
        (RowsShown::Requests, Some(Selection::Request(exchange))) => {
            state.requests.selected_index = state.requests.index_of(exchange);
        }
        _ => {}
    }
    if let Some(selected) = state.selected {
        selection::ask_position(state, jobs, selected);
    }
}

/// The filter or sort changed: a new view number, and everything that
/// depends on it asked for again.
pub fn refresh_view(state: &mut AppState, jobs: &mut Jobs) {
    state.view_id += 1;
    state.table.reset();
    state.requests.reset();
    state.timeline.reset();
    let (view, filter) = (state.view_id, state.filter.clone());
    jobs.send(Request::Facets {
        view,
        filter: filter.clone(),
    });
    jobs.send(Request::Count { view, filter });
    if let Some(selected) = state.selected {
        selection::ask_position(state, jobs, selected);
    }
}

/// The case's data changed (import, annotation, canary): what left the
/// device is asked for again when it is on screen, else when next shown.
pub fn data_changed(state: &mut AppState, jobs: &mut Jobs) {
    state.summary.rows = None;
    state.summary.running = false;
    if matches!(state.view, View::WhatLeft | View::Compare) {
        set_view(state, jobs, state.view);
    }
}

fn search(state: &mut AppState, jobs: &mut Jobs, text: String) {
    let needle = text.trim().to_string();
    state.search.text = text;
    state.filter.text = needle.clone();
    state.filter.hits = None;
    state.search.hits.clear();
    state.search.save_form = None;
    refresh_view(state, jobs);
    if needle.chars().count() >= 3 {
        state.search.running = true;
        jobs.send(Request::Search { needles: vec![needle] });
    } else {
        state.search.needles.clear();
    }
}

fn ask_timeline(state: &mut AppState, jobs: &mut Jobs, key: TimelineKey, window: Option<WindowSpec>, buckets: u32) {
    // Before the case is open there is nothing to count; asked then, the
    // worker would count the timeline before the case's first figures.
    if state.case.is_none() {
        return;
    }
    let (view, filter, relative) = match key {
        TimelineKey::Main => (state.view_id, state.filter.clone(), state.settings.relative_time),
        TimelineKey::CompareA | TimelineKey::CompareB => {
            let session = if key == TimelineKey::CompareA {
                state.compare.a
            } else {
                state.compare.b
            };
            let Some(session) = session else { return };
            (state.view_id, only_session(state, session), true)
        }
    };
    let model: Option<&mut TimelineModel> = match key {
        TimelineKey::Main => Some(&mut state.timeline),
        TimelineKey::CompareA => state.compare.timeline_a.as_mut(),
        TimelineKey::CompareB => state.compare.timeline_b.as_mut(),
    };
    if let Some(model) = model {
        model.asked = Some((view, relative, window));
    }
    jobs.send(Request::Timeline {
        key,
        view,
        filter,
        relative,
        window,
        buckets,
    });
}

/// A filter that shows one session and nothing else.
fn only_session(state: &AppState, session: SessionId) -> BrowseFilter {
    BrowseFilter {
        hidden_sessions: state
            .sessions
            .iter()
            .map(|s| s.id)
            .filter(|id| *id != session)
            .collect(),
        ..BrowseFilter::default()
    }
}

pub fn pick_compare(state: &mut AppState, jobs: &mut Jobs, a: Option<SessionId>, b: Option<SessionId>) {
    let compare = &mut state.compare;
    compare.a = a;
    compare.b = b;
    compare.result = None;
    compare.timeline_a = a.map(|_| TimelineModel::new(TimelineKey::CompareA));
    compare.timeline_b = b.map(|_| TimelineModel::new(TimelineKey::CompareB));
    let name = |id: Option<SessionId>| id.and_then(|id| state.session(id)).map(|s| s.name.clone());
    if let (Some(a), Some(b)) = (name(a), name(b)) {
        state.compare.running = true;
        jobs.send(Request::Compare { a, b });
    }
}

/// Shows both compared sessions, narrowed to one row's tracker, event and field.
fn filter_to_compare_row(state: &mut AppState, jobs: &mut Jobs, row: &CompareRow) {
    let shown = [state.compare.a, state.compare.b];
    state.filter = BrowseFilter {
        hidden_sessions: state
            .sessions
            .iter()
            .map(|s| s.id)
            .filter(|id| !shown.contains(&Some(*id)))
            .collect(),
        ..BrowseFilter::default()
    };
    state.filter.toggle(Facet::Tracker, &row.tracker);
    state.filter.toggle(Facet::Event, &row.event);
    if !row.field.is_empty() {
        state.filter.toggle(Facet::Field, &row.field);
    }
    state.view = View::Browse;
    state.rows_shown = RowsShown::Events;
    refresh_view(state, jobs);
}

/// Shows the requests (and events) behind a "What left" cell.
fn open_what_left(state: &mut AppState, jobs: &mut Jobs, cell: &WhatLeftCell) {
    state.filter = BrowseFilter {
        hidden_sessions: state
            .sessions
            .iter()
            .map(|s| s.id)
            .filter(|id| !cell.sessions.contains(id))
            .collect(),
        ..BrowseFilter::default()
    };
    state.filter.toggle(Facet::App, cell.app.as_deref().unwrap_or(""));
    state.filter.toggle(Facet::Mode, cell.mode.as_str());
    if let Some(company) = &cell.company {
        state.filter.toggle(Facet::Company, company);
    }
    // The recipient's own hosts: a company's hosts of the other party are
    // another recipient.
    for host in &cell.hosts {
        state.filter.toggle(Facet::Host, host);
    }
    if let Some(kind) = &cell.data_type {
        state.filter.toggle(Facet::DataType, kind);
    }
    state.search.text.clear();
    state.view = View::Browse;
    state.rows_shown = RowsShown::Requests;
    refresh_view(state, jobs);
}
