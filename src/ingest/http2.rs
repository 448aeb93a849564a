//! HTTP/2 (RFC 9113) on a connection whose two byte streams are known:
//! decrypted TLS with ALPN `h2`, cleartext `h2c` with prior knowledge, or
//! what follows an HTTP/1.1 `Upgrade: h2c`.
//!
//! Frames are read per direction; header blocks (HEADERS, PUSH_PROMISE and
//! their CONTINUATIONs) are decompressed with one HPACK decoder per
//! direction (`loona-hpack`, RFC 7541 with its dynamic table, which stays in
//! step because every block of the direction goes through it in order);
//! padding and priority fields are dropped; DATA is joined per stream. One
//! exchange per stream, in the order the streams opened, with pseudo-headers
//! turned into method and URL. RST_STREAM and GOAWAY become notes; interim
//! `1xx` responses are skipped and trailers are appended to the response
//! headers. A direction whose HPACK state breaks stops decoding headers
//! (later blocks would decode wrong) and says so.

use crate::model::{Exchange, Headers, split_url};
use std::collections::BTreeMap;

/// The client connection preface (RFC 9113 §3.4).
pub const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
/// Largest DATA kept per stream and direction.
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
/// HPACK table size the decoders accept (peers may raise it by SETTINGS).
const MAX_TABLE_BYTES: usize = 1024 * 1024;

const DATA: u8 = 0;
const HEADERS: u8 = 1;
const RST_STREAM: u8 = 3;
const PUSH_PROMISE: u8 = 5;
const GOAWAY: u8 = 7;
const CONTINUATION: u8 = 9;
const END_HEADERS: u8 = 0x4;
const PADDED: u8 = 0x8;
const PRIORITY: u8 = 0x20;

/// One direction's bytes and the capture time of each byte offset.
pub struct Side<'a> {
    pub data: &'a [u8],
    pub time_at: &'a dyn Fn(usize) -> Option<i64>,
}

/// What the connection held.
#[derive(Debug, Default)]
pub struct Connection2 {
    /// One exchange per stream, by stream id (ascending = opening order).
    pub exchanges: Vec<(u32, Exchange)>,
    /// Connection-level notes (GOAWAY, broken HPACK, cut-off frames).
    pub notes: Vec<String>,
}

/// True when `data` starts with the client preface.
pub fn starts_with_preface(data: &[u8]) -> bool {
    data.starts_with(PREFACE)
}

/// Reads both directions. `template` supplies what the frames do not
/// (server address, app, transport steps, default scheme and authority).
pub fn read(client: &Side<'_>, server: &Side<'_>, template: &Exchange) -> Connection2 {
    let mut streams: BTreeMap<u32, StreamState> = BTreeMap::new();
    let mut notes = Vec::new();
    let client_start = if starts_with_preface(client.data) {
        PREFACE.len()
    } else {
        0
    };
    read_direction(client, client_start, true, &mut streams, &mut notes);
    read_direction(server, 0, false, &mut streams, &mut notes);
    let exchanges = streams
        .into_iter()
        .filter(|(_, s)| s.request_headers.is_some() || s.response_headers.is_some())
        .map(|(id, s)| (id, s.into_exchange(id, template)))
        .collect();
    Connection2 { exchanges, notes }
}

/// Everything one stream carried.
#[derive(Default)]
struct StreamState {
    request_headers: Option<Vec<(String, String)>>,
    request_body: Vec<u8>,
    response_headers: Option<Vec<(String, String)>>,
    response_trailers: Vec<(String, String)>,
    response_body: Vec<u8>,
    request_time: Option<i64>,
    last_response_time: Option<i64>,
    notes: Vec<String>,
    pushed: bool,
}

/// A header block waiting for its CONTINUATION frames.
struct PendingBlock {
    stream_id: u32,
    promised: Option<u32>,
    fragment: Vec<u8>,
    time: Option<i64>,
}

fn read_direction(
    side: &Side<'_>,
    start: usize,
    from_client: bool,
    streams: &mut BTreeMap<u32, StreamState>,
    notes: &mut Vec<String>,
) {
    let who = if from_client { "client" } else { "server" };
    let mut decoder = loona_hpack::Decoder::new();
    decoder.set_max_allowed_table_size(MAX_TABLE_BYTES);
    let mut hpack_broken = false;
    let mut pending: Option<PendingBlock> = None;
    let mut at = start;
    let data = side.data;
    while at < data.len() {
        let Some(header) = data.get(at..at + 9) else {
            notes.push(format!("HTTP/2 frame header cut off ({who})"));
            break;
        };
        let length = usize::from(header[0]) << 16 | usize::from(header[1]) << 8 | usize::from(header[2]);
        let (kind, flags) = (header[3], header[4]);
        let stream_id = u32::from_be_bytes([header[5], header[6], header[7], header[8]]) & 0x7FFF_FFFF;
        let Some(payload) = data.get(at + 9..at + 9 + length) else {
            notes.push(format!("HTTP/2 frame cut off by the end of the capture ({who})"));
            break;
        };
        let time = (side.time_at)(at);
        at += 9 + length;
        match kind {
            DATA => {
                let Some(body) = unpadded(payload, flags) else {
                    notes.push(format!("bad DATA padding on stream {stream_id} ({who})"));
                    continue;
                };
                let stream = streams.entry(stream_id).or_default();
                let (target, stamp) = if from_client {
                    (&mut stream.request_body, None)
                } else {
                    (&mut stream.response_body, time)
                };
                if target.len() + body.len() <= MAX_BODY_BYTES {
                    target.extend_from_slice(body);
                } else if !stream.notes.iter().any(|n| n.starts_with("body cut")) {
                    stream.notes.push(format!("body cut at {} MiB", MAX_BODY_BYTES >> 20));
                }
                if let Some(stamp) = stamp {
                    stream.last_response_time = Some(stamp);
                }
            }
            HEADERS | PUSH_PROMISE => {
                let Some(mut fragment) = unpadded(payload, flags) else {
                    notes.push(format!("bad header padding on stream {stream_id} ({who})"));
                    continue;
                };
                let mut promised = None;
                if kind == HEADERS && flags & PRIORITY != 0 {
                    fragment = fragment.get(5..).unwrap_or_default();
                }
                if kind == PUSH_PROMISE {
                    let Some(id) = fragment.get(..4) else { continue };
                    promised = Some(u32::from_be_bytes([id[0], id[1], id[2], id[3]]) & 0x7FFF_FFFF);
                    fragment = &fragment[4..];
                }
                let block = PendingBlock {
                    stream_id,
                    promised,
                    fragment: fragment.to_vec(),
                    time,
                };
                if flags & END_HEADERS != 0 {
                    finish_block(block, from_client, &mut decoder, &mut hpack_broken, streams, notes);
                } else {
                    pending = Some(block);
                }
            }
            CONTINUATION => match pending.as_mut() {
                Some(block) if block.stream_id == stream_id => {
                    block.fragment.extend_from_slice(payload);
                    if flags & END_HEADERS != 0
                        && let Some(block) = pending.take()
                    {
                        finish_block(block, from_client, &mut decoder, &mut hpack_broken, streams, notes);
                    }
                }
                _ => notes.push(format!(
                    "CONTINUATION without a header block on stream {stream_id} ({who})"
                )),
            },
            RST_STREAM => {
                let code = payload
                    .get(..4)
                    .map_or(0, |c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]));
                streams
                    .entry(stream_id)
                    .or_default()
                    .notes
                    .push(format!("stream reset by the {who} ({})", error_name(code)));
            }
            GOAWAY => {
                let code = payload
                    .get(4..8)
                    .map_or(0, |c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]));
                if code != 0 {
                    notes.push(format!("the {who} ended the HTTP/2 connection ({})", error_name(code)));
                }
            }
            _ => {} // SETTINGS, PING, PRIORITY, WINDOW_UPDATE, unknown: nothing for the exchange
        }
    }
}

fn finish_block(
    block: PendingBlock,
    from_client: bool,
    decoder: &mut loona_hpack::Decoder<'_>,
    hpack_broken: &mut bool,
    streams: &mut BTreeMap<u32, StreamState>,
    notes: &mut Vec<String>,
) {
    if *hpack_broken {
        return;
    }
    let headers = match decoder.decode(&block.fragment) {
        Ok(list) => list
            .into_iter()
            .map(|(n, v)| {
                (
                    String::from_utf8_lossy(&n).into_owned(),
                    String::from_utf8_lossy(&v).into_owned(),
                )
            })
            .collect::<Vec<_>>(),
        Err(e) => {
            *hpack_broken = true;
            let who = if from_client { "client" } else { "server" };
            notes.push(format!(
                "HPACK header block from the {who} did not decode ({e:?}); its later headers are missing"
            ));
            return;
        }
    };
    if let Some(promised) = block.promised {
        let stream = streams.entry(promised).or_default();
        stream.request_headers = Some(headers);
        stream.request_time = block.time;
        stream.pushed = true;
        return;
    }
    let stream = streams.entry(block.stream_id).or_default();
    if from_client {
        if stream.request_headers.is_none() {
            stream.request_headers = Some(headers);
            stream.request_time = block.time;
        }
        return;
    }
    if block.time.is_some() {
        stream.last_response_time = block.time;
    }
    let interim = pseudo(&headers, ":status").is_some_and(|s| s.starts_with('1') && s.len() == 3);
    if stream.response_headers.is_none() && !interim {
        stream.response_headers = Some(headers);
    } else if stream.response_headers.is_some() {
        stream.response_trailers.extend(headers);
    }
}

/// The payload without its padding, or `None` when the padding is invalid.
fn unpadded(payload: &[u8], flags: u8) -> Option<&[u8]> {
    if flags & PADDED == 0 {
        return Some(payload);
    }
    let pad = usize::from(*payload.first()?);
    payload.get(1..payload.len().checked_sub(pad)?)
}

fn pseudo<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

fn regular(headers: &[(String, String)]) -> Headers {
    headers.iter().filter(|(n, _)| !n.starts_with(':')).cloned().collect()
}

fn error_name(code: u32) -> String {
    let name = match code {
        0 => "NO_ERROR",
        1 => "PROTOCOL_ERROR",
        2 => "INTERNAL_ERROR",
        3 => "FLOW_CONTROL_ERROR",
        5 => "STREAM_CLOSED",
        7 => "REFUSED_STREAM",
        8 => "CANCEL",
        11 => "ENHANCE_YOUR_CALM",
        _ => return format!("error {code}"),
    };
    name.to_string()
}

impl StreamState {
    fn into_exchange(self, stream_id: u32, template: &Exchange) -> Exchange {
        let request = self.request_headers.unwrap_or_default();
        let mut exchange = template.clone();
        exchange.http_version = "HTTP/2".to_string();
        exchange.method = pseudo(&request, ":method").unwrap_or("").to_string();
        let scheme = pseudo(&request, ":scheme").unwrap_or(if template.url.starts_with("https") {
            "https"
        } else {
            "http"
        });
        let plain_headers = regular(&request);
        let authority = pseudo(&request, ":authority")
            .or_else(|| crate::model::exchange_header(&plain_headers, "host"))
            .map_or_else(|| template.host.clone(), str::to_string);
        let path = pseudo(&request, ":path").unwrap_or("/");
        exchange.url = if exchange.method.eq_ignore_ascii_case("CONNECT") {
            format!("{scheme}://{authority}")
        } else {
            format!("{scheme}://{authority}{path}")
        };
        let (_, host, port) = split_url(&exchange.url);
        exchange.host = host;
        exchange.port = port.or(if scheme == "https" { Some(443) } else { Some(80) });
        exchange.request_headers = plain_headers;
        exchange.request_body = self.request_body;
        exchange.time_micros = self.request_time.unwrap_or(template.time_micros);
        if let Some(response) = &self.response_headers {
            exchange.status = pseudo(response, ":status").and_then(|s| s.parse().ok());
            let mut headers = regular(response);
            headers.extend(regular(&self.response_trailers));
            exchange.response_headers = headers;
            exchange.response_body = self.response_body;
            exchange.duration_micros = self.last_response_time.map(|end| end - exchange.time_micros);
        } else {
            exchange.notes.push("no response captured".to_string());
        }
        if self.pushed {
            exchange.notes.push("server push (PUSH_PROMISE)".to_string());
        }
        exchange.notes.extend(self.notes);
        let step = format!("http2 stream {stream_id}");
        exchange.transport = Some(match &template.transport {
            Some(below) => format!("{below}{}{step}", crate::model::PATH_SEPARATOR),
            None => step,
        });
        exchange
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const END_STREAM: u8 = 0x1;

    fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
        let len = payload.len();
        let mut out = vec![(len >> 16) as u8, (len >> 8) as u8, len as u8, kind, flags];
        out.extend_from_slice(&stream.to_be_bytes());
        out.extend_from_slice(payload);
        out
    }

    /// RFC 7541 C.4: three requests with Huffman-coded headers that
    /// reference each other through the dynamic table.
    #[test]
    fn hpack_dynamic_table_across_streams_with_continuation_and_padding() {
        let c41 = hex::decode("828684418cf1e3c2e5f23a6ba0ab90f4ff").expect("hex");
        let c42 = hex::decode("828684be5886a8eb10649cbf").expect("hex");
        let c43 = hex::decode("828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf").expect("hex");
        let mut client = PREFACE.to_vec();
        client.extend(frame(4, 0, 0, &[]));
        client.extend(frame(HEADERS, END_HEADERS | END_STREAM, 1, &c41));
        // Stream 3: padded HEADERS with priority, split over a CONTINUATION.
        let mut padded = vec![2];
        padded.extend_from_slice(&[0, 0, 0, 0, 16]);
        padded.extend_from_slice(&c42[..4]);
        padded.extend_from_slice(&[0, 0]);
        client.extend(frame(HEADERS, PADDED | PRIORITY | END_STREAM, 3, &padded));
        client.extend(frame(CONTINUATION, END_HEADERS, 3, &c42[4..]));
        client.extend(frame(HEADERS, END_HEADERS, 5, &c43));
        client.extend(frame(DATA, PADDED | END_STREAM, 5, &[1, b'h', b'i', 0]));
        let server = frame(RST_STREAM, 0, 5, &8u32.to_be_bytes());
        let template = Exchange {
            url: "http://fallback/".into(),
            host: "fallback".into(),
            ..Exchange::default()
        };
        let none = |_: usize| None;
        let read = read(
            &Side {
                data: &client,
                time_at: &none,
            },
            &Side {
                data: &server,
                time_at: &none,
            },
            &template,
        );
        let urls: Vec<&str> = read.exchanges.iter().map(|(_, e)| e.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "http://www.example.com/",
                "http://www.example.com/",
                "https://www.example.com/index.html"
            ],
            "{:?}",
            read.notes
        );
        let third = &read.exchanges[2].1;
        assert_eq!(
            third.request_headers,
            vec![("custom-key".to_string(), "custom-value".to_string())]
        );
        assert_eq!(
            read.exchanges[1].1.request_headers,
            vec![("cache-control".to_string(), "no-cache".to_string())]
        );
        assert_eq!(third.request_body, b"hi");
        assert!(third.notes.iter().any(|n| n == "stream reset by the server (CANCEL)"));
        assert_eq!(third.transport.as_deref(), Some("http2 stream 5"));
        assert!(read.notes.is_empty(), "{:?}", read.notes);
    }
}
