//! `telltale summary CASE [--session S] [--mode M] [--json]`: what left the
//! device, to whom, where — per session × mode × company, the kinds of
//! personal data, how many requests and events, first and last time, the
//! servers' countries and networks, and an example request and event to
//! check each line against. This is the table a journalist quotes.
//!
//! The session's own servers (first party, `attribution::party`) are one
//! line, last; every other line is a third party, named by its company
//! ("probably …" when the name is only the owner of the server's network)
//! or called a third party in no tracker database.

use super::output::{clip, print_json, short_time};
use crate::attribution::geo_for_ip;
use crate::decode::datatypes;
use crate::model::format_rfc3339_micros;
use crate::store::{SummaryFilter, SummaryGroup, UNLISTED_THIRD_PARTY};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `telltale summary`.
#[derive(clap::Args, Debug)]
pub struct SummaryArgs {
    pub case: PathBuf,
    /// Only this session (name or id).
    #[arg(long)]
    pub session: Option<String>,
    /// Only this mode.
    #[arg(long, value_parser = |s: &str| s.parse::<crate::model::Mode>())]
    pub mode: Option<crate::model::Mode>,
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct CountryJson {
    code: String,
    name: Option<String>,
}

#[derive(Serialize)]
struct DataTypeJson<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    label: &'a str,
    requests: u64,
    example_value: &'a str,
    example_exchange_id: i64,
}

/// The JSON shape of one group (keys are a stable interface, see README).
#[derive(Serialize)]
struct GroupJson<'a> {
    session: &'a str,
    app: Option<&'a str>,
    mode: &'static str,
    /// `first` (the session's own servers) or `third`.
    party: &'static str,
    company: Option<&'a str>,
    /// Where `company` comes from, each as `exchanges --json` says it.
    company_sources: &'a [String],
    /// The company is only a guess (the owner of the server's network).
    company_guess: bool,
    /// The sources in words: "DuckDuckGo tracker data set, Disconnect".
    company_evidence: Option<String>,
    /// The line's receiver in words, as the table and the report print it.
    receiver: String,
    category: Option<&'a str>,
    trackers: &'a [String],
    hosts: &'a [String],
    server_ips: &'a [String],
    countries: Vec<CountryJson>,
    orgs: Vec<String>,
    requests: u64,
    events: u64,
    first_time: String,
    last_time: String,
    example_exchange_id: i64,
    example_event_id: Option<i64>,
    data_types: Vec<DataTypeJson<'a>>,
}

/// The receiver of a line in words; an unnamed third party says so.
fn receiver(group: &SummaryGroup) -> String {
    match (group.party, &group.company) {
        (crate::attribution::Party::Third, None) => UNLISTED_THIRD_PARTY.to_string(),
        _ => group.receiver_label(),
    }
}

/// Countries and network owners of a group's servers (offline lookup).
fn geo_of(group: &SummaryGroup) -> (Vec<CountryJson>, Vec<String>) {
    let mut countries: Vec<CountryJson> = Vec::new();
    let mut orgs: Vec<String> = Vec::new();
    for ip in &group.server_ips {
        let Some(geo) = geo_for_ip(ip) else { continue };
        if let Some(code) = geo.country_code
            && !countries.iter().any(|c| c.code == code)
        {
            countries.push(CountryJson {
                code,
                name: geo.country_name,
            });
        }
        if let Some(org) = geo.org
            && !orgs.contains(&org)
        {
            orgs.push(org);
        }
    }
    (countries, orgs)
}

impl<'a> From<&'a SummaryGroup> for GroupJson<'a> {
    fn from(g: &'a SummaryGroup) -> Self {
        let (countries, orgs) = geo_of(g);
        GroupJson {
            session: &g.session,
            app: g.app.as_deref(),
            mode: g.mode.as_str(),
            party: g.party.as_str(),
            company: g.company.as_deref(),
            company_sources: &g.company_sources,
            company_guess: g.company_is_guess(),
            company_evidence: g.company_evidence(),
            receiver: receiver(g),
            category: g.category.as_deref(),
            trackers: &g.trackers,
            hosts: &g.hosts,
            server_ips: &g.server_ips,
            countries,
            orgs,
            requests: g.requests,
            events: g.events,
            first_time: format_rfc3339_micros(g.first_micros),
            last_time: format_rfc3339_micros(g.last_micros),
            example_exchange_id: g.example_exchange_id.0,
            example_event_id: g.example_event_id.map(|id| id.0),
            data_types: g
                .data_types
                .iter()
                .map(|d| DataTypeJson {
                    kind: &d.kind,
                    label: datatypes::kind(&d.kind).map_or(d.kind.as_str(), |k| k.label),
                    requests: d.requests,
                    example_value: &d.example_value,
                    example_exchange_id: d.example_exchange_id.0,
                })
                .collect(),
        }
    }
}

pub fn run(args: &SummaryArgs) -> anyhow::Result<()> {
    let case = super::open_case(&args.case)?;
    let filter = SummaryFilter {
        session: args.session.clone(),
        mode: args.mode,
        source: None,
    };
    let groups = case
        .summary(&filter)
        .map_err(|e| anyhow::anyhow!("{e} — {}", args.case.display()))?;
    if args.json {
        let rows: Vec<GroupJson<'_>> = groups.iter().map(GroupJson::from).collect();
        return print_json(&rows);
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut current: Option<(i64, &str)> = None;
    for group in &groups {
        let heading = (group.session_id.0, group.mode.as_str());
        if current != Some(heading) {
            if current.is_some() {
                writeln!(out)?;
            }
            let app = group.app.as_deref().map(|a| format!(" — {a}")).unwrap_or_default();
            writeln!(out, "Session {} ({} mode){app}", group.session, group.mode)?;
            writeln!(
                out,
                "  {:<40}  {:<32}  {:<7}  {:>8}  {:>6}  {:<19}  DATA TYPES",
                "RECEIVER", "HOSTS", "COUNTRY", "REQUESTS", "EVENTS", "FIRST (UTC)"
            )?;
            current = Some(heading);
        }
        let (countries, _) = geo_of(group);
        let countries: Vec<&str> = countries.iter().map(|c| c.code.as_str()).collect();
        let kinds: Vec<&str> = group.data_types.iter().map(|d| d.kind.as_str()).collect();
        let line = format!(
            "  {:<40}  {:<32}  {:<7}  {:>8}  {:>6}  {:<19}  {}",
            clip(&receiver(group), 40),
            clip(&group.hosts.join(", "), 32),
            clip(&countries.join(","), 7),
            group.requests,
            group.events,
            short_time(group.first_micros),
            clip(&kinds.join(", "), 120),
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    out.flush()?;
    Ok(())
}
