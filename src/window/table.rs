//! The model of the event and requests tables: the row count of the
//! current view and the pages of rows that have arrived. Pages are asked
//! for when they scroll into sight and dropped when far away, so a
//! million-row view holds only a few hundred rows. No drawing here (see
//! `table_ui.rs`, `requests_ui.rs`).

use crate::model::{EventId, ExchangeId};
use crate::store::{ListRow, RequestListRow};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// A row a table can hold: it has an id to find it by.
pub trait TableRow {
    type Id: Copy + PartialEq;
    fn row_id(&self) -> Self::Id;
}

impl TableRow for ListRow {
    type Id = EventId;
    fn row_id(&self) -> EventId {
        self.id
    }
}

impl TableRow for RequestListRow {
    type Id = ExchangeId;
    fn row_id(&self) -> ExchangeId {
        self.id
    }
}

/// Rows per page request.
pub const PAGE_ROWS: u64 = 200;
/// Pages kept at most; the farthest from sight are dropped first.
const PAGES_KEPT: usize = 24;

/// Rows of the current view, loaded a page at a time.
pub struct TableModel<R> {
    /// Rows in the view; `None` until counted.
    pub count: Option<u64>,
    pages: HashMap<u64, Vec<R>>,
    requested: HashSet<u64>,
    /// Row to bring into sight on the next frame.
    pub scroll_to: Option<u64>,
    /// Row index of the selected event in this view, when known.
    pub selected_index: Option<u64>,
    /// Row to select as soon as its page arrives (keyboard navigation).
    pub pending_select: Option<u64>,
}

impl<R> Default for TableModel<R> {
    fn default() -> Self {
        TableModel {
            count: None,
            pages: HashMap::new(),
            requested: HashSet::new(),
            scroll_to: None,
            selected_index: None,
            pending_select: None,
        }
    }
}

impl<R: TableRow> TableModel<R> {
    /// Forgets every row (the view changed).
    pub fn reset(&mut self) {
        *self = TableModel::default();
    }

    /// The row at `index`, if its page has arrived.
    pub fn row(&self, index: u64) -> Option<&R> {
        let page = self.pages.get(&(index / PAGE_ROWS))?;
        page.get(usize::try_from(index % PAGE_ROWS).ok()?)
    }

    /// Pages covering `rows` that have not been asked for; marks them asked.
    pub fn take_missing(&mut self, rows: Range<u64>) -> Vec<u64> {
        if rows.is_empty() {
            return Vec::new();
        }
        let first = rows.start / PAGE_ROWS;
        let last = (rows.end - 1) / PAGE_ROWS;
        let missing: Vec<u64> = (first..=last).filter(|p| !self.requested.contains(p)).collect();
        self.requested.extend(missing.iter().copied());
        self.evict_far_from(first, last);
        missing
    }

    /// Stores a page that arrived.
    pub fn insert_page(&mut self, offset: u64, rows: Vec<R>) {
        let page = offset / PAGE_ROWS;
        self.requested.insert(page);
        self.pages.insert(page, rows);
    }

    /// The loaded row index of `id`, if its page is loaded.
    pub fn index_of(&self, id: R::Id) -> Option<u64> {
        self.pages.iter().find_map(|(page, rows)| {
            rows.iter()
                .position(|r| r.row_id() == id)
                .map(|i| page * PAGE_ROWS + i as u64)
        })
    }

    fn evict_far_from(&mut self, first: u64, last: u64) {
        while self.pages.len() > PAGES_KEPT {
            let distance = |p: &u64| if *p < first { first - p } else { p.saturating_sub(last) };
            let Some(farthest) = self.pages.keys().copied().max_by_key(distance) else {
                return;
            };
            self.pages.remove(&farthest);
            self.requested.remove(&farthest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_asked_for_once_and_far_ones_dropped() {
        let mut table: TableModel<ListRow> = TableModel::default();
        assert_eq!(table.take_missing(0..250), [0, 1]);
        assert!(table.take_missing(10..20).is_empty());
        for page in 0..40 {
            table.insert_page(page * PAGE_ROWS, Vec::new());
        }
        table.take_missing(39 * PAGE_ROWS..39 * PAGE_ROWS + 5);
        assert!(table.pages.len() <= PAGES_KEPT);
        assert!(table.pages.contains_key(&39) && !table.pages.contains_key(&0));
    }
}
