//! The clock wx's own deadlines are measured on: request, upload, download, WebSocket and TCP
//! timeouts, the grace period before background interruption, and mDNS's automatic stop.
//!
//! It runs on real time unless a test switches it to virtual time (Jest's fake timers, through
//! wx-api): then a deadline passes only when the test advances the clock past it, so a test of
//! the 60 s rule takes milliseconds. A deadline is fixed when it is set, on the time of that
//! moment: one set on real time stays real; one set on virtual time that is still pending when
//! the clock goes back to real time passes after the virtual time it had left, in real time.

use std::{
    collections::BTreeSet,
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use tokio::{sync::watch, time::Instant};

#[derive(Debug)]
struct State {
    /// Virtual time elapsed since the clock was made (it only moves when advanced).
    virtual_now: Duration,
    /// Since when the clock runs on real time, or `None` while it runs on virtual time.
    real_since: Option<Instant>,
    /// Pending virtual deadlines, for [`Clock::next_deadline`].
    pending: BTreeSet<(Duration, u64)>,
    next_id: u64,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    /// Bumped on every change, waking the deadlines that wait on virtual time.
    changed: watch::Sender<u64>,
}

/// A run's clock for wx's deadlines. Cheap to clone; clones share the time.
#[derive(Clone, Debug)]
pub struct Clock {
    shared: Arc<Shared>,
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}

impl Clock {
    /// A clock on real time.
    pub fn new() -> Clock {
        let (changed, _) = watch::channel(0);
        Clock {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    virtual_now: Duration::ZERO,
                    real_since: Some(Instant::now()),
                    pending: BTreeSet::new(),
                    next_id: 0,
                }),
                changed,
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Nothing panics while the state is held, so a poisoned lock is still consistent.
        self.shared
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn notify(&self) {
        self.shared.changed.send_modify(|version| *version += 1);
    }

    /// Whether the clock runs on virtual time.
    pub fn is_virtual(&self) -> bool {
        self.state().real_since.is_none()
    }

    /// Switches between real time (the default) and virtual time.
    pub fn set_virtual(&self, on: bool) {
        {
            let mut state = self.state();
            match (on, state.real_since) {
                (true, Some(_)) => state.real_since = None,
                (false, None) => state.real_since = Some(Instant::now()),
                _ => return,
            }
        }
        self.notify();
    }

    /// Moves virtual time forward by `by` (nothing while on real time).
    pub fn advance(&self, by: Duration) {
        {
            let mut state = self.state();
            if state.real_since.is_some() {
                return;
            }
            state.virtual_now += by;
        }
        self.notify();
    }

    /// How much virtual time is left until the earliest pending virtual deadline that is
    /// still ahead (one already reached is waiting for its task to notice).
    pub fn next_deadline(&self) -> Option<Duration> {
        let state = self.state();
        state
            .pending
            .iter()
            .find(|(at, _)| *at > state.virtual_now)
            .map(|(at, _)| *at - state.virtual_now)
    }

    /// A deadline `after` from now, on the time the clock runs on now.
    pub fn deadline(&self, after: Duration) -> Deadline {
        let mut state = self.state();
        let kind = match state.real_since {
            Some(_) => Kind::Real(Instant::now() + after),
            None => {
                state.next_id += 1;
                let key = (state.virtual_now + after, state.next_id);
                state.pending.insert(key);
                Kind::Virtual(key)
            }
        };
        Deadline {
            clock: self.clone(),
            kind,
        }
    }

    /// Waits `duration` of this clock's time.
    pub async fn sleep(&self, duration: Duration) {
        self.deadline(duration).passed().await
    }
}

#[derive(Debug)]
enum Kind {
    Real(Instant),
    Virtual((Duration, u64)),
}

/// A moment on a [`Clock`], fixed when it was set.
#[derive(Debug)]
pub struct Deadline {
    clock: Clock,
    kind: Kind,
}

impl Deadline {
    /// Completes once the deadline has passed.
    pub async fn passed(&self) {
        let key = match self.kind {
            Kind::Real(at) => return tokio::time::sleep_until(at).await,
            Kind::Virtual(key) => key,
        };
        let mut changes = self.clock.shared.changed.subscribe();
        loop {
            // While on real time, the virtual time left is waited for in real time.
            let real = {
                let state = self.clock.state();
                if state.virtual_now >= key.0 {
                    return;
                }
                state
                    .real_since
                    .map(|since| since + (key.0 - state.virtual_now))
            };
            match real {
                Some(at) => tokio::select! {
                    () = tokio::time::sleep_until(at) => return,
                    changed = changes.changed() => if changed.is_err() { return },
                },
                None => {
                    if changes.changed().await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        if let Kind::Virtual(key) = self.kind {
            self.clock.state().pending.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap()
    }

    #[test]
    fn virtual_deadlines_pass_only_when_advanced() {
        runtime().block_on(async {
            let clock = Clock::new();
            clock.set_virtual(true);
            let deadline = clock.deadline(Duration::from_secs(60));
            assert_eq!(clock.next_deadline(), Some(Duration::from_secs(60)));
            // An hour of real time changes nothing.
            let waited = tokio::time::timeout(Duration::from_secs(3600), deadline.passed()).await;
            assert!(waited.is_err());
            clock.advance(Duration::from_millis(59_999));
            assert_eq!(clock.next_deadline(), Some(Duration::from_millis(1)));
            let waited = tokio::time::timeout(Duration::from_millis(1), deadline.passed()).await;
            assert!(waited.is_err());
            clock.advance(Duration::from_millis(1));
            assert_eq!(clock.next_deadline(), None);
            deadline.passed().await;
            drop(deadline);
            assert_eq!(clock.next_deadline(), None);
        });
    }

    #[test]
    fn a_pending_virtual_deadline_finishes_in_real_time_after_the_switch_back() {
        runtime().block_on(async {
            let clock = Clock::new();
            clock.set_virtual(true);
            let deadline = clock.deadline(Duration::from_secs(10));
            clock.advance(Duration::from_secs(4));
            clock.set_virtual(false);
            let started = Instant::now();
            deadline.passed().await;
            assert_eq!(started.elapsed(), Duration::from_secs(6));
        });
    }

    #[test]
    fn real_deadlines_ignore_virtual_time() {
        runtime().block_on(async {
            let clock = Clock::new();
            let deadline = clock.deadline(Duration::from_secs(5));
            clock.set_virtual(true);
            clock.advance(Duration::from_secs(60));
            assert_eq!(clock.next_deadline(), None);
            let started = Instant::now();
            deadline.passed().await;
            assert_eq!(started.elapsed(), Duration::from_secs(5));
        });
    }
}
