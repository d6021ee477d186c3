"""Receipts signed in batches: one signature over a Merkle tree (RFC 9162), each receipt still
proof on its own; the tree agrees with Certificate Transparency's reference vectors."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lienthong.evidence import (
    Receipt,
    ReceiptOutcome,
    StatementInvalid,
    read_receipt,
    sign_receipt,
    sign_receipts,
)
from lienthong.evidence._merkle import inclusion_path, inclusion_paths, leaf_hash, root_from_path, tree_root
from node.node_network import AT, RECIPIENT, SENDER

if TYPE_CHECKING:
    from support.pki import GeneratedPki

# RFC 6962 test data as transparency-dev/merkle (and the CT reference implementation) publish it.
CT_LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657")] + [
    bytes.fromhex("606162636465666768696a6b6c6d6e6f")
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_PATHS = {
    0: [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    5: [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
}


def test_tree_roots_are_the_reference_roots() -> None:
    leaves = [leaf_hash(data) for data in CT_LEAVES]
    assert [tree_root(leaves[:n]).hex() for n in range(1, 9)] == CT_ROOTS


def test_inclusion_paths_are_the_reference_paths_and_lead_to_the_root() -> None:
    leaves = [leaf_hash(data) for data in CT_LEAVES]
    for index, expected in CT_PATHS.items():
        path = inclusion_path(index, leaves)
        assert [p.hex() for p in path] == expected
        assert root_from_path(index, 8, leaves[index], path) == tree_root(leaves)


@settings(max_examples=60, deadline=None)
@given(size=st.integers(1, 70), data=st.data())
def test_every_leaf_proves_itself_and_nothing_else_does(size: int, data: st.DataObject) -> None:
    leaves = [leaf_hash(i.to_bytes(2, "big")) for i in range(size)]
    root = tree_root(leaves)
    index = data.draw(st.integers(0, size - 1))
    path = inclusion_path(index, leaves)
    assert root_from_path(index, size, leaves[index], path) == root
    assert inclusion_paths(leaves) == (root, [inclusion_path(i, leaves) for i in range(size)])
    if size > 1:
        other = (index + 1) % size
        assert root_from_path(other, size, leaves[index], path) != root, "another index"
        assert root_from_path(index, size, leaves[other], path) != root, "another leaf"
        assert root_from_path(index, size, leaves[index], path[:-1]) != root, "a path cut short"
    # (Another size may lead to the same root: the signed batch states its size, and readers check it.)
    assert root_from_path(index, size, leaves[index], [*path, root]) is None, "a path too long"
    assert root_from_path(size, size, leaves[index], path) is None, "an index past the end"


def _receipts(count: int) -> list[Receipt]:
    return [
        Receipt(
            message_id=f"{n:064x}",
            document_id=f"doc-{n}",
            package_sha256=f"{n + 1000:064x}",
            kind="document",
            sender=SENDER,
            recipient=RECIPIENT,
            outcome=ReceiptOutcome.ACCEPTED if n % 3 else ReceiptOutcome.REFUSED,
            node="vpcp",
            at=AT,
            reason=None if n % 3 else "the code is not served by node vpcp",
            reason_code=None if n % 3 else "not-served-here",
        )
        for n in range(count)
    ]


def test_a_batch_reads_back_receipt_by_receipt_with_a_trusted_signer(test_pki: GeneratedPki) -> None:
    receipts = _receipts(5)
    raws = sign_receipts(receipts, test_pki.node_keys["vpcp"])
    assert all(raw.startswith(b"LTRCPT/1\n") for raw in raws)
    for receipt, raw in zip(receipts, raws, strict=True):
        signed = read_receipt(raw)
        assert signed.receipt == receipt and signed.raw == raw
        assert signed.statement.chain_problem([test_pki.pki.root], at=AT + timedelta(minutes=1)) is None
        # Each shows the others only as hashes.
        assert all(other.message_id.encode() not in raw for other in receipts if other != receipt)


def test_a_lone_receipt_is_signed_as_before(test_pki: GeneratedPki) -> None:
    (receipt,) = _receipts(1)
    raw = sign_receipts([receipt], test_pki.node_keys["vpcp"])[0]
    assert raw.startswith(b"LTSTMT/1\n")
    assert (
        read_receipt(raw).receipt == read_receipt(sign_receipt(receipt, test_pki.node_keys["vpcp"])).receipt
    )


def _parts(raw: bytes) -> list[bytes]:
    return raw.split(b"\n", 3)


def test_an_altered_receipt_of_a_batch_is_refused(test_pki: GeneratedPki) -> None:
    raws = sign_receipts(_receipts(4), test_pki.node_keys["vpcp"])
    magic, proof, body, statement = _parts(raws[1])
    forged = body.replace(b'"outcome":"accepted"', b'"outcome":"refused"')
    assert forged != body
    with pytest.raises(StatementInvalid, match="not part of the signed batch"):
        read_receipt(b"\n".join([magic, proof, forged, statement]))


def test_a_receipt_moved_to_another_place_of_its_batch_is_refused(test_pki: GeneratedPki) -> None:
    raws = sign_receipts(_receipts(4), test_pki.node_keys["vpcp"])
    magic, proof, body, statement = _parts(raws[2])
    moved = json.loads(proof)
    moved["index"] = 3
    with pytest.raises(StatementInvalid, match="not part of the signed batch"):
        read_receipt(b"\n".join([magic, json.dumps(moved).encode(), body, statement]))


def test_a_receipt_grafted_onto_another_batch_is_refused(test_pki: GeneratedPki) -> None:
    first = sign_receipts(_receipts(4), test_pki.node_keys["vpcp"])
    second = sign_receipts(_receipts(6)[2:], test_pki.node_keys["vpcp"])
    magic, proof, body, _ = _parts(first[1])
    with pytest.raises(StatementInvalid, match="not part of the signed batch"):
        read_receipt(b"\n".join([magic, proof, body, _parts(second[1])[3]]))


def test_the_batch_signer_is_the_one_reported_and_a_swapped_signature_fails(test_pki: GeneratedPki) -> None:
    raws = sign_receipts(_receipts(3), test_pki.node_keys["vpcp"])
    magic, proof, body, statement = _parts(raws[0])
    # The same tree signed by another key reads, naming that key: the caller judges the signer.
    other = _parts(sign_receipts(_receipts(3), test_pki.node_keys["nghe-an"])[0])[3]
    signer = read_receipt(b"\n".join([magic, proof, body, other])).statement.signer
    assert signer == test_pki.node_keys["nghe-an"].certificate
    header, rest = statement.split(b"\n", 1)[1].split(b"\n", 1)
    signature = json.loads(header)
    signature["sig"] = json.loads(other.split(b"\n", 2)[1])["sig"]
    tampered = b"LTSTMT/1\n" + json.dumps(signature).encode() + b"\n" + rest
    with pytest.raises(StatementInvalid, match="does not match"):
        read_receipt(b"\n".join([magic, proof, body, tampered]))


@pytest.mark.parametrize(
    "proof",
    [b"{}", b"not json", b'{"index":0,"size":2,"path":["zz"]}', b'{"index":"0","size":2,"path":[]}'],
)
def test_an_unreadable_proof_is_named(test_pki: GeneratedPki, proof: bytes) -> None:
    magic, _, body, statement = _parts(sign_receipts(_receipts(2), test_pki.node_keys["vpcp"])[0])
    with pytest.raises(StatementInvalid, match="receipt batch proof"):
        read_receipt(b"\n".join([magic, proof, body, statement]))


def test_a_cut_receipt_is_named() -> None:
    with pytest.raises(StatementInvalid, match="truncated"):
        read_receipt(b"LTRCPT/1\n{}")
