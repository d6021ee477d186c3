"""Receipts: what a receiving node says it did with one package for one recipient.

A receipt is a signed statement (``_statement``) whose payload is::

    {"type": "receipt", "v": 1,
     "message_id": …, "document_id": …, "package_sha256": …, "kind": "document" | "status",
     "sender": From/OrganId, "recipient": the code delivered to,
     "outcome": "accepted" | "refused", "reason_code": code or null,
     "reason_message": {"code": …, "params": {…}} or absent (why, as data: rendered by the reader),
     "reason": null (receipts before messages were data held a sentence here; still read and shown),
     "duplicate": already stored before this delivery,
     "node": the receiving node's name, "at": ISO 8601 UTC}

signed by the receiving node's seal (its seal certificate, bound to it by its node entry in
the configuration, or its TLS certificate when it has none; both chain to the network's
anchors), so the sender holds proof of delivery that anyone can check offline.

A node answering several packages at once signs them together: one signed statement
``{"type": "receipt-batch", "v": 1, "root": hex, "size": n, "node": …, "at": …}`` over the
Merkle tree (RFC 9162) of the receipts' payloads, and each receipt travels as::

    LTRCPT/1
    {"index": i, "path": [hex, …], "size": n}
    <receipt payload: canonical JSON>
    <the batch's signed statement>

so each is still proof on its own (the inclusion path leads from its payload to the signed
root) and shows nothing of the others but hashes. RSA signing is most of what a receipt costs.
"""

from __future__ import annotations

import enum
import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from lienthong._i18n import Message, msg
from lienthong.evidence._canonical import canonical_json
from lienthong.evidence._errors import StatementInvalid
from lienthong.evidence._merkle import inclusion_paths, leaf_hash, root_from_path
from lienthong.evidence._statement import Statement, read_statement, sign_statement
from lienthong.trust import Signer

BATCH_MAGIC: Final = b"LTRCPT/1\n"
#: Receipts signed together at most (a path of 16 hashes): far more than a request carries.
MAX_BATCH: Final = 1 << 16
_HEX64 = re.compile(r"[0-9a-f]{64}")


class ReceiptOutcome(enum.StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class Receipt:
    """The facts of a receipt."""

    message_id: str
    document_id: str
    package_sha256: str
    kind: str
    sender: str
    recipient: str
    outcome: ReceiptOutcome
    node: str
    at: datetime
    #: A sentence, in receipts signed before refusals were data; ``None`` in new ones.
    reason: str | None = None
    reason_code: str | None = None
    duplicate: bool = False
    #: Why it was refused, as a code and parameters; the reader renders it in its own language.
    reason_message: Message | None = None

    @property
    def why(self) -> Message | str | None:
        """The refusal's reason as this receipt states it: data when new, a sentence when old."""
        return self.reason_message or self.reason

    @property
    def accepted(self) -> bool:
        return self.outcome is ReceiptOutcome.ACCEPTED

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "type": "receipt",
            "v": 1,
            "message_id": self.message_id,
            "document_id": self.document_id,
            "package_sha256": self.package_sha256,
            "kind": self.kind,
            "sender": self.sender,
            "recipient": self.recipient,
            "outcome": self.outcome.value,
            "reason": self.reason,
            "reason_code": self.reason_code,
            "duplicate": self.duplicate,
            "node": self.node,
            "at": self.at.astimezone(UTC).isoformat(),
        }
        if self.reason_message is not None:  # absent otherwise: accepted receipts stay as they were
            payload["reason_message"] = self.reason_message.to_json()
        return payload

    @classmethod
    def from_payload(cls, payload: Any) -> Receipt:
        try:
            if payload["type"] != "receipt" or payload["v"] != 1:
                raise ValueError("not a version 1 receipt")
            return cls(
                message_id=str(payload["message_id"]),
                document_id=str(payload["document_id"]),
                package_sha256=str(payload["package_sha256"]),
                kind=str(payload["kind"]),
                sender=str(payload["sender"]),
                recipient=str(payload["recipient"]),
                outcome=ReceiptOutcome(payload["outcome"]),
                node=str(payload["node"]),
                at=datetime.fromisoformat(str(payload["at"])),
                reason=payload.get("reason"),
                reason_code=payload.get("reason_code"),
                duplicate=bool(payload.get("duplicate", False)),
                reason_message=(
                    Message.from_json(payload["reason_message"]) if payload.get("reason_message") else None
                ),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise StatementInvalid(msg("evidence-receipt-invalid", reason=str(exc))) from exc


@dataclass(frozen=True, slots=True)
class SignedReceipt:
    """A receipt whose signature verified, with the statement that signs it (the receipt's own,
    or its batch's) and the bytes as received."""

    receipt: Receipt
    statement: Statement
    raw: bytes


def sign_receipt(receipt: Receipt, signer: Signer) -> bytes:
    """The receipt's bytes, signed by the receiving node's ``signer``."""
    return sign_statement(receipt.to_payload(), signer)


def sign_receipts(receipts: Sequence[Receipt], signer: Signer) -> list[bytes]:
    """Each receipt's bytes, in order, with one signature for all of them (a lone receipt is
    signed as ``sign_receipt`` does)."""
    if len(receipts) == 1:
        return [sign_receipt(receipts[0], signer)]
    if not receipts or len(receipts) > MAX_BATCH:
        raise ValueError(f"a receipt batch holds 1 to {MAX_BATCH} receipts, not {len(receipts)}")
    bodies = [canonical_json(r.to_payload()) for r in receipts]
    root, paths = inclusion_paths([leaf_hash(body) for body in bodies])
    batch = {
        "type": "receipt-batch",
        "v": 1,
        "root": root.hex(),
        "size": len(bodies),
        "node": receipts[0].node,
        "at": max(r.at for r in receipts).astimezone(UTC).isoformat(),
    }
    statement = sign_statement(batch, signer)
    size = len(bodies)
    proofs = [{"index": i, "path": [p.hex() for p in path], "size": size} for i, path in enumerate(paths)]
    return [
        BATCH_MAGIC + canonical_json(proofs[i]) + b"\n" + body + b"\n" + statement
        for i, body in enumerate(bodies)
    ]


def read_receipt(data: bytes) -> SignedReceipt:
    """A receipt from its bytes, signature (and, for one of a batch, inclusion in the signed
    batch) checked; trust in the signer is the caller's."""
    if data.startswith(BATCH_MAGIC):
        return _read_batched(data)
    statement = read_statement(data)
    return SignedReceipt(Receipt.from_payload(statement.payload), statement, data)


def _read_batched(data: bytes) -> SignedReceipt:
    proof_end = data.find(b"\n", len(BATCH_MAGIC))
    body_end = data.find(b"\n", proof_end + 1) if proof_end >= 0 else -1
    if body_end < 0:
        raise StatementInvalid(msg("evidence-receipt-truncated"))
    body = data[proof_end + 1 : body_end]
    try:
        proof = json.loads(data[len(BATCH_MAGIC) : proof_end])
        index, size, hexes = proof["index"], proof["size"], proof["path"]
        if not (type(index) is int and type(size) is int and isinstance(hexes, list) and len(hexes) <= 16):
            raise ValueError("index, size and path are not two integers and a short list")
        if not all(isinstance(h, str) and _HEX64.fullmatch(h) for h in hexes):
            raise ValueError("the path is not a list of SHA-256 hashes in hex")
        payload = json.loads(body)
    except (ValueError, KeyError, TypeError) as exc:
        raise StatementInvalid(msg("evidence-receipt-batch-proof-unreadable", reason=str(exc))) from exc
    statement = _batch_statement(data[body_end + 1 :])
    batch = statement.payload
    if batch.get("type") != "receipt-batch" or batch.get("v") != 1:
        raise StatementInvalid(msg("evidence-receipt-batch-not-batch"))
    root = root_from_path(index, size, leaf_hash(body), [bytes.fromhex(h) for h in hexes])
    if root is None or batch.get("size") != size or root.hex() != batch.get("root"):
        raise StatementInvalid(msg("evidence-receipt-not-in-batch"))
    receipt = Receipt.from_payload(payload)
    if receipt.node != batch.get("node"):
        raise StatementInvalid(msg("evidence-receipt-batch-other-node"))
    return SignedReceipt(receipt, statement, data)


@functools.lru_cache(maxsize=64)
def _batch_statement(data: bytes) -> Statement:
    """The batch's statement, checked once for all of its receipts read here (a sender reads a
    batch's receipts one after the other); only statements that verified are kept."""
    return read_statement(data)
