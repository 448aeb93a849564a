//! Draws the event table: a virtualized `egui_extras` table over the pages
//! in [`TableModel`](crate::window::table::TableModel). Rows not yet arrived are
//! drawn as grey placeholders and asked for; headers sort; a click selects.

use super::theme::{HEADER_HEIGHT, Palette, ROW_HEIGHT, mode_label};
use crate::model::Mode;
use crate::store::{ListRow, SortColumn};
use crate::window::command::Command;
use crate::window::state::AppState;
use chrono::{DateTime, Utc};
use egui::{RichText, Sense};
use egui_extras::{Column, TableBuilder};

/// The columns: header, sort key (none for the annotation mark), width.
const COLUMNS: [(&str, Option<SortColumn>, f32); 9] = [
    ("Time (UTC)", Some(SortColumn::Time), 112.0),
    ("Session", Some(SortColumn::Session), 78.0),
    ("App", Some(SortColumn::App), 130.0),
    ("Mode", Some(SortColumn::Mode), 80.0),
    ("Tracker · company", Some(SortColumn::Tracker), 120.0),
    ("Event", Some(SortColumn::Event), 112.0),
    ("Key field", Some(SortColumn::KeyField), 280.0),
    ("Decode path", Some(SortColumn::DecodePath), 220.0),
    ("Note", None, 40.0),
];

/// Draws the table of the current view.
pub fn table_ui(ui: &mut egui::Ui, state: &mut AppState, commands: &mut Vec<Command>) {
    let Some(count) = state.table.count else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Counting events…");
        });
        return;
    };
    if count == 0 {
        ui.label(RichText::new("No events match the filters.").italics());
        return;
    }
    egui::ScrollArea::horizontal()
        .id_salt("events-wide")
        .show(ui, |ui| rows_ui(ui, state, count, commands));
}

fn rows_ui(ui: &mut egui::Ui, state: &mut AppState, count: u64, commands: &mut Vec<Command>) {
    // A click anywhere on a row selects it; selectable text would swallow it.
    ui.style_mut().interaction.selectable_labels = false;
    let mut builder = TableBuilder::new(ui)
        .id_salt("events")
        .striped(true)
        .sense(Sense::click())
        .resizable(true)
        .auto_shrink([false, false])
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
    for (_, _, width) in COLUMNS {
        builder = builder.column(Column::initial(width).at_least(36.0).clip(true));
    }
    if let Some(index) = state.table.scroll_to.take() {
        builder = builder.scroll_to_row(usize::try_from(index).unwrap_or(usize::MAX), Some(egui::Align::Center));
    }
    let mut visible: Option<(u64, u64)> = None;
    let table = builder.header(HEADER_HEIGHT, |mut header| {
        for (title, column, _) in COLUMNS {
            header.col(|ui| header_cell_ui(ui, state, title, column, commands));
        }
    });
    let rows = usize::try_from(count).unwrap_or(usize::MAX);
    table.body(|body| {
        body.rows(ROW_HEIGHT, rows, |mut row| {
            let index = row.index() as u64;
            visible = Some(visible.map_or((index, index), |(a, b)| (a.min(index), b.max(index))));
            row.set_selected(state.table.selected_index == Some(index));
            match state.table.row(index) {
                Some(data) => row_cells_ui(&mut row, data),
                None => placeholder_cells_ui(&mut row),
            }
            if row.response().clicked() {
                commands.push(Command::SelectIndex(index));
            }
        });
    });
    if let Some((first, last)) = visible {
        // One page of slack both ways keeps scrolling free of placeholders.
        let start = first.saturating_sub(crate::window::table::PAGE_ROWS / 2);
        commands.push(Command::FetchRows(
            start..(last + crate::window::table::PAGE_ROWS / 2).min(count),
        ));
    }
}

fn header_cell_ui(
    ui: &mut egui::Ui,
    state: &AppState,
    title: &str,
    column: Option<SortColumn>,
    commands: &mut Vec<Command>,
) {
    let Some(column) = column else {
        ui.strong(title);
        return;
    };
    let response = ui
        .add(egui::Button::new(RichText::new(title).strong()).frame(false))
        .on_hover_text(format!("Sort by {}", title.to_lowercase()));
    if response.clicked() {
        commands.push(Command::SortBy(column));
    }
    if state.sort.column == column {
        sort_arrow_ui(ui, state.sort.descending);
    }
}

/// A painted triangle: up for ascending, down for descending.
fn sort_arrow_ui(ui: &mut egui::Ui, descending: bool) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), Sense::hover());
    let (c, r) = (rect.center(), 4.0);
    let points = if descending {
        vec![
            c + egui::vec2(-r, -r / 2.0),
            c + egui::vec2(r, -r / 2.0),
            c + egui::vec2(0.0, r),
        ]
    } else {
        vec![
            c + egui::vec2(-r, r / 2.0),
            c + egui::vec2(r, r / 2.0),
            c + egui::vec2(0.0, -r),
        ]
    };
    let colour = ui.visuals().strong_text_color();
    ui.painter()
        .add(egui::Shape::convex_polygon(points, colour, egui::Stroke::NONE));
}

fn row_cells_ui(row: &mut egui_extras::TableRow<'_, '_>, data: &ListRow) {
    row.col(|ui| {
        ui.label(RichText::new(table_time(data.time_micros)).monospace());
    });
    row.col(|ui| {
        ui.label(&data.session);
    });
    row.col(|ui| {
        ui.label(data.app.as_deref().unwrap_or("—"));
    });
    row.col(|ui| {
        let palette = Palette::for_ui(ui);
        let text = RichText::new(mode_label(data.mode)).color(palette.mode(data.mode));
        ui.label(if data.mode == Mode::Incognito {
            text.strong()
        } else {
            text
        });
    });
    row.col(|ui| {
        let palette = Palette::for_ui(ui);
        let company = data.company.as_deref().map(|c| format!(" · {c}")).unwrap_or_default();
        super::theme::swatch_ui(ui, palette.tracker(&data.tracker));
        ui.label(RichText::new(format!("{}{company}", data.tracker)).color(palette.tracker(&data.tracker)));
    });
    row.col(|ui| {
        ui.label(&data.event);
    });
    row.col(|ui| {
        ui.label(data.key_field.as_deref().unwrap_or(""));
    });
    row.col(|ui| {
        ui.label(RichText::new(&data.decode_path).small());
    });
    row.col(|ui| {
        if let Some(severity) = data.severity {
            let palette = Palette::for_ui(ui);
            super::theme::swatch_ui(ui, palette.severity(severity)).on_hover_text(format!("Annotated: {severity}"));
        }
    });
}

fn placeholder_cells_ui(row: &mut egui_extras::TableRow<'_, '_>) {
    for _ in COLUMNS {
        row.col(|ui| {
            let palette = Palette::for_ui(ui);
            let (rect, _) = ui.allocate_exact_size(egui::vec2(ui.available_width() * 0.7, 8.0), Sense::hover());
            ui.painter().rect_filled(rect, 3.0, palette.placeholder);
        });
    }
}

/// `04-20 10:00:05` for the table (the timeline shows the year).
pub fn table_time(time_micros: i64) -> String {
    DateTime::<Utc>::from_timestamp_micros(time_micros)
        .map_or_else(|| time_micros.to_string(), |t| t.format("%m-%d %H:%M:%S").to_string())
}
