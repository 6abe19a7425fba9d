"""Exceptions raised by :mod:`plivo_phlo`.

Every failure is a :class:`PhloError`, of the subclass for its *kind*: the core library's stable
error kind name, the same in every language binding (``invalid_argument``, ``authentication``,
``not_found``, ``bad_request``, ``rate_limited``, ``server``, ``timeout``, ``connection``,
``decode``).

=========================  ====================  ============================================
class                      kind                  raised when
=========================  ====================  ============================================
InvalidArgumentError       ``invalid_argument``  rejected before sending (also ``ValueError``)
AuthenticationError        ``authentication``    no credentials, or HTTP 401/403
NotFoundError              ``not_found``         HTTP 404: no such PHLO, node, run or member
BadRequestError            ``bad_request``       HTTP 400, 405 or another 4xx
RateLimitedError           ``rate_limited``      HTTP 429 (see ``retry_after``)
ServerError                ``server``            HTTP 5xx
PhloTimeoutError           ``timeout``           no answer in time (also ``TimeoutError``)
PhloConnectionError        ``connection``        DNS, TCP, TLS or proxy failure (also
                                                 ``ConnectionError``)
DecodeError                ``decode``            a 2xx whose body is not the JSON expected
=========================  ====================  ============================================

:class:`ValidationError` is the common base of the two "the request is invalid" errors
(:class:`InvalidArgumentError` and :class:`BadRequestError`), as the official SDK raises
``ValidationError`` for both. The official SDK's other names are aliases here, so ``except``
clauses written for it keep working: ``PlivoRestError`` (= :class:`PhloError`),
``ResourceNotFoundError`` (= :class:`NotFoundError`), ``PlivoServerError`` (= :class:`ServerError`),
``InvalidRequestError`` (= :class:`BadRequestError`); ``AuthenticationError`` and
``ValidationError`` have the same names.

No exception ever contains the auth token: the core builds messages from fixed sentences, the
URL path and the service's ``error`` string, and scrubs response bodies.
"""

from __future__ import annotations

# `typing` is for the type checker only (the annotations are strings): importing it, and with it
# `re`, `contextlib` and `collections`, would be most of the time `import plivo_phlo` takes.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, Optional, Type

__all__ = [
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
    "PlivoRestError",
    "ResourceNotFoundError",
    "PlivoServerError",
    "InvalidRequestError",
]


class PhloError(Exception):
    """Base class of every error of this package.

    ``str(error)`` is ``"<kind>: <message>"`` followed by the HTTP status and ``api_id`` when
    there are any. The attributes:

    Attributes:
        kind: The core's stable kind name, e.g. ``"not_found"``.
        message: The readable message: the service's ``error`` string when it sent one, else a
            fixed sentence naming the status and the URL path.
        status: The HTTP status, when the service answered (``None`` otherwise).
        api_id: The service's id for the failed request, when its body had one (support asks
            for it).
        field: The argument at fault, for ``invalid_argument`` errors.
        retry_after: Seconds the service asked to wait (``Retry-After``), on ``rate_limited``.
        attempts: How many HTTP attempts were made (0 when nothing was sent).
        body: The start of the service's response body, when there was one.
    """

    #: The kind a class stands for; instances carry theirs in ``kind``.
    KIND: str = ""

    kind: str
    message: str
    status: Optional[int]
    api_id: Optional[str]
    field: Optional[str]
    retry_after: Optional[float]
    attempts: int
    body: Optional[str]

    def __init__(
        self,
        text: str = "",
        *,
        kind: Optional[str] = None,
        message: Optional[str] = None,
        status: Optional[int] = None,
        api_id: Optional[str] = None,
        field: Optional[str] = None,
        retry_after: Optional[float] = None,
        attempts: int = 0,
        body: Optional[str] = None,
    ) -> None:
        super().__init__(text)
        self.kind = kind if kind is not None else self.KIND
        self.message = message if message is not None else text
        self.status = status
        self.api_id = api_id
        self.field = field
        self.retry_after = retry_after
        self.attempts = attempts
        self.body = body

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else self.message


class ValidationError(PhloError):
    """The request is invalid: rejected locally (:class:`InvalidArgumentError`) or by the
    service (:class:`BadRequestError`). Named as the official SDK's exception for both."""


class InvalidArgumentError(ValidationError, ValueError):
    """An argument was rejected before anything was sent; ``field`` names it."""

    KIND = "invalid_argument"


class AuthenticationError(PhloError):
    """No credentials were found, or the service answered 401 or 403."""

    KIND = "authentication"


class NotFoundError(PhloError):
    """The service answered 404: no such PHLO (or not deployed), node, run or member."""

    KIND = "not_found"


class BadRequestError(ValidationError):
    """The service answered 400, 405 or another 4xx: a parameter is missing or invalid, or the
    action is impossible in the call's state."""

    KIND = "bad_request"


class RateLimitedError(PhloError):
    """The service answered 429 (after the retries allowed); ``retry_after`` is the wait it
    asked for, in seconds, when it said."""

    KIND = "rate_limited"


class ServerError(PhloError):
    """The service answered 5xx."""

    KIND = "server"


class PhloTimeoutError(PhloError, TimeoutError):
    """No answer within the timeout. Also a builtin ``TimeoutError``."""

    KIND = "timeout"


class PhloConnectionError(PhloError, ConnectionError):
    """DNS, TCP, TLS or proxy failure, or the connection was dropped. Also a builtin
    ``ConnectionError``."""

    KIND = "connection"


class DecodeError(PhloError):
    """A 2xx answer whose body is not the JSON object expected (or is over the size cap)."""

    KIND = "decode"


# The official SDK's names (plivo.exceptions), for code migrating from it.
PlivoRestError = PhloError
ResourceNotFoundError = NotFoundError
PlivoServerError = ServerError
InvalidRequestError = BadRequestError

#: Kind name -> class; the native module raises through this table.
_BY_KIND: Dict[str, Type[PhloError]] = {
    cls.KIND: cls
    for cls in (
        InvalidArgumentError,
        AuthenticationError,
        NotFoundError,
        BadRequestError,
        RateLimitedError,
        ServerError,
        PhloTimeoutError,
        PhloConnectionError,
        DecodeError,
    )
}
