"""The async SDK against real nodes: send, page, show, stream a download, statuses, agencies,
events as a stream; errors typed as in the sync client."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing

import pytest

from client.live import WAIT, Sdk
from lienthong.client import AsyncClient, Document, Event, InboxItem, NotFound, NotPermitted
from lienthong.demo import sample_pdf
from node.node_network import RECIPIENT, SENDER

pytestmark = pytest.mark.anyio


def _client(sdk: Sdk, node: str, token: str) -> AsyncClient:
    return AsyncClient(sdk.live.urls[node], token=token, verify=sdk.live.anchors(node))


async def _poll(probe: Callable[[], object], timeout: float = WAIT) -> object:
    async def until() -> object:
        while not (value := await probe()):  # type: ignore[misc]
            await asyncio.sleep(0.1)
        return value

    return await asyncio.wait_for(until(), timeout)


async def _first(stream: AsyncGenerator[Event], wanted: Callable[[Event], bool]) -> Event:
    async def scan() -> Event:
        async with aclosing(stream):
            async for event in stream:
                if wanted(event):
                    return event
        raise AssertionError("the stream ended")

    return await asyncio.wait_for(scan(), WAIT)


async def test_async_round_trip_and_events(sdk: Sdk) -> None:
    pdf = sample_pdf("Async")
    document = Document(
        sender=SENDER,
        sender_name="UBND tỉnh Nghệ An",
        to=[RECIPIENT],
        number="77",
        notation="UBND-VP",
        subject="V/v async",
    )
    async with (
        _client(sdk, "nghe-an", sdk.na_token) as sender,
        _client(sdk, "vpcp", sdk.vp_token) as receiver,
    ):
        start = (await receiver.events(after=0, limit=500)).next_after
        sent = await sender.compose(document, [("a.pdf", pdf, "application/pdf")])
        arrived = await _first(
            receiver.iter_events(after=start),
            lambda e: e.type == "document.received" and e.message_id == sent.message_id,
        )
        assert arrived.code == RECIPIENT and arrived.party == SENDER and arrived.item_id

        async def listed() -> list[InboxItem]:
            return [i async for i in receiver.iter_inbox(sender=SENDER) if i.message_id == sent.message_id]

        item = (await _poll(listed))[0]  # type: ignore[index]
        assert item.id == arrived.item_id
        view = await receiver.document(item.id)
        package = view.package
        assert (
            package.subject == "V/v async"
            and package.sender == SENDER
            and package.sender_name == "UBND tỉnh Nghệ An"
        )
        assert [a.name for a in package.attachments] == ["a.pdf"] and package.attachments[0].size == len(pdf)
        assert view.signature.valid and view.signature.signer and view.signature.sender_code == SENDER
        assert [a.name for a in view.attachment_signatures] == ["a.pdf"]
        assert view.package_json["subject"] == "V/v async"
        target = io.BytesIO()
        content_id = package.attachments[0].content_id
        assert await receiver.download_attachment(item.id, content_id, target) == len(pdf)
        assert target.getvalue() == pdf
        await receiver.send_status(item.id, "01")
        answered = await _first(
            sender.iter_events(after=0),
            lambda e: e.type == "status.received" and e.document_id == sent.document_id,
        )
        assert answered.status_code == "01"
        assert (await receiver.agency(RECIPIENT)).node == "vpcp"
        with pytest.raises(NotPermitted):
            await receiver.inbox(agency=SENDER)
        with pytest.raises(NotFound):
            await sender.sent("0" * 64)
