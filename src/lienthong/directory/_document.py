"""The network configuration's content and its one canonical encoding.

Canonical JSON (sorted keys, no spaces, UTF-8) compressed with zlib: these bytes are what the
directory signs and what nodes keep; they are never re-encoded before verifying. Agencies are
rows under one column list, nodes carry the subtree rules they serve (one rule per subtree,
not one per unit), so 20,000 units under 500 nodes stay well under a megabyte or two.
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final, Literal

from cryptography import x509

from lienthong.codes import parse_code
from lienthong.store import AgencyEntry, CertificateBinding, NodeEntry, RevocationList, TrustAnchor

FORMAT: Final = "lienthong-config/1"
AGENCY_COLUMNS: Final = ("code", "name", "contact", "valid_from", "valid_to", "successor", "note")
#: Largest decompressed document accepted: far above any real network, far below harm.
MAX_DOCUMENT: Final = 256 * 1024 * 1024

Kind = Literal["full", "delta"]


@dataclass(frozen=True, slots=True)
class ConfigurationContent:
    """What a configuration says. A delta holds only what changed after ``base``, plus ``deleted``."""

    kind: Kind
    directory: str
    version: int
    issued_at: datetime
    expires_at: datetime
    agencies: tuple[AgencyEntry, ...] = ()
    nodes: tuple[NodeEntry, ...] = ()
    bindings: tuple[CertificateBinding, ...] = ()
    anchors: tuple[TrustAnchor, ...] = ()
    crls: tuple[RevocationList, ...] = ()
    #: For a delta: the version it was computed against.
    base: int | None = None
    #: For a delta: (kind, key) of what was deleted: ``node`` name, ``binding`` "fingerprint code",
    #: ``anchor`` fingerprint, ``crl`` issuer.
    deleted: tuple[tuple[str, str], ...] = ()
    #: The certificate (PEM) of the key that will sign the configurations after this one's key:
    #: announced ahead, so nodes holding this configuration accept it when the directory switches.
    next_signer: str | None = None
    #: The RFC 3161 service nodes time-stamp package signatures with (XAdES-T), so that a
    #: receiver judges a signer as of the time-stamp; None: packages are not time-stamped.
    timestamp_url: str | None = None


def compact_rules(nodes: Iterable[NodeEntry]) -> tuple[NodeEntry, ...]:
    """The nodes with every redundant subtree rule dropped: a rule whose nearest enclosing rule
    names the same node routes nothing differently."""
    nodes = tuple(nodes)
    owner = {code: node.name for node in nodes for code in node.subtrees}
    compacted = []
    for node in nodes:
        kept = []
        for code in node.subtrees:
            enclosing = next(
                (owner[unit.text] for unit in parse_code(code, lenient=True).parents if unit.text in owner),
                None,
            )
            if enclosing != node.name:
                kept.append(code)
        compacted.append(dataclasses.replace(node, subtrees=tuple(kept)))
    return tuple(compacted)


def encode(content: ConfigurationContent) -> bytes:
    """The canonical compressed bytes of ``content``."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "kind": content.kind,
        "directory": content.directory,
        "version": content.version,
        "issued": _instant(content.issued_at),
        "expires": _instant(content.expires_at),
        "agencies": {
            "columns": list(AGENCY_COLUMNS),
            "rows": [
                [a.code, a.name, a.contact, _day(a.valid_from), _day(a.valid_to), a.successor, a.note]
                for a in content.agencies
            ],
        },
        "nodes": [_node_row(n) for n in content.nodes],
        "bindings": [[b.fingerprint, b.code, b.subtree, b.certificate_pem] for b in content.bindings],
        "anchors": [[a.fingerprint, a.subject, a.certificate_pem] for a in content.anchors],
        "crls": [
            [c.issuer, c.fingerprint, c.crl_pem, _instant(c.this_update), _instant(c.next_update)]
            for c in content.crls
        ],
    }
    if content.kind == "delta":
        document["base"] = content.base
        document["deleted"] = [list(item) for item in content.deleted]
    if content.next_signer is not None:  # absent when none: the bytes stay as before rollover
        document["next_signer"] = content.next_signer
    if content.timestamp_url is not None:  # the same: absent when none
        document["timestamp_url"] = content.timestamp_url
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), 6)


def decode(data: bytes) -> ConfigurationContent:
    """Read bytes made by ``encode``; raises ``ValueError`` saying what is wrong when they are not.

    Call it only on bytes whose signature has been verified: it trusts their shape.
    """
    try:
        return _decode(data)
    except (zlib.error, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ValueError(f"{type(exc).__name__}: {exc}") from exc


def _decode(data: bytes) -> ConfigurationContent:
    inflater = zlib.decompressobj()
    text = inflater.decompress(data, MAX_DOCUMENT)
    if inflater.unconsumed_tail or not inflater.eof:
        raise ValueError("document too large or truncated")
    document = json.loads(text)
    if document.get("format") != FORMAT:
        raise ValueError(f"unknown format {document.get('format')!r}")
    kind = document["kind"]
    if kind not in ("full", "delta"):
        raise ValueError(f"unknown kind {kind!r}")
    if list(document["agencies"]["columns"]) != list(AGENCY_COLUMNS):
        raise ValueError("unexpected agency columns")
    return ConfigurationContent(
        kind=kind,
        directory=str(document["directory"]),
        version=int(document["version"]),
        issued_at=_read_instant(document["issued"]),
        expires_at=_read_instant(document["expires"]),
        agencies=tuple(
            AgencyEntry(code, name, contact, _read_day(start), _read_day(end), successor, note)
            for code, name, contact, start, end, successor, note in document["agencies"]["rows"]
        ),
        nodes=tuple(_read_node(row) for row in document["nodes"]),
        bindings=tuple(
            CertificateBinding(fp, code, pem, bool(subtree))
            for fp, code, subtree, pem in document["bindings"]
        ),
        anchors=tuple(TrustAnchor(fp, subject, pem) for fp, subject, pem in document["anchors"]),
        crls=tuple(
            RevocationList(issuer, fp, pem, _read_instant(this), None if nxt is None else _read_instant(nxt))
            for issuer, fp, pem, this, nxt in document["crls"]
        ),
        base=None if kind == "full" else int(document["base"]),
        deleted=tuple((str(k), str(key)) for k, key in document.get("deleted", ())),
        next_signer=_read_next_signer(document.get("next_signer")),
        timestamp_url=_read_url(document.get("timestamp_url")),
    )


def _read_url(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise ValueError("timestamp_url is not an HTTP(S) URL")
    return value


def _read_next_signer(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("next_signer is not a PEM certificate")
    x509.load_pem_x509_certificate(value.encode("ascii"))  # ValueError when it is not one
    return value


def _node_row(node: NodeEntry) -> list[Any]:
    # The seal certificate is a fifth column only when set, the next TLS certificate (a rollover)
    # a sixth (after a null seal if need be): a configuration with neither encodes to the very
    # bytes it did before they existed.
    row: list[Any] = [node.name, node.peer_url, node.tls_certificate_pem, list(node.subtrees)]
    if node.seal_certificate_pem is not None or node.next_tls_certificate_pem is not None:
        row.append(node.seal_certificate_pem)
    if node.next_tls_certificate_pem is not None:
        row.append(node.next_tls_certificate_pem)
    return row


def _read_node(row: list[Any]) -> NodeEntry:
    name, url, tls, codes, *rest = row
    if len(rest) > 2:
        raise ValueError(f"node {name!r}: {len(row)} columns")
    seal, following = (*rest, None, None)[:2]
    return NodeEntry(
        name, url, tls, tuple(codes), seal_certificate_pem=seal, next_tls_certificate_pem=following
    )


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _read_day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _instant(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def _read_instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("naive time in configuration")
    return moment
