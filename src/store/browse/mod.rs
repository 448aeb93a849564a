//! Queries behind the GUI's browsing: facet counts (of requests and of
//! events), paged and sorted event and request lists, timeline lanes with
//! events and tracker requests, one event's or request's detail, case
//! warnings.
//!
//! Everything here is read-only and bounded: pages have a limit, the
//! timeline returns at most one bucket per pixel column and tracker, facets
//! at most [`FACET_VALUE_LIMIT`] values each. All values are bound
//! parameters. Like every `Case` method these run on the thread that owns
//! the case — in the GUI, the jobs worker, never the frame thread.

mod detail;
mod facets;
mod filter;
mod page;
mod requests;
mod timeline;

pub use detail::{CaseWarning, EventDetail, ExchangeDetail, REQUEST_EVENT_LIMIT, RequestDetail, RequestEvent};
pub use facets::{FACET_VALUE_LIMIT, FacetCount, FacetList};
pub(crate) use filter::Rows;
pub use filter::{BrowseFilter, Facet, SearchHits, TimeRange};
pub use page::{ListRow, Sort, SortColumn};
pub use requests::{RequestListRow, RequestSort, RequestSortColumn};
pub use timeline::{Lane, Lanes, RequestMark, TimelineBucket, TimelineMark, TimelineSlice, TimelineWindow};

#[cfg(test)]
mod tests;
