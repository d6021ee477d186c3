"""Reading the certificates and CRLs the directory records: PEM in, fingerprint and names out;
which CA signed a CRL."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from datetime import UTC

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong._i18n import msg
from lienthong.directory._errors import DirectoryKeyError
from lienthong.errors import message_of
from lienthong.store import RevocationList, TrustAnchor
from lienthong.trust import KeyLoadError, certificates_from_bytes, crls_from_bytes


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
            msg("directory-certificate-not-pem", what=what, reason=message_of(exc))
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
        raise DirectoryKeyError(msg("directory-crl-unreadable", reason=message_of(exc))) from exc
    if not crls:
        raise DirectoryKeyError(msg("directory-crl-file-empty"))
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


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return bool(certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _issued(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def crl_signers(anchors: list[x509.Certificate], cas: Sequence[bytes]) -> list[x509.Certificate]:
    """The anchors, and the CA certificates of ``cas`` issued by them (directly or through one
    another); refuses a certificate of ``cas`` that is not such a CA."""
    try:
        given = [certificate for data in cas for certificate in certificates_from_bytes(data)]
    except KeyLoadError as exc:
        raise DirectoryKeyError(msg("directory-ca-option-invalid", reason=message_of(exc))) from exc
    signers = list(anchors)
    while given:
        found = [ca for ca in given if _is_ca(ca) and any(_issued(ca, signer) for signer in signers)]
        if not found:
            names = "; ".join(ca.subject.rfc4514_string() for ca in given)
            raise DirectoryKeyError(msg("directory-ca-not-issued-by-anchor", names=names))
        signers.extend(found)
        given = [ca for ca in given if ca not in found]
    return signers


def signed_by(crl: x509.CertificateRevocationList, signer: x509.Certificate) -> bool:
    """Whether ``signer`` (an RSA or EC CA, as the network's are) signed ``crl``."""
    key = signer.public_key()
    if crl.issuer != signer.subject or not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        return False
    return crl.is_signature_valid(key)
