//! The left panel's bottom: facet values with counts (apps, modes,
//! trackers with their companies, hosts, event names, tags), each a
//! click-to-filter toggle; and the chips of active filters above the table.

use crate::store::{Facet, FacetList};
use crate::ui::theme::{BADGE_ROUNDING, Palette};
use crate::window::command::Command;
use crate::window::state::AppState;
use crate::window::timeline::{relative_label, tick_label, x_of};
use egui::RichText;

/// Draws every facet as a collapsible list.
pub fn facets_ui(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    ui.heading("Filter");
    if state.facets.is_empty() && state.case.is_some() {
        ui.spinner();
    }
    for list in &state.facets {
        facet_ui(ui, state, list, commands);
    }
}

fn facet_title(facet: Facet) -> &'static str {
    match facet {
        Facet::App => "Apps",
        Facet::Mode => "Modes",
        Facet::Company => "Companies",
        Facet::Tracker => "Trackers · companies",
        Facet::Host => "Hosts",
        Facet::DataType => "Data types",
        Facet::Event => "Event names",
        Facet::Tag => "Tags",
        Facet::Field => "Fields",
    }
}

fn facet_ui(ui: &mut egui::Ui, state: &AppState, list: &FacetList, commands: &mut Vec<Command>) {
    let open = matches!(list.facet, Facet::App | Facet::Mode | Facet::Tracker);
    egui::CollapsingHeader::new(facet_title(list.facet))
        .default_open(open)
        .show(ui, |ui| {
            if list.values.is_empty() {
                ui.label(RichText::new("none").small().italics());
            }
            let palette = Palette::for_ui(ui);
            for value in &list.values {
                let picked = state.filter.has(list.facet, &value.value);
                // Data types by the vocabulary's label ("Advertising ID"), the
                // code name (`advertisingId`) on hover.
                let label = (list.facet == Facet::DataType)
                    .then(|| crate::decode::datatypes::kind(&value.value).map(|k| k.label))
                    .flatten();
                let name = if value.value.is_empty() {
                    empty_label(list.facet)
                } else {
                    label.unwrap_or(value.value.as_str())
                };
                let counts = counts_label(value);
                let mut text = format!("{name}  {counts}");
                if let Some(detail) = &value.detail {
                    text = format!("{name} · {detail}  {counts}");
                }
                let mut rich = RichText::new(text);
                if list.facet == Facet::Tracker {
                    rich = rich.color(if value.value.is_empty() {
                        palette.text_muted
                    } else {
                        palette.tracker(&value.value)
                    });
                }
                if list.facet == Facet::Mode
                    && let Ok(mode) = value.value.parse()
                {
                    rich = rich.color(palette.mode(mode)).strong();
                }
                let mut response = ui.selectable_label(picked, rich);
                if label.is_some() {
                    response = response.on_hover_text(&value.value);
                }
                if response.clicked() {
                    commands.push(Command::ToggleFacet(list.facet, value.value.clone()));
                }
            }
            if list.more > 0 {
                ui.label(RichText::new(format!("… and {} more events in other values", list.more)).small());
            }
        });
}

/// What an empty value means in a facet.
fn empty_label(facet: Facet) -> &'static str {
    match facet {
        Facet::App => "(app not named)",
        Facet::Company => "(no known company)",
        Facet::Tracker => "(no tracker)",
        _ => "(none)",
    }
}

/// `9 req · 7 ev`: requests first (a request with no event still counts).
fn counts_label(value: &crate::store::FacetCount) -> String {
    match (value.requests, value.events) {
        (requests, 0) => format!("{requests} req"),
        (0, events) => format!("{events} ev"),
        (requests, events) => format!("{requests} req · {events} ev"),
    }
}

/// The active filters as removable chips, with "Clear all".
pub fn chips_ui(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    let filter = &state.filter;
    let hidden = filter.hidden_sessions.len();
    let any =
        filter.values.values().any(|v| !v.is_empty()) || filter.time.is_some() || !filter.text.is_empty() || hidden > 0;
    if !any {
        ui.label(RichText::new("Showing every event. Click a session, facet or the timeline to narrow.").small());
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Filters:").small().strong());
        for (facet, value) in filter.picked() {
            if chip_ui(ui, &format!("{}: {value}", facet.label())) {
                commands.push(Command::ToggleFacet(facet, value.to_string()));
            }
        }
        for id in &filter.hidden_sessions {
            let name = state.session(*id).map_or_else(|| id.to_string(), |s| s.name.clone());
            if chip_ui(ui, &format!("hidden: {name}")) {
                commands.push(Command::ToggleSession(*id));
            }
        }
        if !filter.text.is_empty() && chip_ui(ui, &format!("text: {}", filter.text)) {
            commands.push(Command::Search(String::new()));
        }
        if let Some(range) = filter.time {
            let label = |micros: i64| {
                if range.relative {
                    relative_label(x_of(micros))
                } else {
                    tick_label(x_of(micros), false, 60.0)
                }
            };
            let text = format!("time: {} – {}", label(range.start_micros), label(range.end_micros));
            if chip_ui(ui, &text) {
                commands.push(Command::SetTimeRange(None));
            }
        }
        if ui.small_button("Clear all").clicked() {
            commands.push(Command::ClearFilters);
        }
    });
}

/// One chip; `true` when its ✕ was clicked.
fn chip_ui(ui: &mut egui::Ui, text: &str) -> bool {
    let palette = Palette::for_ui(ui);
    egui::Frame::new()
        .fill(palette.chip_fill)
        .corner_radius(egui::CornerRadius::same(BADGE_ROUNDING))
        .inner_margin(egui::Margin::symmetric(6, 0))
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new(text).small());
                ui.small_button("×").on_hover_text(format!("Remove {text}")).clicked()
            })
            .inner
        })
        .inner
}
