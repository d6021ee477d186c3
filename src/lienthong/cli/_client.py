"""`lienthong send|inbox|show|status|recall|events|webhook`: a node's REST API from the shell,
through the SDK.

The node is named by ``--url``/``--token``/``--ca`` (or ``LIENTHONG_API_URL``,
``LIENTHONG_API_TOKEN``, ``LIENTHONG_CA``), or by ``--network network.json --node NAME`` as
``lienthong demo --state-dir`` writes it. Thin wrappers: the logic is in ``lienthong.client``.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from lienthong._i18n import tr
from lienthong.client import ENV_CA, ENV_TOKEN, ENV_URL, Client, Document, OutboxMessage
from lienthong.client._errors import ClientError

_Url = Annotated[str | None, typer.Option("--url", envvar=ENV_URL, help="Địa chỉ API của điểm kết nối.")]
_Token = Annotated[str | None, typer.Option("--token", envvar=ENV_TOKEN, help="Mã truy cập của ứng dụng.")]
_Ca = Annotated[Path | None, typer.Option("--ca", envvar=ENV_CA, help="CA gốc (PEM) tin cậy cho TLS.")]
_Network = Annotated[
    Path | None,
    typer.Option("--network", envvar="LIENTHONG_NETWORK", help="Tệp network.json (lienthong demo)."),
]
_Node = Annotated[
    str | None, typer.Option("--node", envvar="LIENTHONG_NODE", help="Tên điểm kết nối trong network.json.")
]


def _client(
    url: str | None, token: str | None, ca: Path | None, network: Path | None, node: str | None
) -> Client:
    if network is not None:
        try:
            described = json.loads(network.read_text(encoding="utf-8"))
            nodes = described["nodes"]
            chosen = next((n for n in nodes if n["name"] == node), None) if node else nodes[0]
            if chosen is None:
                raise ClientError(
                    tr(f"không có điểm kết nối {node} trong {network}", f"no node {node} in {network}")
                )
            url = url or chosen["api"]["base_url"]
            token = token or chosen["api"]["token"]
            ca = ca or Path(described["trust_anchor"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ClientError(
                tr(f"không đọc được {network}: {exc}", f"cannot read {network}: {exc}")
            ) from exc
    if not url:
        raise ClientError(tr(f"cần --url hoặc {ENV_URL}", f"--url or {ENV_URL} is needed"))
    return Client(url, token=token, verify=ca if ca is not None else True)


def _echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, default=str))


def send(
    sender: Annotated[str, typer.Option("--from", help="Mã định danh cơ quan gửi.")],
    to: Annotated[list[str], typer.Option("--to", help="Mã nơi nhận (lặp lại được).")],
    subject: Annotated[str, typer.Option("--subject", help="Trích yếu.")],
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="Tệp đính kèm (PDF).")],
    number: Annotated[str, typer.Option("--number", help="Số văn bản.")] = "1",
    notation: Annotated[str, typer.Option("--notation", help="Ký hiệu.")] = "VP",
    url: _Url = None, token: _Token = None, ca: _Ca = None, network: _Network = None, node: _Node = None,
) -> None:  # fmt: skip
    """Gửi văn bản: điểm kết nối dựng gói edXML từ thông tin và tệp, ký số rồi chuyển đi."""
    document = Document(sender=sender, to=to, number=number, notation=notation, subject=subject)
    parts = [
        (f.name, f.read_bytes(), mimetypes.guess_type(f.name)[0] or "application/octet-stream") for f in files
    ]
    with _client(url, token, ca, network, node) as api:
        sent = api.compose(document, parts)
    _echo_json(sent.model_dump(mode="json"))


def inbox(
    agency: Annotated[str | None, typer.Option("--agency", help="Chỉ mã này.")] = None,
    unread: Annotated[bool, typer.Option("--unread", help="Chỉ mục chưa xác nhận.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 20,
    url: _Url = None, token: _Token = None, ca: _Ca = None, network: _Network = None, node: _Node = None,
) -> None:  # fmt: skip
    """Văn bản đến (mới nhất sau cùng)."""
    with _client(url, token, ca, network, node) as api:
        page = api.inbox(agency=agency, acknowledged=False if unread else None, limit=limit)
    table = Table(title=tr("Văn bản đến", "Inbox"))
    for column in ("id", tr("loại", "kind"), tr("từ", "from"), tr("tới", "to"), tr("nhận lúc", "received")):
        table.add_column(column)
    for item in page.items:
        table.add_row(
            item.id, item.kind, item.sender, item.recipient, item.received_at.isoformat(timespec="seconds")
        )
    Console().print(table)


def _outbox_table(message: OutboxMessage) -> Table:
    table = Table(title=f"{message.document_id} ({message.sender})")
    for column in (
        tr("nơi nhận", "recipient"),
        tr("chuyển", "delivery"),
        tr("trạng thái", "status"),
        tr("lúc", "at"),
    ):
        table.add_column(column)
    for r in message.recipients:
        at = r.business_status_at or r.delivered_at
        table.add_row(
            r.recipient, r.delivery, r.business_status or "", at.isoformat(timespec="seconds") if at else ""
        )
    return table


def show(
    identifier: Annotated[str, typer.Argument(help="message_id (văn bản đi) hoặc id văn bản đến.")],
    url: _Url = None, token: _Token = None, ca: _Ca = None, network: _Network = None, node: _Node = None,
) -> None:  # fmt: skip
    """Một văn bản đi (trạng thái từng nơi nhận) hoặc một văn bản đến (kèm kiểm tra chữ ký)."""
    with _client(url, token, ca, network, node) as api:
        if len(identifier) > 64 and identifier[64] == "-":
            view = api.document(identifier)
            _echo_json(
                {
                    "item": view.item.model_dump(mode="json"),
                    "signature": view.signature,
                    "timeline": [s.model_dump(mode="json") for s in view.timeline],
                }
            )
            return
        Console().print(_outbox_table(api.sent(identifier)))


def status(
    item_id: Annotated[str, typer.Argument(help="id văn bản đến.")],
    code: Annotated[str, typer.Argument(help="01–06, 15, 16.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Lý do (bắt buộc với 02).")] = None,
    url: _Url = None, token: _Token = None, ca: _Ca = None, network: _Network = None, node: _Node = None,
) -> None:  # fmt: skip
    """Báo trạng thái xử lý một văn bản đến."""
    with _client(url, token, ca, network, node) as api:
        sent = api.send_status(item_id, code, reason)
    _echo_json(sent.model_dump(mode="json"))


def recall(
    message_id: Annotated[str, typer.Argument(help="message_id của văn bản đi.")],
    reason: Annotated[str, typer.Option("--reason", help="Lý do thu hồi.")],
    url: _Url = None, token: _Token = None, ca: _Ca = None, network: _Network = None, node: _Node = None,
) -> None:  # fmt: skip
    """Yêu cầu thu hồi một văn bản đã gửi (trạng thái 13)."""
    with _client(url, token, ca, network, node) as api:
        sent = api.recall(message_id, reason)
    _echo_json(sent.model_dump(mode="json"))


def events(
    after: Annotated[int, typer.Option("--after", min=0, help="Sau sự kiện số này.")] = 0,
    follow: Annotated[bool, typer.Option("--follow", help="Theo dõi liên tục (SSE).")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 100,
    url: _Url = None, token: _Token = None, ca: _Ca = None, network: _Network = None, node: _Node = None,
) -> None:  # fmt: skip
    """Sự kiện của các mã được phép, mỗi dòng một JSON; --follow: chờ sự kiện mới."""
    with _client(url, token, ca, network, node) as api:
        if not follow:
            for event in api.events(after=after, limit=limit).events:
                _echo_json(event.model_dump(mode="json"))
            return
        for event in api.iter_events(after=after):
            _echo_json(event.model_dump(mode="json"))


def webhook(
    set_url: Annotated[str | None, typer.Option("--set", help="Đăng ký (thay) URL nhận sự kiện.")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Hủy webhook.")] = False,
    url: _Url = None, token: _Token = None, ca: _Ca = None, network: _Network = None, node: _Node = None,
) -> None:  # fmt: skip
    """Webhook của ứng dụng: xem, đăng ký (in khóa HMAC một lần) hoặc hủy."""
    with _client(url, token, ca, network, node) as api:
        if remove:
            api.remove_webhook()
            typer.echo(tr("Đã hủy webhook.", "Webhook removed."))
            return
        state = api.set_webhook(set_url) if set_url is not None else api.webhook()
    _echo_json(state.model_dump(mode="json", exclude_none=True))


def register(app: typer.Typer) -> None:
    """Add the commands to the root application."""
    for command in (send, inbox, show, status, recall, events, webhook):
        app.command(command.__name__)(command)
