//! Deterministic synthetic captures for benchmarks and scale tests: a HAR
//! of tracker traffic of any size (one base64 JSON event per entry, or
//! Sensors-style gzip batches) and a pcap of the same traffic over HTTP/1.1.
//!
//! Everything comes from a fixed-seed xorshift generator, so the same
//! arguments always give the same bytes. Writers stream: a 400 k-entry HAR
//! is never built in memory. Shared by `benches/*`, `examples/gen_bench.rs`
//! and tests through `#[path]`.

#![allow(dead_code)]

use base64::Engine as _;
use std::io::{self, Write};

/// 2020-04-20T10:00:00Z in µs: the first entry's time.
pub const START_MICROS: i64 = 1_587_376_800_000_000;

/// A tiny deterministic PRNG (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// What a generated capture looks like.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// HTTP exchanges.
    pub entries: usize,
    /// Events per exchange: 1 gives one base64 JSON event per entry (the
    /// issue's 400 k HAR); more gives Sensors batches (form › base64 › gzip › JSON).
    pub events_per_entry: usize,
    pub seed: u64,
    /// Share of sessions' events flagged incognito, in percent.
    pub incognito_percent: u64,
}

impl Shape {
    pub fn single(entries: usize) -> Shape {
        Shape {
            entries,
            events_per_entry: 1,
            seed: 7,
            incognito_percent: 50,
        }
    }
    pub fn batched(events: usize, per_entry: usize) -> Shape {
        Shape {
            entries: events.div_ceil(per_entry),
            events_per_entry: per_entry,
            seed: 11,
            incognito_percent: 50,
        }
    }
}

/// A needle planted in every 1000th event's URL (`canary-<k>` with k the
/// event number / 1000), so searches find a known number of hits.
pub fn canary_for(event_number: usize) -> Option<String> {
    event_number
        .is_multiple_of(1000)
        .then(|| format!("canary-{:06}", event_number / 1000))
}

const HOSTS: &[(&str, &str, &str)] = &[
    ("sa.example-analytics.com", "161.117.96.161", "sensors-web"),
    ("api-js.example-mixpanel.com", "35.190.25.25", "mixpanel"),
    ("track.example-sensors.cn", "95.163.36.1", "sensors-web"),
];
const EVENTS: &[&str] = &[
    "$pageview",
    "$AppClick",
    "search",
    "$WebStay",
    "open_folder",
    "settings",
];

/// One event's JSON text.
pub fn event_json(rng: &mut Rng, number: usize, time_ms: i64, incognito: bool, tracker: &str) -> String {
    let event = EVENTS[rng.below(EVENTS.len() as u64) as usize];
    let site = rng.below(97);
    let url = match canary_for(number) {
        Some(canary) => format!("https://site{site}.example/search?q={canary}"),
        None => format!("https://site{site}.example/page/{}", rng.below(100_000)),
    };
    let distinct = format!("{:012x}", rng.next() >> 16);
    let value = if tracker == "mixpanel" {
        serde_json::json!({"event": event, "properties": {
            "token": "0f1e2d3c4b5a6978", "distinct_id": distinct, "time": time_ms,
            "$current_url": url, "is_incognito": incognito }})
    } else {
        serde_json::json!({"distinct_id": distinct, "lib": {"$lib": "js", "$lib_version": "1.15.26"},
            "properties": {"$url": url,
                "$is_incognito": incognito, "$model": "Redmi Note 8"},
            "type": "track", "event": event, "time": time_ms})
    };
    value.to_string()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

fn form_escape(text: &str) -> String {
    text.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")
}

/// Java's String.hashCode, as Sensors' crc.
fn java_hash(text: &str) -> i32 {
    text.encode_utf16()
        .fold(0i32, |h, u| h.wrapping_mul(31).wrapping_add(i32::from(u)))
}

/// One generated request: method, URL, content type and body.
pub struct Request {
    pub time_micros: i64,
    pub method: &'static str,
    pub host: &'static str,
    pub server_ip: &'static str,
    pub url: String,
    pub content_type: Option<&'static str>,
    pub body: String,
}

/// The generated requests, one at a time.
pub fn requests(shape: Shape) -> impl Iterator<Item = Request> {
    let mut rng = Rng::new(shape.seed);
    let b64 = base64::engine::general_purpose::STANDARD;
    (0..shape.entries).map(move |entry| {
        let time_micros = START_MICROS + entry as i64 * 250_000 + rng.below(200_000) as i64;
        let incognito = rng.below(100) < shape.incognito_percent;
        let (host, server_ip, kind) = HOSTS[entry % HOSTS.len()];
        let first_event = entry * shape.events_per_entry;
        if shape.events_per_entry > 1 {
            let events: Vec<String> = (0..shape.events_per_entry)
                .map(|i| {
                    event_json(
                        &mut rng,
                        first_event + i,
                        time_micros / 1000 - 40 + i as i64,
                        incognito,
                        "sensors",
                    )
                })
                .collect();
            let data = b64.encode(gzip(format!("[{}]", events.join(",")).as_bytes()));
            let body = format!("crc={}&gzip=1&data_list={}", java_hash(&data), form_escape(&data));
            return Request {
                time_micros,
                method: "POST",
                host,
                server_ip,
                url: format!("https://{host}/sa?project=default"),
                content_type: Some("application/x-www-form-urlencoded"),
                body,
            };
        }
        let event = event_json(&mut rng, first_event, time_micros / 1000, incognito, kind);
        if kind == "mixpanel" {
            let data = b64.encode(format!("[{event}]"));
            Request {
                time_micros,
                method: "POST",
                host,
                server_ip,
                url: format!("https://{host}/track/?verbose=1&ip=1"),
                content_type: Some("application/x-www-form-urlencoded"),
                body: format!("data={}", form_escape(&data)),
            }
        } else {
            let data = b64.encode(&event);
            let url = format!(
                "https://{host}/sa.gif?project=default&data={}&ext=crc%3D{}",
                form_escape(&data),
                java_hash(&data)
            );
            Request {
                time_micros,
                method: "GET",
                host,
                server_ip,
                url,
                content_type: None,
                body: String::new(),
            }
        }
    })
}

fn rfc3339(micros: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_micros(micros)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

/// Writes the HAR for `shape` to `out`, one entry per line.
pub fn write_har(shape: Shape, out: &mut impl Write) -> io::Result<()> {
    out.write_all(b"{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"telltale synthetic\",\"version\":\"1\"},\"entries\":[\n")?;
    for (i, request) in requests(shape).enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        let mut entry = serde_json::json!({
            "startedDateTime": rfc3339(request.time_micros), "time": 42.5,
            "request": {"method": request.method, "url": request.url, "httpVersion": "HTTP/1.1",
                "headers": [{"name": "User-Agent", "value": "Dalvik/2.1.0 (Linux; Android 10)"}]},
            "response": {"status": 200, "httpVersion": "HTTP/1.1", "headers": [],
                "content": {"size": 1, "mimeType": "text/plain", "text": "1"}},
            "serverIPAddress": request.server_ip});
        if let Some(content_type) = request.content_type {
            if let Some(headers) = entry["request"]["headers"].as_array_mut() {
                headers.push(serde_json::json!({"name": "Content-Type", "value": content_type}));
            }
            entry["request"]["postData"] = serde_json::json!({"mimeType": content_type, "text": request.body});
        }
        serde_json::to_writer(&mut *out, &entry)?;
    }
    out.write_all(b"\n]}}\n")
}

/// The HAR for `shape` in memory (for small and medium sizes).
pub fn har_bytes(shape: Shape) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = write_har(shape, &mut out);
    out
}

/// Writes a classic pcap (Ethernet, IPv4, TCP) of the same requests over
/// plain HTTP/1.1: keep-alive connections of ten requests each, segments
/// of at most 1460 bytes, each request answered by a small response.
/// Returns how many requests were written.
pub fn write_pcap(shape: Shape, out: &mut impl Write) -> io::Result<usize> {
    out.write_all(&0xa1b2_c3d4u32.to_le_bytes())?;
    out.write_all(&2u16.to_le_bytes())?;
    out.write_all(&4u16.to_le_bytes())?;
    out.write_all(&0i32.to_le_bytes())?;
    out.write_all(&0u32.to_le_bytes())?;
    out.write_all(&65_535u32.to_le_bytes())?;
    out.write_all(&1u32.to_le_bytes())?;
    let mut written = 0;
    let mut connection: Option<Connection> = None;
    for (i, request) in requests(shape).enumerate() {
        if i % 10 == 0 {
            if let Some(mut done) = connection.take() {
                done.close(out)?;
            }
            let port = 40_000 + (i / 10 % 20_000) as u16;
            let mut fresh = Connection::new(request.server_ip, port, request.time_micros);
            fresh.open(out)?;
            connection = Some(fresh);
        }
        let Some(conn) = connection.as_mut() else { continue };
        conn.time = conn.time.max(request.time_micros);
        let (path, host) = match request.url.split_once("://").and_then(|(_, rest)| rest.split_once('/')) {
            Some((host, path)) => (format!("/{path}"), host.to_string()),
            None => ("/".to_string(), request.host.to_string()),
        };
        let mut text = format!(
            "{} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: Dalvik/2.1.0 (Linux; U; Android 10; Redmi Note 8)\r\nAccept-Encoding: gzip\r\n",
            request.method
        );
        if let Some(content_type) = request.content_type {
            text.push_str(&format!(
                "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
                request.body.len()
            ));
        }
        text.push_str("\r\n");
        text.push_str(&request.body);
        conn.send(out, true, text.as_bytes())?;
        conn.send(
            out,
            false,
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\n1",
        )?;
        written += 1;
    }
    if let Some(mut done) = connection.take() {
        done.close(out)?;
    }
    Ok(written)
}

/// One TCP connection being written.
struct Connection {
    client: [u8; 4],
    server: [u8; 4],
    client_port: u16,
    client_seq: u32,
    server_seq: u32,
    time: i64,
}

const SYN: u8 = 0x02;
const ACK: u8 = 0x10;
const PSH_ACK: u8 = 0x18;
const FIN_ACK: u8 = 0x11;
const MSS: usize = 1460;

impl Connection {
    fn new(server_ip: &str, client_port: u16, time: i64) -> Connection {
        let mut server = [0u8; 4];
        for (slot, part) in server.iter_mut().zip(server_ip.split('.')) {
            *slot = part.parse().unwrap_or(0);
        }
        Connection {
            client: [10, 0, 0, 2],
            server,
            client_port,
            client_seq: 1000,
            server_seq: 5000,
            time,
        }
    }

    fn open(&mut self, out: &mut impl Write) -> io::Result<()> {
        self.packet(out, true, SYN, &[])?;
        self.client_seq += 1;
        self.packet(out, false, SYN | ACK, &[])?;
        self.server_seq += 1;
        self.packet(out, true, ACK, &[])
    }

    fn send(&mut self, out: &mut impl Write, from_client: bool, data: &[u8]) -> io::Result<()> {
        for chunk in data.chunks(MSS) {
            self.packet(out, from_client, PSH_ACK, chunk)?;
            if from_client {
                self.client_seq = self.client_seq.wrapping_add(chunk.len() as u32);
            } else {
                self.server_seq = self.server_seq.wrapping_add(chunk.len() as u32);
            }
        }
        self.packet(out, !from_client, ACK, &[])
    }

    fn close(&mut self, out: &mut impl Write) -> io::Result<()> {
        self.packet(out, true, FIN_ACK, &[])?;
        self.client_seq += 1;
        self.packet(out, false, FIN_ACK, &[])?;
        self.server_seq += 1;
        self.packet(out, true, ACK, &[])
    }

    fn packet(&mut self, out: &mut impl Write, from_client: bool, flags: u8, payload: &[u8]) -> io::Result<()> {
        self.time += 37;
        let (src, dst, sport, dport, seq, ack) = if from_client {
            (
                self.client,
                self.server,
                self.client_port,
                80,
                self.client_seq,
                self.server_seq,
            )
        } else {
            (
                self.server,
                self.client,
                80,
                self.client_port,
                self.server_seq,
                self.client_seq,
            )
        };
        let mut frame = Vec::with_capacity(54 + payload.len());
        frame.extend_from_slice(&[0x02, 0, 0, 0, 0, if from_client { 1 } else { 2 }]);
        frame.extend_from_slice(&[0x02, 0, 0, 0, 0, if from_client { 2 } else { 1 }]);
        frame.extend_from_slice(&[0x08, 0x00]);
        let total = (20 + 20 + payload.len()) as u16;
        let mut ip = vec![0x45, 0];
        ip.extend_from_slice(&total.to_be_bytes());
        ip.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0]);
        ip.extend_from_slice(&src);
        ip.extend_from_slice(&dst);
        let sum = ip_checksum(&ip);
        ip[10..12].copy_from_slice(&sum.to_be_bytes());
        frame.extend_from_slice(&ip);
        frame.extend_from_slice(&sport.to_be_bytes());
        frame.extend_from_slice(&dport.to_be_bytes());
        frame.extend_from_slice(&seq.to_be_bytes());
        frame.extend_from_slice(&(if flags & ACK != 0 { ack } else { 0 }).to_be_bytes());
        frame.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        frame.extend_from_slice(payload);
        let (secs, micros) = (self.time.div_euclid(1_000_000), self.time.rem_euclid(1_000_000));
        out.write_all(&(secs as u32).to_le_bytes())?;
        out.write_all(&(micros as u32).to_le_bytes())?;
        out.write_all(&(frame.len() as u32).to_le_bytes())?;
        out.write_all(&(frame.len() as u32).to_le_bytes())?;
        out.write_all(&frame)
    }
}

fn ip_checksum(header: &[u8]) -> u16 {
    let mut sum: u32 = header
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}
