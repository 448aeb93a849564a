//! `telltale search CASE NEEDLE... [--json] [--save]`

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
}

pub fn run(args: &SearchArgs) -> anyhow::Result<()> {
    let mut case = super::open_case(&args.case)?;
    if args.save {
        case.save_canaries(&args.needles)
            .map_err(|e| anyhow::anyhow!("{e} — {}", args.case.display()))?;
    }
    let hits = case
        .search(&args.needles)
        .map_err(|e| anyhow::anyhow!("{e} — {}", args.case.display()))?;
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
