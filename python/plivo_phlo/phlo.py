"""Drop-in replacement for the official Plivo SDK's PHLO interface (``plivo.phlo``).

Code written for the official SDK's PHLO calls runs after changing its import::

    # before                                  # after
    import plivo                              import plivo_phlo as plivo
    client = plivo.phlo.RestClient(...)       client = plivo.phlo.RestClient(...)

    from plivo import phlo                    from plivo_phlo import phlo
    from plivo import exceptions              from plivo_phlo import exceptions

The names, arguments and defaults are the official SDK's, and so are the requests: the object
methods first read the PHLO (and the node) and build the action path from those answers; the
shortcut forms (``client.phlo.multi_party_call(...)``, ``client.phlo.member(...)``) send one
request; ``run`` drops payload entries whose value is ``None`` and strips one trailing underscore
from each key (``from_=`` sends ``from``).

Results are what the official SDK returns, object for object: resources (``Phlo``, ``Node``,
``MultiPartyCall``, ``Member``) with the answer's fields as attributes and items, ``id``,
``_name`` and ``client``, and the SDK's ``str()``; a missing item raises ``AttributeError`` (the
SDK's exception there; also a ``KeyError``); a 2xx answer with no body returns ``None``. The
exceptions are the SDK's classes, or subclasses of them for the same case.

What differs, on purpose (docs/python.md lists every difference, and python/tests/
test_differential.py checks each against the official SDK):

- Every request goes through the Rust core, with the core's ``validation="service"``: what is
  unsafe in a URL or certainly invalid (an id of ``..``, an empty value) is refused before
  sending with ``InvalidArgumentError`` (also ``ValidationError`` and ``ValueError``); anything
  else is sent and the service answers, as with the SDK. Reads are retried on transient
  failures, and actions only when provably safe (see ``max_retries``).
- Paths carry no trailing slash (the service accepts both).
- ``PLIVO_PHLO_BASE_URL`` (or ``base_url=``) points the client at another runner, e.g. the
  :class:`plivo_phlo.Simulator`.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Mapping, NoReturn, Optional, Sequence, Tuple, Union

from ._native import Client, Response
from .exceptions import (
    AuthenticationError,
    InvalidArgumentError,
    InvalidRequestError,
    PlivoRestError,
    PlivoServerError,
    ResourceNotFoundError,
    ValidationError,
)

__all__ = [
    "RestClient",
    "Phlos",
    "Phlo",
    "Node",
    "MultiPartyCall",
    "Member",
    "ResponseObject",
    "MissingFieldError",
    "PlivoRestError",
    "ValidationError",
    "AuthenticationError",
    "ResourceNotFoundError",
    "PlivoServerError",
    "InvalidRequestError",
]

class MissingFieldError(KeyError, AttributeError):
    """Raised by ``r[name]`` for a field the answer does not have: an ``AttributeError``, as the
    official SDK raises there, and a ``KeyError``, as a mapping raises."""

    def __str__(self) -> str:
        # KeyError's own str() quotes its argument; this is a message, not a key.
        return str(self.args[0]) if self.args else ""


class ResponseObject:
    """A JSON object with attribute and item access, as the official SDK returns.

    ``r.api_id`` and ``r["api_id"]`` are the same; ``"error" in r`` tests for a field; a missing
    field raises ``AttributeError`` either way (``r["x"]`` raises :class:`MissingFieldError`,
    which is also a ``KeyError``); nested objects are ``ResponseObject`` too. ``str(r)`` is the
    SDK's: the fields, pretty-printed as a dict.
    """

    def __init__(self, dct: Mapping[str, Any]) -> None:
        self.__dict__.update(dct)

    def __contains__(self, item: object) -> bool:
        return item in self.__dict__

    def __getitem__(self, item: str) -> Any:
        try:
            return self.__dict__[item]
        except KeyError:
            raise MissingFieldError(
                f"{type(self).__name__!r} object has no field {item!r}"
            ) from None

    def __setitem__(self, key: str, value: Any) -> None:
        self.__dict__[key] = value

    def __delitem__(self, key: str) -> None:
        del self.__dict__[key]

    def __str__(self) -> str:
        # Imported here: `pprint` brings `dataclasses` and `inspect`, a few ms on every import.
        import pprint

        return pprint.pformat(self.__dict__)

    def __repr__(self) -> str:
        return self.__str__()

    def __getattr__(self, name: str) -> Any:
        # Only reached for a field the answer did not have. Declared so that type checkers
        # accept any field name, as the fields come from the service.
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def _objects(r: Response) -> Optional[Dict[str, Any]]:
    """The body of an answer, nested objects as ``ResponseObject`` (the SDK's object hook), or
    ``None`` when the service answered 2xx with no body (the SDK returns ``None`` then)."""
    if not r.text:
        return None
    top: Dict[str, Any] = json.loads(r.text)
    for k, v in top.items():
        if isinstance(v, (dict, list)):
            top[k] = json.loads(json.dumps(v), object_hook=ResponseObject)
    return top


def _response(r: Response) -> Optional[ResponseObject]:
    """An action's or a run's answer as the SDK returns it: a ``ResponseObject``, or ``None``."""
    fields = _objects(r)
    return None if fields is None else ResponseObject(fields)


def _id(value: Any) -> Optional[str]:
    """Ids are coerced to ``str`` as the SDK does; ``None`` stays missing (the core rejects it)."""
    return None if value is None else str(value)


def _required(field: str, value: Any) -> None:
    if value is None or value == "":
        reason = f"{field}: is required"
        raise InvalidArgumentError(
            f"invalid_argument: {reason}", kind="invalid_argument", message=reason, field=field
        )


def _invalid(field: str, reason: str) -> NoReturn:
    raise InvalidArgumentError(
        f"invalid_argument: {field}: {reason}",
        kind="invalid_argument",
        message=f"{field}: {reason}",
        field=field,
    )


def _seconds(value: Any) -> float:
    """A ``timeout`` value as seconds, as ``float()`` reads it (``5``, ``2.5``, ``"5"``); a
    string that is not a number (or an int too large for a float) is ``InvalidArgumentError``,
    another type a ``TypeError``."""
    try:
        return float(value)
    except (ValueError, OverflowError):
        _invalid("timeout", "must be a number of seconds")


def _strip_underscore(key: str) -> str:
    # The SDK's re.sub(r'^(.*)_+$', r'\1', key): the greedy group leaves exactly one '_' to strip.
    return key[:-1] if key.endswith("_") else key


class _Resource(ResponseObject):
    """A resource of the SDK: the answer's fields as attributes, plus ``client`` and ``_name``
    (the class's name in the SDK), and ``id`` (the field named by ``_identifier_string``)."""

    #: The resource's name, as the SDK's ``_name``.
    _name: str = ""
    #: The field ``id`` reads.
    _identifier_string: str = ""

    def __init__(self, client: "RestClient", data: Mapping[str, Any]) -> None:
        super().__init__(data)
        # As the SDK: an instance attribute, so it shows in str() and `in`.
        self._name = self._name or type(self).__name__
        self.client = client

    @property
    def id(self) -> Any:
        """The resource's identifier (``phlo_id``, ``node_id`` or ``member_id``).

        Raises:
            ValueError: the answer did not have it, as in the SDK.
        """
        value = self.__dict__.get(self._identifier_string)
        if not value:
            raise ValueError(f"{self._identifier_string} must be set")
        return value


class Member(_Resource):
    """A member (phone number or SIP URI) of a multi-party call or conference bridge. Building
    one sends nothing; each method sends one member action and returns its answer (``None``
    when the service answered with no body)."""

    _name = "Member"
    _identifier_string = "member_id"

    member_id: Optional[str]
    phlo_id: Optional[str]
    node_id: Optional[str]
    node_type: Optional[str]

    def update(self, action: str) -> Optional[ResponseObject]:
        """``POST /v1/phlo/{phlo_id}/{node_type}/{node_id}/members/{member_id}`` with
        ``{"action": action}``."""
        r = self.client.client.call(
            "member_action",
            phlo_id=_id(getattr(self, "phlo_id", None)),
            node_type=getattr(self, "node_type", None),
            node_id=_id(getattr(self, "node_id", None)),
            member_id=_id(getattr(self, "member_id", None)),
            action=action,
        )
        return _response(r)

    def abort_transfer(self) -> Optional[ResponseObject]:
        """Cancels the transfer this member started."""
        return self.update("abort_transfer")

    def resume_call(self) -> Optional[ResponseObject]:
        """Completes a warm transfer: the member goes back into the call."""
        return self.update("resume_call")

    def voicemail_drop(self) -> Optional[ResponseObject]:
        """Leaves the node's voicemail on the member's line and drops them."""
        return self.update("voicemail_drop")

    def hangup(self) -> Optional[ResponseObject]:
        """Disconnects the member."""
        return self.update("hangup")

    def hold(self) -> Optional[ResponseObject]:
        """Puts the member on hold."""
        return self.update("hold")

    def unhold(self) -> Optional[ResponseObject]:
        """Takes the member off hold."""
        return self.update("unhold")

    def mute(self) -> Optional[ResponseObject]:
        """Mutes the member."""
        return self.update("mute")

    def unmute(self) -> Optional[ResponseObject]:
        """Unmutes the member."""
        return self.update("unmute")


class Node(_Resource):
    """A node, as read by ``Phlo.node``: the answer's fields (``node_id``, ``phlo_id``,
    ``node_type``, ``name``, ``created_on``, ``api_id``) as attributes."""

    _name = "Node"
    _identifier_string = "node_id"

    phlo_id: Optional[str]
    node_id: Optional[str]
    node_type: Optional[str]

    def update(
        self, action: str, trigger_source: Optional[str], to: Optional[str], role: Optional[str]
    ) -> Optional[ResponseObject]:
        """``POST /v1/phlo/{phlo_id}/multi_party_call/{node_id}`` with ``action``, ``to``,
        ``role`` (left out when ``None``) and ``trigger_source``."""
        node_type = getattr(self, "node_type", "multi_party_call") or "multi_party_call"
        if node_type != "multi_party_call":
            reason = f"node_type: a {node_type} node has no node-level action; use its members"
            raise InvalidArgumentError(
                f"invalid_argument: {reason}",
                kind="invalid_argument",
                message=reason,
                field="node_type",
            )
        r = self.client.client.call(
            "node_action",
            phlo_id=_id(getattr(self, "phlo_id", None)),
            node_id=_id(getattr(self, "node_id", None)),
            action=action,
            trigger_source=trigger_source,
            to=to,
            role=role,
        )
        return _response(r)


class MultiPartyCall(Node):
    """A multi-party-call node: dial, transfer, and reach its members."""

    _name = "MultiPartyCall"

    def call(self, trigger_source: str, to: str, role: str) -> Optional[ResponseObject]:
        """Dials ``to`` into the call with ``role``, on behalf of ``trigger_source``."""
        return self.update("call", trigger_source, to, role)

    def warm_transfer(
        self, trigger_source: str, to: str, role: Optional[str] = "agent"
    ) -> Optional[ResponseObject]:
        """Consultative transfer: ``trigger_source`` talks to ``to`` first."""
        return self.update("warm_transfer", trigger_source, to, role)

    def cold_transfer(
        self, trigger_source: str, to: str, role: Optional[str] = "agent"
    ) -> Optional[ResponseObject]:
        """Blind transfer: the other party is connected to ``to``; ``trigger_source`` leaves."""
        return self.update("cold_transfer", trigger_source, to, role)

    def member(self, member_id: str) -> Member:
        """The member ``member_id`` of this call (no request is sent)."""
        self.member_id = member_id
        return Member(
            self.client,
            {
                "member_id": member_id,
                "phlo_id": getattr(self, "phlo_id", None),
                "node_id": getattr(self, "node_id", None),
                "node_type": getattr(self, "node_type", "multi_party_call"),
            },
        )


class Phlo(_Resource):
    """A PHLO, as read by ``client.phlo.get``: the answer's fields (``phlo_id``, ``name``,
    ``created_on``, ``api_id``) as attributes."""

    _name = "Phlo"
    _identifier_string = "phlo_id"

    phlo_id: Optional[str]

    def node(self, node_type: str, node_id: str) -> Optional[Node]:
        """Reads a node of this PHLO (``GET /v1/phlo/{phlo_id}/{node_type}/{node_id}``);
        ``None`` when the service answered with no body."""
        self.node_id = node_id
        r = self.client.client.call(
            "get_node",
            phlo_id=_id(getattr(self, "phlo_id", None)),
            node_type=node_type,
            node_id=_id(node_id),
        )
        fields = _objects(r)
        return None if fields is None else Node(self.client, fields)

    def multi_party_call(self, node_id: str) -> Optional[MultiPartyCall]:
        """Reads a multi-party-call node of this PHLO; ``None`` when the service answered with
        no body."""
        self.node_id = node_id
        self.node_type = "multi_party_call"
        r = self.client.client.call(
            "get_multi_party_call",
            phlo_id=_id(getattr(self, "phlo_id", None)),
            node_id=_id(node_id),
        )
        fields = _objects(r)
        return None if fields is None else MultiPartyCall(self.client, fields)

    def run(self, **kwargs: Any) -> Optional[ResponseObject]:
        """Starts a run (``POST /v1/account/{auth_id}/phlo/{phlo_id}``) with the keyword
        arguments as start variables: ``None`` values are dropped and one trailing underscore is
        stripped from each name (``from_=`` sends ``from``)."""
        payload = {_strip_underscore(k): v for k, v in kwargs.items() if v is not None}
        r = self.client.client.call(
            "run_phlo", phlo_id=_id(getattr(self, "phlo_id", None)), payload=payload
        )
        return _response(r)

    def update(self, params: Sequence[Any], path: Any, **kwargs: Any) -> None:
        """The SDK's generic resource update, with its argument names: ``POST`` to the path
        whose segments are ``params`` (under ``/v1/``, e.g. ``("phlo", phlo_id,
        "multi_party_call", node_id)``), with ``path`` as the JSON body. Returns ``None``, as the
        SDK does; failures raise. ``kwargs`` (``requests`` options in the SDK) are accepted and
        not used: the client's timeout and retries apply.
        """
        segments = "/".join(str(p) for p in params)
        self.client.client.raw("POST", f"/v1/{segments}", path)

    def member(
        self,
        phlo_id: str,
        node_id: str,
        member_id: str,
        action: str,
        node_type: str = "conference_bridge",
    ) -> Optional[ResponseObject]:
        """Same as ``client.phlo.member(...)``."""
        return self.client.phlo.member(phlo_id, node_id, member_id, action, node_type)


class Phlos:
    """``client.phlo``: read PHLOs, and the one-request shortcuts for actions."""

    def __init__(self, client: "RestClient") -> None:
        self.client = client

    def get(self, phlo_id: str) -> Optional[Phlo]:
        """Reads a PHLO (``GET /v1/phlo/{phlo_id}``) and returns it as a :class:`Phlo`
        (``None`` when the service answered with no body)."""
        self.phlo_id = _id(phlo_id)
        r = self.client.client.call("get_phlo", phlo_id=_id(phlo_id))
        fields = _objects(r)
        return None if fields is None else Phlo(self.client, fields)

    def member(
        self,
        phlo_id: str,
        node_id: str,
        member_id: str,
        action: str,
        node_type: str = "conference_bridge",
    ) -> Optional[ResponseObject]:
        """Sends member ``action`` (``hold``, ``mute``, ``hangup``, ...) in one request: the
        :class:`Member` method of that name, as in the SDK (so a name that is not one raises
        ``AttributeError`` and sends nothing)."""
        member = Member(
            self.client,
            {
                "member_id": member_id,
                "phlo_id": phlo_id,
                "node_id": node_id,
                "node_type": node_type,
            },
        )
        method: Callable[[], Optional[ResponseObject]] = getattr(member, action)
        return method()

    def multi_party_call(
        self,
        phlo_id: str,
        node_id: str,
        action: str,
        member_id: Optional[str] = None,
        trigger_source: Optional[str] = None,
        to: Optional[str] = None,
        role: Optional[str] = None,
    ) -> Union[ResponseObject, Member, None]:
        """One-request form of the multi-party-call actions.

        ``action`` ``"member"`` returns the :class:`Member` ``member_id`` (no request). Otherwise
        ``trigger_source`` and ``to`` are required, and ``role`` for ``"call"``, and the
        :class:`MultiPartyCall` method named ``action`` runs, as in the SDK (a name that is not
        one raises ``AttributeError``); a transfer without ``role`` leaves it out of the body
        (the service applies ``agent``).
        """
        mpc = MultiPartyCall(
            self.client,
            {"phlo_id": phlo_id, "node_id": node_id, "node_type": "multi_party_call"},
        )
        if action == "member":
            _required("member_id", member_id)
            return mpc.member(str(member_id))
        _required("trigger_source", trigger_source)
        _required("to", to)
        if action == "call":
            _required("role", role)
        method: Callable[..., Optional[ResponseObject]] = getattr(mpc, action)
        return method(trigger_source, to, role)


ProxySpec = Union[str, Mapping[str, str], None]
TimeoutSpec = Union[float, Tuple[float, float], None]


def _proxy_url(proxies: ProxySpec) -> Optional[str]:
    """The one proxy URL of a ``requests``-style ``proxies`` dict (``https`` first)."""
    if proxies is None or isinstance(proxies, str):
        return proxies
    if not isinstance(proxies, Mapping):
        raise TypeError(
            f"proxies must be a dict, a URL or None, not {type(proxies).__name__}"
        )
    for key in ("https", "all", "http"):
        url = proxies.get(key)
        if url:
            return url
    return None


class RestClient:
    """Drop-in for the official SDK's ``plivo.phlo.RestClient``.

    Args:
        auth_id: ``MA...``/``SA...``; ``None`` reads ``PLIVO_AUTH_ID``.
        auth_token: ``None`` reads ``PLIVO_AUTH_TOKEN``.
        proxies: a ``requests``-style dict (``{"https": "http://proxy:3128"}``) or a URL; the
            ``https`` entry is used for every request. ``None``: ``HTTPS_PROXY``/``NO_PROXY``.
        timeout: seconds allowed for each request (and for connecting), as in the SDK; a
            ``(connect, read)`` tuple is also accepted. ``None``: the core's defaults.
        base_url: keyword only, not in the SDK: the runner to talk to; ``None`` reads
            ``PLIVO_PHLO_BASE_URL``, else the production runner.
        max_retries: keyword only, not in the SDK: retries after the first attempt (``None``:
            the core's default, 2; ``0`` sends each request exactly once, like the SDK).

    Raises:
        AuthenticationError: no credentials, or a malformed auth id (as the SDK does).
    """

    def __init__(
        self,
        auth_id: Optional[str] = None,
        auth_token: Optional[str] = None,
        proxies: ProxySpec = None,
        timeout: TimeoutSpec = 5,
        *,
        base_url: Optional[str] = None,
        max_retries: Optional[int] = None,
    ) -> None:
        if isinstance(timeout, tuple):
            if len(timeout) != 2:
                _invalid("timeout", "a tuple must be (connect, read) seconds")
            connect_timeout: Optional[float] = _seconds(timeout[0])
            total: Optional[float] = _seconds(timeout[0]) + _seconds(timeout[1])
        elif timeout is None:
            connect_timeout = total = None
        else:
            connect_timeout = total = _seconds(timeout)
        try:
            self.client = Client(
                auth_id,
                auth_token,
                base_url,
                timeout=total,
                connect_timeout=connect_timeout,
                max_retries=max_retries,
                proxy=_proxy_url(proxies),
                # The SDK checks almost nothing and lets the service answer: so does this, for
                # everything but what is unsafe in a URL or certainly invalid.
                validation="service",
            )
        except InvalidArgumentError as e:
            if e.field != "auth_id":
                raise
            # The SDK reports a malformed auth id as an authentication error.
            raise AuthenticationError(
                str(e).replace("invalid_argument", "authentication", 1),
                kind="authentication",
                message=e.message,
                field=e.field,
            ) from e
        self.proxies = proxies
        self.timeout = timeout
        self.phlo = Phlos(self)

    def close(self) -> None:
        """Closes the connection pool."""
        self.client.close()

    def __enter__(self) -> "RestClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RestClient(auth_id={self.client.auth_id!r}, base_url={self.client.base_url!r})"
