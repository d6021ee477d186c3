"""`lienthong directory regulations …` and `statistics show`: the admin's view of the figures
the portal shows. Thin wrappers: the logic is in ``lienthong.portal``."""

from __future__ import annotations

import getpass
import json
import re
from datetime import date
from typing import Annotated, Any

import typer

from lienthong._clock import utc_now
from lienthong._i18n import say
from lienthong.cli._help import Typer
from lienthong.directory import DirectoryRegistry
from lienthong.portal import Figures, Regulations
from lienthong.statistics import median_seconds
from lienthong.store import DEFAULT_URL, migrate

regulations = Typer(help=say("help-portal-regulations"), no_args_is_help=True)
statistics = Typer(help=say("help-portal-statistics"), no_args_is_help=True)

_Db = Annotated[
    str,
    typer.Option("--db", envvar="LIENTHONG_DIRECTORY_DB", help=say("help-portal-db")),
]
_Actor = Annotated[
    str | None, typer.Option("--actor", envvar="LIENTHONG_ACTOR", help=say("help-portal-actor"))
]


def _open(db: str) -> DirectoryRegistry:
    registry = DirectoryRegistry.open(db)
    migrate(registry.database)
    return registry


@regulations.command("set", help=say("help-portal-regulations-set"))
def regulations_set(
    code: Annotated[str, typer.Argument(help=say("help-portal-code"))],
    day: Annotated[str, typer.Argument(metavar="DATE", help=say("help-portal-day"))],
    reference: Annotated[str | None, typer.Option("--reference", help=say("help-portal-reference"))] = None,
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
) -> None:
    """Record the day a first-level agency issued its electronic document regulation."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", day):
        raise typer.BadParameter(say("cli-date-invalid", text=day), param_hint="DATE")
    try:
        issued_on = date.fromisoformat(day)
    except ValueError:
        raise typer.BadParameter(say("cli-date-invalid", text=day), param_hint="DATE") from None
    registry = _open(db)
    try:
        entry = Regulations(registry, clock=utc_now).set(
            code, issued_on, actor=actor or getpass.getuser(), reference=reference
        )
    finally:
        registry.close()
    typer.echo(say("cli-regulations-recorded", code=entry.code, day=entry.issued_on))


@regulations.command("list", help=say("help-portal-regulations-list"))
def regulations_list(db: _Db = DEFAULT_URL) -> None:
    """The recorded days."""
    registry = _open(db)
    try:
        for entry in Regulations(registry, clock=utc_now).all():
            typer.echo(f"{entry.code}  {entry.issued_on}  {entry.reference or ''}".rstrip())
    finally:
        registry.close()


@statistics.command("show", help=say("help-portal-statistics-show"))
def statistics_show(
    db: _Db = DEFAULT_URL,
    as_json: Annotated[bool, typer.Option("--json", help=say("help-portal-json"))] = False,
) -> None:
    """Overview figures."""
    registry = _open(db)
    try:
        overview = Figures(registry, clock=utc_now).overview()
    finally:
        registry.close()
    document: dict[str, Any] = {
        "today": overview.today.isoformat(),
        "documents_month": overview.month_traffic.documents,
        "deliveries_month": overview.month_traffic.deliveries,
        "sent_month": overview.month.sent,
        "received_month": overview.month.received,
        "documents_total": overview.total_traffic.documents,
        "deliveries_total": overview.total_traffic.deliveries,
        "connected": overview.connected,
        "registered": overview.registered,
        "signed_share": overview.signed_share,
        "median_delivery_seconds": median_seconds(overview.month.latency_buckets),
        "regulations": {g.letter: {"issued": g.issued, "total": g.total} for g in overview.groups},
    }
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    share = "—" if overview.signed_share is None else f"{overview.signed_share * 100:.1f} %"
    lines = [
        (say("cli-statistics-documents-month"), str(overview.month_traffic.documents)),
        (say("cli-statistics-deliveries-month"), str(overview.month_traffic.deliveries)),
        (say("cli-statistics-documents-total"), str(overview.total_traffic.documents)),
        (say("cli-statistics-connected"), f"{overview.connected}/{overview.registered}"),
        (say("cli-statistics-signed"), share),
        (say("cli-statistics-median-delivery"), str(document["median_delivery_seconds"])),
    ]
    lines += [
        (say("cli-statistics-regulations", letter=g.letter), f"{g.issued}/{g.total}") for g in overview.groups
    ]
    for label, value in lines:
        typer.echo(f"{label}: {value}")
