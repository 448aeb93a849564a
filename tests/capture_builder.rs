//! Builds capture files for the hostile-input, crash and injection tests:
//! HAR documents, pcap files with hand-made TCP streams, mitmproxy
//! tnetstrings, a small deterministic random generator, and a runner for
//! the real `telltale` binary that reports exit status, stderr and peak
//! memory.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// xorshift64*: a seeded generator, so every failure reproduces.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number in `0..bound`.
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound.max(1)
    }
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| (self.next_u64() >> 32) as u8).collect()
    }
}

/// One HAR entry as JSON.
pub fn har_entry(url: &str, method: &str, body: Option<(&str, &str)>, headers: &[(&str, &str)]) -> serde_json::Value {
    let headers: Vec<serde_json::Value> = headers
        .iter()
        .map(|(name, value)| serde_json::json!({"name": name, "value": value}))
        .collect();
    let mut request = serde_json::json!({
        "method": method, "url": url, "httpVersion": "HTTP/1.1", "headers": headers,
    });
    if let Some((mime, text)) = body {
        request["postData"] = serde_json::json!({"mimeType": mime, "text": text});
    }
    serde_json::json!({
        "startedDateTime": "2020-04-30T12:00:00.000Z",
        "time": 12.5,
        "request": request,
        "response": {"status": 200, "httpVersion": "HTTP/1.1", "headers": [], "content": {"text": "ok"}},
    })
}

/// A HAR document holding `entries`.
pub fn har(entries: Vec<serde_json::Value>) -> Vec<u8> {
    serde_json::to_vec(
        &serde_json::json!({"log": {"version": "1.2", "creator": {"name": "telltale tests"}, "entries": entries}}),
    )
    .expect("serialise HAR")
}

/// gzip of `data` (fast level).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).expect("gzip into memory");
    encoder.finish().expect("finish gzip")
}

pub fn base64(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// A pcap file (microsecond timestamps, Ethernet) being written.
pub struct Pcap {
    pub bytes: Vec<u8>,
    time_micros: u64,
}

impl Default for Pcap {
    fn default() -> Self {
        Self::new()
    }
}

impl Pcap {
    pub fn new() -> Pcap {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
        bytes.extend_from_slice(&2u16.to_le_bytes());
        bytes.extend_from_slice(&4u16.to_le_bytes());
        bytes.extend_from_slice(&0i32.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&65_535u32.to_le_bytes());
        bytes.extend_from_slice(&1u32.to_le_bytes());
        Pcap {
            bytes,
            time_micros: 1_588_248_000_000_000,
        }
    }

    /// Appends one record with the given frame (incl_len = orig_len = frame length).
    pub fn record(&mut self, frame: &[u8]) {
        self.time_micros += 1000;
        let len = u32::try_from(frame.len()).expect("frame fits a pcap record");
        self.record_with_lengths(frame, len, len);
    }

    /// Appends a record whose header may lie about its lengths.
    pub fn record_with_lengths(&mut self, frame: &[u8], incl_len: u32, orig_len: u32) {
        let secs = u32::try_from(self.time_micros / 1_000_000).expect("time fits");
        let micros = u32::try_from(self.time_micros % 1_000_000).expect("micros fit");
        self.bytes.extend_from_slice(&secs.to_le_bytes());
        self.bytes.extend_from_slice(&micros.to_le_bytes());
        self.bytes.extend_from_slice(&incl_len.to_le_bytes());
        self.bytes.extend_from_slice(&orig_len.to_le_bytes());
        self.bytes.extend_from_slice(frame);
    }

    /// Appends a TCP segment from client (10.0.0.2:40000) to server
    /// (93.184.216.34:80) or back.
    pub fn tcp(&mut self, to_server: bool, seq: u32, ack: u32, flags: u8, payload: &[u8]) {
        let frame = tcp_frame(to_server, seq, ack, flags, payload);
        self.record(&frame);
    }
}

pub const SYN: u8 = 0x02;
pub const ACK: u8 = 0x10;
pub const PSH_ACK: u8 = 0x18;
pub const FIN_ACK: u8 = 0x11;

/// Ethernet + IPv4 + TCP around `payload`.
pub fn tcp_frame(to_server: bool, seq: u32, ack: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let client = ([10, 0, 0, 2], 40_000u16);
    let server = ([93, 184, 216, 34], 80u16);
    let ((src, sport), (dst, dport)) = if to_server { (client, server) } else { (server, client) };
    let mut frame = Vec::new();
    frame.extend_from_slice(&[0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, 0x08, 0x00]);
    let total = u16::try_from(20 + 20 + payload.len()).expect("IPv4 packet fits");
    frame.extend_from_slice(&[0x45, 0x00]);
    frame.extend_from_slice(&total.to_be_bytes());
    frame.extend_from_slice(&[0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00]);
    frame.extend_from_slice(&src);
    frame.extend_from_slice(&dst);
    frame.extend_from_slice(&sport.to_be_bytes());
    frame.extend_from_slice(&dport.to_be_bytes());
    frame.extend_from_slice(&seq.to_be_bytes());
    frame.extend_from_slice(&ack.to_be_bytes());
    frame.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00]);
    frame.extend_from_slice(payload);
    frame
}

/// A whole HTTP/1.1 exchange over one TCP connection: handshake, the
/// request in `request_parts` (one segment each), the response, FINs.
/// `client_isn` sets where the client's sequence numbers start.
pub fn http_over_tcp(pcap: &mut Pcap, client_isn: u32, request_parts: &[&[u8]], response: &[u8]) {
    let server_isn = 0x1000_0000u32;
    pcap.tcp(true, client_isn, 0, SYN, b"");
    pcap.tcp(false, server_isn, client_isn.wrapping_add(1), SYN | ACK, b"");
    let mut seq = client_isn.wrapping_add(1);
    pcap.tcp(true, seq, server_isn.wrapping_add(1), ACK, b"");
    for part in request_parts {
        pcap.tcp(true, seq, server_isn.wrapping_add(1), PSH_ACK, part);
        seq = seq.wrapping_add(u32::try_from(part.len()).expect("segment fits"));
    }
    let server_seq = server_isn.wrapping_add(1);
    pcap.tcp(false, server_seq, seq, PSH_ACK, response);
    let server_end = server_seq.wrapping_add(u32::try_from(response.len()).expect("segment fits"));
    pcap.tcp(true, seq, server_end, FIN_ACK, b"");
    pcap.tcp(false, server_end, seq.wrapping_add(1), FIN_ACK, b"");
}

/// A tnetstring of `kind` (`,` bytes, `;` text, `#` int, `!` bool, `~` null, `]` list, `}` dict).
pub fn tnet(kind: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = format!("{}:", payload.len()).into_bytes();
    out.extend_from_slice(payload);
    out.push(kind);
    out
}

/// A tnetstring dictionary of `pairs` (keys as text).
pub fn tnet_dict(pairs: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (key, value) in pairs {
        body.extend(tnet(b';', key.as_bytes()));
        body.extend_from_slice(value);
    }
    tnet(b'}', &body)
}

/// A tnetstring list of already-encoded values.
pub fn tnet_list(items: &[Vec<u8>]) -> Vec<u8> {
    tnet(b']', &items.concat())
}

/// One mitmproxy (format 21) HTTP flow with the given request parts.
pub fn mitm_flow(host: &str, path: &[u8], headers: &[(&[u8], &[u8])], body: &[u8]) -> Vec<u8> {
    let headers: Vec<Vec<u8>> = headers
        .iter()
        .map(|(name, value)| tnet_list(&[tnet(b',', name), tnet(b',', value)]))
        .collect();
    let request = tnet_dict(&[
        ("host", tnet(b';', host.as_bytes())),
        ("port", tnet(b'#', b"80")),
        ("method", tnet(b',', b"POST")),
        ("scheme", tnet(b',', b"http")),
        ("authority", tnet(b',', b"")),
        ("path", tnet(b',', path)),
        ("http_version", tnet(b',', b"HTTP/1.1")),
        ("headers", tnet_list(&headers)),
        ("content", tnet(b',', body)),
        ("trailers", tnet(b'~', b"")),
        ("timestamp_start", tnet(b'^', b"1588248000.5")),
        ("timestamp_end", tnet(b'^', b"1588248000.6")),
    ]);
    tnet_dict(&[
        ("version", tnet(b'#', b"21")),
        ("type", tnet(b';', b"http")),
        ("id", tnet(b';', b"3f0e0c2a-0000-4000-8000-000000000001")),
        ("request", request),
        ("response", tnet(b'~', b"")),
    ])
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stderr: String,
    /// Peak resident memory of the child, from GNU time.
    pub max_rss_kb: u64,
    /// Killed by the watchdog.
    pub hung: bool,
}

/// Longest a hostile input may keep the binary busy before it counts as a hang.
pub const HANG_LIMIT: Duration = Duration::from_secs(60);

/// Runs `telltale args…` under `/usr/bin/time` (installed by `.ci/run`) with
/// a watchdog, and reports exit code, output and peak memory.
pub fn run_measured(args: &[&str], work_dir: &Path) -> Run {
    let rss_file = work_dir.join(format!(".rss-{}", std::process::id()));
    let mut child = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss_file)
        .arg(env!("CARGO_BIN_EXE_telltale"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("GNU time runs telltale (apt-get install -y time)");
    let mut stdout_pipe = child.stdout.take().expect("stdout");
    let mut stderr_pipe = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut stdout_pipe, &mut text).ok();
        text
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut stderr_pipe, &mut text).ok();
        text
    });
    let started = Instant::now();
    let mut hung = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > HANG_LIMIT {
            hung = true;
            // GNU time forwards no signal: kill its child (telltale) by id first.
            let pid = child.id();
            let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
            for grandchild in children.split_whitespace() {
                let _ = Command::new("kill").arg("-9").arg(grandchild).status();
            }
            let _ = child.kill();
            break child.wait().expect("wait after kill");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    // Drained so the child never blocks on a full pipe; not needed after.
    drop(out_reader.join());
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    let rss_text = std::fs::read_to_string(&rss_file).unwrap_or_default();
    let _ = std::fs::remove_file(&rss_file);
    // GNU time writes "Command exited with non-zero status N" before the figure.
    let max_rss_kb = rss_text
        .lines()
        .filter_map(|l| l.trim().parse::<u64>().ok())
        .next_back()
        .unwrap_or(0);
    Run {
        code: status.code(),
        stderr,
        max_rss_kb,
        hung,
    }
}
