"""``NodeAudit``: what people did on a node, in its database (the operator's audit log).

Every console action (a status sent, a delivery retried or given up, a user added, disabled or
reset, a login refused by a lockout, an agency's signature settings changed) and every change of
the node's configuration made through a command is one append-only entry: when, who, from where,
what (a kebab-case action code) on what, with its parameters as data. The text people read is
rendered from the action code at the edge, in the reader's language; nothing here holds prose.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from sqlalchemy import Index, Integer, String, Table, Text, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lienthong.store._database import Database
from lienthong.store._rows import Base, UtcDateTime

ACTOR_LENGTH = 200
TARGET_LENGTH = 300


class NodeAuditRow(Base):
    """One audited action. Append-only."""

    __tablename__ = "node_audit"
    __table_args__ = (
        Index("ix_node_audit_at", "at"),
        Index("ix_node_audit_actor_id", "actor", "id"),
        Index("ix_node_audit_target_id", "target", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    #: The console user's name, or ``cli:<system user>`` for a command.
    actor: Mapped[str] = mapped_column(String(ACTOR_LENGTH), nullable=False)
    #: A kebab-case code: ``status-sent``, ``delivery-retried``, ``user-disabled``, …
    action: Mapped[str] = mapped_column(String(80), nullable=False)
    #: What it acted on: a message id, a user name, an agency code ("" for none).
    target: Mapped[str] = mapped_column(String(TARGET_LENGTH), nullable=False)
    #: The client address, when the action came over the network.
    address: Mapped[str] = mapped_column(String(64), nullable=False)
    #: Parameters as a JSON object of strings.
    params: Mapped[str] = mapped_column(Text, nullable=False)


_AUDIT = cast(Table, NodeAuditRow.__table__)


@dataclass(frozen=True, slots=True)
class NodeAuditEntry:
    """One audited action (``id`` is 0 until stored)."""

    at: datetime
    actor: str
    action: str
    target: str = ""
    params: Mapping[str, str] = field(default_factory=dict)
    address: str = ""
    id: int = 0


class NodeAudit:
    """The audit log in one transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @classmethod
    @contextlib.contextmanager
    def begin(cls, database: Database) -> Iterator[NodeAudit]:
        with database.transaction() as session:
            yield cls(session)

    def record(self, entry: NodeAuditEntry) -> None:
        self._session.execute(
            insert(_AUDIT).values(
                at=entry.at,
                actor=entry.actor[:ACTOR_LENGTH],
                action=entry.action,
                target=entry.target[:TARGET_LENGTH],
                address=entry.address[:64],
                params=json.dumps(dict(entry.params), ensure_ascii=False, sort_keys=True),
            )
        )

    def actions(self) -> list[str]:
        """Every action code recorded, sorted (what a filter offers)."""
        query = select(_AUDIT.c.action).distinct().order_by(_AUDIT.c.action)
        return [str(action) for action in self._session.execute(query).scalars()]

    def entries(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        target: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before: int | None = None,
        limit: int = 100,
    ) -> list[NodeAuditEntry]:
        """Entries matching every filter given, newest first; ``before`` (an id) pages back."""
        query = select(_AUDIT).order_by(_AUDIT.c.id.desc()).limit(limit)
        if actor is not None:
            query = query.where(_AUDIT.c.actor == actor)
        if action is not None:
            query = query.where(_AUDIT.c.action == action)
        if target is not None:
            query = query.where(_AUDIT.c.target == target)
        if since is not None:
            query = query.where(_AUDIT.c.at >= since)
        if until is not None:
            query = query.where(_AUDIT.c.at < until)
        if before is not None:
            query = query.where(_AUDIT.c.id < before)
        return [
            NodeAuditEntry(
                at=row.at,
                actor=row.actor,
                action=row.action,
                target=row.target,
                params={str(k): str(v) for k, v in json.loads(row.params).items()},
                address=row.address,
                id=row.id,
            )
            for row in self._session.execute(query)
        ]

    def latest_for(self, action: str, targets: Iterable[str]) -> dict[str, NodeAuditEntry]:
        """The newest ``action`` entry of each of ``targets`` that has one, in one query: what
        a page needs to name who did each of several things (a timeline's steps)."""
        wanted = sorted(set(targets))
        if not wanted:
            return {}
        query = (
            select(_AUDIT).where(_AUDIT.c.action == action, _AUDIT.c.target.in_(wanted)).order_by(_AUDIT.c.id)
        )
        return {
            row.target: NodeAuditEntry(
                at=row.at,
                actor=row.actor,
                action=row.action,
                target=row.target,
                params={str(k): str(v) for k, v in json.loads(row.params).items()},
                address=row.address,
                id=row.id,
            )
            for row in self._session.execute(query)
        }
