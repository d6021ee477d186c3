"""Receipts: what a receiving node says it did with one package for one recipient.

A receipt is a signed statement (``_statement``) whose payload is::

    {"type": "receipt", "v": 1,
     "message_id": …, "document_id": …, "package_sha256": …, "kind": "document" | "status",
     "sender": From/OrganId, "recipient": the code delivered to,
     "outcome": "accepted" | "refused", "reason": sentence or null, "reason_code": code or null,
     "duplicate": already stored before this delivery,
     "node": the receiving node's name, "at": ISO 8601 UTC}

signed by the receiving node's key (its TLS certificate, which chains to the network's
anchors), so the sender holds proof of delivery that anyone can check offline.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lienthong._i18n import tr
from lienthong.evidence._errors import StatementInvalid
from lienthong.evidence._statement import Statement, read_statement, sign_statement
from lienthong.trust import Signer


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
    reason: str | None = None
    reason_code: str | None = None
    duplicate: bool = False

    @property
    def accepted(self) -> bool:
        return self.outcome is ReceiptOutcome.ACCEPTED

    def to_payload(self) -> dict[str, Any]:
        return {
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
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise StatementInvalid(
                tr(f"biên nhận không hợp lệ: {exc}", f"not a valid receipt: {exc}")
            ) from exc


@dataclass(frozen=True, slots=True)
class SignedReceipt:
    """A receipt whose signature verified, with the statement it came in."""

    receipt: Receipt
    statement: Statement

    @property
    def raw(self) -> bytes:
        return self.statement.raw


def sign_receipt(receipt: Receipt, signer: Signer) -> bytes:
    """The receipt's bytes, signed by the receiving node's ``signer``."""
    return sign_statement(receipt.to_payload(), signer)


def read_receipt(data: bytes) -> SignedReceipt:
    """A receipt from its bytes, signature checked (trust in the signer is the caller's)."""
    statement = read_statement(data)
    return SignedReceipt(Receipt.from_payload(statement.payload), statement)
