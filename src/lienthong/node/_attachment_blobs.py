"""``BlobSink``: a package's attachments decoded straight into the blob store.

For serving an attachment of a large package: the streaming parser decodes each attachment
into a file beside the store, which is then renamed to its digest (``BlobStore.adopt``), so the
attachment is served as a plain file and never held in memory. Only packages already accepted
are decoded this way (when an attachment is asked for): a refused package leaves nothing.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from lienthong.edxml import AttachmentContent, ContentWriter, FileContent
from lienthong.store import BlobStore


class _BlobWriter:
    def __init__(self, blobs: BlobStore) -> None:
        self._blobs = blobs
        handle, name = tempfile.mkstemp(dir=blobs.temporary, prefix="attachment-")
        self._file = os.fdopen(handle, "wb")
        self._path = Path(name)

    def write(self, data: bytes, /) -> None:
        self._file.write(data)

    def finish(self, *, size: int, sha256: str) -> AttachmentContent:
        self._file.close()
        self._blobs.adopt(self._path, sha256=sha256)
        return FileContent(self._blobs.path(sha256), size=size, sha256=sha256)

    def abort(self) -> None:
        self._file.close()
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()


class BlobSink:
    """Each attachment into ``blobs``, named by the digest of its decoded bytes."""

    def __init__(self, blobs: BlobStore) -> None:
        self._blobs = blobs

    def begin(self) -> ContentWriter:
        return _BlobWriter(self._blobs)
