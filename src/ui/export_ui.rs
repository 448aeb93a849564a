//! The export window: format, findings only or everything, then a file.

use crate::jobs::ExportKind;
use crate::window::command::Command;
use crate::window::file_picker::PickPurpose;
use crate::window::state::{AppState, ExportForm};
use egui::RichText;

/// Draws the export window.
pub fn export_ui(ctx: &egui::Context, state: &AppState, form: &mut ExportForm, commands: &mut Vec<Command>) {
    let mut open = true;
    egui::Window::new("Export")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.label("Format:");
            for (kind, label) in [
                (ExportKind::Pdf, "PDF report — for editors and lawyers"),
                (ExportKind::Csv, "CSV — for spreadsheets (formula-safe)"),
                (ExportKind::Json, "JSON — for scripts"),
            ] {
                ui.radio_value(&mut form.kind, kind, label);
            }
            ui.checkbox(&mut form.findings_only, "Only annotated findings");
            let filter = state.export_filter();
            let follows: Vec<String> = [
                filter.session.map(|s| format!("session {s}")),
                filter.app.map(|a| format!("app {a}")),
                filter.mode.map(|m| format!("mode {m}")),
                filter.tracker.map(|t| format!("tracker {t}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            let scope = if follows.is_empty() {
                "Scope: the whole case.".to_string()
            } else {
                format!("Scope: {}.", follows.join(", "))
            };
            ui.label(RichText::new(scope).small());
            ui.horizontal(|ui| {
                if ui.button("Choose file…").clicked() {
                    commands.push(Command::ChooseFile(PickPurpose::Export(form.kind)));
                }
                if ui.button("Cancel").clicked() {
                    commands.push(Command::CloseExport);
                }
            });
        });
    if !open {
        commands.push(Command::CloseExport);
    }
}
