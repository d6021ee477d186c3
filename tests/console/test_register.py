"""Số đến, phân công and who acted: a 03 enters the next number of the agency's register (a
used one is refused next to its field, nothing sent), a 04 names one of that agency's users, and
the timeline names the console user behind each step this node sent."""

from __future__ import annotations

import re
from contextlib import aclosing
from datetime import date

import anyio.to_thread
import httpx
import pytest

from console.console_support import Consoles, consoles, csrf_of, send_signed_document
from lienthong.console import _arrival
from lienthong.store import ArrivalEntry, ArrivalRegister, Direction, NodeAudit, NodeStore
from node.node_network import AT, RECIPIENT, SENDER, Network

__all__ = ["consoles"]
pytestmark = pytest.mark.anyio


async def _post(client: httpx.AsyncClient, item_id: str, code: str, **fields: str) -> httpx.Response:
    page = await client.get(f"/console/inbox/{item_id}")
    data = {"csrf": csrf_of(page.text), "code": code, **fields}
    return await client.post(f"/console/inbox/{item_id}/status", data=data)


def _statuses_at_sender(consoles: Consoles, code: str) -> list[str | None]:
    """The descriptions of the statuses ``code`` the sender's node holds from G22."""
    with NodeStore.begin(consoles.network.sender.database, write=False) as store:
        document_id = store.outbox()[0].item.document_id
        return [
            s.description
            for s in store.timeline(document_id, sender=SENDER)
            if s.direction is Direction.IN and s.reporter == RECIPIENT and s.status_code == code
        ]


def _sent_here(consoles: Consoles) -> int:
    """How many statuses the recipient's node has sent (its outbox of status packages)."""
    with NodeStore.begin(consoles.network.receiver.database, write=False) as store:
        return len(store.outbox())


def _proposed(html: str) -> str:
    found = re.search(r'id="arrival_number"[^>]*value="([^"]*)"', html)
    assert found, "the 03 form has no arrival number"
    return found.group(1)


async def test_arrival_numbers_are_proposed_in_turn_and_never_used_twice(consoles: Consoles) -> None:
    first = await anyio.to_thread.run_sync(send_signed_document, consoles.network, "21")
    second = await anyio.to_thread.run_sync(send_signed_document, consoles.network, "22")
    clerk = await consoles.login(consoles.receiver_app, "lan")
    async with aclosing(clerk):
        page = await clerk.get(f"/console/inbox/{first}")
        assert _proposed(page.text) == "1"
        assert 'id="arrival_date"' in page.text and 'value="2026-' in page.text
        assert (await _post(clerk, first, "03", arrival_number="1")).status_code == 303
        shown = await clerk.get(f"/console/inbox/{first}")
        assert re.search(r'id="arrival">1 ', shown.text), "the register's number is on the page"

        page = await clerk.get(f"/console/inbox/{second}")
        assert _proposed(page.text) == "2"
        taken = await _post(clerk, second, "03", arrival_number="1")
        assert taken.status_code == 422
        assert 'id="arrival_number-error"' in taken.text and 'aria-invalid="true"' in taken.text
        assert 'value="1"' in taken.text  # what was typed stays
        bad = await _post(clerk, second, "03", arrival_number="hai")
        assert bad.status_code == 422 and 'id="arrival_number-error"' in bad.text
        future = await _post(clerk, second, "03", arrival_number="2", arrival_date="2099-01-01")
        assert future.status_code == 422 and 'id="arrival_date-error"' in future.text
        assert _sent_here(consoles) == 1  # the refused forms sent nothing
        assert (await _post(clerk, second, "03", arrival_number="", arrival_date="")).status_code == 303
        english = await clerk.get(f"/console/inbox/{second}?lang=en")
        assert re.search(r'id="arrival">2 \(register of 2026\), Arrival date \d\d/12/2026', english.text)
        with NodeAudit.begin(consoles.network.receiver.database) as audit:
            entries = audit.entries(action="status-sent")
        assert [(e.actor, e.params["code"], e.params.get("number")) for e in entries] == [
            ("lan", "03", "2"),  # a blank number takes the proposal
            ("lan", "03", "1"),
        ]


async def test_assignment_names_a_user_of_that_agency_only(consoles: Consoles) -> None:
    item_id = await anyio.to_thread.run_sync(send_signed_document, consoles.network, "31")
    clerk = await consoles.login(consoles.receiver_app, "lan")
    leader = await consoles.login(consoles.receiver_app, "minh")
    async with aclosing(clerk), aclosing(leader):
        assert (await _post(clerk, item_id, "03")).status_code == 303
        page = await leader.get(f"/console/inbox/{item_id}")
        options = re.findall(
            r'<option value="([^"]+)"', page.text.split('id="assignee"', 1)[1].split("</select>")[0]
        )
        assert options == ["admin", "lan", "minh"]  # hoa works for H41, not for G22
        foreign = await _post(leader, item_id, "04", assignee="hoa")
        assert foreign.status_code == 422 and 'id="assignee-error"' in foreign.text
        assert (await _post(leader, item_id, "04", assignee="lan")).status_code == 303
        await consoles.deliver()
        timeline = await clerk.get(f"/console/inbox/{item_id}")
    assert _statuses_at_sender(consoles, "04") == ["lan"]  # the standard's free text: the name
    with NodeAudit.begin(consoles.network.receiver.database) as audit:
        assigned = [e for e in audit.entries(action="status-sent") if e.params["code"] == "04"]
    assert [(e.actor, e.params["assignee"]) for e in assigned] == [("minh", "lan")]
    actors = re.findall(r'class="actor">\([^<]*<strong>([^<]+)</strong>', timeline.text)
    assert actors == ["lan", "minh"]  # who sent 03, who sent 04


def test_a_number_taken_meanwhile_gives_the_next_one(network: Network) -> None:
    """The 03 went out with a number another clerk entered in the meantime: the register keeps
    the document under the next free number, never twice under one, nor one document twice."""
    node, on = network.receiver, date(2026, 12, 7)
    with ArrivalRegister.begin(node.database) as register:
        register.record(ArrivalEntry(RECIPIENT, "a" * 64, 1, on, actor="minh", recorded_at=AT))
    written = _arrival.enter(node, RECIPIENT, "b" * 64, _arrival.Arrival(1, on), actor="lan", at=AT)
    assert written == _arrival.Arrival(2, on)
    again = _arrival.enter(node, RECIPIENT, "b" * 64, _arrival.Arrival(5, on), actor="lan", at=AT)
    assert again == _arrival.Arrival(2, on)  # already registered: where it stands
