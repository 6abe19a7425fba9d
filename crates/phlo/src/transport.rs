//! The HTTP layer: one pooled keep-alive `reqwest` client, one attempt at a time, and the retry
//! loop around it. Nothing above this module sees HTTP types.

use std::io::Read;
use std::time::{Duration, Instant, SystemTime};

use reqwest::blocking::Client as Http;
use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, USER_AGENT,
};

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result, Secrets};
use crate::ops::{Method, Request};
use crate::retry::{parse_retry_after, RetryPolicy};

/// The HTTP client with the headers every request carries.
pub(crate) struct Transport {
    http: Http,
    /// The credentials, and their base64 form, scrubbed from every error.
    secrets: Secrets,
    /// The base URL, parsed once; each request only sets its path (and query) on a copy.
    base: reqwest::Url,
    /// The base URL's own path without its trailing slash (`""` for a host root), put before
    /// every request's `/v1/...` path.
    prefix: String,
    max_response_bytes: usize,
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
        decode(&self.body).map_err(|e| e.with_status(self.status).with_attempts(self.attempts))
    }
}

/// Per-call overrides of the client's configuration.
#[derive(Clone, Debug, Default)]
pub struct CallOptions {
    /// Time allowed for each attempt of this call.
    pub timeout: Option<Duration>,
    /// The retry policy for this call.
    pub retry: Option<RetryPolicy>,
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
        // Redirects are never followed: a call-control POST must not be replayed elsewhere, and
        // the credentials must not reach another host. A 3xx is reported as `bad_request`.
        let mut builder = Http::builder()
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(60));
        if let Some(p) = &config.proxy {
            let proxy = reqwest::Proxy::all(p)
                .map_err(|_| Error::invalid("proxy", "is not a valid proxy URL"))?;
            builder = builder.proxy(proxy);
        }
        for pem in &config.ca_certs_pem {
            // A bundle may hold several certificates; one that holds none is a mistake worth
            // reporting now, not as a TLS failure on the first request.
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .ok()
                .filter(|c| !c.is_empty());
            let certs = certs
                .ok_or_else(|| Error::invalid("ca_cert_pem", "holds no PEM-encoded certificate"))?;
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = with_sigpipe_blocked(|| builder.build()).map_err(|e| {
            // Extra CA certificates are only parsed here, so they are the likely culprit.
            if config.ca_certs_pem.is_empty() {
                Error::new(
                    ErrorKind::Connection,
                    format!("could not set up HTTP: {}", source_chain(&e)),
                )
            } else {
                Error::invalid(
                    "ca_cert_pem",
                    format_args!("cannot be used: {}", source_chain(&e)),
                )
            }
        })?;
        // `Config` checked the base URL already, so this parse cannot fail in practice.
        let base = reqwest::Url::parse(&config.base_url)
            .map_err(|_| Error::invalid("base_url", "is not a URL"))?;
        let prefix = base.path().trim_end_matches('/').to_owned();
        Ok(Transport {
            http,
            secrets: Secrets::new(&[token, &basic]),
            base,
            prefix,
            max_response_bytes: config.max_response_bytes,
        })
    }

    /// Removes the credentials from an error made outside [`Transport::send`] (decoding a 2xx
    /// body quotes it, and a server may echo the credentials back).
    pub(crate) fn scrub(&self, e: Error) -> Error {
        e.scrub(&self.secrets)
    }

    /// Sends `req`, retrying as `policy` allows; returns the 2xx answer.
    pub(crate) fn send(
        &self,
        req: &Request,
        policy: &RetryPolicy,
        timeout: Option<Duration>,
    ) -> Result<Reply> {
        let start = Instant::now();
        let mut attempt = 1;
        loop {
            let t0 = Instant::now();
            let outcome = self.attempt(req, timeout);
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
            std::thread::sleep(delay);
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

    /// One HTTP exchange.
    fn attempt(&self, req: &Request, timeout: Option<Duration>) -> Result<(u16, String)> {
        let method = match req.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut rb = self.http.request(method, self.url(&req.path));
        if let Some(body) = &req.body {
            rb = rb
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.clone());
        }
        if let Some(t) = timeout {
            rb = rb.timeout(t);
        }
        let resp = rb.send().map_err(|e| transport_error(&e))?;
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
        let mut body = self.read_body(resp, status)?;
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
    fn read_body(&self, resp: reqwest::blocking::Response, status: u16) -> Result<String> {
        let cap = self.max_response_bytes;
        let too_big = || {
            Error::new(
                ErrorKind::Decode,
                format!("response body is larger than the {cap}-byte limit"),
            )
            .with_status(status)
        };
        let failed = |timed_out: bool, e: &dyn std::fmt::Display| {
            let kind = if timed_out {
                ErrorKind::Timeout
            } else {
                ErrorKind::Connection
            };
            Error::new(kind, format!("reading the response body failed: {e}")).with_status(status)
        };
        let buf = match resp.content_length() {
            Some(n) if n > cap as u64 => return Err(too_big()),
            // A declared length within the cap (the usual answer): the HTTP layer enforces it,
            // so the body is taken whole, in one hand-over from the I/O thread. Reading it
            // through `io::Read` instead costs a second wake-up of that thread per call, to
            // learn that the body has ended.
            Some(_) => Vec::from(resp.bytes().map_err(|e| failed(e.is_timeout(), &e))?),
            // No length (chunked): read at most one byte past the cap.
            None => {
                let mut buf = Vec::with_capacity(256);
                resp.take((cap as u64).saturating_add(1))
                    .read_to_end(&mut buf)
                    .map_err(|e| {
                        let timed_out = e.kind() == std::io::ErrorKind::TimedOut
                            || e.get_ref()
                                .and_then(|i| i.downcast_ref::<reqwest::Error>())
                                .is_some_and(|r| r.is_timeout());
                        failed(timed_out, &e)
                    })?;
                buf
            }
        };
        if buf.len() > cap {
            return Err(too_big());
        }
        String::from_utf8(buf).map_err(|_| {
            Error::new(ErrorKind::Decode, "response body is not UTF-8").with_status(status)
        })
    }
}

/// Runs `f` (which starts reqwest's I/O thread) with SIGPIPE blocked in the calling thread.
///
/// reqwest's blocking client does its network I/O on a thread it starts when it is built, and a
/// thread inherits the signal mask of the thread that creates it. A Rust program ignores SIGPIPE,
/// but a C or Perl host keeps its default action, which kills the whole process when that thread
/// writes to a connection the peer has closed (hyper's vectored writes do not suppress it). With
/// SIGPIPE blocked there, a broken connection is the `EPIPE` error it should be, reported as
/// `connection`; the caller's own mask and SIGPIPE disposition are restored and left alone.
#[cfg(unix)]
fn with_sigpipe_blocked<T>(f: impl FnOnce() -> T) -> T {
    // SAFETY: sigset_t is plain data that sigemptyset initialises; pthread_sigmask only reads
    // `set` and writes `old`, both valid for the call, and affects only this thread.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        let blocked = libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old) == 0;
        let out = f();
        if blocked {
            libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
        }
        out
    }
}

#[cfg(not(unix))]
fn with_sigpipe_blocked<T>(f: impl FnOnce() -> T) -> T {
    f()
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
    Error::new(kind, format!("{what}: {}", source_chain(e))).with_not_sent(not_sent)
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

/// Parses a 2xx body into `T`; anything else is a `decode` error that quotes the start of the body.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(body: &str) -> Result<T> {
    serde_json::from_str(body).map_err(|e| {
        let shown = crate::error::truncate(body, 200);
        Error::new(
            ErrorKind::Decode,
            format!("response is not the JSON object expected ({e}): {shown:?}"),
        )
    })
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
