//! Where tokio meets asyncio: the background runtime the async calls run on, the awaitable each
//! `AsyncClient` method returns, and the way answers get back to the event loop.
//!
//! - **The runtime.** One tokio multi-thread runtime per process, with [`WORKERS`] worker
//!   threads, made at the first async call. The core's futures run there, never on the event
//!   loop's thread: the loop only starts a call and, later, hands its answer to the waiting task.
//!   After `fork()` the child's first call makes a new runtime (the parent's threads did not
//!   survive the fork); the parent's is leaked, never used or dropped, as the core does with its
//!   own runtimes (the fork is seen through [`plivo_phlo::fork_generation`]).
//! - **The awaitable** ([`Call`]). A method checks its arguments and builds the operation at once
//!   (a bad argument raises from the call itself, before any `await`), and returns a coroutine
//!   object that sends the request when it is first awaited (or scheduled as a task). It then
//!   waits on an `asyncio.Future` made by the running loop. Cancelling the task (or `close()`,
//!   or dropping the coroutine) aborts the request: its connection is closed and it is never
//!   retried.
//! - **The way back** ([`Queue`]). Each event loop gets one queue of finished calls and one
//!   socket pair whose reading end the loop watches (`loop.add_reader`). A runtime thread that
//!   finishes a call pushes it on the queue, and writes one byte only when the queue was empty:
//!   it never takes the GIL. The loop then runs [`Drain`] once, which completes every future
//!   queued since, in one pass: under load one wake-up of the loop serves many answers. A loop
//!   without `add_reader` (Windows' proactor loop) is woken by a Python thread of ours instead
//!   ([`Waiter`]), which waits for the same signal without the GIL and calls
//!   `call_soon_threadsafe`.
//! - **Exit.** The runtime's threads take the GIL only to hand a log record to `logging` (see
//!   [`crate::logbridge`]); one that did so while the interpreter finalizes would abort the
//!   process, so records are switched off from `atexit` on ([`exiting`]).

use std::cell::RefCell;
use std::io::{ErrorKind, Read, Write};
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use plivo_phlo::fork_generation;
use pyo3::exceptions::{PyBaseException, PyRuntimeError, PyStopIteration, PyTypeError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{IntoPyDict, PyBool, PyTuple, PyType, PyWeakrefReference};
use pyo3::{BoundObject, PyTraverseError, PyVisit};
use tokio::task::AbortHandle;

/// Worker threads of the background runtime. The loop thread does the Python side of every
/// call; the runtime's share (HTTP, JSON, TLS) is smaller, and one thread keeps up with one loop
/// (see docs/python.md for the measurements).
const WORKERS: usize = 1;

/// The background runtime and the fork generation it was made in.
struct Background {
    generation: u64,
    rt: ManuallyDrop<tokio::runtime::Runtime>,
}

/// Only touched with the GIL held, so no thread can hold it when the process forks.
static RUNTIME: Mutex<Option<Background>> = Mutex::new(None);

/// Set when the interpreter begins to exit.
static EXITING: AtomicBool = AtomicBool::new(false);

/// Whether the interpreter is exiting: from then on the runtime's threads must not log, which
/// would take the GIL (see [`Wake::Thread`]).
pub(crate) fn exiting() -> bool {
    EXITING.load(Ordering::Relaxed)
}

/// Registered with `atexit` with the first runtime: silences the core's log records, the one
/// thing a call still under way on the runtime would take the GIL for.
#[pyfunction]
fn at_exit() {
    EXITING.store(true, Ordering::Relaxed);
    log::set_max_level(log::LevelFilter::Off);
}

/// The background runtime of this process (see the module doc), made on first use and again
/// after a fork.
fn runtime(py: Python<'_>) -> PyResult<tokio::runtime::Handle> {
    let generation = fork_generation();
    let mut slot = RUNTIME.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(b) = slot.as_ref().filter(|b| b.generation == generation) {
        return Ok(b.rt.handle().clone());
    }
    if slot.is_none() {
        py.import("atexit")?
            .call_method1("register", (wrap_pyfunction!(at_exit, py)?,))?;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .thread_name("plivo-phlo-async")
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start the async runtime: {e}")))?;
    let handle = rt.handle().clone();
    // The one being replaced was made before a fork: its ManuallyDrop is simply never dropped.
    *slot = Some(Background {
        generation,
        rt: ManuallyDrop::new(rt),
    });
    Ok(handle)
}

/// A finished call on its way back to the loop: the future to complete, and what completes it
/// (built with the GIL, on the loop's thread).
type Done = (Py<PyAny>, Finish);

/// Turns a call's outcome into the future's result or exception; runs on the loop's thread.
pub(crate) type Finish = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

/// One event loop's queue of finished calls, and how to wake the loop.
pub(crate) struct Queue {
    done: Mutex<Vec<Done>>,
    wake: Wake,
    generation: u64,
}

enum Wake {
    /// The loop watches `rx`; a byte on `tx` wakes it.
    #[cfg(unix)]
    Socket {
        tx: std::os::unix::net::UnixStream,
        rx: std::os::unix::net::UnixStream,
    },
    /// For loops that cannot watch a socket: a Python thread of ours ([`Waiter`]) waits for the
    /// signal without the GIL and passes it on with the loop's `call_soon_threadsafe`. (The
    /// runtime's threads never take the GIL: one that did while the interpreter shuts down would
    /// take the process with it.)
    Thread(Signal),
}

/// A flag raised by the runtime's threads and waited for by a [`Waiter`].
#[derive(Default)]
struct Signal {
    raised: Mutex<bool>,
    cv: Condvar,
}

impl Signal {
    fn raise(&self) {
        *self.raised.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.cv.notify_one();
    }

    /// Waits up to `timeout` for the flag; lowers it and returns whether it was raised.
    fn wait(&self, timeout: Duration) -> bool {
        let guard = self.raised.lock().unwrap_or_else(|e| e.into_inner());
        let (mut raised, _) = self
            .cv
            .wait_timeout_while(guard, timeout, |r| !*r)
            .unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut *raised)
    }
}

impl Queue {
    /// Queues a finished call, and wakes the loop if nothing was queued before it.
    fn push(&self, done: Done) {
        let first = {
            let mut q = self.done.lock().unwrap_or_else(|e| e.into_inner());
            q.push(done);
            q.len() == 1
        };
        if first {
            match &self.wake {
                #[cfg(unix)]
                Wake::Socket { tx, .. } => {
                    // A full socket buffer means a wake-up is pending already.
                    let _ = (&*tx).write(&[1]);
                }
                Wake::Thread(signal) => signal.raise(),
            }
        }
    }

    /// Empties the socket (the loop would call again while a byte is left).
    fn clear(&self) {
        #[cfg(unix)]
        if let Wake::Socket { rx, .. } = &self.wake {
            let mut buf = [0u8; 64];
            loop {
                match (&*rx).read(&mut buf) {
                    Ok(n) if n == buf.len() => continue,
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    _ => break,
                }
            }
        }
    }
}

/// The body of the thread that wakes a loop without `add_reader`; it ends when the loop is
/// closed.
#[pyclass(name = "_Waiter", module = "plivo_phlo", frozen)]
pub(crate) struct Waiter {
    queue: Arc<Queue>,
    event_loop: Py<PyAny>,
}

#[pymethods]
impl Waiter {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        let Wake::Thread(signal) = &self.queue.wake else {
            return Ok(());
        };
        let event_loop = self.event_loop.bind(py);
        loop {
            // A timeout now and then, to notice a closed loop.
            let raised = py.detach(|| signal.wait(Duration::from_secs(1)));
            let closed = event_loop
                .call_method0(intern!(py, "is_closed"))
                .and_then(|c| c.is_truthy())
                .unwrap_or(true);
            if closed || self.queue.generation != fork_generation() {
                return Ok(());
            }
            let drain = Drain {
                queue: self.queue.clone(),
            };
            if raised
                && event_loop
                    .call_method1(intern!(py, "call_soon_threadsafe"), (drain,))
                    .is_err()
            {
                // Closed in the meantime: nobody is left to wake.
                return Ok(());
            }
        }
    }
}

/// The callback an event loop runs when calls have finished: completes each queued future with
/// its result or exception (skipping futures already cancelled).
#[pyclass(name = "_Drain", module = "plivo_phlo", frozen)]
pub(crate) struct Drain {
    queue: Arc<Queue>,
}

#[pymethods]
impl Drain {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        let q = &self.queue;
        if q.generation != fork_generation() {
            // A loop inherited from the parent process: its queue and socket are the parent's.
            return Ok(());
        }
        q.clear();
        let batch = std::mem::take(&mut *q.done.lock().unwrap_or_else(|e| e.into_inner()));
        // Every future is completed even if one fails; the first failure is then reported to the
        // loop's exception handler.
        let mut failed = None;
        for (fut, finish) in batch {
            let fut = fut.bind(py);
            let outcome = fut
                .call_method0(intern!(py, "done"))
                .and_then(|d| d.is_truthy())
                .and_then(|done| {
                    if done {
                        return Ok(());
                    }
                    match finish(py) {
                        Ok(v) => fut.call_method1(intern!(py, "set_result"), (v,)),
                        Err(e) => {
                            fut.call_method1(intern!(py, "set_exception"), (e.into_value(py),))
                        }
                    }
                    .map(drop)
                });
            if let Err(e) = outcome {
                failed.get_or_insert(e);
            }
        }
        failed.map_or(Ok(()), Err)
    }
}

/// Loops and their drains (`weakref.WeakKeyDictionary`): a loop's entry goes with the loop.
static REGISTRY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
thread_local! {
    /// The loop of this thread's latest call and its queue: the common case (one loop per
    /// thread) skips the registry.
    static LAST: RefCell<Option<(Py<PyWeakrefReference>, Arc<Queue>)>> = const { RefCell::new(None) };
}
/// `asyncio.get_running_loop`.
static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The queue of `event_loop`, set up at its first call (and again in a child after a fork).
fn queue(py: Python<'_>, event_loop: &Bound<'_, PyAny>) -> PyResult<Arc<Queue>> {
    let generation = fork_generation();
    let cached = LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|(r, q)| {
                q.generation == generation && r.bind(py).upgrade().is_some_and(|l| l.is(event_loop))
            })
            .map(|(_, q)| q.clone())
    });
    if let Some(q) = cached {
        return Ok(q);
    }
    let registry = REGISTRY
        .get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            Ok(py
                .import("weakref")?
                .getattr("WeakKeyDictionary")?
                .call0()?
                .unbind())
        })?
        .bind(py);
    let known = registry
        .call_method1(intern!(py, "get"), (event_loop,))?
        .cast_into::<Drain>()
        .ok()
        .map(|d| d.get().queue.clone())
        .filter(|q| q.generation == generation);
    let q = match known {
        Some(q) => q,
        None => {
            let q = new_queue(py, event_loop, generation)?;
            registry.set_item(event_loop, Drain { queue: q.clone() })?;
            q
        }
    };
    let entry = (PyWeakrefReference::new(event_loop)?.unbind(), q.clone());
    // The entry it replaces is dropped after the borrow ends (dropping a weak reference may run
    // Python code).
    let _old = LAST.with_borrow_mut(|last| last.replace(entry));
    Ok(q)
}

/// A queue for `event_loop`, its socket watched by the loop (or, where the loop cannot watch
/// one, a [`Waiter`] thread started for it).
fn new_queue(
    py: Python<'_>,
    event_loop: &Bound<'_, PyAny>,
    generation: u64,
) -> PyResult<Arc<Queue>> {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let (tx, rx) = std::os::unix::net::UnixStream::pair()?;
        tx.set_nonblocking(true)?;
        rx.set_nonblocking(true)?;
        let fd = rx.as_raw_fd();
        let q = Arc::new(Queue {
            done: Mutex::new(Vec::new()),
            wake: Wake::Socket { tx, rx },
            generation,
        });
        let drain = Drain { queue: q.clone() };
        match event_loop.call_method1(intern!(py, "add_reader"), (fd, drain)) {
            Ok(_) => return Ok(q),
            Err(e) if e.is_instance_of::<pyo3::exceptions::PyNotImplementedError>(py) => {}
            Err(e) => return Err(e),
        }
    }
    let q = Arc::new(Queue {
        done: Mutex::new(Vec::new()),
        wake: Wake::Thread(Signal::default()),
        generation,
    });
    let waiter = Waiter {
        queue: q.clone(),
        event_loop: event_loop.clone().unbind(),
    };
    let kwargs = [
        ("target", waiter.into_pyobject(py)?.into_any()),
        ("daemon", PyBool::new(py, true).to_owned().into_any()),
        ("name", "plivo-phlo-wake".into_pyobject(py)?.into_any()),
    ]
    .into_py_dict(py)?;
    py.import("threading")?
        .getattr("Thread")?
        .call((), Some(&kwargs))?
        .call_method0("start")?;
    Ok(q)
}

/// Starts a call on the background runtime: given the runtime, the loop's queue and the future
/// to complete, spawns the call's task and returns its abort handle.
pub(crate) type Start =
    Box<dyn FnOnce(&tokio::runtime::Handle, Arc<Queue>, Py<PyAny>) -> AbortHandle + Send>;

/// A [`Start`] for `run` (a core call) whose answer becomes a Python object through `wrap`.
pub(crate) fn start<X, Fut, R>(run: Fut, wrap: fn(X) -> R) -> Start
where
    Fut: std::future::Future<Output = plivo_phlo::Result<X>> + Send + 'static,
    X: Send + 'static,
    R: for<'py> IntoPyObject<'py> + 'static,
{
    Box::new(move |rt, queue, fut| {
        rt.spawn(async move {
            let outcome = run.await;
            let finish: Finish = Box::new(move |py| match outcome {
                Ok(x) => wrap(x)
                    .into_pyobject(py)
                    .map(|o| o.into_any().unbind())
                    .map_err(Into::into),
                Err(e) => Err(crate::errors::to_py(py, &e)),
            });
            queue.push((fut, finish));
        })
        .abort_handle()
    })
}

/// A running call's task, aborted when the call is cancelled or dropped (never in a child
/// process: the task belongs to the parent's runtime).
struct Task {
    generation: u64,
    abort: ManuallyDrop<AbortHandle>,
}

impl Task {
    fn abort(&self) {
        if self.generation == fork_generation() {
            self.abort.abort();
        }
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        if self.generation == fork_generation() {
            self.abort.abort();
            // SAFETY: dropped once, here, and never used again.
            unsafe { ManuallyDrop::drop(&mut self.abort) }
        }
    }
}

enum State {
    /// Not awaited yet: nothing sent.
    Start(Start),
    /// Sent; `fut` completes when the answer is back.
    Waiting { fut: Py<PyAny>, task: Task },
    /// A value known already (`__aenter__`, `aclose`).
    Ready(Py<PyAny>),
    /// Returned, raised, cancelled or closed.
    Finished,
}

/// The coroutine an `AsyncClient` method returns: awaitable, and usable with
/// `asyncio.create_task`, `gather`, `wait_for` and task groups (it has the coroutine methods
/// `send`, `throw` and `close`). It can be awaited once.
#[pyclass(name = "_AsyncCall", module = "plivo_phlo", frozen)]
pub(crate) struct Call {
    name: &'static str,
    /// Only touched with the GIL held; the lock makes the class `Sync` for pyo3.
    state: Mutex<State>,
}

impl Call {
    /// A call that sends its request when first awaited.
    pub(crate) fn new(name: &'static str, start: Start) -> Call {
        Call {
            name,
            state: Mutex::new(State::Start(start)),
        }
    }

    /// An awaitable whose result is `value`, at once.
    pub(crate) fn ready(name: &'static str, value: Py<PyAny>) -> Call {
        Call {
            name,
            state: Mutex::new(State::Ready(value)),
        }
    }

    /// Aborts the request, if it was sent, and cancels its future.
    fn cancel(&self, py: Python<'_>) {
        let state = std::mem::replace(&mut *self.lock(), State::Finished);
        if let State::Waiting { fut, task } = state {
            task.abort();
            let _ = fut.call_method0(py, intern!(py, "cancel"));
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves the call on: sends the request (first step), keeps waiting, or returns the answer
    /// by raising `StopIteration` with it. The state lock is never held while Python code runs
    /// (which could reach this call again, or start a garbage collection that visits it).
    fn step(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let state = std::mem::replace(&mut *self.lock(), State::Finished);
        match state {
            State::Start(start) => {
                let get = GET_RUNNING_LOOP.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
                    Ok(py.import("asyncio")?.getattr("get_running_loop")?.unbind())
                })?;
                let event_loop = get.bind(py).call0()?;
                let queue = queue(py, &event_loop)?;
                let fut = event_loop.call_method0(intern!(py, "create_future"))?;
                let task = Task {
                    generation: fork_generation(),
                    abort: ManuallyDrop::new(start(&runtime(py)?, queue, fut.clone().unbind())),
                };
                fut.setattr(intern!(py, "_asyncio_future_blocking"), true)?;
                *self.lock() = State::Waiting {
                    fut: fut.clone().unbind(),
                    task,
                };
                Ok(fut.unbind())
            }
            State::Waiting { fut, task } => {
                let f = fut.bind(py);
                if !f.call_method0(intern!(py, "done"))?.is_truthy()? {
                    // Woken early (not by the future): keep waiting on it.
                    f.setattr(intern!(py, "_asyncio_future_blocking"), true)?;
                    let again = fut.clone_ref(py);
                    *self.lock() = State::Waiting { fut, task };
                    return Ok(again);
                }
                let value = f.call_method0(intern!(py, "result"))?;
                Err(PyStopIteration::new_err((value.unbind(),)))
            }
            State::Ready(value) => Err(PyStopIteration::new_err((value,))),
            State::Finished => Err(PyRuntimeError::new_err(
                "cannot reuse an already awaited AsyncClient call",
            )),
        }
    }
}

#[pymethods]
impl Call {
    fn __await__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.step(py)
    }

    /// Resumes the call (as a coroutine's `send`); the value sent is ignored.
    fn send(&self, py: Python<'_>, _value: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.step(py)
    }

    /// Raises the exception in the call (as a coroutine's `throw`): the request is abandoned,
    /// never retried, and the exception comes back out.
    #[pyo3(signature = (typ, val=None, _tb=None))]
    fn throw(
        &self,
        py: Python<'_>,
        typ: &Bound<'_, PyAny>,
        val: Option<&Bound<'_, PyAny>>,
        _tb: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        self.cancel(py);
        let val = val.filter(|v| !v.is_none());
        if let Ok(exc) = typ.cast::<PyBaseException>() {
            return Err(PyErr::from_value(exc.clone().into_any()));
        }
        if let Ok(cls) = typ.cast::<PyType>() {
            let exc = match val {
                Some(v) if v.is_instance(cls)? => v.clone(),
                Some(v) if v.is_instance_of::<PyTuple>() => {
                    cls.call1(v.cast::<PyTuple>()?.clone())?
                }
                Some(v) => cls.call1((v,))?,
                None => cls.call0()?,
            };
            if exc.is_instance_of::<PyBaseException>() {
                return Err(PyErr::from_value(exc));
            }
        }
        Err(PyTypeError::new_err(
            "exceptions must derive from BaseException",
        ))
    }

    /// Abandons the call (as a coroutine's `close`): a request under way is aborted, never
    /// retried.
    fn close(&self, py: Python<'_>) {
        self.cancel(py);
    }

    fn __repr__(&self) -> String {
        format!("<plivo_phlo.AsyncClient.{} call>", self.name)
    }

    /// The garbage collector's view: the future a waiting call holds (its callbacks may lead
    /// back here, through the task that awaits the call). A call being stepped is skipped.
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        if let Ok(state) = self.state.try_lock() {
            match &*state {
                State::Waiting { fut, .. } => visit.call(fut)?,
                State::Ready(value) => visit.call(value)?,
                State::Start(_) | State::Finished => {}
            }
        }
        Ok(())
    }

    fn __clear__(&self) {
        // Unreachable: a request under way is aborted as the call is dropped.
        let state = self
            .state
            .try_lock()
            .map(|mut s| std::mem::replace(&mut *s, State::Finished));
        drop(state);
    }
}
