//! Lenient HTTP/1.x message parsing shared by importers that see raw HTTP
//! text (Burp XML bodies, TCP streams reassembled from pcap).
//!
//! Captures hold whatever clients and servers really sent, so this parser is
//! as forgiving as Zeek or Wireshark: lowercase methods, bare `\n` line
//! endings, obsolete header folding, header lines with stray bytes (kept
//! lossily as UTF-8), raw non-UTF-8 bytes in the request target, any number
//! of headers, HTTP/0.9 request lines. `httparse` handles the well-formed
//! common case fast; a line-based parser takes over when it refuses.
//!
//! Nothing here allocates more than the input it is given, and a head that
//! never ends is cut off at [`MAX_HEAD_BYTES`] instead of buffered forever.

use crate::model::{Headers, exchange_header};

/// A head longer than this without its blank line is not HTTP.
pub const MAX_HEAD_BYTES: usize = 1024 * 1024;

/// Header slots tried with `httparse` before the line parser takes over.
const HEADER_SLOTS: [usize; 3] = [64, 512, 4096];

/// The start line and headers of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestHead {
    pub method: String,
    /// The request target as sent (origin, absolute, authority or `*` form).
    pub target: String,
    /// E.g. `HTTP/1.1`; `HTTP/0.9` when the request line had no version.
    pub version: String,
    pub headers: Headers,
    /// Bytes from the start of the buffer through the blank line.
    pub head_len: usize,
}

/// The status line and headers of a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseHead {
    pub version: String,
    pub status: u16,
    pub reason: String,
    pub headers: Headers,
    /// Bytes from the start of the buffer through the blank line.
    pub head_len: usize,
}

/// Outcome of parsing a message head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeadResult<T> {
    Complete(T),
    /// Looks like HTTP so far; more bytes are needed.
    Partial,
    /// Not an HTTP message head; the reason says why.
    Invalid(String),
}

/// How the body after a head is delimited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyFraming {
    Empty,
    Length(u64),
    Chunked,
    /// The body runs until the connection closes.
    UntilClose,
}

/// Outcome of reading a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyResult {
    /// The body (de-chunked) and how many bytes of the buffer it used.
    Complete {
        body: Vec<u8>,
        consumed: usize,
    },
    Partial,
}

/// Parses a request line and headers at the start of `buf`.
pub fn parse_request_head(buf: &[u8]) -> HeadResult<RequestHead> {
    for slots in HEADER_SLOTS {
        let mut headers = vec![httparse::EMPTY_HEADER; slots];
        let mut request = httparse::Request::new(&mut headers);
        match parser_config().parse_request(&mut request, buf) {
            Ok(httparse::Status::Complete(head_len)) => {
                return HeadResult::Complete(RequestHead {
                    method: request.method.unwrap_or_default().to_string(),
                    target: request.path.unwrap_or_default().to_string(),
                    version: format!("HTTP/1.{}", request.version.unwrap_or(1)),
                    headers: convert_headers(request.headers),
                    head_len,
                });
            }
            Ok(httparse::Status::Partial) => return partial_or_too_long(buf),
            Err(httparse::Error::TooManyHeaders) => {}
            Err(_) => break,
        }
    }
    lenient::parse_request(buf)
}

/// Parses a status line and headers at the start of `buf`.
pub fn parse_response_head(buf: &[u8]) -> HeadResult<ResponseHead> {
    for slots in HEADER_SLOTS {
        let mut headers = vec![httparse::EMPTY_HEADER; slots];
        let mut response = httparse::Response::new(&mut headers);
        match parser_config().parse_response(&mut response, buf) {
            Ok(httparse::Status::Complete(head_len)) => {
                // httparse blanks a reason with odd bytes; the line parser keeps it.
                if response.reason.is_some_and(str::is_empty) {
                    break;
                }
                return HeadResult::Complete(ResponseHead {
                    version: format!("HTTP/1.{}", response.version.unwrap_or(1)),
                    status: response.code.unwrap_or_default(),
                    reason: response.reason.unwrap_or_default().to_string(),
                    headers: convert_headers(response.headers),
                    head_len,
                });
            }
            Ok(httparse::Status::Partial) => return partial_or_too_long(buf),
            Err(httparse::Error::TooManyHeaders) => {}
            Err(_) => break,
        }
    }
    lenient::parse_response(buf)
}

/// How a request body is delimited: requests without a length have none.
pub fn request_framing(head: &RequestHead) -> BodyFraming {
    if let Some(encoding) = exchange_header(&head.headers, "transfer-encoding") {
        return if last_coding_is_chunked(encoding) {
            BodyFraming::Chunked
        } else {
            BodyFraming::UntilClose
        };
    }
    match content_length(&head.headers) {
        Some(0) | None => BodyFraming::Empty,
        Some(length) => BodyFraming::Length(length),
    }
}

/// How a response body is delimited.
/// HEAD requests, 1xx, 204 and 304 have no body.
pub fn response_framing(head: &ResponseHead, request_method: Option<&str>) -> BodyFraming {
    let method = request_method.unwrap_or("");
    let bodiless_status = matches!(head.status, 100..=199 | 204 | 304);
    let tunnel_opened = method.eq_ignore_ascii_case("CONNECT") && (200..300).contains(&head.status);
    if method.eq_ignore_ascii_case("HEAD") || bodiless_status || tunnel_opened {
        return BodyFraming::Empty;
    }
    if let Some(encoding) = exchange_header(&head.headers, "transfer-encoding") {
        return if last_coding_is_chunked(encoding) {
            BodyFraming::Chunked
        } else {
            BodyFraming::UntilClose
        };
    }
    match content_length(&head.headers) {
        Some(0) => BodyFraming::Empty,
        Some(length) => BodyFraming::Length(length),
        None => BodyFraming::UntilClose,
    }
}

/// Reads a body from the start of `buf`; `Chunked` is de-chunked (trailers
/// consumed); `UntilClose` completes only when `at_eof` (then takes
/// everything). With `at_eof` and a short `Length`/`Chunked` body, returns
/// `Complete` with what there is (truncated), so captures with drops still
/// yield exchanges.
pub fn read_body(framing: &BodyFraming, buf: &[u8], at_eof: bool) -> BodyResult {
    match framing {
        BodyFraming::Empty => BodyResult::Complete {
            body: Vec::new(),
            consumed: 0,
        },
        BodyFraming::Length(length) => {
            let wanted = usize::try_from(*length).unwrap_or(usize::MAX);
            if buf.len() >= wanted {
                BodyResult::Complete {
                    body: buf[..wanted].to_vec(),
                    consumed: wanted,
                }
            } else if at_eof {
                BodyResult::Complete {
                    body: buf.to_vec(),
                    consumed: buf.len(),
                }
            } else {
                BodyResult::Partial
            }
        }
        BodyFraming::Chunked => chunked::read(buf, at_eof),
        BodyFraming::UntilClose if at_eof => BodyResult::Complete {
            body: buf.to_vec(),
            consumed: buf.len(),
        },
        BodyFraming::UntilClose => BodyResult::Partial,
    }
}

fn parser_config() -> httparse::ParserConfig {
    let mut config = httparse::ParserConfig::default();
    config
        .allow_multiple_spaces_in_request_line_delimiters(true)
        .allow_multiple_spaces_in_response_status_delimiters(true)
        .allow_obsolete_multiline_headers_in_responses(true)
        .allow_spaces_after_header_name_in_responses(true)
        .allow_space_before_first_header_name(true)
        .ignore_invalid_headers_in_requests(true)
        .ignore_invalid_headers_in_responses(true);
    config
}

fn convert_headers(headers: &[httparse::Header<'_>]) -> Headers {
    headers
        .iter()
        .filter(|h| !h.name.is_empty())
        .map(|h| (h.name.to_string(), unfold(&String::from_utf8_lossy(h.value))))
        .collect()
}

/// Joins obsolete folded header lines into one value, as RFC 9112 §5.2 allows.
fn unfold(value: &str) -> String {
    if !value.contains('\n') {
        return value.trim().to_string();
    }
    value
        .split('\n')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// httparse wants more bytes; give up once a head could not plausibly be that long.
fn partial_or_too_long<T>(buf: &[u8]) -> HeadResult<T> {
    if buf.len() > MAX_HEAD_BYTES {
        HeadResult::Invalid(format!("no end of the HTTP head within {MAX_HEAD_BYTES} bytes"))
    } else {
        HeadResult::Partial
    }
}

fn last_coding_is_chunked(transfer_encoding: &str) -> bool {
    transfer_encoding
        .rsplit(',')
        .map(str::trim)
        .find(|coding| !coding.is_empty())
        .is_some_and(|coding| coding.eq_ignore_ascii_case("chunked"))
}

/// `Content-Length`, tolerating the repeated-identical-values form (`5, 5`).
fn content_length(headers: &Headers) -> Option<u64> {
    let mut found: Option<u64> = None;
    for (_, value) in headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case("content-length")) {
        for part in value.split(',') {
            let length = part.trim().parse::<u64>().ok()?;
            if found.is_some_and(|f| f != length) {
                return None;
            }
            found = Some(length);
        }
    }
    found
}

/// The line-based fallback for heads `httparse` refuses.
mod lenient {
    use super::{HeadResult, Headers, MAX_HEAD_BYTES, RequestHead, ResponseHead, unfold};

    const MAX_METHOD_BYTES: usize = 32;

    pub(super) fn parse_request(buf: &[u8]) -> HeadResult<RequestHead> {
        let skipped = leading_blank_lines(buf);
        let rest = &buf[skipped..];
        let Some(line_end) = memchr(b'\n', rest) else {
            return partial_if(request_prefix_is_plausible(rest), rest.len());
        };
        let line = trim_cr(&rest[..line_end]);
        let Some((method, target, version)) = split_request_line(line) else {
            return HeadResult::Invalid(format!("not an HTTP request line: {}", preview(line)));
        };
        // HTTP/0.9 requests are one line with no headers.
        if version.is_none() {
            if !method.eq_ignore_ascii_case("GET") {
                return HeadResult::Invalid(format!("not an HTTP request line: {}", preview(line)));
            }
            return HeadResult::Complete(RequestHead {
                method,
                target,
                version: "HTTP/0.9".to_string(),
                headers: Headers::new(),
                head_len: skipped + line_end + 1,
            });
        }
        let Some((headers, header_len)) = parse_header_block(&rest[line_end + 1..]) else {
            return partial_if(true, rest.len());
        };
        HeadResult::Complete(RequestHead {
            method,
            target,
            version: version.unwrap_or_default(),
            headers,
            head_len: skipped + line_end + 1 + header_len,
        })
    }

    pub(super) fn parse_response(buf: &[u8]) -> HeadResult<ResponseHead> {
        let Some(line_end) = memchr(b'\n', buf) else {
            let prefix_len = buf.len().min(5);
            return partial_if(
                buf[..prefix_len].eq_ignore_ascii_case(&b"HTTP/"[..prefix_len]),
                buf.len(),
            );
        };
        let line = trim_cr(&buf[..line_end]);
        let Some((version, status, reason)) = split_status_line(line) else {
            return HeadResult::Invalid(format!("not an HTTP status line: {}", preview(line)));
        };
        let Some((headers, header_len)) = parse_header_block(&buf[line_end + 1..]) else {
            return partial_if(true, buf.len());
        };
        HeadResult::Complete(ResponseHead {
            version,
            status,
            reason,
            headers,
            head_len: line_end + 1 + header_len,
        })
    }

    fn partial_if<T>(plausible: bool, seen_bytes: usize) -> HeadResult<T> {
        if !plausible {
            HeadResult::Invalid("does not start like an HTTP message".to_string())
        } else if seen_bytes > MAX_HEAD_BYTES {
            HeadResult::Invalid(format!("no end of the HTTP head within {MAX_HEAD_BYTES} bytes"))
        } else {
            HeadResult::Partial
        }
    }

    /// RFC 9112 §2.2: servers should ignore blank lines before a request line.
    fn leading_blank_lines(buf: &[u8]) -> usize {
        buf.iter().take_while(|b| matches!(b, b'\r' | b'\n')).count()
    }

    fn request_prefix_is_plausible(partial_line: &[u8]) -> bool {
        let token_len = partial_line.iter().take_while(|b| is_method_byte(**b)).count();
        match partial_line.get(token_len) {
            None => token_len <= MAX_METHOD_BYTES,
            Some(b' ' | b'\t') => token_len > 0 && token_len <= MAX_METHOD_BYTES,
            Some(_) => false,
        }
    }

    /// `METHOD SP target [SP HTTP/x.y]`; the target may hold spaces and any bytes.
    fn split_request_line(line: &[u8]) -> Option<(String, String, Option<String>)> {
        let method_len = line.iter().take_while(|b| is_method_byte(**b)).count();
        if method_len == 0 || method_len > MAX_METHOD_BYTES || !matches!(line.get(method_len), Some(b' ' | b'\t')) {
            return None;
        }
        let method = String::from_utf8_lossy(&line[..method_len]).into_owned();
        let rest = trim_spaces(&line[method_len..]);
        let (target, version) = match rest.iter().rposition(|b| *b == b' ' || *b == b'\t') {
            Some(space) if is_http_version(&rest[space + 1..]) => (
                trim_spaces(&rest[..space]),
                Some(String::from_utf8_lossy(&rest[space + 1..]).to_ascii_uppercase()),
            ),
            _ if is_http_version(rest) => return None,
            _ => (rest, None),
        };
        if target.is_empty() {
            return None;
        }
        Some((method, String::from_utf8_lossy(target).into_owned(), version))
    }

    /// `HTTP/x.y SP 3DIGIT [SP reason]`.
    fn split_status_line(line: &[u8]) -> Option<(String, u16, String)> {
        let version_len = line
            .iter()
            .position(|b| *b == b' ' || *b == b'\t')
            .unwrap_or(line.len());
        let version = &line[..version_len];
        if !is_http_version(version) {
            return None;
        }
        let rest = trim_spaces(&line[version_len..]);
        let digits = rest.get(..3)?;
        if !digits.iter().all(u8::is_ascii_digit) || rest.get(3).is_some_and(|b| !matches!(b, b' ' | b'\t')) {
            return None;
        }
        let status = digits.iter().fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'));
        let reason = String::from_utf8_lossy(trim_spaces(&rest[3..])).into_owned();
        Some((String::from_utf8_lossy(version).to_ascii_uppercase(), status, reason))
    }

    /// Header lines up to and including the blank line; `None` when the
    /// blank line has not arrived yet. Returns the headers and bytes used.
    fn parse_header_block(buf: &[u8]) -> Option<(Headers, usize)> {
        let mut headers = Headers::new();
        let mut pos = 0;
        loop {
            let line_end = pos + memchr(b'\n', &buf[pos..])?;
            let line = trim_cr(&buf[pos..line_end]);
            pos = line_end + 1;
            if line.is_empty() {
                return Some((headers, pos));
            }
            add_header_line(&mut headers, line);
        }
    }

    fn add_header_line(headers: &mut Headers, line: &[u8]) {
        let folded = matches!(line.first(), Some(b' ' | b'\t'));
        if folded && let Some((_, value)) = headers.last_mut() {
            let continuation = String::from_utf8_lossy(trim_spaces(line));
            *value = unfold(&format!("{value}\n{continuation}"));
            return;
        }
        // A line without a colon is noise; Wireshark shows it, we skip it.
        let Some(colon) = memchr(b':', line) else { return };
        let name = trim_spaces(&line[..colon]);
        if name.is_empty() {
            return;
        }
        headers.push((
            String::from_utf8_lossy(name).into_owned(),
            String::from_utf8_lossy(trim_spaces(&line[colon + 1..])).into_owned(),
        ));
    }

    fn is_http_version(bytes: &[u8]) -> bool {
        bytes.len() >= 6
            && bytes[..5].eq_ignore_ascii_case(b"HTTP/")
            && bytes[5..].iter().all(|b| b.is_ascii_digit() || *b == b'.')
    }

    /// Stricter than an RFC token: the fallback sees odd input, and real
    /// methods are letters (`GET`, `M-SEARCH`, `BASELINE_CONTROL`).
    fn is_method_byte(b: u8) -> bool {
        b.is_ascii_alphabetic() || b == b'-' || b == b'_'
    }

    fn trim_cr(line: &[u8]) -> &[u8] {
        line.strip_suffix(b"\r").unwrap_or(line)
    }

    fn trim_spaces(bytes: &[u8]) -> &[u8] {
        let start = bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(bytes.len());
        let end = bytes
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(start, |i| i + 1);
        &bytes[start..end]
    }

    fn preview(line: &[u8]) -> String {
        let shown = &line[..line.len().min(60)];
        format!("{:?}", String::from_utf8_lossy(shown))
    }

    pub(super) fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
        haystack.iter().position(|b| *b == needle)
    }
}

/// De-chunking (RFC 9112 §7.1), tolerant of bare `\n` and missing CRLFs.
mod chunked {
    use super::BodyResult;
    use super::lenient::memchr;

    enum Step {
        /// A chunk's data range and where the next size line starts.
        Data {
            data_start: usize,
            data_end: usize,
            next: usize,
        },
        /// The last chunk and trailers ended here.
        End(usize),
        /// The chunk framing stops making sense here.
        Garbage,
        NeedMore,
    }

    pub(super) fn read(buf: &[u8], at_eof: bool) -> BodyResult {
        let mut body = Vec::new();
        let mut pos = 0;
        loop {
            match step(buf, pos) {
                Step::Data {
                    data_start,
                    data_end,
                    next,
                } => {
                    body.extend_from_slice(&buf[data_start..data_end]);
                    pos = next;
                }
                Step::End(consumed) => return BodyResult::Complete { body, consumed },
                // Garbage ends the body where it starts, so the stream can resync.
                Step::Garbage => return BodyResult::Complete { body, consumed: pos },
                Step::NeedMore if at_eof => {
                    body.extend_from_slice(truncated_data(buf, pos));
                    return BodyResult::Complete {
                        body,
                        consumed: buf.len(),
                    };
                }
                Step::NeedMore => return BodyResult::Partial,
            }
        }
    }

    fn step(buf: &[u8], pos: usize) -> Step {
        let Some(line_len) = memchr(b'\n', &buf[pos..]) else {
            return if buf.len() - pos > 1024 {
                Step::Garbage
            } else {
                Step::NeedMore
            };
        };
        let Some(size) = chunk_size(&buf[pos..pos + line_len]) else {
            return Step::Garbage;
        };
        let data_start = pos + line_len + 1;
        if size == 0 {
            return trailers_end(buf, data_start).map_or(Step::NeedMore, Step::End);
        }
        let Some(data_end) = usize::try_from(size).ok().and_then(|s| data_start.checked_add(s)) else {
            return Step::Garbage;
        };
        if data_end > buf.len() {
            return Step::NeedMore;
        }
        match &buf[data_end..] {
            [b'\r', b'\n', ..] => Step::Data {
                data_start,
                data_end,
                next: data_end + 2,
            },
            [b'\n', ..] => Step::Data {
                data_start,
                data_end,
                next: data_end + 1,
            },
            [] | [b'\r'] => Step::NeedMore,
            // No CRLF after the data: accept the next size line right there.
            _ => Step::Data {
                data_start,
                data_end,
                next: data_end,
            },
        }
    }

    /// The hex size before any `;extension`; `None` when it is not hex.
    fn chunk_size(line: &[u8]) -> Option<u64> {
        let line = String::from_utf8_lossy(line);
        let digits = line.split(';').next().unwrap_or("").trim();
        if digits.is_empty() || digits.len() > 16 {
            return None;
        }
        u64::from_str_radix(digits, 16).ok()
    }

    /// Skips trailer fields up to the blank line; returns the end offset.
    fn trailers_end(buf: &[u8], mut pos: usize) -> Option<usize> {
        loop {
            let line_len = memchr(b'\n', &buf[pos..])?;
            let line = &buf[pos..pos + line_len];
            pos += line_len + 1;
            if line.is_empty() || line == b"\r" {
                return Some(pos);
            }
        }
    }

    /// What arrived of a chunk cut off by the end of the capture.
    fn truncated_data(buf: &[u8], pos: usize) -> &[u8] {
        match memchr(b'\n', &buf[pos..]) {
            Some(line_len) if chunk_size(&buf[pos..pos + line_len]).is_some_and(|s| s > 0) => {
                &buf[pos + line_len + 1..]
            }
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(buf: &[u8]) -> RequestHead {
        match parse_request_head(buf) {
            HeadResult::Complete(head) => head,
            other => panic!("expected a complete request head, got {other:?}"),
        }
    }

    fn response(buf: &[u8]) -> ResponseHead {
        match parse_response_head(buf) {
            HeadResult::Complete(head) => head,
            other => panic!("expected a complete response head, got {other:?}"),
        }
    }

    fn complete(result: BodyResult) -> (Vec<u8>, usize) {
        match result {
            BodyResult::Complete { body, consumed } => (body, consumed),
            BodyResult::Partial => panic!("expected a complete body"),
        }
    }

    #[test]
    fn complete_request_head() {
        let buf = b"GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nX-Y:  z \r\n\r\nBODY";
        let head = request(buf);
        assert_eq!(head.method, "GET");
        assert_eq!(head.target, "/a?b=1");
        assert_eq!(head.version, "HTTP/1.1");
        assert_eq!(
            head.headers,
            vec![("Host".into(), "example.com".into()), ("X-Y".into(), "z".into())]
        );
        assert_eq!(head.head_len, buf.len() - 4);
        assert_eq!(request_framing(&head), BodyFraming::Empty);
    }

    #[test]
    fn partial_heads() {
        assert_eq!(
            parse_request_head(b"GET /a HTTP/1.1\r\nHost: x\r\n"),
            HeadResult::Partial
        );
        assert_eq!(parse_request_head(b"GE"), HeadResult::Partial);
        assert_eq!(parse_request_head(b""), HeadResult::Partial);
        assert_eq!(parse_response_head(b"HTTP/1.1 200 OK\r\n"), HeadResult::Partial);
        assert_eq!(parse_response_head(b"HTT"), HeadResult::Partial);
    }

    #[test]
    fn invalid_heads() {
        assert!(matches!(
            parse_request_head(b"\x16\x03\x01\x02\x00\x01"),
            HeadResult::Invalid(_)
        ));
        assert!(matches!(
            parse_response_head(b"SSH-2.0-OpenSSH\r\n"),
            HeadResult::Invalid(_)
        ));
        assert!(matches!(
            parse_response_head(b"HTTP/1.1 abc\r\n\r\n"),
            HeadResult::Invalid(_)
        ));
    }

    #[test]
    fn lenient_request_quirks() {
        let buf = b"get /caf\xe9 HTTP/1.0\nHost: h\nX-Odd: a\xffb\n folded\n\nBODY";
        let head = request(buf);
        assert_eq!(head.method, "get");
        assert_eq!(head.target, "/caf\u{fffd}");
        assert_eq!(head.version, "HTTP/1.0");
        assert_eq!(head.headers[1], ("X-Odd".into(), "a\u{fffd}b folded".into()));
        assert_eq!(head.head_len, buf.len() - 4);
    }

    #[test]
    fn http09_request_line() {
        let head = request(b"GET /old\r\n");
        assert_eq!(
            (head.version.as_str(), head.target.as_str(), head.head_len),
            ("HTTP/0.9", "/old", 10)
        );
        // Mid-stream text is not mistaken for an HTTP/0.9 request.
        assert!(matches!(parse_request_head(b"hello world\n"), HeadResult::Invalid(_)));
    }

    #[test]
    fn many_headers_and_folding_in_response() {
        let mut buf = b"HTTP/1.1 200 OK\r\n".to_vec();
        for i in 0..300 {
            buf.extend_from_slice(format!("X-H{i}: {i}\r\n").as_bytes());
        }
        buf.extend_from_slice(b"X-Fold: a\r\n  b\r\n\r\n");
        let head = response(&buf);
        assert_eq!(head.headers.len(), 301);
        assert_eq!(head.headers[300], ("X-Fold".into(), "a b".into()));
        assert_eq!(head.head_len, buf.len());
    }

    #[test]
    fn response_reason_with_odd_bytes_is_kept() {
        let head = response(b"HTTP/1.1 404 Nicht gef\xfcnden\r\n\r\n");
        assert_eq!((head.status, head.reason.as_str()), (404, "Nicht gef\u{fffd}nden"));
    }

    #[test]
    fn content_length_body() {
        let head = response(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
        let framing = response_framing(&head, Some("GET"));
        assert_eq!(framing, BodyFraming::Length(5));
        assert_eq!(read_body(&framing, b"hel", false), BodyResult::Partial);
        assert_eq!(
            complete(read_body(&framing, b"helloHTTP/1.1", false)),
            (b"hello".to_vec(), 5)
        );
    }

    #[test]
    fn chunked_with_extensions_and_trailers() {
        let head = response(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
        let framing = response_framing(&head, Some("GET"));
        assert_eq!(framing, BodyFraming::Chunked);
        let body = b"5;name=val\r\nhello\r\n6\r\n world\r\n0;last\r\nX-Trailer: 1\r\n\r\nNEXT";
        assert_eq!(
            complete(read_body(&framing, body, false)),
            (b"hello world".to_vec(), body.len() - 4)
        );
        assert_eq!(read_body(&framing, &body[..20], false), BodyResult::Partial);
    }

    #[test]
    fn pipelined_requests_consume_exactly() {
        let buf = b"POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n\r\n";
        let first = request(buf);
        let framing = request_framing(&first);
        let (body, consumed) = complete(read_body(&framing, &buf[first.head_len..], false));
        assert_eq!(body, b"abc");
        let second = request(&buf[first.head_len + consumed..]);
        assert_eq!((second.method.as_str(), second.target.as_str()), ("GET", "/b"));
        assert_eq!(first.head_len + consumed + second.head_len, buf.len());
    }

    #[test]
    fn bodiless_responses() {
        let with_length = response(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
        assert_eq!(response_framing(&with_length, Some("HEAD")), BodyFraming::Empty);
        assert_eq!(response_framing(&with_length, Some("head")), BodyFraming::Empty);
        for status in ["204 No Content", "304 Not Modified", "100 Continue"] {
            let head = response(format!("HTTP/1.1 {status}\r\nContent-Length: 10\r\n\r\n").as_bytes());
            assert_eq!(response_framing(&head, Some("GET")), BodyFraming::Empty, "{status}");
        }
    }

    #[test]
    fn until_close_needs_eof() {
        let head = response(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n");
        let framing = response_framing(&head, None);
        assert_eq!(framing, BodyFraming::UntilClose);
        assert_eq!(read_body(&framing, b"abc", false), BodyResult::Partial);
        assert_eq!(complete(read_body(&framing, b"abc", true)), (b"abc".to_vec(), 3));
    }

    #[test]
    fn truncated_bodies_at_eof() {
        assert_eq!(
            complete(read_body(&BodyFraming::Length(10), b"abc", true)),
            (b"abc".to_vec(), 3)
        );
        let cut = b"5\r\nhello\r\n6\r\n wo";
        assert_eq!(
            complete(read_body(&BodyFraming::Chunked, cut, true)),
            (b"hello wo".to_vec(), cut.len())
        );
    }

    #[test]
    fn chunked_garbage_stops_the_body() {
        let (body, consumed) = complete(read_body(&BodyFraming::Chunked, b"3\r\nabc\r\nzz\r\n", false));
        assert_eq!((body.as_slice(), consumed), (&b"abc"[..], 8));
    }
}
