//! The blocking engine: a blocking call runs its request on the thread that makes it.
//!
//! Each thread that makes calls owns a current-thread tokio runtime, created at its first call,
//! and drives the request itself: connect, send, wait and read all happen inside the call, with
//! no hand-over to another thread and back. (`reqwest::blocking` sends every request to a
//! runtime thread of its own and waits for the answer: two thread wake-ups per call, which cost
//! more than the rest of the call and made every figure swing with machine load; see
//! docs/benchmarks.md.) A client keeps one connection pool per calling thread (see
//! [`crate::transport`]), because a connection belongs to the runtime that opened it.
//!
//! Three things the hand-over used to hide are handled here:
//! - **fork**: a child process inherits the parent's runtime and sockets but none of its threads.
//!   A `pthread_atfork` child handler counts forks; a runtime or pool made before the latest fork
//!   is never used, dropped or closed in the child (that would touch the parent's epoll instance
//!   and connections, which the two processes share): it is kept aside for the life of the child
//!   ([`keep_forever`]), and the child's first call makes new ones.
//! - **SIGPIPE**: C and Perl hosts keep its default action, which kills the process when a write
//!   meets a connection the peer has closed. While a call runs, SIGPIPE is blocked in the calling
//!   thread, and one the call raised is taken off before the caller's mask is restored, so a
//!   broken connection is the `EPIPE` error (`connection`) it should be.
//! - **calls from inside a tokio runtime** (an async task, `spawn_blocking`, a logging handler
//!   that calls the client): a thread there cannot drive a runtime of its own, so the call runs on
//!   a short-lived thread of its own and the caller waits. It works; it is slower (no connection
//!   reuse). Async code should use [`crate::AsyncClient`].

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Forks seen in this process's line (incremented in the child by the `pthread_atfork` handler).
static FORKS: AtomicU64 = AtomicU64::new(0);
/// Numbers the calling threads' runtimes, so a pool knows which runtime its connections live on.
static RUNTIMES: AtomicU64 = AtomicU64::new(0);

/// The runtime a pool's connections belong to: its number and the fork generation it was made in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Owner {
    /// The fork generation the runtime was made in.
    pub(crate) generation: u64,
    /// The runtime's number (0 for pools that serve any runtime: the async client's).
    pub(crate) runtime: u64,
}

impl Owner {
    /// The owner of a pool that is not tied to a calling thread's runtime (the async client's).
    pub(crate) fn shared() -> Owner {
        Owner {
            generation: fork_generation(),
            runtime: 0,
        }
    }

    /// Whether things made for this owner were made before the latest fork, in the parent: they
    /// must be leaked, never used or dropped (see the module doc).
    pub(crate) fn is_inherited(self) -> bool {
        self.generation != FORKS.load(Ordering::Relaxed)
    }
}

/// How many times this process's line has forked: 0 in the first process, one more in each
/// child. Something made while this was N must not be used (nor dropped) once it is N+1: it
/// belongs to the parent. Installs the `pthread_atfork` handler on first use (always 0 on
/// platforms without fork).
pub fn fork_generation() -> u64 {
    watch_forks();
    FORKS.load(Ordering::Relaxed)
}

#[cfg(unix)]
fn watch_forks() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    extern "C" fn in_child() {
        // Async-signal-safe: one atomic add.
        FORKS.fetch_add(1, Ordering::Relaxed);
    }
    ONCE.call_once(|| {
        // SAFETY: registers a handler that only increments an atomic; the handler lives as long
        // as the program (a plain fn).
        unsafe {
            libc::pthread_atfork(None, None, Some(in_child));
        }
    });
}

#[cfg(not(unix))]
fn watch_forks() {}

/// A calling thread's runtime.
struct ThreadRuntime {
    owner: Owner,
    rt: ManuallyDrop<tokio::runtime::Runtime>,
    /// When the thread's last call ended: a call made soon after skips [`settle`].
    idle_since: Cell<Instant>,
}

impl ThreadRuntime {
    fn new() -> ThreadRuntime {
        ThreadRuntime {
            owner: Owner {
                generation: fork_generation(),
                runtime: RUNTIMES.fetch_add(1, Ordering::Relaxed) + 1,
            },
            rt: ManuallyDrop::new(
                tokio::runtime::Builder::new_current_thread()
                    .enable_io()
                    .enable_time()
                    .build()
                    .expect("a current-thread runtime with I/O and timers can be built"),
            ),
            idle_since: Cell::new(Instant::now()),
        }
    }
}

/// Lets the thread's runtime take in what happened to its connections since its last call, before
/// a new request picks one from the pool.
///
/// Between calls nothing drives the runtime, so a keep-alive connection the server closed while
/// idle still looks open, and the socket's readiness is stale: a request sent on it would be
/// written to a closed connection and fail, and an action could not safely be sent again. A
/// yield lets the runtime poll its I/O driver without waiting, so the server's FIN is seen: the
/// connection is retired, or the request on it is cancelled before a byte is written and sent on
/// a new connection. That costs two system calls (a zero-timeout `epoll_wait` and the wake-up),
/// so it is skipped when the thread's last call ended less than [`SETTLE_AFTER`] ago: servers
/// close idle connections after seconds, and calls in a tight loop pay nothing.
async fn settle() {
    tokio::task::yield_now().await;
}

/// How long a thread's runtime may sit idle before a call [`settle`]s it first.
const SETTLE_AFTER: Duration = Duration::from_millis(5);

impl Drop for ThreadRuntime {
    fn drop(&mut self) {
        // SAFETY: taken once, here, and never used again.
        let rt = unsafe { ManuallyDrop::take(&mut self.rt) };
        // The parent's runtime is kept in a child: dropping it would deregister the parent's
        // sockets from the epoll instance both processes share.
        if self.owner.is_inherited() {
            keep_forever(rt);
        }
    }
}

/// Keeps something inherited from the parent of a fork for the rest of the process, never
/// dropping it (see the module doc). It stays reachable, so a leak checker run on the child
/// reports it as still in use rather than lost.
pub(crate) fn keep_forever<T: Send + 'static>(inherited: T) {
    static KEPT: std::sync::Mutex<Vec<Box<dyn std::any::Any + Send>>> =
        std::sync::Mutex::new(Vec::new());
    KEPT.lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(Box::new(inherited));
}

thread_local! {
    static RUNTIME: RefCell<Option<ThreadRuntime>> = const { RefCell::new(None) };
}

/// Runs the future that `make` builds for the calling thread's runtime, on that runtime, and
/// returns its output. See the module doc for fork, SIGPIPE and calls from inside a runtime.
pub(crate) fn block_on<T, F, Fut>(make: F) -> T
where
    F: FnOnce(Owner) -> Fut + Send,
    Fut: Future<Output = T>,
    T: Send,
{
    if tokio::runtime::Handle::try_current().is_ok() {
        return on_own_thread(make);
    }
    let mut make = Some(make);
    let ran = RUNTIME.try_with(|cell| {
        let make = make.take().expect("taken once");
        let fresh = {
            let mut slot = cell.borrow_mut();
            let stale = slot.as_ref().is_none_or(|t| t.owner.is_inherited());
            if stale {
                *slot = Some(ThreadRuntime::new());
            }
            stale
        };
        let slot = cell.borrow();
        let t = slot.as_ref().expect("set above");
        let _sigpipe = SigpipeGuard::new();
        let fut = make(t.owner);
        let idle = !fresh && t.idle_since.get().elapsed() >= SETTLE_AFTER;
        let out = t.rt.block_on(async move {
            if idle {
                settle().await;
            }
            fut.await
        });
        t.idle_since.set(Instant::now());
        out
    });
    match ran {
        Ok(v) => v,
        // The thread's locals are being destroyed (a call from another thread-local's destructor).
        Err(_) => on_own_thread(make.take().expect("not taken when try_with fails")),
    }
}

/// [`block_on`], calling `stop` every `every` while the future is pending; when `stop` returns
/// true the future is dropped (its request abandoned, its connection closed) and `None` returned.
pub(crate) fn block_on_until<T, F, Fut>(
    make: F,
    every: Duration,
    stop: &mut (dyn FnMut() -> bool + Send),
) -> Option<T>
where
    F: FnOnce(Owner) -> Fut + Send,
    Fut: Future<Output = T>,
    T: Send,
{
    block_on(move |owner| {
        let fut = make(owner);
        async move {
            let mut fut = std::pin::pin!(fut);
            loop {
                match tokio::time::timeout(every, fut.as_mut()).await {
                    Ok(v) => return Some(v),
                    Err(_) if stop() => return None,
                    Err(_) => {}
                }
            }
        }
    })
}

/// Runs `make`'s future on a new thread with a runtime of its own, and waits for it.
fn on_own_thread<T, F, Fut>(make: F) -> T
where
    F: FnOnce(Owner) -> Fut + Send,
    Fut: Future<Output = T>,
    T: Send,
{
    std::thread::scope(|s| {
        s.spawn(|| block_on(make))
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

/// Blocks SIGPIPE in the calling thread for as long as it lives, unless it is ignored or already
/// blocked; on drop, takes off a SIGPIPE the call raised and restores the mask.
struct SigpipeGuard {
    #[cfg(unix)]
    old: Option<libc::sigset_t>,
}

#[cfg(unix)]
impl SigpipeGuard {
    fn new() -> SigpipeGuard {
        // SAFETY: sigaction with a null new action only reads the current one into `act`;
        // sigset_t is plain data that sigemptyset/sigaddset initialise; pthread_sigmask only
        // reads `set` and writes `old`, and affects this thread alone.
        unsafe {
            let mut act: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(libc::SIGPIPE, std::ptr::null(), &mut act) == 0
                && act.sa_sigaction == libc::SIG_IGN
            {
                // Ignored (Rust and Python programs): a write to a closed connection is EPIPE.
                return SigpipeGuard { old: None };
            }
            let mut set: libc::sigset_t = std::mem::zeroed();
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGPIPE);
            if libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old) != 0
                || libc::sigismember(&old, libc::SIGPIPE) == 1
            {
                // Already blocked by the caller: leave its mask and pending signals alone.
                return SigpipeGuard { old: None };
            }
            SigpipeGuard { old: Some(old) }
        }
    }
}

#[cfg(unix)]
impl Drop for SigpipeGuard {
    fn drop(&mut self) {
        let Some(old) = self.old else { return };
        // SAFETY: as in `new`; sigtimedwait with a zero timeout only takes a pending SIGPIPE
        // (thread-directed, raised by this thread's write) off this thread, without waiting.
        unsafe {
            let mut pending: libc::sigset_t = std::mem::zeroed();
            if libc::sigpending(&mut pending) == 0
                && libc::sigismember(&pending, libc::SIGPIPE) == 1
            {
                let mut set: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut set);
                libc::sigaddset(&mut set, libc::SIGPIPE);
                let zero = libc::timespec {
                    tv_sec: 0,
                    tv_nsec: 0,
                };
                libc::sigtimedwait(&set, std::ptr::null_mut(), &zero);
            }
            libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
        }
    }
}

#[cfg(not(unix))]
impl SigpipeGuard {
    fn new() -> SigpipeGuard {
        SigpipeGuard {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_keeps_its_runtime_and_a_runtime_is_not_reentered() {
        let a = block_on(|o| async move { o });
        let b = block_on(|o| async move { o });
        assert_eq!(a, b, "one runtime per thread");
        let other = std::thread::spawn(|| block_on(|o| async move { o }))
            .join()
            .unwrap();
        assert_ne!(a.runtime, other.runtime);
        // A blocking call made while the thread is inside a runtime runs on a thread of its own.
        let nested = block_on(|o| async move { (o, block_on(|inner| async move { inner })) });
        assert_eq!(nested.0, a);
        assert_ne!(nested.1.runtime, a.runtime);
        // From inside a foreign runtime's task too.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let inside = rt.block_on(async { block_on(|o| async move { o }) });
        assert_ne!(inside.runtime, a.runtime);
    }

    #[test]
    fn stop_abandons_a_pending_future() {
        let mut checks = 0;
        let mut stop = || {
            checks += 1;
            checks == 3
        };
        let out = block_on_until(
            |_| std::future::pending::<()>(),
            Duration::from_millis(5),
            &mut stop,
        );
        assert_eq!(out, None);
        assert_eq!(checks, 3);
        let out = block_on_until(|_| async { 7 }, Duration::from_secs(5), &mut || true);
        assert_eq!(out, Some(7));
    }
}
