//! The `options_json` object of `phlo_client_new`, translated into the core's
//! [`ConfigBuilder`] setters. Values are checked by the core's `build()`; this module only reads
//! JSON types and names.

use std::time::Duration;

use plivo_phlo::{ActionRetry, Client, Config, ConfigBuilder, Error, ErrorKind, RetryPolicy};

use crate::boundary::Failure;

/// Results of this module carry a [`Failure`] (a boxed core error with its status).
type Result<T> = std::result::Result<T, Failure>;
use serde_json::{Map, Value};

/// The keys `options_json` accepts, in the order the header documents them.
pub const KEYS: &[&str] = &[
    "base_url",
    "timeout_ms",
    "connect_timeout_ms",
    "max_retries",
    "action_retry",
    "proxy",
    "ca_cert_pem",
    "user_agent_suffix",
    "max_response_bytes",
];

/// What the User-Agent says about the caller when `user_agent_suffix` is not given.
pub const DEFAULT_USER_AGENT_SUFFIX: &str = "C";

/// A client from the credentials (`None` = from the environment) and the options object.
///
/// Errors name the option as the C caller spelled it (`timeout_ms`, not the core's `timeout`).
pub fn client(
    auth_id: Option<&str>,
    auth_token: Option<&str>,
    options: &Map<String, Value>,
) -> Result<Client> {
    let builder = builder(auth_id, auth_token, options)?;
    builder
        .build()
        .and_then(Client::new)
        .map_err(|e| rename_field(e).into())
}

/// The core's name of a setting → the option key that sets it, where they differ.
const RENAMED: &[(&str, &str)] = &[
    ("timeout", "timeout_ms"),
    ("connect_timeout", "connect_timeout_ms"),
    ("ca_cert", "ca_cert_pem"),
];

fn rename_field(e: Error) -> Error {
    let renamed = (e.kind() == ErrorKind::InvalidArgument)
        .then(|| e.field())
        .flatten()
        .and_then(|f| RENAMED.iter().find(|(core, _)| *core == f));
    match renamed {
        Some((core, key)) => {
            let reason = e
                .message()
                .strip_prefix(&format!("{core}: "))
                .unwrap_or(e.message());
            Error::invalid(key, reason)
        }
        None => e,
    }
}

/// A configuration builder from the credentials (`None` = from the environment) and the
/// options object. A key that is not an option, or a value of the wrong JSON type, is
/// `invalid_argument` naming the key; a `null` value is the same as leaving the key out.
pub fn builder(
    auth_id: Option<&str>,
    auth_token: Option<&str>,
    options: &Map<String, Value>,
) -> Result<ConfigBuilder> {
    if let Some(k) = options.keys().find(|k| !KEYS.contains(&k.as_str())) {
        // Echoed at most 64 bytes long, as the core does with parameter names: a huge key must
        // not make a huge error.
        return Err(Error::invalid(
            plivo_phlo::error::truncate(k, 64),
            format_args!("is not an option; expected one of {}", KEYS.join(", ")),
        )
        .into());
    }
    let get = |k: &str| options.get(k).filter(|v| !v.is_null());
    let string = |k: &str| -> Result<Option<&str>> {
        get(k)
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| Error::invalid(k, "must be a string").into())
            })
            .transpose()
    };
    let uint = |k: &str| -> Result<Option<u64>> {
        get(k)
            .map(|v| {
                v.as_u64()
                    .ok_or_else(|| Error::invalid(k, "must be a non-negative integer").into())
            })
            .transpose()
    };

    let mut b = Config::builder();
    if let Some(v) = auth_id {
        b = b.auth_id(v);
    }
    if let Some(v) = auth_token {
        b = b.auth_token(v);
    }
    if let Some(v) = string("base_url")? {
        b = b.base_url(v);
    }
    if let Some(v) = uint("timeout_ms")? {
        b = b.timeout(Duration::from_millis(v));
    }
    if let Some(v) = uint("connect_timeout_ms")? {
        b = b.connect_timeout(Duration::from_millis(v));
    }
    let max_retries = uint("max_retries")?;
    let action_retry = string("action_retry")?
        .map(ActionRetry::parse)
        .transpose()?;
    if max_retries.is_some() || action_retry.is_some() {
        let mut policy = RetryPolicy::default();
        if let Some(n) = max_retries {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            policy.max_attempts = n.saturating_add(1);
        }
        if let Some(a) = action_retry {
            policy.actions = a;
        }
        b = b.retry(policy);
    }
    if let Some(v) = string("proxy")? {
        b = b.proxy(v);
    }
    if let Some(v) = string("ca_cert_pem")? {
        b = b.add_ca_cert_pem(v.as_bytes());
    }
    // An empty suffix is no suffix: the C default, not the core's own "Rust: ..." comment.
    let suffix = string("user_agent_suffix")?.filter(|s| !s.is_empty());
    b = b.user_agent_suffix(suffix.unwrap_or(DEFAULT_USER_AGENT_SUFFIX));
    if let Some(v) = uint("max_response_bytes")? {
        b = b.max_response_bytes(usize::try_from(v).unwrap_or(usize::MAX));
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn opts(v: Value) -> std::result::Result<Config, Error> {
        client(
            Some("MAXXXXXXXXXXXXXXXXXX"),
            Some("token123"),
            v.as_object().unwrap(),
        )
        .map(|c| c.config().clone())
        .map_err(|f| f.error)
    }

    #[test]
    fn every_option_is_read() {
        let c = opts(json!({
            "base_url": "http://127.0.0.1:9", "timeout_ms": 1500, "connect_timeout_ms": 250,
            "max_retries": 0, "action_retry": "never", "user_agent_suffix": "Perl: 5.36",
            "max_response_bytes": 4096, "proxy": null
        }))
        .unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:9");
        assert_eq!(c.timeout(), Duration::from_millis(1500));
        assert_eq!(c.connect_timeout(), Duration::from_millis(250));
        assert_eq!(c.retry().max_attempts, 1);
        assert_eq!(c.retry().actions, ActionRetry::Never);
        assert!(c.user_agent().ends_with("(Perl: 5.36)"));
        assert_eq!(c.max_response_bytes(), 4096);
        let c = opts(json!({})).unwrap();
        assert!(c.user_agent().ends_with("(C)"));
        // An empty suffix is the default, not the core's "(Rust: ...)".
        let c = opts(json!({"user_agent_suffix": ""})).unwrap();
        assert!(c.user_agent().ends_with("(C)"), "{}", c.user_agent());
    }

    #[test]
    fn a_huge_unknown_key_is_echoed_short() {
        let key = "k".repeat(100_000);
        let e = opts(json!({ key: 1 })).unwrap_err();
        assert_eq!(e.field().map(str::len), Some(64));
        assert!(e.message().len() < 1024, "{}", e.message().len());
    }

    #[test]
    fn unknown_keys_and_wrong_types_name_the_key() {
        for (o, field) in [
            (json!({"timeout": 5}), "timeout"),
            (json!({"timeout_ms": "5"}), "timeout_ms"),
            (json!({"timeout_ms": -1}), "timeout_ms"),
            (json!({"timeout_ms": 0}), "timeout_ms"),
            (json!({"connect_timeout_ms": 0}), "connect_timeout_ms"),
            (json!({"max_retries": 1.5}), "max_retries"),
            (json!({"action_retry": "sometimes"}), "action_retry"),
            (json!({"base_url": 80}), "base_url"),
            (json!({"base_url": "ftp://x"}), "base_url"),
        ] {
            let e = opts(o.clone()).unwrap_err();
            assert_eq!(e.field(), Some(field), "{o}");
        }
    }
}
