"""The SDK's typed package view read from what the node's code makes (``package_to_dict``, the
server's models): every key typed, status packages too, datetimes aware, keys of a newer node
ignored by the models and kept in ``package_json``. The round trip through a real node is in
``test_client_sync``/``test_client_async``."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from lienthong.api._models import DocumentView as ServerView
from lienthong.client import DocumentView, Package, PdfSignature
from lienthong.edxml import StatusCode, package_to_dict
from support.edxml_packages import full_document, status

ITEM = {
    "id": "m-000.00.00.G09",
    "position": 1,
    "message_id": "m",
    "document_id": "000.00.00.G22,2025/09/30,7816/VPCP-TTĐT",
    "kind": "document",
    "sender": "000.00.00.G22",
    "recipient": "000.00.00.G09",
    "received_at": "2025-09-30T08:15:00+07:00",
    "disposition": "accepted",
    "superseded_by": None,
    "acknowledged": None,
    "acknowledged_at": None,
}
SIGNATURE = {
    "valid": False,
    "signer": "CN=Nguyễn Văn A",
    "agency_code": "000.00.00.G22",
    "algorithm": "rsa-sha256",
    "weak": False,
    "problem": "The signer certificate is not trusted",
    "problem_message": {"code": "trust-chain-untrusted", "params": {}},
    "indication": "INDETERMINATE",
    "subindication": "NO_CERTIFICATE_CHAIN_FOUND",
    "intact": True,
    "trusted": False,
    "revoked": False,
    "sender_code": "000.00.00.G22",
    "validation_time": "2025-09-30T01:15:00+00:00",
}


def _answer(package: dict[str, Any]) -> bytes:
    """The JSON the node answers ``GET /inbox/{id}`` with, made by the server's own model."""
    view = ServerView.model_validate(
        {
            "item": ITEM,
            "package": package,
            "signature": SIGNATURE,
            "attachment_signatures": [{"valid": False, "problem": "PDF unreadable"}],
            "timeline": [],
        }
    )
    return view.model_dump_json(by_alias=True).encode()


def test_a_document_package_is_typed() -> None:
    view = DocumentView.model_validate_json(_answer(package_to_dict(full_document())))
    package = view.package
    assert (package.sender, package.sender_name) == ("000.00.00.G22", "Cục Kiểm soát thủ tục hành chính")
    assert [(r.code, r.name) for r in package.recipients] == [
        ("000.00.00.G09", "Bộ Nội vụ"),
        ("000.00.12.H26", "Sở Nội vụ thành phố Hà Nội"),
    ]
    assert package.code == "7816/VPCP-TTĐT" and package.type_name == "Công văn"
    assert (package.promulgation_place, package.promulgation_date) == ("Hà Nội", date(2025, 9, 30))
    assert package.due_date == date(2025, 10, 15) and package.priority == 1
    assert (package.signer, package.signer_position) == ("Nguyễn Văn A", "Phó Chủ nhiệm")
    assert package.content and package.content.startswith("Văn phòng Chính phủ")
    assert package.response_for == ["000.00.00.G09,2025/09/01,12/BNV-VP"]
    assert package.trace[0].timestamp and package.trace[0].timestamp.utcoffset() is not None
    first = package.attachments[0]
    assert (first.name, first.content_type, first.description) == (
        "7816-VPCP-TTĐT.pdf",
        "application/pdf",
        "Công văn số 7816",
    )
    assert first.size and package.attachments[1].zip_wrapped
    signature = view.signature
    assert not signature.valid and signature.trusted is False and signature.signer == "CN=Nguyễn Văn A"
    assert signature.validation_time and signature.validation_time.utcoffset() is not None
    assert signature.why is not None and view.attachment_signatures[0].content_id is None
    assert view.attachment_signatures[0].problem == "PDF unreadable"


def test_a_status_package_is_typed() -> None:
    view = DocumentView.model_validate_json(_answer(package_to_dict(status(StatusCode.REGISTERED))))
    package = view.package
    assert package.kind == "status" and package.status_code == "03" and package.status_label
    assert package.description == "Đã xử lý" and package.attachments == []
    assert package.timestamp and package.timestamp.utcoffset() is not None
    assert len(package.response_for) == 1 and package.sender


def test_keys_of_a_newer_node_are_ignored_and_kept_as_json() -> None:
    data = json.loads(_answer(package_to_dict(full_document())))
    data["package"]["classification"] = {"level": 2}
    data["package"]["attachments"][0]["pages"] = 3
    data["signature"]["policy"] = "2026"
    data["attachment_signatures"][0]["retried"] = True
    view = DocumentView.model_validate_json(json.dumps(data))
    assert view.package.subject and view.package.attachments[0].name == "7816-VPCP-TTĐT.pdf"
    assert view.package_json["classification"] == {"level": 2}
    assert view.package_json["attachments"][0]["pages"] == 3
    assert view.signature_json["policy"] == "2026"
    assert view.attachment_signatures_json[0]["retried"] is True
    # What the typed model knows gives the node's keys back (``from``, ``code_number``).
    again = Package.model_validate(view.package.model_dump(mode="json", by_alias=True))
    assert again == view.package


def test_pdf_signature_reads_the_signer_as_a_person_and_older_nodes_without_it() -> None:
    newer = PdfSignature.model_validate(
        {
            "field": "LienthongSignature1",
            "valid": True,
            "signer": "CN=Nguyễn Văn A,O=UBND tỉnh Nghệ An",
            "person": {
                "name": "Nguyễn Văn A",
                "position": "Phó Chủ tịch",
                "organization": "UBND tỉnh Nghệ An",
                "agency_code": "000.00.00.H41",
                "not_before": "2026-01-01T00:00:00+00:00",
                "not_after": "2028-01-01T00:00:00+00:00",
            },
            "page": 2,
            "box": [320, 80, 560, 250],
        }
    )
    assert newer.person is not None and newer.person.position == "Phó Chủ tịch"
    assert newer.person.not_after is not None and newer.person.not_after.year == 2028
    assert (newer.page, newer.box) == (2, [320, 80, 560, 250])
    older = PdfSignature.model_validate({"field": "f", "valid": False, "signer": "CN=x"})
    assert older.person is None and older.page is None
