//! A one-off job on its own thread that hands back one value: a native
//! file dialog (which blocks until the user answers) or a directory listing.

use super::Waker;
use std::sync::mpsc::{Receiver, TryRecvError, sync_channel};

/// A running one-off job.
pub struct Task<T> {
    result: Receiver<T>,
    started: std::time::Instant,
}

/// What polling a task found.
#[derive(Debug, PartialEq, Eq)]
pub enum TaskState<T> {
    Running,
    Done(T),
    /// The job panicked or could not start.
    Lost,
}

impl<T: Send + 'static> Task<T> {
    /// Runs `job` on a new thread named `name`; `waker` is called when done.
    pub fn spawn(name: &str, waker: Waker, job: impl FnOnce() -> T + Send + 'static) -> Task<T> {
        let (sender, result) = sync_channel(1);
        // If the thread cannot start, the sender is dropped and polling says Lost.
        let _ = std::thread::Builder::new().name(name.into()).spawn(move || {
            let _ = sender.send(job());
            waker();
        });
        Task {
            result,
            started: std::time::Instant::now(),
        }
    }

    /// The result once it is there.
    pub fn poll(&self) -> TaskState<T> {
        match self.result.try_recv() {
            Ok(value) => TaskState::Done(value),
            Err(TryRecvError::Empty) => TaskState::Running,
            Err(TryRecvError::Disconnected) => TaskState::Lost,
        }
    }

    /// How long the task has been running.
    pub fn elapsed(&self) -> std::time::Duration {
        self.started.elapsed()
    }
}
