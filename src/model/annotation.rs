//! The investigator's annotations: what was marked, how much it matters,
//! and why.

use super::{AnnotationId, EventId, ExchangeId, SessionId, Severity};
use serde::{Deserialize, Serialize};

/// What an annotation is attached to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Target {
    Session(SessionId),
    Exchange(ExchangeId),
    Event(EventId),
}

impl Target {
    /// `session`, `exchange` or `event`, as stored in the case.
    pub fn kind(self) -> &'static str {
        match self {
            Target::Session(_) => "session",
            Target::Exchange(_) => "exchange",
            Target::Event(_) => "event",
        }
    }

    /// The row id of the target.
    pub fn id(self) -> i64 {
        match self {
            Target::Session(id) => id.0,
            Target::Exchange(id) => id.0,
            Target::Event(id) => id.0,
        }
    }
}

/// One annotation as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    pub id: AnnotationId,
    pub target: Target,
    pub tags: Vec<String>,
    pub severity: Severity,
    pub note: String,
    pub created_micros: i64,
    pub updated_micros: i64,
}

/// A change to an annotation; `None` leaves a part as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnnotationEdit {
    pub tags: Option<Vec<String>>,
    pub severity: Option<Severity>,
    pub note: Option<String>,
}
