"""The native extension (Rust, pyo3). Import from :mod:`plivo_phlo`, not from here."""

from types import TracebackType
from typing import Any, Mapping, Optional, Sequence, Tuple, Type, Union, final

__all__ = [
    "__version__",
    "DEFAULT_BASE_URL",
    "Client",
    "AsyncClient",
    "Phlo",
    "PhloRunStarted",
    "PhloRun",
    "Node",
    "ActionResponse",
    "Response",
    "Simulator",
    "operations",
]

__version__: str
DEFAULT_BASE_URL: str

def operations() -> list[dict[str, Any]]:
    """Every named operation: ``name``, ``params`` (required), ``optional``, ``doc``."""

class _Result:
    @property
    def status(self) -> int:
        """The HTTP status of the answer (any 2xx)."""
    @property
    def json(self) -> str:
        """The response body exactly as received: a JSON object, or ``""`` when the service
        answered 2xx with no body (a success whose fields are all empty)."""
    @property
    def raw(self) -> dict[str, Any]:
        """The response body parsed into a new dict (``{}`` when there was no body)."""
    @property
    def extra(self) -> dict[str, Any]:
        """The fields of the answer this version does not know, as a new dict."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Phlo(_Result):
    """A PHLO's metadata, from ``Client.get_phlo``."""

    @property
    def api_id(self) -> str: ...
    @property
    def phlo_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def created_on(self) -> str: ...

@final
class PhloRunStarted(_Result):
    """The answer to ``Client.run_phlo`` (a "stopped ..." message is still a success)."""

    @property
    def api_id(self) -> str: ...
    @property
    def phlo_id(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def phlo_run_id(self) -> Optional[str]: ...
    @property
    def run_id(self) -> str:
        """``phlo_run_id`` when present and non-empty, else ``api_id``."""

@final
class PhloRun(_Result):
    """A PHLO run, from ``Client.get_phlo_run`` (legacy endpoint)."""

    @property
    def api_id(self) -> str: ...
    @property
    def phlo_id(self) -> str: ...
    @property
    def run_id(self) -> str: ...
    @property
    def call_uuids(self) -> list[str]: ...
    @property
    def message_uuids(self) -> list[str]: ...
    @property
    def recording_ids(self) -> list[str]: ...

@final
class Node(_Result):
    """A node's metadata."""

    @property
    def api_id(self) -> str: ...
    @property
    def node_id(self) -> str: ...
    @property
    def phlo_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def node_type(self) -> str: ...
    @property
    def created_on(self) -> str: ...

@final
class ActionResponse(_Result):
    """The answer to a node or member action."""

    @property
    def api_id(self) -> str: ...
    @property
    def error(self) -> str:
        """``""`` on success; kept as sent, never turned into an exception."""

@final
class Response(_Result):
    """The answer to ``Client.call`` or ``Client.raw``."""

@final
class Client:
    """A PHLO runner client. Thread-safe; every call releases the GIL.

    Each call logs its HTTP attempts to the ``logging`` logger ``plivo_phlo`` (``DEBUG``; retries
    at ``INFO``), reading the logger's level when the call starts: configuration changes apply
    from the next call.

    ``None`` arguments fall back to ``PLIVO_AUTH_ID``, ``PLIVO_AUTH_TOKEN`` and
    ``PLIVO_PHLO_BASE_URL``, then to the core's defaults (production runner, 30 s per request,
    5 s to connect, 2 retries).

    Raises:
        AuthenticationError: no credentials.
        InvalidArgumentError: a malformed auth id, token, base URL, timeout, ``max_retries``,
            proxy or certificate (a ``str`` holding a lone surrogate included).
        TypeError: an argument of the wrong type.

    Every method checks its arguments before sending anything: a wrong type is a ``TypeError``;
    a bad value (empty, too long, a control character or lone surrogate, not an id / address /
    role / action, a payload that is not JSON or nests deeper than 100 levels, an unknown
    operation or parameter of ``call``, a closed client) is an ``InvalidArgumentError`` naming
    the argument in ``field``. ``validation="service"`` (keyword only; default ``"strict"``)
    refuses only what is unsafe in the URL or certainly invalid (an empty or control-character
    value, an id or member holding ``/`` or equal to ``.``/``..``) and lets the service answer
    the rest, as the official SDK does; ``RestClient`` uses it.

    A 2xx answer with no body is a success: the result's fields are empty, ``.json`` is ``""``.
    """

    def __new__(
        cls,
        auth_id: Optional[str] = None,
        auth_token: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        *,
        connect_timeout: Optional[float] = None,
        proxy: Optional[str] = None,
        ca_cert_pem: Union[str, bytes, None] = None,
        validation: Optional[str] = None,
    ) -> Client: ...
    @property
    def auth_id(self) -> str: ...
    @property
    def base_url(self) -> str: ...
    @property
    def timeout(self) -> float: ...
    @property
    def connect_timeout(self) -> float: ...
    @property
    def max_retries(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def __enter__(self) -> Client: ...
    def __exit__(
        self,
        *_args: Union[Type[BaseException], BaseException, TracebackType, None],
    ) -> bool: ...
    def get_phlo(self, phlo_id: str) -> Phlo: ...
    def run_phlo(self, phlo_id: str, payload: Optional[Mapping[str, Any]] = None) -> PhloRunStarted: ...
    def get_phlo_run(self, phlo_id: str, run_id: str) -> PhloRun: ...
    def get_node(self, phlo_id: str, node_type: str, node_id: str) -> Node: ...
    def get_multi_party_call(self, phlo_id: str, node_id: str) -> Node: ...
    def get_conference_bridge(self, phlo_id: str, node_id: str) -> Node: ...
    def mpc_call(
        self, phlo_id: str, node_id: str, trigger_source: str, to: str, role: str
    ) -> ActionResponse: ...
    def mpc_warm_transfer(
        self, phlo_id: str, node_id: str, trigger_source: str, to: str, role: Optional[str] = None
    ) -> ActionResponse: ...
    def mpc_cold_transfer(
        self, phlo_id: str, node_id: str, trigger_source: str, to: str, role: Optional[str] = None
    ) -> ActionResponse: ...
    def mpc_member_abort_transfer(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    def mpc_member_resume_call(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    def mpc_member_voicemail_drop(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    def mpc_member_hangup(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    def mpc_member_hold(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    def mpc_member_unhold(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    def mpc_member_mute(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    def mpc_member_unmute(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    def bridge_member_mute(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    def bridge_member_unmute(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    def bridge_member_hangup(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    def node_action(
        self,
        phlo_id: str,
        node_id: str,
        action: str,
        trigger_source: str,
        to: str,
        role: Optional[str] = None,
    ) -> ActionResponse: ...
    def member_action(
        self, phlo_id: str, node_type: str, node_id: str, member_id: str, action: str
    ) -> ActionResponse: ...
    def raw(self, method: str, path: str, body: Optional[Mapping[str, Any]] = None) -> Response: ...
    def call(self, name: str, /, **params: Any) -> Response: ...

@final
class AsyncClient:
    """A PHLO runner client for asyncio: ``Client``'s methods, arguments, results and exceptions,
    each method a coroutine.

    Arguments are checked when a method is called: a bad one raises at once, before any
    ``await``. The request is sent when the coroutine is first awaited (or run as a task), on a
    background thread of the extension, and the event loop is never blocked while it waits.
    Cancelling the task (``Task.cancel``, ``asyncio.wait_for``, a task group) abandons the
    request: it is never retried. Works on asyncio's own loops and on uvloop.

    The constructor takes ``Client``'s arguments, plus ``max_in_flight`` (default 100): the most
    requests in flight at once; further calls wait for a slot, within their timeout.
    """

    def __new__(
        cls,
        auth_id: Optional[str] = None,
        auth_token: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        *,
        connect_timeout: Optional[float] = None,
        proxy: Optional[str] = None,
        ca_cert_pem: Union[str, bytes, None] = None,
        max_in_flight: Optional[int] = None,
    ) -> AsyncClient: ...
    @property
    def auth_id(self) -> str: ...
    @property
    def base_url(self) -> str: ...
    @property
    def timeout(self) -> float: ...
    @property
    def connect_timeout(self) -> float: ...
    @property
    def max_retries(self) -> int: ...
    @property
    def max_in_flight(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    async def aclose(self) -> None: ...
    async def __aenter__(self) -> AsyncClient: ...
    async def __aexit__(
        self,
        *_args: Union[Type[BaseException], BaseException, TracebackType, None],
    ) -> None: ...
    async def get_phlo(self, phlo_id: str) -> Phlo: ...
    async def run_phlo(self, phlo_id: str, payload: Optional[Mapping[str, Any]] = None) -> PhloRunStarted: ...
    async def get_phlo_run(self, phlo_id: str, run_id: str) -> PhloRun: ...
    async def get_node(self, phlo_id: str, node_type: str, node_id: str) -> Node: ...
    async def get_multi_party_call(self, phlo_id: str, node_id: str) -> Node: ...
    async def get_conference_bridge(self, phlo_id: str, node_id: str) -> Node: ...
    async def mpc_call(
        self, phlo_id: str, node_id: str, trigger_source: str, to: str, role: str
    ) -> ActionResponse: ...
    async def mpc_warm_transfer(
        self, phlo_id: str, node_id: str, trigger_source: str, to: str, role: Optional[str] = None
    ) -> ActionResponse: ...
    async def mpc_cold_transfer(
        self, phlo_id: str, node_id: str, trigger_source: str, to: str, role: Optional[str] = None
    ) -> ActionResponse: ...
    async def mpc_member_abort_transfer(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    async def mpc_member_resume_call(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    async def mpc_member_voicemail_drop(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    async def mpc_member_hangup(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    async def mpc_member_hold(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    async def mpc_member_unhold(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    async def mpc_member_mute(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    async def mpc_member_unmute(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    async def bridge_member_mute(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    async def bridge_member_unmute(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    async def bridge_member_hangup(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse: ...
    async def node_action(
        self,
        phlo_id: str,
        node_id: str,
        action: str,
        trigger_source: str,
        to: str,
        role: Optional[str] = None,
    ) -> ActionResponse: ...
    async def member_action(
        self, phlo_id: str, node_type: str, node_id: str, member_id: str, action: str
    ) -> ActionResponse: ...
    async def raw(self, method: str, path: str, body: Optional[Mapping[str, Any]] = None) -> Response: ...
    async def call(self, name: str, /, **params: Any) -> Response: ...

@final
class Simulator:
    """The PHLO simulator, in-process on an ephemeral loopback port; a context manager, also
    with ``async with``."""

    DEFAULT_AUTH_ID: str
    DEFAULT_AUTH_TOKEN: str
    DEMO_PHLO_ID: str
    DEMO_MPC_NODE_ID: str
    DEMO_BRIDGE_NODE_ID: str
    DEMO_NO_RUNS_PHLO_ID: str

    def __new__(
        cls,
        fixture: Optional[Mapping[str, Any]] = None,
        *,
        accounts: Optional[Sequence[Tuple[str, str]]] = None,
        status_200: bool = False,
    ) -> Simulator: ...
    @property
    def base_url(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def auth_id(self) -> str: ...
    @property
    def auth_token(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def state(self) -> dict[str, Any]: ...
    def node(self, node_id: str) -> Optional[dict[str, Any]]: ...
    def requests(self) -> list[dict[str, Any]]: ...
    def fault(self, kind: str, /, **params: Any) -> None: ...
    def reset(self) -> None: ...
    def client(
        self,
        *,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Client: ...
    def async_client(
        self,
        *,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        max_in_flight: Optional[int] = None,
    ) -> AsyncClient: ...
    def close(self) -> None: ...
    def __enter__(self) -> Simulator: ...
    def __exit__(
        self,
        *_args: Union[Type[BaseException], BaseException, TracebackType, None],
    ) -> bool: ...
    async def __aenter__(self) -> Simulator: ...
    async def __aexit__(
        self,
        *_args: Union[Type[BaseException], BaseException, TracebackType, None],
    ) -> None: ...
