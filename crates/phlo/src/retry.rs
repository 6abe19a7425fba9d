//! When and how long to wait before another attempt.
//!
//! Reads (`GET`) are idempotent and retried on connection failures, timeouts, 429, 502, 503
//! and 504 (a 500 is the service's own failure, which another try would repeat).
//! Runs and call-control actions are not idempotent (a repeated `call` dials twice): by default
//! ([`ActionRetry::Safe`]) they are retried only when the request provably never reached the
//! server (the connection could not be opened) or the service answered 429 (it refused the
//! request without acting on it). Backoff is exponential with jitter; a `Retry-After` header wins
//! when present. Every retry is bounded by [`RetryPolicy::max_retries`] and
//! [`RetryPolicy::max_elapsed`].

use std::time::{Duration, SystemTime};

use crate::error::{Error, ErrorKind};

/// Which failures of a non-idempotent request (run, action) are retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ActionRetry {
    /// Never retry runs and actions.
    Never,
    /// Retry only when the request never reached the server, or on 429 (the default).
    #[default]
    Safe,
    /// Retry runs and actions like reads. Can repeat an action the service already carried out.
    Always,
}

/// Default of [`RetryPolicy::max_retries`]: three attempts in all.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

impl ActionRetry {
    /// Every setting, in the order of its names' documentation.
    pub const ALL: [ActionRetry; 3] = [ActionRetry::Never, ActionRetry::Safe, ActionRetry::Always];

    /// The names of [`ActionRetry::ALL`]: what the `action_retry` option accepts.
    pub const NAMES: [&'static str; 3] = [
        ActionRetry::ALL[0].as_str(),
        ActionRetry::ALL[1].as_str(),
        ActionRetry::ALL[2].as_str(),
    ];

    /// The setting's name: `never`, `safe` or `always`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ActionRetry::Never => "never",
            ActionRetry::Safe => "safe",
            ActionRetry::Always => "always",
        }
    }

    /// Parses `never`, `safe` or `always` (the bindings' option values); anything else is
    /// `invalid_argument` naming `action_retry`.
    pub fn parse(s: &str) -> crate::Result<ActionRetry> {
        match s {
            "never" => Ok(ActionRetry::Never),
            "safe" => Ok(ActionRetry::Safe),
            "always" => Ok(ActionRetry::Always),
            _ => Err(Error::invalid(
                "action_retry",
                format_args!("must be one of {}", ActionRetry::NAMES.join(", ")),
            )),
        }
    }
}

/// Bounds and delays of retries; the same policy serves reads and actions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Most retries after the first attempt of a call (0 disables retries).
    pub max_retries: u32,
    /// Delay before the first retry; doubled for each further one.
    pub base_delay: Duration,
    /// Cap on one backoff delay.
    pub max_delay: Duration,
    /// Cap on a delay asked for by `Retry-After`; a longer one ends the retries.
    pub max_retry_after: Duration,
    /// No retry starts once this much time has passed since the first attempt.
    pub max_elapsed: Duration,
    /// What runs and actions retry on.
    pub actions: ActionRetry,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: DEFAULT_MAX_RETRIES,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(60),
            actions: ActionRetry::Safe,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Whether `err`, the outcome of attempt number `attempt` (from 1), may be retried.
    pub fn retryable(&self, err: &Error, idempotent: bool, attempt: u32) -> bool {
        if attempt > self.max_retries {
            return false;
        }
        let kind = err.kind();
        // Of the 5xx, only a gateway's or an overloaded service's (502, 503, 504) pass: a 500 is
        // the service failing on this request, and section 5 of the API reference retries no
        // other.
        let transient = match kind {
            ErrorKind::Connection | ErrorKind::Timeout => true,
            ErrorKind::Server => matches!(err.status(), Some(502..=504)),
            _ => false,
        };
        match (idempotent, self.actions) {
            (true, _) | (false, ActionRetry::Always) => transient || kind == ErrorKind::RateLimited,
            (false, ActionRetry::Safe) => err.not_sent() || kind == ErrorKind::RateLimited,
            (false, ActionRetry::Never) => false,
        }
    }

    /// The delay before attempt `attempt + 1`: `Retry-After` when given (capped), else
    /// exponential backoff with jitter. `None` when the wait would exceed a bound.
    pub fn delay(&self, err: &Error, attempt: u32, elapsed: Duration) -> Option<Duration> {
        let delay = match err.retry_after() {
            Some(ra) if ra > self.max_retry_after => return None,
            Some(ra) => ra,
            None => {
                let exp = self
                    .base_delay
                    .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
                let cap = exp.min(self.max_delay);
                // "Equal jitter": half fixed, half random, so retries from many clients spread out.
                cap / 2 + cap.mul_f64(jitter() / 2.0)
            }
        };
        elapsed
            .checked_add(delay)
            .is_some_and(|end| end <= self.max_elapsed)
            .then_some(delay)
    }
}

/// A number in [0, 1) that differs between calls, without a random-number dependency.
fn jitter() -> f64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Parses a `Retry-After` value: delta seconds (`"2"`) or an HTTP date
/// (`"Wed, 21 Oct 2015 07:28:00 GMT"`, which gives the time left until then).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = parse_http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form RFC 9110 requires.
fn parse_http_date(s: &str) -> Option<SystemTime> {
    let rest = s.split_once(", ")?.1;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts[..] else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month)? as i64 + 1;
    // RFC 9110: a 2-digit day and a 4-digit year (a longer year overflowed the arithmetic below;
    // fuzz/decode_response found 5-digit ones accepted).
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(day, 2) || !digits(year, 4) {
        return None;
    }
    let (day, year): (i64, i64) = (day.parse().ok()?, year.parse().ok()?);
    let hms: Vec<i64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, sec] = hms[..] else { return None };
    if !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3600 + m * 60 + sec;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_770);
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after(
                "Sun, 06 Nov 1994 08:49:37 GMT",
                now + Duration::from_secs(99)
            ),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        for bad in [
            "Sun, 06 Nov 19914 08:49:37 GMT",
            "Sun, 06 Nov 99999999999999999 08:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov +994 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }

    #[test]
    fn actions_retry_only_when_safe() {
        let p = RetryPolicy::default();
        let server = Error::new(ErrorKind::Server, "x").with_status(503);
        let refused = Error::new(ErrorKind::Connection, "x").with_not_sent(true);
        let dropped = Error::new(ErrorKind::Connection, "x");
        let limited = Error::new(ErrorKind::RateLimited, "x");
        assert!(p.retryable(&server, true, 1));
        for (status, again) in [(500, false), (501, false), (502, true), (504, true)] {
            let e = Error::new(ErrorKind::Server, "x").with_status(status);
            assert_eq!(p.retryable(&e, true, 1), again, "{status}");
        }
        assert!(!p.retryable(&server, false, 1));
        assert!(p.retryable(&refused, false, 1));
        assert!(!p.retryable(&dropped, false, 1));
        assert!(p.retryable(&limited, false, 1));
        assert!(!p.retryable(&limited, false, 3));
        assert!(!p.retryable(&Error::new(ErrorKind::NotFound, "x"), true, 1));
        let never = RetryPolicy {
            actions: ActionRetry::Never,
            ..p
        };
        assert!(!never.retryable(&refused, false, 1));
    }

    #[test]
    fn action_retry_names_round_trip() {
        for a in [ActionRetry::Never, ActionRetry::Safe, ActionRetry::Always] {
            assert_eq!(ActionRetry::parse(a.as_str()), Ok(a));
        }
        assert_eq!(
            ActionRetry::parse("sometimes").unwrap_err().field(),
            Some("action_retry")
        );
    }

    #[test]
    fn extreme_settings_do_not_overflow() {
        // Found by fuzz/retry_policy: attempt 0 and Duration::MAX settings used to panic.
        let p = RetryPolicy {
            base_delay: Duration::MAX,
            max_delay: Duration::MAX,
            max_retry_after: Duration::MAX,
            max_elapsed: Duration::MAX,
            ..RetryPolicy::default()
        };
        let e = Error::new(ErrorKind::Server, "x");
        assert!(p.delay(&e, 0, Duration::ZERO).is_some());
        assert_eq!(p.delay(&e, 1, Duration::MAX), None);
        let ra = e.with_retry_after(Some(Duration::MAX));
        assert_eq!(p.delay(&ra, 1, Duration::from_secs(1)), None);
    }

    #[test]
    fn delays_are_bounded() {
        let p = RetryPolicy::default();
        let e = Error::new(ErrorKind::Server, "x");
        for attempt in 1..10 {
            let d = p.delay(&e, attempt, Duration::ZERO).unwrap();
            assert!(d <= p.max_delay, "{d:?}");
        }
        let d1 = p.delay(&e, 1, Duration::ZERO).unwrap();
        assert!(
            d1 >= Duration::from_millis(100) && d1 <= Duration::from_millis(200),
            "{d1:?}"
        );
        let ra = e.clone().with_retry_after(Some(Duration::from_secs(3)));
        assert_eq!(
            p.delay(&ra, 1, Duration::ZERO),
            Some(Duration::from_secs(3))
        );
        let long = e.clone().with_retry_after(Some(Duration::from_secs(300)));
        assert_eq!(p.delay(&long, 1, Duration::ZERO), None);
        assert_eq!(p.delay(&ra, 1, Duration::from_secs(59)), None);
    }
}
