"""`lienthong node backup` and `lienthong node restore`: a node's home in one file and back;
`lienthong node resync`: a home whose database another tool restored (pgBackRest to a point in
time) asks its peers for what it lost, as a restored one does.

Thin wrappers over ``lienthong.node`` (``backup_home``, ``restore_home``). A passphrase is read
from ``--passphrase-file`` or the environment (``LIENTHONG_BACKUP_PASSPHRASE``), never from the
command line, where other users of the machine could read it.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from lienthong._i18n import msg, say
from lienthong.node import (
    PASSPHRASE_ENV,
    BackupManifest,
    NodeError,
    NodeHome,
    backup_home,
    mark_restored,
    restore_home,
)

_Home = Annotated[Path, typer.Option("--home", envvar="LIENTHONG_NODE_HOME", help=say("help-node-home"))]
_PassphraseFile = Annotated[
    Path | None,
    typer.Option(
        "--passphrase-file", exists=True, dir_okay=False, help=say("help-node-backup-passphrase-file")
    ),
]


def _passphrase(path: Path | None) -> bytes | None:
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise NodeError(msg("cli-file-unreadable", path=path, reason=str(exc))) from exc
    else:
        text = os.environ.get(PASSPHRASE_ENV, "")
        if not text:
            return None
    if not text:
        raise NodeError(msg("cli-backup-passphrase-empty"))
    return text.encode("utf-8")


def _summary(manifest: BackupManifest, path: Path) -> str:
    return json.dumps(
        {
            "file": str(path),
            "node": manifest.node,
            "created_at": manifest.created_at.isoformat(),
            "log_head": {"seq": manifest.log_seq, "hash": manifest.log_hash},
            "database": manifest.database,
            "keys": manifest.keys,
            "keys_left_out": list(manifest.keys_left_out),
            "blobs": manifest.blobs,
            "blob_bytes": manifest.blob_bytes,
        },
        ensure_ascii=False,
    )


def backup(
    home: _Home,
    output: Annotated[Path, typer.Option("-o", "--output", help=say("help-node-backup-output"))],
    include_keys: Annotated[
        bool, typer.Option("--include-keys", help=say("help-node-backup-include-keys"))
    ] = False,
    passphrase_file: _PassphraseFile = None,
) -> None:
    """Write a consistent backup of a node's home while it serves; print its summary (JSON)."""
    passphrase = _passphrase(passphrase_file) if include_keys else None
    if include_keys and passphrase is None:
        raise NodeError(msg("cli-backup-passphrase-needed", variable=PASSPHRASE_ENV))
    manifest = backup_home(NodeHome.load(home), output, at=datetime.now(UTC), passphrase=passphrase)
    typer.echo(_summary(manifest, output))


def restore(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=say("help-node-restore-file"))],
    home: _Home,
    passphrase_file: _PassphraseFile = None,
    database: Annotated[
        str | None, typer.Option("--database", help=say("help-node-restore-database"))
    ] = None,
) -> None:
    """Restore a backup into a new (empty) home; its first start asks the peers to resynchronise."""
    manifest = restore_home(
        file, home, passphrase=_passphrase(passphrase_file), database_url=database, at=datetime.now(UTC)
    )
    typer.echo(_summary(manifest, home))


def resync(home: _Home) -> None:
    """Mark a home whose database was restored by another tool (pgBackRest, a snapshot): the
    log head found there is the point; the node's next start asks its peers to resend."""
    marker = mark_restored(NodeHome.load(home), at=datetime.now(UTC))
    typer.echo(
        json.dumps(
            {
                "home": str(home),
                "node": marker.node,
                "point": marker.backup_at.isoformat(),
                "log_head": {"seq": marker.log_seq, "hash": marker.log_hash},
            },
            ensure_ascii=False,
        )
    )
