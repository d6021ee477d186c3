"""Documents sent from software carry PDFs signed by the node (``sign_pdf``) and a signer
(``SignerInfo``): the sync and async SDK and ``lienthong send --sign-pdf`` against real nodes."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import anyio.to_thread
import pytest

from client.live import Sdk, eventually
from client.test_cli_documents import lienthong
from lienthong.client import AsyncClient, Client, Document, InboxItem, Signer, Unprocessable
from lienthong.demo import sample_pdf
from lienthong.edxml import DocumentPackage, SignerInfo, parse_package
from lienthong.trust import verify_pdf
from node.node_network import RECIPIENT, SENDER


def _document(number: str) -> Document:
    return Document(
        sender=SENDER, to=[RECIPIENT], number=number, notation="UBND-VP", subject=f"V/v ký số {number}"
    )


def _received(api: Client, message_id: str) -> InboxItem:
    found = eventually(lambda: [i for i in api.iter_inbox(kind="document") if i.message_id == message_id])
    assert found, f"{message_id} never arrived"
    return found[0]


def _package(api: Client, item: InboxItem) -> DocumentPackage:
    target = io.BytesIO()
    api.download_package(item.id, target)
    package = parse_package(target.getvalue())
    assert isinstance(package, DocumentPackage)
    return package


def _attachment(api: Client, item: InboxItem) -> bytes:
    target = io.BytesIO()
    api.download_attachment(item.id, "1", target)
    return target.getvalue()


def _assert_signed_by_sender(sdk: Sdk, pdf: bytes) -> None:
    """``pdf`` carries one valid PAdES signature by the sender agency's certificate."""
    pki = sdk.live.net.pki
    (report,) = verify_pdf(pdf, anchors=[pki.root], at=datetime.now(UTC))
    assert report.valid, report.problem
    assert report.signer == pki.issued(SENDER).certificate.subject.rfc4514_string()


def test_sdk_compose_with_sign_pdf_and_signer(sdk: Sdk) -> None:
    signer = Signer("Nguyễn Văn An", position="Chủ tịch", competence="TM. Ủy ban nhân dân")
    with sdk.sender() as sender, sdk.receiver() as receiver:
        sent = sender.compose(
            _document("71"),
            [("qd.pdf", sample_pdf("Ky boi nut"), "application/pdf")],
            sign_pdf=True,
            signer=signer,
        )
        item = _received(receiver, sent.message_id)
        _assert_signed_by_sender(sdk, _attachment(receiver, item))
        assert _package(receiver, item).header.signer_info == SignerInfo(
            competence="TM. Ủy ban nhân dân", position="Chủ tịch", full_name="Nguyễn Văn An"
        )


def test_sdk_compose_without_sign_pdf_leaves_the_pdf_unchanged(sdk: Sdk) -> None:
    pdf = sample_pdf("Nguyen ban")
    with sdk.sender() as sender, sdk.receiver() as receiver:
        sent = sender.compose(_document("72"), [("qd.pdf", pdf, "application/pdf")])
        item = _received(receiver, sent.message_id)
        assert _attachment(receiver, item) == pdf
        assert _package(receiver, item).header.signer_info is None


def test_sdk_compose_with_sign_pdf_refuses_a_non_pdf(sdk: Sdk) -> None:
    with sdk.sender() as sender, pytest.raises(Unprocessable) as refused:
        sender.compose(_document("73"), [("ghi-chu.txt", b"van ban", "text/plain")], sign_pdf=True)
    assert refused.value.code == "attachment-not-pdf" and "ghi-chu.txt" in str(refused.value)


@pytest.mark.anyio
async def test_async_sdk_compose_with_sign_pdf_and_signer(sdk: Sdk) -> None:
    api = AsyncClient(sdk.live.urls["nghe-an"], token=sdk.na_token, verify=sdk.live.anchors("nghe-an"))
    async with api:
        sent = await api.compose(
            _document("74"),
            [("qd.pdf", sample_pdf("Bat dong bo"), "application/pdf")],
            sign_pdf=True,
            signer=Signer("Trần Thị Bình"),
        )

    def arrived() -> tuple[bytes, SignerInfo | None]:
        with sdk.receiver() as receiver:
            item = _received(receiver, sent.message_id)
            return _attachment(receiver, item), _package(receiver, item).header.signer_info

    pdf, signer = await anyio.to_thread.run_sync(arrived)
    await anyio.to_thread.run_sync(_assert_signed_by_sender, sdk, pdf)
    assert signer == SignerInfo(competence=None, position=None, full_name="Trần Thị Bình")


def _flags(sdk: Sdk) -> list[str]:
    return [
        "--url",
        sdk.live.urls["nghe-an"],
        "--token",
        sdk.na_token,
        "--ca",
        str(sdk.live.anchors("nghe-an")),
    ]


def test_cli_send_sign_pdf_end_to_end(sdk: Sdk, tmp_path: Path) -> None:
    pdf = tmp_path / "cong-van.pdf"
    pdf.write_bytes(sample_pdf("Gui tu dong lenh"))
    done = lienthong(
        "send", "--from", SENDER, "--to", RECIPIENT, "--subject", "V/v ký từ dòng lệnh",
        "--number", "75", "--notation", "UBND-VP", "--sign-pdf",
        "--signer-name", "Lê Văn Cường", "--signer-position", "Phó Chủ tịch",
        str(pdf), *_flags(sdk),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    message_id = json.loads(done.stdout)["message_id"]
    with sdk.receiver() as receiver:
        item = _received(receiver, message_id)
        _assert_signed_by_sender(sdk, _attachment(receiver, item))
        signer = _package(receiver, item).header.signer_info
    assert signer == SignerInfo(competence=None, position="Phó Chủ tịch", full_name="Lê Văn Cường")


def test_cli_send_sign_pdf_refuses_a_non_pdf_in_one_line(sdk: Sdk, tmp_path: Path) -> None:
    note = tmp_path / "ghi-chu.txt"
    note.write_text("van ban", encoding="utf-8")
    done = lienthong(
        "send", "--from", SENDER, "--to", RECIPIENT, "--subject", "V/v tệp không phải PDF",
        "--number", "76", "--notation", "UBND-VP", "--sign-pdf", str(note), *_flags(sdk),
    )  # fmt: skip
    assert done.returncode != 0, done.stdout
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "ghi-chu.txt" in done.stderr


def test_cli_send_signer_position_needs_a_name(sdk: Sdk, tmp_path: Path) -> None:
    pdf = tmp_path / "cong-van.pdf"
    pdf.write_bytes(sample_pdf())
    done = lienthong(
        "send", "--from", SENDER, "--to", RECIPIENT, "--subject", "V/v thiếu người ký",
        "--number", "77", "--notation", "UBND-VP", "--signer-position", "Chủ tịch", str(pdf), *_flags(sdk),
    )  # fmt: skip
    assert done.returncode != 0 and "--signer-name" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
