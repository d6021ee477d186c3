"""`lienthong send|inbox|show|status|recall|events|webhook`: a node's REST API from the shell,
through the SDK.

The node is named as ``_connect`` says. Thin wrappers: the logic is in ``lienthong.client``;
what people read is ``_client_views``'s, ``--json`` what programs read.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from lienthong._i18n import msg, say
from lienthong.cli._client_views import inbox_lines, outbox_table, received_table, sent_line
from lienthong.cli._connect import Ca, Network, Node, Token, Url, connect
from lienthong.cli._ids import resolve
from lienthong.client import Client, ClientError, Document, InboxItem, Signer

_Json = Annotated[bool, typer.Option("--json", help="In dạng JSON (cho chương trình).")]
_RECEIVED_ID = "Định danh văn bản đến (MESSAGE_ID-MÃ)"
#: Pages read at most to fill one listing of unread documents.
_MAX_PAGES = 200


def _echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, default=str))


def _required(option: str, value: str | None) -> str:
    """``value``, given; checked here rather than by Typer so that the error is one line."""
    if not value:
        raise ClientError(msg("cli-option-required", option=option), code="option-missing")
    return value


def _signer(name: str | None, position: str | None, competence: str | None) -> Signer | None:
    if name:
        return Signer(name, position, competence)
    if position or competence:
        raise ClientError(msg("cli-signer-name-required"), code="option-missing")
    return None


def send(
    sender: Annotated[str, typer.Option("--from", help="Mã định danh cơ quan gửi.")],
    to: Annotated[list[str], typer.Option("--to", help="Mã nơi nhận (lặp lại được).")],
    subject: Annotated[str, typer.Option("--subject", help="Trích yếu.")],
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="Tệp đính kèm (PDF).")],
    number: Annotated[str | None, typer.Option("--number", help="Số văn bản, vd. 7816 (bắt buộc).")] = None,
    notation: Annotated[
        str | None, typer.Option("--notation", help="Ký hiệu, vd. VPCP-TTĐT (bắt buộc).")
    ] = None,
    sign_pdf: Annotated[
        bool,
        typer.Option(
            "--sign-pdf",
            help="Điểm kết nối ký số (PAdES) từng tệp PDF bằng khóa của cơ quan gửi; mọi tệp phải là PDF.",
        ),
    ] = False,
    signer_name: Annotated[str | None, typer.Option("--signer-name", help="Người ký (SignerInfo).")] = None,
    signer_position: Annotated[
        str | None, typer.Option("--signer-position", help="Chức vụ người ký (cần --signer-name).")
    ] = None,
    signer_competence: Annotated[
        str | None, typer.Option("--signer-competence", help="Thẩm quyền ký (cần --signer-name).")
    ] = None,
    url: Url = None, token: Token = None, ca: Ca = None, network: Network = None, node: Node = None,
) -> None:  # fmt: skip
    """Gửi văn bản: điểm kết nối dựng gói edXML từ thông tin và tệp, ký số rồi chuyển đi
    (với --sign-pdf, ký số cả từng tệp PDF)."""
    document = Document(
        sender=sender,
        to=to,
        number=_required("--number", number),
        notation=_required("--notation", notation),
        subject=subject,
    )
    parts = [
        (f.name, f.read_bytes(), mimetypes.guess_type(f.name)[0] or "application/octet-stream") for f in files
    ]
    signer = _signer(signer_name, signer_position, signer_competence)
    with connect(url, token, ca, network, node) as api:
        sent = api.compose(document, parts, sign_pdf=sign_pdf, signer=signer)
    _echo_json(sent.model_dump(mode="json"))


def _unread(api: Client, agency: str | None, limit: int) -> list[InboxItem]:
    found: list[InboxItem] = []
    for item in api.iter_inbox(agency=agency, acknowledged=False, limit=500, max_pages=_MAX_PAGES):
        if item.unread:
            found.append(item)
            if len(found) == limit:
                break
    return found


def inbox(
    agency: Annotated[str | None, typer.Option("--agency", help="Chỉ mã này.")] = None,
    unread: Annotated[
        bool,
        typer.Option(
            "--unread",
            help="Chỉ văn bản chưa đọc: chưa báo trạng thái nào (01–06) và chưa xác nhận đã nhận.",
        ),
    ] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 20,
    as_json: _Json = False,
    url: Url = None, token: Token = None, ca: Ca = None, network: Network = None, node: Node = None,
) -> None:  # fmt: skip
    """Văn bản đến (mới nhất sau cùng); mỗi văn bản: định danh trên một dòng, rồi số, trích yếu,
    nơi gửi, giờ Việt Nam."""
    with connect(url, token, ca, network, node) as api:
        items = _unread(api, agency, limit) if unread else api.inbox(agency=agency, limit=limit).items
    if as_json:
        _echo_json([item.model_dump(mode="json") for item in items])
        return
    for line in inbox_lines(items):
        typer.echo(line)


def show(
    identifier: Annotated[str, typer.Argument(help=f"{_RECEIVED_ID} hoặc message_id văn bản đi, hay đầu.")],
    as_json: _Json = False,
    url: Url = None, token: Token = None, ca: Ca = None, network: Network = None, node: Node = None,
) -> None:  # fmt: skip
    """Một văn bản đi (trạng thái từng nơi nhận) hoặc một văn bản đến (kèm kiểm tra chữ ký)."""
    with connect(url, token, ca, network, node) as api:
        found = resolve(api, identifier)
        if found.received:
            view = api.document(found.id)
            if as_json:
                _echo_json(
                    {
                        "item": view.item.model_dump(mode="json"),
                        "package": view.package,
                        "signature": view.signature,
                        "attachment_signatures": view.attachment_signatures,
                        "timeline": [s.model_dump(mode="json") for s in view.timeline],
                    }
                )
                return
            typer.echo(view.item.id)
            Console().print(received_table(view))
            return
        message = api.sent(found.id)
    if as_json:
        _echo_json(message.model_dump(mode="json"))
        return
    typer.echo(message.message_id)
    Console().print(outbox_table(message))


def status(
    item_id: Annotated[str, typer.Argument(help=f"{_RECEIVED_ID}, hay phần đầu của nó.")],
    code: Annotated[str, typer.Argument(help="01–06, 15, 16.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Lý do (bắt buộc với 02).")] = None,
    as_json: _Json = False,
    url: Url = None, token: Token = None, ca: Ca = None, network: Network = None, node: Node = None,
) -> None:  # fmt: skip
    """Báo trạng thái xử lý một văn bản đến."""
    with connect(url, token, ca, network, node) as api:
        found = resolve(api, item_id, sent=False)
        sent = api.send_status(found.id, code, reason)
    if as_json:
        _echo_json(sent.model_dump(mode="json"))
        return
    typer.echo(sent_line(sent))


def recall(
    message_id: Annotated[str, typer.Argument(help="message_id của văn bản đi.")],
    reason: Annotated[str, typer.Option("--reason", help="Lý do thu hồi.")],
    url: Url = None, token: Token = None, ca: Ca = None, network: Network = None, node: Node = None,
) -> None:  # fmt: skip
    """Yêu cầu thu hồi một văn bản đã gửi (trạng thái 13)."""
    with connect(url, token, ca, network, node) as api:
        sent = api.recall(message_id, reason)
    _echo_json(sent.model_dump(mode="json"))


def events(
    after: Annotated[int, typer.Option("--after", min=0, help="Sau sự kiện số này.")] = 0,
    follow: Annotated[bool, typer.Option("--follow", help="Theo dõi liên tục (SSE).")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 100,
    url: Url = None, token: Token = None, ca: Ca = None, network: Network = None, node: Node = None,
) -> None:  # fmt: skip
    """Sự kiện của các mã được phép, mỗi dòng một JSON; --follow: chờ sự kiện mới."""
    with connect(url, token, ca, network, node) as api:
        if not follow:
            for event in api.events(after=after, limit=limit).events:
                _echo_json(event.model_dump(mode="json"))
            return
        for event in api.iter_events(after=after):
            _echo_json(event.model_dump(mode="json"))


def webhook(
    set_url: Annotated[str | None, typer.Option("--set", help="Đăng ký (thay) URL nhận sự kiện.")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Hủy webhook.")] = False,
    url: Url = None, token: Token = None, ca: Ca = None, network: Network = None, node: Node = None,
) -> None:  # fmt: skip
    """Webhook của ứng dụng: xem, đăng ký (in khóa HMAC một lần) hoặc hủy."""
    with connect(url, token, ca, network, node) as api:
        if remove:
            api.remove_webhook()
            typer.echo(say("cli-webhook-removed"))
            return
        state = api.set_webhook(set_url) if set_url is not None else api.webhook()
    _echo_json(state.model_dump(mode="json", exclude_none=True))


def register(app: typer.Typer) -> None:
    """Add the commands to the root application."""
    for command in (send, inbox, show, status, recall, events, webhook):
        app.command(command.__name__)(command)
