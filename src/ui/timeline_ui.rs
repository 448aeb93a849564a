//! Draws a timeline with egui_plot: one band per lane (app × mode,
//! incognito bands in violet), events as marks coloured by tracker with a
//! legend, tracker requests that carried no events as hollow diamonds of
//! their tracker's (or company's) colour — or, when the window holds more
//! than [`MARK_LIMIT`] of both, stacked count bars per pixel column,
//! computed on the worker.
//!
//! Mouse: drag selects a time range (filters the table); scroll or
//! middle-drag pans; Ctrl+scroll zooms; right-drag zooms to a box;
//! double-click shows everything; hover tells the event; click selects it.
//!
//! [`MARK_LIMIT`]: crate::jobs::MARK_LIMIT

use super::theme::{MARK_RADIUS, Palette, mode_label};
use crate::jobs::{TimelineReply, WindowSpec};
use crate::model::Mode;
use crate::store::{RequestMark, TimeRange, TimelineBucket, TimelineMark};
use crate::window::command::Command;
use crate::window::state::Selection;
use crate::window::timeline::{
    PIXELS_PER_BUCKET, TimelineModel, date_span, full_time, lane_label, lane_y, micros_of, nearest_mark,
    nearest_request_mark, tick_label, time_ticks, x_of,
};
use egui::{Align2, PointerButton, RichText};
use egui_plot::{
    Bar, BarChart, GridInput, GridMark, MarkerShape, Plot, PlotPoint, PlotPoints, Points, Polygon, Span, Text, VLine,
};
use std::collections::BTreeMap;

/// What a timeline needs besides its model.
pub struct TimelineContext<'a> {
    pub id_salt: &'a str,
    pub view: u64,
    pub relative: bool,
    pub height: f32,
    pub selected: Option<Selection>,
    /// Plot x of the selected event or request, when known (a line marks it).
    pub selected_x: Option<f64>,
    pub range: Option<TimeRange>,
    /// Plots in one group pan and zoom together (compare view).
    pub link: Option<egui::Id>,
    /// Whether dragging selects a time range (the main timeline).
    pub selectable: bool,
    /// What an empty timeline says (`AppState::empty_view_text`).
    pub empty_text: String,
}

/// Draws the timeline and pushes the commands its use implies.
pub fn timeline_ui(
    ui: &mut egui::Ui,
    model: &mut TimelineModel,
    cx: &TimelineContext<'_>,
    commands: &mut Vec<Command>,
) {
    let columns = ((ui.available_width() / PIXELS_PER_BUCKET) as u32).max(10);
    let Some(reply) = model
        .reply
        .as_ref()
        .filter(|r| r.view == cx.view && r.relative == cx.relative)
    else {
        let asked = model.asked.is_some_and(|a| a.0 == cx.view && a.1 == cx.relative);
        if !asked {
            commands.push(Command::Timeline {
                key: model.key,
                window: None,
                buckets: columns,
            });
            model.asked = Some((cx.view, cx.relative, None));
        }
        ui.add_sized([ui.available_width(), cx.height], egui::Spinner::new());
        return;
    };
    if reply.lanes.lanes.is_empty() {
        ui.add_sized(
            [ui.available_width(), cx.height],
            egui::Label::new(RichText::new(&cx.empty_text).italics()),
        );
        return;
    }
    let reply = std::sync::Arc::clone(reply);
    let output = plot_ui(ui, model, cx, &reply);
    let window = WindowSpec {
        start_micros: micros_of(output.min_x),
        end_micros: micros_of(output.max_x),
        buckets: ((output.width / PIXELS_PER_BUCKET) as u32).max(10),
    };
    if !model.fit_next_frame && model.needs(cx.view, cx.relative, &window) {
        commands.push(Command::Timeline {
            key: model.key,
            window: Some(window),
            buckets: window.buckets,
        });
        model.asked = Some((cx.view, cx.relative, Some(window)));
    }
    interact(model, cx, &reply, &output, commands);
}

/// What the plot reported back.
struct PlotOutput {
    response: egui::Response,
    min_x: f64,
    max_x: f64,
    width: f32,
    /// Plot units per screen point along x.
    x_per_point: f64,
    pointer: Option<PlotPoint>,
}

fn plot_ui(
    ui: &mut egui::Ui,
    model: &mut TimelineModel,
    cx: &TimelineContext<'_>,
    reply: &std::sync::Arc<TimelineReply>,
) -> PlotOutput {
    let palette = Palette::for_ui(ui);
    let lanes = reply.lanes.lanes.clone();
    let count = lanes.len();
    let relative = cx.relative;
    let fit = std::mem::take(&mut model.fit_next_frame);
    let extent = reply.lanes.extent.map(|(a, b)| (x_of(a), x_of(b)));
    let mut plot = Plot::new(cx.id_salt)
        .height(cx.height)
        .show_axes([true, false])
        .show_grid([true, false])
        .show_x(false)
        .show_y(false)
        .allow_zoom([true, false])
        .allow_scroll([true, false])
        .allow_drag([true, false])
        .pan_pointer_button(PointerButton::Middle)
        .allow_double_click_reset(false)
        .x_grid_spacer(move |input: GridInput| {
            let min_step = input.base_step_size * 6.0;
            time_ticks(input.bounds.0, input.bounds.1, min_step)
                .into_iter()
                .map(|(value, step_size)| GridMark { value, step_size })
                .collect()
        })
        .x_axis_formatter(move |mark: GridMark, range: &std::ops::RangeInclusive<f64>| {
            tick_label(mark.value, relative, range.end() - range.start())
        });
    if let Some(link) = cx.link {
        plot = plot.link_axis(link, [true, false]);
    }
    let drag_start = model.drag_start_x;
    let range = cx.range.filter(|r| r.relative == relative);
    let selected = cx.selected;
    let selected_x = cx.selected_x;
    let shared = std::sync::Arc::clone(reply);
    let response = plot.show(ui, move |plot_ui| {
        plot_ui.set_plot_bounds_y(-0.5..=(count as f64 - 0.5));
        let double_clicked = plot_ui.response().double_clicked();
        if let Some((start, end)) = extent.filter(|_| fit || double_clicked) {
            let margin = ((end - start) * 0.02).max(0.5);
            plot_ui.set_plot_bounds_x((start - margin)..=(end + margin));
        }
        let bounds = plot_ui.plot_bounds();
        let (min_x, max_x) = (bounds.min()[0], bounds.max()[0]);
        bands(plot_ui, &lanes, &palette, min_x, max_x);
        if let Some(range) = range {
            plot_ui.span(
                Span::new("", x_of(range.start_micros)..=x_of(range.end_micros))
                    .fill(palette.range_fill)
                    .border_color(palette.range_border),
            );
        }
        if let (Some(start), Some(pointer)) = (drag_start, plot_ui.pointer_coordinate()) {
            plot_ui.span(Span::new("", start.min(pointer.x)..=start.max(pointer.x)).fill(palette.range_fill));
        }
        if let Some(slice) = &shared.slice {
            if slice.marks.is_empty() {
                bucket_bars(plot_ui, slice, count, &palette);
            } else {
                marks(plot_ui, &slice.marks, count, &palette, selected);
            }
            request_marks(plot_ui, &slice.request_marks, count, &palette, selected);
        }
        if let Some(x) = selected_x {
            plot_ui.vline(VLine::new("", x).color(palette.selection).width(1.0));
        }
        (min_x, max_x, plot_ui.pointer_coordinate())
    });
    let (min_x, max_x, pointer) = response.inner;
    let frame = *response.transform.frame();
    PlotOutput {
        response: response.response,
        min_x,
        max_x,
        width: frame.width(),
        x_per_point: (max_x - min_x) / f64::from(frame.width().max(1.0)),
        pointer,
    }
}

/// The lane bands and their labels at the left edge.
fn bands(plot_ui: &mut egui_plot::PlotUi<'_>, lanes: &[crate::store::Lane], palette: &Palette, min_x: f64, max_x: f64) {
    let count = lanes.len();
    for (index, lane) in lanes.iter().enumerate() {
        let y = lane_y(index, count);
        let rect = vec![
            [min_x, y - 0.48],
            [max_x, y - 0.48],
            [max_x, y + 0.48],
            [min_x, y + 0.48],
        ];
        plot_ui.polygon(
            Polygon::new("", PlotPoints::new(rect))
                .fill_color(palette.mode_band(lane.mode))
                .stroke(egui::Stroke::NONE)
                .allow_hover(false),
        );
        let requests = if lane.requests > 0 {
            format!(" · {} tracker requests without events", lane.requests)
        } else {
            String::new()
        };
        let mut label = RichText::new(format!("{}  {} events{requests}", lane_label(lane), lane.count)).small();
        label = match lane.mode {
            Mode::Incognito => label.strong().color(palette.incognito),
            _ => label.color(palette.text_muted),
        };
        plot_ui.text(
            Text::new("", PlotPoint::new(min_x, y + 0.46), label)
                .anchor(Align2::LEFT_TOP)
                .allow_hover(false),
        );
    }
}

/// Sub-row of a tracker inside its lane, so trackers do not hide each other.
fn tracker_offset(trackers: &[String], tracker: &str) -> f64 {
    let index = trackers.iter().position(|t| t == tracker).unwrap_or(0) as f64;
    let rows = trackers.len().max(1) as f64;
    // Spread over the lower 70 % of the band, below the label.
    -0.32 + 0.62 * (index + 0.5) / rows
}

fn marks(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    marks: &[TimelineMark],
    count: usize,
    palette: &Palette,
    selected: Option<Selection>,
) {
    let trackers = distinct(marks.iter().map(|m| m.tracker.as_str()));
    let mut by_tracker: BTreeMap<&str, Vec<[f64; 2]>> = BTreeMap::new();
    let mut ring = None;
    for mark in marks {
        let point = [
            x_of(mark.time_micros),
            lane_y(mark.lane, count) + tracker_offset(&trackers, &mark.tracker),
        ];
        by_tracker.entry(mark.tracker.as_str()).or_default().push(point);
        if Some(Selection::Event(mark.event_id)) == selected {
            ring = Some(point);
        }
    }
    for (tracker, points) in by_tracker {
        plot_ui.points(
            Points::new(tracker, PlotPoints::new(points))
                .color(palette.tracker(tracker))
                .radius(MARK_RADIUS)
                .filled(true)
                .shape(MarkerShape::Circle)
                .allow_hover(false),
        );
    }
    if let Some(point) = ring {
        plot_ui.points(
            Points::new("", PlotPoints::new(vec![point]))
                .color(palette.selection)
                .radius(MARK_RADIUS * 2.0)
                .filled(false)
                .allow_hover(false),
        );
    }
}

/// Tracker requests without events: hollow diamonds on the lane's lower
/// edge, so they never hide the events above them.
fn request_marks(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    marks: &[RequestMark],
    count: usize,
    palette: &Palette,
    selected: Option<Selection>,
) {
    let mut by_key: BTreeMap<&str, Vec<[f64; 2]>> = BTreeMap::new();
    let mut ring = None;
    for mark in marks {
        let point = [x_of(mark.time_micros), request_mark_y(mark.lane, count)];
        by_key.entry(mark.colour_key()).or_default().push(point);
        if Some(Selection::Request(mark.exchange_id)) == selected {
            ring = Some(point);
        }
    }
    for (key, points) in by_key {
        plot_ui.points(
            Points::new(key, PlotPoints::new(points))
                .color(palette.tracker(key))
                .radius(MARK_RADIUS + 0.5)
                .filled(false)
                .shape(MarkerShape::Diamond)
                .allow_hover(false),
        );
    }
    if let Some(point) = ring {
        plot_ui.points(
            Points::new("", PlotPoints::new(vec![point]))
                .color(palette.selection)
                .radius(MARK_RADIUS * 2.0)
                .filled(false)
                .allow_hover(false),
        );
    }
}

/// Plot y of request marks in a lane: near the band's lower edge.
fn request_mark_y(lane: usize, count: usize) -> f64 {
    lane_y(lane, count) - 0.38
}

fn bucket_bars(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    slice: &crate::store::TimelineSlice,
    count: usize,
    palette: &Palette,
) {
    let max = slice
        .buckets
        .iter()
        .fold(BTreeMap::<(usize, u32), u64>::new(), |mut totals, b| {
            *totals.entry((b.lane, b.bucket)).or_default() += b.count;
            totals
        });
    let peak = max.values().copied().max().unwrap_or(1).max(1) as f64;
    let width = slice.bucket_micros / 1e6;
    let start = x_of(slice.window.start_micros);
    let mut base: BTreeMap<(usize, u32), f64> = BTreeMap::new();
    let mut by_tracker: BTreeMap<&str, Vec<Bar>> = BTreeMap::new();
    for bucket in &slice.buckets {
        // Square-root heights keep a lone event visible next to a burst.
        let total = max.get(&(bucket.lane, bucket.bucket)).copied().unwrap_or(1) as f64;
        let full = 0.8 * (total / peak).sqrt();
        let height = full * bucket.count as f64 / total;
        let offset = base.entry((bucket.lane, bucket.bucket)).or_insert(0.0);
        let x = start + (f64::from(bucket.bucket) + 0.5) * width;
        let bar = Bar::new(x, height)
            .base_offset(lane_y(bucket.lane, count) - 0.4 + *offset)
            .width(width * 0.9)
            .fill(palette.tracker(&bucket.tracker));
        *offset += height;
        by_tracker.entry(bucket.tracker.as_str()).or_default().push(bar);
    }
    for (tracker, bars) in by_tracker {
        plot_ui.bar_chart(
            BarChart::new(tracker, bars)
                .color(palette.tracker(tracker))
                .allow_hover(false),
        );
    }
}

fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for value in values {
        if !seen.iter().any(|s| s == value) {
            seen.push(value.to_string());
        }
    }
    seen.sort();
    seen
}

/// Hover, click and range drag.
fn interact(
    model: &mut TimelineModel,
    cx: &TimelineContext<'_>,
    reply: &TimelineReply,
    output: &PlotOutput,
    commands: &mut Vec<Command>,
) {
    let response = &output.response;
    let count = reply.lanes.lanes.len();
    let hovered = output.pointer.filter(|_| response.hovered());
    let lane = hovered
        .map(|p| (count as f64 - 1.0 - p.y).round())
        .filter(|l| *l >= 0.0 && (*l as usize) < count);
    let slice = reply.slice.as_ref();
    let reach = output.x_per_point * 8.0;
    let mark = match (hovered, lane, slice) {
        (Some(p), Some(lane), Some(slice)) => nearest_mark(&slice.marks, lane as usize, p.x, reach),
        _ => None,
    };
    // A request mark wins when the pointer is on the lane's lower edge,
    // where request marks sit, or when no event is near.
    let request = match (hovered, lane, slice) {
        (Some(p), Some(lane), Some(slice)) => {
            let low = p.y < lane_y(lane as usize, count) - 0.25;
            nearest_request_mark(&slice.request_marks, lane as usize, p.x, reach).filter(|_| low || mark.is_none())
        }
        _ => None,
    };
    if let Some(request) = request {
        let text = request_hover_text(request, cx.relative);
        response.clone().on_hover_ui_at_pointer(|ui| {
            ui.label(text);
        });
    } else if let Some(mark) = mark {
        let text = mark_hover_text(mark, cx.relative);
        response.clone().on_hover_ui_at_pointer(|ui| {
            ui.label(text);
        });
    } else if let (Some(p), Some(lane), Some(slice)) = (hovered, lane, slice)
        && slice.marks.is_empty()
        && slice.request_marks.is_empty()
    {
        let text = bucket_hover_text(slice, lane as usize, p.x);
        if !text.is_empty() {
            response.clone().on_hover_ui_at_pointer(|ui| {
                ui.label(text);
            });
        }
    }
    if response.clicked() {
        if let Some(request) = request {
            commands.push(Command::ShowRows(crate::window::state::RowsShown::Requests));
            commands.push(Command::Select(Selection::Request(request.exchange_id)));
        } else if let Some(mark) = mark {
            commands.push(Command::Select(Selection::Event(mark.event_id)));
        }
    }
    if !cx.selectable {
        return;
    }
    if response.drag_started_by(PointerButton::Primary) {
        model.drag_start_x = output.pointer.map(|p| p.x);
    }
    if response.drag_stopped_by(PointerButton::Primary)
        && let (Some(start), Some(end)) = (model.drag_start_x.take(), output.pointer)
        && (end.x - start).abs() / output.x_per_point > 4.0
    {
        commands.push(Command::SetTimeRange(Some(TimeRange {
            start_micros: micros_of(start.min(end.x)),
            end_micros: micros_of(start.max(end.x)),
            relative: cx.relative,
        })));
    }
    if !response.dragged() {
        model.drag_start_x = None;
    }
}

fn mark_hover_text(mark: &TimelineMark, relative: bool) -> String {
    let when = if relative {
        crate::window::timeline::relative_label(x_of(mark.time_micros))
    } else {
        full_time(mark.time_micros)
    };
    let key = mark.key_field.as_deref().unwrap_or("—");
    format!("{} · {}\n{when}\n{key}\nClick to inspect", mark.event, mark.tracker)
}

fn request_hover_text(mark: &RequestMark, relative: bool) -> String {
    let when = if relative {
        crate::window::timeline::relative_label(x_of(mark.time_micros))
    } else {
        full_time(mark.time_micros)
    };
    let to = match (&mark.company, &mark.tracker) {
        (Some(company), _) => company.clone(),
        (None, Some(tracker)) => tracker.clone(),
        (None, None) => String::new(),
    };
    let data = match mark.data_types {
        0 => "no personal data named".to_string(),
        1 => "1 kind of personal data".to_string(),
        n => format!("{n} kinds of personal data"),
    };
    format!(
        "{} {} · {to}\n{when}\nA tracker request, no events decoded · {data}\nClick to inspect the request",
        mark.method, mark.host
    )
}

fn bucket_hover_text(slice: &crate::store::TimelineSlice, lane: usize, x: f64) -> String {
    let offset = (micros_of(x) - slice.window.start_micros) as f64 / slice.bucket_micros.max(1.0);
    if offset < 0.0 {
        return String::new();
    }
    let bucket = offset as u32;
    let hits: Vec<&TimelineBucket> = slice
        .buckets
        .iter()
        .filter(|b| b.lane == lane && b.bucket == bucket)
        .collect();
    if hits.is_empty() {
        return String::new();
    }
    let lines: Vec<String> = hits.iter().map(|b| format!("{}: {}", b.tracker, b.count)).collect();
    format!("{}\nZoom in (Ctrl+scroll) to see single events", lines.join("\n"))
}

/// The date line under a wall-clock timeline, or the relative-axis note.
pub fn axis_note(model: &TimelineModel, relative: bool) -> String {
    if relative {
        return "Time since each session's first event".to_string();
    }
    match model.reply.as_ref().and_then(|r| r.lanes.extent) {
        Some((a, b)) => date_span(x_of(a), x_of(b)),
        None => String::new(),
    }
}

/// The legend of a timeline: mode bands, then tracker colours (drawn in
/// the header so it never covers marks).
pub fn legend_ui(ui: &mut egui::Ui, model: &TimelineModel) {
    let palette = Palette::for_ui(ui);
    for mode in [Mode::Normal, Mode::Incognito] {
        super::theme::swatch_ui(ui, palette.mode(mode));
        ui.label(
            RichText::new(format!("{} lane", mode_label(mode)))
                .small()
                .color(palette.mode(mode)),
        );
    }
    let Some(slice) = model.reply.as_ref().and_then(|r| r.slice.as_ref()) else {
        return;
    };
    let trackers = distinct(
        slice
            .marks
            .iter()
            .map(|m| m.tracker.as_str())
            .chain(slice.request_marks.iter().map(RequestMark::colour_key))
            .chain(slice.buckets.iter().map(|b| b.tracker.as_str())),
    );
    ui.separator();
    if !slice.request_marks.is_empty() {
        super::theme::diamond_swatch_ui(ui, palette.text_muted);
        ui.label(
            RichText::new("tracker request, no events")
                .small()
                .color(palette.text_muted),
        );
    }
    for tracker in trackers {
        super::theme::swatch_ui(ui, palette.tracker(&tracker));
        ui.label(
            RichText::new(tracker.as_str())
                .small()
                .strong()
                .color(palette.tracker(&tracker)),
        );
    }
}
