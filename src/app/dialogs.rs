//! Choosing files: the system dialog (rfd over the XDG desktop portal, or
//! zenity) on a task thread, and Telltale's own picker when no system
//! dialog answers. A button that asks for a file therefore always shows a
//! dialog — never nothing.
//!
//! rfd answers "nothing chosen" both when the user cancels and when no
//! portal exists; an answer faster than a person can cancel
//! ([`INSTANT_ANSWER`]) is taken as "no dialog appeared".

use super::commands::{Command, Context};
use super::state::{AppState, NativeDialog};
use crate::jobs::{Task, TaskState};
use crate::ui::file_picker::{FilePicker, PickPurpose};
use std::path::PathBuf;
use std::time::Duration;

/// A system dialog that returns empty-handed faster than this never showed.
const INSTANT_ANSWER: Duration = Duration::from_millis(700);

/// Environment variable: `builtin` always uses Telltale's own picker.
pub const PICKER_ENV: &str = "TELLTALE_FILE_PICKER";

/// Asks for a file for `purpose`.
pub fn choose(state: &mut AppState, cx: &mut Context<'_>, purpose: PickPurpose) {
    if state.native_dialog.is_some() || state.picker.is_some() {
        state.notify("A file dialog is already open.", false);
        return;
    }
    if !system_dialog_possible() {
        open_picker(state, cx, purpose);
        return;
    }
    let start = start_dir(state);
    let file_name = default_file_name(state, purpose);
    let task = Task::spawn("telltale-file-dialog", cx.waker.clone(), move || {
        system_dialog(purpose, start, &file_name)
    });
    state.native_dialog = Some(NativeDialog { purpose, task });
}

/// Opens Telltale's own picker for `purpose`.
pub fn open_picker(state: &mut AppState, cx: &mut Context<'_>, purpose: PickPurpose) {
    let name = default_file_name(state, purpose);
    state.picker = Some(FilePicker::new(purpose, start_dir(state), name, cx.waker.clone()));
}

/// Looks at a running system dialog; returns what it chose, or opens
/// Telltale's own picker when no system dialog appeared.
pub fn poll(state: &mut AppState, commands: &mut Vec<Command>) {
    if let Some(picker) = &mut state.picker {
        picker.poll();
    }
    let Some(dialog) = &state.native_dialog else { return };
    let purpose = dialog.purpose;
    let answer = match dialog.task.poll() {
        TaskState::Running => return,
        TaskState::Done(answer) => answer,
        TaskState::Lost => None,
    };
    let instant = dialog.task.elapsed() < INSTANT_ANSWER;
    state.native_dialog = None;
    match answer {
        Some(paths) if !paths.is_empty() => commands.push(Command::FilesChosen(purpose, paths)),
        _ if instant => {
            state.notify(
                "No system file dialog answered; using Telltale's own file browser.",
                false,
            );
            commands.push(Command::OpenPicker(purpose));
        }
        _ => {}
    }
}

/// Whether a system dialog can appear at all: a desktop portal needs a
/// session bus; zenity needs to be installed.
fn system_dialog_possible() -> bool {
    if std::env::var(PICKER_ENV).is_ok_and(|v| v == "builtin") {
        return false;
    }
    let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some();
    let zenity = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join("zenity").is_file()));
    bus || zenity
}

fn system_dialog(purpose: PickPurpose, start: PathBuf, file_name: &str) -> Option<Vec<PathBuf>> {
    let dialog = rfd::FileDialog::new().set_title(purpose.title()).set_directory(start);
    match purpose {
        PickPurpose::Import => dialog
            // The importer registry says which extensions it reads.
            .add_filter("Captures", &crate::ingest::file_extensions())
            .add_filter("All files", &["*"])
            .pick_files(),
        PickPurpose::OpenCase => dialog
            .add_filter("Telltale case", &["telltale"])
            .add_filter("All files", &["*"])
            .pick_file()
            .map(|p| vec![p]),
        PickPurpose::NewCase | PickPurpose::Export(_) => dialog.set_file_name(file_name).save_file().map(|p| vec![p]),
    }
}

fn start_dir(state: &AppState) -> PathBuf {
    state
        .case
        .as_ref()
        .and_then(|c| c.path.as_ref())
        .and_then(|p| p.parent())
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}

fn default_file_name(state: &AppState, purpose: PickPurpose) -> String {
    let case = state.case.as_ref().map_or("telltale", |c| c.name.as_str());
    match purpose {
        PickPurpose::NewCase => "investigation.telltale".to_string(),
        PickPurpose::Export(crate::jobs::ExportKind::Csv) => format!("{case}-findings.csv"),
        PickPurpose::Export(crate::jobs::ExportKind::Json) => format!("{case}-findings.json"),
        PickPurpose::Export(crate::jobs::ExportKind::Pdf) => format!("{case}-report.pdf"),
        PickPurpose::OpenCase | PickPurpose::Import => String::new(),
    }
}
