//! Finds HTTP/1.x in a reassembled TCP connection and pairs requests with
//! responses.
//!
//! Detection is by content on any port: the side whose stream parses as a
//! request line is the client. Requests pair with responses in order
//! (pipelining); interim `1xx` responses are skipped; after `101 Switching
//! Protocols` or a successful `CONNECT` the rest of the connection is another
//! protocol and is left alone. A response that started before its request
//! answers a request the capture lost, and is dropped. Unparseable bytes
//! (e.g. after a capture gap) are skipped up to the next line that starts a
//! message. HTTP/0.9 simple requests get the raw rest of the server stream.

use super::connections::{Connection, Endpoint};
use super::tcp::{MAX_STREAM_BYTES, Stream};
use crate::ingest::http1::{
    BodyResult, HeadResult, RequestHead, ResponseHead, parse_request_head, parse_response_head, read_body,
    request_framing, response_framing,
};
use crate::model::{Exchange, split_url};
use std::net::IpAddr;

/// How far into a stream to look for the first request line.
const DETECT_WINDOW_BYTES: usize = 64 * 1024;

/// A parsed message and where it lies in its stream.
struct Message<H> {
    head: H,
    body: Vec<u8>,
    start: usize,
    end: usize,
}

/// The two sides of an HTTP connection.
pub(super) struct Sides<'c> {
    pub client: Endpoint,
    pub server: Endpoint,
    pub requests: &'c Stream,
    pub responses: &'c Stream,
}

/// What the connection is besides its bytes: who captured it and how it
/// travelled (TLS), for every exchange built from it.
#[derive(Default)]
pub(super) struct Context {
    pub app_hint: Option<String>,
    pub capped: bool,
    /// `https` inside TLS, else `http`.
    pub scheme: &'static str,
    /// Decode-path steps below the exchange, e.g. `tls1.3 aes-128-gcm`.
    pub transport: Option<String>,
    /// Notes every exchange of the connection carries (TLS problems).
    pub notes: Vec<String>,
}

/// HTTP/1.x found on a connection.
pub(super) struct Http1 {
    pub exchanges: Vec<Exchange>,
    /// Where another protocol took over after `101 Switching Protocols`.
    pub upgrade: Option<Upgrade>,
    /// True when the connection's `first` endpoint is the client.
    pub client_is_first: bool,
}

/// The point where HTTP/1.1 handed the connection to another protocol.
pub(super) struct Upgrade {
    /// The response's `Upgrade` value, lower case (`websocket`, `h2c`).
    pub protocol: String,
    /// First byte after the upgrade request / the 101 response.
    pub client_offset: usize,
    pub server_offset: usize,
}

/// The exchanges on `connection`, or `None` when it does not carry HTTP/1.x.
pub(super) fn exchanges(connection: &Connection) -> Option<Http1> {
    let sides = orient(connection)?;
    let context = Context {
        app_hint: connection.app_hint.clone(),
        capped: connection.capped(),
        scheme: "http",
        ..Context::default()
    };
    let mut found = exchanges_on(&sides, &context)?;
    found.client_is_first = sides.client == connection.first;
    Some(found)
}

/// The HTTP/1.x exchanges between known sides, or `None` when the client's
/// stream holds no request.
pub(super) fn exchanges_on(sides: &Sides<'_>, context: &Context) -> Option<Http1> {
    let mut requests = Cursor {
        stream: sides.requests,
        pos: first_request(sides.requests)?,
    };
    let mut responses = Cursor {
        stream: sides.responses,
        pos: 0,
    };
    let mut out = Vec::new();
    let mut upgrade = None;
    while let Some(request) = requests.next_request() {
        let request_time = sides.requests.time_at(request.start);
        let response = if request.head.version == "HTTP/0.9" {
            responses.rest_as_simple_response()
        } else {
            responses.next_response(&request.head.method, request_time)
        };
        let ends_http = response
            .as_ref()
            .is_some_and(|r| switches_protocol(&request.head, &r.head));
        if ends_http && let Some(r) = &response {
            let protocol = crate::model::exchange_header(&r.head.headers, "upgrade")
                .unwrap_or(if r.head.status == 101 { "" } else { "connect" })
                .trim()
                .to_ascii_lowercase();
            upgrade = Some(Upgrade {
                protocol,
                client_offset: request.end,
                server_offset: r.end,
            });
        }
        out.push(build(sides, context, request, response));
        if ends_http {
            break;
        }
    }
    Some(Http1 {
        exchanges: out,
        upgrade,
        client_is_first: true,
    })
}

/// Picks the client: the side whose stream starts with a request; else
/// the SYN sender; else whichever side holds a request line at all.
fn orient(connection: &Connection) -> Option<Sides<'_>> {
    let first = (connection.first, &connection.from_first);
    let second = (connection.second, &connection.from_second);
    let starts = |s: &Stream| first_request(s) == Some(0);
    let has = |s: &Stream| first_request(s).is_some();
    let (client, server) = if starts(first.1) {
        (first, second)
    } else if starts(second.1) {
        (second, first)
    } else if connection.syn_sender == Some(first.0) && has(first.1) {
        (first, second)
    } else if connection.syn_sender == Some(second.0) && has(second.1) {
        (second, first)
    } else if has(first.1) {
        (first, second)
    } else if has(second.1) {
        (second, first)
    } else {
        return None;
    };
    Some(Sides {
        client: client.0,
        server: server.0,
        requests: client.1,
        responses: server.1,
    })
}

/// Offset of the first plausible request head within the detection window.
fn first_request(stream: &Stream) -> Option<usize> {
    message_starts(stream, 0)
        .take_while(|&pos| pos < DETECT_WINDOW_BYTES)
        .find(|&pos| request_at(&stream.data, pos).is_some())
}

/// A request head at `pos`; HTTP/0.9 only as `GET /…` at the very start,
/// so other line protocols (SMTP, FTP) are not mistaken for it.
fn request_at(data: &[u8], pos: usize) -> Option<RequestHead> {
    match parse_request_head(&data[pos..]) {
        HeadResult::Complete(head) if head.version != "HTTP/0.9" => Some(head),
        HeadResult::Complete(head) if pos == 0 && head.method == "GET" && head.target.starts_with('/') => Some(head),
        _ => None,
    }
}

/// Offsets at or after `from` where a message may start: line starts, and
/// the ends of capture gaps (the zero filler is no line break).
fn message_starts(stream: &Stream, from: usize) -> impl Iterator<Item = usize> + '_ {
    let data = &stream.data;
    (from..data.len()).filter(move |&i| i == 0 || data[i - 1] == b'\n' || stream.gap_ends_at(i))
}

/// The next line start after `from` holding a request head; stops at a
/// head cut off by the end of the stream (nothing later can parse either).
fn resync_request(stream: &Stream, from: usize) -> Option<usize> {
    let data = &stream.data;
    for pos in message_starts(stream, from) {
        if request_at(data, pos).is_some() {
            return Some(pos);
        }
        if matches!(parse_request_head(&data[pos..]), HeadResult::Partial) {
            return None;
        }
    }
    None
}

/// A read position in one direction of the connection.
struct Cursor<'s> {
    stream: &'s Stream,
    pos: usize,
}

impl Cursor<'_> {
    fn next_request(&mut self) -> Option<Message<RequestHead>> {
        let data = &self.stream.data;
        loop {
            if self.pos >= data.len() {
                return None;
            }
            let head = request_at(data, self.pos).filter(|h| self.whole(h.head_len));
            let Some(head) = head else {
                self.pos = resync_request(self.stream, self.pos + 1)?;
                continue;
            };
            let body_start = self.pos + head.head_len;
            let (body, consumed) = body_of(
                read_body(&request_framing(&head), &data[body_start..], true),
                data,
                body_start,
            );
            let start = self.pos;
            self.pos = body_start + consumed;
            return Some(Message {
                head,
                body,
                start,
                end: self.pos,
            });
        }
    }

    /// The next final response; skips interim 1xx and responses that began
    /// before the request did (their request was not captured).
    fn next_response(&mut self, method: &str, request_time: Option<i64>) -> Option<Message<ResponseHead>> {
        let data = &self.stream.data;
        loop {
            if self.pos >= data.len() {
                return None;
            }
            let head = match parse_response_head(&data[self.pos..]) {
                HeadResult::Complete(head) if self.whole(head.head_len) => head,
                HeadResult::Partial => return None,
                HeadResult::Complete(_) | HeadResult::Invalid(_) => {
                    self.pos = message_starts(self.stream, self.pos + 1).find(|&p| data[p..].starts_with(b"HTTP/"))?;
                    continue;
                }
            };
            let start = self.pos;
            let body_start = start + head.head_len;
            let framing = response_framing(&head, Some(method));
            let (body, consumed) = body_of(read_body(&framing, &data[body_start..], true), data, body_start);
            self.pos = body_start + consumed;
            let interim = (100..200).contains(&head.status) && head.status != 101;
            let too_early = matches!((self.stream.time_at(start), request_time), (Some(r), Some(q)) if r < q);
            if interim || too_early {
                continue;
            }
            return Some(Message {
                head,
                body,
                start,
                end: self.pos,
            });
        }
    }

    /// True when the `len` bytes at the cursor hold no capture gap: a head
    /// with bytes missing cannot be trusted.
    fn whole(&self, len: usize) -> bool {
        self.stream.missing_in(self.pos, self.pos + len) == 0
    }

    /// HTTP/0.9: the response is every remaining byte, without a head.
    fn rest_as_simple_response(&mut self) -> Option<Message<ResponseHead>> {
        let data = &self.stream.data;
        let start = self.pos;
        self.pos = data.len();
        let head = ResponseHead {
            version: "HTTP/0.9".to_string(),
            status: 0,
            reason: String::new(),
            headers: Vec::new(),
            head_len: 0,
        };
        (start < data.len()).then(|| Message {
            head,
            body: data[start..].to_vec(),
            start,
            end: data.len(),
        })
    }
}

/// The body and bytes used; a body still partial at EOF takes the rest.
fn body_of(result: BodyResult, data: &[u8], body_start: usize) -> (Vec<u8>, usize) {
    match result {
        BodyResult::Complete { body, consumed } => (body, consumed),
        BodyResult::Partial => (data[body_start..].to_vec(), data.len() - body_start),
    }
}

fn switches_protocol(request: &RequestHead, response: &ResponseHead) -> bool {
    response.status == 101 || (request.method.eq_ignore_ascii_case("CONNECT") && (200..300).contains(&response.status))
}

fn build(
    sides: &Sides<'_>,
    context: &Context,
    request: Message<RequestHead>,
    response: Option<Message<ResponseHead>>,
) -> Exchange {
    let mut url = url_of(&request.head, sides.server);
    if context.scheme == "https"
        && let Some(rest) = url.strip_prefix("http://")
    {
        url = format!("https://{rest}");
    }
    let (scheme, host, port) = split_url(&url);
    let time_micros = sides.requests.time_at(request.start).unwrap_or(0);
    let mut exchange = Exchange {
        time_micros,
        method: request.head.method,
        host,
        port: port.or(if scheme == "https" { Some(443) } else { Some(80) }),
        url,
        http_version: request.head.version,
        request_headers: request.head.headers,
        request_body: request.body,
        server_ip: Some(sides.server.0.to_string()),
        server_port: Some(sides.server.1),
        client_ip: Some(sides.client.0.to_string()),
        app_hint: context.app_hint.clone(),
        transport: context.transport.clone(),
        notes: context.notes.clone(),
        ..Exchange::default()
    };
    note_missing(
        &mut exchange.notes,
        sides.requests,
        request.start,
        request.end,
        "request",
    );
    match response {
        Some(response) => add_response(&mut exchange, sides.responses, response),
        None => exchange.notes.push("no response captured".to_string()),
    }
    if context.capped {
        exchange.notes.push(format!(
            "connection cut at {} MiB per direction",
            MAX_STREAM_BYTES >> 20
        ));
    }
    exchange
}

fn add_response(exchange: &mut Exchange, stream: &Stream, response: Message<ResponseHead>) {
    let last_byte = response.end.saturating_sub(1).max(response.start);
    exchange.duration_micros = stream.time_at(last_byte).map(|end| end - exchange.time_micros);
    note_missing(&mut exchange.notes, stream, response.start, response.end, "response");
    if response.head.version == "HTTP/0.9" {
        exchange
            .notes
            .push("HTTP/0.9 response: no status line or headers".to_string());
    } else {
        exchange.status = Some(response.head.status);
    }
    exchange.response_headers = response.head.headers;
    exchange.response_body = response.body;
}

fn note_missing(notes: &mut Vec<String>, stream: &Stream, start: usize, end: usize, which: &str) {
    let missing = stream.missing_in(start, end);
    if missing > 0 {
        notes.push(format!("{missing} bytes missing from capture ({which})"));
    }
}

/// `http://` + Host (or the server address) + target; absolute-form and
/// CONNECT targets already name the host.
fn url_of(head: &RequestHead, server: Endpoint) -> String {
    let target = head.target.as_str();
    if head.method.eq_ignore_ascii_case("CONNECT") {
        return format!("http://{target}");
    }
    for scheme in ["http://", "https://"] {
        if target.len() >= scheme.len() && target[..scheme.len()].eq_ignore_ascii_case(scheme) {
            return format!("{scheme}{}", &target[scheme.len()..]);
        }
    }
    let host = crate::model::exchange_header(&head.headers, "host")
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map_or_else(|| authority(server), str::to_string);
    let slash = if target.starts_with('/') { "" } else { "/" };
    format!("http://{host}{slash}{target}")
}

fn authority((ip, port): Endpoint) -> String {
    match ip {
        IpAddr::V4(v4) => format!("{v4}:{port}"),
        IpAddr::V6(v6) => format!("[{v6}]:{port}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_request_after_leading_noise() {
        let stream = |data: &[u8]| {
            let mut s = Stream::default();
            s.add(1, false, false, data, 0);
            s
        };
        let noisy = stream(b"\x00\x01garbage\r\nPOST /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
        assert_eq!(first_request(&noisy), Some(11));
        assert_eq!(first_request(&stream(b"EHLO mail.example.com\r\n")), None);
        assert_eq!(first_request(&stream(b"GET /old\r\n")), Some(0));
    }

    #[test]
    fn request_right_after_a_gap_is_found() {
        let mut s = Stream::default();
        s.add(1, false, false, b"GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /lost", 0);
        s.add(100, false, false, b"GET /b HTTP/1.1\r\nHost: h\r\n\r\n", 1);
        s.flush();
        let mut cursor = Cursor { stream: &s, pos: 0 };
        let targets: Vec<String> = std::iter::from_fn(|| cursor.next_request())
            .map(|m| m.head.target)
            .collect();
        assert_eq!(targets, ["/a", "/b"]);
    }

    #[test]
    fn absolute_and_connect_targets() {
        let server = ("10.0.0.1".parse().expect("ip"), 3128);
        let head = |method: &str, target: &str, headers: Vec<(String, String)>| RequestHead {
            method: method.into(),
            target: target.into(),
            version: "HTTP/1.1".into(),
            headers,
            head_len: 0,
        };
        assert_eq!(
            url_of(&head("GET", "HTTP://bro.org/", vec![]), server),
            "http://bro.org/"
        );
        assert_eq!(
            url_of(&head("CONNECT", "a.com:443", vec![]), server),
            "http://a.com:443"
        );
        assert_eq!(url_of(&head("GET", "/p?q", vec![]), server), "http://10.0.0.1:3128/p?q");
        let host = vec![("Host".to_string(), "h.example".to_string())];
        assert_eq!(url_of(&head("GET", "/p", host), server), "http://h.example/p");
    }
}
