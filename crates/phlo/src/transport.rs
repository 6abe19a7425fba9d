//! The HTTP layer: the request as reqwest sends it, one attempt at a time, and the retry loop
//! around it; the connection pools. Nothing above this module sees HTTP types.
//!
//! Everything here is `async`: the blocking client runs it on the calling thread
//! ([`crate::engine`]), the async client on the caller's runtime. A connection belongs to the
//! runtime whose task opened it, so the blocking client keeps one pool per calling thread, and
//! the async client one pool for the runtime it is used on.

use std::cell::RefCell;
use std::mem::ManuallyDrop;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, USER_AGENT,
};
use thread_local::ThreadLocal;
use tokio::sync::Semaphore;

use crate::config::Config;
use crate::engine::Owner;
use crate::error::{Error, ErrorKind, Result, Secrets};
use crate::ops::{Method, Request};
use crate::retry::{parse_retry_after, RetryPolicy};

/// The client's HTTP side: what every request carries, and the pools that send them.
pub(crate) struct Transport {
    /// Headers on every request (credentials, `Accept`, `User-Agent`).
    headers: HeaderMap,
    /// The credentials, and their base64 form, scrubbed from every error.
    secrets: Secrets,
    /// The base URL, parsed once; each request only sets its path (and query) on a copy.
    base: reqwest::Url,
    /// The base URL's own path without its trailing slash (`""` for a host root), put before
    /// every request's `/v1/...` path.
    prefix: String,
    max_response_bytes: usize,
    timeout: Duration,
    connect_timeout: Duration,
    /// The explicit proxy, if any.
    proxy: Option<reqwest::Proxy>,
    /// Whether the environment's proxies (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`...) apply:
    /// only for an `https` base URL, so a plain-HTTP request, credentials included, is never
    /// handed to a proxy the caller did not name.
    env_proxies: bool,
    tls: rustls::ClientConfig,
    /// Bounds the requests in flight (`max_in_flight`), over every thread and task.
    slots: Semaphore,
    max_in_flight: usize,
    /// The blocking client's pools, one per calling thread.
    per_thread: ThreadLocal<RefCell<Option<Pool>>>,
    /// The async client's pool.
    shared: Mutex<Option<Pool>>,
}

/// A pool of keep-alive connections (a reqwest client) and the runtime its connections live on.
struct Pool {
    owner: Owner,
    http: ManuallyDrop<reqwest::Client>,
}

impl Drop for Pool {
    fn drop(&mut self) {
        // SAFETY: taken once, here, and never used again.
        let http = unsafe { ManuallyDrop::take(&mut self.http) };
        // A pool made before a fork holds the parent's connections: never closed by the child.
        if self.owner.is_inherited() {
            crate::engine::keep_forever(http);
        }
    }
}

/// A 2xx answer: status, body text, and how many attempts it took.
pub(crate) struct Reply {
    pub status: u16,
    pub body: String,
    pub attempts: u32,
}

impl Reply {
    /// Parses the body into `T`; a failure is a `decode` error carrying the status and attempts.
    pub(crate) fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        crate::models::decode(&self.body)
            .map_err(|e| e.with_status(self.status).with_attempts(self.attempts))
    }
}

impl Transport {
    pub(crate) fn new(config: &Config) -> Result<Transport> {
        let token = config.auth_token.expose();
        let basic = base64(format!("{}:{}", config.auth_id, token).as_bytes());
        let mut auth = HeaderValue::from_str(&format!("Basic {basic}"))
            .map_err(|_| Error::invalid("auth_token", "is not a valid header value"))?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, auth);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            USER_AGENT,
            HeaderValue::from_str(&config.user_agent)
                .map_err(|_| Error::invalid("user_agent", "is not a valid header value"))?,
        );
        let proxy = config
            .proxy
            .as_deref()
            .map(|p| {
                reqwest::Proxy::all(p)
                    .map_err(|_| Error::invalid("proxy", "is not a valid proxy URL"))
            })
            .transpose()?;
        // `Config` checked the base URL already, so this parse cannot fail in practice.
        let base = reqwest::Url::parse(&config.base_url)
            .map_err(|_| Error::invalid("base_url", "is not a URL"))?;
        let https = base.scheme() == "https";
        // The system's certificate store is read only when something is reached over TLS: a
        // client of a simulator on loopback starts without it.
        let proxy_tls = config.proxy.as_deref().is_some_and(|p| {
            p.get(..8)
                .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
        });
        let extra = crate::tls::parse_extra_cas(&config.ca_certs_pem)?;
        let tls = crate::tls::client_config(&extra, https || proxy_tls)?;
        let prefix = base.path().trim_end_matches('/').to_owned();
        let max_in_flight = config.max_in_flight.min(Semaphore::MAX_PERMITS);
        let transport = Transport {
            headers,
            secrets: Secrets::new(&[token, &basic]),
            base,
            prefix,
            max_response_bytes: config.max_response_bytes,
            timeout: config.timeout,
            connect_timeout: config.connect_timeout,
            proxy,
            env_proxies: https,
            tls,
            slots: Semaphore::new(max_in_flight),
            max_in_flight,
            per_thread: ThreadLocal::new(),
            shared: Mutex::new(None),
        };
        // Build one pool now, so a setting reqwest refuses is an error of the constructor.
        transport.build_http()?;
        Ok(transport)
    }

    /// A reqwest client with this transport's settings: one pool of connections.
    fn build_http(&self) -> Result<reqwest::Client> {
        // Redirects are never followed: a call-control POST must not be replayed elsewhere, and
        // the credentials must not reach another host. A 3xx is reported as `bad_request`.
        let mut b = reqwest::Client::builder()
            .default_headers(self.headers.clone())
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.connect_timeout)
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(60))
            .use_preconfigured_tls(self.tls.clone());
        if !self.env_proxies {
            b = b.no_proxy();
        }
        if let Some(p) = &self.proxy {
            b = b.proxy(p.clone());
        }
        b.build().map_err(|e| {
            Error::new(
                ErrorKind::Connection,
                format!("could not set up HTTP: {}", source_chain(&e)),
            )
        })
    }

    /// The calling thread's pool, for the blocking client running on the runtime `owner`.
    pub(crate) fn thread_pool(&self, owner: Owner) -> Result<reqwest::Client> {
        let cell = self.per_thread.get_or(|| RefCell::new(None));
        // A new pool for a new thread, a thread whose runtime was replaced, or the first call
        // after a fork.
        self.pool_in(&mut cell.borrow_mut(), owner)
    }

    /// The async client's pool.
    pub(crate) fn shared_pool(&self) -> Result<reqwest::Client> {
        let mut slot = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        self.pool_in(&mut slot, Owner::shared())
    }

    /// The pool in `slot` when `owner` made it, else a new one for `owner`, kept there.
    fn pool_in(&self, slot: &mut Option<Pool>, owner: Owner) -> Result<reqwest::Client> {
        if let Some(p) = slot.as_ref().filter(|p| p.owner == owner) {
            return Ok((*p.http).clone());
        }
        let http = self.build_http()?;
        *slot = Some(Pool {
            owner,
            http: ManuallyDrop::new(http.clone()),
        });
        Ok(http)
    }

    /// Removes the credentials from an error made outside [`Transport::send`] (decoding a 2xx
    /// body quotes it, and a server may echo the credentials back).
    pub(crate) fn scrub(&self, e: Error) -> Error {
        e.scrub(&self.secrets)
    }

    /// Sends `req` through `http`, retrying as `policy` allows; returns the 2xx answer.
    ///
    /// Dropping the future abandons the request (its connection is closed, never reused) and
    /// any retry it would have made.
    pub(crate) async fn send(
        &self,
        http: &reqwest::Client,
        req: &Request,
        policy: &RetryPolicy,
    ) -> Result<Reply> {
        let start = Instant::now();
        let mut attempt = 1;
        loop {
            let t0 = Instant::now();
            let outcome = self.attempt(http, req).await;
            let status = match &outcome {
                Ok((s, _)) => Some(*s),
                Err(e) => e.status(),
            };
            log::debug!(
                target: "plivo_phlo",
                "{} {} -> {} (attempt {attempt}, {:.1} ms)",
                req.method.as_str(),
                req.path,
                status.map_or_else(|| "no response".to_owned(), |s| s.to_string()),
                t0.elapsed().as_secs_f64() * 1e3
            );
            let err = match outcome {
                Ok((status, body)) => {
                    return Ok(Reply {
                        status,
                        body,
                        attempts: attempt,
                    })
                }
                Err(e) => e.scrub(&self.secrets).with_attempts(attempt),
            };
            if !policy.retryable(&err, req.idempotent, attempt) {
                return Err(err);
            }
            let Some(delay) = policy.delay(&err, attempt, start.elapsed()) else {
                return Err(err);
            };
            log::info!(target: "plivo_phlo", "retrying {} {} in {} ms after {}", req.method.as_str(), req.path, delay.as_millis(), err.kind());
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// The request URL: the base URL with `path` (already checked and percent-encoded by
    /// [`Operation::request`](crate::ops::Operation::request)) after its own path.
    ///
    /// The base is parsed once, when the client is built; a call only sets its path and query,
    /// which costs a fraction of parsing a whole URL string again.
    fn url(&self, path: &str) -> reqwest::Url {
        let (route, query) = match path.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (path, None),
        };
        let mut url = self.base.clone();
        if self.prefix.is_empty() {
            url.set_path(route);
        } else {
            url.set_path(&format!("{}{route}", self.prefix));
        }
        url.set_query(query);
        url
    }

    /// One HTTP exchange, bounded as a whole by the timeout: the wait for a free slot, connect,
    /// the request, the headers and the whole body, chunked or not.
    async fn attempt(&self, http: &reqwest::Client, req: &Request) -> Result<(u16, String)> {
        let waited = std::sync::atomic::AtomicBool::new(true);
        let exchange = async {
            let _slot = self.slots.acquire().await;
            waited.store(false, std::sync::atomic::Ordering::Relaxed);
            self.exchange(http, req).await
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(outcome) => outcome,
            // Nothing was sent: every slot stayed taken.
            Err(_) if waited.load(std::sync::atomic::Ordering::Relaxed) => Err(Error::new(
                ErrorKind::Timeout,
                format!(
                    "timed out waiting for a free slot: max_in_flight ({}) requests of this \
                     client were in flight for all of {}; nothing was sent",
                    self.max_in_flight,
                    seconds(self.timeout)
                ),
            )
            .with_not_sent(true)),
            Err(_) => Err(Error::new(
                ErrorKind::Timeout,
                format!(
                    "timed out waiting for the response: no complete answer within {} \
                     (connect, headers and body)",
                    seconds(self.timeout)
                ),
            )),
        }
    }

    async fn exchange(&self, http: &reqwest::Client, req: &Request) -> Result<(u16, String)> {
        let method = match req.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut rb = http.request(method, self.url(&req.path));
        if let Some(body) = &req.body {
            rb = rb
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.clone());
        }
        let resp = rb.send().await.map_err(|e| transport_error(&e))?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let location = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut body = self.read_body(resp, status).await?;
        // A server that echoes the credentials back gets them nowhere: not into a result, an
        // error message, an api_id, or a truncated quote of the body.
        self.secrets.scrub_in_place(&mut body);
        if (200..300).contains(&status) {
            return Ok((status, body));
        }
        let err = Error::from_response(status, &body, &req.path).with_retry_after(retry_after);
        Err(match location.filter(|_| (300..400).contains(&status)) {
            Some(loc) => {
                let msg = format!(
                    "unexpected redirect ({status}) to {} not followed; check base_url",
                    strip_userinfo(&loc)
                );
                err.with_message(msg)
            }
            None => err,
        })
    }

    /// Reads the body, up to the configured cap, as UTF-8 text.
    async fn read_body(&self, mut resp: reqwest::Response, status: u16) -> Result<String> {
        let cap = self.max_response_bytes;
        let too_big = || {
            Error::new(
                ErrorKind::Decode,
                format!("response body is larger than the {cap}-byte limit"),
            )
            .with_status(status)
        };
        let declared = resp.content_length();
        if declared.is_some_and(|n| n > cap as u64) {
            return Err(too_big());
        }
        let mut buf = Vec::with_capacity(declared.map_or(256, |n| n as usize));
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if chunk.len() > cap - buf.len() {
                        return Err(too_big());
                    }
                    buf.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    return Err(Error::new(
                        ErrorKind::Connection,
                        format!("reading the response body failed: {}", source_chain(&e)),
                    )
                    .with_status(status))
                }
            }
        }
        String::from_utf8(buf).map_err(|_| {
            Error::new(ErrorKind::Decode, "response body is not UTF-8").with_status(status)
        })
    }
}

/// A duration as people write it: `2 s`, `1.5 s`, `250 ms`.
fn seconds(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        let s = d.as_secs_f64();
        if s.fract() == 0.0 {
            format!("{s:.0} s")
        } else {
            format!("{s} s")
        }
    }
}

/// Maps a `reqwest` failure to `timeout` or `connection`, without the URL.
fn transport_error(e: &reqwest::Error) -> Error {
    // A failure to connect means not one byte of the request was written: safe to retry anything.
    let not_sent = e.is_connect();
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Connection
    };
    let what = match (kind, not_sent) {
        (ErrorKind::Timeout, true) => "timed out connecting",
        (ErrorKind::Timeout, false) => "timed out waiting for the response",
        (_, true) => "could not connect",
        _ => "the connection failed",
    };
    let detail = if let Some(advice) = crate::tls::explain(e) {
        advice
    } else {
        let chain = source_chain(e);
        if chain.contains("proxy authorization required") {
            crate::error::PROXY_AUTH.to_owned()
        } else {
            chain
        }
    };
    Error::new(kind, format!("{what}: {detail}")).with_not_sent(not_sent)
}

/// The error's causes joined with ": ", without any URL.
fn source_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        cur = s.source();
    }
    if parts.is_empty() {
        "no further detail".to_owned()
    } else {
        parts.join(": ")
    }
}

fn strip_userinfo(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => "(unparseable)".to_owned(),
    }
}

/// Standard base64 with padding (for the Basic credentials).
fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_reference_example() {
        // Section 7 of the API reference.
        assert_eq!(
            super::base64(b"MAXXXXXXXXXXXXXXXXXX:token123"),
            "TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM="
        );
        assert_eq!(super::base64(b"a"), "YQ==");
        assert_eq!(super::base64(b"ab"), "YWI=");
    }

    #[test]
    fn urls_are_the_base_with_the_path_as_parsing_the_joined_string_gives() {
        let paths = [
            "/v1/phlo/3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b",
            "/v1/phlo/p/multi_party_call/n/members/sip:alice@example.com",
            "/v1/phlo/p/multi_party_call/n/members/%2B1%20415",
            "/v1/phlo/p/runs/r?limit=2&offset=0",
            "/v1/a;b=c/d,e/~f/!$&'()*+=",
        ];
        for base in [
            "http://127.0.0.1:8080",
            "https://phlorunner.plivo.com",
            "http://gw.example:81/phlo-proxy",
            "http://gw.example/a/b/",
        ] {
            let config = crate::Config::builder()
                .auth_id("MAXXXXXXXXXXXXXXXXXX")
                .auth_token("tok")
                .base_url(base)
                .allow_insecure_http(true)
                .build()
                .unwrap();
            let t = super::Transport::new(&config).unwrap();
            for path in paths {
                let joined = reqwest::Url::parse(&format!("{}{path}", config.base_url())).unwrap();
                assert_eq!(t.url(path), joined, "{base} + {path}");
            }
        }
    }
}
