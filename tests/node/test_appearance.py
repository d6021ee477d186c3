"""Agency appearance settings in the node's home, and ``sign_pdfs`` drawing them: the document
gets the signer's appearance, its other PDFs the attachment stamp; no settings, no drawing."""

from __future__ import annotations

import dataclasses
import io
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from lienthong.demo import sample_pdf
from lienthong.node import (
    AppearanceInvalid,
    AppearanceSettings,
    Node,
    load_appearance,
    save_appearance,
    sign_pdfs,
)
from lienthong.trust import verify_pdf
from node.node_network import SENDER, Network
from support.images import opaque_png, seal_png, signature_png
from trust.trust_support import run, tool

SETTINGS = AppearanceSettings(
    title="TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
    name="Lê Thị Bình",
    box=(320, 80, 560, 250),
    page=-1,
    seal_width=90,
    signature_png=signature_png(),
    seal_png=seal_png(),
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_settings_round_trip_in_private_files(tmp_path: Path) -> None:
    root = tmp_path / "appearance"
    assert load_appearance(root, SENDER) is None
    save_appearance(root, SENDER, SETTINGS)
    assert load_appearance(root, SENDER) == SETTINGS
    assert _mode(root) == _mode(root / SENDER) == 0o700
    assert {p.name: _mode(p) for p in (root / SENDER).iterdir()} == {
        "settings.json": 0o600,
        "signature.png": 0o600,
        "seal.png": 0o600,
    }
    without_seal = dataclasses.replace(SETTINGS, seal_png=None)
    save_appearance(root, SENDER, without_seal)
    assert load_appearance(root, SENDER) == without_seal
    assert not (root / SENDER / "seal.png").exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"signature_png": opaque_png()}, "trust-appearance-image-opaque"),
        ({"seal_png": b"GIF89a"}, "trust-appearance-image-not-png"),
        ({"box": (320, 700, 560, 900)}, "node-appearance-box-outside-a4"),
        ({"box": (320, 80, 330, 90)}, "trust-appearance-box-too-small"),
        ({"name": " "}, "trust-appearance-text-missing"),
    ],
)
def test_settings_are_checked_before_anything_is_written(
    tmp_path: Path, change: dict[str, object], code: str
) -> None:
    with pytest.raises(AppearanceInvalid) as caught:
        save_appearance(tmp_path, SENDER, dataclasses.replace(SETTINGS, **change))  # type: ignore[arg-type]
    message = caught.value.message
    assert not isinstance(message, str) and message.code == code
    assert not (tmp_path / SENDER).exists()


def test_a_code_that_is_not_a_directory_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AppearanceInvalid):
        save_appearance(tmp_path, "../etc", SETTINGS)
    assert load_appearance(tmp_path, "../etc") is None


def _widgets(pdf: bytes) -> list[tuple[int, tuple[float, ...]]]:
    """(page index, rectangle) of each signature widget with a visible size."""
    reader = PdfFileReader(io.BytesIO(pdf))
    count = int(reader.root["/Pages"]["/Count"])
    pages = [reader.find_page_for_modification(i)[0].idnum for i in range(count)]  # type: ignore[no-untyped-call]
    found = []
    for sig in reader.embedded_signatures:
        field = sig.sig_field
        rect = tuple(float(v) for v in field["/Rect"])
        if rect[2] > rect[0] and rect[3] > rect[1]:
            found.append((pages.index(field.raw_get("/P").idnum), rect))
    return found


def test_sign_pdfs_draws_the_document_and_stamps_the_attachments(network: Network, tmp_path: Path) -> None:
    save_appearance(tmp_path / "appearance", SENDER, SETTINGS)
    node: Node = dataclasses.replace(network.sender, appearance_dir=tmp_path / "appearance")
    files = [("van-ban.pdf", sample_pdf("Van ban")), ("phu-luc.pdf", sample_pdf("Phu luc"))]
    (document, attachment) = sign_pdfs(
        node, SENDER, files, reason="Ký số", number="125/UBND-VP", agency_name="UBND tỉnh Nghệ An"
    )
    for _, pdf in (document, attachment):
        (report,) = verify_pdf(pdf, anchors=node.anchors, at=datetime.now(UTC))
        assert report.valid, report.summary()
    assert _widgets(document[1]) == [(0, (320.0, 80.0, 560.0, 250.0))]
    ((page, (x1, _y1, _x2, y2)),) = _widgets(attachment[1])
    assert page == 0 and x1 > 595 / 2 and y2 > 842 - 40  # top right of page 1
    text = tmp_path / "phu-luc.pdf"
    text.write_bytes(attachment[1])
    out = run(tool("pdftotext"), text, "-").stdout
    assert "UBND tỉnh Nghệ An" in out and "125/UBND-VP" in out
    signed_doc = tmp_path / "van-ban.pdf"
    signed_doc.write_bytes(document[1])
    assert "Lê Thị Bình" in run(tool("pdftotext"), signed_doc, "-").stdout


def test_without_settings_signatures_stay_invisible(network: Network, tmp_path: Path) -> None:
    node = dataclasses.replace(network.sender, appearance_dir=tmp_path / "appearance")
    (signed,) = sign_pdfs(node, SENDER, [("a.pdf", sample_pdf())], number="1/X", agency_name="X")
    assert _widgets(signed[1]) == []
