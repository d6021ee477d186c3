"""Several packages accepted in one transaction: each answered on its own, the log chain intact."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from lienthong.edxml import StatusCode, parse_package
from lienthong.evidence import LogKind, link_hash
from lienthong.node import Intake, PackageRefused, Refusal, Submission, intake_for, submit, submit_many
from lienthong.store import LogEntry, NodeStore
from node.node_network import AT, RECIPIENT, SENDER, SUCCESSOR, UNSERVED, Network, document, status


def test_each_package_of_a_batch_is_answered_on_its_own(network: Network) -> None:
    earlier = submit(network.sender, document("m1"), at=AT)
    outcomes = submit_many(
        network.sender,
        [
            document("m2"),
            document("m3", sender=UNSERVED),  # refused: not served here
            document("m1"),  # accepted before: a repeat
            document("m2"),  # twice in this batch: accepted once
            document("m1", to=(SUCCESSOR,)),  # same message, other content: a conflict
            b"<not xml",
            document("m4", to=(RECIPIENT, SUCCESSOR)),
        ],
        at=AT,
    )
    fresh, unserved, repeat, twice, conflict, malformed, two = outcomes
    assert isinstance(fresh, Submission) and not fresh.repeated
    assert isinstance(unserved, PackageRefused) and unserved.reason is Refusal.NOT_SERVED_HERE
    assert isinstance(repeat, Submission) and repeat.repeated and repeat.message_id == earlier.message_id
    assert isinstance(twice, Submission) and twice.repeated and twice.entries == fresh.entries
    assert isinstance(conflict, PackageRefused) and conflict.reason is Refusal.MESSAGE_CONFLICT
    assert isinstance(malformed, PackageRefused)
    assert isinstance(two, Submission) and [e.item.recipient for e in two.entries] == [RECIPIENT, SUCCESSOR]
    with NodeStore.begin(network.sender.database, write=False) as store:
        assert len(store.outbox(message_id=fresh.message_id)) == 1
        assert len(store.outbox(document_id=two.document_id)) == 2
        entries = store.log_entries()
        head = store.log_head()
    accepted = [e for e in entries if e.record.kind is LogKind.PACKAGE_OUT]
    assert [e.record.message_id for e in accepted] == [earlier.message_id] + [fresh.message_id] + [
        two.message_id
    ] * 2
    assert all(e.record.party in (RECIPIENT, SUCCESSOR) for e in accepted)
    _assert_chained(entries, head)


def test_a_status_about_a_document_of_the_same_batch_is_accepted(network: Network) -> None:
    data = document("s1")
    document_id = parse_package(data).document_id
    ask = status(document_id, StatusCode.RECALL_REQUESTED, reporter=SENDER)
    unknown = status("no-such-document", StatusCode.RECALL_REQUESTED, reporter=SENDER)
    sent, asked, refused = submit_many(network.sender, [data, ask, unknown], at=AT)
    assert isinstance(sent, Submission) and isinstance(asked, Submission), asked
    assert [e.item.recipient for e in asked.entries] == [RECIPIENT]
    assert isinstance(refused, PackageRefused) and refused.reason is Refusal.UNKNOWN_DOCUMENT


def test_a_repeat_then_more_appends_keep_one_unbroken_chain(network: Network) -> None:
    for number in ("c1", "c2"):
        submit_many(network.sender, [document(number), document(f"{number}-b")], at=AT)
    submit(network.sender, document("c1"), at=AT)
    with NodeStore.begin(network.sender.database, write=False) as store:
        entries = store.log_entries()
        head = store.log_head()
    assert len(entries) == 4
    _assert_chained(entries, head)


def _assert_chained(entries: list[LogEntry], head: tuple[int, str]) -> None:
    previous = entries[0].prev_hash
    for seq, entry in enumerate(entries, start=entries[0].record.seq):
        assert entry.record.seq == seq and entry.prev_hash == previous
        assert entry.entry_hash == link_hash(entry.prev_hash, entry.record.digest())
        previous = entry.entry_hash
    assert head == (entries[-1].record.seq, entries[-1].entry_hash)


def test_intake_answers_each_concurrent_caller_its_own_outcome(network: Network) -> None:
    packages = [document(f"i{n}") for n in range(12)] + [document("i0"), document("x", sender=UNSERVED)]
    intake = Intake(batch=5)

    def send(data: bytes) -> Submission | PackageRefused:
        try:
            return intake.submit(network.sender, data, at=AT)
        except PackageRefused as refused:
            return refused

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(send, packages))
    *accepted, refused = outcomes
    assert isinstance(refused, PackageRefused) and refused.reason is Refusal.NOT_SERVED_HERE
    assert all(isinstance(o, Submission) for o in accepted)
    assert len({o.message_id for o in accepted if isinstance(o, Submission)}) == 12  # i0 once
    assert sum(1 for o in accepted if isinstance(o, Submission) and o.repeated) == 1
    with NodeStore.begin(network.sender.database, write=False) as store:
        entries = store.log_entries()
        head = store.log_head()
    assert len(entries) == 12
    _assert_chained(entries, head)


def test_one_intake_a_database_and_no_thread_of_its_own(network: Network) -> None:
    assert intake_for(network.sender.database) is intake_for(network.sender.database)
    before = set(threading.enumerate())
    intake = Intake()
    assert not intake.submit(network.sender, document("alone"), at=AT).repeated
    assert set(threading.enumerate()) <= before  # a caller alone writes its own package
    assert intake.submit(network.sender, document("alone"), at=AT).repeated
