"""Bounds on what a package may ask of the parser, and on the length of each field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """How large a package may be before it is refused.

    Packages up to ``in_memory_bytes`` are parsed whole (fastest); larger ones stream, with
    attachment content decoded chunk by chunk into the sink and never held as base64 text.
    """

    #: The whole package, as received.
    max_package_bytes: int = 1 << 30
    #: One attachment after decoding (and after unwrapping a zip).
    max_attachment_bytes: int = 512 << 20
    #: Text outside attachments (a streamed package keeps it in its tree).
    max_text_bytes: int = 16 << 20
    #: Element nesting; libxml2 enforces the same bound (256) on packages parsed whole.
    max_depth: int = 256
    #: Number of attachments in one package.
    max_attachments: int = 1000
    #: Packages up to this size are parsed in one call; larger ones stream.
    in_memory_bytes: int = 8 << 20
    #: A zip-wrapped attachment is held in memory up to this size while it is unwrapped, then
    #: spills to an anonymous temporary file.
    zip_spool_bytes: int = 8 << 20
    #: An attachment whose zip expands more than this many times is refused as a zip bomb.
    max_zip_ratio: int = 200


DEFAULT_LIMITS = Limits()


#: Longest text of each field, in characters, by element path (as problems name elements).
#: (Q): the String(n) size QCVN 102:2016 gives the field; (G): the standard gives none (free
#: text), so a generous bound of ours, far above any real document and far below what a hostile
#: package could make us store, index and show. Identifier codes are not here: ``parse_code``
#: already bounds them.
FIELD_LENGTHS: Final[Mapping[str, int]] = MappingProxyType(
    {
        # From, To (and a status package's From): the organisation.
        "OrganizationInCharge": 200,  # (Q)
        "OrganName": 200,  # (Q)
        "OrganAdd": 250,  # (Q)
        "Email": 100,  # (Q)
        "Telephone": 20,  # (Q)
        "Fax": 20,  # (Q)
        "Website": 100,  # (Q)
        # Document header.
        "DocumentId": 100,  # (G) OrganId,yyyy/MM/dd,Number/Notation is under 70; a UUID 36
        "Code/CodeNumber": 11,  # (Q)
        "Code/CodeNotation": 30,  # (Q)
        "PromulgationInfo/Place": 50,  # (Q)
        "DocumentType/TypeName": 100,  # (Q)
        "Subject": 500,  # (Q) trích yếu
        "Content": 1_000_000,  # (G)
        "SignerInfo/Competence": 100,  # (Q)
        "SignerInfo/Position": 100,  # (Q)
        "SignerInfo/FullName": 50,  # (Q)
        "OtherInfo/SphereOfPromulgation": 100,  # (Q)
        "OtherInfo/TyperNotation": 50,  # (G)
        "OtherInfo/ReplyFors": 1000,  # (G)
        "OtherInfo/ReferenceCodes": 1000,  # (G)
        "Appendixes/Appendix": 500,  # (G)
        "ResponseFor/Code": 100,  # (G) number/notation: 11 + 1 + 30 in the standard's sizes
        "ToPlaces/Place": 1000,  # (G) one "Nơi nhận" line
        # Business (recall, update, replace) and staff.
        "Bussiness/BussinessDocReason": 2000,  # (G)
        "StaffInfo/Department": 200,  # (G)
        "StaffInfo/Staff": 100,  # (G)
        "StaffInfo/Mobile": 20,  # (Q)
        # Manifest and attachments.
        "AttachmentName": 255,  # (G) a file name, as file systems bound it
        "ContentType": 255,  # (G) RFC 6838: 127 + "/" + 127
        "Description": 2000,  # (G) an attachment's, or a status package's reason
    }
)
