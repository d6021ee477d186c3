"""What a node's API stores, as frozen values (``_api_store`` maps rows to them)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from lienthong.store._node_entries import InboxEntry


class ClientKind(enum.StrEnum):
    """How a client authenticates: a bearer token (REST) or ``XroadVnpt-*`` HMAC (VXP)."""

    REST = "rest"
    VXP = "vxp"


@dataclass(frozen=True, slots=True)
class ApiClientEntry:
    """A client of the node's API and the agency codes it may act for."""

    name: str
    kind: ClientKind
    codes: tuple[str, ...]
    created_at: datetime
    #: REST: SHA-256 (hex) of the bearer token.
    token_sha256: str | None = None
    #: VXP: the systemid and its HMAC secret.
    systemid: str | None = None
    secret: str | None = None
    #: VXP: the zone its clock is pinned to, as the operator gave it; None: not pinned.
    vxp_timezone: str | None = None


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A received package as the API lists it: its position, and its acknowledgment if any."""

    #: The inbox row's id: stable and increasing, the cursor of listings.
    position: int
    entry: InboxEntry
    #: ``done`` or ``fail`` once acknowledged; None while not.
    acknowledged: str | None = None
    acknowledged_at: datetime | None = None
