"""The inbox and outbox lists over the document index: every document on some page (no cap),
the total, search with or without diacritics, each filter, sort, bad parameters answered next
to their field (422), and a user sees only the documents of their codes."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import aclosing
from typing import TypeVar

import anyio.to_thread
import pytest
from sqlalchemy import text

from console.console_support import Consoles, consoles
from console.list_support import inbox_items, numbers, seed, sent_messages
from lienthong.edxml import VIETNAM_TZ, Organization, ResponseFor, StatusCode, StatusPackage, write_package
from lienthong.node import submit
from lienthong.store import NodeStore
from node.node_network import AT, OTHER_SENDER, RECIPIENT, SENDER

__all__ = ["consoles"]
pytestmark = pytest.mark.anyio
T = TypeVar("T")

COUNT = 300
SEVENS = COUNT // 7  # notation QĐ-TTg
FIVES = COUNT // 5  # "Quyết định"


async def _run(function: Callable[..., T], *args: object) -> T:
    return await anyio.to_thread.run_sync(lambda: function(*args))


@pytest.fixture
async def seeded(consoles: Consoles) -> Consoles:
    await _run(seed, consoles.network, COUNT)
    return consoles


def _total(html: str) -> int:
    marker = 'id="total" role="status">'
    start = html.index(marker) + len(marker)
    return int(html[start:].split(" ", 1)[0])


async def test_every_document_is_on_exactly_one_page(seeded: Consoles) -> None:
    client = await seeded.login(seeded.receiver_app, "lan")
    async with aclosing(client):
        seen: list[str] = []
        for page in range(1, 8):
            answer = await client.get(f"/console/inbox?page={page}")
            assert answer.status_code == 200
            assert _total(answer.text) == COUNT
            seen += inbox_items(answer.text)
        assert len(seen) == COUNT and len(set(seen)) == COUNT  # 6 pages of 50, then none
        last = await client.get("/console/inbox?page=6")
        assert 'rel="prev"' in last.text and 'rel="next"' not in last.text
        beyond = await client.get("/console/inbox?page=7")
        assert beyond.status_code == 200 and not inbox_items(beyond.text)
        first = await client.get("/console/inbox?q=don+doc&sort=oldest")
        assert _total(first.text) == COUNT - FIVES
        # links keep the filters
        assert 'href="?q=don+doc&amp;sort=oldest&amp;page=2" rel="next"' in first.text
        # sizes read in KB, names come from the registry
        assert " KB" in first.text and "Nghệ An" in first.text


async def test_search_with_and_without_diacritics(seeded: Consoles) -> None:
    client = await seeded.login(seeded.receiver_app, "lan")
    async with aclosing(client):
        for q in ("qd-ttg", "QĐ-TTg", "Qd-tTg"):
            found = await client.get("/console/inbox", params={"q": q})
            assert _total(found.text) == SEVENS, q
        for q in ("quyet dinh", "Quyết định", "QUYẾT   ĐỊNH"):
            assert _total((await client.get("/console/inbox", params={"q": q})).text) == FIVES, q
        both = await client.get("/console/inbox", params={"q": "quyet dinh qd-ttg"})
        assert _total(both.text) == COUNT // 35
        assert sorted(numbers(both.text)) == [n for n in range(1, COUNT + 1) if n % 35 == 0]
        # LIKE's own wildcards are plain characters
        assert _total((await client.get("/console/inbox", params={"q": "%"})).text) == 0
        assert _total((await client.get("/console/inbox", params={"q": "_"})).text) == 0


async def test_filters_and_sort(seeded: Consoles) -> None:
    network = seeded.network
    with NodeStore.begin(network.receiver.database, write=False) as store:
        first = store.inbox(recipient=RECIPIENT)[0]
    registered = StatusPackage(
        from_=Organization(organ_id=RECIPIENT),
        response_for=ResponseFor(organ_id=SENDER, document_id=first.document_id),
        status_code=StatusCode.REGISTERED,
        timestamp=AT,
    )
    await _run(lambda: submit(network.receiver, write_package(registered), at=AT))
    client = await seeded.login(seeded.receiver_app, "lan")
    async with aclosing(client):

        async def total(**params: str) -> int:
            answer = await client.get("/console/inbox", params=params)
            assert answer.status_code == 200, answer.text
            return _total(answer.text)

        assert await total(status="03") == 1
        assert await total(status="new") == COUNT - 1
        assert await total(status="06") == 0
        assert await total(urgency="1") == len([n for n in range(1, COUNT + 1) if n % 4 == 1])
        assert await total(urgency="0") == COUNT // 4
        assert await total(party=SENDER) == COUNT
        assert await total(party=OTHER_SENDER) == 0
        day = AT.astimezone(VIETNAM_TZ).date().isoformat()  # a day as the clerk's calendar has it
        assert await total(**{"from": day, "to": day}) == COUNT
        assert await total(**{"from": "2099-01-01"}) == 0
        assert await total(to="2000-01-01") == 0

        by_number = await client.get("/console/inbox?sort=number")
        assert list(numbers(by_number.text))[:3] == [1, 2, 3]
        by_subject = await client.get("/console/inbox?sort=subject")
        assert "Công văn" in by_subject.text and "Quyết định" not in by_subject.text
        oldest = list(numbers((await client.get("/console/inbox?sort=oldest")).text))
        newest = list(numbers((await client.get("/console/inbox?sort=newest&page=6")).text))
        assert oldest[:5] == newest[::-1][:5]
        registered_row = await client.get("/console/inbox?status=03")
        assert "03 · " in registered_row.text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "99"}, "status"),
        ({"party": "not-a-code"}, "party"),
        ({"from": "2026-13-40"}, "from"),
        ({"from": "2026-05-02", "to": "2026-05-01"}, "to"),
        ({"urgency": "9"}, "urgency"),
        ({"delivery": "lost"}, "delivery"),
        ({"urgency": "-1"}, "urgency"),
        ({"sort": "size; DROP TABLE x"}, "sort"),
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
    ],
)
async def test_bad_parameters_are_answered_by_their_field(
    consoles: Consoles, params: dict[str, str], field: str
) -> None:
    client = await consoles.login(consoles.receiver_app, "lan")
    async with aclosing(client):
        # an inbox has no deliveries to filter by
        paths = ["/console/outbox"] if field == "delivery" else ["/console/inbox", "/console/outbox"]
        for path in paths:
            answer = await client.get(path, params=params)
            assert answer.status_code == 422, (path, answer.text)
            assert f'id="{field}-error"' in answer.text
            assert "Traceback" not in answer.text


async def test_documents_stored_before_the_index_are_listed(seeded: Consoles) -> None:
    """The first list in a process indexes what an older version stored without index rows."""
    for node in (seeded.network.receiver, seeded.network.sender):
        with node.database.transaction() as session:
            session.execute(text("DELETE FROM node_document_index"))
    client = await seeded.login(seeded.receiver_app, "lan")
    async with aclosing(client):
        assert _total((await client.get("/console/inbox?q=qd-ttg")).text) == SEVENS
    sender = await seeded.login(seeded.sender_app, "hoa")
    async with aclosing(sender):
        assert _total((await sender.get("/console/outbox")).text) == COUNT


async def test_a_user_sees_only_their_codes_documents(seeded: Consoles) -> None:
    # hoa serves H41: vpcp's inbox (for G22) holds nothing of hers
    stranger = await seeded.login(seeded.receiver_app, "hoa")
    async with aclosing(stranger):
        answer = await stranger.get("/console/inbox")
        assert _total(answer.text) == 0 and not inbox_items(answer.text)
        assert _total((await stranger.get(f"/console/inbox?party={SENDER}")).text) == 0
    # at nghe-an, hoa's outbox lists every document, one line per message, and is searched alike
    sender = await seeded.login(seeded.sender_app, "hoa")
    async with aclosing(sender):
        seen: list[str] = []
        for page in range(1, 7):
            answer = await sender.get(f"/console/outbox?page={page}")
            assert _total(answer.text) == COUNT
            seen += sent_messages(answer.text)
        assert len(set(seen)) == COUNT
        found = await sender.get("/console/outbox", params={"q": "qd-ttg", "party": RECIPIENT})
        assert _total(found.text) == SEVENS
        assert "delivery_delivered" not in found.text and "Đã chuyển" in found.text
        assert _total((await sender.get("/console/outbox?delivery=delivered")).text) == COUNT
        assert _total((await sender.get("/console/outbox?delivery=failed")).text) == 0
        assert _total((await sender.get("/console/outbox?status=new")).text) == COUNT
    other = await seeded.login(seeded.sender_app, "lan")
    async with aclosing(other):
        assert _total((await other.get("/console/outbox")).text) == 0


async def test_the_language_link_keeps_the_search_and_the_page(consoles: Consoles) -> None:
    client = await consoles.login(consoles.receiver_app, "lan")
    async with aclosing(client):
        answer = await client.get("/console/inbox?q=qd-ttg&page=2")
        assert 'href="/console/inbox?q=qd-ttg&amp;page=2&amp;lang=en" hreflang="en"' in answer.text
        english = await client.get("/console/inbox?q=qd-ttg&page=2&lang=en")
        assert 'href="/console/inbox?q=qd-ttg&amp;page=2&amp;lang=vi" hreflang="vi"' in english.text
