//! Questions asked of a whole case: where did a canary go (search), what
//! does one session send that another does not (compare), which typed
//! canaries became data types (known values). Built on the
//! store's typed queries; no SQL here.

mod canary;
mod compare;
mod known_values;
mod search;

pub use canary::{Variant, needle_variants};
pub use compare::{CompareRow, Comparison, HostRow};
pub use search::SearchHit;
