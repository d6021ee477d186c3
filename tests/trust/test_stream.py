"""Streaming package signatures: the bytes and reports of the in-memory recipes, for files of any
size, in bounded memory; the canonical form libxml2 gives; interop with xmlsec1."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import os
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from lienthong.errors import MalformedXML, PackageRejected, SchemaInvalid, UnsafeXML
from lienthong.trust import (
    Algorithm,
    Namespace,
    Subindication,
    VerificationReport,
    _copy_stream,
    _stream,
    sign_package,
    sign_package_stream,
    verify_package,
    verify_package_stream,
)
from lienthong.trust._c14n_stream import ExclusiveC14N
from lienthong.trust._serialize_stream import Serializer
from lienthong.trust._xml import parse, safe_parser
from lienthong.trust._xml_stream import Reader
from support.pki import AT, SENDER, GeneratedPki
from trust.trust_support import (
    assert_refused,
    assert_valid,
    package,
    run,
    tool,
    xmlsec1_sign,
    xmlsec1_template,
)
from trust.trust_xml_gen import PREFIXES, document
from trust.trust_xml_gen import package as generated_package

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted([*ROOT.glob("samples/*.edxml"), *ROOT.glob("tests/data/vendor/*.edxml")])
HOSTILE = sorted(ROOT.glob("tests/data/hostile/*.edxml"))
GENERATED = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class _Collected:
    """A stand-in for a hash that keeps what it is given."""

    def __init__(self) -> None:
        self.data = bytearray()

    def update(self, data: bytes, /) -> None:
        self.data += data


def _stream_c14n(data: bytes, prefixes: tuple[str, ...] = (), *, omit: bool = False) -> bytes:
    out = _Collected()
    canonical = ExclusiveC14N(out, prefixes=prefixes, omit_signatures=omit)
    Reader().read(io.BytesIO(data), (canonical,))
    canonical.close()
    return bytes(out.data)


def _lxml_c14n(data: bytes, prefixes: tuple[str, ...] = ()) -> bytes:
    tree = parse(data)
    return etree.tostring(
        tree, method="c14n", exclusive=True, with_comments=False, inclusive_ns_prefixes=list(prefixes) or None
    )


def _stream_serialised(data: bytes) -> bytes:
    out = io.BytesIO()
    writer = Serializer(out)
    Reader().read(io.BytesIO(data), (writer,))
    writer.flush()
    return out.getvalue()


def _lxml_serialised(data: bytes) -> bytes:
    tree = parse(data)
    return etree.tostring(tree, encoding="UTF-8", xml_declaration=False)


def _sign(data: bytes, test_pki: GeneratedPki, role: str = "sender") -> bytes:
    out = io.BytesIO()
    sign_package_stream(io.BytesIO(data), out, test_pki.signers[role])
    return out.getvalue()


def _verify(test_pki: GeneratedPki, data: bytes, *, allow_sha1: bool = False) -> VerificationReport:
    return verify_package_stream(
        io.BytesIO(data), anchors=test_pki.anchors, crls=test_pki.crls, at=AT, allow_sha1=allow_sha1
    )


def _verify_in_memory(test_pki: GeneratedPki, data: bytes, *, allow_sha1: bool = False) -> VerificationReport:
    return verify_package(data, anchors=test_pki.anchors, crls=test_pki.crls, at=AT, allow_sha1=allow_sha1)


@pytest.fixture
def streamed_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No package is small enough to be handed to the in-memory path."""
    monkeypatch.setattr(_stream, "IN_MEMORY_BYTES", 0)


# -- the canonical form and the serialisation are libxml2's --------------------------------------


@pytest.mark.parametrize("path", CORPUS + HOSTILE, ids=lambda p: p.name)
def test_canonical_form_and_writing_equal_lxml_over_the_corpus(path: Path) -> None:
    data = path.read_bytes()
    try:
        expected = _lxml_c14n(data)
    except (etree.XMLSyntaxError, etree.C14NError, UnsafeXML):
        with pytest.raises(PackageRejected):
            _stream_c14n(data)
        return
    assert _stream_c14n(data) == expected
    assert _stream_c14n(data, ("edXML", "ds")) == _lxml_c14n(data, ("edXML", "ds"))
    assert _stream_serialised(data) == _lxml_serialised(data)


@GENERATED
@given(document(), st.lists(st.sampled_from(PREFIXES), max_size=2, unique=True))
def test_generated_documents_canonicalise_and_write_as_lxml(data: bytes, prefixes: list[str]) -> None:
    expected = _lxml_c14n(data, tuple(prefixes))
    assert _stream_c14n(data, tuple(prefixes)) == expected, data
    assert _stream_serialised(data) == _lxml_serialised(data), data


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0" encoding="ISO-8859-1"?><r a="\xe9">\xe9\xff</r>',
        b'<?xml version="1.0" encoding="windows-1252"?><r>\x80</r>',
        '<?xml version="1.0" encoding="UTF-16"?><r a="é">é😀<?pi x?></r>'.encode("utf-16"),
        b'<r xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:lang="vi"><a/></r>',
        b"<r><?pi \n\n?><?q?><?r  a ?></r>",
        b'<r xmlns="urn:a"><s xmlns=""><t xmlns="urn:a"/></s></r>',
    ],
    ids=["latin-1", "windows-1252", "utf-16", "xmlns-xml", "pi-blanks", "default-undeclared"],
)
def test_encodings_and_corner_cases_equal_lxml(data: bytes) -> None:
    assert _stream_c14n(data) == _lxml_c14n(data)
    assert _stream_serialised(data) == _lxml_serialised(data)


def test_enveloped_transform_leaves_the_signature_out(test_pki: GeneratedPki) -> None:
    signed = sign_package(package(SENDER), test_pki.signers["sender"])
    unsigned_again = etree.fromstring(signed, parser=safe_parser())
    signature = unsigned_again.find(f".//{{{Namespace.DS}}}Signature")
    assert signature is not None
    signature.getparent().remove(signature)  # type: ignore[union-attr]
    expected = etree.tostring(
        unsigned_again.getroottree(), method="c14n", exclusive=True, with_comments=False
    )
    assert _stream_c14n(signed, omit=True) == expected
    assert _stream_c14n(signed) != expected


# -- the same signed bytes, the same reports -----------------------------------------------------


@pytest.mark.parametrize("path", CORPUS + HOSTILE, ids=lambda p: p.name)
def test_signing_gives_the_bytes_of_sign_package_and_the_same_reports(
    test_pki: GeneratedPki, path: Path
) -> None:
    data = path.read_bytes()
    signer = test_pki.signers["sender"]
    try:
        expected = sign_package(data, signer)
    except PackageRejected as exc:
        with pytest.raises(type(exc)):
            _sign(data, test_pki)
        assert _verify(test_pki, data) == _verify_in_memory(test_pki, data)
        return
    signed = _sign(data, test_pki)
    assert signed == expected
    report = _verify(test_pki, signed)
    assert report == _verify_in_memory(test_pki, signed)
    assert report.intact  # the sender code differs from the signer's for most samples
    assert _verify(test_pki, data) == _verify_in_memory(test_pki, data)  # unsigned


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.name)
def test_hostile_packages_are_refused_alike_when_streamed(
    test_pki: GeneratedPki, path: Path, streamed_only: None
) -> None:
    data = path.read_bytes()
    report = _verify(test_pki, data)
    expected = _verify_in_memory(test_pki, data)
    assert not report.valid
    assert report.subindication is expected.subindication is Subindication.FORMAT_FAILURE
    assert report.problem


@GENERATED
@given(generated_package())
def test_generated_packages_sign_alike_and_verify_alike(test_pki: GeneratedPki, data: bytes) -> None:
    signed = _sign(data, test_pki)
    assert signed == sign_package(data, test_pki.signers["sender"]), data
    report = _verify(test_pki, signed)
    assert report == _verify_in_memory(test_pki, signed)
    assert_valid(report)
    assert report.sender_code == SENDER


def _latin1(data: bytes) -> bytes:
    text = (
        data.decode().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace("ủ", "u").replace("ư", "u")
    )
    return text.encode("latin-1", errors="replace")


@pytest.mark.parametrize(
    ("shape", "copied"),
    [
        (_lxml_serialised, True),
        (lambda p: p + b"\n\n", True),
        (
            lambda p: p.replace(
                b"<edXML:TraceHeaderList/>\n    </edXML:edXMLHeader>", b"</edXML:edXMLHeader>"
            ),
            True,
        ),
        (lambda p: p.replace(b"<AttachmentEncoded/>", b"<AttachmentEncoded></AttachmentEncoded>"), False),
        (lambda p: p + b"<!-- after -->", False),
        (lambda p: p.replace(b"</edXML>", b"</edXML >"), False),
        (lambda p: p.replace(b"</edXML>", b"</edXML>   x"), False),  # not XML: refused below
        (_latin1, False),
    ],
    ids=[
        "libxml2-form",
        "blank-tail",
        "header-ends-after-list",
        "open-close",
        "comment-after",
        "end-tag-blank",
        "junk-after",
        "latin-1",
    ],
)
def test_the_second_pass_copies_only_what_libxml2_would_write(
    test_pki: GeneratedPki, monkeypatch: pytest.MonkeyPatch, shape: Callable[[bytes], bytes], copied: bool
) -> None:
    outcomes: list[bool] = []
    copy = _copy_stream.copy_signed

    def spy(*args: Any) -> bool:
        outcomes.append(copy(*args))
        return outcomes[-1]

    monkeypatch.setattr(_stream, "copy_signed", spy)
    data = shape(package(SENDER))
    try:
        expected = sign_package(data, test_pki.signers["sender"])
    except PackageRejected as exc:
        with pytest.raises(type(exc)):
            _sign(data, test_pki)
        return
    assert _sign(data, test_pki) == expected
    assert outcomes == [copied]


def test_an_empty_header_opens_to_take_the_signature(test_pki: GeneratedPki) -> None:
    data = package(SENDER)
    start = data.index(b"<edXML:edXMLHeader>")
    end = data.index(b"</edXML:edXMLHeader>") + len(b"</edXML:edXMLHeader>")
    empty = data[:start] + b"<edXML:edXMLHeader/>" + data[end:]
    assert _sign(empty, test_pki) == sign_package(empty, test_pki.signers["sender"])


@pytest.mark.parametrize(
    ("old", "new"), [(b'version="1.0"', b'version="A.0"'), (b'encoding="UTF-8"', b'encoding="UTFA8"')]
)
def test_a_declaration_libxml2_refuses_gets_the_in_memory_report(
    test_pki: GeneratedPki, old: bytes, new: bytes
) -> None:
    """An XML version or encoding expat takes (or fails on otherwise) but libxml2 refuses: found
    by hypothesis; the streamed verdict must be the in-memory one."""
    signed = sign_package(package(SENDER), test_pki.signers["sender"]).replace(old, new, 1)
    assert new in signed
    assert _verify(test_pki, signed) == _verify_in_memory(test_pki, signed)


@pytest.mark.parametrize("inside", ["<b/>", "<edXML:OrganId>x</edXML:OrganId>", "<!--c--><b><c/></b>"])
def test_elements_inside_the_sender_code_are_read_as_libxml2_does(
    test_pki: GeneratedPki, inside: str
) -> None:
    """From/OrganId holding elements (found by hypothesis: it once crashed the path tracker)."""
    data = package(SENDER).replace(
        f"<edXML:OrganId>{SENDER}</edXML:OrganId>".encode(),
        f"<edXML:OrganId>{SENDER}{inside}</edXML:OrganId>".encode(),
    )
    signed = sign_package(data, test_pki.signers["sender"])
    assert _sign(data, test_pki) == signed
    assert _verify(test_pki, signed) == _verify_in_memory(test_pki, signed)


@GENERATED
@given(generated_package(), st.integers(min_value=0), st.sampled_from([b"A", b" ", b"<", b"&", b"\xc3"]))
def test_generated_packages_changed_anywhere_get_the_in_memory_report(
    test_pki: GeneratedPki, data: bytes, where: int, byte: bytes
) -> None:
    signed = _sign(data, test_pki)
    at = where % len(signed)
    changed = signed[:at] + byte + signed[at + 1 :]
    assert _verify(test_pki, changed) == _verify_in_memory(test_pki, changed), (changed, at)


def test_signing_refuses_what_sign_package_refuses(test_pki: GeneratedPki) -> None:
    with pytest.raises(MalformedXML):
        _sign(b"<edXML", test_pki)
    with pytest.raises(SchemaInvalid):
        _sign(b"<edXML/>", test_pki)
    with pytest.raises(SchemaInvalid) as caught:
        _sign(_sign(package(SENDER), test_pki), test_pki)
    assert caught.value.code == "already-signed"
    relative = package(SENDER).replace(b"<AttachmentEncoded/>", b'<v xmlns="relative/uri"/>')
    with pytest.raises(MalformedXML):
        sign_package(relative, test_pki.signers["sender"])
    with pytest.raises(MalformedXML):
        _sign(relative, test_pki)


def test_a_package_is_read_from_where_the_stream_stands(test_pki: GeneratedPki) -> None:
    source = io.BytesIO(b"JUNK" + package(SENDER))
    source.seek(4)
    out = io.BytesIO()
    sign_package_stream(source, out, test_pki.signers["sender"])
    assert out.getvalue() == sign_package(package(SENDER), test_pki.signers["sender"])
    signed = io.BytesIO(b"JUNK" + out.getvalue())
    signed.seek(4)
    assert_valid(verify_package_stream(signed, anchors=test_pki.anchors, crls=test_pki.crls, at=AT))


# -- tampering -----------------------------------------------------------------------------------


_ATTACHMENT_START = b'<AttachmentEncoded><Attachment ContentID="cid:1" name="a.pdf"><ContentTransferEncoded>'
_ATTACHMENT_END = b"</ContentTransferEncoded></Attachment></AttachmentEncoded>"


def _with_attachment(size: int) -> bytes:
    """A package from ``SENDER`` with one attachment of ``size`` random bytes (base64, 76 a line)."""
    content = base64.encodebytes(os.urandom(size))
    return package(SENDER).replace(b"<AttachmentEncoded/>", _ATTACHMENT_START + content + _ATTACHMENT_END)


def _write_with_attachment(path: Path, megabytes: int) -> None:
    """``_with_attachment`` written to a file a line at a time, never whole in memory."""
    head, tail = package(SENDER).split(b"<AttachmentEncoded/>")
    line = base64.encodebytes(os.urandom(57 * 512))
    with path.open("wb") as out:
        out.write(head + _ATTACHMENT_START)
        for _ in range((megabytes << 20) // len(line)):
            out.write(line)
        out.write(_ATTACHMENT_END + tail)


def test_a_changed_byte_anywhere_is_refused(test_pki: GeneratedPki) -> None:
    signed = _sign(_with_attachment(64 << 10), test_pki)
    assert_valid(_verify(test_pki, signed))
    attachment_at = signed.index(b"<ContentTransferEncoded>") + 5000
    flipped = b"A" if signed[attachment_at : attachment_at + 1] != b"A" else b"B"
    tampered = {
        "text": signed.replace("triển khai".encode(), "hủy bỏ".encode()),
        "attribute": signed.replace(b'name="a.pdf"', b'name="b.pdf"'),
        "attachment": signed[:attachment_at] + flipped + signed[attachment_at + 1 :],
        "recipient": signed.replace(b"000.00.00.G22", b"000.00.00.G23"),
    }
    for what, data in tampered.items():
        assert data != signed, what
        report = _verify(test_pki, data)
        assert_refused(
            report, Subindication.HASH_FAILURE, "changed after signing", code="trust-digest-mismatch"
        )
        assert report == _verify_in_memory(test_pki, data), what
    root = etree.fromstring(signed, parser=safe_parser())
    value = root.find(f".//{{{Namespace.DS}}}DigestValue")
    assert value is not None
    digest = value.text or ""
    # Another first character: a digest already starting with "A" left the package as signed (1 run in 64).
    value.text = ("B" if digest.startswith("A") else "A") + digest[1:]
    forged = etree.tostring(root)
    assert forged != etree.tostring(etree.fromstring(signed, parser=safe_parser()))
    assert_refused(
        _verify(test_pki, forged),
        Subindication.SIG_CRYPTO_FAILURE,
        "signature value",
        code="trust-signature-value-mismatch",
    )


def test_refusals_before_the_cryptography_match(test_pki: GeneratedPki, streamed_only: None) -> None:
    signed = _sign(package(SENDER), test_pki)
    root = etree.fromstring(signed, parser=safe_parser())
    signature = root.find(f".//{{{Namespace.DS}}}Signature")
    assert signature is not None
    twice = signed.replace(b"</edXML:edXMLBody>", etree.tostring(signature) + b"</edXML:edXMLBody>")
    root.append(signature)  # moved to the end of the root
    cases = {"unsigned": package(SENDER), "two signatures": twice, "misplaced": etree.tostring(root)}
    for what, data in cases.items():
        report = _verify(test_pki, data)
        assert report == _verify_in_memory(test_pki, data), what
        assert report.subindication is Subindication.FORMAT_FAILURE, what


# -- bounded memory and hostile streams ----------------------------------------------------------


def _sign_and_verify_traced(
    test_pki: GeneratedPki, source: Path, signed: Path
) -> tuple[VerificationReport, int]:
    """The report on ``source`` signed into ``signed``, and the peak of Python's allocations."""
    tracemalloc.start()
    try:
        with source.open("rb") as src, signed.open("wb") as dst:
            sign_package_stream(src, dst, test_pki.signers["sender"])
        with signed.open("rb") as src:
            report = verify_package_stream(src, anchors=test_pki.anchors, crls=test_pki.crls, at=AT)
        return report, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_attachment(test_pki: GeneratedPki, tmp_path: Path) -> None:
    small, large, signed = tmp_path / "small.edxml", tmp_path / "large.edxml", tmp_path / "signed.edxml"
    _write_with_attachment(small, 12)
    _write_with_attachment(large, 48)  # one text node of 48 MB, beyond libxml2's 10 MB
    small_report, small_peak = _sign_and_verify_traced(test_pki, small, signed)
    report, peak = _sign_and_verify_traced(test_pki, large, signed)
    assert_valid(small_report)
    assert_valid(report)
    # Memory following the attachment would add 36 MB or more; tracemalloc also counts what other
    # threads of the test process allocate meanwhile, hence some slack.
    assert peak < small_peak + (8 << 20), (small_peak, peak)
    assert peak < 32 << 20, peak
    # The in-memory path cannot take it: libxml2 refuses a text node over 10 MB.
    assert not verify_package(signed.read_bytes(), anchors=test_pki.anchors, at=AT).valid
    data = bytearray(signed.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.edxml"
    tampered.write_bytes(data)
    with tampered.open("rb") as src:
        assert not verify_package_stream(src, anchors=test_pki.anchors, crls=test_pki.crls, at=AT).valid


def test_a_huge_comment_is_refused_in_bounded_memory(test_pki: GeneratedPki, streamed_only: None) -> None:
    data = package(SENDER).replace(b"<AttachmentEncoded/>", b"<!--" + b"x" * 13_000_000 + b"-->")
    with pytest.raises(UnsafeXML) as caught:
        _sign(data, test_pki)
    assert caught.value.code == "xml-limit"
    assert_refused(
        _verify(test_pki, data), Subindication.FORMAT_FAILURE, "longer than", code="trust-xml-token-too-long"
    )


def test_a_dtd_is_refused_by_both_paths(test_pki: GeneratedPki) -> None:
    data = b"<!DOCTYPE edXML>\n" + package(SENDER).split(b"\n", 1)[1]
    with pytest.raises(UnsafeXML) as in_memory:
        sign_package(data, test_pki.signers["sender"])
    with pytest.raises(UnsafeXML) as streamed:
        _sign(data, test_pki)
    assert in_memory.value.code == streamed.value.code == "dtd-forbidden"


# -- interoperability with xmlsec1 ---------------------------------------------------------------


@pytest.mark.parametrize("prefixed", [True, False], ids=["ds-prefix", "default-ns"])
def test_xmlsec1_signature_verifies_streamed(
    test_pki: GeneratedPki, tmp_path: Path, prefixed: bool, streamed_only: None
) -> None:
    template = xmlsec1_template(
        Algorithm.EXC_C14N, Algorithm.RSA_SHA256, Algorithm.SHA256, prefixed=prefixed, exc=True
    )
    unsigned = _with_attachment(32 << 10).replace(
        b"<edXML:TraceHeaderList/>", b"<edXML:TraceHeaderList/>" + template.encode()
    )
    signed = xmlsec1_sign(test_pki, tmp_path, unsigned)
    report = _verify(test_pki, signed)
    assert_valid(report)
    assert report == _verify_in_memory(test_pki, signed)
    assert_refused(_verify(test_pki, signed.replace("triển khai".encode(), b"X")), Subindication.HASH_FAILURE)


def test_xmlsec1_legacy_signature_in_memory_when_small_refused_when_large(
    test_pki: GeneratedPki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = xmlsec1_template(Algorithm.C14N, Algorithm.RSA_SHA1, Algorithm.SHA1, prefixed=True, exc=False)
    signed = xmlsec1_sign(test_pki, tmp_path, package(SENDER, extra_header=template))
    small = _verify(test_pki, signed, allow_sha1=True)
    assert_valid(small)
    assert small == _verify_in_memory(test_pki, signed, allow_sha1=True)
    monkeypatch.setattr(_stream, "IN_MEMORY_BYTES", len(signed) - 1)
    large = _verify(test_pki, signed, allow_sha1=True)
    assert_refused(large, Subindication.FORMAT_FAILURE, "streaming profile", code="trust-stream-profile")
    assert dataclasses.replace(large, format_problem=None).signer == small.signer


def test_xmlsec1_accepts_a_streamed_signature(test_pki: GeneratedPki, tmp_path: Path) -> None:
    xmlsec1 = tool("xmlsec1")
    signed = tmp_path / "signed.edxml"
    signed.write_bytes(_sign(_with_attachment(32 << 10), test_pki))
    trust = ("--trusted-pem", test_pki.pki.root_path, "--untrusted-pem", test_pki.pki.issuing_path)
    result = run(xmlsec1, "--verify", *trust, signed)
    assert result.returncode == 0, result.stderr
    signed.write_bytes(signed.read_bytes().replace(b'name="a.pdf"', b'name="b.pdf"'))
    assert run(xmlsec1, "--verify", *trust, signed).returncode != 0


def test_digest_is_that_of_the_canonical_form(test_pki: GeneratedPki) -> None:
    signed = _sign(_with_attachment(1000), test_pki)
    root = etree.fromstring(signed, parser=safe_parser())
    value = root.find(f".//{{{Namespace.DS}}}DigestValue")
    assert value is not None
    assert base64.b64decode(value.text or "") == hashlib.sha256(_stream_c14n(signed, omit=True)).digest()
