"""``ResyncLoop``: a node restored from a backup asks its peers for what it lost, in the
background, until every peer has answered (``lienthong.node.resync_round``)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from lienthong._clock import utc_now
from lienthong._loop import BackgroundLoop, Round
from lienthong.node import Node, ResyncTransport, resync_round

_log = logging.getLogger("lienthong.node.resync")


class ResyncLoop:
    """Runs ``resync_round`` every ``interval`` seconds while the resync is pending."""

    def __init__(
        self, current: Callable[[], Node], transport: ResyncTransport, *, interval: float = 2.0
    ) -> None:
        self._current = current
        self._transport = transport
        self._loop = BackgroundLoop("resync round", self._step, log=_log, interval=interval)

    def _step(self) -> Round:
        marker = resync_round(self._current(), self._transport, at=utc_now())
        if marker is None or marker.completed_at is not None:
            self._loop.ask_to_stop()  # nothing (more) to do in this process
            return Round.IDLE
        return Round.IDLE

    def start(self) -> None:
        self._loop.start()

    def stop(self) -> None:
        self._loop.stop()
