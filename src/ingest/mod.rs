//! Importers: one per capture format, each in its own file, all pushing
//! [`Exchange`]s into an [`ExchangeSink`].
//!
//! The registry sniffs the *content* (never the file name alone) and asks each
//! importer whether the bytes are its own; "not mine" is cheap and never
//! fails. Importers stream: they hand each exchange to the sink as soon as it
//! is parsed and stop when the sink says [`Flow::Stop`] (the user cancelled).

mod burp;
mod har;
pub mod http1;
mod mitm;
mod pcap;

use crate::model::Exchange;
use std::path::Path;

pub use burp::BurpImporter;
pub use har::HarImporter;
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
}

/// What an importer reports besides the exchanges it pushed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Items the file held that are not HTTP exchanges, with counts and why
    /// (e.g. `("websocket flows", 2)`).
    pub skipped: Vec<(String, u64)>,
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
    #[error("not a capture Telltale can read (expected HAR, mitmproxy flows, Burp XML or pcap/pcapng)")]
    UnknownFormat,
    #[error("import cancelled")]
    Cancelled,
    #[error("cannot read file: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write to the case: {0}")]
    Sink(String),
}

/// One capture format.
pub trait Importer: Send + Sync {
    /// Stable format id stored with the source: `har`, `mitmproxy`, `burp`, `pcap`, `pcapng`.
    fn format(&self) -> &'static str;
    /// Cheap, infallible look at the first bytes of the file.
    fn claims(&self, head: &[u8]) -> Claim;
    /// Parses the file, pushing every exchange into `sink`.
    fn import(&self, input: &ImportInput<'_>, sink: &mut dyn ExchangeSink) -> Result<ImportSummary, ImportError>;
}

/// Every importer, in the order ties are broken.
pub fn importers() -> Vec<Box<dyn Importer>> {
    vec![
        Box::new(PcapImporter),
        Box::new(PcapngImporter),
        Box::new(MitmImporter),
        Box::new(BurpImporter),
        Box::new(HarImporter),
    ]
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
pub fn undo_content_encoding(
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

/// Imports `bytes` with whatever importer claims them, into a [`VecSink`].
pub fn import_to_vec(
    file_name: &str,
    path: Option<&Path>,
    bytes: &[u8],
) -> Result<(VecSink, ImportSummary, &'static str), ImportError> {
    let importer = detect(bytes).ok_or(ImportError::UnknownFormat)?;
    let mut sink = VecSink::default();
    let input = ImportInput { file_name, path, bytes };
    let summary = importer.import(&input, &mut sink)?;
    Ok((sink, summary, importer.format()))
}
