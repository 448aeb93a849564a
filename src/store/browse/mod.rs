//! Queries behind the GUI's browsing: facet counts, paged and sorted event
//! lists, timeline lanes and buckets, one event's detail, case warnings.
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
mod timeline;

pub use detail::{CaseWarning, EventDetail, ExchangeDetail};
pub use facets::{FACET_VALUE_LIMIT, FacetCount, FacetList};
pub use filter::{BrowseFilter, Facet, TimeRange};
pub use page::{ListRow, Sort, SortColumn};
pub use timeline::{Lane, Lanes, TimelineBucket, TimelineMark, TimelineSlice, TimelineWindow};

#[cfg(test)]
mod tests;
