//! Draws the requests table: every exchange of the view — also those no
//! event was decoded from — virtualized and paged from the worker like the
//! event table: time, host, company, country, tracker, event count and the
//! kinds of personal data. Headers sort (country is looked up per row and
//! cannot be); a click opens the request in the inspector.

use super::table_ui::{
    ColumnSpec, fetch_around, fitting_columns, mode_cell_ui, placeholder_cells_ui, sortable_header_ui, table_time,
};
use super::theme::{HEADER_HEIGHT, Palette, ROW_HEIGHT};
use crate::store::{RequestListRow, RequestSortColumn};
use crate::window::command::Command;
use crate::window::state::{AppState, RowsShown};
use egui::{RichText, Sense};
use egui_extras::{Column, TableBuilder};

/// The columns, in display order; data types take what is left.
const COLUMNS: [ColumnSpec<RequestSortColumn>; 13] = [
    column("Time (UTC)", Some(RequestSortColumn::Time), 112.0, 1),
    column("Session", Some(RequestSortColumn::Session), 78.0, 6),
    column("Mode", Some(RequestSortColumn::Mode), 86.0, 3),
    column("Method", Some(RequestSortColumn::Method), 54.0, 5),
    column("Host", Some(RequestSortColumn::Host), 150.0, 1),
    column("Company", Some(RequestSortColumn::Company), 140.0, 1),
    // Where the data went is the point: host, company, country and data
    // types are the last to give way on a narrow window.
    column("Country", None, 56.0, 1),
    column("Tracker", Some(RequestSortColumn::Tracker), 90.0, 4),
    column("Client", None, 90.0, 6),
    column("Events", Some(RequestSortColumn::Events), 56.0, 2),
    column("Data types", Some(RequestSortColumn::DataTypes), 160.0, 1),
    column("Status", Some(RequestSortColumn::Status), 50.0, 7),
    column("Note", None, 40.0, 3),
];

const fn column(
    title: &'static str,
    sort: Option<RequestSortColumn>,
    width: f32,
    priority: u8,
) -> ColumnSpec<RequestSortColumn> {
    ColumnSpec {
        title,
        sort,
        width,
        priority,
    }
}

/// Data types listed in a cell before "+N".
const TYPES_IN_CELL: usize = 6;

/// Draws the requests table of the current view.
pub fn requests_ui(ui: &mut egui::Ui, state: &mut AppState, commands: &mut Vec<Command>) {
    let Some(count) = state.requests.count else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Counting requests…");
        });
        return;
    };
    if count == 0 {
        ui.label(RichText::new(state.empty_view_text("requests")).italics());
        return;
    }
    let shown = fitting_columns(&COLUMNS, ui.available_width());
    ui.style_mut().interaction.selectable_labels = false;
    let mut builder = TableBuilder::new(ui)
        .id_salt(("requests", shown.len()))
        .striped(true)
        .sense(Sense::click())
        .resizable(true)
        .auto_shrink([false, false])
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
    for &index in &shown {
        let spec = &COLUMNS[index];
        builder = builder.column(if spec.title == "Data types" {
            Column::remainder().at_least(140.0).clip(true)
        } else {
            Column::initial(spec.width).at_least(32.0).clip(true)
        });
    }
    if let Some(index) = state.requests.scroll_to.take() {
        builder = builder.scroll_to_row(usize::try_from(index).unwrap_or(usize::MAX), Some(egui::Align::Center));
    }
    let sort = state.request_sort;
    let table = builder.header(HEADER_HEIGHT, |mut header| {
        for &index in &shown {
            let spec = &COLUMNS[index];
            header.col(|ui| match spec.sort {
                Some(column) => {
                    let sorted = (column == sort.column).then_some(sort.descending);
                    if sortable_header_ui(ui, spec.title, sorted) {
                        commands.push(Command::SortRequestsBy(column));
                    }
                }
                None => {
                    ui.strong(spec.title)
                        .on_hover_text("Looked up per row from the server address; not sortable");
                }
            });
        }
    });
    let mut visible: Option<(u64, u64)> = None;
    let rows = usize::try_from(count).unwrap_or(usize::MAX);
    table.body(|body| {
        body.rows(ROW_HEIGHT, rows, |mut row| {
            let index = row.index() as u64;
            visible = Some(visible.map_or((index, index), |(a, b)| (a.min(index), b.max(index))));
            row.set_selected(state.requests.selected_index == Some(index));
            match state.requests.row(index) {
                Some(data) => {
                    for &column in &shown {
                        row.col(|ui| cell_ui(ui, COLUMNS[column].title, data));
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
        commands.push(fetch_around(RowsShown::Requests, first, last, count));
    }
}

fn cell_ui(ui: &mut egui::Ui, title: &str, data: &RequestListRow) {
    let palette = Palette::for_ui(ui);
    match title {
        "Time (UTC)" => {
            ui.label(RichText::new(table_time(data.time_micros)).monospace());
        }
        "Session" => {
            ui.label(&data.session);
        }
        "Mode" => mode_cell_ui(ui, data.mode),
        "Method" => {
            ui.label(RichText::new(&data.method).monospace());
        }
        "Host" => {
            ui.label(&data.host).on_hover_text(&data.url);
        }
        "Company" => company_cell_ui(ui, data),
        "Country" => {
            ui.label(data.country.as_deref().unwrap_or(""))
                .on_hover_text(data.server_ip.as_deref().unwrap_or("no server address recorded"));
        }
        "Tracker" => {
            if let Some(tracker) = &data.tracker {
                ui.label(RichText::new(tracker).color(palette.tracker(tracker)));
            }
        }
        "Client" => {
            if let Some(client) = &data.client {
                ui.label(RichText::new(client).small())
                    .on_hover_text("The HTTP client in the User-Agent; the app is the session's");
            }
        }
        "Events" => {
            let text = RichText::new(data.event_count.to_string());
            ui.label(if data.event_count == 0 {
                text.color(palette.text_muted)
            } else {
                text.strong()
            });
        }
        "Data types" => data_types_cell_ui(ui, &data.data_types),
        "Status" => {
            ui.label(data.status.map(|s| s.to_string()).unwrap_or_default());
        }
        _ => {
            if let Some(severity) = data.severity {
                super::theme::swatch_ui(ui, palette.severity(severity)).on_hover_text(format!("Annotated: {severity}"));
            }
        }
    }
}

/// The company (a guess reads "probably …"), the session's own servers
/// marked as such, and a third party no list names said to be one.
fn company_cell_ui(ui: &mut egui::Ui, data: &RequestListRow) {
    let palette = Palette::for_ui(ui);
    let own = data.party == crate::attribution::Party::First;
    let source = data
        .company_source
        .as_deref()
        .and_then(crate::attribution::CompanySource::parse)
        .map(|s| s.explained());
    match data.company_label() {
        Some(label) => {
            let key = data.tracker.as_deref().or(data.company.as_deref()).unwrap_or_default();
            super::theme::swatch_ui(ui, palette.tracker(key));
            let text = if own {
                RichText::new(format!("{label} (own)")).color(palette.text_muted)
            } else {
                RichText::new(label)
            };
            let mut hover = Vec::new();
            if own {
                hover.push("The app's own server or a site visited (first party)".to_string());
            }
            if let Some(source) = source {
                hover.push(format!("Named by: {source}"));
            }
            if let Some(category) = &data.category {
                hover.push(category.clone());
            }
            let response = ui.label(text);
            if !hover.is_empty() {
                response.on_hover_text(hover.join("\n"));
            }
        }
        None if own => {
            ui.label(RichText::new("the app's own").color(palette.text_muted))
                .on_hover_text("The app's own server or a site visited (first party)");
        }
        None => {
            ui.label(RichText::new("third party, unlisted").color(palette.difference))
                .on_hover_text(crate::store::UNLISTED_THIRD_PARTY);
        }
    }
}

fn data_types_cell_ui(ui: &mut egui::Ui, kinds: &[String]) {
    if kinds.is_empty() {
        return;
    }
    let shown: Vec<&str> = kinds.iter().take(TYPES_IN_CELL).map(String::as_str).collect();
    let mut text = shown.join(", ");
    if kinds.len() > TYPES_IN_CELL {
        text.push_str(&format!(" +{}", kinds.len() - TYPES_IN_CELL));
    }
    ui.label(RichText::new(text).small()).on_hover_text(kinds.join("\n"));
}
