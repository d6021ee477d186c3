"""The signer as a person, read from the certificate: name, position, agency, validity."""

from __future__ import annotations

from datetime import timedelta

from cryptography import x509
from cryptography.x509.oid import NameOID

from lienthong.trust import SignerPerson
from support.pki import START, self_signed


def test_title_is_the_position_and_the_agency_code_is_not() -> None:
    certificate = self_signed(
        "Nguyễn Văn A",
        attributes=(
            x509.NameAttribute(NameOID.TITLE, "Phó Chủ tịch"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "000.00.00.H41"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "UBND tỉnh Nghệ An"),
        ),
        days=730,
    )
    person = SignerPerson.of(certificate)
    assert person == SignerPerson(
        name="Nguyễn Văn A",
        position="Phó Chủ tịch",
        organization="UBND tỉnh Nghệ An",
        agency_code="000.00.00.H41",
        not_before=START,
        not_after=START + timedelta(days=730),
    )
    assert person.to_dict()["not_after"] == (START + timedelta(days=730)).isoformat()


def test_a_unit_that_is_not_a_code_is_the_position_when_there_is_no_title() -> None:
    certificate = self_signed(
        "Trần Thị B", attributes=(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Văn phòng"),)
    )
    person = SignerPerson.of(certificate)
    assert (person.position, person.agency_code, person.organization) == ("Văn phòng", None, None)
