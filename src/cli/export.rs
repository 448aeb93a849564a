//! `telltale export CASE (--csv OUT | --pdf OUT | --json OUT | --parquet DIR)... [--findings-only]
//! [--session S] [--app A] [--mode M] [--tracker T] [--excel] [--title TEXT]
//! [--redact TEXT]... [--date YYYY-MM-DD] [--reproducible]`
//!
//! Several outputs may be asked for at once; each is written atomically.

use crate::export::{ExportOptions, ExportSummary, export_csv, export_json, export_pdf};
use std::path::PathBuf;

/// Arguments of `telltale export`.
#[derive(clap::Args, Debug)]
#[command(group = clap::ArgGroup::new("output").required(true).multiple(true).args(["csv", "pdf", "json", "parquet"]))]
pub struct ExportArgs {
    pub case: PathBuf,
    /// Write CSV (RFC 4180, UTF-8, formula-safe) to this file.
    #[arg(long, value_name = "OUT")]
    pub csv: Option<PathBuf>,
    /// Write the PDF report to this file.
    #[arg(long, value_name = "OUT")]
    pub pdf: Option<PathBuf>,
    /// Write findings with their evidence as JSON to this file.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// Write requests, events and data types as Parquet files (zstd) into this folder.
    #[arg(long, value_name = "DIR")]
    pub parquet: Option<PathBuf>,
    /// Only annotated events and exchanges.
    #[arg(long)]
    pub findings_only: bool,
    #[command(flatten)]
    pub event_filter: super::EventFilterArgs,
    /// CSV for Excel: byte-order mark and CRLF line ends.
    #[arg(long)]
    pub excel: bool,
    /// Title of the PDF report.
    #[arg(long)]
    pub title: Option<String>,
    /// Replace this text (your own e-mail, device id …) by `[redacted]`; repeatable.
    #[arg(long, value_name = "TEXT")]
    pub redact: Vec<String>,
    /// Report date, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Same case and options give the same bytes (date from --date or the case).
    #[arg(long)]
    pub reproducible: bool,
}

impl ExportArgs {
    fn options(&self) -> ExportOptions {
        ExportOptions {
            filter: self.event_filter.to_filter(),
            findings_only: self.findings_only,
            title: self.title.clone(),
            redact: self.redact.clone(),
            excel: self.excel,
            date: self.date.clone(),
            reproducible: self.reproducible,
        }
    }
}

pub fn run(args: &ExportArgs) -> anyhow::Result<()> {
    let case = super::open_case(&args.case)?;
    let options = args.options();
    type Exporter =
        fn(&crate::store::Case, &ExportOptions, &std::path::Path) -> Result<ExportSummary, crate::export::ExportError>;
    let outputs: [(&Option<PathBuf>, Exporter, &str); 3] = [
        (&args.csv, export_csv, "row"),
        (&args.json, export_json, "event"),
        (&args.pdf, export_pdf, "finding"),
    ];
    if let Some(dir) = &args.parquet {
        let summary = crate::export::export_parquet(&case, &options.filter, dir)
            .map_err(|e| anyhow::anyhow!("{e} — {}", dir.display()))?;
        eprintln!(
            "wrote {} requests, {} events and {} data types as Parquet to {}",
            summary.requests,
            summary.events,
            summary.data_types,
            dir.display()
        );
    }
    for (out, exporter, unit) in outputs {
        let Some(out) = out else { continue };
        let summary = exporter(&case, &options, out).map_err(|e| anyhow::anyhow!("{e} — {}", out.display()))?;
        for warning in &summary.warnings {
            eprintln!("warning: {warning}");
        }
        eprintln!("wrote {} to {}", written(&summary, unit), out.display());
    }
    Ok(())
}

/// `3 findings, 6 pages, 251889 bytes` (PDF) or `214 rows, 1 finding, 80211 bytes`.
fn written(summary: &ExportSummary, unit: &str) -> String {
    let count = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut parts = vec![count(summary.rows, unit)];
    if unit != "finding" {
        parts.push(count(summary.findings, "finding"));
    }
    if summary.pages > 0 {
        parts.push(count(summary.pages, "page"));
    }
    parts.push(format!("{} bytes", summary.size_bytes));
    parts.join(", ")
}
