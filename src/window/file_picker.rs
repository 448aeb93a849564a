//! Telltale's own file picker, for desktops where no system file dialog
//! answers (minimal window managers, Xvfb). Directory listings are read
//! on a [`Task`] thread; the frame thread only shows what arrived.
//! No drawing here (see `file_picker_ui.rs`).

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
}

impl PickPurpose {
    /// The picker saves to a new file name (else it opens existing files).
    pub fn saves(self) -> bool {
        matches!(self, PickPurpose::NewCase | PickPurpose::Export(_))
    }

    pub fn title(self) -> &'static str {
        match self {
            PickPurpose::OpenCase => "Open case",
            PickPurpose::NewCase => "New case",
            PickPurpose::Import => "Import captures",
            PickPurpose::Export(_) => "Export to",
        }
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
    pub show_hidden: bool,
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
            show_hidden: false,
        };
        picker.navigate(dir, waker);
        picker
    }

    /// Lists `dir` on a task thread.
    pub fn navigate(&mut self, dir: PathBuf, waker: Waker) {
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
}
