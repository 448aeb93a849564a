//! `telltale sessions CASE [--json]`

use super::output::{print_json, print_table, short_time};
use crate::model::format_rfc3339_micros;
use crate::store::{SessionRow, SourceRow};
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `telltale sessions`.
#[derive(clap::Args, Debug)]
pub struct SessionsArgs {
    pub case: PathBuf,
    /// Print a JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// The JSON shape of one session (keys are a stable interface).
#[derive(Serialize)]
struct SessionJson<'a> {
    id: i64,
    name: &'a str,
    app: Option<&'a str>,
    device: Option<&'a str>,
    mode: &'static str,
    exchange_count: i64,
    event_count: i64,
    start_time: Option<String>,
    end_time: Option<String>,
    sources: &'a [SourceRow],
}

impl<'a> From<&'a SessionRow> for SessionJson<'a> {
    fn from(s: &'a SessionRow) -> Self {
        SessionJson {
            id: s.id.0,
            name: &s.name,
            app: s.app.as_deref(),
            device: s.device.as_deref(),
            mode: s.mode.as_str(),
            exchange_count: s.exchange_count,
            event_count: s.event_count,
            start_time: s.start_micros.map(format_rfc3339_micros),
            end_time: s.end_micros.map(format_rfc3339_micros),
            sources: &s.sources,
        }
    }
}

pub fn run(args: &SessionsArgs) -> anyhow::Result<()> {
    let case = super::open_case(&args.case)?;
    let sessions = case.sessions()?;
    if args.json {
        let rows: Vec<SessionJson<'_>> = sessions.iter().map(SessionJson::from).collect();
        return print_json(&rows);
    }
    let rows: Vec<Vec<String>> = sessions
        .iter()
        .map(|s| {
            vec![
                s.id.to_string(),
                s.name.clone(),
                s.app.clone().unwrap_or_default(),
                s.mode.to_string(),
                s.device.clone().unwrap_or_default(),
                s.exchange_count.to_string(),
                s.event_count.to_string(),
                s.start_micros.map(short_time).unwrap_or_default(),
                s.sources
                    .iter()
                    .map(|src| src.file_name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    print_table(
        &[
            "ID",
            "SESSION",
            "APP",
            "MODE",
            "DEVICE",
            "EXCHANGES",
            "EVENTS",
            "START (UTC)",
            "SOURCES",
        ],
        &rows,
        48,
    )?;
    Ok(())
}
