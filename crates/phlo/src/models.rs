//! Typed responses. Every model keeps the fields it does not know in `extra`, so a field the
//! service adds is never lost, and tolerates documented fields that are missing or `null`.

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

/// A successful answer parsed into its model `T`, with the HTTP status and the body text as
/// received (from [`Client::execute_as`](crate::Client::execute_as): one parse for both).
#[derive(Clone, Debug, PartialEq)]
pub struct Answer<T> {
    /// The parsed body.
    pub value: T,
    /// The HTTP status (any 2xx).
    pub status: u16,
    /// The body text, exactly as received.
    pub body: String,
}

/// A successful answer as received: the HTTP status and the body text (a JSON object).
///
/// This is what the generic entry points return; bindings hand `body` on without re-encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawResponse {
    /// The HTTP status (any 2xx).
    pub status: u16,
    /// The body, checked to be a JSON object.
    pub body: String,
}

impl RawResponse {
    /// Parses the body into a model (or any `Deserialize` type); failure is a `decode` error.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> crate::Result<T> {
        crate::transport::decode(&self.body)
    }
}
