//! `telltale hosts CASE [--json]` — every host with its company, where that
//! name comes from, and whether it is the app's own (first party).
//! `telltale hosts CASE --set HOST [--company NAME] [--first-party|--third-party] [--clear]`
//! — the researcher's word on a host, kept with a history and used
//! everywhere (requests, What left the device, the report).

use super::output::clip;
use crate::attribution::{Party, company_with_source};
use crate::model::format_rfc3339_micros;
use crate::store::{HostEdit, HostRow};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `telltale hosts`.
#[derive(clap::Args, Debug)]
pub struct HostsArgs {
    pub case: PathBuf,
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
    /// Set the researcher's word on this host (exact host name).
    #[arg(long, value_name = "HOST")]
    pub set: Option<String>,
    /// The company that receives what the host is sent (`''` removes the researcher's company).
    #[arg(long, requires = "set")]
    pub company: Option<String>,
    /// The host is one of the app's own servers.
    #[arg(long, requires = "set", conflicts_with = "third_party")]
    pub first_party: bool,
    /// The host is a third party.
    #[arg(long, requires = "set")]
    pub third_party: bool,
    /// Remove the researcher's word: the tracker databases decide again.
    #[arg(long, requires = "set", conflicts_with_all = ["company", "first_party", "third_party"])]
    pub clear: bool,
}

/// The JSON shape of one host (keys are a stable interface, see README).
#[derive(Serialize)]
struct HostJson<'a> {
    host: &'a str,
    company: Option<&'a str>,
    company_source: Option<&'a str>,
    company_guess: bool,
    category: Option<&'a str>,
    party: &'a str,
    requests: u64,
    events: u64,
    sessions: &'a [String],
    server_ips: &'a [String],
    lists: &'a [crate::store::HostListNaming],
    researcher: Option<&'a crate::store::HostLabel>,
    history: Vec<HistoryJson<'a>>,
}

#[derive(Serialize)]
struct HistoryJson<'a> {
    time: String,
    user_name: &'a str,
    action: &'a str,
    old_value: Option<serde_json::Value>,
    new_value: Option<serde_json::Value>,
}

impl<'a> From<&'a HostRow> for HostJson<'a> {
    fn from(row: &'a HostRow) -> Self {
        let parse = |v: &Option<String>| v.as_deref().and_then(|t| serde_json::from_str(t).ok());
        HostJson {
            host: &row.host,
            company: row.company.as_deref(),
            company_source: row.company_source.as_deref(),
            company_guess: row.company_is_guess(),
            category: row.category.as_deref(),
            party: &row.party,
            requests: row.requests,
            events: row.events,
            sessions: &row.sessions,
            server_ips: &row.server_ips,
            lists: &row.lists,
            researcher: row.label.as_ref(),
            history: row
                .history
                .iter()
                .map(|h| HistoryJson {
                    time: format_rfc3339_micros(h.time_micros),
                    user_name: &h.user_name,
                    action: &h.action,
                    old_value: parse(&h.old_value),
                    new_value: parse(&h.new_value),
                })
                .collect(),
        }
    }
}

/// "Facebook (Meta) — DuckDuckGo tracker data set, Disconnect", or what is known instead.
fn who(row: &HostRow) -> String {
    match &row.company {
        Some(company) => company_with_source(company, row.company_source.as_deref()),
        None if row.party == "first" => "the app's own".into(),
        None => "a third party in no tracker database".into(),
    }
}

pub fn run(args: &HostsArgs) -> anyhow::Result<()> {
    let fail = |e: crate::store::StoreError| anyhow::anyhow!("{e} — {}", args.case.display());
    if let Some(host) = &args.set {
        let mut case = super::open_case(&args.case)?;
        let edit = HostEdit {
            company: args.company.clone(),
            party: if args.first_party {
                Some(Party::First)
            } else if args.third_party {
                Some(Party::Third)
            } else {
                None
            },
            clear: args.clear,
        };
        if !edit.clear && edit.company.is_none() && edit.party.is_none() {
            anyhow::bail!("say what to set: --company NAME, --first-party, --third-party or --clear");
        }
        let row = case.set_host_label(host, &edit).map_err(fail)?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&HostJson::from(&row))?);
        } else {
            println!(
                "{}: {} ({} party, {} requests)",
                row.host,
                who(&row),
                row.party,
                row.requests
            );
        }
        return Ok(());
    }
    let case = super::open_case(&args.case)?;
    let rows = case.hosts().map_err(fail)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        let items: Vec<HostJson> = rows.iter().map(HostJson::from).collect();
        serde_json::to_writer_pretty(&mut out, &items)?;
        writeln!(out)?;
        return Ok(out.flush()?);
    }
    writeln!(
        out,
        "{:<40}  {:<5}  {:>8}  COMPANY — WHERE THE NAME COMES FROM",
        "HOST", "PARTY", "REQUESTS"
    )?;
    for row in &rows {
        let marked = if row.label.is_some() { " (your word)" } else { "" };
        writeln!(
            out,
            "{:<40}  {:<5}  {:>8}  {}{marked}",
            clip(&row.host, 40),
            row.party,
            row.requests,
            who(row)
        )?;
    }
    Ok(out.flush()?)
}
