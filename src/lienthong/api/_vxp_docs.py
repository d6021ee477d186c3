"""The VXP-compatible operations as the OpenAPI document describes them (tag ``VXP``): the signed
``XroadVnpt-*`` headers, each operation's own parameters, its body and its answers (EDXML.md §4).

Description only: ``_vxp`` reads every parameter from the signed headers itself, so nothing here
is a FastAPI parameter checked before the operation runs (a missing header stays the VXP answer
``vxp-auth-missing`` with HTTP 200, never a 422).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from pydantic import BaseModel, Field

from lienthong.api._models import Agency, Problem

TAG: Final = "VXP"

#: The codes any operation may answer with, before its own work starts.
AUTH_ERRORS: Final = (
    ("vxp-auth-missing", "systemid, sign-header or hash-header missing"),
    ("vxp-auth-failed", "unknown systemid or wrong HMAC (one answer for both)"),
    ("vxp-bad-sign-header", "sign-header is not a JSON object of strings"),
    (
        "vxp-header-mismatch",
        "a signed pair differs from the header sent, or sign-header-key lists other names",
    ),
    ("vxp-unsigned", "systemid or timestamp not in sign-header"),
    ("vxp-bad-timestamp", "timestamp not ddMMyyyy'T'HHmmss+SSSS"),
    (
        "vxp-stale",
        "timestamp more than 5 minutes off, read as Vietnam's time and as UTC (or the pinned zone)",
    ),
    ("vxp-replay", "this signed request was already accepted"),
)

TAG_DESCRIPTION: Final = (
    """\
The operations of the VXP SDK (the national axis's API for document-management software), at
`/vxp/{operation}`, `POST` (`GET` is accepted too). A system is added with
`lienthong node clients add NAME --codes CODE… --vxp SYSTEMID` (by the SDK's convention the
systemid is its connection point's code), which prints its `secret`; it may act for its codes.

**Signing.** Every logical parameter (`systemid`, `timestamp`, the operation's own, and
`Content-Type` when a body is sent) travels as a header `XroadVnpt-<name>`.
`XroadVnpt-sign-header-key` lists the names without prefix joined by `;`;
`XroadVnpt-sign-header` is a compact JSON object of the prefixed names and their values, in any
order; `XroadVnpt-hash-header` is the lowercase hex HMAC-SHA256 of that JSON text exactly as
sent, keyed with the secret (UTF-8). Only signed values are read: each pair in `sign-header` must
equal the header sent. `XroadVnpt-timestamp` is a wall time with no zone,
`ddMMyyyy'T'HHmmss+SSSS` (`+SSSS`: milliseconds, not an offset), e.g. `07122026T154500+0123`;
it is accepted within 5 minutes read as Vietnam's time or as UTC (or in the zone pinned with
`--vxp-timezone`), and each signed request only once. `XroadVnpt-version: 3.0.201608` and
`User-Agent: JAVASDKAgent/1.0.0 XRoad/VPCP` are sent by the SDK and not checked.

**Answers.** Always HTTP 200 with JSON `{"status": "OK"|"FAIL", "ErrorCode", "ErrorDesc", …}`:
`ErrorCode` is `"0"` on success, else a stable code, and `ErrorDesc` a sentence in the language
the request asks for (`Accept-Language: en` for English; Vietnamese otherwise). The only other
answers are `downloadEdoc`'s file and, for a body above the limit (the node's package limit for
`sendEdoc`, 1 MiB for the others), HTTP 413 with a JSON problem
`{"code": "upload-too-large", "message", "message_code", "params"}` before anything is read.
Codes every operation may answer:
"""
    + "\n".join(f"- `{code}`: {text}" for code, text in AUTH_ERRORS)
    + """
- `vxp-unknown-operation`: no such operation.
"""
)


class VxpAnswer(BaseModel):
    """What every VXP operation answers; the operation's data beside it when ``status`` is OK."""

    status: Literal["OK", "FAIL"]
    ErrorCode: str = Field(description='"0" on success, else the error\'s stable code', examples=["0"])
    ErrorDesc: str = Field(description="empty on success, else a sentence", examples=[""])


class SendAnswer(VxpAnswer):
    DocId: str | None = Field(None, description="the message id the node gave the package (when OK)")


class ReceivedItem(BaseModel):
    docId: str = Field(description="the item's id: MESSAGE_ID-RECIPIENT, for getEdoc and updateStatus")
    documentId: str
    serviceType: Literal["eDoc"]
    messageType: Literal["edoc", "status"]
    created_time: str
    updated_time: str
    from_: str = Field(alias="from")
    to: str
    status: Literal["pending"]
    status_desc: str


class ReceivedList(VxpAnswer):
    data: list[ReceivedItem] | None = Field(None, description="items not yet acknowledged (when OK)")


class PackageAnswer(VxpAnswer):
    data: str | None = Field(None, description="the edXML package, base64 (when OK)")


class SentItem(BaseModel):
    docId: str
    documentId: str
    fromCode: str
    toCode: str
    sendStatus: str = Field(description="delivery: queued, sending, delivered, rejected or failed")
    sendStatusDesc: str = Field(description="why the last attempt failed, or empty")
    receiveStatus: str = Field(description="the recipient's last status code (01–06, 13, 15, 16) or empty")
    receiveStatusDesc: str
    sentTime: str
    receivedTime: str


class SentList(VxpAnswer):
    data: list[SentItem] | None = Field(None, description="one entry per recipient (when OK)")


class CountAnswer(VxpAnswer):
    count: int | None = Field(None, description="items not yet acknowledged (when OK)")


class AgencyItem(BaseModel):
    code: str
    name: str
    pcode: str = Field(description="the parent's code, or empty")
    node: str = Field(description="the node serving it, or empty")


class AgencyList(VxpAnswer):
    data: list[AgencyItem] | None = Field(None, description="agencies served in the network (when OK)")


class UnitList(VxpAnswer):
    data: list[Agency] | None = Field(None, description="every agency of the network configuration (when OK)")


@dataclass(frozen=True, slots=True)
class Param:
    """One of an operation's own parameters, sent as the signed header ``XroadVnpt-<name>``."""

    name: str
    description: str
    example: str
    required: bool = False
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class VxpOperation:
    name: str
    summary: str
    description: str
    answer: type[VxpAnswer]
    parameters: tuple[Param, ...] = ()
    #: Codes this operation answers besides ``AUTH_ERRORS``.
    errors: tuple[str, ...] = ()
    #: ``sendEdoc``: the package as the body.
    body: bool = False
    #: ``downloadEdoc``: the package as the answer when OK.
    file: bool = False


_SERVICE = Param("servicetype", "always eDoc", "eDoc", values=("eDoc",))
_KIND = Param(
    "messagetype", "documents (edoc, the default) or status packages", "edoc", values=("edoc", "status")
)
_DOC = Param(
    "docId",
    "the item's id, MESSAGE_ID-RECIPIENT, as getReceivedEdocList lists it",
    "3f2c0e…-000.00.00.G09",
    required=True,
)
_ITEM_ERRORS = ("vxp-missing-param", "request-invalid", "document-unknown")

OPERATIONS: Final = (
    VxpOperation(
        "sendEdoc",
        "Send a document or a status package",
        "The body is the edXML package (application/octet-stream), signed or not (the node signs it "
        "for the agency). `from` must be the package's sender and one of the system's codes.",
        SendAnswer,
        (
            Param("from", "the sender's code (one of the system's codes)", "000.00.00.G22", required=True),
            _SERVICE,
            _KIND,
            Param("to", "optional: the recipients as a JSON list, within the package's", '["000.00.00.G09"]'),
            Param(
                "hash-file", "optional: SHA-256 of the body, hex without zero padding of each byte", "5f0a9…"
            ),
            Param(
                "Content-Type",
                "application/octet-stream (also sent as the plain Content-Type header)",
                "application/octet-stream",
            ),
        ),
        (
            "vxp-missing-param",
            "vxp-hash-file",
            "vxp-from-mismatch",
            "vxp-bad-messagetype",
            "vxp-bad-to",
            "scope-forbidden",
            "malformed-xml",
            "package-invalid",
            "signature-invalid",
        ),
        body=True,
    ),
    VxpOperation(
        "getReceivedEdocList",
        "List received items not yet acknowledged",
        "Items stay listed until updateStatus acknowledges them (delivery is at-least-once).",
        ReceivedList,
        (_SERVICE, _KIND),
        ("vxp-bad-messagetype",),
    ),
    VxpOperation(
        "getEdoc",
        "Fetch a received package, base64 in data",
        "The package's bytes, base64-encoded, in `data`.",
        PackageAnswer,
        (_DOC,),
        _ITEM_ERRORS,
    ),
    VxpOperation(
        "downloadEdoc",
        "Fetch a received package as a file",
        "The package itself (application/octet-stream) when found; a JSON failure otherwise.",
        VxpAnswer,
        (_DOC,),
        _ITEM_ERRORS,
        file=True,
    ),
    VxpOperation(
        "updateStatus",
        "Acknowledge a received item (transport only)",
        "`done`: stored; `fail`: unusable. Either ends the item's listing. Business statuses "
        "(01–06, 13, 15, 16) are status packages sent with sendEdoc, messagetype=status.",
        VxpAnswer,
        (
            Param("docId", "the item's id (docid is accepted too)", "3f2c0e…-000.00.00.G09", required=True),
            Param("status", "done or fail", "done", required=True, values=("done", "fail")),
        ),
        ("vxp-missing-param", "vxp-bad-status", "request-invalid", "document-unknown"),
    ),
    VxpOperation(
        "getSentEdocList",
        "List sent packages with each recipient's delivery and status",
        "Per recipient: delivery (sendStatus) and the last business status received (receiveStatus).",
        SentList,
        (_SERVICE, _KIND, Param("docId", "optional: one message id", "3f2c0e…")),
        ("vxp-bad-messagetype",),
    ),
    VxpOperation(
        "countReceiveEdoc",
        "Count received documents not yet acknowledged",
        "The number getReceivedEdocList with messagetype=edoc would list.",
        CountAnswer,
    ),
    VxpOperation(
        "countReceiveStatus",
        "Count received status packages not yet acknowledged",
        "The number getReceivedEdocList with messagetype=status would list.",
        CountAnswer,
    ),
    VxpOperation(
        "getAgenciesList",
        "List the agencies served in the network",
        "Agencies some node serves, from the network configuration.",
        AgencyList,
    ),
    VxpOperation(
        "getSynchronizeUnit",
        "Every agency of the network configuration",
        "Each agency with its parent, validity, successor and node.",
        UnitList,
    ),
    VxpOperation(
        "registerAgency",
        "Refused: agencies are registered at the directory",
        "Always answers `vxp-directory-only`: the directory's administrator registers agencies.",
        VxpAnswer,
        (),
        ("vxp-directory-only",),
    ),
    VxpOperation(
        "deleteAgency",
        "Refused: agencies are deleted at the directory",
        "Always answers `vxp-directory-only`: the directory's administrator deletes agencies.",
        VxpAnswer,
        (),
        ("vxp-directory-only",),
    ),
)


def _header(
    name: str, description: str, *, required: bool, schema: dict[str, Any], example: str
) -> dict[str, Any]:
    return {
        "in": "header",
        "name": f"XroadVnpt-{name}",
        "required": required,
        "description": description,
        "schema": schema,
        "example": example,
    }


_SIGNED: Final = (
    _header(
        "systemid",
        "the system's id (signed)",
        required=True,
        schema={"type": "string"},
        example="000.00.00.G22",
    ),
    _header(
        "timestamp",
        "wall time, no zone: ddMMyyyy'T'HHmmss+SSSS, SSSS milliseconds (signed)",
        required=True,
        schema={"type": "string", "pattern": r"^\d{8}T\d{6}\+\d{1,4}$"},
        example="07122026T154500+0123",
    ),
    _header(
        "sign-header-key",
        "the signed names without prefix, joined by ;",
        required=False,
        schema={"type": "string"},
        example="systemid;timestamp;from;servicetype;messagetype",
    ),
    _header(
        "sign-header",
        "compact JSON object of the prefixed names and values signed, any order",
        required=True,
        schema={"type": "string"},
        example='{"XroadVnpt-systemid":"000.00.00.G22","XroadVnpt-timestamp":"07122026T154500+0123"}',
    ),
    _header(
        "hash-header",
        "lowercase hex HMAC-SHA256 of sign-header's text, keyed with the secret",
        required=True,
        schema={"type": "string", "pattern": "^[0-9a-fA-F]{64}$"},
        example="9b1c…",
    ),
    _header(
        "version",
        "the SDK's version (not checked)",
        required=False,
        schema={"type": "string"},
        example="3.0.201608",
    ),
)


def _parameter(param: Param) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if param.values:
        schema["enum"] = list(param.values)
    return _header(
        param.name,
        param.description + " (signed)",
        required=param.required,
        schema=schema,
        example=param.example,
    )


def openapi_extra(operation: VxpOperation) -> dict[str, Any]:
    """The OpenAPI fields of ``operation`` (FastAPI merges them into what it generates)."""
    extra: dict[str, Any] = {
        "parameters": [*_SIGNED, *(_parameter(p) for p in operation.parameters)],
    }
    if operation.body:
        extra["requestBody"] = {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    return extra


def responses(operation: VxpOperation) -> dict[int | str, dict[str, Any]]:
    """The answers of ``operation``: HTTP 200, the JSON answer (or the file), and the codes."""
    codes = ", ".join(f"`{code}`" for code in operation.errors) or "none beyond the tag's"
    ok: dict[str, Any] = {
        "description": f"`status` OK with the data, or FAIL. Codes of this operation: {codes}.",
        "model": operation.answer,
    }
    if operation.file:
        ok["content"] = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
    limit = "the node's package limit" if operation.body else "1 MiB"
    too_large = {"description": f"A body above {limit}, refused unread.", "model": Problem}
    return {200: ok, 413: too_large}
