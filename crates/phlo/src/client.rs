//! The [`Client`]: the generic entry points ([`Client::execute`], [`Client::call`]) every
//! operation goes through. The typed method of each operation (`get_phlo`,
//! `mpc_cold_transfer`, ...) is generated from [`crate::ops::OPERATIONS`] into `methods.rs`.

use std::fmt;
use std::sync::Arc;

use serde::de::IgnoredAny;
use serde_json::{Map, Value};

use crate::config::Config;
use crate::error::Result;
use crate::models::{ActionResponse, Answer, Node, Phlo, PhloRun, PhloRunStarted, RawResponse};
use crate::ops::Operation;
use crate::transport::{CallOptions, Reply, Transport};

/// A PHLO runner client.
///
/// Cheap to clone (an `Arc`), `Send + Sync`: share one across threads; they share its pool of
/// keep-alive connections. Every method blocks; do not call it from inside an async runtime
/// (use `spawn_blocking`).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    transport: Transport,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// A JSON object read as just "some object", without building it: the check that a generic
/// answer's body is an object costs one scan and no allocation.
struct AnyObject;

impl<'de> serde::Deserialize<'de> for AnyObject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = AnyObject;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<AnyObject, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(AnyObject)
            }
        }
        d.deserialize_map(V)
    }
}

impl Client {
    /// A client for `config`.
    ///
    /// Fails with `invalid_argument` when the proxy or a CA certificate is malformed.
    pub fn new(config: Config) -> Result<Client> {
        let transport = Transport::new(&config)?;
        Ok(Client {
            inner: Arc::new(Inner { config, transport }),
        })
    }

    /// A client configured from `PLIVO_AUTH_ID`, `PLIVO_AUTH_TOKEN` and `PLIVO_PHLO_BASE_URL`.
    pub fn from_env() -> Result<Client> {
        Client::new(Config::from_env()?)
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Sends `op` and returns the status and body, checked to be the JSON object the operation
    /// answers with (a wrong type is a `decode` error, as with the typed methods).
    ///
    /// This is the one path every operation takes: validation, retries and error mapping
    /// happen here.
    pub fn execute(&self, op: &Operation) -> Result<RawResponse> {
        self.execute_with(op, &CallOptions::default())
    }

    /// [`Client::execute`] with a per-call timeout or retry policy.
    pub fn execute_with(&self, op: &Operation, opts: &CallOptions) -> Result<RawResponse> {
        let reply = self.send(op, opts)?;
        // The body is checked against the operation's model, so a field of the wrong type is a
        // `decode` error here too, as it is for the typed methods: C, Python and Perl, which
        // take this path, see the same answer as Rust. Raw requests only need an object.
        let checked = match op {
            Operation::GetPhlo { .. } => reply.decode::<Phlo>().map(drop),
            Operation::RunPhlo { .. } => reply.decode::<PhloRunStarted>().map(drop),
            Operation::GetPhloRun { .. } => reply.decode::<PhloRun>().map(drop),
            Operation::GetNode { .. } => reply.decode::<Node>().map(drop),
            Operation::NodeAction { .. } | Operation::MemberAction { .. } => {
                reply.decode::<ActionResponse>().map(drop)
            }
            Operation::Raw { .. } => reply.decode::<AnyObject>().map(drop),
        };
        checked.map_err(|e| self.inner.transport.scrub(e))?;
        Ok(RawResponse {
            status: reply.status,
            body: reply.body,
        })
    }

    /// Sends `op` and parses its answer once into `T` (the operation's model), keeping the
    /// status and the body text: what the bindings' typed results are made of, with no second
    /// parse. A body that does not fit `T` is a `decode` error.
    pub fn execute_as<T: serde::de::DeserializeOwned>(&self, op: &Operation) -> Result<Answer<T>> {
        let reply = self.send(op, &CallOptions::default())?;
        // A decode error quotes the body, which a server may have filled with the credentials.
        let value = reply.decode().map_err(|e| self.inner.transport.scrub(e))?;
        Ok(Answer {
            value,
            status: reply.status,
            body: reply.body,
        })
    }

    /// Runs the named operation (a row of [`crate::OPERATIONS`]) with a JSON object of
    /// parameters, e.g. `call("mpc_cold_transfer", &json!({...}))`. This is how the bindings
    /// reach every operation.
    pub fn call(&self, name: &str, params: &Map<String, Value>) -> Result<RawResponse> {
        self.execute(&self.operation(name, params)?)
    }

    /// [`Operation::from_params`] for this client: an error (which may quote a name the caller
    /// gave, and a caller may give anything, the token included) has the credentials scrubbed,
    /// as every error of a call has.
    pub fn operation(&self, name: &str, params: &Map<String, Value>) -> Result<Operation> {
        Operation::from_params(name, params).map_err(|e| self.inner.transport.scrub(e))
    }

    /// [`Operation::from_strings`] for this client, its error scrubbed as
    /// [`Client::operation`]'s.
    pub fn operation_from_strings(&self, name: &str, params: &[(&str, &str)]) -> Result<Operation> {
        Operation::from_strings(name, params).map_err(|e| self.inner.transport.scrub(e))
    }

    /// [`Client::call`] with name/value string pairs instead of a JSON object, e.g.
    /// `call_strings("mpc_member_hold", &[("phlo_id", p), ("node_id", n), ("member_id", m)])`: the
    /// typed helpers of the bindings take this path, with nothing to encode or parse on the way
    /// in (see [`Operation::from_strings`]).
    pub fn call_strings(&self, name: &str, params: &[(&str, &str)]) -> Result<RawResponse> {
        self.execute(&self.operation_from_strings(name, params)?)
    }

    fn send(&self, op: &Operation, opts: &CallOptions) -> Result<Reply> {
        let req = op
            .request(&self.inner.config.auth_id)
            .map_err(|e| self.inner.transport.scrub(e))?;
        let policy = opts.retry.as_ref().unwrap_or(&self.inner.config.retry);
        self.inner.transport.send(&req, policy, opts.timeout)
    }

    /// Sends `op` and returns its answer parsed into `T`: the body of every typed method
    /// (see [`crate::ops::OPERATIONS`]).
    pub(crate) fn typed<T: serde::de::DeserializeOwned>(&self, op: Operation) -> Result<T> {
        self.execute_as(&op).map(|a| a.value)
    }
}
