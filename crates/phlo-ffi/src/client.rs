//! The handle, [`phlo_client`], and the operations on it. The doc lists between
//! `BEGIN GENERATED` and `END GENERATED` are written by `cargo xtask gen` from the core's tables.
//!
//! Every operation goes through the core's named path: [`Client::call`] with a JSON object of
//! parameters, or [`Client::call_strings`] with name/value string pairs for the typed helpers
//! and `phlo_client_call_strings` (no JSON to build or parse on the way in). The core's table of
//! operations decides the parameters, their defaults and their checks, so this file only moves
//! C strings in and the answer back out. A new operation needs nothing here: it is reached by
//! name through `phlo_client_call`.
//!
//! The typed helpers (`phlo_client_mpc_cold_transfer`, ...) are kept for the calls C programs
//! make most: a function per call with its arguments spelled out is the clearer C API there,
//! and it costs no JSON. The rest of the API is one generic function rather than a function per
//! row, so that the ABI does not grow with the table.

use std::ffi::c_char;

use plivo_phlo::{Client, RawResponse};
use serde_json::{Map, Value};

use crate::boundary::{fallible, infallible, Failure};
use crate::error::phlo_status;
use crate::options;
use crate::strings::{arg_str, into_c_string, json_object, json_value, opt_str, out_param};

/// A PHLO client: credentials, settings and a pool of keep-alive connections.
///
/// Opaque: create it with `phlo_client_new()` and release it with `phlo_client_free()`.
///
/// Thread safety: one handle may be used from many threads at once (it wraps a reference-counted,
/// thread-safe core client). A call runs on the calling thread, and each thread keeps its own
/// keep-alive connection in the handle. It must not be freed while another thread is still using
/// it. Errors are per thread (see `phlo_last_error_json()`), so threads sharing a handle never see
/// each other's failures.
///
/// Processes and signals: a handle made before `fork()` works in the child (which opens its own
/// connections and never touches the parent's) and may be freed there. A signal during a call
/// runs its handler and the call goes on to its answer or its timeout. SIGPIPE is blocked in the
/// calling thread while a call runs, so a closed connection is `PHLO_CONNECTION`, never a killed
/// process.
pub struct phlo_client {
    client: Client,
}

/// The handle behind a `const phlo_client *` (NULL is `PHLO_NULL_POINTER`).
///
/// # Safety
/// `p` is NULL or a live handle from `phlo_client_new`.
unsafe fn handle<'a>(p: *const phlo_client) -> Result<&'a Client, Failure> {
    if p.is_null() {
        return Err(Failure::null("client"));
    }
    // SAFETY: a live handle, by the caller's contract; only shared access is taken.
    Ok(unsafe { &(*p).client })
}

/// Creates a client.
///
/// - `auth_id`, `auth_token`: the credentials; NULL reads `PLIVO_AUTH_ID` / `PLIVO_AUTH_TOKEN`.
///   The auth id must be 20 characters starting `MA` or `SA`. Copied: you may free them after
///   the call.
/// - `options_json`: NULL, or a JSON object of client options. A `null` value is the same as
///   leaving the key out; a number may also be given as a string (`"2.5"`). The options, with
///   the same names and units as in every other binding (times are seconds, fractions allowed):
// BEGIN GENERATED: options (cargo xtask gen)
///   - `"base_url"` (text; default PLIVO_PHLO_BASE_URL, else https://phlorunner.plivo.com). The
///     runner's base URL: scheme, host and optional port, without /v1 (e.g. a simulator's). Plain
///     http:// is for loopback hosts unless allow_insecure_http is set.
///   - `"timeout"` (seconds, a number > 0; default 30 s). Time allowed for each attempt of a
///     request, from connecting to the last byte of the answer.
///   - `"connect_timeout"` (seconds, a number > 0; default 5 s). Time allowed to open a connection.
///   - `"max_retries"` (a whole number; default 2). Most retries after the first attempt (0 turns
///     retries off). Reads are retried on transient failures; runs and actions as action_retry
///     says.
///   - `"action_retry"` (never, safe, always; default safe). When runs and call-control actions,
///     which are not idempotent, are retried: never; safe, only when the request never reached the
///     service or it answered 429; always, like reads.
///   - `"proxy"` (text; default none; HTTPS_PROXY and NO_PROXY apply). A proxy URL for every
///     request, e.g. http://proxy:3128.
///   - `"ca_cert_pem"` (PEM text; default none; the system's roots). Extra trusted CA certificates,
///     PEM-encoded (one or a bundle), e.g. a TLS-intercepting proxy's.
///   - `"user_agent_suffix"` (text; default "C" (also when empty)). The comment of the User-Agent
///     header: plivo-phlo/<version> (<suffix>).
///   - `"max_response_bytes"` (bytes, a whole number; default 1048576). The largest answer
///     accepted; a larger one is a decode error, never an allocation.
///   - `"allow_insecure_http"` (true or false; default false). Allows a plain http:// base URL on a
///     host that is not loopback, which sends the credentials in clear.
///   - `"max_in_flight"` (a whole number; default 100). Most requests one client has in flight at
///     once; further calls wait for a slot, within their timeout.
///   - `"validation"` (strict, service; default strict). What is checked before a request is sent:
///     strict, the checks of the API reference (ids, phone numbers and SIP URIs, roles, actions);
///     service, only what is unsafe in a URL or certainly invalid, leaving the rest to the service
///     (the drop-in's setting).
// END GENERATED: options
/// - `out_client`: receives the new handle on success; release it with `phlo_client_free()`.
///
/// Nothing is sent over the network. Returns `PHLO_OK`, or: `PHLO_NULL_POINTER` (`out_client`
/// NULL), `PHLO_INVALID_UTF8`, `PHLO_INVALID_ARGUMENT` (malformed JSON, an unknown key, a value
/// of the wrong type or out of range, a malformed auth id; the last error's `field` names it),
/// `PHLO_AUTHENTICATION` (no credentials given nor in the environment). On failure
/// `*out_client` is left untouched.
#[no_mangle]
pub unsafe extern "C" fn phlo_client_new(
    auth_id: *const c_char,
    auth_token: *const c_char,
    options_json: *const c_char,
    out_client: *mut *mut phlo_client,
) -> phlo_status {
    fallible(|| {
        let out = out_param(out_client, "out_client")?;
        // SAFETY (all three): NULL or NUL-terminated, by the contract.
        let auth_id = unsafe { opt_str(auth_id, "auth_id") }?;
        let auth_token = unsafe { opt_str(auth_token, "auth_token") }?;
        let options = json_object(
            unsafe { opt_str(options_json, "options_json") }?,
            "options_json",
        )?;
        let client = options::client(auth_id, auth_token, &options)?;
        // SAFETY: `out` is non-NULL and writable, by the contract.
        unsafe { *out = Box::into_raw(Box::new(phlo_client { client })) };
        Ok(())
    })
}

/// Releases a client and its connections. NULL does nothing.
///
/// `client` must come from `phlo_client_new()` and not have been freed. No other thread may be
/// using it, and it must not be used afterwards. Strings already returned by calls on it stay
/// valid until you free them.
/// In the child of a `fork()`, releasing a handle made by the parent leaves the parent's
/// connections alone.
#[no_mangle]
pub unsafe extern "C" fn phlo_client_free(client: *mut phlo_client) {
    infallible((), || {
        if !client.is_null() {
            // SAFETY: the handle came from `Box::into_raw` in `phlo_client_new`.
            drop(unsafe { Box::from_raw(client) });
        }
    })
}

/// Runs `operation` with `params` and writes the answer: the one path of every export below.
///
/// # Safety
/// `client` is NULL or live; `out_json` is writable (checked non-NULL by the caller);
/// `out_http_status` is NULL or writable.
unsafe fn call_into(
    client: &Client,
    operation: &str,
    params: &Map<String, Value>,
    out_json: *mut *mut c_char,
    out_http_status: *mut u16,
) -> Result<(), Failure> {
    let resp = client.call(operation, params)?;
    // SAFETY: forwarded contract.
    unsafe { answer_into(resp, out_json, out_http_status) }
}

/// Writes a successful answer to the out-params.
///
/// # Safety
/// `out_json` is writable (checked non-NULL by the caller); `out_http_status` is NULL or writable.
unsafe fn answer_into(
    resp: RawResponse,
    out_json: *mut *mut c_char,
    out_http_status: *mut u16,
) -> Result<(), Failure> {
    let json = into_c_string(resp.body)?;
    // SAFETY: both checked or allowed NULL above, writable by the contract.
    unsafe {
        *out_json = json;
        if !out_http_status.is_null() {
            *out_http_status = resp.status;
        }
    }
    Ok(())
}

/// Runs any named operation: the generic entry point that reaches the whole API.
///
/// - `operation`: a name from `phlo_operations_json()`:
// BEGIN GENERATED: operations (cargo xtask gen)
///   `get_phlo`, `run_phlo`, `get_phlo_run`, `get_node`, `get_multi_party_call`,
///   `get_conference_bridge`, `mpc_call`, `mpc_warm_transfer`, `mpc_cold_transfer`,
///   `mpc_member_abort_transfer`, `mpc_member_resume_call`, `mpc_member_voicemail_drop`,
///   `mpc_member_hangup`, `mpc_member_hold`, `mpc_member_unhold`, `mpc_member_mute`,
///   `mpc_member_unmute`, `bridge_member_mute`, `bridge_member_unmute`, `bridge_member_hangup`,
///   `node_action`, `member_action`, `raw`.
// END GENERATED: operations
/// - `params_json`: a JSON object of its parameters (string values, except `run_phlo`'s
///   `payload`, an object, and `raw`'s `body`); NULL is `{}`. Example for `mpc_cold_transfer`:
///   `{"phlo_id":"...","node_id":"...","trigger_source":"+14152223333","to":"+14152225555"}`.
/// - `out_json`: on success, receives the response body exactly as the service sent it: a JSON
///   object, or the empty string `""` when the service answered 2xx with no body (empty, or only
///   whitespace; some member actions are answered so). `""` is a success whose fields are all
///   absent, never an error (the action was carried out): check for it before decoding the
///   text as JSON. Free it with `phlo_string_free()`.
/// - `out_http_status`: on success, receives the HTTP status (any 2xx); may be NULL.
///
/// Blocks until the answer arrives, retries included (bounded by the client's timeouts).
/// Returns `PHLO_OK`, or: `PHLO_NULL_POINTER` (`client`, `operation` or `out_json` NULL),
/// `PHLO_INVALID_UTF8`, `PHLO_INVALID_ARGUMENT` (malformed JSON, unknown operation, unknown,
/// missing or malformed parameter: nothing was sent), or the service's and the network's
/// failures: `PHLO_AUTHENTICATION`, `PHLO_NOT_FOUND`, `PHLO_BAD_REQUEST`, `PHLO_RATE_LIMITED`,
/// `PHLO_SERVER`, `PHLO_TIMEOUT`, `PHLO_CONNECTION`, `PHLO_DECODE`. Details are in
/// `phlo_last_error_json()`. The out-params are written only on success.
#[no_mangle]
pub unsafe extern "C" fn phlo_client_call(
    client: *const phlo_client,
    operation: *const c_char,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
    out_http_status: *mut u16,
) -> phlo_status {
    fallible(|| {
        // SAFETY (all): pointers are NULL or valid, by the contract; NULL is checked.
        let client = unsafe { handle(client) }?;
        let operation = unsafe { arg_str(operation, "operation") }?;
        let params = json_object(
            unsafe { opt_str(params_json, "params_json") }?,
            "params_json",
        )?;
        let out_json = out_param(out_json, "out_json")?;
        unsafe { call_into(client, operation, &params, out_json, out_http_status) }
    })
}

/// The most parameters a named operation has (`node_action`: six), with room to spare; more
/// name/value pairs than this are `PHLO_INVALID_ARGUMENT`.
const MAX_PARAMS: usize = 8;

/// More name/value pairs than [`MAX_PARAMS`]: `PHLO_INVALID_ARGUMENT` naming `count`.
fn too_many_params() -> Failure {
    plivo_phlo::Error::invalid("count", format_args!("must be at most {MAX_PARAMS}")).into()
}

/// The C string arguments of a typed helper as name/value pairs, borrowed (no copy, no JSON).
struct Args<'a> {
    pairs: [(&'a str, &'a str); MAX_PARAMS],
    len: usize,
}

impl<'a> Args<'a> {
    fn new() -> Args<'a> {
        Args {
            pairs: [("", ""); MAX_PARAMS],
            len: 0,
        }
    }

    fn push(&mut self, name: &'a str, value: &'a str) -> Result<(), Failure> {
        let slot = self.pairs.get_mut(self.len).ok_or_else(too_many_params)?;
        *slot = (name, value);
        self.len += 1;
        Ok(())
    }

    /// A required string: NULL is `PHLO_NULL_POINTER` naming `name`.
    ///
    /// # Safety
    /// `p` is NULL or NUL-terminated, and outlives `'a`.
    unsafe fn req(mut self, name: &'a str, p: *const c_char) -> Result<Args<'a>, Failure> {
        // SAFETY: forwarded contract.
        let v = unsafe { arg_str(p, name) }?;
        self.push(name, v)?;
        Ok(self)
    }

    /// An optional string: NULL leaves the parameter out (the operation's default applies).
    ///
    /// # Safety
    /// `p` is NULL or NUL-terminated, and outlives `'a`.
    unsafe fn opt(mut self, name: &'a str, p: *const c_char) -> Result<Args<'a>, Failure> {
        // SAFETY: forwarded contract.
        if let Some(v) = unsafe { opt_str(p, name) }? {
            self.push(name, v)?;
        }
        Ok(self)
    }

    fn as_slice(&self) -> &[(&'a str, &'a str)] {
        &self.pairs[..self.len]
    }
}

/// Runs `operation` with `args` built from C strings (the typed helpers' common body).
///
/// # Safety
/// As the typed helpers.
unsafe fn typed<'a>(
    client: *const phlo_client,
    operation: &str,
    args: impl FnOnce() -> Result<Args<'a>, Failure>,
    out_json: *mut *mut c_char,
) -> phlo_status {
    fallible(|| {
        // SAFETY: NULL or a live handle, by the contract.
        let client = unsafe { handle(client) }?;
        let args = args()?;
        let out_json = out_param(out_json, "out_json")?;
        let resp = client.call_strings(operation, args.as_slice())?;
        // SAFETY: `out_json` checked; no status out-param.
        unsafe { answer_into(resp, out_json, std::ptr::null_mut()) }
    })
}

/// Runs any named operation whose parameters are strings, given as two arrays: the generic
/// entry point without JSON on the way in (every operation but `run_phlo` with a payload and
/// `raw` with a body, whose values are JSON).
///
/// - `operation`: a name from `phlo_operations_json()`, as for `phlo_client_call()`.
/// - `names`, `values`: `count` parameter names and their values, e.g. `{"phlo_id", "node_id",
///   "trigger_source", "to"}` and the matching strings. A NULL value leaves that parameter out
///   (the operation's default applies, or it is reported missing); a NULL name is
///   `PHLO_NULL_POINTER`. Both arrays may be NULL when `count` is 0. Copied as needed: you may
///   free them after the call.
/// - `count`: the number of pairs, at most 8 (no operation has more than 6 parameters).
/// - `out_json`, `out_http_status`: as for `phlo_client_call()`.
///
/// Returns and fails exactly like `phlo_client_call()` with the same parameters as a JSON
/// object; a name given twice is `PHLO_INVALID_ARGUMENT`. `names` and `values`, when not NULL,
/// must each point to `count` pointers.
#[no_mangle]
pub unsafe extern "C" fn phlo_client_call_strings(
    client: *const phlo_client,
    operation: *const c_char,
    names: *const *const c_char,
    values: *const *const c_char,
    count: usize,
    out_json: *mut *mut c_char,
    out_http_status: *mut u16,
) -> phlo_status {
    fallible(|| {
        // SAFETY (all): pointers are NULL or valid, by the contract; NULL is checked.
        let client = unsafe { handle(client) }?;
        let operation = unsafe { arg_str(operation, "operation") }?;
        let out_json = out_param(out_json, "out_json")?;
        if count > MAX_PARAMS {
            return Err(too_many_params());
        }
        let mut args = Args::new();
        if count > 0 {
            if names.is_null() {
                return Err(Failure::null("names"));
            }
            if values.is_null() {
                return Err(Failure::null("values"));
            }
            for i in 0..count {
                // SAFETY: both arrays hold `count` pointers, by the contract.
                let (n, v) = unsafe { (*names.add(i), *values.add(i)) };
                let name = unsafe { arg_str(n, "names") }?;
                if let Some(value) = unsafe { opt_str(v, name) }? {
                    args.push(name, value)?;
                }
            }
        }
        let resp = client.call_strings(operation, args.as_slice())?;
        // SAFETY: `out_json` checked; `out_http_status` NULL or writable.
        unsafe { answer_into(resp, out_json, out_http_status) }
    })
}

/// Adds a party to a multi-party call: `action=call` (the `mpc_call` operation).
///
/// `phlo_id`, `node_id` (the multi-party-call node), `trigger_source` (the connected member on
/// whose behalf it runs), `to` (phone number or SIP URI to dial) and `role` (`"agent"`,
/// `"customer"` or `"supervisor"`) are all required: NULL is `PHLO_NULL_POINTER`.
/// On success `*out_json` receives the response body (`{"api_id":"...","error":""}`, or
/// `""`: see `phlo_client_call()`); free it with `phlo_string_free()`. Fails like
/// `phlo_client_call()`.
#[no_mangle]
pub unsafe extern "C" fn phlo_client_mpc_call(
    client: *const phlo_client,
    phlo_id: *const c_char,
    node_id: *const c_char,
    trigger_source: *const c_char,
    to: *const c_char,
    role: *const c_char,
    out_json: *mut *mut c_char,
) -> phlo_status {
    // SAFETY (all helpers below): each pointer is NULL or NUL-terminated, by the contract.
    unsafe {
        typed(
            client,
            "mpc_call",
            || {
                Args::new()
                    .req("phlo_id", phlo_id)?
                    .req("node_id", node_id)?
                    .req("trigger_source", trigger_source)?
                    .req("to", to)?
                    .req("role", role)
            },
            out_json,
        )
    }
}

/// The body shared by the two transfer helpers.
///
/// # Safety
/// As the helpers.
#[allow(clippy::too_many_arguments)]
unsafe fn transfer(
    operation: &str,
    client: *const phlo_client,
    phlo_id: *const c_char,
    node_id: *const c_char,
    trigger_source: *const c_char,
    to: *const c_char,
    role: *const c_char,
    out_json: *mut *mut c_char,
) -> phlo_status {
    unsafe {
        typed(
            client,
            operation,
            || {
                Args::new()
                    .req("phlo_id", phlo_id)?
                    .req("node_id", node_id)?
                    .req("trigger_source", trigger_source)?
                    .req("to", to)?
                    .opt("role", role)
            },
            out_json,
        )
    }
}

/// Consultative transfer (`mpc_warm_transfer`): `trigger_source` talks to `to` first while the
/// other members wait on hold; complete it with `mpc_member_resume_call` or cancel it with
/// `mpc_member_abort_transfer`.
///
/// `role` may be NULL, meaning `"agent"`; the other strings are required (NULL is
/// `PHLO_NULL_POINTER`). On success `*out_json` receives the response body (or `""`: see
/// `phlo_client_call()`); free it with `phlo_string_free()`. Fails like `phlo_client_call()`.
#[no_mangle]
pub unsafe extern "C" fn phlo_client_mpc_warm_transfer(
    client: *const phlo_client,
    phlo_id: *const c_char,
    node_id: *const c_char,
    trigger_source: *const c_char,
    to: *const c_char,
    role: *const c_char,
    out_json: *mut *mut c_char,
) -> phlo_status {
    unsafe {
        transfer(
            "mpc_warm_transfer",
            client,
            phlo_id,
            node_id,
            trigger_source,
            to,
            role,
            out_json,
        )
    }
}

/// Blind transfer (`mpc_cold_transfer`): `to` joins the call and `trigger_source` leaves it.
///
/// `role` may be NULL, meaning `"agent"`; the other strings are required (NULL is
/// `PHLO_NULL_POINTER`). On success `*out_json` receives the response body
/// (`{"api_id":"...","error":""}`, or `""`: see `phlo_client_call()`); free it with
/// `phlo_string_free()`. Fails like `phlo_client_call()`; for example `PHLO_BAD_REQUEST` when
/// `trigger_source` is not a connected member of the call.
#[no_mangle]
pub unsafe extern "C" fn phlo_client_mpc_cold_transfer(
    client: *const phlo_client,
    phlo_id: *const c_char,
    node_id: *const c_char,
    trigger_source: *const c_char,
    to: *const c_char,
    role: *const c_char,
    out_json: *mut *mut c_char,
) -> phlo_status {
    unsafe {
        transfer(
            "mpc_cold_transfer",
            client,
            phlo_id,
            node_id,
            trigger_source,
            to,
            role,
            out_json,
        )
    }
}

/// Any member action (`member_action`): `action` (e.g. `"hold"`, `"unhold"`, `"mute"`,
/// `"unmute"`, `"hangup"`, `"resume_call"`, `"abort_transfer"`, `"voicemail_drop"`) on member
/// `member_id` (phone number or SIP URI) of node `node_id`, whose type `node_type` is
/// `"multi_party_call"` or `"conference_bridge"`.
///
/// Every string is required (NULL is `PHLO_NULL_POINTER`). On success `*out_json` receives the
/// response body (or `""`: see `phlo_client_call()`); free it with `phlo_string_free()`. Fails
/// like `phlo_client_call()`; for example `PHLO_NOT_FOUND` when the member is not in the call.
#[no_mangle]
pub unsafe extern "C" fn phlo_client_member_action(
    client: *const phlo_client,
    phlo_id: *const c_char,
    node_type: *const c_char,
    node_id: *const c_char,
    member_id: *const c_char,
    action: *const c_char,
    out_json: *mut *mut c_char,
) -> phlo_status {
    unsafe {
        typed(
            client,
            "member_action",
            || {
                Args::new()
                    .req("phlo_id", phlo_id)?
                    .req("node_type", node_type)?
                    .req("node_id", node_id)?
                    .req("member_id", member_id)?
                    .req("action", action)
            },
            out_json,
        )
    }
}

/// Reads a PHLO's metadata (`get_phlo`): `{"api_id","phlo_id","name","created_on"}`.
///
/// `phlo_id` is required (NULL is `PHLO_NULL_POINTER`). On success `*out_json` receives the
/// response body (or `""`: see `phlo_client_call()`); free it with `phlo_string_free()`. Fails
/// like `phlo_client_call()`; `PHLO_NOT_FOUND` for an unknown PHLO.
#[no_mangle]
pub unsafe extern "C" fn phlo_client_get_phlo(
    client: *const phlo_client,
    phlo_id: *const c_char,
    out_json: *mut *mut c_char,
) -> phlo_status {
    unsafe {
        typed(
            client,
            "get_phlo",
            || Args::new().req("phlo_id", phlo_id),
            out_json,
        )
    }
}

/// Starts a run of a PHLO (`run_phlo`).
///
/// `payload_json` is NULL (no start variables; `{}` is sent) or a JSON object of the start
/// node's variables, e.g. `{"from":"+14152225555","to":"+14153336666"}`; entries whose value is
/// `null` are dropped. Malformed JSON is `PHLO_INVALID_ARGUMENT` with field `payload_json`; JSON
/// that is not an object is `PHLO_INVALID_ARGUMENT` with field `payload`.
/// On success `*out_json` receives the response body (`{"api_id","phlo_id","message"}`, maybe
/// `"phlo_run_id"`; the run id is `phlo_run_id` when present, else `api_id`; or `""`: see
/// `phlo_client_call()`); a "stopped ..."
/// message is still a success. Free it with `phlo_string_free()`. Fails like
/// `phlo_client_call()`. A run is not idempotent: by default it is retried only when the request
/// never reached the service, or on 429.
#[no_mangle]
pub unsafe extern "C" fn phlo_client_run_phlo(
    client: *const phlo_client,
    phlo_id: *const c_char,
    payload_json: *const c_char,
    out_json: *mut *mut c_char,
) -> phlo_status {
    fallible(|| {
        // SAFETY (all): pointers are NULL or valid, by the contract; NULL is checked.
        let client = unsafe { handle(client) }?;
        let phlo_id = unsafe { arg_str(phlo_id, "phlo_id") }?;
        let payload = unsafe { opt_str(payload_json, "payload_json") }?;
        let mut params = Map::new();
        params.insert("phlo_id".into(), phlo_id.into());
        if let Some(v) = json_value(payload, "payload_json")? {
            params.insert("payload".into(), v);
        }
        let out_json = out_param(out_json, "out_json")?;
        unsafe { call_into(client, "run_phlo", &params, out_json, std::ptr::null_mut()) }
    })
}
