"""`lienthong node clients …`: credentials of the document-management software calling a node.
Thin wrappers: the logic is in ``lienthong.api``. Adding and removing one are entries of the
node's audit log (``_audit``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from lienthong._i18n import say
from lienthong.api import add_client, check_webhook_url, register_webhook, remove_client
from lienthong.cli._audit import audited, record
from lienthong.cli._help import Typer
from lienthong.node import NodeHome
from lienthong.store import ApiStore

app = Typer(help=say("help-node-clients"), no_args_is_help=True)

_Home = Annotated[
    Path, typer.Option("--home", envvar="LIENTHONG_NODE_HOME", help=say("help-node-clients-home"))
]


@app.command("add", help=say("help-node-clients-add"))
def add(
    name: str,
    codes: Annotated[list[str], typer.Option("--codes", help=say("help-node-clients-codes"))],
    home: _Home,
    vxp: Annotated[str | None, typer.Option("--vxp", help=say("help-node-clients-vxp"))] = None,
    vxp_timezone: Annotated[
        str | None,
        typer.Option(
            "--vxp-timezone",
            help=say("help-node-clients-vxp-timezone"),
        ),
    ] = None,
    webhook: Annotated[str | None, typer.Option("--webhook", help=say("help-node-clients-webhook"))] = None,
) -> None:
    """Create an application and print its access token (or systemid and secret) — shown once only."""
    hook = None
    with audited(home) as database:
        if webhook is not None:
            # The operator registers it: any address is theirs to choose (``serve`` decides delivery).
            check_webhook_url(webhook, allow_private=True)  # refused before anything is created
        issued = add_client(
            database, name, codes=codes, at=datetime.now(UTC), vxp_systemid=vxp, vxp_timezone=vxp_timezone
        )
        params = {"codes": " ".join(issued.codes), "vxp": issued.systemid or "", "webhook": webhook or ""}
        record(database, "api-client-added", name, **params)  # before the webhook: it exists now
        if webhook is not None:
            hook = register_webhook(database, name, webhook, at=datetime.now(UTC), allow_private=True)
    if issued.token is not None:
        typer.echo(f"token: {issued.token}")
    else:
        typer.echo(f"systemid: {issued.systemid}\nsecret: {issued.secret}")
        if issued.vxp_timezone is not None:
            typer.echo(say("cli-clients-time-zone", zone=issued.vxp_timezone))
    typer.echo(say("cli-clients-codes", codes=" ".join(issued.codes)))
    if hook is not None:
        typer.echo(f"webhook: {hook.url}\nwebhook secret: {hook.secret}")


@app.command("list", help=say("help-node-clients-list"))
def list_clients(home: _Home) -> None:
    """List applications, their permitted codes and pinned VXP time zone (if any)."""
    database = NodeHome.load(home).open_database()
    try:
        with ApiStore.begin(database) as store:
            for client in store.clients():
                typer.echo(
                    f"{client.name}\t{client.kind.value}\t{client.systemid or ''}\t{' '.join(client.codes)}"
                    f"\t{client.vxp_timezone or ''}"
                )
    finally:
        database.close()


@app.command("remove", help=say("help-node-clients-remove"))
def remove(name: str, home: _Home) -> None:
    """Remove an application (a running node refuses its access token within 5 seconds)."""
    with audited(home) as database:
        removed = remove_client(database, name)
        if removed:
            record(database, "api-client-removed", name)
    if not removed:
        typer.echo(say("cli-clients-unknown", name=name), err=True)
        raise typer.Exit(1)
