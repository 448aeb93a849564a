//! `telltale compare CASE SESSION_A SESSION_B [--json]`

use super::output::{print_json, print_table};
use std::path::PathBuf;

/// Arguments of `telltale compare`.
#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    pub case: PathBuf,
    /// The reference session (e.g. normal mode).
    pub session_a: String,
    /// The session to check (e.g. incognito): what it still sends comes first.
    pub session_b: String,
    /// Print a JSON object `{a, b, rows, hosts}`.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &CompareArgs) -> anyhow::Result<()> {
    let case = super::open_case(&args.case)?;
    let comparison = case
        .compare(&args.session_a, &args.session_b)
        .map_err(|e| anyhow::anyhow!("{e} — {}", args.case.display()))?;
    if args.json {
        return print_json(&comparison);
    }
    let (a, b) = (&comparison.a, &comparison.b);
    println!("Events: `{a}` (A) against `{b}` (B); what B still sends first\n");
    let rows: Vec<Vec<String>> = comparison
        .rows
        .iter()
        .map(|r| {
            let field = if r.field.is_empty() {
                "(events)".to_string()
            } else {
                r.field.clone()
            };
            vec![
                r.tracker.clone(),
                r.event.clone(),
                field,
                r.count_a.to_string(),
                r.count_b.to_string(),
            ]
        })
        .collect();
    print_table(&["TRACKER", "EVENT", "FIELD", "A", "B"], &rows, 60)?;
    println!("\nHosts\n");
    let hosts: Vec<Vec<String>> = comparison
        .hosts
        .iter()
        .map(|h| {
            vec![
                h.host.clone(),
                h.company.clone().unwrap_or_default(),
                h.server_ips.join(" "),
                h.country.clone().unwrap_or_default(),
                h.org.clone().unwrap_or_default(),
                h.count_a.to_string(),
                h.count_b.to_string(),
            ]
        })
        .collect();
    print_table(
        &["HOST", "COMPANY", "SERVER IP", "COUNTRY", "NETWORK", "A", "B"],
        &hosts,
        40,
    )?;
    Ok(())
}
