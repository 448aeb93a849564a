//! Where the panels go. Draws only; every panel pushes commands.
//!
//! From 1280×720 up: below [`SMALL_SCREEN_WIDTH`] the side panels start
//! narrower, the timeline lower, and the tables drop their least important
//! columns first (see `table_ui.rs`).

use super::TelltaleApp;
use crate::ui::theme::{GAP, LEFT_PANEL_WIDTH, RIGHT_PANEL_WIDTH, SMALL_SCREEN_WIDTH, TIMELINE_HEIGHT};
use crate::ui::timeline_ui::{TimelineContext, axis_note, legend_ui, timeline_ui};
use crate::ui::{
    compare_ui, export_ui, facets_ui, file_picker_ui, findings_ui, host_label_ui, import_ui, inspector_ui, requests_ui,
    sessions_ui, status_ui, table_ui, top_bar_ui, welcome_ui, what_left_ui,
};
use crate::window::command::Command;
use crate::window::state::{AppState, Detail, RowsShown, View};
use egui::RichText;

impl TelltaleApp {
    pub(super) fn layout_ui(&mut self, ui: &mut egui::Ui) {
        let small = ui.ctx().content_rect().width() < SMALL_SCREEN_WIDTH;
        let (state, commands) = (&mut self.state, &mut self.commands);
        egui::Panel::top("top-bar")
            .exact_size(44.0)
            .show(ui, |ui| top_bar_ui::top_bar_ui(ui, state, commands));
        egui::Panel::bottom("status-bar")
            .exact_size(28.0)
            .show(ui, |ui| status_ui::status_ui(ui, state, commands));
        egui::Panel::left("left")
            .resizable(true)
            .default_size(if small { 210.0 } else { LEFT_PANEL_WIDTH })
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
                .default_size(if small { 340.0 } else { RIGHT_PANEL_WIDTH })
                .show(ui, |ui| inspector_ui::inspector_ui(ui, state, commands));
        }
        let view = state.view;
        egui::CentralPanel::default().show(ui, |ui| match view {
            View::Browse => self.browse_ui(ui, small),
            View::WhatLeft => what_left_ui::what_left_ui(ui, &self.state, &mut self.commands),
            View::Compare => compare_ui::compare_ui(ui, &mut self.state, &mut self.commands),
            View::Findings => findings_ui::findings_ui(ui, &self.state, &mut self.commands),
        });
        self.windows_ui(ui.ctx());
    }

    fn browse_ui(&mut self, ui: &mut egui::Ui, small: bool) {
        let (state, commands) = (&mut self.state, &mut self.commands);
        egui::Panel::top("timeline")
            .resizable(true)
            .default_size(if small { 200.0 } else { TIMELINE_HEIGHT })
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.strong("What was sent, when");
                    legend_ui(ui, &state.timeline);
                });
                ui.horizontal_wrapped(|ui| {
                    let mut relative = state.settings.relative_time;
                    if ui
                        .checkbox(&mut relative, "Line sessions up (time since start)")
                        .changed()
                    {
                        commands.push(Command::SetRelative(relative));
                    }
                    // No label while the dates are unknown: an empty label in
                    // a wrapped row sent the next one back over the checkbox.
                    let note = axis_note(&state.timeline, state.settings.relative_time);
                    if !note.is_empty() {
                        ui.label(RichText::new(note).small());
                    }
                    ui.label(
                        RichText::new("Drag: select a time range · scroll / middle-drag: pan · Ctrl+scroll: zoom · double-click: show all")
                            .small(),
                    );
                });
                let selected_x = selected_x(state);
                let cx = TimelineContext {
                    id_salt: "main-timeline",
                    view: state.view_id,
                    relative: state.settings.relative_time,
                    height: ui.available_height().max(100.0),
                    selected: state.selected,
                    selected_x,
                    range: state.filter.time,
                    link: None,
                    selectable: true,
                    empty_text: format!(
                        "{} The Requests table lists every request.",
                        state.empty_view_text("events or tracker requests")
                    ),
                };
                timeline_ui(ui, &mut state.timeline, &cx, commands);
            });
        facets_ui::chips_ui(ui, state, commands);
        table_ui::rows_switch_ui(ui, state, commands);
        match state.rows_shown {
            RowsShown::Events => table_ui::table_ui(ui, state, commands),
            RowsShown::Requests => requests_ui::requests_ui(ui, state, commands),
        }
    }

    fn windows_ui(&mut self, ctx: &egui::Context) {
        let (state, commands) = (&mut self.state, &mut self.commands);
        if let Some(form) = &mut state.welcome {
            welcome_ui::welcome_ui(ctx, form, commands);
        }
        if let Some(dialog) = &mut state.import {
            import_ui::import_ui(ctx, dialog, commands);
        }
        if let Some(mut form) = state.export {
            export_ui::export_ui(ctx, state, &mut form, commands);
            if state.export.is_some() {
                state.export = Some(form);
            }
        }
        if let Some(job) = &state.export_job {
            export_ui::export_progress_ui(ctx, job, commands);
        }
        if let Some(picker) = &mut state.picker {
            file_picker_ui::file_picker_ui(ctx, picker, commands);
        }
        if let Some(form) = &mut state.host_form {
            host_label_ui::host_form_ui(ctx, form, commands);
        }
        if state.show_warnings {
            status_ui::warnings_ui(ctx, state, commands);
        }
    }
}

/// Plot x of the selected event or request on the main timeline's axis.
fn selected_x(state: &AppState) -> Option<f64> {
    let (time, session) = match state.detail.as_ref()? {
        Detail::Event(d) => (d.event.time_micros, d.event.session_id),
        Detail::Request(d) => (d.request.time_micros, d.request.session_id),
    };
    if !state.settings.relative_time {
        return Some(crate::window::timeline::x_of(time));
    }
    let start = state.timeline.reply.as_ref()?.lanes.starts.get(&session)?;
    Some(crate::window::timeline::x_of(time - start))
}
