//! `telltale exchanges CASE [--session S] [--host H] [--tracker T] [--company C] [--mode M] [--json|--csv]`
//!
//! Every request of the case, whether or not an event was decoded from it:
//! config fetches, registrations and crash reports carry device data too.
//! Rows stream: a case of any size lists in constant memory.

use super::output::{JsonArrayWriter, clip, short_time};
use crate::model::{DataType, format_rfc3339_micros};
use crate::store::{ExchangeFilter, ExchangeRow};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `telltale exchanges`.
#[derive(clap::Args, Debug)]
pub struct ExchangesArgs {
    pub case: PathBuf,
    /// Only this session (name or id).
    #[arg(long)]
    pub session: Option<String>,
    /// Only this host (a domain includes its subdomains: `facebook.com`).
    #[arg(long)]
    pub host: Option<String>,
    /// Only requests of this tracker (e.g. facebook, ga4, sensorsdata).
    #[arg(long)]
    pub tracker: Option<String>,
    /// Only requests to this company (as `exchanges` prints it; case-insensitive).
    #[arg(long)]
    pub company: Option<String>,
    /// Only requests in this mode.
    #[arg(long, value_parser = |s: &str| s.parse::<crate::model::Mode>())]
    pub mode: Option<crate::model::Mode>,
    /// Print a JSON array.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV (RFC 4180, formula-safe).
    #[arg(long)]
    pub csv: bool,
}

/// The JSON shape of one request (keys are a stable interface, see README).
#[derive(Serialize)]
struct ExchangeJson<'a> {
    id: i64,
    session: &'a str,
    source_file: &'a str,
    source_index: i64,
    time: String,
    method: &'a str,
    url: &'a str,
    host: &'a str,
    status: Option<u16>,
    server_ip: Option<&'a str>,
    country: Option<String>,
    org: Option<String>,
    app: Option<&'a str>,
    mode: &'static str,
    tracker: Option<&'a str>,
    company: Option<&'a str>,
    /// Where the company comes from: `catalogue`, `endpoint table`, `lists: …`,
    /// `sdk`, `network owner: …` (a guess) or `researcher`.
    company_source: Option<&'a str>,
    /// True when the company is only a guess from the server's network owner.
    company_guess: bool,
    category: Option<&'a str>,
    /// `first` for the app's own servers, `third` otherwise.
    party: &'a str,
    /// The HTTP library or browser that sent it (never an app).
    client: Option<&'a str>,
    endpoint: Option<&'a str>,
    event_count: i64,
    data_types: &'a [DataType],
    decode_path_summary: &'a str,
}

impl<'a> From<&'a ExchangeRow> for ExchangeJson<'a> {
    fn from(x: &'a ExchangeRow) -> Self {
        let geo = x
            .server_ip
            .as_deref()
            .and_then(crate::attribution::geo_for_ip)
            .unwrap_or_default();
        ExchangeJson {
            id: x.id.0,
            session: &x.session,
            source_file: &x.source_file,
            source_index: x.source_index,
            time: format_rfc3339_micros(x.time_micros),
            method: &x.method,
            url: &x.url,
            host: &x.host,
            status: x.status,
            server_ip: x.server_ip.as_deref(),
            country: geo.country_code,
            org: geo.org,
            app: x.app.as_deref(),
            mode: x.mode.as_str(),
            tracker: x.tracker.as_deref(),
            company: x.company.as_deref(),
            company_source: x.company_source.as_deref(),
            company_guess: x
                .company_source
                .as_deref()
                .and_then(crate::attribution::CompanySource::parse)
                .is_some_and(|s| s.is_guess()),
            category: x.category.as_deref(),
            party: &x.party,
            client: x.client.as_deref(),
            endpoint: x.endpoint.as_deref(),
            event_count: x.event_count,
            data_types: &x.data_types,
            decode_path_summary: &x.decode_path_summary,
        }
    }
}

/// The columns of `exchanges --csv`, in order.
const CSV_COLUMNS: &[&str] = &[
    "id",
    "session",
    "source_file",
    "source_index",
    "time",
    "method",
    "url",
    "host",
    "status",
    "server_ip",
    "country",
    "org",
    "app",
    "mode",
    "tracker",
    "company",
    "category",
    "endpoint",
    "event_count",
    "data_types",
    "decode_path_summary",
    "company_source",
    "party",
    "client",
];

/// Data types as one cell: `advertisingId=38400000-…; model=Pixel 4`.
fn data_types_cell(types: &[DataType]) -> String {
    types
        .iter()
        .map(|t| format!("{}={}", t.kind, t.value))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Distinct data type names, for the text table.
fn data_type_names(types: &[DataType]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for t in types {
        if !names.contains(&t.kind.as_str()) {
            names.push(&t.kind);
        }
    }
    names.join(",")
}

pub fn run(args: &ExchangesArgs) -> anyhow::Result<()> {
    let case = super::open_case(&args.case)?;
    let filter = ExchangeFilter {
        session: args.session.clone(),
        host: args.host.clone(),
        tracker: args.tracker.clone(),
        company: args.company.clone(),
        mode: args.mode,
    };
    let fail = |e: crate::store::StoreError| anyhow::anyhow!("{e} — {}", args.case.display());
    let stdout = std::io::stdout().lock();
    if args.json {
        let mut writer = JsonArrayWriter::new(std::io::BufWriter::new(stdout));
        let mut failure = None;
        case.for_each_exchange(&filter, |row| {
            writer.push(&ExchangeJson::from(&row)).map_err(|e| {
                failure = Some(anyhow::Error::from(e));
                crate::store::StoreError::Invalid("output closed".into())
            })
        })
        .map_err(|e| failure.take().unwrap_or_else(|| fail(e)))?;
        return Ok(writer.finish()?);
    }
    if args.csv {
        let mut writer = csv::Writer::from_writer(std::io::BufWriter::new(stdout));
        writer.write_record(CSV_COLUMNS)?;
        let mut failure: Option<anyhow::Error> = None;
        case.for_each_exchange(&filter, |row| {
            let json = ExchangeJson::from(&row);
            let cells = [
                json.id.to_string(),
                json.session.to_string(),
                json.source_file.to_string(),
                json.source_index.to_string(),
                json.time.clone(),
                json.method.to_string(),
                json.url.to_string(),
                json.host.to_string(),
                json.status.map(|s| s.to_string()).unwrap_or_default(),
                json.server_ip.unwrap_or_default().to_string(),
                json.country.clone().unwrap_or_default(),
                json.org.clone().unwrap_or_default(),
                json.app.unwrap_or_default().to_string(),
                json.mode.to_string(),
                json.tracker.unwrap_or_default().to_string(),
                json.company.unwrap_or_default().to_string(),
                json.category.unwrap_or_default().to_string(),
                json.endpoint.unwrap_or_default().to_string(),
                json.event_count.to_string(),
                data_types_cell(json.data_types),
                json.decode_path_summary.to_string(),
                json.company_source.unwrap_or_default().to_string(),
                json.party.to_string(),
                json.client.unwrap_or_default().to_string(),
            ];
            let safe: Vec<String> = cells
                .iter()
                .map(|c| crate::export::neutralize_formula(c).into_owned())
                .collect();
            writer.write_record(&safe).map_err(|e| {
                failure = Some(e.into());
                crate::store::StoreError::Invalid("output closed".into())
            })
        })
        .map_err(|e| failure.take().unwrap_or_else(|| fail(e)))?;
        writer.flush()?;
        return Ok(());
    }
    let mut out = std::io::BufWriter::new(stdout);
    writeln!(
        out,
        "{:<6}  {:<19}  {:<12}  {:<6}  {:<34}  {:<5}  {:<22}  {:<8}  {:>6}  DATA TYPES",
        "ID", "TIME (UTC)", "SESSION", "METHOD", "HOST", "PARTY", "COMPANY", "TRACKER", "EVENTS"
    )?;
    let mut failure: Option<anyhow::Error> = None;
    case.for_each_exchange(&filter, |row| {
        let line = format!(
            "{:<6}  {:<19}  {:<12}  {:<6}  {:<34}  {:<5}  {:<22}  {:<8}  {:>6}  {}",
            row.id.0,
            short_time(row.time_micros),
            clip(&row.session, 12),
            clip(&row.method, 6),
            clip(&row.host, 34),
            row.party,
            clip(
                &row.company.as_deref().map_or_else(
                    || "—".to_string(),
                    |c| crate::attribution::company_label(c, row.company_source.as_deref())
                ),
                22
            ),
            clip(row.tracker.as_deref().unwrap_or("—"), 8),
            row.event_count,
            clip(&data_type_names(&row.data_types), 80),
        );
        writeln!(out, "{}", line.trim_end()).map_err(|e| {
            failure = Some(e.into());
            crate::store::StoreError::Invalid("output closed".into())
        })
    })
    .map_err(|e| failure.take().unwrap_or_else(|| fail(e)))?;
    out.flush()?;
    Ok(())
}
