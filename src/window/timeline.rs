//! The timeline's model: what the worker last sent for one timeline, which
//! window was last asked for, and the pure helpers the drawing needs (time
//! axis ticks and labels, lane geometry, hit testing). No drawing here
//! (see `timeline_ui.rs`).
//!
//! Plot x is seconds (µs / 10⁶) on the requested axis: since the epoch, or
//! since each session's first event in relative mode. Lane `i` of `n` is
//! centred on plot y = `n - 1 - i`, so the first lane is on top.

use crate::jobs::{TimelineKey, TimelineReply, WindowSpec};
use crate::model::EventId;
use crate::store::{Lane, RequestMark, TimelineMark};
use chrono::{DateTime, Utc};

/// Pixel columns per bucket when events are aggregated.
pub const PIXELS_PER_BUCKET: f32 = 3.0;

/// One timeline's state.
pub struct TimelineModel {
    pub key: TimelineKey,
    /// Shared, so drawing a frame never copies thousands of marks.
    pub reply: Option<std::sync::Arc<TimelineReply>>,
    /// What was last asked for: (view, relative, window).
    pub asked: Option<(u64, bool, Option<WindowSpec>)>,
    /// The plot should jump to the whole extent on the next frame.
    pub fit_next_frame: bool,
    /// Plot x where a range drag started.
    pub drag_start_x: Option<f64>,
}

impl TimelineModel {
    pub fn new(key: TimelineKey) -> TimelineModel {
        TimelineModel {
            key,
            reply: None,
            asked: None,
            fit_next_frame: true,
            drag_start_x: None,
        }
    }

    /// Forgets the data (a new view): the next frame asks for the whole extent.
    pub fn reset(&mut self) {
        self.asked = None;
        self.fit_next_frame = true;
    }

    /// Whether `window` differs enough from the last ask to ask again.
    pub fn needs(&self, view: u64, relative: bool, window: &WindowSpec) -> bool {
        match &self.asked {
            Some((v, r, Some(asked))) if *v == view && *r == relative => {
                let bucket = (asked.end_micros - asked.start_micros) as f64 / f64::from(asked.buckets.max(1));
                let moved = (asked.start_micros - window.start_micros).abs() as f64 > bucket / 2.0
                    || (asked.end_micros - window.end_micros).abs() as f64 > bucket / 2.0;
                moved || asked.buckets != window.buckets
            }
            _ => true,
        }
    }

    pub fn lanes(&self) -> &[Lane] {
        self.reply.as_ref().map_or(&[], |r| r.lanes.lanes.as_slice())
    }
}

/// Plot x of a time in µs.
pub fn x_of(time_micros: i64) -> f64 {
    time_micros as f64 / 1e6
}

/// µs of a plot x.
pub fn micros_of(x: f64) -> i64 {
    (x * 1e6).round() as i64
}

/// Plot y of the centre of lane `index` among `count`.
pub fn lane_y(index: usize, count: usize) -> f64 {
    (count.saturating_sub(1 + index)) as f64
}

/// Lane label: `com.example.browser · incognito`.
pub fn lane_label(lane: &Lane) -> String {
    format!("{} · {}", lane.app.as_deref().unwrap_or("(unknown app)"), lane.mode)
}

/// The mark nearest to `x` in `lane`, within `max_dx` plot units.
pub fn nearest_mark(marks: &[TimelineMark], lane: usize, x: f64, max_dx: f64) -> Option<&TimelineMark> {
    marks
        .iter()
        .filter(|m| m.lane == lane)
        .map(|m| ((x_of(m.time_micros) - x).abs(), m))
        .filter(|(dx, _)| *dx <= max_dx)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, m)| m)
}

/// The request mark nearest to `x` in `lane`, within `max_dx` plot units.
pub fn nearest_request_mark(marks: &[RequestMark], lane: usize, x: f64, max_dx: f64) -> Option<&RequestMark> {
    marks
        .iter()
        .filter(|m| m.lane == lane)
        .map(|m| ((x_of(m.time_micros) - x).abs(), m))
        .filter(|(dx, _)| *dx <= max_dx)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, m)| m)
}

/// The event a mark stands for, with its plot x (for selection rings).
pub fn mark_x(marks: &[TimelineMark], event: EventId) -> Option<(usize, f64)> {
    marks
        .iter()
        .find(|m| m.event_id == event)
        .map(|m| (m.lane, x_of(m.time_micros)))
}

/// Tick steps in seconds that read well on a clock.
const STEPS_SECONDS: [f64; 22] = [
    0.001, 0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0,
    21600.0, 43200.0, 86400.0, 604_800.0,
];

/// Tick positions for `[min, max]` with about one tick per `min_step` seconds.
pub fn time_ticks(min: f64, max: f64, min_step: f64) -> Vec<(f64, f64)> {
    let step = STEPS_SECONDS
        .iter()
        .copied()
        .find(|s| *s >= min_step)
        .unwrap_or(STEPS_SECONDS[STEPS_SECONDS.len() - 1]);
    if !(min.is_finite() && max.is_finite()) || max <= min || (max - min) / step > 2000.0 {
        return Vec::new();
    }
    let mut ticks = Vec::new();
    let mut value = (min / step).floor() * step;
    while value <= max {
        ticks.push((value, step));
        value += step;
    }
    ticks
}

/// A tick label: wall clock (`10:04:05`, with the date when the view spans
/// days) or time since the session started (`+4:05`).
pub fn tick_label(x: f64, relative: bool, span_seconds: f64) -> String {
    if relative {
        return relative_label(x);
    }
    let Some(time) = DateTime::<Utc>::from_timestamp_micros(micros_of(x)) else {
        return String::new();
    };
    if span_seconds > 86_400.0 {
        time.format("%m-%d %H:%M").to_string()
    } else if span_seconds < 2.0 {
        time.format("%H:%M:%S%.3f").to_string()
    } else {
        time.format("%H:%M:%S").to_string()
    }
}

/// `+M:SS` or `+H:MM:SS` since the session started.
pub fn relative_label(x: f64) -> String {
    let sign = if x < 0.0 { "-" } else { "+" };
    let total = x.abs().round() as i64;
    let (h, m, s) = (total / 3600, (total / 60) % 60, total % 60);
    if h > 0 {
        format!("{sign}{h}:{m:02}:{s:02}")
    } else {
        format!("{sign}{m}:{s:02}")
    }
}

/// A full time for hover texts and the table: `2020-04-20 10:00:05.123 UTC`.
pub fn full_time(time_micros: i64) -> String {
    DateTime::<Utc>::from_timestamp_micros(time_micros).map_or_else(
        || format!("{time_micros} µs"),
        |t| t.format("%Y-%m-%d %H:%M:%S%.3f UTC").to_string(),
    )
}

/// The date(s) a window covers, for the axis title.
pub fn date_span(min_x: f64, max_x: f64) -> String {
    let day = |x: f64| DateTime::<Utc>::from_timestamp_micros(micros_of(x)).map(|t| t.format("%Y-%m-%d").to_string());
    match (day(min_x), day(max_x)) {
        (Some(a), Some(b)) if a == b => format!("{a} (UTC)"),
        (Some(a), Some(b)) => format!("{a} – {b} (UTC)"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_use_clock_steps() {
        let ticks = time_ticks(0.0, 600.0, 50.0);
        assert_eq!(ticks.first().map(|t| t.1), Some(60.0));
        assert_eq!(ticks.len(), 11);
    }

    #[test]
    fn labels_read_as_clock_times() {
        let x = x_of(1_587_376_805_000_000); // 2020-04-20 10:00:05 UTC
        assert_eq!(tick_label(x, false, 600.0), "10:00:05");
        assert_eq!(relative_label(65.0), "+1:05");
        assert_eq!(relative_label(3725.0), "+1:02:05");
        assert_eq!(date_span(x, x + 10.0), "2020-04-20 (UTC)");
    }

    #[test]
    fn first_lane_is_on_top() {
        assert_eq!(lane_y(0, 3), 2.0);
        assert_eq!(lane_y(2, 3), 0.0);
    }
}
