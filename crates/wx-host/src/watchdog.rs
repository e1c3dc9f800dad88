//! Ending a run from outside the script: `--timeout`, Ctrl-C and `wxrun.exit()`. QuickJS polls
//! the interrupt handler while JavaScript runs, so even `while (true) {}` stops.

use std::{
    sync::{
        Arc, OnceLock,
        atomic::{AtomicBool, AtomicI32, AtomicU8, Ordering},
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
    deadline: Option<(Instant, Duration)>,
    cause: AtomicU8,
    exit_code: AtomicI32,
    sigint: Option<Arc<AtomicBool>>,
}

impl Watchdog {
    pub fn new(timeout: Option<Duration>, handle_ctrl_c: bool) -> Watchdog {
        Watchdog {
            deadline: timeout.map(|limit| (Instant::now() + limit, limit)),
            cause: AtomicU8::new(NONE),
            exit_code: AtomicI32::new(0),
            sigint: handle_ctrl_c.then(sigint_flag),
        }
    }

    pub fn deadline(&self) -> Option<Instant> {
        self.deadline.map(|(at, _)| at)
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
        if self.deadline.is_some_and(|(at, _)| Instant::now() >= at) {
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
            TIMEOUT => Some(StopCause::TimedOut(
                self.deadline.map_or(Duration::ZERO, |(_, d)| d),
            )),
            CTRL_C => Some(StopCause::CtrlC),
            FINISHED => Some(StopCause::Finished),
            _ => None,
        }
    }
}
