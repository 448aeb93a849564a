//! `telltale import CASE FILE... [--session NAME] [--app APP] [--device DEV] [--mode M] [--keylog FILE] [--again]`

use crate::ingest::Flow;
use crate::model::Mode;
use crate::store::{Case, ImportObserver, ImportOptions, ImportOutcome, ImportProgress};
use anyhow::anyhow;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Arguments of `telltale import`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The case file (created on first import).
    pub case: PathBuf,
    /// Capture files to import; the format is sniffed from the content.
    #[arg(required = true, help = files_help())]
    pub files: Vec<PathBuf>,
    /// Put every file into this session (created if new); default: one session per file, named after it.
    #[arg(long)]
    pub session: Option<String>,
    /// The app the capture is about (package or browser name).
    #[arg(long)]
    pub app: Option<String>,
    /// The device the capture was made on.
    #[arg(long)]
    pub device: Option<String>,
    /// The recording condition.
    #[arg(long, value_parser = parse_mode)]
    pub mode: Option<Mode>,
    /// TLS key log (SSLKEYLOGFILE, NSS format) to decrypt HTTPS in pcap/pcapng captures; stored in the case as evidence.
    #[arg(long, value_name = "FILE")]
    pub keylog: Option<PathBuf>,
    /// Import a file even if the same bytes are already in the case.
    #[arg(long)]
    pub again: bool,
}

/// The subcommand's one-line help, from the importer registry.
pub fn about() -> String {
    format!(
        "Import capture files ({}) into a case",
        crate::ingest::readable_formats()
    )
}

/// The FILE help, from the importer registry.
fn files_help() -> String {
    let extensions: Vec<String> = crate::ingest::file_extensions()
        .iter()
        .map(|e| format!(".{e}"))
        .collect();
    format!(
        "Capture files to import: {} ({}); the format is sniffed from the content",
        crate::ingest::readable_formats(),
        extensions.join(" ")
    )
}

fn parse_mode(text: &str) -> Result<Mode, String> {
    text.parse()
}

/// Imports each file in its own transaction; stops at the first failure
/// (files before it stay imported, the failing one leaves no trace).
pub fn run(args: &ImportArgs) -> anyhow::Result<()> {
    let mut case = Case::create_or_open(&args.case).map_err(|e| anyhow!("{e} — {}", args.case.display()))?;
    for file in &args.files {
        let options = ImportOptions {
            session: args.session.clone(),
            app: args.app.clone(),
            device: args.device.clone(),
            mode: args.mode,
            again: args.again,
            keylog: args.keylog.clone(),
        };
        let mut observer = TerminalProgress::new(file.display().to_string());
        let outcome = case.import_file(file, &options, &mut observer);
        observer.finish();
        let outcome = outcome.map_err(|e| anyhow!("{e} — {}", file.display()))?;
        // The researcher's typed canaries name what they find in the new requests.
        let canary_hits = case
            .apply_typed_canaries()
            .map_err(|e| anyhow!("{e} — {}", args.case.display()))?;
        for warning in &outcome.warnings {
            eprintln!("  warning: {warning}");
        }
        let recipients = if canary_hits == 0 {
            recipients_text(
                outcome.companies.iter().map(|(name, n)| (name.as_str(), *n)).collect(),
                outcome.data_types.len(),
            )
        } else {
            recipients(&case, &outcome).map_err(|e| anyhow!("{e} — {}", args.case.display()))?
        };
        eprintln!("{}{recipients}", summary_line(file, &outcome));
    }
    Ok(())
}

/// `; sent to Facebook (Meta) (9), Branch (5) …; 38 kinds of personal data`:
/// who received what, so an import that decoded no event still says what left.
/// The import's own figures say it (counted as the rows were written); only
/// when typed canaries added data types to the new requests is the case
/// asked again.
fn recipients(case: &Case, outcome: &ImportOutcome) -> Result<String, crate::store::StoreError> {
    let Some(source) = outcome.source_id else {
        return Ok(String::new());
    };
    let groups = case.summary(&crate::store::SummaryFilter {
        source: Some(source),
        ..crate::store::SummaryFilter::default()
    })?;
    let mut companies: Vec<(&str, u64)> = Vec::new();
    let mut kinds: Vec<&str> = Vec::new();
    for group in &groups {
        if let Some(company) = group.company.as_deref() {
            match companies.iter_mut().find(|(name, _)| *name == company) {
                Some((_, requests)) => *requests += group.requests,
                None => companies.push((company, group.requests)),
            }
        }
        for data_type in &group.data_types {
            if !kinds.contains(&data_type.kind.as_str()) {
                kinds.push(&data_type.kind);
            }
        }
    }
    companies.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    Ok(recipients_text(companies, kinds.len()))
}

/// The recipients part of the summary line, companies most requests first.
fn recipients_text(companies: Vec<(&str, u64)>, kinds: usize) -> String {
    let mut text = String::new();
    if !companies.is_empty() {
        let shown: Vec<String> = companies
            .iter()
            .take(5)
            .map(|(name, requests)| format!("{name} ({requests})"))
            .collect();
        let more = companies.len().saturating_sub(5);
        text.push_str(&format!("; sent to {}", shown.join(", ")));
        if more > 0 {
            text.push_str(&format!(" and {more} more companies"));
        }
    }
    if kinds > 0 {
        text.push_str(&format!("; {kinds} kinds of personal data"));
    }
    text
}

fn summary_line(file: &std::path::Path, outcome: &ImportOutcome) -> String {
    let name = file
        .file_name()
        .map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let mut line = format!(
        "imported {name} ({}) into session `{}`: {} exchanges, {} events",
        outcome.format, outcome.session, outcome.exchanges, outcome.events
    );
    if !outcome.skipped.is_empty() {
        let skipped: Vec<String> = outcome.skipped.iter().map(|(what, n)| format!("{n} {what}")).collect();
        line.push_str(&format!("; skipped {}", skipped.join(", ")));
    }
    if !outcome.warnings.is_empty() {
        line.push_str(&format!("; {} warnings", outcome.warnings.len()));
    }
    line
}

/// A progress bar on stderr, shown only when stderr is a terminal and the
/// import has run for over a second.
struct TerminalProgress {
    label: String,
    started: Instant,
    bar: Option<ProgressBar>,
}

impl TerminalProgress {
    fn new(label: String) -> Self {
        TerminalProgress {
            label,
            started: Instant::now(),
            bar: None,
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl ImportObserver for TerminalProgress {
    fn progress(&mut self, progress: &ImportProgress) -> Flow {
        if self.bar.is_none() && self.started.elapsed() > Duration::from_secs(1) {
            let bar = ProgressBar::with_draw_target(Some(progress.bytes_total), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {prefix}")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_message(self.label.clone());
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(progress.bytes_done);
            bar.set_prefix(format!("{} exchanges, {} events", progress.exchanges, progress.events));
        }
        Flow::Continue
    }
}
