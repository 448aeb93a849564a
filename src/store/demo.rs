//! Writing the built-in demo case into a case file.

use super::{Case, ImportOptions, ImportOutcome, NoObserver, StoreError};
use crate::demo::{DEMO_APP, DEMO_DEVICE, INCOGNITO_HAR, NORMAL_HAR};
use crate::model::Mode;

impl Case {
    /// Imports the two embedded demo captures as sessions `normal` and
    /// `incognito` with their modes set.
    pub fn import_demo(&mut self) -> Result<Vec<ImportOutcome>, StoreError> {
        let captures = [
            ("normal.har", "normal", Mode::Normal, NORMAL_HAR),
            ("incognito.har", "incognito", Mode::Incognito, INCOGNITO_HAR),
        ];
        let mut outcomes = Vec::new();
        for (file_name, session, mode, bytes) in captures {
            let options = ImportOptions {
                session: Some(session.to_string()),
                app: Some(DEMO_APP.to_string()),
                device: Some(DEMO_DEVICE.to_string()),
                mode: Some(mode),
                again: false,
                keylog: None,
            };
            outcomes.push(self.import_bytes(file_name, None, bytes, &options, &mut NoObserver)?);
        }
        Ok(outcomes)
    }
}
