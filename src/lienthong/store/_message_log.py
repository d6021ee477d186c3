"""The message log in one session: append (chained) and read. Append-only: nothing updates or
deletes an entry.

Appending reads the single ``node_log_head`` row, which the caller's transaction has already
locked (``NodeStore.begin`` does so first), so entries form one unbroken line even with several
processes on one PostgreSQL database. The head is read once a transaction and then remembered
on the session; the entries of a transaction are inserted together (one executemany) and the
head row written once, by ``save_head`` before the commit (``NodeStore.begin`` calls it), or
the entries sooner when this session reads the log.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import RowMapping, Table, select, update
from sqlalchemy.orm import Session

from lienthong.evidence import LogKind, LogRecord, link_hash
from lienthong.store._node_entries import LogEntry
from lienthong.store._node_rows import LogHeadRow, LogRow

_LOG = cast(Table, LogRow.__table__)
_HEAD = cast(Table, LogHeadRow.__table__)
# Core statements on the session's connection: the ORM's execution layer cost more than the
# statements themselves, and every write transaction of a node runs these.
_LOCK = update(_HEAD).where(_HEAD.c.id == 1).values(seq=_HEAD.c.seq)
_READ = select(_HEAD.c.seq, _HEAD.c.entry_hash).where(_HEAD.c.id == 1)
_ADVANCE = update(_HEAD).where(_HEAD.c.id == 1)
_INSERT = _LOG.insert()
#: The head as appended in this transaction: (seq, entry hash), kept in ``Session.info``.
_CACHED = "lienthong.log_head"
#: Entries appended in this transaction and not yet inserted, kept in ``Session.info``.
_PENDING = "lienthong.log_pending"


def lock_head(session: Session) -> None:
    """Take the write lock every node write transaction starts with (see ``LogHeadRow``)."""
    session.connection().execute(_LOCK)


def head(session: Session) -> tuple[int, str]:
    """The last sequence number and entry hash (0 and ``GENESIS`` for an empty log)."""
    cached: tuple[int, str] | None = session.info.get(_CACHED)
    if cached is not None:
        return cached
    row = session.connection().execute(_READ).one()
    return int(row.seq), str(row.entry_hash)


def _flush(session: Session) -> None:
    """Insert the entries appended and not yet inserted (before the log is read or committed)."""
    pending: list[dict[str, object]] | None = session.info.pop(_PENDING, None)
    if pending:
        session.connection().execute(_INSERT, pending)


def save_head(session: Session) -> None:
    """Insert this transaction's entries and write the head they advanced (once each)."""
    _flush(session)
    cached: tuple[int, str] | None = session.info.pop(_CACHED, None)
    if cached is not None:
        session.connection().execute(_ADVANCE, {"seq": cached[0], "entry_hash": cached[1]})


def append(
    session: Session,
    *,
    at: datetime,
    kind: LogKind,
    message_id: str,
    document_id: str,
    party: str,
    sha256: str = "",
    note: str = "",
) -> LogEntry:
    seq, prev = head(session)
    record = LogRecord(
        seq=seq + 1,
        at=at,
        kind=kind,
        message_id=message_id,
        document_id=document_id,
        party=party,
        sha256=sha256,
        note=note,
    )
    entry = LogEntry(record, prev, link_hash(prev, record.digest()))
    session.info.setdefault(_PENDING, []).append(
        {
            "seq": record.seq,
            "at": record.at,
            "kind": record.kind.value,
            "message_id": message_id,
            "document_id": document_id,
            "party": party,
            "sha256": sha256,
            "note": note,
            "prev_hash": prev,
            "entry_hash": entry.entry_hash,
        }
    )
    session.info[_CACHED] = (record.seq, entry.entry_hash)
    return entry


def _entry(row: RowMapping) -> LogEntry:
    record = LogRecord(
        seq=row["seq"],
        at=row["at"],
        kind=LogKind(row["kind"]),
        message_id=row["message_id"],
        document_id=row["document_id"],
        party=row["party"],
        sha256=row["sha256"],
        note=row["note"],
    )
    return LogEntry(record, row["prev_hash"], row["entry_hash"])


def entries(session: Session, *, first: int = 1, last: int | None = None) -> list[LogEntry]:
    """Entries ``first`` to ``last`` (inclusive; to the end without ``last``), in order."""
    _flush(session)
    query = select(_LOG).where(_LOG.c.seq >= first).order_by(_LOG.c.seq)
    if last is not None:
        query = query.where(_LOG.c.seq <= last)
    return [_entry(row) for row in session.execute(query).mappings()]


def sequence_numbers(session: Session, document_id: str) -> list[int]:
    """The sequence numbers of the entries about ``document_id``."""
    _flush(session)
    query = select(_LOG.c.seq).where(_LOG.c.document_id == document_id).order_by(_LOG.c.seq)
    return [int(seq) for seq in session.scalars(query)]


def documents_of_message(session: Session, message_id: str) -> list[str]:
    _flush(session)
    query = select(_LOG.c.document_id).where(_LOG.c.message_id == message_id).distinct()
    return [str(value) for value in session.scalars(query)]
