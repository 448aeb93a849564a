//! The first-run welcome: says the demo is synthetic, and creates one's
//! own case and imports its captures in one step, the mode of each
//! capture chosen right there.

use super::import_ui::item_form_ui;
use super::theme::GAP;
use crate::window::command::Command;
use crate::window::file_picker::PickPurpose;
use crate::window::welcome::WelcomeForm;
use egui::RichText;

/// Draws the welcome window.
pub fn welcome_ui(ctx: &egui::Context, form: &mut WelcomeForm, commands: &mut Vec<Command>) {
    let mut open = true;
    egui::Window::new("Welcome to Telltale")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .default_width(560.0)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.label(RichText::new("What you see behind this window is the demo case: synthetic traffic.").strong());
            ui.add(
                egui::Label::new(
                    "A made-up Android browser, modelled on the 2020 Mi Browser case, recorded once in normal \
                     and once in incognito mode. Nothing in it came from a real phone — explore it freely.",
                )
                .wrap(),
            );
            ui.add_space(GAP);
            ui.label(RichText::new("Start your own case").heading());
            ui.horizontal(|ui| {
                ui.label("Case file:");
                ui.label(RichText::new(form.case_file().display().to_string()).monospace());
                if ui.button("Change…").clicked() {
                    commands.push(Command::ChooseFile(PickPurpose::WelcomeCase));
                }
            });
            ui.horizontal(|ui| {
                if ui
                    .button("Add captures…")
                    .on_hover_text("HAR, mitmproxy, Burp or pcap files; you can also drop them on the window")
                    .clicked()
                {
                    commands.push(Command::ChooseFile(PickPurpose::WelcomeCaptures));
                }
                ui.label(RichText::new("Say for each how it was recorded, so sessions can be compared.").small());
            });
            let mut remove = None;
            egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
                for (index, item) in form.items.iter_mut().enumerate() {
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
                        item_form_ui(ui, item, ("welcome", index));
                    });
                }
            });
            if let Some(index) = remove {
                form.items.remove(index);
            }
            ui.add_space(GAP);
            ui.horizontal(|ui| {
                let missing = form.missing();
                let go = ui
                    .add_enabled(missing.is_none(), egui::Button::new("Create the case and import"))
                    .on_hover_text(missing.unwrap_or("Creates the case file, then imports each capture"));
                if go.clicked() {
                    commands.push(Command::StartCase);
                }
                if ui.button("Explore the demo").clicked() {
                    commands.push(Command::ShowWelcome(false));
                }
            });
        });
    if !open {
        commands.push(Command::ShowWelcome(false));
    }
}
