"""The certificates an operator sees: each the node uses once, days left, and revocation
state read from the CRLs held (here made by the test PKI's root)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from cryptography import x509

from lienthong.console._operator_keys import Revocation, Use, certificates, view
from node.node_network import AT, OTHER_SENDER, SENDER, Network
from support.pki import root_crl


def test_every_certificate_the_node_uses_is_listed_once(network: Network) -> None:
    node = network.sender
    found = certificates(node, now=AT)
    uses = [(c.use, c.holder) for c in found]
    assert uses[0] == (Use.NODE, "nghe-an")
    assert (Use.SIGNER, SENDER) in uses and uses[-1] == (Use.ANCHOR, "")
    intermediates = [c for c in found if c.use is Use.INTERMEDIATE]
    assert len(intermediates) == 1  # every signer's chain names the same issuing CA
    signer = next(c for c in found if c.holder == SENDER)
    assert (
        signer.organization
        and signer.name
        and signer.serial == f"{node.signers[SENDER].certificate.serial_number:X}"
    )
    assert signer.days_left == (node.signers[SENDER].certificate.not_valid_after_utc - AT) // timedelta(
        days=1
    )
    assert found[-1].revocation is Revocation.ANCHOR
    assert signer.revocation is Revocation.UNKNOWN  # no CRL of its issuer in the configuration


def test_a_seal_apart_from_the_tls_key_is_shown_beside_the_tls_certificate(network: Network) -> None:
    """The TLS certificate as the configuration publishes it, and the seal that signs receipts."""
    seal = network.pki.signers[OTHER_SENDER]  # any other certificate stands for a seal
    node = dataclasses.replace(network.sender, key=seal)
    found = certificates(node, now=AT)
    assert [(c.use, c.holder) for c in found[:2]] == [(Use.TLS, "nghe-an"), (Use.SEAL, "nghe-an")]
    assert found[0].serial == f"{network.sender.key.certificate.serial_number:X}"
    assert found[1].serial == f"{seal.certificate.serial_number:X}"
    assert Use.NODE not in {c.use for c in found}


def test_revocation_is_read_from_the_issuers_crl(network: Network) -> None:
    issuing = network.pki.pki.issuing
    crl = root_crl(
        network.pki.pki, revoked=[issuing.serial_number], at=AT, reason=x509.ReasonFlags.key_compromise
    )
    revoked = view(issuing, Use.INTERMEDIATE, "", crls=[crl], now=AT + timedelta(minutes=1))
    assert revoked.revocation is Revocation.REVOKED and revoked.revoked_at == AT
    before = view(issuing, Use.INTERMEDIATE, "", crls=[crl], now=AT - timedelta(minutes=1))
    assert before.revocation is Revocation.GOOD and before.crl_updated == AT
    other = root_crl(network.pki.pki, revoked=[], at=AT, reason=x509.ReasonFlags.key_compromise)
    assert view(issuing, Use.INTERMEDIATE, "", crls=[other], now=AT).revocation is Revocation.GOOD


def test_a_certificate_near_its_end_warns(network: Network) -> None:
    certificate = network.sender.key.certificate
    end = certificate.not_valid_after_utc
    assert view(certificate, Use.NODE, "n", crls=[], now=end - timedelta(days=29, hours=1)).expiring
    assert not view(certificate, Use.NODE, "n", crls=[], now=end - timedelta(days=31)).expiring
    gone = view(certificate, Use.NODE, "n", crls=[], now=end + timedelta(days=1))
    assert gone.expired and not gone.expiring
