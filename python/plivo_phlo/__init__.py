"""plivo_phlo: a client for Plivo's PHLO runner API, on a Rust core.

Run PHLOs, read PHLOs and nodes, and steer live multi-party calls and conference bridges::

    import plivo_phlo

    with plivo_phlo.Client() as client:  # PLIVO_AUTH_ID / PLIVO_AUTH_TOKEN from the environment
        r = client.mpc_cold_transfer(PHLO_ID, NODE_ID, trigger_source="+14152223333", to="+14152225555")
        print(r.status, r.api_id)

- :class:`Client`: the Pythonic client, one method per operation, typed results.
- :class:`AsyncClient`: the same methods for asyncio (and uvloop), each a coroutine::

      async with plivo_phlo.AsyncClient() as client:
          r = await client.mpc_cold_transfer(PHLO_ID, NODE_ID, "+14152223333", "+14152225555")
- :class:`RestClient` (also ``plivo_phlo.phlo.RestClient``): a drop-in for the official SDK's
  ``plivo.phlo.RestClient``.
- :class:`Simulator`: the PHLO simulator in-process, for offline tests.
- :mod:`plivo_phlo.exceptions`: :class:`PhloError` and one subclass per error kind.

Every call releases the GIL while it waits on the network, and one client may be shared by many
threads. Requests are logged to the ``plivo_phlo`` logger (method, path, status, attempt,
duration; never the token) at ``DEBUG``, retries at ``INFO``. Each call reads the logger's level
before it starts, so ``logging`` configuration applies from the next call; importing this package
does not import ``logging``, and configuring it after a client exists works.
"""

from __future__ import annotations

# Not `from typing import TYPE_CHECKING`: `typing` (and `re`, `contextlib`, `collections` with
# it) would cost more than the rest of `import plivo_phlo`. Type checkers treat any name
# `TYPE_CHECKING` as true.
TYPE_CHECKING = False

from ._native import (
    DEFAULT_BASE_URL,
    ActionResponse,
    AsyncClient,
    Client,
    Node,
    Phlo,
    PhloRun,
    PhloRunStarted,
    Response,
    Simulator,
    __version__,
    operations,
    options,
)
from . import exceptions
from .exceptions import (
    AuthenticationError,
    BadRequestError,
    DecodeError,
    InvalidArgumentError,
    NotFoundError,
    PhloConnectionError,
    PhloError,
    PhloTimeoutError,
    RateLimitedError,
    ServerError,
    ValidationError,
)

if TYPE_CHECKING:
    from . import phlo
    from .phlo import RestClient


def __getattr__(name: str) -> object:
    # The drop-in layer (`phlo`, `RestClient`) is imported on first use: code that only uses
    # `Client` does not pay for it at `import plivo_phlo`.
    if name in ("phlo", "RestClient"):
        import importlib

        phlo = importlib.import_module(".phlo", __name__)
        return phlo if name == "phlo" else phlo.RestClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    # The lazily imported names are public too: list them before their first use.
    return sorted(set(globals()) | set(__all__))

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
    "RestClient",
    "operations",
    "options",
    "exceptions",
    "phlo",
    "PhloError",
    "ValidationError",
    "InvalidArgumentError",
    "AuthenticationError",
    "NotFoundError",
    "BadRequestError",
    "RateLimitedError",
    "ServerError",
    "PhloTimeoutError",
    "PhloConnectionError",
    "DecodeError",
]
