//! What decoding produces for one exchange: a tree of layers and the
//! telemetry events found in them. The store persists both as they are.

use super::{DataType, Mode};
use serde::{Deserialize, Serialize};

/// Separator between decode-path steps as users read them.
pub const PATH_SEPARATOR: &str = " › ";

/// One decoded layer of an exchange, e.g. the base64 text inside a form
/// field, or the gzip output inside that.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Layer {
    /// Index of the parent layer in [`Decoded::layers`]; `None` for a root
    /// (request URL query, request body, response body, a header).
    pub parent: Option<usize>,
    /// Decoder that produced this layer: `query`, `form`, `multipart`, `json`,
    /// `json-string`, `base64`, `gzip`, `zlib`, `deflate`, `brotli`, `zstd`,
    /// `protobuf`, `ndjson`, or a root name (`request-body`, `response-body`, `url`, `header`).
    pub decoder: String,
    /// This layer's step in a decode path, e.g. `form:data_list`, `base64`, `json[3]`.
    pub step: String,
    /// One line for lists: "JSON array of 50 objects", "gzip 812 → 9 344 bytes".
    pub summary: String,
    /// The layer's content as text when it is valid UTF-8 (capped).
    pub text: Option<String>,
    /// The layer's content when it is binary (capped).
    pub bytes: Option<Vec<u8>>,
    /// What went wrong or looked odd ("not valid gzip after 812 bytes", "crc mismatch").
    pub note: Option<String>,
    /// The payload is encrypted; its bytes are kept, nothing is decoded from it.
    pub encrypted: bool,
}

/// One telemetry event decoded from a payload.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DecodedEvent {
    /// Index of the layer the event was read from.
    pub layer: Option<usize>,
    /// The payload's own time, when it has one (UTC µs).
    pub time_micros: Option<i64>,
    /// Tracker id: `sensorsdata`, `mixpanel`, `ga`, `ga4`, `segment`,
    /// `amplitude`, `adjust`, `firebase` or `generic`.
    pub tracker: String,
    /// Event name (`$pageview`, `search`, `pageview` …).
    pub name: String,
    /// Flattened fields: `properties.$url` → value, in payload order.
    pub fields: Vec<(String, String)>,
    /// Steps from the exchange to this event, e.g.
    /// `form:data_list › base64 › gzip › json[2]`.
    pub decode_path: String,
    /// App named by the payload itself (`$app_id`, `package_name` …).
    pub app: Option<String>,
    /// Device named by the payload itself.
    pub device: Option<String>,
    /// The payload's own incognito/private flag; wins over the session's mode.
    pub mode: Option<Mode>,
    /// Where the event sits inside its layer's JSON when it is not split out
    /// as a layer of its own (`data.events[3]`); `None` when the layer is
    /// the event.
    pub json_path: Option<String>,
    /// Personal data in this event: its own fields and what the request
    /// carried beside all its events (the ad id next to a batch).
    pub data_types: Vec<DataType>,
}

/// Everything decoding found in one exchange.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Decoded {
    pub layers: Vec<Layer>,
    pub events: Vec<DecodedEvent>,
    /// Tracker attributed to the exchange as a whole (by payload shape or host).
    pub tracker: Option<String>,
    /// The decoders that peeled the request along its deepest chain, e.g.
    /// `form › base64 › gzip › json` (empty when nothing decoded).
    pub decode_path_summary: String,
    /// The known endpoint the request went to (`facebook/graph-activities`),
    /// from the endpoint table, when one matched.
    pub endpoint: Option<String>,
    /// Personal data anywhere in the request, each with the event whose own
    /// element holds it (`None`: carried beside the events, shared by all).
    pub data_types: Vec<RequestDataType>,
}

/// A data type of a request and the event it belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestDataType {
    pub data_type: DataType,
    /// Index into [`Decoded::events`] of the event whose element holds the
    /// value; `None` when the request carried it outside every event.
    pub event: Option<usize>,
}
