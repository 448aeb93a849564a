//! Importing one evidence file into the case, in one transaction.
//!
//! The file's bytes and SHA-256 are stored first, then every exchange the
//! importer streams is decoded and written with its layers and events
//! through cached prepared statements. Nothing is committed until the
//! importer has finished: an error, a cancel or a crash leaves no trace.

use super::{Case, StoreError};
use crate::attribution::{app_from_exchange, company_for_host, key_field};
use crate::decode::decode_exchange;
use crate::ingest::{ExchangeSink, Flow, ImportError, ImportInput, ImportSummary, KeyLog, detect};
use crate::model::{Decoded, Exchange, Mode, SessionId, SourceId, now_micros};
use rusqlite::{OptionalExtension, Transaction, params};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Size of one stored piece of an evidence file.
pub(crate) const SOURCE_CHUNK_BYTES: usize = 1024 * 1024;

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
}

struct SessionInfo {
    id: SessionId,
    app: Option<String>,
    mode: Mode,
}

impl Case {
    /// Reads `path` and imports it (see [`Case::import_bytes`]).
    pub fn import_file(
        &mut self,
        path: &Path,
        options: &ImportOptions,
        observer: &mut dyn ImportObserver,
    ) -> Result<ImportOutcome, StoreError> {
        let bytes = std::fs::read(path)?;
        self.import_bytes(&file_name_of(path), Some(path), &bytes, options, observer)
    }

    /// Imports one evidence file: sniffs its format, stores its bytes and
    /// hash, and writes every exchange, layer and event, all or nothing.
    /// A key log named in `options` decrypts TLS and is stored in the
    /// session beside the file, with its SHA-256.
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
        let sha256 = hex::encode(Sha256::digest(bytes));
        if !options.again
            && let Some(session) = self.session_holding_source(&sha256)?
        {
            return Err(StoreError::AlreadyImported { session });
        }
        let session_name = options.session.clone().unwrap_or_else(|| file_name.to_string());
        let tx = self.conn.transaction()?;
        let session = session_for_import(&tx, &session_name, options)?;
        let source_id = insert_source(&tx, session.id, file_name, bytes, &sha256, importer.format())?;
        if let Some((keylog_name, keylog_bytes)) = keylog {
            let keylog_sha256 = hex::encode(Sha256::digest(keylog_bytes));
            insert_source(&tx, session.id, keylog_name, keylog_bytes, &keylog_sha256, "tls-keylog")?;
        }
        let mut sink = StoreSink {
            tx: &tx,
            session: &session,
            source_id,
            observer,
            progress: ImportProgress {
                bytes_total: bytes.len() as u64,
                ..ImportProgress::default()
            },
            warnings: Vec::new(),
            failure: None,
            stopped: false,
        };
        let input = ImportInput {
            keylog: keys.as_ref(),
            ..ImportInput::new(file_name, path, bytes)
        };
        let summary = match crate::ingest::run(importer.as_ref(), &input, &mut sink) {
            Ok(summary) => summary,
            Err(error) => return Err(sink.failure.take().unwrap_or(StoreError::Import(error))),
        };
        // The sink said stop (the user cancelled): nothing is committed.
        if sink.stopped {
            return Err(StoreError::Import(ImportError::Cancelled));
        }
        let (progress, warnings) = (sink.progress, sink.warnings);
        finish_source(&tx, source_id, &progress, &summary, &warnings)?;
        tx.commit()?;
        Ok(ImportOutcome {
            session_id: Some(session.id),
            session: session_name,
            source_id: Some(source_id),
            format: importer.format().to_string(),
            sha256,
            exchanges: progress.exchanges,
            events: progress.events,
            skipped: summary.skipped,
            warnings,
        })
    }

    fn session_holding_source(&self, sha256: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT s.name FROM sources src JOIN sessions s USING (session_id) WHERE src.sha256 = ?1 LIMIT 1",
                [sha256],
                |r| r.get(0),
            )
            .optional()?)
    }
}

fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

fn session_for_import(tx: &Transaction<'_>, name: &str, options: &ImportOptions) -> Result<SessionInfo, StoreError> {
    let existing = tx
        .query_row(
            "SELECT session_id, app, mode FROM sessions WHERE name = ?1",
            [name],
            |r| {
                Ok((
                    r.get::<_, SessionId>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                ))
            },
        )
        .optional()?;
    if let Some((id, app, mode)) = existing {
        // Options given now fill in what the session did not know yet.
        tx.execute(
            "UPDATE sessions SET app = coalesce(app, ?2), device = coalesce(device, ?3),
                 mode = CASE WHEN mode = 'unknown' AND ?4 IS NOT NULL THEN ?4 ELSE mode END
             WHERE session_id = ?1",
            params![id, options.app, options.device, options.mode.map(Mode::as_str)],
        )?;
        let mode = match mode.parse().unwrap_or_default() {
            Mode::Unknown => options.mode.unwrap_or_default(),
            known => known,
        };
        return Ok(SessionInfo {
            id,
            app: app.or_else(|| options.app.clone()),
            mode,
        });
    }
    let mode = options.mode.unwrap_or_default();
    tx.execute(
        "INSERT INTO sessions (name, app, device, mode, created_at_micros) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![name, options.app, options.device, mode.as_str(), now_micros()],
    )?;
    Ok(SessionInfo {
        id: SessionId(tx.last_insert_rowid()),
        app: options.app.clone(),
        mode,
    })
}

fn insert_source(
    tx: &Transaction<'_>,
    session: SessionId,
    file_name: &str,
    bytes: &[u8],
    sha256: &str,
    format: &str,
) -> Result<SourceId, StoreError> {
    tx.execute(
        "INSERT INTO sources (session_id, file_name, size_bytes, sha256, format, imported_at_micros)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![session, file_name, bytes.len() as i64, sha256, format, now_micros()],
    )?;
    let source_id = SourceId(tx.last_insert_rowid());
    let mut insert = tx.prepare_cached("INSERT INTO source_chunks (source_id, seq, bytes) VALUES (?1, ?2, ?3)")?;
    for (seq, chunk) in bytes.chunks(SOURCE_CHUNK_BYTES).enumerate() {
        insert.execute(params![source_id, seq as i64, chunk])?;
    }
    Ok(source_id)
}

fn finish_source(
    tx: &Transaction<'_>,
    source: SourceId,
    progress: &ImportProgress,
    summary: &ImportSummary,
    warnings: &[String],
) -> Result<(), StoreError> {
    let skipped: Vec<serde_json::Value> = summary
        .skipped
        .iter()
        .map(|(what, count)| serde_json::json!({"what": what, "count": count}))
        .collect();
    tx.execute(
        "UPDATE sources SET exchange_count = ?2, skipped = ?3, warnings = ?4 WHERE source_id = ?1",
        params![
            source,
            progress.exchanges as i64,
            serde_json::Value::Array(skipped).to_string(),
            serde_json::to_string(warnings).unwrap_or_else(|_| "[]".into()),
        ],
    )?;
    Ok(())
}

/// Writes what the importer streams; carries store errors out through the
/// importer (which only knows [`ImportError`]).
struct StoreSink<'t, 'c, 'o> {
    tx: &'t Transaction<'c>,
    session: &'t SessionInfo,
    source_id: SourceId,
    observer: &'o mut dyn ImportObserver,
    progress: ImportProgress,
    warnings: Vec<String>,
    failure: Option<StoreError>,
    /// The observer asked to stop; the import is cancelled.
    stopped: bool,
}

impl ExchangeSink for StoreSink<'_, '_, '_> {
    fn exchange(&mut self, exchange: Exchange) -> Result<Flow, ImportError> {
        let decoded = decode_exchange(&exchange);
        if let Err(error) = self.write(&exchange, &decoded) {
            let message = error.to_string();
            self.failure = Some(error);
            return Err(ImportError::Sink(message));
        }
        self.progress.exchanges += 1;
        self.progress.events += decoded.events.len() as u64;
        let flow = self.observer.progress(&self.progress);
        self.stopped |= flow == Flow::Stop;
        Ok(flow)
    }

    fn warning(&mut self, message: String) {
        self.warnings.push(message);
    }

    fn progress(&mut self, bytes_done: u64) {
        self.progress.bytes_done = bytes_done;
    }
}

impl StoreSink<'_, '_, '_> {
    fn write(&mut self, exchange: &Exchange, decoded: &Decoded) -> Result<(), StoreError> {
        let exchange_app = app_from_exchange(exchange).or_else(|| self.session.app.clone());
        let exchange_id = self.insert_exchange(exchange, decoded, exchange_app.as_deref())?;
        let mut insert_layer = self.tx.prepare_cached(
            "INSERT INTO layers (exchange_id, ordinal, parent_ordinal, decoder, step, summary, text, bytes, note, encrypted)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for (ordinal, layer) in decoded.layers.iter().enumerate() {
            insert_layer.execute(params![
                exchange_id,
                ordinal as i64,
                layer.parent.map(|p| p as i64),
                layer.decoder,
                layer.step,
                layer.summary,
                layer.text,
                layer.bytes,
                layer.note,
                layer.encrypted,
            ])?;
        }
        let mut insert_event = self.tx.prepare_cached(
            "INSERT INTO events (exchange_id, session_id, layer_ordinal, time_micros, app, device, mode, tracker, event_name, fields, key_field, decode_path)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        let mut event_ids = Vec::with_capacity(decoded.events.len());
        for event in &decoded.events {
            let fields: serde_json::Map<String, serde_json::Value> = event
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect();
            insert_event.execute(params![
                exchange_id,
                self.session.id,
                event.layer.map(|l| l as i64),
                event.time_micros.unwrap_or(exchange.time_micros),
                event.app.as_deref().or(exchange_app.as_deref()),
                event.device,
                event.mode.unwrap_or(self.session.mode).as_str(),
                event.tracker,
                event.name,
                serde_json::Value::Object(fields).to_string(),
                key_field(&event.fields),
                event.decode_path,
            ])?;
            event_ids.push(self.tx.last_insert_rowid());
        }
        let mut insert_data_type = self.tx.prepare_cached(
            "INSERT INTO data_types (exchange_id, event_id, type, field, value, confidence)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for item in &decoded.data_types {
            let event_id = item.event.and_then(|index| event_ids.get(index).copied());
            insert_data_type.execute(params![
                exchange_id,
                event_id,
                item.data_type.kind,
                item.data_type.field,
                item.data_type.value,
                item.data_type.confidence.as_str(),
            ])?;
        }
        Ok(())
    }

    fn insert_exchange(
        &mut self,
        exchange: &Exchange,
        decoded: &Decoded,
        app: Option<&str>,
    ) -> Result<i64, StoreError> {
        let catalogue_entry = company_for_host(&exchange.host);
        // The payload's own incognito flag wins over the session's mode.
        let mode = decoded
            .events
            .iter()
            .find_map(|event| event.mode)
            .unwrap_or(self.session.mode);
        let mut insert = self.tx.prepare_cached(
            "INSERT INTO exchanges (session_id, source_id, seq, time_micros, duration_micros, method, url, host, port,
                 http_version, status, request_headers, response_headers, request_body, request_body_original,
                 response_body, response_body_original, server_ip, server_port, client_ip, app_hint, user_agent,
                 requested_with, app, tracker, company, notes, category, endpoint, mode, event_count, decode_path_summary)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,
                 ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32)",
        )?;
        insert.execute(params![
            self.session.id,
            self.source_id,
            self.progress.exchanges as i64,
            exchange.time_micros,
            exchange.duration_micros,
            exchange.method,
            exchange.url,
            exchange.host,
            exchange.port,
            exchange.http_version,
            exchange.status,
            headers_json(&exchange.request_headers),
            headers_json(&exchange.response_headers),
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
            app,
            // The payload's shape names the tracker; a known host names it
            // when the payload is one we cannot decode.
            decoded
                .tracker
                .as_deref()
                .or(catalogue_entry.and_then(|e| e.tracker.as_deref())),
            catalogue_entry.map(|e| e.company.as_str()),
            serde_json::to_string(&exchange.notes).unwrap_or_else(|_| "[]".into()),
            catalogue_entry.map(|e| e.category.as_str()),
            decoded.endpoint,
            mode.as_str(),
            decoded.events.len() as i64,
            decoded.decode_path_summary,
        ])?;
        Ok(self.tx.last_insert_rowid())
    }
}

fn headers_json(headers: &crate::model::Headers) -> String {
    serde_json::to_string(headers).unwrap_or_else(|_| "[]".into())
}
