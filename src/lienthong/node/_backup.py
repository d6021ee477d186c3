"""``backup_home`` and ``restore_home``: a node's home in one file, taken while it serves.

The file is a gzip-compressed tar:

    manifest.json          written last: format, node, time, log head, SHA-256 of each member
    database/node.db       SQLite: one snapshot by SQLite's backup API (see ``snapshot_sqlite``)
    database/node.pgdump   PostgreSQL: ``pg_dump --format=custom`` (one snapshot of its own)
    home/<path>            node.json, certificates, anchor (and the anchor pinned at a key
                           switch), configuration, console users, appearance: every file of
                           the home but its database, blobs, ``run/`` and private keys
    keys/<path>            private keys, only when a passphrase is given: PKCS#8 encrypted
                           with it (``_backup_keys``)
    blobs/<sha256>         each blob the database snapshot names; its name is its SHA-256

Why blobs copied after the snapshot are the snapshot's: a blob is content-addressed and made
durable before the transaction naming it commits (``submit``, ``receive``), and nothing
rewrites a blob, so every blob the snapshot names exists when the copy starts and its bytes are
the ones named. Blobs written later are not named and not copied. A purge that removes a named
blob meanwhile (``node archive``) makes the backup fail rather than miss it.

A restore refuses a home that is not empty, checks every member against the manifest before
the home is usable, decrypts keys with the passphrase, writes files 0600 in folders 0700,
points ``node.json`` at the restored database and leaves a marker (``RESTORED``) from which the
node's first start asks its peers to resynchronise (``_resync``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO, Final

from sqlalchemy.engine import make_url

from lienthong._i18n import msg
from lienthong.node._backup_keys import decrypt_key, encrypt_key, is_private_key
from lienthong.node._errors import NodeError
from lienthong.node._home import POSTGRESQL_BLOBS, SETTINGS, NodeHome
from lienthong.store import (
    BlobStore,
    NodeStore,
    log_head_of,
    open_database,
    referenced_blobs,
    snapshot_sqlite,
    sqlite_files,
)

FORMAT: Final = "lienthong-backup"
VERSION: Final = 1
MANIFEST: Final = "manifest.json"
#: The marker a restore leaves in the home: the backup's log head and time, for the resync.
RESTORED: Final = "restored.json"
#: The environment variable a passphrase may come from (never the command line).
PASSPHRASE_ENV: Final = "LIENTHONG_BACKUP_PASSPHRASE"
#: How keys are protected in the ``keys/`` members.
KEY_PROTECTION: Final = "pkcs8-best-available-encryption"

_SQLITE_MEMBER: Final = "database/node.db"
_PG_MEMBER: Final = "database/node.pgdump"
#: Home folders a backup leaves out: the blobs go by name, ``run/`` is written at each start.
_SKIPPED: Final = frozenset({"blobs", "run"})
#: A member other than a blob is read whole when it is a key, so it is bounded.
_KEY_LIMIT: Final = 1 << 20
_CHUNK: Final = 1 << 16
_DIGEST = re.compile(r"[0-9a-f]{64}")
#: gzip level: packages are XML and compress well; past 5 the time grows and the size hardly falls.
_LEVEL: Final = 5
#: Blobs restored per batch (made durable together, see ``BlobStore.batch``).
_BLOB_BATCH: Final = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class BackupManifest:
    """What a backup holds; ``members`` maps each member but the blobs to its SHA-256 (a
    blob's name is its SHA-256)."""

    node: str
    created_at: datetime
    #: The message log's head in the backed-up database: (sequence number, entry hash).
    log_seq: int
    log_hash: str
    #: ``"sqlite"`` or ``"postgresql"``.
    database: str
    keys: bool
    members: Mapping[str, str] = field(default_factory=dict)
    blobs: int = 0
    blob_bytes: int = 0
    #: Private keys of the home left out (no passphrase given), as paths in the home.
    keys_left_out: tuple[str, ...] = ()

    def to_json(self) -> bytes:
        document = {
            "format": FORMAT,
            "version": VERSION,
            "node": self.node,
            "created_at": self.created_at.isoformat(),
            "log_head": {"seq": self.log_seq, "hash": self.log_hash},
            "database": self.database,
            "keys": KEY_PROTECTION if self.keys else None,
            "keys_left_out": list(self.keys_left_out),
            "blobs": {"count": self.blobs, "bytes": self.blob_bytes},
            "members": dict(sorted(self.members.items())),
        }
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> BackupManifest:
        try:
            document = json.loads(data)
            if document.get("format") != FORMAT or document.get("version") != VERSION:
                raise ValueError(f"{document.get('format')} {document.get('version')}")
            created = datetime.fromisoformat(document["created_at"])
            if created.tzinfo is None:
                raise ValueError("created_at without a time zone")
            return cls(
                node=str(document["node"]),
                created_at=created,
                log_seq=int(document["log_head"]["seq"]),
                log_hash=str(document["log_head"]["hash"]),
                database=str(document["database"]),
                keys=document.get("keys") == KEY_PROTECTION,
                members={str(k): str(v) for k, v in document["members"].items()},
                blobs=int(document["blobs"]["count"]),
                blob_bytes=int(document["blobs"]["bytes"]),
                keys_left_out=tuple(str(p) for p in document.get("keys_left_out", ())),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise NodeError(msg("node-backup-manifest-invalid", reason=str(exc))) from exc


# -- backup ---------------------------------------------------------------------------------


def backup_home(home: NodeHome, output: Path, *, at: datetime, passphrase: bytes | None) -> BackupManifest:
    """Write a backup of ``home`` to ``output`` (a new file, 0600) while the node serves; private
    keys are included, encrypted, only with a ``passphrase``."""
    if output.exists():
        raise NodeError(msg("node-backup-output-exists", path=str(output)))
    partial = output.with_name(output.name + ".partial")
    try:
        with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as staging:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with (
                os.fdopen(fd, "wb") as raw,
                tarfile.open(fileobj=raw, mode="w:gz", compresslevel=_LEVEL) as tar,
            ):
                manifest = _write_backup(home, tar, Path(staging), at=at, passphrase=passphrase)
                _add_bytes(tar, MANIFEST, manifest.to_json(), at=at)
                raw.flush()
                os.fsync(raw.fileno())
        os.replace(partial, output)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    return manifest


def _write_backup(
    home: NodeHome, tar: tarfile.TarFile, staging: Path, *, at: datetime, passphrase: bytes | None
) -> BackupManifest:
    members: dict[str, str] = {}
    url = home.database_url
    dialect = make_url(url).get_backend_name()
    if dialect == "sqlite":
        snapshot = staging / "node.db"
        snapshot_sqlite(url, snapshot)
        named = open_database(f"sqlite:///{snapshot}")
        member = _SQLITE_MEMBER
    else:
        named = open_database(url)
        snapshot = staging / "node.pgdump"
        member = _PG_MEMBER
    try:
        # On PostgreSQL the head is read before the dump: the dump holds at least that much, and
        # asking peers to resend from an earlier point only repeats what the inbox ignores.
        log_seq, log_hash = log_head_of(named)
        if dialect != "sqlite":
            _pg_dump(url, snapshot)
        # Blobs kept in the database are in its dump already.
        digests = [] if home.blob_backend == POSTGRESQL_BLOBS else referenced_blobs(named)
    finally:
        named.close()
    members[member] = _add_file(tar, member, snapshot, at=at)
    left_out: list[str] = []
    for path in _home_files(home):
        relative = path.relative_to(home.home).as_posix()
        data_is_key = path.stat().st_size <= _KEY_LIMIT and is_private_key(path.read_bytes())
        if not data_is_key:
            members[f"home/{relative}"] = _add_file(tar, f"home/{relative}", path, at=at)
        elif passphrase is None:
            left_out.append(relative)
        else:
            sealed = encrypt_key(path.read_bytes(), passphrase, name=relative)
            members[f"keys/{relative}"] = _add_bytes(tar, f"keys/{relative}", sealed, at=at)
    blobs = BlobStore(home.home / "blobs")  # a filesystem node's (the database holds the others')
    total = 0
    for digest in digests:
        total += _add_blob(tar, blobs, digest, at=at)
    return BackupManifest(
        node=home.name,
        created_at=at,
        log_seq=log_seq,
        log_hash=log_hash,
        database=dialect,
        keys=passphrase is not None,
        members=members,
        blobs=len(digests),
        blob_bytes=total,
        keys_left_out=tuple(left_out),
    )


def _home_files(home: NodeHome) -> Iterator[Path]:
    """The home's regular files a backup carries (database, blobs and ``run/`` aside; those
    folders are not even walked: the blob store holds a file per package)."""
    database = {p.resolve() for p in sqlite_files(home.database_url)}
    for folder, folders, files in os.walk(home.home):
        here = Path(folder)
        top = here == home.home
        # A backup written into the home leaves its own staging folder and partial file aside.
        folders[:] = sorted(
            n for n in folders if not n.startswith(".backup-") and not (top and n in _SKIPPED)
        )
        for name in sorted(files):
            path = here / name
            if (
                name.startswith(RESTORED)
                or name.endswith(".partial")
                or path.is_symlink()
                or not path.is_file()
            ):
                continue
            if path.resolve() not in database:
                yield path


def _pg_dump(url: str, target: Path) -> None:
    libpq, schema = _libpq(url)
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}"]
    if schema:
        command.append(f"--schema={schema}")
    _run([*command, libpq])


def _libpq(url: str) -> tuple[str, str | None]:
    """A SQLAlchemy PostgreSQL URL as libpq takes it, and the schema its ``search_path`` names."""
    parsed = make_url(url)
    options = str(parsed.query.get("options", ""))
    found = re.search(r"search_path=([A-Za-z0-9_]+)", options.replace("%3D", "="))
    plain = parsed.set(drivername="postgresql")
    return plain.render_as_string(hide_password=False), found.group(1) if found else None


def _pg_restore(dump: Path, url: str) -> None:
    """Restore a ``pg_dump`` into ``url``. A URL naming a schema (``search_path``) restores into
    that schema, made empty beforehand by the operator: the dump's own CREATE SCHEMA is left out
    (``--use-list``), its objects keep the schema's name, so it must be the one backed up."""
    libpq, schema = _libpq(url)
    command = ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={libpq}"]
    if schema:
        listing = _run(["pg_restore", "--list", str(dump)])
        kept = [line for line in listing.splitlines() if " SCHEMA - " not in line]
        chosen = dump.with_name("restore.list")
        chosen.write_text("\n".join(kept) + "\n", encoding="utf-8")
        command.append(f"--use-list={chosen}")
    _run([*command, str(dump)])


def _run(command: list[str]) -> str:
    """Run a PostgreSQL tool; its standard output (``NodeError`` with its complaint on failure)."""
    try:
        done = subprocess.run(command, capture_output=True, check=False, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise NodeError(msg("node-backup-tool-failed", tool=command[0], reason=str(exc))) from exc
    if done.returncode != 0:
        reason = " ".join(done.stderr.decode("utf-8", "replace").split())[:500]
        raise NodeError(msg("node-backup-tool-failed", tool=command[0], reason=reason))
    return done.stdout.decode("utf-8", "replace")


def _info(name: str, size: int, at: datetime) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(at.timestamp())
    return info


class _Hashing:
    """A stream read through a SHA-256."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.hasher = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.hasher.update(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, path: Path, *, at: datetime) -> str:
    with path.open("rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        hashing = _Hashing(stream)
        tar.addfile(_info(name, size, at), hashing)
    return hashing.hasher.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, *, at: datetime) -> str:
    tar.addfile(_info(name, len(data), at), io.BytesIO(data))
    return hashlib.sha256(data).hexdigest()


def _add_blob(tar: tarfile.TarFile, blobs: BlobStore, digest: str, *, at: datetime) -> int:
    size = blobs.size(digest)  # BlobNotFound: removed since the snapshot (a purge), see above
    with blobs.open(digest) as stream:
        hashing = _Hashing(stream)
        tar.addfile(_info(f"blobs/{digest}", size, at), hashing)
    if hashing.hasher.hexdigest() != digest:
        raise NodeError(msg("node-backup-blob-corrupt", digest=digest))
    return size


# -- restore --------------------------------------------------------------------------------


def restore_home(
    archive: Path, target: Path, *, passphrase: bytes | None, database_url: str | None = None, at: datetime
) -> BackupManifest:
    """Restore the backup ``archive`` into ``target`` (absent or empty); see the module text.
    A PostgreSQL backup is restored into ``database_url`` (an empty database or schema)."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise NodeError(msg("node-restore-home-not-empty", path=str(target)))
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(target, 0o700)
    try:
        return _restore(archive, target, passphrase=passphrase, database_url=database_url, at=at)
    except BaseException:
        for child in list(target.iterdir()):  # the home was empty: leave it so
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
        raise


def _restore(
    archive: Path, target: Path, *, passphrase: bytes | None, database_url: str | None, at: datetime
) -> BackupManifest:
    found: dict[str, str] = {}
    keys: dict[str, bytes] = {}
    manifest_data = b""
    blobs = BlobStore(target / "blobs")
    blob_count = 0
    with _open_archive(archive) as tar, contextlib.ExitStack() as batches:
        batch = batches.enter_context(blobs.batch())
        try:
            for info in tar:
                name = _member_name(info)
                stream = tar.extractfile(info)
                assert stream is not None  # a regular file (checked by _member_name)
                if name == MANIFEST:
                    manifest_data = _bounded(stream, name)
                elif name.startswith("blobs/"):
                    digest = name.removeprefix("blobs/")
                    batch.put(stream, expected_sha256=digest)  # BlobCorrupt if the bytes differ
                    blob_count += 1
                    if blob_count % _BLOB_BATCH == 0:
                        batches.close()
                        batch = batches.enter_context(blobs.batch())
                elif name.startswith("keys/"):
                    keys[name] = _bounded(stream, name)
                    found[name] = hashlib.sha256(keys[name]).hexdigest()
                else:
                    found[name] = _write_private(stream, target / _local(name))
        except (OSError, tarfile.TarError, EOFError) as exc:
            raise NodeError(msg("node-restore-unreadable", path=str(archive), reason=str(exc))) from exc
    manifest = BackupManifest.from_json(manifest_data or b"{}")
    if found != dict(manifest.members) or blob_count != manifest.blobs:
        differ = sorted(
            k for k in found.keys() | manifest.members.keys() if found.get(k) != manifest.members.get(k)
        )
        raise NodeError(msg("node-restore-manifest-mismatch", members=", ".join(differ[:5]) or "blobs"))
    if manifest.keys and passphrase is None:
        raise NodeError(msg("node-restore-passphrase-needed"))
    for name, sealed in keys.items():
        relative = name.removeprefix("keys/")
        assert passphrase is not None
        _write_bytes(target / relative, decrypt_key(sealed, passphrase, name=relative))
    settings_path = target / SETTINGS
    settings = json.loads(settings_path.read_text(encoding="utf-8"))
    if manifest.database == "sqlite":
        (target / _SQLITE_MEMBER).rename(target / "node.db")
        (target / "database").rmdir()
        settings["database"] = f"sqlite:///{(target / 'node.db').resolve()}"
    else:
        if database_url is None:
            raise NodeError(msg("node-restore-database-needed"))
        _pg_restore(target / _PG_MEMBER, database_url)
        shutil.rmtree(target / "database")
        settings["database"] = database_url
    _write_bytes(settings_path, (json.dumps(settings, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    write_marker(target, manifest, restored_at=at)
    _private_folders(target)
    return manifest


def _private_folders(root: Path) -> None:
    """Folders 0700 (the blob store makes its own with the process's umask; files are 0600)."""
    for folder, _folders, _files in os.walk(root):
        os.chmod(folder, 0o700)


@contextlib.contextmanager
def _open_archive(archive: Path) -> Iterator[tarfile.TarFile]:
    try:
        tar = tarfile.open(archive, mode="r:gz")  # noqa: SIM115 (closed below, errors translated)
    except (OSError, tarfile.TarError) as exc:
        raise NodeError(msg("node-restore-unreadable", path=str(archive), reason=str(exc))) from exc
    with tar:
        yield tar


def _member_name(info: tarfile.TarInfo) -> str:
    """A member's name when it is one a backup writes; anything else refuses the file."""
    name = info.name
    parts = name.split("/")
    allowed = (
        name in (MANIFEST, _SQLITE_MEMBER, _PG_MEMBER)
        or (parts[0] == "blobs" and len(parts) == 2 and _DIGEST.fullmatch(parts[1]) is not None)
        or (parts[0] in ("home", "keys") and len(parts) > 1)
    )
    if not info.isreg() or not allowed or any(p in ("", ".", "..") for p in parts) or name.startswith("/"):
        raise NodeError(msg("node-restore-member-refused", member=name))
    return name


def _local(name: str) -> str:
    return name.removeprefix("home/")


def _bounded(stream: IO[bytes], name: str) -> bytes:
    data = stream.read(_KEY_LIMIT * 16 + 1)
    if len(data) > _KEY_LIMIT * 16:
        raise NodeError(msg("node-restore-member-refused", member=name))
    return data


def _private_dirs(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)


def _write_private(stream: IO[bytes] | BinaryIO, path: Path) -> str:
    """Write a member to a new file 0600 (folders 0700); its SHA-256."""
    _private_dirs(path)
    hasher = hashlib.sha256()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := stream.read(_CHUNK):
            hasher.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return hasher.hexdigest()


def _write_bytes(path: Path, data: bytes) -> None:
    _private_dirs(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


# -- the marker -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class RestoreMarker:
    """A restored home's pending resynchronisation: what the backup held and when."""

    node: str
    backup_at: datetime
    log_seq: int
    log_hash: str
    restored_at: datetime
    #: Peers that answered every page of the resync (the resync is done when all have).
    peers_done: tuple[str, ...] = ()
    #: The documents recovered from peers' answers (DocumentIds, sender's own).
    recovered: tuple[str, ...] = ()
    #: When every peer had answered: the documents accepted after ``backup_at`` and not in
    #: ``recovered`` are unaccounted for, and the software sends them again.
    completed_at: datetime | None = None

    def to_json(self) -> bytes:
        document: dict[str, Any] = {
            "node": self.node,
            "backup_at": self.backup_at.isoformat(),
            "log_head": {"seq": self.log_seq, "hash": self.log_hash},
            "restored_at": self.restored_at.isoformat(),
            "peers_done": list(self.peers_done),
            "recovered": list(self.recovered),
            "completed_at": None if self.completed_at is None else self.completed_at.isoformat(),
        }
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_marker(home: Path, manifest: BackupManifest, *, restored_at: datetime) -> RestoreMarker:
    marker = RestoreMarker(
        node=manifest.node,
        backup_at=manifest.created_at,
        log_seq=manifest.log_seq,
        log_hash=manifest.log_hash,
        restored_at=restored_at,
    )
    save_marker(home / RESTORED, marker)
    return marker


#: The point of a home marked restored whose database holds no log entry: peers resend all.
_BEGINNING: Final = datetime(1970, 1, 1, tzinfo=UTC)


def mark_restored(home: NodeHome, *, at: datetime) -> RestoreMarker:
    """Mark ``home`` restored when another tool restored its database (pgBackRest to a restore
    point or a time, a volume snapshot): the point is the log head that database holds, and
    peers resend what they delivered after that entry's time. Run while the node is stopped,
    before it starts on the restored database; a pending resync's marker is replaced (its
    point was an older database's)."""
    database = open_database(home.database_url)
    try:
        with NodeStore.begin(database, write=False) as store:
            seq, entry_hash = store.log_head()
            entries = store.log_entries(first=seq, last=seq) if seq else []
    finally:
        database.close()
    marker = RestoreMarker(
        node=home.name,
        backup_at=entries[0].record.at.astimezone(UTC) if entries else _BEGINNING,
        log_seq=seq,
        log_hash=entry_hash,
        restored_at=at,
    )
    save_marker(home.home / RESTORED, marker)
    return marker


def save_marker(path: Path, marker: RestoreMarker) -> None:
    """Replace the marker atomically (a crash leaves the old one or the new one)."""
    temporary = path.with_name(path.name + ".new")
    _write_bytes(temporary, marker.to_json())
    os.replace(temporary, path)


def load_marker(path: Path) -> RestoreMarker | None:
    """The marker at ``path`` (HOME/restored.json); None when the home was never restored."""
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise NodeError(msg("node-home-invalid", path=str(path.parent), reason=str(exc))) from exc
    return RestoreMarker(
        node=str(document["node"]),
        backup_at=datetime.fromisoformat(document["backup_at"]).astimezone(UTC),
        log_seq=int(document["log_head"]["seq"]),
        log_hash=str(document["log_head"]["hash"]),
        restored_at=datetime.fromisoformat(document["restored_at"]).astimezone(UTC),
        peers_done=tuple(document.get("peers_done", ())),
        recovered=tuple(document.get("recovered", ())),
        completed_at=(
            datetime.fromisoformat(document["completed_at"]).astimezone(UTC)
            if document.get("completed_at")
            else None
        ),
    )
