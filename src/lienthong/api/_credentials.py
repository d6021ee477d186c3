"""Creating and checking API credentials: REST bearer tokens (kept hashed) and VXP secrets."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lienthong._i18n import tr
from lienthong.api._errors import RequestInvalid
from lienthong.api._tokens import forget_tokens
from lienthong.codes import parse_code
from lienthong.errors import CodeError
from lienthong.store import ApiClientEntry, ApiStore, ClientKind, Database

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


def _checked_codes(codes: Sequence[str]) -> tuple[str, ...]:
    if not codes:
        raise RequestInvalid(tr("cần ít nhất một mã định danh", "at least one agency code is needed"))
    try:
        return tuple(dict.fromkeys(str(parse_code(code)) for code in codes))
    except CodeError as exc:
        raise RequestInvalid(exc.message) from exc


def add_client(
    database: Database,
    name: str,
    *,
    codes: Sequence[str],
    at: datetime,
    vxp_systemid: str | None = None,
) -> IssuedCredentials:
    """Create a REST client (a new bearer token) or, with ``vxp_systemid``, a VXP system."""
    checked = _checked_codes(codes)
    if vxp_systemid is None:
        token = _TOKEN_PREFIX + secrets.token_urlsafe(32)
        entry = ApiClientEntry(name, ClientKind.REST, checked, at, token_sha256=token_digest(token))
        issued = IssuedCredentials(name, ClientKind.REST, checked, token=token)
    else:
        secret = secrets.token_urlsafe(32)
        entry = ApiClientEntry(name, ClientKind.VXP, checked, at, systemid=vxp_systemid, secret=secret)
        issued = IssuedCredentials(name, ClientKind.VXP, checked, systemid=vxp_systemid, secret=secret)
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
