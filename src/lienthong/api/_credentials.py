"""Creating and checking API credentials: REST bearer tokens (kept hashed) and VXP secrets."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lienthong._i18n import msg
from lienthong.api._errors import RequestInvalid
from lienthong.api._tokens import forget_tokens
from lienthong.codes import parse_code
from lienthong.errors import CodeError
from lienthong.store import ApiClientEntry, ApiStore, ClientKind, Database
from lienthong.vxp import parse_zone

_TOKEN_PREFIX = "lt_"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedCredentials:
    """What to hand to the client once: the bearer token, or the systemid and secret."""

    name: str
    kind: ClientKind
    codes: tuple[str, ...]
    token: str | None = None
    systemid: str | None = None
    secret: str | None = None
    vxp_timezone: str | None = None


def _checked_codes(codes: Sequence[str]) -> tuple[str, ...]:
    if not codes:
        raise RequestInvalid(msg("api-client-codes-missing"))
    try:
        return tuple(dict.fromkeys(str(parse_code(code)) for code in codes))
    except CodeError as exc:
        raise RequestInvalid(exc.message) from exc


def _checked_zone(zone: str) -> str:
    try:
        parse_zone(zone)
    except ValueError as exc:
        raise RequestInvalid(
            msg("api-vxp-timezone-invalid", zone=repr(zone)),
            code="vxp-timezone-invalid",
        ) from exc
    return zone.strip()


def add_client(
    database: Database,
    name: str,
    *,
    codes: Sequence[str],
    at: datetime,
    vxp_systemid: str | None = None,
    vxp_timezone: str | None = None,
) -> IssuedCredentials:
    """Create a REST client (a new bearer token) or, with ``vxp_systemid``, a VXP system;
    ``vxp_timezone`` pins the zone its timestamps are read in (else Vietnam's time or UTC)."""
    checked = _checked_codes(codes)
    if vxp_timezone is not None:
        if vxp_systemid is None:
            raise RequestInvalid(
                msg("api-vxp-timezone-not-vxp"),
                code="vxp-timezone-invalid",
            )
        vxp_timezone = _checked_zone(vxp_timezone)
    if vxp_systemid is None:
        token = _TOKEN_PREFIX + secrets.token_urlsafe(32)
        entry = ApiClientEntry(name, ClientKind.REST, checked, at, token_sha256=token_digest(token))
        issued = IssuedCredentials(name, ClientKind.REST, checked, token=token)
    else:
        secret = secrets.token_urlsafe(32)
        entry = ApiClientEntry(
            name, ClientKind.VXP, checked, at, systemid=vxp_systemid, secret=secret, vxp_timezone=vxp_timezone
        )
        issued = IssuedCredentials(
            name, ClientKind.VXP, checked, systemid=vxp_systemid, secret=secret, vxp_timezone=vxp_timezone
        )
    with ApiStore.begin(database) as store:
        store.add_client(entry)
    return issued


def remove_client(database: Database, name: str) -> bool:
    """Remove a client (and its webhook); False if there is none. Its token is refused at once
    by the APIs of this process, within ``ApiSettings.token_ttl`` by those of other processes."""
    with ApiStore.begin(database) as store:
        removed = store.remove_client(name)
    forget_tokens()  # after the commit: a lookup from now on no longer finds it
    return removed
