"""Build a document package from its facts, without writing XML.

The builder is immutable: each method returns a new builder. Single-valued facts can be set
once; codes are checked as they are given; ``build`` checks that the required facts are there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from lienthong._i18n import msg
from lienthong.codes import parse_code
from lienthong.edxml._content import AttachmentContent, BytesContent
from lienthong.edxml._dates import format_date
from lienthong.edxml._model import (
    Attachment,
    Business,
    BusinessType,
    DocumentCode,
    DocumentHeader,
    DocumentPackage,
    DocumentType,
    ManifestReference,
    Organization,
    OtherInfo,
    PromulgationInfo,
    SignerInfo,
    TraceHeader,
)
from lienthong.errors import LienthongError

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class BuildError(LienthongError):
    """Raised when a builder is given a fact twice, a bad fact, or too few facts to build."""

    code = "build"


@dataclass(frozen=True, slots=True)
class DocumentBuilder:
    """Facts of a document so far. Start with ``DocumentBuilder()`` and chain."""

    _facts: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    _recipients: tuple[Organization, ...] = ()
    _attachments: tuple[Attachment, ...] = ()

    def _set(self, name: str, value: object) -> DocumentBuilder:
        if name in self._facts:
            raise BuildError(msg("edxml-build-already-set", name=name))
        return replace(self, _facts=MappingProxyType({**self._facts, name: value}))

    def sender(self, code: str, *, name: str | None = None, **details: str | None) -> DocumentBuilder:
        parse_code(code)
        return self._set("from", Organization(organ_id=code, organ_name=name, **details))

    def recipient(self, code: str, *, name: str | None = None, **details: str | None) -> DocumentBuilder:
        parse_code(code)
        if any(org.organ_id == code for org in self._recipients):
            raise BuildError(msg("edxml-build-recipient-repeated", code=code))
        organization = Organization(organ_id=code, organ_name=name, **details)
        return replace(self, _recipients=(*self._recipients, organization))

    def code(self, number: str, notation: str) -> DocumentBuilder:
        return self._set("code", DocumentCode(number=number, notation=notation))

    def subject(self, text: str) -> DocumentBuilder:
        if not text.strip():
            raise BuildError(msg("edxml-build-subject-empty"))
        return self._set("subject", text.strip())

    def content(self, text: str) -> DocumentBuilder:
        return self._set("content", text)

    def promulgation(self, *, on: date, place: str | None = None) -> DocumentBuilder:
        return self._set("promulgation", PromulgationInfo(place=place, promulgation_date=on))

    def document_type(self, type_name: str, *, type: int = 1, type_detail: int = 0) -> DocumentBuilder:
        return self._set(
            "document_type", DocumentType(type=type, type_detail=type_detail, type_name=type_name)
        )

    def signer(
        self, full_name: str, *, position: str | None = None, competence: str | None = None
    ) -> DocumentBuilder:
        return self._set("signer", SignerInfo(competence=competence, position=position, full_name=full_name))

    def due_date(self, value: date) -> DocumentBuilder:
        return self._set("due_date", value)

    def document_id(self, value: str) -> DocumentBuilder:
        return self._set("document_id", value)

    def steering_type(self, value: int) -> DocumentBuilder:
        return self._set("steering_type", value)

    def other_info(self, value: OtherInfo) -> DocumentBuilder:
        return self._set("other_info", value)

    def to_places(self, *places: str) -> DocumentBuilder:
        return self._set("to_places", tuple(places))

    def acts_on(
        self, document_id: str, business_type: BusinessType, *, reason: str | None = None
    ) -> DocumentBuilder:
        """Make this a recall, update or replacement of an earlier document."""
        return self._set(
            "business",
            Business(business_type=business_type, document_id=document_id, reason=reason),
        )

    def attach(
        self,
        name: str,
        data: bytes | AttachmentContent,
        *,
        content_type: str = "application/pdf",
        description: str | None = None,
        zip_wrapped: bool = False,
    ) -> DocumentBuilder:
        content = data if isinstance(data, AttachmentContent) else BytesContent(data)
        attachment = Attachment(
            content_id=str(len(self._attachments) + 1),
            name=name,
            content_type=content_type,
            content=content,
            description=description or name,
            zip_wrapped=zip_wrapped,
        )
        return replace(self, _attachments=(*self._attachments, attachment))

    def build(self, *, at: datetime) -> DocumentPackage:
        """The package, traced as leaving its sender at ``at`` (an aware datetime)."""
        if at.tzinfo is None:
            raise BuildError(msg("edxml-build-time-naive"))
        missing = [name for name in ("from", "code", "subject") if name not in self._facts]
        if not self._recipients:
            missing.append("to")
        if missing:
            raise BuildError(msg("edxml-build-missing", names=", ".join(missing)))
        facts = self._facts
        sender: Organization = facts["from"]
        code: DocumentCode = facts["code"]
        promulgation: PromulgationInfo = facts.get(
            "promulgation", PromulgationInfo(place=None, promulgation_date=at.date())
        )
        day = promulgation.promulgation_date or at.date()
        header = DocumentHeader(
            from_=sender,
            to=self._recipients,
            document_id=facts.get("document_id") or f"{sender.organ_id},{format_date(day)},{code.text}",
            code=code,
            subject=facts["subject"],
            promulgation=promulgation,
            document_type=facts.get(
                "document_type", DocumentType(type=1, type_detail=0, type_name="Công văn")
            ),
            signer_info=facts.get("signer"),
            steering_type=facts.get("steering_type", 0),
            content=facts.get("content"),
            due_date=facts.get("due_date"),
            other_info=facts.get("other_info"),
            to_places=facts.get("to_places", ()),
        )
        return DocumentPackage(
            header=header,
            trace=(TraceHeader(organ_id=sender.organ_id, timestamp=at.replace(microsecond=0)),),
            business=facts.get("business", Business(business_type=BusinessType.NEW, paper=0)),
            manifest=tuple(
                ManifestReference(
                    content_id=attachment.content_id,
                    content_type=attachment.content_type,
                    description=attachment.description,
                    attachment_name=attachment.name,
                )
                for attachment in self._attachments
            ),
            attachments=self._attachments,
        )
