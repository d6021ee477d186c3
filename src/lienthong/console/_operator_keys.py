"""The certificates the node uses: its own (TLS and receipts), each agency's signing certificate,
the intermediates sent beside them, and the network's trust anchors; with validity, days left
and revocation state against the CRLs of the node's configuration. No private key is read.

The configuration's CRLs come in the directory's signed configuration (checked when it was
loaded), so an issuer's CRL is found by its name here; a trust anchor has no CRL above it.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from lienthong.console._operator_access import OPERATOR, operator_session
from lienthong.console._web import Console
from lienthong.node import Node

#: Fewer days left than this and the page warns.
WARN_DAYS: Final = 30


class Use(enum.StrEnum):
    """What the node uses a certificate for."""

    NODE = "node"  # its TLS identity; signs receipts and log heads
    TLS = "tls"  # its TLS identity as the directory publishes it, when a seal key signs apart
    SEAL = "seal"  # its seal apart from its TLS key: signs receipts, log heads, statistics
    NEXT_TLS = "next-tls"  # the TLS certificate published as its next one (a rollover under way)
    SIGNER = "signer"  # an agency's signing certificate (packages submitted unsigned)
    INTERMEDIATE = "intermediate"  # sent beside one of those, up to the anchor
    ANCHOR = "anchor"  # a trust anchor of the network


class Revocation(enum.StrEnum):
    GOOD = "good"  # its issuer's CRL is held and does not list it
    REVOKED = "revoked"  # listed as revoked by its issuer's CRL
    UNKNOWN = "unknown"  # no CRL of its issuer is held
    ANCHOR = "anchor"  # a trust anchor: no CRL applies


@dataclass(frozen=True, slots=True)
class CertificateView:
    """One certificate as the operator reads it."""

    use: Use
    #: The agency code (a signer) or the node's name (its own certificate).
    holder: str
    #: The subject as a person or agency: common name, title, organisation and unit.
    name: str
    title: str
    organization: str
    unit: str
    issuer: str
    serial: str
    fingerprint: str
    not_before: datetime
    not_after: datetime
    days_left: int
    revocation: Revocation
    revoked_at: datetime | None = None
    #: When the issuer's CRL held was issued (GOOD and REVOKED).
    crl_updated: datetime | None = None

    @property
    def expired(self) -> bool:
        return self.days_left < 0

    @property
    def expiring(self) -> bool:
        return 0 <= self.days_left < WARN_DAYS


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    return ", ".join(str(a.value) for a in name.get_attributes_for_oid(oid))


def _revocation(
    certificate: x509.Certificate, crls: Sequence[x509.CertificateRevocationList], now: datetime
) -> tuple[Revocation, datetime | None, datetime | None]:
    held = [crl for crl in crls if crl.issuer == certificate.issuer]
    if not held:
        return Revocation.UNKNOWN, None, None
    newest = max(held, key=lambda crl: crl.last_update_utc)
    for crl in held:
        entry = crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
        if entry is not None and entry.revocation_date_utc <= now:
            return Revocation.REVOKED, entry.revocation_date_utc, crl.last_update_utc
    return Revocation.GOOD, None, newest.last_update_utc


def view(
    certificate: x509.Certificate,
    use: Use,
    holder: str,
    *,
    crls: Sequence[x509.CertificateRevocationList],
    now: datetime,
) -> CertificateView:
    subject = certificate.subject
    if use is Use.ANCHOR:
        revocation, revoked_at, updated = Revocation.ANCHOR, None, None
    else:
        revocation, revoked_at, updated = _revocation(certificate, crls, now)
    left = certificate.not_valid_after_utc - now
    return CertificateView(
        use=use,
        holder=holder,
        name=_attribute(subject, NameOID.COMMON_NAME) or subject.rfc4514_string(),
        title=_attribute(subject, NameOID.TITLE),
        organization=_attribute(subject, NameOID.ORGANIZATION_NAME),
        unit=_attribute(subject, NameOID.ORGANIZATIONAL_UNIT_NAME),
        issuer=_attribute(certificate.issuer, NameOID.COMMON_NAME) or certificate.issuer.rfc4514_string(),
        serial=f"{certificate.serial_number:X}",
        fingerprint=hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        days_left=left // timedelta(days=1),
        revocation=revocation,
        revoked_at=revoked_at,
        crl_updated=updated,
    )


def certificates(node: Node, *, now: datetime) -> list[CertificateView]:
    """Every certificate ``node`` uses, each once: its own, its agencies', their intermediates,
    then the anchors."""
    crls = node.crls
    seen: set[bytes] = set()
    found: list[CertificateView] = []

    def add(certificate: x509.Certificate, use: Use, holder: str) -> None:
        der = certificate.public_bytes(Encoding.DER)
        if der not in seen:
            seen.add(der)
            found.append(view(certificate, use, holder, crls=crls, now=now))

    chains: list[Iterable[x509.Certificate]] = [node.key.chain]
    entry = next((n for n in node.configuration.content.nodes if n.name == node.name), None)
    tls = _certificate(entry.tls_certificate_pem if entry else None)
    if tls is None or tls == node.key.certificate:
        add(node.key.certificate, Use.NODE, node.name)
    else:  # a seal key of its own: both, each for what it does
        add(tls, Use.TLS, node.name)
        add(node.key.certificate, Use.SEAL, node.name)
    upcoming = _certificate(entry.next_tls_certificate_pem if entry else None)
    if upcoming is not None:
        add(upcoming, Use.NEXT_TLS, node.name)
    for code in sorted(node.signers):
        signer = node.signers[code]
        add(signer.certificate, Use.SIGNER, code)
        chains.append(signer.chain)
    anchors = {a.public_bytes(Encoding.DER) for a in node.anchors}
    for chain in chains:
        for certificate in chain:
            if certificate.public_bytes(Encoding.DER) not in anchors:
                add(certificate, Use.INTERMEDIATE, "")
    for anchor in node.anchors:
        add(anchor, Use.ANCHOR, "")
    return found


def _certificate(pem: str | None) -> x509.Certificate | None:
    return None if pem is None else x509.load_pem_x509_certificate(pem.encode("ascii"))


def keys_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(f"{OPERATOR}/keys", response_class=HTMLResponse)
    async def keys(request: Request) -> Response:
        session = operator_session(console, request)
        if isinstance(session, Response):
            return session
        now = console.clock()
        context = {"certificates": certificates(console.node, now=now), "warn_days": WARN_DAYS}
        return console.render(request, "operator_keys.html", context)

    return router
