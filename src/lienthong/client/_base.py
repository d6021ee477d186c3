"""What both clients share: building requests and reading answers, with no I/O of their own
(as httpx's ``BaseClient``); the sync and async clients only send."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from lienthong._i18n import tr
from lienthong.client._errors import REFUSALS, ApiRefused
from lienthong.client._models import Event
from lienthong.net import client_context

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
    base_url: str, token: str | None, verify: Path | str | bool, timeout: float, *, http2: bool
) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client``/``AsyncClient``; ``verify`` may name a PEM of roots.

    ``http2``: for a client sending several requests at once over one connection (async);
    one that waits for each answer gains nothing by it and costs the node more per request
    (HTTP/2 framing and header compression in Python): HTTP/1.1 with keep-alive then."""
    checked: Any = verify
    if isinstance(verify, str | Path) and not isinstance(verify, bool):
        checked = client_context(anchors=Path(verify))
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return {
        "base_url": base_url.rstrip("/"),
        "headers": headers,
        "verify": checked,
        "timeout": timeout,
        "http2": http2,
    }


def from_env() -> tuple[str, str | None, Path | bool]:
    """(base URL, token, verify) from ``LIENTHONG_API_URL``, ``…_TOKEN`` and ``LIENTHONG_CA``."""
    url = os.environ.get(ENV_URL, "")
    ca = os.environ.get(ENV_CA)
    return url, os.environ.get(ENV_TOKEN), Path(ca) if ca else True


def refusal(response: httpx.Response) -> ApiRefused:
    """The error an error answer stands for (``{"code", "message"}``, or the bare status)."""
    try:
        body = response.json()
        code, message = str(body["code"]), str(body["message"])
    except (ValueError, KeyError, TypeError):
        code = f"http-{response.status_code}"
        message = tr(
            f"điểm kết nối trả lời {response.status_code}", f"the node answered {response.status_code}"
        )
    kind = REFUSALS.get(response.status_code, ApiRefused)
    return kind(message, status=response.status_code, code=code)


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
