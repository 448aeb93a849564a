//! The top bar: case name, case and file actions, the view switch, the
//! search / canary box and the theme switch.

use crate::app::commands::Command;
use crate::app::state::{AppState, View};
use crate::ui::file_picker::PickPurpose;
use crate::ui::theme::{GAP, Palette};
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
    ui.horizontal_centered(|ui| {
        ui.label(RichText::new("Telltale").heading().strong().color(palette.incognito));
        let case = state.case.as_ref().map_or("no case open", |c| c.name.as_str());
        ui.label(RichText::new(case).heading()).on_hover_text(
            state
                .case
                .as_ref()
                .and_then(|c| c.path.as_ref())
                .map_or_else(|| "in memory".to_string(), |p| p.display().to_string()),
        );
        ui.add_space(GAP);
        file_buttons_ui(ui, state, commands);
        ui.separator();
        view_switch_ui(ui, state, commands);
        ui.separator();
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            theme_switch_ui(ui, state, commands);
            search_box_ui(ui, state, commands);
        });
    });
}

fn file_buttons_ui(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    let (open_keys, import_keys) = (
        ui.ctx().format_shortcut(&OPEN_SHORTCUT),
        ui.ctx().format_shortcut(&IMPORT_SHORTCUT),
    );
    if ui
        .button("New case…")
        .on_hover_text("Create an empty case file")
        .clicked()
    {
        commands.push(Command::ChooseFile(PickPurpose::NewCase));
    }
    if ui
        .button("Open case…")
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
        .add_enabled(can_import && !state.exporting, egui::Button::new("Export…"))
        .on_hover_text("Write findings as CSV, JSON or a PDF report")
        .clicked()
    {
        commands.push(Command::ShowExport);
    }
}

fn view_switch_ui(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    let findings = format!("Findings ({})", state.findings.len());
    for (view, label) in [
        (View::Browse, "Timeline"),
        (View::Compare, "Compare"),
        (View::Findings, findings.as_str()),
    ] {
        if ui.selectable_label(state.view == view, label).clicked() {
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

fn search_box_ui(ui: &mut egui::Ui, state: &mut AppState, commands: &mut Vec<Command>) {
    let hint = format!("Search or canary ({})", ui.ctx().format_shortcut(&SEARCH_SHORTCUT));
    if state.search.running {
        ui.spinner();
    }
    // Right-to-left: the box is added first so its label sits left of it.
    let response = ui.add(
        egui::TextEdit::singleline(&mut state.search.text)
            .hint_text(hint)
            .desired_width(260.0),
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
}
