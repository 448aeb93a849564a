//! Exports for the window, off the query worker: each export runs on a
//! thread of its own with its own connection to the case file (SQLite WAL
//! lets it read while the worker keeps answering), so browsing goes on
//! while a report is laid out.
//!
//! Cancelling is honest about what it can do: `crate::export` has no
//! checkpoints to stop at, so the thread runs to its end, but it writes to
//! a temporary file beside the target and, when cancelled, deletes it
//! instead of moving it into place. A cancelled export therefore leaves
//! the folder as it was — an existing file of that name is not touched.

use super::task::{Task, TaskState};
use super::{ExportKind, Waker};
use crate::export::{ExportOptions, ExportSummary, export_csv, export_json, export_pdf};
use crate::store::Case;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// What a finished export wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportDone {
    pub kind: ExportKind,
    pub summary: ExportSummary,
    /// Pages of a PDF.
    pub pages: Option<usize>,
}

impl ExportDone {
    /// `3 findings, 6 pages` — what the status bar says.
    pub fn describe(&self) -> String {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let findings = plural(self.summary.findings, "finding", "findings");
        match self.kind {
            ExportKind::Pdf => match self.pages {
                Some(pages) => format!("{findings}, {}", plural(pages, "page", "pages")),
                None => findings,
            },
            ExportKind::Csv => format!("{findings}, {}", plural(self.summary.rows, "row", "rows")),
            ExportKind::Json => format!("{findings}, {}", plural(self.summary.rows, "event", "events")),
        }
    }
}

/// How an export ended, when it did not write its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportFailure {
    Cancelled,
    /// One line naming the file and the problem.
    Failed(String),
}

/// An export running on its own thread.
pub struct ExportJob {
    pub kind: ExportKind,
    pub path: PathBuf,
    cancelled: Arc<AtomicBool>,
    task: Task<Result<ExportDone, ExportFailure>>,
}

impl ExportJob {
    /// Starts writing `kind` of the case at `case_path` to `out`.
    pub fn start(case_path: &Path, kind: ExportKind, out: PathBuf, options: ExportOptions, waker: Waker) -> ExportJob {
        let cancelled = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancelled);
        let (case_path, target) = (case_path.to_path_buf(), out.clone());
        let task = Task::spawn("telltale-export", waker, move || {
            run(&case_path, kind, &target, &options, &flag)
        });
        ExportJob {
            kind,
            path: out,
            cancelled,
            task,
        }
    }

    /// Asks the export to give up: its output is thrown away.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelling(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// The outcome once the thread is done.
    pub fn poll(&self) -> TaskState<Result<ExportDone, ExportFailure>> {
        self.task.poll()
    }

    /// How long it has been running.
    pub fn elapsed(&self) -> std::time::Duration {
        self.task.elapsed()
    }
}

/// The export itself, on the job's thread.
fn run(
    case_path: &Path,
    kind: ExportKind,
    out: &Path,
    options: &ExportOptions,
    cancelled: &AtomicBool,
) -> Result<ExportDone, ExportFailure> {
    let fail = |message: String| ExportFailure::Failed(message);
    let case = Case::open_existing(case_path).map_err(|e| fail(format!("{e} — {}", case_path.display())))?;
    let partial = partial_path(out);
    let written = match kind {
        ExportKind::Csv => export_csv(&case, options, &partial),
        ExportKind::Json => export_json(&case, options, &partial),
        ExportKind::Pdf => export_pdf(&case, options, &partial),
    };
    let mut summary = match written {
        Ok(summary) => summary,
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            return Err(fail(format!("{error} — {}", out.display())));
        }
    };
    if cancelled.load(Ordering::SeqCst) {
        let _ = std::fs::remove_file(&partial);
        return Err(ExportFailure::Cancelled);
    }
    let pages = match kind {
        ExportKind::Pdf => std::fs::read(&partial).ok().map(|bytes| pdf_pages(&bytes)),
        _ => None,
    };
    std::fs::rename(&partial, out).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        fail(format!("cannot write: {e} — {}", out.display()))
    })?;
    summary.path = out.to_path_buf();
    Ok(ExportDone { kind, summary, pages })
}

/// A hidden file beside `out` (same folder, so the rename cannot cross
/// file systems), keeping the extension the exporters may look at.
fn partial_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "export".to_string(), |n| n.to_string_lossy().into_owned());
    let extension = out
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    out.with_file_name(format!(".{name}.partial-{}{extension}", std::process::id()))
}

/// Pages of a PDF: its `/Type /Page` objects (not `/Pages`). Typst writes
/// page dictionaries uncompressed.
pub fn pdf_pages(bytes: &[u8]) -> usize {
    let mut pages = 0;
    for (at, window) in bytes.windows(5).enumerate() {
        if window != b"/Page" || bytes.get(at + 5) == Some(&b's') {
            continue;
        }
        let before = &bytes[at.saturating_sub(12)..at];
        let typed = before
            .rsplit(|b| *b == b'/')
            .next()
            .is_some_and(|word| word.trim_ascii() == b"Type");
        if typed {
            pages += 1;
        }
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_pages_counts_page_objects_not_the_page_tree() {
        let pdf = b"1 0 obj << /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >> endobj
                    2 0 obj << /Type /Page /Parent 1 0 R >> endobj
                    3 0 obj <</Type/Page/Parent 1 0 R>> endobj";
        assert_eq!(pdf_pages(pdf), 2);
    }

    #[test]
    fn a_cancelled_export_leaves_no_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let case_path = dir.path().join("case.telltale");
        let mut case = Case::create_or_open(&case_path).expect("case");
        case.import_demo().expect("demo");
        drop(case);
        let out = dir.path().join("events.csv");
        let cancelled = AtomicBool::new(true);
        let result = run(&case_path, ExportKind::Csv, &out, &ExportOptions::default(), &cancelled);
        assert_eq!(result, Err(ExportFailure::Cancelled));
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with("case.telltale"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
        let done = run(
            &case_path,
            ExportKind::Csv,
            &out,
            &ExportOptions::default(),
            &AtomicBool::new(false),
        )
        .expect("export");
        assert!(out.exists());
        assert_eq!(done.summary.rows, 426, "every demo event");
        assert_eq!(done.describe(), "0 findings, 426 rows");
    }
}
