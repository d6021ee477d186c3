"""Agencies as the network configuration knows them, and which node serves each."""

from __future__ import annotations

from lienthong.api._context import ApiContext
from lienthong.api._models import Agency
from lienthong.errors import LienthongError
from lienthong.store import AgencyEntry


def _node_of(ctx: ApiContext, code: str) -> str | None:
    try:
        route = ctx.node.configuration.route(code, at=ctx.clock())
    except LienthongError:
        return None
    return None if route.node is None else route.node.name


def agency_model(ctx: ApiContext, entry: AgencyEntry) -> Agency:
    try:
        parent = entry.parent
    except LienthongError:
        parent = None
    return Agency(
        code=entry.code,
        name=entry.name,
        parent=parent,
        valid_from=entry.valid_from,
        valid_to=entry.valid_to,
        successor=entry.successor,
        node=_node_of(ctx, entry.code),
    )


def agencies(ctx: ApiContext, *, query: str | None = None, served: bool = False) -> list[AgencyEntry]:
    """The configuration's agencies, filtered by code prefix or words of the name."""
    found = []
    words = (query or "").strip().lower()
    for entry in ctx.node.configuration.content.agencies:
        if words and not (entry.code.lower().startswith(words) or words in (entry.name or "").lower()):
            continue
        if served and _node_of(ctx, entry.code) is None:
            continue
        found.append(entry)
    return found
