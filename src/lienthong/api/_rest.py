"""The REST routes under ``/api/v1``: thin; the work is in ``_inbox``, ``_outbox``, ``_agencies``."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from lienthong._i18n import msg
from lienthong.api import _agencies, _inbox, _outbox
from lienthong.api._auth import Client, Ctx, Lang
from lienthong.api._errors import DocumentUnknown, RequestInvalid
from lienthong.api._models import (
    MAX_POSITION,
    Agency,
    DocumentView,
    InboxPage,
    OutboxMessage,
    OutboxPage,
    Problem,
    RecallRequest,
    Sent,
    StatusRequest,
)
from lienthong.api._uploads import check_declared, spool_limited
from lienthong.edxml import BusinessType, SignerInfo
from lienthong.store import PackageKind

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem} for status in (400, 401, 403, 404, 409, 410, 413, 422)
}
router = APIRouter(prefix="/api/v1", responses=_ERRORS)


class Compose(BaseModel):
    """Metadata of a document the node builds (multipart field ``metadata``, JSON)."""

    sender: str
    to: list[str] = []
    number: str
    notation: str
    subject: str
    sender_name: str | None = None
    content: str | None = None
    promulgated_on: date | None = None
    place: str | None = None
    reason: str | None = None


_EDXML_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/xml": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.post("/documents", status_code=201, response_model=Sent, openapi_extra=_EDXML_BODY)
async def send_document(ctx: Ctx, client: Client, request: Request) -> Sent:
    """Gửi một gói edXML (văn bản hoặc trạng thái); chưa ký thì điểm kết nối ký bằng khóa của cơ quan."""
    source = await spool_limited(ctx, request)
    try:
        submission = await run_in_threadpool(_outbox.send_package, ctx, client, source)
    finally:
        source.discard()
    return _outbox.sent(submission)


def _facts(
    metadata: str,
    acts_on: tuple[str, BusinessType] | None,
    to: list[str],
    *,
    signer: SignerInfo | None = None,
    sign_pdf: bool = False,
) -> _outbox.DocumentFacts:
    try:
        compose = Compose.model_validate(json.loads(metadata))
    except (ValueError, ValidationError) as exc:
        raise RequestInvalid(msg("api-metadata-invalid", reason=str(exc))) from exc
    return _outbox.DocumentFacts(
        sender=compose.sender,
        to=tuple(compose.to or to),
        number=compose.number,
        notation=compose.notation,
        subject=compose.subject,
        sender_name=compose.sender_name,
        content=compose.content,
        promulgated_on=compose.promulgated_on,
        place=compose.place,
        acts_on=acts_on,
        reason=compose.reason,
        signer=signer,
        sign_pdf=sign_pdf,
    )


def _signer(name: str | None, position: str | None, competence: str | None) -> SignerInfo | None:
    if not name:
        if position or competence:
            raise RequestInvalid(
                msg("api-signer-name-missing"),
                code="signer-name-missing",
            )
        return None
    return SignerInfo(competence=competence or None, position=position or None, full_name=name)


async def _files(files: list[UploadFile]) -> list[tuple[str, str, bytes]]:
    return [
        (f.filename or "tep", f.content_type or "application/octet-stream", await f.read()) for f in files
    ]


@router.post("/documents/compose", status_code=201, response_model=Sent)
async def compose_document(
    ctx: Ctx,
    client: Client,
    request: Request,
    metadata: Annotated[str, Form(description="JSON: sender, to, number, notation, subject, …")],
    files: Annotated[
        list[UploadFile], File(description="Tệp đính kèm (PDF đã ký số, hoặc PDF để điểm kết nối ký).")
    ],
    sign_pdf: Annotated[
        bool,
        Form(
            description="true: điểm kết nối ký số (PAdES) từng tệp PDF bằng khóa của cơ quan gửi trước khi"
            " dựng gói; mọi tệp phải là PDF (không thì 422 attachment-not-pdf, nêu tên tệp)."
        ),
    ] = False,
    signer_name: Annotated[str | None, Form(description="Người ký (SignerInfo/FullName).")] = None,
    signer_position: Annotated[str | None, Form(description="Chức vụ (SignerInfo/Position).")] = None,
    signer_competence: Annotated[
        str | None, Form(description="Thẩm quyền ký (SignerInfo/Competence).")
    ] = None,
) -> Sent:
    """Điểm kết nối dựng gói edXML từ thông tin và tệp, ký bằng khóa của cơ quan gửi, rồi gửi.

    Với ``sign_pdf=true``, điểm kết nối ký số từng tệp PDF bằng khóa của cơ quan gửi (PAdES).
    """
    check_declared(ctx, request)
    signer = _signer(signer_name, signer_position, signer_competence)
    facts = _facts(metadata, None, [], signer=signer, sign_pdf=sign_pdf)
    submission = await run_in_threadpool(_outbox.build_and_send, ctx, client, facts, await _files(files))
    return _outbox.sent(submission)


@router.get("/inbox", response_model=InboxPage)
async def inbox(
    ctx: Ctx,
    client: Client,
    agency: str | None = None,
    kind: PackageKind | None = None,
    sender: str | None = None,
    acknowledged: bool | None = None,
    cursor: Annotated[int, Query(ge=0, le=MAX_POSITION)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> InboxPage:
    """Văn bản đến (và trạng thái đến) của các mã ứng dụng được phép, theo con trỏ."""
    return await run_in_threadpool(
        _inbox.list_inbox,
        ctx,
        client,
        agency=agency,
        kind=kind,
        sender=sender,
        acknowledged=acknowledged,
        cursor=cursor,
        limit=limit,
    )


@router.get("/inbox/{item_id}", response_model=DocumentView)
async def inbox_item(ctx: Ctx, client: Client, language: Lang, item_id: str) -> DocumentView:
    """Thông tin văn bản đến, kết quả kiểm tra chữ ký gói tin và chữ ký số trên tệp PDF."""
    item = await run_in_threadpool(_inbox.find_item, ctx, client, item_id)
    return await run_in_threadpool(_inbox.document_view, ctx, item, language)


@router.get("/inbox/{item_id}/package", response_class=StreamingResponse)
async def inbox_package(ctx: Ctx, client: Client, item_id: str) -> StreamingResponse:
    """Gói edXML đúng như đã nhận (có chữ ký)."""
    item = await run_in_threadpool(_inbox.find_item, ctx, client, item_id)
    return StreamingResponse(_inbox.package_chunks(ctx, item), media_type="application/xml")


@router.get("/inbox/{item_id}/attachments/{content_id}", response_class=StreamingResponse)
async def inbox_attachment(ctx: Ctx, client: Client, item_id: str, content_id: str) -> StreamingResponse:
    """Một tệp đính kèm của văn bản đến."""
    item = await run_in_threadpool(_inbox.find_item, ctx, client, item_id)
    found = await run_in_threadpool(_inbox.attachment, ctx, item, content_id)
    stream = found.content.open()
    name = (found.name or content_id).encode("ascii", "replace").decode().replace('"', "")
    return StreamingResponse(
        iter(lambda: stream.read(64 * 1024), b""),
        media_type=found.content_type or "application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/inbox/{item_id}/ack", status_code=204)
async def acknowledge(ctx: Ctx, client: Client, item_id: str) -> Response:
    """Xác nhận đã lấy về: mục không còn trong danh sách chưa xác nhận."""
    item = await run_in_threadpool(_inbox.find_item, ctx, client, item_id)
    await run_in_threadpool(_inbox.acknowledge, ctx, client, item)
    return Response(status_code=204)


@router.post("/inbox/{item_id}/status", status_code=201, response_model=Sent)
async def send_status(ctx: Ctx, client: Client, item_id: str, body: StatusRequest) -> Sent:
    """Báo trạng thái xử lý (01–06; 02 kèm lý do) hoặc trả lời yêu cầu thu hồi (15/16)."""
    item = await run_in_threadpool(_inbox.find_item, ctx, client, item_id)
    submission = await run_in_threadpool(_inbox.send_status, ctx, item, body.code, body.description)
    return _outbox.sent(submission)


@router.get("/outbox", response_model=OutboxPage)
async def outbox(
    ctx: Ctx,
    client: Client,
    language: Lang,
    agency: str | None = None,
    cursor: Annotated[int, Query(ge=0, le=MAX_POSITION)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> OutboxPage:
    """Văn bản đi: trạng thái chuyển tới từng nơi nhận, trạng thái xử lý và diễn biến."""
    return await run_in_threadpool(
        _outbox.list_outbox, ctx, client, agency=agency, cursor=cursor, limit=limit, language=language
    )


@router.get("/outbox/{message_id}", response_model=OutboxMessage)
async def outbox_message(ctx: Ctx, client: Client, language: Lang, message_id: str) -> OutboxMessage:
    """Một văn bản đi."""
    entries = await run_in_threadpool(_outbox.sent_document, ctx, client, message_id)
    return await run_in_threadpool(_outbox.outbox_message, ctx, entries, language)


@router.post("/outbox/{message_id}/recall", status_code=201, response_model=Sent)
async def recall(ctx: Ctx, client: Client, message_id: str, body: RecallRequest) -> Sent:
    """Yêu cầu thu hồi (trạng thái 13); nơi nhận trả lời 15 (đồng ý) hoặc 16 (từ chối)."""
    submission = await run_in_threadpool(_outbox.recall, ctx, client, message_id, body.reason)
    return _outbox.sent(submission)


async def _acting(
    ctx: Ctx, client: Client, request: Request, message_id: str, metadata: str,
    files: list[UploadFile], business: BusinessType,
) -> Sent:  # fmt: skip
    check_declared(ctx, request)
    entries = await run_in_threadpool(_outbox.sent_document, ctx, client, message_id)
    earlier = entries[0].item.document_id
    facts = _facts(metadata, (earlier, business), [e.item.recipient for e in entries])
    submission = await run_in_threadpool(_outbox.build_and_send, ctx, client, facts, await _files(files))
    return _outbox.sent(submission)


@router.post("/outbox/{message_id}/update", status_code=201, response_model=Sent)
async def update(
    ctx: Ctx, client: Client, request: Request, message_id: str,
    metadata: Annotated[str, Form()], files: Annotated[list[UploadFile], File()],
) -> Sent:  # fmt: skip
    """Cập nhật văn bản đã gửi (nghiệp vụ 2): văn bản mới, cùng nơi nhận nếu không nêu."""
    return await _acting(ctx, client, request, message_id, metadata, files, BusinessType.UPDATE)


@router.post("/outbox/{message_id}/replace", status_code=201, response_model=Sent)
async def replace(
    ctx: Ctx, client: Client, request: Request, message_id: str,
    metadata: Annotated[str, Form()], files: Annotated[list[UploadFile], File()],
) -> Sent:  # fmt: skip
    """Thay thế văn bản đã gửi (nghiệp vụ 3)."""
    return await _acting(ctx, client, request, message_id, metadata, files, BusinessType.REPLACE)


@router.get("/agencies", response_model=list[Agency])
async def agencies(
    ctx: Ctx, _client: Client, q: str | None = None, served: bool = False,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[Agency]:  # fmt: skip
    """Cơ quan trong cấu hình mạng (lọc theo đầu mã hoặc tên), kèm điểm kết nối phục vụ."""
    found = await run_in_threadpool(_agencies.agencies, ctx, query=q, served=served)
    return [_agencies.agency_model(ctx, entry) for entry in found[:limit]]


@router.get("/agencies/{code}", response_model=Agency)
async def agency(ctx: Ctx, _client: Client, code: str) -> Agency:
    """Một cơ quan."""
    for entry in ctx.node.configuration.content.agencies:
        if entry.code == code:
            return _agencies.agency_model(ctx, entry)
    raise DocumentUnknown(msg("api-agency-unknown", code=code), code="agency-unknown")
