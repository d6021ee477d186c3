"""A received document whose payload was archived and purged (retention) stays in the console's
inbox, and its page says when it was archived and the bundle's name in the archive (410), not
a missing-blob error."""

from __future__ import annotations

from contextlib import aclosing
from datetime import timedelta
from pathlib import Path

import anyio.to_thread
import pytest

from console.console_support import Consoles, consoles, send_signed_document
from lienthong.evidence import bundle_name
from lienthong.node import ArchiveSource, archive_and_purge
from lienthong.store import ANY_KEY, RetentionPolicy, RetentionStore
from node.node_network import AT

__all__ = ["consoles"]
pytestmark = pytest.mark.anyio

LATER = AT + timedelta(days=45)  # past the 30-day resync window and a 10-day retention


def _archive(consoles: Consoles, out: Path) -> None:
    node = consoles.network.receiver
    with RetentionStore.begin(node.database) as retention:
        retention.set_policy(RetentionPolicy(ANY_KEY, ANY_KEY, 10), at=AT)
    source = ArchiveSource(node.name, node.database, node.blobs, node.key, tuple(node.anchors))
    assert archive_and_purge(source, out, before=LATER, now=LATER).purged == 1


async def test_a_purged_document_page_says_where_it_went(consoles: Consoles, tmp_path: Path) -> None:
    item_id = await anyio.to_thread.run_sync(send_signed_document, consoles.network)
    await anyio.to_thread.run_sync(_archive, consoles, tmp_path / "archive")
    clerk = await consoles.login(consoles.receiver_app, "lan")
    async with aclosing(clerk):
        inbox = await clerk.get("/console/inbox")
        assert "V/v triển khai văn bản số 12" in inbox.text  # still listed
        page = await clerk.get(f"/console/inbox/{item_id}")
        assert page.status_code == 410
        assert 'id="archived"' in page.text and LATER.date().isoformat() in page.text
        assert bundle_name(item_id.split("-", maxsplit=1)[0]) in page.text
        attachment = await clerk.get(f"/console/inbox/{item_id}/attachments/x")
        assert attachment.status_code == 410
