//! The pieces of the event loop that live outside JavaScript: timer deadlines, the queue of
//! macrotasks posted from I/O tasks, and the count of handles that keep a run alive.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use rquickjs::Ctx;
use tokio::sync::{Notify, mpsc};

use crate::Internals;

/// Work for the JS thread, posted from anywhere: one callback or event, run as its own
/// macrotask with the microtask queue drained after it. An `Err` is an uncaught exception.
pub type Macrotask =
    Box<dyn for<'js> FnOnce(&Ctx<'js>, &Internals<'js>) -> rquickjs::Result<()> + Send>;

struct Shared {
    sender: mpsc::UnboundedSender<Macrotask>,
    live_handles: AtomicUsize,
    wake: Notify,
}

/// A cloneable, thread-safe handle to a run's loop: posts macrotasks and keeps the run alive
/// while I/O is under way.
#[derive(Clone)]
pub struct LoopHandle {
    shared: Arc<Shared>,
}

impl LoopHandle {
    pub(crate) fn new() -> (LoopHandle, mpsc::UnboundedReceiver<Macrotask>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            sender,
            live_handles: AtomicUsize::new(0),
            wake: Notify::new(),
        });
        (LoopHandle { shared }, receiver)
    }

    /// Queues a macrotask. Returns false when the run has ended and the task was dropped.
    pub fn post(&self, task: Macrotask) -> bool {
        self.shared.sender.send(task).is_ok()
    }

    /// Keeps the run from ending until the returned guard is dropped (an in-flight request, an
    /// open socket, a running scan). Post the final macrotask before dropping the guard.
    pub fn keep_alive(&self) -> KeepAlive {
        self.shared.live_handles.fetch_add(1, Ordering::AcqRel);
        KeepAlive {
            shared: self.shared.clone(),
        }
    }

    pub(crate) fn live_handles(&self) -> usize {
        self.shared.live_handles.load(Ordering::Acquire)
    }

    pub(crate) async fn woken(&self) {
        self.shared.wake.notified().await
    }
}

/// Holds a run open; see [`LoopHandle::keep_alive`].
pub struct KeepAlive {
    shared: Arc<Shared>,
}

impl Drop for KeepAlive {
    fn drop(&mut self) {
        if self.shared.live_handles.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.shared.wake.notify_one();
        }
    }
}

/// Timer deadlines, ordered by deadline and then by creation so that equal deadlines fire in
/// the order they were set. The callbacks stay in JavaScript; only ids live here.
#[derive(Default)]
pub(crate) struct Timers {
    queue: BTreeMap<(Instant, u64), u32>,
    by_id: HashMap<u32, (Instant, u64)>,
    sequence: u64,
}

impl Timers {
    pub fn start(&mut self, id: u32, delay: Duration) {
        self.clear(id);
        self.sequence += 1;
        let key = (Instant::now() + delay, self.sequence);
        self.queue.insert(key, id);
        self.by_id.insert(id, key);
    }

    pub fn clear(&mut self, id: u32) {
        if let Some(key) = self.by_id.remove(&id) {
            self.queue.remove(&key);
        }
    }

    /// The next timer due at `now`, removed from the queue.
    pub fn pop_due(&mut self, now: Instant) -> Option<u32> {
        let (&key, &id) = self.queue.first_key_value()?;
        if key.0 > now {
            return None;
        }
        self.queue.remove(&key);
        self.by_id.remove(&id);
        Some(id)
    }

    pub fn next_deadline(&self) -> Option<Instant> {
        self.queue
            .first_key_value()
            .map(|((deadline, _), _)| *deadline)
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_fire_by_deadline_then_creation() {
        let mut timers = Timers::default();
        timers.start(1, Duration::from_millis(30));
        timers.start(2, Duration::from_millis(0));
        timers.start(3, Duration::from_millis(0));
        timers.start(4, Duration::from_millis(10));
        timers.clear(3);
        let later = Instant::now() + Duration::from_millis(50);
        let order: Vec<u32> = std::iter::from_fn(|| timers.pop_due(later)).collect();
        assert_eq!(order, vec![2, 4, 1]);
        assert!(timers.is_empty());
    }

    #[test]
    fn keep_alive_counts_and_wakes() {
        let (handle, _receiver) = LoopHandle::new();
        let first = handle.keep_alive();
        let second = handle.keep_alive();
        assert_eq!(handle.live_handles(), 2);
        drop(first);
        drop(second);
        assert_eq!(handle.live_handles(), 0);
    }
}
