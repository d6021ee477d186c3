"""Checks beyond structure: what a well-formed package can still get wrong.

Codes must be valid identifier codes (strictly, unless the caller accepts legacy peers); the
manifest and the attachments must name each other, each ContentId once; a recall, update or
replacement must say which document it acts on; with a registry, codes closed by a
reorganisation are reported with their successor; a DocumentId naming another agency than the
sender is reported. Errors make a package invalid; warnings are worth a look but refuse nothing.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from lienthong._i18n import Language, Message, msg, render
from lienthong._i18n import language as current_language
from lienthong.codes import CodeRegistry, parse_code
from lienthong.edxml._fields import text_fields
from lienthong.edxml._limits import FIELD_LENGTHS
from lienthong.edxml._model import BusinessType, DocumentPackage, Package, StatusPackage
from lienthong.edxml._status import StatusCode
from lienthong.errors import CodeError, SemanticInvalid


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding: how bad, what (a message: code and parameters), and which element."""

    severity: Severity
    message: Message
    element: str
    code: str

    def render(self, language: Language) -> str:
        """The finding as a person reads it, in ``language``."""
        return f"{render(self.message, language)} [{self.element}]"

    def __str__(self) -> str:
        return self.render(current_language())


def _error(message: Message, element: str, code: str) -> Problem:
    return Problem(Severity.ERROR, message, element, code)


def _warning(message: Message, element: str, code: str) -> Problem:
    return Problem(Severity.WARNING, message, element, code)


def check_package(
    package: Package,
    *,
    lenient_codes: bool = False,
    registry: CodeRegistry | None = None,
    at: date | None = None,
) -> list[Problem]:
    """Every problem found in ``package``, errors first. ``at`` is needed with a registry."""
    problems = list(_lengths(package))
    problems += _codes(package, lenient=lenient_codes, registry=registry, at=at)
    if isinstance(package, DocumentPackage):
        problems += _document(package)
    else:
        problems += _status(package)
    return sorted(problems, key=lambda p: p.severity != Severity.ERROR)


def validate_package(
    package: Package,
    *,
    lenient_codes: bool = False,
    registry: CodeRegistry | None = None,
    at: date | None = None,
) -> list[Problem]:
    """Raise ``SemanticInvalid`` for the first error; return the warnings."""
    problems = check_package(package, lenient_codes=lenient_codes, registry=registry, at=at)
    for problem in problems:
        if problem.severity is Severity.ERROR:
            raise SemanticInvalid(problem.message, element=problem.element, code=problem.code)
    return problems


def _lengths(package: Package) -> Iterator[Problem]:
    """Fields longer than QCVN 102:2016 (or our bound, ``FIELD_LENGTHS``) allows."""
    for element, key, text in text_fields(package):
        limit = FIELD_LENGTHS[key]
        if text is not None and len(text) > limit:
            yield _error(
                msg("edxml-field-too-long", element=element, length=len(text), limit=limit),
                element,
                "field-too-long",
            )


def check_field_lengths(package: Package) -> None:
    """Raise ``SemanticInvalid`` (code ``field-too-long``) for the first field over its bound:
    the one semantic check a receiving node applies to any peer's package."""
    for problem in _lengths(package):
        raise SemanticInvalid(problem.message, element=problem.element, code=problem.code)


def _codes_of(package: Package) -> Iterator[tuple[str, str]]:
    """(element path, code) for every identifier code the package carries."""
    yield "From/OrganId", package.from_code
    if isinstance(package, StatusPackage):
        yield "ResponseFor/OrganId", package.response_for.organ_id
        return
    for code in package.to_codes:
        yield "To/OrganId", code
    for response in package.header.response_for:
        yield "ResponseFor/OrganId", response.organ_id
    for hop in package.trace:
        yield "TraceHeader/OrganId", hop.organ_id
    business = package.business
    if business is not None:
        if business.document_info is not None:
            for receiver in business.document_info.receivers:
                yield "Receiver/OrganId", receiver.organ_id
        for replacement in business.replacements:
            for organ in replacement.organ_ids:
                yield "OrganIdList/OrganId", organ


def _codes(
    package: Package, *, lenient: bool, registry: CodeRegistry | None, at: date | None
) -> Iterator[Problem]:
    for element, text in _codes_of(package):
        try:
            code = parse_code(text, lenient=lenient)
        except CodeError as exc:
            yield _error(
                msg("edxml-code-invalid", code=text, reason=exc.message),
                element,
                "code-invalid",
            )
            continue
        if code.lenient:
            yield _warning(
                msg("edxml-code-lenient", code=text, reason=code.problem or ""),
                element,
                "code-lenient",
            )
        if registry is not None and at is not None and element in ("From/OrganId", "To/OrganId"):
            status = registry.lookup(code.text, at=at)
            if status.active is False:
                yield _warning(
                    status.problem or msg("edxml-code-unusable", code=text), element, "code-closed"
                )


def _document(package: DocumentPackage) -> Iterator[Problem]:
    repeated = [code for code, count in Counter(package.to_codes).items() if count > 1]
    for code in repeated:
        yield _error(
            msg("edxml-recipient-repeated", code=code),
            "To",
            "recipient-repeated",
        )
    yield from _manifest(package)
    business = package.business
    if business is not None and business.business_type is not BusinessType.NEW and not business.document_id:
        yield _error(
            msg("edxml-business-target-missing"),
            "Bussiness/DocumentId",
            "business-target-missing",
        )
    if business is not None and business.business_type is BusinessType.REPLACE and not business.replacements:
        yield _warning(
            msg("edxml-replacement-info-missing"),
            "ReplacementInfoList",
            "replacement-info-missing",
        )
    yield from _document_id_agency(package)
    header = package.header
    promulgated = header.promulgation.promulgation_date if header.promulgation else None
    if header.due_date and promulgated and header.due_date < promulgated:
        yield _warning(
            msg("edxml-due-before-promulgation"),
            "DueDate",
            "due-before-promulgation",
        )
    for name, present in (
        ("PromulgationInfo", header.promulgation is not None),
        ("DocumentType", header.document_type is not None),
        ("SignerInfo", header.signer_info is not None),
        ("SteeringType", header.steering_type is not None),
        ("TraceHeaderList", bool(package.trace)),
    ):
        if not present:
            yield _warning(
                msg("edxml-element-recommended", name=name),
                name,
                "element-missing",
            )


def _document_id_agency(package: DocumentPackage) -> Iterator[Problem]:
    """A DocumentId in the usual form (``OrganId,yyyy/MM/dd,Number/Notation``) naming another
    agency than ``From``: accepted (public test packages do it, and a document is known by its
    sender and DocumentId), but worth a look. Opaque ids (UUIDs) name no agency."""
    head, comma, _ = package.document_id.partition(",")
    if not comma:
        return
    try:
        named = parse_code(head.strip(), lenient=True)
    except CodeError:
        return
    if named.text != package.from_code:
        yield _warning(
            msg("edxml-document-id-other-agency", named=named.text, sender=package.from_code),
            "DocumentId",
            "document-id-other-agency",
        )


def _manifest(package: DocumentPackage) -> Iterator[Problem]:
    listed = Counter(reference.content_id for reference in package.manifest)
    attached = Counter(attachment.content_id for attachment in package.attachments)
    for content_id, count in listed.items():
        if count > 1:
            yield _error(
                msg("edxml-content-id-repeated-manifest", content_id=content_id),
                "Reference/ContentId",
                "content-id-repeated",
            )
        if content_id not in attached:
            yield _error(
                msg("edxml-attachment-missing", content_id=content_id),
                "Reference/ContentId",
                "attachment-missing",
            )
    for content_id, count in attached.items():
        if count > 1:
            yield _error(
                msg("edxml-content-id-repeated-attachments", content_id=content_id),
                "Attachment/ContentId",
                "content-id-repeated",
            )
        if content_id not in listed:
            yield _error(
                msg("edxml-attachment-unlisted", content_id=content_id),
                "Attachment/ContentId",
                "attachment-unlisted",
            )


def _status(package: StatusPackage) -> Iterator[Problem]:
    if package.status_code is StatusCode.REFUSED and not package.description:
        yield _warning(
            msg("edxml-refusal-reason-missing"),
            "Description",
            "refusal-reason-missing",
        )
