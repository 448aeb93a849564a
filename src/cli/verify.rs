//! `telltale verify CASE`

use std::path::PathBuf;

/// Arguments of `telltale verify`.
#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    pub case: PathBuf,
}

pub fn run(args: &VerifyArgs) -> anyhow::Result<()> {
    let case = super::open_case(&args.case)?;
    let report = case.verify()?;
    if let Some(first) = report.problems.first() {
        for problem in &report.problems[1..] {
            eprintln!("  also: {}", describe(problem));
        }
        anyhow::bail!("{} — {}", describe(first), args.case.display());
    }
    println!(
        "ok: {} evidence files ({} bytes) and their decoded rows match their SHA-256; {} annotation history entries chain{}; {} host label history entries chain; database integrity ok",
        report.sources_checked,
        report.bytes_checked,
        report.history_entries,
        report
            .history_head
            .as_deref()
            .map(|head| format!(" to {head}"))
            .unwrap_or_default(),
        report.host_history_entries
    );
    Ok(())
}

fn describe(problem: &crate::store::VerifyProblem) -> String {
    match &problem.file_name {
        Some(file) => format!("{file}: {}", problem.problem),
        None => problem.problem.clone(),
    }
}
