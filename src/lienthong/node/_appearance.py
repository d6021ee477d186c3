"""Each agency's signature appearance (Decree 30), as its console administrator set it.

    HOME/appearance/<agency code>/settings.json   {"title": "KT. BỘ TRƯỞNG\\nTHỨ TRƯỞNG",
                                                   "name": "Nguyễn Văn A", "page": -1,
                                                   "box": [330, 60, 560, 230], "seal_width": 102}
    HOME/appearance/<agency code>/signature.png   the signer's signature (PNG, transparent)
    HOME/appearance/<agency code>/seal.png        the agency's seal (PNG, transparent; optional)

Directories 0700, files 0600: a signature image is not for other users of the host. Settings are
checked when saved (``trust.SignerAppearance``: PNGs with alpha within the caps, a box of an A4
page) and again when a PDF is signed (the box must lie on that PDF's page).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from lienthong._i18n import msg
from lienthong.errors import PdfSigningError
from lienthong.node._errors import AppearanceInvalid
from lienthong.trust import SignerAppearance, checked_png, private_directory, private_files

SETTINGS = "settings.json"
SIGNATURE = "signature.png"
SEAL = "seal.png"
#: The page every box is checked against when saved: Decree 30's paper, A4 portrait, in points.
A4 = (595.0, 842.0)
#: An agency code as a directory name: digits, letters and dots only (no path can escape).
_CODE = re.compile(r"[0-9A-Za-z.]{1,40}")


@dataclass(frozen=True)
class AppearanceSettings:
    """One agency's appearance settings: text, position and images (None until uploaded)."""

    title: str
    name: str
    #: PDF points (x1, y1, x2, y2), origin at the page's lower left.
    box: tuple[float, float, float, float]
    #: Counted from 1; -1 is the last page.
    page: int = -1
    #: The seal's width on paper, in points.
    seal_width: float = 102.0
    signature_png: bytes | None = None
    seal_png: bytes | None = None

    def appearance(self) -> SignerAppearance | None:
        """The appearance to draw, or None while no signature image is uploaded."""
        if self.signature_png is None:
            return None
        return SignerAppearance(
            title=self.title,
            name=self.name,
            signature_png=self.signature_png,
            seal_png=self.seal_png,
            seal_width=self.seal_width,
            box=self.box,
            page=self.page,
        )

    def check(self) -> None:
        """Refuse (``AppearanceInvalid``) settings that could not be drawn on an A4 page."""
        try:
            _x1, _y1, x2, y2 = self.box
            if x2 > A4[0] or y2 > A4[1]:
                box = " ".join(f"{v:g}" for v in self.box)
                raise AppearanceInvalid(msg("node-appearance-box-outside-a4", box=box))
            if self.signature_png is not None:
                self.appearance()
            else:  # no image yet: the rest is still checked, with a stand-in for the drawing
                if self.seal_png is not None:
                    checked_png(self.seal_png, seal=True)
                SignerAppearance(
                    title=self.title, name=self.name, signature_png=_BLANK, box=self.box, page=self.page
                )
        except PdfSigningError as exc:
            raise AppearanceInvalid(exc.message) from exc


# A 1x1 transparent PNG: lets the text and the box be checked before a signature is uploaded.
_BLANK = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)


def _folder(root: Path, code: str) -> Path:
    if not _CODE.fullmatch(code):
        raise AppearanceInvalid(msg("node-appearance-code-invalid", code=code))
    return root / code


def load_appearance(root: Path | None, code: str) -> AppearanceSettings | None:
    """``code``'s settings under ``root`` (HOME/appearance), or None when it has none."""
    if root is None or not _CODE.fullmatch(code):
        return None
    folder = root / code
    try:
        data = json.loads((folder / SETTINGS).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise AppearanceInvalid(msg("node-appearance-unreadable", code=code, reason=str(exc))) from exc
    try:
        box = tuple(float(v) for v in data["box"])
        if len(box) != 4:
            raise ValueError(box)
        return AppearanceSettings(
            title=str(data["title"]),
            name=str(data["name"]),
            box=(box[0], box[1], box[2], box[3]),
            page=int(data.get("page", -1)),
            seal_width=float(data.get("seal_width", 102.0)),
            signature_png=_read(folder / SIGNATURE),
            seal_png=_read(folder / SEAL),
        )
    except (KeyError, TypeError, ValueError, OSError) as exc:
        raise AppearanceInvalid(msg("node-appearance-unreadable", code=code, reason=str(exc))) from exc


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def save_appearance(root: Path, code: str, settings: AppearanceSettings) -> None:
    """Check ``settings`` and write them for ``code``: images first, the settings file last
    (each replaced whole), so a reader sees the old settings or the new ones."""
    settings.check()
    folder = _folder(root, code)
    private_directory(root)
    private_directory(folder)
    for name, data in ((SIGNATURE, settings.signature_png), (SEAL, settings.seal_png)):
        if data is None:
            (folder / name).unlink(missing_ok=True)
        else:
            _write(folder / name, data)
    document = {
        "title": settings.title,
        "name": settings.name,
        "page": settings.page,
        "box": list(settings.box),
        "seal_width": settings.seal_width,
    }
    _write(folder / SETTINGS, (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode())


def _write(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".new")
    with private_files():
        temporary.write_bytes(data)
    os.chmod(temporary, 0o600)
    temporary.replace(path)
