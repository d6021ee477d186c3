"""``BlobStore``: files named by the SHA-256 of their bytes, written and read as streams.

A put streams into a temporary file in the store's own directory (so the final rename stays on
one file system and is atomic), hashing as it goes; the file is fsynced, renamed to its digest
and the directory fsynced, so after ``put`` returns the blob survives a crash, and a reader
never sees a half-written blob. Putting the same bytes twice keeps the first file.

``BlobBatch`` does the same for several blobs at once (``put`` is a batch of one): all files
are written first, then fsynced side by side, renamed, and each directory touched fsynced once,
so the file system commits its journal for the batch rather than twice per blob.

Every delivered document passes through here twice, so the hot path is lean: a written file
keeps its descriptor open until its fsync (up to ``_OPEN_LIMIT`` per batch, so a big batch
cannot run out of descriptors), paths are plain strings, and the store remembers which leaf
directories it has seen so that it does not stat them again (a directory removed behind its
back is made again when the rename finds it missing).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final, Protocol, TypeVar

from lienthong._i18n import msg
from lienthong.store._errors import BlobCorrupt, BlobNotFound

#: Bytes read or written at a time: enough to keep syscalls rare, small enough never to matter.
CHUNK: Final = 1 << 16

_DIGEST = re.compile(r"[0-9a-f]{64}")
_HEX = re.compile(r"[0-9a-f]+")

#: Descriptors a batch keeps open from write to fsync; past this, files are closed after their
#: write and opened again for the fsync (a batch of thousands must not exhaust the process).
_OPEN_LIMIT: Final = 64

#: fsyncs of one batch run side by side (at most this many at once): the file system commits
#: them together.
_SIDE_BY_SIDE: Final = 8

_CREATE: Final = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
)
_READ: Final = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
_READ_DIRECTORY: Final = _READ | getattr(os, "O_DIRECTORY", 0)

_Item = TypeVar("_Item")


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
        self._root_name = os.fspath(self.root)
        self._tmp_name = os.fspath(self._tmp)
        # One byte per leaf directory (65,536 of them): set once the directory is known to exist.
        self._known_leaves = bytearray(1 << 16)
        self._temp_names = _TempNames()

    def path(self, sha256: str) -> Path:
        """Where the blob with this digest lives (whether or not it exists)."""
        return Path(self._path_name(checked_digest(sha256)))

    def _path_name(self, digest: str) -> str:
        return f"{self._leaf_name(digest)}/{digest}"

    def _leaf_name(self, digest: str) -> str:
        return f"{self._root_name}/{digest[:2]}/{digest[2:4]}"

    def __contains__(self, sha256: object) -> bool:
        if not isinstance(sha256, str) or _DIGEST.fullmatch(sha256) is None:
            return False
        return os.path.isfile(self._path_name(sha256))

    def batch(self) -> contextlib.AbstractContextManager[BlobBatch]:
        """Blobs stored together: staged in the block, durable when it ends (see ``BlobBatch``)."""
        return staged(BlobBatch(self))

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
            raise BlobNotFound(msg("store-blob-not-found", digest=sha256), digest=sha256) from exc

    def read_verified(self, sha256: str) -> Iterable[bytes]:
        """The blob in chunks, checked against its name at the end; raises ``BlobCorrupt``."""
        return verified_chunks(self.open, sha256)

    def size(self, sha256: str) -> int:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError as exc:
            raise BlobNotFound(msg("store-blob-not-found", digest=sha256), digest=sha256) from exc

    def delete(self, sha256: str) -> bool:
        """Remove the blob (True) or find it absent already (False); see ``delete_many``."""
        return self.delete_many([sha256]) == 1

    def delete_many(self, digests: Iterable[str]) -> int:
        """Remove these blobs; how many were there. Deleting one already gone is no error, so a
        purge killed half-way runs again. Each directory touched is fsynced once: a deleted blob
        stays deleted after a crash. The caller knows nothing refers to them any more."""
        removed = 0
        touched: set[str] = set()
        for digest in dict.fromkeys(digests):
            path = self._path_name(checked_digest(digest))
            try:
                os.unlink(path)
            except FileNotFoundError:
                continue
            removed += 1
            touched.add(os.path.dirname(path))
        for directory in sorted(touched):
            _fsync_directory(directory)
        return removed

    def digests(self) -> Iterator[str]:
        """Every stored blob's digest, ascending, one leaf directory listed at a time."""
        for first in _listed(self._root_name, 2):
            for second in _listed(f"{self._root_name}/{first}", 2):
                prefix = first + second
                for name in _listed(f"{self._root_name}/{first}/{second}", 64):
                    if name.startswith(prefix):
                        yield name

    def _move_in(self, temp: str, digest: str) -> list[str]:
        """Rename ``temp`` to the blob's name (or remove it: a blob has the name already); the
        directories whose entries then need an fsync."""
        final = self._path_name(digest)
        if os.path.isfile(final):
            _remove(temp)  # the same bytes stored meanwhile: keep the first file
            return []
        leaf = int(digest[:4], 16)
        if self._known_leaves[leaf]:
            try:
                os.replace(temp, final)
            except FileNotFoundError:
                if not os.path.exists(temp):
                    raise
                # The directory went away behind the store's back: make it again below.
                self._known_leaves[leaf] = 0
            else:
                return [self._leaf_name(digest)]
        touched = _make_directory(self._leaf_name(digest))
        os.replace(temp, final)
        self._known_leaves[leaf] = 1
        return touched


class _TempNames:
    """Fresh names under ``tmp``: pid, a random token and a counter, cheaper than ``mkstemp``
    (``O_EXCL`` still refuses a name in use, and a clash draws a new token)."""

    def __init__(self) -> None:
        self._token = os.urandom(6).hex()
        self._counter = itertools.count()

    def create(self, directory: str) -> tuple[int, str]:
        for _ in range(100):
            name = f"{directory}/put-{os.getpid()}-{self._token}-{next(self._counter)}"
            try:
                return os.open(name, _CREATE, 0o600), name
            except FileExistsError:
                self._token = os.urandom(6).hex()  # e.g. a forked copy of this store
        raise FileExistsError(directory)


@dataclass(slots=True)
class _Staged:
    temp: str
    sha256: str
    #: The temporary file's open descriptor, or -1 once closed (opened again for the fsync).
    fd: int


class BlobBatch:
    """Blobs made durable together. ``put`` and ``adopt`` stage a blob (written, not yet
    synced) and answer its reference; when the ``BlobStore.batch()`` block ends every staged
    file is fsynced, renamed to its digest and each directory touched fsynced once, so all are
    on disk when the block returns; an error in the block removes what was staged."""

    def __init__(self, store: BlobStore) -> None:
        self._store = store
        self._staged: dict[str, _Staged] = {}
        self._open = 0

    def put(self, source: BinaryIO | Iterable[bytes], *, expected_sha256: str | None = None) -> BlobRef:
        """Stage the bytes of a stream or of chunks; ``BlobCorrupt`` (nothing staged) when they
        do not hash to ``expected_sha256``."""
        store = self._store
        fd, temp = store._temp_names.create(store._tmp_name)
        try:
            digest, size = _write(fd, source)
            if expected_sha256 is not None and digest != expected_sha256.lower():
                raise BlobCorrupt(
                    msg("store-blob-digest-mismatch", actual=digest, expected=expected_sha256),
                    expected=expected_sha256,
                    actual=digest,
                )
            if self._open >= _OPEN_LIMIT:
                os.close(fd)
                fd = -1
        except BaseException:
            if fd >= 0:
                os.close(fd)
            _remove(temp)
            raise
        return self._stage(_Staged(temp, digest, fd), size)

    def adopt(self, path: Path, *, sha256: str) -> BlobRef:
        """Stage the file at ``path`` (under ``temporary``); it is moved in, or removed on error."""
        try:
            digest = checked_digest(sha256.lower())
            size = path.stat().st_size
        except BaseException:
            _remove(os.fspath(path))
            raise
        return self._stage(_Staged(os.fspath(path), digest, -1), size)

    def _stage(self, staged: _Staged, size: int) -> BlobRef:
        # Whether the store has the blob already is asked once, just before the rename.
        if staged.sha256 in self._staged:
            _release(staged)  # the same name means the same bytes: the first copy will do
        else:
            self._staged[staged.sha256] = staged
            self._open += staged.fd >= 0
        return BlobRef(staged.sha256, size)

    def store(self) -> None:
        """Make every staged blob durable (what ``batch()`` does when its block ends)."""
        staged, self._staged, self._open = list(self._staged.values()), {}, 0
        store = self._store
        moved = 0  # staged[:moved] are in the store: their temporary files are gone
        try:
            # Synced before the rename: a crash must never leave a digest's name on other bytes.
            try:
                _each(_fsync_file, staged)
            finally:
                for each in staged:
                    _close(each)
            directories: dict[str, None] = {}
            for each in staged:
                directories.update(dict.fromkeys(store._move_in(each.temp, each.sha256)))
                moved += 1
            _each(_fsync_directory, list(directories))
        finally:
            for each in staged[moved:]:
                _release(each)

    def discard(self) -> None:
        staged, self._staged, self._open = list(self._staged.values()), {}, 0
        for each in staged:
            _release(each)


class _Storable(Protocol):
    def discard(self) -> None: ...
    def store(self) -> None: ...


_Batch = TypeVar("_Batch", bound=_Storable)


@contextlib.contextmanager
def staged(batch: _Batch) -> Iterator[_Batch]:
    """``batch`` for a block: stored when the block ends, discarded if it raises (both stores'
    ``batch()``)."""
    try:
        yield batch
    except BaseException:
        batch.discard()
        raise
    batch.store()


def verified_chunks(open_blob: Callable[[str], BinaryIO], sha256: str) -> Iterator[bytes]:
    """The blob ``open_blob`` opens, in chunks, checked against ``sha256`` at the end (raises
    ``BlobCorrupt``): how every store reads a blob it vouches for."""
    hasher = hashlib.sha256()
    with open_blob(sha256) as stream:
        while chunk := stream.read(CHUNK):
            hasher.update(chunk)
            yield chunk
    if hasher.hexdigest() != sha256:
        raise BlobCorrupt(
            msg("store-blob-corrupt", digest=sha256),
            expected=sha256,
            actual=hasher.hexdigest(),
        )


def _listed(directory: str, length: int) -> list[str]:
    """Names in ``directory`` of ``length`` lower-case hex digits, sorted (none if it is gone)."""
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(name for name in names if len(name) == length and _HEX.fullmatch(name))


def checked_digest(sha256: str) -> str:
    # The digest becomes a path: anything but 64 hex digits could climb out of the store.
    if not _DIGEST.fullmatch(sha256):
        raise BlobNotFound(
            msg("store-blob-digest-invalid", digest=sha256),
            digest=sha256,
        )
    return sha256


def _write(fd: int, source: BinaryIO | Iterable[bytes]) -> tuple[str, int]:
    """Write the source's bytes to ``fd``: their SHA-256 and their size. Small chunks are
    gathered to ``CHUNK`` so that a trickle of them does not cost a syscall each."""
    hasher = hashlib.sha256()
    size = 0
    pending = bytearray()
    for chunk in source_chunks(source):
        hasher.update(chunk)
        size += len(chunk)
        if pending or len(chunk) < CHUNK:
            pending += chunk
            if len(pending) >= CHUNK:
                _write_all(fd, pending)
                pending.clear()
        else:
            _write_all(fd, chunk)
    if pending:
        _write_all(fd, pending)
    return hasher.hexdigest(), size


def _write_all(fd: int, data: bytes | bytearray) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def source_chunks(source: BinaryIO | Iterable[bytes]) -> Iterable[bytes]:
    read = getattr(source, "read", None)
    if read is None:
        yield from source
        return
    while chunk := read(CHUNK):
        yield chunk


_SYNCERS = ThreadPoolExecutor(max_workers=_SIDE_BY_SIDE - 1, thread_name_prefix="lienthong-fsync")


def _each(action: Callable[[_Item], None], items: Sequence[_Item]) -> None:
    """``action`` on every item, up to ``_SIDE_BY_SIDE`` at once: the items are dealt into
    that many runs, all but one in the pool and one here, so a batch costs a few hand-offs
    rather than one per item. Every item is attempted; the first error is raised."""
    runs = [items[start::_SIDE_BY_SIDE] for start in range(min(_SIDE_BY_SIDE, len(items)))]
    if not runs:
        return
    pending: list[Future[None]] = [_SYNCERS.submit(_run, action, run) for run in runs[1:]]
    try:
        _run(action, runs[0])
    finally:
        for future in pending:
            future.exception()  # wait for every run before anything is closed or removed
    for future in pending:
        future.result()


def _run(action: Callable[[_Item], None], items: Iterable[_Item]) -> None:
    failure: BaseException | None = None
    for item in items:
        try:
            action(item)
        except BaseException as exc:  # raised below, once the other items have had their turn
            failure = failure or exc
    if failure is not None:
        raise failure


def _close(staged: _Staged) -> None:
    if staged.fd >= 0:
        fd, staged.fd = staged.fd, -1
        os.close(fd)


def _release(staged: _Staged) -> None:
    """Close the temporary file and remove it (gone already once it has been renamed)."""
    try:
        _close(staged)
    finally:
        _remove(staged.temp)


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _make_directory(directory: str) -> list[str]:
    """Create ``directory`` if need be; the directories whose entries then need an fsync (it,
    and the parent of each directory created). Trying ``mkdir`` first costs one call where a
    look before it would cost several."""
    parent = os.path.dirname(directory)
    try:
        os.mkdir(directory)
    except FileExistsError:
        return [directory]
    except FileNotFoundError:
        if parent == directory:
            raise
        made = _make_directory(parent)  # the parent and whatever it took to make it
        with contextlib.suppress(FileExistsError):  # made meanwhile by another batch
            os.mkdir(directory)
        return [directory, *made]
    return [directory, parent]


def _fsync_file(staged: _Staged) -> None:
    if staged.fd >= 0:
        os.fsync(staged.fd)
        return
    fd = os.open(staged.temp, _READ)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_directory(directory: str) -> None:
    # The rename is durable only once the directory entry is; Windows cannot open a directory.
    if os.name != "posix":
        return
    fd = os.open(directory, _READ_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
