//! Ending a run from outside the script: `--timeout`, Ctrl-C and `wxrun.exit()`. QuickJS polls
//! the interrupt handler while JavaScript runs, so even `while (true) {}` stops. A slice
//! deadline (a test's timeout, set from JavaScript) interrupts only the JavaScript running
//! when it passes, once, and the run goes on.

use std::{
    sync::{
        Arc, OnceLock,
        atomic::{AtomicBool, AtomicI32, AtomicU8, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

/// Why a run was stopped from outside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopCause {
    Exit(i32),
    /// The run is over as if nothing were pending (`wxrun app --exit-when-idle`).
    Finished,
    TimedOut(Duration),
    CtrlC,
}

const NONE: u8 = 0;
const EXIT: u8 = 1;
const TIMEOUT: u8 = 2;
const CTRL_C: u8 = 3;
const FINISHED: u8 = 4;

/// Set by the SIGINT handler; shared by every runtime of the process.
fn sigint_flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        // A second Ctrl-C ends the process at once, for the rare builtin that never polls.
        let _ = signal_hook::flag::register_conditional_shutdown(
            signal_hook::consts::SIGINT,
            130,
            flag.clone(),
        );
        let _ = signal_hook::flag::register(signal_hook::consts::SIGINT, flag.clone());
        flag
    })
    .clone()
}

pub(crate) struct Watchdog {
    /// `--timeout`, counted from when the run's own code starts ([`Watchdog::start_clock`]):
    /// setting up the host and `wx` is not the script's time.
    timeout: Option<Duration>,
    clock: OnceLock<Instant>,
    cause: AtomicU8,
    exit_code: AtomicI32,
    sigint: Option<Arc<AtomicBool>>,
    /// Where slice deadlines are counted from.
    started: Instant,
    /// The slice deadline in nanoseconds after `started`; 0 for none.
    slice: AtomicU64,
    /// A slice deadline interrupted JavaScript and nobody has dealt with it yet.
    slice_fired: AtomicBool,
}

impl Watchdog {
    pub fn new(timeout: Option<Duration>, handle_ctrl_c: bool) -> Watchdog {
        Watchdog {
            timeout,
            clock: OnceLock::new(),
            cause: AtomicU8::new(NONE),
            exit_code: AtomicI32::new(0),
            sigint: handle_ctrl_c.then(sigint_flag),
            started: Instant::now(),
            slice: AtomicU64::new(0),
            slice_fired: AtomicBool::new(false),
        }
    }

    /// Sets (or with `None`, clears) the slice deadline, `after` from now.
    pub fn set_slice(&self, after: Option<Duration>) {
        let at = after.map_or(0, |after| {
            let nanos = (self.started.elapsed() + after).as_nanos();
            u64::try_from(nanos).unwrap_or(u64::MAX).max(1)
        });
        self.slice.store(at, Ordering::Release);
    }

    /// Whether a slice deadline interrupted JavaScript since the last call.
    pub fn take_slice_interrupt(&self) -> bool {
        self.slice_fired.swap(false, Ordering::AcqRel)
    }

    /// The interrupt handler: a cause that ends the run, or a slice deadline that passed.
    pub fn interrupt_javascript(&self) -> bool {
        if self.should_interrupt() {
            return true;
        }
        let slice = self.slice.load(Ordering::Acquire);
        if slice != 0 && self.started.elapsed().as_nanos() >= u128::from(slice) {
            self.slice.store(0, Ordering::Release);
            self.slice_fired.store(true, Ordering::Release);
            return true;
        }
        false
    }

    /// Starts counting `--timeout`, once; later calls change nothing.
    pub fn start_clock(&self) {
        let _ = self.clock.set(Instant::now());
    }

    pub fn deadline(&self) -> Option<Instant> {
        Some(*self.clock.get()? + self.timeout?)
    }

    /// Records a cause unless one is already recorded; the first cause wins.
    fn record(&self, cause: u8) {
        let _ = self
            .cause
            .compare_exchange(NONE, cause, Ordering::AcqRel, Ordering::Acquire);
    }

    pub fn request_exit(&self, code: i32) {
        self.exit_code.store(code, Ordering::Release);
        self.record(EXIT);
    }

    pub fn finish(&self) {
        self.record(FINISHED);
    }

    pub fn ctrl_c(&self) {
        self.record(CTRL_C);
    }

    pub fn time_out(&self) {
        self.record(TIMEOUT);
    }

    /// Called by QuickJS every few thousand instructions: cheap checks only.
    pub fn should_interrupt(&self) -> bool {
        if self.cause.load(Ordering::Acquire) != NONE {
            return true;
        }
        if self
            .sigint
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
        {
            self.ctrl_c();
            return true;
        }
        if self.deadline().is_some_and(|at| Instant::now() >= at) {
            self.time_out();
            return true;
        }
        false
    }

    pub fn cause(&self) -> Option<StopCause> {
        // Pick up a cause that arrived while no JavaScript was running.
        self.should_interrupt();
        match self.cause.load(Ordering::Acquire) {
            EXIT => Some(StopCause::Exit(self.exit_code.load(Ordering::Acquire))),
            TIMEOUT => Some(StopCause::TimedOut(self.timeout.unwrap_or_default())),
            CTRL_C => Some(StopCause::CtrlC),
            FINISHED => Some(StopCause::Finished),
            _ => None,
        }
    }
}
