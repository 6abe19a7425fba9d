//! The C ABI of the PHLO client: `libphlo.so` / `libphlo.a`, described by `include/phlo.h`.
//!
//! This crate only translates between C and the core crate ([`plivo_phlo`]): C strings to Rust
//! strings, JSON text to parameter objects and options, core errors to [`phlo_status`] codes and
//! a thread-local last error. Validation, URL building, retries and error mapping all live in
//! the core; every operation goes through [`plivo_phlo::Client::call`] (a JSON object of
//! parameters) or [`plivo_phlo::Client::call_strings`] (name/value strings: the typed helpers
//! and `phlo_client_call_strings`).
//!
//! The module layout follows what each file holds:
//! - [`boundary`]: the panic boundary every export runs inside, and the failure type;
//! - [`error`]: [`phlo_status`], the one status ⇄ error-kind mapping, the thread-local last error;
//! - [`strings`]: C string and JSON conversions, [`phlo_string_free`];
//! - [`options`]: the `options_json` object of [`phlo_client_new`];
//! - [`client`]: the handle and the operations;
//! - [`meta`]: version, status names, and the tables of operations and options.
//!
//! The header is generated from this crate by the `cbindgen` command (see `cbindgen.toml`), so
//! the doc comments on exported items are written for a C reader: what a pointer must be is said
//! in the prose, not under Rust's `# Safety` heading, which would read oddly in C.
#![warn(missing_docs)]
// The exported names are C names (`phlo_client`, `phlo_status`, `PHLO_OK`).
#![allow(non_camel_case_types)]
// See above: the contract of each export's pointers is in its doc, worded for C.
#![allow(clippy::missing_safety_doc)]

pub mod boundary;
pub mod client;
pub mod error;
pub mod meta;
pub mod options;
pub mod strings;

pub use client::{
    phlo_client, phlo_client_call, phlo_client_call_strings, phlo_client_free,
    phlo_client_get_phlo, phlo_client_member_action, phlo_client_mpc_call,
    phlo_client_mpc_cold_transfer, phlo_client_mpc_warm_transfer, phlo_client_new,
    phlo_client_run_phlo,
};
pub use error::{phlo_last_error_json, phlo_status};
pub use meta::{
    phlo_operations_json, phlo_options_json, phlo_status_name, phlo_version, PHLO_VERSION,
    PHLO_VERSION_MAJOR, PHLO_VERSION_MINOR, PHLO_VERSION_PATCH,
};
pub use strings::phlo_string_free;
