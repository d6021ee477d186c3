"""A refusal's reason in a receipt: signed as a code and parameters (``reason_message``), rendered
by whoever reads it; receipts signed before that, holding a sentence in ``reason``, still verify
and still say why."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from lienthong._i18n import Message, msg
from lienthong.evidence import (
    Receipt,
    ReceiptOutcome,
    dump_message,
    load_message,
    read_receipt,
    sign_receipt,
    sign_receipts,
    sign_statement,
)
from node.node_network import AT, RECIPIENT, SENDER

if TYPE_CHECKING:
    from support.pki import GeneratedPki

WHY = msg("node-package-too-large", size=9000, limit=4096)


def _refused(**changes: object) -> Receipt:
    fields: dict[str, object] = {
        "message_id": "a" * 64,
        "document_id": "D-1",
        "package_sha256": "b" * 64,
        "kind": "document",
        "sender": SENDER,
        "recipient": RECIPIENT,
        "outcome": ReceiptOutcome.REFUSED,
        "node": "vpcp",
        "at": AT,
        "reason_code": "too-large",
        "reason_message": WHY,
    }
    fields.update(changes)
    return Receipt(**fields)  # type: ignore[arg-type]


def test_a_refusal_signs_its_code_and_parameters_and_no_sentence(test_pki: GeneratedPki) -> None:
    receipt = _refused()
    payload = receipt.to_payload()
    assert payload["reason"] is None
    assert payload["reason_message"] == {
        "code": "node-package-too-large",
        "params": {"size": 9000, "limit": 4096},
    }
    for raw in (
        sign_receipt(receipt, test_pki.node_keys["vpcp"]),
        *sign_receipts([receipt, receipt], test_pki.node_keys["vpcp"]),
    ):
        signed = read_receipt(raw)
        assert signed.statement.chain_problem([test_pki.pki.root], at=AT + timedelta(minutes=1)) is None
        assert signed.receipt == receipt and signed.receipt.why == WHY
        assert b"exceeds" not in raw and "vượt".encode() not in raw  # no words, in either language
    assert WHY.render("en") == "the package of 9000 bytes exceeds the limit of 4096"
    assert WHY.render("vi") == "gói tin 9000 byte vượt giới hạn 4096 byte"


def test_an_accepted_receipt_has_no_reason_message_field() -> None:
    accepted = _refused(outcome=ReceiptOutcome.ACCEPTED, reason_code=None, reason_message=None)
    assert "reason_message" not in accepted.to_payload() and accepted.why is None


def test_an_old_receipt_with_a_sentence_still_verifies_and_says_why(test_pki: GeneratedPki) -> None:
    """Signed as nodes did before messages were data: ``reason`` a sentence, no
    ``reason_message``; its bytes are checked as they are, never re-serialised."""
    old = _refused(reason_message=None).to_payload()
    old["reason"] = "gói tin 9000 byte vượt giới hạn 4096 byte"
    assert "reason_message" not in old
    raw = sign_statement(old, test_pki.node_keys["vpcp"])
    signed = read_receipt(raw)
    assert signed.statement.chain_problem([test_pki.pki.root], at=AT + timedelta(minutes=1)) is None
    assert signed.receipt.reason_message is None
    assert signed.receipt.why == "gói tin 9000 byte vượt giới hạn 4096 byte"
    assert signed.receipt.reason_code == "too-large" and not signed.receipt.accepted


def test_what_is_stored_of_a_message_reads_back_as_it_and_old_sentences_as_themselves() -> None:
    nested = msg(
        "node-delivery-deadline-passed", attempts=3, reason=msg("node-peer-no-endpoint", peer="vpcp")
    )
    stored = dump_message(nested)
    assert stored.startswith('{"code":"node-delivery-deadline-passed"')
    assert "after 3 attempts" not in stored and "hết hạn" not in stored and "has no endpoint" not in stored
    assert load_message(stored) == nested
    assert load_message("the package of 9000 bytes exceeds the limit of 4096") == (
        "the package of 9000 bytes exceeds the limit of 4096"
    )
    assert load_message('{"hop":1,"from_node":"vpcp"}') == '{"hop":1,"from_node":"vpcp"}'  # a hop note
    assert load_message("") is None and load_message(None) is None
    assert dump_message("a sentence from outside") == "a sentence from outside"
    assert isinstance(load_message(dump_message(WHY)), Message)
