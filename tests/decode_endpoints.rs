//! The endpoint table (`assets/endpoints/`) against tweasel TrackHAR 1.0.0,
//! its source, and golden tests per endpoint family.
//!
//! The oracle: `tests/fixtures/trackhar/golden/*.trackhar.json` hold what
//! TrackHAR itself reports per request of a HAR (written by
//! `scripts/trackhar-oracle/run.mjs`; node is needed only to regenerate
//! them). For every request TrackHAR reports data on, every property it
//! names must be among Telltale's data types for that request. Inputs: the
//! real captures (`tests/fixtures/trackhar/real/`), the public HARs
//! (`tests/fixtures/har/`) and a synthetic HAR with one request per
//! TrackHAR adapter (`scripts/trackhar-oracle/synthetic.mjs`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Deserialize;
use telltale::store::{Case, ExchangeFilter, ExchangeRow, ImportOptions, NoObserver};

use crate::common::fixture;

#[derive(Deserialize)]
struct Golden {
    trackhar: String,
    har: String,
    entries: Vec<GoldenEntry>,
}

#[derive(Deserialize)]
struct GoldenEntry {
    index: i64,
    adapter: String,
    properties: Vec<String>,
    /// `[property, context, path, value]`.
    findings: Vec<[String; 4]>,
}

fn goldens() -> Vec<(PathBuf, Golden)> {
    let dir = fixture("trackhar/golden");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let golden: Golden = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path, golden)
        })
        .collect()
}

/// Where a golden file's HAR lives in `tests/fixtures`.
fn har_path(name: &str) -> PathBuf {
    ["trackhar", "trackhar/real", "har"]
        .iter()
        .map(|dir| fixture(&format!("{dir}/{name}")))
        .find(|path| path.exists())
        .unwrap_or_else(|| panic!("no fixture named {name}"))
}

/// Every request of a HAR as Telltale lists it, by 0-based source index.
fn imported(path: &std::path::Path) -> BTreeMap<i64, ExchangeRow> {
    let mut case = Case::open_in_memory().expect("in-memory case");
    case.import_file(path, &ImportOptions::default(), &mut NoObserver)
        .unwrap_or_else(|e| panic!("import {}: {e}", path.display()));
    case.exchanges(&ExchangeFilter::default())
        .expect("list exchanges")
        .into_iter()
        .map(|row| (row.source_index, row))
        .collect()
}

#[test]
fn every_property_trackhar_reports_is_among_telltales_data_types() {
    let table = telltale::decode::endpoints::table();
    let (mut expected, mut found, mut requests) = (0usize, 0usize, 0usize);
    let mut adapters: BTreeSet<String> = BTreeSet::new();
    let mut misses: Vec<String> = Vec::new();
    let mut values = (0usize, 0usize);
    let mut value_misses: Vec<String> = Vec::new();
    for (golden_path, golden) in goldens() {
        assert_eq!(golden.trackhar, "1.0.0", "{}", golden_path.display());
        if golden.entries.is_empty() {
            continue;
        }
        let rows = imported(&har_path(&golden.har));
        for entry in &golden.entries {
            requests += 1;
            let Some(row) = rows.get(&entry.index) else {
                misses.push(format!("{} #{}: request not imported", golden.har, entry.index));
                continue;
            };
            // The request is matched to the endpoint that transcribes TrackHAR's adapter.
            let endpoint = row
                .endpoint
                .as_deref()
                .and_then(|id| table.endpoints.iter().find(|e| e.id == id));
            match endpoint {
                Some(endpoint) if endpoint.trackhar.contains(&entry.adapter) => {
                    adapters.insert(entry.adapter.clone());
                }
                _ => misses.push(format!(
                    "{} #{}: TrackHAR's {} but Telltale's endpoint {:?}",
                    golden.har, entry.index, entry.adapter, row.endpoint
                )),
            }
            let types: BTreeSet<&str> = row.data_types.iter().map(|t| t.kind.as_str()).collect();
            // The same values: every scalar TrackHAR reads is a value Telltale names with that type.
            for [property, context, path, value] in &entry.findings {
                let scalar = !value.starts_with(['{', '[']) && value.chars().count() < 200;
                let same = row
                    .data_types
                    .iter()
                    .any(|t| &t.kind == property && agrees(&t.value, value));
                if scalar {
                    values.0 += 1;
                    if same {
                        values.1 += 1;
                    } else {
                        value_misses.push(format!(
                            "{} #{} {property} {context}.{path}: TrackHAR {value:?}, Telltale {:?}",
                            golden.har,
                            entry.index,
                            row.data_types
                                .iter()
                                .filter(|t| &t.kind == property)
                                .map(|t| format!("{}={}", t.field, t.value))
                                .collect::<Vec<_>>()
                        ));
                    }
                }
            }
            for property in &entry.properties {
                expected += 1;
                if types.contains(property.as_str()) {
                    found += 1;
                } else {
                    let paths: Vec<String> = entry
                        .findings
                        .iter()
                        .filter(|f| &f[0] == property)
                        .map(|f| format!("{}.{}={}", f[1], f[2], f[3]))
                        .collect();
                    misses.push(format!(
                        "{} #{} {}: {property} missing (TrackHAR: {})",
                        golden.har,
                        entry.index,
                        entry.adapter,
                        paths.join(", ")
                    ));
                }
            }
        }
    }
    eprintln!(
        "TrackHAR oracle: {requests} requests, {} adapters matched, properties {found}/{expected}, scalar values {}/{}",
        adapters.len(),
        values.1,
        values.0
    );
    assert!(misses.is_empty(), "{} misses:\n{}", misses.len(), misses.join("\n"));
    assert!(value_misses.is_empty(), "{}", value_misses.join("\n"));
    // Every adapter reported on by some golden request, i.e. the synthetic HAR reaches them all.
    assert_eq!(adapters.len(), 123, "adapters exercised: {adapters:?}");
}

/// Telltale's value says the same as TrackHAR's: equal; the same number
/// (`1.0` as sent, `1` as JavaScript prints it); or the part of TrackHAR's
/// value that carries the data (`google` of `device-brand/google`, the
/// UUID of `/players/<uuid>`, which Telltale's `extract` cuts out).
fn agrees(ours: &str, theirs: &str) -> bool {
    let (ours, theirs) = (ours.trim(), theirs.trim());
    ours == theirs
        || ours
            .parse::<f64>()
            .ok()
            .zip(theirs.parse::<f64>().ok())
            .is_some_and(|(a, b)| a == b)
        || (ours.len() >= 3 && (theirs.ends_with(&format!("/{ours}")) || theirs.ends_with(&format!("/{ours}/"))))
}

#[test]
fn the_table_transcribes_every_trackhar_adapter_once() {
    let table = telltale::decode::endpoints::table();
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for endpoint in &table.endpoints {
        for adapter in &endpoint.trackhar {
            assert!(
                seen.insert(adapter, &endpoint.id).is_none(),
                "{adapter} transcribed twice"
            );
            assert!(
                endpoint.source.contains(adapter.as_str()),
                "{}: source line names {adapter}",
                endpoint.id
            );
        }
    }
    let (_, synthetic) = goldens()
        .into_iter()
        .find(|(_, golden)| golden.har == "synthetic.har")
        .expect("synthetic golden");
    let reported: BTreeSet<&str> = synthetic.entries.iter().map(|e| e.adapter.as_str()).collect();
    let transcribed: BTreeSet<&str> = seen.keys().copied().collect();
    assert_eq!(transcribed, reported);
    assert_eq!(transcribed.len(), 123);
    let companies: BTreeSet<&str> = transcribed.iter().filter_map(|a| a.split('/').next()).collect();
    assert_eq!(companies.len(), 32, "{companies:?}");
}

/// Hosts that serve far more than trackers (Google search, Google's API
/// front door): the catalogue does not call them trackers, so their
/// requests have an endpoint and a tracker but no company.
const NOT_CATALOGUED: &[&str] = &["www.googleapis.com", "www.google.com"];

#[test]
fn every_endpoint_host_names_its_company_in_the_catalogue() {
    let table = telltale::decode::endpoints::table();
    let mut wrong = Vec::new();
    for endpoint in &table.endpoints {
        let tracker = &table.trackers[endpoint.tracker];
        for url in &endpoint.urls {
            let host = url.trim_start_matches("https://").split('/').next().unwrap_or_default();
            let company = telltale::attribution::company_for_host(host).map(|e| e.company.as_str());
            if !NOT_CATALOGUED.contains(&host) && !company.is_some_and(|c| c.contains(&tracker.company)) {
                wrong.push(format!(
                    "{host} ({}): catalogue says {company:?}, table says {}",
                    endpoint.id, tracker.company
                ));
            }
        }
    }
    let rows = imported(&fixture("trackhar/synthetic.har"));
    for row in rows.values() {
        let Some(endpoint) = row
            .endpoint
            .as_deref()
            .and_then(|id| table.endpoints.iter().find(|e| e.id == id))
        else {
            wrong.push(format!("{}: no endpoint", row.url));
            continue;
        };
        let tracker = &table.trackers[endpoint.tracker];
        match &row.company {
            Some(company) if company.contains(&tracker.company) => {}
            None if NOT_CATALOGUED.contains(&row.host.as_str()) => {}
            other => wrong.push(format!(
                "{} ({}): catalogue says {other:?}, table says {}",
                row.host, endpoint.id, tracker.company
            )),
        }
        // The table names the tracker unless an SDK decoder (by payload shape) did.
        let tracker_id = row.tracker.as_deref().unwrap_or_default();
        assert!(
            tracker_id == tracker.id || telltale::decode::trackers::ids().contains(&tracker_id),
            "{}: tracker {tracker_id}",
            row.url
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
