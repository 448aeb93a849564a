//! The case file: one SQLite database per investigation.
//!
//! Design notes (in the spirit of cargo's `global_cache_tracker.rs`):
//! - **One owner.** [`Case`] owns the only connection; nothing outside
//!   `store/` speaks SQL. Every statement binds its parameters.
//! - **Compatibility.** The schema lives in `migrations/NNNN-name/up.sql`,
//!   append-only, embedded at build time and applied by rusqlite_migration.
//!   PRAGMAs are set here, never in migrations. The file carries an
//!   `application_id` so Telltale refuses to treat another SQLite file as a case.
//! - **Durability.** WAL journal, foreign keys on. An import commits in
//!   batches into a hidden staging session that every reader skips (see
//!   `import`): a failure, a cancel or `kill -9` at any moment leaves the
//!   case as it was before that file, as every query sees it. Readers of
//!   events, exchanges or sessions must skip sessions whose
//!   `import_token` is set.
//! - **Threads.** A `Case` is `Send` but not shared; the GUI's worker thread
//!   owns one, the frame thread never touches it.

mod annotations;
mod browse;
mod canaries;
mod demo;
mod density;
mod exchanges;
mod figures;
mod findings;
mod hosts;
mod ids;
mod import;
mod integrity;
mod queries;
mod root_layers;
mod search;
mod search_index;
mod source_chunks;
mod summary;
mod verify;

use include_dir::{Dir, include_dir};
use rusqlite::Connection;
use rusqlite_migration::Migrations;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

pub use annotations::{AnnotationHistoryEntry, HistoryAction, clean_tags, current_user_name};
pub use browse::{
    BrowseFilter, CaseWarning, EventDetail, ExchangeDetail, FACET_VALUE_LIMIT, Facet, FacetCount, FacetList, Lane,
    Lanes, ListRow, REQUEST_EVENT_LIMIT, RequestDetail, RequestEvent, RequestListRow, RequestMark, RequestSort,
    RequestSortColumn, SearchHits, Sort, SortColumn, TimeRange, TimelineBucket, TimelineMark, TimelineSlice,
    TimelineWindow,
};
pub use canaries::KnownValueHit;
pub use exchanges::{ExchangeFilter, ExchangeRow};
pub use findings::{AggregateRow, ExportRow, LayerRow, Timeline, TimelineLane};
pub use hosts::{HostEdit, HostHistoryEntry, HostLabel, HostListNaming, HostRow};
pub use import::{ImportObserver, ImportOptions, ImportOutcome, ImportProgress, NoObserver};
pub use queries::{DataTypeRow, EventFilter, EventRow, HostCount, RequestRow, SessionRow, SourceRow};
pub use search::{EventCandidate, LayerCandidate, LayerStep};
pub use summary::{SummaryDataType, SummaryFilter, SummaryGroup, UNLISTED_THIRD_PARTY};
pub use verify::{VerifyProblem, VerifyReport};

/// How long a write waits for another connection's transaction.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);
/// The schema (migration 0004) from which history and decoded rows are hashed.
const INTEGRITY_SCHEMA: i64 = 4;

/// `application_id` of a Telltale case ("TTLE").
const APPLICATION_ID: i64 = 0x5454_4C45;

static MIGRATIONS_DIR: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/migrations");

static MIGRATIONS: LazyLock<Result<Migrations<'static>, String>> =
    LazyLock::new(|| Migrations::from_directory(&MIGRATIONS_DIR).map_err(|e| e.to_string()));

/// Why a case operation failed. Messages name the problem; callers add the path.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not a Telltale case file")]
    NotACase,
    #[error("no such case file")]
    Missing,
    #[error("the case was made by a newer Telltale (schema {found}, this build knows {known})")]
    TooNew { found: i64, known: usize },
    #[error("cannot update the case schema: {0}")]
    Migration(String),
    #[error("already imported into session `{session}` (same SHA-256); use --again to import it twice")]
    AlreadyImported { session: String },
    #[error("{0}")]
    Import(#[from] crate::ingest::ImportError),
    #[error("cannot use the TLS key log: {reason} — {file}")]
    KeyLog { reason: String, file: String },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
}

/// An open case file.
pub struct Case {
    conn: Connection,
    path: Option<PathBuf>,
    /// The search filters, read once and kept while the case is unchanged.
    search_blocks: std::cell::RefCell<Option<search::BlockCache>>,
}

impl Case {
    /// Opens the case at `path`, creating it when it does not exist.
    pub fn create_or_open(path: &Path) -> Result<Case, StoreError> {
        let conn = Connection::open(path).map_err(not_a_case)?;
        Case::init(conn, Some(path.to_path_buf()))
    }

    /// Opens an existing case; fails when `path` does not exist.
    pub fn open_existing(path: &Path) -> Result<Case, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing);
        }
        Case::create_or_open(path)
    }

    /// A throwaway case in memory (tests, the GUI's demo in kittest).
    pub fn open_in_memory() -> Result<Case, StoreError> {
        Case::init(Connection::open_in_memory()?, None)
    }

    /// Where the case lives; `None` for an in-memory case.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn init(mut conn: Connection, path: Option<PathBuf>) -> Result<Case, StoreError> {
        let application_id: i64 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(not_a_case)?;
        let table_count: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .map_err(not_a_case)?;
        if application_id != APPLICATION_ID && (application_id != 0 || table_count > 0) {
            return Err(StoreError::NotACase);
        }
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Imports commit a batch at a time (see `import`), so a writer waits
        // for one batch at most; the margin covers publishing a merge into a
        // large session and slow disks.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let migrations = MIGRATIONS.as_ref().map_err(|e| StoreError::Migration(e.clone()))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let known = migration_count();
        if usize::try_from(version).is_ok_and(|v| v > known) {
            return Err(StoreError::TooNew { found: version, known });
        }
        migrations
            .to_latest(&mut conn)
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        if version < INTEGRITY_SCHEMA && usize::try_from(INTEGRITY_SCHEMA).is_ok_and(|v| v <= known) {
            // This open brought the case to schema 4: hash what older
            // versions wrote, once (see integrity.rs).
            integrity::seal_legacy(&mut conn)?;
        }
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        let mut case = Case {
            conn,
            path,
            search_blocks: std::cell::RefCell::new(None),
        };
        case.remove_abandoned_imports()?;
        case.backfill_search_index()?;
        case.backfill_attribution()?;
        Ok(case)
    }
}

fn migration_count() -> usize {
    MIGRATIONS_DIR.dirs().count()
}

/// SQLite says "file is not a database" (and similar) for files that are not
/// SQLite at all; report that as "not a Telltale case file".
fn not_a_case(error: rusqlite::Error) -> StoreError {
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotACase,
        _ => StoreError::Sqlite(error),
    }
}

/// Checks that the embedded migrations are well-formed and apply cleanly.
pub fn validate_migrations() -> Result<(), StoreError> {
    let migrations = MIGRATIONS.as_ref().map_err(|e| StoreError::Migration(e.clone()))?;
    migrations.validate().map_err(|e| StoreError::Migration(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_validate() {
        validate_migrations().expect("migrations are valid");
    }

    #[test]
    fn foreign_sqlite_file_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("other.sqlite");
        let conn = Connection::open(&path).expect("open");
        conn.execute("CREATE TABLE t (x)", []).expect("create");
        drop(conn);
        assert!(matches!(Case::create_or_open(&path), Err(StoreError::NotACase)));
        let junk = dir.path().join("junk.telltale");
        std::fs::write(&junk, b"this is not sqlite at all, just some text bytes!!").expect("write");
        assert!(matches!(Case::create_or_open(&junk), Err(StoreError::NotACase)));
    }
}
