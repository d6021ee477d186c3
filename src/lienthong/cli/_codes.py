"""`lienthong codes ...`: identifier codes. Thin wrappers: the logic is in ``lienthong.codes``."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from lienthong._i18n import language, say
from lienthong.cli._help import Typer
from lienthong.codes import CodeRegistry, default_registry, describe_code
from lienthong.edxml import VIETNAM_TZ

app = Typer(help=say("help-codes"), no_args_is_help=True)

_Registries = Annotated[
    list[Path] | None,
    typer.Option(
        "--registry",
        help=say("help-codes-registry"),
        exists=True,
        dir_okay=False,
    ),
]
_At = Annotated[str | None, typer.Option("--at", help=say("help-codes-at"))]
_Json = Annotated[bool, typer.Option("--json", help=say("help-codes-json"))]


def _day(text: str | None) -> date:
    if text is None:
        return datetime.now(VIETNAM_TZ).date()  # the network's calendar, not the host's
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass  # the right shape but no such day
    raise typer.BadParameter(
        say("cli-date-invalid-iso", text=text),
        param_hint="--at",
    )


def _shown(day: str) -> str:
    return date.fromisoformat(day).strftime("%d/%m/%Y") if language() == "vi" else day


def _registry(extra: list[Path] | None) -> CodeRegistry:
    registry = default_registry()
    for path in extra or ():
        registry = registry.with_csv(path)
    return registry


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _state(data: dict[str, Any]) -> str:
    if data["active"] is None:
        return say("cli-codes-state-unknown")
    if data["active"]:
        return say("cli-codes-state-active")
    if data["closed_on"] is not None:
        return say("cli-codes-state-closed", day=_shown(data["closed_on"]))
    return say("cli-codes-state-not-yet")


def _rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    if not data["valid"]:
        return [
            (say("cli-codes-code"), data["input"]),
            (say("cli-codes-valid"), say("cli-codes-no")),
            (say("cli-codes-reason"), data["problem"]),
        ]
    rows = [
        (say("cli-codes-code"), data["code"]),
        (
            say("cli-codes-valid"),
            say("cli-codes-yes-lenient") if data["lenient"] else say("cli-codes-yes"),
        ),
        (say("cli-codes-level"), str(data["level"])),
        (say("cli-codes-parent"), data["parent"] or "—"),
        (say("cli-codes-level1"), data["level1"]),
        (
            say("cli-codes-class"),
            f"{data['class']}: {data['class_meaning'] or say('cli-codes-class-unassigned')}",
        ),
        (say("cli-codes-name"), data["name"] or ("—" if data["known"] else say("cli-codes-name-unknown"))),
        (say("cli-codes-status-on", day=_shown(data["at"])), _state(data)),
    ]
    if data["successor"]:
        rows.append((say("cli-codes-successor"), data["successor"]))
    if data["format_problem"] and data["format_problem"] != data["problem"]:
        rows.append((say("cli-codes-malformed"), data["format_problem"]))
    if data["problem"]:
        rows.append((say("cli-codes-problem"), data["problem"]))
    return rows


@app.command(help=say("help-codes-show"))
def show(
    code: Annotated[str, typer.Argument(help=say("help-codes-code"))],
    lenient: Annotated[bool, typer.Option("--lenient", help=say("help-codes-lenient"))] = False,
    as_json: _Json = False,
    at: _At = None,
    registry: _Registries = None,
) -> None:
    """Analyse an identifier code: level, parent, class, name and state in the directory."""
    data = describe_code(code, lenient=lenient, registry=_registry(registry), at=_day(at))
    if as_json:
        _echo_json(data)
    else:
        table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
        for label, value in _rows(data):
            table.add_row(Text(label, style="bold"), Text(str(value)))  # a problem may be a Message
        Console(highlight=False).print(table)
    if not data["valid"]:
        raise typer.Exit(1)


@app.command("list", help=say("help-codes-list"))
def list_codes(
    letter: Annotated[str | None, typer.Option("--class", help=say("help-codes-class"))] = None,
    active_only: Annotated[bool, typer.Option("--active-only", help=say("help-codes-active-only"))] = False,
    as_json: _Json = False,
    at: _At = None,
    registry: _Registries = None,
) -> None:
    """List the codes in the directory and their state on a day."""
    known = _registry(registry)
    day = _day(at)
    wanted = None if letter is None else letter.strip().upper()
    rows = [
        describe_code(code, registry=known, at=day)
        for code in known.codes()
        if wanted is None or code.rsplit(".", 1)[-1][0] == wanted
    ]
    if active_only:
        rows = [row for row in rows if row["active"]]
    if as_json:
        _echo_json(rows)
        return
    table = Table(box=None, padding=(0, 2, 0, 0))
    table.add_column(say("cli-codes-column-code"), style="bold")
    table.add_column(say("cli-codes-name"))
    table.add_column(say("cli-codes-column-status"))
    for row in rows:
        status = _state(row)
        if row["successor"]:
            status += f" → {row['successor']}"
        table.add_row(Text(row["code"]), Text(row["name"] or "—"), Text(status))
    Console(highlight=False).print(table)
