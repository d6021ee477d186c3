"""`lienthong node blobs migrate --to postgresql|filesystem`: move a node's blobs, resumably.
Thin wrappers: the logic is in ``lienthong.node`` (``migrate_blobs``) and ``lienthong.store``
(the advisory lock ``node serve`` holds shared, ``serving``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lienthong._i18n import say
from lienthong.cli._help import Typer
from lienthong.node import BlobMigration, NodeHome, migrate_blobs
from lienthong.store import BlobCopied, serving_blobs

app = Typer(help=say("help-node-blobs"), no_args_is_help=True)

_Home = Annotated[Path, typer.Option("--home", envvar="LIENTHONG_NODE_HOME", help=say("help-node-home"))]

_MIB = 1 << 20


class Backend(StrEnum):
    FILESYSTEM = "filesystem"
    POSTGRESQL = "postgresql"


@app.command("migrate", help=say("help-node-blobs-migrate"))
def migrate(
    to: Annotated[Backend, typer.Option("--to", help=say("help-node-blobs-to"))],
    home: _Home,
) -> None:
    """Move the node's blobs to the file system or its PostgreSQL database (node stopped)."""

    def progress(step: BlobCopied) -> None:
        typer.echo(
            say("cli-node-blobs-progress", done=step.done, total=step.total, mib=step.copied_bytes // _MIB),
            err=True,
        )

    done: BlobMigration = migrate_blobs(NodeHome.load(home), to.value, progress=progress)
    typer.echo(
        say(
            "cli-node-blobs-migrated",
            target=done.target,
            source=done.source,
            copied=done.copied,
            mib=done.copied_bytes // _MIB,
            removed=done.removed,
        )
    )


@contextlib.contextmanager
def serving(home: NodeHome) -> Iterator[None]:
    """What ``node serve`` holds for its life: the blobs shared with the node's other serving
    processes, refused while a blob migration runs."""
    database = home.open_database()
    try:
        with serving_blobs(database):
            yield
    finally:
        database.close()
