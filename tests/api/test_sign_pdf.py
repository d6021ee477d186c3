"""REST compose with ``sign_pdf``: the node signs each PDF with the sender's key (PAdES) before
building the package; the recipient's copy verifies by the sender's certificate."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime
from pathlib import Path

import anyio.to_thread
import pytest
from cryptography.x509 import Certificate

from api.api_network import Api
from lienthong.demo import sample_pdf
from lienthong.edxml import DocumentPackage, parse_package
from lienthong.trust import PdfSignatureReport, verify_pdf
from node.node_network import RECIPIENT, SENDER
from trust.trust_support import nss_db, run, tool

pytestmark = pytest.mark.anyio

_METADATA = json.dumps(
    {"sender": SENDER, "to": [RECIPIENT], "number": "12", "notation": "UBND-VP", "subject": "Về việc ký số"}
)


async def _verified(pdf: bytes, anchors: tuple[Certificate, ...]) -> list[PdfSignatureReport]:
    # verify_pdf runs its own event loop: off this one.
    return await anyio.to_thread.run_sync(
        functools.partial(verify_pdf, pdf, anchors=anchors, at=datetime.now(UTC))
    )


async def _compose(api: Api, files: list[tuple[str, bytes, str]], **form: str) -> str:
    """Compose from ``files``, deliver, and answer the recipient's inbox item id."""
    sent = await api.sender.post(
        "/api/v1/documents/compose",
        data={"metadata": _METADATA, **form},
        files=[("files", part) for part in files],
    )
    assert sent.status_code == 201, sent.text
    await api.deliver()
    items = (await api.receiver.get("/api/v1/inbox")).json()["items"]
    assert [i["message_id"] for i in items] == [sent.json()["message_id"]]
    return str(items[0]["id"])


async def test_compose_with_sign_pdf_delivers_pdfs_signed_by_the_sender_agency(
    api: Api, tmp_path: Path
) -> None:
    item = await _compose(
        api,
        [("qd.pdf", sample_pdf("Quyet dinh"), "application/pdf"), ("pl.pdf", sample_pdf("Phu luc"), "")],
        sign_pdf="true",
    )
    certificate = api.network.pki.signers[SENDER].certificate
    anchors = (api.network.pki.pki.root,)
    for content_id in ("1", "2"):
        stored = await api.receiver.get(f"/api/v1/inbox/{item}/attachments/{content_id}")
        assert stored.headers["content-type"] == "application/pdf"
        (report,) = await _verified(stored.content, anchors)
        assert report.valid, report.problem
        assert report.signer == certificate.subject.rfc4514_string()

    target = tmp_path / "qd.pdf"
    target.write_bytes((await api.receiver.get(f"/api/v1/inbox/{item}/attachments/1")).content)
    result = run(tool("pdfsig"), "-nssdir", nss_db(api.network.pki.pki.root_path, tmp_path / "nss"), target)
    assert "Signature is Valid" in result.stdout, result.stdout + result.stderr
    assert "Certificate is Trusted" in result.stdout, result.stdout


async def test_compose_without_sign_pdf_leaves_the_pdf_as_uploaded(api: Api) -> None:
    original = sample_pdf("Khong ky")
    item = await _compose(api, [("qd.pdf", original, "application/pdf")])
    stored = await api.receiver.get(f"/api/v1/inbox/{item}/attachments/1")
    assert stored.content == original
    assert await _verified(stored.content, (api.network.pki.pki.root,)) == []


async def test_compose_with_sign_pdf_refuses_a_non_pdf_naming_it(api: Api) -> None:
    refused = await api.sender.post(
        "/api/v1/documents/compose",
        data={"metadata": _METADATA, "sign_pdf": "true"},
        files=[
            ("files", ("qd.pdf", sample_pdf(), "application/pdf")),
            ("files", ("ghi-chu.txt", b"khong phai PDF", "text/plain")),
        ],
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "attachment-not-pdf"
    assert "ghi-chu.txt" in refused.json()["message"] and "qd.pdf" not in refused.json()["message"]
    assert (await api.sender.get("/api/v1/outbox")).json()["items"] == []


async def test_compose_writes_the_signer_fields_into_signer_info(api: Api) -> None:
    item = await _compose(
        api,
        [("qd.pdf", sample_pdf(), "application/pdf")],
        signer_name="Nguyễn Văn An",
        signer_position="Chủ tịch",
        signer_competence="TM. Ủy ban nhân dân",
    )
    package = parse_package((await api.receiver.get(f"/api/v1/inbox/{item}/package")).content)
    assert isinstance(package, DocumentPackage)
    signer = package.header.signer_info
    assert signer is not None
    assert (signer.full_name, signer.position, signer.competence) == (
        "Nguyễn Văn An",
        "Chủ tịch",
        "TM. Ủy ban nhân dân",
    )


async def test_compose_refuses_a_signer_position_without_a_name(api: Api) -> None:
    refused = await api.sender.post(
        "/api/v1/documents/compose",
        data={"metadata": _METADATA, "signer_position": "Chủ tịch"},
        files=[("files", ("qd.pdf", sample_pdf(), "application/pdf"))],
    )
    assert refused.status_code == 400 and refused.json()["code"] == "signer-name-missing", refused.text


async def test_openapi_documents_the_sign_pdf_and_signer_fields(api: Api) -> None:
    schema = (await api.sender.get("/openapi.json")).json()
    body = schema["paths"]["/api/v1/documents/compose"]["post"]["requestBody"]["content"]
    ref = body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    fields = schema["components"]["schemas"][ref]["properties"]
    assert {"sign_pdf", "signer_name", "signer_position", "signer_competence"} <= fields.keys()
    assert "PAdES" in fields["sign_pdf"]["description"]


async def test_compose_with_sign_pdf_refuses_an_unreadable_pdf_naming_it(api: Api) -> None:
    refused = await api.sender.post(
        "/api/v1/documents/compose",
        data={"metadata": _METADATA, "sign_pdf": "true"},
        files=[("files", ("hong.pdf", b"%PDF-1.7\nnot really a PDF", "application/pdf"))],
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "pdf-not-signed" and "hong.pdf" in refused.json()["message"]
