"""Signed statements: receipts and log heads, as bytes a node signs and anyone can check.

    LTSTMT/1
    {"alg":"RS256","chain":["<base64 DER>", …],"sig":"<base64>"}
    <payload: canonical JSON>

The signature covers exactly the payload bytes after the second newline; the first certificate
of ``chain`` is the signer's (the node's seal certificate, or its TLS certificate when it has no
separate seal), the rest its intermediates. ``alg`` follows the signer's key: ``RS256`` (RSA
PKCS#1 v1.5, SHA-256), ``ES256`` (ECDSA P-256, SHA-256, DER) or ``EdDSA`` (Ed25519). Verifiers
keep the bytes they received and check them as they are; nothing is ever re-serialised.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong._i18n import Message, msg
from lienthong.evidence._canonical import canonical_json
from lienthong.evidence._errors import StatementInvalid
from lienthong.trust import ChainStatus, Signer
from lienthong.trust.hazmat import validate_chain

MAGIC: Final = b"LTSTMT/1\n"
RS256: Final = "RS256"
ES256: Final = "ES256"
EDDSA: Final = "EdDSA"


def sign_statement(payload: Mapping[str, Any], signer: Signer) -> bytes:
    """``payload`` as a signed statement by ``signer`` (SHA-256; the algorithm its key's)."""
    body = canonical_json(payload)
    header = {
        "alg": _algorithm(signer.certificate.public_key()),
        "chain": [
            base64.b64encode(cert.public_bytes(Encoding.DER)).decode("ascii")
            for cert in (signer.certificate, *signer.chain)
        ],
        "sig": base64.b64encode(signer.sign_raw(body, hashes.SHA256())).decode("ascii"),
    }
    return MAGIC + json.dumps(header, sort_keys=True, separators=(",", ":")).encode("ascii") + b"\n" + body


@dataclass(frozen=True, slots=True)
class Statement:
    """A statement whose signature verified with its first certificate (trust not yet judged)."""

    #: The bytes as received.
    raw: bytes
    #: The payload bytes the signature covers.
    body: bytes
    payload: Mapping[str, Any]
    signer: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    def chain_problem(self, anchors: Sequence[x509.Certificate], *, at: datetime) -> Message | None:
        """Why the signer's certificate is not trusted at ``at`` under ``anchors``; None if it is."""
        result = validate_chain(self.signer, anchors=anchors, intermediates=self.chain[1:], at=at)
        if result.status is ChainStatus.PASSED:
            return None
        return msg(
            "evidence-signer-untrusted",
            subject=self.signer.subject.rfc4514_string(),
            status=result.status.value,
            detail=result.detail,
        )


def read_statement(data: bytes) -> Statement:
    """Parse ``data`` and check its signature; raises ``StatementInvalid`` naming what fails."""
    if not data.startswith(MAGIC):
        raise StatementInvalid(msg("evidence-statement-no-magic"))
    end = data.find(b"\n", len(MAGIC))
    if end < 0:
        raise StatementInvalid(msg("evidence-statement-truncated"))
    try:
        header = json.loads(data[len(MAGIC) : end])
        signature = base64.b64decode(header["sig"], validate=True)
        chain = tuple(
            x509.load_der_x509_certificate(base64.b64decode(item, validate=True)) for item in header["chain"]
        )
        algorithm = header["alg"]
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise StatementInvalid(msg("evidence-statement-header-unreadable", reason=str(exc))) from exc
    if not chain:
        raise StatementInvalid(msg("evidence-statement-no-certificate"))
    body = data[end + 1 :]
    _verify(chain[0], algorithm, signature, body)
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise StatementInvalid(msg("evidence-statement-payload-unreadable", reason=str(exc))) from exc
    if not isinstance(payload, dict):
        raise StatementInvalid(msg("evidence-statement-payload-not-object"))
    return Statement(raw=data, body=body, payload=payload, signer=chain[0], chain=chain)


def _algorithm(public: object) -> str:
    # From the key, as the verifier takes it: a node whose seal lives in a token signs ES256.
    if isinstance(public, ec.EllipticCurvePublicKey):
        return ES256
    if isinstance(public, ed25519.Ed25519PublicKey):
        return EDDSA
    return RS256


def _verify(certificate: x509.Certificate, algorithm: object, signature: bytes, body: bytes) -> None:
    key = certificate.public_key()
    try:
        if algorithm == RS256 and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
        elif algorithm == ES256 and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, body, ec.ECDSA(hashes.SHA256()))
        elif algorithm == EDDSA and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, body)
        else:
            raise StatementInvalid(msg("evidence-statement-algorithm-unsupported", algorithm=str(algorithm)))
    except InvalidSignature:
        raise StatementInvalid(msg("evidence-statement-signature-mismatch")) from None
