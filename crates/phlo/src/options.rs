//! The client's options, one table for every binding: [`OPTIONS`] names each setting, its kind
//! and unit, its default and what it does, and sets it on a [`ConfigBuilder`].
//!
//! Every binding reads this table and nothing else: the C `options_json` object and Perl's
//! `new` arguments go through [`ConfigBuilder::options_json`], Python's keyword arguments and
//! the CLI's flags through [`ConfigBuilder::option`], and the docs' option lists are generated
//! from it. The names and units are the same everywhere; times are seconds (fractions allowed).
//! Rust code may use the typed setters of [`ConfigBuilder`] instead (a `Duration` for a time).

use std::fmt;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::config::{
    ConfigBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
};
use crate::error::{Error, Result};
use crate::retry::{ActionRetry, DEFAULT_MAX_RETRIES};
use crate::validate::Validation;

/// What an option holds, which decides how each binding takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    /// Text.
    Text,
    /// A time in seconds, fractions allowed, greater than zero.
    Seconds,
    /// A whole number from 0 up.
    Count,
    /// `true` or `false`.
    Bool,
    /// One of a few names.
    Choice(&'static [&'static str]),
    /// PEM-encoded certificates: text, or bytes where the language has them.
    Pem,
}

impl OptionKind {
    /// The kind's name, as [`options_json`] gives it: `text`, `seconds`, `count`, `bool`,
    /// `choice` or `pem`.
    pub fn as_str(self) -> &'static str {
        match self {
            OptionKind::Text => "text",
            OptionKind::Seconds => "seconds",
            OptionKind::Count => "count",
            OptionKind::Bool => "bool",
            OptionKind::Choice(_) => "choice",
            OptionKind::Pem => "pem",
        }
    }
}

/// An option's default, as the docs state it.
#[derive(Clone, Copy, Debug)]
pub enum OptionDefault {
    /// A time.
    Seconds(Duration),
    /// A number.
    Count(u64),
    /// A flag.
    Bool(bool),
    /// A name, or a sentence for a default that is not a value (e.g. "none").
    Text(&'static str),
}

impl fmt::Display for OptionDefault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionDefault::Seconds(d) => write!(f, "{}", d.as_secs_f64()),
            OptionDefault::Count(n) => write!(f, "{n}"),
            OptionDefault::Bool(b) => write!(f, "{b}"),
            OptionDefault::Text(t) => f.write_str(t),
        }
    }
}

/// A value given for an option, as the binding received it. Each kind takes the forms that
/// mean one thing for it: a time is a number or the text of one (as on a command line).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OptionValue<'a> {
    /// Text, or a number or flag written as text.
    Text(&'a str),
    /// Bytes (a PEM certificate from a language that has a bytes type).
    Bytes(&'a [u8]),
    /// A whole number.
    Int(i128),
    /// A number with a fraction.
    Float(f64),
    /// A flag.
    Bool(bool),
}

impl<'a> OptionValue<'a> {
    /// A JSON value as an option value; `None` for `null` (the option is left unset). Arrays
    /// and objects are refused by the option they are given for.
    fn from_json(v: &'a Value) -> Option<OptionValue<'a>> {
        Some(match v {
            Value::Null => return None,
            Value::Bool(b) => OptionValue::Bool(*b),
            Value::String(s) => OptionValue::Text(s),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => OptionValue::Int(i.into()),
                (_, Some(u)) => OptionValue::Int(u.into()),
                _ => OptionValue::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            // A value no kind takes; refused with the option's own message.
            Value::Array(_) | Value::Object(_) => OptionValue::Float(f64::NAN),
        })
    }

    /// The value as seconds: a number (or its text) greater than zero.
    pub fn seconds(self, name: &str) -> Result<Duration> {
        let secs = match self {
            OptionValue::Int(i) => Some(i as f64),
            OptionValue::Float(f) => Some(f),
            OptionValue::Text(t) => t.trim().parse::<f64>().ok(),
            _ => None,
        };
        secs.filter(|s| *s > 0.0)
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| Error::invalid(name, "must be a number of seconds greater than zero"))
    }

    /// The value as a whole number from 0 to `max`.
    pub fn count(self, name: &str, max: u64) -> Result<u64> {
        let n = match self {
            OptionValue::Int(i) => Some(i),
            OptionValue::Text(t) => t.trim().parse::<i128>().ok(),
            _ => None,
        };
        n.and_then(|n| u64::try_from(n).ok())
            .filter(|n| *n <= max)
            .ok_or_else(|| {
                Error::invalid(name, format_args!("must be a whole number from 0 to {max}"))
            })
    }

    /// The value as a flag: `true`/`false`, `1`/`0`, or their text.
    pub fn flag(self, name: &str) -> Result<bool> {
        match self {
            OptionValue::Bool(b) => Ok(b),
            OptionValue::Int(0) => Ok(false),
            OptionValue::Int(1) => Ok(true),
            OptionValue::Text(t) => match t.trim() {
                "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                _ => Err(Error::invalid(name, "must be true or false")),
            },
            _ => Err(Error::invalid(name, "must be true or false")),
        }
    }

    /// The value as text.
    pub fn text(self, name: &str) -> Result<&'a str> {
        match self {
            OptionValue::Text(t) => Ok(t),
            _ => Err(Error::invalid(name, "must be a string")),
        }
    }

    /// The value as bytes: text or bytes.
    pub fn bytes(self, name: &str) -> Result<&'a [u8]> {
        match self {
            OptionValue::Text(t) => Ok(t.as_bytes()),
            OptionValue::Bytes(b) => Ok(b),
            _ => Err(Error::invalid(name, "must be PEM text")),
        }
    }
}

/// One client option: a row of [`OPTIONS`].
#[derive(Clone, Copy)]
pub struct OptionSpec {
    /// The name, the same in every binding (`timeout`; the CLI's flag is `--timeout`).
    pub name: &'static str,
    /// What it holds.
    pub kind: OptionKind,
    /// The unit of a number, e.g. `bytes` (times are always seconds).
    pub unit: Option<&'static str>,
    /// What applies when it is not given.
    pub default: OptionDefault,
    /// One or two sentences on what it does.
    pub doc: &'static str,
    /// Sets it on a builder; fails with `invalid_argument` naming the option when the value
    /// does not fit its kind.
    pub set: fn(ConfigBuilder, OptionValue<'_>) -> Result<ConfigBuilder>,
}

impl fmt::Debug for OptionSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OptionSpec")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl OptionSpec {
    /// The option named `name`.
    pub fn find(name: &str) -> Option<&'static OptionSpec> {
        OPTIONS.iter().find(|o| o.name == name)
    }
}

/// Every client option. Credentials (`auth_id`, `auth_token`) are not options: each binding
/// takes them first, and they fall back to the environment.
#[rustfmt::skip]
pub const OPTIONS: &[OptionSpec] = &[
    OptionSpec { name: "base_url", kind: OptionKind::Text, unit: None,
        default: OptionDefault::Text("PLIVO_PHLO_BASE_URL, else https://phlorunner.plivo.com"),
        doc: "The runner's base URL: scheme, host and optional port, without /v1 (e.g. a simulator's). Plain http:// is for loopback hosts unless allow_insecure_http is set.",
        set: |b, v| Ok(b.base_url(v.text("base_url")?)) },
    OptionSpec { name: "timeout", kind: OptionKind::Seconds, unit: None,
        default: OptionDefault::Seconds(DEFAULT_TIMEOUT),
        doc: "Time allowed for each attempt of a request, from connecting to the last byte of the answer.",
        set: |b, v| Ok(b.timeout(v.seconds("timeout")?)) },
    OptionSpec { name: "connect_timeout", kind: OptionKind::Seconds, unit: None,
        default: OptionDefault::Seconds(DEFAULT_CONNECT_TIMEOUT),
        doc: "Time allowed to open a connection.",
        set: |b, v| Ok(b.connect_timeout(v.seconds("connect_timeout")?)) },
    OptionSpec { name: "max_retries", kind: OptionKind::Count, unit: None,
        default: OptionDefault::Count(DEFAULT_MAX_RETRIES as u64),
        doc: "Most retries after the first attempt (0 turns retries off). Reads are retried on transient failures; runs and actions as action_retry says.",
        set: |b, v| Ok(b.max_retries(v.count("max_retries", u32::MAX.into())? as u32)) },
    OptionSpec { name: "action_retry", kind: OptionKind::Choice(&ActionRetry::NAMES), unit: None,
        default: OptionDefault::Text(ActionRetry::Safe.as_str()),
        doc: "When runs and call-control actions, which are not idempotent, are retried: never; safe, only when the request never reached the service or it answered 429; always, like reads.",
        set: |b, v| Ok(b.action_retry(ActionRetry::parse(v.text("action_retry")?)?)) },
    OptionSpec { name: "proxy", kind: OptionKind::Text, unit: None,
        default: OptionDefault::Text("none; HTTPS_PROXY and NO_PROXY apply"),
        doc: "A proxy URL for every request, e.g. http://proxy:3128.",
        set: |b, v| Ok(b.proxy(v.text("proxy")?)) },
    OptionSpec { name: "ca_cert_pem", kind: OptionKind::Pem, unit: None,
        default: OptionDefault::Text("none; the system's roots"),
        doc: "Extra trusted CA certificates, PEM-encoded (one or a bundle), e.g. a TLS-intercepting proxy's.",
        set: |b, v| Ok(b.add_ca_cert_pem(v.bytes("ca_cert_pem")?)) },
    OptionSpec { name: "user_agent_suffix", kind: OptionKind::Text, unit: None,
        default: OptionDefault::Text("the language and its version, e.g. Python: 3.12.1"),
        doc: "The comment of the User-Agent header: plivo-phlo/<version> (<suffix>).",
        set: |b, v| Ok(b.user_agent_suffix(v.text("user_agent_suffix")?)) },
    OptionSpec { name: "max_response_bytes", kind: OptionKind::Count, unit: Some("bytes"),
        default: OptionDefault::Count(DEFAULT_MAX_RESPONSE_BYTES as u64),
        doc: "The largest answer accepted; a larger one is a decode error, never an allocation.",
        set: |b, v| Ok(b.max_response_bytes(v.count("max_response_bytes", usize::MAX as u64)? as usize)) },
    OptionSpec { name: "allow_insecure_http", kind: OptionKind::Bool, unit: None,
        default: OptionDefault::Bool(false),
        doc: "Allows a plain http:// base URL on a host that is not loopback, which sends the credentials in clear.",
        set: |b, v| Ok(b.allow_insecure_http(v.flag("allow_insecure_http")?)) },
    OptionSpec { name: "max_in_flight", kind: OptionKind::Count, unit: None,
        default: OptionDefault::Count(DEFAULT_MAX_IN_FLIGHT as u64),
        doc: "Most requests one client has in flight at once; further calls wait for a slot, within their timeout.",
        set: |b, v| Ok(b.max_in_flight(v.count("max_in_flight", usize::MAX as u64)? as usize)) },
    OptionSpec { name: "validation", kind: OptionKind::Choice(&Validation::NAMES), unit: None,
        default: OptionDefault::Text(Validation::Strict.as_str()),
        doc: "What is checked before a request is sent: strict, the checks of the API reference (ids, phone numbers and SIP URIs, roles, actions); service, only what is unsafe in a URL or certainly invalid, leaving the rest to the service (the drop-in's setting).",
        set: |b, v| Ok(b.validation(Validation::parse(v.text("validation")?)?)) },
];

/// The table of options as a JSON array, for bindings and tools that list them:
/// `[{"name", "kind", "choices", "unit", "default", "doc"}]` (absent values are `null`).
pub fn options_json() -> String {
    let rows: Vec<Value> = OPTIONS
        .iter()
        .map(|o| {
            let choices = match o.kind {
                OptionKind::Choice(c) => Some(c),
                _ => None,
            };
            serde_json::json!({
                "name": o.name,
                "kind": o.kind.as_str(),
                "choices": choices,
                "unit": o.unit,
                "default": o.default.to_string(),
                "doc": o.doc,
            })
        })
        .collect();
    Value::Array(rows).to_string()
}

impl ConfigBuilder {
    /// Sets the option `name` (a row of [`OPTIONS`]) from a value as a binding received it,
    /// e.g. `option("timeout", OptionValue::Float(2.5))`.
    ///
    /// Fails with `invalid_argument` naming the option when there is no such option or the
    /// value does not fit it; [`ConfigBuilder::build`] checks the rest (e.g. a zero count).
    pub fn option(self, name: &str, value: OptionValue<'_>) -> Result<ConfigBuilder> {
        match OptionSpec::find(name) {
            Some(o) => (o.set)(self, value),
            None => Err(unknown(name)),
        }
    }

    /// Sets every option of a JSON object (`{"timeout": 2.5, "max_retries": 0}`), as the C
    /// `options_json` and Perl's `new` give them; a `null` value leaves that option unset.
    ///
    /// Fails with `invalid_argument` naming the first key that is not an option or whose value
    /// does not fit it.
    pub fn options_json(self, options: &Map<String, Value>) -> Result<ConfigBuilder> {
        let mut b = self;
        for (name, value) in options {
            let spec = OptionSpec::find(name).ok_or_else(|| unknown(name))?;
            if let Some(v) = OptionValue::from_json(value) {
                b = (spec.set)(b, v)?;
            }
        }
        Ok(b)
    }
}

/// `invalid_argument` for a name that is not an option (echoed at most 64 bytes long).
fn unknown(name: &str) -> Error {
    let names: Vec<&str> = OPTIONS.iter().map(|o| o.name).collect();
    Error::invalid(
        crate::error::truncate(name, 64),
        format_args!("is not an option; expected one of {}", names.join(", ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;
    use serde_json::json;

    fn base() -> ConfigBuilder {
        Config::builder()
            .auth_id("MAXXXXXXXXXXXXXXXXXX")
            .auth_token("tok-SECRET-42")
    }

    /// A value of each kind that every option of the kind accepts.
    fn sample(kind: OptionKind) -> Value {
        match kind {
            OptionKind::Text => json!("http://127.0.0.1:9"),
            OptionKind::Seconds => json!(2.5),
            OptionKind::Count => json!(7),
            OptionKind::Bool => json!(true),
            OptionKind::Choice(c) => json!(c[0]),
            OptionKind::Pem => json!("not checked until the client is made"),
        }
    }

    #[test]
    fn every_option_takes_a_value_of_its_kind_and_refuses_another() {
        for o in OPTIONS {
            let given = json!({ o.name: sample(o.kind) });
            let b = base().options_json(given.as_object().unwrap());
            assert!(b.is_ok(), "{}: {:?}", o.name, b.err());
            let wrong = json!({ o.name: [1] });
            let e = base().options_json(wrong.as_object().unwrap()).unwrap_err();
            assert_eq!(e.field(), Some(o.name), "{e}");
            assert!(!o.doc.is_empty() && o.doc.ends_with('.'), "{}", o.name);
        }
        let names: Vec<&str> = OPTIONS.iter().map(|o| o.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len(), "option names are unique");
    }

    #[test]
    fn each_option_sets_its_setting() {
        let c = base()
            .options_json(
                json!({
                    "base_url": "http://127.0.0.1:9", "timeout": 1.5, "connect_timeout": "0.25",
                    "max_retries": 0, "action_retry": "never", "user_agent_suffix": "Perl: 5.36",
                    "max_response_bytes": 4096, "proxy": null, "allow_insecure_http": 1,
                    "max_in_flight": "8"
                })
                .as_object()
                .unwrap(),
            )
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:9");
        assert_eq!(c.timeout(), Duration::from_millis(1500));
        assert_eq!(c.connect_timeout(), Duration::from_millis(250));
        assert_eq!(c.retry().max_retries, 0);
        assert_eq!(c.retry().actions, ActionRetry::Never);
        assert!(c.user_agent().ends_with("(Perl: 5.36)"));
        assert_eq!(c.max_response_bytes(), 4096);
        assert!(c.allow_insecure_http());
        assert_eq!(c.max_in_flight(), 8);
    }

    #[test]
    fn bad_values_name_the_option() {
        for (o, field) in [
            (json!({"timeout": 0}), "timeout"),
            (json!({"timeout": -1}), "timeout"),
            (json!({"timeout": "soon"}), "timeout"),
            (json!({"timeout": true}), "timeout"),
            (json!({"connect_timeout": 1e300}), "connect_timeout"),
            (json!({"max_retries": 1.5}), "max_retries"),
            (json!({"max_retries": -1}), "max_retries"),
            (json!({"max_retries": 4294967296u64}), "max_retries"),
            (json!({"action_retry": "sometimes"}), "action_retry"),
            (
                json!({"allow_insecure_http": "maybe"}),
                "allow_insecure_http",
            ),
            (json!({"allow_insecure_http": 2}), "allow_insecure_http"),
            (json!({"base_url": 80}), "base_url"),
            (json!({"base_url": "ftp://x"}), "base_url"),
            (json!({"max_in_flight": 0}), "max_in_flight"),
            (json!({"timeout_ms": 5}), "timeout_ms"),
        ] {
            let e = base()
                .options_json(o.as_object().unwrap())
                .and_then(ConfigBuilder::build)
                .unwrap_err();
            assert_eq!(e.field(), Some(field), "{o}: {e}");
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
        }
    }

    #[test]
    fn a_huge_unknown_name_is_echoed_short() {
        let e = base()
            .option(&"k".repeat(100_000), OptionValue::Int(1))
            .unwrap_err();
        assert_eq!(e.field().map(str::len), Some(64));
        assert!(e.message().len() < 1024, "{}", e.message().len());
    }

    #[test]
    fn the_json_table_lists_every_option() {
        let v: Value = serde_json::from_str(&options_json()).unwrap();
        let rows = v.as_array().unwrap();
        assert_eq!(rows.len(), OPTIONS.len());
        let t = rows.iter().find(|r| r["name"] == "timeout").unwrap();
        assert_eq!(
            (t["kind"].as_str(), t["default"].as_str()),
            (Some("seconds"), Some("30"))
        );
        let a = rows.iter().find(|r| r["name"] == "action_retry").unwrap();
        assert_eq!(a["choices"], json!(["never", "safe", "always"]));
    }
}
