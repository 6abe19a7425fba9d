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
from each key (``from_=`` sends ``from``). Results are attribute-and-item objects like the
SDK's ``ResponseObject``.

What differs, on purpose:

- Every request goes through the Rust core: ids, addresses, roles and actions are checked before
  anything is sent (``InvalidArgumentError``, also ``ValidationError`` and ``ValueError``), reads
  are retried on transient failures, and actions only when provably safe (see ``max_retries``).
- Paths carry no trailing slash (the service accepts both forms).
- ``PLIVO_PHLO_BASE_URL`` (or ``base_url=``) points the client at another runner, e.g. the
  :class:`plivo_phlo.Simulator`.
- A conference-bridge node has no node-level action on the service; ``Node.update`` on one raises
  ``InvalidArgumentError`` instead of sending a request bound to fail.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Mapping, NoReturn, Optional, Tuple, Union

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
    "PlivoRestError",
    "ValidationError",
    "AuthenticationError",
    "ResourceNotFoundError",
    "PlivoServerError",
    "InvalidRequestError",
]

class ResponseObject:
    """A JSON object with attribute and item access, as the official SDK returns.

    ``r.api_id`` and ``r["api_id"]`` are the same; ``"error" in r`` tests for a field; nested
    objects are ``ResponseObject`` too.
    """

    def __init__(self, dct: Mapping[str, Any]) -> None:
        self.__dict__.update(dct)

    def __contains__(self, item: object) -> bool:
        return item in self.__dict__

    def __getitem__(self, item: str) -> Any:
        return self.__dict__[item]

    def __setitem__(self, key: str, value: Any) -> None:
        self.__dict__[key] = value

    def __delitem__(self, key: str) -> None:
        del self.__dict__[key]

    def __str__(self) -> str:
        # Imported here: `pprint` brings `dataclasses` and `inspect`, a few ms on every import.
        import pprint

        return pprint.pformat(self._fields())

    def __repr__(self) -> str:
        return self.__str__()

    def __getattr__(self, name: str) -> Any:
        # Only reached for a field the answer did not have. Declared so that type checkers
        # accept any field name, as the fields come from the service.
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _fields(self) -> Dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "client"}


def _objects(r: Response) -> Dict[str, Any]:
    """The body of an answer, nested objects as ``ResponseObject`` (the SDK's object hook)."""
    top: Dict[str, Any] = json.loads(r.text)
    for k, v in top.items():
        if isinstance(v, (dict, list)):
            top[k] = json.loads(json.dumps(v), object_hook=ResponseObject)
    return top


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
    """A resource of the SDK: the answer's fields as attributes, plus ``client``."""

    def __init__(self, client: "RestClient", data: Mapping[str, Any]) -> None:
        super().__init__(data)
        self.client = client


class Member(_Resource):
    """A member (phone number or SIP URI) of a multi-party call or conference bridge. Building
    one sends nothing; each method sends one member action."""

    member_id: Optional[str]
    phlo_id: Optional[str]
    node_id: Optional[str]
    node_type: Optional[str]

    def update(self, action: str) -> ResponseObject:
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
        return ResponseObject(_objects(r))

    def abort_transfer(self) -> ResponseObject:
        """Cancels the transfer this member started."""
        return self.update("abort_transfer")

    def resume_call(self) -> ResponseObject:
        """Completes a warm transfer: the member goes back into the call."""
        return self.update("resume_call")

    def voicemail_drop(self) -> ResponseObject:
        """Leaves the node's voicemail on the member's line and drops them."""
        return self.update("voicemail_drop")

    def hangup(self) -> ResponseObject:
        """Disconnects the member."""
        return self.update("hangup")

    def hold(self) -> ResponseObject:
        """Puts the member on hold."""
        return self.update("hold")

    def unhold(self) -> ResponseObject:
        """Takes the member off hold."""
        return self.update("unhold")

    def mute(self) -> ResponseObject:
        """Mutes the member."""
        return self.update("mute")

    def unmute(self) -> ResponseObject:
        """Unmutes the member."""
        return self.update("unmute")


class Node(_Resource):
    """A node, as read by ``Phlo.node``: the answer's fields (``node_id``, ``phlo_id``,
    ``node_type``, ``name``, ``created_on``, ``api_id``) as attributes."""

    phlo_id: Optional[str]
    node_id: Optional[str]
    node_type: Optional[str]

    def update(
        self, action: str, trigger_source: Optional[str], to: Optional[str], role: Optional[str]
    ) -> ResponseObject:
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
        return ResponseObject(_objects(r))


class MultiPartyCall(Node):
    """A multi-party-call node: dial, transfer, and reach its members."""

    def call(self, trigger_source: str, to: str, role: str) -> ResponseObject:
        """Dials ``to`` into the call with ``role``, on behalf of ``trigger_source``."""
        return self.update("call", trigger_source, to, role)

    def warm_transfer(
        self, trigger_source: str, to: str, role: Optional[str] = "agent"
    ) -> ResponseObject:
        """Consultative transfer: ``trigger_source`` talks to ``to`` first."""
        return self.update("warm_transfer", trigger_source, to, role)

    def cold_transfer(
        self, trigger_source: str, to: str, role: Optional[str] = "agent"
    ) -> ResponseObject:
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

    phlo_id: Optional[str]

    def node(self, node_type: str, node_id: str) -> Node:
        """Reads a node of this PHLO (``GET /v1/phlo/{phlo_id}/{node_type}/{node_id}``)."""
        self.node_id = node_id
        r = self.client.client.call(
            "get_node",
            phlo_id=_id(getattr(self, "phlo_id", None)),
            node_type=node_type,
            node_id=_id(node_id),
        )
        return Node(self.client, _objects(r))

    def multi_party_call(self, node_id: str) -> MultiPartyCall:
        """Reads a multi-party-call node of this PHLO."""
        self.node_id = node_id
        self.node_type = "multi_party_call"
        r = self.client.client.call(
            "get_multi_party_call",
            phlo_id=_id(getattr(self, "phlo_id", None)),
            node_id=_id(node_id),
        )
        return MultiPartyCall(self.client, _objects(r))

    def run(self, **kwargs: Any) -> ResponseObject:
        """Starts a run (``POST /v1/account/{auth_id}/phlo/{phlo_id}``) with the keyword
        arguments as start variables: ``None`` values are dropped and one trailing underscore is
        stripped from each name (``from_=`` sends ``from``)."""
        payload = {_strip_underscore(k): v for k, v in kwargs.items() if v is not None}
        r = self.client.client.call(
            "run_phlo", phlo_id=_id(getattr(self, "phlo_id", None)), payload=payload
        )
        return ResponseObject(_objects(r))

    def member(
        self,
        phlo_id: str,
        node_id: str,
        member_id: str,
        action: str,
        node_type: str = "conference_bridge",
    ) -> ResponseObject:
        """Same as ``client.phlo.member(...)``."""
        return self.client.phlo.member(phlo_id, node_id, member_id, action, node_type)


class Phlos:
    """``client.phlo``: read PHLOs, and the one-request shortcuts for actions."""

    def __init__(self, client: "RestClient") -> None:
        self.client = client

    def get(self, phlo_id: str) -> Phlo:
        """Reads a PHLO (``GET /v1/phlo/{phlo_id}``) and returns it as a :class:`Phlo`."""
        self.phlo_id = phlo_id
        r = self.client.client.call("get_phlo", phlo_id=_id(phlo_id))
        return Phlo(self.client, _objects(r))

    def member(
        self,
        phlo_id: str,
        node_id: str,
        member_id: str,
        action: str,
        node_type: str = "conference_bridge",
    ) -> ResponseObject:
        """Sends member ``action`` (``hold``, ``mute``, ``hangup``, ...) in one request."""
        member = Member(
            self.client,
            {
                "member_id": member_id,
                "phlo_id": phlo_id,
                "node_id": node_id,
                "node_type": node_type,
            },
        )
        return member.update(action)

    def multi_party_call(
        self,
        phlo_id: str,
        node_id: str,
        action: str,
        member_id: Optional[str] = None,
        trigger_source: Optional[str] = None,
        to: Optional[str] = None,
        role: Optional[str] = None,
    ) -> Union[ResponseObject, Member]:
        """One-request form of the multi-party-call actions.

        ``action`` ``"member"`` returns the :class:`Member` ``member_id`` (no request). Otherwise
        ``trigger_source`` and ``to`` are required, and ``role`` for ``"call"``; a transfer
        without ``role`` leaves it out of the body (the service applies ``agent``).
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
        return mpc.update(action, trigger_source, to, role)


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
