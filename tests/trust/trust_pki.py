"""The test PKI, declared once here and generated per test session (never hand-edited files).

Dates are fixed relative to the session's start (``AT``), because the OCSP responder and the
TSA run on the real clock: the whole PKI is a month old at ``AT``, one certificate expired
twenty days before it, one was revoked a day before it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509

from lienthong.trust import IssuedCertificate, KeySigner, Pki, load_crls

AT = datetime.now(UTC).replace(microsecond=0)
PKI_START = AT - timedelta(days=30)

SENDER = "000.00.00.H41"  # UBND tỉnh Nghệ An
OTHER = "000.00.00.G22"  # Văn phòng Chính phủ


@dataclass(frozen=True)
class AgencySpec:
    code: str
    agency_name: str
    issued: timedelta  # before AT
    days: int
    revoked: timedelta | None = None  # before AT


#: Every agency certificate the tests use, by role.
AGENCIES: dict[str, AgencySpec] = {
    "sender": AgencySpec(SENDER, "UBND tỉnh Nghệ An", timedelta(days=30), 3650),
    "other": AgencySpec(OTHER, "Văn phòng Chính phủ", timedelta(days=30), 3650),
    "revoked": AgencySpec(SENDER, "UBND tỉnh Nghệ An (cũ)", timedelta(days=30), 3650, timedelta(days=1)),
    "expired": AgencySpec(SENDER, "UBND tỉnh Nghệ An (hết hạn)", timedelta(days=30), 10),
}


@dataclass(frozen=True)
class GeneratedPki:
    """The generated PKI and what tests need from it, loaded once."""

    pki: Pki
    foreign: Pki  # an unrelated CA nobody trusts
    issued: dict[str, IssuedCertificate]
    signers: dict[str, KeySigner]
    foreign_signer: KeySigner
    crls: tuple[x509.CertificateRevocationList, ...]

    @property
    def root(self) -> x509.Certificate:
        return self.pki.root

    @property
    def anchors(self) -> list[x509.Certificate]:
        return [self.pki.root]


def _signer(pki: Pki, issued: IssuedCertificate) -> KeySigner:
    return KeySigner.load(issued.key_path, issued.cert_path, [pki.issuing_path])


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GeneratedPki]:
    home = tmp_path_factory.mktemp("trust-pki")
    pki = Pki.init(home / "ca", at=PKI_START, name="Lienthong Test")
    issued: dict[str, IssuedCertificate] = {}
    for role, spec in AGENCIES.items():
        issued[role] = pki.issue_agency(
            spec.code, spec.agency_name, at=AT - spec.issued, days=spec.days, name=role
        )
        if spec.revoked is not None:
            pki.revoke(
                issued[role].certificate.serial_number,
                at=AT - spec.revoked,
                reason=x509.ReasonFlags.key_compromise,
            )
    pki.write_crl(at=AT - timedelta(hours=1))
    foreign = Pki.init(home / "foreign", at=PKI_START, name="Foreign")
    foreign_issued = foreign.issue_agency(SENDER, "Kẻ mạo danh", at=PKI_START, name="sender")
    yield GeneratedPki(
        pki=pki,
        foreign=foreign,
        issued=issued,
        signers={role: _signer(pki, cert) for role, cert in issued.items()},
        foreign_signer=_signer(foreign, foreign_issued),
        crls=tuple(load_crls([pki.crl_path])),
    )
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def work_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("trust-work")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Problem sentences in English, so assertions do not depend on LIENTHONG_LANG."""
    from lienthong._i18n import language, set_language

    before = language()
    set_language("en")
    yield
    set_language(before)
