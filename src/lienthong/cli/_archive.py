"""`lienthong node archive`, `node retention ...` and `node hold ...`: keeping documents.

Thin wrappers over ``lienthong.node`` (``archive_and_purge``, ``set_hold``, ``release_hold``)
and the store's ``RetentionStore``; a policy or hold changed here is recorded in the node's
audit log by ``cli:<system user>``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer

from lienthong._i18n import say
from lienthong.cli._audit import actor, audited, record
from lienthong.cli._help import Typer
from lienthong.node import (
    ArchiveSource,
    NodeHome,
    NodeRuntime,
    archive_and_purge,
    network_timestamper,
    release_hold,
    set_hold,
)
from lienthong.store import ANY_KEY, RetentionPolicy, RetentionStore, migrate
from lienthong.trust import HttpOcspFetcher

retention_app = Typer(help=say("help-node-retention"), no_args_is_help=True)
hold_app = Typer(help=say("help-node-hold"), no_args_is_help=True)

_Home = Annotated[Path, typer.Option("--home", envvar="LIENTHONG_NODE_HOME", help=say("help-node-home"))]
_Agency = Annotated[str, typer.Option("--agency", help=say("help-node-retention-agency"))]
_Type = Annotated[str, typer.Option("--type", help=say("help-node-retention-type"))]
_Reason = Annotated[str, typer.Option("--reason", help=say("help-node-hold-reason"))]
_Document = Annotated[str, typer.Argument(help=say("help-node-document-id"))]


def _day(text: str, option: str) -> datetime:
    """Midnight UTC at the start of an ISO day."""
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            return datetime.combine(date.fromisoformat(text), time(0, tzinfo=UTC))
        except ValueError:
            pass
    raise typer.BadParameter(say("cli-date-invalid-iso", text=text), param_hint=option)


def archive(
    home: _Home,
    before: Annotated[str, typer.Option("--before", help=say("help-node-archive-before"))],
    output: Annotated[Path, typer.Option("-o", "--output", help=say("help-node-archive-output"))],
    no_purge: Annotated[bool, typer.Option("--no-purge", help=say("help-node-archive-no-purge"))] = False,
) -> None:
    """Archive the documents retention lets go, then purge their payloads; one line of JSON."""
    cut_off = _day(before, "--before")
    node_home = NodeHome.load(home)
    with audited(home), NodeRuntime(node_home) as runtime, HttpOcspFetcher() as fetch_ocsp:
        node = runtime.node()
        source = ArchiveSource(
            node.name, node.database, node.blobs, node.key, tuple(node.anchors), crls=tuple(node.crls),
            fetch_ocsp=fetch_ocsp, stamp=network_timestamper(node),
        )  # fmt: skip
        outcome = archive_and_purge(
            source,
            output,
            before=cut_off,
            now=datetime.now(UTC),
            resync_window=timedelta(days=node_home.resync_window_days),
            purge=not no_purge,
        )
    typer.echo(json.dumps({"archive": str(output), **outcome.to_json()}, ensure_ascii=False))


@retention_app.command("set", help=say("help-node-retention-set"))
def retention_set(
    home: _Home,
    agency: _Agency = ANY_KEY,
    document_type: _Type = ANY_KEY,
    days: Annotated[int | None, typer.Option("--days", min=0, help=say("help-node-retention-days"))] = None,
    forever: Annotated[bool, typer.Option("--forever", help=say("help-node-retention-forever"))] = False,
) -> None:
    """Keep an agency's documents of a type so many days after their last status, or forever."""
    if (days is None) != forever:  # exactly one of them
        raise typer.BadParameter(say("cli-node-retention-days-or-forever"), param_hint="--days")
    with audited(home) as database:
        with RetentionStore.begin(database) as retention:
            retention.set_policy(RetentionPolicy(agency, document_type, days), at=datetime.now(UTC))
        shown = "forever" if days is None else str(days)
        record(database, "retention-set", agency, document_type=document_type, days=shown)
    typer.echo(say("cli-node-retention-set", agency=agency, type=document_type, days=shown))


@retention_app.command("remove", help=say("help-node-retention-remove"))
def retention_remove(home: _Home, agency: _Agency = ANY_KEY, document_type: _Type = ANY_KEY) -> None:
    """Remove a policy (its documents fall back to a wider one, or are kept forever)."""
    with audited(home) as database:
        with RetentionStore.begin(database) as retention:
            removed = retention.remove_policy(agency, document_type)
        if removed:
            record(database, "retention-removed", agency, document_type=document_type)
    if removed:
        typer.echo(say("cli-node-retention-removed", agency=agency, type=document_type))
    else:
        typer.echo(say("cli-node-retention-none", agency=agency, type=document_type))


@retention_app.command("list", help=say("help-node-retention-list"))
def retention_list(home: _Home) -> None:
    """The policies, one line of JSON each."""
    database = NodeHome.load(home).open_database()
    try:
        migrate(database)
        with RetentionStore.begin(database) as retention:
            policies = retention.policies()
    finally:
        database.close()
    for policy in policies:
        line = {"agency": policy.agency, "type": policy.document_type, "days": policy.days}
        typer.echo(json.dumps(line, ensure_ascii=False))


@hold_app.command("set", help=say("help-node-hold-set"))
def hold_set(document: _Document, home: _Home, reason: _Reason) -> None:
    """Put a document under legal hold: archived perhaps, never purged."""
    with audited(home) as database:
        hold = set_hold(database, document, reason=reason, actor=actor(), at=datetime.now(UTC))
    typer.echo(say("cli-node-hold-set", document=hold.document_id, message_id=hold.message_id))


@hold_app.command("release", help=say("help-node-hold-release"))
def hold_release(document: _Document, home: _Home, reason: _Reason) -> None:
    """Release a legal hold."""
    with audited(home) as database:
        released = release_hold(database, document, reason=reason, actor=actor(), at=datetime.now(UTC))
    if released:
        typer.echo(say("cli-node-hold-released", document=document))
    else:
        typer.echo(say("cli-node-hold-none", document=document))


@hold_app.command("list", help=say("help-node-hold-list"))
def hold_list(home: _Home) -> None:
    """The documents under legal hold, one line of JSON each."""
    database = NodeHome.load(home).open_database()
    try:
        migrate(database)
        with RetentionStore.begin(database) as retention:
            holds = retention.holds()
    finally:
        database.close()
    for hold in holds:
        line = {
            "message_id": hold.message_id, "document_id": hold.document_id, "sender": hold.sender,
            "reason": hold.reason, "by": hold.actor, "at": hold.at.astimezone(UTC).isoformat(),
        }  # fmt: skip
        typer.echo(json.dumps(line, ensure_ascii=False))
