"""Every REST operation once, for both clients: the request to send and how to read its answer.

Pure: no I/O. ``Client`` and ``AsyncClient`` send ``operation.call`` (with retries) and hand the
answer to ``operation.answer``; each of their methods is one line (as httpx's ``BaseClient``
builds what ``Client`` and ``AsyncClient`` send).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter

from lienthong.client._base import API_PREFIX, Call, FilePart, decode, refusal
from lienthong.client._models import (
    Agency,
    Document,
    DocumentView,
    EventPage,
    InboxPage,
    OutboxMessage,
    OutboxPage,
    Sent,
    Signer,
    Webhook,
)

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
_AGENCIES = TypeAdapter(list[Agency])


@dataclass(frozen=True, slots=True)
class Operation(Generic[T]):
    """A request, and the function turning its answer into a value (or a refusal)."""

    call: Call
    answer: Callable[[httpx.Response], T]


def _model(model: type[M]) -> Callable[[httpx.Response], M]:
    return lambda response: decode(response, model)


def _nothing(response: httpx.Response) -> None:
    if response.is_error:
        raise refusal(response)


def _agencies(response: httpx.Response) -> list[Agency]:
    if response.is_error:
        raise refusal(response)
    return _AGENCIES.validate_json(response.content)


# -- the sender's side -----------------------------------------------------------------------


def send_package(data: bytes) -> Operation[Sent]:
    # The same bytes again are answered "repeated", never sent twice: safe to retry.
    call = Call(
        "POST",
        f"{API_PREFIX}/documents",
        content=data,
        headers={"Content-Type": "application/xml"},
        idempotent=True,
    )
    return Operation(call, _model(Sent))


def compose(
    document: Document, files: Sequence[FilePart], *, sign_pdf: bool = False, signer: Signer | None = None
) -> Operation[Sent]:
    metadata = document.model_dump(mode="json", exclude_none=True)
    form = {"metadata": json.dumps(metadata, ensure_ascii=False)}
    if sign_pdf:
        form["sign_pdf"] = "true"
    if signer is not None:
        form["signer_name"] = signer.name
        if signer.position:
            form["signer_position"] = signer.position
        if signer.competence:
            form["signer_competence"] = signer.competence
    call = Call(
        "POST",
        f"{API_PREFIX}/documents/compose",
        files=[("files", (name, data, ctype)) for name, data, ctype in files],
        data=form,
    )
    return Operation(call, _model(Sent))


def outbox(*, agency: str | None, cursor: int, limit: int) -> Operation[OutboxPage]:
    params = {"agency": agency, "cursor": cursor, "limit": limit}
    return Operation(Call("GET", f"{API_PREFIX}/outbox", params=params), _model(OutboxPage))


def sent(message_id: str) -> Operation[OutboxMessage]:
    return Operation(Call("GET", f"{API_PREFIX}/outbox/{message_id}"), _model(OutboxMessage))


def recall(message_id: str, reason: str) -> Operation[Sent]:
    call = Call("POST", f"{API_PREFIX}/outbox/{message_id}/recall", json={"reason": reason})
    return Operation(call, _model(Sent))


# -- the recipient's side --------------------------------------------------------------------


def inbox(
    *,
    agency: str | None,
    kind: str | None,
    sender: str | None,
    acknowledged: bool | None,
    cursor: int,
    limit: int,
) -> Operation[InboxPage]:
    params = {
        "agency": agency,
        "kind": kind,
        "sender": sender,
        "acknowledged": None if acknowledged is None else str(acknowledged).lower(),
        "cursor": cursor,
        "limit": limit,
    }
    return Operation(Call("GET", f"{API_PREFIX}/inbox", params=params), _model(InboxPage))


def document(item_id: str) -> Operation[DocumentView]:
    return Operation(Call("GET", f"{API_PREFIX}/inbox/{item_id}"), _model(DocumentView))


def acknowledge(item_id: str) -> Operation[None]:
    return Operation(Call("POST", f"{API_PREFIX}/inbox/{item_id}/ack", idempotent=True), _nothing)


def send_status(item_id: str, code: str, description: str | None) -> Operation[Sent]:
    body = {"code": code, "description": description}
    return Operation(Call("POST", f"{API_PREFIX}/inbox/{item_id}/status", json=body), _model(Sent))


def package_download(item_id: str) -> Call:
    return Call("GET", f"{API_PREFIX}/inbox/{item_id}/package")


def attachment_download(item_id: str, content_id: str) -> Call:
    return Call("GET", f"{API_PREFIX}/inbox/{item_id}/attachments/{content_id}")


# -- events ----------------------------------------------------------------------------------


def events(*, after: int, limit: int) -> Operation[EventPage]:
    params = {"after": after, "limit": limit}
    call = Call("GET", f"{API_PREFIX}/events", params=params, headers={"Accept": "application/json"})
    return Operation(call, _model(EventPage))


def event_stream(after: int) -> Call:
    """The event stream from after ``after`` (as ``Last-Event-ID``: a reconnection resumes)."""
    headers = {"Accept": "text/event-stream", "Last-Event-ID": str(after)}
    return Call("GET", f"{API_PREFIX}/events", headers=headers)


def set_webhook(url: str, after: int | None) -> Operation[Webhook]:
    call = Call("PUT", f"{API_PREFIX}/webhook", json={"url": url, "after": after})
    return Operation(call, _model(Webhook))


def webhook() -> Operation[Webhook]:
    return Operation(Call("GET", f"{API_PREFIX}/webhook"), _model(Webhook))


def remove_webhook() -> Operation[None]:
    return Operation(Call("DELETE", f"{API_PREFIX}/webhook"), _nothing)


# -- the network -----------------------------------------------------------------------------


def agencies(query: str | None, *, served: bool) -> Operation[list[Agency]]:
    params = {"q": query, "served": str(served).lower()}
    return Operation(Call("GET", f"{API_PREFIX}/agencies", params=params), _agencies)


def agency(code: str) -> Operation[Agency]:
    return Operation(Call("GET", f"{API_PREFIX}/agencies/{code}"), _model(Agency))
