//! The findings view: every annotated event, request and session with its
//! severity, where it went (host, company, country), what it sent and the
//! journalist's own note — which wraps, never cut — ready to export. A
//! click opens the item in the inspector; Remove deletes the annotation
//! (its history stays in the case).

use super::table_ui::table_time;
use super::theme::{GAP, Palette, badge_ui, mode_label};
use crate::jobs::{ExportKind, Finding};
use crate::window::command::Command;
use crate::window::file_picker::PickPurpose;
use crate::window::state::{AppState, RowsShown, Selection, View};
use egui::RichText;

/// Draws the findings view.
pub fn findings_ui(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        ui.heading(format!("Findings ({})", state.findings.len()));
        ui.add_space(16.0);
        for (label, kind) in [
            ("Export PDF report…", ExportKind::Pdf),
            ("Export CSV…", ExportKind::Csv),
            ("Export JSON…", ExportKind::Json),
        ] {
            if ui
                .add_enabled(
                    !state.findings.is_empty() && state.export_job.is_none(),
                    egui::Button::new(label),
                )
                .clicked()
            {
                commands.push(Command::ShowExport);
                commands.push(Command::ChooseFile(PickPurpose::Export(kind)));
            }
        }
    });
    if state.findings.is_empty() {
        ui.label(RichText::new(
            "Nothing annotated yet. Select an event or a request and set a severity in the inspector to make it a finding.",
        ));
        return;
    }
    let palette = Palette::for_ui(ui);
    let note_width = (ui.available_width() * 0.3).max(220.0);
    egui::ScrollArea::both()
        .id_salt("findings")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("findings-grid")
                .num_columns(7)
                .striped(true)
                .spacing([GAP, 6.0])
                .show(ui, |ui| {
                    for title in [
                        "Severity",
                        "When (UTC) · session",
                        "What",
                        "Sent to",
                        "Tags",
                        "Note",
                        "",
                    ] {
                        ui.strong(title);
                    }
                    ui.end_row();
                    for finding in &state.findings {
                        finding_row_ui(ui, finding, &palette, note_width, commands);
                        ui.end_row();
                    }
                });
        });
}

fn finding_row_ui(
    ui: &mut egui::Ui,
    finding: &Finding,
    palette: &Palette,
    note_width: f32,
    commands: &mut Vec<Command>,
) {
    let (annotation, target) = match finding {
        Finding::Evidence { row, .. } => (row.annotation.as_ref(), row.annotation.as_ref().map(|a| a.target)),
        Finding::Session { annotation, .. } => (Some(annotation), Some(annotation.target)),
    };
    ui.vertical(|ui| {
        if let Some(a) = annotation {
            badge_ui(ui, a.severity.as_str(), palette.severity(a.severity), palette);
        }
    });
    match finding {
        Finding::Evidence { row, country } => {
            ui.vertical(|ui| {
                ui.label(RichText::new(table_time(row.time_micros)).monospace());
                ui.horizontal(|ui| {
                    ui.label(&row.session);
                    ui.label(
                        RichText::new(mode_label(row.mode))
                            .color(palette.mode(row.mode))
                            .strong(),
                    );
                });
            });
            ui.vertical(|ui| {
                ui.set_max_width(260.0);
                let what = row.event.clone().unwrap_or_else(|| format!("{} request", row.method));
                let selection = match row.event_id {
                    Some(event) => Selection::Event(event),
                    None => Selection::Request(row.exchange_id),
                };
                if ui
                    .link(RichText::new(what).strong())
                    .on_hover_text("Open in the inspector")
                    .clicked()
                {
                    commands.push(Command::SetView(View::Browse));
                    commands.push(Command::ShowRows(match selection {
                        Selection::Event(_) => RowsShown::Events,
                        Selection::Request(_) => RowsShown::Requests,
                    }));
                    commands.push(Command::Select(selection));
                }
                let key = row.key_field.clone().unwrap_or_else(|| row.url.clone());
                ui.add(egui::Label::new(RichText::new(key).small()).wrap());
            });
            ui.vertical(|ui| {
                ui.set_max_width(240.0);
                ui.label(&row.host);
                let mut whom = row.company.clone().unwrap_or_else(|| "no known company".into());
                if let Some(country) = country {
                    whom = format!("{whom} · {country}");
                }
                ui.add(egui::Label::new(RichText::new(whom).small().color(palette.text_muted)).wrap());
            });
        }
        Finding::Session { name, .. } => {
            ui.label(name);
            ui.label(RichText::new("(the whole session)").italics());
            ui.label("");
        }
    }
    ui.vertical(|ui| {
        ui.set_max_width(160.0);
        ui.add(egui::Label::new(annotation.map(|a| a.tags.join(", ")).unwrap_or_default()).wrap());
    });
    ui.vertical(|ui| {
        ui.set_width(note_width);
        ui.add(egui::Label::new(annotation.map(|a| a.note.clone()).unwrap_or_default()).wrap());
    });
    if let Some(target) = target {
        if ui
            .small_button("Remove")
            .on_hover_text("Delete this annotation; the case's history keeps what it said")
            .clicked()
        {
            commands.push(Command::RemoveAnnotation(target));
        }
    } else {
        ui.label("");
    }
}
