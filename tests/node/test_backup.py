"""`node backup` / `node restore` in one process: what the file holds, what a restore gives back
(keys decrypted with the passphrase, files 0600 in folders 0700, the log head and the marker
the resync starts from), and what either refuses."""

from __future__ import annotations

import io
import json
import secrets
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from cryptography.hazmat.primitives import serialization

from lienthong.evidence import LogKind
from lienthong.node import NodeError, NodeHome, backup_home, load_marker, restore_home
from lienthong.store import BlobStore, NodeStore, OutboxItem, PackageKind, migrate
from node.backup_scenario import lienthong
from node.test_modes import init_node, not_private
from support.databases import POSTGRES, _postgres_schema_url

NOW = datetime.now(UTC)
PASSPHRASE = b"correct horse battery staple"


Populated = tuple[NodeHome, list[str], str]


@pytest.fixture(scope="module")
def populated(tmp_path_factory: pytest.TempPathFactory) -> Populated:
    """A home whose database names three blobs; a fourth blob is named by nothing (made once:
    backups only read it)."""
    home = NodeHome.load(init_node(tmp_path_factory.mktemp("home")))
    blobs = BlobStore(home.home / "blobs")  # a filesystem node's store
    named = [blobs.put_bytes(f"<package {n}/>".encode()).sha256 for n in range(3)]
    stray = blobs.put_bytes(b"written after the snapshot, named by nothing").sha256
    with home.open_database() as database:
        migrate(database)
        with NodeStore.begin(database) as store:
            store.enqueue(
                [
                    OutboxItem(
                        f"{n:064x}",
                        f"doc-{n}",
                        PackageKind.DOCUMENT,
                        digest,
                        "000.00.00.G22",
                        "000.00.00.H41",
                        "000.00.00.H41",
                        NOW + timedelta(days=1),
                    )
                    for n, digest in enumerate(named)
                ],
                at=NOW,
            )
            for n, digest in enumerate(named):
                store.log(LogKind.PACKAGE_OUT, at=NOW, message_id=f"{n:064x}", document_id=f"doc-{n}",
                          party="000.00.00.H41", sha256=digest)  # fmt: skip
    return home, named, stray


def _code(caught: pytest.ExceptionInfo[NodeError]) -> str:
    message = caught.value.message
    return message if isinstance(message, str) else message.code


def _members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isreg()}  # type: ignore[union-attr]


def test_a_backup_restores_into_a_new_home_with_its_keys_blobs_and_log_head(
    tmp_path: Path, populated: Populated
) -> None:
    home, named, stray = populated
    output = tmp_path / "node.backup"
    manifest = backup_home(home, output, at=NOW, passphrase=PASSPHRASE)

    assert output.stat().st_mode & 0o077 == 0
    members = _members(output)
    assert {f"blobs/{d}" for d in named} == {m for m in members if m.startswith("blobs/")}
    assert f"blobs/{stray}" not in members  # the snapshot does not name it
    assert b"ENCRYPTED PRIVATE KEY" in members["keys/tls.key.pem"]
    assert "home/tls.key.pem" not in members and "home/node.json" in members
    assert manifest.blobs == 3 and manifest.keys and manifest.log_seq == 3
    listed = json.loads(members["manifest.json"])
    assert listed["log_head"] == {"seq": manifest.log_seq, "hash": manifest.log_hash}

    target = tmp_path / "restored"
    restore_home(output, target, passphrase=PASSPHRASE, at=NOW)
    restored = NodeHome.load(target)
    assert restored.database_url == f"sqlite:///{(target / 'node.db').resolve()}"
    assert not_private(target) == {}
    for original, copy in [(home.key_path, restored.key_path), *zip(
        [k for _, k, _ in home.signer_paths], [k for _, k, _ in restored.signer_paths], strict=True
    )]:  # fmt: skip
        assert isinstance(original, Path) and isinstance(copy, Path)
        mine = serialization.load_pem_private_key(original.read_bytes(), None)
        again = serialization.load_pem_private_key(copy.read_bytes(), None)
        assert mine.private_numbers() == again.private_numbers()  # type: ignore[union-attr]
    assert all(d in BlobStore(target / "blobs") for d in named)
    with restored.open_database() as database, NodeStore.begin(database, write=False) as store:
        assert store.log_head() == (manifest.log_seq, manifest.log_hash)
        assert {e.item.document_id for e in store.outbox()} == {"doc-0", "doc-1", "doc-2"}
    marker = load_marker(target / "restored.json")
    assert marker is not None and marker.backup_at == NOW and marker.log_seq == manifest.log_seq

    with pytest.raises(NodeError) as caught:
        restore_home(output, target, passphrase=PASSPHRASE, at=NOW)
    assert _code(caught) == "node-restore-home-not-empty"


def test_without_a_passphrase_the_keys_stay_out(tmp_path: Path, populated: Populated) -> None:
    home, _named, _stray = populated
    manifest = backup_home(home, tmp_path / "b", at=NOW, passphrase=None)
    assert not manifest.keys
    assert set(manifest.keys_left_out) == {"tls.key.pem", "signers/000.00.00.G22.key.pem"}
    assert not any(name.startswith("keys/") for name in _members(tmp_path / "b"))
    with pytest.raises(NodeError) as caught:
        backup_home(home, tmp_path / "b", at=NOW, passphrase=None)
    assert _code(caught) == "node-backup-output-exists"


def test_a_wrong_passphrase_or_a_changed_member_leaves_the_new_home_empty(
    tmp_path: Path, populated: Populated
) -> None:
    home, _named, _stray = populated
    output = tmp_path / "node.backup"
    backup_home(home, output, at=NOW, passphrase=PASSPHRASE)
    target = tmp_path / "restored"
    with pytest.raises(NodeError) as caught:
        restore_home(output, target, passphrase=b"wrong", at=NOW)
    assert _code(caught) == "node-backup-key-unreadable"
    assert list(target.iterdir()) == []

    changed = tmp_path / "changed.backup"
    with tarfile.open(output, "r:gz") as source, tarfile.open(changed, "w:gz") as copy:
        for member in source:
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "home/node.json":
                data = data.replace(b'"vpcp"', b'"evil"')
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    with pytest.raises(NodeError) as caught:
        restore_home(changed, target, passphrase=PASSPHRASE, at=NOW)
    assert _code(caught) == "node-restore-manifest-mismatch"
    assert caught.value.message.params["members"] == "home/node.json"  # type: ignore[union-attr]
    assert list(target.iterdir()) == []


def test_a_postgresql_node_is_dumped_and_restored_into_its_emptied_schema(tmp_path: Path) -> None:
    """The database part of a PostgreSQL node is a ``pg_dump`` (one snapshot of its own); a
    restore on the machine that replaces it goes into the schema made empty again."""
    schema = f"lt_{secrets.token_hex(6)}"
    url = _postgres_schema_url(schema)
    with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=10) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            path = init_node(tmp_path)
            settings = json.loads((path / "node.json").read_text())
            settings["database"] = url
            (path / "node.json").write_text(json.dumps(settings))
            home = NodeHome.load(path)
            with home.open_database() as database:
                migrate(database)
                with NodeStore.begin(database) as store:
                    store.log(LogKind.PACKAGE_OUT, at=NOW, message_id="a" * 64, document_id="pg-1", party="x")
            manifest = backup_home(home, tmp_path / "pg.backup", at=NOW, passphrase=None)
            assert manifest.database == "postgresql" and manifest.log_seq == 1
            assert "database/node.pgdump" in _members(tmp_path / "pg.backup")

            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')  # the database is lost...
            admin.execute(f'CREATE SCHEMA "{schema}"')  # ...and made again, empty
            restore_home(
                tmp_path / "pg.backup", tmp_path / "again", passphrase=None, database_url=url, at=NOW
            )
            restored = NodeHome.load(tmp_path / "again")
            assert restored.database_url == url
            with restored.open_database() as database, NodeStore.begin(database, write=False) as store:
                assert store.log_head() == (1, manifest.log_hash)
        finally:
            admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_node_resync_marks_a_home_whose_database_another_tool_restored_at_the_head_it_holds(
    populated: Populated,
) -> None:
    """After pgBackRest restored the database to a point (``bench/pitr_run.py`` runs it all),
    the point is the log head found there: peers resend what they delivered after its entry."""
    home, _named, _stray = populated
    marker_path = home.home / "restored.json"
    try:
        done = lienthong("node", "resync", "--home", str(home.home))
        assert done.returncode == 0, done.stderr
        with home.open_database() as database, NodeStore.begin(database, write=False) as store:
            seq, entry_hash = store.log_head()
            (entry,) = store.log_entries(first=seq, last=seq)
        marker = load_marker(marker_path)
        assert marker is not None and marker.node == "vpcp"
        assert (marker.log_seq, marker.log_hash) == (seq, entry_hash)
        assert marker.backup_at == entry.record.at and marker.completed_at is None
        assert json.loads(done.stdout)["log_head"] == {"seq": seq, "hash": entry_hash}
    finally:
        marker_path.unlink(missing_ok=True)
