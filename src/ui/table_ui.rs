//! Draws the event table: a virtualized `egui_extras` table over the pages
//! in [`TableModel`](crate::window::table::TableModel). Rows not yet
//! arrived are drawn as grey placeholders and asked for; headers sort; a
//! click selects. Also the switch between events and requests above it.
//!
//! Columns have priorities: when the table is narrow (1280×720 with both
//! side panels open) the least important go first — decode path, session,
//! app — so what was sent (the key field) always stays in sight.

use super::theme::{HEADER_HEIGHT, Palette, ROW_HEIGHT, mode_label};
use crate::model::Mode;
use crate::store::{ListRow, SortColumn};
use crate::window::command::Command;
use crate::window::state::{AppState, RowsShown};
use chrono::{DateTime, Utc};
use egui::{RichText, Sense};
use egui_extras::{Column, TableBuilder};

/// One column: header, sort key (none for the annotation mark), width,
/// priority (1 is kept longest).
pub struct ColumnSpec<C> {
    pub title: &'static str,
    pub sort: Option<C>,
    pub width: f32,
    pub priority: u8,
}

/// The event table's columns, in display order; the key field takes what is left.
const COLUMNS: [ColumnSpec<SortColumn>; 9] = [
    spec("Time (UTC)", Some(SortColumn::Time), 112.0, 1),
    spec("Session", Some(SortColumn::Session), 78.0, 5),
    spec("App", Some(SortColumn::App), 130.0, 4),
    spec("Mode", Some(SortColumn::Mode), 86.0, 2),
    spec("Tracker · company", Some(SortColumn::Tracker), 130.0, 2),
    spec("Event", Some(SortColumn::Event), 112.0, 1),
    spec("Key field", Some(SortColumn::KeyField), 240.0, 1),
    spec("Decode path", Some(SortColumn::DecodePath), 200.0, 6),
    spec("Note", None, 40.0, 3),
];

const fn spec<C: Copy>(title: &'static str, sort: Option<C>, width: f32, priority: u8) -> ColumnSpec<C> {
    ColumnSpec {
        title,
        sort,
        width,
        priority,
    }
}

/// Indices of the columns that fit in `width`, most important first kept,
/// in display order.
pub fn fitting_columns<C>(columns: &[ColumnSpec<C>], width: f32) -> Vec<usize> {
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|&i| columns[i].priority);
    let mut kept = Vec::new();
    let mut used = 0.0;
    for index in order {
        let need = columns[index].width + 8.0;
        if kept.is_empty() || used + need <= width {
            used += need;
            kept.push(index);
        }
    }
    kept.sort_unstable();
    kept
}

/// "Events (426) | Requests (473)" above the table.
pub fn rows_switch_ui(ui: &mut egui::Ui, state: &AppState, commands: &mut Vec<Command>) {
    let count = |c: Option<u64>| c.map_or_else(|| "…".to_string(), |c| c.to_string());
    ui.horizontal(|ui| {
        for (rows, label, hint) in [
            (
                RowsShown::Events,
                format!("Events ({})", count(state.table.count)),
                "Telemetry events decoded from the requests",
            ),
            (
                RowsShown::Requests,
                format!("Requests ({})", count(state.requests.count)),
                "Every request, also those no event was decoded from",
            ),
        ] {
            if ui
                .selectable_label(state.rows_shown == rows, RichText::new(label).strong())
                .on_hover_text(hint)
                .clicked()
            {
                commands.push(Command::ShowRows(rows));
            }
        }
    });
}

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
        let requests = state.requests.count.unwrap_or(0);
        let text = if requests > 0 {
            format!("{} {requests} requests: see Requests.", state.empty_view_text("events"))
        } else {
            state.empty_view_text("events")
        };
        ui.label(RichText::new(text).italics());
        return;
    }
    rows_ui(ui, state, count, commands);
}

fn rows_ui(ui: &mut egui::Ui, state: &mut AppState, count: u64, commands: &mut Vec<Command>) {
    let shown = fitting_columns(&COLUMNS, ui.available_width());
    // A click anywhere on a row selects it; selectable text would swallow it.
    ui.style_mut().interaction.selectable_labels = false;
    let mut builder = TableBuilder::new(ui)
        .id_salt(("events", shown.len()))
        .striped(true)
        .sense(Sense::click())
        .resizable(true)
        .auto_shrink([false, false])
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
    for &index in &shown {
        let column = &COLUMNS[index];
        builder = builder.column(if column.title == "Key field" {
            Column::remainder().at_least(160.0).clip(true)
        } else {
            Column::initial(column.width).at_least(36.0).clip(true)
        });
    }
    if let Some(index) = state.table.scroll_to.take() {
        builder = builder.scroll_to_row(usize::try_from(index).unwrap_or(usize::MAX), Some(egui::Align::Center));
    }
    let mut visible: Option<(u64, u64)> = None;
    let table = builder.header(HEADER_HEIGHT, |mut header| {
        for &index in &shown {
            let column = &COLUMNS[index];
            header.col(|ui| {
                let sorted = column
                    .sort
                    .filter(|c| *c == state.sort.column)
                    .map(|_| state.sort.descending);
                if let Some(sort) = column.sort
                    && sortable_header_ui(ui, column.title, sorted)
                {
                    commands.push(Command::SortBy(sort));
                } else if column.sort.is_none() {
                    ui.strong(column.title);
                }
            });
        }
    });
    let rows = usize::try_from(count).unwrap_or(usize::MAX);
    table.body(|body| {
        body.rows(ROW_HEIGHT, rows, |mut row| {
            let index = row.index() as u64;
            visible = Some(visible.map_or((index, index), |(a, b)| (a.min(index), b.max(index))));
            row.set_selected(state.table.selected_index == Some(index));
            match state.table.row(index) {
                Some(data) => {
                    for &column in &shown {
                        row.col(|ui| cell_ui(ui, column, data));
                    }
                }
                None => placeholder_cells_ui(&mut row, shown.len()),
            }
            if row.response().clicked() {
                commands.push(Command::SelectIndex(index));
            }
        });
    });
    if let Some((first, last)) = visible {
        commands.push(fetch_around(RowsShown::Events, first, last, count));
    }
}

/// Asks for the rows in sight and a page of slack both ways, so scrolling
/// stays free of placeholders.
pub fn fetch_around(rows: RowsShown, first: u64, last: u64, count: u64) -> Command {
    let slack = crate::window::table::PAGE_ROWS / 2;
    Command::FetchRows(rows, first.saturating_sub(slack)..(last + slack).min(count))
}

/// A header that sorts when clicked; `sorted` is `Some(descending)` for
/// the current sort column. `true` when clicked.
pub fn sortable_header_ui(ui: &mut egui::Ui, title: &str, sorted: Option<bool>) -> bool {
    let response = ui
        .add(egui::Button::new(RichText::new(title).strong()).frame(false))
        .on_hover_text(format!("Sort by {}", title.to_lowercase()));
    if let Some(descending) = sorted {
        sort_arrow_ui(ui, descending);
    }
    response.clicked()
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

fn cell_ui(ui: &mut egui::Ui, column: usize, data: &ListRow) {
    let palette = Palette::for_ui(ui);
    match COLUMNS[column].title {
        "Time (UTC)" => {
            ui.label(RichText::new(table_time(data.time_micros)).monospace());
        }
        "Session" => {
            ui.label(&data.session);
        }
        "App" => {
            ui.label(data.app.as_deref().unwrap_or("—"));
        }
        "Mode" => mode_cell_ui(ui, data.mode),
        "Tracker · company" => {
            let company = data.company.as_deref().map(|c| format!(" · {c}")).unwrap_or_default();
            super::theme::swatch_ui(ui, palette.tracker(&data.tracker));
            ui.label(RichText::new(format!("{}{company}", data.tracker)).color(palette.tracker(&data.tracker)));
        }
        "Event" => {
            ui.label(&data.event);
        }
        "Key field" => {
            ui.label(data.key_field.as_deref().unwrap_or(""));
        }
        "Decode path" => {
            ui.label(RichText::new(&data.decode_path).small());
        }
        _ => {
            if let Some(severity) = data.severity {
                super::theme::swatch_ui(ui, palette.severity(severity)).on_hover_text(format!("Annotated: {severity}"));
            }
        }
    }
}

/// A mode in a table cell: incognito strong, in the one incognito colour.
pub fn mode_cell_ui(ui: &mut egui::Ui, mode: Mode) {
    let palette = Palette::for_ui(ui);
    let text = RichText::new(mode_label(mode)).color(palette.mode(mode));
    ui.label(if mode == Mode::Incognito { text.strong() } else { text });
}

/// Grey bars where a row's page has not arrived yet.
pub fn placeholder_cells_ui(row: &mut egui_extras::TableRow<'_, '_>, columns: usize) {
    for _ in 0..columns {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_tables_drop_the_least_important_columns_first() {
        let all = fitting_columns(&COLUMNS, 2000.0);
        assert_eq!(all.len(), COLUMNS.len());
        let narrow: Vec<&str> = fitting_columns(&COLUMNS, 700.0)
            .into_iter()
            .map(|i| COLUMNS[i].title)
            .collect();
        assert!(narrow.contains(&"Key field") && narrow.contains(&"Event"), "{narrow:?}");
        assert!(
            !narrow.contains(&"Decode path") && !narrow.contains(&"Session"),
            "{narrow:?}"
        );
        let order: Vec<usize> = fitting_columns(&COLUMNS, 700.0);
        assert!(order.windows(2).all(|w| w[0] < w[1]), "display order kept");
    }
}
