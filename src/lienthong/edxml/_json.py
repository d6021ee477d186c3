"""A package as plain JSON-ready data, for the CLI and the APIs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from lienthong._i18n import Language, render
from lienthong._i18n import language as current_language
from lienthong.edxml._model import DocumentPackage, Package, StatusPackage


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def package_to_dict(package: Package, *, language: Language | None = None) -> dict[str, Any]:
    """The package's facts under stable keys; both kinds share the keys, unused ones are null.
    ``status_label`` is in ``language`` (the process's by default)."""
    data: dict[str, Any] = {
        "kind": package.kind,
        "from": package.from_code,
        "to": [],
        "document_id": package.document_id,
        "code_number": None,
        "code_notation": None,
        "subject": None,
        "type_name": None,
        "signer": None,
        "signer_position": None,
        "signer_competence": None,
        "promulgation_place": None,
        "promulgation_date": None,
        "due_date": None,
        "content": None,
        "steering_type": None,
        "priority": None,
        "recipients": [],
        "business_type": None,
        "business_target": None,
        "response_for": [],
        "trace": [],
        "status_code": None,
        "status_label": None,
        "description": None,
        "attachments": [],
        "signed": package.signature is not None,
    }
    if isinstance(package, StatusPackage):
        data.update(
            response_for=[package.response_for.document_id],
            status_code=package.status_code.value,
            status_label=render(package.status_code.label, language or current_language()),
            description=package.description,
            timestamp=_iso(package.timestamp),
            from_name=package.from_.organ_name,
            staff=package.staff_info.staff if package.staff_info else None,
        )
        return data
    return _document(package, data)


def _document(package: DocumentPackage, data: dict[str, Any]) -> dict[str, Any]:
    header = package.header
    signer = header.signer_info
    promulgation = header.promulgation
    data.update(
        to=list(package.to_codes),
        from_name=header.from_.organ_name,
        recipients=[{"code": to.organ_id, "name": to.organ_name} for to in header.to],
        code_number=header.code.number or None,
        code_notation=header.code.notation or None,
        subject=header.subject,
        type_name=header.document_type.type_name if header.document_type else None,
        signer=signer.full_name if signer else None,
        signer_position=signer.position if signer else None,
        signer_competence=signer.competence if signer else None,
        promulgation_place=promulgation.place if promulgation else None,
        promulgation_date=_iso(promulgation.promulgation_date if promulgation else None),
        due_date=_iso(header.due_date),
        content=header.content,
        steering_type=header.steering_type,
        priority=header.other_info.priority if header.other_info else None,
        business_type=int(package.business.business_type) if package.business else None,
        business_target=package.business.document_id if package.business else None,
        response_for=[response.document_id for response in header.response_for],
        trace=[{"organ_id": hop.organ_id, "timestamp": _iso(hop.timestamp)} for hop in package.trace],
        attachments=[
            {
                "content_id": attachment.content_id,
                "name": attachment.name,
                "content_type": attachment.content_type,
                "description": attachment.description,
                "size": attachment.content.size,
                "sha256": attachment.content.sha256,
                "zip_wrapped": attachment.zip_wrapped,
            }
            for attachment in package.attachments
        ],
    )
    return data
