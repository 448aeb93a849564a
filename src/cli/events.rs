//! `telltale events CASE [--session S] [--app A] [--mode M] [--tracker T] [--json|--csv]`

use super::output::{JsonArrayWriter, TableWriter, short_time};
use crate::attribution::GeoInfo;
use crate::model::format_rfc3339_micros;
use crate::store::EventRow;
use serde::Serialize;
use std::collections::HashMap;
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

impl<'a> EventJson<'a> {
    /// The event with `geo`, what the offline databases say of its server.
    fn new(e: &'a EventRow, geo: GeoInfo) -> Self {
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
    let failed = |e: crate::store::StoreError| anyhow::anyhow!("{e} — {}", args.case.display());
    // Rows go out as they come from the case (constant memory).
    let out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    if args.json {
        let mut writer = JsonArrayWriter::new(out);
        // A capture talks to a few hundred servers: each is looked up once.
        let mut servers: HashMap<String, GeoInfo> = HashMap::new();
        case.for_each_event(&filter, |event| {
            let geo = match event.server_ip.as_deref() {
                Some(ip) => match servers.get(ip) {
                    Some(geo) => geo.clone(),
                    None => {
                        let geo = crate::attribution::geo_for_ip(ip).unwrap_or_default();
                        servers.insert(ip.to_string(), geo.clone());
                        geo
                    }
                },
                None => GeoInfo::default(),
            };
            writer.push(&EventJson::new(&event, geo)).map_err(Listing::Io)
        })
        .map_err(|e| e.into_anyhow(failed))?;
        return Ok(writer.finish()?);
    }
    if args.csv {
        let mut writer = crate::export::EventsCsv::new(out, false)?;
        case.for_each_event(&filter, |event| writer.write(&event).map_err(Listing::Export))
            .map_err(|e| e.into_anyhow(failed))?;
        return Ok(writer.finish()?);
    }
    let mut table = TableWriter::new(
        out,
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
        60,
    );
    case.for_each_event(&filter, |e| {
        table
            .push(vec![
                e.id.to_string(),
                short_time(e.time_micros),
                e.session.clone(),
                e.mode.to_string(),
                e.tracker.clone(),
                e.event.clone(),
                e.key_field.clone().unwrap_or_default(),
                e.decode_path.clone(),
            ])
            .map_err(Listing::Io)
    })
    .map_err(|e| e.into_anyhow(failed))?;
    Ok(table.finish()?)
}

/// Why a streamed listing stopped: the case, or the output.
pub(crate) enum Listing {
    Store(crate::store::StoreError),
    Io(std::io::Error),
    Export(crate::export::ExportError),
}

impl From<crate::store::StoreError> for Listing {
    fn from(error: crate::store::StoreError) -> Self {
        Listing::Store(error)
    }
}

impl Listing {
    /// Output errors pass as they are (a closed pipe stays recognisable);
    /// case errors get the case's path.
    pub(crate) fn into_anyhow(self, store: impl FnOnce(crate::store::StoreError) -> anyhow::Error) -> anyhow::Error {
        match self {
            Listing::Store(error) => store(error),
            Listing::Io(error) => error.into(),
            Listing::Export(error) => error.into(),
        }
    }
}
