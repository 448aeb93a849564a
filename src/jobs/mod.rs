//! Background work for the window, so the frame thread only draws.
//!
//! - One **query worker** thread owns the open [`Case`](crate::store::Case)
//!   and answers typed [`Request`]s with [`Reply`]s over bounded channels.
//! - **Imports** of a case on disk run on their own thread with a second
//!   connection (SQLite WAL); they report progress and stop when
//!   [`Jobs::cancel_import`] is called (nothing of that file is kept).
//! - **Exports** run as an [`ExportJob`] on a thread of their own with their
//!   own connection, so the query worker keeps answering meanwhile.
//! - One-off [`Task`]s (a file dialog, a directory listing) run on a thread
//!   of their own and hand back one value.
//!
//! Every reply calls the [`Waker`] (the GUI passes `ctx.request_repaint`).
//! Sending never blocks the caller: a full request channel keeps the rest
//! in a backlog that [`Jobs::poll`] pushes on. No egui in here.

mod export;
mod import;
mod protocol;
mod task;
mod worker;

pub use export::{ExportDone, ExportFailure, ExportJob, pdf_pages};
pub use protocol::{
    CaseInfo, ExportKind, Finding, OpenMode, Reply, Request, SummaryRow, TimelineKey, TimelineReply, WindowSpec,
};
pub use task::{Task, TaskState};
pub use worker::MARK_LIMIT;

use crate::store::Case;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};

/// Called after every reply, from the replying thread.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// Requests waiting in the channel at most; more wait in the backlog.
const REQUEST_CAPACITY: usize = 64;
/// Replies waiting for the window at most; the worker waits when full.
const REPLY_CAPACITY: usize = 256;

/// The window's handle on its background threads.
pub struct Jobs {
    requests: SyncSender<Request>,
    replies: Receiver<Reply>,
    /// Import requests numbered 1, 2 … in the order they were sent; every
    /// one numbered up to this value is cancelled (queued or running).
    cancelled_imports: Arc<AtomicU64>,
    /// How many import requests have been sent.
    sent_imports: u64,
    backlog: VecDeque<Request>,
}

impl Jobs {
    /// Starts the worker, with `case` already open (tests) or none yet
    /// (send [`Request::Open`]).
    pub fn start(case: Option<Case>, waker: Waker) -> std::io::Result<Jobs> {
        let (requests, request_receiver) = sync_channel(REQUEST_CAPACITY);
        let (reply_sender, replies) = sync_channel(REPLY_CAPACITY);
        let cancelled_imports = Arc::new(AtomicU64::new(0));
        let imports = import::ImportRunner {
            cancelled_up_to: Arc::clone(&cancelled_imports),
            started: Arc::new(AtomicU64::new(0)),
            replies: reply_sender.clone(),
            waker: Arc::clone(&waker),
        };
        let worker = worker::Worker::new(case, reply_sender, waker, imports);
        std::thread::Builder::new()
            .name("telltale-worker".into())
            .spawn(move || worker.run(&request_receiver))?;
        Ok(Jobs {
            requests,
            replies,
            cancelled_imports,
            sent_imports: 0,
            backlog: VecDeque::new(),
        })
    }

    /// Queues a request; never blocks.
    pub fn send(&mut self, request: Request) {
        if matches!(request, Request::Import { .. }) {
            self.sent_imports += 1;
        }
        self.backlog.push_back(request);
        self.push_backlog();
    }

    /// Every reply that has arrived, oldest first.
    pub fn poll(&mut self) -> Vec<Reply> {
        self.push_backlog();
        self.replies.try_iter().collect()
    }

    /// Whether requests are still waiting to be sent to the worker.
    pub fn has_backlog(&self) -> bool {
        !self.backlog.is_empty()
    }

    /// Cancels every import sent so far, running or still queued: the file
    /// being imported is dropped and queued ones never start. Imports sent
    /// afterwards are not affected.
    pub fn cancel_import(&self) {
        self.cancelled_imports.fetch_max(self.sent_imports, Ordering::SeqCst);
    }

    fn push_backlog(&mut self) {
        while let Some(request) = self.backlog.pop_front() {
            match self.requests.try_send(request) {
                Ok(()) => {}
                Err(TrySendError::Full(request)) => {
                    self.backlog.push_front(request);
                    return;
                }
                // The worker is gone (it panicked); nothing will answer.
                Err(TrySendError::Disconnected(_)) => {
                    self.backlog.clear();
                    return;
                }
            }
        }
    }
}
