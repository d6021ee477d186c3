"""``BlobSink``: a package's attachments decoded straight into the blob store.

For serving an attachment of a large package: the streaming parser decodes each attachment
into a file beside the store, which the store then takes in under its digest (``adopt``: a
rename on the file system, a streamed copy into the database), so the attachment is served from
the store as a stream and never held in memory. Only packages already accepted
are decoded this way (when an attachment is asked for): a refused package leaves nothing.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from lienthong.edxml import AttachmentContent, ContentWriter
from lienthong.store import BlobStorage


class StoredContent(AttachmentContent):
    """An attachment kept in the blob store, read from it when asked for."""

    __slots__ = ("_blobs",)

    def __init__(self, blobs: BlobStorage, *, size: int, sha256: str) -> None:
        super().__init__(size=size, sha256=sha256)
        self._blobs = blobs

    def open(self) -> BinaryIO:
        return self._blobs.open(self.sha256)

    @property
    def retained(self) -> bool:
        return True


class _BlobWriter:
    def __init__(self, blobs: BlobStorage) -> None:
        self._blobs = blobs
        handle, name = tempfile.mkstemp(dir=blobs.temporary, prefix="attachment-")
        self._file = os.fdopen(handle, "wb")
        self._path = Path(name)

    def write(self, data: bytes, /) -> None:
        self._file.write(data)

    def finish(self, *, size: int, sha256: str) -> AttachmentContent:
        self._file.close()
        self._blobs.adopt(self._path, sha256=sha256)
        return StoredContent(self._blobs, size=size, sha256=sha256)

    def abort(self) -> None:
        self._file.close()
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()


class BlobSink:
    """Each attachment into ``blobs``, named by the digest of its decoded bytes."""

    def __init__(self, blobs: BlobStorage) -> None:
        self._blobs = blobs

    def begin(self) -> ContentWriter:
        return _BlobWriter(self._blobs)
