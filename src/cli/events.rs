//! `telltale events CASE [--session S] [--app A] [--mode M] [--tracker T] [--json|--csv]`

use super::output::{print_json, print_table, short_time};
use crate::model::format_rfc3339_micros;
use crate::store::EventRow;
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `telltale events`.
#[derive(clap::Args, Debug)]
pub struct EventsArgs {
    pub case: PathBuf,
    #[command(flatten)]
    pub filter: super::EventFilterArgs,
    /// Print a JSON array.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV (RFC 4180, formula-safe).
    #[arg(long)]
    pub csv: bool,
}

/// The JSON shape of one event (keys are a stable interface).
#[derive(Serialize)]
pub(crate) struct EventJson<'a> {
    id: i64,
    session: &'a str,
    exchange_id: i64,
    time: String,
    app: Option<&'a str>,
    mode: &'static str,
    tracker: &'a str,
    event: &'a str,
    fields: &'a serde_json::Map<String, serde_json::Value>,
    decode_path: &'a str,
    host: &'a str,
    url: &'a str,
    company: Option<&'a str>,
    server_ip: Option<&'a str>,
    /// ISO country code of the server IP (offline lookup; `null` when unknown).
    country: Option<String>,
    country_name: Option<String>,
    asn: Option<u32>,
    org: Option<String>,
    data_types: &'a [crate::model::DataType],
}

impl<'a> From<&'a EventRow> for EventJson<'a> {
    fn from(e: &'a EventRow) -> Self {
        let geo = e
            .server_ip
            .as_deref()
            .and_then(crate::attribution::geo_for_ip)
            .unwrap_or_default();
        EventJson {
            id: e.id.0,
            session: &e.session,
            exchange_id: e.exchange_id.0,
            time: format_rfc3339_micros(e.time_micros),
            app: e.app.as_deref(),
            mode: e.mode.as_str(),
            tracker: &e.tracker,
            event: &e.event,
            fields: &e.fields,
            decode_path: &e.decode_path,
            host: &e.host,
            url: &e.url,
            company: e.company.as_deref(),
            server_ip: e.server_ip.as_deref(),
            country: geo.country_code,
            country_name: geo.country_name,
            asn: geo.asn,
            org: geo.org,
            data_types: &e.data_types,
        }
    }
}

pub fn run(args: &EventsArgs) -> anyhow::Result<()> {
    let case = super::open_case(&args.case)?;
    let filter = args.filter.to_filter();
    let events = case
        .events(&filter)
        .map_err(|e| anyhow::anyhow!("{e} — {}", args.case.display()))?;
    if args.json {
        let rows: Vec<EventJson<'_>> = events.iter().map(EventJson::from).collect();
        return print_json(&rows);
    }
    if args.csv {
        return crate::export::write_events_csv(std::io::stdout().lock(), &events, false).map_err(Into::into);
    }
    let rows: Vec<Vec<String>> = events
        .iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                short_time(e.time_micros),
                e.session.clone(),
                e.mode.to_string(),
                e.tracker.clone(),
                e.event.clone(),
                e.key_field.clone().unwrap_or_default(),
                e.decode_path.clone(),
            ]
        })
        .collect();
    print_table(
        &[
            "ID",
            "TIME (UTC)",
            "SESSION",
            "MODE",
            "TRACKER",
            "EVENT",
            "KEY FIELD",
            "DECODE PATH",
        ],
        &rows,
        60,
    )?;
    Ok(())
}
