//! The endpoint table as shipped: `assets/endpoints/<tracker>.toml`, one file
//! per tracker company, embedded at build time and parsed once.
//!
//! Loading validates everything a file can get wrong — unknown keys, bad
//! regexes, bad paths, unknown data types or categories, duplicate ids,
//! URLs that could never match — and names the file and the problem. The
//! unit test `every_table_file_loads` parses every file, so a broken table
//! cannot ship; at run time a broken table would only mean "no endpoint
//! known", never a crash.

use std::collections::{BTreeMap, HashSet};

use regex::Regex;
use serde::Deserialize;

use crate::attribution::Category;
use crate::decode::datatypes;
use crate::decode::document::{PathPattern, Segment};

/// The table files, embedded at build time. Listed one by one (not with
/// `include_dir!`) so that editing a file rebuilds the program: a proc macro
/// cannot tell cargo which files it read. `every_table_file_is_listed`
/// fails when a file in `assets/endpoints/` is missing here.
macro_rules! table_files {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../assets/endpoints/", $name)))),*]
    };
}

static TABLE_FILES: &[(&str, &str)] = table_files![
    "adagio.toml",
    "adcolony.toml",
    "adform.toml",
    "adjust.toml",
    "apple.toml",
    "branch.toml",
    "bugsnag.toml",
    "chartboost.toml",
    "criteo.toml",
    "equativ.toml",
    "facebook.toml",
    "google.toml",
    "id5.toml",
    "index-exchange.toml",
    "infonline.toml",
    "ironsource.toml",
    "kidoz.toml",
    "magnite.toml",
    "media-net.toml",
    "microsoft.toml",
    "mintegral.toml",
    "mopub.toml",
    "onesignal.toml",
    "openx.toml",
    "outbrain.toml",
    "pubmatic.toml",
    "singular.toml",
    "start-io.toml",
    "taboola.toml",
    "unity.toml",
    "vungle.toml",
    "yandex.toml",
];

/// One tracker company of the table.
#[derive(Debug)]
pub struct Tracker {
    /// `facebook`: events' `tracker`, `--tracker`.
    pub id: String,
    /// The company as users read it.
    pub company: String,
    pub category: Category,
}

/// What the request body was decoded as (the `body` predicate).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyKind {
    Json,
    Form,
    Protobuf,
    /// Any non-empty body.
    Any,
    /// No body at all.
    None,
}

/// One known endpoint, compiled.
#[derive(Debug)]
pub struct Endpoint {
    /// `facebook/graph-activities`.
    pub id: String,
    /// The endpoint id alone (`graph-activities`).
    pub short_id: String,
    /// Index into [`Table::trackers`].
    pub tracker: usize,
    pub name: String,
    /// Exact endpoint URLs (`https://host/path`, no query, no trailing `/`).
    pub urls: Vec<String>,
    /// Regexes over the endpoint URL.
    pub url_patterns: Vec<String>,
    /// Upper-case methods; empty means any.
    pub methods: Vec<String>,
    pub body: Option<BodyKind>,
    pub source: String,
    /// The TrackHAR adapters (`tracker/slug`) this entry transcribes.
    pub trackhar: Vec<String>,
    pub events: Vec<EventRule>,
    pub data: Vec<DataRule>,
}

/// One way to read events out of a matched request (see `rules`).
#[derive(Debug)]
pub struct EventRule {
    /// Every element of the nodes this names is one event; `None`: one
    /// event for the whole request.
    pub each: Option<PathPattern>,
    /// Where the name is, first found wins: relative to the element with
    /// `each`, else absolute.
    pub name: Vec<PathPattern>,
    /// Where the time is (same convention as `name`).
    pub time: Vec<PathPattern>,
    /// The name when `name` finds none; `{endpoint}` is the URL's last path segment.
    pub default_name: Option<String>,
}

/// One path that holds a data type.
#[derive(Debug)]
pub struct DataRule {
    /// A vocabulary name (`advertisingId`).
    pub kind: String,
    pub path: PathPattern,
    /// Only values matching this are the data type.
    pub only_if: Option<Regex>,
    /// Values matching this are skipped.
    pub not_if: Option<Regex>,
    /// Leaves near the node that must match (`where`), looked up below an
    /// anchor: the element the path's first `*` stands for (its deepest
    /// instance that has every key), or without `*` the nearest ancestor
    /// that has them.
    pub conditions: Vec<(Vec<Segment>, Regex)>,
    /// The path up to its first `*`: names the anchor of `conditions`.
    pub anchor: Option<PathPattern>,
    /// The value is the first capture group of this regex (no match: skipped).
    pub extract: Option<Regex>,
    /// The path ends in `*`: every element of the array is a value.
    pub each_element: bool,
}

/// The whole table.
#[derive(Debug, Default)]
pub struct Table {
    pub trackers: Vec<Tracker>,
    pub endpoints: Vec<Endpoint>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    tracker: TrackerSpec,
    #[serde(default, rename = "endpoint")]
    endpoints: Vec<EndpointSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrackerSpec {
    id: String,
    company: String,
    category: Category,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EndpointSpec {
    id: String,
    name: String,
    #[serde(default)]
    urls: Vec<String>,
    #[serde(default)]
    url_patterns: Vec<String>,
    #[serde(default)]
    methods: Vec<String>,
    body: Option<BodyKind>,
    source: String,
    #[serde(default)]
    trackhar: Vec<String>,
    #[serde(default)]
    events: Vec<EventSpec>,
    #[serde(default)]
    data: BTreeMap<String, Vec<PathSpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventSpec {
    each: Option<String>,
    #[serde(default)]
    name: OneOrMany,
    #[serde(default)]
    time: OneOrMany,
    default_name: Option<String>,
}

/// A path or a list of paths (the first that finds a value wins).
#[derive(Default, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum PathSpec {
    Plain(String),
    Detailed(DetailedPath),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DetailedPath {
    path: String,
    only_if: Option<String>,
    not_if: Option<String>,
    #[serde(default, rename = "where")]
    conditions: BTreeMap<String, String>,
    extract: Option<String>,
}

/// Request parts a data path may start with.
const CONTEXTS: &[&str] = &["query", "body", "header", "cookie", "path"];

impl Table {
    /// Parses every embedded file, in file-name order.
    pub fn embedded() -> Result<Table, String> {
        let mut files: Vec<(&str, &str)> = TABLE_FILES.to_vec();
        files.sort_by(|a, b| a.0.cmp(b.0));
        Table::parse(&files)
    }

    /// Parses `(file name, text)` pairs in the order given.
    pub fn parse(files: &[(&str, &str)]) -> Result<Table, String> {
        let mut table = Table::default();
        let mut tracker_ids: HashSet<String> = HashSet::new();
        for (name, text) in files {
            let located = |problem: String| format!("assets/endpoints/{name}: {problem}");
            let spec: FileSpec = toml::from_str(text).map_err(|e| located(e.to_string().trim().replace('\n', " ")))?;
            let tracker = spec.tracker;
            if !is_id(&tracker.id) {
                return Err(located(format!("tracker id `{}` is not [a-z0-9-]+", tracker.id)));
            }
            if name.strip_suffix(".toml") != Some(tracker.id.as_str()) {
                return Err(located(format!(
                    "file must be named after its tracker id `{}`",
                    tracker.id
                )));
            }
            if !tracker_ids.insert(tracker.id.clone()) {
                return Err(located(format!("duplicate tracker id `{}`", tracker.id)));
            }
            if tracker.company.trim().is_empty() {
                return Err(located("empty company".to_string()));
            }
            let tracker_index = table.trackers.len();
            let mut endpoint_ids: HashSet<String> = HashSet::new();
            for endpoint in spec.endpoints {
                let id = endpoint.id.clone();
                let compiled = compile_endpoint(endpoint, tracker_index, &tracker.id)
                    .map_err(|problem| located(format!("endpoint `{id}`: {problem}")))?;
                if !endpoint_ids.insert(id.clone()) {
                    return Err(located(format!("duplicate endpoint id `{id}`")));
                }
                table.endpoints.push(compiled);
            }
            table.trackers.push(Tracker {
                id: tracker.id,
                company: tracker.company,
                category: tracker.category,
            });
        }
        Ok(table)
    }
}

/// `[a-z0-9-]+`.
fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn compile_endpoint(spec: EndpointSpec, tracker: usize, tracker_id: &str) -> Result<Endpoint, String> {
    if !is_id(&spec.id) {
        return Err("id is not [a-z0-9-]+".to_string());
    }
    if spec.name.trim().is_empty() || spec.source.trim().is_empty() {
        return Err("needs a name and a source".to_string());
    }
    if spec.urls.is_empty() && spec.url_patterns.is_empty() {
        return Err("needs `urls` or `url_patterns`".to_string());
    }
    let mut urls = Vec::with_capacity(spec.urls.len());
    for url in &spec.urls {
        let rest = url
            .strip_prefix("https://")
            .ok_or_else(|| format!("URL `{url}` must start with https:// (the scheme is always written https)"))?;
        if rest.contains(['?', '#']) || rest.is_empty() {
            return Err(format!("URL `{url}` must be https://host/path without query"));
        }
        let host_end = rest.find('/').unwrap_or(rest.len());
        if rest[..host_end].bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(format!("URL `{url}` must have a lower-case host"));
        }
        urls.push(url.trim_end_matches('/').to_string());
    }
    for pattern in &spec.url_patterns {
        Regex::new(pattern).map_err(|e| format!("bad URL pattern `{pattern}`: {e}"))?;
        if !pattern.trim_start_matches('^').starts_with("https://") {
            return Err(format!(
                "URL pattern `{pattern}` must start with `^https://` (the scheme is always written https)"
            ));
        }
    }
    let methods: Vec<String> = spec.methods.iter().map(|m| m.trim().to_ascii_uppercase()).collect();
    if methods
        .iter()
        .any(|m| m.is_empty() || !m.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return Err(format!("bad methods {:?}", spec.methods));
    }
    for adapter in &spec.trackhar {
        if adapter.split('/').count() != 2 {
            return Err(format!("`trackhar` entry `{adapter}` must be tracker/slug"));
        }
    }
    let events = spec
        .events
        .into_iter()
        .map(compile_event)
        .collect::<Result<Vec<_>, String>>()?;
    let mut data = Vec::new();
    for (kind, paths) in spec.data {
        if !datatypes::is_known(&kind) {
            return Err(format!("unknown data type `{kind}` (not in the vocabulary)"));
        }
        if paths.is_empty() {
            return Err(format!("data type `{kind}` has no paths"));
        }
        for path in paths {
            data.push(compile_data(&kind, path)?);
        }
    }
    Ok(Endpoint {
        id: format!("{tracker_id}/{}", spec.id),
        short_id: spec.id,
        tracker,
        name: spec.name,
        urls,
        url_patterns: spec.url_patterns,
        methods,
        body: spec.body,
        source: spec.source,
        trackhar: spec.trackhar,
        events,
        data,
    })
}

fn compile_event(spec: EventSpec) -> Result<EventRule, String> {
    let names = spec.name.into_vec();
    if names.is_empty() && spec.default_name.is_none() {
        return Err("an event rule needs `name` or `default_name`".to_string());
    }
    let each = spec.each.as_deref().map(absolute_path).transpose()?;
    let relative = |text: &str| -> Result<PathPattern, String> {
        if each.is_some() {
            PathPattern::parse(text).map_err(|e| format!("event path: {e}"))
        } else {
            absolute_path(text)
        }
    };
    Ok(EventRule {
        name: names.iter().map(|n| relative(n)).collect::<Result<_, _>>()?,
        time: spec
            .time
            .into_vec()
            .iter()
            .map(|t| relative(t))
            .collect::<Result<_, _>>()?,
        each,
        default_name: spec.default_name,
    })
}

/// A path that starts with a request part (`body.events`).
fn absolute_path(text: &str) -> Result<PathPattern, String> {
    let context = text.split(['.', '[']).next().unwrap_or_default();
    if !CONTEXTS.contains(&context) {
        return Err(format!("path `{text}` must start with one of {}", CONTEXTS.join(", ")));
    }
    PathPattern::parse(text).map_err(|e| format!("path: {e}"))
}

fn compile_data(kind: &str, spec: PathSpec) -> Result<DataRule, String> {
    let detailed = match spec {
        PathSpec::Plain(path) => DetailedPath {
            path,
            only_if: None,
            not_if: None,
            conditions: BTreeMap::new(),
            extract: None,
        },
        PathSpec::Detailed(detailed) => detailed,
    };
    let regex = |text: &str| Regex::new(text).map_err(|e| format!("`{kind}`: bad regex `{text}`: {e}"));
    let mut conditions = Vec::new();
    for (key, value) in &detailed.conditions {
        let segments = relative_segments(key).map_err(|e| format!("`{kind}`: `where` key `{key}`: {e}"))?;
        conditions.push((segments, regex(value)?));
    }
    let anchor = if conditions.is_empty() {
        None
    } else {
        anchor_of(&detailed.path)
            .map(|prefix| PathPattern::parse(&prefix))
            .transpose()
            .map_err(|e| format!("`{kind}`: {e}"))?
    };
    let extract = detailed.extract.as_deref().map(regex).transpose()?;
    if let Some(extract) = &extract
        && extract.captures_len() < 2
    {
        return Err(format!("`{kind}`: `extract` needs a capture group"));
    }
    Ok(DataRule {
        each_element: detailed.path.ends_with(".*") || detailed.path.ends_with("[*]"),
        kind: kind.to_string(),
        path: absolute_path(&detailed.path).map_err(|e| format!("`{kind}`: {e}"))?,
        only_if: detailed.only_if.as_deref().map(regex).transpose()?,
        not_if: detailed.not_if.as_deref().map(regex).transpose()?,
        conditions,
        anchor,
        extract,
    })
}

/// `body.1.*.3.*.6` → `body.1.*`; `None` without a `*` segment.
fn anchor_of(path: &str) -> Option<String> {
    let mut end = 0;
    for segment in path.split('.') {
        end += segment.len();
        if segment == "*" {
            return Some(path[..end].to_string());
        }
        end += 1;
    }
    None
}

/// A plain relative path (`identifier`, `device.os`) as key segments.
fn relative_segments(text: &str) -> Result<Vec<Segment>, String> {
    let segments: Vec<Segment> = text.split('.').map(|key| Segment::Key(key.to_string())).collect();
    if segments
        .iter()
        .any(|s| matches!(s, Segment::Key(k) if k.is_empty() || k.contains(['*', '/', '['])))
    {
        return Err("must be plain keys joined by `.`".to_string());
    }
    Ok(segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_file_loads() {
        let table = Table::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert!(table.trackers.len() >= 32, "{} trackers", table.trackers.len());
        for endpoint in &table.endpoints {
            assert!(
                endpoint.urls.iter().all(|u| !u.ends_with('/')),
                "{}: URLs are stored without a trailing slash",
                endpoint.id
            );
        }
    }

    #[test]
    fn every_table_file_is_listed() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/endpoints");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("assets/endpoints")
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let listed: Vec<String> = TABLE_FILES.iter().map(|(name, _)| name.to_string()).collect();
        assert_eq!(
            listed, on_disk,
            "add new files to TABLE_FILES in src/decode/endpoints/table.rs"
        );
    }

    fn parse_one(text: &str) -> Result<Table, String> {
        Table::parse(&[("demo.toml", text)])
    }

    const GOOD: &str = r#"
        [tracker]
        id = "demo"
        company = "Demo Inc."
        category = "analytics"
        [[endpoint]]
        id = "collect"
        name = "Collector"
        urls = ["https://t.demo.example/collect/"]
        source = "test"
        [endpoint.data]
        deviceId = ["body.device.id", { path = "query.udid", not_if = "^ifa:" }]
    "#;

    #[test]
    fn a_good_file_compiles() {
        let table = parse_one(GOOD).expect("valid");
        assert_eq!(table.trackers[0].id, "demo");
        let endpoint = &table.endpoints[0];
        assert_eq!(endpoint.id, "demo/collect");
        assert_eq!(endpoint.urls, ["https://t.demo.example/collect"]);
        assert_eq!(endpoint.data.len(), 2);
        assert!(endpoint.data[1].not_if.is_some());
    }

    #[test]
    fn mistakes_are_named_with_the_file() {
        let cases = [
            (
                GOOD.replace("source = \"test\"", "source = \"test\"\nsurce = 1"),
                "unknown field",
            ),
            (GOOD.replace("deviceId", "deviceIdentifier"), "unknown data type"),
            (GOOD.replace("\"analytics\"", "\"spying\""), "unknown variant"),
            (GOOD.replace("\"^ifa:\"", "\"(ifa\""), "bad regex"),
            (GOOD.replace("body.device.id", "device.id"), "must start with"),
            (GOOD.replace("body.device.id", "body.[1"), "unclosed"),
            (GOOD.replace("https://t.demo", "http://t.demo"), "https://"),
            (GOOD.replace("id = \"demo\"", "id = \"Demo\""), "[a-z0-9-]+"),
            (
                GOOD.replace("urls = [\"https://t.demo.example/collect/\"]", "urls = []"),
                "needs `urls`",
            ),
        ];
        for (text, expected) in cases {
            let error = parse_one(&text).expect_err(expected);
            assert!(error.starts_with("assets/endpoints/demo.toml: "), "{error}");
            assert!(error.contains(expected), "{error} should say {expected}");
        }
        let twice = format!("{GOOD}\n{}", &GOOD[GOOD.find("[[endpoint]]").unwrap_or(0)..]);
        let error = parse_one(&twice).expect_err("duplicate");
        assert!(error.contains("duplicate endpoint id `collect`"), "{error}");
        let error = Table::parse(&[("demo.toml", GOOD), ("demo.toml", GOOD)]).expect_err("duplicate");
        assert!(error.contains("duplicate tracker id"), "{error}");
        let error = Table::parse(&[("other.toml", GOOD)]).expect_err("misnamed");
        assert!(error.contains("named after its tracker id"), "{error}");
    }
}
