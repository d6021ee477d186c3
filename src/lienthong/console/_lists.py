"""Văn bản đến and văn bản đi as lists: search, filters, sort and pages over the document index.

The query string is read field by field: each bad value comes back keyed by its field (the page
answers 422 and shows it there), never as a traceback. The lists read the index the node writes
when it receives or submits a document (``lienthong.store.DocumentIndex``); documents stored
before the index existed are indexed once per process, on the first list, in bounded batches
(``backfill_index``). A PDF verdict the index lacks is computed once, for the rows shown, and
stored. Synchronous: the routes run these functions in worker threads.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Final
from urllib.parse import urlencode

from lienthong._i18n import Message, msg
from lienthong.codes import is_valid_code
from lienthong.edxml import VIETNAM_TZ, StatusCode
from lienthong.node import Node, backfill_index, check_pdfs
from lienthong.store import (
    NO_STATUS,
    Database,
    DeliveryState,
    Direction,
    DocumentIndex,
    ListedDocument,
    ListPage,
    ListQuery,
    ListSort,
)

#: The query parameters a list reads, in the order its links write them.
FIELDS: Final = ("q", "status", "delivery", "party", "from", "to", "urgency", "sort")
#: edXML ``OtherInfo/Priority`` values with a word (thường, khẩn, thượng khẩn, hỏa tốc, hỏa tốc
#: hẹn giờ); another value is shown as its number.
URGENCIES: Final = (0, 1, 2, 3, 4)
STATUSES: Final = (NO_STATUS, *(code.value for code in StatusCode))
MAX_QUERY: Final = 200
MAX_PAGE: Final = 1_000_000


@dataclass(frozen=True, slots=True)
class ListView:
    """A list page: the filters as given, their problems by field, and the page found."""

    direction: Direction
    values: Mapping[str, str]
    errors: Mapping[str, Message | str] = field(default_factory=dict)
    page: ListPage | None = None
    #: The other side's codes met in the user's documents: the party filter's choices.
    parties: tuple[str, ...] = ()

    @property
    def rows(self) -> tuple[ListedDocument, ...]:
        return self.page.rows if self.page is not None else ()

    @property
    def filtered(self) -> bool:
        return any(self.values.get(name) for name in FIELDS if name != "sort")

    def link(self, page: int) -> str:
        """The query string of page ``page`` with the same filters."""
        kept = [(name, self.values[name]) for name in FIELDS if self.values.get(name)]
        return "?" + urlencode([*kept, ("page", str(page))])


def read_query(
    direction: Direction, codes: Sequence[str], params: Mapping[str, str]
) -> tuple[ListQuery | None, dict[str, str], dict[str, Message | str]]:
    """The query ``params`` ask for (None when a value is bad), the values as given, and the
    problems by field."""
    values = {name: str(params.get(name, "")).strip()[:MAX_QUERY] for name in (*FIELDS, "page")}
    errors: dict[str, Message | str] = {}
    status = values["status"] or None
    if status is not None and status not in STATUSES:
        errors["status"] = msg("console-list-status-invalid")
    party = values["party"] or None
    if party is not None and not is_valid_code(party):
        errors["party"] = msg("console-list-party-invalid")
    since = _day(values["from"], "from", errors)
    until = _day(values["to"], "to", errors)
    if since and until and until < since:
        errors["to"] = msg("console-list-range-invalid")
    urgency = None
    if values["urgency"]:
        urgency = _number(values["urgency"])
        if urgency is None or urgency not in URGENCIES:
            errors["urgency"] = msg("console-list-urgency-invalid")
    delivery = None
    if values["delivery"] and direction is Direction.OUT:  # an inbox has no deliveries
        try:
            delivery = DeliveryState(values["delivery"])
        except ValueError:
            errors["delivery"] = msg("console-list-delivery-invalid")
    sort = ListSort.NEWEST
    if values["sort"]:
        try:
            sort = ListSort(values["sort"])
        except ValueError:
            errors["sort"] = msg("console-list-sort-invalid")
    page = _number(values["page"]) if values["page"] else 1
    if page is None or not 1 <= page <= MAX_PAGE:
        errors["page"] = msg("console-list-page-invalid")
    if errors:
        return None, values, errors
    assert page is not None
    query = ListQuery(
        direction=direction,
        codes=tuple(codes),
        words=values["q"],
        status=status,
        party=party,
        since=_start_of(since),
        until=_start_of(until + timedelta(days=1)) if until else None,
        urgency=urgency,
        delivery=delivery,
        sort=sort,
        page=page,
    )
    return query, values, errors


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 10 else None


def _day(text: str, name: str, errors: dict[str, Message | str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = msg("console-date-invalid")
        return None


def _start_of(day: date | None) -> datetime | None:
    """A day begins at midnight in Vietnam, whatever the server's zone."""
    return None if day is None else datetime.combine(day, time(), tzinfo=VIETNAM_TZ)


def documents(
    node: Node, codes: Sequence[str], params: Mapping[str, str], *, direction: Direction, at: datetime
) -> ListView:
    """The inbox (``Direction.IN``: documents received for ``codes``) or the outbox
    (``Direction.OUT``: sent from ``codes``) page ``params`` ask for."""
    query, values, errors = read_query(direction, codes, params)
    _indexed_once(node)
    with DocumentIndex.begin(node.database) as index:
        parties = tuple(index.parties(direction, codes))
        page = index.page(query) if query is not None else None
    if page is None:
        return ListView(direction, values, errors, parties=parties)
    return ListView(direction, values, page=_with_pdf_verdicts(node, page, at=at), parties=parties)


def _with_pdf_verdicts(node: Node, page: ListPage, *, at: datetime) -> ListPage:
    unknown = [row.document.package_sha256 for row in page.rows if row.document.pdf is None]
    if not unknown:
        return page
    verdicts = check_pdfs(node, unknown, at=at)
    rows = tuple(
        replace(row, document=replace(row.document, pdf=verdicts[row.document.package_sha256]))
        if row.document.pdf is None
        else row
        for row in page.rows
    )
    return replace(page, rows=rows)


_INDEXED: weakref.WeakSet[Database] = weakref.WeakSet()
_INDEXED_LOCK = threading.Lock()


def _indexed_once(node: Node) -> None:
    """Index what was stored before the index existed, the first time a list is read in this
    process (later documents are indexed as they are stored)."""
    if node.database in _INDEXED:
        return
    with _INDEXED_LOCK:
        if node.database not in _INDEXED:
            backfill_index(node)
            _INDEXED.add(node.database)


def context(view: ListView) -> dict[str, Any]:
    """What ``inbox.html`` and ``outbox.html`` render: the view, the choices of each filter, the
    count and the page as messages in the page's language."""
    page = view.page
    return {
        "view": view,
        "rows": view.rows,
        "values": view.values,
        "errors": view.errors,
        "statuses": STATUSES,
        "no_status": NO_STATUS,
        "urgencies": URGENCIES,
        "deliveries": [state.value for state in DeliveryState],
        "sorts": [sort.value for sort in ListSort],
        "parties": view.parties,
        "total": msg("console-list-total", count=page.total) if page is not None else "",
        "page_of": msg("console-list-page", page=page.page, pages=page.pages) if page is not None else "",
        "previous": view.link(page.page - 1) if page is not None and page.page > 1 else None,
        "next": view.link(page.page + 1) if page is not None and page.page < page.pages else None,
    }
