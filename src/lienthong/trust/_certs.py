"""Certificate, CRL and key builders: the CA's raw operations, with every date given.

These functions choose extensions (who may sign what) and nothing else: where keys are stored,
what is revoked and when is decided by ``Pki``. They are exposed through ``trust.hazmat``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from lienthong.trust._constants import AGENCY_URI_PREFIX, NODE_URI_PREFIX
from lienthong.trust._time import aware

#: RSA size for every key we make. 2048 is what the government CA issues to agencies today.
KEY_SIZE = 2048

#: Certificates are backdated by this much so a peer whose clock is a little behind accepts them.
BACKDATE = timedelta(minutes=5)


def new_key() -> rsa.RSAPrivateKey:
    """A fresh RSA key of ``KEY_SIZE`` bits."""
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


@dataclass(frozen=True)
class Issuer:
    """A CA able to sign: its certificate and private key."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey


@dataclass(frozen=True)
class Validity:
    """When a certificate starts (backdated by ``BACKDATE``) and how many days it lasts."""

    not_before: datetime
    days: int

    def apply(self, builder: x509.CertificateBuilder) -> x509.CertificateBuilder:
        start = aware(self.not_before, name="not_before")
        return builder.not_valid_before(start - BACKDATE).not_valid_after(start + timedelta(days=self.days))


@dataclass(frozen=True)
class Locations:
    """Where relying parties fetch revocation data; written into the certificates issued."""

    ocsp_url: str | None = None
    crl_url: str | None = None


def name(common_name: str, *, organization: str | None = None, unit: str | None = None) -> x509.Name:
    """A subject name ``C=VN, O=..., OU=..., CN=...``."""
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organization:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    if unit:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def _base(
    subject: x509.Name,
    public: rsa.RSAPublicKey | ec.EllipticCurvePublicKey,
    issuer: Issuer | None,
    validity: Validity,
    locations: Locations | None = None,
) -> x509.CertificateBuilder:
    builder = validity.apply(
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    if locations and locations.ocsp_url:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier(locations.ocsp_url),
                    )
                ]
            ),
            critical=False,
        )
    if locations and locations.crl_url:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        [x509.UniformResourceIdentifier(locations.crl_url)], None, None, None
                    )
                ]
            ),
            critical=False,
        )
    return builder


def _key_usage(*, signing: bool = False, ca: bool = False, encipher: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing or encipher,
        content_commitment=signing,
        key_encipherment=encipher,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _sign(builder: x509.CertificateBuilder, key: rsa.RSAPrivateKey) -> x509.Certificate:
    return builder.sign(key, hashes.SHA256())


def make_ca(
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    validity: Validity,
    *,
    issuer: Issuer | None = None,
    path_length: int | None = None,
    locations: Locations | None = None,
) -> x509.Certificate:
    """A root CA (``issuer`` None: self-signed) or an intermediate CA signed by ``issuer``."""
    builder = (
        _base(subject, key.public_key(), issuer, validity, locations)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
    )
    return _sign(builder, issuer.key if issuer else key)


def make_agency_certificate(
    issuer: Issuer,
    public: rsa.RSAPublicKey | ec.EllipticCurvePublicKey,
    *,
    agency_code: str,
    agency_name: str,
    validity: Validity,
    locations: Locations | None = None,
) -> x509.Certificate:
    """An agency's document-signing certificate: code in the OU and in a subjectAltName URI.

    No extended key usage: NSS (pdfsig) and most XML-DSig verifiers then accept it for
    document signing, as they do the government CA's signing certificates.
    """
    subject = name(agency_name, organization=agency_name, unit=agency_code)
    builder = (
        _base(subject, public, issuer, validity, locations)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=True), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.UniformResourceIdentifier(AGENCY_URI_PREFIX + agency_code)]),
            critical=False,
        )
    )
    return _sign(builder, issuer.key)


def make_node_certificate(
    issuer: Issuer,
    public: rsa.RSAPublicKey,
    *,
    node_name: str,
    validity: Validity,
    dns_names: Sequence[str] = ("localhost",),
    ip_addresses: Sequence[str] = ("127.0.0.1",),
    locations: Locations | None = None,
) -> x509.Certificate:
    """A node's TLS certificate, usable as server and as client (mutual TLS between nodes)."""
    alt: list[x509.GeneralName] = [x509.DNSName(d) for d in dns_names]
    alt += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ip_addresses]
    builder = (
        _base(name(node_name), public, issuer, validity, locations)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(encipher=True), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
            critical=False,
        )
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
    )
    return _sign(builder, issuer.key)


def make_seal_certificate(
    issuer: Issuer,
    public: rsa.RSAPublicKey,
    *,
    node_name: str,
    validity: Validity,
    locations: Locations | None = None,
) -> x509.Certificate:
    """A node's seal certificate (receipts, log heads, statistics): the node in a SAN URI.

    Like an agency's, no extended key usage and non-repudiation: what it signs is evidence.
    """
    builder = (
        _base(name(node_name), public, issuer, validity, locations)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=True), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.UniformResourceIdentifier(NODE_URI_PREFIX + node_name)]),
            critical=False,
        )
    )
    return _sign(builder, issuer.key)


def make_service_certificate(
    issuer: Issuer,
    public: rsa.RSAPublicKey,
    *,
    common_name: str,
    usage: x509.ObjectIdentifier,
    validity: Validity,
) -> x509.Certificate:
    """A certificate for a TSA (``TIME_STAMPING``) or a delegated OCSP responder (``OCSP_SIGNING``).

    RFC 3161 wants the time-stamping EKU alone and critical; RFC 6960 responders carry
    id-pkix-ocsp-nocheck so a relying party does not ask the responder about itself.
    """
    builder = (
        _base(name(common_name), public, issuer, validity)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=usage == ExtendedKeyUsageOID.TIME_STAMPING)
    )
    if usage == ExtendedKeyUsageOID.OCSP_SIGNING:
        builder = builder.add_extension(x509.OCSPNoCheck(), critical=False)
    return _sign(builder, issuer.key)


@dataclass(frozen=True)
class RevokedEntry:
    """One line of a CRL: which serial, since when, why."""

    serial: int
    revoked_at: datetime
    reason: x509.ReasonFlags = x509.ReasonFlags.unspecified


def make_crl(
    issuer: Issuer,
    revoked: Iterable[RevokedEntry],
    *,
    this_update: datetime,
    next_update: timedelta = timedelta(days=7),
    number: int = 1,
) -> x509.CertificateRevocationList:
    """A CRL signed by ``issuer``, valid from ``this_update`` for ``next_update``."""
    start = aware(this_update, name="this_update")
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(start)
        .next_update(start + next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    )
    for entry in revoked:
        revoked_cert = x509.RevokedCertificateBuilder().serial_number(entry.serial)
        revoked_cert = revoked_cert.revocation_date(aware(entry.revoked_at, name="revoked_at"))
        if entry.reason != x509.ReasonFlags.unspecified:
            revoked_cert = revoked_cert.add_extension(x509.CRLReason(entry.reason), critical=False)
        builder = builder.add_revoked_certificate(revoked_cert.build())
    return builder.sign(issuer.key, hashes.SHA256())
