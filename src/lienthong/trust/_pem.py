"""Reading and writing PEM files: certificates, CRLs and private keys."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from lienthong._i18n import msg
from lienthong.trust._errors import KeyLoadError

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----.+?-----END \1-----", re.DOTALL)


def _read(path: str | os.PathLike[str]) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise KeyLoadError(
            msg("trust-file-unreadable", path=str(path), reason=str(exc.strerror)),
            path=str(path),
        ) from exc


def certificates_from_bytes(data: bytes, *, source: str = "") -> list[x509.Certificate]:
    """Every certificate in ``data`` (PEM with one or more blocks, or a single DER)."""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise KeyLoadError(
            msg("trust-certificate-invalid", source=source),
            path=source or None,
        ) from exc


def load_certificates(path: str | os.PathLike[str]) -> list[x509.Certificate]:
    """Every certificate in a PEM (or DER) file."""
    return certificates_from_bytes(_read(path), source=str(path))


def load_certificate(path: str | os.PathLike[str]) -> x509.Certificate:
    """The first certificate of a PEM (or DER) file."""
    return load_certificates(path)[0]


def crls_from_bytes(data: bytes, *, source: str = "") -> list[x509.CertificateRevocationList]:
    """Every CRL in ``data`` (PEM blocks, or a single DER)."""
    try:
        if b"-----BEGIN" not in data:
            return [x509.load_der_x509_crl(data)]
        return [
            x509.load_pem_x509_crl(match.group(0))
            for match in _PEM_BLOCK.finditer(data)
            if match.group(1) == b"X509 CRL"
        ]
    except ValueError as exc:
        raise KeyLoadError(
            msg("trust-crl-invalid", source=source),
            path=source or None,
        ) from exc


def load_crls(paths: Iterable[str | os.PathLike[str]]) -> list[x509.CertificateRevocationList]:
    """Every CRL in the given files."""
    return [crl for path in paths for crl in crls_from_bytes(_read(path), source=str(path))]


def load_private_key(path: str | os.PathLike[str], *, password: bytes | None = None) -> rsa.RSAPrivateKey:
    """An RSA private key from a PEM file. Costs tens of milliseconds: call it once per process."""
    data = _read(path)
    try:
        key = serialization.load_pem_private_key(data, password=password)
    except (ValueError, TypeError) as exc:
        raise KeyLoadError(
            msg("trust-key-unreadable", path=str(path)),
            path=str(path),
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyLoadError(msg("trust-key-not-rsa", path=str(path)), path=str(path))
    return key


def load_signing_key(
    path: str | os.PathLike[str], *, password: bytes | None = None
) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey:
    """A private key a ``Signer`` accepts (RSA, EC or Ed25519; ``key_type_of`` checks size and curve)."""
    data = _read(path)
    try:
        key = serialization.load_pem_private_key(data, password=password)
    except (ValueError, TypeError) as exc:
        raise KeyLoadError(msg("trust-key-unreadable", path=str(path)), path=str(path)) from exc
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey):
        raise KeyLoadError(msg("trust-key-type-unsupported"), path=str(path))
    return key


def certificate_pem(*certificates: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


def key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def write_private(path: Path, data: bytes) -> None:
    """Write a private key readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
