//! The import dialog: a form per file (session name, app, device, mode,
//! TLS key log),
//! then a progress bar with bytes, exchanges and events, and Cancel.

use super::import::{ImportDialog, ImportItem, ImportStage, human_bytes};
use super::theme::{GAP, Palette, mode_label};
use crate::app::commands::Command;
use crate::model::Mode;
use egui::RichText;

/// Draws the dialog when one is open.
pub fn import_ui(ctx: &egui::Context, dialog: &mut ImportDialog, commands: &mut Vec<Command>) {
    egui::Window::new("Import captures")
        .collapsible(false)
        .resizable(false)
        .default_width(560.0)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| match dialog.stage.clone() {
            ImportStage::Form => form_ui(ui, dialog, commands),
            ImportStage::Running { current, cancelling } => {
                progress_ui(ui, dialog, current.as_ref(), cancelling, commands);
            }
            ImportStage::Finished => finished_ui(ui, dialog, commands),
        });
}

fn form_ui(ui: &mut egui::Ui, dialog: &mut ImportDialog, commands: &mut Vec<Command>) {
    ui.label("Each file becomes a session. Say how it was recorded, so sessions can be compared.");
    ui.add_space(GAP);
    let mut remove = None;
    for (index, item) in dialog.items.iter_mut().enumerate() {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.strong(
                    item.path
                        .file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                );
                if ui.small_button("Remove").clicked() {
                    remove = Some(index);
                }
            });
            item_form_ui(ui, item, index);
        });
    }
    if let Some(index) = remove {
        dialog.items.remove(index);
    }
    ui.add_space(GAP);
    ui.horizontal(|ui| {
        let label = format!(
            "Import {} file{}",
            dialog.items.len(),
            if dialog.items.len() == 1 { "" } else { "s" }
        );
        if ui
            .add_enabled(!dialog.items.is_empty(), egui::Button::new(label))
            .clicked()
        {
            commands.push(Command::RunImport);
        }
        if ui.button("Cancel").clicked() {
            commands.push(Command::CloseImport);
        }
    });
}

fn item_form_ui(ui: &mut egui::Ui, item: &mut ImportItem, index: usize) {
    egui::Grid::new(("import-form", index)).num_columns(2).show(ui, |ui| {
        for (label, value, hint) in [
            ("Session name", &mut item.session, "defaults to the file name"),
            ("App", &mut item.app, "e.g. com.mi.globalbrowser"),
            ("Device", &mut item.device, "e.g. Redmi Note 8"),
            (
                "TLS key log",
                &mut item.keylog,
                "optional: SSLKEYLOGFILE path, decrypts HTTPS in a pcap",
            ),
        ] {
            let label = ui.label(label);
            ui.add(egui::TextEdit::singleline(value).hint_text(hint).desired_width(300.0))
                .labelled_by(label.id);
            ui.end_row();
        }
        ui.label("Mode");
        ui.horizontal(|ui| {
            let palette = Palette::for_ui(ui);
            for mode in Mode::ALL {
                let text = RichText::new(mode_label(mode)).color(palette.mode(mode));
                ui.radio_value(&mut item.mode, mode, text);
            }
        });
        ui.end_row();
    });
}

fn progress_ui(
    ui: &mut egui::Ui,
    dialog: &ImportDialog,
    current: Option<&(std::path::PathBuf, crate::store::ImportProgress)>,
    cancelling: bool,
    commands: &mut Vec<Command>,
) {
    let done = dialog.results.len();
    ui.label(format!(
        "Importing file {} of {}…",
        (done + 1).min(dialog.items.len()),
        dialog.items.len()
    ));
    match current {
        Some((file, progress)) => {
            let fraction = if progress.bytes_total > 0 {
                progress.bytes_done as f32 / progress.bytes_total as f32
            } else {
                0.0
            };
            ui.label(file.display().to_string());
            ui.add(egui::ProgressBar::new(fraction).show_percentage().animate(true));
            ui.label(format!(
                "{} of {} · {} exchanges · {} events",
                human_bytes(progress.bytes_done),
                human_bytes(progress.bytes_total),
                progress.exchanges,
                progress.events
            ));
        }
        None => {
            ui.add(egui::ProgressBar::new(0.0).animate(true));
        }
    }
    ui.add_space(GAP);
    let label = if cancelling { "Cancelling…" } else { "Cancel" };
    if ui
        .add_enabled(!cancelling, egui::Button::new(label))
        .on_hover_text("Stop; the file being imported leaves no trace in the case")
        .clicked()
    {
        commands.push(Command::CancelImport);
    }
}

fn finished_ui(ui: &mut egui::Ui, dialog: &ImportDialog, commands: &mut Vec<Command>) {
    let palette = Palette::for_ui(ui);
    for (file, result) in &dialog.results {
        let name = file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        match result {
            Ok(outcome) => {
                ui.label(format!(
                    "Done: {name} into session `{}`: {} exchanges, {} events ({})",
                    outcome.session, outcome.exchanges, outcome.events, outcome.format
                ));
                for warning in &outcome.warnings {
                    ui.label(RichText::new(format!("   Warning: {warning}")).color(palette.warning));
                }
            }
            Err(message) => {
                ui.label(RichText::new(format!("Failed: {name}: {message}")).color(palette.error));
            }
        }
    }
    if dialog.results.len() < dialog.items.len() {
        ui.label(format!(
            "{} file(s) not imported: the import was cancelled; the case is as it was before them.",
            dialog.items.len() - dialog.results.len()
        ));
    }
    if ui.button("Close").clicked() {
        commands.push(Command::CloseImport);
    }
}
