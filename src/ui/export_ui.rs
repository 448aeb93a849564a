//! The export window — format, findings only or everything, and exactly
//! what of the current view the file follows — then a file; and while an
//! export runs, its progress window with Cancel.

use crate::jobs::{ExportJob, ExportKind};
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
            let scope = state.export_scope();
            let follows = if scope.follows.is_empty() {
                "The whole case.".to_string()
            } else {
                format!("This view: {}.", scope.follows.join(", "))
            };
            ui.label(RichText::new(follows).strong());
            if !scope.ignored.is_empty() {
                ui.add(
                    egui::Label::new(
                        RichText::new(format!(
                            "Not applied to the file (exports follow one session, app, mode or tracker): {}.",
                            scope.ignored.join(", ")
                        ))
                        .small(),
                    )
                    .wrap(),
                );
            }
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

/// The running export: what is written where, for how long, and Cancel.
pub fn export_progress_ui(ctx: &egui::Context, job: &ExportJob, commands: &mut Vec<Command>) {
    let what = match job.kind {
        ExportKind::Pdf => "Laying out the PDF report",
        ExportKind::Csv => "Writing the CSV",
        ExportKind::Json => "Writing the JSON",
    };
    egui::Window::new("Exporting")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_BOTTOM, egui::vec2(0.0, -48.0))
        .show(ctx, |ui| {
            ui.label(format!("{what}… {} s", job.elapsed().as_secs()));
            ui.label(RichText::new(job.path.display().to_string()).monospace().small());
            ui.add(egui::ProgressBar::new(0.0).animate(true).desired_width(320.0));
            let cancelling = job.is_cancelling();
            let label = if cancelling { "Cancelling…" } else { "Cancel" };
            if ui
                .add_enabled(!cancelling, egui::Button::new(label))
                .on_hover_text("Stop: nothing is written, an existing file of that name stays as it was")
                .clicked()
            {
                commands.push(Command::CancelExport);
            }
        });
}
