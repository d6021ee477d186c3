"""Certificate rollovers while documents flow: an agency's signing certificate renewed (old
and renewed bound at once), and the issuing CA renewed (agency certificates from the old and
the new issuing CA side by side under one root).

What proves a package's signing time once its certificate has expired is the node's log: an
evidence bundle checks each package at the moment its entry was logged, so documents signed
before the old certificate expired keep verifying offline with the anchors alone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import random
import zipfile
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong._i18n import render
from lienthong.directory import (
    CertificateBinding,
    DirectorySnapshot,
    RevocationList,
    build_configuration,
    generate_directory_key,
    verify_configuration,
)
from lienthong.evidence import read_receipt, verify_bundle
from lienthong.node import (
    DeliveryState,
    InMemoryTransport,
    Node,
    PackageRefused,
    Refusal,
    deliver_due,
    export_evidence,
    submit,
)
from lienthong.store import NodeStore
from lienthong.trust import KeySigner, Signer, serve_pki, verify_package
from node.node_network import AT, SENDER, Network, document
from support.pki import PKI_START, GeneratedPki, agency_signer, issuer_crl, renewed_issuing_ca

RAND = random.Random(17)
#: The old certificate lasts 31 days from the PKI's start: about a day past ``AT``.
EXPIRES = PKI_START + timedelta(days=31)
LATER = EXPIRES + timedelta(days=2)  # the old certificate has expired


def _binding(signer: Signer) -> CertificateBinding:
    der = signer.certificate.public_bytes(Encoding.DER)
    return CertificateBinding(hashlib.sha256(der).hexdigest(), SENDER, der_pem(signer))


def der_pem(signer: Signer) -> str:
    return signer.certificate.public_bytes(Encoding.PEM).decode("ascii")


def _published(crl: x509.CertificateRevocationList) -> RevocationList:
    """``crl`` as the directory publishes it."""
    return RevocationList(
        issuer=crl.issuer.rfc4514_string(),
        fingerprint=hashlib.sha256(crl.public_bytes(Encoding.DER)).hexdigest(),
        crl_pem=crl.public_bytes(Encoding.PEM).decode("ascii"),
        this_update=crl.last_update_utc,
        next_update=crl.next_update_utc,
    )


def _bound(
    network: Network,
    *extra: Signer,
    at: datetime = AT,
    crls: Sequence[x509.CertificateRevocationList] = (),
    timestamp_url: str | None = None,
    valid_for: timedelta = timedelta(hours=72),
) -> Network:
    """``network`` under a configuration current at ``at`` (for ``valid_for``) that also binds
    ``extra`` to SENDER, carries ``crls`` and names ``timestamp_url``."""
    content = network.sender.configuration.content
    snapshot = DirectorySnapshot(
        version=2,
        agencies=content.agencies,
        nodes=content.nodes,
        bindings=content.bindings + tuple(_binding(signer) for signer in extra),
        anchors=content.anchors,  # the root only: issuing CAs travel in each signature
        crls=tuple(_published(crl) for crl in crls),
    )
    key = generate_directory_key("renewal directory", not_before=AT - timedelta(days=30))
    data = build_configuration(
        snapshot,
        key,
        directory="test",
        issued_at=at - timedelta(hours=1),
        valid_for=valid_for,
        timestamp_url=timestamp_url,
    )
    configuration = verify_configuration(data, key.anchor(directory="test"), at=at)
    sender = dataclasses.replace(network.sender, configuration=configuration)
    receiver = dataclasses.replace(network.receiver, configuration=configuration)
    return Network(sender, receiver, InMemoryTransport({"nghe-an": sender, "vpcp": receiver}), network.pki)


def _signing(network: Network, signer: Signer) -> Network:
    """``network`` where nghe-an signs SENDER's submissions with ``signer``."""
    sender = dataclasses.replace(network.sender, signers={**network.sender.signers, SENDER: signer})
    transport = InMemoryTransport({"nghe-an": sender, "vpcp": network.receiver})
    return Network(sender, network.receiver, transport, network.pki)


def _send(network: Network, number: str) -> str:
    """Submit and deliver one document from SENDER; its DocumentId."""
    submission = submit(network.sender, document(number), at=AT)
    states = [o.state for o in deliver_due(network.sender, network.transport, now=AT, rand=RAND)]
    assert states == [DeliveryState.DELIVERED], f"document {number}: {states}"
    with NodeStore.begin(network.sender.database, write=False) as store:
        (receipt,) = store.receipts(message_ids=[submission.message_id])
    assert read_receipt(receipt.raw).receipt.accepted
    return submission.document_id


def _bundle(node: Node, document_id: str, *, at: datetime) -> bytes:
    return export_evidence(
        node=node.name, database=node.database, blobs=node.blobs, key=node.key, document_id=document_id, at=at
    )


def _package(bundle: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        (name,) = [n for n in archive.namelist() if n.startswith("packages/")]
        return archive.read(name)


def _signer(network: Network, days: int) -> KeySigner:
    return agency_signer(network.pki.pki.issuer, SENDER, at=PKI_START, days=days)


def test_documents_signed_with_the_old_and_the_renewed_certificate_both_verify(network: Network) -> None:
    old, renewed = _signer(network, 31), _signer(network, 730)
    bound = _bound(network, old, renewed)
    sent = {"old": _send(_signing(bound, old), "r1"), "renewed": _send(_signing(bound, renewed), "r2")}
    assert old.certificate.not_valid_after_utc < LATER
    for which, document_id in sent.items():
        for node in (bound.sender, bound.receiver):
            # Days after the old certificate expired, each side's evidence still verifies offline.
            report = verify_bundle(_bundle(node, document_id, at=LATER), anchors=network.pki.anchors)
            assert report.valid, (which, node.name, report.problems)


def test_the_log_not_the_present_dates_a_package_signed_before_expiry(network: Network) -> None:
    old = _signer(network, 31)
    bound = _signing(_bound(network, old), old)
    document_id = _send(bound, "r3")
    package = _package(_bundle(bound.receiver, document_id, at=LATER))
    anchors = network.pki.anchors
    assert verify_package(package, anchors=anchors, at=AT).valid  # when it was received
    expired = verify_package(package, anchors=anchors, at=LATER)  # judged today, it would fail
    assert not expired.valid and expired.problem


def test_a_package_signed_after_the_old_certificate_expired_is_refused(network: Network) -> None:
    old = _signer(network, 31)
    bound = _signing(_bound(network, old, at=LATER), old)  # still bound, but expired
    with pytest.raises(PackageRefused) as refused:
        submit(bound.sender, document("r4"), at=LATER)
    assert refused.value.reason is Refusal.SIGNATURE, refused.value.message


def test_agency_certificates_from_the_old_and_the_renewed_issuing_ca_both_verify(network: Network) -> None:
    issuing = renewed_issuing_ca(network.pki.pki, at=PKI_START)
    under_new = agency_signer(issuing, SENDER, at=PKI_START, days=730)
    assert under_new.certificate.issuer != network.sender.signers[SENDER].certificate.issuer
    # The directory publishes the CRLs of the root, the old and the new issuing CA.
    crls = (*network.pki.crls, issuer_crl(issuing, at=AT - timedelta(hours=1)))
    bound = _bound(network, under_new, crls=crls)
    assert len(bound.receiver.crls) == 3
    sent = [_send(bound, "r5"), _send(_signing(bound, under_new), "r6")]  # old issuing CA, then new
    for document_id in sent:
        report = verify_bundle(_bundle(bound.receiver, document_id, at=AT), anchors=network.pki.anchors)
        assert report.valid, report.problems


def test_a_certificate_the_renewed_issuing_ca_revoked_is_refused(network: Network) -> None:
    issuing = renewed_issuing_ca(network.pki.pki, at=PKI_START)
    revoked = agency_signer(issuing, SENDER, at=PKI_START, days=730)
    crls = (*network.pki.crls, issuer_crl(issuing, revoked=[revoked.certificate], at=AT - timedelta(hours=1)))
    bound = _signing(_bound(network, revoked, crls=crls), revoked)
    with pytest.raises(PackageRefused) as refused:
        submit(bound.sender, document("r7"), at=AT)
    assert refused.value.reason is Refusal.SIGNATURE
    assert "revoked" in render(refused.value.message, "en"), render(refused.value.message, "en")


@pytest.fixture(scope="module")
def tsa_url(test_pki: GeneratedPki) -> Iterator[str]:
    """The PKI's RFC 3161 service, its clock at ``AT``: when the packages are signed."""
    with serve_pki(test_pki.pki, clock=lambda: AT) as services:
        yield services.tsa_url


@pytest.mark.parametrize("stamped", [True, False], ids=["time-stamped", "not-time-stamped"])
def test_a_package_whose_signer_expired_while_queued_is_accepted_when_time_stamped(
    network: Network, tsa_url: str, stamped: bool
) -> None:
    """The configuration names the time-stamp service: the sender stamps its signature; the
    package waits until its signer's certificate has expired, then arrives. With the time-stamp
    it is judged as of then and accepted; without, refused saying no time-stamp proves it."""
    old = _signer(network, 31)
    url = tsa_url if stamped else None
    bound = _signing(_bound(network, old, timestamp_url=url, valid_for=timedelta(days=30)), old)
    submission = submit(bound.sender, document("t1"), at=AT)
    assert old.certificate.not_valid_after_utc < LATER
    outcome = deliver_due(bound.sender, bound.transport, now=LATER, rand=RAND)
    assert [o.state for o in outcome] == [DeliveryState.DELIVERED if stamped else DeliveryState.REJECTED]
    with NodeStore.begin(bound.sender.database, write=False) as store:
        (receipt,) = store.receipts(message_ids=[submission.message_id])
    signed = read_receipt(receipt.raw).receipt
    assert signed.accepted is stamped, signed
    if not stamped:
        assert receipt.reason is not None and "time-stamp" in render(receipt.reason, "en"), receipt.reason
