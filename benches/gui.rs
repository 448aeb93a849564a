//! Frame-thread cost of the window over a large case: CPU time per frame
//! while the timeline pans and while the table scrolls. The case is made
//! of copies of the demo sessions — 100 k events by default,
//! `TELLTALE_BENCH_EVENTS=1000000` for a million — and kept in `target/`
//! between runs. The worker's queries run on their own thread; what is
//! measured is what the user feels: the time to build one frame.
//!
//! `TELLTALE_BENCH_CASE=FILE` opens an existing case instead (e.g. the 1 M
//! case `scripts/scaling.sh` imports from a generated HAR, whose events are
//! spread over three days, where the copies of the demo are bunched).
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

/// The case to measure: `TELLTALE_BENCH_CASE`, else a generated one.
fn bench_case() -> PathBuf {
    match std::env::var_os("TELLTALE_BENCH_CASE") {
        Some(path) => PathBuf::from(path),
        None => large_case(wanted_events()),
    }
}

fn frames(c: &mut Criterion) {
    let path = bench_case();
    let mut harness = loaded_harness(&path);
    let mut group = c.benchmark_group("gui frame");
    group.sample_size(30);
    group.bench_function("idle", |b| b.iter(|| harness.step()));
    // Each iteration pans (wheel) or zooms (Ctrl+wheel) the timeline the way
    // a user does, over the plot, lets the window ask the worker for what
    // it now shows, waits (untimed) until that answer has arrived and been
    // applied, then times a frame that draws it: only frames showing loaded
    // data count. (Pushing a window command instead does not work: the plot
    // keeps its own bounds and asks for those, superseding the pushed one.)
    let over_plot = egui::pos2(700.0, 200.0);
    let mut gesture = 0u64;
    let mut last_drawn = shown_window(&harness);
    group.bench_function("pan and zoom timeline (frames with the asked-for window drawn)", |b| {
        b.iter_custom(|iterations| {
            let mut timed = Duration::ZERO;
            for _ in 0..iterations {
                gesture += 1;
                let (delta, modifiers) = match gesture % 4 {
                    1 => (egui::vec2(0.0, 40.0), egui::Modifiers::CTRL),
                    3 => (egui::vec2(0.0, -40.0), egui::Modifiers::CTRL),
                    _ => (egui::vec2(-150.0, 0.0), egui::Modifiers::NONE),
                };
                harness.hover_at(over_plot);
                harness.event_modifiers(
                    egui::Event::MouseWheel {
                        unit: egui::MouseWheelUnit::Point,
                        delta,
                        phase: egui::TouchPhase::Move,
                        source: egui::MouseWheelSource::Wheel,
                        modifiers,
                    },
                    modifiers,
                );
                wait_for(&mut harness, |state| {
                    let drawn = state
                        .timeline
                        .reply
                        .as_ref()
                        .and_then(|r| r.slice.as_ref())
                        .map(|s| s.window);
                    let asked = state.timeline.asked.and_then(|(_, _, window)| window);
                    match (drawn, asked) {
                        (Some(drawn), Some(asked)) => {
                            drawn.start_micros == asked.start_micros
                                && drawn.end_micros == asked.end_micros
                                && Some((drawn.start_micros, drawn.end_micros)) != last_drawn
                        }
                        _ => false,
                    }
                });
                let now = shown_window(&harness);
                assert_ne!(now, last_drawn, "the wheel at {over_plot:?} did not move the timeline");
                last_drawn = now;
                let start = Instant::now();
                harness.step();
                timed += start.elapsed();
            }
            timed
        });
    });
    let mut row = 0u64;
    group.bench_function("scroll table (frames with the asked-for rows drawn)", |b| {
        b.iter_custom(|iterations| {
            let mut timed = Duration::ZERO;
            for _ in 0..iterations {
                let count = harness.state().state.table.count.unwrap_or(1).max(1);
                row = (row + 9_973) % count;
                harness.state_mut().push(Command::SelectIndex(row));
                wait_for(&mut harness, |state| state.table.row(row).is_some());
                let start = Instant::now();
                harness.step();
                timed += start.elapsed();
            }
            timed
        });
    });
    group.finish();
    // The whole process: the window, its worker and SQLite's caches.
    if let Some(peak) = peak_rss_mib() {
        println!("RATIO window peak memory after panning and scrolling: {peak} MiB");
    }
}

/// Peak resident memory of this process (Linux `VmHWM`), in MiB.
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// The window of the timeline slice the app holds, if any.
fn shown_window(harness: &Harness<'static, TelltaleApp>) -> Option<(i64, i64)> {
    let slice = harness.state().state.timeline.reply.as_ref()?.slice.as_ref()?;
    Some((slice.window.start_micros, slice.window.end_micros))
}

/// Steps frames (untimed) until `ready` holds for the app's state.
fn wait_for(harness: &mut Harness<'static, TelltaleApp>, ready: impl Fn(&telltale::app::state::AppState) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready(&harness.state().state) && Instant::now() < deadline {
        harness.step();
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Time from opening the case to the first frame that shows table rows
/// and the timeline, printed as a `RATIO` line.
fn first_frame(_c: &mut Criterion) {
    let path = bench_case();
    let start = Instant::now();
    let harness = loaded_harness(&path);
    let elapsed = start.elapsed();
    let count = harness.state().state.table.count.unwrap_or(0);
    println!(
        "RATIO window first frame with data on {count} events: {:.0} ms after open",
        elapsed.as_secs_f64() * 1e3
    );
}

criterion_group!(benches, first_frame, frames);
criterion_main!(benches);
