"""The PKI: what it writes, what its certificates say, and its live OCSP/TSA/CRL services."""

from __future__ import annotations

import ipaddress
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

import lienthong.trust
import lienthong.trust.hazmat
from lienthong.trust import ChainStatus, Pki, PkiError, agency_code_of, serve_pki
from lienthong.trust.hazmat import validate_chain
from support.pki import AT, PKI_START, SENDER, GeneratedPki


def test_public_names_are_sorted_and_complete() -> None:
    for module in (lienthong.trust, lienthong.trust.hazmat):
        # isort-style, as ruff keeps it: CONSTANTS, then Classes, then functions.
        def style(name: str) -> tuple[int, str]:
            return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

        assert module.__all__ == sorted(module.__all__, key=style)
        for name in module.__all__:
            assert hasattr(module, name), name


def test_home_holds_pem_files(test_pki: GeneratedPki) -> None:
    home = test_pki.pki.home
    for stem in ("root", "issuing", "tsa", "ocsp"):
        assert (home / f"{stem}.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
        key = home / f"{stem}.key.pem"
        assert key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
        assert key.stat().st_mode & 0o077 == 0
    assert b"BEGIN X509 CRL" in (home / "crl.pem").read_bytes()
    with pytest.raises(PkiError):
        Pki.init(home, at=AT)
    with pytest.raises(PkiError):
        Pki(home / "nowhere")


def test_agency_certificate_carries_code_in_ou_and_san(test_pki: GeneratedPki) -> None:
    cert = test_pki.issued["sender"].certificate
    ou = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    assert [a.value for a in ou] == [SENDER]
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.UniformResourceIdentifier) == [f"urn:lienthong:agency:{SENDER}"]
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert agency_code_of(cert) == SENDER
    assert agency_code_of(test_pki.root) is None
    assert cert.issuer == test_pki.pki.issuing.subject
    with pytest.raises(PkiError):
        test_pki.pki.issue_agency("G22", "bad", at=AT)


def test_node_certificate_serves_and_authenticates(test_pki: GeneratedPki) -> None:
    issued = test_pki.pki.issue_node("node-a", at=AT)
    ext = issued.certificate.extensions
    eku = ext.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert set(eku) == {ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH}
    san = ext.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    assert san.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    assert (
        validate_chain(
            issued.certificate, anchors=[test_pki.root], intermediates=[test_pki.pki.issuing], at=AT
        ).status
        is ChainStatus.PASSED
    )


def test_crl_lists_revocations_with_reason(test_pki: GeneratedPki) -> None:
    revoked = test_pki.issued["revoked"].certificate
    issuing_crl = test_pki.crls[0]
    entry = issuing_crl.get_revoked_certificate_by_serial_number(revoked.serial_number)
    assert entry is not None
    assert entry.revocation_date_utc == AT - timedelta(days=1)
    assert (
        entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
        is x509.ReasonFlags.key_compromise
    )
    assert issuing_crl.is_signature_valid(test_pki.pki.issuing.public_key())  # type: ignore[arg-type]
    assert test_pki.crls[1].issuer == test_pki.root.subject
    with pytest.raises(PkiError):
        test_pki.pki.revoke(revoked.serial_number, at=AT)


def test_chain_to_unknown_anchor_and_expired(test_pki: GeneratedPki) -> None:
    sender = test_pki.issued["sender"].certificate
    other_root = test_pki.foreign.root
    assert validate_chain(sender, anchors=[other_root], at=AT).status is ChainStatus.NO_PATH
    expired = test_pki.issued["expired"].certificate
    result = validate_chain(expired, anchors=[test_pki.root], intermediates=[test_pki.pki.issuing], at=AT)
    assert result.status is ChainStatus.EXPIRED
    early = validate_chain(
        sender,
        anchors=[test_pki.root],
        intermediates=[test_pki.pki.issuing],
        at=PKI_START - timedelta(days=1),
    )
    assert early.status is ChainStatus.NOT_YET_VALID


def test_remembered_chain_answers_do_not_outlive_their_inputs(test_pki: GeneratedPki) -> None:
    # Passed paths are remembered (by the objects asked about, and by equal certificates):
    # another moment, other CRLs or a copy of the certificate must each get a true answer.
    anchors, intermediates = [test_pki.root], [test_pki.pki.issuing]
    sender, revoked = test_pki.issued["sender"].certificate, test_pki.issued["revoked"].certificate
    for _ in range(2):
        again = validate_chain(sender, anchors=anchors, intermediates=intermediates, at=AT)
        assert again.status is ChainStatus.PASSED and again.moment == AT
    later = sender.not_valid_after_utc + timedelta(days=1)
    gone = validate_chain(sender, anchors=anchors, intermediates=intermediates, at=later)
    assert gone.status is ChainStatus.EXPIRED, "a remembered pass outlived the certificate"
    copy = x509.load_der_x509_certificate(sender.public_bytes(serialization.Encoding.DER))
    assert (
        validate_chain(copy, anchors=anchors, intermediates=intermediates, at=AT).status is ChainStatus.PASSED
    )
    assert (
        validate_chain(revoked, anchors=anchors, intermediates=intermediates, at=AT).status
        is ChainStatus.PASSED
    )
    with_crls = validate_chain(
        revoked, anchors=anchors, intermediates=intermediates, crls=test_pki.crls, at=AT
    )
    assert with_crls.status is ChainStatus.REVOKED, "a pass without CRLs answered a question with CRLs"


def _post(url: str, body: bytes, content_type: str) -> bytes:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=10) as answer:
        data: bytes = answer.read()
        return data


def test_ocsp_responder_answers_good_revoked_unknown(test_pki: GeneratedPki) -> None:
    pki = test_pki.pki
    with serve_pki(pki) as services:
        assert services.ocsp_url.startswith("http://127.0.0.1:")
        for role, expected in (
            ("sender", ocsp.OCSPCertStatus.GOOD),
            ("revoked", ocsp.OCSPCertStatus.REVOKED),
        ):
            cert = test_pki.issued[role].certificate
            request = ocsp.OCSPRequestBuilder().add_certificate(cert, pki.issuing, hashes.SHA1()).build()
            der = _post(
                services.ocsp_url,
                request.public_bytes(serialization.Encoding.DER),
                "application/ocsp-request",
            )
            response = ocsp.load_der_ocsp_response(der)
            assert response.response_status is ocsp.OCSPResponseStatus.SUCCESSFUL
            assert response.certificate_status is expected
            assert response.serial_number == cert.serial_number
        foreign = test_pki.foreign_signer.certificate
        request = (
            ocsp.OCSPRequestBuilder()
            .add_certificate(foreign, test_pki.foreign.issuing, hashes.SHA1())
            .build()
        )
        der = _post(
            services.ocsp_url, request.public_bytes(serialization.Encoding.DER), "application/ocsp-request"
        )
        assert ocsp.load_der_ocsp_response(der).response_status is ocsp.OCSPResponseStatus.UNAUTHORIZED
        with urllib.request.urlopen(services.crl_url, timeout=10) as answer:
            crl = x509.load_der_x509_crl(answer.read())
        assert crl.issuer == pki.issuing.subject


def test_tsa_grants_time_stamps(test_pki: GeneratedPki, tmp_path: Path) -> None:
    digest = hashes.Hash(hashes.SHA256())
    digest.update(b"van ban")
    request = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": digest.finalize(),
            },
            "nonce": 12345,
            "cert_req": True,
        }
    )
    with serve_pki(test_pki.pki) as services:
        der = _post(services.tsa_url, request.dump(), "application/timestamp-query")
    response = tsp.TimeStampResp.load(der)
    assert response["status"]["status"].native == "granted"
    info = response["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    assert info["nonce"].native == 12345
    assert info["gen_time"].native >= AT - timedelta(minutes=5)
