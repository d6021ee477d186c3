"""ORM rows of the blobs kept in the database (``DatabaseBlobStore``): one row per blob, its
bytes in chunks of a quarter MiB (bytea on PostgreSQL), so that no statement carries a whole blob.

A blob is written under its row's ``id`` with ``sha256`` empty, then named by its digest in the
transaction that ends its batch: a reader only ever finds named, complete blobs.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from lienthong.store._rows import Base


class BlobObjectRow(Base):
    __tablename__ = "blob_objects"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    #: Lower-case hex SHA-256 of the bytes; NULL while the blob is being written.
    sha256: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    chunks: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class BlobChunkRow(Base):
    __tablename__ = "blob_chunks"

    object_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("blob_objects.id", ondelete="CASCADE"),
        primary_key=True,
    )
    #: 0, 1, 2… in order.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
