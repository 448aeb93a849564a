//! `telltale export --parquet`: the files DuckDB reads (the README recipe,
//! run with the `duckdb` Python package over two generated cases) give the
//! same numbers as Telltale's own `summary` and event listing.

use crate::synthetic;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use telltale::model::Mode;
use telltale::store::{Case, EventFilter, ImportOptions, NoObserver, SummaryFilter};

/// A case with two sessions of generated traffic (normal and incognito).
fn generated_case(path: &Path, entries: usize, seed: u64) -> Case {
    let mut case = Case::create_or_open(path).expect("case");
    for (name, mode, percent) in [("normal", Mode::Normal, 0), ("incognito", Mode::Incognito, 100)] {
        let shape = synthetic::Shape {
            entries,
            events_per_entry: 1,
            seed: seed + percent,
            incognito_percent: percent,
        };
        let options = ImportOptions {
            session: Some(name.into()),
            mode: Some(mode),
            ..ImportOptions::default()
        };
        case.import_bytes(
            &format!("{name}.har"),
            None,
            &synthetic::har_bytes(shape),
            &options,
            &mut NoObserver,
        )
        .expect("import");
    }
    case
}

fn duckdb(query: &str) -> Vec<Vec<String>> {
    let script = format!(
        "import duckdb, json\nrows = duckdb.sql({query:?}).fetchall()\nprint(json.dumps([[str(c) for c in r] for r in rows]))"
    );
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "duckdb query failed (CI installs it: pip install duckdb): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("json rows")
}

#[test]
fn duckdb_reads_two_cases_and_agrees_with_telltale() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut expected: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    let mut requests = 0u64;
    let mut summary_data_types: BTreeMap<Vec<String>, u64> = BTreeMap::new();
    for (name, entries, seed) in [("alpha", 120, 3), ("beta", 80, 9)] {
        let case_path = dir.path().join(format!("{name}.telltale"));
        let case = generated_case(&case_path, entries, seed);
        let summary =
            telltale::export::export_parquet(&case, &EventFilter::default(), &dir.path().join("cases").join(name))
                .expect("export");
        assert_eq!(summary.requests, 2 * entries as u64);
        requests += summary.requests;
        for group in case.summary(&SummaryFilter::default()).expect("summary") {
            for data_type in &group.data_types {
                let key = vec![
                    name.to_string(),
                    group.session.clone(),
                    group.mode.to_string(),
                    group.company.clone().unwrap_or_else(|| "None".into()),
                    data_type.kind.clone(),
                ];
                *summary_data_types.entry(key).or_default() += data_type.requests;
            }
        }
        for event in case.events(&EventFilter::default()).expect("events") {
            let key = (
                name.to_string(),
                event.company.clone().unwrap_or_else(|| "None".into()),
                event.mode.to_string(),
            );
            *expected.entry(key).or_default() += 1;
        }
    }
    let glob = dir.path().join("cases/*/events.parquet");
    let rows = duckdb(&format!(
        "SELECT \"case\", coalesce(company, 'None'), mode, count(*) FROM read_parquet('{}') GROUP BY ALL ORDER BY ALL",
        glob.display()
    ));
    let found: BTreeMap<(String, String, String), u64> = rows
        .into_iter()
        .map(|r| ((r[0].clone(), r[1].clone(), r[2].clone()), r[3].parse().expect("count")))
        .collect();
    assert_eq!(found, expected);
    assert!(found.keys().any(|(_, _, mode)| mode == "incognito"));
    // Requests join their events by (case, exchange_id).
    let joined = duckdb(&format!(
        "SELECT count(*), sum(event_count) FROM read_parquet('{}')",
        dir.path().join("cases/*/requests.parquet").display()
    ));
    assert_eq!(joined[0][0], requests.to_string());
    assert_eq!(joined[0][1], expected.values().sum::<u64>().to_string());
    // Data types per session, mode, company and type: DuckDB's request
    // counts are `telltale summary`'s.
    let rows = duckdb(&format!(
        "SELECT \"case\", session, mode, coalesce(company, 'None'), type, count(DISTINCT exchange_id)
         FROM read_parquet('{}') GROUP BY ALL ORDER BY ALL",
        dir.path().join("cases/*/data_types.parquet").display()
    ));
    let found: BTreeMap<Vec<String>, u64> = rows
        .into_iter()
        .map(|mut r| {
            let count = r.pop().and_then(|c| c.parse().ok()).expect("count");
            (r, count)
        })
        .collect();
    assert_eq!(found, summary_data_types);
    assert!(!found.is_empty());
    // The README's recipe runs over both cases.
    let recipe = duckdb(&format!(
        "SELECT company, count(DISTINCT \"case\") AS cases, count(*) AS items FROM read_parquet('{}')
         WHERE mode = 'incognito' AND type = 'userId' GROUP BY company ORDER BY items DESC",
        dir.path().join("cases/*/data_types.parquet").display()
    ));
    // Both generated SDKs send a user id; Mixpanel's host is in no list and
    // on Google Cloud, so its company is the SDK's (`attribution::receiver`).
    let companies: Vec<&str> = recipe.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(companies.len(), 2, "{recipe:?}");
    assert!(companies.contains(&"Mixpanel"), "{recipe:?}");
    assert!(
        recipe.iter().all(|r| r[1] == "2"),
        "both cases sent user ids in incognito: {recipe:?}"
    );
}
