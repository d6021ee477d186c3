"""A received document whose payload was archived and purged (retention) is still listed, and
fetching it answers 410 Gone with a problem saying when it was archived and the bundle's name
in the archive, not a missing-blob error."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from api.api_network import Api
from lienthong.evidence import bundle_name
from lienthong.node import ArchiveSource, archive_and_purge
from lienthong.store import ANY_KEY, RetentionPolicy, RetentionStore
from node.node_network import AT, document

pytestmark = pytest.mark.anyio

LATER = AT + timedelta(days=45)  # past the 30-day resync window and a 10-day retention


def _archive(api: Api, out: Path) -> None:
    node = api.network.receiver
    with RetentionStore.begin(node.database) as retention:
        retention.set_policy(RetentionPolicy(ANY_KEY, ANY_KEY, 10), at=AT)
    source = ArchiveSource(node.name, node.database, node.blobs, node.key, tuple(node.anchors))
    assert archive_and_purge(source, out, before=LATER, now=LATER).purged == 1


async def test_a_purged_document_is_listed_and_its_fetch_is_gone_with_the_archive_named(
    api: Api, tmp_path: Path
) -> None:
    sent = await api.sender.post("/api/v1/documents", content=document("813"))
    assert sent.status_code == 201, sent.text
    await api.deliver()
    item = (await api.receiver.get("/api/v1/inbox")).json()["items"][0]
    _archive(api, tmp_path / "archive")
    listed = (await api.receiver.get("/api/v1/inbox")).json()["items"]
    assert [i["id"] for i in listed] == [item["id"]]
    message_id = item["id"].rsplit("-", 1)[0]
    for path in (f"/api/v1/inbox/{item['id']}", f"/api/v1/inbox/{item['id']}/package"):
        gone = await api.receiver.get(path, headers={"accept-language": "en"})
        assert gone.status_code == 410, (path, gone.text)
        problem = gone.json()
        assert problem["message_code"] == "api-document-archived"
        assert LATER.date().isoformat() in problem["message"]
        assert bundle_name(message_id) in problem["message"]
