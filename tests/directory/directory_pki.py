"""Certificates and CRLs the directory tests need, generated (never stored)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

START = datetime(2025, 1, 1, tzinfo=UTC)


def certificate_pem(common_name: str, key: ec.EllipticCurvePrivateKey | None = None) -> str:
    """A self-signed EC certificate (the tests care about its bytes, not its chain)."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(START)
        .not_valid_after(START + timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(Encoding.PEM).decode("ascii")


def crl_pem(
    issuer: str, *, this_update: datetime = START, key: ec.EllipticCurvePrivateKey | None = None
) -> str:
    """A CRL of ``issuer`` signed by ``key`` (by default a new key: signed by nobody known)."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .last_update(this_update)
        .next_update(this_update + timedelta(days=7))
        .sign(key, hashes.SHA256())
    )
    return crl.public_bytes(Encoding.PEM).decode("ascii")
