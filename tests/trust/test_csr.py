"""PKCS#10 requests made through a raw-signing callable (as a token key signs), read back and
checked against the profile the CA is asked for; the CA certifies only what fits."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong._i18n import Message
from lienthong.trust import (
    CertificateProfile,
    PkiError,
    RawSign,
    RequestSubject,
    agency_code_of,
    build_request,
    new_request_key,
    read_request,
)
from lienthong.trust.hazmat import validate_chain
from support.pki import build_pki, stray_rsa_key

AT = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
G22 = "000.00.00.G22"

TLS = RequestSubject(CertificateProfile.TLS, "vpcp", dns_names=("localhost",), ip_addresses=("127.0.0.1",))
SEAL = RequestSubject(CertificateProfile.SEAL, "vpcp")
AGENCY = RequestSubject(CertificateProfile.AGENCY, "Văn phòng Chính phủ", agency_code=G22)


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return new_request_key()


def _signing(key: rsa.RSAPrivateKey) -> tuple[rsa.RSAPublicKey, list[bytes], RawSign]:
    """The key seen only as a public key and a raw-signing function (a token's view)."""
    signed: list[bytes] = []

    def sign(data: bytes, algorithm: hashes.HashAlgorithm) -> bytes:
        signed.append(data)
        return key.sign(data, padding.PKCS1v15(), algorithm)

    return key.public_key(), signed, sign


@contextmanager
def _refused(code: str) -> Iterator[None]:
    with pytest.raises(PkiError) as caught:
        yield
    message = caught.value.message
    assert isinstance(message, Message) and message.code == code


def _never(data: bytes, algorithm: hashes.HashAlgorithm) -> bytes:
    raise AssertionError("nothing to sign: the request is refused first")


def test_request_keys_are_rsa_3072(key: rsa.RSAPrivateKey) -> None:
    assert key.key_size == 3072


@pytest.mark.parametrize("subject", [TLS, SEAL, AGENCY], ids=lambda s: s.profile.value)
def test_a_request_signed_through_sign_raw_reads_back_as_asked(
    key: rsa.RSAPrivateKey, subject: RequestSubject
) -> None:
    public, signed, sign = _signing(key)
    pem = build_request(public, sign, subject)
    checked = read_request(pem, subject.profile)
    assert checked.subject == subject
    assert checked.public_key.public_numbers() == public.public_numbers()
    assert signed == [checked.csr.tbs_certrequest_bytes]  # one signature, over the request info


def test_openssl_verifies_the_request(key: rsa.RSAPrivateKey, tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    _public, _signed, sign = _signing(key)
    path = tmp_path / "agency.csr.pem"
    path.write_bytes(build_request(key.public_key(), sign, AGENCY))
    done = subprocess.run(
        ["openssl", "req", "-in", str(path), "-noout", "-verify", "-text"],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "urn:lienthong:agency:000.00.00.G22" in done.stdout


def test_a_signature_by_another_key_is_refused_when_made(key: rsa.RSAPrivateKey) -> None:
    _public, _signed, sign = _signing(key)
    with _refused("trust-csr-signature-invalid"):
        build_request(new_request_key().public_key(), sign, TLS)


def test_a_tampered_request_is_refused(key: rsa.RSAPrivateKey) -> None:
    _public, _signed, sign = _signing(key)
    der = x509.load_pem_x509_csr(build_request(key.public_key(), sign, SEAL)).public_bytes(Encoding.DER)
    tampered = der.replace(b"vpcp", b"vpcq")
    with _refused("trust-csr-signature-invalid"):
        read_request(tampered, CertificateProfile.SEAL)


@pytest.mark.parametrize(
    ("subject", "asked"),
    [
        (AGENCY, CertificateProfile.TLS),  # an agency's request passed off as a node's TLS
        (AGENCY, CertificateProfile.SEAL),
        (TLS, CertificateProfile.AGENCY),
        (TLS, CertificateProfile.SEAL),
        (SEAL, CertificateProfile.TLS),
    ],
)
def test_a_request_for_another_profile_is_refused(
    key: rsa.RSAPrivateKey, subject: RequestSubject, asked: CertificateProfile
) -> None:
    _public, _signed, sign = _signing(key)
    pem = build_request(key.public_key(), sign, subject)
    with _refused("trust-csr-profile-mismatch"):
        read_request(pem, asked)


def test_a_small_or_non_rsa_key_is_refused() -> None:
    small = stray_rsa_key(1024)
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "vpcp")]))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(small, hashes.SHA256())
    )
    with _refused("trust-csr-key-unsuitable"):
        read_request(csr.public_bytes(Encoding.PEM),
                     CertificateProfile.TLS)  # fmt: skip


def test_bad_input_is_one_clear_error() -> None:
    with _refused("trust-csr-unreadable"):
        read_request(b"-----BEGIN CERTIFICATE REQUEST-----\nnope\n-----END CERTIFICATE REQUEST-----\n",
                     CertificateProfile.TLS)  # fmt: skip
    with _refused("trust-pki-agency-code-invalid"):
        build_request(new_request_key().public_key(), _never,
                      RequestSubject(CertificateProfile.AGENCY, "X", agency_code="G22"))  # fmt: skip


def test_the_pki_issues_from_a_request_with_its_own_extensions(
    key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    pki = build_pki(tmp_path / "pki", at=AT)
    _public, _signed, sign = _signing(key)
    agency = read_request(build_request(key.public_key(), sign, AGENCY), CertificateProfile.AGENCY)
    cert, path = pki.issue_request(agency, at=AT, days=30)
    assert path == tmp_path / "pki" / "certs" / f"{G22}.pem"
    assert agency_code_of(cert) == G22
    assert cert.public_key().public_numbers() == key.public_key().public_numbers()  # type: ignore[union-attr]
    found = validate_chain(cert, anchors=[pki.root], intermediates=[pki.issuing], at=AT)
    assert found.status.value == "passed"
    tls = read_request(build_request(key.public_key(), sign, TLS), CertificateProfile.TLS)
    node, _ = pki.issue_request(tls, at=AT)
    usage = node.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert x509.oid.ExtendedKeyUsageOID.SERVER_AUTH in usage
    seal = read_request(build_request(key.public_key(), sign, SEAL), CertificateProfile.SEAL)
    sealed, seal_path = pki.issue_request(seal, at=AT)
    assert seal_path.name == "vpcp-seal.pem"
    alt = sealed.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert alt.get_values_for_type(x509.UniformResourceIdentifier) == ["urn:lienthong:node:vpcp"]
