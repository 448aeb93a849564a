//! Importers: one per capture format, each in its own file, all pushing
//! [`Exchange`]s into an [`ExchangeSink`].
//!
//! The registry ([`importers`]) sniffs the *content* (never the file name
//! alone) and asks each importer whether the bytes are its own; "not mine"
//! is cheap and never fails. Each importer describes itself (name, file
//! extensions): the CLI help, the import dialog's filter, the window's hint
//! and the "readable formats" error are all built from [`formats`].
//!
//! Importers stream: they hand each exchange to the sink as soon as it is
//! parsed. When the sink answers [`Flow::Stop`] (the user cancelled) the
//! importer simply returns; the sink, which decided to stop, knows the
//! import is cancelled. `Content-Encoding` is undone once, here, for every
//! importer ([`run`]), according to what the importer says its bodies are
//! ([`Bodies`]).

mod burp;
mod charles;
mod fiddler;
mod har;
pub mod http1;
pub mod http2;
pub mod keylog;
mod mitm;
mod pcap;
pub mod websocket;

use crate::model::Exchange;
use std::path::Path;

pub use burp::BurpImporter;
pub use charles::{CharlesJsonImporter, CharlesXmlImporter};
pub use fiddler::FiddlerImporter;
pub use har::HarImporter;
pub use keylog::KeyLog;
pub use mitm::MitmImporter;
pub use pcap::{PcapImporter, PcapngImporter};

/// What the sink wants after each exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Stop,
}

/// Receives what an importer finds. The store implements it (batched inserts
/// in one transaction); tests implement it with a `Vec`.
pub trait ExchangeSink {
    /// Takes one exchange. `Err` aborts the import (e.g. the disk is full).
    fn exchange(&mut self, exchange: Exchange) -> Result<Flow, ImportError>;
    /// Records a partial failure that did not stop the import.
    fn warning(&mut self, message: String);
    /// Reports how many input bytes have been consumed so far.
    fn progress(&mut self, _bytes_done: u64) {}
}

/// How sure an importer is that bytes are its format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Claim {
    /// Not this format.
    No,
    /// Looks like it from a loose sniff (e.g. JSON object).
    Sniffed,
    /// A magic number or signature matched.
    Certain,
}

/// One evidence file handed to an importer.
pub struct ImportInput<'a> {
    /// The file name as the user knows it (shown in messages).
    pub file_name: &'a str,
    /// Where the file lives, so HAR `_file` references can be resolved.
    pub path: Option<&'a Path>,
    /// The whole file.
    pub bytes: &'a [u8],
    /// TLS secrets given at import (`--keylog`); captures may add their own.
    pub keylog: Option<&'a KeyLog>,
}

impl<'a> ImportInput<'a> {
    /// A file without a separate key log.
    pub fn new(file_name: &'a str, path: Option<&'a Path>, bytes: &'a [u8]) -> Self {
        ImportInput {
            file_name,
            path,
            bytes,
            keylog: None,
        }
    }
}

/// What an importer reports besides the exchanges it pushed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Items the file held that are not HTTP exchanges, with counts and why
    /// (e.g. `("websocket flows", 2)`).
    pub skipped: Vec<(String, u64)>,
    /// The app the capture says recorded it, for the whole file: the
    /// browser of a browser's own HAR (`Chrome 56`). Used when the user
    /// names no app; never overrides what a request's own metadata says.
    pub recorded_app: Option<String>,
    /// Hosts of the pages the capture visited (a browser's top-level
    /// documents): first party for the session.
    pub visited_sites: Vec<String>,
}

impl ImportSummary {
    pub fn skip(&mut self, what: &str, count: u64) {
        if count == 0 {
            return;
        }
        match self.skipped.iter_mut().find(|(w, _)| w == what) {
            Some((_, n)) => *n += count,
            None => self.skipped.push((what.to_string(), count)),
        }
    }
}

/// Why an import failed. Messages are for journalists: they say what is
/// wrong; the caller appends the file name.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("not a {format} file: {reason}")]
    Invalid { format: &'static str, reason: String },
    #[error("unsupported {format} file: {reason}")]
    Unsupported { format: &'static str, reason: String },
    #[error("not a capture Telltale can read (expected {})", readable_formats())]
    UnknownFormat,
    #[error("import cancelled")]
    Cancelled,
    #[error("cannot read file: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write to the case: {0}")]
    Sink(String),
}

/// What the bodies an importer hands over are, so [`run`] knows whether
/// `Content-Encoding` still has to be undone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bodies {
    /// As sent on the wire: `Content-Encoding` is undone.
    AsSent,
    /// Usually decoded already (HAR): undone only when the bytes still look
    /// compressed.
    UsuallyDecoded,
}

/// One capture format.
pub trait Importer: Send + Sync {
    /// Stable format id stored with the source: `har`, `mitmproxy`, `burp`,
    /// `pcap`, `pcapng`, `charles-json`, `charles-xml`, `fiddler`.
    fn format(&self) -> &'static str;
    /// The format as users call it: "HAR", "mitmproxy flows" …
    fn name(&self) -> &'static str;
    /// File name extensions the format is saved with (without the dot).
    fn extensions(&self) -> &'static [&'static str];
    /// Cheap, infallible look at the first bytes of the file.
    fn claims(&self, head: &[u8]) -> Claim;
    /// What the bodies handed to the sink are; see [`Bodies`].
    fn bodies(&self) -> Bodies {
        Bodies::AsSent
    }
    /// Parses the file, pushing every exchange into `sink`; returns early,
    /// with `Ok`, when the sink says [`Flow::Stop`].
    fn import(&self, input: &ImportInput<'_>, sink: &mut dyn ExchangeSink) -> Result<ImportSummary, ImportError>;
}

/// Every importer, in the order ties are broken.
pub fn importers() -> Vec<Box<dyn Importer>> {
    vec![
        Box::new(PcapImporter),
        Box::new(PcapngImporter),
        Box::new(FiddlerImporter),
        Box::new(MitmImporter),
        Box::new(BurpImporter),
        Box::new(CharlesXmlImporter),
        Box::new(CharlesJsonImporter),
        Box::new(HarImporter),
    ]
}

/// A readable format as the registry describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatInfo {
    pub format: &'static str,
    pub name: &'static str,
    pub extensions: &'static [&'static str],
}

/// Every readable format, in registry order.
pub fn formats() -> Vec<FormatInfo> {
    importers()
        .iter()
        .map(|i| FormatInfo {
            format: i.format(),
            name: i.name(),
            extensions: i.extensions(),
        })
        .collect()
}

/// "HAR, mitmproxy flows, … or pcapng", for messages and help texts.
pub fn readable_formats() -> String {
    let names: Vec<&str> = formats().iter().map(|f| f.name).collect();
    match names.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Every file extension some importer reads, without duplicates, in
/// registry order (for file dialogs).
pub fn file_extensions() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for format in formats() {
        for ext in format.extensions {
            if !out.contains(ext) {
                out.push(ext);
            }
        }
    }
    out
}

/// Runs `importer` on `input`: the one place where `Content-Encoding` is
/// undone for every importer, before the exchange reaches `sink`.
pub fn run(
    importer: &dyn Importer,
    input: &ImportInput<'_>,
    sink: &mut dyn ExchangeSink,
) -> Result<ImportSummary, ImportError> {
    importer.import(input, &mut Normalizing::new(importer.bodies(), sink))
}

/// Undoes content encodings on the way to the real sink (what [`run`]
/// puts between an importer and its sink; the store's streamed HAR import
/// uses it directly).
pub struct Normalizing<'s> {
    inner: &'s mut dyn ExchangeSink,
    bodies: Bodies,
}

impl<'s> Normalizing<'s> {
    pub fn new(bodies: Bodies, inner: &'s mut dyn ExchangeSink) -> Self {
        Normalizing { inner, bodies }
    }
}

impl ExchangeSink for Normalizing<'_> {
    fn exchange(&mut self, mut exchange: Exchange) -> Result<Flow, ImportError> {
        normalize_bodies(&mut exchange, self.bodies);
        if let Some(transport) = &exchange.transport {
            // The case keeps notes, not transport columns: the note makes
            // the TLS/HTTP/2 layer visible on the request itself.
            exchange.notes.push(format!("transport: {transport}"));
        }
        self.inner.exchange(exchange)
    }
    fn warning(&mut self, message: String) {
        self.inner.warning(message);
    }
    fn progress(&mut self, bytes_done: u64) {
        self.inner.progress(bytes_done);
    }
}

/// Undoes `Content-Encoding` on both bodies (once: a body whose original is
/// already kept is left alone).
pub fn normalize_bodies(exchange: &mut Exchange, bodies: Bodies) {
    let wanted = |body: &[u8]| match bodies {
        Bodies::AsSent => true,
        Bodies::UsuallyDecoded => crate::codec::Codec::sniff(body).is_some(),
    };
    if exchange.request_body_original.is_none() && wanted(&exchange.request_body) {
        undo_content_encoding(
            &exchange.request_headers,
            &mut exchange.request_body,
            &mut exchange.request_body_original,
            &mut exchange.notes,
            "request",
        );
    }
    if exchange.response_body_original.is_none() && wanted(&exchange.response_body) {
        undo_content_encoding(
            &exchange.response_headers,
            &mut exchange.response_body,
            &mut exchange.response_body_original,
            &mut exchange.notes,
            "response",
        );
    }
}

/// Picks the importer that claims `bytes` most strongly.
pub fn detect(bytes: &[u8]) -> Option<Box<dyn Importer>> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let mut best: Option<(Claim, Box<dyn Importer>)> = None;
    for importer in importers() {
        let claim = importer.claims(head);
        if claim > Claim::No && best.as_ref().is_none_or(|(b, _)| claim > *b) {
            best = Some((claim, importer));
        }
    }
    best.map(|(_, importer)| importer)
}

/// Undoes the `Content-Encoding` of a body in place, keeping the captured
/// bytes as `original` when they changed. A body that does not decode stays
/// as captured and the failure becomes a note.
fn undo_content_encoding(
    headers: &crate::model::Headers,
    body: &mut Vec<u8>,
    original: &mut Option<Vec<u8>>,
    notes: &mut Vec<String>,
    which: &str,
) {
    let Some(encoding) = crate::model::exchange_header(headers, "content-encoding") else {
        return;
    };
    match crate::codec::decode_content_encodings(encoding, body, crate::codec::MAX_CONTENT_DECODED_BYTES) {
        Ok(Some(decoded)) => {
            if decoded != *body {
                *original = Some(std::mem::replace(body, decoded));
            }
        }
        Ok(None) => {}
        Err(e) => notes.push(format!("{which} body kept as captured: {e}")),
    }
}

/// A sink that collects into memory; for tests and benchmarks.
#[derive(Default)]
pub struct VecSink {
    pub exchanges: Vec<Exchange>,
    pub warnings: Vec<String>,
}

impl ExchangeSink for VecSink {
    fn exchange(&mut self, exchange: Exchange) -> Result<Flow, ImportError> {
        self.exchanges.push(exchange);
        Ok(Flow::Continue)
    }
    fn warning(&mut self, message: String) {
        self.warnings.push(message);
    }
}

/// Like [`import_to_vec`], with a TLS key log given at import.
pub fn import_to_vec_with_keys(
    file_name: &str,
    bytes: &[u8],
    keylog: &KeyLog,
) -> Result<(VecSink, ImportSummary, &'static str), ImportError> {
    let importer = detect(bytes).ok_or(ImportError::UnknownFormat)?;
    let mut sink = VecSink::default();
    let input = ImportInput {
        keylog: Some(keylog),
        ..ImportInput::new(file_name, None, bytes)
    };
    let summary = run(importer.as_ref(), &input, &mut sink)?;
    Ok((sink, summary, importer.format()))
}

/// Imports `bytes` with whatever importer claims them, into a [`VecSink`].
pub fn import_to_vec(
    file_name: &str,
    path: Option<&Path>,
    bytes: &[u8],
) -> Result<(VecSink, ImportSummary, &'static str), ImportError> {
    let importer = detect(bytes).ok_or(ImportError::UnknownFormat)?;
    let mut sink = VecSink::default();
    let input = ImportInput::new(file_name, path, bytes);
    let summary = run(importer.as_ref(), &input, &mut sink)?;
    Ok((sink, summary, importer.format()))
}
