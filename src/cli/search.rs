//! `telltale search CASE NEEDLE... [--json] [--save [--as DATA_TYPE]]`

use super::output::{print_json, print_table};
use std::path::PathBuf;

/// Arguments of `telltale search`.
#[derive(clap::Args, Debug)]
pub struct SearchArgs {
    pub case: PathBuf,
    /// Canary phrases to look for (typed on the device, planted in the traffic).
    #[arg(required = true)]
    pub needles: Vec<String>,
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
    /// Also save the needles as the case's canaries (listed in reports).
    #[arg(long)]
    pub save: bool,
    /// The needles are the researcher's own values of this data type (e.g.
    /// `advertisingId`, `imei`, `email`): every hit names that data type.
    #[arg(long = "as", value_name = "DATA_TYPE", requires = "save", value_parser = parse_data_type)]
    pub as_type: Option<String>,
}

fn parse_data_type(name: &str) -> Result<String, String> {
    if crate::decode::datatypes::is_known(name) {
        Ok(name.to_string())
    } else {
        Err(format!(
            "unknown data type `{name}` (README lists the vocabulary under \"Data types\")"
        ))
    }
}

pub fn run(args: &SearchArgs) -> anyhow::Result<()> {
    let mut case = super::open_case(&args.case)?;
    let fail = |e: crate::store::StoreError| anyhow::anyhow!("{e} — {}", args.case.display());
    if args.save {
        match &args.as_type {
            Some(data_type) => {
                case.save_typed_canaries(&args.needles, data_type).map_err(fail)?;
                let added = case.apply_typed_canaries().map_err(fail)?;
                eprintln!("saved as {data_type}: {added} new data types from known values");
            }
            None => case.save_canaries(&args.needles).map_err(fail)?,
        }
    }
    let hits = case.search(&args.needles).map_err(fail)?;
    if args.json {
        return print_json(&hits);
    }
    if hits.is_empty() {
        println!("no hits for {}", args.needles.join(", "));
        return Ok(());
    }
    let rows: Vec<Vec<String>> = hits
        .iter()
        .map(|h| {
            vec![
                h.needle.clone(),
                h.session.clone(),
                h.mode.to_string(),
                h.exchange_id.to_string(),
                h.event_id.map(|e| e.to_string()).unwrap_or_default(),
                h.transform.clone(),
                h.location.clone(),
            ]
        })
        .collect();
    print_table(
        &[
            "NEEDLE",
            "SESSION",
            "MODE",
            "EXCHANGE",
            "EVENT",
            "TRANSFORM",
            "LOCATION",
        ],
        &rows,
        90,
    )?;
    Ok(())
}
