"""``GET /api/v1/outbox/unaccounted``: after the node was restored from a backup, which of the
documents the software had sent it cannot account for.

The node restored from a backup does not know the documents it accepted after the backup
(``lienthong.node.resync_round`` takes back those its peers hold). The software knows them: it
keeps the DocumentIds the API answered. It asks with those ids (``document_id``, repeated) and
gets back the ones the node does not hold: it sends them again, with the same DocumentId, so
their message id is unchanged and a recipient that had them after all acknowledges them
without storing them twice. Until every peer has answered (``resync_complete``) the answer
lists none: a document a peer still holds would otherwise be sent again for nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from lienthong.api._auth import Client, Ctx
from lienthong.api._context import ApiContext
from lienthong.api._models import Problem
from lienthong.api._scope import codes_in_scope
from lienthong.node import load_marker
from lienthong.store import ApiClientEntry, ResyncStore

#: Document ids asked about in one request at most.
MAX_IDS = 500

_ERRORS: dict[int | str, dict[str, Any]] = {status: {"model": Problem} for status in (400, 401, 403, 422)}
router = APIRouter(prefix="/api/v1", responses=_ERRORS)


class Unaccounted(BaseModel):
    """Where the resync after a restore stands, and which of the given documents to send again."""

    restored: bool
    backup_at: datetime | None = None
    resync_complete: bool = False
    peers_pending: list[str] = []
    #: Documents of the client's codes accepted after the backup that peers held and the node
    #: took back (nothing to do for them).
    recovered: list[str] = []
    #: Of the ``document_id`` asked about, those the node does not hold: send them again.
    unaccounted: list[str] = []


def unaccounted(
    ctx: ApiContext, client: ApiClientEntry, *, agency: str | None, document_ids: list[str]
) -> Unaccounted:
    node = ctx.node
    marker = None if node.restore_marker is None else load_marker(node.restore_marker)
    if marker is None:
        return Unaccounted(restored=False)
    codes = codes_in_scope(client, agency)
    peers = [n.name for n in node.configuration.content.nodes if n.name != node.name]
    with ResyncStore.begin(node.database) as store:
        recovered = sorted(store.known_documents(codes, marker.recovered))
        known = store.known_documents(codes, document_ids)
    complete = marker.completed_at is not None
    return Unaccounted(
        restored=True,
        backup_at=marker.backup_at,
        resync_complete=complete,
        peers_pending=[name for name in peers if name not in marker.peers_done],
        recovered=recovered,
        unaccounted=[i for i in dict.fromkeys(document_ids) if i not in known] if complete else [],
    )


@router.get("/outbox/unaccounted", response_model=Unaccounted)
async def outbox_unaccounted(
    ctx: Ctx,
    client: Client,
    agency: str | None = None,
    document_id: Annotated[list[str] | None, Query(max_length=MAX_IDS)] = None,
) -> Unaccounted:
    """Sau khi điểm kết nối được khôi phục từ bản sao lưu: những văn bản đã gửi (theo DocumentId
    phần mềm giữ) mà điểm kết nối không còn giữ, cần gửi lại với cùng DocumentId."""
    ids = list(document_id or [])[:MAX_IDS]
    return await run_in_threadpool(lambda: unaccounted(ctx, client, agency=agency, document_ids=ids))
