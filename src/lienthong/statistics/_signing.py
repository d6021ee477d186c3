"""Signing a report with the node's seal and verifying it with the node's certificate.

The node signs through a ``trust.Signer`` (its seal key, in a file or a token; its TLS key when
it has no separate seal); a private key held in this process signs as well, as it always has.
The signature covers the exact bytes of ``encode(report)``. The algorithm follows from the key:
RSA (PKCS#1 v1.5, SHA-256), ECDSA (SHA-256) or Ed25519; the verifier takes it from the
certificate, never from the message, so a sender cannot choose a weaker one. On the wire a
signed report is JSON: ``{"format": …, "report": base64, "signature": base64}``.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from lienthong._i18n import msg
from lienthong.errors import message_of
from lienthong.statistics._codec import MAX_REPORT, decode, encode
from lienthong.statistics._errors import ReportMalformed, ReportSignatureInvalid
from lienthong.statistics._report import StatisticsReport
from lienthong.trust import Signer

ENVELOPE: Final = "lienthong-statistics-signed/1"
#: Media type of a signed report.
CONTENT_TYPE: Final = "application/vnd.lienthong.statistics+json"

#: What signs a report: a signer (wherever its key lives), or a private key loaded here.
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
NodeKey = Signer | PrivateKey


def load_node_key(path: str | Path) -> PrivateKey:
    """The node's private key from a PEM file (unencrypted): load it once per process."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ReportSignatureInvalid(
            msg("statistics-key-unreadable", path=str(path), reason=message_of(exc))
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey):
        raise ReportSignatureInvalid(msg("statistics-key-type-unsupported", path=str(path)))
    return key


def _sign(key: NodeKey, data: bytes) -> bytes:
    if isinstance(key, Signer):
        # ``sign_raw`` encodes as below for each key type (PKCS#1 v1.5, DER ECDSA, raw Ed25519):
        # the wire format does not depend on where the key lives.
        return key.sign_raw(data, hashes.SHA256())
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    return key.sign(data)


@dataclass(frozen=True, slots=True)
class SignedReport:
    """A report's exact bytes and the node's signature over them."""

    data: bytes
    signature: bytes

    @property
    def report(self) -> StatisticsReport:
        """The content, decoded (not verified: see ``verify_report``)."""
        return decode(self.data)

    def to_json(self) -> bytes:
        document = {
            "format": ENVELOPE,
            "report": base64.b64encode(self.data).decode("ascii"),
            "signature": base64.b64encode(self.signature).decode("ascii"),
        }
        return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("ascii")

    @classmethod
    def from_json(cls, body: bytes) -> SignedReport:
        """Read the envelope; raises ``ReportMalformed`` if it is not one."""
        if len(body) > 2 * MAX_REPORT:
            raise ReportMalformed(msg("statistics-envelope-too-large"))
        try:
            document = json.loads(body)
            if not isinstance(document, dict) or document.get("format") != ENVELOPE:
                raise ValueError("format")
            return cls(
                base64.b64decode(document["report"], validate=True),
                base64.b64decode(document["signature"], validate=True),
            )
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise ReportMalformed(msg("statistics-envelope-invalid", reason=message_of(exc))) from None


def sign_report(report: StatisticsReport, key: NodeKey) -> SignedReport:
    """Encode ``report`` canonically and sign the bytes with the node's seal (or a private key)."""
    data = encode(report)
    return SignedReport(data, _sign(key, data))


def verify_report(signed: SignedReport, certificate: x509.Certificate) -> StatisticsReport:
    """The report, once its signature verifies with ``certificate``'s key.

    Raises ``ReportSignatureInvalid`` when it does not, ``ReportMalformed`` when the verified
    bytes are not a report. Who may sign (the certificate belongs to the named node, chains to
    the anchors) is the caller's check.
    """
    public = certificate.public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signed.signature, signed.data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signed.signature, signed.data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(signed.signature, signed.data)
        else:
            raise InvalidSignature("unsupported key type")
    except InvalidSignature:
        raise ReportSignatureInvalid(msg("statistics-signature-mismatch")) from None
    return decode(signed.data)
