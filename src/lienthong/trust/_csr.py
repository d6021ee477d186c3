"""Certificate requests (PKCS#10): made by whoever holds a key, read and checked by the CA.

A request is signed through a raw-signing callable, never a key object, so a key in a token
signs its own request exactly as a key in a file does: the private key never leaves where it
lives. cryptography's ``CertificateSigningRequestBuilder`` signs only with a key object, so the
subject and extensions are drafted with it under a throwaway key, and the draft's
``CertificationRequestInfo`` is then given the real public key and signed here (asn1crypto).

What a request may ask for depends on its profile, as our PKI issues them (``_certs``):

- ``tls``: a node's TLS certificate: CN the node's name, DNS names and IP addresses as SANs;
- ``seal``: a node's seal (receipts, log heads, statistics): SAN URI ``urn:lienthong:node:NAME``;
- ``agency``: an agency's signing certificate: the code in the OU and in the SAN URI
  ``urn:lienthong:agency:CODE``, as ``make_agency_certificate`` writes it.

The CA takes from a request only these facts and the public key; extensions are its own.
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

from asn1crypto import core as asn1_core
from asn1crypto import csr as asn1_csr
from asn1crypto import keys as asn1_keys
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from lienthong._i18n import msg
from lienthong.trust import _certs
from lienthong.trust._constants import AGENCY_CODE_PATTERN, AGENCY_URI_PREFIX, NODE_URI_PREFIX
from lienthong.trust._errors import PkiError

#: RSA size of the keys requests are made for: above the 2048 bits the government CA issues
#: today, good past 2030 (NIST SP 800-57), and still RSA, which every signer here speaks.
REQUEST_KEY_SIZE = 3072

#: Smallest RSA key a CA here certifies.
MIN_KEY_SIZE = 2048

#: Signs ``data`` hashed with the algorithm (RSASSA-PKCS1-v1_5), as ``Signer.sign_raw`` does.
RawSign = Callable[[bytes, hashes.HashAlgorithm], bytes]


class CertificateProfile(enum.StrEnum):
    """What a certificate is for."""

    TLS = "tls"
    SEAL = "seal"
    AGENCY = "agency"


@dataclass(frozen=True)
class RequestSubject:
    """What a request asks to be certified as; ``name`` is the node's, or the agency's name."""

    profile: CertificateProfile
    name: str
    agency_code: str | None = None
    dns_names: tuple[str, ...] = ()
    ip_addresses: tuple[str, ...] = ()


@dataclass(frozen=True)
class CertificateRequest:
    """A request whose signature and contents were checked against its profile."""

    subject: RequestSubject
    public_key: rsa.RSAPublicKey
    #: The request itself, as read.
    csr: x509.CertificateSigningRequest


def new_request_key() -> rsa.RSAPrivateKey:
    """A fresh RSA key of ``REQUEST_KEY_SIZE`` bits."""
    return rsa.generate_private_key(public_exponent=65537, key_size=REQUEST_KEY_SIZE)


def _subject_name(subject: RequestSubject) -> x509.Name:
    if subject.profile is CertificateProfile.AGENCY:
        return _certs.name(subject.name, organization=subject.name, unit=subject.agency_code)
    return _certs.name(subject.name)


def _alt_names(subject: RequestSubject) -> list[x509.GeneralName]:
    if subject.profile is CertificateProfile.AGENCY:
        return [x509.UniformResourceIdentifier(AGENCY_URI_PREFIX + str(subject.agency_code))]
    if subject.profile is CertificateProfile.SEAL:
        return [x509.UniformResourceIdentifier(NODE_URI_PREFIX + subject.name)]
    alt: list[x509.GeneralName] = [x509.DNSName(d) for d in subject.dns_names]
    return alt + [x509.IPAddress(ipaddress.ip_address(ip)) for ip in subject.ip_addresses]


def _draft(subject: RequestSubject) -> x509.CertificateSigningRequestBuilder:
    tls = subject.profile is CertificateProfile.TLS
    builder = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(_subject_name(subject))
        .add_extension(x509.SubjectAlternativeName(_alt_names(subject)), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not tls,
                key_encipherment=tls,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if tls:
        usages = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
    return builder


def build_request(public_key: rsa.RSAPublicKey, sign: RawSign, subject: RequestSubject) -> bytes:
    """A PEM PKCS#10 request for ``subject`` and ``public_key``, signed through ``sign``.

    The result is read back and its signature checked, so a ``sign`` that does not belong to
    ``public_key`` fails here (``PkiError``), not at the CA.
    """
    _check_subject(subject)
    scratch = ec.generate_private_key(ec.SECP256R1())  # signs the draft only; thrown away
    draft = _draft(subject).sign(scratch, hashes.SHA256())
    info = asn1_csr.CertificationRequestInfo.load(draft.tbs_certrequest_bytes)
    spki = public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    info["subject_pk_info"] = asn1_keys.PublicKeyInfo.load(spki)
    tbs = info.dump(force=True)
    request = asn1_csr.CertificationRequest(
        {
            "certification_request_info": asn1_csr.CertificationRequestInfo.load(tbs),
            "signature_algorithm": {"algorithm": "sha256_rsa", "parameters": asn1_core.Null()},
            "signature": sign(tbs, hashes.SHA256()),
        }
    )
    pem = x509.load_der_x509_csr(request.dump()).public_bytes(Encoding.PEM)
    read_request(pem, subject.profile)
    return pem


def _check_subject(subject: RequestSubject) -> None:
    if not subject.name.strip():
        raise PkiError(msg("trust-csr-name-missing"))
    if subject.profile is CertificateProfile.AGENCY:
        if not subject.agency_code or not AGENCY_CODE_PATTERN.match(subject.agency_code):
            raise PkiError(msg("trust-pki-agency-code-invalid", code=subject.agency_code or ""))
    elif subject.profile is CertificateProfile.TLS and not (subject.dns_names or subject.ip_addresses):
        raise PkiError(msg("trust-csr-no-host"))
    for ip in subject.ip_addresses:
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            raise PkiError(msg("trust-csr-ip-invalid", ip=ip)) from None


def read_request(data: bytes, profile: CertificateProfile) -> CertificateRequest:
    """Read a PEM (or DER) request, check its signature and that it fits ``profile``.

    Raises ``PkiError`` naming what does not fit: a request for another use, a name or code
    that is missing, extra or of the wrong shape, a key that is not RSA or too small.
    """
    try:
        csr = x509.load_pem_x509_csr(data) if b"-----BEGIN" in data else x509.load_der_x509_csr(data)
        valid = csr.is_signature_valid
        public = csr.public_key()
    except ValueError as exc:
        raise PkiError(msg("trust-csr-unreadable", reason=str(exc))) from exc
    if not valid:
        raise PkiError(msg("trust-csr-signature-invalid"))
    if not isinstance(public, rsa.RSAPublicKey) or public.key_size < MIN_KEY_SIZE:
        raise PkiError(msg("trust-csr-key-unsuitable", minimum=str(MIN_KEY_SIZE)))
    subject = _subject_of(csr, profile)
    return CertificateRequest(subject, public, csr)


def _text(csr: x509.CertificateSigningRequest, oid: x509.ObjectIdentifier) -> list[str]:
    return [str(a.value).strip() for a in csr.subject.get_attributes_for_oid(oid)]


def _subject_of(csr: x509.CertificateSigningRequest, profile: CertificateProfile) -> RequestSubject:
    try:
        san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        san = x509.SubjectAlternativeName([])
    except ValueError as exc:  # a malformed extension
        raise PkiError(msg("trust-csr-unreadable", reason=str(exc))) from exc
    uris = san.get_values_for_type(x509.UniformResourceIdentifier)
    dns = tuple(san.get_values_for_type(x509.DNSName))
    ips = tuple(str(ip) for ip in san.get_values_for_type(x509.IPAddress))
    names = _text(csr, NameOID.COMMON_NAME)
    units = _text(csr, NameOID.ORGANIZATIONAL_UNIT_NAME)
    agency_uris = [u[len(AGENCY_URI_PREFIX) :] for u in uris if u.startswith(AGENCY_URI_PREFIX)]
    node_uris = [u[len(NODE_URI_PREFIX) :] for u in uris if u.startswith(NODE_URI_PREFIX)]

    def refuse(reason: str) -> PkiError:
        return PkiError(msg("trust-csr-profile-mismatch", profile=profile.value, reason=reason))

    if len(names) != 1 or not names[0]:
        raise refuse("CN")
    name = names[0]
    if profile is CertificateProfile.AGENCY:
        if len(agency_uris) != 1 or not AGENCY_CODE_PATTERN.match(agency_uris[0]):
            raise refuse(AGENCY_URI_PREFIX)
        code = agency_uris[0]
        if units != [code] or dns or ips or node_uris:
            raise refuse("OU/SAN")
        return RequestSubject(profile, name, agency_code=code)
    # A node's certificate must not also speak for an agency, in the SAN or in the OU.
    if agency_uris or any(AGENCY_CODE_PATTERN.match(unit) for unit in units):
        raise refuse(AGENCY_URI_PREFIX)
    if profile is CertificateProfile.SEAL:
        if node_uris != [name] or dns or ips:
            raise refuse(NODE_URI_PREFIX + name)
        return RequestSubject(profile, name)
    if uris or not (dns or ips):
        raise refuse("DNS/IP")
    return RequestSubject(profile, name, dns_names=dns, ip_addresses=ips)
