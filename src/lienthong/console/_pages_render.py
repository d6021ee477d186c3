"""A received PDF as people see it: each page rendered to PNG with its visible signatures, and
a page that shows them beside the PDF's signature report.

    GET /console/inbox/{id}/attachments/{cid}/pages          the pages and the signature report
    GET /console/inbox/{id}/attachments/{cid}/pages/{n}.png  page n (from 1) as an image

Rendered with PDFium (pypdfium2: maintained wheels, no system library), which draws signature
widgets as any reader does. PDFium is not thread-safe: one lock around every call. Images are
cached in memory by the PDF's SHA-256 and page (the content decides the picture), within a byte
budget; at most ``MAX_PAGES`` pages of a PDF are shown. Access is the attachment route's: a
logged-in user whose agency received the document.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Final

import pypdfium2 as pdfium
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from lienthong._i18n import msg
from lienthong.console import _received
from lienthong.console._web import PREFIX, Console
from lienthong.errors import LienthongError
from lienthong.trust import PdfSignatureReport, verify_pdf

#: Pages shown of one PDF: enough for a document, not a way to make the node render a book.
MAX_PAGES: Final = 40
#: Pixels per point: 1.5 is 108 dpi, legible on a laptop and light on a phone.
SCALE: Final = 1.5
#: Bytes of PNG kept in memory across all PDFs.
CACHE_BYTES: Final = 64 * 1024 * 1024

_PDFIUM = threading.Lock()


class _Cache:
    """PNGs by (digest, page, scale), least recently used dropped beyond the byte budget."""

    def __init__(self, budget: int) -> None:
        self._items: OrderedDict[tuple[str, int, float], bytes] = OrderedDict()
        self._size = 0
        self._budget = budget
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int, float]) -> bytes | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, int, float], png: bytes) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = png
            self._size += len(png)
            while self._size > self._budget and self._items:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)


_CACHE = _Cache(CACHE_BYTES)
_COUNTS: dict[str, int] = {}


class NotRenderable(LienthongError):
    """Raised when the bytes are not a PDF PDFium can open, or the page is beyond it."""


def page_count(pdf: bytes, digest: str) -> int:
    """How many pages ``pdf`` has (cached by ``digest``); ``NotRenderable`` if unreadable."""
    if (known := _COUNTS.get(digest)) is not None:
        return known
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError as exc:
            raise NotRenderable(msg("console-pdf-unreadable", reason=str(exc))) from exc
        try:
            count = len(document)
        finally:
            document.close()
    if len(_COUNTS) > 4096:
        _COUNTS.clear()
    _COUNTS[digest] = count
    return count


def render_page(pdf: bytes, digest: str, number: int, *, scale: float = SCALE) -> bytes:
    """Page ``number`` (from 1) of ``pdf`` as a PNG, its annotations (signature widgets) drawn."""
    key = (digest, number, scale)
    if (cached := _CACHE.get(key)) is not None:
        return cached
    if not 1 <= number <= min(page_count(pdf, digest), MAX_PAGES):
        raise NotRenderable(msg("console-page-missing", page=number))
    png = render_once(pdf, number, scale=scale)
    _CACHE.put(key, png)
    return png


def render_once(pdf: bytes, number: int, *, scale: float = SCALE) -> bytes:
    """Page ``number`` (from 1) of ``pdf`` as a PNG, not cached (a preview made once)."""
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError as exc:
            raise NotRenderable(msg("console-pdf-unreadable", reason=str(exc))) from exc
        try:
            # Signature widgets are form fields: PDFium draws their appearance only with forms on.
            document.init_forms()
            if not 1 <= number <= len(document):
                raise NotRenderable(msg("console-page-missing", page=number))
            page = document[number - 1]
            image = page.render(scale=scale, may_draw_forms=True, draw_annots=True).to_pil()
            page.close()
        finally:
            document.close()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def blank_a4() -> bytes:
    """An A4 page (595 x 842 points) with grey bars where a document's text would be: the paper
    a preview is drawn on. Written byte by byte, so its cross-reference table is exact."""
    bars = b"".join(b"72 %d 451 4 re f\n" % y for y in range(760, 300, -18))
    content = b"0.85 g\n" + bars
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@dataclass(frozen=True, slots=True)
class PageView:
    """One PDF of a received document, for the pages template."""

    name: str
    content_id: str
    pages: int
    shown: int
    reports: tuple[PdfSignatureReport, ...]
    problem: str | None


def pages_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    base = f"{PREFIX}/inbox/{{item_id}}/attachments/{{content_id}}/pages"

    async def pdf_of(request: Request, item_id: str, content_id: str) -> tuple[str, str, bytes] | Response:
        """(name, digest, bytes) of the attachment, with the attachment route's checks."""
        session = console.session(request)
        if session is None:
            return console.login_redirect(request)
        try:
            item = await run_in_threadpool(_received.find, console.node, session.principal.codes, item_id)
            found = await run_in_threadpool(_received.attachment, console.node, item, content_id)
            data = await run_in_threadpool(found.content.read_bytes)
        except (_received.NotFound, LienthongError):
            return console.refused(request, 404, "not_found")
        if not data.startswith(b"%PDF-"):
            return console.refused(request, 404, "not_found")
        return found.name or content_id, found.content.sha256, data

    @router.get(f"{base}/{{number}}.png")
    async def page_png(request: Request, item_id: str, content_id: str, number: int) -> Response:
        got = await pdf_of(request, item_id, content_id)
        if isinstance(got, Response):
            return got
        _, digest, data = got
        try:
            png = await run_in_threadpool(render_page, data, digest, number)
        except NotRenderable:
            return console.refused(request, 404, "not_found")
        return Response(
            png,
            media_type="image/png",
            headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"},
        )

    @router.get(base, response_class=HTMLResponse)
    async def pages(request: Request, item_id: str, content_id: str) -> Response:
        got = await pdf_of(request, item_id, content_id)
        if isinstance(got, Response):
            return got
        name, digest, data = got
        node, at = console.node, console.clock()
        problem = None
        try:
            count = await run_in_threadpool(page_count, data, digest)
        except NotRenderable:
            count, problem = 0, "pdf_unreadable"
        try:
            reports = tuple(
                await run_in_threadpool(lambda: verify_pdf(data, anchors=node.anchors, crls=node.crls, at=at))
            )
        except LienthongError:
            reports, problem = (), "pdf_unreadable"
        view = PageView(name, content_id, count, min(count, MAX_PAGES), reports, problem)
        return console.render(request, "pages.html", {"v": view, "id": item_id, "scale": SCALE})

    return router
