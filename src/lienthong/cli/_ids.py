"""Ids as people type them: a received item's ``MESSAGE_ID-CODE`` or a sent message's id, or any
prefix of one that names it alone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lienthong._i18n import msg
from lienthong.client import Client, ClientError, NotFound
from lienthong.codes import is_valid_code

#: Pages read at most while looking for a prefix (of the largest size the API gives).
_MAX_PAGES = 200
_PAGE = 500
_MESSAGE_ID_LENGTH = 64


@dataclass(frozen=True, slots=True)
class Found:
    """What an id names: a received item (``received``) or a sent message."""

    id: str
    received: bool


def _is_item_id(text: str) -> bool:
    """Whether ``text`` is a whole received id: a message id, ``-``, a whole agency code."""
    message_id, _, code = text.partition("-")
    return len(message_id) == _MESSAGE_ID_LENGTH and is_valid_code(code)


def _received_ids(api: Client) -> Iterator[str]:
    for item in api.iter_inbox(limit=_PAGE, max_pages=_MAX_PAGES):
        yield item.id


def _sent_ids(api: Client) -> Iterator[str]:
    cursor: int | None = 0
    for _ in range(_MAX_PAGES):
        if cursor is None:
            return
        page = api.outbox(cursor=cursor, limit=_PAGE)
        for message in page.items:
            yield message.message_id
        cursor = page.next_cursor


def resolve(api: Client, text: str, *, sent: bool = True) -> Found:
    """The one item (or, with ``sent``, sent message) ``text`` is the id or an id prefix of.

    A full received id is taken as it is (the node answers whether it exists); anything else is
    looked up among the ids this token may see."""
    text = text.strip()
    if _is_item_id(text):
        return Found(text, received=True)
    if not text:
        raise ClientError(msg("cli-id-empty"), code="id-empty")
    candidates = [Found(i, True) for i in _received_ids(api) if i.startswith(text)]
    if sent:
        candidates += [Found(i, False) for i in _sent_ids(api) if i.startswith(text)]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise NotFound(
            msg("cli-id-unknown", prefix=text),
            status=404,
            code="id-unknown",
        )
    listed = " ".join(c.id for c in candidates)
    raise ClientError(
        msg("cli-id-ambiguous", prefix=text, count=len(candidates), candidates=listed), code="id-ambiguous"
    )
