"""A document's path and timing read back from one node's store (``lienthong node trace``).

What ``_trace`` had recorded is put together per leg (the document between its sender and one
recipient, as this node saw it): the package's TraceHeaders, when the sending node accepted and
sent it (its outbox and log), when the receiving node stored it (its signed receipt, or its own
log with the hop record naming the sending node), the statuses exchanged and the recall's state.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lienthong._i18n import Language, say
from lienthong.edxml import VIETNAM_TZ, DigestSink, DocumentPackage, StatusCode, parse_package
from lienthong.errors import LienthongError
from lienthong.evidence import EvidenceError, LogKind, read_receipt
from lienthong.node._evidence import entries_of_sender, resolve_document
from lienthong.node._package import PackageSource
from lienthong.node._recall import recall_states
from lienthong.store import BlobStorage, Database, Direction, LogEntry, NodeStore, PackageKind, StatusEntry


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(VIETNAM_TZ).isoformat(timespec="seconds")


def _note(entry: LogEntry | None) -> dict[str, Any]:
    if entry is None or not entry.record.note.startswith("{"):
        return {}
    try:
        found = json.loads(entry.record.note)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


@dataclass(frozen=True, slots=True)
class Step:
    """A status on the document from one agency to another."""

    code: str
    label: str
    reporter: str
    addressee: str
    timestamp: datetime
    direction: str
    description: str | None

    @classmethod
    def of(cls, entry: StatusEntry) -> Step:
        try:
            label = str(StatusCode(entry.status_code).label)
        except ValueError:
            label = entry.status_code
        return cls(
            entry.status_code, label, entry.reporter, entry.addressee, entry.timestamp,
            entry.direction.value, entry.description,
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "label": self.label, "reporter": self.reporter, "addressee": self.addressee,
            "timestamp": _iso(self.timestamp), "direction": self.direction, "description": self.description,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Leg:
    """The document between its sender and one recipient, as one node saw it."""

    sender: str
    recipient: str
    #: Where it went or came to: the recipient's code, or its successor's.
    deliver_to: str
    #: ``out`` (sent from here) or ``in`` (received here).
    direction: str
    #: When the sending node accepted it (known to the sender's node only).
    accepted_at: datetime | None = None
    #: When the sending node sent it (the sender's log; the receiver's hop record, a claim).
    sent_at: datetime | None = None
    #: When the receiving node stored it (its signed receipt; its own log).
    received_at: datetime | None = None
    #: The sending node (receiver's side: by its TLS certificate) and the receiving node.
    from_node: str | None = None
    to_node: str | None = None
    #: Outbox state (sender's side) or disposition (recipient's side).
    state: str = ""
    attempts: int | None = None
    receipt: str | None = None
    recall: str | None = None
    statuses: tuple[Step, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "sender": self.sender, "recipient": self.recipient, "deliver_to": self.deliver_to,
            "direction": self.direction, "accepted_at": _iso(self.accepted_at), "sent_at": _iso(self.sent_at),
            "received_at": _iso(self.received_at), "from_node": self.from_node, "to_node": self.to_node,
            "state": self.state, "attempts": self.attempts, "receipt": self.receipt, "recall": self.recall,
            "statuses": [s.to_dict() for s in self.statuses],
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class DocumentTrace:
    """Everything one node knows of one document's path and timing."""

    document_id: str
    node: str
    #: The package's ``TraceHeader``s: (OrganId, Timestamp), in order.
    package_trace: tuple[tuple[str, datetime | None], ...] = ()
    legs: tuple[Leg, ...] = ()
    #: The node's log entries about the document (hash-chained), in order.
    log: tuple[LogEntry, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "node": self.node,
            "package_trace": [{"organ_id": o, "timestamp": _iso(t)} for o, t in self.package_trace],
            "legs": [leg.to_dict() for leg in self.legs],
            "log": [
                {
                    "seq": e.record.seq,
                    "at": _iso(e.record.at),
                    "kind": e.record.kind.value,
                    "message_id": e.record.message_id,
                    "party": e.record.party,
                    "note": e.record.note,
                }
                for e in self.log
            ],
        }

    def lines(self, language: Language | None = None) -> list[str]:
        """The trace for people, one fact a line, in ``language`` (the process's by default)."""
        out = [f"{self.document_id}  @{self.node}"]
        for organ, stamp_at in self.package_trace:
            out.append(f"  TraceHeader  {organ}  {_iso(stamp_at) or '-'}")
        for leg in self.legs:
            arrow = f"{leg.sender} → {leg.recipient}"
            if leg.deliver_to != leg.recipient:
                arrow += f" (→ {leg.deliver_to})"
            out_way = leg.direction == Direction.OUT.value
            way = say("node-trace-out", language) if out_way else say("node-trace-in", language)
            out.append(f"  {way:<4}{arrow}  [{leg.state}]")
            for label, value in (
                (say("node-trace-accepted", language), _iso(leg.accepted_at)),
                (say("node-trace-sent", language), _iso(leg.sent_at)),
                (say("node-trace-received", language), _iso(leg.received_at)),
                (say("node-trace-nodes", language), f"{leg.from_node or '?'} → {leg.to_node or '?'}"),
                (say("node-trace-receipt", language), leg.receipt),
                (say("node-trace-recall", language), leg.recall),
            ):
                if value:
                    out.append(f"      {label:<10}{value}")
            for step in leg.statuses:
                out.append(f"      {step.code} {step.label}  {_iso(step.timestamp)}  {step.reporter}")
        return out


def document_trace(*, node: str, database: Database, blobs: BlobStorage, name: str) -> DocumentTrace:
    """The trace of the document ``name`` designates (DocumentId or an id this node shows)."""
    with NodeStore.begin(database, write=False) as store:
        return _trace(node, store, blobs, name)


def _trace(node: str, store: NodeStore, blobs: BlobStorage, name: str) -> DocumentTrace:
    sender, document_id = resolve_document(store, name)
    seqs = store.log_sequence(document_id)
    entries = [
        e
        for e in (store.log_entries(first=seqs[0], last=seqs[-1]) if seqs else ())
        if e.record.document_id == document_id
    ]
    log = tuple(entries if sender is None else entries_of_sender(store, entries, sender, document_id))
    sent = [
        e for e in store.outbox(document_id=document_id, sender=sender) if e.item.kind is PackageKind.DOCUMENT
    ]
    received = store.inbox(document_id=document_id, sender=sender, kind=PackageKind.DOCUMENT)
    # A DocumentId may be several senders' (each chose it): each leg reads its sender's timeline.
    timelines = {
        sender: store.timeline(document_id, sender=sender)
        for sender in {e.item.sender for e in sent} | {e.sender for e in received}
    }
    receipts = {r.sha256: r.raw for r in store.receipts(message_ids={e.message_id for e in sent})}
    by_sha = {e.record.sha256: e for e in log if e.record.sha256}
    digests = [e.item.package_sha256 for e in sent] + [e.package_sha256 for e in received]
    legs: list[Leg] = []
    for entry in sent:
        item = entry.item
        receipt = _receipt(receipts.get(entry.receipt_sha256 or ""))
        timeline = timelines[item.sender]
        states = recall_states(timeline, sender=item.sender, recipients=(item.recipient,))
        legs.append(
            Leg(
                item.sender, item.recipient, item.deliver_to, Direction.OUT.value,
                accepted_at=entry.created_at,
                sent_at=by_sha[entry.receipt_sha256].record.at if entry.receipt_sha256 in by_sha else None,
                received_at=receipt[1] if receipt else None, from_node=node,
                to_node=receipt[0] if receipt else None, state=entry.state.value, attempts=entry.attempts,
                receipt=entry.receipt_sha256, recall=_value(states.get(item.recipient)),
                statuses=_steps(timeline, item.recipient, item.deliver_to),
            )
        )  # fmt: skip
    arrivals = {e.record.message_id: e for e in log if e.record.kind is LogKind.PACKAGE_IN}
    for inbox in received:
        arrival = arrivals.get(inbox.message_id)
        hop = _note(arrival)
        timeline = timelines[inbox.sender]
        states = recall_states(timeline, sender=inbox.sender, recipients=(inbox.recipient,))
        legs.append(
            Leg(
                inbox.sender, inbox.recipient, inbox.recipient, Direction.IN.value,
                sent_at=_parse_time(hop.get("sent_at")), received_at=inbox.received_at,
                from_node=hop.get("from_node"), to_node=node, state=inbox.disposition.value,
                recall=_value(states.get(inbox.recipient)), statuses=_steps(timeline, inbox.recipient),
            )
        )  # fmt: skip
    return DocumentTrace(document_id, node, _package_trace(blobs, digests), tuple(legs), log)


def _value(state: object | None) -> str | None:
    return None if state is None else str(state)


def _steps(timeline: Iterable[StatusEntry], *codes: str) -> tuple[Step, ...]:
    """The statuses the recipient (any of ``codes``) sent or was sent on the document."""
    return tuple(Step.of(s) for s in timeline if s.reporter in codes or s.addressee in codes)


def _receipt(raw: bytes | None) -> tuple[str, datetime] | None:
    if raw is None:
        return None
    try:
        receipt = read_receipt(raw).receipt
    except EvidenceError:
        return None
    return receipt.node, receipt.at


def _parse_time(text: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _package_trace(blobs: BlobStorage, digests: Iterable[str]) -> tuple[tuple[str, datetime | None], ...]:
    for digest in dict.fromkeys(digests):
        try:  # streamed: attachments are measured, never held
            with PackageSource.of_blob(blobs, digest).open() as stream:
                package = parse_package(stream, sink=DigestSink())
        except (LienthongError, OSError):
            continue
        if isinstance(package, DocumentPackage):
            return tuple((hop.organ_id, hop.timestamp) for hop in package.trace)
    return ()
