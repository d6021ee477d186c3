"""What both clients share: building requests and reading answers, with no I/O of their own
(as httpx's ``BaseClient``); the sync and async clients only send."""

from __future__ import annotations

import json
import os
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from lienthong._i18n import Language, Message, msg
from lienthong.client._errors import REFUSALS, ApiRefused, ApiUnavailable, ClientError, TlsUntrusted
from lienthong.client._models import Event
from lienthong.net import client_context, problem_data

M = TypeVar("M", bound=BaseModel)

API_PREFIX = "/api/v1"
#: Environment variables the CLI and ``from_env`` read.
ENV_URL, ENV_TOKEN, ENV_CA = "LIENTHONG_API_URL", "LIENTHONG_API_TOKEN", "LIENTHONG_CA"

#: A file to attach: (name, bytes, content type).
FilePart = tuple[str, bytes, str]


@dataclass(frozen=True, slots=True)
class Call:
    """One request to the API, built once, sent as many times as retries need."""

    method: str
    path: str
    params: Mapping[str, Any] = field(default_factory=dict)
    json: Any = None
    content: bytes | None = None
    files: Sequence[tuple[str, tuple[str, bytes, str]]] = ()
    data: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    #: The node gives the same outcome however often it is sent: retried like a read.
    idempotent: bool = False

    def options(self) -> dict[str, Any]:
        out: dict[str, Any] = {"params": {k: v for k, v in self.params.items() if v is not None}}
        if self.json is not None:
            out["json"] = self.json
        if self.content is not None:
            out["content"] = self.content
        if self.files:
            out["files"] = list(self.files)
            out["data"] = dict(self.data)
        if self.headers:
            out["headers"] = dict(self.headers)
        return out


def http_options(
    base_url: str,
    token: str | None,
    verify: Path | str | bool,
    timeout: float,
    *,
    http2: bool,
    language: Language | None = None,
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client``/``AsyncClient``; ``verify`` may name a PEM of roots;
    ``language``, the one the node is asked to answer in (``Accept-Language``).

    ``http2``: for a client sending several requests at once over one connection (async);
    one that waits for each answer gains nothing by it and costs the node more per request
    (HTTP/2 framing and header compression in Python): HTTP/1.1 with keep-alive then."""
    checked: Any = verify
    if isinstance(verify, str | Path) and not isinstance(verify, bool):
        checked = _anchors(Path(verify))
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if language is not None:
        headers["Accept-Language"] = language
    return {
        "base_url": base_url.rstrip("/"),
        "headers": headers,
        "verify": checked,
        "timeout": timeout,
        "http2": http2,
    }


def _anchors(path: Path) -> ssl.SSLContext:
    try:
        return client_context(anchors=path)
    except FileNotFoundError as exc:
        raise ClientError(msg("client-ca-missing", path=path), code="ca-unreadable") from exc
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise ClientError(msg("client-ca-not-pem", path=path), code="ca-unreadable") from exc


def read_network(path: Path | str, node: str | None) -> tuple[str, str | None, Path]:
    """(base URL, token, CA) of ``node`` (the first one if None) in a ``network.json`` as
    ``lienthong demo --state-dir`` writes it."""
    path = Path(path)
    try:
        described = json.loads(path.read_text(encoding="utf-8"))
        nodes = described["nodes"]
        names = [str(n["name"]) for n in nodes]
        chosen = next((n for n in nodes if n["name"] == node), None) if node else (nodes or [None])[0]
        if chosen is None:
            listed = ", ".join(names) or "—"
            raise ClientError(
                msg("client-network-node-unknown", node=node, path=path, known=listed), code="node-unknown"
            )
        return str(chosen["api"]["base_url"]), chosen["api"].get("token"), Path(described["trust_anchor"])
    except OSError as exc:
        raise ClientError(
            msg("client-network-unreadable", path=path, reason=exc.strerror or type(exc).__name__),
            code="network-unreadable",
        ) from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ClientError(msg("client-network-not-demo", path=path), code="network-unreadable") from exc


def unreachable(url: str, exc: Exception) -> ApiUnavailable:
    """The error for a node that could not be talked to: which URL, and what to check."""
    if isinstance(_root_cause(exc), ssl.SSLCertVerificationError):
        return TlsUntrusted(msg("client-tls-untrusted", url=url))
    return ApiUnavailable(msg("client-unreachable", url=url, reason=str(exc) or type(exc).__name__))


def _root_cause(exc: BaseException) -> BaseException:
    seen = 0
    while exc.__cause__ is not None and seen < 10:
        exc, seen = exc.__cause__, seen + 1
    if exc.__context__ is not None and isinstance(exc.__context__, ssl.SSLError):
        return exc.__context__
    return exc


def from_env() -> tuple[str, str | None, Path | bool]:
    """(base URL, token, verify) from ``LIENTHONG_API_URL``, ``…_TOKEN`` and ``LIENTHONG_CA``."""
    url = os.environ.get(ENV_URL, "")
    ca = os.environ.get(ENV_CA)
    return url, os.environ.get(ENV_TOKEN), Path(ca) if ca else True


def refusal(response: httpx.Response) -> ApiRefused:
    """The error an error answer stands for: ``{"code", "message"}``, with the message as data
    (``message_code``, ``params``) from a node that sends it, or the bare status.

    The data is kept as a ``Message``, rendered in the user's language where shown; the node's
    ``message`` text stands in for a code this SDK does not know (``ApiRefused.render``)."""
    kind = REFUSALS.get(response.status_code, ApiRefused)
    try:
        body = response.json()
        code, text = str(body["code"]), str(body["message"])
    except (ValueError, KeyError, TypeError):
        return kind(
            msg("client-http-status", status=response.status_code),
            status=response.status_code,
            code=f"http-{response.status_code}",
        )
    message: Message | str = problem_data(body) or text  # no data: the sentence is all there is
    return kind(message, status=response.status_code, code=code, text=text)


def decode(response: httpx.Response, model: type[M]) -> M:
    if response.is_error:
        raise refusal(response)
    return model.model_validate_json(response.content)


class SseReader:
    """Server-sent events from the lines of a stream (pure: a line in, maybe an event out)."""

    def __init__(self) -> None:
        self._data: list[str] = []

    def feed(self, line: str) -> Event | None:
        """The event ``line`` completes (a blank line ends one), if any."""
        line = line.rstrip("\r\n")
        if line:
            field_name, _, value = line.partition(":")
            if field_name == "data":
                self._data.append(value.removeprefix(" "))
            return None  # comments (heartbeats), ``id``, ``event``, ``retry``: the data says it all
        data, self._data = "\n".join(self._data), []
        return Event.model_validate_json(data) if data else None
