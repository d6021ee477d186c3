"""``EventStore``: the API's events, read from the message log, and the webhooks they go to.

An event is a log entry (package in, package out, receipt in, delivery failed) resolved to the
agency code served here that it concerns, from the outbox and inbox rows written in the same
transaction. The log is append-only and its sequence numbers are taken under the log-head lock,
so "entries after N" never skips nor repeats one, whatever is written meanwhile.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import RowMapping, Table, func, or_, select, update
from sqlalchemy.orm import Session

from lienthong._i18n import Message
from lienthong.evidence import LogKind, load_message
from lienthong.store._database import Database
from lienthong.store._event_entries import EventEntry, EventPage, WebhookEntry
from lienthong.store._event_rows import ApiWebhookRow
from lienthong.store._node_entries import Direction, PackageKind
from lienthong.store._node_rows import InboxRow, LogRow, OutboxRow, ReceiptRow, StatusRow

_LOG = cast(Table, LogRow.__table__)
_IN = cast(Table, InboxRow.__table__)
_OUT = cast(Table, OutboxRow.__table__)
_RECEIPTS = cast(Table, ReceiptRow.__table__)
_STATUSES = cast(Table, StatusRow.__table__)
_HOOKS = cast(Table, ApiWebhookRow.__table__)

#: Log kinds that are events (a receipt this node issued is part of "package in").
EVENT_KINDS = (
    LogKind.PACKAGE_IN,
    LogKind.PACKAGE_OUT,
    LogKind.RECEIPT_IN,
    LogKind.DELIVERY_FAILED,
    LogKind.RESYNCED,
)
_EVENT_VALUES = frozenset(kind.value for kind in EVENT_KINDS)
_OUTGOING = (LogKind.PACKAGE_OUT, LogKind.RECEIPT_IN, LogKind.DELIVERY_FAILED)


class EventStore:
    """Events and webhooks in one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @classmethod
    @contextlib.contextmanager
    def begin(cls, database: Database) -> Iterator[EventStore]:
        with database.transaction() as session:
            yield cls(session)

    # -- events ------------------------------------------------------------------------------

    def head(self) -> int:
        """The last log sequence number (0 for an empty log)."""
        return int(self._session.execute(select(func.coalesce(func.max(_LOG.c.seq), 0))).scalar_one())

    def events(self, *, codes: Collection[str], after: int, limit: int, scan: int = 2000) -> EventPage:
        """Up to ``limit`` events for ``codes`` after sequence ``after``, reading at most ``scan``
        log entries (so a client with few events never makes one call read the whole log).

        Entries of other kinds are read too, so that the page's cursor passes them: a cursor that
        stops short of the log's head would look like work left to do."""
        query = select(_LOG).where(_LOG.c.seq > after).order_by(_LOG.c.seq).limit(scan)
        rows = list(self._session.execute(query).mappings())
        found: list[EventEntry] = []
        for event in self._resolve(rows):
            if event is not None and event.code in codes:
                found.append(event)
                if len(found) == limit:
                    return EventPage(tuple(found), event.seq)
        return EventPage(tuple(found), int(rows[-1]["seq"]) if rows else after)

    def _resolve(self, every: Sequence[RowMapping]) -> Iterator[EventEntry | None]:
        rows = [row for row in every if row["kind"] in _EVENT_VALUES]
        message_ids = list({str(row["message_id"]) for row in rows})
        outbox = self._outbox(message_ids) if any(r["kind"] in _OUTGOING for r in rows) else {}
        inbox = self._inbox(message_ids) if any(r["kind"] == LogKind.PACKAGE_IN for r in rows) else {}
        shas = [str(row["sha256"]) for row in rows if row["sha256"]]
        codes = self._status_codes(list({str(row["document_id"]) for row in rows}), shas)
        accepted = self._receipts(shas)
        for row in every:
            kind = LogKind(row["kind"])
            if kind not in EVENT_KINDS:
                yield None
            elif kind is LogKind.PACKAGE_IN:
                yield _incoming(row, inbox, codes)
            elif kind is LogKind.RESYNCED:
                yield _resynced(row)
            else:
                yield _outgoing(row, kind, outbox, codes, accepted)

    def _outbox(self, message_ids: list[str]) -> dict[tuple[str, str], tuple[str, str]]:
        """(message id, recipient or deliver-to) → (sender, kind)."""
        query = select(_OUT.c.message_id, _OUT.c.recipient, _OUT.c.deliver_to, _OUT.c.sender, _OUT.c.kind)
        found: dict[tuple[str, str], tuple[str, str]] = {}
        for row in self._session.execute(query.where(_OUT.c.message_id.in_(message_ids))):
            found[(row.message_id, row.recipient)] = (row.sender, row.kind)
            found.setdefault((row.message_id, row.deliver_to), (row.sender, row.kind))
        return found

    def _inbox(self, message_ids: list[str]) -> dict[str, list[RowMapping]]:
        query = select(_IN).where(_IN.c.message_id.in_(message_ids)).order_by(_IN.c.id)
        found: dict[str, list[RowMapping]] = {}
        for row in self._session.execute(query).mappings():
            found.setdefault(str(row["message_id"]), []).append(row)
        return found

    def _status_codes(self, document_ids: list[str], shas: list[str]) -> dict[str, str]:
        # By document first: the timeline's unique index starts with it (the digest has none).
        query = select(_STATUSES.c.package_sha256, _STATUSES.c.status_code).where(
            _STATUSES.c.document_id.in_(document_ids), _STATUSES.c.package_sha256.in_(shas)
        )
        rows = self._session.execute(query)
        return {str(sha): str(code) for sha, code in rows}

    def _receipts(self, shas: list[str]) -> dict[str, tuple[bool, Message | str | None]]:
        query = select(_RECEIPTS.c.sha256, _RECEIPTS.c.accepted, _RECEIPTS.c.reason).where(
            _RECEIPTS.c.sha256.in_(shas), _RECEIPTS.c.direction == Direction.IN.value
        )
        return {
            str(r.sha256): (bool(r.accepted), load_message(r.reason)) for r in self._session.execute(query)
        }

    # -- webhooks ----------------------------------------------------------------------------

    def put_webhook(self, entry: WebhookEntry) -> None:
        """Register (or replace) the webhook of ``entry.client``."""
        self._session.execute(_HOOKS.delete().where(_HOOKS.c.client == entry.client))
        self._session.execute(
            _HOOKS.insert().values(
                client=entry.client,
                url=entry.url,
                secret=entry.secret,
                cursor=entry.cursor,
                attempts=entry.attempts,
                next_attempt_at=entry.next_attempt_at,
                last_error=entry.last_error,
                created_at=entry.created_at,
            )
        )

    def webhook(self, client: str) -> WebhookEntry | None:
        row = self._session.execute(select(_HOOKS).where(_HOOKS.c.client == client)).mappings().first()
        return None if row is None else _webhook(row)

    def remove_webhook(self, client: str) -> bool:
        result = self._session.execute(_HOOKS.delete().where(_HOOKS.c.client == client))
        return bool(getattr(result, "rowcount", 0))

    def claim_webhooks(self, *, now: datetime, until: datetime, token: str, limit: int) -> list[WebhookEntry]:
        """Claim up to ``limit`` webhooks due now, behind the log (an idle one costs no write),
        whose claim (if any) has lapsed."""
        due = (
            select(_HOOKS.c.id)
            .where(_HOOKS.c.next_attempt_at <= now, _HOOKS.c.cursor < self.head())
            .where(or_(_HOOKS.c.lease_until.is_(None), _HOOKS.c.lease_until < now))
            .order_by(_HOOKS.c.next_attempt_at)
            .limit(limit)
        )
        ids = [int(i) for i in self._session.scalars(due)]
        if not ids:
            return []
        self._session.execute(
            update(_HOOKS)
            .where(_HOOKS.c.id.in_(ids))
            .where(or_(_HOOKS.c.lease_until.is_(None), _HOOKS.c.lease_until < now))
            .values(lease_until=until, claim_token=token)
        )
        query = select(_HOOKS).where(_HOOKS.c.id.in_(ids), _HOOKS.c.claim_token == token)
        return [_webhook(row) for row in self._session.execute(query).mappings()]

    def settle_webhook(
        self,
        client: str,
        *,
        token: str,
        secret: str,
        cursor: int,
        attempts: int,
        next_attempt_at: datetime,
        last_error: str | None,
        release: bool = True,
    ) -> bool:
        """Record a claim's outcome (and release it unless ``release`` is False); False when the
        claim was lost or the webhook was replaced meanwhile (a new secret: nothing of the old
        registration applies)."""
        values: dict[str, object] = {
            "cursor": cursor,
            "attempts": attempts,
            "next_attempt_at": next_attempt_at,
            "last_error": last_error,
        }
        if release:
            values.update(lease_until=None, claim_token=None)
        result = self._session.execute(
            update(_HOOKS)
            .where(_HOOKS.c.client == client, _HOOKS.c.claim_token == token, _HOOKS.c.secret == secret)
            .values(**values)
        )
        return bool(getattr(result, "rowcount", 0))


def _incoming(
    row: RowMapping, inbox: dict[str, list[RowMapping]], codes: dict[str, str]
) -> EventEntry | None:
    # The inbox row was written with the log entry, in the same transaction and with the same
    # time: that pairs them (the log does not name the recipient).
    candidates = inbox.get(str(row["message_id"]), [])
    match = next((c for c in candidates if c["received_at"] == row["at"]), None)
    if match is None:
        return None
    candidates.remove(match)
    kind = PackageKind(match["kind"])
    return EventEntry(
        seq=int(row["seq"]),
        at=row["at"],
        kind=LogKind.PACKAGE_IN,
        message_id=str(row["message_id"]),
        document_id=str(row["document_id"]),
        code=str(match["recipient"]),
        party=str(row["party"]),
        package_kind=kind,
        status_code=codes.get(str(row["sha256"])) if kind is PackageKind.STATUS else None,
        position=int(match["id"]),
    )


def _resynced(row: RowMapping) -> EventEntry:
    """The resync after a restore is complete, for one code served here (``party``)."""
    return EventEntry(
        seq=int(row["seq"]),
        at=row["at"],
        kind=LogKind.RESYNCED,
        message_id="",
        document_id="",
        code=str(row["party"]),
        party="",
        package_kind=PackageKind.DOCUMENT,
        reason=str(row["note"]),
    )


def _outgoing(
    row: RowMapping,
    kind: LogKind,
    outbox: dict[tuple[str, str], tuple[str, str]],
    codes: dict[str, str],
    receipts: dict[str, tuple[bool, Message | str | None]],
) -> EventEntry | None:
    found = outbox.get((str(row["message_id"]), str(row["party"])))
    if found is None:
        return None
    sender, package_kind = found[0], PackageKind(found[1])
    sha = str(row["sha256"])
    accepted, reason = receipts.get(sha, (None, None)) if kind is LogKind.RECEIPT_IN else (None, None)
    if kind is LogKind.DELIVERY_FAILED:
        reason = load_message(str(row["note"]))
    return EventEntry(
        seq=int(row["seq"]),
        at=row["at"],
        kind=kind,
        message_id=str(row["message_id"]),
        document_id=str(row["document_id"]),
        code=sender,
        party=str(row["party"]),
        package_kind=package_kind,
        status_code=codes.get(sha) if kind is LogKind.PACKAGE_OUT else None,
        accepted=accepted,
        reason=reason,
    )


def _webhook(row: RowMapping) -> WebhookEntry:
    return WebhookEntry(
        client=row["client"],
        url=row["url"],
        secret=row["secret"],
        cursor=row["cursor"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        created_at=row["created_at"],
        last_error=row["last_error"],
    )
