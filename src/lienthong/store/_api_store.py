"""``ApiStore``: a node's API clients and acknowledgments, the inbox as the API pages it, and
the VXP requests already accepted (the replay memory shared by the node's processes).

Listing pages by the inbox row id (``position``): rows are only ever appended, so a cursor
"after position N" never skips nor repeats an item, whatever arrives meanwhile.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import RowMapping, Select, Table, bindparam, func, select, text
from sqlalchemy.orm import Session

from lienthong.store._api_entries import ApiClientEntry, ClientKind, InboxItem
from lienthong.store._api_rows import ApiAckRow, ApiClientRow, VxpReplayRow
from lienthong.store._database import Database
from lienthong.store._errors import StoreConflict
from lienthong.store._event_rows import ApiWebhookRow
from lienthong.store._node_entries import PackageKind
from lienthong.store._node_rows import InboxRow, OutboxRow
from lienthong.store._node_store import _inbox, _writer_lock

_CLIENTS = cast(Table, ApiClientRow.__table__)
_ACKS = cast(Table, ApiAckRow.__table__)
_IN = cast(Table, InboxRow.__table__)
_OUT = cast(Table, OutboxRow.__table__)
_HOOKS = cast(Table, ApiWebhookRow.__table__)
_REPLAYS = cast(Table, VxpReplayRow.__table__)
#: Insert-if-absent in one statement, so two processes offered the same request cannot both see
#: it first: SQLite and PostgreSQL spell ``ON CONFLICT`` alike (as ``_node_store`` does).
_REMEMBER = text(
    f"INSERT INTO {_REPLAYS.name} (systemid, mac, expires_at) VALUES (:systemid, :mac, :expires_at) "
    "ON CONFLICT (systemid, mac) DO NOTHING"
).bindparams(bindparam("expires_at", type_=_REPLAYS.c.expires_at.type))


class ApiStore:
    """The API's tables (and the inbox, read) in one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @classmethod
    @contextlib.contextmanager
    def begin(cls, database: Database, *, writer: bool = False) -> Iterator[ApiStore]:
        """The store in one new transaction. ``writer``: one of many frequent writers (a VXP
        request's replay memory); on SQLite it first queues on this process's writer lock, as
        ``NodeStore`` writers do, instead of sleeping in SQLite's busy handler."""
        with contextlib.ExitStack() as stack:
            if writer and database.dialect == "sqlite":
                stack.enter_context(_writer_lock(database))
            yield cls(stack.enter_context(database.transaction()))

    # -- clients -----------------------------------------------------------------------------

    def add_client(self, entry: ApiClientEntry) -> None:
        """Store a client; raises ``StoreConflict`` if its name, token or systemid is taken."""
        taken = select(_CLIENTS.c.id).where(_CLIENTS.c.name == entry.name)
        if entry.systemid is not None:
            taken = select(_CLIENTS.c.id).where(
                (_CLIENTS.c.name == entry.name) | (_CLIENTS.c.systemid == entry.systemid)
            )
        if self._session.execute(taken).first():
            raise StoreConflict(f"client {entry.name} / {entry.systemid} exists")
        self._session.execute(
            _CLIENTS.insert().values(
                name=entry.name,
                kind=entry.kind.value,
                token_sha256=entry.token_sha256,
                systemid=entry.systemid,
                secret=entry.secret,
                vxp_timezone=entry.vxp_timezone,
                codes=json.dumps(list(entry.codes)),
                created_at=entry.created_at,
            )
        )

    def remove_client(self, name: str) -> bool:
        """Remove a client and its webhook."""
        self._session.execute(_HOOKS.delete().where(_HOOKS.c.client == name))
        result = self._session.execute(_CLIENTS.delete().where(_CLIENTS.c.name == name))
        return bool(getattr(result, "rowcount", 0))

    def clients(self) -> list[ApiClientEntry]:
        rows = self._session.execute(select(_CLIENTS).order_by(_CLIENTS.c.name)).mappings()
        return [_client(row) for row in rows]

    def client_by_token(self, token_sha256: str) -> ApiClientEntry | None:
        query = select(_CLIENTS).where(_CLIENTS.c.token_sha256 == token_sha256)
        row = self._session.execute(query).mappings().first()
        return None if row is None else _client(row)

    def client_by_name(self, name: str) -> ApiClientEntry | None:
        row = self._session.execute(select(_CLIENTS).where(_CLIENTS.c.name == name)).mappings().first()
        return None if row is None else _client(row)

    def client_by_systemid(self, systemid: str) -> ApiClientEntry | None:
        query = select(_CLIENTS).where(_CLIENTS.c.systemid == systemid)
        row = self._session.execute(query).mappings().first()
        return None if row is None else _client(row)

    # -- VXP replay memory -------------------------------------------------------------------

    def remember_vxp_request(self, systemid: str, mac: str, *, until: datetime) -> bool:
        """Hold the request (``systemid``, ``mac``) until ``until``: True if it was not held yet,
        False if it was (a replay), decided atomically however many processes ask."""
        result = self._session.execute(_REMEMBER, {"systemid": systemid, "mac": mac, "expires_at": until})
        return bool(getattr(result, "rowcount", 0))

    def forget_vxp_requests(self, *, before: datetime, limit: int) -> int:
        """Forget up to ``limit`` requests held until before ``before``; how many were."""
        expired = (
            select(_REPLAYS.c.id)
            .where(_REPLAYS.c.expires_at < before)
            .limit(limit)
            # Rows another process is purging are left to it (PostgreSQL; SQLite has one writer).
            .with_for_update(skip_locked=True)
        )
        result = self._session.execute(_REPLAYS.delete().where(_REPLAYS.c.id.in_(expired.scalar_subquery())))
        return int(getattr(result, "rowcount", 0))

    # -- inbox and acknowledgments ----------------------------------------------------------

    def acknowledge(
        self, message_id: str, recipient: str, *, outcome: str, client: str, at: datetime
    ) -> None:
        """Record (or overwrite) the acknowledgment of one received package."""
        self._session.execute(
            _ACKS.delete().where(_ACKS.c.message_id == message_id, _ACKS.c.recipient == recipient)
        )
        self._session.execute(
            _ACKS.insert().values(
                message_id=message_id, recipient=recipient, outcome=outcome, client=client, at=at
            )
        )

    def inbox_items(
        self,
        *,
        recipients: Sequence[str],
        after: int = 0,
        limit: int = 100,
        kind: PackageKind | None = None,
        sender: str | None = None,
        acknowledged: bool | None = None,
        message_id: str | None = None,
        document_id: str | None = None,
    ) -> list[InboxItem]:
        """Up to ``limit`` received packages for ``recipients`` after position ``after``."""
        query = self._inbox_query(recipients, kind, sender, acknowledged, message_id, document_id)
        query = query.where(_IN.c.id > after).order_by(_IN.c.id).limit(limit)
        return [
            InboxItem(
                position=row["id"],
                entry=_inbox(row),
                acknowledged=row["ack_outcome"],
                acknowledged_at=row["ack_at"],
            )
            for row in self._session.execute(query).mappings()
        ]

    def outbox_messages(
        self, *, senders: Sequence[str], after: int = 0, limit: int = 100, message_id: str | None = None
    ) -> list[tuple[int, str]]:
        """(position, message id) of up to ``limit`` messages sent by ``senders`` after ``after``;
        a message's position is its first outbox row's id."""
        first = func.min(_OUT.c.id)
        query = select(first, _OUT.c.message_id).where(_OUT.c.sender.in_(list(senders)))
        if message_id is not None:
            query = query.where(_OUT.c.message_id == message_id)
        query = query.group_by(_OUT.c.message_id).having(first > after).order_by(first).limit(limit)
        return [(int(position), str(mid)) for position, mid in self._session.execute(query).all()]

    def count_inbox(
        self, *, recipients: Sequence[str], kind: PackageKind | None = None, acknowledged: bool | None = None
    ) -> int:
        inner = self._inbox_query(recipients, kind, None, acknowledged, None, None).subquery()
        return int(self._session.execute(select(func.count()).select_from(inner)).scalar_one())

    def _inbox_query(
        self,
        recipients: Sequence[str],
        kind: PackageKind | None,
        sender: str | None,
        acknowledged: bool | None,
        message_id: str | None,
        document_id: str | None,
    ) -> Select[Any]:
        joined = _IN.outerjoin(
            _ACKS, (_ACKS.c.message_id == _IN.c.message_id) & (_ACKS.c.recipient == _IN.c.recipient)
        )
        query = (
            select(_IN, _ACKS.c.outcome.label("ack_outcome"), _ACKS.c.at.label("ack_at"))
            .select_from(joined)
            .where(_IN.c.recipient.in_(list(recipients)))
        )
        for column, value in (
            (_IN.c.kind, None if kind is None else kind.value),
            (_IN.c.sender, sender),
            (_IN.c.message_id, message_id),
            (_IN.c.document_id, document_id),
        ):
            if value is not None:
                query = query.where(column == value)
        if acknowledged is True:
            query = query.where(_ACKS.c.id.is_not(None))
        elif acknowledged is False:
            query = query.where(_ACKS.c.id.is_(None))
        return query


def _client(row: RowMapping) -> ApiClientEntry:
    return ApiClientEntry(
        name=row["name"],
        kind=ClientKind(row["kind"]),
        codes=tuple(json.loads(row["codes"])),
        created_at=row["created_at"],
        token_sha256=row["token_sha256"],
        systemid=row["systemid"],
        secret=row["secret"],
        vxp_timezone=row["vxp_timezone"],
    )
