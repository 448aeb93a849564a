//! The left panel's top: every session with its mode badge, app, device
//! and counts, and a checkbox that shows or hides it everywhere.

use crate::store::SessionRow;
use crate::ui::theme::{GAP_SMALL, Palette, mode_badge_ui};
use crate::window::command::Command;
use crate::window::state::AppState;
use egui::RichText;

/// Draws the session list.
pub fn sessions_ui(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    ui.heading("Sessions");
    if state.sessions.is_empty() {
        let text = if state.opening || state.case.is_none() {
            "Opening the case…"
        } else {
            "No sessions yet. Import a capture (Import… or drop files here)."
        };
        ui.label(RichText::new(text).italics());
        return;
    }
    for session in &state.sessions {
        session_ui(ui, state, session, commands);
        ui.add_space(GAP_SMALL);
    }
}

fn session_ui(ui: &mut egui::Ui, state: &AppState, session: &SessionRow, commands: &mut Vec<Command>) {
    let palette = Palette::for_ui(ui);
    let mut shown = !state.filter.hidden_sessions.contains(&session.id);
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.0, palette.mode(session.mode).gamma_multiply(0.6)))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            // Long file names are cut, never widen the panel.
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
            ui.horizontal(|ui| {
                if ui.checkbox(&mut shown, RichText::new(&session.name).strong()).changed() {
                    commands.push(Command::ToggleSession(session.id));
                }
                mode_badge_ui(ui, session.mode);
            });
            let app = session.app.as_deref().unwrap_or("app not named");
            let device = session.device.as_deref().unwrap_or("device not named");
            ui.label(
                RichText::new(format!("{app} · {device}"))
                    .small()
                    .color(palette.text_muted),
            );
            ui.label(
                RichText::new(format!(
                    "{} requests · {} events",
                    session.exchange_count, session.event_count
                ))
                .small(),
            );
        });
}
