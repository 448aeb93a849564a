//! Typed row ids, so a session id cannot be passed where an event id belongs.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// Row id of an imported evidence file.
    SourceId,
    /// Row id of a recording session.
    SessionId,
    /// Row id of one HTTP request/response.
    ExchangeId,
    /// Row id of one decoded layer.
    LayerId,
    /// Row id of one decoded telemetry event.
    EventId,
    /// Row id of an annotation.
    AnnotationId,
);
