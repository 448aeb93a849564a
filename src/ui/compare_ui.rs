//! The compare view: pick sessions A and B, see their lanes one above the
//! other on a shared relative time axis, and the diff table — tracker,
//! event, field, count in A, count in B — with what B still sends
//! highlighted. A row click filters the main view to both sessions.

use super::theme::{Palette, ROW_HEIGHT, mode_badge_ui};
use super::timeline_ui::{TimelineContext, timeline_ui};
use crate::model::{Mode, SessionId};
use crate::window::command::Command;
use crate::window::state::AppState;
use egui::RichText;
use egui_extras::{Column, TableBuilder};

/// Draws the compare view.
pub fn compare_ui(ui: &mut egui::Ui, state: &mut AppState, commands: &mut Vec<Command>) {
    if state.sessions.len() < 2 {
        ui.heading("Compare");
        ui.label("Import at least two sessions (e.g. normal and incognito) to compare them.");
        return;
    }
    pickers_ui(ui, state, commands);
    ui.separator();
    lanes_ui(ui, state, commands);
    ui.separator();
    diff_table_ui(ui, state, commands);
}

fn pickers_ui(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.heading("Compare");
        let (a, b) = (state.compare.a, state.compare.b);
        if let Some(picked) = session_picker_ui(ui, state, "Session A", a) {
            commands.push(Command::PickCompare { a: Some(picked), b });
        }
        ui.label("with");
        if let Some(picked) = session_picker_ui(ui, state, "Session B", b) {
            commands.push(Command::PickCompare { a, b: Some(picked) });
        }
        if ui
            .button("Swap A and B")
            .on_hover_text("Compare the other way round")
            .clicked()
        {
            commands.push(Command::PickCompare { a: b, b: a });
        }
        if state.compare.running {
            ui.spinner();
        }
    });
}

fn session_picker_ui(
    ui: &mut egui::Ui,
    state: &AppState,
    label: &str,
    current: Option<SessionId>,
) -> Option<SessionId> {
    let text = current
        .and_then(|id| state.session(id))
        .map_or_else(|| "choose…".to_string(), |s| format!("{} ({})", s.name, s.mode));
    let mut picked = None;
    ui.label(label);
    egui::ComboBox::from_id_salt(label)
        .selected_text(text)
        .show_ui(ui, |ui| {
            for session in &state.sessions {
                let text = format!("{} ({})", session.name, session.mode);
                if ui.selectable_label(current == Some(session.id), text).clicked() {
                    picked = Some(session.id);
                }
            }
        });
    picked
}

fn lanes_ui(ui: &mut egui::Ui, state: &mut AppState, commands: &mut Vec<Command>) {
    let link = egui::Id::unique("compare-time");
    let height = 120.0;
    for (label, session, model) in [
        ("A", state.compare.a, state.compare.timeline_a.as_mut()),
        ("B", state.compare.b, state.compare.timeline_b.as_mut()),
    ] {
        let (Some(session), Some(model)) = (session, model) else {
            continue;
        };
        let Some(row) = state.sessions.iter().find(|s| s.id == session) else {
            continue;
        };
        ui.horizontal(|ui| {
            ui.strong(format!("{label}: {}", row.name));
            mode_badge_ui(ui, row.mode);
            ui.label(RichText::new("time since the session's first event").small());
        });
        let cx = TimelineContext {
            id_salt: if label == "A" { "compare-a" } else { "compare-b" },
            view: state.view_id,
            relative: true,
            height,
            selected: state.selected,
            selected_x: None,
            range: None,
            link: Some(link),
            selectable: false,
        };
        timeline_ui(ui, model, &cx, commands);
    }
}

fn diff_table_ui(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    let Some(result) = &state.compare.result else {
        if state.compare.running {
            ui.label("Comparing…");
        }
        return;
    };
    let palette = Palette::for_ui(ui);
    let b_mode = state.compare.b.and_then(|b| state.session(b)).map(|s| s.mode);
    let both = result
        .rows
        .iter()
        .filter(|r| r.count_a > 0 && r.count_b > 0 && r.field.is_empty())
        .count();
    let still = if b_mode == Some(Mode::Incognito) {
        "still sent in incognito"
    } else {
        "sent by B"
    };
    ui.label(RichText::new(format!(
        "{} event kinds in both sessions; highlighted rows are {still}. Click a row to see those events.",
        both
    )));
    ui.style_mut().interaction.selectable_labels = false;
    TableBuilder::new(ui)
        .id_salt("compare-diff")
        .striped(true)
        .sense(egui::Sense::click())
        .auto_shrink([false, false])
        .column(Column::initial(140.0).clip(true))
        .column(Column::initial(160.0).clip(true))
        .column(Column::initial(260.0).clip(true))
        .column(Column::initial(90.0))
        .column(Column::remainder().at_least(90.0))
        .header(super::theme::HEADER_HEIGHT, |mut header| {
            for title in [
                "Tracker",
                "Event",
                "Field",
                &format!("A: {}", result.a),
                &format!("B: {}", result.b),
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, result.rows.len(), |mut row| {
                let Some(data) = result.rows.get(row.index()) else {
                    return;
                };
                let highlight = data.count_b > 0;
                let fill = |ui: &mut egui::Ui| {
                    if highlight {
                        ui.painter().rect_filled(ui.max_rect(), 0.0, palette.difference_fill);
                    }
                };
                row.col(|ui| {
                    fill(ui);
                    ui.label(RichText::new(&data.tracker).color(palette.tracker(&data.tracker)));
                });
                row.col(|ui| {
                    fill(ui);
                    ui.label(&data.event);
                });
                row.col(|ui| {
                    fill(ui);
                    let field = if data.field.is_empty() {
                        "(the event itself)"
                    } else {
                        data.field.as_str()
                    };
                    ui.label(RichText::new(field).monospace());
                });
                row.col(|ui| {
                    fill(ui);
                    ui.label(data.count_a.to_string());
                });
                row.col(|ui| {
                    fill(ui);
                    let text = RichText::new(data.count_b.to_string());
                    ui.label(if highlight {
                        text.strong().color(palette.incognito)
                    } else {
                        text
                    });
                });
                if row.response().clicked() {
                    commands.push(Command::FilterToCompareRow(data.clone()));
                }
            });
        });
}
