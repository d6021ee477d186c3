"""Sign and verify edXML packages of any size in bounded memory: ``sign_package_stream`` and
``verify_package_stream``.

Same results as ``sign_package`` / ``verify_package`` on the bytes of the file, without a tree:
the document streams through expat (``_xml_stream``) into a canonicaliser that writes into the
digest (``_c14n_stream``), so memory stays flat whatever the size of the attachments.

Signing reads the file twice: once for the digest (and the header's place), then to write the
signed package, byte for byte what ``sign_package`` returns, with the signature before the
header's end tag; when the input already is what libxml2 writes, that second reading is a
copy (``_copy_stream``), not a parse. Verifying reads the document once for the digest (SHA-256
with no PrefixList, the usual; a second time for a signature that states otherwise), the
signature, the sender's code and the count of signatures; the policy is ``_policy``'s, the same as
in memory. A signature outside the one profile (inclusive C14N, several references...) is left
to signxml, in memory, for a package up to ``IN_MEMORY_BYTES``; a larger one is refused rather
than loaded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import io
from collections.abc import Sequence
from datetime import datetime
from typing import BinaryIO, Final

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

from lienthong._i18n import msg
from lienthong.errors import PackageRejected
from lienthong.trust._c14n_stream import ExclusiveC14N
from lienthong.trust._copy_stream import HashWriter, Layout, copy_signed
from lienthong.trust._enveloped import append_signature, read_profile, signed_info_verifies
from lienthong.trust._landmarks import Landmarks, SignatureCapture
from lienthong.trust._policy import Revocation, judge, placement_problem
from lienthong.trust._report import VerificationReport, as_message
from lienthong.trust._serialize_stream import Serializer
from lienthong.trust._signer import Signer
from lienthong.trust._time import aware
from lienthong.trust._xades import SignatureStamper
from lienthong.trust._xml import not_xml, safe_parser
from lienthong.trust._xml_stream import Reader, Tag
from lienthong.trust._xmldsig import key_info, signing_problem, verify_package, verify_with_signxml

#: Up to this size a package whose signature is outside the streaming profile is verified in
#: memory, as ``verify_package`` would; above it, it is refused.
IN_MEMORY_BYTES: Final = 64 << 20
_DECLARATION: Final = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_MARK: Final = "lienthong-signature"


def _signature_bytes(
    ancestors: Sequence[Tag], digest: bytes, signer: Signer, timestamp: SignatureStamper | None
) -> bytes:
    """The signature element as libxml2 writes it inside the header.

    lxml reuses a ``ds`` prefix an ancestor already binds to the xmldsig namespace instead of
    declaring it again, so the element is built where it will stand: under copies of the root,
    the envelope and the header carrying their namespace declarations, in their order.
    """
    skeleton = io.BytesIO()
    writer = Serializer(skeleton)
    for tag in ancestors:
        writer.start(dataclasses.replace(tag, attributes=[]))
    writer.comment(_MARK, len(ancestors))
    for tag in reversed(ancestors):
        writer.end(tag)
    writer.flush()
    root = etree.fromstring(skeleton.getvalue(), parser=safe_parser())
    header = root[0][0]
    append_signature(header, digest, signer, key_info(signer), timestamp=timestamp)
    written: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    _, _, after_mark = written.partition(f"<!--{_MARK}-->".encode())
    closing = "".join(f"</{tag.qname}>" for tag in reversed(ancestors)).encode()
    assert after_mark.endswith(closing)
    return after_mark[: -len(closing)]


def sign_package_stream(
    source: BinaryIO, target: BinaryIO, signer: Signer, *, timestamp: SignatureStamper | None = None
) -> None:
    """Write to ``target`` the package read from ``source`` (seekable, from where it stands),
    signed by ``signer``: the same bytes ``sign_package`` returns for it, in bounded memory
    (with ``timestamp``, the signature time-stamped as ``sign_package`` does).

    Raises ``MalformedXML`` for input that is not XML, ``UnsafeXML`` for a DTD, an entity or
    nesting beyond the bounds, and ``SchemaInvalid`` when the package has no
    ``edXMLEnvelope/edXMLHeader`` or already holds a ``ds:Signature``; nothing is written then.
    """
    start = source.tell()
    reader = Reader()
    marks = Landmarks()
    digest = hashlib.sha256()
    canonical = ExclusiveC14N(digest)
    written = HashWriter()
    serialised = Serializer(written)
    layout = Layout(reader, marks)
    reader.read(source, (marks, canonical, serialised, layout))
    canonical.close()
    serialised.flush()
    problem = signing_problem(has_header=marks.header is not None, signatures=marks.signatures)
    if problem is not None:
        raise problem
    header = marks.header
    assert header is not None
    signature = _signature_bytes(marks.chain[: header.depth], digest.digest(), signer, timestamp)
    target.write(_DECLARATION)
    if copy_signed(source, start, layout, written.hash.digest(), target, signature):
        return
    source.seek(start)
    writer = Serializer(target, insert=(header.serial, signature))
    Reader().read(source, (writer,))
    writer.flush()


@dataclasses.dataclass(frozen=True)
class _Scan:
    """What a full reading of a package established."""

    marks: Landmarks
    signature: etree._Element | None  # the first ds:Signature
    digest: bytes
    #: What ``digest`` is: the hash, and the InclusiveNamespaces prefixes of the reference.
    digest_of: tuple[str, tuple[str, ...]]


#: What we and most peers sign with: SHA-256, exclusive C14N with no PrefixList.
_USUAL: Final = ("sha256", ())


def _scan(source: BinaryIO, digest_of: tuple[str, tuple[str, ...]]) -> _Scan:
    """One reading: landmarks, the first signature, the digest of the document without it."""
    reader = Reader()
    marks = Landmarks()
    capture = SignatureCapture(reader.in_scope)
    digest = hashlib.new(digest_of[0])
    canonical = ExclusiveC14N(digest, prefixes=digest_of[1], omit_signatures=True)
    reader.read(source, (marks, capture, canonical))
    canonical.close()
    signature = None
    if capture.xml is not None:
        try:
            signature = etree.fromstring(capture.xml, parser=safe_parser())
        except etree.XMLSyntaxError as exc:  # expat took what libxml2 does not
            raise not_xml(exc) from exc
    return _Scan(marks, signature, digest.digest(), digest_of)


def _too_large_for_memory(report: VerificationReport) -> VerificationReport:
    limit = IN_MEMORY_BYTES >> 20
    return report.but(
        format_problem=msg("trust-stream-profile", limit=limit),
    )


def verify_package_stream(
    source: BinaryIO,
    *,
    anchors: Sequence[x509.Certificate],
    crls: Sequence[x509.CertificateRevocationList] = (),
    ocsp_responses: Sequence[bytes] = (),
    fetch_ocsp: bool = False,
    at: datetime,
    allow_sha1: bool = False,
) -> VerificationReport:
    """``verify_package`` for a package read from ``source`` (seekable, from where it stands),
    in bounded memory: the same report, the same problems.

    A package up to ``IN_MEMORY_BYTES`` that cannot be read as a stream (not well-formed,
    say) is handed to ``verify_package`` whole, so that its report says what that one says.
    """
    report = VerificationReport(validation_time=aware(at), sha1_allowed=allow_sha1)
    start = source.tell()
    size = source.seek(0, io.SEEK_END) - start

    def whole() -> bytes:
        source.seek(start)
        return source.read()

    try:
        source.seek(start)
        scan = _scan(source, _USUAL)
        profile = read_profile(scan.signature) if scan.signature is not None else None
        if profile is not None and (profile.digest, profile.reference_prefixes) != _USUAL:
            source.seek(start)  # digested the usual way, signed another: once more
            scan = _scan(source, (profile.digest, profile.reference_prefixes))
            profile = read_profile(scan.signature) if scan.signature is not None else None
    except PackageRejected as exc:
        if size <= IN_MEMORY_BYTES:
            return verify_package(
                whole(),
                anchors=anchors,
                crls=crls,
                ocsp_responses=ocsp_responses,
                fetch_ocsp=fetch_ocsp,
                at=at,
                allow_sha1=allow_sha1,
            )
        return report.but(format_problem=as_message(exc.message))
    problem = placement_problem(scan.marks.signatures, first_in_header=scan.marks.first_signature_in_header)
    if problem is not None:
        return report.but(format_problem=problem)
    signature = scan.signature
    assert signature is not None

    def check(report: VerificationReport, cert: x509.Certificate) -> VerificationReport:
        public = cert.public_key()
        if (
            profile is None
            or scan.digest_of != (profile.digest, profile.reference_prefixes)
            or not isinstance(public, rsa.RSAPublicKey)
        ):
            if size <= IN_MEMORY_BYTES:
                return verify_with_signxml(report, whole(), cert)
            return _too_large_for_memory(report)
        report = report.but(
            signature_ok=signed_info_verifies(signature, profile, public),
            digest_ok=hmac.compare_digest(scan.digest, profile.digest_value),
        )
        if not report.intact:
            return report
        # Read in the same pass as the digest: the sender is what the signature covers.
        return report.but(sender_code=scan.marks.sender_code)

    return judge(report, signature, check, Revocation(anchors, crls, ocsp_responses, fetch_ocsp))
