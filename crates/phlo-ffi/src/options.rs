//! The `options_json` object of `phlo_client_new`: the core's option table
//! ([`plivo_phlo::OPTIONS`]) read as it is, with C's default User-Agent comment. The names,
//! kinds and checks are the core's; this module only adds the credentials.

use plivo_phlo::{Client, Config, ConfigBuilder};
use serde_json::{Map, Value};

use crate::boundary::Failure;

/// What the User-Agent says about the caller when `user_agent_suffix` is not given (or empty).
pub const DEFAULT_USER_AGENT_SUFFIX: &str = "C";

/// A client from the credentials (`None` = from the environment) and the options object.
pub fn client(
    auth_id: Option<&str>,
    auth_token: Option<&str>,
    options: &Map<String, Value>,
) -> Result<Client, Failure> {
    let builder = builder(auth_id, auth_token, options)?;
    Ok(builder.build().and_then(Client::new)?)
}

/// A configuration builder from the credentials (`None` = from the environment) and the
/// options object. A key that is not an option, or a value that does not fit it, is
/// `invalid_argument` naming the key; a `null` value is the same as leaving the key out.
pub fn builder(
    auth_id: Option<&str>,
    auth_token: Option<&str>,
    options: &Map<String, Value>,
) -> Result<ConfigBuilder, Failure> {
    let mut b = Config::builder().user_agent_suffix(DEFAULT_USER_AGENT_SUFFIX);
    if let Some(v) = auth_id {
        b = b.auth_id(v);
    }
    if let Some(v) = auth_token {
        b = b.auth_token(v);
    }
    b = b.options_json(options)?;
    // An empty suffix is no suffix: C's default, not the core's own "Rust: ..." comment.
    if options.get("user_agent_suffix").and_then(Value::as_str) == Some("") {
        b = b.user_agent_suffix(DEFAULT_USER_AGENT_SUFFIX);
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use plivo_phlo::Error;
    use serde_json::json;

    fn opts(v: Value) -> Result<Config, Error> {
        client(
            Some("MAXXXXXXXXXXXXXXXXXX"),
            Some("token123"),
            v.as_object().unwrap(),
        )
        .map(|c| c.config().clone())
        .map_err(|f| f.error)
    }

    #[test]
    fn options_are_the_cores_with_cs_user_agent() {
        let c = opts(json!({"timeout": 1.5, "max_retries": 0, "user_agent_suffix": "Perl: 5.36"}))
            .unwrap();
        assert_eq!(c.timeout(), std::time::Duration::from_millis(1500));
        assert_eq!(c.retry().max_retries, 0);
        assert!(c.user_agent().ends_with("(Perl: 5.36)"));
        let c = opts(json!({})).unwrap();
        assert!(c.user_agent().ends_with("(C)"));
        // An empty suffix is the default, not the core's "(Rust: ...)".
        let c = opts(json!({"user_agent_suffix": ""})).unwrap();
        assert!(c.user_agent().ends_with("(C)"), "{}", c.user_agent());
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_key() {
        for (o, field) in [
            (json!({"timeout_ms": 5}), "timeout_ms"),
            (json!({"timeout": "soon"}), "timeout"),
            (json!({"connect_timeout": 0}), "connect_timeout"),
            (json!({"ca_cert_pem": "not PEM"}), "ca_cert_pem"),
        ] {
            let e = opts(o.clone()).unwrap_err();
            assert_eq!(e.field(), Some(field), "{o}");
        }
    }
}
