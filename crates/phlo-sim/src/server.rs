//! The HTTP/1.1 server: our own accept loop over hyper, so a fault can reset or cut a connection.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, ALLOW, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, Notify};
use tokio::time::Sleep;

use crate::api::{self, Reply};
use crate::faults::{self, BodyStyle, Fault, FaultKind};
use crate::fixture;
use crate::state::{prefix_text, LogEntry, Shared, Since, LOG_BODY_PREFIX, LOG_HEADER_PREFIX};
use crate::util::{percent_decode, uuid_v4};

/// Largest request body read; a larger one is answered 413.
const MAX_REQUEST_BODY: usize = 16 << 20;
/// How long a `short_body` connection stays open after the partial body, before it is closed.
const SHORT_BODY_LINGER: Duration = Duration::from_millis(50);

/// Numbers the connections accepted in this process, from 1 (the request log's `connection`).
static CONNECTIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Per-connection controls that the request handler uses to kill its own connection.
#[derive(Default)]
struct ConnCtl {
    /// The connection's number, logged with each of its requests (tests check reuse with it).
    id: u64,
    /// Close with RST (SO_LINGER 0) rather than FIN.
    rst: AtomicBool,
    /// Wakes the connection task, which then drops the connection.
    kill: Notify,
}

impl ConnCtl {
    fn close(&self, rst: bool) {
        if rst {
            self.rst.store(true, Ordering::SeqCst);
        }
        self.kill.notify_one();
    }
}

/// The socket as hyper sees it. Dropping it after [`ConnCtl::close`]`(true)` sends a TCP RST.
struct ConnIo {
    stream: TcpStream,
    ctl: Arc<ConnCtl>,
}

impl Drop for ConnIo {
    fn drop(&mut self) {
        if self.ctl.rst.load(Ordering::SeqCst) {
            let _ = socket2::SockRef::from(&self.stream).set_linger(Some(Duration::ZERO));
        }
    }
}

impl AsyncRead for ConnIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for ConnIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// Response body: a whole buffer, (for `short_body`) a partial one after which the connection
/// is closed, or (for `slow_body`) one byte at a time.
enum SimBody {
    Full(Option<Bytes>),
    Slow {
        data: Bytes,
        interval: Duration,
        next: Option<Pin<Box<Sleep>>>,
        sized: bool,
    },
    Short {
        data: Option<Bytes>,
        linger: Option<Pin<Box<Sleep>>>,
        ctl: Arc<ConnCtl>,
    },
}

impl SimBody {
    fn full(b: impl Into<Bytes>) -> SimBody {
        let b = b.into();
        SimBody::Full(if b.is_empty() { None } else { Some(b) })
    }
}

impl Body for SimBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            SimBody::Full(data) => Poll::Ready(data.take().map(|b| Ok(Frame::data(b)))),
            SimBody::Slow {
                data,
                interval,
                next,
                ..
            } => {
                if data.is_empty() {
                    return Poll::Ready(None);
                }
                let sleep = next.get_or_insert_with(|| Box::pin(tokio::time::sleep(*interval)));
                ready!(sleep.as_mut().poll(cx));
                *next = None;
                Poll::Ready(Some(Ok(Frame::data(data.split_to(1)))))
            }
            SimBody::Short { data, linger, ctl } => {
                if let Some(d) = data.take() {
                    return Poll::Ready(Some(Ok(Frame::data(d))));
                }
                // Give hyper time to flush what was sent, then close the connection (FIN) with
                // the declared length unmet.
                let sleep =
                    linger.get_or_insert_with(|| Box::pin(tokio::time::sleep(SHORT_BODY_LINGER)));
                ready!(sleep.as_mut().poll(cx));
                ctl.close(false);
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            SimBody::Full(None) => true,
            SimBody::Slow { data, .. } => data.is_empty(),
            _ => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            SimBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            SimBody::Full(None) => SizeHint::with_exact(0),
            SimBody::Slow {
                data, sized: true, ..
            } => SizeHint::with_exact(data.len() as u64),
            SimBody::Slow { .. } | SimBody::Short { .. } => SizeHint::default(),
        }
    }
}

/// Accepts connections until `shutdown` fires.
pub(crate) async fn run(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(serve_connection(shared.clone(), stream));
                }
                // Out of descriptors or similar: back off a little rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
}

async fn serve_connection(shared: Arc<Shared>, stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let ctl = Arc::new(ConnCtl {
        id: CONNECTIONS.fetch_add(1, Ordering::Relaxed) + 1,
        ..ConnCtl::default()
    });
    let io = TokioIo::new(ConnIo {
        stream,
        ctl: ctl.clone(),
    });
    let svc_ctl = ctl.clone();
    let svc = service_fn(move |req| {
        let shared = shared.clone();
        let ctl = svc_ctl.clone();
        async move { Ok::<_, Infallible>(handle(shared, ctl, req).await) }
    });
    let conn = http1::Builder::new()
        .keep_alive(true)
        .header_read_timeout(None)
        .serve_connection(io, svc);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = ctl.kill.notified() => {}
    }
}

fn response(status: u16, content_type: Option<&str>, body: impl Into<Bytes>) -> Response<SimBody> {
    let mut r = Response::new(SimBody::full(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(ct) = content_type.and_then(|c| HeaderValue::from_str(c).ok()) {
        r.headers_mut().insert(CONTENT_TYPE, ct);
    }
    r
}

fn json_response(status: u16, body: &Value) -> Response<SimBody> {
    response(status, Some("application/json"), body.to_string())
}

fn reply_response(reply: &Reply) -> Response<SimBody> {
    let mut r = response(reply.status, Some("application/json"), reply.body.clone());
    if let Some(allow) = reply.allow {
        r.headers_mut()
            .insert(ALLOW, HeaderValue::from_static(allow));
    }
    r
}

fn set_header(r: &mut Response<SimBody>, name: hyper::header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        r.headers_mut().insert(name, v);
    }
}

/// Waits forever: the connection task drops the connection (and this future) once told to.
async fn hang_up(ctl: &ConnCtl, rst: bool) -> Response<SimBody> {
    ctl.close(rst);
    std::future::pending().await
}

async fn handle(
    shared: Arc<Shared>,
    ctl: Arc<ConnCtl>,
    req: Request<Incoming>,
) -> Response<SimBody> {
    let path = req.uri().path();
    if path == "/_sim" || path.starts_with("/_sim/") {
        return control(&shared, req).await;
    }
    let path = path.to_owned();
    let since = shared.lock().since();
    let fault = shared.take_fault(req.method().as_str(), &path);
    if let Some(FaultKind::ResetBefore) = fault.as_ref().map(|f| &f.kind) {
        shared.lock().resets_before += 1;
        return hang_up(&ctl, true).await;
    }

    let (parts, body) = req.into_parts();
    let body = Limited::new(body, MAX_REQUEST_BODY).collect().await;
    if let Some(FaultKind::Latency { ms }) = fault.as_ref().map(|f| &f.kind) {
        // A real service carries on with a request whose client has gone away (timed out, say):
        // the request is finished, applied and logged in a task of its own, which hyper does not
        // cancel when the connection closes. The body was read first, while the client was there.
        let ms = *ms;
        let task = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            respond(shared, ctl, since, path, parts, body, fault).await
        });
        return task.await.unwrap_or_else(|_| {
            json_response(
                500,
                &json!({"api_id": uuid_v4(), "error": "simulator task failed"}),
            )
        });
    }
    respond(shared, ctl, since, path, parts, body, fault).await
}

/// Everything after the request has been read: log it, apply it (unless a fault answers
/// instead) and build the response the fault asks for.
async fn respond(
    shared: Arc<Shared>,
    ctl: Arc<ConnCtl>,
    since: Since,
    path: String,
    parts: hyper::http::request::Parts,
    body: Result<http_body_util::Collected<Bytes>, Box<dyn std::error::Error + Send + Sync>>,
    fault: Option<Fault>,
) -> Response<SimBody> {
    let mut entry = LogEntry {
        connection: ctl.id,
        method: parts.method.as_str().to_owned(),
        path,
        query: parts.uri.query().unwrap_or("").to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    prefix_text(v.as_bytes(), LOG_HEADER_PREFIX),
                )
            })
            .collect(),
        body: String::new(),
        body_bytes: 0,
        status: None,
        fault: fault.as_ref().map(Fault::name),
    };
    let body = match body {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            // Too large, or the client went away mid-body.
            let reply = Reply::error(413, "Request body too large.");
            entry.status = Some(reply.status);
            shared.lock().log_since(since, entry);
            return reply_response(&reply);
        }
    };
    entry.body = prefix_text(&body, LOG_BODY_PREFIX);
    entry.body_bytes = body.len();

    // Faults that answer without touching state.
    if let Some(resp) = fault.as_ref().and_then(|f| stateless_fault(&f.kind)) {
        entry.status = Some(resp.status().as_u16());
        shared.lock().log_since(since, entry);
        return resp;
    }

    let kind = fault.map(|f| f.kind);
    let (reply, success) = {
        let mut g = shared.lock();
        if !g.same_state(since) {
            // Reset while this request was in flight: it belongs to a world that is gone.
            return reply_response(&Reply::error(
                503,
                "The simulator was reset during this request.",
            ));
        }
        let reply = api::handle(
            &mut g,
            &shared.accounts,
            &parts.method,
            &entry.path,
            parts.headers.get(AUTHORIZATION).map(HeaderValue::as_bytes),
            &body,
        );
        let success = if parts.method == Method::GET || parts.method == Method::HEAD || g.status_200
        {
            200
        } else {
            201
        };
        entry.status = match &kind {
            Some(FaultKind::ResetAfter) => None,
            Some(FaultKind::RawBody { status, .. }) => Some(status.unwrap_or(success)),
            Some(FaultKind::HugeBody { .. }) => Some(success),
            _ => Some(reply.status),
        };
        g.log_since(since, entry);
        (reply, success)
    };
    match kind {
        Some(FaultKind::ResetAfter) => hang_up(&ctl, true).await,
        Some(FaultKind::RawBody {
            status,
            body,
            content_type,
        }) => response(status.unwrap_or(success), Some(&content_type), body),
        Some(FaultKind::HugeBody { bytes }) => {
            let base = if (200..300).contains(&reply.status) && reply.body.len() > 2 {
                reply.body
            } else {
                format!("{{\"api_id\":\"{}\",\"error\":\"\"}}", uuid_v4())
            };
            response(success, Some("application/json"), pad_json(base, bytes))
        }
        Some(FaultKind::ShortBody) => {
            let full = Bytes::from(reply.body);
            let sent = full.len() / 2;
            let declared = full.len().max(sent + 1);
            let mut r = Response::new(SimBody::Short {
                data: (sent > 0).then(|| full.slice(..sent)),
                linger: None,
                ctl,
            });
            *r.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
            r.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            r.headers_mut()
                .insert(CONTENT_LENGTH, HeaderValue::from(declared));
            r
        }
        Some(FaultKind::SlowBody {
            delay_ms,
            interval_ms,
            chunked,
        }) => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            let mut r = Response::new(SimBody::Slow {
                data: Bytes::from(reply.body),
                interval: Duration::from_millis(interval_ms),
                next: None,
                sized: !chunked,
            });
            *r.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
            r.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            r
        }
        _ => reply_response(&reply),
    }
}

/// Adds `"pad":"xxx…"` to a JSON object so the whole is about `bytes` long.
fn pad_json(mut object: String, bytes: usize) -> String {
    let overhead = object.len() + ",\"pad\":\"\"".len();
    let pad = bytes.saturating_sub(overhead);
    object.pop(); // the closing brace
    object.reserve(pad + 10);
    object.push_str(",\"pad\":\"");
    object.extend(std::iter::repeat_n('x', pad));
    object.push_str("\"}");
    object
}

/// The response of a fault that answers without applying the request.
fn stateless_fault(kind: &FaultKind) -> Option<Response<SimBody>> {
    match kind {
        FaultKind::Status {
            status,
            body,
            retry_after,
            error,
        } => {
            let reason = StatusCode::from_u16(*status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Error");
            let mut r = match body {
                BodyStyle::Json => json_response(
                    *status,
                    &json!({"api_id": uuid_v4(), "error": error.as_deref().unwrap_or(reason)}),
                ),
                BodyStyle::Html => response(
                    *status,
                    Some("text/html"),
                    format!(
                        "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
                    ),
                ),
                BodyStyle::Empty => response(*status, None, Bytes::new()),
            };
            if let Some(ra) = retry_after {
                set_header(&mut r, hyper::header::RETRY_AFTER, ra);
            }
            Some(r)
        }
        FaultKind::RateLimit { retry_after } => {
            let mut r = json_response(
                429,
                &json!({"api_id": uuid_v4(), "error": "too many requests"}),
            );
            if let Some(ra) = retry_after {
                set_header(&mut r, hyper::header::RETRY_AFTER, ra);
            }
            Some(r)
        }
        FaultKind::Redirect { status, location } => {
            let mut r = response(*status, None, Bytes::new());
            set_header(&mut r, LOCATION, location);
            Some(r)
        }
        _ => None,
    }
}

fn ok() -> Response<SimBody> {
    json_response(200, &json!({"ok": true}))
}

fn control_error(status: u16, message: &str) -> Response<SimBody> {
    json_response(status, &json!({"ok": false, "error": message}))
}

fn not_allowed(allow: &'static str) -> Response<SimBody> {
    let mut r = control_error(405, "Method not allowed.");
    r.headers_mut()
        .insert(ALLOW, HeaderValue::from_static(allow));
    r
}

/// Reads a control request's JSON body (empty means `null`).
async fn json_body(body: Incoming) -> Result<Value, Response<SimBody>> {
    let bytes = Limited::new(body, MAX_REQUEST_BODY)
        .collect()
        .await
        .map_err(|_| control_error(413, "request body too large"))?
        .to_bytes();
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| control_error(400, &format!("body is not JSON: {e}")))
}

/// The control API under `/_sim` (no auth, not logged).
async fn control(shared: &Shared, req: Request<Incoming>) -> Response<SimBody> {
    let path = req.uri().path();
    let path = path
        .strip_suffix('/')
        .filter(|p| p.len() > "/_sim".len())
        .unwrap_or(path);
    let segs: Vec<String> = path.split('/').skip(2).map(percent_decode).collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let method = req.method().clone();
    let get = method == Method::GET || method == Method::HEAD;
    let post = method == Method::POST;
    let delete = method == Method::DELETE;
    match segs.as_slice() {
        ["health"] if get => ok(),
        ["health"] => not_allowed("GET"),
        ["state"] if get => json_response(200, &shared.lock().state_json()),
        ["state"] => not_allowed("GET"),
        ["nodes", n] if get => match shared.lock().node_json(n) {
            Some(v) => json_response(200, &v),
            None => response(404, Some("application/json"), "{}"),
        },
        ["nodes", _] => not_allowed("GET"),
        ["reset"] if post => {
            shared.reset();
            ok()
        }
        ["reset"] => not_allowed("POST"),
        ["requests"] if get => json_response(200, &shared.lock().requests_json()),
        ["requests"] if delete => {
            shared.lock().clear_log();
            ok()
        }
        ["requests"] => not_allowed("GET, DELETE"),
        ["faults"] if get => json_response(200, &shared.lock().faults_json()),
        ["faults"] if delete => {
            shared.lock().faults.clear();
            ok()
        }
        ["faults"] if post => {
            let v = match json_body(req.into_body()).await {
                Ok(v) => v,
                Err(r) => return r,
            };
            match push_faults(shared, &v) {
                Ok(pending) => json_response(200, &json!({"ok": true, "pending": pending})),
                Err(e) => control_error(400, &e),
            }
        }
        ["faults"] => not_allowed("GET, POST, DELETE"),
        ["config"] if get => json_response(200, &json!({"status_200": shared.lock().status_200})),
        ["config"] if post => {
            let v = match json_body(req.into_body()).await {
                Ok(v) => v,
                Err(r) => return r,
            };
            match set_config(shared, &v) {
                Ok(()) => ok(),
                Err(e) => control_error(400, &e),
            }
        }
        ["config"] => not_allowed("GET, POST"),
        ["phlos"] if post => {
            let v = match json_body(req.into_body()).await {
                Ok(v) => v,
                Err(r) => return r,
            };
            match fixture::parse(&v) {
                Ok(phlos) => {
                    let ids: Vec<String> = phlos.iter().map(|p| p.id.clone()).collect();
                    let mut g = shared.lock();
                    for p in phlos {
                        g.phlos.insert(p.id.clone(), p);
                    }
                    json_response(200, &json!({"ok": true, "phlo_ids": ids}))
                }
                Err(e) => control_error(400, &e),
            }
        }
        ["phlos"] => not_allowed("POST"),
        _ => response(404, Some("application/json"), "{}"),
    }
}

/// Queues faults; returns how many are pending.
pub(crate) fn push_faults(shared: &Shared, v: &Value) -> Result<usize, String> {
    let new = faults::parse(v)?;
    let mut g = shared.lock();
    g.faults.extend(new);
    Ok(g.faults.len())
}

fn set_config(shared: &Shared, v: &Value) -> Result<(), String> {
    let o = v.as_object().ok_or("config must be a JSON object")?;
    let mut status_200 = None;
    for (k, val) in o {
        match (k.as_str(), val) {
            ("status_200", Value::Bool(b)) => status_200 = Some(*b),
            ("status_200", _) => return Err("`status_200` must be true or false".into()),
            (other, _) => return Err(format!("unknown config key `{other}`")),
        }
    }
    if let Some(b) = status_200 {
        shared.lock().status_200 = b;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pad() {
        let s = pad_json("{\"api_id\":\"a\",\"error\":\"\"}".into(), 1000);
        assert_eq!(s.len(), 1000);
        let v: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["api_id"], "a");
        let s = pad_json("{\"a\":1}".into(), 0);
        assert_eq!(s, "{\"a\":1,\"pad\":\"\"}");
    }
}
