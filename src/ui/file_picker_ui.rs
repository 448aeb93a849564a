//! Draws Telltale's own file picker: the folder, its entries (folders
//! first), ticks for files to open or a name for a file to write.

use crate::window::command::Command;
use crate::window::file_picker::FilePicker;
use crate::window::import::human_bytes;
use egui::RichText;

/// Draws the picker window.
pub fn file_picker_ui(ctx: &egui::Context, picker: &mut FilePicker, commands: &mut Vec<Command>) {
    let mut open = true;
    egui::Window::new(format!("{} — choose a file", picker.purpose.title()))
        .open(&mut open)
        .collapsible(false)
        .default_size([620.0, 460.0])
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                if let Some(parent) = picker.dir.parent()
                    && ui.button("Up").on_hover_text("Parent folder").clicked()
                {
                    commands.push(Command::PickerNavigate(parent.to_path_buf()));
                }
                if let Some(home) = std::env::home_dir()
                    && ui.button("Home").clicked()
                {
                    commands.push(Command::PickerNavigate(home));
                }
                ui.label(RichText::new(picker.dir.display().to_string()).monospace());
            });
            ui.checkbox(&mut picker.show_hidden, "Show hidden files");
            ui.separator();
            entries_ui(ui, picker, commands);
            ui.separator();
            footer_ui(ui, picker, commands);
        });
    if !open {
        commands.push(Command::ClosePicker);
    }
}

fn entries_ui(ui: &mut egui::Ui, picker: &mut FilePicker, commands: &mut Vec<Command>) {
    egui::ScrollArea::vertical()
        .max_height(300.0)
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let entries = match &picker.listing {
                None => {
                    ui.spinner();
                    return;
                }
                Some(Err(message)) => {
                    ui.colored_label(ui.visuals().error_fg_color, message);
                    return;
                }
                Some(Ok(entries)) => entries.clone(),
            };
            for entry in entries
                .iter()
                .filter(|e| picker.show_hidden || !e.name.starts_with('.'))
            {
                if entry.is_dir {
                    if ui.selectable_label(false, format!("{}/", entry.name)).clicked() {
                        commands.push(Command::PickerNavigate(entry.path.clone()));
                    }
                    continue;
                }
                let label = format!("{}   {}", entry.name, human_bytes(entry.size_bytes));
                if picker.purpose.saves() {
                    if ui.selectable_label(picker.file_name == entry.name, label).clicked() {
                        picker.file_name = entry.name.clone();
                    }
                } else {
                    let mut ticked = picker.chosen.contains(&entry.path);
                    if ui.checkbox(&mut ticked, label).changed() {
                        if ticked {
                            if picker.purpose != crate::window::file_picker::PickPurpose::Import {
                                picker.chosen.clear();
                            }
                            picker.chosen.insert(entry.path.clone());
                        } else {
                            picker.chosen.remove(&entry.path);
                        }
                    }
                }
            }
        });
}

fn footer_ui(ui: &mut egui::Ui, picker: &mut FilePicker, commands: &mut Vec<Command>) {
    if picker.purpose.saves() {
        ui.horizontal(|ui| {
            let label = ui.label("File name:");
            ui.add(egui::TextEdit::singleline(&mut picker.file_name).desired_width(320.0))
                .labelled_by(label.id);
        });
    }
    let result = picker.result();
    ui.horizontal(|ui| {
        let action = if picker.purpose.saves() { "Save here" } else { "Open" };
        if ui.add_enabled(!result.is_empty(), egui::Button::new(action)).clicked() {
            commands.push(Command::FilesChosen(picker.purpose, result.clone()));
        }
        if ui.button("Cancel").clicked() {
            commands.push(Command::ClosePicker);
        }
        if !picker.purpose.saves() {
            ui.label(format!("{} chosen", result.len()));
        }
    });
}
