//! Frame-thread cost of the window over a large case: CPU time per frame
//! while the timeline pans and while the table scrolls. The case is made
//! of copies of the demo sessions — 100 k events by default,
//! `TELLTALE_BENCH_EVENTS=1000000` for a million — and kept in `target/`
//! between runs. The worker's queries run on their own thread; what is
//! measured is what the user feels: the time to build one frame.
//!
//! Run: `cargo bench --bench gui`.

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use telltale::app::TelltaleApp;
use telltale::app::commands::Command;
use telltale::app::state::Settings;
use telltale::demo::{INCOGNITO_HAR, NORMAL_HAR};
use telltale::jobs::{TimelineKey, WindowSpec};
use telltale::model::Mode;
use telltale::store::{Case, ImportOptions, NoObserver};

fn wanted_events() -> u64 {
    std::env::var("TELLTALE_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// A case with about `events` events, made once and reused.
fn large_case(events: u64) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-gui-{events}.telltale"));
    if path.exists() {
        return path;
    }
    let mut case = Case::create_or_open(&path).expect("bench case");
    let mut total = 0;
    let mut round = 0;
    while total < events {
        for (bytes, mode) in [(NORMAL_HAR, Mode::Normal), (INCOGNITO_HAR, Mode::Incognito)] {
            let options = ImportOptions {
                session: Some(format!("{mode}-{round}")),
                app: Some(format!("com.example.app{}", round % 7)),
                device: None,
                mode: Some(mode),
                again: true,
                keylog: None,
            };
            let outcome = case
                .import_bytes(&format!("{mode}-{round}.har"), None, bytes, &options, &mut NoObserver)
                .expect("import");
            total += outcome.events;
        }
        round += 1;
    }
    path
}

fn loaded_harness(path: &std::path::Path) -> Harness<'static, TelltaleApp> {
    let case = Case::open_existing(path).expect("open");
    let app = TelltaleApp::new(Some(case), Settings::default(), Arc::new(|| {})).expect("worker");
    let mut harness = Harness::builder()
        .with_size([1600.0, 1000.0])
        .with_max_steps(4)
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut TelltaleApp| app.frame_ui(ui), app);
    let deadline = Instant::now() + Duration::from_secs(600);
    while Instant::now() < deadline {
        let state = &harness.state().state;
        if state.table.row(0).is_some() && state.timeline.reply.as_ref().is_some_and(|r| r.slice.is_some()) {
            break;
        }
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    harness
}

fn frames(c: &mut Criterion) {
    let path = large_case(wanted_events());
    let mut harness = loaded_harness(&path);
    let extent = harness
        .state()
        .state
        .timeline
        .reply
        .as_ref()
        .and_then(|r| r.lanes.extent)
        .unwrap_or((0, 1));
    let span = (extent.1 - extent.0).max(1);
    let mut group = c.benchmark_group("gui frame");
    group.sample_size(30);
    let mut shift = 0i64;
    group.bench_function("idle", |b| b.iter(|| harness.step()));
    group.bench_function("pan timeline", |b| {
        b.iter(|| {
            // A pan of 1 % per frame, as a drag would produce.
            shift = (shift + span / 100) % span;
            let window = WindowSpec {
                start_micros: extent.0 + shift - span / 4,
                end_micros: extent.0 + shift + span / 4,
                buckets: 400,
            };
            harness.state_mut().push(Command::Timeline {
                key: TimelineKey::Main,
                window: Some(window),
                buckets: 400,
            });
            harness.step();
        });
    });
    let mut row = 0u64;
    group.bench_function("scroll table", |b| {
        b.iter(|| {
            let count = harness.state().state.table.count.unwrap_or(1).max(1);
            row = (row + 37) % count;
            harness.state_mut().push(Command::SelectIndex(row));
            harness.step();
        });
    });
    group.finish();
}

criterion_group!(benches, frames);
criterion_main!(benches);
