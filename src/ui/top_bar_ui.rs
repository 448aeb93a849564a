//! The top bar: case name, case and file actions, the view switch, the
//! search / canary box (with "Save as canary…", typed with a kind of
//! personal data) and the theme switch.

use crate::ui::theme::{GAP, Palette};
use crate::window::command::Command;
use crate::window::file_picker::PickPurpose;
use crate::window::state::{AppState, View};
use egui::{Key, KeyboardShortcut, Modifiers, RichText};

/// Ctrl+O: open a case.
pub const OPEN_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
/// Ctrl+I: import captures.
pub const IMPORT_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::I);
/// Ctrl+F: the search box.
pub const SEARCH_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::F);

/// Draws the top bar.
pub fn top_bar_ui(ui: &mut egui::Ui, state: &mut AppState, commands: &mut Vec<Command>) {
    let palette = Palette::for_ui(ui);
    // Below this width the file buttons and the view switch use short words.
    let compact = ui.available_width() < 1500.0;
    ui.horizontal_centered(|ui| {
        ui.label(RichText::new("Telltale").heading().strong().color(palette.incognito));
        let case = state.case.as_ref().map_or("no case open", |c| c.name.as_str());
        let mut name = RichText::new(case).strong();
        if state.is_demo() {
            name = RichText::new(format!("{case} (synthetic)")).strong();
        }
        ui.label(name).on_hover_text(
            state
                .case
                .as_ref()
                .and_then(|c| c.path.as_ref())
                .map_or_else(|| "in memory".to_string(), |p| p.display().to_string()),
        );
        ui.add_space(GAP);
        file_buttons_ui(ui, state, compact, commands);
        ui.separator();
        view_switch_ui(ui, state, compact, commands);
        ui.separator();
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            theme_switch_ui(ui, state, commands);
            search_box_ui(ui, state, compact, commands);
        });
    });
}

fn file_buttons_ui(ui: &mut egui::Ui, state: &AppState, compact: bool, commands: &mut Vec<Command>) {
    let (open_keys, import_keys) = (
        ui.ctx().format_shortcut(&OPEN_SHORTCUT),
        ui.ctx().format_shortcut(&IMPORT_SHORTCUT),
    );
    let (new, open) = if compact {
        ("New…", "Open…")
    } else {
        ("New case…", "Open case…")
    };
    if ui.button(new).on_hover_text("Create an empty case file").clicked() {
        commands.push(Command::ChooseFile(PickPurpose::NewCase));
    }
    if ui
        .button(open)
        .on_hover_text(format!("Open a .telltale case ({open_keys})"))
        .clicked()
    {
        commands.push(Command::ChooseFile(PickPurpose::OpenCase));
    }
    let can_import = state.case.is_some();
    if ui
        .add_enabled(can_import, egui::Button::new("Import…"))
        .on_hover_text(format!(
            "Import {} captures ({import_keys}); or drop files on the window",
            crate::ingest::readable_formats()
        ))
        .clicked()
    {
        commands.push(Command::ChooseFile(PickPurpose::Import));
    }
    if ui
        .add_enabled(can_import && state.export_job.is_none(), egui::Button::new("Export…"))
        .on_hover_text("Write what this view shows as a PDF report, CSV or JSON")
        .clicked()
    {
        commands.push(Command::ShowExport);
    }
}

fn view_switch_ui(ui: &mut egui::Ui, state: &AppState, compact: bool, commands: &mut Vec<Command>) {
    let findings = format!("Findings ({})", state.findings.len());
    for (view, label, hint) in [
        (
            View::Browse,
            "Timeline",
            "Events and requests over time, the tables and the inspector",
        ),
        (
            View::WhatLeft,
            if compact { "What left" } else { "What left the device" },
            "Which personal data went to which company, per mode",
        ),
        (
            View::Compare,
            "Compare",
            "Two sessions side by side: what B still sends",
        ),
        (
            View::Findings,
            findings.as_str(),
            "Every annotated item, ready to export",
        ),
    ] {
        if ui
            .selectable_label(state.view == view, label)
            .on_hover_text(hint)
            .clicked()
        {
            commands.push(Command::SetView(view));
        }
    }
}

fn theme_switch_ui(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    let (label, hint) = if state.settings.dark {
        ("Light theme", "Switch to the light theme")
    } else {
        ("Dark theme", "Switch to the dark theme")
    };
    if ui.button(label).on_hover_text(hint).clicked() {
        commands.push(Command::SetDark(!state.settings.dark));
    }
}

fn search_box_ui(ui: &mut egui::Ui, state: &mut AppState, compact: bool, commands: &mut Vec<Command>) {
    let hint = format!("Search or canary ({})", ui.ctx().format_shortcut(&SEARCH_SHORTCUT));
    // Right-to-left: the button is added first so it sits right of the box.
    let searched = !state.filter.text.is_empty() && state.filter.text.chars().count() >= 3;
    let save = ui
        .add_enabled(
            searched,
            egui::Button::new(if compact { "Canary…" } else { "Save as canary…" }),
        )
        .on_hover_text(
            "Keep this text as a canary (the report lists its hits); say what it is — the phone's \
             advertising id, IMEI, an e-mail — and every hit names that kind of personal data",
        );
    if save.clicked() {
        commands.push(Command::CanaryForm(Some(None)));
    }
    if state.search.running {
        ui.spinner();
    }
    let width = (ui.available_width() - 70.0).clamp(90.0, 260.0);
    let response = ui.add(
        egui::TextEdit::singleline(&mut state.search.text)
            .hint_text(hint)
            .desired_width(width),
    );
    let label = ui.label("Search:");
    let response = response.labelled_by(label.id);
    if state.search.focus_next_frame {
        response.request_focus();
        state.search.focus_next_frame = false;
    }
    let submitted = response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
    let cleared = response.changed() && state.search.text.is_empty();
    if submitted || cleared {
        commands.push(Command::Search(state.search.text.clone()));
    }
    if let Some(kind) = state.search.save_form.clone() {
        canary_form_ui(ui.ctx(), state, kind, commands);
    }
}

/// The "save as canary" window: the text, what it stands for, Save.
fn canary_form_ui(ctx: &egui::Context, state: &AppState, mut kind: Option<String>, commands: &mut Vec<Command>) {
    let needle = state.filter.text.clone();
    let mut open = true;
    egui::Window::new("Save as canary")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::RIGHT_TOP, egui::vec2(-12.0, 52.0))
        .show(ctx, |ui| {
            ui.label(RichText::new(format!("“{needle}”")).strong().monospace());
            ui.label("What is it? (your own value of that kind: the phone's advertising id, IMEI, e-mail …)");
            let chosen = kind.as_deref().and_then(crate::decode::datatypes::kind);
            let text = chosen.map_or_else(
                || "a phrase I typed (no kind)".to_string(),
                |k| format!("{} ({})", k.label, k.name),
            );
            egui::ComboBox::from_id_salt("canary-kind")
                .selected_text(text)
                .width(320.0)
                .show_ui(ui, |ui| {
                    if ui
                        .selectable_label(kind.is_none(), "a phrase I typed (no kind)")
                        .clicked()
                    {
                        kind = None;
                    }
                    for entry in crate::decode::datatypes::VOCABULARY {
                        let label = format!("{} ({})", entry.label, entry.name);
                        if ui
                            .selectable_label(kind.as_deref() == Some(entry.name), label)
                            .clicked()
                        {
                            kind = Some(entry.name.to_string());
                        }
                    }
                });
            if kind != state.search.save_form.clone().flatten() {
                commands.push(Command::CanaryForm(Some(kind.clone())));
            }
            ui.horizontal(|ui| {
                if ui.button("Save canary").clicked() {
                    commands.push(Command::SaveCanary {
                        needle: needle.clone(),
                        data_type: kind.clone(),
                    });
                }
                if ui.button("Cancel").clicked() {
                    commands.push(Command::CanaryForm(None));
                }
            });
        });
    if !open {
        commands.push(Command::CanaryForm(None));
    }
}
