//! Core benchmarks, each reported against a baseline measured in the same
//! run, printed as `RATIO …` lines (README's Performance section quotes them):
//! - **import**: the real thing — `telltale import` as a child process
//!   (parse, decode, store, every index), on a generated HAR of
//!   `TELLTALE_BENCH_HAR_ENTRIES` entries (default 400 000, one base64 JSON
//!   event each), against a typed serde_json parse of the same bytes; also
//!   its peak RSS (`/usr/bin/time`) and the case's size against the HAR's;
//! - against `mitmdump -n -q -r` on 10 000 entries and against
//!   `tshark -Y http.request` on a generated pcap, when those tools are
//!   installed (`pip install mitmproxy`, `apt-get install tshark`);
//! - decode throughput of Sensors batches and of each layer decoder;
//! - canary search over a generated case (`TELLTALE_BENCH_EVENTS`, default
//!   200 000 events; 1000000 for the issue's target), against counting the
//!   case's events; listing (`events --json`) against `sqlite3`.
//!
//! `cargo bench --bench import` runs everything; the inputs are generated
//! deterministically into `target/bench-data/` and reused.

#[path = "support/synthetic.rs"]
mod synthetic;

use base64::Engine as _;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use telltale::model::Exchange;
use telltale::store::{Case, ImportOptions, NoObserver};

const EVENTS_PER_BATCH: usize = 50;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).expect("write");
    encoder.finish().expect("finish")
}

/// A Sensors-style batch body: `crc=…&gzip=1&data_list=<base64 gzip JSON>`.
fn sensors_body(seed: usize, events: usize) -> String {
    let batch: Vec<serde_json::Value> = (0..events)
        .map(|i| {
            serde_json::json!({"event": "page_view", "time": 1_600_000_000_000u64 + (seed * events + i) as u64,
                "properties": {"$url": format!("https://site{}.example/page/{i}", seed % 97), "$is_incognito": seed.is_multiple_of(2)}})
        })
        .collect();
    let data =
        base64::engine::general_purpose::STANDARD.encode(gzip(serde_json::Value::Array(batch).to_string().as_bytes()));
    format!(
        "crc=0&gzip=1&data_list={}",
        data.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")
    )
}

/// The baseline: what a typed serde parse of the same HAR costs.
#[derive(serde::Deserialize)]
struct TypedHar {
    log: TypedLog,
}
#[derive(serde::Deserialize)]
struct TypedLog {
    entries: Vec<TypedEntry>,
}
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct TypedEntry {
    #[serde(rename = "startedDateTime")]
    started: String,
    request: serde_json::Value,
    response: serde_json::Value,
}

fn serde_baseline(har: &[u8]) -> usize {
    let parsed: TypedHar = serde_json::from_slice(har).expect("parses");
    parsed.log.entries.len()
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn bench_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench dir");
    dir
}

/// The generated HAR of `entries` entries, written once.
fn har_file(entries: usize) -> PathBuf {
    let path = bench_dir().join(format!("single-{entries}.har"));
    if !path.exists() {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        synthetic::write_har(synthetic::Shape::single(entries), &mut out).expect("write HAR");
        out.flush().expect("flush");
    }
    path
}

/// Runs a command under `/usr/bin/time`; returns (wall seconds, peak RSS KiB).
fn timed(program: &str, args: &[&std::ffi::OsStr]) -> Option<(f64, u64)> {
    let report = bench_dir().join("time.txt");
    let start = Instant::now();
    let status = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    let wall = start.elapsed().as_secs_f64();
    if !status.success() {
        return None;
    }
    let rss = std::fs::read_to_string(&report)
        .ok()?
        .trim()
        .lines()
        .last()?
        .parse()
        .ok()?;
    Some((wall, rss))
}

fn have(tool: &str) -> bool {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .stdout(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Imports `file` into a fresh case with the release binary.
fn telltale_import(file: &Path, case: &Path) -> Option<(f64, u64)> {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", case.display()));
    }
    timed(
        env!("CARGO_BIN_EXE_telltale"),
        &["import".as_ref(), case.as_os_str(), file.as_os_str()],
    )
}

fn bench_har_import(_c: &mut Criterion) {
    let entries = env_usize("TELLTALE_BENCH_HAR_ENTRIES", 400_000);
    let path = har_file(entries);
    let har = std::fs::read(&path).expect("read HAR");
    let parse = best_of(3, || serde_baseline(&har));
    let case = bench_dir().join(format!("single-{entries}.telltale"));
    let Some((import, rss_kib)) = telltale_import(&path, &case) else {
        println!("RATIO import: FAILED (telltale import did not succeed)");
        return;
    };
    let case_bytes = std::fs::metadata(&case).map_or(0, |m| m.len());
    println!(
        "RATIO HAR import of {entries} entries ({:.0} MB), telltale import / typed serde parse: {:.1}× ({:.2} s vs {:.2} s)",
        har.len() as f64 / 1e6,
        import / parse,
        import,
        parse
    );
    println!("RATIO peak RSS of that import: {:.0} MB", rss_kib as f64 / 1024.0);
    println!(
        "RATIO case size / HAR size: {:.2}× ({:.0} MB vs {:.0} MB)",
        case_bytes as f64 / har.len() as f64,
        case_bytes as f64 / 1e6,
        har.len() as f64 / 1e6
    );
    bench_listing(&case, entries);
    bench_versus_mitmdump();
}

/// `events --json` (streamed) against `sqlite3 CASE "select * from events"`.
fn bench_listing(case: &Path, events: usize) {
    let listing = timed(
        env!("CARGO_BIN_EXE_telltale"),
        &["events".as_ref(), case.as_os_str(), "--json".as_ref()],
    );
    let sessions = timed(
        env!("CARGO_BIN_EXE_telltale"),
        &["sessions".as_ref(), case.as_os_str(), "--json".as_ref()],
    );
    let baseline = have("sqlite3")
        .then(|| timed("sqlite3", &[case.as_os_str(), "select * from events".as_ref()]))
        .flatten();
    match (listing, baseline) {
        (Some((listing, rss)), Some((baseline, _))) => println!(
            "RATIO events --json over {events} events, telltale / sqlite3 select *: {:.1}× ({listing:.2} s vs {baseline:.2} s; {:.0} MB peak)",
            listing / baseline,
            rss as f64 / 1024.0
        ),
        (Some((listing, rss)), None) => {
            println!(
                "RATIO events --json over {events} events: {listing:.2} s, {:.0} MB peak (no sqlite3 to compare)",
                rss as f64 / 1024.0
            )
        }
        _ => println!("RATIO events --json: FAILED"),
    }
    if let Some((seconds, _)) = sessions {
        println!(
            "RATIO sessions --json over {events} events: {:.0} ms (process start included)",
            seconds * 1e3
        );
    }
}

/// `telltale import` against `mitmdump -n -q -r` reading the same 10 k-entry HAR.
fn bench_versus_mitmdump() {
    let entries = 10_000;
    let path = har_file(entries);
    let case = bench_dir().join("mitm-compare.telltale");
    let ours = telltale_import(&path, &case);
    if !have("mitmdump") {
        println!("RATIO versus mitmdump: not measured (install it: pip install mitmproxy)");
        return;
    }
    let theirs = timed(
        "mitmdump",
        &["-n".as_ref(), "-q".as_ref(), "-r".as_ref(), path.as_os_str()],
    );
    match (ours, theirs) {
        (Some((ours, _)), Some((theirs, _))) => println!(
            "RATIO mitmdump -n -q -r / telltale import on {entries} HAR entries: {:.1}× faster ({ours:.2} s vs {theirs:.2} s)",
            theirs / ours
        ),
        _ => println!("RATIO versus mitmdump: FAILED (one of the two did not succeed)"),
    }
}

/// `telltale import` of a generated pcap (HTTP/1.1, full reassembly and
/// decoding) against `tshark -r FILE -Y http.request -T fields -e http.request.uri`.
fn bench_pcap(_c: &mut Criterion) {
    let entries = env_usize("TELLTALE_BENCH_PCAP_ENTRIES", 200_000);
    let path = bench_dir().join(format!("single-{entries}.pcap"));
    if !path.exists() {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        synthetic::write_pcap(synthetic::Shape::single(entries), &mut out).expect("write pcap");
        out.flush().expect("flush");
    }
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    let case = bench_dir().join("pcap-compare.telltale");
    let ours = telltale_import(&path, &case);
    if !have("tshark") {
        println!("RATIO versus tshark: not measured (install it: apt-get install tshark)");
        return;
    }
    let theirs = timed(
        "tshark",
        &[
            "-r".as_ref(),
            path.as_os_str(),
            "-Y".as_ref(),
            "http.request".as_ref(),
            "-T".as_ref(),
            "fields".as_ref(),
            "-e".as_ref(),
            "http.request.uri".as_ref(),
        ],
    );
    match (ours, theirs) {
        (Some((ours, _)), Some((theirs, _))) => println!(
            "RATIO tshark / telltale import on a {:.0} MB pcap ({entries} requests): {:.2}× ({ours:.2} s vs {theirs:.2} s)",
            size as f64 / 1e6,
            theirs / ours
        ),
        _ => println!("RATIO versus tshark: FAILED (one of the two did not succeed)"),
    }
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min)
}

fn bench_decode(c: &mut Criterion) {
    let body = sensors_body(7, EVENTS_PER_BATCH);
    let exchange = Exchange {
        method: "POST".into(),
        url: "https://sa.example.com/sa".into(),
        host: "sa.example.com".into(),
        request_headers: vec![("Content-Type".into(), "application/x-www-form-urlencoded".into())],
        request_body: body.clone().into_bytes(),
        ..Exchange::default()
    };
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("base64_gzip_baseline", |b| b.iter(|| unpack_baseline(black_box(&body))));
    group.bench_function("sensors_batch_to_events", |b| {
        b.iter_batched(
            || exchange.clone(),
            |e| telltale::decode::decode_exchange(&e).events.len(),
            BatchSize::SmallInput,
        )
    });
    group.finish();
    report_ratio(
        "decode of a 50-event Sensors batch, telltale / base64+gunzip+JSON parse",
        || telltale::decode::decode_exchange(&exchange).events.len(),
        || unpack_baseline(&body),
    );
}

/// What peeling the batch by hand costs: form-unescape, base64, gunzip, JSON.
fn unpack_baseline(body: &str) -> usize {
    let data = body
        .split("data_list=")
        .nth(1)
        .unwrap_or("")
        .replace("%2B", "+")
        .replace("%2F", "/")
        .replace("%3D", "=");
    let packed = base64::engine::general_purpose::STANDARD.decode(data).expect("base64");
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&packed[..]), &mut plain).expect("gunzip");
    let value: serde_json::Value = serde_json::from_slice(&plain).expect("json");
    value.as_array().map_or(0, Vec::len)
}

fn bench_search(c: &mut Criterion) {
    let events: usize = std::env::var("TELLTALE_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let case = generated_case(events);
    let needles = vec!["site42.example/page/17".to_string()];
    let mut group = c.benchmark_group("search");
    group.sample_size(10);
    group.bench_function(format!("count_events_baseline_{events}"), |b| {
        b.iter(|| count_events(&case))
    });
    group.bench_function(format!("canary_search_{events}_events"), |b| {
        b.iter(|| case.search(black_box(&needles)).expect("search").len())
    });
    group.finish();
    report_ratio(
        &format!("canary search over {events} events, search / count(*)"),
        || case.search(&needles).expect("search").len(),
        || count_events(&case),
    );
}

fn count_events(case: &Case) -> usize {
    case.sessions()
        .expect("sessions")
        .iter()
        .map(|s| s.event_count as usize)
        .sum()
}

/// A case with `events` Sensors events, in batches of 50, as one HAR.
fn generated_case(events: usize) -> Case {
    let batches = events.div_ceil(EVENTS_PER_BATCH);
    let entries: Vec<serde_json::Value> = (0..batches)
        .map(|i| {
            serde_json::json!({"startedDateTime": format!("2020-04-20T10:{:02}:{:02}.000Z", (i / 60) % 60, i % 60), "time": 10,
                "request": {"method": "POST", "url": "https://sa.example.com/sa", "httpVersion": "HTTP/1.1",
                    "headers": [{"name": "Content-Type", "value": "application/x-www-form-urlencoded"}],
                    "postData": {"mimeType": "application/x-www-form-urlencoded", "text": sensors_body(i, EVENTS_PER_BATCH)}},
                "response": {"status": 200, "headers": [], "content": {"text": "ok"}}, "serverIPAddress": "161.117.96.161"})
        })
        .collect();
    let har = serde_json::to_vec(&serde_json::json!({"log": {"entries": entries}})).expect("serialise");
    let mut case = Case::open_in_memory().expect("case");
    case.import_bytes("bench.har", None, &har, &ImportOptions::default(), &mut NoObserver)
        .expect("import");
    case
}

/// Times both closures over the same number of runs and prints the ratio.
fn report_ratio<A, B>(label: &str, mut subject: impl FnMut() -> A, mut baseline: impl FnMut() -> B) {
    let runs = 5;
    let time = |f: &mut dyn FnMut()| {
        let mut best = Duration::MAX;
        for _ in 0..runs {
            let start = Instant::now();
            f();
            best = best.min(start.elapsed());
        }
        best
    };
    let subject_time = time(&mut || {
        black_box(subject());
    });
    let baseline_time = time(&mut || {
        black_box(baseline());
    });
    println!(
        "RATIO {label}: {:.2}× ({:?} vs {:?}, best of {runs})",
        subject_time.as_secs_f64() / baseline_time.as_secs_f64().max(1e-9),
        subject_time,
        baseline_time
    );
}

/// One request body per layer decoder, so each one's throughput shows.
fn decoder_payloads() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let json: String = serde_json::to_string(
        &(0..400)
            .map(|i| serde_json::json!({"event": "view", "n": i, "url": format!("https://a.example/{i}")}))
            .collect::<Vec<_>>(),
    )
    .expect("json");
    let form: String = (0..400)
        .map(|i| format!("k{i}=value+{i}%20x"))
        .collect::<Vec<_>>()
        .join("&");
    let ndjson: String = (0..400).map(|i| format!("v=2&tid=G-1&en=view&ep.n={i}\n")).collect();
    let mut protobuf = Vec::new();
    for i in 0..2000u32 {
        protobuf.extend_from_slice(&[0x0a, 0x08]);
        protobuf.extend_from_slice(format!("name{:04}", i % 10_000).as_bytes());
        protobuf.extend_from_slice(&[0x10, (i % 120) as u8 + 1]);
    }
    vec![
        ("form", "application/x-www-form-urlencoded", form.into_bytes()),
        ("json", "application/json", json.clone().into_bytes()),
        (
            "base64",
            "text/plain",
            base64::engine::general_purpose::STANDARD.encode(&json).into_bytes(),
        ),
        ("gzip", "application/octet-stream", gzip(json.as_bytes())),
        ("protobuf", "application/x-protobuf", protobuf),
        ("ndjson", "text/plain", ndjson.into_bytes()),
    ]
}

fn bench_decoders(c: &mut Criterion) {
    let mut group = c.benchmark_group("decoder_throughput");
    for (name, content_type, body) in decoder_payloads() {
        let exchange = Exchange {
            method: "POST".into(),
            url: "https://t.example/collect".into(),
            host: "t.example".into(),
            request_headers: vec![("Content-Type".into(), content_type.into())],
            request_body: body.clone(),
            ..Exchange::default()
        };
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| telltale::decode::decode_exchange(black_box(&exchange)).layers.len())
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    bench_har_import,
    bench_pcap,
    bench_decode,
    bench_decoders,
    bench_search
);
criterion_main!(benches);
