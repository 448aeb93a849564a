//! Files and long work: opening and creating cases, the import dialog,
//! exports as jobs of their own (progress, Cancel, what they wrote), and
//! the first-run welcome's one step from the demo to one's own case.

use super::commands::Context;
use crate::export::ExportOptions;
use crate::jobs::{ExportFailure, ExportJob, ExportKind, Jobs, OpenMode, Request, TaskState};
use crate::window::file_picker::PickPurpose;
use crate::window::import::{ImportDialog, ImportItem, ImportStage};
use crate::window::state::{AppState, ExportForm, View};
use crate::window::welcome::WelcomeForm;
use std::path::{Path, PathBuf};

/// Opens a case on the worker; the window empties until it is open.
pub fn open_case(state: &mut AppState, jobs: &mut Jobs, path: PathBuf, mode: OpenMode) {
    state.opening = true;
    jobs.send(Request::Open { path, mode });
}

/// A file dialog (system or Telltale's own) answered.
pub fn files_chosen(state: &mut AppState, cx: &mut Context<'_>, purpose: PickPurpose, paths: Vec<PathBuf>) {
    state.picker = None;
    let Some(first) = paths.first().cloned() else {
        return;
    };
    if let Some(folder) = first.parent().filter(|p| !p.as_os_str().is_empty()) {
        state.settings.last_folder = Some(folder.to_path_buf());
    }
    match purpose {
        PickPurpose::OpenCase => open_case(state, cx.jobs, first, OpenMode::Existing),
        PickPurpose::NewCase => {
            state.fallback_demo = None;
            open_case(state, cx.jobs, with_extension(first, "telltale"), OpenMode::Create);
        }
        PickPurpose::Import => show_import(state, &paths),
        PickPurpose::Export(kind) => start_export(state, cx, kind, with_extension(first, extension(kind))),
        PickPurpose::WelcomeCase => {
            if let Some(form) = &mut state.welcome {
                form.case_path = with_extension(first, "telltale");
            }
        }
        PickPurpose::WelcomeCaptures => {
            if let Some(form) = &mut state.welcome {
                form.add(&paths);
            }
        }
    }
}

fn extension(kind: ExportKind) -> &'static str {
    match kind {
        ExportKind::Csv => "csv",
        ExportKind::Json => "json",
        ExportKind::Pdf => "pdf",
    }
}

fn with_extension(path: PathBuf, extension: &str) -> PathBuf {
    if path.extension().is_some() {
        path
    } else {
        path.with_extension(extension)
    }
}

pub fn show_import(state: &mut AppState, paths: &[PathBuf]) {
    if paths.is_empty() {
        return;
    }
    match &mut state.import {
        Some(dialog) if dialog.stage == ImportStage::Form => {
            dialog.items.extend(paths.iter().map(|p| ImportItem::new(p)));
        }
        Some(dialog) if dialog.is_running() => {
            state.notify("An import is running; drop the files again when it is done.", true);
        }
        _ => state.import = Some(ImportDialog::new(paths)),
    }
}

pub fn run_import(state: &mut AppState, jobs: &mut Jobs) {
    let Some(dialog) = &mut state.import else { return };
    if dialog.items.is_empty() || dialog.is_running() {
        return;
    }
    let items = dialog.items.iter().map(|i| (i.path.clone(), i.options())).collect();
    start_imports(dialog, jobs, items);
}

fn start_imports(dialog: &mut ImportDialog, jobs: &mut Jobs, items: Vec<(PathBuf, crate::store::ImportOptions)>) {
    dialog.results.clear();
    dialog.stage = ImportStage::Running {
        current: None,
        cancelling: false,
    };
    jobs.send(Request::Import { items });
}

pub fn cancel_import(state: &mut AppState, jobs: &mut Jobs) {
    if let Some(ImportDialog {
        stage: ImportStage::Running { cancelling, .. },
        ..
    }) = &mut state.import
    {
        *cancelling = true;
        jobs.cancel_import();
    }
}

pub fn close_import(state: &mut AppState) {
    if !state.import.as_ref().is_some_and(ImportDialog::is_running) {
        state.import = None;
    }
}

/// The export window, set to what the current view suggests: the findings
/// view exports findings; elsewhere, findings only when there are some.
pub fn show_export(state: &mut AppState) {
    state.export = Some(ExportForm {
        kind: ExportKind::Pdf,
        findings_only: state.view == View::Findings || !state.findings.is_empty(),
    });
}

/// Starts writing the export on its own thread.
fn start_export(state: &mut AppState, cx: &mut Context<'_>, kind: ExportKind, out: PathBuf) {
    let findings_only = state.export.is_some_and(|f| f.findings_only);
    state.export = None;
    if state.export_job.is_some() {
        state.notify("An export is running; wait for it or cancel it first.", true);
        return;
    }
    let Some(case_path) = state.case.as_ref().and_then(|c| c.path.clone()) else {
        state.notify("This case lives in memory only; exports need a case file.", true);
        return;
    };
    let options = ExportOptions {
        filter: state.export_filter(),
        findings_only,
        ..ExportOptions::default()
    };
    state.export_job = Some(ExportJob::start(&case_path, kind, out, options, cx.waker.clone()));
}

pub fn cancel_export(state: &mut AppState) {
    if let Some(job) = &state.export_job {
        job.cancel();
    }
}

/// Looks at a running export; reports how it ended.
pub fn poll_export(state: &mut AppState) {
    let Some(job) = &state.export_job else { return };
    let outcome = match job.poll() {
        TaskState::Running => return,
        TaskState::Done(outcome) => outcome,
        TaskState::Lost => Err(ExportFailure::Failed(format!(
            "the export stopped unexpectedly — {}",
            job.path.display()
        ))),
    };
    let path = job.path.clone();
    state.export_job = None;
    match outcome {
        Ok(done) => {
            let mut text = format!("Exported {} to {}.", done.describe(), path.display());
            for warning in &done.summary.warnings {
                text.push_str(&format!(" Note: {warning}"));
            }
            state.notify(text, false);
        }
        Err(ExportFailure::Cancelled) => state.notify(
            format!("Export cancelled; nothing was written — {}", path.display()),
            false,
        ),
        Err(ExportFailure::Failed(message)) => state.notify(format!("Export failed: {message}"), true),
    }
}

/// Shows the welcome (on the folder last used, else home) or closes it.
pub fn show_welcome(state: &mut AppState, show: bool) {
    if show {
        let folder = state
            .settings
            .last_folder
            .clone()
            .or_else(std::env::home_dir)
            .unwrap_or_else(|| PathBuf::from("."));
        state.welcome = Some(WelcomeForm::new(&folder));
    } else {
        state.welcome = None;
        state.settings.welcomed = true;
    }
}

/// Creates the welcome's case and imports its captures as soon as it is open.
pub fn start_case(state: &mut AppState, jobs: &mut Jobs) {
    let Some(form) = &state.welcome else { return };
    if form.missing().is_some() {
        return;
    }
    let case = form.case_file();
    let imports = form.imports();
    let items = form.items.clone();
    state.welcome = None;
    state.settings.welcomed = true;
    if let Some(folder) = case.parent().filter(|p| p.is_dir()) {
        state.settings.last_folder = Some(folder.to_path_buf());
    }
    state.fallback_demo = None;
    state.pending_import = Some(imports);
    state.import = Some(ImportDialog {
        items,
        ..ImportDialog::default()
    });
    open_case(state, jobs, case, OpenMode::Create);
}

/// The case being created is open: start the welcome's imports.
pub fn run_pending_import(state: &mut AppState, jobs: &mut Jobs) {
    let Some(items) = state.pending_import.take() else {
        return;
    };
    match &mut state.import {
        Some(dialog) => start_imports(dialog, jobs, items),
        None => {
            let mut dialog = ImportDialog::default();
            start_imports(&mut dialog, jobs, items);
            state.import = Some(dialog);
        }
    }
}

/// Where a file dialog for `purpose` starts: exports beside the case
/// (unless the case is the demo in the hidden data folder); otherwise the
/// folder last used, else the home folder.
pub fn start_dir(state: &AppState, purpose: PickPurpose) -> PathBuf {
    let beside_case = state
        .case
        .as_ref()
        .and_then(|c| c.path.as_deref())
        .filter(|_| !state.is_demo())
        .and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf);
    let remembered = state.settings.last_folder.clone().filter(|p| p.is_dir());
    let home = std::env::home_dir().filter(|p| p.is_dir());
    let first = match purpose {
        PickPurpose::Export(_) => beside_case.or(remembered),
        _ => remembered,
    };
    first
        .or(home)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}
