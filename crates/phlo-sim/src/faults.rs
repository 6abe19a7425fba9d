//! Fault injection: a FIFO queue of faults, each used up by the API requests it matches.

use serde_json::{Map, Value};

/// What a fault does to the request it catches.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum FaultKind {
    /// Sleep, then handle normally.
    Latency { ms: u64 },
    /// Answer `status` without touching state.
    Status {
        status: u16,
        body: BodyStyle,
        retry_after: Option<String>,
        error: Option<String>,
    },
    /// Answer 429 without touching state.
    RateLimit { retry_after: Option<String> },
    /// Reset the connection before the request is handled.
    ResetBefore,
    /// Apply the request, then reset the connection without answering.
    ResetAfter,
    /// Apply the request, then answer with this exact body.
    RawBody {
        status: Option<u16>,
        body: String,
        content_type: String,
    },
    /// Apply the request, then answer a valid JSON object of about `bytes` bytes.
    HugeBody { bytes: usize },
    /// Apply the request, then send fewer body bytes than `Content-Length` says and close.
    ShortBody,
    /// Apply the request, wait `delay_ms`, send the headers, then the body one byte every
    /// `interval_ms`, chunked (no length) or with its `Content-Length`.
    SlowBody {
        delay_ms: u64,
        interval_ms: u64,
        chunked: bool,
    },
    /// Answer a redirect without touching state.
    Redirect { status: u16, location: String },
}

/// Body of a `status` fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyStyle {
    Json,
    Html,
    Empty,
}

/// One queued fault.
#[derive(Clone, Debug)]
pub(crate) struct Fault {
    pub(crate) kind: FaultKind,
    pub(crate) remaining: u64,
    method: Option<String>,
    path_prefix: Option<String>,
    /// The object as pushed, echoed by `GET /_sim/faults` with `count` set to what remains.
    spec: Map<String, Value>,
}

/// Every fault kind, as spelled in `"kind"`.
pub(crate) const KINDS: &[&str] = &[
    "latency",
    "status",
    "rate_limit",
    "reset_before",
    "reset_after",
    "raw_body",
    "huge_body",
    "short_body",
    "slow_body",
    "redirect",
];

impl Fault {
    /// The kind's name, as logged in the request log's `fault`.
    pub(crate) fn name(&self) -> &'static str {
        match self.kind {
            FaultKind::Latency { .. } => "latency",
            FaultKind::Status { .. } => "status",
            FaultKind::RateLimit { .. } => "rate_limit",
            FaultKind::ResetBefore => "reset_before",
            FaultKind::ResetAfter => "reset_after",
            FaultKind::RawBody { .. } => "raw_body",
            FaultKind::HugeBody { .. } => "huge_body",
            FaultKind::ShortBody => "short_body",
            FaultKind::SlowBody { .. } => "slow_body",
            FaultKind::Redirect { .. } => "redirect",
        }
    }

    /// Whether the filters let this fault catch a request (`path` is the raw request path).
    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self
                .path_prefix
                .as_deref()
                .is_none_or(|p| path.starts_with(p))
    }

    /// The fault as listed by `GET /_sim/faults`.
    pub(crate) fn to_json(&self) -> Value {
        let mut spec = self.spec.clone();
        spec.insert("count".into(), Value::from(self.remaining));
        Value::Object(spec)
    }
}

/// Parses one fault object or an array of them. Errors name the problem.
pub(crate) fn parse(v: &Value) -> Result<Vec<Fault>, String> {
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, f)| parse_one(f).map_err(|e| format!("faults[{i}]: {e}")))
            .collect(),
        _ => Ok(vec![parse_one(v)?]),
    }
}

fn opt_u64(o: &Map<String, Value>, key: &str) -> Result<Option<u64>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("`{key}` must be a non-negative integer")),
    }
}

fn opt_string(o: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("`{key}` must be a string")),
    }
}

/// A header value given as a string or a number (`"retry_after": 2` means `Retry-After: 2`).
fn opt_header(o: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    let s = match o.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => return Err(format!("`{key}` must be a string, a number or null")),
    };
    if s.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err(format!("`{key}` must not contain control characters"));
    }
    Ok(Some(s))
}

fn status_code(o: &Map<String, Value>, key: &str, default: u16) -> Result<u16, String> {
    match opt_u64(o, key)? {
        None => Ok(default),
        Some(s) if (100..=999).contains(&s) => Ok(s as u16),
        Some(_) => Err(format!(
            "`{key}` must be an HTTP status between 100 and 999"
        )),
    }
}

fn parse_one(v: &Value) -> Result<Fault, String> {
    let o = v.as_object().ok_or("a fault must be a JSON object")?;
    let kind_name = match o.get("kind") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err("`kind` must be a string".into()),
        None => return Err("`kind` is required".into()),
    };
    let kind = match kind_name {
        "latency" => FaultKind::Latency {
            ms: opt_u64(o, "ms")?.unwrap_or(500),
        },
        "status" => FaultKind::Status {
            status: status_code(o, "status", 500)?,
            body: match opt_string(o, "body")?.as_deref() {
                None | Some("json") => BodyStyle::Json,
                Some("html") => BodyStyle::Html,
                Some("empty") => BodyStyle::Empty,
                Some(_) => return Err("`body` must be json, html or empty".into()),
            },
            retry_after: opt_header(o, "retry_after")?,
            error: opt_string(o, "error")?,
        },
        "rate_limit" => FaultKind::RateLimit {
            retry_after: opt_header(o, "retry_after")?,
        },
        "reset_before" => FaultKind::ResetBefore,
        "reset_after" => FaultKind::ResetAfter,
        "raw_body" => FaultKind::RawBody {
            status: match o.get("status") {
                None | Some(Value::Null) => None,
                _ => Some(status_code(o, "status", 200)?),
            },
            body: opt_string(o, "body")?.unwrap_or_default(),
            content_type: match opt_header(o, "content_type")? {
                Some(ct) => ct,
                None => "application/json".into(),
            },
        },
        "huge_body" => FaultKind::HugeBody {
            bytes: opt_u64(o, "bytes")?.unwrap_or(1 << 20).min(1 << 30) as usize,
        },
        "short_body" => FaultKind::ShortBody,
        "slow_body" => FaultKind::SlowBody {
            delay_ms: opt_u64(o, "delay_ms")?.unwrap_or(0),
            interval_ms: opt_u64(o, "interval_ms")?.unwrap_or(500).max(1),
            chunked: match o.get("chunked") {
                None | Some(Value::Null) => true,
                Some(Value::Bool(b)) => *b,
                Some(_) => return Err("`chunked` must be true or false".into()),
            },
        },
        "redirect" => {
            let status = status_code(o, "status", 302)?;
            if !(300..=399).contains(&status) {
                return Err("`status` of a redirect must be 3xx".into());
            }
            FaultKind::Redirect {
                status,
                location: opt_header(o, "location")?.unwrap_or_else(|| "/".into()),
            }
        }
        other => {
            return Err(format!(
                "unknown fault kind `{other}` (known: {})",
                KINDS.join(", ")
            ))
        }
    };
    let count = opt_u64(o, "count")?.unwrap_or(1);
    if count == 0 {
        return Err("`count` must be at least 1".into());
    }
    Ok(Fault {
        kind,
        remaining: count,
        method: opt_string(o, "method")?,
        path_prefix: opt_string(o, "path_prefix")?,
        spec: o.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parse_kinds() {
        let f = parse(&json!({"kind": "status", "status": 503, "body": "html"})).unwrap();
        assert_eq!(
            f[0].kind,
            FaultKind::Status {
                status: 503,
                body: BodyStyle::Html,
                retry_after: None,
                error: None
            }
        );
        assert_eq!(f[0].remaining, 1);
        let f = parse(&json!([{"kind": "rate_limit", "retry_after": 2, "count": 3}])).unwrap();
        assert_eq!(
            f[0].kind,
            FaultKind::RateLimit {
                retry_after: Some("2".into())
            }
        );
        assert_eq!(f[0].to_json()["count"], 3);
        assert!(parse(&json!({"kind": "teleport"})).is_err());
        assert!(parse(&json!({"kind": "latency", "ms": -1})).is_err());
        assert!(parse(&json!({"kind": "latency", "count": 0})).is_err());
        assert!(parse(&json!({})).is_err());
    }

    #[test]
    fn filters() {
        let f =
            &parse(&json!({"kind": "reset_before", "method": "post", "path_prefix": "/v1/phlo/"}))
                .unwrap()[0];
        assert!(f.matches("POST", "/v1/phlo/x"));
        assert!(!f.matches("GET", "/v1/phlo/x"));
        assert!(!f.matches("POST", "/v1/account/x"));
    }
}
