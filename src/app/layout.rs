//! Where the panels go. Draws only; every panel pushes commands.

use super::TelltaleApp;
use crate::ui::theme::{GAP, LEFT_PANEL_WIDTH, RIGHT_PANEL_WIDTH, TIMELINE_HEIGHT};
use crate::ui::timeline_ui::{TimelineContext, axis_note, legend_ui, timeline_ui};
use crate::ui::{
    compare_ui, export_ui, facets_ui, file_picker_ui, findings_ui, import_ui, inspector_ui, sessions_ui, status_ui,
    table_ui, top_bar_ui,
};
use crate::window::state::View;
use egui::RichText;

impl TelltaleApp {
    pub(super) fn layout_ui(&mut self, ui: &mut egui::Ui) {
        let (state, commands) = (&mut self.state, &mut self.commands);
        egui::Panel::top("top-bar")
            .exact_size(44.0)
            .show(ui, |ui| top_bar_ui::top_bar_ui(ui, state, commands));
        egui::Panel::bottom("status-bar")
            .exact_size(28.0)
            .show(ui, |ui| status_ui::status_ui(ui, state, commands));
        egui::Panel::left("left")
            .resizable(true)
            .default_size(LEFT_PANEL_WIDTH)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().id_salt("left-scroll").show(ui, |ui| {
                    sessions_ui::sessions_ui(ui, state, commands);
                    ui.add_space(GAP);
                    facets_ui::facets_ui(ui, state, commands);
                });
            });
        if state.view == View::Browse {
            egui::Panel::right("inspector")
                .resizable(true)
                .default_size(RIGHT_PANEL_WIDTH)
                .show(ui, |ui| inspector_ui::inspector_ui(ui, state, commands));
        }
        let view = state.view;
        egui::CentralPanel::default().show(ui, |ui| match view {
            View::Browse => self.browse_ui(ui),
            View::Compare => compare_ui::compare_ui(ui, &mut self.state, &mut self.commands),
            View::Findings => findings_ui::findings_ui(ui, &self.state, &mut self.commands),
        });
        self.windows_ui(ui.ctx());
    }

    fn browse_ui(&mut self, ui: &mut egui::Ui) {
        let (state, commands) = (&mut self.state, &mut self.commands);
        egui::Panel::top("timeline")
            .resizable(true)
            .default_size(TIMELINE_HEIGHT)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.strong("What was sent, when");
                    legend_ui(ui, &state.timeline);
                    let mut relative = state.settings.relative_time;
                    if ui
                        .checkbox(&mut relative, "Line sessions up (time since start)")
                        .changed()
                    {
                        commands.push(crate::window::command::Command::SetRelative(relative));
                    }
                    ui.label(RichText::new(axis_note(&state.timeline, state.settings.relative_time)).small());
                });
                ui.label(
                    RichText::new("Drag: select a time range · scroll / middle-drag: pan · Ctrl+scroll: zoom · double-click: show all")
                        .small(),
                );
                let selected_x = selected_x(state);
                let cx = TimelineContext {
                    id_salt: "main-timeline",
                    view: state.view_id,
                    relative: state.settings.relative_time,
                    height: ui.available_height().max(120.0),
                    selected: state.selected,
                    selected_x,
                    range: state.filter.time,
                    link: None,
                    selectable: true,
                };
                timeline_ui(ui, &mut state.timeline, &cx, commands);
            });
        facets_ui::chips_ui(ui, state, commands);
        table_ui::table_ui(ui, state, commands);
    }

    fn windows_ui(&mut self, ctx: &egui::Context) {
        let (state, commands) = (&mut self.state, &mut self.commands);
        if let Some(dialog) = &mut state.import {
            import_ui::import_ui(ctx, dialog, commands);
        }
        if let Some(picker) = &mut state.picker {
            file_picker_ui::file_picker_ui(ctx, picker, commands);
        }
        if let Some(mut form) = state.export {
            export_ui::export_ui(ctx, state, &mut form, commands);
            if state.export.is_some() {
                state.export = Some(form);
            }
        }
        if state.show_warnings {
            status_ui::warnings_ui(ctx, state, commands);
        }
    }
}

/// Plot x of the selected event on the main timeline's axis.
fn selected_x(state: &crate::window::state::AppState) -> Option<f64> {
    let detail = state.detail.as_ref()?;
    let time = detail.event.time_micros;
    if !state.settings.relative_time {
        return Some(crate::window::timeline::x_of(time));
    }
    let start = state
        .timeline
        .reply
        .as_ref()?
        .lanes
        .starts
        .get(&detail.event.session_id)?;
    Some(crate::window::timeline::x_of(time - start))
}
