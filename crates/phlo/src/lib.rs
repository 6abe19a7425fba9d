//! A client for Plivo's PHLO runner API: run PHLOs, read PHLOs and nodes, and control live calls
//! in multi-party-call and conference-bridge nodes.
//!
//! ```no_run
//! use plivo_phlo::{Client, Config};
//!
//! let client = Client::new(Config::builder().auth_id("MAXXXXXXXXXXXXXXXXXX").auth_token("token").build()?)?;
//! let r = client.mpc_cold_transfer(
//!     "3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b", // PHLO
//!     "b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d", // multi-party-call node
//!     "+14152223333",                         // trigger_source: the agent handing off
//!     "+14152225555",                         // to: the new party
//!     None,                                   // role: defaults to "agent"
//! )?;
//! println!("{}", r.api_id);
//! # Ok::<(), plivo_phlo::Error>(())
//! ```
//!
//! The crate is organised as: [`config`] (credentials, base URL, timeouts), [`options`] (every
//! setting by name, the one table the bindings read), [`ops`] (every operation as data, the
//! table the typed methods of every binding are made from), [`validate`] (checks before the
//! network), [`retry`] (the retry policy), [`models`] (typed responses), [`error`] (the one
//! error type), and the [`Client`].
#![warn(missing_docs)]
// Without the transport, the helpers that only the clients call (scrubbing, the typed methods'
// argument lists) are unused.
#![cfg_attr(not(feature = "transport"), allow(dead_code))]

#[cfg(feature = "transport")]
mod async_client;
#[cfg(feature = "transport")]
mod async_methods;
#[cfg(feature = "transport")]
pub mod client;
pub mod config;
#[cfg(feature = "transport")]
mod engine;
pub mod error;
#[cfg(feature = "transport")]
mod methods;
pub mod models;
pub mod ops;
pub mod options;
pub mod retry;
#[cfg(feature = "transport")]
mod tls;
#[cfg(feature = "transport")]
mod transport;
pub mod validate;

#[cfg(feature = "transport")]
pub use async_client::{AsyncClient, Prepared};
#[cfg(feature = "transport")]
pub use client::Client;
pub use config::{Config, ConfigBuilder, Secret, VERSION};
#[cfg(feature = "transport")]
pub use engine::fork_generation;
pub use error::{Error, ErrorKind, Result};
pub use models::{ActionResponse, Answer, Node, Phlo, PhloRun, PhloRunStarted, RawResponse};
pub use ops::{
    operations_json, Endpoint, Method, Model, NodeType, OpSpec, Operation, ParamKind, ParamSpec,
    Request, OPERATIONS, PARAMS,
};
pub use options::{options_json, OptionKind, OptionSpec, OptionValue, OPTIONS};
pub use retry::{ActionRetry, RetryPolicy};
pub use validate::Validation;
