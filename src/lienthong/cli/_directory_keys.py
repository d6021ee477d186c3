"""`lienthong directory key announce|switch`: the configuration-signing key rolls over while
`directory serve` runs. Thin wrappers over ``lienthong.directory``'s ``_rollover``.

Both write the directory home's ``signing-keys.json``; the running server signs with what it
names at its next signature; each is recorded in the directory's audit (``--db``, ``--actor``).
Announce first, switch once every node has fetched a configuration
announcing the key: after at least one validity period (``--valid-hours``), every node still
able to route holds one.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from lienthong._i18n import say
from lienthong.cli._directory_service import Home
from lienthong.cli._help import Typer
from lienthong.directory import DirectoryRegistry, announce_next_key, switch_key
from lienthong.store import DEFAULT_URL

Db = Annotated[str, typer.Option("--db", envvar="LIENTHONG_DIRECTORY_DB", help=say("help-directory-db"))]
Actor = Annotated[
    str | None, typer.Option("--actor", envvar="LIENTHONG_ACTOR", help=say("help-directory-actor"))
]

keys = Typer(help=say("help-directory-key-rollover"), no_args_is_help=True)


@keys.command("announce", help=say("help-directory-key-announce"))
def announce(
    next_key: Annotated[str, typer.Option("--next-key", help=say("help-directory-key-next-key"))],
    next_cert: Annotated[
        Path,
        typer.Option("--next-cert", exists=True, dir_okay=False, help=say("help-directory-key-next-cert")),
    ],
    home: Home = Path(),
    db: Db = DEFAULT_URL,
    actor: Actor = None,
) -> None:
    """Announce the next configuration-signing key (a PEM file or a pkcs11: URI)."""
    with DirectoryRegistry.open(db) as registry:  # opened first: a wrong --db changes nothing
        key = announce_next_key(home, next_key, next_cert)
        registry.record_key_change("key.announce", key.fingerprint, actor=actor or getpass.getuser())
    typer.echo(say("cli-directory-key-announced", fingerprint=key.fingerprint))


@keys.command("switch", help=say("help-directory-key-switch"))
def switch(home: Home = Path(), db: Db = DEFAULT_URL, actor: Actor = None) -> None:
    """Sign with the key announced from now on."""
    with DirectoryRegistry.open(db) as registry:
        key = switch_key(home)
        registry.record_key_change("key.switch", key.fingerprint, actor=actor or getpass.getuser())
    typer.echo(say("cli-directory-key-switched", fingerprint=key.fingerprint))
