"""``DocumentIndex``: the inbox and outbox as lists: search, filters, sort and pages, read from
metadata stored when each document arrived or was submitted, never by parsing packages.

Rows are written by ``NodeStore.index_documents`` in the transaction that stores the inbox or
outbox rows (so a document is listed exactly when it is held), or by a backfill for documents
stored before the index existed (``unindexed``, then ``put``). Each page costs two statements
(the inbox) or three (the outbox, one line per message): the count, the page's keys, and for
the outbox the page's rows. A row's last status is a correlated subquery over the timeline in
the same statement, never a query per row; the timeline's unique index (sender, document,
reporter, …) answers it.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    bindparam,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from lienthong._i18n import fold
from lienthong.store._database import Database
from lienthong.store._document_index_rows import DocumentIndexRow
from lienthong.store._node_entries import DeliveryState, Direction, Disposition, PackageKind
from lienthong.store._node_rows import InboxRow, OutboxRow, StatusRow

_INDEX = cast(Table, DocumentIndexRow.__table__)
_IN = cast(Table, InboxRow.__table__)
_OUT = cast(Table, OutboxRow.__table__)
_STATUSES = cast(Table, StatusRow.__table__)

PAGE_SIZE: Final = 50
#: Words of a search at most (each must match).
MAX_WORDS: Final = 8
#: The value of the status filter for documents nobody has reported on yet.
NO_STATUS: Final = "new"

_COLUMNS = [c for c in _INDEX.c if c.name != "id"]
#: Insert-or-keep in one statement that SQLite and PostgreSQL spell alike: receipt, submission
#: and backfill may meet on one row, and the first writer wins.
_PUT = text(
    f"INSERT INTO {_INDEX.name} ({', '.join(c.name for c in _COLUMNS)}) "
    f"VALUES ({', '.join(':' + c.name for c in _COLUMNS)}) "
    "ON CONFLICT (direction, message_id, recipient) DO NOTHING"
).bindparams(*(bindparam(c.name, type_=c.type) for c in _COLUMNS))


@dataclass(frozen=True, slots=True)
class IndexedDocument:
    """What a list shows of one document for one recipient, as stored at receipt or submission."""

    direction: Direction
    message_id: str
    document_id: str
    sender: str
    recipient: str
    package_sha256: str
    number: str
    notation: str
    subject: str
    at: datetime
    size: int
    attachments: int
    urgency: int | None = None
    document_type: str | None = None
    promulgated_on: date | None = None
    #: ``valid``, ``invalid``, ``unsigned`` or ``none`` (no PDF); None until checked.
    pdf: str | None = None

    @property
    def code(self) -> str:
        """``number/notation`` as a document is cited."""
        return f"{self.number}/{self.notation}" if self.notation else self.number


class ListSort(enum.StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    NUMBER = "number"
    SUBJECT = "subject"


@dataclass(frozen=True, slots=True)
class ListQuery:
    """One page of a list: every filter given must hold."""

    direction: Direction
    #: The user's codes: recipients of an inbox, senders of an outbox.
    codes: tuple[str, ...]
    words: str = ""
    #: A status code, or ``NO_STATUS``.
    status: str | None = None
    #: The other side: the sender of an inbox's documents, a recipient of an outbox's.
    party: str | None = None
    since: datetime | None = None
    #: Exclusive.
    until: datetime | None = None
    #: edXML priority; 0 also finds documents that carry none.
    urgency: int | None = None
    #: Outbox only: where the delivery to a recipient stands.
    delivery: DeliveryState | None = None
    sort: ListSort = ListSort.NEWEST
    #: From 1.
    page: int = 1
    page_size: int = PAGE_SIZE


@dataclass(frozen=True, slots=True)
class PartyState:
    """Where a document stands with one recipient."""

    recipient: str
    #: The last status that recipient reported, if any.
    status: str | None
    #: Inbox: what later packages did to the copy.
    disposition: Disposition | None = None
    #: Outbox: the delivery towards that recipient, and the code it went to.
    delivery: DeliveryState | None = None
    deliver_to: str | None = None


@dataclass(frozen=True, slots=True)
class ListedDocument:
    document: IndexedDocument
    #: Inbox: the one recipient; outbox: every recipient of the message.
    parties: tuple[PartyState, ...]


@dataclass(frozen=True, slots=True)
class ListPage:
    rows: tuple[ListedDocument, ...]
    #: Documents matching the filters, on every page.
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True, slots=True)
class Unindexed:
    """A document held here without its index row(s) (stored before the index existed)."""

    direction: Direction
    message_id: str
    package_sha256: str
    at: datetime
    #: Inbox: the one recipient; outbox: every recipient.
    recipients: tuple[str, ...]


def put_index(execute: Callable[..., Any], entries: Sequence[IndexedDocument]) -> None:
    """Insert index rows in one statement (executemany); a row already there is kept."""
    if entries:
        execute(_PUT, [_values(entry) for entry in entries])


def _values(entry: IndexedDocument) -> dict[str, Any]:
    words = " ".join((entry.code, entry.subject, entry.document_type or "", entry.sender, entry.recipient))
    return {
        "direction": entry.direction.value,
        "message_id": entry.message_id,
        "document_id": entry.document_id,
        "sender": entry.sender,
        "recipient": entry.recipient,
        "package_sha256": entry.package_sha256,
        "number": entry.number,
        "notation": entry.notation,
        "subject": entry.subject,
        "search": fold(words),
        "subject_key": fold(entry.subject),
        "urgency": entry.urgency,
        "document_type": entry.document_type,
        "promulgated_on": entry.promulgated_on,
        "at": entry.at,
        "size": entry.size,
        "attachments": entry.attachments,
        "pdf": entry.pdf,
    }


class DocumentIndex:
    """The index in one transaction."""

    def __init__(self, session: Session) -> None:
        self._execute = session.connection().execute

    @classmethod
    @contextlib.contextmanager
    def begin(cls, database: Database) -> Iterator[DocumentIndex]:
        with database.transaction() as session:
            yield cls(session)

    def put(self, entries: Sequence[IndexedDocument]) -> None:
        put_index(self._execute, entries)

    def set_pdf(self, verdicts: Mapping[str, str]) -> None:
        """Record PDF verdicts by package SHA-256 (every row of that package)."""
        if verdicts:
            self._execute(
                update(_INDEX)
                .where(_INDEX.c.package_sha256 == bindparam("sha"))
                .values(pdf=bindparam("pdf")),
                [{"sha": sha, "pdf": pdf} for sha, pdf in verdicts.items()],
            )

    def unindexed(self, direction: Direction, *, limit: int) -> list[Unindexed]:
        """Up to ``limit`` documents (not statuses) held without index rows, oldest first."""
        table = _IN if direction is Direction.IN else _OUT
        at = table.c.received_at if direction is Direction.IN else table.c.created_at
        missing = ~(
            select(_INDEX.c.id)
            .where(
                _INDEX.c.direction == direction.value,
                _INDEX.c.message_id == table.c.message_id,
                _INDEX.c.recipient == table.c.recipient,
            )
            .exists()
        )
        query = (
            select(table.c.message_id, table.c.package_sha256, at.label("at"), table.c.recipient)
            .where(table.c.kind == PackageKind.DOCUMENT.value, missing)
            .order_by(table.c.id)
            .limit(limit)
        )
        found: dict[str, Unindexed] = {}
        for row in self._execute(query):
            held = found.get(row.message_id)
            recipients = (held.recipients if held else ()) + (str(row.recipient),)
            found[row.message_id] = Unindexed(
                direction, str(row.message_id), str(row.package_sha256), row.at, recipients
            )
        return list(found.values())

    def parties(self, direction: Direction, codes: Sequence[str]) -> list[str]:
        """The other side's codes in ``codes``' documents: senders of an inbox, recipients of
        an outbox (the party filter's choices)."""
        if not codes:
            return []
        owner, other = _sides(direction)
        query = (
            select(other)
            .where(_INDEX.c.direction == direction.value, owner.in_(codes))
            .distinct()
            .order_by(other)
        )
        return [str(code) for code in self._execute(query).scalars()]

    def page(self, query: ListQuery) -> ListPage:
        """The page ``query`` asks for, with the total matching."""
        if not query.codes:
            return ListPage((), 0, query.page, query.page_size)
        if query.direction is Direction.IN:
            return self._inbox(query)
        return self._outbox(query)

    def _inbox(self, query: ListQuery) -> ListPage:
        joined = _INDEX.join(
            _IN, and_(_IN.c.message_id == _INDEX.c.message_id, _IN.c.recipient == _INDEX.c.recipient)
        )
        last = _last_status(_INDEX.c.recipient)
        where = _filters(query, last)
        total = self._execute(select(func.count()).select_from(joined).where(*where)).scalar_one()
        rows = self._execute(
            select(_INDEX, last.label("last_status"), _IN.c.disposition)
            .select_from(joined)
            .where(*where)
            .order_by(*_order(query.sort))
            .limit(query.page_size)
            .offset((query.page - 1) * query.page_size)
        ).mappings()
        listed = tuple(
            ListedDocument(
                _entry(row),
                (
                    PartyState(
                        row["recipient"], row["last_status"], disposition=Disposition(row["disposition"])
                    ),
                ),
            )
            for row in rows
        )
        return ListPage(listed, int(total), query.page, query.page_size)

    def _outbox(self, query: ListQuery) -> ListPage:
        joined = _INDEX.join(
            _OUT, and_(_OUT.c.message_id == _INDEX.c.message_id, _OUT.c.recipient == _INDEX.c.recipient)
        )
        last = _last_status(_INDEX.c.recipient, _OUT.c.deliver_to)
        where = _filters(query, last)
        count = select(func.count(func.distinct(_INDEX.c.message_id))).select_from(joined).where(*where)
        total = self._execute(count).scalar_one()
        # One line per message: the filters pick messages by any of their recipients' rows.
        keys = [
            row.message_id
            for row in self._execute(
                select(_INDEX.c.message_id)
                .select_from(joined)
                .where(*where)
                .group_by(_INDEX.c.message_id)
                .order_by(*_order(query.sort, grouped=True))
                .limit(query.page_size)
                .offset((query.page - 1) * query.page_size)
            )
        ]
        if not keys:
            return ListPage((), int(total), query.page, query.page_size)
        rows = self._execute(
            select(_INDEX, last.label("last_status"), _OUT.c.state, _OUT.c.deliver_to)
            .select_from(joined)
            .where(_INDEX.c.direction == Direction.OUT.value, _INDEX.c.message_id.in_(keys))
            .order_by(_INDEX.c.id)
        ).mappings()
        grouped: dict[str, list[Any]] = {key: [] for key in keys}
        for row in rows:
            grouped[row["message_id"]].append(row)
        listed = tuple(
            ListedDocument(
                _entry(found[0]),
                tuple(
                    PartyState(
                        r["recipient"],
                        r["last_status"],
                        delivery=DeliveryState(r["state"]),
                        deliver_to=r["deliver_to"],
                    )
                    for r in found
                ),
            )
            for found in grouped.values()
            if found
        )
        return ListPage(listed, int(total), query.page, query.page_size)


def _last_status(*reporters: ColumnElement[Any]) -> Any:
    """The last status any of ``reporters`` gave on the row's document (a correlated subquery)."""
    return (
        select(_STATUSES.c.status_code)
        .where(
            _STATUSES.c.sender == _INDEX.c.sender,
            _STATUSES.c.document_id == _INDEX.c.document_id,
            or_(*(_STATUSES.c.reporter == reporter for reporter in reporters)),
        )
        .order_by(_STATUSES.c.timestamp.desc(), _STATUSES.c.id.desc())
        .limit(1)
        .correlate(_INDEX, _OUT)
        .scalar_subquery()
    )


def _sides(direction: Direction) -> tuple[Any, Any]:
    """(the user's side, the other side): an inbox is its recipients', an outbox its senders'."""
    if direction is Direction.IN:
        return _INDEX.c.recipient, _INDEX.c.sender
    return _INDEX.c.sender, _INDEX.c.recipient


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filters(query: ListQuery, last: Any) -> list[ColumnElement[bool]]:
    owner, other = _sides(query.direction)
    where: list[ColumnElement[bool]] = [
        _INDEX.c.direction == query.direction.value,
        owner.in_(query.codes),
    ]
    for word in fold(query.words).split()[:MAX_WORDS]:
        where.append(_INDEX.c.search.like(_like(word), escape="\\"))
    if query.status == NO_STATUS:
        where.append(last.is_(None))
    elif query.status is not None:
        where.append(last == query.status)
    if query.party:
        where.append(other == query.party)
    if query.since is not None:
        where.append(_INDEX.c.at >= query.since)
    if query.until is not None:
        where.append(_INDEX.c.at < query.until)
    if query.delivery is not None and query.direction is Direction.OUT:
        where.append(_OUT.c.state == query.delivery.value)
    if query.urgency == 0:
        where.append(or_(_INDEX.c.urgency.is_(None), _INDEX.c.urgency == 0))
    elif query.urgency is not None:
        where.append(_INDEX.c.urgency == query.urgency)
    return where


def _order(sort: ListSort, *, grouped: bool = False) -> list[Any]:
    """ORDER BY for ``sort``; ``grouped``: over messages (aggregates of their rows)."""

    def of(column: Any) -> Any:
        return func.min(column) if grouped else column

    newest = [of(_INDEX.c.at).desc(), of(_INDEX.c.id).desc()]
    if sort is ListSort.OLDEST:
        return [of(_INDEX.c.at), of(_INDEX.c.id)]
    if sort is ListSort.NUMBER:
        # Numbers are digits in practice: shorter first, then by text, orders them as numbers.
        return [of(func.length(_INDEX.c.number)), of(_INDEX.c.number), *newest]
    if sort is ListSort.SUBJECT:
        return [of(_INDEX.c.subject_key), *newest]
    return newest


def _entry(row: Any) -> IndexedDocument:
    return IndexedDocument(
        direction=Direction(row["direction"]),
        message_id=row["message_id"],
        document_id=row["document_id"],
        sender=row["sender"],
        recipient=row["recipient"],
        package_sha256=row["package_sha256"],
        number=row["number"],
        notation=row["notation"],
        subject=row["subject"],
        at=row["at"],
        size=row["size"],
        attachments=row["attachments"],
        urgency=row["urgency"],
        document_type=row["document_type"],
        promulgated_on=row["promulgated_on"],
        pdf=row["pdf"],
    )
