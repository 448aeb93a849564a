//! The import dialog's model: one form per file (session name, app,
//! device, mode), then the progress of the running import and what each
//! file gave. No drawing here (see `import_ui.rs`).

use crate::model::Mode;
use crate::store::{ImportOptions, ImportOutcome, ImportProgress};
use std::path::{Path, PathBuf};

/// What the user says about one file before importing it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportItem {
    pub path: PathBuf,
    pub session: String,
    pub app: String,
    pub device: String,
    pub mode: Mode,
    /// Path of a TLS key log (SSLKEYLOGFILE) for HTTPS in a pcap; blank: none.
    pub keylog: String,
}

impl ImportItem {
    /// A form with the file name as session name.
    pub fn new(path: &Path) -> ImportItem {
        let session = path
            .file_name()
            .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        ImportItem {
            path: path.to_path_buf(),
            session,
            app: String::new(),
            device: String::new(),
            mode: Mode::Unknown,
            keylog: String::new(),
        }
    }

    /// The store's options for this form; blank fields mean "not said".
    pub fn options(&self) -> ImportOptions {
        let given = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        ImportOptions {
            session: given(&self.session),
            app: given(&self.app),
            device: given(&self.device),
            mode: Some(self.mode),
            again: false,
            keylog: given(&self.keylog).map(PathBuf::from),
        }
    }
}

/// Where the dialog stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum ImportStage {
    /// Filling in the forms.
    #[default]
    Form,
    /// The worker imports; `current` is the latest progress.
    Running {
        current: Option<(PathBuf, ImportProgress)>,
        cancelling: bool,
    },
    /// Done: the dialog shows what each file gave until closed.
    Finished,
}

/// The import dialog.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportDialog {
    pub items: Vec<ImportItem>,
    pub stage: ImportStage,
    /// What each finished file gave, in order.
    pub results: Vec<(PathBuf, Result<ImportOutcome, String>)>,
}

impl ImportDialog {
    pub fn new(paths: &[PathBuf]) -> ImportDialog {
        ImportDialog {
            items: paths.iter().map(|p| ImportItem::new(p)).collect(),
            ..ImportDialog::default()
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(self.stage, ImportStage::Running { .. })
    }
}

/// `12.3 MB`, `845 kB`, `512 B`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "kB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_defaults_to_the_file_name_and_drops_blanks() {
        let item = ImportItem::new(Path::new("/tmp/capture.har"));
        assert_eq!(item.session, "capture.har");
        let options = item.options();
        assert_eq!(options.session.as_deref(), Some("capture.har"));
        assert_eq!(options.app, None);
        assert_eq!(human_bytes(1_234_567), "1.2 MB");
    }
}
