//! The "label this host" window, opened from the inspector and from What
//! left the device: the researcher names the company behind a host, or
//! says it is the app's own (first party) or someone else's (third party).
//! The label is kept in the case with a history (`Case::set_host_label`)
//! and used everywhere, the report included; *Clear* gives the host back
//! to the lists and the session's rules.

use crate::attribution::Party;
use crate::store::HostEdit;
use crate::window::command::Command;
use crate::window::state::HostForm;
use egui::RichText;

/// A small button that opens the form for `host`.
pub fn label_host_button_ui(
    ui: &mut egui::Ui,
    host: &str,
    current: Option<String>,
    current_source: Option<String>,
    commands: &mut Vec<Command>,
) {
    if ui
        .small_button("Label host…")
        .on_hover_text(format!(
            "Name the company behind {host}, or mark it the app's own or a third party"
        ))
        .clicked()
    {
        commands.push(Command::HostForm(Some(HostForm {
            host: host.to_string(),
            current,
            current_source,
            company: String::new(),
            party: None,
        })));
    }
}

/// Draws the form while it is open.
pub fn host_form_ui(ctx: &egui::Context, form: &mut HostForm, commands: &mut Vec<Command>) {
    let mut open = true;
    egui::Window::new("Label host")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
        .show(ctx, |ui| {
            ui.label(RichText::new(&form.host).strong().monospace());
            let now = match (&form.current, &form.current_source) {
                (Some(company), Some(source)) => format!("Now: {company} — {source}"),
                (Some(company), None) => format!("Now: {company}"),
                (None, _) => "Now: no tracker database names it".to_string(),
            };
            ui.label(RichText::new(now).small());
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                ui.label("Company");
                ui.add(
                    egui::TextEdit::singleline(&mut form.company)
                        .hint_text("as the lists say")
                        .desired_width(260.0),
                );
            });
            ui.horizontal(|ui| {
                ui.label("Party");
                ui.radio_value(&mut form.party, None, "as the session's rules say");
                ui.radio_value(&mut form.party, Some(Party::First), "the app's own (first)");
                ui.radio_value(&mut form.party, Some(Party::Third), "a third party");
            });
            ui.label(
                RichText::new("Kept in the case with your name and the time; the report uses it.")
                    .small()
                    .italics(),
            );
            ui.horizontal(|ui| {
                let company = form.company.trim();
                let changes = !company.is_empty() || form.party.is_some();
                if ui.add_enabled(changes, egui::Button::new("Save")).clicked() {
                    commands.push(Command::LabelHost {
                        host: form.host.clone(),
                        edit: HostEdit {
                            company: (!company.is_empty()).then(|| company.to_string()),
                            party: form.party,
                            clear: false,
                        },
                    });
                }
                if ui
                    .button("Clear label")
                    .on_hover_text("Forget your label: the lists and rules decide again")
                    .clicked()
                {
                    commands.push(Command::LabelHost {
                        host: form.host.clone(),
                        edit: HostEdit {
                            clear: true,
                            ..HostEdit::default()
                        },
                    });
                }
                if ui.button("Cancel").clicked() {
                    commands.push(Command::HostForm(None));
                }
            });
        });
    if !open {
        commands.push(Command::HostForm(None));
    }
}
