//! Importing one evidence file into the case, in batches, on two threads.
//!
//! Design notes:
//! - **Pipeline.** The calling thread runs the importer (parsing) and
//!   decodes each exchange into rows ready to bind; a writer thread owns
//!   the connection for the duration and inserts them, a batch of
//!   [`BATCH_EXCHANGES`] per transaction. The channel between them is
//!   bounded, so memory stays flat whatever the file's size.
//! - **Invisible until done.** Rows go into a hidden *staging* session
//!   (`sessions.import_token` set) that every reader skips. Each batch
//!   commits, so the write lock is held for one batch at a time and an
//!   annotation saved meanwhile — from the window or from another
//!   process — waits at most one batch. When the importer has finished and
//!   the sink did not ask it to stop, [`publish`] turns the staging session
//!   into the named session (or merges it into an existing one) in one
//!   transaction. An error, a cancel (the sink records that it asked to
//!   stop; an importer returning `Ok` after that commits nothing) or a
//!   crash leaves no visible trace: the staging rows are deleted at once,
//!   or at the next open after a crash ([`Case::remove_abandoned_imports`]).
//! - **Crash detection across processes.** A case on disk gets a lock file
//!   `<case>.import-<token>.lock` that the importer holds locked while it
//!   runs; a staging session whose lock file is not locked was abandoned.
//! - **Figures.** Per-session counts, lanes and facet counts are computed
//!   while writing and stored at publish time, so listing sessions and the
//!   window's first counts never scan every event.

use super::figures::{Totals, store_figures};
use super::root_layers::stored_in_exchange;
use super::search_index::BlockBuilder;
use super::source_chunks::StoredChunk;
use super::{Case, StoreError};
use crate::attribution::{self, FirstParty, RequestFacts, key_field};
use crate::decode::decode_exchange;
use crate::ingest::{ExchangeSink, Flow, ImportError, ImportInput, ImportSummary, Importer, KeyLog, detect};
use crate::model::{Exchange, Layer, Mode, SessionId, SourceId, now_micros};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// Size of one stored piece of an evidence file.
pub(crate) const SOURCE_CHUNK_BYTES: usize = 1024 * 1024;
/// Bytes read to sniff a file's format before importing it.
const HEAD_BYTES: usize = 64 * 1024;
/// Exchanges written per transaction.
const BATCH_EXCHANGES: usize = 1000;
/// Batches waiting for the writer at most (bounds memory).
const BATCHES_IN_FLIGHT: usize = 4;

/// What the user said about the file being imported.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Session to import into (created if new); default: the file name.
    pub session: Option<String>,
    pub app: Option<String>,
    pub device: Option<String>,
    pub mode: Option<Mode>,
    /// Import even when a file with the same SHA-256 is already in the case.
    pub again: bool,
    /// A TLS key log (NSS format) to decrypt HTTPS in captures; stored in
    /// the session as a source of its own.
    pub keylog: Option<std::path::PathBuf>,
}

/// Where an import stands; sent to the observer after every exchange.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportProgress {
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub exchanges: u64,
    pub events: u64,
}

/// Watches an import; answering [`Flow::Stop`] cancels it (nothing is kept).
pub trait ImportObserver {
    fn progress(&mut self, progress: &ImportProgress) -> Flow;
}

/// An observer that never cancels.
pub struct NoObserver;

impl ImportObserver for NoObserver {
    fn progress(&mut self, _progress: &ImportProgress) -> Flow {
        Flow::Continue
    }
}

/// What one successful import produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub session_id: Option<SessionId>,
    pub session: String,
    pub source_id: Option<SourceId>,
    pub format: String,
    pub sha256: String,
    pub exchanges: u64,
    pub events: u64,
    pub skipped: Vec<(String, u64)>,
    pub warnings: Vec<String>,
    /// Requests of this import per receiving company, most first.
    pub companies: Vec<(String, u64)>,
    /// The kinds of personal data this import's requests carried.
    pub data_types: Vec<String>,
}

/// The session rows are decoded against: its app and mode fill in what a
/// payload does not say; the researcher's word on hosts names their company.
struct SessionInfo {
    app: Option<String>,
    mode: Mode,
    host_labels: super::hosts::HostLabels,
}

impl Case {
    /// Reads `path` and imports it (see [`Case::import_bytes`]).
    pub fn import_file(
        &mut self,
        path: &Path,
        options: &ImportOptions,
        observer: &mut dyn ImportObserver,
    ) -> Result<ImportOutcome, StoreError> {
        // A FIFO, a device (`/dev/zero`) or a folder is no capture: reading
        // one would block, never end or fail obscurely.
        if !std::fs::metadata(path)?.is_file() {
            return Err(StoreError::Invalid("not a regular file, so not a capture".into()));
        }
        let file_name = file_name_of(path);
        let mut head = Vec::with_capacity(HEAD_BYTES);
        std::io::Read::read_to_end(
            &mut std::io::Read::take(std::fs::File::open(path)?, HEAD_BYTES as u64),
            &mut head,
        )?;
        if detect(&head).is_some_and(|importer| importer.format() == "har") {
            return self.import_har_streamed(path, &file_name, options, observer);
        }
        let bytes = std::fs::read(path)?;
        self.import_bytes(&file_name, Some(path), &bytes, options, observer)
    }

    /// Imports one evidence file: sniffs its format, stores its bytes and
    /// hash, and writes every exchange, layer and event; all or nothing.
    pub fn import_bytes(
        &mut self,
        file_name: &str,
        path: Option<&Path>,
        bytes: &[u8],
        options: &ImportOptions,
        observer: &mut dyn ImportObserver,
    ) -> Result<ImportOutcome, StoreError> {
        let keylog = match options.keylog.as_deref() {
            Some(keylog_path) => {
                let keylog_bytes = std::fs::read(keylog_path).map_err(|e| StoreError::KeyLog {
                    reason: e.to_string(),
                    file: keylog_path.display().to_string(),
                })?;
                Some((file_name_of(keylog_path), keylog_bytes))
            }
            None => None,
        };
        let keylog = keylog.as_ref().map(|(name, bytes)| (name.as_str(), bytes.as_slice()));
        self.import_bytes_with_keylog(file_name, path, bytes, options, keylog, observer)
    }

    /// [`Case::import_bytes`] with a TLS key log `(file name, bytes)`; the key
    /// log becomes a source of its own (format `tls-keylog`) in the session.
    pub fn import_bytes_with_keylog(
        &mut self,
        file_name: &str,
        path: Option<&Path>,
        bytes: &[u8],
        options: &ImportOptions,
        keylog: Option<(&str, &[u8])>,
        observer: &mut dyn ImportObserver,
    ) -> Result<ImportOutcome, StoreError> {
        let keys = match keylog {
            Some((name, keylog_bytes)) => {
                Some(KeyLog::from_file(keylog_bytes).map_err(|reason| StoreError::KeyLog {
                    reason,
                    file: name.to_string(),
                })?)
            }
            None => None,
        };
        let importer = detect(bytes).ok_or(ImportError::UnknownFormat)?;
        let tls = keylog.zip(keys.as_ref());
        self.import_with(importer.as_ref(), file_name, path, bytes, options, tls, observer)
    }

    /// Imports `bytes` with `importer` (see [`Case::import_bytes`]).
    #[allow(clippy::too_many_arguments)]
    fn import_with(
        &mut self,
        importer: &dyn Importer,
        file_name: &str,
        path: Option<&Path>,
        bytes: &[u8],
        options: &ImportOptions,
        tls: Option<((&str, &[u8]), &KeyLog)>,
        observer: &mut dyn ImportObserver,
    ) -> Result<ImportOutcome, StoreError> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        if !options.again
            && let Some(session) = self.session_holding_source(&sha256)?
        {
            return Err(StoreError::AlreadyImported { session });
        }
        let session_name = options.session.clone().unwrap_or_else(|| file_name.to_string());
        let staging = Staging::begin(
            self,
            &session_name,
            options,
            file_name,
            bytes.len(),
            &sha256,
            importer.format(),
            tls.map(|(file, _)| file),
        )?;
        let input = ImportInput {
            keylog: tls.map(|(_, keys)| keys),
            ..ImportInput::new(file_name, path, bytes)
        };
        let run = run_pipeline(&mut self.conn, &staging, importer, &input, observer, bytes);
        self.finish_import(staging, run, &session_name, options, importer.format(), sha256)
    }

    fn session_holding_source(&self, sha256: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT s.name FROM sources src JOIN sessions s USING (session_id)
                 WHERE src.sha256 = ?1 AND s.import_token IS NULL LIMIT 1",
                [sha256],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Deletes staging sessions whose importer is gone (crashed or killed):
    /// their lock file is missing or no longer locked. Called at open.
    pub(crate) fn remove_abandoned_imports(&mut self) -> Result<usize, StoreError> {
        let tokens: Vec<(SessionId, String)> = {
            let mut statement = self
                .conn
                .prepare("SELECT session_id, import_token FROM sessions WHERE import_token IS NOT NULL")?;
            statement
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?
        };
        let mut removed = 0;
        for (session, token) in tokens {
            let abandoned = match &self.path {
                // An in-memory case has no other connection: nothing runs.
                None => true,
                Some(path) => match std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(lock_path(path, &token))
                {
                    Ok(file) => file.try_lock().is_ok(),
                    // Cannot tell (read-only folder): leave it for later.
                    Err(_) => false,
                },
            };
            if abandoned {
                delete_staging(&mut self.conn, session)?;
                if let Some(path) = &self.path {
                    let _ = std::fs::remove_file(lock_path(path, &token));
                }
                removed += 1;
            }
        }
        Ok(removed)
    }
}

fn lock_path(case: &Path, token: &str) -> PathBuf {
    let mut name = case.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".import-{token}.lock"));
    case.with_file_name(name)
}

/// The hidden session an import writes into, and its lock file.
struct Staging {
    session: SessionId,
    source: SourceId,
    info: SessionInfo,
    lock: Option<(std::fs::File, PathBuf)>,
}

impl Staging {
    /// Takes the lock file, then creates the staging session and source.
    #[allow(clippy::too_many_arguments)]
    fn begin(
        case: &mut Case,
        name: &str,
        options: &ImportOptions,
        file_name: &str,
        size_bytes: usize,
        sha256: &str,
        format: &str,
        keylog: Option<(&str, &[u8])>,
    ) -> Result<Staging, StoreError> {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let token = format!(
            "{}-{}-{}",
            std::process::id(),
            now_micros(),
            COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        // The lock exists before the session does, so an open in another
        // process never mistakes a starting import for an abandoned one.
        let lock = match &case.path {
            Some(path) => {
                let lock_path = lock_path(path, &token);
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&lock_path)?;
                file.lock()?;
                Some((file, lock_path))
            }
            None => None,
        };
        let tx = case.conn.transaction()?;
        let info = session_info(&tx, name, options)?;
        tx.execute(
            "INSERT INTO sessions (name, app, device, mode, created_at_micros, import_token) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                format!("\u{1}importing {token}"),
                options.app,
                options.device,
                info.mode.as_str(),
                now_micros(),
                token
            ],
        )?;
        let session = SessionId(tx.last_insert_rowid());
        tx.execute(
            "INSERT INTO sources (session_id, file_name, size_bytes, sha256, format, imported_at_micros)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![session, file_name, size_bytes as i64, sha256, format, now_micros()],
        )?;
        let source = SourceId(tx.last_insert_rowid());
        if let Some((keylog_name, keylog_bytes)) = keylog {
            // The key log is evidence too: kept whole beside the capture it
            // decrypts, with its own hash, and removed with the staging
            // session if the import fails.
            tx.execute(
                "INSERT INTO sources (session_id, file_name, size_bytes, sha256, format, imported_at_micros, exchange_count)
                 VALUES (?1, ?2, ?3, ?4, 'tls-keylog', ?5, 0)",
                params![
                    session,
                    keylog_name,
                    keylog_bytes.len() as i64,
                    hex::encode(Sha256::digest(keylog_bytes)),
                    now_micros()
                ],
            )?;
            let keylog_source = SourceId(tx.last_insert_rowid());
            for (seq, chunk) in keylog_bytes.chunks(SOURCE_CHUNK_BYTES).enumerate() {
                StoredChunk::pack(chunk.to_vec()).insert(&tx, keylog_source, seq as i64)?;
            }
        }
        tx.commit()?;
        Ok(Staging {
            session,
            source,
            info,
            lock,
        })
    }

    /// Drops everything the import wrote (best effort: what is left is
    /// removed at the next open).
    fn abandon(&self, conn: &mut Connection) {
        if delete_staging(conn, self.session).is_ok() {
            self.release();
        }
    }

    /// Unlocks and removes the lock file.
    fn release(&self) {
        if let Some((file, path)) = &self.lock {
            let _ = file.unlock();
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Deletes a staging session and its rows, a slice of exchanges per
/// transaction (the rows are invisible, so a partial delete shows nothing).
fn delete_staging(conn: &mut Connection, session: SessionId) -> Result<(), StoreError> {
    loop {
        let tx = conn.transaction()?;
        let deleted = tx.execute(
            "DELETE FROM exchanges WHERE exchange_id IN
                 (SELECT exchange_id FROM exchanges WHERE session_id = ?1 LIMIT 5000)",
            [session],
        )?;
        tx.commit()?;
        if deleted == 0 {
            break;
        }
    }
    let tx = conn.transaction()?;
    tx.execute(
        "DELETE FROM sessions WHERE session_id = ?1 AND import_token IS NOT NULL",
        [session],
    )?;
    tx.commit()?;
    Ok(())
}

fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The app and mode of the session the user named, when it exists (options
/// fill in what it does not know), else what the options say.
fn session_info(tx: &Transaction<'_>, name: &str, options: &ImportOptions) -> Result<SessionInfo, StoreError> {
    let existing = tx
        .query_row(
            "SELECT app, mode FROM sessions WHERE name = ?1 AND import_token IS NULL",
            [name],
            |r| Ok((r.get::<_, Option<String>>(0)?, r.get::<_, String>(1)?)),
        )
        .optional()?;
    let host_labels = super::hosts::read_labels(tx)?;
    Ok(match existing {
        Some((app, mode)) => SessionInfo {
            app: app.or_else(|| options.app.clone()),
            mode: match mode.parse().unwrap_or_default() {
                Mode::Unknown => options.mode.unwrap_or_default(),
                known => known,
            },
            host_labels,
        },
        None => SessionInfo {
            app: options.app.clone(),
            mode: options.mode.unwrap_or_default(),
            host_labels,
        },
    })
}

/// Runs the importer on this thread and the writer on another.
fn run_pipeline(
    conn: &mut Connection,
    staging: &Staging,
    importer: &dyn Importer,
    input: &ImportInput<'_>,
    observer: &mut dyn ImportObserver,
    bytes: &[u8],
) -> Result<(ImportSummary, Totals, Vec<String>), StoreError> {
    let source = SourceFeed {
        whole: bytes,
        ..SourceFeed::default()
    };
    source.bytes_read.set(bytes.len() as u64);
    run_stages(conn, staging, observer, bytes.len() as u64, &source, |sink| {
        crate::ingest::run(importer, input, sink)
    })
}

/// The evidence file's bytes on their way into `source_chunks`, read by
/// the importer through [`TeeReader`] or handed over whole.
#[derive(Default)]
struct SourceFeed<'b> {
    chunks: std::cell::RefCell<Vec<Vec<u8>>>,
    bytes_read: std::cell::Cell<u64>,
    /// A file already in memory, copied into batches a few pieces at a time.
    whole: &'b [u8],
    whole_offset: std::cell::Cell<usize>,
}

/// Pieces of a file in memory moved into one batch at most.
const CHUNKS_PER_BATCH: usize = 16;

impl SourceFeed<'_> {
    /// The pieces ready to store: what the reader copied, or the next few
    /// pieces of a file in memory.
    fn take(&self) -> Vec<Vec<u8>> {
        let mut chunks = std::mem::take(&mut *self.chunks.borrow_mut());
        let offset = self.whole_offset.get();
        if offset < self.whole.len() {
            let end = self.whole.len().min(offset + CHUNKS_PER_BATCH * SOURCE_CHUNK_BYTES);
            chunks.extend(self.whole[offset..end].chunks(SOURCE_CHUNK_BYTES).map(<[u8]>::to_vec));
            self.whole_offset.set(end);
        }
        chunks
    }

    fn is_drained(&self) -> bool {
        self.chunks.borrow().is_empty() && self.whole_offset.get() >= self.whole.len()
    }
}

/// Passes a file to the importer and keeps a copy of every byte for the
/// case, a [`SOURCE_CHUNK_BYTES`] piece at a time.
struct TeeReader<'f, 'b, R> {
    inner: R,
    feed: &'f SourceFeed<'b>,
    pending: Vec<u8>,
}

impl<'f, 'b, R: std::io::Read> TeeReader<'f, 'b, R> {
    fn new(inner: R, feed: &'f SourceFeed<'b>) -> Self {
        TeeReader {
            inner,
            feed,
            pending: Vec::with_capacity(SOURCE_CHUNK_BYTES),
        }
    }
}

impl<R: std::io::Read> std::io::Read for TeeReader<'_, '_, R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        let mut rest = &buffer[..read];
        while !rest.is_empty() {
            let take = rest.len().min(SOURCE_CHUNK_BYTES - self.pending.len());
            self.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.pending.len() == SOURCE_CHUNK_BYTES {
                let full = std::mem::replace(&mut self.pending, Vec::with_capacity(SOURCE_CHUNK_BYTES));
                self.feed.chunks.borrow_mut().push(full);
            }
        }
        self.feed.bytes_read.set(self.feed.bytes_read.get() + read as u64);
        if read == 0 && !self.pending.is_empty() {
            self.feed.chunks.borrow_mut().push(std::mem::take(&mut self.pending));
        }
        Ok(read)
    }
}

impl Case {
    /// Imports a HAR file streamed from disk: the file is hashed in a first
    /// pass, then parsed while its bytes are copied into the case, so memory
    /// stays flat whatever the file's size.
    fn import_har_streamed(
        &mut self,
        path: &Path,
        file_name: &str,
        options: &ImportOptions,
        observer: &mut dyn ImportObserver,
    ) -> Result<ImportOutcome, StoreError> {
        let mut hasher = Sha256::new();
        let size = std::io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
        let sha256 = hex::encode(hasher.finalize());
        if !options.again
            && let Some(session) = self.session_holding_source(&sha256)?
        {
            return Err(StoreError::AlreadyImported { session });
        }
        let session_name = options.session.clone().unwrap_or_else(|| file_name.to_string());
        let size_bytes = usize::try_from(size).unwrap_or(usize::MAX);
        let staging = Staging::begin(
            self,
            &session_name,
            options,
            file_name,
            size_bytes,
            &sha256,
            "har",
            None,
        )?;
        let file = std::fs::File::open(path)?;
        let feed = SourceFeed::default();
        let run = run_stages(&mut self.conn, &staging, observer, size, &feed, |sink| {
            let har = crate::ingest::HarImporter;
            let mut normalizing = crate::ingest::Normalizing::new(har.bodies(), sink);
            let summary = har.import_reader(TeeReader::new(&file, &feed), Some(path), &mut normalizing)?;
            // Whatever the parser did not need still belongs to the evidence.
            std::io::copy(&mut TeeReader::new(&file, &feed), &mut std::io::sink())?;
            Ok(summary)
        });
        let run = run.and_then(|done| {
            if feed.bytes_read.get() == size {
                Ok(done)
            } else {
                Err(StoreError::Invalid("the file changed while it was imported".into()))
            }
        });
        self.finish_import(staging, run, &session_name, options, "har", sha256)
    }

    /// Publishes a finished run, or removes what a failed one wrote.
    fn finish_import(
        &mut self,
        staging: Staging,
        run: Result<(ImportSummary, Totals, Vec<String>), StoreError>,
        session_name: &str,
        options: &ImportOptions,
        format: &str,
        sha256: String,
    ) -> Result<ImportOutcome, StoreError> {
        match run {
            Ok((summary, totals, warnings)) => {
                let session_id = publish(
                    &mut self.conn,
                    &staging,
                    session_name,
                    options,
                    &totals,
                    &summary,
                    &warnings,
                )
                .inspect_err(|_| staging.abandon(&mut self.conn))?;
                staging.release();
                Ok(ImportOutcome {
                    session_id: Some(session_id),
                    session: session_name.to_string(),
                    source_id: Some(staging.source),
                    format: format.to_string(),
                    sha256,
                    exchanges: totals.exchanges,
                    events: totals.events,
                    skipped: summary.skipped,
                    warnings,
                    companies: totals.companies(),
                    data_types: totals.data_type_kinds(),
                })
            }
            Err(error) => {
                staging.abandon(&mut self.conn);
                Err(error)
            }
        }
    }
}

/// Runs `import` (the parsing stage) on this thread with a sink that
/// decodes, and the writer on another thread.
fn run_stages(
    conn: &mut Connection,
    staging: &Staging,
    observer: &mut dyn ImportObserver,
    bytes_total: u64,
    source: &SourceFeed<'_>,
    import: impl FnOnce(&mut dyn ExchangeSink) -> Result<ImportSummary, ImportError>,
) -> Result<(ImportSummary, Totals, Vec<String>), StoreError> {
    let (sender, receiver) = sync_channel::<Batch>(BATCHES_IN_FLIGHT);
    std::thread::scope(|scope| {
        let writer = std::thread::Builder::new()
            .name("telltale-import-writer".into())
            .spawn_scoped(scope, move || {
                write_batches(conn, staging.session, staging.source, &receiver)
            })
            .map_err(StoreError::Io)?;
        let mut sink = StoreSink {
            sender: Some(sender),
            session: &staging.info,
            observer,
            progress: ImportProgress {
                bytes_total,
                ..ImportProgress::default()
            },
            batch: Batch::default(),
            block: BlockBuilder::default(),
            source,
            warnings: Vec::new(),
            stopped: false,
            writer_gone: false,
            limit_hits: 0,
            visited: Vec::new(),
            redirects_to: std::collections::HashSet::new(),
        };
        let result = import(&mut sink).map(|mut summary| {
            for host in std::mem::take(&mut sink.visited) {
                if !summary.visited_sites.contains(&host) {
                    summary.visited_sites.push(host);
                }
            }
            summary
        });
        while !sink.source.is_drained() && !sink.writer_gone {
            sink.take_source_chunks();
            sink.flush();
        }
        sink.close_last_block();
        sink.flush();
        let warnings = sink.take_warnings();
        let StoreSink {
            sender,
            stopped,
            writer_gone,
            ..
        } = sink;
        drop(sender);
        let written = writer
            .join()
            .map_err(|_| StoreError::Invalid("the import writer stopped unexpectedly".into()))?;
        // The writer's own error explains a failed send best.
        let totals = written?;
        if writer_gone {
            return Err(StoreError::Invalid("the import writer stopped unexpectedly".into()));
        }
        // The sink decides: once it asked to stop, nothing is kept, whatever
        // the importer returned.
        if stopped {
            return Err(StoreError::Import(ImportError::Cancelled));
        }
        let summary = result?;
        Ok((summary, totals, warnings))
    })
}

/// Rows of one exchange, ready to bind.
pub(super) struct PreparedExchange {
    pub(super) exchange: Exchange,
    pub(super) request_headers: String,
    pub(super) response_headers: String,
    pub(super) app: Option<String>,
    pub(super) tracker: Option<String>,
    pub(super) company: Option<String>,
    /// Where `company` comes from (`attribution::CompanySource::stored`).
    pub(super) company_source: Option<String>,
    /// The HTTP library or browser that sent it (never an app).
    pub(super) client: Option<String>,
    pub(super) notes: String,
    pub(super) layers: Vec<Layer>,
    pub(super) events: Vec<PreparedEvent>,
    pub(super) category: Option<String>,
    pub(super) endpoint: Option<String>,
    /// The payload's own incognito flag when an event has one, else the session's.
    pub(super) mode: Mode,
    pub(super) decode_path_summary: String,
    pub(super) data_types: Vec<crate::model::RequestDataType>,
    /// The search block that this exchange closes (its filter).
    pub(super) closes_block: Option<Vec<u8>>,
}

pub(super) struct PreparedEvent {
    pub(super) layer: Option<i64>,
    pub(super) time_micros: i64,
    pub(super) app: Option<String>,
    pub(super) device: Option<String>,
    pub(super) mode: Mode,
    pub(super) tracker: String,
    pub(super) name: String,
    pub(super) fields: String,
    pub(super) key_field: Option<String>,
    pub(super) decode_path: String,
}

/// One transaction's worth of rows.
#[derive(Default)]
struct Batch {
    source_chunks: Vec<StoredChunk>,
    exchanges: Vec<PreparedExchange>,
    /// A search block closed after the last exchange of this batch.
    trailing_block: Option<Vec<u8>>,
}

impl Batch {
    fn is_empty(&self) -> bool {
        self.source_chunks.is_empty() && self.exchanges.is_empty() && self.trailing_block.is_none()
    }
    fn is_full(&self) -> bool {
        self.exchanges.len() >= BATCH_EXCHANGES || self.source_chunks.len() >= 16
    }
}

/// Decodes what the importer streams and hands batches to the writer.
struct StoreSink<'a> {
    sender: Option<SyncSender<Batch>>,
    session: &'a SessionInfo,
    observer: &'a mut dyn ImportObserver,
    progress: ImportProgress,
    batch: Batch,
    block: BlockBuilder,
    /// Pieces of the evidence file read so far, to store with the rows.
    source: &'a SourceFeed<'a>,
    warnings: Vec<String>,
    /// The sink answered [`Flow::Stop`]: nothing may be published.
    stopped: bool,
    /// The writer hung up (it failed; its error is reported).
    writer_gone: bool,
    /// Notes that said a limit was hit, all of them (see [`MAX_LIMIT_WARNINGS`]).
    limit_hits: u64,
    /// Hosts of top-level pages a browser navigated to (first party).
    visited: Vec<String>,
    /// Hosts a visited page redirected to, until their request comes.
    redirects_to: std::collections::HashSet<String>,
}

/// Limit notes shown one by one as warnings; beyond this they are counted.
const MAX_LIMIT_WARNINGS: u64 = 20;

impl StoreSink<'_> {
    /// Turns notes saying a limit was hit into import warnings, so the user
    /// sees them at once (the first [`MAX_LIMIT_WARNINGS`], then a count).
    fn note_limits(&mut self, prepared: &PreparedExchange) {
        let notes = prepared
            .layers
            .iter()
            .filter_map(|layer| layer.note.as_deref())
            .chain(prepared.exchange.notes.iter().map(String::as_str))
            .filter(|note| crate::decode::limits::is_limit_note(note));
        for note in notes {
            self.limit_hits += 1;
            if self.limit_hits <= MAX_LIMIT_WARNINGS {
                let request = self.progress.exchanges + 1;
                self.warnings.push(format!("request {request}: {note}"));
            }
        }
    }

    /// The warnings, with the count of limit notes not listed one by one.
    fn take_warnings(&mut self) -> Vec<String> {
        let mut warnings = std::mem::take(&mut self.warnings);
        if self.limit_hits > MAX_LIMIT_WARNINGS {
            warnings.push(format!(
                "{} more notes say a limit was hit (see the layers' notes)",
                self.limit_hits - MAX_LIMIT_WARNINGS
            ));
        }
        warnings
    }

    /// Moves the file pieces read so far into the batch.
    fn take_source_chunks(&mut self) {
        // Compressed here, on the parsing thread, so the writer only writes.
        self.batch
            .source_chunks
            .extend(self.source.take().into_iter().map(StoredChunk::pack));
        self.progress.bytes_done = self.progress.bytes_done.max(self.source.bytes_read.get());
    }

    fn flush_if_full(&mut self) {
        if self.batch.is_full() {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut self.batch);
        let sent = self.sender.as_ref().is_some_and(|s| s.send(batch).is_ok());
        if !sent {
            self.writer_gone = true;
            self.sender = None;
        }
    }

    /// The block of the last exchanges ends with the import.
    fn close_last_block(&mut self) {
        if !self.block.is_empty() {
            self.batch.trailing_block = Some(self.block.finish());
        }
    }

    /// Adds an exchange's searchable texts to the current block; returns
    /// the block's filter when this exchange filled it.
    fn index(&mut self, prepared: &PreparedExchange) -> Option<Vec<u8>> {
        for layer in &prepared.layers {
            if let Some(text) = &layer.text {
                self.block.add(text);
            }
        }
        for event in &prepared.events {
            self.block.add(&event.fields);
        }
        self.block.is_full().then(|| self.block.finish())
    }

    fn prepare(&mut self, exchange: Exchange) -> PreparedExchange {
        let decoded = decode_exchange(&exchange);
        // The user's word names the app unless the capture names another
        // for this request; an SDK's own report only when no one else does.
        let app = attribution::app_for_request(&exchange, self.session.app.as_deref())
            .or_else(|| attribution::app_from_data_types(&decoded.data_types));
        let opened = self.progress.exchanges == 0 && is_opened_page(&exchange);
        let redirected = self.redirects_to.remove(&exchange.host);
        if (is_top_level_document(&exchange) || opened || redirected) && !self.visited.contains(&exchange.host) {
            self.visited.push(exchange.host.clone());
        }
        // A visited page that redirects (cnn.com → www.cnn.com) sends the
        // browser to another visited page.
        if (is_top_level_document(&exchange) || opened || redirected)
            && exchange.status.is_some_and(|s| (300..400).contains(&s))
            && let Some(target) = exchange.response_header("location").and_then(location_host)
        {
            self.redirects_to.insert(target);
        }
        let label = self.session.host_labels.get(&exchange.host);
        let by_endpoint = decoded
            .endpoint
            .as_deref()
            .and_then(crate::decode::endpoints::company_of);
        let generic = decoded.tracker.as_deref() == Some(crate::decode::GENERIC_TRACKER);
        let receiver = attribution::receiver(RequestFacts {
            host: &exchange.host,
            endpoint_company: by_endpoint
                .as_ref()
                .map(|(company, category)| (company.as_str(), *category)),
            tracker: decoded.tracker.as_deref().filter(|_| !generic),
            server_ip: exchange.server_ip.as_deref(),
            researcher_company: label.and_then(|l| l.company.as_deref()),
        });
        // Events of an SDK no decoder knows are named after who received
        // them: the company (never a guess), else the host's domain.
        let generic_name = generic.then(|| generic_tracker_name(receiver.as_ref(), &exchange.host));
        let tracker = match &generic_name {
            Some(name) => Some(name.clone()),
            None => decoded
                .tracker
                .or_else(|| attribution::company_for_host(&exchange.host).and_then(|e| e.tracker.clone())),
        };
        // The payload's own incognito flag wins over the session's mode.
        let mode = decoded
            .events
            .iter()
            .find_map(|event| event.mode)
            .unwrap_or(self.session.mode);
        let capture_app = attribution::capture_app(&exchange);
        let events = decoded
            .events
            .into_iter()
            .map(|event| {
                let fields: serde_json::Map<String, serde_json::Value> = event
                    .fields
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect();
                // With the user's word given, a payload's app id does not
                // split the session; without it, it is the best evidence.
                let event_app = match (&capture_app, &self.session.app) {
                    (Some(_), _) | (None, Some(_)) => app.clone(),
                    (None, None) => event.app.or_else(|| app.clone()),
                };
                PreparedEvent {
                    layer: event.layer.map(|l| l as i64),
                    time_micros: event.time_micros.unwrap_or(exchange.time_micros),
                    app: event_app,
                    device: event.device,
                    mode: event.mode.unwrap_or(self.session.mode),
                    key_field: key_field(&event.fields),
                    // The generic decoder's events on an endpoint the table
                    // knows take the endpoint's tracker.
                    tracker: match &generic_name {
                        Some(name) => name.clone(),
                        None if event.tracker == crate::decode::GENERIC_TRACKER => {
                            tracker.clone().unwrap_or(event.tracker)
                        }
                        None => event.tracker,
                    },
                    name: event.name,
                    fields: serde_json::Value::Object(fields).to_string(),
                    decode_path: event.decode_path,
                }
            })
            .collect();
        PreparedExchange {
            request_headers: headers_json(&exchange.request_headers),
            response_headers: headers_json(&exchange.response_headers),
            app,
            client: attribution::client_of(&exchange),
            tracker,
            company: receiver.as_ref().map(|r| r.company.clone()),
            company_source: receiver.as_ref().map(|r| r.source.stored()),
            category: receiver
                .as_ref()
                .and_then(|r| r.category)
                .map(|c| c.as_str().to_string()),
            notes: serde_json::to_string(&exchange.notes).unwrap_or_else(|_| "[]".into()),
            layers: decoded.layers,
            events,
            endpoint: decoded.endpoint,
            mode,
            decode_path_summary: decoded.decode_path_summary,
            data_types: decoded.data_types,
            exchange,
            closes_block: None,
        }
    }
}

/// The name events of an SDK without a decoder go by: the receiving
/// company when a source names it (a network owner's guess does not), else
/// the host's registrable domain (`tremorvideodsp.com`), else the host.
fn generic_tracker_name(receiver: Option<&attribution::Receiver>, host: &str) -> String {
    if let Some(receiver) = receiver.filter(|r| !r.source.is_guess()) {
        return receiver.company.clone();
    }
    attribution::domain::registrable_domain(host)
        .or_else(|| attribution::domain::normalize_host(host))
        .unwrap_or_else(|| host.to_string())
}

/// The host an absolute redirect `Location` names; `None` for a relative one.
fn location_host(location: &str) -> Option<String> {
    let rest = location.trim().split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => host.split(':').next()?,
    };
    attribution::domain::normalize_host(host)
}

/// The first request of a capture without fetch metadata (older browsers,
/// page-load tools such as capture-har): a GET for an HTML page with no
/// Referer is the page the capture opened. Only the first request: an
/// app's HTML fetch later on (an ad creative) is no visit.
fn is_opened_page(exchange: &Exchange) -> bool {
    let html = |value: Option<&str>| value.is_some_and(|v| v.to_ascii_lowercase().contains("text/html"));
    exchange.method.eq_ignore_ascii_case("GET")
        && exchange.request_header("sec-fetch-mode").is_none()
        && exchange.request_header("referer").is_none()
        && (html(exchange.response_header("content-type")) || exchange.status.is_some_and(|s| (300..400).contains(&s)))
}

/// A browser's navigation to a page (not a frame or a subresource): its
/// host is a site the capture visited.
fn is_top_level_document(exchange: &Exchange) -> bool {
    exchange
        .request_header("sec-fetch-dest")
        .is_some_and(|d| d.eq_ignore_ascii_case("document"))
        && exchange
            .request_header("sec-fetch-mode")
            .is_some_and(|m| m.eq_ignore_ascii_case("navigate"))
}

impl ExchangeSink for StoreSink<'_> {
    fn exchange(&mut self, exchange: Exchange) -> Result<Flow, ImportError> {
        if self.stopped {
            return Ok(Flow::Stop);
        }
        self.take_source_chunks();
        let mut prepared = self.prepare(exchange);
        self.note_limits(&prepared);
        prepared.closes_block = self.index(&prepared);
        self.progress.exchanges += 1;
        self.progress.events += prepared.events.len() as u64;
        self.batch.exchanges.push(prepared);
        self.flush_if_full();
        if self.writer_gone {
            return Err(ImportError::Sink("the case could not be written".into()));
        }
        match self.observer.progress(&self.progress) {
            Flow::Continue => Ok(Flow::Continue),
            Flow::Stop => {
                self.stopped = true;
                Ok(Flow::Stop)
            }
        }
    }

    fn warning(&mut self, message: String) {
        self.warnings.push(message);
    }

    fn progress(&mut self, bytes_done: u64) {
        self.progress.bytes_done = bytes_done;
    }
}

/// The exchange ids of the search block being written.
#[derive(Default)]
struct BlockRange(Option<(i64, i64)>);

impl BlockRange {
    fn extend(&mut self, id: i64) {
        self.0 = Some(self.0.map_or((id, id), |(first, _)| (first, id)));
    }
    fn take(&mut self) -> Option<(i64, i64)> {
        self.0.take()
    }
}

/// The writer thread: one transaction per batch.
fn write_batches(
    conn: &mut Connection,
    session: SessionId,
    source: SourceId,
    batches: &Receiver<Batch>,
) -> Result<Totals, StoreError> {
    // A batch's pages stay in memory until it commits (no spill into the
    // WAL mid-transaction), and the WAL is folded into the database every
    // 64 MB rather than every 4 MB (each checkpoint syncs the file).
    conn.pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
    conn.pragma_update(None, "wal_autocheckpoint", IMPORT_CHECKPOINT_PAGES)?;
    // SQLite evaluates a `CHECK (mode IN ('normal', …))` by building a
    // temporary table of the list for every row inserted (OpenEphemeral:
    // a b-tree, a page cache and their mutexes): a seventh of the writer's
    // time. The checked columns are written from Rust enums (`Mode`,
    // `Confidence`), which cannot hold another value, so the writer skips
    // the checks; every other connection keeps them.
    conn.pragma_update(None, "ignore_check_constraints", true)?;
    let written = write_all_batches(conn, session, source, batches);
    let _ = conn.pragma_update(None, "ignore_check_constraints", false);
    let _ = conn.pragma_update(None, "cache_size", -2000);
    let _ = conn.pragma_update(None, "wal_autocheckpoint", 1000);
    written
}

/// Page cache of the import's connection while it writes (KiB).
const IMPORT_CACHE_KIB: i64 = 32 * 1024;
/// WAL pages between checkpoints while an import writes.
const IMPORT_CHECKPOINT_PAGES: i64 = 16 * 1024;

fn write_all_batches(
    conn: &mut Connection,
    session: SessionId,
    source: SourceId,
    batches: &Receiver<Batch>,
) -> Result<Totals, StoreError> {
    let mut totals = Totals::default();
    let mut chunk_seq = 0i64;
    let mut blocks = BlockRange::default();
    for batch in batches {
        let tx = conn.transaction()?;
        {
            for chunk in &batch.source_chunks {
                chunk.insert(&tx, source, chunk_seq)?;
                chunk_seq += 1;
            }
            let mut rows = RowWriter::new(&tx)?;
            let mut insert_block = tx.prepare_cached(
                "INSERT INTO search_blocks (session_id, first_exchange_id, last_exchange_id, filter) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut close = |filter: &[u8], blocks: &mut BlockRange| -> Result<(), StoreError> {
                if let Some((first, last)) = blocks.take() {
                    insert_block.execute(params![session, first, last, filter])?;
                }
                Ok(())
            };
            for prepared in &batch.exchanges {
                let id = rows.write(session, source, totals.exchanges as i64, prepared)?;
                blocks.extend(id);
                totals.count_exchange(prepared);
                if let Some(filter) = &prepared.closes_block {
                    close(filter, &mut blocks)?;
                }
            }
            if let Some(filter) = &batch.trailing_block {
                close(filter, &mut blocks)?;
            }
        }
        tx.commit()?;
    }
    Ok(totals)
}

/// The three insert statements of the exchange tables.
struct RowWriter<'t> {
    exchange: rusqlite::CachedStatement<'t>,
    data_type: rusqlite::CachedStatement<'t>,
    layer: rusqlite::CachedStatement<'t>,
    event: rusqlite::CachedStatement<'t>,
    tx: &'t Transaction<'t>,
}

impl<'t> RowWriter<'t> {
    fn new(tx: &'t Transaction<'t>) -> Result<Self, StoreError> {
        Ok(RowWriter {
            exchange: tx.prepare_cached(
                "INSERT INTO exchanges (session_id, source_id, seq, time_micros, duration_micros, method, url, host, port,
                     http_version, status, request_headers, response_headers, request_body, request_body_original,
                     response_body, response_body_original, server_ip, server_port, client_ip, app_hint, user_agent,
                     requested_with, app, tracker, company, notes, category, endpoint, mode, event_count, decode_path_summary,
                     company_source, client)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,
                     ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34)",
            )?,
            data_type: tx.prepare_cached(
                "INSERT INTO data_types (exchange_id, event_id, type, field, value, confidence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
            layer: tx.prepare_cached(
                "INSERT INTO layers (exchange_id, ordinal, parent_ordinal, decoder, step, summary, text, bytes, note, encrypted)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?,
            event: tx.prepare_cached(
                "INSERT INTO events (exchange_id, session_id, layer_ordinal, time_micros, app, device, mode, tracker, event_name, fields, key_field, decode_path)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?,
            tx,
        })
    }

    /// Writes one exchange with its layers and events; returns its id.
    fn write(
        &mut self,
        session: SessionId,
        source: SourceId,
        seq: i64,
        prepared: &PreparedExchange,
    ) -> Result<i64, StoreError> {
        let exchange = &prepared.exchange;
        self.exchange.execute(params![
            session,
            source,
            seq,
            exchange.time_micros,
            exchange.duration_micros,
            exchange.method,
            exchange.url,
            exchange.host,
            exchange.port,
            exchange.http_version,
            exchange.status,
            prepared.request_headers,
            prepared.response_headers,
            exchange.request_body,
            exchange.request_body_original,
            exchange.response_body,
            exchange.response_body_original,
            exchange.server_ip,
            exchange.server_port,
            exchange.client_ip,
            exchange.app_hint,
            exchange.request_header("user-agent"),
            exchange.request_header("x-requested-with"),
            prepared.app,
            prepared.tracker,
            prepared.company,
            prepared.notes,
            prepared.category,
            prepared.endpoint,
            prepared.mode.as_str(),
            prepared.events.len() as i64,
            prepared.decode_path_summary,
            prepared.company_source,
            prepared.client,
        ])?;
        let exchange_id = self.tx.last_insert_rowid();
        for (ordinal, layer) in prepared.layers.iter().enumerate() {
            // A root's content is the exchange's own (see `root_layers`).
            let in_exchange = stored_in_exchange(layer.parent, &layer.decoder);
            self.layer.execute(params![
                exchange_id,
                ordinal as i64,
                layer.parent.map(|p| p as i64),
                layer.decoder,
                layer.step,
                layer.summary,
                if in_exchange { None } else { layer.text.as_deref() },
                if in_exchange { None } else { layer.bytes.as_deref() },
                layer.note,
                layer.encrypted,
            ])?;
        }
        let mut event_ids = Vec::with_capacity(prepared.events.len());
        for event in &prepared.events {
            self.event.execute(params![
                exchange_id,
                session,
                event.layer,
                event.time_micros,
                event.app,
                event.device,
                event.mode.as_str(),
                event.tracker,
                event.name,
                event.fields,
                event.key_field,
                event.decode_path,
            ])?;
            event_ids.push(self.tx.last_insert_rowid());
        }
        for item in &prepared.data_types {
            let event_id = item.event.and_then(|index| event_ids.get(index).copied());
            self.data_type.execute(params![
                exchange_id,
                event_id,
                item.data_type.kind,
                item.data_type.field,
                item.data_type.value,
                item.data_type.confidence.as_str(),
            ])?;
        }
        Ok(exchange_id)
    }
}

/// Makes the staging session the named one (or merges it into the named
/// one when that exists), stores the figures, in one transaction.
fn publish(
    conn: &mut Connection,
    staging: &Staging,
    name: &str,
    options: &ImportOptions,
    totals: &Totals,
    summary: &ImportSummary,
    warnings: &[String],
) -> Result<SessionId, StoreError> {
    let tx = conn.transaction()?;
    // Without the user's word, the app is what the capture records (a
    // browser's own HAR: the browser), else what the SDKs inside say.
    let inferred = match (&staging.info.app, &summary.recorded_app) {
        (Some(_), _) => None,
        (None, Some(browser)) => fill_unnamed_app(&tx, staging.session, browser)?,
        (None, None) => infer_app(&tx, staging.session)?,
    };
    let skipped: Vec<serde_json::Value> = summary
        .skipped
        .iter()
        .map(|(what, count)| serde_json::json!({"what": what, "count": count}))
        .collect();
    tx.execute(
        "UPDATE sources SET exchange_count = ?2, skipped = ?3, warnings = ?4 WHERE source_id = ?1",
        params![
            staging.source,
            totals.exchanges as i64,
            serde_json::Value::Array(skipped).to_string(),
            serde_json::to_string(warnings).unwrap_or_else(|_| "[]".into()),
        ],
    )?;
    let existing: Option<SessionId> = tx
        .query_row(
            "SELECT session_id FROM sessions WHERE name = ?1 AND import_token IS NULL",
            [name],
            |r| r.get(0),
        )
        .optional()?;
    let target = match existing {
        None => {
            tx.execute(
                "UPDATE sessions SET name = ?2, import_token = NULL, created_at_micros = ?3 WHERE session_id = ?1",
                params![staging.session, name, now_micros()],
            )?;
            staging.session
        }
        Some(target) => {
            // Options given now fill in what the session did not know yet.
            tx.execute(
                "UPDATE sessions SET app = coalesce(app, ?2), device = coalesce(device, ?3),
                     mode = CASE WHEN mode = 'unknown' AND ?4 IS NOT NULL THEN ?4 ELSE mode END
                 WHERE session_id = ?1",
                params![target, options.app, options.device, options.mode.map(Mode::as_str)],
            )?;
            for table in [
                "exchanges",
                "events",
                "sources",
                "session_lanes",
                "session_facets",
                "search_blocks",
            ] {
                tx.execute(
                    &format!("UPDATE {table} SET session_id = ?1 WHERE session_id = ?2"),
                    params![target, staging.session],
                )?;
            }
            tx.execute("DELETE FROM sessions WHERE session_id = ?1", [staging.session])?;
            target
        }
    };
    // The digest of the decoded rows is taken as they are published, so
    // `verify` can tell later whether anyone changed them (integrity.rs).
    let unsealed: Vec<i64> = {
        let mut statement =
            tx.prepare("SELECT source_id FROM sources WHERE session_id = ?1 AND decoded_sha256 IS NULL")?;
        statement.query_map([target], |r| r.get(0))?.collect::<Result<_, _>>()?
    };
    for source in unsealed {
        super::integrity::seal_source(&tx, source)?;
    }
    if let Some(app) = &inferred {
        tx.execute(
            "UPDATE sessions SET app = ?2 WHERE session_id = ?1 AND app IS NULL",
            params![target, app],
        )?;
    }
    store_figures(&tx, target, &totals.with_app_for_unnamed(inferred.as_deref()))?;
    // After the figures: a first-party request is no timeline mark, and
    // `apply_parties` counts them again when it finds one.
    mark_first_party(&tx, target, summary, &staging.info.host_labels)?;
    tx.commit()?;
    Ok(target)
}

/// Gives the rows of the staging session that name no app `app` (the
/// browser a HAR says recorded it); `Some(app)` when any row took it.
fn fill_unnamed_app(tx: &Transaction<'_>, staging: SessionId, app: &str) -> Result<Option<String>, StoreError> {
    let mut changed = 0;
    for table in ["exchanges", "events"] {
        changed += tx.execute(
            &format!("UPDATE {table} SET app = ?2 WHERE session_id = ?1 AND app IS NULL"),
            params![staging, app],
        )?;
    }
    Ok((changed > 0).then(|| app.to_string()))
}

/// Works out which hosts of `session` are the app's own (see
/// `attribution::party`): from the session's app, the sites this capture
/// visited and what earlier imports into the session found, with the
/// researcher's marks on top; stores the rules with the session and the
/// party on every request.
fn mark_first_party(
    tx: &Transaction<'_>,
    session: SessionId,
    summary: &ImportSummary,
    labels: &super::hosts::HostLabels,
) -> Result<(), StoreError> {
    let (app, stored): (Option<String>, Option<String>) = tx.query_row(
        "SELECT app, first_party FROM sessions WHERE session_id = ?1",
        [session],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut rules = FirstParty::for_session(app.as_deref(), summary.visited_sites.iter().map(String::as_str));
    if let Some(earlier) = stored.and_then(|text| serde_json::from_str::<FirstParty>(&text).ok()) {
        rules.merge(earlier);
    }
    tx.execute(
        "UPDATE sessions SET first_party = ?2 WHERE session_id = ?1",
        params![session, serde_json::to_string(&rules).unwrap_or_default()],
    )?;
    super::hosts::apply_parties(tx, session, &rules, labels)
}

/// The app of a capture that names none in its metadata or headers, when the SDKs inside say which (see
/// `attribution::app_from_data_types`): one app and no other, named by at
/// least three requests and a quarter of the tracker requests (config
/// fetches and attribution calls often name no app; in the Android
/// first-run capture 5 of 16 do). The requests and events of the staging
/// session that name no app are then given it, since they came from the
/// capture of that app; a capture where two apps are named, or only one or
/// two requests name one, is left alone.
fn infer_app(tx: &Transaction<'_>, staging: SessionId) -> Result<Option<String>, StoreError> {
    let named: Vec<(String, i64)> = {
        let mut statement = tx.prepare(
            "SELECT app, count(*) FROM exchanges WHERE session_id = ?1 AND app IS NOT NULL GROUP BY app LIMIT 2",
        )?;
        statement
            .query_map([staging], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?
    };
    let [(app, naming)] = named.as_slice() else {
        return Ok(None);
    };
    let unnamed: i64 = tx.query_row(
        "SELECT count(*) FROM exchanges WHERE session_id = ?1 AND app IS NULL",
        [staging],
        |r| r.get(0),
    )?;
    let trackers: i64 = tx.query_row(
        "SELECT count(*) FROM exchanges WHERE session_id = ?1 AND (company IS NOT NULL OR tracker IS NOT NULL)",
        [staging],
        |r| r.get(0),
    )?;
    if unnamed == 0 || *naming < 3 || naming * 4 < trackers {
        return Ok(None);
    }
    for table in ["exchanges", "events"] {
        tx.execute(
            &format!("UPDATE {table} SET app = ?2 WHERE session_id = ?1 AND app IS NULL"),
            params![staging, app],
        )?;
    }
    Ok(Some(app.clone()))
}

fn headers_json(headers: &crate::model::Headers) -> String {
    serde_json::to_string(headers).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Claim;

    /// An importer that ignores "stop" and returns `Ok` (the bug the sink
    /// must not trust importers to avoid).
    struct Stubborn;

    impl Importer for Stubborn {
        fn format(&self) -> &'static str {
            "har"
        }
        fn name(&self) -> &'static str {
            "stubborn test importer"
        }
        fn extensions(&self) -> &'static [&'static str] {
            &[]
        }
        fn claims(&self, _head: &[u8]) -> Claim {
            Claim::Certain
        }
        fn import(&self, _input: &ImportInput<'_>, sink: &mut dyn ExchangeSink) -> Result<ImportSummary, ImportError> {
            for i in 0..3000 {
                let _ = sink.exchange(Exchange {
                    method: "GET".into(),
                    url: format!("https://h.example/?i={i}"),
                    host: "h.example".into(),
                    ..Exchange::default()
                })?;
            }
            Ok(ImportSummary::default())
        }
    }

    struct StopAfter(u64);

    impl ImportObserver for StopAfter {
        fn progress(&mut self, progress: &ImportProgress) -> Flow {
            if progress.exchanges >= self.0 {
                Flow::Stop
            } else {
                Flow::Continue
            }
        }
    }

    #[test]
    fn an_importer_returning_ok_after_a_stop_commits_nothing() {
        let mut case = Case::open_in_memory().expect("case");
        let result = case.import_with(
            &Stubborn,
            "x.har",
            None,
            b"{}",
            &ImportOptions::default(),
            None,
            &mut StopAfter(1500),
        );
        assert!(
            matches!(result, Err(StoreError::Import(ImportError::Cancelled))),
            "{result:?}"
        );
        assert!(case.sessions().expect("sessions").is_empty());
        let rows: i64 = case
            .conn
            .query_row(
                "SELECT (SELECT count(*) FROM exchanges) + (SELECT count(*) FROM sessions)",
                [],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(rows, 0, "staging rows were removed");
    }

    #[test]
    fn an_import_into_an_existing_session_merges_rows_and_figures() {
        let mut case = Case::open_in_memory().expect("case");
        let options = ImportOptions {
            session: Some("s".into()),
            again: true,
            ..ImportOptions::default()
        };
        let first = case
            .import_bytes("a.har", None, crate::demo::NORMAL_HAR, &options, &mut NoObserver)
            .expect("first");
        let second = case
            .import_bytes("b.har", None, crate::demo::INCOGNITO_HAR, &options, &mut NoObserver)
            .expect("second");
        assert_eq!(first.session_id, second.session_id);
        let sessions = case.sessions().expect("sessions");
        assert_eq!(sessions.len(), 1);
        let counted: (i64, i64) = case
            .conn
            .query_row(
                "SELECT (SELECT count(*) FROM exchanges), (SELECT count(*) FROM events)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("count");
        assert_eq!((sessions[0].exchange_count, sessions[0].event_count), counted);
        assert_eq!(counted.1 as u64, first.events + second.events);
        assert_eq!(sessions[0].sources.len(), 2);
    }
}
