//! Client configuration: credentials, base URL, timeouts, retries, proxy, TLS roots.

use std::fmt;
use std::time::Duration;

use crate::error::{Error, ErrorKind, Result};
use crate::retry::{ActionRetry, RetryPolicy};
use crate::validate::{self, Validation};

/// The production PHLO runner host (the host root, without `/v1`).
pub const DEFAULT_BASE_URL: &str = "https://phlorunner.plivo.com";
/// Environment variable read for the auth id when none is given.
pub const ENV_AUTH_ID: &str = "PLIVO_AUTH_ID";
/// Environment variable read for the auth token when none is given.
pub const ENV_AUTH_TOKEN: &str = "PLIVO_AUTH_TOKEN";
/// Environment variable read for the base URL when none is given.
pub const ENV_BASE_URL: &str = "PLIVO_PHLO_BASE_URL";
/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time allowed for one whole request, from connect to the last body byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default cap on a response body; a larger answer is a `decode` error, never an allocation.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1 << 20;
/// Default cap on the requests one client has in flight at once (as aiohttp's connector limit):
/// 10,000 spawned tasks then share 100 connections instead of opening 10,000 sockets.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 100;
/// Longest auth token accepted (Plivo's are 40 characters; this only keeps a mistake, such as a
/// file's contents, from becoming a multi-megabyte header).
pub const MAX_TOKEN_LEN: usize = 512;
/// The library version, from `Cargo.toml`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A secret string whose `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret itself; only the transport calls this, to build the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A complete, checked configuration; build one with [`Config::builder`] or [`Config::from_env`].
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) auth_id: String,
    pub(crate) auth_token: Secret,
    pub(crate) base_url: String,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) proxy: Option<String>,
    pub(crate) user_agent: String,
    pub(crate) ca_certs_pem: Vec<Vec<u8>>,
    pub(crate) max_response_bytes: usize,
    pub(crate) allow_insecure_http: bool,
    pub(crate) max_in_flight: usize,
    pub(crate) validation: Validation,
}

impl Config {
    /// A builder with nothing set: unset credentials and base URL come from the environment.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Credentials and base URL from `PLIVO_AUTH_ID`, `PLIVO_AUTH_TOKEN` and
    /// `PLIVO_PHLO_BASE_URL`, defaults for the rest.
    ///
    /// Fails with `authentication` when a credential is missing, `invalid_argument` when one is
    /// malformed.
    pub fn from_env() -> Result<Config> {
        Config::builder().build()
    }

    /// The auth id (the basic-auth user, also used in the run path).
    pub fn auth_id(&self) -> &str {
        &self.auth_id
    }
    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
    /// Time allowed to open a connection.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }
    /// Time allowed for one request.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
    /// The retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }
    /// The `User-Agent` sent on every request.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }
    /// The response body cap in bytes.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }
    /// Whether a plain `http://` base URL on a host other than loopback was allowed.
    pub fn allow_insecure_http(&self) -> bool {
        self.allow_insecure_http
    }
    /// Most requests this client has in flight at once; further calls wait for a slot.
    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight
    }
    /// How much every operation's arguments are checked before sending.
    pub fn validation(&self) -> Validation {
        self.validation
    }
}

/// Builds a [`Config`]; every setter is optional.
///
/// Credentials are resolved per field: the given value first, else the environment variable.
/// The setters are the options of [`crate::options::OPTIONS`] with Rust types (a `Duration` for
/// a time); [`ConfigBuilder::option`] and [`ConfigBuilder::options_json`] set them by name.
#[derive(Clone, Default)]
pub struct ConfigBuilder {
    auth_id: Option<String>,
    auth_token: Option<String>,
    base_url: Option<String>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    proxy: Option<String>,
    user_agent_suffix: Option<String>,
    ca_certs_pem: Vec<Vec<u8>>,
    max_response_bytes: Option<usize>,
    allow_insecure_http: bool,
    max_in_flight: Option<usize>,
    validation: Option<Validation>,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("auth_id", &self.auth_id)
            .field("auth_token", &self.auth_token.as_ref().map(|_| "***"))
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    /// The auth id (`MA…` or `SA…`, 20 characters).
    pub fn auth_id(mut self, v: impl Into<String>) -> Self {
        self.auth_id = Some(v.into());
        self
    }
    /// The auth token.
    pub fn auth_token(mut self, v: impl Into<String>) -> Self {
        self.auth_token = Some(v.into());
        self
    }
    /// The runner base URL: scheme, host and optional port, no `/v1` (e.g. a simulator's).
    pub fn base_url(mut self, v: impl Into<String>) -> Self {
        self.base_url = Some(v.into());
        self
    }
    /// Time allowed to open a connection (default 5 s).
    pub fn connect_timeout(mut self, v: Duration) -> Self {
        self.connect_timeout = Some(v);
        self
    }
    /// Time allowed for one request (default 30 s).
    pub fn timeout(mut self, v: Duration) -> Self {
        self.timeout = Some(v);
        self
    }
    /// The whole retry policy (default [`RetryPolicy::default`]); replaces what
    /// [`ConfigBuilder::max_retries`] and [`ConfigBuilder::action_retry`] set before it.
    pub fn retry(mut self, v: RetryPolicy) -> Self {
        self.retry = v;
        self
    }
    /// Most retries after the first attempt (default 2; 0 turns retries off).
    pub fn max_retries(mut self, v: u32) -> Self {
        self.retry.max_retries = v;
        self
    }
    /// When runs and actions, which are not idempotent, are retried (default
    /// [`ActionRetry::Safe`]).
    pub fn action_retry(mut self, v: ActionRetry) -> Self {
        self.retry.actions = v;
        self
    }
    /// A proxy URL for every request (`http://host:port`); `HTTPS_PROXY`/`NO_PROXY` apply when unset.
    pub fn proxy(mut self, v: impl Into<String>) -> Self {
        self.proxy = Some(v.into());
        self
    }
    /// The runtime named in the User-Agent instead of Rust's, e.g. `"Python: 3.11.7"` from a
    /// binding: `plivo-phlo/0.1.0 (Python: 3.11.7)`.
    pub fn user_agent_suffix(mut self, v: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(v.into());
        self
    }
    /// An extra trusted CA certificate, PEM-encoded (for a TLS-intercepting proxy or a test server).
    pub fn add_ca_cert_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_certs_pem.push(pem.into());
        self
    }
    /// The response body cap in bytes (default 1 MiB).
    pub fn max_response_bytes(mut self, v: usize) -> Self {
        self.max_response_bytes = Some(v);
        self
    }
    /// Allows a plain `http://` base URL on a host other than loopback (default `false`).
    ///
    /// Over plain HTTP the credentials cross the network in clear, so such a base URL is refused
    /// unless this is set; loopback hosts (`localhost`, `127.0.0.0/8`, `::1`), where a simulator
    /// or a local gateway runs, are always allowed.
    pub fn allow_insecure_http(mut self, v: bool) -> Self {
        self.allow_insecure_http = v;
        self
    }
    /// Most requests the client has in flight at once (default 100); further calls wait for a
    /// slot, within their timeout.
    pub fn max_in_flight(mut self, v: usize) -> Self {
        self.max_in_flight = Some(v);
        self
    }
    /// How much every operation's arguments are checked before sending (default
    /// [`Validation::Strict`]: the checks of section 6 of the API reference).
    ///
    /// [`Validation::Service`] refuses only what is unsafe in the URL or certainly invalid and
    /// lets the service answer the rest, as the official SDKs do: the drop-in layers use it, so
    /// that a request the official SDK would send is sent, and fails (if it does) with the
    /// service's own answer.
    pub fn validation(mut self, v: Validation) -> Self {
        self.validation = Some(v);
        self
    }

    /// Resolves the environment, checks every value and returns the configuration.
    ///
    /// Fails with `authentication` when a credential is missing and `invalid_argument` (naming the
    /// field) when a value is malformed. The token never appears in the error.
    pub fn build(self) -> Result<Config> {
        let from_env = |given: Option<String>, var: &str| given.or_else(|| std::env::var(var).ok());
        let auth_id = from_env(self.auth_id, ENV_AUTH_ID).filter(|s| !s.is_empty());
        let auth_token = from_env(self.auth_token, ENV_AUTH_TOKEN).filter(|s| !s.is_empty());
        let (auth_id, auth_token) = match (auth_id, auth_token) {
            (Some(i), Some(t)) => (i, t),
            (i, _) => {
                let missing = if i.is_none() { "auth_id" } else { "auth_token" };
                let var = if i.is_none() {
                    ENV_AUTH_ID
                } else {
                    ENV_AUTH_TOKEN
                };
                return Err(Error::new(
                    ErrorKind::Authentication,
                    format!("no credentials: {missing} is empty or not given, and {var} is empty or not set"),
                ));
            }
        };
        validate::auth_id(&auth_id)?;
        if auth_token.chars().any(|c| c.is_control()) {
            return Err(Error::invalid("auth_token", "contains a control character"));
        }
        if auth_token.len() > MAX_TOKEN_LEN {
            return Err(Error::invalid(
                "auth_token",
                format_args!("longer than {MAX_TOKEN_LEN} characters"),
            ));
        }
        // An explicit empty base URL is a mistake, never a silent switch to production; an
        // empty environment variable counts as unset, as shells make it easy to leave one so.
        let base_url = match self.base_url {
            Some(given) if given.is_empty() => {
                return Err(Error::invalid("base_url", "must not be empty"));
            }
            Some(given) => given,
            None => std::env::var(ENV_BASE_URL)
                .ok()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()),
        };
        let base_url = check_base_url(&base_url, self.allow_insecure_http)?;
        for (field, d) in [
            ("timeout", self.timeout),
            ("connect_timeout", self.connect_timeout),
        ] {
            if d == Some(Duration::ZERO) {
                return Err(Error::invalid(field, "must be greater than zero"));
            }
        }
        if self.max_in_flight == Some(0) {
            return Err(Error::invalid("max_in_flight", "must be greater than zero"));
        }
        if self.max_response_bytes == Some(0) {
            return Err(Error::invalid(
                "max_response_bytes",
                "must be greater than zero",
            ));
        }
        let mut user_agent = format!(
            "plivo-phlo/{VERSION} (Rust: {})",
            env!("PHLO_RUSTC_VERSION")
        );
        if let Some(s) = self.user_agent_suffix.filter(|s| !s.is_empty()) {
            if s.len() > 256 || s.chars().any(|c| c.is_control() || !c.is_ascii()) {
                return Err(Error::invalid(
                    "user_agent_suffix",
                    "must be at most 256 printable ASCII characters",
                ));
            }
            user_agent = format!("plivo-phlo/{VERSION} ({s})");
        }
        if self.proxy.as_deref() == Some("") {
            return Err(Error::invalid(
                "proxy",
                "must not be empty (leave it unset for none)",
            ));
        }
        Ok(Config {
            auth_id,
            auth_token: Secret(auth_token),
            base_url,
            connect_timeout: self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            retry: self.retry,
            proxy: self.proxy,
            user_agent,
            ca_certs_pem: self.ca_certs_pem,
            max_response_bytes: self
                .max_response_bytes
                .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            allow_insecure_http: self.allow_insecure_http,
            max_in_flight: self.max_in_flight.unwrap_or(DEFAULT_MAX_IN_FLIGHT),
            validation: self.validation.unwrap_or_default(),
        })
    }
}

/// Checks a base URL and returns it without a trailing slash.
///
/// It must be `http` or `https`, have a host, carry no credentials, query or fragment, and not
/// end in `/v1` (the client adds the `/v1/...` paths itself). Plain `http` is for loopback hosts
/// only, unless `allow_http` says otherwise: the credentials travel in every request.
fn check_base_url(raw: &str, allow_http: bool) -> Result<String> {
    let bad = |why: &str| Err(Error::invalid("base_url", why));
    // The URL parser would silently trim these; a URL that needed trimming is not what was meant.
    if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return bad("contains a space or control character");
    }
    let Ok(url) = url::Url::parse(raw) else {
        return bad("is not a URL (expected e.g. https://phlorunner.plivo.com)");
    };
    if !matches!(url.scheme(), "http" | "https") {
        return bad("must start with http:// or https://");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return bad("has no host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return bad("must not contain credentials; use auth_id and auth_token");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return bad("must not have a query or fragment");
    }
    if url.scheme() == "http" && !allow_http && !is_loopback(&url) {
        return bad(
            "is plain http:// on a host that is not loopback, which would send the credentials \
             in clear; use https://, or set allow_insecure_http to send them anyway",
        );
    }
    let trimmed = url.as_str().trim_end_matches('/');
    if trimmed.ends_with("/v1") {
        return bad("must be the host root without /v1 (e.g. https://phlorunner.plivo.com)");
    }
    Ok(trimmed.to_owned())
}

/// Whether the URL's host is this machine: `localhost` (and its subdomains, which RFC 6761
/// reserves for loopback), `127.0.0.0/8` or `::1`.
pub(crate) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> ConfigBuilder {
        Config::builder()
            .auth_id("MAXXXXXXXXXXXXXXXXXX")
            .auth_token("tok-SECRET-42")
    }

    #[test]
    fn base_url_is_normalised_and_checked() {
        let c = base().base_url("http://127.0.0.1:8080/").build().unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:8080");
        for bad in [
            "",
            " http://h",
            "http://h\u{0}",
            "http://h/\n",
            "ftp://x",
            "nonsense",
            "https://h/v1",
            "https://u:p@h",
            "https://h/?q=1",
        ] {
            let e = base().base_url(bad).build().unwrap_err();
            assert_eq!(e.field(), Some("base_url"), "{bad}");
        }
    }

    #[test]
    fn plain_http_is_for_loopback_unless_allowed() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.9.0.1",
            "http://localhost:1",
            "http://LOCALHOST.",
            "http://sim.localhost",
            "http://[::1]:80",
            "https://phlorunner.plivo.com",
        ] {
            assert!(base().base_url(ok).build().is_ok(), "{ok}");
        }
        for bad in [
            "http://phlorunner.plivo.com",
            "http://10.0.0.1",
            "http://localhost.example.com",
            "http://[::2]",
        ] {
            let e = base().base_url(bad).build().unwrap_err();
            assert_eq!(e.field(), Some("base_url"), "{bad}");
            assert!(e.message().contains("allow_insecure_http"), "{e}");
            let c = base().base_url(bad).allow_insecure_http(true).build();
            assert!(c.is_ok(), "{bad}");
        }
    }

    #[test]
    fn token_never_in_debug() {
        let c = base().build().unwrap();
        assert!(!format!("{c:?}").contains("tok-SECRET-42"));
        assert!(!format!("{:?}", base()).contains("tok-SECRET-42"));
        assert_eq!(c.auth_token.expose(), "tok-SECRET-42");
    }

    #[test]
    fn a_ca_cert_that_is_not_pem_is_rejected_at_construction() {
        let e = crate::Client::new(
            base()
                .add_ca_cert_pem(b"not a certificate".to_vec())
                .build()
                .unwrap(),
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("ca_cert_pem"), "{e}");
        let bogus = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_vec();
        let e = crate::Client::new(base().add_ca_cert_pem(bogus).build().unwrap()).unwrap_err();
        assert_eq!(e.field(), Some("ca_cert_pem"), "{e}");
    }

    #[test]
    fn odd_options_are_rejected_or_survive() {
        assert_eq!(base().proxy("").build().unwrap_err().field(), Some("proxy"));
        let e = base().user_agent_suffix("C\n").build().unwrap_err();
        assert_eq!(e.field(), Some("user_agent_suffix"));
        // The largest cap is accepted and does not overflow when a body is read.
        assert!(crate::Client::new(base().max_response_bytes(usize::MAX).build().unwrap()).is_ok());
    }

    #[test]
    fn zero_timeouts_are_rejected() {
        let e = base().timeout(Duration::ZERO).build().unwrap_err();
        assert_eq!(e.field(), Some("timeout"));
    }
}
