//! The command line, exactly as DESIGN.md fixes it. One file per subcommand;
//! each turns parsed arguments into calls on the library and prints the
//! result as text, `--json` (arrays of objects with stable snake_case keys)
//! or `--csv`.
//!
//! Exit status: 0 success, 1 failure (one line on stderr naming the file and
//! the problem), 2 usage error (clap's own).

mod annotate;
mod annotations;
mod compare;
mod demo;
mod events;
mod exchanges;
mod export;
mod hosts;
mod import;
mod output;
mod search;
mod sessions;
mod summary;
mod verify;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Reveal what apps secretly send home.
#[derive(Parser, Debug)]
#[command(name = "telltale", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Open the GUI on a case (default: the last case, else the demo case).
    Gui(GuiArgs),
    /// Write the built-in demo case (two sessions: normal, incognito).
    Demo(demo::DemoArgs),
    /// Import capture files into a case (the formats come from the importer registry).
    #[command(about = import::about())]
    Import(import::ImportArgs),
    /// List the sessions of a case.
    Sessions(sessions::SessionsArgs),
    /// List every request (exchange), with company, tracker, events and data types.
    Exchanges(exchanges::ExchangesArgs),
    /// List decoded telemetry events.
    Events(events::EventsArgs),
    /// What left the device, to whom, where: data types per session, mode and company.
    Summary(summary::SummaryArgs),
    /// Find canaries across every layer and transform.
    Search(search::SearchArgs),
    /// Compare two sessions: what B still sends comes first.
    Compare(compare::CompareArgs),
    /// Re-hash stored evidence and check the database's integrity.
    Verify(verify::VerifyArgs),
    /// Annotate an event, exchange or session (tags, severity, note); kept with its history.
    Annotate(annotate::AnnotateArgs),
    /// List annotations with their history.
    Annotations(annotations::AnnotationsArgs),
    /// Export events and findings as CSV, JSON or a PDF report.
    Export(export::ExportArgs),
    /// Every host: its company, where that name comes from, first or third party; `--set` gives your word on one.
    Hosts(hosts::HostsArgs),
}

/// Arguments of `telltale gui`.
#[derive(clap::Args, Debug, Default)]
pub struct GuiArgs {
    /// The case file to open.
    pub case: Option<PathBuf>,
    /// Save a PNG of the window once the data is drawn, then quit.
    #[arg(long, value_name = "FILE")]
    pub screenshot_to: Option<PathBuf>,
    /// What the screenshot shows.
    #[arg(long, value_enum, default_value_t = ScreenshotView::Timeline, requires = "screenshot_to")]
    pub view: ScreenshotView,
    /// The screenshot's theme (default: light).
    #[arg(long, value_enum, requires = "screenshot_to")]
    pub theme: Option<ScreenshotTheme>,
    /// The screenshot's window size, `WIDTHxHEIGHT` (default: 1600x1000).
    #[arg(long, value_name = "WxH", value_parser = parse_size, requires = "screenshot_to")]
    pub size: Option<[u32; 2]>,
}

/// The theme of a `--screenshot-to` picture.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScreenshotTheme {
    Light,
    Dark,
}

fn parse_size(text: &str) -> Result<[u32; 2], String> {
    let (w, h) = text
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("not a size (use WIDTHxHEIGHT, e.g. 1280x720): `{text}`"))?;
    let parse = |v: &str| {
        v.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (320..=8000).contains(n))
            .ok_or_else(|| format!("not a size between 320 and 8000 pixels: `{v}`"))
    };
    Ok([parse(w)?, parse(h)?])
}

/// The view a `--screenshot-to` picture shows.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ScreenshotView {
    /// Timeline, table and filters.
    #[default]
    Timeline,
    /// The same with a decoded event in the inspector.
    Inspector,
    /// Every request, with the busiest one in the inspector.
    Requests,
    /// What left the device: data types per app, mode and company.
    WhatLeft,
    /// Normal against incognito.
    Compare,
    /// Annotated findings.
    Findings,
}

/// Runs a non-GUI command. `Gui` is handled by `main`.
pub fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Gui(_) => anyhow::bail!("this build has no GUI (built without the `gui` feature)"),
        Command::Demo(args) => demo::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Sessions(args) => sessions::run(&args),
        Command::Exchanges(args) => exchanges::run(&args),
        Command::Events(args) => events::run(&args),
        Command::Summary(args) => summary::run(&args),
        Command::Search(args) => search::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Annotate(args) => annotate::run(&args),
        Command::Annotations(args) => annotations::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Hosts(args) => hosts::run(&args),
    }
}

pub use demo::write_demo;

/// Opens an existing case for a read command, naming the path on failure.
pub(crate) fn open_case(path: &std::path::Path) -> anyhow::Result<crate::store::Case> {
    crate::store::Case::open_existing(path).map_err(|e| anyhow::anyhow!("{e} — {}", path.display()))
}

/// The event filters `events` and `export` share (`--session --app --mode --tracker`).
#[derive(clap::Args, Debug, Default, Clone)]
pub struct EventFilterArgs {
    /// Only this session (name or id).
    #[arg(long)]
    pub session: Option<String>,
    /// Only events attributed to this app.
    #[arg(long)]
    pub app: Option<String>,
    /// Only events in this mode.
    #[arg(long, value_parser = |s: &str| s.parse::<crate::model::Mode>())]
    pub mode: Option<crate::model::Mode>,
    /// Only this tracker: an SDK decoder or endpoint-table id (`sensorsdata`, `facebook`, `branch` …; README lists them) or `generic`.
    #[arg(long)]
    pub tracker: Option<String>,
}

impl EventFilterArgs {
    /// The store filter these flags ask for.
    pub fn to_filter(&self) -> crate::store::EventFilter {
        crate::store::EventFilter {
            session: self.session.clone(),
            app: self.app.clone(),
            mode: self.mode,
            tracker: self.tracker.clone(),
            ..crate::store::EventFilter::default()
        }
    }
}
