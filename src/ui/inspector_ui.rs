//! The inspector: the selected event's header, canary hits, decoded
//! fields as a tree, the decode path with each layer, the annotation
//! editor (saved at once) and the raw HTTP exchange.

use super::theme::{GAP, Palette, badge_ui, mode_badge_ui};
use crate::model::{AnnotationEdit, Severity, Target};
use crate::store::EventDetail;
use crate::window::command::Command;
use crate::window::fields::{FieldNode, contains_needle, field_tree, value_text};
use crate::window::state::AppState;
use crate::window::timeline::full_time;
use egui::RichText;

/// Draws the inspector of the selected event.
pub fn inspector_ui(ui: &mut egui::Ui, state: &mut AppState, commands: &mut Vec<Command>) {
    let Some(detail) = state.detail.clone() else {
        ui.heading("Inspector");
        let text = if state.selected.is_some() {
            "Loading the event…"
        } else {
            "Select an event in the timeline or the table to see what it sent, decoded."
        };
        ui.label(RichText::new(text).italics());
        return;
    };
    egui::ScrollArea::vertical()
        .id_salt("inspector")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            header_ui(ui, &detail);
            canary_hits_ui(ui, state, &detail);
            egui::CollapsingHeader::new(RichText::new("Decoded fields").strong())
                .default_open(true)
                .show(ui, |ui| fields_ui(ui, &detail, &state.search.needles));
            egui::CollapsingHeader::new(RichText::new("Decode path").strong())
                .default_open(true)
                .show(ui, |ui| {
                    super::layers_ui::layers_ui(ui, &detail, state.selected_layer, commands)
                });
            egui::CollapsingHeader::new(RichText::new("Annotation").strong())
                .default_open(true)
                .show(ui, |ui| annotation_ui(ui, state, &detail, commands));
            super::http_ui::http_ui(ui, &detail.exchange, commands);
        });
}

fn header_ui(ui: &mut egui::Ui, detail: &EventDetail) {
    let palette = Palette::for_ui(ui);
    let event = &detail.event;
    ui.horizontal_wrapped(|ui| {
        ui.heading(&event.event);
        mode_badge_ui(ui, event.mode);
        badge_ui(ui, &event.tracker, palette.tracker(&event.tracker), &palette);
    });
    egui::Grid::new("event-header")
        .num_columns(2)
        .spacing([GAP, 2.0])
        .show(ui, |ui| {
            let mut row = |key: &str, value: String| {
                ui.label(RichText::new(key).color(palette.text_muted));
                ui.label(value);
                ui.end_row();
            };
            row("When", full_time(event.time_micros));
            row("Session", event.session.clone());
            row("App", event.app.clone().unwrap_or_else(|| "—".into()));
            if let Some(device) = &event.device {
                row("Device", device.clone());
            }
            let company = event.company.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
            row("Sent to", format!("{}{company}", event.host));
            row(
                "Server IP",
                event.server_ip.clone().unwrap_or_else(|| "not recorded".into()),
            );
            row("Event id", format!("{} · exchange {}", event.id, event.exchange_id));
        });
}

fn canary_hits_ui(ui: &mut egui::Ui, state: &AppState, detail: &EventDetail) {
    let hits: Vec<_> = state
        .search
        .hits
        .iter()
        .filter(|h| {
            h.event_id == Some(detail.event.id) || (h.event_id.is_none() && h.exchange_id == detail.exchange.id)
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
            ui.label(RichText::new(format!("Canary found here ({} hits)", hits.len())).strong());
            for hit in hits {
                ui.label(format!("“{}” as {} in {}", hit.needle, hit.transform, hit.location));
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
                        text = text.background_color(palette.canary).strong();
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

fn annotation_ui(ui: &mut egui::Ui, state: &mut AppState, detail: &EventDetail, commands: &mut Vec<Command>) {
    let palette = Palette::for_ui(ui);
    let target = Target::Event(detail.event.id);
    let current = detail.annotation.as_ref().map(|a| a.severity);
    ui.horizontal(|ui| {
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
    let tags = ui.add(egui::TextEdit::singleline(&mut state.draft.tags).hint_text("e.g. url-leak, incognito"));
    let tags = tags.labelled_by(label.id);
    let saved_tags = detail.annotation.as_ref().map(|a| a.tags.clone()).unwrap_or_default();
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
            .hint_text("Why this matters (saved when you leave the field)"),
    );
    let saved_note = detail.annotation.as_ref().map_or("", |a| a.note.as_str());
    if note.labelled_by(label.id).lost_focus() && state.draft.note != saved_note {
        commands.push(Command::Annotate(
            target,
            AnnotationEdit {
                note: Some(state.draft.note.clone()),
                ..AnnotationEdit::default()
            },
        ));
    }
    if let Some(annotation) = &detail.annotation {
        ui.label(RichText::new(format!("Saved {}", full_time(annotation.updated_micros))).small());
    }
}

fn split_tags(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}
