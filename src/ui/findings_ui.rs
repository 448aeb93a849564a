//! The findings view: every annotated event, exchange and session with its
//! severity, note and key field, ready to export.

use super::table_ui::table_time;
use super::theme::{Palette, ROW_HEIGHT, badge_ui, mode_label};
use crate::jobs::{ExportKind, Finding};
use crate::window::command::Command;
use crate::window::file_picker::PickPurpose;
use crate::window::state::AppState;
use egui::RichText;
use egui_extras::{Column, TableBuilder};

/// Draws the findings view.
pub fn findings_ui(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.heading(format!("Findings ({})", state.findings.len()));
        ui.add_space(16.0);
        for (label, kind) in [
            ("Export PDF report…", ExportKind::Pdf),
            ("Export CSV…", ExportKind::Csv),
            ("Export JSON…", ExportKind::Json),
        ] {
            if ui
                .add_enabled(!state.findings.is_empty(), egui::Button::new(label))
                .clicked()
            {
                commands.push(Command::ShowExport);
                commands.push(Command::ChooseFile(PickPurpose::Export(kind)));
            }
        }
    });
    if state.findings.is_empty() {
        ui.label(RichText::new(
            "Nothing annotated yet. Select an event and set a severity in the inspector to make it a finding.",
        ));
        return;
    }
    let palette = Palette::for_ui(ui);
    ui.style_mut().interaction.selectable_labels = false;
    TableBuilder::new(ui)
        .id_salt("findings")
        .striped(true)
        .sense(egui::Sense::click())
        .auto_shrink([false, false])
        .column(Column::initial(80.0))
        .column(Column::initial(150.0))
        .column(Column::initial(100.0).clip(true))
        .column(Column::initial(90.0))
        .column(Column::initial(130.0).clip(true))
        .column(Column::initial(300.0).clip(true))
        .column(Column::initial(120.0).clip(true))
        .column(Column::remainder().at_least(160.0).clip(true))
        .header(super::theme::HEADER_HEIGHT, |mut header| {
            for title in [
                "Severity",
                "Time (UTC)",
                "Session",
                "Mode",
                "Event",
                "Key field",
                "Tags",
                "Note",
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT + 4.0, state.findings.len(), |mut row| {
                let Some(finding) = state.findings.get(row.index()) else {
                    return;
                };
                finding_row_ui(&mut row, finding, &palette);
                if row.response().clicked()
                    && let Finding::Evidence(evidence) = finding
                    && let Some(event) = evidence.event_id
                {
                    commands.push(Command::Select(event));
                    commands.push(Command::SetView(crate::window::state::View::Browse));
                }
            });
        });
}

fn finding_row_ui(row: &mut egui_extras::TableRow<'_, '_>, finding: &Finding, palette: &Palette) {
    let (annotation, time, session, mode, event, key) = match finding {
        Finding::Evidence(e) => (
            e.annotation.as_ref(),
            table_time(e.time_micros),
            e.session.clone(),
            Some(e.mode),
            e.event.clone().unwrap_or_else(|| format!("{} {}", e.method, e.host)),
            e.key_field.clone().unwrap_or_else(|| e.url.clone()),
        ),
        Finding::Session { name, annotation, .. } => (
            Some(annotation),
            String::new(),
            name.clone(),
            None,
            "(whole session)".to_string(),
            String::new(),
        ),
    };
    row.col(|ui| {
        if let Some(a) = annotation {
            badge_ui(ui, a.severity.as_str(), palette.severity(a.severity), palette);
        }
    });
    row.col(|ui| {
        ui.label(RichText::new(time).monospace());
    });
    row.col(|ui| {
        ui.label(session);
    });
    row.col(|ui| {
        if let Some(mode) = mode {
            ui.label(RichText::new(mode_label(mode)).color(palette.mode(mode)));
        }
    });
    row.col(|ui| {
        ui.label(event);
    });
    row.col(|ui| {
        ui.label(key);
    });
    row.col(|ui| {
        ui.label(annotation.map(|a| a.tags.join(", ")).unwrap_or_default());
    });
    row.col(|ui| {
        ui.label(annotation.map(|a| a.note.clone()).unwrap_or_default());
    });
}
