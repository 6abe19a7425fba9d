//! Typed responses. Every model keeps the fields it does not know in `extra`, so a field the
//! service adds is never lost, and tolerates documented fields that are missing or `null`.
//!
//! A 2xx answer with no body (empty, or only whitespace; some member actions are answered so) is
//! a success with no fields: it reads as the empty object `{}`, so every field of the model is
//! empty (`""`, an empty list, `None`), the status is kept, and the body text is `""`
//! ([`RawResponse::body_is_empty`], [`Answer::body_is_empty`]). It is never a `decode` error:
//! the service reported success, and a caller that saw an error might repeat an action that was
//! carried out.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// A string field that may be missing or `null` (both read as `""`); any other type is a
/// `decode` error.
fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// A list of strings that may be missing or `null` (both read as empty).
fn lenient_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}

/// A PHLO, from `get_phlo`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Phlo {
    /// The request's id at Plivo.
    #[serde(default, deserialize_with = "lenient")]
    pub api_id: String,
    /// The PHLO id.
    #[serde(default, deserialize_with = "lenient")]
    pub phlo_id: String,
    /// The name given in the console.
    #[serde(default, deserialize_with = "lenient")]
    pub name: String,
    /// Creation time, `YYYY-MM-DD HH:MM:SS.ffffff+00:00`, passed through as text.
    #[serde(default, deserialize_with = "lenient")]
    pub created_on: String,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer to `run_phlo`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PhloRunStarted {
    /// The request's id at Plivo, which is also the run id.
    #[serde(default, deserialize_with = "lenient")]
    pub api_id: String,
    /// The PHLO id.
    #[serde(default, deserialize_with = "lenient")]
    pub phlo_id: String,
    /// How far the flow went, as free text (a "stopped ..." message is still a success).
    #[serde(default, deserialize_with = "lenient")]
    pub message: String,
    /// The run id, when the service sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phlo_run_id: Option<String>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PhloRunStarted {
    /// The run id: `phlo_run_id` when present and non-empty, else `api_id`.
    pub fn run_id(&self) -> &str {
        self.phlo_run_id
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or(&self.api_id)
    }
}

/// A PHLO run, from the legacy `get_phlo_run` (every field may be missing).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PhloRun {
    /// The request's id at Plivo.
    #[serde(default, deserialize_with = "lenient")]
    pub api_id: String,
    /// The PHLO id.
    #[serde(default, deserialize_with = "lenient")]
    pub phlo_id: String,
    /// The run id.
    #[serde(default, deserialize_with = "lenient")]
    pub run_id: String,
    /// Calls the run made.
    #[serde(default, deserialize_with = "lenient_list")]
    pub call_uuids: Vec<String>,
    /// Messages the run sent.
    #[serde(default, deserialize_with = "lenient_list")]
    pub message_uuids: Vec<String>,
    /// Recordings the run made.
    #[serde(default, deserialize_with = "lenient_list")]
    pub recording_ids: Vec<String>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A node, from `get_node`, `get_multi_party_call` or `get_conference_bridge`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// The request's id at Plivo.
    #[serde(default, deserialize_with = "lenient")]
    pub api_id: String,
    /// The node id.
    #[serde(default, deserialize_with = "lenient")]
    pub node_id: String,
    /// The PHLO id.
    #[serde(default, deserialize_with = "lenient")]
    pub phlo_id: String,
    /// The node's name, e.g. `Multi-Party Call_1`.
    #[serde(default, deserialize_with = "lenient")]
    pub name: String,
    /// `multi_party_call` or `conference_bridge`.
    #[serde(default, deserialize_with = "lenient")]
    pub node_type: String,
    /// Creation time, passed through as text.
    #[serde(default, deserialize_with = "lenient")]
    pub created_on: String,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer to any node or member action.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActionResponse {
    /// The request's id at Plivo.
    #[serde(default, deserialize_with = "lenient")]
    pub api_id: String,
    /// `""` on success; kept as sent, never turned into an error.
    #[serde(default, deserialize_with = "lenient")]
    pub error: String,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Whether a 2xx body has no content: empty, or only JSON whitespace.
pub(crate) fn is_blank(body: &str) -> bool {
    body.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// Parses a 2xx body into `T`, a body with no content as the empty object; a failure is a
/// `decode` error.
pub(crate) fn parse_body<T: serde::de::DeserializeOwned>(body: &str) -> crate::Result<T> {
    decode(if is_blank(body) { "{}" } else { body })
}

/// Parses a 2xx body into `T`; anything else is a `decode` error that quotes the start of the body.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(body: &str) -> crate::Result<T> {
    serde_json::from_str(body).map_err(|e| {
        let shown = crate::error::truncate(body, 200);
        crate::Error::new(
            crate::ErrorKind::Decode,
            format!("response is not the JSON object expected ({e}): {shown:?}"),
        )
    })
}

/// A successful answer parsed into its model `T`, with the HTTP status and the body text as
/// received (from [`Client::execute_as`](crate::Client::execute_as): one parse for both).
#[derive(Clone, Debug, PartialEq)]
pub struct Answer<T> {
    /// The parsed body.
    pub value: T,
    /// The HTTP status (any 2xx).
    pub status: u16,
    /// The body text, exactly as received; `""` when the service sent none (empty, or only
    /// whitespace), and `value` then has every field empty.
    pub body: String,
}

impl<T> Answer<T> {
    /// Whether the service answered with no body: a success whose fields are all empty.
    pub fn body_is_empty(&self) -> bool {
        self.body.is_empty()
    }
}

/// A successful answer as received: the HTTP status and the body text (a JSON object, or `""`).
///
/// This is what the generic entry points return; bindings hand `body` on without re-encoding.
/// A 2xx with no body (empty, or only whitespace) gives `body` `""`: a success with no fields,
/// which [`RawResponse::parse`] reads as the empty object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawResponse {
    /// The HTTP status (any 2xx).
    pub status: u16,
    /// The body, checked to be a JSON object; `""` when the service sent none.
    pub body: String,
}

impl RawResponse {
    /// Parses the body into a model (or any `Deserialize` type), an empty body as the empty
    /// object `{}`; failure is a `decode` error.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> crate::Result<T> {
        parse_body(&self.body)
    }

    /// Whether the service answered with no body: a success with no fields.
    pub fn body_is_empty(&self) -> bool {
        self.body.is_empty()
    }
}
