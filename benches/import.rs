//! Core benchmarks, each reported against a baseline measured in the same run:
//! - HAR import (streaming, into an in-memory sink) of a generated HAR with
//!   100 k entries of form/base64 payloads, against a typed serde_json parse
//!   of the same bytes;
//! - decode throughput (MB/s) of Sensors-style batches, against a plain
//!   gzip + base64 round trip of the same payload, and of each layer decoder
//!   (form, JSON, base64, gzip, protobuf, NDJSON) on its own;
//! - canary search over a generated case (`TELLTALE_BENCH_EVENTS`, default
//!   200 000 events; set 1000000 for the 1 M target), against
//!   counting the case's events.
//!
//! `cargo bench --bench import` prints criterion's statistics and, at the
//! end, the ratios.

use base64::Engine as _;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};
use telltale::ingest::{ExchangeSink, Flow, HarImporter, ImportError, ImportInput, Importer};
use telltale::model::Exchange;
use telltale::store::{Case, ImportOptions, NoObserver};

const HAR_ENTRIES: usize = 100_000;
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

fn generated_har(entries: usize) -> Vec<u8> {
    let body = sensors_body(1, 5);
    let entries: Vec<serde_json::Value> = (0..entries)
        .map(|i| {
            serde_json::json!({"startedDateTime": "2020-04-20T10:00:00.000Z", "time": 12.5,
                "request": {"method": "POST", "url": format!("https://sa.example.com/sa?i={i}"), "httpVersion": "HTTP/1.1",
                    "headers": [{"name": "Content-Type", "value": "application/x-www-form-urlencoded"}],
                    "postData": {"mimeType": "application/x-www-form-urlencoded", "text": body}},
                "response": {"status": 200, "httpVersion": "HTTP/1.1", "headers": [], "content": {"size": 2, "mimeType": "text/plain", "text": "ok"}},
                "serverIPAddress": "161.117.96.161"})
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({"log": {"version": "1.2", "entries": entries}})).expect("serialise")
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

/// A sink that drops what it gets: measures parsing, not storage.
struct CountingSink(usize);
impl ExchangeSink for CountingSink {
    fn exchange(&mut self, exchange: Exchange) -> Result<Flow, ImportError> {
        self.0 += black_box(exchange).request_body.len();
        Ok(Flow::Continue)
    }
    fn warning(&mut self, _message: String) {}
}

fn telltale_import(har: &[u8]) -> usize {
    let mut sink = CountingSink(0);
    let input = ImportInput::new("bench.har", None, har);
    HarImporter.import(&input, &mut sink).expect("imports");
    sink.0
}

fn serde_baseline(har: &[u8]) -> usize {
    let parsed: TypedHar = serde_json::from_slice(har).expect("parses");
    parsed.log.entries.len()
}

fn bench_har_import(c: &mut Criterion) {
    let har = generated_har(HAR_ENTRIES);
    let mut group = c.benchmark_group("har_import");
    group.sample_size(10).throughput(Throughput::Bytes(har.len() as u64));
    group.bench_function("serde_typed_baseline", |b| b.iter(|| serde_baseline(black_box(&har))));
    group.bench_function("telltale_streaming", |b| b.iter(|| telltale_import(black_box(&har))));
    group.finish();
    report_ratio(
        "HAR import, telltale / typed serde parse",
        || telltale_import(&har),
        || serde_baseline(&har),
    );
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
        "RATIO {label}: {:.2}× ({:.1} ms vs {:.1} ms, best of {runs})",
        subject_time.as_secs_f64() / baseline_time.as_secs_f64().max(1e-9),
        subject_time.as_secs_f64() * 1e3,
        baseline_time.as_secs_f64() * 1e3
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

criterion_group!(benches, bench_har_import, bench_decode, bench_decoders, bench_search);
criterion_main!(benches);
