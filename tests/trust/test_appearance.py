"""The Decree 30 appearance: drawn where the settings put it, and the signature still verifies."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from lienthong.trust import (
    AttachmentStamp,
    PdfSigningError,
    SignerAppearance,
    _appearance,
    iso_vietnam,
    serve_pki,
    sign_pdf,
    verify_pdf,
)
from support.images import inside, is_blue, is_red, jpeg, opaque_png, pixels_where, seal_png, signature_png
from support.pki import GeneratedPki
from trust.trust_pdf import minimal_pdf
from trust.trust_support import nss_db, run, tool

PAGE_HEIGHT = 842  # the sample PDF is A4: 595 x 842 points
APPEARANCE = SignerAppearance(
    title="KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG",
    name="Nguyễn Văn Ánh",
    signature_png=signature_png(),
    seal_png=seal_png(),
    seal_width=80,
    box=(300, 420, 560, 600),
    page=1,
)
STAMP = AttachmentStamp(agency="Ủy ban nhân dân tỉnh Nghệ An", number="125/UBND-VP")


@pytest.fixture(scope="module")
def signed(test_pki: GeneratedPki) -> bytes:
    return sign_pdf(minimal_pdf(), test_pki.signers["sender"], appearance=APPEARANCE)


@pytest.fixture(scope="module")
def stamped(test_pki: GeneratedPki) -> bytes:
    return sign_pdf(minimal_pdf(), test_pki.signers["sender"], appearance=STAMP)


def _code(error: PdfSigningError) -> str:
    message = error.message
    assert not isinstance(message, str)
    return message.code


def _render(pdf: bytes, folder: Path) -> Image.Image:
    """Page 1 at 72 dpi (one pixel a point), as poppler draws it."""
    source = folder / "in.pdf"
    source.write_bytes(pdf)
    run(tool("pdftoppm"), "-r", "72", "-f", "1", "-l", "1", "-png", source, folder / "page")
    return Image.open(folder / "page-1.png")


@pytest.mark.parametrize("name", ["signed", "stamped"])
def test_signature_with_appearance_verifies_in_pyhanko_and_pdfsig(
    name: str, request: pytest.FixtureRequest, test_pki: GeneratedPki, tmp_path: Path
) -> None:
    pdf: bytes = request.getfixturevalue(name)
    (report,) = verify_pdf(pdf, anchors=test_pki.anchors, crls=test_pki.crls, at=datetime.now(UTC))
    assert report.valid and report.intact and report.unmodified, report.summary()
    target = tmp_path / "signed.pdf"
    target.write_bytes(pdf)
    result = run(tool("pdfsig"), "-nssdir", nss_db(test_pki.pki.root_path, tmp_path / "nss"), target)
    assert "Signature is Valid" in result.stdout, result.stdout + result.stderr
    assert "Total document signed" in result.stdout


def test_seal_and_signature_are_drawn_inside_their_configured_boxes(signed: bytes, tmp_path: Path) -> None:
    page = _render(signed, tmp_path)
    placed = APPEARANCE.layout()
    assert placed.seal is not None
    red, blue = pixels_where(page, is_red), pixels_where(page, is_blue)
    assert len(red) > 300 and len(blue) > 300
    assert inside(red, placed.seal, PAGE_HEIGHT) >= 0.99 * len(red)
    assert inside(blue, placed.signature, PAGE_HEIGHT) >= 0.99 * len(blue)


def test_seal_covers_the_left_third_of_the_signature_at_its_actual_size() -> None:
    placed = APPEARANCE.layout()
    assert placed.seal is not None
    sx1, _, sx2, _ = placed.signature
    seal_x1, seal_y1, seal_x2, seal_y2 = placed.seal
    assert seal_x2 - seal_x1 == pytest.approx(80)  # actual size, not scaled to the signature
    assert seal_x2 == pytest.approx(sx1 + (sx2 - sx1) / 3)
    assert placed.title[1] >= placed.signature[3] >= placed.signature[1] >= placed.name[3]
    x1, y1, x2, y2 = APPEARANCE.box
    assert x1 <= seal_x1 and seal_x2 <= x2 and y1 <= seal_y1 and seal_y2 <= y2


def test_title_and_name_are_embedded_text_with_diacritics(signed: bytes, tmp_path: Path) -> None:
    source = tmp_path / "signed.pdf"
    source.write_bytes(signed)
    text = run(tool("pdftotext"), source, "-").stdout
    assert "KT. BỘ TRƯỞNG" in text and "THỨ TRƯỞNG" in text and "Nguyễn Văn Ánh" in text
    fonts = run(tool("pdffonts"), source).stdout
    assert re.search(r"LiberationSerif-Bold\S*\s+CID TrueType\s+Identity-H\s+yes\s+yes", fonts), fonts


def test_attachment_stamp_is_top_right_of_page_one_with_agency_number_and_iso_time(
    stamped: bytes, tmp_path: Path
) -> None:
    source = tmp_path / "stamped.pdf"
    source.write_bytes(stamped)
    bbox = run(tool("pdftotext"), "-bbox", "-f", "1", "-l", "1", source, "-").stdout
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', bbox
    )
    # poppler sees each stamp line as one word (the lines are set without word spacing)
    stamp_words = {w[4]: w for w in words if w[4].startswith(("Ủy ban", "125/", "20"))}
    assert {"Ủy ban nhân dân tỉnh Nghệ An", "125/UBND-VP"} <= set(stamp_words)
    for x_min, y_min, x_max, _y_max, _ in stamp_words.values():
        assert float(x_min) > 595 / 2 and float(x_max) <= 595 and float(y_min) < 80
    (when,) = [w for w in stamp_words if w.startswith("20")]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", when)
    assert "Times" in _font_of(source) or "LiberationSerif" in _font_of(source)
    assert not pixels_where(_render(stamped, tmp_path), is_red)  # no image on an attachment


def _font_of(source: Path) -> str:
    return run(tool("pdffonts"), source).stdout


def test_stamp_time_is_the_signature_time_in_vietnam(
    stamped: bytes, test_pki: GeneratedPki, tmp_path: Path
) -> None:
    (report,) = verify_pdf(stamped, anchors=test_pki.anchors, at=datetime.now(UTC))
    assert report.signing_time is not None
    source = tmp_path / "stamped.pdf"
    source.write_bytes(stamped)
    assert iso_vietnam(report.signing_time) in run(tool("pdftotext"), source, "-").stdout


def test_iso_vietnam_shows_the_offset() -> None:
    assert iso_vietnam(datetime(2026, 12, 7, 13, 40, 15, 123, tzinfo=UTC)) == "2026-12-07T20:40:15+07:00"


@pytest.mark.parametrize(
    ("image", "code"),
    [
        (jpeg(), "trust-appearance-image-not-png"),
        (b"not an image", "trust-appearance-image-not-png"),
        (opaque_png(), "trust-appearance-image-opaque"),
        (b"\x89PNG" + bytes(_appearance.MAX_IMAGE_BYTES), "trust-appearance-image-too-large"),
    ],
)
def test_signature_image_must_be_a_png_with_transparency(image: bytes, code: str) -> None:
    with pytest.raises(PdfSigningError) as caught:
        SignerAppearance(title="GIÁM ĐỐC", name="Trần B", signature_png=image, box=(300, 400, 560, 600))
    assert _code(caught.value) == code


def test_box_outside_the_page_or_missing_page_is_refused(test_pki: GeneratedPki) -> None:
    outside = SignerAppearance(
        title="GIÁM ĐỐC", name="Trần B", signature_png=signature_png(), box=(400, 700, 700, 900)
    )
    with pytest.raises(PdfSigningError) as caught:
        sign_pdf(minimal_pdf(), test_pki.signers["sender"], appearance=outside)
    assert _code(caught.value) == "trust-appearance-box-outside"
    later = SignerAppearance(
        title="GIÁM ĐỐC", name="Trần B", signature_png=signature_png(), box=(300, 400, 560, 600), page=3
    )
    with pytest.raises(PdfSigningError) as caught:
        sign_pdf(minimal_pdf(), test_pki.signers["sender"], appearance=later)
    assert _code(caught.value) == "trust-appearance-page-missing"
    with pytest.raises(PdfSigningError):
        SignerAppearance(
            title="GIÁM ĐỐC", name="Trần B", signature_png=signature_png(), box=(560, 400, 300, 600)
        )


def test_missing_font_is_a_clear_error_not_a_font_without_diacritics(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, test_pki: GeneratedPki
) -> None:
    monkeypatch.setattr(_appearance, "FONT_DIRS", (tmp_path,))
    _appearance._font_bytes.cache_clear()
    _appearance._metrics.cache_clear()
    try:
        with pytest.raises(PdfSigningError) as caught:
            sign_pdf(minimal_pdf(), test_pki.signers["sender"], appearance=STAMP)
        assert _code(caught.value) == "trust-appearance-font-missing"
    finally:
        _appearance._font_bytes.cache_clear()
        _appearance._metrics.cache_clear()


def test_report_names_the_signer_as_a_person_and_where_the_signature_is_drawn(
    signed: bytes, test_pki: GeneratedPki
) -> None:
    (report,) = verify_pdf(signed, anchors=test_pki.anchors, at=datetime.now(UTC))
    person = report.person
    assert person is not None
    certificate = test_pki.signers["sender"].certificate
    assert person.name == "UBND tỉnh Nghệ An" and person.organization == "UBND tỉnh Nghệ An"
    assert person.agency_code == "000.00.00.H41"
    assert person.position is None  # the agency code in the OU is not a position
    assert (person.not_before, person.not_after) == (
        certificate.not_valid_before_utc,
        certificate.not_valid_after_utc,
    )
    assert (report.page, report.box) == (1, APPEARANCE.box)
    data = report.to_dict()
    assert data["person"]["agency_code"] == "000.00.00.H41" and data["page"] == 1
    assert {"field", "valid", "signer", "signing_time", "timestamped"} <= data.keys()  # as before


def test_invisible_signature_has_no_place(test_pki: GeneratedPki) -> None:
    (report,) = verify_pdf(
        sign_pdf(minimal_pdf(), test_pki.signers["sender"]), anchors=test_pki.anchors, at=datetime.now(UTC)
    )
    assert (report.page, report.box) == (None, None)


def test_a_title_wider_than_the_box_is_set_smaller_not_clipped(
    test_pki: GeneratedPki, tmp_path: Path
) -> None:
    long_title = "KT. BỘ TRƯỞNG BỘ THÔNG TIN VÀ TRUYỀN THÔNG KIÊM CHỦ NHIỆM ỦY BAN"
    narrow = SignerAppearance(
        title=long_title, name="Trần B", signature_png=signature_png(), box=(350, 400, 550, 560)
    )
    source = tmp_path / "narrow.pdf"
    source.write_bytes(sign_pdf(minimal_pdf(), test_pki.signers["sender"], appearance=narrow))
    bbox = run(tool("pdftotext"), "-bbox", source, "-").stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">', bbox)
    # the title's line: its top within the box's first text line (pdftotext's y grows downwards)
    title_words = [(float(a), float(c)) for a, b, c in words if 842 - 560 - 1 <= float(b) <= 842 - 540]
    assert title_words
    assert min(a for a, _ in title_words) >= 349 and max(c for _, c in title_words) <= 551


def test_appearance_with_a_time_stamp_is_pades_b_t(test_pki: GeneratedPki) -> None:
    with serve_pki(test_pki.pki) as services:
        signed = sign_pdf(
            minimal_pdf(), test_pki.signers["sender"], tsa_url=services.tsa_url, appearance=APPEARANCE
        )
    (report,) = verify_pdf(signed, anchors=test_pki.anchors, crls=test_pki.crls, at=datetime.now(UTC))
    assert report.valid and report.timestamped and (report.page, report.box) == (1, APPEARANCE.box)
