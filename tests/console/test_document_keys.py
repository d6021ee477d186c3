"""The console shows a document's own statuses: its sender's document, its recipient's steps.

G22 (at vpcp) and G09 (at nghe-an) both send H41 a document with G22's DocumentId; H41 refuses
G09's. Two units of Hà Nội at vpcp receive one document; one refuses it.
"""

from __future__ import annotations

import re
from contextlib import aclosing
from pathlib import Path

import anyio.to_thread
import httpx
import pytest

from console.console_support import PASSWORD, Consoles, clock, deliver
from lienthong.console import Role, UserFile, create_console
from lienthong.edxml import StatusCode
from lienthong.node import Submission, submit
from node.node_network import (
    AT,
    HANOI,
    HANOI_UNIT,
    OTHER_SENDER,
    RECIPIENT,
    SENDER,
    Network,
    document,
    status,
)

pytestmark = pytest.mark.anyio

G22 = RECIPIENT  # here the original sender
G09 = OTHER_SENDER
H41 = SENDER
G22_ID = "000.00.00.G22,2026/03/02,7816/VPCP-TTĐT"
_TIMELINE = re.compile(r'<ol id="timeline".*?</ol>', re.S)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _consoles(network: Network, home: Path) -> Consoles:
    users = UserFile.in_home(home)
    users.add("hoa", PASSWORD, roles=[Role.CLERK], codes=[H41])
    users.add("ha-noi", PASSWORD, roles=[Role.CLERK], codes=[HANOI])
    users.add("so-noi-vu", PASSWORD, roles=[Role.CLERK], codes=[HANOI_UNIT])
    return Consoles(
        network,
        create_console(network.receiver, users=users, clock=clock),
        create_console(network.sender, users=users, clock=clock),
    )


async def _submit(network: Network, *, at_vpcp: bool, data: bytes) -> Submission:
    """Submitted in a worker thread (verification runs its own event loop), then delivered."""
    node = network.receiver if at_vpcp else network.sender
    submission = await anyio.to_thread.run_sync(lambda: submit(node, data, at=AT))
    await anyio.to_thread.run_sync(deliver, network)
    return submission


async def _timeline(client: httpx.AsyncClient, item_id: str) -> str:
    page = await client.get(f"/console/inbox/{item_id}")
    assert page.status_code == 200, page.text
    found = _TIMELINE.search(page.text)
    return found.group(0) if found else ""


async def test_another_senders_statuses_never_show_on_a_document_of_the_same_id(
    network: Network, tmp_path: Path
) -> None:
    consoles = _consoles(network, tmp_path / "home")
    original = await _submit(
        network, at_vpcp=True, data=document("7816", sender=G22, to=(H41,), document_id=G22_ID)
    )
    copy = await _submit(
        network, at_vpcp=False, data=document("9", sender=G09, to=(H41,), document_id=G22_ID)
    )
    await _submit(
        network, at_vpcp=False, data=status(G22_ID, StatusCode.REFUSED, reporter=H41, original_sender=G09)
    )
    async with aclosing(await consoles.login(consoles.sender_app, "hoa")) as hoa:
        assert "đã xử lý" in await _timeline(hoa, f"{copy.message_id}-{H41}")  # the refusal's reason
        assert "đã xử lý" not in await _timeline(hoa, f"{original.message_id}-{H41}")


async def test_a_unit_does_not_see_another_recipients_refusal(network: Network, tmp_path: Path) -> None:
    consoles = _consoles(network, tmp_path / "home")
    sent = await _submit(network, at_vpcp=True, data=document("12", sender=G22, to=(HANOI, HANOI_UNIT)))
    refused = status(sent.document_id, StatusCode.REFUSED, reporter=HANOI, original_sender=G22)
    await _submit(network, at_vpcp=True, data=refused)
    async with aclosing(await consoles.login(consoles.receiver_app, "so-noi-vu")) as unit:
        assert "đã xử lý" not in await _timeline(unit, f"{sent.message_id}-{HANOI_UNIT}")
    async with aclosing(await consoles.login(consoles.receiver_app, "ha-noi")) as hanoi:
        assert "đã xử lý" in await _timeline(hanoi, f"{sent.message_id}-{HANOI}")
