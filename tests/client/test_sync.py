"""The sync SDK against real nodes: send (composed), inbox paging with cursor and filters, show
(metadata and signature report), streaming download, acknowledge, statuses, recall, agencies."""

from __future__ import annotations

import io

from client.live import Sdk, eventually
from lienthong.client import Client, Document, DocumentView, InboxItem
from lienthong.demo import sample_pdf
from node.node_network import RECIPIENT, SENDER


def _document(number: str) -> Document:
    return Document(
        sender=SENDER,
        sender_name="UBND tỉnh Nghệ An",
        to=[RECIPIENT],
        number=number,
        notation="UBND-VP",
        subject=f"V/v số {number}",
    )


def _received(api: Client, message_id: str) -> InboxItem:
    found = eventually(lambda: [i for i in api.iter_inbox(kind="document") if i.message_id == message_id])
    assert found, f"{message_id} never arrived"
    return found[0]


def _typed_view(view: DocumentView, number: str, size: int) -> None:
    """What ``document()`` answers, typed from the node's JSON: header, attachments, signatures."""
    package = view.package
    assert package.kind == "document" and package.subject == f"V/v số {number}"
    assert package.sender == SENDER and package.sender_name == "UBND tỉnh Nghệ An"
    assert package.to == [RECIPIENT] and [r.code for r in package.recipients] == [RECIPIENT]
    assert (package.number, package.notation, package.code) == (number, "UBND-VP", f"{number}/UBND-VP")
    assert package.signed and package.trace and package.trace[0].timestamp
    assert package.trace[0].timestamp.utcoffset() is not None
    (attachment,) = package.attachments
    assert (attachment.name, attachment.content_type, attachment.size) == ("cv.pdf", "application/pdf", size)
    assert view.signature.valid and view.signature.signer and view.signature.why is None
    assert view.signature.sender_code == SENDER and view.signature.indication == "PASSED"
    assert view.signature.validation_time and view.signature.validation_time.utcoffset() is not None
    (pdf,) = view.attachment_signatures
    assert pdf.content_id == attachment.content_id and pdf.name == "cv.pdf" and pdf.signatures == []
    # The JSON as the node sent it stays reachable.
    assert view.package_json["from"] == SENDER and view.package_json["subject"] == package.subject
    assert view.package_json["attachments"][0]["name"] == "cv.pdf"
    assert view.signature_json["valid"] is True
    assert view.attachment_signatures_json[0]["content_id"] == attachment.content_id


def test_send_page_show_download_and_answer(sdk: Sdk) -> None:
    pdf = sample_pdf("Cong van thu")
    with sdk.sender() as sender, sdk.receiver() as receiver:
        sent = [sender.compose(_document(f"3{n}"), [("cv.pdf", pdf, "application/pdf")]) for n in range(3)]
        assert all(s.recipients == [RECIPIENT] and not s.repeated for s in sent)
        items = [_received(receiver, s.message_id) for s in sent]

        # Paging: one item a page, the cursor carried, nothing skipped nor repeated.
        paged: list[str] = []
        page = receiver.inbox(sender=SENDER, kind="document", limit=1)
        for _ in range(20):
            paged += [i.message_id for i in page.items]
            if page.next_cursor is None:
                break
            page = receiver.inbox(sender=SENDER, kind="document", limit=1, cursor=page.next_cursor)
        assert [s.message_id for s in sent] == [m for m in paged if m in {s.message_id for s in sent}]
        assert len(paged) == len(set(paged))
        assert receiver.inbox(sender="000.00.00.G01").items == []

        view = receiver.document(items[0].id)
        assert view.item.message_id == sent[0].message_id
        _typed_view(view, "30", len(pdf))
        target = io.BytesIO()
        content_id = view.package.attachments[0].content_id
        assert receiver.download_attachment(items[0].id, content_id, target) == len(pdf)
        assert target.getvalue() == pdf
        package = io.BytesIO()
        assert receiver.download_package(items[0].id, package) > len(pdf)
        assert b"Signature" in package.getvalue()

        receiver.acknowledge(items[0].id)
        pending = {i.message_id for i in receiver.iter_inbox(acknowledged=False, kind="document")}
        assert sent[0].message_id not in pending and sent[1].message_id in pending

        for code in ("01", "03"):
            receiver.send_status(items[0].id, code)
        state = eventually(
            lambda: (m := sender.sent(sent[0].message_id)).recipients[0].business_status == "03" and m
        )
        assert state and state.recipients[0].delivery == "delivered"

        recall = sender.recall(sent[1].message_id, "gửi nhầm")
        assert recall.recipients == [RECIPIENT]
        answer = eventually(lambda: receiver.inbox(kind="status", sender=SENDER).items)
        assert answer
        receiver.send_status(items[1].id, "15")
        assert eventually(lambda: sender.sent(sent[1].message_id).recipients[0].business_status == "15")
        outbox = sender.outbox(limit=500)
        assert {s.message_id for s in sent} <= {m.message_id for m in outbox.items}


def test_agencies(sdk: Sdk) -> None:
    with sdk.receiver() as api:
        served = api.agencies(served=True)
        assert {a.code: a.node for a in served}[RECIPIENT] == "vpcp"
        assert [a.code for a in api.agencies(RECIPIENT)] == [RECIPIENT]
        assert api.agency(RECIPIENT).node == "vpcp"
