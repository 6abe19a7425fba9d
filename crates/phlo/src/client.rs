//! The [`Client`]: the generic entry points ([`Client::execute`], [`Client::call`]) every
//! operation goes through. The typed method of each operation (`get_phlo`,
//! `mpc_cold_transfer`, ...) is generated from [`crate::ops::OPERATIONS`] into `methods.rs`.
//!
//! Each call runs on the calling thread ([`crate::engine`]); [`crate::AsyncClient`] is the same
//! client for async code, sharing [`Inner`] with it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::IgnoredAny;
use serde_json::{Map, Value};

use crate::config::Config;
use crate::engine;
use crate::error::Result;
use crate::models::{
    self, ActionResponse, Answer, Node, Phlo, PhloRun, PhloRunStarted, RawResponse,
};
use crate::ops::{Operation, Request};
use crate::transport::{Reply, Transport};

/// A PHLO runner client.
///
/// Cheap to clone (an `Arc`), `Send + Sync`: share one across threads. Every method blocks the
/// calling thread and runs the request there, on a connection that thread keeps open for its
/// next call. In async code, use [`crate::AsyncClient`] (the same client:
/// [`Client::to_async`]); a blocking call made from inside a tokio runtime still works, on a
/// thread of its own, without connection reuse.
///
/// After `fork()`, a client made in the parent works in the child: the child's first call opens
/// new connections, and the parent's are never read, written or closed by the child.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

/// What a [`Client`] and an [`AsyncClient`](crate::AsyncClient) share: the configuration, the
/// transport with its pools, and the bound on requests in flight.
pub(crate) struct Inner {
    pub(crate) config: Config,
    pub(crate) transport: Transport,
}

impl Inner {
    pub(crate) fn new(config: Config) -> Result<Inner> {
        let transport = Transport::new(&config)?;
        Ok(Inner { config, transport })
    }

    /// Checks `op` (as the configured [`Validation`](crate::Validation) says) and builds its
    /// request; nothing is sent.
    pub(crate) fn request(&self, op: &Operation) -> Result<Request> {
        // An argument is quoted in the error, and a caller may have passed the token as one.
        op.request_with(&self.config.auth_id, self.config.validation)
            .map_err(|e| self.transport.scrub(e))
    }

    /// Sends `req` through the async client's pool.
    pub(crate) async fn send_shared(&self, req: &Request) -> Result<Reply> {
        let http = self.transport.shared_pool()?;
        self.transport.send(&http, req, &self.config.retry).await
    }

    /// The generic answer: the body checked against the operation's model, so a field of the
    /// wrong type is a `decode` error here too, as it is for the typed methods: C, Python and
    /// Perl, which take this path, see the same answer as Rust. Raw requests only need an object.
    /// A 2xx with no body is a success whose body is `""`.
    pub(crate) fn checked(&self, op: &Operation, mut reply: Reply) -> Result<RawResponse> {
        if models::is_blank(&reply.body) {
            // Every model reads an empty object; there is nothing to check.
            reply.body.clear();
        } else {
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
            checked.map_err(|e| self.transport.scrub(e))?;
        }
        Ok(RawResponse {
            status: reply.status,
            body: reply.body,
        })
    }

    /// The answer parsed once into `T`, with the status and the body text; a 2xx with no body is
    /// read as the empty object.
    pub(crate) fn answer<T: serde::de::DeserializeOwned>(
        &self,
        mut reply: Reply,
    ) -> Result<Answer<T>> {
        let value = if models::is_blank(&reply.body) {
            reply.body.clear();
            models::parse_body(&reply.body)
                .map_err(|e| e.with_status(reply.status).with_attempts(reply.attempts))?
        } else {
            // A decode error quotes the body, which a server may have filled with the
            // credentials.
            reply.decode().map_err(|e| self.transport.scrub(e))?
        };
        Ok(Answer {
            value,
            status: reply.status,
            body: reply.body,
        })
    }
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
        Ok(Client {
            inner: Arc::new(Inner::new(config)?),
        })
    }

    /// The async face of this client: the same configuration and bound on requests in flight
    /// (connections are not shared: the async client's belong to the runtime it runs on).
    pub fn to_async(&self) -> crate::AsyncClient {
        crate::AsyncClient {
            inner: self.inner.clone(),
        }
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
    /// A 2xx answer with no body (empty, or only whitespace) is a success: the body is `""`
    /// ([`RawResponse::body_is_empty`]) and reads as the empty object (see
    /// [`crate::models`]); it is never a `decode` error, so never retried or reported as a
    /// failure of an action the service carried out.
    ///
    /// This is the one path every operation takes: validation, retries and error mapping
    /// happen here.
    pub fn execute(&self, op: &Operation) -> Result<RawResponse> {
        let reply = self.send(&self.inner.request(op)?)?;
        self.inner.checked(op, reply)
    }

    /// Sends `op` and parses its answer once into `T` (the operation's model), keeping the
    /// status and the body text: what the bindings' typed results are made of, with no second
    /// parse. A body that does not fit `T` is a `decode` error; a 2xx with no body (empty, or
    /// only whitespace) is read as the empty object, so the model's fields are empty and
    /// [`Answer::body_is_empty`] is true.
    pub fn execute_as<T: serde::de::DeserializeOwned>(&self, op: &Operation) -> Result<Answer<T>> {
        let reply = self.send(&self.inner.request(op)?)?;
        self.inner.answer(reply)
    }

    /// [`Client::execute`] for callers that must react to something while the call waits (a
    /// binding checking for Ctrl-C): `stop` is called every `every` while the answer is pending;
    /// when it returns true the request is abandoned (its connection closed, nothing retried)
    /// and `None` is returned.
    pub fn execute_interruptible(
        &self,
        op: &Operation,
        every: Duration,
        stop: &mut (dyn FnMut() -> bool + Send),
    ) -> Option<Result<RawResponse>> {
        let req = match self.inner.request(op) {
            Ok(r) => r,
            Err(e) => return Some(Err(e)),
        };
        let reply = self.send_until(&req, every, stop)?;
        Some(reply.and_then(|r| self.inner.checked(op, r)))
    }

    /// [`Client::execute_as`] with the interruption of [`Client::execute_interruptible`].
    pub fn execute_as_interruptible<T: serde::de::DeserializeOwned>(
        &self,
        op: &Operation,
        every: Duration,
        stop: &mut (dyn FnMut() -> bool + Send),
    ) -> Option<Result<Answer<T>>> {
        let req = match self.inner.request(op) {
            Ok(r) => r,
            Err(e) => return Some(Err(e)),
        };
        let reply = self.send_until(&req, every, stop)?;
        Some(reply.and_then(|r| self.inner.answer(r)))
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

    /// Sends `req` on the calling thread, through its pool.
    fn send(&self, req: &Request) -> Result<Reply> {
        let (t, policy) = (&self.inner.transport, &self.inner.config.retry);
        engine::block_on(|owner| async move { t.send(&t.thread_pool(owner)?, req, policy).await })
    }

    fn send_until(
        &self,
        req: &Request,
        every: Duration,
        stop: &mut (dyn FnMut() -> bool + Send),
    ) -> Option<Result<Reply>> {
        let (t, policy) = (&self.inner.transport, &self.inner.config.retry);
        engine::block_on_until(
            |owner| async move { t.send(&t.thread_pool(owner)?, req, policy).await },
            every,
            stop,
        )
    }

    /// Sends `op` and returns its answer parsed into `T`: the body of every typed method
    /// (see [`crate::ops::OPERATIONS`]).
    pub(crate) fn typed<T: serde::de::DeserializeOwned>(&self, op: Operation) -> Result<T> {
        self.execute_as(&op).map(|a| a.value)
    }
}
