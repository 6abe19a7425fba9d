//! The one error type of the client, with a stable [`ErrorKind`] for every failure.

use std::fmt;
use std::time::Duration;

/// What went wrong, as a stable name shared by every language binding.
///
/// The names returned by [`ErrorKind::as_str`] are the contract: C reads them from the last-error
/// JSON's `kind`, Python from `.kind`, Perl from `->kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Rejected before anything was sent: a bad id, address, role, payload or configuration.
    InvalidArgument,
    /// Missing credentials, or the service answered 401 or 403.
    Authentication,
    /// The service answered 404: no such PHLO, node, run or member.
    NotFound,
    /// The service answered 400, 405 or another 4xx (or an unexpected redirect).
    BadRequest,
    /// The service answered 429; see [`Error::retry_after`].
    RateLimited,
    /// The service answered 5xx.
    Server,
    /// No response within the timeout.
    Timeout,
    /// DNS, TCP, TLS or proxy failure (a proxy's 407 included), or the connection was dropped.
    Connection,
    /// A 2xx answer whose body is not the JSON expected (or is over the size cap).
    Decode,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 9] = [
        ErrorKind::InvalidArgument,
        ErrorKind::Authentication,
        ErrorKind::NotFound,
        ErrorKind::BadRequest,
        ErrorKind::RateLimited,
        ErrorKind::Server,
        ErrorKind::Timeout,
        ErrorKind::Connection,
        ErrorKind::Decode,
    ];

    /// The stable snake_case name of this kind, e.g. `"not_found"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::Authentication => "authentication",
            ErrorKind::NotFound => "not_found",
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Server => "server",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Connection => "connection",
            ErrorKind::Decode => "decode",
        }
    }

    /// The kind an HTTP error status maps to (section 4.2 of the API reference).
    pub fn from_status(status: u16) -> ErrorKind {
        match status {
            401 | 403 => ErrorKind::Authentication,
            404 => ErrorKind::NotFound,
            // From a proxy in front of the service: reaching the service failed.
            407 => ErrorKind::Connection,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::BadRequest,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed operation: its kind, a readable message and what the service said.
///
/// Never contains the auth token: messages are built from fixed sentences, the URL path (not the
/// full URL) and the service's `error` string, and bodies are scrubbed of the credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    // Boxed: keeps `Result<T, Error>` one pointer wide on the success path.
    inner: Box<Inner>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    message: String,
    status: Option<u16>,
    api_id: Option<String>,
    field: Option<String>,
    body: Option<String>,
    retry_after: Option<Duration>,
    attempts: u32,
    not_sent: bool,
}

/// The result type of every fallible call in this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Shortest secret that is scrubbed from error messages and bodies.
pub const MIN_SCRUB_LEN: usize = 6;

/// Longest service body kept in an error, in bytes.
pub const MAX_ERROR_BODY: usize = 2048;

/// What a 407 from a proxy means for the caller.
pub(crate) const PROXY_AUTH: &str = "the proxy asks for credentials (407 Proxy Authentication \
     Required); give them in the proxy URL, e.g. http://user:password@proxy:3128";

impl Error {
    /// A new error of `kind` with `message` and nothing else.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                status: None,
                api_id: None,
                field: None,
                body: None,
                retry_after: None,
                attempts: 0,
                not_sent: false,
            }),
        }
    }

    /// An `invalid_argument` error naming the offending `field`.
    pub fn invalid(field: &str, reason: impl fmt::Display) -> Error {
        let mut e = Error::new(ErrorKind::InvalidArgument, format!("{field}: {reason}"));
        e.inner.field = Some(field.to_owned());
        e
    }

    /// The error for an HTTP error `status` with `body`, for a request to `path`.
    ///
    /// The message is the body's `error` string when the body is a JSON object with a non-empty
    /// one, else a fixed sentence naming the status and the path.
    pub fn from_response(status: u16, body: &str, path: &str) -> Error {
        let kind = ErrorKind::from_status(status);
        let parsed: Option<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(body).ok();
        let text = |key: &str| {
            parsed
                .as_ref()
                .and_then(|m| m.get(key))
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let message = if status == 407 {
            // A proxy's answer, not the service's: say what to do about it.
            Some(PROXY_AUTH.to_owned())
        } else {
            text("error")
        };
        let message = message.unwrap_or_else(|| {
            let what = match kind {
                ErrorKind::Authentication => "authentication failed",
                ErrorKind::NotFound => "resource not found",
                ErrorKind::RateLimited => "rate limited",
                ErrorKind::Server => "server error",
                _ if (300..400).contains(&status) => "unexpected redirect, not followed",
                _ => "request rejected",
            };
            format!("{what} ({status}) at {path}")
        });
        let mut e = Error::new(kind, message);
        e.inner.status = Some(status);
        e.inner.api_id = text("api_id");
        e.inner.body = Some(truncate(body, MAX_ERROR_BODY).to_owned());
        e
    }

    /// The stable kind of this error.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }
    /// The readable message (the service's `error` string when it sent one).
    pub fn message(&self) -> &str {
        &self.inner.message
    }
    /// The HTTP status, when the service answered.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }
    /// The service's `api_id` for this request, when its body had one.
    pub fn api_id(&self) -> Option<&str> {
        self.inner.api_id.as_deref()
    }
    /// The input field at fault, for `invalid_argument` errors.
    pub fn field(&self) -> Option<&str> {
        self.inner.field.as_deref()
    }
    /// The service's response body (at most [`MAX_ERROR_BODY`] bytes), when there was one.
    pub fn body(&self) -> Option<&str> {
        self.inner.body.as_deref()
    }
    /// The delay the service asked for with `Retry-After`, on `rate_limited` (and some 5xx) errors.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }
    /// True when the request provably never reached the server (the connection could not be
    /// opened), so repeating it cannot repeat an action.
    pub fn not_sent(&self) -> bool {
        self.inner.not_sent
    }
    /// How many HTTP attempts were made (0 when the error came before the network).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// Sets the details only the transport knows (`Retry-After`, "never sent"), so tests and the
    /// fuzz targets can build every error the retry policy sees. Not part of the API.
    #[doc(hidden)]
    pub fn with_transport_details(self, retry_after: Option<Duration>, not_sent: bool) -> Error {
        self.with_retry_after(retry_after).with_not_sent(not_sent)
    }

    pub(crate) fn with_status(mut self, status: u16) -> Error {
        self.inner.status = Some(status);
        self
    }
    pub(crate) fn with_message(mut self, message: String) -> Error {
        self.inner.message = message;
        self
    }
    pub(crate) fn with_retry_after(mut self, d: Option<Duration>) -> Error {
        self.inner.retry_after = d;
        self
    }
    pub(crate) fn with_attempts(mut self, n: u32) -> Error {
        self.inner.attempts = n;
        self
    }
    pub(crate) fn with_not_sent(mut self, not_sent: bool) -> Error {
        self.inner.not_sent = not_sent;
        self
    }

    /// Replaces every occurrence of each of `secrets` in the message, body, api_id and field by
    /// `***`, and what is left of one where a text holds only part of it.
    pub(crate) fn scrub(mut self, secrets: &Secrets) -> Error {
        let inner = &mut *self.inner;
        let texts = [
            Some(&mut inner.message),
            inner.body.as_mut(),
            inner.api_id.as_mut(),
            inner.field.as_mut(),
        ];
        for text in texts.into_iter().flatten() {
            secrets.scrub_in_place(text);
            secrets.scrub_pieces_in_place(text);
        }
        self
    }

    /// The error as one compact JSON object: `kind`, `message`, `status`, `api_id`, `field`,
    /// `retry_after_ms`, `attempts`, `body` (absent values are `null`).
    ///
    /// This is the form the C last error, Python and Perl read.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "kind": self.inner.kind.as_str(),
            "message": self.inner.message,
            "status": self.inner.status,
            "api_id": self.inner.api_id,
            "field": self.inner.field,
            "retry_after_ms": self.inner.retry_after.map(|d| d.as_millis() as u64),
            "attempts": self.inner.attempts,
            "body": self.inner.body,
        })
        .to_string()
    }
}

/// `{:?}` is the one-line [`Display`](fmt::Display) form, so a `main` that returns
/// `Result<(), plivo_phlo::Error>` prints `Error: timeout: ... (after 3 attempts)`; `{:#?}` lists
/// every field (the body is already scrubbed of the credentials).
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            return fmt::Display::fmt(self, f);
        }
        let i = &*self.inner;
        f.debug_struct("Error")
            .field("kind", &i.kind)
            .field("message", &i.message)
            .field("status", &i.status)
            .field("api_id", &i.api_id)
            .field("field", &i.field)
            .field("retry_after", &i.retry_after)
            .field("attempts", &i.attempts)
            .field("not_sent", &i.not_sent)
            .field("body", &i.body)
            .finish()
    }
}

/// `kind: message`, then in parentheses what is known of the answer: the HTTP status, the
/// service's `api_id`, and the number of attempts when there was more than one (a timeout after
/// three attempts took three times the timeout, plus the pauses between them).
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &*self.inner;
        write!(f, "{}: {}", i.kind, i.message)?;
        let mut sep = " (";
        if let Some(s) = i.status {
            write!(f, "{sep}HTTP {s}")?;
            sep = ", ";
        }
        if let Some(id) = &i.api_id {
            write!(f, "{sep}api_id {id}")?;
            sep = ", ";
        }
        if i.attempts > 1 {
            write!(f, "{sep}after {} attempts", i.attempts)?;
            sep = ", ";
        }
        if sep == ", " {
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// The credentials of a client, kept out of everything it reports: each one's substring
/// searcher is built once, with the client, because the transport scrubs every body it reads.
pub(crate) struct Secrets {
    finders: Vec<memchr::memmem::Finder<'static>>,
    /// For each secret longer than [`PIECE_LEN`]: its bytes and searchers for its first and
    /// last [`PIECE_LEN`] bytes, to find what is left of it where a text holds only part of it.
    pieces: Vec<Pieces>,
}

/// The shortest run of a secret's first or last bytes that [`Secrets`] scrubs from an error:
/// shorter runs are too likely in ordinary text, and leave too little of a real token to matter.
pub const PIECE_LEN: usize = 8;

struct Pieces {
    secret: Vec<u8>,
    head: memchr::memmem::Finder<'static>,
    tail: memchr::memmem::Finder<'static>,
}

impl Secrets {
    /// Searchers for `secrets`. Secrets shorter than [`MIN_SCRUB_LEN`] are left alone:
    /// scrubbing a one-letter test token would garble every message, and real tokens are far
    /// longer.
    pub(crate) fn new(secrets: &[&str]) -> Secrets {
        let kept = || secrets.iter().filter(|s| s.len() >= MIN_SCRUB_LEN);
        let finders = kept()
            .map(|s| memchr::memmem::Finder::new(s.as_bytes()).into_owned())
            .collect();
        let pieces = kept()
            .filter(|s| s.len() > PIECE_LEN)
            .map(|s| {
                let b = s.as_bytes();
                Pieces {
                    secret: b.to_vec(),
                    head: memchr::memmem::Finder::new(&b[..PIECE_LEN]).into_owned(),
                    tail: memchr::memmem::Finder::new(&b[b.len() - PIECE_LEN..]).into_owned(),
                }
            })
            .collect();
        Secrets { finders, pieces }
    }

    /// Replaces every occurrence of each secret in `text` by `***`, one secret after the other
    /// (as `str::replace` would). The transport applies it to every body it reads, before
    /// anything quotes or truncates it (a truncated quote could otherwise keep part of a
    /// token), and [`Error::scrub`] to the rest.
    pub(crate) fn scrub_in_place(&self, text: &mut String) {
        for f in &self.finders {
            // Non-overlapping, left to right, as `str::replace`. A secret is whole UTF-8 text,
            // so each match starts and ends on a character boundary of `text`.
            let mut found = f.find_iter(text.as_bytes()).peekable();
            if found.peek().is_none() {
                continue;
            }
            let n = f.needle().len();
            let mut out = String::with_capacity(text.len());
            let mut at = 0;
            for i in found {
                out.push_str(&text[at..i]);
                out.push_str("***");
                at = i + n;
            }
            out.push_str(&text[at..]);
            *text = out;
        }
    }

    /// Replaces in `text` what is left of a secret where only part of it is there: every run of
    /// [`PIECE_LEN`] or more bytes that starts like a secret (its first bytes, as far as they
    /// go on matching) or ends like it. A service that echoes a token cut short, or a proxy's
    /// error page that truncates a header, leaves such a run, which a search for the whole
    /// secret misses. Errors only: a successful answer is the service's data, passed on as
    /// sent. Linear in the text.
    pub(crate) fn scrub_pieces_in_place(&self, text: &mut String) {
        for p in &self.pieces {
            let runs = p.runs(text);
            if runs.is_empty() {
                continue;
            }
            let mut out = String::with_capacity(text.len());
            let mut at = 0;
            for (start, end) in runs {
                if start < at {
                    // Overlaps the run before: extend that one.
                    at = at.max(end);
                    continue;
                }
                out.push_str(&text[at..start]);
                out.push_str("***");
                at = end;
            }
            out.push_str(&text[at..]);
            *text = out;
        }
    }
}

impl Pieces {
    /// The byte ranges of `text` to scrub, in order, each on character boundaries.
    fn runs(&self, text: &str) -> Vec<(usize, usize)> {
        let (t, s) = (text.as_bytes(), &self.secret[..]);
        let mut runs = Vec::new();
        for i in self.head.find_iter(t) {
            // Forward from a prefix, as far as the secret goes on matching.
            let mut end = i + PIECE_LEN;
            while end < t.len() && end - i < s.len() && t[end] == s[end - i] {
                end += 1;
            }
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            if end - i >= PIECE_LEN {
                runs.push((i, end));
            }
        }
        for i in self.tail.find_iter(t) {
            // Back from a suffix, as far as the secret goes on matching.
            let end = i + PIECE_LEN;
            let mut start = i;
            while start > 0
                && end - start < s.len()
                && t[start - 1] == s[s.len() - (end - start) - 1]
            {
                start -= 1;
            }
            while !text.is_char_boundary(start) {
                start += 1;
            }
            if end - start >= PIECE_LEN {
                runs.push((start, end));
            }
        }
        runs.sort_unstable();
        runs
    }
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({} redacted)", self.finders.len())
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_scrubbed_as_str_replace_would() {
        let secrets = Secrets::new(&["tok-SECRET-42", "TUFY:dG9r", "abc"]);
        let cases = [
            "",
            "nothing here",
            "tok-SECRET-42",
            "a tok-SECRET-42 b tok-SECRET-42tok-SECRET-42 c",
            "\u{e9}t\u{e9} tok-SECRET-42 \u{2603} TUFY:dG9r\u{1F600}",
            "tok-SECRET-4 (cut short) abc",
            "TUFY:dG9rTUFY:dG9r",
        ];
        for text in cases {
            let mut got = text.to_owned();
            secrets.scrub_in_place(&mut got);
            // "abc" is shorter than MIN_SCRUB_LEN: left alone.
            let want = text
                .replace("tok-SECRET-42", "***")
                .replace("TUFY:dG9r", "***");
            assert_eq!(got, want, "{text:?}");
        }
        // Overlapping occurrences: left to right, non-overlapping, as str::replace.
        let mut got = "aaaaaaaaaaaaaa".to_owned();
        Secrets::new(&["aaaaaa"]).scrub_in_place(&mut got);
        assert_eq!(got, "aaaaaaaaaaaaaa".replace("aaaaaa", "***"));
        assert_eq!(format!("{:?}", secrets), "Secrets(2 redacted)");
    }

    #[test]
    fn what_is_left_of_a_secret_is_scrubbed_from_errors() {
        let token = "TOKEN-rs-canary-7f3a9b";
        let secrets = Secrets::new(&[token]);
        for (text, want) in [
            // A prefix of 8 or more bytes, as far as it goes.
            ("bad token TOKEN-rs-can...", "bad token ***..."),
            ("TOKEN-rs", "***"),
            // A suffix.
            ("...canary-7f3a9b was refused", "...*** was refused"),
            // Both pieces in one text, and the whole token.
            (
                "TOKEN-rs-c / ary-7f3a9b / TOKEN-rs-canary-7f3a9b",
                "*** / *** / ***",
            ),
            // Fewer than 8 bytes of it, and unrelated text, stay.
            ("TOKEN-r 7f3a9b", "TOKEN-r 7f3a9b"),
            ("\u{e9}TOKEN-rs-canary\u{2603}", "\u{e9}***\u{2603}"),
        ] {
            let mut got = text.to_owned();
            secrets.scrub_in_place(&mut got);
            secrets.scrub_pieces_in_place(&mut got);
            assert_eq!(got, want, "{text:?}");
        }
        // A piece cut inside a multi-byte character keeps the text valid.
        let secrets = Secrets::new(&["\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}-x"]);
        let mut got = "a \u{e9}\u{e9}\u{e9}\u{e9}\u{e8} b".to_owned();
        secrets.scrub_pieces_in_place(&mut got);
        assert_eq!(got, "a ***\u{e8} b");
    }

    #[test]
    fn status_maps_to_kind() {
        let cases = [
            (400, ErrorKind::BadRequest),
            (401, ErrorKind::Authentication),
            (403, ErrorKind::Authentication),
            (404, ErrorKind::NotFound),
            (405, ErrorKind::BadRequest),
            (407, ErrorKind::Connection),
            (409, ErrorKind::BadRequest),
            (422, ErrorKind::BadRequest),
            (429, ErrorKind::RateLimited),
            (500, ErrorKind::Server),
            (503, ErrorKind::Server),
        ];
        for (status, kind) in cases {
            assert_eq!(ErrorKind::from_status(status), kind, "{status}");
        }
    }

    #[test]
    fn message_comes_from_body_or_a_fixed_sentence() {
        let e = Error::from_response(
            400,
            r#"{"api_id":"abc","error":"to is a mandatory param."}"#,
            "/v1/x",
        );
        assert_eq!(e.message(), "to is a mandatory param.");
        assert_eq!(e.api_id(), Some("abc"));
        let e = Error::from_response(404, "{}", "/v1/phlo/p");
        assert_eq!(e.message(), "resource not found (404) at /v1/phlo/p");
        assert_eq!(e.api_id(), None);
        let e = Error::from_response(502, "<html>bad gateway</html>", "/v1/phlo/p");
        assert_eq!(e.kind(), ErrorKind::Server);
        assert_eq!(e.body(), Some("<html>bad gateway</html>"));
    }

    #[test]
    fn kinds_have_stable_names() {
        let names: Vec<_> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "invalid_argument",
                "authentication",
                "not_found",
                "bad_request",
                "rate_limited",
                "server",
                "timeout",
                "connection",
                "decode"
            ]
        );
    }

    #[test]
    fn display_names_the_attempts_and_debug_reads_like_display() {
        let e = Error::new(ErrorKind::Timeout, "timed out waiting for the response");
        assert_eq!(e.to_string(), "timeout: timed out waiting for the response");
        let e = e.with_attempts(1);
        assert_eq!(e.to_string(), "timeout: timed out waiting for the response");
        let e = e.with_attempts(3);
        assert_eq!(
            e.to_string(),
            "timeout: timed out waiting for the response (after 3 attempts)"
        );
        assert_eq!(format!("{e:?}"), e.to_string());
        let e = Error::from_response(503, r#"{"api_id":"a-1","error":"busy"}"#, "/v1/x")
            .with_attempts(3);
        assert_eq!(
            e.to_string(),
            "server: busy (HTTP 503, api_id a-1, after 3 attempts)"
        );
        let alt = format!("{e:#?}");
        assert!(
            alt.starts_with("Error {") && alt.contains("attempts: 3"),
            "{alt}"
        );
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("héllo", 2), "h");
        assert_eq!(truncate("abc", 10), "abc");
    }
}
