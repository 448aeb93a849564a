//! The status bar — counts, what is running, the newest message — and the
//! window listing import and decoding warnings.

use super::theme::Palette;
use crate::window::command::Command;
use crate::window::state::AppState;
use egui::RichText;

/// Draws the status bar.
pub fn status_ui(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    let palette = Palette::for_ui(ui);
    ui.horizontal(|ui| {
        let events: i64 = state.sessions.iter().map(|s| s.event_count).sum();
        let requests: i64 = state.sessions.iter().map(|s| s.exchange_count).sum();
        let shown = |c: Option<u64>| c.map_or_else(|| "…".to_string(), |c| c.to_string());
        ui.label(format!(
            "{} sessions · {requests} requests ({} shown) · {events} events ({} shown)",
            state.sessions.len(),
            shown(state.requests.count),
            shown(state.table.count),
        ));
        ui.separator();
        for running in running(state) {
            ui.spinner();
            ui.label(running);
        }
        if !state.warnings.is_empty() {
            let text = RichText::new(format!("{} warnings…", state.warnings.len())).color(palette.warning);
            if ui.button(text).on_hover_text("Import and decoding warnings").clicked() {
                commands.push(Command::ShowWarnings(!state.show_warnings));
            }
        }
        if let Some(notice) = state.notices.last() {
            ui.separator();
            let colour = if notice.is_error {
                palette.error
            } else {
                palette.text_muted
            };
            ui.label(RichText::new(&notice.text).color(colour));
        }
    });
}

/// What is running, in words.
fn running(state: &AppState) -> Vec<String> {
    let mut running = Vec::new();
    if state.opening {
        running.push("opening the case".to_string());
    }
    if let Some(dialog) = &state.import
        && dialog.is_running()
    {
        running.push("importing".to_string());
    }
    if state.export_job.is_some() {
        running.push("exporting".to_string());
    }
    if state.summary.running {
        running.push("summing up".to_string());
    }
    if state.table.count.is_none() && state.case.is_some() {
        running.push("counting".to_string());
    }
    running
}

/// The warnings window.
pub fn warnings_ui(ctx: &egui::Context, state: &AppState, commands: &mut Vec<Command>) {
    let mut open = true;
    egui::Window::new(format!("Warnings ({})", state.warnings.len()))
        .open(&mut open)
        .default_size([640.0, 360.0])
        .show(ctx, |ui| {
            ui.label("Problems met while importing and decoding. They did not stop the import.");
            egui::ScrollArea::vertical().show(ui, |ui| {
                egui::Grid::new("warnings").num_columns(3).striped(true).show(ui, |ui| {
                    for warning in &state.warnings {
                        ui.label(&warning.session);
                        ui.label(RichText::new(&warning.origin).monospace());
                        ui.label(&warning.message);
                        ui.end_row();
                    }
                });
            });
        });
    if !open {
        commands.push(Command::ShowWarnings(false));
    }
}
