"""``GET /healthz`` and ``GET /readyz`` on the API listener, for load balancers and supervisors.

- ``/healthz``: the process answers. Touches nothing (no database), so a slow database never
  gets a live process restarted.
- ``/readyz``: whether this process should be sent traffic now: every check of ``Readiness``
  (the serving layer passes them: database writable, configuration valid, keys usable, not
  stopping), plus, for ``?listener=NAME``, that listener's own check. HAProxy checks the peer
  backend this way on the API port, with no client certificate, while the peer listener itself
  keeps requiring one.

Both answer GET only, read no body and need no token (a balancer holds none): they tell no
secret, no path and no driver text, only each check's name and, when it fails, a catalogue
message rendered in the request's language (``Accept-Language``). The checks run in a worker
thread, one round at a time, and a round's answer is reused for ``Readiness.cache`` seconds: a
balancer checking every second from several places costs the database one statement a second.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from lienthong._i18n import Language, Message, msg, render
from lienthong.net import problem, request_language

HEALTH_PATH: Final = "/healthz"
READY_PATH: Final = "/readyz"

_log = logging.getLogger("lienthong.api.health")

#: One readiness check: None when ready, else why not (a message with no secret nor path in it).
ReadinessCheck = Callable[[], Message | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class Readiness:
    """What ``/readyz`` asks (names are the JSON's keys)."""

    #: Asked at every round.
    checks: Mapping[str, ReadinessCheck]
    #: Asked only when ``?listener=NAME`` names one (its key in the JSON: ``listener-NAME``).
    listeners: Mapping[str, ReadinessCheck] = field(default_factory=dict)
    #: Seconds a round's outcome is reused.
    cache: float = 1.0


Outcome = dict[str, Message | None]


def _run(checks: Mapping[str, ReadinessCheck]) -> Outcome:
    outcome: Outcome = {}
    for name, check in checks.items():
        try:
            outcome[name] = check()
        except Exception:  # a check that breaks says "not ready", and the log says why
            _log.exception("readiness check %s failed", name)
            outcome[name] = msg("health-check-broken")
    return outcome


class _Rounds:
    """The latest outcome of the common checks and of each listener's, one round at a time."""

    def __init__(self, readiness: Readiness, monotonic: Callable[[], float]) -> None:
        self.readiness = readiness
        self._monotonic = monotonic
        self._lock = asyncio.Lock()
        self._held: dict[str | None, tuple[float, Outcome]] = {}

    async def _one(self, listener: str | None) -> Outcome:
        held = self._held.get(listener)
        if held is not None and self._monotonic() < held[0]:
            return held[1]
        if listener is None:
            checks = self.readiness.checks
        else:
            checks = {f"listener-{listener}": self.readiness.listeners[listener]}
        outcome = await asyncio.to_thread(_run, checks)
        self._held[listener] = (self._monotonic() + self.readiness.cache, outcome)
        return outcome

    async def outcome(self, listener: str | None) -> Outcome:
        async with self._lock:
            common = await self._one(None)
            return common if listener is None else {**common, **await self._one(listener)}


def _body(outcome: Outcome, language: Language) -> dict[str, Any]:
    checks: dict[str, Any] = {}
    for name, failure in outcome.items():
        if failure is None:
            checks[name] = {"ok": True}
        else:
            data = failure.to_json()
            checks[name] = {
                "ok": False,
                "message_code": data["code"],
                "message": render(failure, language),
                "params": data["params"],
            }
    ready = all(failure is None for failure in outcome.values())
    return {"status": "ready" if ready else "unavailable", "checks": checks}


def install_health(
    app: FastAPI, readiness: Readiness, *, monotonic: Callable[[], float] = time.monotonic
) -> None:
    """Serve ``GET /healthz`` and ``GET /readyz`` on ``app`` (before any mount at ``/``)."""
    rounds = _Rounds(readiness, monotonic)

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "alive"}, headers={"Cache-Control": "no-store"})

    async def readyz(request: Request) -> Response:
        language = request_language(request.headers)
        listener = request.query_params.get("listener")
        if listener is not None and listener not in readiness.listeners:
            known = ", ".join(sorted(readiness.listeners)) or "-"
            return problem(
                404, "listener-unknown", msg("health-listener-unknown", name=listener, known=known),
                language=language,
            )  # fmt: skip
        body = _body(await rounds.outcome(listener), language)
        status = 200 if body["status"] == "ready" else 503
        headers = {"Cache-Control": "no-store", "Content-Language": language, "Vary": "Accept-Language"}
        return JSONResponse(body, status_code=status, headers=headers)

    app.add_route(HEALTH_PATH, healthz, methods=["GET"], include_in_schema=False)
    app.add_route(READY_PATH, readyz, methods=["GET"], include_in_schema=False)
