"""Many documents from H41 (nghe-an) to G22 (vpcp), submitted in batches and delivered: what the
list tests and the list benchmark page through.

Document ``n`` is numbered ``n``; every 7th carries the notation ``QĐ-TTg`` (else ``UBND-VP``),
every 5th is a "Quyết định" (else a "Công văn"), and its urgency (edXML priority) is ``n % 4``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import date

from lienthong.edxml import DocumentBuilder, OtherInfo, write_package
from lienthong.node import deliver_due, submit_many
from node.node_network import AT, RECIPIENT, SENDER, Network

_ITEM = re.compile(r'href="/console/inbox/([0-9a-f]{64}-[0-9.A-Z]+)"')
_SENT = re.compile(r'href="/console/outbox/([0-9a-f]{64})"')


def notation(n: int) -> str:
    return "QĐ-TTg" if n % 7 == 0 else "UBND-VP"


def subject(n: int) -> str:
    return f"Quyết định về việc giao chỉ tiêu số {n}" if n % 5 == 0 else f"Công văn đôn đốc số {n}"


STUB_PDF = b"%PDF-1.4\n%%EOF\n"


def package(n: int, pdf: bytes = STUB_PDF) -> bytes:
    builder = DocumentBuilder().sender(SENDER, name="UBND tỉnh Nghệ An").code(str(n), notation(n))
    builder = builder.subject(subject(n)).recipient(RECIPIENT)
    builder = builder.promulgation(on=date(2026, 3, 2), place="Vinh")
    builder = builder.other_info(OtherInfo(priority=n % 4))
    return write_package(builder.attach("vb.pdf", pdf, content_type="application/pdf").build(at=AT))


def seed(network: Network, count: int, *, batch: int = 100, pdf: bytes = STUB_PDF) -> None:
    """Documents 1..``count`` submitted at the sender and delivered to the receiver, each with
    ``pdf`` attached (a stub unless given: verdicts of real PDFs cost a verification each)."""
    for start in range(1, count + 1, batch):
        outcomes = submit_many(
            network.sender, [package(n, pdf) for n in range(start, min(start + batch, count + 1))], at=AT
        )
        assert all(not isinstance(o, Exception) for o in outcomes), outcomes
    rand = random.Random(1)
    while deliver_due(network.sender, network.transport, now=AT, rand=rand, limit=200, per_request=50):
        pass


def inbox_items(html: str) -> list[str]:
    return _ITEM.findall(html)


def sent_messages(html: str) -> list[str]:
    return _SENT.findall(html)


def numbers(html: str) -> Iterator[int]:
    """The document numbers of a list page, in order."""
    for found in re.finditer(r'class="number">(\d+)/', html):
        yield int(found.group(1))
