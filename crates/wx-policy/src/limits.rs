//! Time and concurrency limits (spec section 3).

use std::time::Duration;

use crate::LibVersion;

/// The longest a network call may take; also the cap for larger configured values.
pub const MAX_TIMEOUT_MS: u64 = 60_000;
/// The most bytes one `wx.getRandomValues` call gives (documented).
pub const MAX_RANDOM_BYTES: usize = 1_048_576;
/// Running tasks per HTTP interface before new ones queue.
pub const DEFAULT_POOL_SIZE: usize = 10;
/// WebSockets that may be connecting or open at once.
pub const MAX_SOCKETS: usize = 5;
/// Largest download kept before the transfer is stopped.
pub const DEFAULT_MAX_DOWNLOAD_BYTES: u64 = 200 * 1024 * 1024;
/// Largest `request` or `uploadFile` response body (after decompression) a script receives:
/// far above what a phone app handles in memory, far below what would exhaust a machine.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;
/// How long an mDNS scan runs before it stops by itself.
pub const DEFAULT_DISCOVERY_MS: u64 = 30_000;
/// How long a task may keep running after the app moved to the background.
pub const BACKGROUND_GRACE: Duration = Duration::from_secs(5);
/// Redirect hops followed before `ERR_TOO_MANY_REDIRECTS`.
pub const MAX_REDIRECTS: usize = 15;
/// TCPSockets a mini-program may create in [`TCP_SOCKET_WINDOW`].
pub const TCP_SOCKETS_PER_WINDOW: usize = 20;
pub const TCP_SOCKET_WINDOW: Duration = Duration::from_secs(5 * 60);
/// `TCPSocket.connect`'s `timeout` when the script gives none (the option is in seconds).
pub const TCP_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// The timeout a call runs with, and whether it was capped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeoutDecision {
    pub duration: Duration,
    /// The value asked for when it was above [`MAX_TIMEOUT_MS`] and got capped: a
    /// conformance warning.
    pub capped_from_ms: Option<u64>,
}

/// Resolves a call's timeout: the `timeout` option when the base library honours it and it is
/// a positive number, else the configured `networkTimeout` for the API, else 60 s; capped at
/// 60 s.
pub fn resolve_timeout(
    option_ms: Option<f64>,
    configured_ms: Option<u64>,
    lib: LibVersion,
) -> TimeoutDecision {
    let from_option = option_ms
        .filter(|ms| lib >= LibVersion::TIMEOUT_OPTION && ms.is_finite() && *ms > 0.0)
        .map(|ms| ms.ceil() as u64);
    let asked = from_option
        .or(configured_ms.filter(|ms| *ms > 0))
        .unwrap_or(MAX_TIMEOUT_MS);
    let capped = asked.min(MAX_TIMEOUT_MS);
    TimeoutDecision {
        duration: Duration::from_millis(capped),
        capped_from_ms: (asked > MAX_TIMEOUT_MS).then_some(asked),
    }
}

/// Whether tasks beyond the pool wait in a queue (since 1.4.0) or fail at once.
pub fn tasks_queue(lib: LibVersion) -> bool {
    lib >= LibVersion::TASK_QUEUE
}

/// How many WebSockets may be connecting or open at once for `lib`.
pub fn socket_limit(lib: LibVersion) -> usize {
    if lib >= LibVersion::MULTIPLE_SOCKETS {
        MAX_SOCKETS
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW: LibVersion = LibVersion::new(2, 30, 0);
    const OLD: LibVersion = LibVersion::new(2, 9, 0);

    fn ms(decision: TimeoutDecision) -> u128 {
        decision.duration.as_millis()
    }

    #[test]
    fn option_then_config_then_default() {
        assert_eq!(ms(resolve_timeout(Some(1500.0), Some(9000), NEW)), 1500);
        assert_eq!(ms(resolve_timeout(None, Some(9000), NEW)), 9000);
        assert_eq!(ms(resolve_timeout(None, None, NEW)), 60_000);
        assert_eq!(ms(resolve_timeout(Some(0.0), Some(9000), NEW)), 9000);
        assert_eq!(ms(resolve_timeout(Some(-5.0), None, NEW)), 60_000);
        assert_eq!(ms(resolve_timeout(Some(f64::NAN), None, NEW)), 60_000);
        assert_eq!(ms(resolve_timeout(Some(0.2), None, NEW)), 1);
    }

    /// The platform's numbers, as the spec and docs/configuration.md state them.
    #[test]
    fn documented_limits() {
        assert_eq!(MAX_TIMEOUT_MS, 60_000);
        assert_eq!(DEFAULT_POOL_SIZE, 10);
        assert_eq!(MAX_SOCKETS, 5);
        assert_eq!(DEFAULT_MAX_DOWNLOAD_BYTES, 209_715_200, "200 MB");
        assert_eq!(DEFAULT_MAX_RESPONSE_BYTES, 67_108_864, "64 MiB");
        assert_eq!(DEFAULT_DISCOVERY_MS, 30_000);
        assert_eq!(BACKGROUND_GRACE, Duration::from_secs(5));
        assert_eq!(MAX_REDIRECTS, 15);
        assert_eq!(TCP_SOCKETS_PER_WINDOW, 20);
        assert_eq!(TCP_SOCKET_WINDOW, Duration::from_secs(300));
        assert_eq!(TCP_CONNECT_TIMEOUT, Duration::from_secs(2));
    }

    #[test]
    fn a_configured_zero_is_no_timeout_setting() {
        assert_eq!(ms(resolve_timeout(None, Some(0), NEW)), 60_000);
    }

    #[test]
    fn option_ignored_before_2_10_0() {
        assert_eq!(ms(resolve_timeout(Some(1500.0), Some(9000), OLD)), 9000);
        assert_eq!(ms(resolve_timeout(Some(1500.0), None, OLD)), 60_000);
    }

    #[test]
    fn capped_at_sixty_seconds_with_a_note() {
        let decision = resolve_timeout(Some(90_000.0), None, NEW);
        assert_eq!(ms(decision), 60_000);
        assert_eq!(decision.capped_from_ms, Some(90_000));
        let decision = resolve_timeout(None, Some(120_000), NEW);
        assert_eq!(decision.capped_from_ms, Some(120_000));
        assert_eq!(
            resolve_timeout(Some(60_000.0), None, NEW).capped_from_ms,
            None
        );
    }

    #[test]
    fn version_gated_limits() {
        assert!(!tasks_queue(LibVersion::new(1, 3, 9)));
        assert!(tasks_queue(LibVersion::new(1, 4, 0)));
        assert_eq!(socket_limit(LibVersion::new(1, 6, 0)), 1);
        assert_eq!(socket_limit(LibVersion::new(1, 7, 0)), 5);
    }
}
