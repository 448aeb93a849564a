//! The first-run welcome's model: the demo is synthetic, and one step
//! from there to one's own case — where the case file goes, which
//! captures to import and how each was recorded (the mode). No drawing
//! here (see `welcome_ui.rs`).

use super::import::ImportItem;
use crate::store::ImportOptions;
use std::path::{Path, PathBuf};

/// The welcome's form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WelcomeForm {
    /// The case file to create.
    pub case_path: PathBuf,
    /// The captures to import into it, each with its session, app, device and mode.
    pub items: Vec<ImportItem>,
}

impl WelcomeForm {
    /// A form that proposes `investigation.telltale` in `folder`.
    pub fn new(folder: &Path) -> WelcomeForm {
        WelcomeForm {
            case_path: folder.join("investigation.telltale"),
            items: Vec::new(),
        }
    }

    /// Adds captures (a file already listed is not added twice).
    pub fn add(&mut self, paths: &[PathBuf]) {
        for path in paths {
            if !self.items.iter().any(|i| &i.path == path) {
                self.items.push(ImportItem::new(path));
            }
        }
    }

    /// The case file with its `.telltale` extension.
    pub fn case_file(&self) -> PathBuf {
        if self.case_path.extension().is_some() {
            self.case_path.clone()
        } else {
            self.case_path.with_extension("telltale")
        }
    }

    /// What to import once the case is open.
    pub fn imports(&self) -> Vec<(PathBuf, ImportOptions)> {
        self.items.iter().map(|i| (i.path.clone(), i.options())).collect()
    }

    /// Why the form cannot go ahead yet, in words; `None` when it can.
    pub fn missing(&self) -> Option<&'static str> {
        if self.case_path.as_os_str().is_empty() {
            Some("Choose where the case file goes.")
        } else if self.items.is_empty() {
            Some("Add at least one capture (HAR, mitmproxy, Burp, pcap).")
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_proposes_a_case_beside_the_folder_and_keeps_each_mode() {
        let mut form = WelcomeForm::new(Path::new("/home/ana"));
        assert_eq!(form.case_file(), PathBuf::from("/home/ana/investigation.telltale"));
        assert_eq!(
            form.missing(),
            Some("Add at least one capture (HAR, mitmproxy, Burp, pcap).")
        );
        form.add(&[PathBuf::from("/tmp/normal.har"), PathBuf::from("/tmp/incognito.har")]);
        form.add(&[PathBuf::from("/tmp/normal.har")]);
        assert_eq!(form.items.len(), 2);
        form.items[1].mode = crate::model::Mode::Incognito;
        let imports = form.imports();
        assert_eq!(imports[1].1.mode, Some(crate::model::Mode::Incognito));
        assert_eq!(imports[0].1.session.as_deref(), Some("normal.har"));
        form.case_path = PathBuf::from("/home/ana/mi-browser");
        assert_eq!(form.case_file(), PathBuf::from("/home/ana/mi-browser.telltale"));
        assert_eq!(form.missing(), None);
    }
}
