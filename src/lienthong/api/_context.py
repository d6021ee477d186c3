"""``ApiContext``: what the API's routes need, read once when the app is built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lienthong.node import Node
from lienthong.vxp import ReplayGuard


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ApiSettings:
    """Settings of the API, fixed at startup."""

    #: Largest upload accepted (an edXML package, or the sum of multipart files); None: the
    #: node's package limit.
    max_upload_bytes: int | None = None
    #: Largest page of a listing.
    max_page: int = 500


@dataclass(frozen=True)
class ApiContext:
    """The node served (``source()`` is read per request: a serving node's configuration may be
    refreshed), the settings, the clock and the VXP replay memory."""

    source: Callable[[], Node]
    settings: ApiSettings = field(default_factory=ApiSettings)
    clock: Callable[[], datetime] = _now
    replays: ReplayGuard = field(default_factory=ReplayGuard)

    @property
    def node(self) -> Node:
        return self.source()

    @property
    def max_upload(self) -> int:
        limit = self.settings.max_upload_bytes
        return self.node.limits.max_package_bytes if limit is None else limit
