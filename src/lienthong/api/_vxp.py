"""The VXP-compatible API: every operation of EDXML.md §4 at ``{endpoint}/{operation}``.

Parameters travel as signed ``XroadVnpt-*`` headers; only signed values are read. A system may
act for the codes stored with it. ``updateStatus`` done/fail is the transport acknowledgment:
unacknowledged items stay listed (at-least-once). Agencies are read from the network
configuration; registering or deleting one is the directory's business and is refused.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from lienthong._i18n import Language, Message, msg, render
from lienthong.api import _agencies, _inbox, _outbox
from lienthong.api._auth import context
from lienthong.api._context import ApiContext
from lienthong.api._errors import RequestInvalid
from lienthong.api._scope import require_code
from lienthong.api._uploads import read_limited
from lienthong.api._views import item_id
from lienthong.api._vxp_answers import fail, fail_from, ok
from lienthong.api._vxp_docs import OPERATIONS, TAG, VxpOperation, openapi_extra, responses
from lienthong.edxml import DocumentPackage, StatusCode
from lienthong.errors import LienthongError
from lienthong.net import request_language
from lienthong.store import ApiClientEntry, ApiStore, ClientKind, InboxItem, NodeStore, PackageKind
from lienthong.vxp import VxpCaller, VxpSystem, hash_file_matches, parse_zone, verify_headers

VXP_PREFIX = "/vxp"
#: An operation: the caller, its body, the language its answer's words are in.
_Operation = Callable[[ApiContext, ApiClientEntry, VxpCaller, bytes, Language], Response]
router = APIRouter()
_KINDS = {"edoc": PackageKind.DOCUMENT, "status": PackageKind.STATUS}


def _authenticate(ctx: ApiContext, headers: Mapping[str, str]) -> tuple[ApiClientEntry, VxpCaller]:
    systems: dict[str, ApiClientEntry] = {}

    def system_of(systemid: str) -> VxpSystem | None:
        # Held like bearer tokens (``TokenCache``), under a key no token digest can take.
        key = f"vxp:{systemid}"
        found = ctx.tokens.get(key)
        if found is None:
            generation = ctx.tokens.generation
            with ApiStore.begin(ctx.node.database) as store:
                found = store.client_by_systemid(systemid)
            if found is None or found.kind is not ClientKind.VXP:
                return None
            ctx.tokens.put(key, found, generation=generation)
        if found.secret is None:
            return None
        systems[systemid] = found
        # Validated when the client was added (``add_client``).
        zone = None if found.vxp_timezone is None else parse_zone(found.vxp_timezone)
        return VxpSystem(found.secret, zone=zone)

    caller = verify_headers(headers, system_of=system_of, at=ctx.clock(), replays=ctx.replays)
    return systems[caller.systemid], caller


def _param(caller: VxpCaller, name: str, default: str | None = None) -> str | None:
    for key, value in caller.parameters.items():
        if key.lower() == name.lower():
            return value
    return default


def _required(caller: VxpCaller, name: str) -> str:
    value = _param(caller, name)
    if not value:
        raise RequestInvalid(msg("api-vxp-param-missing", name=name), code="vxp-missing-param")
    return value


def _kind(caller: VxpCaller) -> PackageKind:
    text = (_param(caller, "messagetype") or "edoc").lower()
    if text not in _KINDS:
        raise RequestInvalid(msg("api-vxp-messagetype-invalid", value=text), code="vxp-bad-messagetype")
    return _KINDS[text]


def _refused(code: str, message: Message) -> RequestInvalid:
    """A refusal answered ``status: FAIL`` with ``code`` (``_call`` answers every error so)."""
    return RequestInvalid(message, code=code)


async def _call(request: Request, operation: str) -> Response:
    ctx = context(request)
    language = request_language(request.headers)
    try:
        # The signed headers first: a caller not known never has its body read.
        system, caller = await run_in_threadpool(_authenticate, ctx, dict(request.headers))
        body = await read_limited(ctx, request) if operation == "sendEdoc" else b""
        return await run_in_threadpool(_OPERATIONS[operation], ctx, system, caller, body, language)
    except LienthongError as error:
        return fail_from(error, language)


def _send(
    ctx: ApiContext, system: ApiClientEntry, caller: VxpCaller, body: bytes, _language: Language
) -> Response:
    claimed = _param(caller, "hash-file")
    if claimed is not None and not hash_file_matches(body, claimed):
        raise _refused("vxp-hash-file", msg("api-vxp-hash-file-mismatch"))
    sender = _required(caller, "from")
    require_code(system, sender)
    kind = _kind(caller)
    package = _outbox.parse_upload(ctx, body)
    if package.from_code != sender:
        raise _refused(
            "vxp-from-mismatch", msg("api-vxp-from-mismatch", sender=sender, found=package.from_code)
        )
    if (kind is PackageKind.DOCUMENT) != isinstance(package, DocumentPackage):
        raise _refused("vxp-bad-messagetype", msg("api-vxp-messagetype-mismatch"))
    to = _param(caller, "to")
    if to and isinstance(package, DocumentPackage):
        try:
            listed = {str(code) for code in json.loads(to)}
        except (ValueError, TypeError):
            raise _refused("vxp-bad-to", msg("api-vxp-to-not-list")) from None
        if not listed <= set(package.to_codes):
            raise _refused("vxp-bad-to", msg("api-vxp-to-mismatch"))
    submission = _outbox.send_package(ctx, system, body, package=package)
    return ok(DocId=submission.message_id)


def _received(
    ctx: ApiContext, system: ApiClientEntry, caller: VxpCaller, _body: bytes, language: Language
) -> Response:
    kind = _kind(caller)
    with ApiStore.begin(ctx.node.database) as store:
        items = store.inbox_items(
            recipients=system.codes, kind=kind, acknowledged=False, limit=ctx.settings.max_page
        )
    pending = render(msg("api-vxp-not-acknowledged"), language)
    data = [
        {
            "docId": item_id(i.entry.message_id, i.entry.recipient),
            "documentId": i.entry.document_id,
            "serviceType": "eDoc",
            "messageType": "edoc" if kind is PackageKind.DOCUMENT else "status",
            "created_time": i.entry.received_at.isoformat(),
            "updated_time": i.entry.received_at.isoformat(),
            "from": i.entry.sender,
            "to": i.entry.recipient,
            "status": "pending",
            "status_desc": pending,
        }
        for i in items
    ]
    return ok(data=data)


def _item(ctx: ApiContext, system: ApiClientEntry, caller: VxpCaller) -> InboxItem:
    return _inbox.find_item(ctx, system, _required(caller, "docId"))


def _get(
    ctx: ApiContext, system: ApiClientEntry, caller: VxpCaller, _body: bytes, _language: Language
) -> Response:
    data = _inbox.package_bytes(ctx, _item(ctx, system, caller))
    return ok(data=base64.b64encode(data).decode("ascii"))


def _download(
    ctx: ApiContext, system: ApiClientEntry, caller: VxpCaller, _body: bytes, _language: Language
) -> Response:
    data = _inbox.package_bytes(ctx, _item(ctx, system, caller))
    return Response(data, media_type="application/octet-stream")


def _update_status(
    ctx: ApiContext, system: ApiClientEntry, caller: VxpCaller, _body: bytes, _language: Language
) -> Response:
    outcome = _required(caller, "status").lower()
    if outcome not in ("done", "fail"):
        raise _refused("vxp-bad-status", msg("api-vxp-status-invalid", value=outcome))
    _inbox.acknowledge(ctx, system, _item(ctx, system, caller), outcome=outcome)
    return ok()


def _sent(
    ctx: ApiContext, system: ApiClientEntry, caller: VxpCaller, _body: bytes, language: Language
) -> Response:
    kind = _kind(caller)
    only = _param(caller, "docId")
    with ApiStore.begin(ctx.node.database) as store:
        found = store.outbox_messages(senders=system.codes, message_id=only, limit=ctx.settings.max_page)
    data = []
    for _position, message_id in found:
        with NodeStore.begin(ctx.node.database, write=False) as store:
            entries = store.outbox(message_id=message_id)
        if entries[0].item.kind is not kind:
            continue
        message = _outbox.outbox_message(ctx, entries, language)
        for r in message.recipients:
            data.append(
                {
                    "docId": message.message_id,
                    "documentId": message.document_id,
                    "fromCode": message.sender,
                    "toCode": r.recipient,
                    "sendStatus": r.delivery,
                    "sendStatusDesc": r.last_error or "",
                    "receiveStatus": r.business_status or "",
                    "receiveStatusDesc": _label(r.business_status),
                    "sentTime": message.created_at.isoformat(),
                    "receivedTime": r.delivered_at.isoformat() if r.delivered_at else "",
                }
            )
    return ok(data=data)


def _label(code: str | None) -> str:
    try:
        return str(StatusCode(code).label) if code else ""
    except ValueError:
        return ""


def _counter(kind: PackageKind) -> _Operation:
    def count(
        ctx: ApiContext, system: ApiClientEntry, _caller: VxpCaller, _body: bytes, _language: Language
    ) -> Response:
        with ApiStore.begin(ctx.node.database) as store:
            total = store.count_inbox(recipients=system.codes, kind=kind, acknowledged=False)
        return ok(count=total)

    return count


def _agency_list(
    ctx: ApiContext, _system: ApiClientEntry, _caller: VxpCaller, _body: bytes, _language: Language
) -> Response:
    found = _agencies.agencies(ctx, served=True)
    data = [
        {"code": a.code, "name": a.name or "", "pcode": m.parent or "", "node": m.node or ""}
        for a in found
        for m in [_agencies.agency_model(ctx, a)]
    ]
    return ok(data=data)


def _synchronize(
    ctx: ApiContext, _system: ApiClientEntry, _caller: VxpCaller, _body: bytes, _language: Language
) -> Response:
    data = [_agencies.agency_model(ctx, a).model_dump(mode="json") for a in _agencies.agencies(ctx)]
    return ok(data=data)


def _directory_only(
    _ctx: ApiContext, _system: ApiClientEntry, _caller: VxpCaller, _body: bytes, _language: Language
) -> Response:
    raise _refused("vxp-directory-only", msg("api-vxp-directory-only"))


_OPERATIONS: dict[str, _Operation] = {
    "sendEdoc": _send,
    "getReceivedEdocList": _received,
    "getEdoc": _get,
    "downloadEdoc": _download,
    "updateStatus": _update_status,
    "getSentEdocList": _sent,
    "countReceiveEdoc": _counter(PackageKind.DOCUMENT),
    "countReceiveStatus": _counter(PackageKind.STATUS),
    "getAgenciesList": _agency_list,
    "getSynchronizeUnit": _synchronize,
    "registerAgency": _directory_only,
    "deleteAgency": _directory_only,
}


def _documented(described: VxpOperation) -> None:
    """``described``'s route in the OpenAPI document (``_vxp_docs``): the same work as any
    other call, nothing declared that FastAPI would check first."""

    async def documented(request: Request) -> Response:
        return await _call(request, described.name)

    router.add_api_route(
        f"/{described.name}",
        documented,
        methods=["POST"],
        name=described.name,
        operation_id=f"vxp_{described.name}",
        summary=described.summary,
        description=described.description,
        tags=[TAG],
        responses=responses(described),
        openapi_extra=openapi_extra(described),
    )


for _described in OPERATIONS:
    _documented(_described)


# GET, and operations not known: answered as the SDK expects, outside the OpenAPI document.
@router.api_route("/{operation}", methods=["GET", "POST"], include_in_schema=False)
async def operation(request: Request, operation: str) -> Response:
    if operation not in _OPERATIONS:
        unknown = msg("api-vxp-operation-unknown", operation=operation)
        return fail("vxp-unknown-operation", unknown, request_language(request.headers))
    return await _call(request, operation)
