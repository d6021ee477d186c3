"""``NodeStore``: a node's rows behind one session, as entries in and out.

It decides nothing about the protocol (that is ``lienthong.node``); it stores and claims.

Claiming work: ``claim_due`` marks due rows SENDING in one ``UPDATE … WHERE id IN (SELECT …
FOR UPDATE SKIP LOCKED) RETURNING …``: on PostgreSQL concurrent claimers skip each other's
rows, so no row goes to two workers; SQLite has one writer at a time, so the same statement
(there without ``FOR UPDATE``) is equally exclusive. A claim carries a lease and a token: a
worker that dies leaves its rows due again when the lease ends, and only the token's holder can
settle a row, so a late worker cannot overwrite a newer claim's outcome.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    RowMapping,
    Table,
    and_,
    bindparam,
    false,
    func,
    literal,
    null,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from lienthong._i18n import Message
from lienthong.evidence import LogKind, dump_message, load_message
from lienthong.store import _message_log
from lienthong.store._database import Database
from lienthong.store._document_index import IndexedDocument, put_index
from lienthong.store._node_entries import (
    DeliveryState,
    Direction,
    Disposition,
    DocumentLink,
    InboxEntry,
    LogEntry,
    MessageQuery,
    MessageSummary,
    OutboxEntry,
    OutboxItem,
    PackageKind,
    ReceiptEntry,
    StatusEntry,
)
from lienthong.store._node_rows import DocumentLinkRow, InboxRow, OutboxRow, ReceiptRow, StatusRow

_OUT = cast(Table, OutboxRow.__table__)
_IN = cast(Table, InboxRow.__table__)
_RECEIPTS = cast(Table, ReceiptRow.__table__)
_STATUSES = cast(Table, StatusRow.__table__)
_LINKS = cast(Table, DocumentLinkRow.__table__)
# Built once and given values at execution: building an INSERT per row cost more than the row.
#: Rows inserted together (one executemany), answered in the order given.
_PUT_OUT = _OUT.insert().returning(*_OUT.c, sort_by_parameter_order=True)
_PUT_IN = _IN.insert()
#: One statement that keeps the first of equal receipts: SQLite and PostgreSQL spell ``ON
#: CONFLICT`` alike, and SQLAlchemy's dialect inserts with ``on_conflict_do_nothing`` are
#: compiled again on every execution (not cacheable), which cost more than the look-up it saves.
_RECEIPT_COLUMNS = [c for c in _RECEIPTS.c if c.name != "id"]
_PUT_RECEIPT = text(
    f"INSERT INTO {_RECEIPTS.name} ({', '.join(c.name for c in _RECEIPT_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c.name for c in _RECEIPT_COLUMNS)}) ON CONFLICT (sha256) DO NOTHING"
).bindparams(*(bindparam(c.name, type_=c.type) for c in _RECEIPT_COLUMNS))
_OUTBOX_OF_MESSAGE = select(_OUT).where(_OUT.c.message_id == bindparam("message_id")).order_by(_OUT.c.id)
_OUTBOX_OF_MESSAGES = (
    select(_OUT).where(_OUT.c.message_id.in_(bindparam("message_ids", expanding=True))).order_by(_OUT.c.id)
)
#: Values bound in one IN list at most (SQLite allows some thousands of variables).
_IN_CHUNK = 500
_INBOX_GET = select(_IN).where(
    _IN.c.message_id == bindparam("message_id"), _IN.c.recipient == bindparam("recipient")
)
_INBOX_OF_MESSAGES = select(_IN).where(_IN.c.message_id.in_(bindparam("message_ids", expanding=True)))
_NOW = bindparam("now", type_=_OUT.c.next_attempt_at.type)
_CLAIM = (
    update(_OUT)
    .where(
        _OUT.c.id.in_(
            select(_OUT.c.id)
            .where(
                or_(
                    and_(_OUT.c.state == DeliveryState.QUEUED.value, _OUT.c.next_attempt_at <= _NOW),
                    and_(_OUT.c.state == DeliveryState.SENDING.value, _OUT.c.lease_until <= _NOW),
                )
            )
            .order_by(_OUT.c.next_attempt_at, _OUT.c.id)
            .limit(bindparam("limit"))
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
    )
    .values(
        state=DeliveryState.SENDING.value,
        attempts=_OUT.c.attempts + 1,
        lease_until=bindparam("lease_until", type_=_OUT.c.lease_until.type),
        claim_token=bindparam("token"),
    )
    .returning(*_OUT.c)
)


def _kept(name: str) -> Any:
    """The value bound as ``name``, or the column's own when None is bound."""
    return func.coalesce(bindparam(name, type_=_OUT.c[name].type), _OUT.c[name])


# A row is settled only by its claim's token; values bound None keep what the row holds. Many
# rows at once (executemany) go without RETURNING, which SQLite cannot answer per row: their
# tokens are checked and the rows locked first (``_HELD_CLAIMS``).
_SETTLE_ROWS = (
    update(_OUT)
    .where(_OUT.c.id == bindparam("entry_id"), _OUT.c.claim_token == bindparam("token"))
    .values(
        state=bindparam("state"),
        claim_token=None,
        lease_until=None,
        next_attempt_at=_kept("next_attempt_at"),
        last_error=_kept("last_error"),
        receipt_sha256=_kept("receipt_sha256"),
    )
)
_SETTLE = _SETTLE_ROWS.returning(_OUT.c.id)
#: Which of some rows a token still holds; locked on PostgreSQL until commit, so no claimer can
#: take them between this answer and the settle (SQLite: one writer at a time, equally safe).
_HELD_CLAIMS = (
    select(_OUT.c.id)
    .where(_OUT.c.id.in_(bindparam("entry_ids", expanding=True)), _OUT.c.claim_token == bindparam("token"))
    .with_for_update()
)


_WRITER_LOCKS: weakref.WeakKeyDictionary[Database, threading.RLock] = weakref.WeakKeyDictionary()
_WRITER_LOCKS_GUARD = threading.Lock()


def _writer_lock(database: Database) -> threading.RLock:
    with _WRITER_LOCKS_GUARD:
        lock = _WRITER_LOCKS.get(database)
        if lock is None:
            lock = _WRITER_LOCKS[database] = threading.RLock()
        return lock


class NodeStore:
    """A node's tables in one session (one transaction)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        # Core statements go straight to the transaction's connection: the session's ORM
        # execution layer costs more than the statement itself on the delivery path.
        self._execute = session.connection().execute

    @classmethod
    @contextlib.contextmanager
    def begin(cls, database: Database, *, write: bool = True, claims: bool = False) -> Iterator[NodeStore]:
        """The store in one new transaction, committed when the block ends.

        A write transaction first locks the log head, so node writers are serialised and
        check-then-insert (idempotent storage) is safe on both databases. ``claims``: the
        transaction writes outbox claims only (``claim_due``), without the log head.

        On SQLite the writers of one process also queue on a process lock first: SQLite's own
        busy handler sleeps in growing steps (up to 100 ms) while the lock is held, so with
        many request threads writing, most of a receiver's time went into sleeping on a lock
        that had long been free. Other processes on the same file still meet the busy handler.
        """
        with contextlib.ExitStack() as stack:
            if (write or claims) and database.dialect == "sqlite":
                stack.enter_context(_writer_lock(database))
            session = stack.enter_context(database.transaction())
            if write:
                _message_log.lock_head(session)
            yield cls(session)
            if write:
                _message_log.save_head(session)

    # -- outbox ------------------------------------------------------------------------------

    def enqueue(self, items: Sequence[OutboxItem], *, at: datetime) -> list[OutboxEntry]:
        """Queue each item (due at ``at``); rows already there for (message, recipient) are kept.
        The new rows are inserted in one statement (executemany), answered in the items' order."""
        held = {
            (message_id, e.item.recipient): e
            for message_id, entries in self.outbox_of({item.message_id for item in items}).items()
            for e in entries
        }
        fresh: dict[tuple[str, str], OutboxItem] = {}
        for item in items:
            key = (item.message_id, item.recipient)
            if key not in held:
                fresh.setdefault(key, item)
        if fresh:
            rows = self._execute(
                _PUT_OUT,
                [
                    {
                        "message_id": item.message_id,
                        "document_id": item.document_id,
                        "kind": item.kind.value,
                        "package_sha256": item.package_sha256,
                        "sender": item.sender,
                        "recipient": item.recipient,
                        "deliver_to": item.deliver_to,
                        "redirected_from": item.redirected_from,
                        "state": item.state.value,
                        "attempts": 0,
                        "created_at": at,
                        "next_attempt_at": at,
                        "deadline": item.deadline,
                        "last_error": _dumped(item.last_error),
                    }
                    for item in fresh.values()
                ],
            ).mappings()
            held.update(zip(fresh, (_outbox(row) for row in rows), strict=True))
        return [held[(item.message_id, item.recipient)] for item in items]

    def outbox(
        self,
        *,
        message_id: str | None = None,
        document_id: str | None = None,
        recipient: str | None = None,
        sender: str | None = None,
    ) -> list[OutboxEntry]:
        """Outbox rows, in row order; a DocumentId names a document with its ``sender`` only."""
        if message_id is not None and document_id is None and recipient is None and sender is None:
            rows = self._execute(_OUTBOX_OF_MESSAGE, {"message_id": message_id}).mappings()
            return [_outbox(row) for row in rows]
        query = select(_OUT).order_by(_OUT.c.id)
        if message_id is not None:
            query = query.where(_OUT.c.message_id == message_id)
        if document_id is not None:
            query = query.where(_OUT.c.document_id == document_id)
        if recipient is not None:
            query = query.where(_OUT.c.recipient == recipient)
        if sender is not None:
            query = query.where(_OUT.c.sender == sender)
        return [_outbox(row) for row in self._execute(query).mappings()]

    def outbox_of(self, message_ids: Iterable[str]) -> dict[str, list[OutboxEntry]]:
        """The outbox rows of each message held (one query for all), in row order."""
        found: dict[str, list[OutboxEntry]] = {}
        wanted = list(dict.fromkeys(message_ids))
        for start in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[start : start + _IN_CHUNK]
            for row in self._execute(_OUTBOX_OF_MESSAGES, {"message_ids": chunk}).mappings():
                entry = _outbox(row)
                found.setdefault(entry.message_id, []).append(entry)
        return found

    def count_states(self) -> dict[DeliveryState, int]:
        counts = dict.fromkeys(DeliveryState, 0)
        for row in self._execute(select(_OUT.c.state)).scalars():
            counts[DeliveryState(row)] += 1
        return counts

    def claim_due(self, *, limit: int, now: datetime, lease: timedelta, token: str) -> list[OutboxEntry]:
        """Mark up to ``limit`` due rows SENDING for ``token`` until ``now + lease``; return them.

        Due: QUEUED with ``next_attempt_at <= now``, or SENDING whose lease has ended.
        """
        claimed = self._execute(
            _CLAIM, {"now": now, "limit": limit, "lease_until": now + lease, "token": token}
        ).mappings()
        return sorted((_outbox(row) for row in claimed), key=lambda e: e.id)

    def settle(
        self,
        entry_id: int,
        *,
        token: str,
        state: DeliveryState,
        next_attempt_at: datetime | None = None,
        last_error: Message | str | None = None,
        receipt_sha256: str | None = None,
    ) -> bool:
        """Record a claimed row's outcome; False (nothing changed) unless ``token`` still holds it."""
        values = {
            "entry_id": entry_id,
            "token": token,
            "state": state.value,
            "next_attempt_at": next_attempt_at,
            "last_error": _dumped(last_error),
            "receipt_sha256": receipt_sha256,
        }
        return self._execute(_SETTLE, values).first() is not None

    def settle_many(
        self, outcomes: Mapping[int, tuple[DeliveryState, str | None, Message | str | None]], *, token: str
    ) -> set[int]:
        """``settle`` for many rows in two statements: row id → (state, receipt_sha256,
        last_error), None keeping what the row holds; the ids of the rows settled (those
        ``token`` still held), the others unchanged."""
        held: set[int] = set()
        ids = list(outcomes)
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            held.update(self._execute(_HELD_CLAIMS, {"entry_ids": chunk, "token": token}).scalars())
        if held:
            self._execute(
                _SETTLE_ROWS,
                [
                    {
                        "entry_id": entry_id,
                        "token": token,
                        "state": state.value,
                        "next_attempt_at": None,
                        "receipt_sha256": receipt_sha256,
                        "last_error": _dumped(last_error),
                    }
                    for entry_id, (state, receipt_sha256, last_error) in outcomes.items()
                    if entry_id in held
                ],
            )
        return held

    # -- inbox -------------------------------------------------------------------------------

    def inbox_get(self, message_id: str, recipient: str) -> InboxEntry | None:
        row = self._execute(_INBOX_GET, {"message_id": message_id, "recipient": recipient}).mappings().first()
        return None if row is None else _inbox(row)

    def inbox_get_many(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], InboxEntry]:
        """The inbox rows held for some ``(message_id, recipient)`` keys (one query for all)."""
        wanted = set(keys)
        message_ids = sorted({message_id for message_id, _ in wanted})
        found: dict[tuple[str, str], InboxEntry] = {}
        for start in range(0, len(message_ids), _IN_CHUNK):
            chunk = message_ids[start : start + _IN_CHUNK]
            for row in self._execute(_INBOX_OF_MESSAGES, {"message_ids": chunk}).mappings():
                key = (row["message_id"], row["recipient"])
                if key in wanted:
                    found[key] = _inbox(row)
        return found

    def inbox_put(self, entry: InboxEntry) -> None:
        self.inbox_put_many([entry])

    def inbox_put_many(self, entries: Sequence[InboxEntry]) -> None:
        """Insert inbox rows in one statement (executemany)."""
        if not entries:
            return
        self._execute(
            _PUT_IN,
            [
                {
                    "message_id": entry.message_id,
                    "document_id": entry.document_id,
                    "kind": entry.kind.value,
                    "package_sha256": entry.package_sha256,
                    "sender": entry.sender,
                    "recipient": entry.recipient,
                    "received_at": entry.received_at,
                    "disposition": entry.disposition.value,
                    "superseded_by": entry.superseded_by,
                }
                for entry in entries
            ],
        )

    def inbox(
        self,
        *,
        document_id: str | None = None,
        recipient: str | None = None,
        sender: str | None = None,
        kind: PackageKind | None = None,
    ) -> list[InboxEntry]:
        query = select(_IN).order_by(_IN.c.id)
        for column, value in (
            (_IN.c.document_id, document_id),
            (_IN.c.recipient, recipient),
            (_IN.c.sender, sender),
            (_IN.c.kind, None if kind is None else kind.value),
        ):
            if value is not None:
                query = query.where(column == value)
        return [_inbox(row) for row in self._execute(query).mappings()]

    def mark(
        self, *, document_id: str, sender: str, recipient: str, disposition: Disposition, by: str
    ) -> bool:
        """Mark a received document recalled, updated or replaced by ``by``; False if not here."""
        result = self._execute(
            update(_IN)
            .where(*_received_copy(document_id, sender, recipient))
            .values(disposition=disposition.value, superseded_by=by)
            .returning(_IN.c.id)
        )
        return bool(result.all())

    def set_disposition(
        self,
        *,
        document_id: str,
        sender: str,
        recipient: str,
        to: Disposition,
        only_from: Iterable[Disposition],
    ) -> bool:
        """Move a received document to ``to`` if it stands in one of ``only_from``; False if not."""
        result = self._execute(
            update(_IN)
            .where(
                *_received_copy(document_id, sender, recipient),
                _IN.c.disposition.in_([d.value for d in only_from]),
            )
            .values(disposition=to.value)
            .returning(_IN.c.id)
        )
        return bool(result.all())

    def document_of(self, message_id: str) -> tuple[str, str] | None:
        """(sender, DocumentId) of the document a message (sent or received here) is or
        answers; None if unknown here. A status's document is read from its timeline row."""
        for table in (_OUT, _IN):
            row = self._execute(
                select(table.c.document_id, table.c.sender, table.c.kind, table.c.package_sha256)
                .where(table.c.message_id == message_id)
                .limit(1)
            ).first()
            if row is None:
                continue
            if row.kind == PackageKind.DOCUMENT.value:
                return str(row.sender), str(row.document_id)
            sender = self._execute(
                select(_STATUSES.c.sender).where(_STATUSES.c.package_sha256 == row.package_sha256).limit(1)
            ).scalar()
            if sender is not None:
                return str(sender), str(row.document_id)
        return None

    # -- receipts, statuses, links -----------------------------------------------------------

    def put_receipts(self, entries: Sequence[ReceiptEntry]) -> None:
        """Keep receipts' signed bytes, in one statement (executemany); the same bytes twice
        are kept once. Each is logged by ``log_receipt``."""
        if not entries:
            return
        self._execute(
            _PUT_RECEIPT,
            [
                {
                    "sha256": entry.sha256,
                    "raw": entry.raw,
                    "message_id": entry.message_id,
                    "recipient": entry.recipient,
                    "accepted": entry.accepted,
                    "reason": _dumped(entry.reason),
                    "direction": entry.direction.value,
                    "at": entry.at,
                }
                for entry in entries
            ],
        )

    def log_receipt(self, entry: ReceiptEntry, *, document_id: str, party: str, note: str = "") -> None:
        """The log entry of a receipt kept (``put_receipts``), as received (``Direction.IN``) or
        as issued here."""
        self.log(
            LogKind.RECEIPT_IN if entry.direction is Direction.IN else LogKind.RECEIPT_OUT,
            at=entry.at,
            message_id=entry.message_id,
            document_id=document_id,
            party=party,
            sha256=entry.sha256,
            note=note,
        )

    def receipts(self, *, message_ids: Iterable[str]) -> list[ReceiptEntry]:
        ids = list(message_ids)
        if not ids:
            return []
        query = select(_RECEIPTS).where(_RECEIPTS.c.message_id.in_(ids)).order_by(_RECEIPTS.c.id)
        return [_receipt(row) for row in self._execute(query).mappings()]

    def put_status(self, entry: StatusEntry) -> bool:
        """Add a step to a timeline; False when that very status is already there."""
        exists = self._execute(
            select(_STATUSES.c.id).where(
                _STATUSES.c.sender == entry.sender,
                _STATUSES.c.document_id == entry.document_id,
                _STATUSES.c.reporter == entry.reporter,
                _STATUSES.c.status_code == entry.status_code,
                _STATUSES.c.timestamp == entry.timestamp,
            )
        ).first()
        if exists:
            return False
        self._execute(
            _STATUSES.insert().values(
                sender=entry.sender,
                document_id=entry.document_id,
                reporter=entry.reporter,
                addressee=entry.addressee,
                status_code=entry.status_code,
                timestamp=entry.timestamp,
                package_sha256=entry.package_sha256,
                direction=entry.direction.value,
                recorded_at=entry.recorded_at,
                description=entry.description,
            )
        )
        return True

    def timeline(self, document_id: str, *, sender: str) -> list[StatusEntry]:
        """Every status held on ``sender``'s document ``document_id``, in time order."""
        query = (
            select(_STATUSES)
            .where(_STATUSES.c.sender == sender, _STATUSES.c.document_id == document_id)
            .order_by(_STATUSES.c.timestamp, _STATUSES.c.id)
        )
        return [_status(row) for row in self._execute(query).mappings()]

    def put_link(self, link: DocumentLink) -> None:
        exists = self._execute(
            select(_LINKS.c.id).where(
                _LINKS.c.recipient == link.recipient,
                _LINKS.c.sender == link.sender,
                _LINKS.c.earlier_document_id == link.earlier_document_id,
                _LINKS.c.later_document_id == link.later_document_id,
            )
        ).first()
        if not exists:
            self._execute(
                _LINKS.insert().values(
                    recipient=link.recipient,
                    sender=link.sender,
                    earlier_document_id=link.earlier_document_id,
                    later_document_id=link.later_document_id,
                    business_type=link.business_type,
                    applied=link.applied,
                    at=link.at,
                )
            )

    def links(self, document_id: str, *, sender: str) -> list[DocumentLink]:
        """Links in which ``sender``'s ``document_id`` is the earlier or the later document."""
        query = (
            select(_LINKS)
            .where(
                _LINKS.c.sender == sender,
                or_(_LINKS.c.earlier_document_id == document_id, _LINKS.c.later_document_id == document_id),
            )
            .order_by(_LINKS.c.id)
        )
        return [_link(row) for row in self._execute(query).mappings()]

    # -- message log -------------------------------------------------------------------------

    def log(
        self,
        kind: LogKind,
        *,
        at: datetime,
        message_id: str,
        document_id: str,
        party: str,
        sha256: str = "",
        note: Message | str = "",
    ) -> LogEntry:
        """Append one entry to the hash-chained log (only inside ``begin(write=True)``); a
        message ``note`` is logged as its code and parameters (``dump_message``)."""
        return _message_log.append(
            self._session,
            at=at,
            kind=kind,
            message_id=message_id,
            document_id=document_id,
            party=party,
            sha256=sha256,
            note=dump_message(note),
        )

    def log_head(self) -> tuple[int, str]:
        return _message_log.head(self._session)

    def log_entries(self, *, first: int = 1, last: int | None = None) -> list[LogEntry]:
        return _message_log.entries(self._session, first=first, last=last)

    def log_sequence(self, document_id: str) -> list[int]:
        return _message_log.sequence_numbers(self._session, document_id)

    # -- operator's views ---------------------------------------------------------------------

    def outbox_entry(self, entry_id: int) -> OutboxEntry | None:
        row = self._execute(select(_OUT).where(_OUT.c.id == entry_id)).mappings().first()
        return None if row is None else _outbox(row)

    def search_messages(
        self, query: MessageQuery, *, offset: int, limit: int
    ) -> tuple[list[MessageSummary], int]:
        """One page of the messages sent and received here that match ``query``, newest first,
        and how many match in all (so a page says how many there are: no silent cap)."""
        found = _message_union(query).subquery("found")
        total = int(self._execute(select(func.count()).select_from(found)).scalar_one())
        page = (
            select(found)
            .order_by(found.c.at.desc(), found.c.direction, found.c.row_id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [_summary(row) for row in self._execute(page).mappings()], total

    def troubled_deliveries(self, *, now: datetime, offset: int, limit: int) -> tuple[list[OutboxEntry], int]:
        """One page of the deliveries that wait or failed, newest first, and how many there are:
        queued after a failed attempt, sending past their lease, failed, rejected."""
        troubled = or_(
            and_(_OUT.c.state == DeliveryState.QUEUED.value, _OUT.c.attempts > 0),
            and_(_OUT.c.state == DeliveryState.SENDING.value, _OUT.c.lease_until <= now),
            _OUT.c.state.in_([DeliveryState.FAILED.value, DeliveryState.REJECTED.value]),
        )
        total = int(self._execute(select(func.count()).select_from(_OUT).where(troubled)).scalar_one())
        page = (
            select(_OUT).where(troubled).order_by(_OUT.c.created_at.desc(), _OUT.c.id.desc()).offset(offset)
        ).limit(limit)
        return [_outbox(row) for row in self._execute(page).mappings()], total

    def claim_entry(
        self, entry_id: int, *, now: datetime, lease: timedelta, token: str
    ) -> OutboxEntry | None:
        """Claim one row for ``token`` as ``claim_due`` would (without counting an attempt): only
        a row no worker holds (QUEUED, or SENDING past its lease); None otherwise. The holder then
        settles it like any claimed row, so a worker and an operator never both settle it."""
        claimed = self._execute(
            update(_OUT)
            .where(
                _OUT.c.id == entry_id,
                or_(
                    _OUT.c.state == DeliveryState.QUEUED.value,
                    and_(_OUT.c.state == DeliveryState.SENDING.value, _OUT.c.lease_until <= now),
                ),
            )
            .values(state=DeliveryState.SENDING.value, lease_until=now + lease, claim_token=token)
            .returning(*_OUT.c)
        ).mappings()
        row = claimed.first()
        return None if row is None else _outbox(row)

    def requeue_failed(self, entry_id: int, *, now: datetime, deadline: datetime) -> OutboxEntry | None:
        """A FAILED row queued again, due ``now``, given up at ``deadline``; None unless FAILED."""
        requeued = self._execute(
            update(_OUT)
            .where(_OUT.c.id == entry_id, _OUT.c.state == DeliveryState.FAILED.value)
            .values(state=DeliveryState.QUEUED.value, next_attempt_at=now, deadline=deadline)
            .returning(*_OUT.c)
        ).mappings()
        row = requeued.first()
        return None if row is None else _outbox(row)

    # -- document index ----------------------------------------------------------------------

    def index_documents(self, entries: Sequence[IndexedDocument]) -> None:
        """The lists' rows of documents stored in this transaction (``DocumentIndex``); a row
        already there is kept."""
        put_index(self._execute, entries)


def _message_union(query: MessageQuery) -> Any:
    """The outbox and the inbox as one list of messages, each filtered by ``query``."""
    parts = []
    for direction, table, at, state in (
        (Direction.OUT, _OUT, _OUT.c.created_at, _OUT.c.state),
        (Direction.IN, _IN, _IN.c.received_at, _IN.c.disposition),
    ):
        if query.direction not in (None, direction):
            continue
        if query.delivery is not None and direction is Direction.IN:
            continue
        out = direction is Direction.OUT
        selected = select(
            literal(direction.value).label("direction"),
            table.c.id.label("row_id"),
            table.c.message_id,
            table.c.document_id,
            table.c.kind,
            table.c.sender,
            table.c.recipient,
            at.label("at"),
            state.label("state"),
            (_OUT.c.attempts if out else null()).label("attempts"),
            (_OUT.c.last_error if out else null()).label("last_error"),
        )
        parts.append(selected.where(*_matching(query, table, at)))
    if not parts:
        return select(literal(Direction.OUT.value).label("direction")).where(false())
    return parts[0] if len(parts) == 1 else union_all(*parts)


def _matching(query: MessageQuery, table: Table, at: ColumnElement[datetime]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.document_id:
        conditions.append(table.c.document_id.contains(query.document_id, autoescape=True))
    if query.message_id:
        conditions.append(table.c.message_id.startswith(query.message_id.lower(), autoescape=True))
    if query.agency:
        conditions.append(or_(table.c.sender == query.agency, table.c.recipient == query.agency))
    if query.delivery is not None:
        conditions.append(_OUT.c.state == query.delivery.value)
    if query.since is not None:
        conditions.append(at >= query.since)
    if query.until is not None:
        conditions.append(at < query.until)
    if query.status:
        # A status package names the document it answers by the same DocumentId; the document
        # is its sender's (a status row's ``sender``) or was answered by this package's sender.
        conditions.append(
            select(_STATUSES.c.id)
            .where(
                _STATUSES.c.document_id == table.c.document_id,
                or_(_STATUSES.c.sender == table.c.sender, _STATUSES.c.reporter == table.c.sender),
                _STATUSES.c.status_code == query.status,
            )
            .exists()
        )
    return conditions


def _summary(row: RowMapping) -> MessageSummary:
    raw_error = row["last_error"]
    return MessageSummary(
        direction=Direction(row["direction"]),
        message_id=row["message_id"],
        document_id=row["document_id"],
        kind=PackageKind(row["kind"]),
        sender=row["sender"],
        recipient=row["recipient"],
        at=row["at"],
        state=row["state"],
        attempts=row["attempts"],
        last_error=None if raw_error is None else load_message(raw_error),
    )


def _outbox(row: RowMapping) -> OutboxEntry:
    item = OutboxItem(
        message_id=row["message_id"],
        document_id=row["document_id"],
        kind=PackageKind(row["kind"]),
        package_sha256=row["package_sha256"],
        sender=row["sender"],
        recipient=row["recipient"],
        deliver_to=row["deliver_to"],
        deadline=row["deadline"],
        redirected_from=row["redirected_from"],
    )
    return OutboxEntry(
        id=row["id"],
        item=item,
        state=DeliveryState(row["state"]),
        attempts=row["attempts"],
        created_at=row["created_at"],
        next_attempt_at=row["next_attempt_at"],
        last_error=load_message(row["last_error"]),
        receipt_sha256=row["receipt_sha256"],
        claim_token=row["claim_token"],
        lease_until=row["lease_until"],
    )


def _dumped(message: Message | str | None) -> str | None:
    return None if message is None else dump_message(message)


def _inbox(row: RowMapping) -> InboxEntry:
    return InboxEntry(
        message_id=row["message_id"],
        document_id=row["document_id"],
        kind=PackageKind(row["kind"]),
        package_sha256=row["package_sha256"],
        sender=row["sender"],
        recipient=row["recipient"],
        received_at=row["received_at"],
        disposition=Disposition(row["disposition"]),
        superseded_by=row["superseded_by"],
    )


def _receipt(row: RowMapping) -> ReceiptEntry:
    return ReceiptEntry(
        sha256=row["sha256"],
        raw=bytes(row["raw"]),
        message_id=row["message_id"],
        recipient=row["recipient"],
        accepted=row["accepted"],
        reason=load_message(row["reason"]),
        direction=Direction(row["direction"]),
        at=row["at"],
    )


def _status(row: RowMapping) -> StatusEntry:
    return StatusEntry(
        sender=row["sender"],
        document_id=row["document_id"],
        reporter=row["reporter"],
        addressee=row["addressee"],
        status_code=row["status_code"],
        timestamp=row["timestamp"],
        package_sha256=row["package_sha256"],
        direction=Direction(row["direction"]),
        recorded_at=row["recorded_at"],
        description=row["description"],
    )


def _link(row: RowMapping) -> DocumentLink:
    return DocumentLink(
        recipient=row["recipient"],
        sender=row["sender"],
        earlier_document_id=row["earlier_document_id"],
        later_document_id=row["later_document_id"],
        business_type=row["business_type"],
        applied=row["applied"],
        at=row["at"],
    )


def _received_copy(document_id: str, sender: str, recipient: str) -> tuple[ColumnElement[bool], ...]:
    """The inbox row of one document from ``sender`` to ``recipient`` (its document, not a status)."""
    return (
        _IN.c.document_id == document_id,
        _IN.c.sender == sender,
        _IN.c.recipient == recipient,
        _IN.c.kind == PackageKind.DOCUMENT.value,
    )
