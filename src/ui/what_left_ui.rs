//! "What left the device": per app, one row per company (or host of no
//! known company) with its SDKs, hosts, countries and networks, and one
//! column per mode — normal beside incognito — listing the kinds of
//! personal data that went there. A kind sent in one mode only is marked.
//! Named third parties first, then third parties no tracker database
//! knows (open: they are someone else's servers), then the app's own
//! servers and the sites visited (folded). Every row can be labelled.
//! A click on a cell (or on one kind in it) opens the requests and events
//! behind it in the browse view.

use super::theme::{BADGE_ROUNDING, GAP, Palette, mode_badge_ui, mode_label};
use crate::attribution::Party;
use crate::model::Mode;
use crate::window::command::{Command, WhatLeftCell};
use crate::window::state::AppState;
use crate::window::what_left::{AppBlock, Cell, Recipient, what_left};
use egui::RichText;

/// Draws the view.
pub fn what_left_ui(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    ui.heading("What left the device");
    ui.label(
        RichText::new(
            "Which kinds of personal data each app sent, to which company, through which SDK, to which hosts and countries — per mode. Click a cell to see the requests and events behind it.",
        )
        .small(),
    );
    let Some(rows) = &state.summary.rows else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Summing up the case…");
        });
        return;
    };
    let blocks = what_left(rows, &state.filter.hidden_sessions);
    if blocks.is_empty() {
        ui.label(RichText::new("Nothing was sent to a known company, and no personal data was named.").italics());
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("what-left")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for block in &blocks {
                block_ui(ui, block, commands);
                ui.add_space(2.0 * GAP);
            }
        });
}

fn block_ui(ui: &mut egui::Ui, block: &AppBlock, commands: &mut Vec<Command>) {
    let palette = Palette::for_ui(ui);
    ui.horizontal_wrapped(|ui| {
        ui.strong(RichText::new(block.app.as_deref().unwrap_or("(app not named)")).heading());
        for (index, mode) in block.modes.iter().enumerate() {
            let (requests, kinds) = block.totals(index);
            mode_badge_ui(ui, *mode);
            ui.label(format!("{requests} requests · {kinds} kinds of personal data"));
        }
    });
    if block.modes.len() > 1 {
        ui.label(
            RichText::new("Outlined: sent in this mode and not in the other.")
                .small()
                .color(palette.difference),
        );
    }
    let named: Vec<&Recipient> = block
        .recipients
        .iter()
        .filter(|r| r.party == Party::Third && r.company.is_some())
        .collect();
    let unlisted: Vec<&Recipient> = block.recipients.iter().filter(|r| r.is_unlisted()).collect();
    let own: Vec<&Recipient> = block.recipients.iter().filter(|r| r.party == Party::First).collect();
    recipients_grid_ui(ui, block, &named, "named", commands);
    let app = block.app.as_deref().unwrap_or("");
    if !unlisted.is_empty() {
        let title = format!(
            "Third parties not in any tracker database ({}) — someone else's servers; label them if you know whose",
            unlisted.len()
        );
        egui::CollapsingHeader::new(RichText::new(title).strong())
            .id_salt(("what-left-unlisted", app))
            .default_open(true)
            .show(ui, |ui| recipients_grid_ui(ui, block, &unlisted, "unlisted", commands));
    }
    if let Some(first) = own.first() {
        let hosts = first.hosts.len();
        let title = format!(
            "The app's own servers and the sites visited ({hosts} {}) — first party",
            if hosts == 1 { "host" } else { "hosts" }
        );
        egui::CollapsingHeader::new(RichText::new(title).strong())
            .id_salt(("what-left-own", app))
            .default_open(named.is_empty() && unlisted.is_empty())
            .show(ui, |ui| recipients_grid_ui(ui, block, &own, "own", commands));
    }
}

/// One row per recipient, one column per mode.
fn recipients_grid_ui(
    ui: &mut egui::Ui,
    block: &AppBlock,
    recipients: &[&Recipient],
    part: &str,
    commands: &mut Vec<Command>,
) {
    if recipients.is_empty() {
        return;
    }
    let palette = Palette::for_ui(ui);
    let columns = 1 + block.modes.len();
    let cell_width = ((ui.available_width() - 260.0) / block.modes.len() as f32).max(220.0);
    egui::Grid::new(("what-left", block.app.as_deref().unwrap_or(""), part))
        .num_columns(columns)
        .striped(true)
        .spacing([GAP, GAP])
        .min_col_width(200.0)
        .show(ui, |ui| {
            ui.strong("To whom, where");
            for mode in &block.modes {
                ui.label(RichText::new(mode_label(*mode)).strong().color(palette.mode(*mode)));
            }
            ui.end_row();
            for recipient in recipients {
                recipient_ui(ui, recipient, commands);
                for (index, mode) in block.modes.iter().enumerate() {
                    ui.vertical(|ui| {
                        ui.set_max_width(cell_width);
                        match recipient.cells.get(index).and_then(Option::as_ref) {
                            Some(cell) => cell_ui(ui, block, recipient, *mode, cell, commands),
                            None => {
                                ui.label(RichText::new("nothing sent").italics().color(palette.text_muted));
                            }
                        }
                    });
                }
                ui.end_row();
            }
        });
}

fn recipient_ui(ui: &mut egui::Ui, recipient: &Recipient, commands: &mut Vec<Command>) {
    let palette = Palette::for_ui(ui);
    ui.vertical(|ui| {
        ui.set_max_width(260.0);
        let label = recipient.label();
        ui.horizontal(|ui| {
            let key = recipient.company.as_deref().unwrap_or(&label);
            super::theme::swatch_ui(ui, palette.tracker(key));
            ui.label(RichText::new(&label).strong().color(palette.text_strong));
        });
        let evidence = match (&recipient.evidence, recipient.company_guess) {
            (Some(evidence), true) => Some(format!("a guess: {evidence}")),
            (Some(evidence), false) => Some(format!("named by {evidence}")),
            (None, _) if recipient.is_unlisted() => Some(crate::store::UNLISTED_THIRD_PARTY.to_string()),
            (None, _) => None,
        };
        if let Some(evidence) = evidence {
            let colour = if recipient.company_guess || recipient.is_unlisted() {
                palette.difference
            } else {
                palette.text_muted
            };
            ui.add(egui::Label::new(RichText::new(evidence).small().color(colour)).wrap());
        }
        let mut facts = Vec::new();
        if let Some(category) = &recipient.category {
            facts.push(category.clone());
        }
        // `generic` is Telltale's fallback decoder, not an SDK.
        let sdks: Vec<&str> = recipient
            .trackers
            .iter()
            .map(String::as_str)
            .filter(|t| *t != "generic")
            .collect();
        if !sdks.is_empty() {
            facts.push(format!("SDK: {}", sdks.join(", ")));
        }
        if !facts.is_empty() {
            ui.add(egui::Label::new(RichText::new(facts.join(" · ")).small()).wrap());
        }
        ui.add(egui::Label::new(RichText::new(recipient.hosts.join(", ")).small().monospace()).wrap());
        let mut place = recipient.countries.join(", ");
        if !recipient.orgs.is_empty() {
            place = format!("{place} · {}", recipient.orgs.join(", "));
        }
        if !place.is_empty() {
            ui.add(egui::Label::new(RichText::new(place).small().color(palette.text_muted)).wrap());
        }
        label_menu_ui(ui, recipient, &label, commands);
    });
}

/// "Label host…": one host opens the form; several are picked from a menu.
fn label_menu_ui(ui: &mut egui::Ui, recipient: &Recipient, label: &str, commands: &mut Vec<Command>) {
    let current = recipient.company.as_ref().map(|_| label.to_string());
    let source = recipient.evidence.clone();
    match recipient.hosts.as_slice() {
        [] => {}
        [host] => super::host_label_ui::label_host_button_ui(ui, host, current, source, commands),
        hosts => {
            ui.menu_button(RichText::new("Label a host…").small(), |ui| {
                for host in hosts {
                    if ui.button(RichText::new(host).monospace().small()).clicked() {
                        commands.push(Command::HostForm(Some(crate::window::state::HostForm {
                            host: host.clone(),
                            current: current.clone(),
                            current_source: source.clone(),
                            company: String::new(),
                            party: None,
                        })));
                        ui.close();
                    }
                }
            });
        }
    }
}

fn cell_ui(
    ui: &mut egui::Ui,
    block: &AppBlock,
    recipient: &Recipient,
    mode: Mode,
    cell: &Cell,
    commands: &mut Vec<Command>,
) {
    let palette = Palette::for_ui(ui);
    let open = |data_type: Option<String>| {
        Command::OpenWhatLeft(WhatLeftCell {
            app: block.app.clone(),
            mode,
            company: recipient.company.clone(),
            hosts: recipient.hosts.clone(),
            data_type,
            sessions: cell.sessions.clone(),
        })
    };
    let summary = format!("{} requests · {} events", cell.requests, cell.events);
    if ui
        .link(RichText::new(summary).small())
        .on_hover_text("Show these requests and events")
        .clicked()
    {
        commands.push(open(None));
    }
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing = egui::vec2(4.0, 4.0);
        for data in &cell.types {
            let label = crate::decode::datatypes::kind(&data.kind).map_or(data.kind.as_str(), |k| k.label);
            let text = if data.only_here {
                RichText::new(label).strong().color(palette.difference)
            } else {
                RichText::new(label).color(palette.text)
            };
            let mut chip = egui::Button::new(text.small())
                .fill(palette.chip_fill)
                .corner_radius(egui::CornerRadius::same(BADGE_ROUNDING));
            if data.only_here {
                chip = chip.stroke(egui::Stroke::new(1.5, palette.difference));
            }
            let hover = format!(
                "{} · {} requests · e.g. {}{}",
                data.kind,
                data.requests,
                data.example_value,
                if data.only_here {
                    format!("\nSent in {} mode only", mode_label(mode))
                } else {
                    String::new()
                }
            );
            if ui.add(chip).on_hover_text(hover).clicked() {
                commands.push(open(Some(data.kind.clone())));
            }
        }
        if cell.types.is_empty() {
            ui.label(
                RichText::new("no personal data named")
                    .small()
                    .color(palette.text_muted),
            );
        }
    });
}
