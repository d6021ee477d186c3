"""Node vpcp backed up mid-flood, destroyed, restored into a new home; the flood goes on.

Shared by ``test_backup_e2e.py`` (a few dozen documents) and ``bench/backup_bench.py``; its
flood and its end (``Flood``, ``settle``) by ``pitr_scenario.py`` too. Real
``lienthong node serve`` processes over mutual TLS (``e2e_network``); documents are submitted
into the nodes' databases as their APIs would (nghe-an → vpcp, and vpcp → nghe-an: "what
vpcp's API accepted"). Steps:

1. a first share flows both ways; ``lienthong node backup --include-keys`` of vpcp while it
   serves (or ``backup_home`` in this process);
2. a second share flows for a moment; ``kill -9`` vpcp; a few more documents enter its
   database as its API had accepted them just before it died (never delivered); its home deleted;
3. ``lienthong node restore`` (or ``restore_home``) into a new home; ``node serve`` on the same port; a third share
   from nghe-an (the flood goes on);
4. once vpcp's resync is complete, the documents vpcp had accepted that it cannot account for
   (the ones the software would learn of from ``GET /api/v1/outbox/unaccounted``) are
   submitted again, with the same DocumentId;
5. a bounded poll until every row is delivered; then the facts are counted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lienthong.demo import wait_for
from lienthong.node import (
    DeliveryState,
    NodeHome,
    NodeRuntime,
    backup_home,
    load_marker,
    restore_home,
    submit,
)
from lienthong.store import NodeStore, ResyncStore
from node.e2e_network import E2ENetwork
from node.fault_scenario import SENDER_NODE, _chain_intact
from node.node_network import RECIPIENT, SENDER, document

RESTORED_NODE = "vpcp"
PASSPHRASE = "a passphrase for the test backup"


@dataclass(frozen=True, slots=True)
class BackupCounts:
    #: Documents nghe-an sent to vpcp, and how many vpcp's inbox holds (rows, distinct).
    to_restored: int
    restored_inbox_rows: int
    restored_inbox_distinct: int
    #: Documents vpcp's API accepted; of them: held by a peer and taken back, unaccounted for
    #: (then sent again), and how many nghe-an's inbox holds (rows, distinct).
    from_restored: int
    recovered: int
    unaccounted: int
    peer_inbox_rows: int
    peer_inbox_distinct: int
    #: Every row of both outboxes delivered; both logs one unbroken chain.
    all_delivered: bool
    chains_intact: bool
    backup_seconds: float
    backup_bytes: int
    restore_seconds: float

    @property
    def exactly_once(self) -> bool:
        return (
            self.to_restored == self.restored_inbox_rows == self.restored_inbox_distinct
            and self.from_restored == self.peer_inbox_rows == self.peer_inbox_distinct
            and self.all_delivered
        )

    def line(self) -> str:
        return " ".join(f"{name}={getattr(self, name)}" for name in self.__dataclass_fields__)


def lienthong(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LIENTHONG_LANG": "en", "LIENTHONG_BACKUP_PASSPHRASE": PASSPHRASE}
    command = [sys.executable, "-m", "lienthong.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False, env=env)


def _submit(home: NodeHome, packages: list[bytes]) -> list[str]:
    """Submit into a node's database as its API would; the DocumentIds."""
    with NodeRuntime(home) as runtime:
        return [submit(runtime.node(), data, at=datetime.now(UTC)).document_id for data in packages]


def _to_restored(start: int, count: int) -> list[bytes]:
    return [document(f"7{n:05d}") for n in range(start, start + count)]


def _from_restored(start: int, count: int) -> list[bytes]:
    return [document(f"8{n:05d}", sender=RECIPIENT, to=(SENDER,)) for n in range(start, start + count)]


def _backup(home: Path, output: Path, *, cli: bool) -> None:
    if cli:
        done = lienthong("node", "backup", "--home", str(home), "-o", str(output), "--include-keys")
        assert done.returncode == 0, done.stderr
    else:
        backup_home(NodeHome.load(home), output, at=datetime.now(UTC), passphrase=PASSPHRASE.encode())


def _restore(output: Path, home: Path, *, cli: bool) -> None:
    if cli:
        done = lienthong("node", "restore", str(output), "--home", str(home))
        assert done.returncode == 0, done.stderr
    else:
        restore_home(output, home, passphrase=PASSPHRASE.encode(), at=datetime.now(UTC))


@dataclass
class Flood:
    """What flows to and from vpcp, as the software sees it: the documents nghe-an sent to vpcp,
    and vpcp's DocumentIds with their packages (what the software keeps to send again)."""

    net: E2ENetwork
    per_share: int
    sent: list[str] = field(default_factory=list)
    accepted: dict[str, bytes] = field(default_factory=dict)

    def share(self, number: int, *, own: bool) -> None:
        """A share from nghe-an to vpcp and, with ``own``, one from vpcp to nghe-an."""
        per_share = self.per_share
        self.sent.extend(_submit(self.net.homes[SENDER_NODE], _to_restored(number * per_share, per_share)))
        if own:
            self.own(_from_restored(number * per_share, per_share))

    def own(self, packages: list[bytes]) -> None:
        """Documents vpcp's API accepts (into its database: it may be down)."""
        ids = _submit(self.net.homes[RESTORED_NODE], packages)
        self.accepted.update(zip(ids, packages, strict=True))

    def late(self, number: int) -> None:
        """Accepted by vpcp's API just before it died, never delivered: no peer holds them."""
        self.own(_from_restored(number * self.per_share, max(1, self.per_share // 3)))


def run_backup_scenario(
    net: E2ENetwork, *, per_share: int, pause: float = 1.0, cli: bool = True
) -> BackupCounts:
    """The scenario; ``cli``: back up and restore with the ``lienthong`` command (else the same
    functions in this process, which spares two interpreter starts)."""
    base = net.base
    flood = Flood(net, per_share)
    victim = net.nodes[RESTORED_NODE]
    flood.share(0, own=True)
    time.sleep(pause)  # mid-flood: some delivered, some not yet
    backup = base / "vpcp.backup"
    started = time.monotonic()
    _backup(victim.home, backup, cli=cli)
    backup_seconds = time.monotonic() - started
    flood.share(1, own=True)
    time.sleep(pause)
    victim.kill()
    flood.late(3)
    if RESTORED_NODE in net.databases:
        net.databases.pop(RESTORED_NODE).close()
    shutil.rmtree(victim.home)

    new_home = base / "vpcp-restored"
    started = time.monotonic()
    _restore(backup, new_home, cli=cli)
    restore_seconds = time.monotonic() - started
    victim.home = new_home
    net.homes[RESTORED_NODE] = NodeHome.load(new_home)
    victim.start()
    flood.share(2, own=False)  # the flood goes on
    return settle(
        flood,
        backup_seconds=backup_seconds,
        backup_bytes=backup.stat().st_size,
        restore_seconds=restore_seconds,
    )


def settle(flood: Flood, *, backup_seconds: float, backup_bytes: int, restore_seconds: float) -> BackupCounts:
    """Steps 4 and 5 once the restored vpcp serves again: wait for its resync, send again what
    it cannot account for, wait until every row is delivered, and count."""
    net, accepted, sent = flood.net, flood.accepted, flood.sent
    marker_path = net.homes[RESTORED_NODE].home / "restored.json"
    marker = wait_for(
        lambda: (m := load_marker(marker_path)) is not None and m.completed_at is not None and m,
        timeout=300,
        every=0.5,
    )
    assert marker, "the resync did not complete"
    restored = net.database(RESTORED_NODE)
    with ResyncStore.begin(restored) as resync:
        known = resync.known_documents([RECIPIENT], list(accepted))
    unaccounted = [i for i in accepted if i not in known]
    if unaccounted:
        _submit(net.homes[RESTORED_NODE], [accepted[i] for i in unaccounted])

    peer = net.database(SENDER_NODE)

    def settled() -> bool:
        for database in (peer, restored):
            with NodeStore.begin(database, write=False) as store:
                if any(e.state is not DeliveryState.DELIVERED for e in store.outbox()):
                    return False
        return True

    all_delivered = bool(wait_for(settled, timeout=300, every=0.5))
    with NodeStore.begin(restored, write=False) as store:
        inbox = Counter(e.document_id for e in store.inbox(recipient=RECIPIENT))
    with NodeStore.begin(peer, write=False) as store:
        peer_inbox = Counter(e.document_id for e in store.inbox(recipient=SENDER))
    peer_ok, _ = _chain_intact(peer)
    restored_ok, _ = _chain_intact(restored)
    return BackupCounts(
        to_restored=len(sent),
        restored_inbox_rows=sum(inbox[i] for i in sent),
        restored_inbox_distinct=sum(1 for i in sent if inbox[i]),
        from_restored=len(accepted),
        recovered=len(set(marker.recovered) & set(accepted)),
        unaccounted=len(unaccounted),
        peer_inbox_rows=sum(peer_inbox[i] for i in accepted),
        peer_inbox_distinct=sum(1 for i in accepted if peer_inbox[i]),
        all_delivered=all_delivered,
        chains_intact=peer_ok and restored_ok,
        backup_seconds=backup_seconds,
        backup_bytes=backup_bytes,
        restore_seconds=restore_seconds,
    )
