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

_Json = Annotated[bool, typer.Option("--json", help=say("help-client-json"))]
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
    sender: Annotated[str, typer.Option("--from", help=say("help-client-from"))],
    to: Annotated[list[str], typer.Option("--to", help=say("help-client-to"))],
    subject: Annotated[str, typer.Option("--subject", help=say("help-client-subject"))],
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help=say("help-client-files"))],
    number: Annotated[str | None, typer.Option("--number", help=say("help-client-number"))] = None,
    notation: Annotated[
        str | None, typer.Option("--notation", help=say("help-client-notation"))
    ] = None,
    sign_pdf: Annotated[
        bool,
        typer.Option(
            "--sign-pdf",
            help=say("help-client-sign-pdf"),
        ),
    ] = False,
    signer_name: Annotated[
        str | None, typer.Option("--signer-name", help=say("help-client-signer-name"))
    ] = None,
    signer_position: Annotated[
        str | None, typer.Option("--signer-position", help=say("help-client-signer-position"))
    ] = None,
    signer_competence: Annotated[
        str | None, typer.Option("--signer-competence", help=say("help-client-signer-competence"))
    ] = None,
    url: Url = None, token: Token = None, ca: Ca = None, network: Network = None, node: Node = None,
) -> None:  # fmt: skip
    """Send a document."""
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
    agency: Annotated[str | None, typer.Option("--agency", help=say("help-client-agency"))] = None,
    unread: Annotated[
        bool,
        typer.Option(
            "--unread",
            help=say("help-client-unread"),
        ),
    ] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 20,
    as_json: _Json = False,
    url: Url = None, token: Token = None, ca: Ca = None, network: Network = None, node: Node = None,
) -> None:  # fmt: skip
    """Received documents (newest last)."""
    with connect(url, token, ca, network, node) as api:
        items = _unread(api, agency, limit) if unread else api.inbox(agency=agency, limit=limit).items
    if as_json:
        _echo_json([item.model_dump(mode="json") for item in items])
        return
    for line in inbox_lines(items):
        typer.echo(line)


def show(
    identifier: Annotated[str, typer.Argument(help=say("help-client-show-identifier"))],
    as_json: _Json = False,
    url: Url = None, token: Token = None, ca: Ca = None, network: Network = None, node: Node = None,
) -> None:  # fmt: skip
    """A sent document (status per recipient) or a received one (with its signature check)."""
    with connect(url, token, ca, network, node) as api:
        found = resolve(api, identifier)
        if found.received:
            view = api.document(found.id)
            if as_json:
                _echo_json(
                    {
                        "item": view.item.model_dump(mode="json"),
                        "package": view.package_json,
                        "signature": view.signature_json,
                        "attachment_signatures": view.attachment_signatures_json,
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
    item_id: Annotated[str, typer.Argument(help=say("help-client-status-item-id"))],
    code: Annotated[str, typer.Argument(help=say("help-client-code"))],
    reason: Annotated[str | None, typer.Option("--reason", help=say("help-client-reason"))] = None,
    as_json: _Json = False,
    url: Url = None, token: Token = None, ca: Ca = None, network: Network = None, node: Node = None,
) -> None:  # fmt: skip
    """Report the processing status of a received document."""
    with connect(url, token, ca, network, node) as api:
        found = resolve(api, item_id, sent=False)
        sent = api.send_status(found.id, code, reason)
    if as_json:
        _echo_json(sent.model_dump(mode="json"))
        return
    typer.echo(sent_line(sent))


def recall(
    message_id: Annotated[str, typer.Argument(help=say("help-client-message-id"))],
    reason: Annotated[str, typer.Option("--reason", help=say("help-client-recall-reason"))],
    url: Url = None, token: Token = None, ca: Ca = None, network: Network = None, node: Node = None,
) -> None:  # fmt: skip
    """Ask to recall a sent document (status 13)."""
    with connect(url, token, ca, network, node) as api:
        sent = api.recall(message_id, reason)
    _echo_json(sent.model_dump(mode="json"))


def events(
    after: Annotated[int, typer.Option("--after", min=0, help=say("help-client-after"))] = 0,
    follow: Annotated[bool, typer.Option("--follow", help=say("help-client-follow"))] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 100,
    url: Url = None, token: Token = None, ca: Ca = None, network: Network = None, node: Node = None,
) -> None:  # fmt: skip
    """Events of the permitted codes, one JSON per line; --follow: wait for new events."""
    with connect(url, token, ca, network, node) as api:
        if not follow:
            for event in api.events(after=after, limit=limit).events:
                _echo_json(event.model_dump(mode="json"))
            return
        for event in api.iter_events(after=after):
            _echo_json(event.model_dump(mode="json"))


def webhook(
    set_url: Annotated[str | None, typer.Option("--set", help=say("help-client-set"))] = None,
    remove: Annotated[bool, typer.Option("--remove", help=say("help-client-remove"))] = False,
    url: Url = None, token: Token = None, ca: Ca = None, network: Network = None, node: Node = None,
) -> None:  # fmt: skip
    """The application's webhook: show, register (prints the HMAC key once) or remove."""
    with connect(url, token, ca, network, node) as api:
        if remove:
            api.remove_webhook()
            typer.echo(say("cli-webhook-removed"))
            return
        state = api.set_webhook(set_url) if set_url is not None else api.webhook()
    _echo_json(state.model_dump(mode="json", exclude_none=True))


def register(app: typer.Typer) -> None:
    """Add the commands to the root application."""
    for command, help_text in (
        (send, say("help-client-send")),
        (inbox, say("help-client-inbox")),
        (show, say("help-client-show")),
        (status, say("help-client-status")),
        (recall, say("help-client-recall")),
        (events, say("help-client-events")),
        (webhook, say("help-client-webhook")),
    ):
        app.command(command.__name__, help=help_text)(command)
