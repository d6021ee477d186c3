"""What a person sees of a PDF signature, as Decree 30/2020/NĐ-CP Appendix I draws it.

Two appearances, each a frozen value ``sign_pdf`` draws into the signature's widget:

- ``SignerAppearance``, the document's signature: the signer's title line(s), the signature
  image centred below them, the signer's full name below it, and the agency's seal at its actual
  size over the left third of the signature image [II.7.d, II.8.a];
- ``AttachmentStamp``, an attachment issued with the document: top right of the first page, no
  image, the agency's name, the document's number and notation and the signing time in ISO 8601
  (Vietnam time), in a Times-compatible serif at size 10 [II.8.b, III.1.d].

Text is set in Liberation Serif (metric-compatible with Times New Roman, with Vietnamese glyphs),
embedded as a subset; when its file is missing signing fails: a font without diacritics would
print a wrong name. Boxes are PDF points, origin at the page's lower left.
"""

from __future__ import annotations

import functools
import io
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from PIL import Image, UnidentifiedImageError
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import ResourceType
from pyhanko.pdf_utils.font.api import FontEngine
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp import BaseStamp, BaseStampStyle, TextStampStyle

from lienthong._i18n import msg
from lienthong.trust._errors import PdfSigningError

#: A rectangle (x1, y1, x2, y2) in PDF points, origin at the page's lower left.
Box = tuple[float, float, float, float]

#: Vietnam's time (UTC+7 all year): the signing time shown on an attachment is in it.
VIETNAM = timezone(timedelta(hours=7), "ICT")

#: Where Debian puts Liberation Serif (fonts-liberation2, then the older fonts-liberation).
FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation"))
REGULAR = "LiberationSerif-Regular.ttf"
BOLD = "LiberationSerif-Bold.ttf"

#: Upper bounds on an uploaded image: what a signature or a seal needs, far from a memory bomb.
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_PIXELS = 4000

_TITLE_SIZE = 12
_NAME_SIZE = 12
_STAMP_SIZE = 10
_LEADING = 1.25  # line height over font size
_GAP = 4.0  # points between the text lines and the signature image
_STAMP_MARGIN = 18.0  # points from the page's top and right edges to the attachment stamp
_STAMP_PADDING = 3.0
# pyHanko hands an appearance the signing time it also signs, formatted with this; we read it
# back so the time shown is the signature's own to the second.
_TS_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def font_file(name: str = REGULAR) -> Path:
    """The path of a Liberation Serif file; ``PdfSigningError`` naming it when it is missing."""
    for folder in FONT_DIRS:
        if (path := folder / name).is_file():
            return path
    raise PdfSigningError(msg("trust-appearance-font-missing", path=str(FONT_DIRS[0] / name)))


@functools.cache
def _font_bytes(name: str) -> bytes:
    """The font scaled to 1000 units per em, once per process.

    pyHanko 0.38 writes glyph widths (/W, TJ adjustments) in the font's own units where PDF
    wants thousandths of an em; Liberation's TrueType files have 2048 units, so unscaled text
    would be spread over twice its width.
    """
    # fontTools reports each table it cannot subset (FFTM): noise, not a problem.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    font = TTFont(str(font_file(name)))
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def checked_png(data: bytes, *, seal: bool = False) -> tuple[int, int]:
    """The (width, height) of ``data`` when it is a PNG with an alpha channel within the caps.

    ``seal`` names the image in the error (the seal, else the signature). Raises ``PdfSigningError``.
    """
    what = msg("trust-appearance-seal") if seal else msg("trust-appearance-signature")
    if len(data) > MAX_IMAGE_BYTES:
        raise PdfSigningError(msg("trust-appearance-image-too-large", what=what, limit=MAX_IMAGE_BYTES))
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise PdfSigningError(msg("trust-appearance-image-not-png", what=what))
            width, height = image.size
            if max(width, height) > MAX_IMAGE_PIXELS:
                raise PdfSigningError(
                    msg("trust-appearance-image-too-large", what=what, limit=MAX_IMAGE_BYTES)
                )
            alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            if not alpha:
                raise PdfSigningError(msg("trust-appearance-image-opaque", what=what))
            image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PdfSigningError(msg("trust-appearance-image-not-png", what=what)) from exc
    return width, height


def _check_box(box: Box) -> None:
    x1, y1, x2, y2 = box
    if not (0 <= x1 < x2 and 0 <= y1 < y2):
        raise PdfSigningError(msg("trust-appearance-box-invalid", box=_box_text(box)))


def _box_text(box: Box) -> str:
    return " ".join(f"{v:g}" for v in box)


@dataclass(frozen=True)
class SignerAppearance:
    """The document's signature as Decree 30 draws it: title, signature image, name, seal."""

    #: The signer's title line(s) (quyền hạn, chức vụ), e.g. "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG".
    title: str
    #: The signer's full name, printed below the signature image.
    name: str
    #: The handwritten signature: a PNG with transparency (blue, by the decree).
    signature_png: bytes
    #: The whole appearance's box on the page.
    box: Box
    #: The page, counted from 1; -1 is the last page (where a document is usually signed).
    page: int = -1
    #: The agency's seal: a PNG with transparency (red), or None for a signature without it.
    seal_png: bytes | None = None
    #: The seal's actual width on paper, in points (a 36 mm seal is about 102 points).
    seal_width: float = 102.0

    def __post_init__(self) -> None:
        # pyHanko's widget box is whole points; the drawing is laid out in that same box.
        object.__setattr__(self, "box", tuple(float(round(v)) for v in self.box))
        _check_box(self.box)
        if self.page == 0 or self.page < -1:
            raise PdfSigningError(msg("trust-appearance-page-invalid", page=self.page))
        if not self.title.strip() or not self.name.strip():
            raise PdfSigningError(msg("trust-appearance-text-missing"))
        checked_png(self.signature_png)
        if self.seal_png is not None:
            checked_png(self.seal_png, seal=True)
            if self.seal_width <= 0:
                raise PdfSigningError(
                    msg("trust-appearance-seal-width-invalid", width=format(self.seal_width, "g"))
                )
        self.layout()  # refuses a box too small for the title, the image and the name

    def layout(self) -> SignerLayout:
        """Where the signature image and the seal go, in page coordinates."""
        return _signer_layout(self)


@dataclass(frozen=True)
class SignerLayout:
    """The placed parts of a ``SignerAppearance`` (page coordinates, points)."""

    #: The title lines' band at the top of the box.
    title: Box
    #: The signature image, scaled to fit between title and name, centred.
    signature: Box
    #: The signer's name band at the bottom of the box.
    name: Box
    #: The seal at its actual size over the left third of the signature, inside the box; or None.
    seal: Box | None


def _png_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def _signer_layout(appearance: SignerAppearance) -> SignerLayout:
    x1, y1, x2, y2 = appearance.box
    width, height = x2 - x1, y2 - y1
    title_lines = len(appearance.title.splitlines())
    title_h = title_lines * _TITLE_SIZE * _LEADING
    name_h = _NAME_SIZE * _LEADING
    band_bottom, band_top = y1 + name_h + _GAP, y2 - title_h - _GAP
    if band_top - band_bottom < 8:
        raise PdfSigningError(msg("trust-appearance-box-too-small", box=_box_text(appearance.box)))
    px_w, px_h = _png_size(appearance.signature_png)
    scale = min(width / px_w, (band_top - band_bottom) / px_h)
    sig_w, sig_h = px_w * scale, px_h * scale
    sx = x1 + (width - sig_w) / 2
    sy = band_bottom + (band_top - band_bottom - sig_h) / 2
    signature = (sx, sy, sx + sig_w, sy + sig_h)
    seal = None
    if appearance.seal_png is not None:
        seal_px_w, seal_px_h = _png_size(appearance.seal_png)
        seal_w = min(appearance.seal_width, width)
        seal_h = min(seal_w * seal_px_h / seal_px_w, height)
        seal_w = seal_h * seal_px_w / seal_px_h
        # The seal covers the signature's left third: its right edge at one third of the image.
        left = sx + sig_w / 3 - seal_w
        bottom = sy + sig_h / 2 - seal_h / 2
        # Kept inside the box: the widget's appearance is clipped to it.
        left = min(max(left, x1), x2 - seal_w)
        bottom = min(max(bottom, y1), y2 - seal_h)
        seal = (left, bottom, left + seal_w, bottom + seal_h)
    return SignerLayout(
        title=(x1, y2 - title_h, x2, y2),
        signature=signature,
        name=(x1, y1, x2, y1 + name_h),
        seal=seal,
    )


@dataclass(frozen=True)
class AttachmentStamp:
    """An attachment's signature: top right of its first page, text only (Decree 30 II.8.b)."""

    #: The issuing agency's name.
    agency: str
    #: The document's number and notation, e.g. "125/VPCP-TTĐT".
    number: str

    def __post_init__(self) -> None:
        if not self.agency.strip() or not self.number.strip():
            raise PdfSigningError(msg("trust-appearance-text-missing"))

    def box(self, page_width: float, page_height: float) -> Box:
        """The stamp's box on a page of that size: top right, as wide as its longest line."""
        width = max(_text_width(line, _STAMP_SIZE) for line in self._lines("2026-12-07T20:40:15+07:00"))
        width += 2 * _STAMP_PADDING
        height = 3 * _STAMP_SIZE * _LEADING + 2 * _STAMP_PADDING
        x2, y2 = page_width - _STAMP_MARGIN, page_height - _STAMP_MARGIN
        return (max(x2 - width, 0.0), max(y2 - height, 0.0), x2, y2)

    def _lines(self, when: str) -> list[str]:
        return [self.agency, self.number, when]


def _text_width(text: str, size: float) -> float:
    """The advance width of ``text`` in Liberation Serif at ``size`` (no kerning: a box's size)."""
    cmap, widths = _metrics()
    total = sum(widths.get(cmap.get(ord(ch), ".notdef"), 1000) for ch in text)
    return total * size / 1000


@functools.cache
def _metrics() -> tuple[dict[int, str], dict[str, int]]:
    font = TTFont(io.BytesIO(_font_bytes(REGULAR)))
    hmtx = font["hmtx"]
    return dict(font.getBestCmap()), {name: hmtx[name][0] for name in font.getGlyphOrder()}


def iso_vietnam(moment: datetime) -> str:
    """``moment`` in ISO 8601 with the Vietnam offset, to the second: 2026-12-07T20:40:15+07:00."""
    return moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()


class _Text:
    """Lines set in one embedded font, each placed by its own text object."""

    def __init__(self, stamp: BaseStamp, writer: BasePdfFileWriter, font: str, resource: str, size: int):
        self._engine: FontEngine = GlyphAccumulator(writer, io.BytesIO(_font_bytes(font)), font_size=size)
        self._stamp, self._resource, self._size = stamp, resource, size

    def width(self, line: str) -> float:
        return float(self._engine.shape(line).x_advance * self._size)

    def line(self, text: str, x: float, y: float, size: float | None = None) -> bytes:
        # Each line is its own text object: the shaping's closing Td never moves the next one.
        ops = self._engine.shape(text).graphics_ops
        tf = size or self._size
        return b"BT /%s %g Tf 1 0 0 1 %g %g Tm %s ET" % (self._resource.encode(), tf, x, y, ops)

    def centred(self, text: str, width: float, y: float) -> bytes:
        """``text`` centred in ``width``; set smaller when it would not fit (a long title stays
        whole rather than clipped by the box). Glyph positions scale with the size."""
        natural = self.width(text)
        size = min(float(self._size), self._size * width / natural) if natural > 0 else float(self._size)
        return self.line(text, max((width - natural * size / self._size) / 2, 0.0), y, size)

    def register(self) -> None:
        self._stamp.set_resource(
            category=ResourceType.FONT, name=pdf_name("/" + self._resource), value=self._engine.as_resource()
        )


def _image(stamp: BaseStamp, writer: BasePdfFileWriter, data: bytes, box: Box) -> bytes:
    """Draw ``data`` (a PNG, its alpha as a soft mask) stretched over ``box`` (stamp coordinates)."""
    x1, y1, x2, y2 = box
    with Image.open(io.BytesIO(data)) as opened:
        image = opened.convert("RGBA")
    content = PdfImage(image, writer=writer, box=layout.BoxConstraints(width=x2 - x1, height=y2 - y1))
    drawn = content.render()
    stamp.import_resources(content.resources)
    return b"q 1 0 0 1 %g %g cm %s Q" % (x1, y1, drawn)


@dataclass(frozen=True)
class _SignerStyle(BaseStampStyle):
    appearance: SignerAppearance | None = None
    border_width: int = 0

    def create_stamp(
        self,
        writer: BasePdfFileWriter,
        box: layout.BoxConstraints,
        text_params: dict[str, Any],  # noqa: ARG002 (pyHanko's interface; the text is ours)
    ) -> BaseStamp:
        return _SignerStamp(writer, self, box)


class _SignerStamp(BaseStamp):
    def _render_inner_content(self) -> list[bytes]:
        appearance = self.style.appearance
        assert appearance is not None
        assert self.writer is not None
        placed = appearance.layout()
        x0, y0 = appearance.box[0], appearance.box[1]

        def local(box: Box) -> Box:
            return (box[0] - x0, box[1] - y0, box[2] - x0, box[3] - y0)

        width = appearance.box[2] - x0
        bold = _Text(self, self.writer, BOLD, "FB", _TITLE_SIZE)
        out = [b"q 0 0 0 rg"]
        top = placed.title[3] - y0
        for index, line in enumerate(appearance.title.splitlines()):
            baseline = top - (index + 1) * _TITLE_SIZE * _LEADING + _TITLE_SIZE * (_LEADING - 1)
            out.append(bold.centred(line, width, baseline))
        out.append(bold.centred(appearance.name, width, _NAME_SIZE * (_LEADING - 1)))
        bold.register()
        out.append(b"Q")
        out.append(_image(self, self.writer, appearance.signature_png, local(placed.signature)))
        # The seal is drawn last: it lies over the signature, as a stamp on paper does.
        if appearance.seal_png is not None and placed.seal is not None:
            out.append(_image(self, self.writer, appearance.seal_png, local(placed.seal)))
        return out


@dataclass(frozen=True)
class _AttachmentStyle(TextStampStyle):
    # A TextStampStyle only so pyHanko passes the signing time it signs ("ts").
    stamp: AttachmentStamp | None = None
    border_width: int = 0
    timestamp_format: str = _TS_FORMAT

    def create_stamp(  # type: ignore[override]
        self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict[str, Any]
    ) -> BaseStamp:
        return _AttachmentStampContent(writer, self, box, str(text_params["ts"]))


class _AttachmentStampContent(BaseStamp):
    def __init__(
        self, writer: BasePdfFileWriter, style: _AttachmentStyle, box: layout.BoxConstraints, ts: str
    ):
        super().__init__(writer, style, box)
        self._when = iso_vietnam(datetime.strptime(ts, _TS_FORMAT))

    def _render_inner_content(self) -> list[bytes]:
        stamp = self.style.stamp
        assert stamp is not None
        assert self.writer is not None
        text = _Text(self, self.writer, REGULAR, "FR", _STAMP_SIZE)
        out = [b"q 0 0 0 rg"]
        top = float(self.box.height) - _STAMP_PADDING
        for index, line in enumerate(stamp._lines(self._when)):
            baseline = top - (index + 1) * _STAMP_SIZE * _LEADING + _STAMP_SIZE * (_LEADING - 1)
            out.append(text.line(line, _STAMP_PADDING, baseline))
        text.register()
        out.append(b"Q")
        return out


def stamp_style(appearance: SignerAppearance | AttachmentStamp) -> BaseStampStyle:
    """The pyHanko stamp style that draws ``appearance`` in its signature's widget."""
    if isinstance(appearance, SignerAppearance):
        return _SignerStyle(appearance=appearance)
    return _AttachmentStyle(stamp=appearance)


def preview_pdf(pdf_bytes: bytes, appearance: SignerAppearance) -> bytes:
    """``pdf_bytes`` with ``appearance`` drawn on its page, unsigned: what a signature will look
    like, for an administrator to check the settings. Raises ``PdfSigningError``."""
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
        count = int(writer.root["/Pages"]["/Count"])
        index = count - 1 if appearance.page == -1 else min(appearance.page, count) - 1
        x1, y1, x2, y2 = appearance.box
        box = layout.BoxConstraints(width=x2 - x1, height=y2 - y1)
        _SignerStyle(appearance=appearance).create_stamp(writer, box, {}).apply(index, int(x1), int(y1))
        out = io.BytesIO()
        writer.write(out)  # type: ignore[no-untyped-call]
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise PdfSigningError(msg("trust-pdf-unreadable", reason=str(exc))) from exc
    return out.getvalue()
