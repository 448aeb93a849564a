//! Generic events: telemetry of SDKs nobody wrote a decoder for.
//!
//! Three shapes become events:
//! - **Records**: request-side JSON objects — posted alone, inside an array,
//!   nested at any depth, inside form fields, URL-encoded several levels
//!   deep, in raw zlib bodies, one per line — that look like an event.
//! - **Beacons**: a query string or form body that names an event
//!   (`/tr?ev=PageView&…`, `collect?t=pageview&…`) is one event.
//! - **Protobuf batches**: a repeated message whose every item holds an
//!   identifier-like text and an epoch time (an event name and its time).
//!
//! "Looks like an event" is decided on the record's keys and on the
//! request: a record needs a name under an event-name key, and more
//! evidence the weaker that key is:
//! - a *strong* key (`event`, `eventName`, `_eventName`, `event_type`,
//!   `en`, `ev` …) with one more sign: a time, a sequence number, a session,
//!   a telemetry key (`properties`, `device_id` …), a tracker host (the
//!   catalogue or a tracker database names it for tracking) or a telemetry
//!   path (`/log`, `/events`, `/collect`, `/track`, `/beacon` …);
//! - a *weak* key (`name`, `type`, `action`, `t`, `kind` …) only with a
//!   time, sequence or session *and* a telemetry key, tracker host or path
//!   (Tremor Video's logger posts `{"sessionId", "name":
//!   "MediaProgress_Preroll_25", "kind", "action"}` to `/ws/logger/index`).
//!
//! Precision counts as much as recall, so these are never events: requests
//! to consent platforms and configuration endpoints (`/config`,
//! `/settings`, `/consent` …), and loads of images, scripts, styles and
//! fonts unless they carry a strong event key or go to a telemetry path
//! (a pixel `GET /tr?ev=PageView` is a beacon; `GET /logo.png?v=3` is not).
//! Lists of products or search results (names and prices, no time, no
//! telemetry) stay what they are. In an array that holds an event,
//! siblings with a name and a time are events too (a batch is one shape).
//! Once an object is an event, its inside is its own (an event's `items[]`
//! are not events).

use super::TrackerDecoder;
use super::event::{Draft, micros_from_json, micros_from_text};
use crate::attribution::{Category, company_for_host, trackerdb};
use crate::decode::json_value::{JsonValue, PathSegment};
use crate::decode::protobuf::{ProtoField, ProtoValue};
use crate::decode::tree::{Structure, Tree};
use crate::model::{DecodedEvent, Exchange};

const ID: &str = "generic";
/// Keys whose string value names an event in most SDKs.
const STRONG_NAME_KEYS: &[&str] = &[
    "event",
    "event_name",
    "eventName",
    "_eventName",
    "event_type",
    "eventType",
    "en",
    "ev",
    "evt",
    "event_id_name",
    "eventKey",
    "event_key",
    "eventAction",
    "event_action",
    "EaC",
];
/// Keys that name an event in some SDKs and something else in others.
const WEAK_NAME_KEYS: &[&str] = &["name", "t", "kind", "type", "action", "n", "e", "category", "a"];
/// Keys holding the event's time, in any unit.
const TIME_KEYS: &[&str] = &[
    "time",
    "timestamp",
    "ts",
    "event_time",
    "eventTime",
    "event_timestamp",
    "eventTimestamp",
    "created_at",
    "createdAt",
    "client_ts",
    "clientTime",
    "client_time",
    "clientTimestamp",
    "_logTime",
    "logTime",
    "occurred_at",
    "sent_at",
    "time_ms",
    "timeMillis",
    "timestampMillis",
    "timestamp_ms",
    "$time",
    "_ts",
    "local_time",
    "localTime",
    "happened_at",
    "tm",
    "startedAt",
    "started_at",
    "startTime",
    "start_time",
];
/// Keys holding a sequence number of events.
const SEQUENCE_KEYS: &[&str] = &[
    "seq",
    "sequence",
    "sequence_number",
    "sequenceNumber",
    "seq_no",
    "seqNum",
    "seqno",
    "event_index",
    "eventIndex",
    "_s",
    "sn",
    "counter",
    "event_seq",
];
/// Keys holding a session the event belongs to.
const SESSION_KEYS: &[&str] = &[
    "session",
    "session_id",
    "sessionId",
    "sessionID",
    "sid",
    "_sid",
    "_session_id",
    "session_uuid",
    "sessionUuid",
    "visit_id",
    "visitId",
];
/// Keys that only telemetry carries (context around an event).
const TELEMETRY_KEYS: &[&str] = &[
    "properties",
    "props",
    "params",
    "parameters",
    "attributes",
    "event_properties",
    "eventProperties",
    "user_properties",
    "context",
    "device_id",
    "deviceId",
    "user_id",
    "userId",
    "distinct_id",
    "anonymous_id",
    "anonymousId",
    "install_id",
    "app_version",
    "appVersion",
    "os_version",
    "osVersion",
    "platform",
    "sdk_version",
    "sdkVersion",
    "screen_name",
    "_ui",
    "advertiser_id",
    "idfa",
    "gaid",
    "device_model",
    "device",
    "label",
    "value",
    "dl",
    "url",
    "page",
];
/// Path words of endpoints that receive telemetry.
const TELEMETRY_PATH_WORDS: &[&str] = &[
    "log",
    "logs",
    "logger",
    "logging",
    "event",
    "events",
    "track",
    "tracking",
    "tracker",
    "collect",
    "collector",
    "analytics",
    "stat",
    "stats",
    "statistics",
    "beacon",
    "metric",
    "metrics",
    "telemetry",
    "pixel",
    "ping",
    "batch",
    "ingest",
    "impression",
    "impressions",
    "hit",
    "hits",
    "tr",
    "report",
];
/// Path words of requests that carry no event: configuration and consent.
const NO_EVENT_PATH_WORDS: &[&str] = &[
    "config",
    "configs",
    "configuration",
    "settings",
    "remoteconfig",
    "consent",
    "consents",
    "cmp",
    "tcf",
    "gdpr",
    "vendorlist",
];
/// Endings of paths that load a file: images, scripts, styles, fonts, pages.
const ASSET_ENDINGS: &[&str] = &[
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".bmp", ".avif", ".js", ".mjs", ".css", ".woff",
    ".woff2", ".ttf", ".otf", ".eot", ".html", ".htm", ".mp4", ".webm", ".mp3", ".m3u8", ".ts", ".json",
];
/// `Sec-Fetch-Dest` values of file loads.
const ASSET_DESTINATIONS: &[&str] = &[
    "image", "script", "style", "font", "document", "iframe", "video", "audio",
];
/// Longest string accepted as an event name.
/// Keys whose contents belong to a crash or error report (Bugsnag, Sentry,
/// Crashlytics): timestamped, named entries that are no telemetry events.
const REPORT_INSIDE_KEYS: &[&str] = &[
    "breadcrumbs",
    "stacktrace",
    "stackTrace",
    "frames",
    "threads",
    "exceptions",
    "exception",
    "featureFlags",
];

const MAX_NAME_CHARS: usize = 120;
/// Deepest JSON nesting searched for events.
const MAX_SEARCH_DEPTH: usize = 12;
/// Most events read from one exchange by this decoder.
const MAX_GENERIC_EVENTS: usize = 10_000;
/// Epoch range accepted as an event time in protobuf (2005 … 2040), in seconds.
const PROTO_EPOCH_SECONDS: std::ops::Range<u64> = 1_104_537_600..2_208_988_800;

pub struct Generic;

/// What the request around the records says.
#[derive(Clone, Copy, Debug, Default)]
struct Context {
    /// The host is a tracker's: the catalogue or a tracker database names it for tracking.
    tracker_host: bool,
    /// The URL path names a telemetry endpoint.
    telemetry_path: bool,
    /// A file load (image, script …): only strong names or telemetry paths count.
    asset: bool,
}

impl Context {
    fn of(exchange: &Exchange) -> Option<Context> {
        let host = super::event::host(exchange);
        let category = company_for_host(&host)
            .map(|entry| Some(entry.category))
            .or_else(|| trackerdb::lookup(&host).map(|verdict| verdict.category));
        if category == Some(Some(Category::Consent)) {
            return None;
        }
        let path = exchange.path().to_ascii_lowercase();
        let words: Vec<&str> = path
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        if words.iter().any(|w| NO_EVENT_PATH_WORDS.contains(w)) {
            return None;
        }
        let telemetry_path = words.iter().any(|w| TELEMETRY_PATH_WORDS.contains(w));
        let asset = ASSET_ENDINGS.iter().any(|ending| path.ends_with(ending))
            || exchange
                .request_header("sec-fetch-dest")
                .is_some_and(|dest| ASSET_DESTINATIONS.contains(&dest.trim().to_ascii_lowercase().as_str()));
        let tracker_host = match category {
            Some(Some(category)) => !matches!(category, Category::Content | Category::Other | Category::Push),
            // A tracker database names the host without a category.
            Some(None) => true,
            None => false,
        };
        Some(Context {
            tracker_host,
            telemetry_path,
            asset,
        })
    }
}

impl TrackerDecoder for Generic {
    fn id(&self) -> &'static str {
        ID
    }

    fn events(&self, exchange: &Exchange, tree: &mut Tree) -> Option<Vec<DecodedEvent>> {
        let context = Context::of(exchange)?;
        let mut events = if context.asset && !context.telemetry_path {
            Vec::new()
        } else {
            record_events(tree, context)
        };
        if events.is_empty() {
            events = beacon_events(tree, context);
        }
        if events.is_empty() && !context.asset {
            events = protobuf_events(tree);
        }
        if events.is_empty() && !context.asset {
            events = path_events(exchange, tree, context);
        }
        events.truncate(MAX_GENERIC_EVENTS);
        (!events.is_empty()).then_some(events)
    }
}

/// Event-like JSON objects of the request (see the module doc).
fn record_events(tree: &Tree, context: Context) -> Vec<DecodedEvent> {
    let mut found: Vec<(usize, Vec<PathSegment>, &JsonValue, Option<&str>)> = Vec::new();
    for layer in tree.request_layers() {
        if is_encrypted(tree, layer) {
            continue;
        }
        // Split-out elements are read through their container.
        if matches!(tree.structure(layer), Some(Structure::Json(_)))
            && let Some(value) = tree.json(layer)
        {
            search(value, &mut Vec::new(), None, context, 0, &mut |path, item, kind| {
                found.push((layer, path.to_vec(), item, kind));
            });
        }
        if found.len() >= MAX_GENERIC_EVENTS {
            break;
        }
    }
    found.truncate(MAX_GENERIC_EVENTS);
    found
        .into_iter()
        .map(|(holder, path, item, kind)| {
            let (layer, inner) = element_layer(tree, holder, &path);
            let name = json_name(item).or(kind).unwrap_or_default().to_string();
            let time_micros = TIME_KEYS
                .iter()
                .find_map(|key| item.get(key).and_then(micros_from_json));
            let mut event = Draft {
                layer,
                name,
                time_micros,
                fields: item.flatten(),
            }
            .finish(tree, ID);
            event.json_path = inner.filter(|p| !p.is_empty()).map(|p| json_path_text(&p));
            event
        })
        .collect()
}

/// Query strings and form bodies that name an event: one event each. A body
/// that does is the event; the URL's query only when no body layer is.
fn beacon_events(tree: &Tree, context: Context) -> Vec<DecodedEvent> {
    let mut body = Vec::new();
    let mut url = Vec::new();
    for layer in tree.request_layers() {
        if is_encrypted(tree, layer) {
            continue;
        }
        let Some(pairs) = tree.pairs(layer) else { continue };
        let Some(name) = beacon_name(pairs, context) else {
            continue;
        };
        let time_micros = pairs
            .iter()
            .find(|(key, _)| TIME_KEYS.contains(&key.as_str()))
            .and_then(|(_, value)| micros_from_text(value));
        let event = Draft {
            layer,
            name: name.to_string(),
            time_micros,
            fields: pairs.to_vec(),
        }
        .finish(tree, ID);
        if tree.layer(tree.root_of(layer)).decoder == "url" {
            url.push(event);
        } else {
            body.push(event);
        }
    }
    // A URL has one query, whatever layers a capture gives it twice in
    // (a HAR's `queryString` beside the URL's own).
    url.truncate(1);
    if body.is_empty() { url } else { body }
}

/// The event a beacon's parameters name, when they name one.
fn beacon_name(pairs: &[(String, String)], context: Context) -> Option<&str> {
    let has = |keys: &[&str]| {
        pairs
            .iter()
            .any(|(key, value)| keys.contains(&key.as_str()) && !value.is_empty())
    };
    let timed = has(TIME_KEYS) || has(SEQUENCE_KEYS) || has(SESSION_KEYS);
    let named = |keys: &[&str]| {
        keys.iter().find_map(|wanted| {
            pairs
                .iter()
                .find(|(key, value)| key == wanted && is_name_like(value))
                .map(|(_, value)| value.as_str())
        })
    };
    if let Some(name) = named(STRONG_NAME_KEYS)
        && (context.tracker_host || context.telemetry_path || timed)
    {
        return Some(name);
    }
    if context.telemetry_path && (timed || context.tracker_host) {
        return named(WEAK_NAME_KEYS);
    }
    None
}

/// Events of a protobuf batch: the repeated message whose items each hold
/// an identifier-like text and an epoch time (in seconds or milliseconds).
fn protobuf_events(tree: &Tree) -> Vec<DecodedEvent> {
    for layer in tree.request_layers() {
        if is_encrypted(tree, layer) {
            continue;
        }
        let Some(fields) = tree.protobuf(layer) else { continue };
        let mut found = Vec::new();
        proto_batches(fields, "", 0, &mut found);
        if found.is_empty() {
            continue;
        }
        return found
            .into_iter()
            .map(|(name, time_micros, fields)| {
                Draft {
                    layer,
                    name,
                    time_micros: Some(time_micros),
                    fields,
                }
                .finish(tree, ID)
            })
            .collect();
    }
    Vec::new()
}

/// A protobuf event: its name, time (µs) and flattened fields.
type ProtoEvent = (String, i64, Vec<(String, String)>);

/// What `search` calls with each event record: its path, the record and
/// the kind its list names (`sessions` → `session`).
type FoundRecord<'f, 'v> = dyn FnMut(&[PathSegment], &'v JsonValue, Option<&'static str>) + 'f;

/// Walks nested messages for a field number that repeats with event-like items.
fn proto_batches(fields: &[ProtoField], prefix: &str, depth: usize, found: &mut Vec<ProtoEvent>) {
    if depth > 8 {
        return;
    }
    let mut numbers: Vec<u64> = fields.iter().map(|f| f.number).collect();
    numbers.sort_unstable();
    numbers.dedup();
    for number in numbers {
        let items: Vec<&Vec<ProtoField>> = fields
            .iter()
            .filter(|f| f.number == number)
            .filter_map(|f| match &f.value {
                ProtoValue::Message(inner) => Some(inner),
                _ => None,
            })
            .collect();
        let path = if prefix.is_empty() {
            number.to_string()
        } else {
            format!("{prefix}.{number}")
        };
        let events: Vec<Option<(String, i64)>> = items.iter().map(|item| proto_event(item)).collect();
        if items.len() >= 2 && events.iter().all(Option::is_some) {
            for (index, (item, event)) in items.iter().zip(events).enumerate() {
                if let Some((name, time)) = event {
                    let mut flat = Vec::new();
                    flatten_proto(item, &format!("{path}[{index}]"), &mut flat);
                    found.push((name, time, flat));
                }
            }
            return;
        }
        for item in items {
            proto_batches(item, &path, depth + 1, found);
        }
    }
}

/// An item's event name (its first identifier-like text) and time.
fn proto_event(item: &[ProtoField]) -> Option<(String, i64)> {
    let name = item.iter().find_map(|f| match &f.value {
        ProtoValue::Text(text) if is_identifier(text) => Some(text.clone()),
        _ => None,
    })?;
    let time = item.iter().find_map(|f| match f.value {
        ProtoValue::Varint(v) | ProtoValue::Fixed64(v) => proto_time(v),
        _ => None,
    })?;
    Some((name, time))
}

/// An epoch time in seconds or milliseconds as µs, when plausible.
fn proto_time(value: u64) -> Option<i64> {
    if PROTO_EPOCH_SECONDS.contains(&value) {
        return i64::try_from(value).ok().map(|s| s * 1_000_000);
    }
    let seconds = value / 1000;
    PROTO_EPOCH_SECONDS
        .contains(&seconds)
        .then(|| i64::try_from(value).ok().map(|ms| ms * 1000))
        .flatten()
}

/// `snake_case`, `camelCase`, `Kebab-Case` or `$Dollar` identifiers of two or more characters.
fn is_identifier(text: &str) -> bool {
    text.len() >= 2
        && text.len() <= MAX_NAME_CHARS
        && text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '$' || c == '_')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '$' | '.' | ':'))
        && text.chars().any(|c| c.is_ascii_alphabetic())
        && !text.contains("://")
}

fn flatten_proto(fields: &[ProtoField], prefix: &str, out: &mut Vec<(String, String)>) {
    for field in fields {
        let key = format!("{prefix}.{}", field.number);
        match &field.value {
            ProtoValue::Varint(v) | ProtoValue::Fixed64(v) => out.push((key, v.to_string())),
            ProtoValue::Fixed32(v) => out.push((key, v.to_string())),
            ProtoValue::Text(text) => out.push((key, text.clone())),
            ProtoValue::Message(inner) => flatten_proto(inner, &key, out),
            ProtoValue::Bytes(bytes) => out.push((key, hex::encode(bytes))),
        }
    }
}

/// Depth-first search for event objects; an accepted object is not searched further.
fn search<'v>(
    value: &'v JsonValue,
    path: &mut Vec<PathSegment>,
    parent_key: Option<&str>,
    context: Context,
    depth: usize,
    found: &mut FoundRecord<'_, 'v>,
) {
    if depth > MAX_SEARCH_DEPTH {
        return;
    }
    match value {
        JsonValue::Object(entries) => {
            if is_event(value, context) {
                found(path, value, None);
                return;
            }
            for (key, entry) in entries {
                // A crash report's breadcrumbs and stack frames are the
                // report's inside, not events of their own.
                if REPORT_INSIDE_KEYS.contains(&key.as_str()) {
                    continue;
                }
                path.push(PathSegment::Key(key.clone()));
                search(entry, path, Some(key), context, depth + 1, found);
                path.pop();
            }
        }
        JsonValue::Array(items) => {
            // In a batch that holds events, a sibling with a name and a time
            // is one too, whatever else it lacks.
            let batch = items.iter().any(|item| is_event(item, context));
            // `"sessions": [{"id", "startedAt"}]`, `"events": [{…}]` sent
            // to a tracker or a telemetry path: records named by their list.
            let kind = (!batch && (context.tracker_host || context.telemetry_path))
                .then(|| parent_key.and_then(record_kind))
                .flatten()
                .filter(|_| items.iter().all(|item| matches!(item, JsonValue::Object(_))));
            for (index, item) in items.iter().enumerate() {
                path.push(PathSegment::Index(index));
                if batch && is_batch_member(item) {
                    found(path, item, None);
                } else if let Some(kind) = kind
                    && (kind == "event" || has_time(item))
                {
                    found(path, item, Some(kind));
                } else {
                    search(item, path, None, context, depth + 1, found);
                }
                path.pop();
            }
        }
        _ => {}
    }
}

/// Keys of lists whose every record is one event of that kind, and the
/// kind ("sessions" → "session"). `events` needs no time: the key says it.
fn record_kind(key: &str) -> Option<&'static str> {
    Some(match key {
        "events" | "event_list" | "eventList" => "event",
        "sessions" => "session",
        "hits" => "hit",
        "impressions" => "impression",
        "pageviews" | "page_views" => "page_view",
        "screenviews" | "screen_views" => "screen_view",
        _ => return None,
    })
}

/// Last path segments that name the event an endpoint receives, and the
/// event's name (Branch's `/v1/open`, GitHub's `/github/page_view`,
/// Firebase's `…/installations` registration).
const EVENT_PATH_SEGMENTS: &[(&str, &str)] = &[
    ("open", "open"),
    ("close", "close"),
    ("install", "install"),
    ("installations", "installation"),
    ("register", "registration"),
    ("launch", "launch"),
    ("session_start", "session_start"),
    ("session_end", "session_end"),
    ("page_view", "page_view"),
    ("pageview", "pageview"),
    ("screen_view", "screen_view"),
    ("identify", "identify"),
    ("track", "track"),
    ("event", "event"),
    ("impression", "impression"),
    ("click", "click"),
    ("heartbeat", "heartbeat"),
];

/// A request to a tracker (or a telemetry path) whose path names the event
/// and that sends data (a body, or a query on a GET): one event, named by
/// the path, with the body's or query's fields.
fn path_events(exchange: &Exchange, tree: &Tree, context: Context) -> Vec<DecodedEvent> {
    if !(context.tracker_host || context.telemetry_path) {
        return Vec::new();
    }
    let path = exchange.path();
    let path = path.split(['?', '#']).next().unwrap_or_default().trim_end_matches('/');
    let Some(segment) = path.rsplit('/').next().map(str::to_ascii_lowercase) else {
        return Vec::new();
    };
    let Some((_, name)) = EVENT_PATH_SEGMENTS.iter().find(|(s, _)| *s == segment) else {
        return Vec::new();
    };
    let carrier = tree.request_layers().into_iter().find(|&layer| {
        !is_encrypted(tree, layer)
            && (tree.pairs(layer).is_some_and(|p| !p.is_empty())
                || matches!(tree.json(layer), Some(JsonValue::Object(entries)) if !entries.is_empty()))
    });
    let Some(layer) = carrier else { return Vec::new() };
    let fields = match tree.json(layer) {
        Some(value) => value.flatten(),
        None => tree.pairs(layer).map(<[_]>::to_vec).unwrap_or_default(),
    };
    let time_micros = fields
        .iter()
        .find(|(key, _)| TIME_KEYS.contains(&key.as_str()))
        .and_then(|(_, value)| micros_from_text(value));
    vec![
        Draft {
            layer,
            name: (*name).to_string(),
            time_micros,
            fields,
        }
        .finish(tree, ID),
    ]
}

/// The event's name under a strong key, else under a weak one.
fn json_name(item: &JsonValue) -> Option<&str> {
    STRONG_NAME_KEYS.iter().chain(WEAK_NAME_KEYS).find_map(|key| {
        item.get(key)
            .and_then(JsonValue::as_str)
            .filter(|name| is_name_like(name))
    })
}

fn has_key(item: &JsonValue, keys: &[&str]) -> bool {
    keys.iter()
        .any(|key| item.get(key).is_some_and(|v| !matches!(v, JsonValue::Null)))
}

fn has_time(item: &JsonValue) -> bool {
    TIME_KEYS
        .iter()
        .any(|key| item.get(key).and_then(micros_from_json).is_some())
}

/// Whether `item` is an event (see the module doc).
fn is_event(item: &JsonValue, context: Context) -> bool {
    let has_name = |keys: &[&str]| {
        keys.iter()
            .any(|key| item.get(key).and_then(JsonValue::as_str).is_some_and(is_name_like))
    };
    let timed = has_time(item) || has_key(item, SEQUENCE_KEYS) || has_key(item, SESSION_KEYS);
    let telemetry = has_key(item, TELEMETRY_KEYS);
    let around = context.tracker_host || context.telemetry_path;
    if has_name(STRONG_NAME_KEYS) {
        return timed || telemetry || around;
    }
    has_name(WEAK_NAME_KEYS) && timed && (telemetry || around)
}

/// A batch member: any event name (strong or weak key) and a time.
fn is_batch_member(item: &JsonValue) -> bool {
    item.is_object() && json_name(item).is_some() && has_time(item)
}

/// A short identifier-like name: no URL, no sentence, no number alone.
fn is_name_like(name: &str) -> bool {
    let name = name.trim();
    !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && !name.contains("://")
        && name.split_whitespace().count() <= 6
        && name.parse::<f64>().is_err()
        && name.chars().any(char::is_alphabetic)
}

/// The element layer that shows the object at `path` inside `holder`, when
/// the JSON decoder split it out (`json[i]`, `json:key[i]`), with what path
/// is left inside it; else `holder` and the full path.
fn element_layer(tree: &Tree, holder: usize, path: &[PathSegment]) -> (usize, Option<Vec<PathSegment>>) {
    for &child in tree.children(holder) {
        if let Some(Structure::JsonElement(element)) = tree.structure(child)
            && path.starts_with(element)
        {
            return (child, Some(path[element.len()..].to_vec()));
        }
    }
    (holder, Some(path.to_vec()))
}

/// `[2].events[3]` style text of a JSON path (the JSON decoder's convention).
fn json_path_text(path: &[PathSegment]) -> String {
    let mut text = String::new();
    for segment in path {
        match segment {
            PathSegment::Key(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            PathSegment::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

/// Whether the layer or one above it was marked encrypted.
fn is_encrypted(tree: &Tree, mut layer: usize) -> bool {
    loop {
        if tree.layer(layer).encrypted {
            return true;
        }
        match tree.parent(layer) {
            Some(parent) => layer = parent,
            None => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> JsonValue {
        JsonValue::parse(text.as_bytes()).expect("valid JSON")
    }

    fn context(tracker_host: bool, telemetry_path: bool) -> Context {
        Context {
            tracker_host,
            telemetry_path,
            asset: false,
        }
    }

    fn events_in(text: &str, tracker_host: bool) -> Vec<String> {
        events_with(text, context(tracker_host, false))
    }

    fn events_with(text: &str, context: Context) -> Vec<String> {
        let value = json(text);
        let mut names = Vec::new();
        search(&value, &mut Vec::new(), None, context, 0, &mut |path, item, kind| {
            names.push(format!(
                "{}:{}",
                json_path_text(path),
                json_name(item).or(kind).unwrap_or("")
            ));
        });
        names
    }

    fn pairs(query: &str) -> Vec<(String, String)> {
        query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn batches_nested_at_any_depth() {
        let batch = r#"{"api_key":"k","payload":{"data":{"events":[
            {"event_type":"app_open","time":1680861000123,"device_id":"d"},
            {"event_type":"purchase","time":1680861001123,"items":[{"name":"shirt","time":1}]}]}}}"#;
        assert_eq!(
            events_in(batch, false),
            ["payload.data.events[0]:app_open", "payload.data.events[1]:purchase"]
        );
    }

    #[test]
    fn a_single_object_posted_alone_is_an_event() {
        assert_eq!(
            events_in(
                r#"{"_eventName":"fb_mobile_activate_app","_logTime":1680861000}"#,
                false
            ),
            [":fb_mobile_activate_app"]
        );
    }

    #[test]
    fn a_loggers_record_with_a_session_is_an_event() {
        // Tremor Video's ad logger, as a real iOS Charles session recorded it.
        let record = r#"{"sessionId":"n2pb1m1u6c","sentToRML":true,"context":"Preroll","kind":"MediaProgress","action":"25","name":"MediaProgress_Preroll_25"}"#;
        assert_eq!(events_with(record, context(false, true)), [":MediaProgress_Preroll_25"]);
        // A name and a session alone, to a path and host that say nothing, are no event.
        let bare = r#"{"sessionId":"n2pb1m1u6c","name":"Checkout"}"#;
        assert!(events_with(bare, context(false, false)).is_empty());
        assert_eq!(events_with(bare, context(false, true)), [":Checkout"]);
    }

    #[test]
    fn ordinary_api_json_is_not_telemetry() {
        let products = r#"[{"name":"Shirt","price":12.5,"id":3},{"name":"Hat","price":8,"id":4}]"#;
        assert!(events_in(products, false).is_empty());
        assert!(
            events_in(products, true).is_empty(),
            "no time: not even on a tracker host"
        );
        let results = r#"{"results":[{"title":"Cats","type":"article","url":"https://x/1"}],"total":1}"#;
        assert!(events_in(results, false).is_empty());
        // A calendar API's `event` needs more than its key on an ordinary host.
        assert!(events_in(r#"{"event":"Team lunch","location":"Cafe"}"#, false).is_empty());
        assert_eq!(
            events_in(r#"{"event":"screen_view","location":"Cafe"}"#, true),
            [":screen_view"]
        );
        // A login posting a session is no event without a telemetry path or host.
        assert!(events_in(r#"{"type":"password","session_id":"s1","user":"a"}"#, false).is_empty());
    }

    #[test]
    fn weak_keys_need_a_time_and_telemetry() {
        assert!(events_in(r#"{"name":"Shirt","timestamp":1680861000}"#, false).is_empty());
        assert_eq!(
            events_in(r#"{"name":"level_up","timestamp":1680861000,"device_id":"d1"}"#, false),
            [":level_up"]
        );
    }

    #[test]
    fn records_of_a_named_list_are_events_of_that_kind() {
        let report = r#"{"notifier": {"name": "Android Notifier", "version": "5.28.4"},
            "sessions": [{"id": "ea1", "startedAt": "2023-04-07T13:04:57.078Z", "user": {}}]}"#;
        assert_eq!(events_in(report, true), ["sessions[0]:session"]);
        // The same list to a host no list knows and a path that says nothing: no events.
        assert!(events_in(report, false).is_empty());
        // A crash report's breadcrumbs are its inside.
        let crash = r#"{"events": [{"context": "Map", "exceptions": [{"errorClass": "E"}],
            "breadcrumbs": [{"timestamp": "2023-04-07T13:04:57Z", "name": "Activity created", "type": "navigation"}]}]}"#;
        assert_eq!(events_in(crash, true), ["events[0]:event"]);
    }

    #[test]
    fn a_beacon_is_one_event() {
        let pixel = pairs("id=1234&ev=PageView&dl=https%3A%2F%2Fnews.example%2F&ts=1680861000123");
        assert_eq!(beacon_name(&pixel, context(true, false)), Some("PageView"));
        let collect = pairs("v=1&t=pageview&cid=555&_s=3");
        assert_eq!(beacon_name(&collect, context(false, true)), Some("pageview"));
        // A cache buster is no name; a type without a telemetry path is none either.
        assert_eq!(beacon_name(&pairs("t=1680861000&v=3"), context(false, true)), None);
        assert_eq!(beacon_name(&pairs("type=all&session=abc"), context(false, false)), None);
    }

    #[test]
    fn a_repeated_protobuf_message_of_names_and_times_is_a_batch() {
        let item = |name: &str, millis: u64| {
            ProtoValue::Message(vec![
                ProtoField {
                    number: 1,
                    value: ProtoValue::Text(name.into()),
                },
                ProtoField {
                    number: 2,
                    value: ProtoValue::Varint(millis),
                },
            ])
        };
        let batch = vec![
            ProtoField {
                number: 3,
                value: ProtoValue::Text("device-1".into()),
            },
            ProtoField {
                number: 4,
                value: item("app_open", 1_680_861_000_123),
            },
            ProtoField {
                number: 4,
                value: item("level_start", 1_680_861_005_000),
            },
        ];
        let mut found = Vec::new();
        proto_batches(&batch, "", 0, &mut found);
        let names: Vec<&str> = found.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(names, ["app_open", "level_start"]);
        assert_eq!(found[0].1, 1_680_861_000_123_000);
        // One item, or items without times, are no batch.
        let mut none = Vec::new();
        proto_batches(&batch[..2], "", 0, &mut none);
        assert!(none.is_empty());
    }

    #[test]
    fn names_must_look_like_names() {
        assert!(!is_name_like("https://example.org/page"));
        assert!(!is_name_like("12345"));
        assert!(!is_name_like("this is a long sentence that nobody would call an event"));
        assert!(is_name_like("$AppStart"));
        assert!(is_name_like("Page View"));
    }
}
