//! Telltale's own file picker, for desktops where no system file dialog
//! answers (minimal window managers, Xvfb). Directory listings are read
//! on a [`Task`] thread; the frame thread only shows what arrived.
//! No drawing here (see `file_picker_ui.rs`).
//!
//! What it promises: a path can be typed or pasted; it starts in the
//! folder last used (else the home folder); SQLite's side files
//! (`-wal`, `-shm`, `-journal`) and Telltale's own settings file are never
//! listed; opening a case lists only cases unless asked for all files.

use crate::jobs::{Task, TaskState, Waker};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Why a file is being chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickPurpose {
    OpenCase,
    NewCase,
    Import,
    Export(crate::jobs::ExportKind),
    /// Where the welcome's new case goes.
    WelcomeCase,
    /// Captures for the welcome's new case.
    WelcomeCaptures,
}

impl PickPurpose {
    /// The picker saves to a new file name (else it opens existing files).
    pub fn saves(self) -> bool {
        matches!(
            self,
            PickPurpose::NewCase | PickPurpose::Export(_) | PickPurpose::WelcomeCase
        )
    }

    /// Several files can be picked.
    pub fn takes_several(self) -> bool {
        matches!(self, PickPurpose::Import | PickPurpose::WelcomeCaptures)
    }

    pub fn title(self) -> &'static str {
        match self {
            PickPurpose::OpenCase => "Open case",
            PickPurpose::NewCase | PickPurpose::WelcomeCase => "New case",
            PickPurpose::Import | PickPurpose::WelcomeCaptures => "Import captures",
            PickPurpose::Export(_) => "Export to",
        }
    }

    /// Only names ending so are listed by default (`None`: every file).
    pub fn only_extension(self) -> Option<&'static str> {
        matches!(self, PickPurpose::OpenCase).then_some("telltale")
    }
}

/// One directory entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub path: PathBuf,
    pub is_dir: bool,
    pub size_bytes: u64,
}

/// Name of the file eframe keeps the window's settings in (`app.ron` in the
/// data folder); not evidence, never offered.
pub const SETTINGS_FILE: &str = "app.ron";

/// Whether a directory entry is a side file nobody picks: SQLite's
/// write-ahead log and shared memory, a rollback journal, the settings file.
pub fn is_side_file(name: &str) -> bool {
    name.ends_with("-wal") || name.ends_with("-shm") || name.ends_with("-journal") || name == SETTINGS_FILE
}

/// The picker window's state.
pub struct FilePicker {
    pub purpose: PickPurpose,
    pub dir: PathBuf,
    pub listing: Option<Result<Vec<Entry>, String>>,
    task: Option<Task<Result<Vec<Entry>, String>>>,
    /// Files ticked (import takes several).
    pub chosen: BTreeSet<PathBuf>,
    /// The name typed for a new file.
    pub file_name: String,
    /// The path field: the folder shown, or a path typed or pasted.
    pub typed: String,
    pub show_hidden: bool,
    /// List every file, not only those of the purpose's extension.
    pub show_all: bool,
}

impl FilePicker {
    /// Opens on `dir` and starts listing it.
    pub fn new(purpose: PickPurpose, dir: PathBuf, file_name: String, waker: Waker) -> FilePicker {
        let mut picker = FilePicker {
            purpose,
            dir: PathBuf::new(),
            listing: None,
            task: None,
            chosen: BTreeSet::new(),
            file_name,
            typed: String::new(),
            show_hidden: false,
            show_all: false,
        };
        picker.navigate(dir, waker);
        picker
    }

    /// Lists `dir` on a task thread.
    pub fn navigate(&mut self, dir: PathBuf, waker: Waker) {
        self.typed = dir.display().to_string();
        self.dir = dir.clone();
        self.listing = None;
        self.task = Some(Task::spawn("telltale-list-dir", waker, move || list_dir(&dir)));
    }

    /// Takes a finished listing.
    pub fn poll(&mut self) {
        let Some(task) = &self.task else { return };
        match task.poll() {
            TaskState::Running => {}
            TaskState::Done(listing) => {
                self.listing = Some(listing);
                self.task = None;
            }
            TaskState::Lost => {
                self.listing = Some(Err("the folder could not be read".into()));
                self.task = None;
            }
        }
    }

    /// The entries to list: no side files, hidden ones only when asked,
    /// only the purpose's files unless "all files" is ticked.
    pub fn visible(&self) -> Vec<&Entry> {
        let Some(Ok(entries)) = &self.listing else {
            return Vec::new();
        };
        entries
            .iter()
            .filter(|e| self.show_hidden || !e.name.starts_with('.'))
            .filter(|e| !is_side_file(&e.name))
            .filter(|e| {
                e.is_dir
                    || self.show_all
                    || self
                        .purpose
                        .only_extension()
                        .is_none_or(|ext| e.name.to_lowercase().ends_with(&format!(".{ext}")))
            })
            .collect()
    }

    /// The paths the picker would hand back now.
    pub fn result(&self) -> Vec<PathBuf> {
        if self.purpose.saves() {
            let name = self.file_name.trim();
            return if name.is_empty() {
                Vec::new()
            } else {
                vec![self.dir.join(name)]
            };
        }
        self.chosen.iter().cloned().collect()
    }
}

/// What a path typed into the picker means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Typed {
    /// A folder: open it.
    Folder(PathBuf),
    /// A file (or, when saving, a new name in an existing folder): choose it.
    File(PathBuf),
    /// Neither: say so.
    Nothing(String),
}

/// Reads a typed or pasted path: `~` is the home folder; a relative path
/// counts from `dir`; surrounding quotes (as file managers copy) are dropped.
pub fn read_typed(text: &str, dir: &Path, saves: bool) -> Typed {
    let text = text.trim().trim_matches(|c| c == '"' || c == '\'');
    if text.is_empty() {
        return Typed::Nothing("Type or paste a path.".into());
    }
    let path = match text.strip_prefix('~') {
        Some(rest) => match std::env::home_dir() {
            Some(home) => home.join(rest.trim_start_matches('/')),
            None => PathBuf::from(text),
        },
        None => PathBuf::from(text),
    };
    let path = if path.is_absolute() { path } else { dir.join(path) };
    if path.is_dir() {
        return Typed::Folder(path);
    }
    if path.is_file() {
        return Typed::File(path);
    }
    if saves && path.parent().is_some_and(Path::is_dir) {
        return Typed::File(path);
    }
    Typed::Nothing(format!("no such file or folder — {}", path.display()))
}

/// Folders first, then files, each by name.
pub fn list_dir(dir: &Path) -> Result<Vec<Entry>, String> {
    let read = std::fs::read_dir(dir).map_err(|e| format!("cannot list the folder: {e} — {}", dir.display()))?;
    let mut entries: Vec<Entry> = read
        .filter_map(Result::ok)
        .map(|entry| {
            let metadata = entry.metadata().ok();
            Entry {
                name: entry.file_name().to_string_lossy().into_owned(),
                path: entry.path(),
                is_dir: metadata.as_ref().is_some_and(std::fs::Metadata::is_dir),
                size_bytes: metadata.map_or(0, |m| m.len()),
            }
        })
        .collect();
    entries.sort_by_key(|e| (!e.is_dir, e.name.to_lowercase()));
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_come_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.har"), b"{}").expect("write");
        std::fs::create_dir(dir.path().join("z-folder")).expect("mkdir");
        let entries = list_dir(dir.path()).expect("list");
        assert!(entries[0].is_dir && entries[0].name == "z-folder");
        assert_eq!(entries[1].size_bytes, 2);
        assert!(list_dir(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn side_files_and_the_settings_file_are_never_listed() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in [
            "case.telltale",
            "case.telltale-wal",
            "case.telltale-shm",
            "app.ron",
            "capture.har",
        ] {
            std::fs::write(dir.path().join(name), b"x").expect("write");
        }
        let waker: Waker = std::sync::Arc::new(|| {});
        let mut picker = FilePicker::new(PickPurpose::OpenCase, dir.path().to_path_buf(), String::new(), waker);
        for _ in 0..500 {
            picker.poll();
            if picker.listing.is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let names = |p: &FilePicker| p.visible().iter().map(|e| e.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&picker), ["case.telltale"]);
        picker.show_all = true;
        assert_eq!(names(&picker), ["capture.har", "case.telltale"]);
        assert_eq!(picker.typed, dir.path().display().to_string());
    }

    #[test]
    fn typed_paths_open_folders_and_choose_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("captures")).expect("mkdir");
        std::fs::write(dir.path().join("captures/a.har"), b"{}").expect("write");
        let base = dir.path();
        assert_eq!(
            read_typed("captures", base, false),
            Typed::Folder(base.join("captures"))
        );
        let quoted = format!("'{}'", base.join("captures/a.har").display());
        assert_eq!(
            read_typed(&quoted, base, false),
            Typed::File(base.join("captures/a.har"))
        );
        assert_eq!(read_typed("new.pdf", base, true), Typed::File(base.join("new.pdf")));
        assert!(matches!(read_typed("new.pdf", base, false), Typed::Nothing(_)));
    }
}
