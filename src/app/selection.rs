//! Selecting: an event or a request, by click, by row or by arrow key;
//! asking for the inspector's detail and for the row's position in the
//! table shown; asking for the pages of rows that scroll into sight.

use crate::jobs::{Jobs, Request};
use crate::window::state::{AppState, RowsShown, Selection};
use crate::window::table::PAGE_ROWS;
use std::ops::Range;

/// Asks for the pages of `rows` not asked for yet.
pub fn fetch_rows(state: &mut AppState, jobs: &mut Jobs, rows: RowsShown, range: Range<u64>) {
    let (view, filter) = (state.view_id, state.filter.clone());
    match rows {
        RowsShown::Events => {
            for page in state.table.take_missing(range) {
                jobs.send(Request::Page {
                    view,
                    filter: filter.clone(),
                    sort: state.sort,
                    offset: page * PAGE_ROWS,
                    limit: PAGE_ROWS,
                });
            }
        }
        RowsShown::Requests => {
            for page in state.requests.take_missing(range) {
                jobs.send(Request::RequestPage {
                    view,
                    filter: filter.clone(),
                    sort: state.request_sort,
                    offset: page * PAGE_ROWS,
                    limit: PAGE_ROWS,
                });
            }
        }
    }
}

/// Selects `selected`; `index` is its row in the table shown, when known.
pub fn select(state: &mut AppState, jobs: &mut Jobs, selected: Selection, index: Option<u64>) {
    if state.selected != Some(selected) {
        state.selected = Some(selected);
        state.selected_layer = None;
        match selected {
            Selection::Event(event) => jobs.send(Request::Detail { event }),
            Selection::Request(exchange) => jobs.send(Request::RequestDetail { exchange }),
        }
    }
    state.table.pending_select = None;
    state.requests.pending_select = None;
    let known = match selected {
        Selection::Event(event) => {
            let index = index
                .filter(|_| state.rows_shown == RowsShown::Events)
                .or_else(|| state.table.index_of(event));
            state.table.selected_index = index;
            state.requests.selected_index = None;
            index.is_some()
        }
        Selection::Request(exchange) => {
            let index = index
                .filter(|_| state.rows_shown == RowsShown::Requests)
                .or_else(|| state.requests.index_of(exchange));
            state.requests.selected_index = index;
            state.table.selected_index = None;
            index.is_some()
        }
    };
    if !known {
        ask_position(state, jobs, selected);
    }
}

/// Asks where `selected` sits in the table it belongs to.
pub fn ask_position(state: &AppState, jobs: &mut Jobs, selected: Selection) {
    let (view, filter) = (state.view_id, state.filter.clone());
    match selected {
        Selection::Event(event) => jobs.send(Request::Position {
            view,
            filter,
            sort: state.sort,
            event,
        }),
        Selection::Request(exchange) => jobs.send(Request::RequestPosition {
            view,
            filter,
            sort: state.request_sort,
            exchange,
        }),
    }
}

/// Selects row `index` of the table shown (its page may still be coming).
pub fn select_index(state: &mut AppState, jobs: &mut Jobs, index: u64) {
    let rows = state.rows_shown;
    let found = match rows {
        RowsShown::Events => {
            state.table.scroll_to = Some(index);
            state.table.row(index).map(|r| Selection::Event(r.id))
        }
        RowsShown::Requests => {
            state.requests.scroll_to = Some(index);
            state.requests.row(index).map(|r| Selection::Request(r.id))
        }
    };
    match found {
        Some(selected) => select(state, jobs, selected, Some(index)),
        None => {
            match rows {
                RowsShown::Events => state.table.pending_select = Some(index),
                RowsShown::Requests => state.requests.pending_select = Some(index),
            }
            fetch_rows(state, jobs, rows, index..index + 1);
        }
    }
}

/// Up and down in the table shown.
pub fn move_selection(state: &mut AppState, jobs: &mut Jobs, delta: i64) {
    let (count, current) = match state.rows_shown {
        RowsShown::Events => (state.table.count, state.table.selected_index),
        RowsShown::Requests => (state.requests.count, state.requests.selected_index),
    };
    let Some(count) = count.filter(|c| *c > 0) else {
        return;
    };
    let index = match current {
        Some(current) => current.saturating_add_signed(delta).min(count - 1),
        None => 0,
    };
    select_index(state, jobs, index);
}
