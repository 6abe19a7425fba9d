//! The retry policy on arbitrary settings, errors and attempt numbers: `RetryPolicy::retryable`
//! and `RetryPolicy::delay`, as the transport calls them between attempts.
//!
//! Properties: nothing panics or overflows, whatever the settings (zero, huge, `Duration::MAX`);
//! no retry past `max_retries`; a non-idempotent request is retried under the default
//! `ActionRetry::Safe` only when it was never sent or was refused with 429; a 500 is never
//! retried; a delay is never longer than the larger of `max_delay` and `max_retry_after`, and none
//! is offered that would end past `max_elapsed`.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use plivo_phlo::{ActionRetry, Error, ErrorKind, RetryPolicy};

fn duration(u: &mut Unstructured) -> Result<Duration> {
    Ok(match u.int_in_range(0u8..=3)? {
        0 => Duration::ZERO,
        1 => Duration::MAX,
        2 => Duration::from_millis(u.int_in_range(0..=120_000)?),
        _ => Duration::new(u.arbitrary()?, u.int_in_range(0..=999_999_999)?),
    })
}

fn run(u: &mut Unstructured) -> Result<()> {
    let policy = RetryPolicy {
        max_retries: u.arbitrary()?,
        base_delay: duration(u)?,
        max_delay: duration(u)?,
        max_retry_after: duration(u)?,
        max_elapsed: duration(u)?,
        actions: *u.choose(&[ActionRetry::Never, ActionRetry::Safe, ActionRetry::Always])?,
    };
    let kind = *u.choose(&ErrorKind::ALL)?;
    let status: u16 = u.int_in_range(100..=599)?;
    let not_sent: bool = u.arbitrary()?;
    let retry_after = if u.arbitrary()? {
        Some(duration(u)?)
    } else {
        None
    };
    // Errors are built as the transport builds them: from a response, or from a failure to
    // connect (which alone may be "not sent").
    // Errors as the transport builds them: from a response, or from a failure to connect or to
    // get an answer (only those can be "never sent").
    let err = match kind {
        ErrorKind::Connection | ErrorKind::Timeout => Error::new(kind, "x"),
        ErrorKind::InvalidArgument | ErrorKind::Decode => Error::new(kind, "x"),
        _ => Error::from_response(status, "{}", "/v1/phlo/p"),
    };
    let not_sent = not_sent && matches!(kind, ErrorKind::Connection | ErrorKind::Timeout);
    let err = err.with_transport_details(retry_after, not_sent);
    let attempt: u32 = u.arbitrary()?;
    let idempotent: bool = u.arbitrary()?;
    let elapsed = duration(u)?;

    let again = policy.retryable(&err, idempotent, attempt);
    if again {
        assert!(attempt <= policy.max_retries);
        assert_ne!(err.status(), Some(500));
        if !idempotent {
            match policy.actions {
                ActionRetry::Never => panic!("retried an action under Never"),
                ActionRetry::Safe => {
                    assert!(
                        err.not_sent() || err.kind() == ErrorKind::RateLimited,
                        "{err:?}"
                    )
                }
                ActionRetry::Always => {}
            }
        }
    }
    if let Some(d) = policy.delay(&err, attempt, elapsed) {
        assert!(
            d <= policy.max_delay.max(policy.max_retry_after),
            "{d:?} {policy:?}"
        );
        assert!(
            elapsed
                .checked_add(d)
                .is_some_and(|end| end <= policy.max_elapsed),
            "{d:?} after {elapsed:?} {policy:?}"
        );
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
