//! Task pools: each HTTP interface runs at most N tasks and queues the rest in FIFO order (since
//! base library 1.4.0; before, the task beyond the pool fails). Queued tasks can be removed
//! synchronously; running ones are cancelled through their [`Cancel`].

use std::{
    collections::VecDeque,
    sync::{
        Mutex,
        atomic::{AtomicU8, Ordering},
    },
};

use tokio::sync::Notify;
use wx_policy::Failure;

/// A task's id, unique within a run (chosen by the caller).
pub type TaskId = u64;

/// Why a running task should stop.
pub struct Cancel {
    reason: AtomicU8,
    notify: Notify,
}

const RUNNING: u8 = 0;
const ABORTED: u8 = 1;
const INTERRUPTED: u8 = 2;
const DISCONNECTED: u8 = 3;

impl Default for Cancel {
    fn default() -> Self {
        Cancel {
            reason: AtomicU8::new(RUNNING),
            notify: Notify::new(),
        }
    }
}

impl Cancel {
    pub fn abort(&self) {
        self.stop(ABORTED);
    }

    pub fn interrupt(&self) {
        self.stop(INTERRUPTED);
    }

    /// Stops the task as a phone without a network would.
    pub fn disconnect(&self) {
        self.stop(DISCONNECTED);
    }

    fn stop(&self, reason: u8) {
        if self
            .reason
            .compare_exchange(RUNNING, reason, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            self.notify.notify_waiters();
            self.notify.notify_one();
        }
    }

    fn failure(&self) -> Option<Failure> {
        match self.reason.load(Ordering::Acquire) {
            ABORTED => Some(Failure::Abort),
            INTERRUPTED => Some(Failure::Interrupted),
            DISCONNECTED => Some(Failure::InternetDisconnected),
            _ => None,
        }
    }

    /// Resolves with the failure once the task is told to stop.
    pub async fn cancelled(&self) -> Failure {
        loop {
            let notified = self.notify.notified();
            if let Some(failure) = self.failure() {
                return failure;
            }
            notified.await;
        }
    }
}

/// What `submit` did with a task.
pub enum Admission<J> {
    /// Start it now.
    Run(J),
    Queued,
    /// No queue (before 1.4.0) and the pool is full.
    Rejected(J),
}

struct State<J> {
    limit: usize,
    running: usize,
    queue: VecDeque<(TaskId, J)>,
}

/// One interface's pool. `J` is the queued job.
pub struct TaskPool<J> {
    state: Mutex<State<J>>,
    queueing: bool,
}

impl<J> TaskPool<J> {
    pub fn new(limit: usize, queueing: bool) -> TaskPool<J> {
        TaskPool {
            state: Mutex::new(State {
                limit: limit.max(1),
                running: 0,
                queue: VecDeque::new(),
            }),
            queueing,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<J>> {
        // A panic while holding the lock cannot leave the counters half-updated, so a
        // poisoned lock is still consistent.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn submit(&self, id: TaskId, job: J) -> Admission<J> {
        let mut state = self.lock();
        if state.running < state.limit {
            state.running += 1;
            Admission::Run(job)
        } else if self.queueing {
            state.queue.push_back((id, job));
            Admission::Queued
        } else {
            Admission::Rejected(job)
        }
    }

    /// A running task finished: the head of the queue (if any) may start.
    pub fn finish(&self) -> Option<(TaskId, J)> {
        let mut state = self.lock();
        match state.queue.pop_front() {
            Some(next) => Some(next),
            None => {
                state.running = state.running.saturating_sub(1);
                None
            }
        }
    }

    /// Removes a queued task; `None` when it is not queued (running or finished).
    pub fn remove_queued(&self, id: TaskId) -> Option<J> {
        let mut state = self.lock();
        let position = state.queue.iter().position(|(queued, _)| *queued == id)?;
        state.queue.remove(position).map(|(_, job)| job)
    }

    pub fn running(&self) -> usize {
        self.lock().running
    }

    pub fn queued(&self) -> usize {
        self.lock().queue.len()
    }
}

#[cfg(test)]
mod tests {
    use std::{sync::Arc, time::Duration};

    use super::*;

    #[test]
    fn queues_in_fifo_order_and_admits_on_finish() {
        let pool = TaskPool::new(2, true);
        assert!(matches!(pool.submit(1, "a"), Admission::Run("a")));
        assert!(matches!(pool.submit(2, "b"), Admission::Run("b")));
        assert!(matches!(pool.submit(3, "c"), Admission::Queued));
        assert!(matches!(pool.submit(4, "d"), Admission::Queued));
        assert!(matches!(pool.submit(5, "e"), Admission::Queued));
        assert_eq!((pool.running(), pool.queued()), (2, 3));
        assert_eq!(pool.remove_queued(4), Some("d"));
        assert_eq!(pool.remove_queued(4), None);
        // Two tasks still wait: the one queued first starts first.
        assert_eq!(pool.finish(), Some((3, "c")));
        assert_eq!(
            pool.running(),
            2,
            "the finished slot went to the queued task"
        );
        assert_eq!(pool.finish(), Some((5, "e")));
        assert_eq!((pool.running(), pool.queued()), (2, 0));
        assert_eq!(pool.finish(), None);
        assert_eq!(pool.running(), 1);
        assert_eq!(pool.finish(), None);
        assert_eq!(pool.running(), 0);
        assert_eq!(pool.finish(), None, "an extra finish does not underflow");
        assert_eq!(pool.running(), 0);
    }

    #[test]
    fn a_freed_slot_is_used_before_queueing_again() {
        let pool = TaskPool::new(1, true);
        assert!(matches!(pool.submit(1, 1), Admission::Run(1)));
        assert!(matches!(pool.submit(2, 2), Admission::Queued));
        assert_eq!(pool.remove_queued(2), Some(2));
        assert_eq!(pool.finish(), None);
        assert!(matches!(pool.submit(3, 3), Admission::Run(3)));
        assert_eq!(pool.queued(), 0);
    }

    #[test]
    fn a_pool_never_has_fewer_than_one_slot() {
        let pool = TaskPool::new(0, true);
        assert!(matches!(pool.submit(1, ()), Admission::Run(())));
        assert!(matches!(pool.submit(2, ()), Admission::Queued));
    }

    #[test]
    fn without_a_queue_the_task_beyond_the_pool_is_rejected() {
        let pool = TaskPool::new(1, false);
        assert!(matches!(pool.submit(1, ()), Admission::Run(())));
        assert!(matches!(pool.submit(2, ()), Admission::Rejected(())));
    }

    #[tokio::test]
    async fn cancel_reports_the_first_reason() {
        let cancel = Arc::new(Cancel::default());
        let waiter = tokio::spawn({
            let cancel = cancel.clone();
            async move { cancel.cancelled().await }
        });
        tokio::task::yield_now().await;
        cancel.interrupt();
        cancel.abort();
        let woken = tokio::time::timeout(Duration::from_secs(10), waiter).await;
        assert_eq!(
            woken.expect("the waiter was woken").unwrap(),
            Failure::Interrupted
        );
    }

    /// Each way of stopping a task wakes its waiter with its own failure, and a task told to
    /// stop before anyone waits still reports it.
    #[tokio::test]
    async fn each_reason_has_its_failure() {
        type Stop = fn(&Cancel);
        let reasons: [(Stop, Failure); 3] = [
            (Cancel::abort, Failure::Abort),
            (Cancel::interrupt, Failure::Interrupted),
            (Cancel::disconnect, Failure::InternetDisconnected),
        ];
        for (stop, failure) in reasons {
            let cancel = Arc::new(Cancel::default());
            let waiter = tokio::spawn({
                let cancel = cancel.clone();
                async move { cancel.cancelled().await }
            });
            tokio::task::yield_now().await;
            stop(&cancel);
            // Bounded, so that a stop that does nothing fails here instead of hanging.
            let woken = tokio::time::timeout(Duration::from_secs(10), waiter).await;
            assert_eq!(woken.expect("the waiter was woken").unwrap(), failure);
            let early = Cancel::default();
            stop(&early);
            assert_eq!(early.failure(), Some(failure));
        }
    }

    #[tokio::test]
    async fn a_task_not_told_to_stop_keeps_running() {
        let cancel = Cancel::default();
        let outcome = tokio::time::timeout(Duration::from_millis(20), cancel.cancelled()).await;
        assert!(outcome.is_err(), "cancelled() resolved without a reason");
    }
}
