//! The inspector, on the selected event or request. An event: its header,
//! canary hits, decoded fields as a tree, the personal data it carried, the
//! decode path with each layer, the annotation editor and the raw HTTP
//! exchange. A request: where it went (company, server, country), the
//! personal data, the events decoded from it, every decoded layer as a
//! tree, the annotation editor and the raw request and response.
//! Everything scrolls; nothing inside traps the mouse wheel.

use super::theme::{GAP, Palette, badge_ui, mode_badge_ui};
use crate::analysis::SearchHit;
use crate::attribution::{CompanySource, GeoInfo, Party};
use crate::model::{Annotation, AnnotationEdit, DataType, EventId, ExchangeId, Severity, Target};
use crate::store::{EventDetail, ExchangeRow, RequestDetail};
use crate::window::command::Command;
use crate::window::fields::{FieldNode, contains_needle, field_tree, value_text};
use crate::window::state::{AppState, Detail, RowsShown, Selection};
use crate::window::timeline::full_time;
use egui::RichText;

/// Draws the inspector of the selection.
pub fn inspector_ui(ui: &mut egui::Ui, state: &mut AppState, commands: &mut Vec<Command>) {
    // Taken out while drawing (and put back), so a large detail is never copied per frame.
    let Some(detail) = state.detail.take() else {
        ui.heading("Inspector");
        let text = match state.selected {
            Some(Selection::Event(_)) => "Loading the event…",
            Some(Selection::Request(_)) => "Loading the request…",
            None => "Select an event or a request in the timeline or a table to see what it sent, decoded.",
        };
        ui.label(RichText::new(text).italics());
        return;
    };
    egui::ScrollArea::vertical()
        .id_salt("inspector")
        .auto_shrink([false, false])
        .show(ui, |ui| match &detail {
            Detail::Event(event) => event_ui(ui, state, event, commands),
            Detail::Request(request) => request_ui(ui, state, request, commands),
        });
    state.detail = Some(detail);
}

fn event_ui(ui: &mut egui::Ui, state: &mut AppState, detail: &EventDetail, commands: &mut Vec<Command>) {
    event_header_ui(ui, detail, commands);
    canary_hits_ui(ui, &state.search.hits, Some(detail.event.id), detail.exchange.id);
    egui::CollapsingHeader::new(RichText::new("Decoded fields").strong())
        .default_open(true)
        .show(ui, |ui| fields_ui(ui, detail, &state.search.needles));
    data_types_ui(ui, &detail.event.data_types, "event");
    egui::CollapsingHeader::new(RichText::new("Decode path").strong())
        .default_open(true)
        .show(ui, |ui| {
            super::layers_ui::layers_ui(ui, detail, state.selected_layer, commands)
        });
    egui::CollapsingHeader::new(RichText::new("Annotation").strong())
        .default_open(true)
        .show(ui, |ui| {
            annotation_ui(
                ui,
                state,
                Target::Event(detail.event.id),
                detail.annotation.as_ref(),
                commands,
            );
        });
    super::http_ui::http_ui(ui, &detail.exchange, commands);
}

fn event_header_ui(ui: &mut egui::Ui, detail: &EventDetail, commands: &mut Vec<Command>) {
    let palette = Palette::for_ui(ui);
    let event = &detail.event;
    ui.horizontal_wrapped(|ui| {
        ui.heading(&event.event);
        mode_badge_ui(ui, event.mode);
        badge_ui(ui, &event.tracker, palette.tracker(&event.tracker), &palette);
    });
    facts_ui(ui, "event-header", |row| {
        row("When", full_time(event.time_micros));
        row("Session", event.session.clone());
        row("App", event.app.clone().unwrap_or_else(|| "—".into()));
        if let Some(device) = &event.device {
            row("Device", device.clone());
        }
        let company = event.company.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
        row("Sent to", format!("{}{company}", event.host));
        row("Server", server_text(event.server_ip.as_deref(), detail.geo.as_ref()));
        row("Event id", event.id.to_string());
    });
    if ui
        .button(format!("Inspect its request (exchange {})", event.exchange_id))
        .on_hover_text("The whole request: every layer, all its events, its own annotation")
        .clicked()
    {
        commands.push(Command::ShowRows(RowsShown::Requests));
        commands.push(Command::Select(Selection::Request(event.exchange_id)));
    }
}

fn request_ui(ui: &mut egui::Ui, state: &mut AppState, detail: &RequestDetail, commands: &mut Vec<Command>) {
    request_header_ui(ui, detail);
    let request = &detail.request;
    super::host_label_ui::label_host_button_ui(
        ui,
        &request.host,
        company_label(request),
        company_source(request),
        commands,
    );
    canary_hits_ui(ui, &state.search.hits, None, detail.request.id);
    data_types_ui(ui, &detail.request.data_types, "request");
    events_list_ui(ui, detail, commands);
    egui::CollapsingHeader::new(RichText::new(format!("Decoded layers ({})", detail.layers.len())).strong())
        .default_open(true)
        .show(ui, |ui| {
            super::layers_ui::layer_tree_ui(ui, &detail.layers, state.selected_layer, commands);
        });
    egui::CollapsingHeader::new(RichText::new("Annotation").strong())
        .default_open(true)
        .show(ui, |ui| {
            annotation_ui(
                ui,
                state,
                Target::Exchange(detail.request.id),
                detail.annotation.as_ref(),
                commands,
            );
        });
    super::http_ui::http_ui(ui, &detail.exchange, commands);
}

fn request_header_ui(ui: &mut egui::Ui, detail: &RequestDetail) {
    let palette = Palette::for_ui(ui);
    let request = &detail.request;
    ui.horizontal_wrapped(|ui| {
        ui.heading(format!("{} {}", request.method, request.host));
        mode_badge_ui(ui, request.mode);
        if let Some(tracker) = &request.tracker {
            badge_ui(ui, tracker, palette.tracker(tracker), &palette);
        }
    });
    ui.add(egui::Label::new(RichText::new(&request.url).monospace().small()).wrap());
    facts_ui(ui, "request-header", |row| {
        row("When", full_time(request.time_micros));
        row("Session", request.session.clone());
        row("App", request.app.clone().unwrap_or_else(|| "—".into()));
        let first_party = request.party == Party::First.as_str();
        let company = match (company_label(request), &request.category) {
            (Some(company), Some(category)) => format!("{company} ({category})"),
            (Some(company), None) => company,
            (None, _) if first_party => "none named".into(),
            (None, _) => crate::store::UNLISTED_THIRD_PARTY.into(),
        };
        row("Company", company);
        if let Some(source) = company_source(request) {
            row("Named by", source);
        }
        row(
            "Party",
            if first_party {
                "first party: the app's own server or a site visited".into()
            } else {
                "third party".into()
            },
        );
        if let Some(client) = &request.client {
            row("HTTP client", client.clone());
        }
        row("Server", server_text(request.server_ip.as_deref(), detail.geo.as_ref()));
        if let Some(endpoint) = &request.endpoint {
            row("Endpoint", endpoint.clone());
        }
        row(
            "Status",
            request
                .status
                .map_or_else(|| "no response".to_string(), |s| s.to_string()),
        );
        row("Events", request.event_count.to_string());
        if !request.decode_path_summary.is_empty() {
            row("Decoded as", request.decode_path_summary.clone());
        }
        row(
            "Evidence",
            format!(
                "{} · request #{} in the file",
                request.source_file, request.source_index
            ),
        );
        row("Request id", request.id.to_string());
    });
}

/// The company as shown: "probably Tremor Video" for a guess.
fn company_label(request: &ExchangeRow) -> Option<String> {
    request
        .company
        .as_deref()
        .map(|c| crate::attribution::company_label(c, request.company_source.as_deref()))
}

/// Where the company name comes from, in words.
fn company_source(request: &ExchangeRow) -> Option<String> {
    request
        .company_source
        .as_deref()
        .and_then(CompanySource::parse)
        .map(|s| s.explained())
}

/// `161.117.96.161 · Singapore · Alibaba (AS45102)`.
fn server_text(ip: Option<&str>, geo: Option<&GeoInfo>) -> String {
    let Some(ip) = ip else {
        return "not recorded".into();
    };
    let mut parts = vec![ip.to_string()];
    if let Some(geo) = geo {
        if let Some(country) = geo.country_name.as_ref().or(geo.country_code.as_ref()) {
            parts.push(country.clone());
        }
        match (&geo.org, geo.asn) {
            (Some(org), Some(asn)) => parts.push(format!("{org} (AS{asn})")),
            (Some(org), None) => parts.push(org.clone()),
            (None, Some(asn)) => parts.push(format!("AS{asn}")),
            (None, None) => {}
        }
    }
    parts.join(" · ")
}

/// A two-column grid of facts whose values wrap in a narrow inspector.
fn facts_ui(ui: &mut egui::Ui, id: &str, rows: impl FnOnce(&mut dyn FnMut(&str, String))) {
    let palette = Palette::for_ui(ui);
    egui::Grid::new(id).num_columns(2).spacing([GAP, 2.0]).show(ui, |ui| {
        let mut row = |key: &str, value: String| {
            ui.label(RichText::new(key).color(palette.text_muted));
            ui.add(egui::Label::new(value).wrap());
            ui.end_row();
        };
        rows(&mut row);
    });
}

fn events_list_ui(ui: &mut egui::Ui, detail: &RequestDetail, commands: &mut Vec<Command>) {
    let count = detail.request.event_count.max(0);
    let title = format!("Events decoded from it ({count})");
    egui::CollapsingHeader::new(RichText::new(title).strong())
        .default_open(count > 0)
        .show(ui, |ui| {
            if detail.events.is_empty() {
                ui.label(
                    RichText::new(
                        "No event was decoded from this request; what it sent is in its layers and data types.",
                    )
                    .italics(),
                );
                return;
            }
            let palette = Palette::for_ui(ui);
            for event in &detail.events {
                let key = event.key_field.as_deref().unwrap_or("");
                let text = RichText::new(format!("{} · {}  {key}", event.tracker, event.event))
                    .color(palette.tracker(&event.tracker));
                if ui
                    .add(egui::Button::new(text).frame(false).wrap())
                    .on_hover_text("Inspect this event")
                    .clicked()
                {
                    commands.push(Command::ShowRows(RowsShown::Events));
                    commands.push(Command::Select(Selection::Event(event.id)));
                }
            }
            let more = count as usize - detail.events.len().min(count as usize);
            if more > 0 {
                ui.label(RichText::new(format!("… and {more} more (the event table lists them all)")).small());
            }
        });
}

/// Personal data as a table: kind, where, value, how Telltale knows.
fn data_types_ui(ui: &mut egui::Ui, types: &[DataType], what: &str) {
    let title = format!("Personal data ({} kinds)", distinct_kinds(types));
    egui::CollapsingHeader::new(RichText::new(title).strong())
        .id_salt(("data-types", what))
        .default_open(true)
        .show(ui, |ui| {
            if types.is_empty() {
                ui.label(RichText::new(format!("No personal data was named in this {what}.")).italics());
                return;
            }
            let palette = Palette::for_ui(ui);
            // Kind and place on one line, the value below: readable in a narrow inspector.
            for data in types {
                let label = crate::decode::datatypes::kind(&data.kind).map_or(data.kind.as_str(), |k| k.label);
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(label).strong()).on_hover_text(format!(
                        "{} · {}",
                        data.kind,
                        data.confidence.as_str()
                    ));
                    ui.label(RichText::new(&data.field).monospace().small().color(palette.text_muted));
                });
                ui.indent(("data-type", &data.field, &data.kind), |ui| {
                    ui.add(egui::Label::new(RichText::new(&data.value).monospace()).wrap());
                });
            }
        });
}

fn distinct_kinds(types: &[DataType]) -> usize {
    let mut kinds: Vec<&str> = types.iter().map(|d| d.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds.len()
}

fn canary_hits_ui(ui: &mut egui::Ui, hits: &[SearchHit], event: Option<EventId>, exchange: ExchangeId) {
    let hits: Vec<&SearchHit> = hits
        .iter()
        .filter(|h| match event {
            Some(event) => h.event_id == Some(event) || (h.event_id.is_none() && h.exchange_id == exchange),
            None => h.exchange_id == exchange,
        })
        .collect();
    if hits.is_empty() {
        return;
    }
    let palette = Palette::for_ui(ui);
    egui::Frame::new()
        .fill(palette.canary)
        .inner_margin(egui::Margin::same(6))
        .corner_radius(egui::CornerRadius::same(4))
        .show(ui, |ui| {
            let strong = palette.text_strong;
            ui.label(
                RichText::new(format!("Canary found here ({} hits)", hits.len()))
                    .strong()
                    .color(strong),
            );
            for hit in hits {
                ui.add(
                    egui::Label::new(
                        RichText::new(format!("“{}” as {} in {}", hit.needle, hit.transform, hit.location))
                            .color(strong),
                    )
                    .wrap(),
                );
            }
        });
}

fn fields_ui(ui: &mut egui::Ui, detail: &EventDetail, needles: &[String]) {
    let fields = detail.event.fields.iter().map(|(k, v)| (k.as_str(), value_text(v)));
    let tree = field_tree(fields);
    if tree.is_empty() {
        ui.label(RichText::new("This event has no fields.").italics());
    }
    branch_ui(ui, &tree, "", 0, needles);
}

fn branch_ui(ui: &mut egui::Ui, nodes: &[(String, FieldNode)], path: &str, depth: usize, needles: &[String]) {
    let palette = Palette::for_ui(ui);
    for (name, node) in nodes {
        let full = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        match node {
            FieldNode::Leaf(value) => {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(format!("{name}:")).color(palette.text_muted).monospace());
                    let mut text = RichText::new(value);
                    if contains_needle(value, needles) {
                        text = text
                            .background_color(palette.canary)
                            .color(palette.text_strong)
                            .strong();
                    }
                    ui.add(egui::Label::new(text).selectable(true).wrap());
                });
            }
            FieldNode::Branch(children) => {
                egui::CollapsingHeader::new(RichText::new(name).monospace())
                    .id_salt(("field", &full))
                    .default_open(depth < 2)
                    .show(ui, |ui| branch_ui(ui, children, &full, depth + 1, needles));
            }
        }
    }
}

/// The annotation editor of `target`: severity, tags, note (each saved when
/// set or when the field is left), and Remove.
fn annotation_ui(
    ui: &mut egui::Ui,
    state: &mut AppState,
    target: Target,
    annotation: Option<&Annotation>,
    commands: &mut Vec<Command>,
) {
    let palette = Palette::for_ui(ui);
    let current = annotation.map(|a| a.severity);
    ui.horizontal_wrapped(|ui| {
        ui.label("Severity:");
        for severity in Severity::ALL {
            let text = RichText::new(severity.as_str()).color(palette.severity(severity));
            if ui.selectable_label(current == Some(severity), text).clicked() {
                commands.push(Command::Annotate(
                    target,
                    AnnotationEdit {
                        severity: Some(severity),
                        tags: Some(split_tags(&state.draft.tags)),
                        note: Some(state.draft.note.clone()),
                    },
                ));
            }
        }
    });
    let label = ui.label("Tags (comma-separated):");
    let tags = ui.add(
        egui::TextEdit::singleline(&mut state.draft.tags)
            .hint_text("e.g. url-leak, incognito")
            .desired_width(f32::INFINITY),
    );
    let tags = tags.labelled_by(label.id);
    let saved_tags = annotation.map(|a| a.tags.clone()).unwrap_or_default();
    if tags.lost_focus() && split_tags(&state.draft.tags) != saved_tags {
        commands.push(Command::Annotate(
            target,
            AnnotationEdit {
                tags: Some(split_tags(&state.draft.tags)),
                ..AnnotationEdit::default()
            },
        ));
    }
    let label = ui.label("Note:");
    let note = ui.add(
        egui::TextEdit::multiline(&mut state.draft.note)
            .desired_rows(3)
            .desired_width(f32::INFINITY)
            .hint_text("Why this matters (saved when you leave the field)"),
    );
    let saved_note = annotation.map_or("", |a| a.note.as_str());
    if note.labelled_by(label.id).lost_focus() && state.draft.note != saved_note {
        commands.push(Command::Annotate(
            target,
            AnnotationEdit {
                note: Some(state.draft.note.clone()),
                ..AnnotationEdit::default()
            },
        ));
    }
    if let Some(annotation) = annotation {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(format!("Saved {}", full_time(annotation.updated_micros))).small());
            if ui
                .small_button("Remove annotation")
                .on_hover_text("Delete it; the case's history keeps what it said")
                .clicked()
            {
                commands.push(Command::RemoveAnnotation(target));
            }
        });
    }
}

fn split_tags(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}
