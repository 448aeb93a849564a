//! What a click means. Panels push [`Command`]s while drawing; the app
//! applies them after the frame, here, turning them into state changes and
//! worker requests. Nothing here blocks: queries go to the worker.

/// The command type lives below the shell; re-exported for scripts and benches.
pub use crate::window::command::Command;

use super::dialogs;
use crate::analysis::CompareRow;
use crate::jobs::{Jobs, OpenMode, Request, TimelineKey, WindowSpec};
use crate::model::{EventId, SessionId};
use crate::store::{BrowseFilter, Facet};
use crate::window::file_picker::PickPurpose;
use crate::window::import::{ImportDialog, ImportStage};
use crate::window::state::{AppState, ExportForm, View};
use crate::window::table::PAGE_ROWS;
use crate::window::timeline::TimelineModel;
use std::ops::Range;
use std::path::PathBuf;

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
        Command::FilesChosen(purpose, paths) => files_chosen(state, cx, purpose, paths),
        Command::OpenCase(path) => open_case(state, cx.jobs, path, OpenMode::Existing),
        Command::ShowImport(paths) => show_import(state, &paths),
        Command::RunImport => run_import(state, cx.jobs),
        Command::CancelImport => cancel_import(state, cx.jobs),
        Command::CloseImport => {
            if !state.import.as_ref().is_some_and(ImportDialog::is_running) {
                state.import = None;
            }
        }
        Command::ShowExport => {
            state.export = Some(ExportForm {
                kind: crate::jobs::ExportKind::Pdf,
                findings_only: !state.findings.is_empty(),
            });
        }
        Command::CloseExport => state.export = None,
        Command::SetView(view) => state.view = view,
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
        Command::Search(text) => search(state, cx.jobs, text),
        Command::FocusSearch => state.search.focus_next_frame = true,
        Command::FetchRows(rows) => fetch_rows(state, cx.jobs, rows),
        Command::Select(event) => select(state, cx.jobs, event, None),
        Command::SelectIndex(index) => select_index(state, cx.jobs, index),
        Command::MoveSelection(delta) => move_selection(state, cx.jobs, delta),
        Command::SelectLayer(ordinal) => state.selected_layer = ordinal,
        Command::Timeline { key, window, buckets } => ask_timeline(state, cx.jobs, key, window, buckets),
        Command::Annotate(target, edit) => cx.jobs.send(Request::Annotate { target, edit }),
        Command::PickCompare { a, b } => pick_compare(state, cx.jobs, a, b),
        Command::FilterToCompareRow(row) => filter_to_compare_row(state, cx.jobs, &row),
        Command::ShowWarnings(show) => state.show_warnings = show,
        Command::Copy(text) => cx.egui.copy_text(text),
        _ => {}
    }
}

/// Opens a case on the worker; the window empties until it is open.
pub fn open_case(state: &mut AppState, jobs: &mut Jobs, path: PathBuf, mode: OpenMode) {
    state.opening = true;
    jobs.send(Request::Open { path, mode });
}

fn files_chosen(state: &mut AppState, cx: &mut Context<'_>, purpose: PickPurpose, paths: Vec<PathBuf>) {
    state.picker = None;
    let Some(first) = paths.first().cloned() else {
        return;
    };
    match purpose {
        PickPurpose::OpenCase => open_case(state, cx.jobs, first, OpenMode::Existing),
        PickPurpose::NewCase => {
            state.fallback_demo = None;
            open_case(state, cx.jobs, with_extension(first, "telltale"), OpenMode::Create);
        }
        PickPurpose::Import => show_import(state, &paths),
        PickPurpose::Export(kind) => {
            let extension = match kind {
                crate::jobs::ExportKind::Csv => "csv",
                crate::jobs::ExportKind::Json => "json",
                crate::jobs::ExportKind::Pdf => "pdf",
            };
            let findings_only = state.export.is_some_and(|f| f.findings_only);
            state.export = None;
            state.exporting = true;
            cx.jobs.send(Request::Export {
                kind,
                path: with_extension(first, extension),
                filter: state.export_filter(),
                findings_only,
            });
        }
    }
}

fn with_extension(path: PathBuf, extension: &str) -> PathBuf {
    if path.extension().is_some() {
        path
    } else {
        path.with_extension(extension)
    }
}

fn show_import(state: &mut AppState, paths: &[PathBuf]) {
    if paths.is_empty() {
        return;
    }
    match &mut state.import {
        Some(dialog) if dialog.stage == ImportStage::Form => {
            dialog
                .items
                .extend(paths.iter().map(|p| crate::window::import::ImportItem::new(p)));
        }
        Some(dialog) if dialog.is_running() => {
            state.notify("An import is running; drop the files again when it is done.", true);
        }
        _ => state.import = Some(ImportDialog::new(paths)),
    }
}

fn run_import(state: &mut AppState, jobs: &mut Jobs) {
    let Some(dialog) = &mut state.import else { return };
    if dialog.items.is_empty() || dialog.is_running() {
        return;
    }
    let items = dialog.items.iter().map(|i| (i.path.clone(), i.options())).collect();
    dialog.results.clear();
    dialog.stage = ImportStage::Running {
        current: None,
        cancelling: false,
    };
    jobs.send(Request::Import { items });
}

fn cancel_import(state: &mut AppState, jobs: &mut Jobs) {
    if let Some(ImportDialog {
        stage: ImportStage::Running { cancelling, .. },
        ..
    }) = &mut state.import
    {
        *cancelling = true;
        jobs.cancel_import();
    }
}

/// The filter or sort changed: a new view number, and everything that
/// depends on it asked for again.
pub fn refresh_view(state: &mut AppState, jobs: &mut Jobs) {
    state.view_id += 1;
    state.table.reset();
    state.timeline.reset();
    let (view, filter) = (state.view_id, state.filter.clone());
    jobs.send(Request::Facets {
        view,
        filter: filter.clone(),
    });
    jobs.send(Request::Count {
        view,
        filter: filter.clone(),
    });
    if let Some(event) = state.selected {
        jobs.send(Request::Position {
            view,
            filter,
            sort: state.sort,
            event,
        });
    }
}

fn search(state: &mut AppState, jobs: &mut Jobs, text: String) {
    let needle = text.trim().to_string();
    state.search.text = text;
    state.filter.text = needle.clone();
    refresh_view(state, jobs);
    state.search.hits.clear();
    if needle.chars().count() >= 3 {
        state.search.running = true;
        jobs.send(Request::Search { needles: vec![needle] });
    } else {
        state.search.needles.clear();
    }
}

fn fetch_rows(state: &mut AppState, jobs: &mut Jobs, rows: Range<u64>) {
    for page in state.table.take_missing(rows) {
        jobs.send(Request::Page {
            view: state.view_id,
            filter: state.filter.clone(),
            sort: state.sort,
            offset: page * PAGE_ROWS,
            limit: PAGE_ROWS,
        });
    }
}

/// Selects `event`; `index` is its row when the caller knows it.
pub fn select(state: &mut AppState, jobs: &mut Jobs, event: EventId, index: Option<u64>) {
    if state.selected != Some(event) {
        state.selected = Some(event);
        state.selected_layer = None;
        jobs.send(Request::Detail { event });
    }
    state.table.pending_select = None;
    match index.or_else(|| state.table.index_of(event)) {
        Some(index) => state.table.selected_index = Some(index),
        None => jobs.send(Request::Position {
            view: state.view_id,
            filter: state.filter.clone(),
            sort: state.sort,
            event,
        }),
    }
}

fn select_index(state: &mut AppState, jobs: &mut Jobs, index: u64) {
    state.table.scroll_to = Some(index);
    match state.table.row(index).map(|r| r.id) {
        Some(event) => select(state, jobs, event, Some(index)),
        None => {
            state.table.pending_select = Some(index);
            fetch_rows(state, jobs, index..index + 1);
        }
    }
}

fn move_selection(state: &mut AppState, jobs: &mut Jobs, delta: i64) {
    let Some(count) = state.table.count.filter(|c| *c > 0) else {
        return;
    };
    let index = match state.table.selected_index {
        Some(current) => current.saturating_add_signed(delta).min(count - 1),
        None => 0,
    };
    select_index(state, jobs, index);
}

fn ask_timeline(state: &mut AppState, jobs: &mut Jobs, key: TimelineKey, window: Option<WindowSpec>, buckets: u32) {
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
    refresh_view(state, jobs);
}
