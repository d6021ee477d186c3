"""The document index on SQLite and PostgreSQL: folded search text, rows written with the inbox
in one transaction and kept once, filters and the last status in the page's own statement, PDF
verdicts stored by package, and what a backfill still has to index."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from lienthong._i18n import fold
from lienthong.store import (
    NO_STATUS,
    Database,
    Direction,
    DocumentIndex,
    InboxEntry,
    IndexedDocument,
    ListQuery,
    ListSort,
    NodeStore,
    PackageKind,
    StatusEntry,
)

AT = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
SENDER = "000.00.00.H41"
ME = "000.00.00.G22"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Quyết định", "quyet dinh"),
        ("QĐ-TTg", "qd-ttg"),
        ("Đôn đốc  THỰC hiện", "don doc thuc hien"),
        ("Hỏa tốc", "hoa toc"),
        ("hoả tốc", "hoa toc"),  # the old placement of the tone mark folds alike
        ("7816/VPCP-TTĐT", "7816/vpcp-ttdt"),
    ],
)
def test_fold_drops_case_and_diacritics(text: str, folded: str) -> None:
    assert fold(text) == folded


def _document(n: int, *, urgency: int | None = None) -> tuple[InboxEntry, IndexedDocument]:
    message_id = f"{n:064x}"
    sha = f"{n + 1000:064x}"
    at = AT + timedelta(minutes=n)
    inbox = InboxEntry(message_id, f"doc-{n}", PackageKind.DOCUMENT, sha, SENDER, ME, at)
    indexed = IndexedDocument(
        direction=Direction.IN,
        message_id=message_id,
        document_id=f"doc-{n}",
        sender=SENDER,
        recipient=ME,
        package_sha256=sha,
        number=str(n),
        notation="QĐ-TTg" if n % 2 else "UBND-VP",
        subject=f"Quyết định số {n}",
        at=at,
        size=2048,
        attachments=1,
        urgency=urgency,
        document_type="Quyết định",
        promulgated_on=date(2026, 5, 1),
    )
    return inbox, indexed


def _store(database: Database, count: int) -> list[IndexedDocument]:
    pairs = [_document(n, urgency=n % 3 or None) for n in range(1, count + 1)]
    with NodeStore.begin(database) as store:
        store.inbox_put_many([inbox for inbox, _ in pairs])
        store.index_documents([indexed for _, indexed in pairs])
        store.index_documents([indexed for _, indexed in pairs])  # kept once
    return [indexed for _, indexed in pairs]


def test_pages_filters_and_last_status(database: Database) -> None:
    stored = _store(database, 12)
    with NodeStore.begin(database) as store:
        for code, minutes in (("03", 1), ("04", 2)):
            store.put_status(
                StatusEntry(
                    SENDER, "doc-5", ME, SENDER, code, AT + timedelta(minutes=minutes), "f" * 64,
                    Direction.OUT, AT,
                )
            )  # fmt: skip
    query = ListQuery(direction=Direction.IN, codes=(ME,), page_size=5)
    with DocumentIndex.begin(database) as index:
        first = index.page(query)
        assert first.total == 12 and first.pages == 3 and len(first.rows) == 5
        assert [r.document.number for r in first.rows] == ["12", "11", "10", "9", "8"]
        last = index.page(ListQuery(direction=Direction.IN, codes=(ME,), page_size=5, page=3))
        assert [r.document.number for r in last.rows] == ["2", "1"]
        assert last.rows[0].document == stored[1]
        searched = index.page(ListQuery(direction=Direction.IN, codes=(ME,), words="qd-ttg quyet"))
        assert searched.total == 6
        four = index.page(ListQuery(direction=Direction.IN, codes=(ME,), status="04"))
        assert [r.document.number for r in four.rows] == ["5"] and four.rows[0].parties[0].status == "04"
        assert index.page(ListQuery(direction=Direction.IN, codes=(ME,), status="03")).total == 0
        assert index.page(ListQuery(direction=Direction.IN, codes=(ME,), status=NO_STATUS)).total == 11
        normal = index.page(ListQuery(direction=Direction.IN, codes=(ME,), urgency=0))
        assert normal.total == 4  # no priority carried counts as normal
        window = ListQuery(
            direction=Direction.IN,
            codes=(ME,),
            since=AT + timedelta(minutes=3),
            until=AT + timedelta(minutes=5),
        )
        assert index.page(window).total == 2
        by_number = index.page(ListQuery(direction=Direction.IN, codes=(ME,), sort=ListSort.NUMBER))
        assert [r.document.number for r in by_number.rows][:3] == ["1", "2", "3"]
        assert index.page(ListQuery(direction=Direction.IN, codes=("000.00.00.H26",))).total == 0
        assert index.parties(Direction.IN, (ME,)) == [SENDER]
        index.set_pdf({stored[0].package_sha256: "valid"})
    with DocumentIndex.begin(database) as index:
        oldest = index.page(ListQuery(direction=Direction.IN, codes=(ME,), sort=ListSort.OLDEST))
        assert oldest.rows[0].document.pdf == "valid" and oldest.rows[1].document.pdf is None


def test_unindexed_names_what_a_backfill_must_read(database: Database) -> None:
    _store(database, 2)
    inbox, _ = _document(3)
    with NodeStore.begin(database) as store:
        store.inbox_put_many([inbox])
    with DocumentIndex.begin(database) as index:
        missing = index.unindexed(Direction.IN, limit=10)
        assert [(m.message_id, m.recipients) for m in missing] == [(inbox.message_id, (ME,))]
        assert index.unindexed(Direction.OUT, limit=10) == []
