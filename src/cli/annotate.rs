//! `telltale annotate CASE (--event ID | --exchange ID | --session S) [--tag T]... [--severity S] [--note TEXT] [--remove]`
//!
//! `--tag` replaces the tag set with the tags given (`--tag ''` clears it);
//! parts not given stay as they are. The change and its history are saved
//! before the command returns.

use crate::model::{AnnotationEdit, EventId, ExchangeId, Severity, Target};
use std::path::PathBuf;

/// Arguments of `telltale annotate`.
#[derive(clap::Args, Debug)]
#[command(group = clap::ArgGroup::new("target").required(true).args(["event", "exchange", "session"]))]
pub struct AnnotateArgs {
    pub case: PathBuf,
    /// Annotate this event (id from `telltale events`).
    #[arg(long)]
    pub event: Option<i64>,
    /// Annotate this exchange (HTTP request) and so every event in it.
    #[arg(long)]
    pub exchange: Option<i64>,
    /// Annotate this session (name or id).
    #[arg(long)]
    pub session: Option<String>,
    /// A tag; repeat for several. Replaces the existing tags.
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// info, notable or finding.
    #[arg(long, value_parser = |s: &str| s.parse::<Severity>())]
    pub severity: Option<Severity>,
    /// Free text: why this matters.
    #[arg(long)]
    pub note: Option<String>,
    /// Delete the annotation (kept in the history).
    #[arg(long, conflicts_with_all = ["tags", "severity", "note"])]
    pub remove: bool,
}

pub fn run(args: &AnnotateArgs) -> anyhow::Result<()> {
    let mut case = super::open_case(&args.case)?;
    let on_case = |e: crate::store::StoreError| anyhow::anyhow!("{e} — {}", args.case.display());
    let target = match (&args.event, &args.exchange, &args.session) {
        (Some(id), _, _) => Target::Event(EventId(*id)),
        (_, Some(id), _) => Target::Exchange(ExchangeId(*id)),
        (_, _, Some(session)) => Target::Session(case.find_session(session).map_err(on_case)?),
        _ => anyhow::bail!("say what to annotate: --event ID, --exchange ID or --session S"),
    };
    if args.remove {
        let removed = case.remove_annotation(target).map_err(on_case)?;
        let what = if removed {
            "removed the annotation on"
        } else {
            "there was no annotation on"
        };
        eprintln!("{what} {} {}", target.kind(), target.id());
        return Ok(());
    }
    let edit = AnnotationEdit {
        tags: (!args.tags.is_empty()).then(|| args.tags.clone()),
        severity: args.severity,
        note: args.note.clone(),
    };
    let annotation = case.annotate(target, &edit).map_err(on_case)?;
    eprintln!(
        "annotated {} {}: {} [{}] {}",
        target.kind(),
        target.id(),
        annotation.severity,
        annotation.tags.join(", "),
        annotation.note
    );
    Ok(())
}
