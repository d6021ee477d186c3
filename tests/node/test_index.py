"""The lists' index is written with the outbox at submission and with the inbox at receipt (from
the package parsed there), and a backfill indexes documents stored before the index existed,
once: running it again adds nothing."""

from __future__ import annotations

import random

from sqlalchemy import text

from lienthong.edxml import StatusCode
from lienthong.node import backfill_index, check_pdfs, deliver_due, submit
from lienthong.store import Direction, DocumentIndex, ListQuery
from node.node_network import AT, RECIPIENT, SENDER, SUCCESSOR, Network, document, status


def _page(network: Network, direction: Direction) -> list[tuple[str, str, str]]:
    node = network.receiver if direction is Direction.IN else network.sender
    codes = (RECIPIENT, SUCCESSOR) if direction is Direction.IN else (SENDER,)
    with DocumentIndex.begin(node.database) as index:
        page = index.page(ListQuery(direction=direction, codes=codes))
    return [(r.document.number, r.document.subject, r.parties[0].recipient) for r in page.rows]


def test_submission_and_receipt_write_the_index_and_a_backfill_adds_what_is_missing(
    network: Network,
) -> None:
    submission = submit(network.sender, document("41", to=(RECIPIENT, SUCCESSOR)), at=AT)
    assert _page(network, Direction.OUT) == [("41", "V/v văn bản số 41", RECIPIENT)]
    with DocumentIndex.begin(network.sender.database) as index:
        sent = index.page(ListQuery(direction=Direction.OUT, codes=(SENDER,))).rows[0]
    assert [p.recipient for p in sent.parties] == [RECIPIENT, SUCCESSOR]
    assert sent.document.size == network.sender.blobs.size(submission.package_sha256)
    assert sent.document.attachments == 1

    deliver_due(network.sender, network.transport, now=AT, rand=random.Random(1))
    received = _page(network, Direction.IN)
    assert sorted(received) == [("41", "V/v văn bản số 41", c) for c in sorted((RECIPIENT, SUCCESSOR))]

    # a status is no document: not listed
    submit(network.receiver, status(submission.document_id, StatusCode.REGISTERED), at=AT)
    assert len(_page(network, Direction.IN)) == 2

    for node in (network.sender, network.receiver):  # as before the index existed
        with node.database.transaction() as session:
            session.execute(text("DELETE FROM node_document_index"))
    assert backfill_index(network.receiver, batch=1) == 2
    assert backfill_index(network.sender) == 2
    assert backfill_index(network.receiver) == 0 and backfill_index(network.sender) == 0
    assert sorted(_page(network, Direction.IN)) == sorted(received)
    assert len(_page(network, Direction.OUT)) == 1


def test_pdf_verdicts_are_stored_once_known(network: Network) -> None:
    submission = submit(network.sender, document("42"), at=AT)
    verdicts = check_pdfs(network.sender, [submission.package_sha256], at=AT)
    assert verdicts == {submission.package_sha256: "invalid"}  # a stub, unreadable as a PDF
    with DocumentIndex.begin(network.sender.database) as index:
        row = index.page(ListQuery(direction=Direction.OUT, codes=(SENDER,))).rows[0]
    assert row.document.pdf == "invalid"
