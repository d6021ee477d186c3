"""``DirectoryStore``: the directory's rows behind one session, as entries in and out.

It decides nothing about agencies or routing (that is ``lienthong.directory``); it stores,
versions and audits. The first write of a transaction takes the next version from the single
``directory_state`` row with ``UPDATE … RETURNING``, which also locks it: concurrent writers
queue, so versions are committed in the order they are taken and a delta never misses a change.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session

from lienthong.store._database import Database
from lienthong.store._entries import (
    AgencyEntry,
    AuditEntry,
    CertificateBinding,
    DirectorySnapshot,
    NodeEntry,
    RevocationList,
    Tombstone,
    TrustAnchor,
)
from lienthong.store._rows import (
    AgencyRow,
    AnchorRow,
    AuditRow,
    BindingRow,
    CrlRow,
    DirectoryStateRow,
    NodeRow,
    SubtreeRow,
    TombstoneRow,
)

#: Codes per ``IN (…)``: far below the bound-parameter limits of SQLite and PostgreSQL.
_BATCH = 500


class DirectoryStore:
    """The directory's tables in one session (one transaction)."""

    def __init__(self, session: Session, *, actor: str = "system", at: datetime | None = None) -> None:
        self._session = session
        self._actor = actor
        self._at = at or datetime.now(UTC)
        self._version: int | None = None

    @classmethod
    @contextlib.contextmanager
    def begin(
        cls, database: Database, *, actor: str = "system", at: datetime | None = None
    ) -> Iterator[DirectoryStore]:
        """The directory store in one new transaction, committed when the block ends."""
        with database.transaction() as session:
            yield cls(session, actor=actor, at=at)

    # -- versions and audit ------------------------------------------------------------------

    def version(self) -> int:
        """The version of the last committed change (0 for an empty directory)."""
        if self._version is not None:
            return self._version
        return self._session.execute(select(DirectoryStateRow.version)).scalar_one()

    def _next(self) -> int:
        if self._version is None:
            self._version = self._session.execute(
                update(DirectoryStateRow)
                .values(version=DirectoryStateRow.version + 1)
                .returning(DirectoryStateRow.version)
            ).scalar_one()
        return self._version

    def record(self, action: str, subject: str, detail: str | None = None) -> int:
        """Audit one change (taking this transaction's version); returns the version."""
        version = self._next()
        self._session.add(
            AuditRow(
                version=version, at=self._at, actor=self._actor, action=action, subject=subject, detail=detail
            )
        )
        return version

    def audit(
        self,
        *,
        limit: int = 100,
        subject: str | None = None,
        actor: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        offset: int = 0,
    ) -> list[AuditEntry]:
        """The latest recorded changes, newest first, from the ``offset``-th on (a page of them).

        ``action`` is a whole action (``agency.close``) or its kind (``agency``: every
        ``agency.…``); ``since`` is inclusive, ``until`` exclusive.
        """
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit).offset(offset)
        if subject is not None:
            query = query.where(AuditRow.subject == subject)
        if actor is not None:
            query = query.where(AuditRow.actor == actor)
        if action is not None:
            query = query.where(or_(AuditRow.action == action, AuditRow.action.startswith(f"{action}.")))
        if since is not None:
            query = query.where(AuditRow.at >= since)
        if until is not None:
            query = query.where(AuditRow.at < until)
        return [_audit(row) for row in self._session.scalars(query)]

    # -- agencies ----------------------------------------------------------------------------

    def agencies(self, *, since: int | None = None) -> list[AgencyEntry]:
        """Every agency period (changed after ``since``, if given), by code then start."""
        table = AgencyRow.__table__
        # "Since forever" first on both databases (PostgreSQL puts NULL last by default).
        query = select(table).order_by(table.c.code, table.c.valid_from.asc().nulls_first())
        if since is not None:
            query = query.where(table.c.version > since)
        return [_agency(row) for row in self._session.execute(query).mappings()]

    def history(self, code: str) -> list[AgencyEntry]:
        table = AgencyRow.__table__
        query = select(table).where(table.c.code == code).order_by(table.c.valid_from)
        entries = [_agency(row) for row in self._session.execute(query).mappings()]
        # NULL sorts last in PostgreSQL and first in SQLite: "since forever" comes first.
        return sorted(entries, key=lambda e: (e.valid_from is not None, e.valid_from or date.min))

    def put_agencies(self, entries: Sequence[AgencyEntry], *, action: str) -> None:
        """Insert each period, or replace the one with the same code and start day.

        Done in bulk (one read, one insert, one update, one audit insert), so seeding tens of
        thousands of units takes seconds, not minutes.
        """
        if not entries:
            return
        version = self._next()
        table = AgencyRow.__table__
        codes = sorted({entry.code for entry in entries})
        existing: dict[tuple[str, date | None], int] = {}
        for start in range(0, len(codes), _BATCH):
            query = select(table.c.id, table.c.code, table.c.valid_from).where(
                table.c.code.in_(codes[start : start + _BATCH])
            )
            for row_id, code, valid_from in self._session.execute(query):
                existing[(code, valid_from)] = row_id
        inserts, updates = [], []
        for entry in entries:
            values = {
                "code": entry.code,
                "class_letter": entry.class_letter,
                "level": entry.level,
                "parent": entry.parent,
                "name": entry.name,
                "contact": entry.contact,
                "valid_from": entry.valid_from,
                "valid_to": entry.valid_to,
                "successor": entry.successor,
                "note": entry.note,
                "version": version,
            }
            row_id = existing.get((entry.code, entry.valid_from))
            if row_id is None:
                inserts.append(values)
            else:
                updates.append({"id": row_id, **values})
        if inserts:
            self._session.execute(insert(AgencyRow), inserts)
        if updates:
            self._session.execute(update(AgencyRow), updates)
        self._session.execute(
            insert(AuditRow),
            [
                {
                    "version": version,
                    "at": self._at,
                    "actor": self._actor,
                    "action": action,
                    "subject": entry.code,
                    "detail": _period(entry),
                }
                for entry in entries
            ],
        )

    # -- nodes ---------------------------------------------------------------------------------

    def nodes(self, *, since: int | None = None) -> list[NodeEntry]:
        query = select(NodeRow).order_by(NodeRow.name)
        if since is not None:
            query = query.where(NodeRow.version > since)
        rows = list(self._session.scalars(query))
        subtrees: dict[int, list[str]] = {}
        for node_id, code in self._session.execute(select(SubtreeRow.node_id, SubtreeRow.code)):
            subtrees.setdefault(node_id, []).append(code)
        return [_node(row, subtrees.get(row.id, [])) for row in rows]

    def node(self, name: str) -> NodeEntry | None:
        row = self._session.scalars(select(NodeRow).where(NodeRow.name == name)).one_or_none()
        if row is None:
            return None
        codes = self._session.scalars(select(SubtreeRow.code).where(SubtreeRow.node_id == row.id))
        return _node(row, list(codes))

    def subtree_owners(self, codes: Iterable[str]) -> dict[str, str]:
        """Which node holds each of ``codes`` as a subtree rule (codes held by none are absent)."""
        query = (
            select(SubtreeRow.code, NodeRow.name)
            .join(NodeRow, SubtreeRow.node_id == NodeRow.id)
            .where(SubtreeRow.code.in_(list(codes)))
        )
        return {row.code: row.name for row in self._session.execute(query)}

    def put_node(self, entry: NodeEntry, *, action: str) -> None:
        """Create or replace a node and its subtree rules (taken from other nodes if they had them)."""
        version = self.record(action, entry.name, f"{entry.peer_url} {' '.join(entry.subtrees)}")
        row = self._session.scalars(select(NodeRow).where(NodeRow.name == entry.name)).one_or_none()
        if row is None:
            row = NodeRow(name=entry.name)
            self._session.add(row)
        row.peer_url, row.tls_certificate_pem, row.seal_certificate_pem, row.version = (
            entry.peer_url,
            entry.tls_certificate_pem,
            entry.seal_certificate_pem,
            version,
        )
        row.next_tls_certificate_pem = entry.next_tls_certificate_pem
        self._session.flush()
        losers = self._session.scalars(
            select(SubtreeRow.node_id).where(
                SubtreeRow.code.in_(entry.subtrees), SubtreeRow.node_id != row.id
            )
        ).all()
        if losers:
            # A node that loses a rule changes too: a delta must carry it.
            self._session.execute(update(NodeRow).where(NodeRow.id.in_(losers)).values(version=version))
        self._session.execute(
            delete(SubtreeRow).where((SubtreeRow.node_id == row.id) | SubtreeRow.code.in_(entry.subtrees))
        )
        self._session.flush()
        self._session.add_all(
            SubtreeRow(code=code, node_id=row.id, version=version) for code in entry.subtrees
        )

    def delete_node(self, name: str) -> bool:
        row = self._session.scalars(select(NodeRow).where(NodeRow.name == name)).one_or_none()
        if row is None:
            return False
        version = self.record("node.remove", name)
        self._session.execute(delete(SubtreeRow).where(SubtreeRow.node_id == row.id))
        self._session.delete(row)
        self._session.add(TombstoneRow(kind="node", key=name, version=version))
        return True

    # -- certificates, anchors, CRLs ---------------------------------------------------------

    def bindings(
        self, *, since: int | None = None, fingerprint: str | None = None
    ) -> list[CertificateBinding]:
        query = select(BindingRow).order_by(BindingRow.code, BindingRow.fingerprint)
        if since is not None:
            query = query.where(BindingRow.version > since)
        if fingerprint is not None:
            query = query.where(BindingRow.fingerprint == fingerprint)
        return [_binding(row) for row in self._session.scalars(query)]

    def put_binding(self, binding: CertificateBinding) -> None:
        version = self.record("certificate.bind", binding.code, binding.fingerprint)
        row = self._session.scalars(
            select(BindingRow).where(
                BindingRow.fingerprint == binding.fingerprint, BindingRow.code == binding.code
            )
        ).one_or_none()
        if row is None:
            row = BindingRow(fingerprint=binding.fingerprint, code=binding.code)
            self._session.add(row)
        row.subtree, row.certificate_pem, row.version = binding.subtree, binding.certificate_pem, version

    def delete_binding(self, fingerprint: str, code: str) -> bool:
        found = self._session.scalars(
            select(BindingRow).where(BindingRow.fingerprint == fingerprint, BindingRow.code == code)
        ).one_or_none()
        if found is None:
            return False
        version = self.record("certificate.unbind", code, fingerprint)
        self._session.delete(found)
        self._session.add(TombstoneRow(kind="binding", key=f"{fingerprint} {code}", version=version))
        return True

    def anchors(self, *, since: int | None = None) -> list[TrustAnchor]:
        query = select(AnchorRow).order_by(AnchorRow.fingerprint)
        if since is not None:
            query = query.where(AnchorRow.version > since)
        return [_anchor(row) for row in self._session.scalars(query)]

    def put_anchor(self, anchor: TrustAnchor) -> bool:
        """Add an anchor; False (and no new version) when it is already there."""
        exists = self._session.scalars(
            select(AnchorRow.id).where(AnchorRow.fingerprint == anchor.fingerprint)
        ).first()
        if exists is not None:
            return False
        version = self.record("anchor.add", anchor.subject, anchor.fingerprint)
        self._session.add(
            AnchorRow(
                fingerprint=anchor.fingerprint,
                subject=anchor.subject,
                certificate_pem=anchor.certificate_pem,
                version=version,
            )
        )
        return True

    def crls(self, *, since: int | None = None) -> list[RevocationList]:
        query = select(CrlRow).order_by(CrlRow.issuer)
        if since is not None:
            query = query.where(CrlRow.version > since)
        return [_crl(row) for row in self._session.scalars(query)]

    def put_crl(self, crl: RevocationList) -> bool:
        """Keep this CRL as its issuer's latest, unless a newer or the same one is stored."""
        row = self._session.scalars(select(CrlRow).where(CrlRow.issuer == crl.issuer)).one_or_none()
        if row is not None and (row.fingerprint == crl.fingerprint or row.this_update >= crl.this_update):
            return False
        version = self.record("crl.put", crl.issuer, crl.fingerprint)
        if row is None:
            row = CrlRow(issuer=crl.issuer)
            self._session.add(row)
        row.fingerprint, row.crl_pem, row.version = crl.fingerprint, crl.crl_pem, version
        row.this_update, row.next_update = crl.this_update, crl.next_update
        return True

    # -- snapshots -----------------------------------------------------------------------------

    def snapshot(self, *, since: int | None = None) -> DirectorySnapshot:
        """Everything, or what changed after ``since``, read in this one transaction."""
        deleted: Sequence[Tombstone] = ()
        if since is not None:
            query = select(TombstoneRow).where(TombstoneRow.version > since).order_by(TombstoneRow.id)
            deleted = [Tombstone(row.kind, row.key, row.version) for row in self._session.scalars(query)]
        return DirectorySnapshot(
            version=self.version(),
            agencies=tuple(self.agencies(since=since)),
            nodes=tuple(self.nodes(since=since)),
            bindings=tuple(self.bindings(since=since)),
            anchors=tuple(self.anchors(since=since)),
            crls=tuple(self.crls(since=since)),
            since=since,
            deleted=tuple(deleted),
        )


# -- mappers: one per row ----------------------------------------------------------------------


def _agency(row: object) -> AgencyEntry:
    values = dict(row)  # type: ignore[call-overload]
    return AgencyEntry(
        code=values["code"],
        name=values["name"],
        contact=values["contact"],
        valid_from=values["valid_from"],
        valid_to=values["valid_to"],
        successor=values["successor"],
        note=values["note"],
        version=values["version"],
    )


def _node(row: NodeRow, subtrees: list[str]) -> NodeEntry:
    return NodeEntry(
        row.name,
        row.peer_url,
        row.tls_certificate_pem,
        tuple(sorted(subtrees)),
        row.version,
        row.seal_certificate_pem,
        row.next_tls_certificate_pem,
    )


def _binding(row: BindingRow) -> CertificateBinding:
    return CertificateBinding(row.fingerprint, row.code, row.certificate_pem, row.subtree, row.version)


def _anchor(row: AnchorRow) -> TrustAnchor:
    return TrustAnchor(row.fingerprint, row.subject, row.certificate_pem, row.version)


def _crl(row: CrlRow) -> RevocationList:
    return RevocationList(
        row.issuer, row.fingerprint, row.crl_pem, row.this_update, row.next_update, row.version
    )


def _audit(row: AuditRow) -> AuditEntry:
    return AuditEntry(row.version, row.at, row.actor, row.action, row.subject, row.detail)


def _period(entry: AgencyEntry) -> str:
    start = entry.valid_from.isoformat() if entry.valid_from else "…"
    end = entry.valid_to.isoformat() if entry.valid_to else "…"
    heir = f" → {entry.successor}" if entry.successor else ""
    return f"{entry.name or ''} [{start}, {end}){heir}"
