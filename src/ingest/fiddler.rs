//! Fiddler session archives (`.saz`): a zip whose `raw/` folder holds, per
//! session id `N` (plain `1` or zero-padded `01`), the request as sent
//! (`N_c.txt`), the response as received (`N_s.txt`) and metadata
//! (`N_m.xml`: `SessionTimers` with `ClientBeginRequest` …
//! `ClientDoneResponse`, `SessionFlags` with `x-clientip`, `x-hostip`,
//! `x-processinfo`). Archives without `_m.xml` files are read too (no times).
//!
//! The raw messages are parsed with the shared lenient HTTP/1.x parser, so
//! chunked bodies are de-chunked here and compressed bodies are inflated
//! by the registry like every other importer's. `CONNECT` tunnels are
//! sessions like any other, with a note. Sessions are pushed in numeric id
//! order. Entries are read with size caps (zip bombs become warnings).
//! Password-protected archives are refused with a clear reason.

use super::http1::{self, BodyResult, HeadResult};
use super::{Claim, ExchangeSink, Flow, ImportError, ImportInput, ImportSummary, Importer};
use crate::model::{Exchange, exchange_header, parse_rfc3339_micros, split_url};
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

const FORMAT: &str = "Fiddler archive";
/// Largest entry read from the archive.
const MAX_ENTRY_BYTES: u64 = 256 * 1024 * 1024;

/// Fiddler `.saz` archives.
pub struct FiddlerImporter;

impl Importer for FiddlerImporter {
    fn format(&self) -> &'static str {
        "fiddler"
    }

    fn name(&self) -> &'static str {
        "Fiddler archive"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["saz"]
    }

    fn claims(&self, head: &[u8]) -> Claim {
        // A zip whose first entry is Fiddler's `raw/` folder or a session file.
        if head.starts_with(b"PK\x03\x04") && (contains(head, b"raw/") || contains(head, b"[Content_Types].xml")) {
            Claim::Certain
        } else {
            Claim::No
        }
    }

    fn import(&self, input: &ImportInput<'_>, sink: &mut dyn ExchangeSink) -> Result<ImportSummary, ImportError> {
        let mut archive = zip::ZipArchive::new(Cursor::new(input.bytes)).map_err(|e| ImportError::Invalid {
            format: FORMAT,
            reason: format!("not a readable zip archive ({e})"),
        })?;
        let sessions = session_files(&archive);
        if sessions.is_empty() {
            return Err(ImportError::Invalid {
                format: FORMAT,
                reason: "no raw/N_c.txt session files".to_string(),
            });
        }
        let mut summary = ImportSummary::default();
        let total = sessions.len();
        for (done, (id, files)) in sessions.into_iter().enumerate() {
            let mut read = |name: &Option<String>| -> Result<Option<Vec<u8>>, ImportError> {
                match name {
                    Some(name) => read_entry(&mut archive, name, sink).map(Some),
                    None => Ok(None),
                }
            };
            let (request, response, meta) = (read(&files.client)?, read(&files.server)?, read(&files.meta)?);
            let Some(request) = request.filter(|r| !r.is_empty()) else {
                summary.skip("sessions without a request", 1);
                continue;
            };
            let exchange = session_exchange(&id, &request, response.as_deref(), meta.as_deref());
            if sink.exchange(exchange)? == Flow::Stop {
                return Ok(summary);
            }
            sink.progress((input.bytes.len() as u64 * (done as u64 + 1)) / total as u64);
        }
        Ok(summary)
    }
}

/// The files of one session.
#[derive(Default)]
struct SessionFiles {
    client: Option<String>,
    server: Option<String>,
    meta: Option<String>,
}

/// Session files by numeric id (so `2` sorts before `10`).
fn session_files(archive: &zip::ZipArchive<Cursor<&[u8]>>) -> BTreeMap<(u64, String), SessionFiles> {
    let mut out: BTreeMap<(u64, String), SessionFiles> = BTreeMap::new();
    for name in archive.file_names() {
        let Some(file) = name.strip_prefix("raw/") else {
            continue;
        };
        let Some((id, kind)) = file.rsplit_once('_') else {
            continue;
        };
        let Ok(number) = id.parse::<u64>() else { continue };
        let entry = out.entry((number, id.to_string())).or_default();
        match kind {
            "c.txt" => entry.client = Some(name.to_string()),
            "s.txt" => entry.server = Some(name.to_string()),
            "m.xml" => entry.meta = Some(name.to_string()),
            _ => {}
        }
    }
    out.retain(|_, files| files.client.is_some());
    out
}

fn read_entry(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    sink: &mut dyn ExchangeSink,
) -> Result<Vec<u8>, ImportError> {
    let entry = archive.by_name(name).map_err(|e| ImportError::Invalid {
        format: FORMAT,
        reason: format!("cannot read {name} ({e})"),
    })?;
    let mut bytes = Vec::new();
    let read = entry.take(MAX_ENTRY_BYTES + 1).read_to_end(&mut bytes);
    if let Err(e) = read {
        return Err(ImportError::Unsupported {
            format: FORMAT,
            reason: format!("{name} cannot be unpacked ({e}); password-protected archives are not supported"),
        });
    }
    if bytes.len() as u64 > MAX_ENTRY_BYTES {
        bytes.truncate(usize::try_from(MAX_ENTRY_BYTES).unwrap_or(usize::MAX));
        sink.warning(format!(
            "{name} is larger than {} MiB; cut there",
            MAX_ENTRY_BYTES >> 20
        ));
    }
    Ok(bytes)
}

/// One session as an exchange.
fn session_exchange(id: &(u64, String), request: &[u8], response: Option<&[u8]>, meta: Option<&[u8]>) -> Exchange {
    let mut exchange = Exchange::default();
    match http1::parse_request_head(request) {
        HeadResult::Complete(head) => {
            let body = body_of(
                http1::read_body(&http1::request_framing(&head), &request[head.head_len..], true),
                &request[head.head_len..],
            );
            exchange.url = url_of(&head.method, &head.target, &head.headers);
            exchange.method = head.method;
            exchange.http_version = head.version;
            exchange.request_headers = head.headers;
            exchange.request_body = body;
        }
        HeadResult::Partial | HeadResult::Invalid(_) => {
            exchange.notes.push(format!("session {}: request is not HTTP", id.1));
            exchange.request_body = request.to_vec();
        }
    }
    let (_, host, port) = split_url(&exchange.url);
    exchange.host = host;
    exchange.port = port.or(if exchange.url.starts_with("https") {
        Some(443)
    } else {
        Some(80)
    });
    match response.filter(|r| !r.is_empty()) {
        Some(response) => match http1::parse_response_head(response) {
            HeadResult::Complete(head) => {
                let framing = http1::response_framing(&head, Some(&exchange.method));
                exchange.response_body = body_of(
                    http1::read_body(&framing, &response[head.head_len..], true),
                    &response[head.head_len..],
                );
                exchange.status = Some(head.status);
                exchange.response_headers = head.headers;
            }
            HeadResult::Partial | HeadResult::Invalid(_) => {
                exchange
                    .notes
                    .push("response is not HTTP; kept as captured".to_string());
                exchange.response_body = response.to_vec();
            }
        },
        None => exchange.notes.push("no response captured".to_string()),
    }
    if exchange.method.eq_ignore_ascii_case("CONNECT") {
        exchange.notes.push(
            "CONNECT tunnel: what went through it is in the sessions that follow, if Fiddler decrypted it".into(),
        );
    }
    if let Some(meta) = meta {
        apply_metadata(&mut exchange, meta);
    } else {
        exchange
            .notes
            .push("no session metadata (_m.xml): no times".to_string());
    }
    exchange
}

fn body_of(result: BodyResult, rest: &[u8]) -> Vec<u8> {
    match result {
        BodyResult::Complete { body, .. } => body,
        BodyResult::Partial => rest.to_vec(),
    }
}

/// Fiddler writes absolute-form targets for proxied requests and
/// authority-form for CONNECT; origin-form falls back to the Host header.
fn url_of(method: &str, target: &str, headers: &crate::model::Headers) -> String {
    if method.eq_ignore_ascii_case("CONNECT") {
        return format!("https://{target}");
    }
    let lower = target.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return target.to_string();
    }
    let host = exchange_header(headers, "host").unwrap_or("").trim();
    format!("http://{host}{target}")
}

/// Times and addresses from `N_m.xml`.
fn apply_metadata(exchange: &mut Exchange, meta: &[u8]) {
    let text = String::from_utf8_lossy(meta);
    let mut reader = quick_xml::reader::Reader::from_str(&text);
    let mut begin = None;
    let mut end = None;
    loop {
        let event = match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) | Err(_) => break,
            Ok(event) => event,
        };
        let (quick_xml::events::Event::Empty(element) | quick_xml::events::Event::Start(element)) = event else {
            continue;
        };
        let attr = |key: &str| super::charles::xml_attribute(&element, key);
        let qname = element.name();
        let name: &str = qname.as_ref();
        match name {
            "SessionTimers" => {
                begin = attr("ClientBeginRequest").and_then(|t| parse_rfc3339_micros(&t));
                end = attr("ClientDoneResponse").and_then(|t| parse_rfc3339_micros(&t));
            }
            "SessionFlag" => {
                let (Some(name), Some(value)) = (attr("N"), attr("V")) else {
                    continue;
                };
                match name.as_str() {
                    "x-clientip" => exchange.client_ip = Some(value.trim_start_matches("::ffff:").to_string()),
                    "x-hostip" => exchange.server_ip = Some(value),
                    "x-processinfo" => {
                        let process = value.split(':').next().unwrap_or(&value).to_string();
                        exchange.app_hint = Some(process);
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    // Fiddler writes 0001-01-01 for timers that never fired.
    if let Some(begin) = begin.filter(|t| *t > 0) {
        exchange.time_micros = begin;
        exchange.duration_micros = end.map(|e| e - begin).filter(|d| *d >= 0);
    } else {
        exchange
            .notes
            .push("no request time in the session metadata".to_string());
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
