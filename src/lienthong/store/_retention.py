"""``RetentionStore``: how long a node keeps documents, which it must keep regardless, and which
it has archived and purged.

Three small tables: retention policies (per agency and document type: days after the last
status, or ``None``: forever), legal holds (a document that is never purged while held), and
the archive ledger (a document archived, with its archive's digest, then purged). The ledger is
what makes a purge resumable: a row without ``purged_at`` is a document whose archive is written
and verified and whose payloads may still be on disk. A document is named by its message id
(``node._ids.document_message_id``: sender and DocumentId).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Final, cast

from sqlalchemy import Integer, String, Table, Text, UniqueConstraint, delete, func, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from lienthong.store._database import Database
from lienthong.store._document_index_rows import DocumentIndexRow
from lienthong.store._node_rows import DIGEST, STATE, OutboxRow, StatusRow
from lienthong.store._rows import CODE_LENGTH, Base, UtcDateTime

#: The policy key meaning "any agency" or "any document type".
ANY: Final = "*"


class RetentionPolicyRow(Base):
    """How long one agency's documents of one type are kept (``days`` NULL: forever)."""

    __tablename__ = "node_retention_policies"
    __table_args__ = (UniqueConstraint("agency", "document_type", name="uq_node_retention_policies_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    document_type: Mapped[str] = mapped_column(Text, nullable=False)
    days: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class LegalHoldRow(Base):
    """A document under legal hold: never purged until released."""

    __tablename__ = "node_legal_holds"

    message_id: Mapped[str] = mapped_column(String(DIGEST), primary_key=True)
    document_id: Mapped[str] = mapped_column(Text, nullable=False)
    sender: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class ArchivedRow(Base):
    """A document written to an archive (verified), and purged once ``purged_at`` is set."""

    __tablename__ = "node_archived"

    message_id: Mapped[str] = mapped_column(String(DIGEST), primary_key=True)
    document_id: Mapped[str] = mapped_column(Text, nullable=False)
    sender: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    #: The archive file, as written (absolute path), and the SHA-256 of its bytes.
    archive: Mapped[str] = mapped_column(Text, nullable=False)
    archive_sha256: Mapped[str] = mapped_column(String(DIGEST), nullable=False)
    archived_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: ``archived`` or ``purged``: what a list shows without reading two columns.
    state: Mapped[str] = mapped_column(String(STATE), nullable=False)


_POLICIES = cast(Table, RetentionPolicyRow.__table__)
_HOLDS = cast(Table, LegalHoldRow.__table__)
_ARCHIVED = cast(Table, ArchivedRow.__table__)
_INDEX = cast(Table, DocumentIndexRow.__table__)
_STATUSES = cast(Table, StatusRow.__table__)
_OUT = cast(Table, OutboxRow.__table__)


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """Documents of ``agency`` (or ``ANY``) of ``document_type`` (or ``ANY``) are kept ``days``
    after their last status; ``days`` None: kept forever."""

    agency: str
    document_type: str
    days: int | None


@dataclass(frozen=True, slots=True)
class LegalHold:
    message_id: str
    document_id: str
    sender: str
    reason: str
    actor: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Archived:
    message_id: str
    document_id: str
    sender: str
    archive: str
    archive_sha256: str
    archived_at: datetime
    purged_at: datetime | None


@dataclass(frozen=True, slots=True)
class HeldDocument:
    """One document as retention sees it: who holds it here, its type, when it last changed."""

    message_id: str
    document_id: str
    sender: str
    #: The agencies served here the document belongs to (its sender, or its recipients here).
    agencies: tuple[str, ...]
    document_type: str
    #: The later of its arrival (or submission) and its last status recorded here.
    last_activity: datetime
    #: Every delivery of it from here has ended (delivered, refused or given up).
    settled: bool


class RetentionStore:
    """Policies, holds and the archive ledger in one transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @classmethod
    @contextlib.contextmanager
    def begin(cls, database: Database) -> Iterator[RetentionStore]:
        with database.transaction() as session:
            yield cls(session)

    # Policies

    def set_policy(self, policy: RetentionPolicy, *, at: datetime) -> None:
        key = (_POLICIES.c.agency == policy.agency) & (_POLICIES.c.document_type == policy.document_type)
        self._session.execute(delete(_POLICIES).where(key))
        self._session.execute(
            insert(_POLICIES).values(
                agency=policy.agency, document_type=policy.document_type, days=policy.days, updated_at=at
            )
        )

    def remove_policy(self, agency: str, document_type: str) -> bool:
        key = (_POLICIES.c.agency == agency) & (_POLICIES.c.document_type == document_type)
        return bool(getattr(self._session.execute(delete(_POLICIES).where(key)), "rowcount", 0))

    def policies(self) -> list[RetentionPolicy]:
        query = select(_POLICIES).order_by(_POLICIES.c.agency, _POLICIES.c.document_type)
        return [RetentionPolicy(r.agency, r.document_type, r.days) for r in self._session.execute(query)]

    # Holds

    def hold(self, hold: LegalHold) -> None:
        self._session.execute(delete(_HOLDS).where(_HOLDS.c.message_id == hold.message_id))
        self._session.execute(
            insert(_HOLDS).values(
                message_id=hold.message_id, document_id=hold.document_id, sender=hold.sender,
                reason=hold.reason, actor=hold.actor, at=hold.at,
            )
        )  # fmt: skip

    def release(self, message_id: str) -> bool:
        result = self._session.execute(delete(_HOLDS).where(_HOLDS.c.message_id == message_id))
        return bool(getattr(result, "rowcount", 0))

    def holds(self) -> list[LegalHold]:
        query = select(_HOLDS).order_by(_HOLDS.c.at, _HOLDS.c.message_id)
        return [
            LegalHold(r.message_id, r.document_id, r.sender, r.reason, r.actor, r.at)
            for r in self._session.execute(query)
        ]

    def held(self, message_id: str) -> bool:
        query = select(func.count()).select_from(_HOLDS).where(_HOLDS.c.message_id == message_id)
        return bool(self._session.execute(query).scalar_one())

    # The archive ledger

    def record_archived(self, entry: Archived) -> None:
        self._session.execute(delete(_ARCHIVED).where(_ARCHIVED.c.message_id == entry.message_id))
        self._session.execute(
            insert(_ARCHIVED).values(
                message_id=entry.message_id, document_id=entry.document_id, sender=entry.sender,
                archive=entry.archive, archive_sha256=entry.archive_sha256,
                archived_at=entry.archived_at, purged_at=None, state="archived",
            )
        )  # fmt: skip

    def record_purged(self, message_id: str, *, at: datetime) -> None:
        self._session.execute(
            update(_ARCHIVED).where(_ARCHIVED.c.message_id == message_id).values(purged_at=at, state="purged")
        )

    def archived(self, *, message_ids: Iterable[str] | None = None) -> list[Archived]:
        query = select(_ARCHIVED).order_by(_ARCHIVED.c.archived_at, _ARCHIVED.c.message_id)
        if message_ids is not None:
            query = query.where(_ARCHIVED.c.message_id.in_(sorted(set(message_ids))))
        return [
            Archived(
                r.message_id, r.document_id, r.sender, r.archive, r.archive_sha256, r.archived_at, r.purged_at
            )
            for r in self._session.execute(query)
        ]

    def purged_ids(self) -> set[str]:
        query = select(_ARCHIVED.c.message_id).where(_ARCHIVED.c.purged_at.is_not(None))
        return {str(m) for m in self._session.execute(query).scalars()}

    # What retention reads

    def documents(self) -> list[HeldDocument]:
        """Every document listed here (the document index), one per message, with what retention
        needs to judge it: three statements whatever the number of documents."""
        rows = self._session.execute(
            select(
                _INDEX.c.message_id, _INDEX.c.document_id, _INDEX.c.sender, _INDEX.c.recipient,
                _INDEX.c.direction, _INDEX.c.document_type, _INDEX.c.at,
            ).order_by(_INDEX.c.at, _INDEX.c.message_id)
        ).all()  # fmt: skip
        latest = func.max(_STATUSES.c.recorded_at).label("last")
        by_document = select(_STATUSES.c.sender, _STATUSES.c.document_id, latest).group_by(
            _STATUSES.c.sender, _STATUSES.c.document_id
        )
        rows_by = self._session.execute(by_document)
        last_status: dict[tuple[str, str], datetime] = {
            (str(r.sender), str(r.document_id)): r.last for r in rows_by
        }
        unsettled = {
            str(m)
            for m in self._session.execute(
                select(_OUT.c.message_id).where(_OUT.c.state.in_(("queued", "sending"))).distinct()
            ).scalars()
        }
        found: dict[str, HeldDocument] = {}
        for row in rows:
            holder = row.sender if row.direction == "out" else row.recipient
            last = max(row.at, last_status.get((row.sender, row.document_id), row.at))
            earlier = found.get(row.message_id)
            if earlier is not None:
                holder_codes = tuple(sorted({*earlier.agencies, holder}))
                last = max(last, earlier.last_activity)
            else:
                holder_codes = (holder,)
            found[row.message_id] = HeldDocument(
                message_id=row.message_id,
                document_id=row.document_id,
                sender=row.sender,
                agencies=holder_codes,
                document_type=row.document_type or "",
                last_activity=last,
                settled=row.message_id not in unsettled,
            )
        return list(found.values())
