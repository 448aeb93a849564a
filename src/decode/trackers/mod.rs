//! Tracker decoders: read SDK telemetry out of the decoded layer tree and
//! turn each batch into individual events (one file per SDK).
//!
//! Trackers recognise an exchange by payload shape first and host second
//! (captures come through proxies and white-label domains), and only read
//! the request side (URL, request body, headers): responses are what the
//! server said, not what the app sent. The first tracker that recognises
//! the exchange wins; the endpoint table (`super::endpoints`, by URL) comes
//! next, and `generic` runs only when none of them did. Every event points
//! at a real layer, so its `decode_path` can be followed in the tree.

mod adjust;
mod amplitude;
mod applog;
mod appmetrica;
mod appsflyer;
mod event;
mod firebase;
mod ga;
mod ga4;
mod generic;
mod growingio;
mod mixpanel;
mod sdk;
mod segment;
mod sensorsdata;
mod tencent_mta;
mod umeng;

pub use event::{java_string_hash, micros_from_epoch_number, micros_from_text};

use super::tree::Tree;
use crate::model::{DecodedEvent, Exchange};

/// One SDK's decoder.
pub trait TrackerDecoder: Sync {
    /// Stable id: `sensorsdata`, `mixpanel`, `ga`, `ga4`, `segment`,
    /// `amplitude`, `adjust`, `appsflyer`, `growingio`, `bytedance-applog`,
    /// `tencent-mta`, `umeng`, `appmetrica`, `firebase`, `generic`.
    fn id(&self) -> &'static str;
    /// The exchange's events when it is this tracker's, `None` when not.
    /// May add notes to layers (crc mismatch, encrypted payload).
    fn events(&self, exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>>;
}

/// The SDK decoders recognised by payload shape, most specific first.
static TRACKERS: &[&dyn TrackerDecoder] = &[
    &sensorsdata::SensorsData,
    &mixpanel::Mixpanel,
    &ga4::Ga4,
    &ga::Ga,
    &segment::Segment,
    &amplitude::Amplitude,
    &adjust::Adjust,
    &tencent_mta::TencentMta,
    &applog::AppLog,
    &growingio::GrowingIo,
    &appsflyer::AppsFlyer,
    &umeng::Umeng,
    &appmetrica::AppMetrica,
    &firebase::Firebase,
];

/// Ids of every tracker decoder in [`TRACKERS`], plus `generic`.
pub fn ids() -> Vec<&'static str> {
    TRACKERS
        .iter()
        .map(|tracker| tracker.id())
        .chain(std::iter::once(generic::Generic.id()))
        .collect()
}

/// Events of the first SDK decoder that recognises the exchange, and its id.
pub fn detect_specific(exchange: &Exchange, tree: &mut Tree) -> Option<(Vec<DecodedEvent>, &'static str)> {
    TRACKERS
        .iter()
        .find_map(|tracker| tracker.events(exchange, tree).map(|events| (events, tracker.id())))
}

/// Events of the generic decoder (event-like JSON no SDK decoder claimed).
pub fn detect_generic(exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>> {
    generic::Generic.events(exchange, tree)
}
