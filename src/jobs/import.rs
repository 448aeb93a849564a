//! Imports for the window: progress every tenth of a second, cancellation
//! through a shared flag, one file after the other.
//!
//! A case on disk is imported on its own thread with its own connection
//! (SQLite WAL lets the query worker keep reading meanwhile, and it sees
//! the new session once the import commits). An in-memory case has only
//! one connection, so its imports run on the query worker itself.

use super::Waker;
use super::protocol::Reply;
use super::worker::with_path;
use crate::ingest::Flow;
use crate::store::{Case, ImportObserver, ImportOptions, ImportProgress};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;
use std::time::{Duration, Instant};

const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Starts imports and cancels them.
#[derive(Clone)]
pub(super) struct ImportRunner {
    pub cancel: Arc<AtomicBool>,
    pub replies: SyncSender<Reply>,
    pub waker: Waker,
}

impl ImportRunner {
    /// Imports `items` into `case`'s file (on a new thread) or into
    /// `case` itself when it lives in memory. Replies go straight out.
    pub fn run(&self, case: &mut Case, items: Vec<(PathBuf, ImportOptions)>) {
        self.cancel.store(false, Ordering::SeqCst);
        let Some(path) = case.path().map(Path::to_path_buf) else {
            self.import_all(case, items);
            return;
        };
        let runner = self.clone();
        let spawned =
            std::thread::Builder::new()
                .name("telltale-import".into())
                .spawn(move || match Case::open_existing(&path) {
                    Ok(mut own) => runner.import_all(&mut own, items),
                    Err(error) => {
                        let message = with_path(error, Some(&path));
                        for (file, _) in items {
                            runner.send(Reply::Imported {
                                file,
                                result: Err(message.clone()),
                            });
                        }
                        runner.send(Reply::ImportsDone);
                    }
                });
        if let Err(error) = spawned {
            self.send(Reply::Failed {
                what: "import",
                message: format!("cannot start the import: {error}"),
            });
        }
    }

    fn import_all(&self, case: &mut Case, items: Vec<(PathBuf, ImportOptions)>) {
        for (file, options) in items {
            if self.cancel.load(Ordering::SeqCst) {
                break;
            }
            let mut observer = Observer {
                runner: self,
                file: &file,
                last_sent: None,
            };
            let result = case
                .import_file(&file, &options, &mut observer)
                .and_then(|outcome| {
                    // The researcher's typed canaries name what they find in the new requests.
                    case.apply_typed_canaries()?;
                    Ok(outcome)
                })
                .map_err(|e| with_path(e, Some(&file)));
            self.send(Reply::Imported { file, result });
        }
        self.send(Reply::ImportsDone);
    }

    fn send(&self, reply: Reply) {
        // The window may have closed; then nobody is waiting for this.
        let _ = self.replies.send(reply);
        (self.waker)();
    }
}

struct Observer<'a> {
    runner: &'a ImportRunner,
    file: &'a Path,
    last_sent: Option<Instant>,
}

impl ImportObserver for Observer<'_> {
    fn progress(&mut self, progress: &ImportProgress) -> Flow {
        if self.runner.cancel.load(Ordering::SeqCst) {
            return Flow::Stop;
        }
        if self.last_sent.is_none_or(|t| t.elapsed() >= PROGRESS_EVERY) {
            self.last_sent = Some(Instant::now());
            // try_send: a busy window must never slow the import down.
            let reply = Reply::ImportProgress {
                file: self.file.to_path_buf(),
                progress: *progress,
            };
            if self.runner.replies.try_send(reply).is_ok() {
                (self.runner.waker)();
            }
        }
        Flow::Continue
    }
}
