//! Draws Telltale's own file picker: a path field (type or paste a folder
//! or file, Enter), Up and Home buttons that stay where they are (Up is
//! greyed at the root instead of disappearing), the folder's entries
//! (folders first, side files never), ticks for files to open or a name
//! for a file to write.

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
        .resizable(false)
        .default_width(640.0)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.set_width(640.0);
            ui.horizontal(|ui| {
                let parent = picker.dir.parent().map(std::path::Path::to_path_buf);
                if ui
                    .add_enabled(parent.is_some(), egui::Button::new("Up"))
                    .on_hover_text("Parent folder")
                    .clicked()
                    && let Some(parent) = parent
                {
                    commands.push(Command::PickerNavigate(parent));
                }
                let home = std::env::home_dir();
                if ui.add_enabled(home.is_some(), egui::Button::new("Home")).clicked()
                    && let Some(home) = home
                {
                    commands.push(Command::PickerNavigate(home));
                }
                let label = ui.label("Path:");
                let field = ui
                    .add(
                        egui::TextEdit::singleline(&mut picker.typed)
                            .hint_text("type or paste a folder or file, then Enter")
                            .desired_width(ui.available_width() - 44.0),
                    )
                    .labelled_by(label.id);
                let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if ui.button("Go").clicked() || entered {
                    commands.push(Command::PickerGo(picker.typed.clone()));
                }
            });
            ui.horizontal(|ui| {
                ui.checkbox(&mut picker.show_hidden, "Show hidden files");
                if let Some(extension) = picker.purpose.only_extension() {
                    ui.checkbox(&mut picker.show_all, format!("Show all files (not only .{extension})"));
                }
            });
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
        .min_scrolled_height(300.0)
        .auto_shrink([false, false])
        .show(ui, |ui| {
            match &picker.listing {
                None => {
                    ui.spinner();
                    return;
                }
                Some(Err(message)) => {
                    ui.colored_label(ui.visuals().error_fg_color, message);
                    return;
                }
                Some(Ok(_)) => {}
            }
            let entries: Vec<_> = picker.visible().into_iter().cloned().collect();
            if entries.is_empty() {
                ui.label(RichText::new("Nothing to pick in this folder.").italics());
            }
            for entry in &entries {
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
                            if !picker.purpose.takes_several() {
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
