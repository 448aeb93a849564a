//! Burp Suite "Save items" XML importer.
//!
//! Reads `<items burpVersion=…>` documents from Burp 1.7 (base64 bodies) and
//! newer versions (raw HTTP text in CDATA, XML 1.1, possibly raw NUL bytes).
//! Each `<item>` becomes one [`Exchange`] pushed to the sink as soon as its
//! closing tag is read, so memory stays at one item plus the file.
//!
//! Bodies are taken from the file's own bytes (by offset), never from the XML
//! parser's text, because XML end-of-line normalisation would turn the
//! captured `\r\n` into `\n`. Bytes that are not UTF-8 are masked for the XML
//! parser only; the bodies keep them.

use super::http1::{self, BodyFraming, BodyResult, HeadResult};
use super::{Claim, ExchangeSink, Flow, ImportError, ImportInput, ImportSummary, Importer};
use crate::model::{Exchange, Headers, exchange_header, split_url};
use base64::Engine as _;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::reader::Reader;
use std::borrow::Cow;

const FORMAT: &str = "Burp XML";
const CDATA_OPEN: &[u8] = b"<![CDATA[";
const CDATA_CLOSE: &[u8] = b"]]>";
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Burp Suite XML ("Save items").
pub struct BurpImporter;

impl Importer for BurpImporter {
    fn format(&self) -> &'static str {
        "burp"
    }

    fn name(&self) -> &'static str {
        "Burp XML"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["xml", "burp"]
    }

    fn claims(&self, head: &[u8]) -> Claim {
        if contains(head, b"<items") && contains(head, b"burpVersion") {
            Claim::Certain
        } else {
            Claim::No
        }
    }

    fn import(&self, input: &ImportInput<'_>, sink: &mut dyn ExchangeSink) -> Result<ImportSummary, ImportError> {
        let bytes = input.bytes.strip_prefix(UTF8_BOM).unwrap_or(input.bytes);
        let bom_len = input.bytes.len() - bytes.len();
        let masked = mask_invalid_utf8(bytes);
        let mut reader = Reader::from_reader(masked.as_ref());
        let mut walker = Walker::default();
        loop {
            let before = position(&reader);
            let event = reader
                .read_event()
                .map_err(|e| syntax_error(reader.error_position(), bom_len, &e))?;
            let span = bytes.get(before..position(&reader)).unwrap_or_default();
            match event {
                Event::Eof => break,
                Event::Start(start) => walker.start(&start)?,
                Event::Empty(start) => {
                    walker.start(&start)?;
                    walker.end();
                }
                Event::End(_) => {
                    if let Some(item) = walker.end() {
                        if push_item(&item, sink)? == Flow::Stop {
                            return Ok(ImportSummary::default());
                        }
                        sink.progress((bom_len + position(&reader)) as u64);
                    }
                }
                Event::Text(_) => walker.content(span),
                Event::CData(_) => walker.content(cdata_inner(span)),
                Event::GeneralRef(reference) => walker.content(resolve_reference(&reference).as_bytes()),
                _ => {}
            }
        }
        walker.finish(bom_len + bytes.len())?;
        Ok(ImportSummary::default())
    }
}

/// Builds the exchange for one item and hands it over.
fn push_item(item: &RawItem, sink: &mut dyn ExchangeSink) -> Result<Flow, ImportError> {
    sink.exchange(item_to_exchange(item))
}

fn position(reader: &Reader<&[u8]>) -> usize {
    usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
}

fn syntax_error(at: u64, bom_len: usize, error: &quick_xml::Error) -> ImportError {
    let message = error.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
    invalid(format!("XML syntax error at byte {}: {message}", at + bom_len as u64))
}

fn invalid(reason: String) -> ImportError {
    ImportError::Invalid { format: FORMAT, reason }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// Replaces bytes that are not UTF-8 by `?` so the XML parser accepts the
/// document; lengths and offsets stay the same.
fn mask_invalid_utf8(bytes: &[u8]) -> Cow<'_, [u8]> {
    if std::str::from_utf8(bytes).is_ok() {
        return Cow::Borrowed(bytes);
    }
    let mut masked = bytes.to_vec();
    let mut pos = 0;
    while let Err(error) = std::str::from_utf8(&masked[pos..]) {
        let bad_start = pos + error.valid_up_to();
        let bad_len = error.error_len().unwrap_or(masked.len() - bad_start);
        masked[bad_start..bad_start + bad_len].fill(b'?');
        pos = bad_start + bad_len;
    }
    Cow::Owned(masked)
}

/// The bytes between `<![CDATA[` and `]]>` of a CDATA section's source.
fn cdata_inner(span: &[u8]) -> &[u8] {
    let inner = span.strip_prefix(CDATA_OPEN).unwrap_or(span);
    inner.strip_suffix(CDATA_CLOSE).unwrap_or(inner)
}

/// `&amp;`, `&#10;` and friends; an unknown entity stays as written.
fn resolve_reference(reference: &BytesRef<'_>) -> String {
    if let Ok(Some(ch)) = reference.resolve_char_ref() {
        return ch.to_string();
    }
    let name: &str = reference;
    match name {
        "lt" => "<".into(),
        "gt" => ">".into(),
        "amp" => "&".into(),
        "apos" => "'".into(),
        "quot" => "\"".into(),
        other => format!("&{other};"),
    }
}

/// One child element of `<item>`: its raw content and the attributes Burp uses.
#[derive(Default)]
struct Field {
    name: String,
    content: Vec<u8>,
    base64: bool,
    ip: Option<String>,
}

/// The children of one `<item>`, in file order.
#[derive(Default)]
struct RawItem {
    fields: Vec<Field>,
}

impl RawItem {
    fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Trimmed text of a child; `""` when absent.
    fn text(&self, name: &str) -> String {
        self.field(name)
            .map(|f| String::from_utf8_lossy(&f.content).trim().to_string())
            .unwrap_or_default()
    }
}

/// Tracks where the reader is: `<items>` (depth 1), `<item>` (2), field (3).
#[derive(Default)]
struct Walker {
    depth: usize,
    saw_root: bool,
    item: Option<RawItem>,
    field: Option<Field>,
}

impl Walker {
    fn start(&mut self, start: &BytesStart<'_>) -> Result<(), ImportError> {
        self.depth += 1;
        let name = start.name();
        let name: &str = name.as_ref();
        match self.depth {
            1 if name != "items" => return Err(invalid(format!("the document is <{name}>, not Burp <items>"))),
            1 => self.saw_root = true,
            2 if name == "item" => self.item = Some(RawItem::default()),
            3 if self.item.is_some() => self.field = Some(field_from_start(name, start)),
            _ => {}
        }
        Ok(())
    }

    /// Closes the current element; returns the item when `</item>` closes.
    fn end(&mut self) -> Option<RawItem> {
        let closing = self.depth;
        self.depth = self.depth.saturating_sub(1);
        match closing {
            3 => {
                if let (Some(item), Some(field)) = (self.item.as_mut(), self.field.take()) {
                    item.fields.push(field);
                }
                None
            }
            2 => self.item.take(),
            _ => None,
        }
    }

    fn content(&mut self, bytes: &[u8]) {
        if let Some(field) = self.field.as_mut() {
            field.content.extend_from_slice(bytes);
        }
    }

    fn finish(&self, file_len: usize) -> Result<(), ImportError> {
        if !self.saw_root {
            return Err(invalid("no <items> element".to_string()));
        }
        if self.depth > 0 {
            return Err(invalid(format!(
                "the file ends at byte {file_len} inside an element (cut short?)"
            )));
        }
        Ok(())
    }
}

fn field_from_start(name: &str, start: &BytesStart<'_>) -> Field {
    let mut field = Field {
        name: name.to_string(),
        ..Field::default()
    };
    for attribute in start.attributes().flatten() {
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(Cow::into_owned)
            .unwrap_or_default();
        match attribute.key.as_ref() {
            "base64" => field.base64 = value.trim() == "true",
            "ip" if !value.trim().is_empty() => field.ip = Some(value.trim().to_string()),
            _ => {}
        }
    }
    field
}

/// Turns the fields of one item into an exchange; problems become notes.
fn item_to_exchange(item: &RawItem) -> Exchange {
    let mut exchange = Exchange {
        url: item.text("url"),
        method: item.text("method"),
        ..Exchange::default()
    };
    fill_time(&mut exchange, &item.text("time"));
    fill_endpoint(&mut exchange, item);
    match Message::from_field(item.field("request"), "request", &mut exchange.notes) {
        Some(message) => fill_request(&mut exchange, &message),
        None => exchange.notes.push("request missing".to_string()),
    }
    match Message::from_field(item.field("response"), "response", &mut exchange.notes) {
        Some(message) => {
            fill_response(&mut exchange, &message);
            // An unreadable response still has the status Burp showed.
            exchange.status = exchange.status.or_else(|| item.text("status").parse().ok());
        }
        None => exchange.notes.push("response missing".to_string()),
    }
    let comment = item.text("comment");
    if !comment.is_empty() {
        exchange.notes.push(format!("Burp comment: {comment}"));
    }
    exchange
}

fn fill_time(exchange: &mut Exchange, time: &str) {
    match java_date::parse_micros(time) {
        Some((micros, zone_note)) => {
            exchange.time_micros = micros;
            exchange.notes.extend(zone_note);
        }
        None if time.is_empty() => exchange.notes.push("no time recorded".to_string()),
        None => exchange.notes.push(format!("time not understood: {time}")),
    }
}

fn fill_endpoint(exchange: &mut Exchange, item: &RawItem) {
    let (_, url_host, url_port) = split_url(&exchange.url);
    let host = item.text("host");
    exchange.host = if host.is_empty() {
        url_host
    } else {
        host.to_ascii_lowercase()
    };
    exchange.port = item.text("port").parse().ok().or(url_port);
    exchange.server_port = exchange.port;
    exchange.server_ip = item.field("host").and_then(|f| f.ip.clone());
}

/// The raw HTTP message of `<request>` or `<response>`.
struct Message {
    raw: Vec<u8>,
    /// Stored as XML text (`base64="false"`) rather than base64.
    stored_as_text: bool,
    which: &'static str,
}

impl Message {
    /// `None` when the element is absent or empty.
    fn from_field(field: Option<&Field>, which: &'static str, notes: &mut Vec<String>) -> Option<Message> {
        let field = field?;
        if !field.base64 {
            let raw = field.content.clone();
            return (!raw.is_empty()).then_some(Message {
                raw,
                stored_as_text: true,
                which,
            });
        }
        let compact: Vec<u8> = field
            .content
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        if compact.is_empty() {
            return None;
        }
        match base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT.decode(&compact) {
            Ok(raw) => Some(Message {
                raw,
                stored_as_text: false,
                which,
            }),
            Err(e) => {
                notes.push(format!("{which} kept as stored: not valid base64 ({e})"));
                Some(Message {
                    raw: field.content.clone(),
                    stored_as_text: true,
                    which,
                })
            }
        }
    }

    /// A message that is not HTTP/1.x text: every byte becomes the body.
    fn unparsed(&self, reason: &str, notes: &mut Vec<String>) -> Vec<u8> {
        notes.push(format!(
            "{} is not readable as HTTP/1.x ({reason}); kept as captured",
            self.which
        ));
        self.raw.clone()
    }

    /// The body after the head. Burp saved exactly one message, so all that
    /// follows the head is body; chunked bodies are de-chunked.
    fn body(&self, framing: &BodyFraming, head_len: usize, headers: &Headers, notes: &mut Vec<String>) -> Vec<u8> {
        let rest = &self.raw[head_len.min(self.raw.len())..];
        if *framing == BodyFraming::Chunked
            && let BodyResult::Complete { body, .. } = http1::read_body(framing, rest, true)
        {
            return body;
        }
        if self.stored_as_text {
            return latin1_repair(rest, headers, notes, self.which);
        }
        rest.to_vec()
    }
}

fn fill_request(exchange: &mut Exchange, message: &Message) {
    let head = match http1::parse_request_head(&message.raw) {
        HeadResult::Complete(head) => head,
        HeadResult::Partial => {
            exchange.request_body = message.unparsed("head cut short", &mut exchange.notes);
            return;
        }
        HeadResult::Invalid(reason) => {
            exchange.request_body = message.unparsed(&reason, &mut exchange.notes);
            return;
        }
    };
    if exchange.method.is_empty() {
        exchange.method.clone_from(&head.method);
    }
    exchange.http_version.clone_from(&head.version);
    let framing = http1::request_framing(&head);
    exchange.request_body = message.body(&framing, head.head_len, &head.headers, &mut exchange.notes);
    exchange.request_headers = head.headers;
}

fn fill_response(exchange: &mut Exchange, message: &Message) {
    let head = match http1::parse_response_head(&message.raw) {
        HeadResult::Complete(head) => head,
        HeadResult::Partial => {
            exchange.response_body = message.unparsed("head cut short", &mut exchange.notes);
            return;
        }
        HeadResult::Invalid(reason) => {
            exchange.response_body = message.unparsed(&reason, &mut exchange.notes);
            return;
        }
    };
    exchange.status = Some(head.status);
    if exchange.http_version.is_empty() {
        exchange.http_version.clone_from(&head.version);
    }
    let framing = http1::response_framing(&head, Some(&exchange.method));
    exchange.response_body = message.body(&framing, head.head_len, &head.headers, &mut exchange.notes);
    exchange.response_headers = head.headers;
}

/// Raw (non-base64) bodies of newer Burp exports may have been written as
/// Latin-1 text encoded in UTF-8; when that explains a `Content-Length`
/// mismatch exactly, the original bytes are restored.
fn latin1_repair(body: &[u8], headers: &Headers, notes: &mut Vec<String>, which: &str) -> Vec<u8> {
    let declared: Option<usize> = exchange_header(headers, "content-length").and_then(|v| v.trim().parse().ok());
    let Some(declared) = declared.filter(|d| *d != body.len()) else {
        return body.to_vec();
    };
    let Ok(text) = std::str::from_utf8(body) else {
        return body.to_vec();
    };
    if text.chars().count() != declared || text.chars().any(|c| u32::from(c) > 0xFF) {
        return body.to_vec();
    }
    notes.push(format!(
        "{which} body was stored as Latin-1 text; original bytes restored"
    ));
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

/// Java `Date.toString()` times: `Mon Sep 25 20:05:12 CEST 2017`.
mod java_date {
    use chrono::NaiveDate;

    /// UTC µs and, when the zone was not recognised, a note saying so.
    pub(super) fn parse_micros(text: &str) -> Option<(i64, Option<String>)> {
        let parts: Vec<&str> = text.split_whitespace().collect();
        let [_weekday, month, day, clock, zone, year] = parts.as_slice() else {
            return None;
        };
        let month = month_number(month)?;
        let date = NaiveDate::from_ymd_opt(year.parse().ok()?, month, day.parse().ok()?)?;
        let time = chrono::NaiveTime::parse_from_str(clock, "%H:%M:%S").ok()?;
        let local_micros = date.and_time(time).and_utc().timestamp_micros();
        let (offset_seconds, note) = match zone_offset_seconds(zone) {
            Some(offset) => (offset, None),
            None => (0, Some(format!("time zone {zone} not recognised; time read as UTC"))),
        };
        Some((local_micros - i64::from(offset_seconds) * 1_000_000, note))
    }

    fn month_number(name: &str) -> Option<u32> {
        const MONTHS: [&str; 12] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        let position = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(name))?;
        u32::try_from(position + 1).ok()
    }

    /// Offsets of the abbreviations Java prints. Ambiguous ones take the
    /// reading Java's own zone table gives (IST = India, CST = US Central).
    fn zone_offset_seconds(zone: &str) -> Option<i32> {
        if let Some(offset) = numeric_offset(zone) {
            return Some(offset);
        }
        let minutes = match zone.to_ascii_uppercase().as_str() {
            "UTC" | "GMT" | "UT" | "Z" | "WET" => 0,
            "BST" | "WEST" | "CET" | "MET" | "WAT" => 60,
            "CEST" | "MEST" | "EET" | "SAST" | "CAT" => 120,
            "EEST" | "MSK" | "EAT" | "TRT" => 180,
            "GST" => 240,
            "PKT" => 300,
            "IST" => 330,
            "NPT" => 345,
            "ICT" | "WIB" => 420,
            "SGT" | "HKT" | "PHT" | "AWST" | "MYT" | "WITA" => 480,
            "JST" | "KST" | "WIT" => 540,
            "ACST" => 570,
            "AEST" => 600,
            "ACDT" => 630,
            "AEDT" => 660,
            "NZST" => 720,
            "NZDT" => 780,
            "NST" => -210,
            "NDT" => -150,
            "ADT" | "BRT" | "ART" => -180,
            "AST" | "EDT" | "CLT" => -240,
            "EST" | "CDT" => -300,
            "CST" | "MDT" => -360,
            "MST" | "PDT" => -420,
            "PST" | "AKDT" => -480,
            "AKST" => -540,
            "HST" => -600,
            _ => return None,
        };
        Some(minutes * 60)
    }

    /// `GMT+02:00`, `UTC-0530`, `+0100`.
    fn numeric_offset(zone: &str) -> Option<i32> {
        let upper = zone.to_ascii_uppercase();
        let rest = upper
            .strip_prefix("GMT")
            .or_else(|| upper.strip_prefix("UTC"))
            .unwrap_or(&upper);
        let (sign, digits) = match rest.as_bytes().first()? {
            b'+' => (1, &rest[1..]),
            b'-' => (-1, &rest[1..]),
            _ => return None,
        };
        let digits: String = digits.chars().filter(char::is_ascii_digit).collect();
        let (hours, minutes) = match digits.len() {
            1 | 2 => (digits.parse::<i32>().ok()?, 0),
            3 | 4 => {
                let split = digits.len() - 2;
                (
                    digits[..split].parse::<i32>().ok()?,
                    digits[split..].parse::<i32>().ok()?,
                )
            }
            _ => return None,
        };
        Some(sign * (hours * 3600 + minutes * 60))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn zones_map_to_offsets() {
            let utc = parse_micros("Mon Sep 25 18:05:12 UTC 2017").expect("utc");
            let cest = parse_micros("Mon Sep 25 20:05:12 CEST 2017").expect("cest");
            let custom = parse_micros("Mon Sep 25 20:05:12 GMT+02:00 2017").expect("custom");
            assert_eq!(utc, (1_506_362_712_000_000, None));
            assert_eq!(cest, utc);
            assert_eq!(custom, utc);
            let est = parse_micros("Sun Feb 19 20:42:20 EST 2017").expect("est");
            assert_eq!(est.0, parse_micros("Mon Feb 20 01:42:20 GMT 2017").expect("gmt").0);
        }

        #[test]
        fn unknown_zone_is_utc_with_note() {
            let (micros, note) = parse_micros("Mon Sep 25 18:05:12 XYZT 2017").expect("parsed");
            assert_eq!(micros, 1_506_362_712_000_000);
            assert!(note.is_some_and(|n| n.contains("XYZT")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_only_burp_items() {
        let importer = BurpImporter;
        assert_eq!(
            importer.claims(b"<?xml version=\"1.0\"?>\n<items burpVersion=\"1.7.36\">"),
            Claim::Certain
        );
        assert_eq!(importer.claims(b"<?xml version=\"1.0\"?><items>"), Claim::No);
        assert_eq!(importer.claims(b"{\"log\":{}}"), Claim::No);
    }

    #[test]
    fn masking_keeps_offsets() {
        let masked = mask_invalid_utf8(b"a\xffb\xe9");
        assert_eq!(masked.as_ref(), b"a?b?");
    }

    #[test]
    fn latin1_text_is_restored_when_length_says_so() {
        let headers: Headers = vec![("Content-Length".into(), "2".into())];
        let mut notes = Vec::new();
        assert_eq!(
            latin1_repair("\u{e9}\u{ff}".as_bytes(), &headers, &mut notes, "response"),
            vec![0xe9, 0xff]
        );
        assert_eq!(notes.len(), 1);
    }
}
