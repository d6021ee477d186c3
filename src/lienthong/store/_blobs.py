"""``BlobStore``: files named by the SHA-256 of their bytes, written and read as streams.

A put streams into a temporary file in the store's own directory (so the final rename stays on
one file system and is atomic), hashing as it goes; the file is fsynced, renamed to its digest
and the directory fsynced, so after ``put`` returns the blob survives a crash, and a reader
never sees a half-written blob. Putting the same bytes twice keeps the first file.

``BlobBatch`` does the same for several blobs at once (``put`` is a batch of one): all files
are written first, then fsynced side by side, renamed, and each directory touched fsynced once,
so the file system commits its journal for the batch rather than twice per blob.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

from lienthong._i18n import tr
from lienthong.store._errors import BlobCorrupt, BlobNotFound

#: Bytes read or written at a time: enough to keep syscalls rare, small enough never to matter.
CHUNK: Final = 1 << 16

_DIGEST = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class BlobRef:
    """A stored blob: its SHA-256 digest (lower-case hex) and its size in bytes."""

    sha256: str
    size: int


class BlobStore:
    """Blobs under ``root``: ``root/ab/cd/abcd…`` (two levels keep directories small)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._tmp = self.root / "tmp"
        self._tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        """Where the blob with this digest lives (whether or not it exists)."""
        digest = _checked(sha256)
        return self.root / digest[:2] / digest[2:4] / digest

    def __contains__(self, sha256: object) -> bool:
        if not isinstance(sha256, str) or _DIGEST.fullmatch(sha256) is None:
            return False
        return self.path(sha256).is_file()

    def batch(self) -> contextlib.AbstractContextManager[BlobBatch]:
        """Blobs stored together: staged in the block, durable when it ends (see ``BlobBatch``)."""
        return _batch(self)

    def put(self, source: BinaryIO | Iterable[bytes], *, expected_sha256: str | None = None) -> BlobRef:
        """Store the bytes of a binary stream or an iterable of chunks; never whole in memory.

        With ``expected_sha256``, bytes that hash otherwise raise ``BlobCorrupt`` and nothing is
        stored.
        """
        with self.batch() as batch:
            return batch.put(source, expected_sha256=expected_sha256)

    def put_bytes(self, data: bytes) -> BlobRef:
        return self.put([data])

    @property
    def temporary(self) -> Path:
        """Where files bound for the store are written first (same file system: ``adopt``
        renames them in)."""
        return self._tmp

    def adopt(self, path: Path, *, sha256: str) -> BlobRef:
        """Move the file at ``path`` (under ``temporary``, its digest computed as it was written)
        into the store without copying it; the file is gone afterwards either way."""
        with self.batch() as batch:
            return batch.adopt(path, sha256=sha256)

    def open(self, sha256: str) -> BinaryIO:
        """The blob as a binary stream; close it (use ``with``). Raises ``BlobNotFound``."""
        try:
            return self.path(sha256).open("rb")
        except FileNotFoundError as exc:
            raise BlobNotFound(tr(f"không có blob {sha256}.", f"no blob {sha256}."), digest=sha256) from exc

    def read_verified(self, sha256: str) -> Iterable[bytes]:
        """The blob in chunks, checked against its name at the end; raises ``BlobCorrupt``."""
        hasher = hashlib.sha256()
        with self.open(sha256) as stream:
            while chunk := stream.read(CHUNK):
                hasher.update(chunk)
                yield chunk
        if hasher.hexdigest() != sha256:
            raise BlobCorrupt(
                tr(f"blob {sha256} đã bị hỏng trên đĩa.", f"the blob {sha256} is corrupt on disk."),
                expected=sha256,
                actual=hasher.hexdigest(),
            )

    def size(self, sha256: str) -> int:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError as exc:
            raise BlobNotFound(tr(f"không có blob {sha256}.", f"no blob {sha256}."), digest=sha256) from exc


class BlobBatch:
    """Blobs made durable together. ``put`` and ``adopt`` stage a blob (written, not yet
    synced) and answer its reference; when the ``BlobStore.batch()`` block ends every staged
    file is fsynced, renamed to its digest and each directory touched fsynced once, so all are
    on disk when the block returns; an error in the block removes what was staged."""

    def __init__(self, store: BlobStore) -> None:
        self._store = store
        self._staged: list[tuple[Path, BlobRef]] = []

    def put(self, source: BinaryIO | Iterable[bytes], *, expected_sha256: str | None = None) -> BlobRef:
        """Stage the bytes of a stream or of chunks; ``BlobCorrupt`` (nothing staged) when they
        do not hash to ``expected_sha256``."""
        hasher = hashlib.sha256()
        size = 0
        handle, temp_name = tempfile.mkstemp(dir=self._store.temporary, prefix="put-")
        temp = Path(temp_name)
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in _chunks(source):
                    hasher.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
            digest = hasher.hexdigest()
            if expected_sha256 is not None and digest != expected_sha256.lower():
                raise BlobCorrupt(
                    tr(
                        f"dữ liệu có SHA-256 {digest}, không phải {expected_sha256}.",
                        f"the bytes hash to {digest}, not {expected_sha256}.",
                    ),
                    expected=expected_sha256,
                    actual=digest,
                )
        except BaseException:
            _remove(temp)
            raise
        return self._stage(temp, BlobRef(digest, size))

    def adopt(self, path: Path, *, sha256: str) -> BlobRef:
        """Stage the file at ``path`` (under ``temporary``); it is moved in, or removed on error."""
        try:
            ref = BlobRef(_checked(sha256.lower()), path.stat().st_size)
        except BaseException:
            _remove(path)
            raise
        return self._stage(path, ref)

    def _stage(self, temp: Path, ref: BlobRef) -> BlobRef:
        if ref.sha256 in self._store:
            _remove(temp)  # idempotent: the same name means the same bytes
        else:
            self._staged.append((temp, ref))
        return ref

    def store(self) -> None:
        """Make every staged blob durable (what ``batch()`` does when its block ends)."""
        staged, self._staged = self._staged, []
        try:
            # Synced before the rename: a crash must never leave a digest's name on other bytes.
            _each(_fsync_file, [temp for temp, _ in staged])
            directories: dict[Path, None] = {}
            for temp, ref in staged:
                final = self._store.path(ref.sha256)
                if final.is_file():
                    continue  # the same bytes staged twice, or stored meanwhile
                directories.update(dict.fromkeys(_make_directory(final.parent)))
                os.replace(temp, final)
            _each(_fsync_directory, list(directories))
        finally:
            for temp, _ in staged:
                _remove(temp)

    def discard(self) -> None:
        staged, self._staged = self._staged, []
        for temp, _ in staged:
            _remove(temp)


@contextlib.contextmanager
def _batch(store: BlobStore) -> Iterator[BlobBatch]:
    batch = BlobBatch(store)
    try:
        yield batch
    except BaseException:
        batch.discard()
        raise
    batch.store()


def _checked(sha256: str) -> str:
    # The digest becomes a path: anything but 64 hex digits could climb out of the store.
    if not _DIGEST.fullmatch(sha256):
        raise BlobNotFound(
            tr(f"'{sha256}' không phải mã SHA-256.", f"'{sha256}' is not a SHA-256 digest."),
            digest=sha256,
        )
    return sha256


def _chunks(source: BinaryIO | Iterable[bytes]) -> Iterable[bytes]:
    read = getattr(source, "read", None)
    if read is None:
        yield from source
        return
    while chunk := read(CHUNK):
        yield chunk


#: fsyncs of one batch run side by side: the file system commits them together.
_SYNCERS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="lienthong-fsync")


def _each(action: Callable[[Path], None], paths: list[Path]) -> None:
    if len(paths) == 1:
        action(paths[0])
    elif paths:
        list(_SYNCERS.map(action, paths))


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _make_directory(directory: Path) -> list[Path]:
    """Create ``directory`` if need be; the directories whose entries then need an fsync (it,
    and the parent of each directory created)."""
    missing = []
    parent = directory
    while not parent.is_dir():
        missing.append(parent)
        parent = parent.parent
    if missing:
        directory.mkdir(parents=True, exist_ok=True)
    return [directory, *(made.parent for made in missing)]


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_directory(directory: Path) -> None:
    # The rename is durable only once the directory entry is; Windows cannot open a directory.
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
