"""The signer of a PDF as a person reads it: name, position, agency, certificate validity.

Read from the signer's certificate only: what the certificate says, not what anyone checked
about the person. The revocation state is the report's (``PdfSignatureReport.revoked``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID

from lienthong.trust._agency import agency_code_of


@dataclass(frozen=True, slots=True)
class SignerPerson:
    """Who signed, as the signer's certificate names them."""

    #: The subject's common name (CN): a person's full name, or the agency's for an agency key.
    name: str | None
    #: The subject's title (X.520 title), else an organisational unit (OU) that is not the
    #: agency code; None when the certificate names no position.
    position: str | None
    #: The subject's organisation (O).
    organization: str | None
    #: The agency code the certificate speaks for (subjectAltName URI or an OU shaped as a code).
    agency_code: str | None
    #: The certificate's validity period; whether it was revoked is the report's to say.
    not_before: datetime
    not_after: datetime

    @classmethod
    def of(cls, certificate: x509.Certificate) -> SignerPerson:
        subject = certificate.subject
        code = agency_code_of(certificate)
        units = [u for u in _values(subject, NameOID.ORGANIZATIONAL_UNIT_NAME) if u != code]
        return cls(
            name=_first(_values(subject, NameOID.COMMON_NAME)),
            position=_first(_values(subject, NameOID.TITLE)) or _first(units),
            organization=_first(_values(subject, NameOID.ORGANIZATION_NAME)),
            agency_code=code,
            not_before=certificate.not_valid_before_utc,
            not_after=certificate.not_valid_after_utc,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "position": self.position,
            "organization": self.organization,
            "agency_code": self.agency_code,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
        }


def _values(name: x509.Name, oid: x509.ObjectIdentifier) -> list[str]:
    return [str(a.value).strip() for a in name.get_attributes_for_oid(oid) if str(a.value).strip()]


def _first(values: list[str]) -> str | None:
    return values[0] if values else None
