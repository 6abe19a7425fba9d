//! The [`AsyncClient`]: the [`Client`](crate::Client)'s operations as `async fn`s, for code that
//! runs on a tokio runtime (axum, actix, a Python event loop through the binding).

use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::client::Inner;
use crate::config::Config;
use crate::error::Result;
use crate::models::{Answer, RawResponse};
use crate::ops::{Operation, Request};

/// A PHLO runner client for async code.
///
/// Every method is an `async fn` that runs on the caller's tokio runtime (either flavour); the
/// arguments, models, errors, validation, retries (with async sleeps), timeouts and scrubbing
/// are the [`Client`](crate::Client)'s own: both are faces of one client ([`Client::to_async`],
/// [`AsyncClient::to_blocking`]).
///
/// Dropping a future cancels its request: the connection is closed, and the request is never
/// retried. At most [`Config::max_in_flight`] requests are in flight at once per client (100 by
/// default); further calls wait for a slot within their timeout, so 10,000 spawned tasks share
/// 100 connections. Cheap to clone (an `Arc`), `Send + Sync`.
///
/// Its connections belong to the runtime they were opened on: use one client per runtime.
///
/// [`Client::to_async`]: crate::Client::to_async
#[derive(Clone)]
pub struct AsyncClient {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for AsyncClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncClient")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl AsyncClient {
    /// A client for `config`.
    ///
    /// Fails with `invalid_argument` when the proxy or a CA certificate is malformed.
    pub fn new(config: Config) -> Result<AsyncClient> {
        Ok(AsyncClient {
            inner: Arc::new(Inner::new(config)?),
        })
    }

    /// A client configured from `PLIVO_AUTH_ID`, `PLIVO_AUTH_TOKEN` and `PLIVO_PHLO_BASE_URL`.
    pub fn from_env() -> Result<AsyncClient> {
        AsyncClient::new(Config::from_env()?)
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The blocking face of this client (same configuration and bound on requests in flight).
    pub fn to_blocking(&self) -> crate::Client {
        crate::Client {
            inner: self.inner.clone(),
        }
    }

    /// Sends `op` and returns the status and body, checked to be the JSON object the operation
    /// answers with; see [`Client::execute`](crate::Client::execute).
    pub async fn execute(&self, op: &Operation) -> Result<RawResponse> {
        let reply = self.inner.send_shared(&self.inner.request(op)?).await?;
        self.inner.checked(op, reply)
    }

    /// Sends `op` and parses its answer once into `T`; see
    /// [`Client::execute_as`](crate::Client::execute_as).
    pub async fn execute_as<T: serde::de::DeserializeOwned>(
        &self,
        op: &Operation,
    ) -> Result<Answer<T>> {
        let reply = self.inner.send_shared(&self.inner.request(op)?).await?;
        self.inner.answer(reply)
    }

    /// Checks `op` and builds its request without sending anything, for callers that must
    /// report a bad argument when the call is made but send later (the Python binding's
    /// coroutines). Fails with `invalid_argument` naming the field.
    pub fn prepare(&self, op: Operation) -> Result<Prepared> {
        let request = self.inner.request(&op)?;
        Ok(Prepared { op, request })
    }

    /// [`AsyncClient::execute`] for a prepared operation.
    pub async fn execute_prepared(&self, p: &Prepared) -> Result<RawResponse> {
        let reply = self.inner.send_shared(&p.request).await?;
        self.inner.checked(&p.op, reply)
    }

    /// [`AsyncClient::execute_as`] for a prepared operation.
    pub async fn execute_prepared_as<T: serde::de::DeserializeOwned>(
        &self,
        p: &Prepared,
    ) -> Result<Answer<T>> {
        let reply = self.inner.send_shared(&p.request).await?;
        self.inner.answer(reply)
    }

    /// Runs the named operation with a JSON object of parameters; see
    /// [`Client::call`](crate::Client::call).
    pub async fn call(&self, name: &str, params: &Map<String, Value>) -> Result<RawResponse> {
        self.execute(&Operation::from_params(name, params)?).await
    }

    /// Runs the named operation with name/value string pairs; see
    /// [`Client::call_strings`](crate::Client::call_strings).
    pub async fn call_strings(&self, name: &str, params: &[(&str, &str)]) -> Result<RawResponse> {
        self.execute(&Operation::from_strings(name, params)?).await
    }

    /// Sends `op` and returns just its parsed model (what the typed methods of
    /// `async_methods.rs`, generated from [`crate::ops::OPERATIONS`], are made of).
    pub(crate) async fn typed<T: serde::de::DeserializeOwned>(&self, op: Operation) -> Result<T> {
        self.execute_as(&op).await.map(|a| a.value)
    }
}

/// An operation checked and turned into its request by [`AsyncClient::prepare`], ready to send
/// (any number of times) with [`AsyncClient::execute_prepared`] or
/// [`AsyncClient::execute_prepared_as`].
#[derive(Clone, Debug)]
pub struct Prepared {
    op: Operation,
    request: Request,
}

#[cfg(test)]
mod tests {
    /// The futures can be spawned on a multi-thread runtime.
    #[test]
    fn futures_are_send() {
        fn send<T: Send + 'static>(_: T) {}
        let c = super::AsyncClient::new(
            crate::Config::builder()
                .auth_id("MAXXXXXXXXXXXXXXXXXX")
                .auth_token("token123")
                .build()
                .unwrap(),
        )
        .unwrap();
        let op = crate::Operation::GetPhlo {
            phlo_id: "p".into(),
        };
        send(async move { c.execute(&op).await });
    }
}
