"""The appearance settings page (administrators only, CSRF, audited, checked uploads, preview)
and a received PDF's pages as images beside its signature report, the signer as a person."""

from __future__ import annotations

import dataclasses
import io
import re
import stat
from contextlib import aclosing
from pathlib import Path

import anyio.to_thread
import pypdfium2 as pdfium
import pytest
from fastapi import FastAPI
from PIL import Image

from console.console_support import Consoles, clock, consoles, csrf_of, send_signed_document, users_at
from lienthong.console import create_console
from lienthong.console._pages_render import MAX_PAGES, NotRenderable, page_count, render_page
from lienthong.node import AppearanceSettings, load_appearance, save_appearance
from lienthong.store import NodeAudit, NodeStore
from lienthong.trust import SignerAppearance, sign_pdf, verify_attachments
from node.node_network import AT, RECIPIENT, SENDER
from support.images import inside, is_blue, is_red, jpeg, pixels_where, seal_png, signature_png
from trust.trust_pdf import minimal_pdf

__all__ = ["consoles"]
pytestmark = pytest.mark.anyio

ROUTE = "/console/settings/appearance"
FORM = {
    "code": RECIPIENT,
    "title": "KT. BỘ TRƯỞNG, CHỦ NHIỆM\nPHÓ CHỦ NHIỆM",
    "name": "Nguyễn Văn Ánh",
    "page": "-1",
    "x1": "320",
    "y1": "80",
    "x2": "560",
    "y2": "250",
    "seal_width": "90",
}


@pytest.fixture
def app(consoles: Consoles, tmp_path: Path) -> FastAPI:
    """vpcp's console, its node with a home for appearance settings."""
    node = dataclasses.replace(consoles.network.receiver, appearance_dir=tmp_path / "appearance")
    consoles.receiver_app = create_console(node, users=users_at(tmp_path / "home-2"), clock=clock)
    return consoles.receiver_app


async def _save(client: object, files: dict[str, tuple[str, bytes, str]], **form: str) -> object:
    page = await client.get(f"{ROUTE}?code={RECIPIENT}")  # type: ignore[attr-defined]
    data = {**FORM, **form, "csrf": csrf_of(page.text)}
    return await client.post(ROUTE, data=data, files=files)  # type: ignore[attr-defined]


async def test_only_administrators_reach_the_settings(consoles: Consoles, app: FastAPI) -> None:
    async with consoles.client(app) as anonymous:
        assert (await anonymous.get(ROUTE)).status_code == 303
        assert (await anonymous.post(ROUTE, data=FORM)).status_code == 401
    clerk = await consoles.login(app, "lan")
    async with aclosing(clerk):
        assert (await clerk.get(ROUTE)).status_code == 403
        inbox = await clerk.get("/console/inbox")
        assert ROUTE not in inbox.text  # no nav link for a clerk
        posted = await clerk.post(ROUTE, data={**FORM, "csrf": csrf_of(inbox.text)})
        assert posted.status_code == 403
        assert (await clerk.get(f"{ROUTE}/{RECIPIENT}/signature.png")).status_code == 403
    admin = await consoles.login(app, "admin")
    async with aclosing(admin):
        page = await admin.get(ROUTE)
        assert page.status_code == 200 and 'id="no-settings"' in page.text
        assert f'href="{ROUTE}" aria-current="page"' in page.text
        assert (await admin.get(f"{ROUTE}?code={SENDER}")).status_code == 404  # not the admin's agency


async def test_admin_uploads_images_the_change_is_audited_and_previewed(
    consoles: Consoles, app: FastAPI, tmp_path: Path
) -> None:
    admin = await consoles.login(app, "admin")
    async with aclosing(admin):
        stale = await admin.post(ROUTE, data={**FORM, "csrf": "x"})
        assert stale.status_code == 403
        assert load_appearance(tmp_path / "appearance", RECIPIENT) is None
        files = {
            "signature": ("chu-ky.png", signature_png(), "image/png"),
            "seal": ("con-dau.png", seal_png(), "image/png"),
        }
        saved = await _save(admin, files)
        assert saved.status_code == 303, saved.text  # type: ignore[attr-defined]
        stored = load_appearance(tmp_path / "appearance", RECIPIENT)
        assert stored is not None and stored.name == "Nguyễn Văn Ánh" and stored.box == (320, 80, 560, 250)
        assert stored.signature_png == signature_png() and stored.seal_png == seal_png()
        folder = tmp_path / "appearance" / RECIPIENT
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())

        page = await admin.get(f"{ROUTE}?code={RECIPIENT}&saved=1")
        assert 'id="saved"' in page.text and 'id="preview"' in page.text and "Nguyễn Văn Ánh" in page.text
        assert (await admin.get(f"{ROUTE}/{RECIPIENT}/seal.png")).content == seal_png()
        preview = await admin.get(f"{ROUTE}/{RECIPIENT}/preview.png")
        assert preview.status_code == 200 and preview.headers["content-type"] == "image/png"
        image = Image.open(io.BytesIO(preview.content))
        assert image.size == (595, 842)
        assert pixels_where(image, is_red) and pixels_where(image, is_blue)

        kept = await _save(admin, {}, name="Trần Thị Bình", remove_seal="on")  # images kept, seal removed
        assert kept.status_code == 303  # type: ignore[attr-defined]
        again = load_appearance(tmp_path / "appearance", RECIPIENT)
        assert again is not None and again.signature_png == signature_png() and again.seal_png is None

    with NodeAudit.begin(consoles.network.receiver.database) as audit:
        entries = audit.entries(action="appearance-changed")
    assert [(e.actor, e.target) for e in entries] == [("admin", RECIPIENT)] * 2
    assert entries[1].params["signature"] == "new" and entries[0].params["seal"] == "removed"


async def test_bad_upload_is_answered_next_to_its_field_and_nothing_is_saved(
    consoles: Consoles, app: FastAPI, tmp_path: Path
) -> None:
    admin = await consoles.login(app, "admin")
    async with aclosing(admin):
        bad = await _save(admin, {"signature": ("chu-ky.jpg", jpeg(), "image/jpeg")})
        assert bad.status_code == 422  # type: ignore[attr-defined]
        assert 'id="signature-error"' in bad.text and "PNG" in bad.text  # type: ignore[attr-defined]
        outside = await _save(admin, {"signature": ("a.png", signature_png(), "image/png")}, y2="900")
        assert outside.status_code == 422 and 'id="box-error"' in outside.text  # type: ignore[attr-defined]
        huge = bytes(5 * 1024 * 1024)  # over the upload's cap: refused before it is read
        too_big = await _save(
            admin, {"signature": ("a.png", huge, "image/png"), "seal": ("b.png", huge, "image/png")}
        )
        assert too_big.status_code == 413  # type: ignore[attr-defined]
        word = await _save(admin, {}, x1="trái")
        assert word.status_code == 422 and 'id="x1-error"' in word.text  # type: ignore[attr-defined]
        assert 'value="trái"' in word.text  # type: ignore[attr-defined]
    assert load_appearance(tmp_path / "appearance", RECIPIENT) is None


async def test_document_pages_render_with_the_signature_report_beside_them(consoles: Consoles) -> None:
    item_id = await anyio.to_thread.run_sync(send_signed_document, consoles.network)
    clerk = await consoles.login(consoles.receiver_app, "lan")
    async with aclosing(clerk):
        document = await clerk.get(f"/console/inbox/{item_id}")
        section = document.text[document.text.index('id="signatures"') :]
        assert "UBND tỉnh Nghệ An" in section and f"({SENDER})" in section
        assert "Hiệu lực chứng thư số" in section and "chưa bị thu hồi" in section
        found = re.search(r"/attachments/([^/\"]+)/pages\"", section)
        assert found is not None
        base = f"/console/inbox/{item_id}/attachments/{found.group(1)}/pages"
        view = await clerk.get(base)
        assert view.status_code == 200 and 'id="signature-report"' in view.text
        assert f'src="{base}/1.png"' in view.text and "UBND tỉnh Nghệ An" in view.text
        png = await clerk.get(f"{base}/1.png")
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        width, height = Image.open(io.BytesIO(png.content)).size
        assert abs(width - 595 * 1.5) <= 1 and abs(height - 842 * 1.5) <= 1  # A4 at 108 dpi
        assert (await clerk.get(f"{base}/2.png")).status_code == 404
        assert (await clerk.get(f"{base}/0.png")).status_code == 404
        english = await clerk.get(f"{base}?lang=en")
        assert "Certificate validity" in english.text
    other = await consoles.login(consoles.sender_app, "hoa")  # H41's clerk: not a recipient
    async with aclosing(other):
        assert (await other.get(f"{base}/1.png")).status_code == 404
    async with consoles.client(consoles.receiver_app) as anonymous:
        assert (await anonymous.get(f"{base}/1.png")).status_code == 303


async def test_page_images_show_the_drawn_signature_widget(consoles: Consoles) -> None:
    """PDFium draws a signature's appearance (a form widget) on the page image, where the
    settings put it: the seal's red inside the seal's box."""
    appearance = SignerAppearance(
        title="GIÁM ĐỐC",
        name="Trần B",
        signature_png=signature_png(),
        seal_png=seal_png(),
        box=(300, 400, 560, 600),
    )
    signer = consoles.network.pki.signers[SENDER]
    signed = await anyio.to_thread.run_sync(lambda: sign_pdf(minimal_pdf(), signer, appearance=appearance))
    image = Image.open(io.BytesIO(render_page(signed, "test-widget", 1, scale=1.0)))
    red = pixels_where(image, is_red)
    seal = appearance.layout().seal
    assert seal is not None and len(red) > 300
    assert inside(red, seal, 842) >= 0.99 * len(red)


async def test_console_compose_signs_with_the_agency_appearance(consoles: Consoles, tmp_path: Path) -> None:
    """The document (first PDF) gets the signer's appearance where the settings put it; the
    annex the agency's stamp, top right of its first page, naming the number and notation."""
    folder = tmp_path / "nghe-an-appearance"
    settings = AppearanceSettings(
        title="CHỦ TỊCH",
        name="Lê Văn C",
        box=(320, 80, 560, 250),
        signature_png=signature_png(),
        seal_png=seal_png(),
    )
    save_appearance(folder, SENDER, settings)
    node = dataclasses.replace(consoles.network.sender, appearance_dir=folder)
    app = create_console(node, users=users_at(tmp_path / "home-3"), clock=clock)
    client = await consoles.login(app, "hoa")
    async with aclosing(client):
        page = await client.get("/console/compose")
        fields = {
            "csrf": csrf_of(page.text),
            "sender": SENDER,
            "number": "46",
            "notation": "UBND-VX",
            "subject": "V/v ký số có hình thức",
            "to": RECIPIENT,
            "sign": "1",
        }
        files = [
            ("files", ("van-ban.pdf", minimal_pdf("Van ban"), "application/pdf")),
            ("files", ("phu-luc.pdf", minimal_pdf("Phu luc"), "application/pdf")),
        ]
        response = await client.post("/console/compose", data=fields, files=files)
        assert response.status_code == 303, response.text
        message_id = response.headers["location"].split("/")[3].split("?")[0]
    with NodeStore.begin(node.database, write=False) as store:
        entry = store.outbox(message_id=message_id)[0]
    data = b"".join(node.blobs.read_verified(entry.item.package_sha256))
    document, annex = await anyio.to_thread.run_sync(
        lambda: verify_attachments(data, anchors=node.anchors, at=AT)
    )
    (drawn,) = document.signatures
    assert drawn.valid and (drawn.page, drawn.box) == (1, (320, 80, 560, 250))
    (stamp,) = annex.signatures
    assert stamp.valid and stamp.page == 1 and stamp.box is not None
    assert stamp.box[0] > 595 / 2 and stamp.box[3] > 842 - 40


def test_pages_beyond_the_cap_are_not_rendered() -> None:
    document = pdfium.PdfDocument.new()
    for _ in range(MAX_PAGES + 1):
        document.new_page(200, 200).close()
    out = io.BytesIO()
    document.save(out)
    document.close()
    pdf = out.getvalue()
    assert page_count(pdf, "cap-test") == MAX_PAGES + 1
    assert render_page(pdf, "cap-test", MAX_PAGES, scale=0.2).startswith(b"\x89PNG")
    with pytest.raises(NotRenderable):
        render_page(pdf, "cap-test", MAX_PAGES + 1, scale=0.2)
    with pytest.raises(NotRenderable):
        page_count(b"%PDF-1.7 broken", "broken")
