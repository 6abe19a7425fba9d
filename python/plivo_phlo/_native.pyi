"""The native extension (Rust, pyo3). Import from :mod:`plivo_phlo`, not from here."""

# The parts between `BEGIN GENERATED` and `END GENERATED` are written by `cargo xtask gen` from
# the core's tables of operations and options: edit those, not these lines.

from types import TracebackType
from typing import Any, Literal, Mapping, Optional, Sequence, Tuple, Type, Union, final

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
    "options",
]

__version__: str
DEFAULT_BASE_URL: str

def operations() -> list[dict[str, Any]]:
    """Every named operation: ``name``, ``params`` (required), ``optional``, ``named``,
    ``endpoint``, ``action``, ``node_type``, ``default_role``, ``doc``."""

def options() -> list[dict[str, Any]]:
    """Every client option: ``name``, ``kind``, ``choices``, ``unit``, ``default``, ``doc``."""

class _Result:
    @property
    def status(self) -> int:
        """The HTTP status of the answer (any 2xx)."""
    @property
    def text(self) -> str:
        """The response body exactly as received: a JSON object, or ``""`` when the service
        answered 2xx with no body (a success whose fields are all empty)."""
    def json(self) -> dict[str, Any]:
        """The response body parsed into a new dict (``{}`` when there was no body)."""
    @property
    def raw(self) -> dict[str, Any]:
        """Deprecated: use ``json()``. The response body parsed into a new dict."""
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
    ``PLIVO_PHLO_BASE_URL``, then to the core's defaults (production runner, 30 s per attempt,
    5 s to connect, 2 retries). Every client option of the core is a keyword argument, with the
    same name and unit as in every other binding (``plivo_phlo.options()`` lists them).

    Raises:
        AuthenticationError: no credentials.
        InvalidArgumentError: a malformed auth id, token or option value (a ``str`` holding a
            lone surrogate included), or an unknown option.
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

    # BEGIN GENERATED: Client (cargo xtask gen: the constructor, one method per operation)
    def __new__(
        cls,
        auth_id: Optional[str] = None,
        auth_token: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        *,
        connect_timeout: Optional[float] = None,
        action_retry: Optional[Literal["never", "safe", "always"]] = None,
        proxy: Optional[str] = None,
        ca_cert_pem: Union[str, bytes, None] = None,
        user_agent_suffix: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        allow_insecure_http: Optional[bool] = None,
        max_in_flight: Optional[int] = None,
        validation: Optional[Literal["strict", "service"]] = None,
    ) -> Client: ...
    def get_phlo(self, phlo_id: str) -> Phlo:
        """Reads a PHLO's metadata; an unknown PHLO is not_found."""
    def run_phlo(self, phlo_id: str, payload: Optional[Mapping[str, Any]] = None) -> PhloRunStarted:
        """Starts a run of a PHLO, with optional start variables; a "stopped ..." message is still a success."""
    def get_phlo_run(self, phlo_id: str, run_id: str) -> PhloRun:
        """Reads a PHLO run (legacy endpoint; any field may be missing)."""
    def get_node(self, phlo_id: str, node_type: str, node_id: str) -> Node:
        """Reads a node of either type."""
    def get_multi_party_call(self, phlo_id: str, node_id: str) -> Node:
        """Reads a multi-party-call node."""
    def get_conference_bridge(self, phlo_id: str, node_id: str) -> Node:
        """Reads a conference-bridge node."""
    def mpc_call(
        self,
        phlo_id: str,
        node_id: str,
        trigger_source: str,
        to: str,
        role: str,
    ) -> ActionResponse:
        """Dials ``to`` into the multi-party call with ``role``, on behalf of ``trigger_source``."""
    def mpc_warm_transfer(
        self,
        phlo_id: str,
        node_id: str,
        trigger_source: str,
        to: str,
        role: Optional[str] = None,
    ) -> ActionResponse:
        """Consultative transfer: ``trigger_source`` talks to ``to`` first while the other members wait on hold."""
    def mpc_cold_transfer(
        self,
        phlo_id: str,
        node_id: str,
        trigger_source: str,
        to: str,
        role: Optional[str] = None,
    ) -> ActionResponse:
        """Blind transfer: the other party is connected to ``to`` and ``trigger_source`` leaves the call."""
    def mpc_member_abort_transfer(
        self,
        phlo_id: str,
        node_id: str,
        member_id: str,
    ) -> ActionResponse:
        """Cancels the warm transfer this member started."""
    def mpc_member_resume_call(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse:
        """Completes a warm transfer: the member goes back into the call."""
    def mpc_member_voicemail_drop(
        self,
        phlo_id: str,
        node_id: str,
        member_id: str,
    ) -> ActionResponse:
        """Leaves the node's voicemail on the member's line and drops the member."""
    def mpc_member_hangup(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse:
        """Disconnects a multi-party-call member."""
    def mpc_member_hold(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse:
        """Puts a multi-party-call member on hold."""
    def mpc_member_unhold(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse:
        """Takes a multi-party-call member off hold."""
    def mpc_member_mute(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse:
        """Mutes a multi-party-call member."""
    def mpc_member_unmute(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse:
        """Unmutes a multi-party-call member."""
    def bridge_member_mute(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse:
        """Mutes a conference-bridge member."""
    def bridge_member_unmute(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse:
        """Unmutes a conference-bridge member."""
    def bridge_member_hangup(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse:
        """Disconnects a conference-bridge member."""
    def node_action(
        self,
        phlo_id: str,
        node_id: str,
        action: str,
        trigger_source: str,
        to: str,
        role: Optional[str] = None,
    ) -> ActionResponse:
        """Any multi-party-call action by name; ``role`` is left out of the request when not given."""
    def member_action(
        self,
        phlo_id: str,
        node_type: str,
        node_id: str,
        member_id: str,
        action: str,
    ) -> ActionResponse:
        """Any member action by name, on either node type."""
    def raw(self, method: str, path: str, body: Optional[Mapping[str, Any]] = None) -> Response:
        """Any request the typed operations lack: a method, a path from /v1/ and an optional JSON body, with the same credentials, retries and errors."""
    # END GENERATED: Client
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

    The constructor takes ``Client``'s arguments (``max_in_flight``, default 100, is the most
    requests in flight at once; further calls wait for a slot, within their timeout).
    """

    # BEGIN GENERATED: AsyncClient (cargo xtask gen: the constructor, one method per operation)
    def __new__(
        cls,
        auth_id: Optional[str] = None,
        auth_token: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        *,
        connect_timeout: Optional[float] = None,
        action_retry: Optional[Literal["never", "safe", "always"]] = None,
        proxy: Optional[str] = None,
        ca_cert_pem: Union[str, bytes, None] = None,
        user_agent_suffix: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        allow_insecure_http: Optional[bool] = None,
        max_in_flight: Optional[int] = None,
        validation: Optional[Literal["strict", "service"]] = None,
    ) -> AsyncClient: ...
    async def get_phlo(self, phlo_id: str) -> Phlo:
        """Reads a PHLO's metadata; an unknown PHLO is not_found."""
    async def run_phlo(
        self,
        phlo_id: str,
        payload: Optional[Mapping[str, Any]] = None,
    ) -> PhloRunStarted:
        """Starts a run of a PHLO, with optional start variables; a "stopped ..." message is still a success."""
    async def get_phlo_run(self, phlo_id: str, run_id: str) -> PhloRun:
        """Reads a PHLO run (legacy endpoint; any field may be missing)."""
    async def get_node(self, phlo_id: str, node_type: str, node_id: str) -> Node:
        """Reads a node of either type."""
    async def get_multi_party_call(self, phlo_id: str, node_id: str) -> Node:
        """Reads a multi-party-call node."""
    async def get_conference_bridge(self, phlo_id: str, node_id: str) -> Node:
        """Reads a conference-bridge node."""
    async def mpc_call(
        self,
        phlo_id: str,
        node_id: str,
        trigger_source: str,
        to: str,
        role: str,
    ) -> ActionResponse:
        """Dials ``to`` into the multi-party call with ``role``, on behalf of ``trigger_source``."""
    async def mpc_warm_transfer(
        self,
        phlo_id: str,
        node_id: str,
        trigger_source: str,
        to: str,
        role: Optional[str] = None,
    ) -> ActionResponse:
        """Consultative transfer: ``trigger_source`` talks to ``to`` first while the other members wait on hold."""
    async def mpc_cold_transfer(
        self,
        phlo_id: str,
        node_id: str,
        trigger_source: str,
        to: str,
        role: Optional[str] = None,
    ) -> ActionResponse:
        """Blind transfer: the other party is connected to ``to`` and ``trigger_source`` leaves the call."""
    async def mpc_member_abort_transfer(
        self,
        phlo_id: str,
        node_id: str,
        member_id: str,
    ) -> ActionResponse:
        """Cancels the warm transfer this member started."""
    async def mpc_member_resume_call(
        self,
        phlo_id: str,
        node_id: str,
        member_id: str,
    ) -> ActionResponse:
        """Completes a warm transfer: the member goes back into the call."""
    async def mpc_member_voicemail_drop(
        self,
        phlo_id: str,
        node_id: str,
        member_id: str,
    ) -> ActionResponse:
        """Leaves the node's voicemail on the member's line and drops the member."""
    async def mpc_member_hangup(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse:
        """Disconnects a multi-party-call member."""
    async def mpc_member_hold(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse:
        """Puts a multi-party-call member on hold."""
    async def mpc_member_unhold(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse:
        """Takes a multi-party-call member off hold."""
    async def mpc_member_mute(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse:
        """Mutes a multi-party-call member."""
    async def mpc_member_unmute(self, phlo_id: str, node_id: str, member_id: str) -> ActionResponse:
        """Unmutes a multi-party-call member."""
    async def bridge_member_mute(
        self,
        phlo_id: str,
        node_id: str,
        member_id: str,
    ) -> ActionResponse:
        """Mutes a conference-bridge member."""
    async def bridge_member_unmute(
        self,
        phlo_id: str,
        node_id: str,
        member_id: str,
    ) -> ActionResponse:
        """Unmutes a conference-bridge member."""
    async def bridge_member_hangup(
        self,
        phlo_id: str,
        node_id: str,
        member_id: str,
    ) -> ActionResponse:
        """Disconnects a conference-bridge member."""
    async def node_action(
        self,
        phlo_id: str,
        node_id: str,
        action: str,
        trigger_source: str,
        to: str,
        role: Optional[str] = None,
    ) -> ActionResponse:
        """Any multi-party-call action by name; ``role`` is left out of the request when not given."""
    async def member_action(
        self,
        phlo_id: str,
        node_type: str,
        node_id: str,
        member_id: str,
        action: str,
    ) -> ActionResponse:
        """Any member action by name, on either node type."""
    async def raw(
        self,
        method: str,
        path: str,
        body: Optional[Mapping[str, Any]] = None,
    ) -> Response:
        """Any request the typed operations lack: a method, a path from /v1/ and an optional JSON body, with the same credentials, retries and errors."""
    # END GENERATED: AsyncClient
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
    # BEGIN GENERATED: Simulator.client (cargo xtask gen: every option but base_url, for both clients)
    def client(
        self,
        *,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        action_retry: Optional[Literal["never", "safe", "always"]] = None,
        proxy: Optional[str] = None,
        ca_cert_pem: Union[str, bytes, None] = None,
        user_agent_suffix: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        allow_insecure_http: Optional[bool] = None,
        max_in_flight: Optional[int] = None,
        validation: Optional[Literal["strict", "service"]] = None,
    ) -> Client: ...
    def async_client(
        self,
        *,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        action_retry: Optional[Literal["never", "safe", "always"]] = None,
        proxy: Optional[str] = None,
        ca_cert_pem: Union[str, bytes, None] = None,
        user_agent_suffix: Optional[str] = None,
        max_response_bytes: Optional[int] = None,
        allow_insecure_http: Optional[bool] = None,
        max_in_flight: Optional[int] = None,
        validation: Optional[Literal["strict", "service"]] = None,
    ) -> AsyncClient: ...
    # END GENERATED: Simulator.client
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
