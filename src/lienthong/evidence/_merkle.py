"""Merkle tree hashes and inclusion proofs as RFC 9162 (Certificate Transparency 2.0) defines them.

A node signs the root of a tree over a batch of receipts once, instead of each receipt: every
receipt then carries its inclusion proof, so it stays checkable alone and shows nothing of the
others but hashes. Leaves and inner nodes are hashed apart (0x00 / 0x01 prefixes, §2.1.1), so a
leaf can never pass for an inner node.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

_LEAF = b"\x00"
_NODE = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(_LEAF + data).digest()


def _node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(_NODE + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than ``size`` (> 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def _root(leaves: Sequence[bytes]) -> bytes:
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return _node_hash(_root(leaves[:k]), _root(leaves[k:]))


def tree_root(leaves: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes (``leaf_hash`` of each entry), for one entry or more."""
    if not leaves:
        raise ValueError("a Merkle tree needs at least one leaf")
    return _root(leaves)


def inclusion_path(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(index, D[n]) (RFC 9162 §2.1.3.1): the sibling hashes from the leaf up to the root."""
    if not 0 <= index < len(leaves):
        raise ValueError(f"leaf {index} is not in a tree of {len(leaves)}")
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return [*inclusion_path(index, leaves[:k]), _root(leaves[k:])]
    return [*inclusion_path(index - k, leaves[k:]), _root(leaves[:k])]


def inclusion_paths(leaves: Sequence[bytes]) -> tuple[bytes, list[list[bytes]]]:
    """The root and every leaf's ``inclusion_path``, each inner hash computed once."""
    if not leaves:
        raise ValueError("a Merkle tree needs at least one leaf")
    paths: list[list[bytes]] = [[] for _ in leaves]

    def subtree(lo: int, hi: int) -> bytes:
        if hi - lo == 1:
            return leaves[lo]
        mid = lo + _split(hi - lo)
        left, right = subtree(lo, mid), subtree(mid, hi)  # deeper siblings are appended first
        for i in range(lo, mid):
            paths[i].append(right)
        for i in range(mid, hi):
            paths[i].append(left)
        return _node_hash(left, right)

    return subtree(0, len(leaves)), paths


def root_from_path(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes | None:
    """The root ``path`` leads to from ``leaf`` at ``index`` of ``size`` (RFC 9162 §2.1.3.2);
    None when the path cannot belong to such a tree (wrong length, index out of range)."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = _node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = _node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None
