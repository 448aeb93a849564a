//! Getting findings out of a case: CSV for spreadsheets (formula-safe),
//! JSON for scripts, PDF for editors and lawyers.

mod csv_out;

pub use csv_out::{neutralize_formula, write_events_csv};

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
}
