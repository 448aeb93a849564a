//! Plain data types every part of Telltale agrees on: modes, exchanges,
//! layers, events, data types, annotations. No I/O, no SQL, no GUI here.
//!
//! Times are microseconds since the Unix epoch, UTC (`time_micros`).

mod annotation;
mod data_type;
mod decoded;
mod exchange;
mod ids;
mod mode;
mod time;

pub use annotation::{Annotation, AnnotationEdit, Target};
pub use data_type::{Confidence, DataType, MAX_DATA_TYPE_VALUE_CHARS, dedupe_data_types};
pub use decoded::{Decoded, DecodedEvent, Layer, PATH_SEPARATOR, RequestDataType};
pub use exchange::{Exchange, Headers, WebSocketMessage, header as exchange_header, split_url};
pub use ids::{AnnotationId, EventId, ExchangeId, LayerId, SessionId, SourceId};
pub use mode::{Mode, Severity};
pub use time::{format_rfc3339_micros, now_micros, parse_rfc3339_micros};
