//! `telltale demo CASE`: writes the built-in demo case (two sessions of a
//! made-up browser, normal and incognito).

use crate::store::Case;
use anyhow::anyhow;
use std::path::{Path, PathBuf};

/// Arguments of `telltale demo`.
#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Where to write the case (must not exist yet).
    pub case: PathBuf,
}

pub fn run(args: &DemoArgs) -> anyhow::Result<()> {
    if args.case.exists() {
        anyhow::bail!("refusing to overwrite an existing file — {}", args.case.display());
    }
    let mut case = Case::create_or_open(&args.case).map_err(|e| anyhow!("{e} — {}", args.case.display()))?;
    let summary = write_demo(&mut case, &args.case)?;
    eprintln!("{summary}");
    Ok(())
}

/// Imports both demo captures into `case`; returns a one-line summary.
pub fn write_demo(case: &mut Case, shown_path: &Path) -> anyhow::Result<String> {
    let outcomes = case
        .import_demo()
        .map_err(|e| anyhow!("{e} — {}", shown_path.display()))?;
    let parts: Vec<String> = outcomes
        .iter()
        .map(|o| format!("`{}`: {} exchanges, {} events", o.session, o.exchanges, o.events))
        .collect();
    Ok(format!(
        "wrote demo case {} with sessions {}",
        shown_path.display(),
        parts.join("; ")
    ))
}
