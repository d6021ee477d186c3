"""Reading the certificates and CRLs the directory records: PEM in, fingerprint and names out."""

from __future__ import annotations

import functools
import hashlib
from datetime import UTC

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong._i18n import tr
from lienthong.directory._errors import DirectoryKeyError
from lienthong.store import RevocationList, TrustAnchor
from lienthong.trust import KeyLoadError, crls_from_bytes


@functools.lru_cache(maxsize=1024)
def fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 of the DER bytes, lower-case hex: how the network names a certificate (asked for
    every package and receipt a node checks, of the same few certificates: remembered)."""
    return hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()


@functools.lru_cache(maxsize=1024)
def pem_fingerprint(pem: str) -> str:
    """``fingerprint`` of a PEM certificate (as the configuration names nodes' certificates)."""
    return fingerprint(x509.load_pem_x509_certificate(pem.encode()))


def load_certificate_pem(pem: str | bytes, *, what: str = "certificate") -> x509.Certificate:
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        return x509.load_pem_x509_certificate(data)
    except ValueError as exc:
        raise DirectoryKeyError(
            tr(f"{what}: không phải chứng thư PEM: {exc}", f"{what}: not a PEM certificate: {exc}")
        ) from exc


def certificate_pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(Encoding.PEM).decode("ascii")


def anchor_of(pem: str | bytes) -> TrustAnchor:
    certificate = load_certificate_pem(pem, what="anchor")
    return TrustAnchor(
        fingerprint(certificate), certificate.subject.rfc4514_string(), certificate_pem(certificate)
    )


def read_crls(data: bytes) -> list[x509.CertificateRevocationList]:
    """Every CRL in ``data``: PEM blocks (other blocks ignored) or one DER CRL; at least one."""
    try:
        crls = crls_from_bytes(data)
    except KeyLoadError as exc:
        raise DirectoryKeyError(tr(f"không đọc được CRL: {exc}", f"unreadable CRL: {exc}")) from exc
    if not crls:
        raise DirectoryKeyError(tr("tệp không chứa CRL nào", "the file holds no CRL"))
    return crls


def revocation_list(crl: x509.CertificateRevocationList) -> RevocationList:
    """How the registry records ``crl``."""
    der = crl.public_bytes(Encoding.DER)
    next_update = crl.next_update_utc
    return RevocationList(
        issuer=crl.issuer.rfc4514_string(),
        fingerprint=hashlib.sha256(der).hexdigest(),
        crl_pem=crl.public_bytes(Encoding.PEM).decode("ascii"),
        this_update=crl.last_update_utc.astimezone(UTC),
        next_update=None if next_update is None else next_update.astimezone(UTC),
    )
