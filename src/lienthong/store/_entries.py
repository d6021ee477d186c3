"""What the directory holds, as frozen values: no SQLAlchemy here.

These are the model the rest of lienthong sees; ``_directory_store`` maps rows to them, one
mapper per row. They sit in ``store`` because the store returns them and dependencies point
down only (``directory`` uses ``store``, never the reverse); ``lienthong.directory`` re-exports
them. ``version`` is the directory's change counter when the entry last changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from lienthong.codes import AgencyRecord, parse_code


@dataclass(frozen=True, slots=True)
class AgencyEntry:
    """One period of one agency code: its name, place in the hierarchy, validity, successor."""

    code: str
    name: str | None = None
    #: Who to contact at the agency (e-mail, telephone); free text.
    contact: str | None = None
    #: First day in force; None means "since before our sources".
    valid_from: date | None = None
    #: First day no longer in force (the code is closed ON that day); None while open.
    valid_to: date | None = None
    #: The code that takes over from ``valid_to``; the code itself for a rename.
    successor: str | None = None
    note: str | None = None
    version: int = 0

    @property
    def class_letter(self) -> str:
        return self.code.rsplit(".", 1)[-1][0]

    @property
    def level(self) -> int:
        return parse_code(self.code, lenient=True).level

    @property
    def parent(self) -> str | None:
        parent = parse_code(self.code, lenient=True).parent
        return None if parent is None else parent.text

    def record(self) -> AgencyRecord:
        """The same period as the code registry models it."""
        return AgencyRecord(
            code=self.code,
            class_letter=self.class_letter,
            name=self.name,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            successor=self.successor,
            note=self.note,
        )

    @classmethod
    def of(cls, record: AgencyRecord, *, contact: str | None = None, version: int = 0) -> AgencyEntry:
        return cls(
            code=record.code,
            name=record.name,
            contact=contact,
            valid_from=record.valid_from,
            valid_to=record.valid_to,
            successor=record.successor,
            note=record.note,
            version=version,
        )


@dataclass(frozen=True, slots=True)
class NodeEntry:
    """A connection point and the subtrees it serves (a code and every unit below it)."""

    name: str
    peer_url: str
    tls_certificate_pem: str | None = None
    #: Codes whose subtrees this node serves, sorted; a longer rule of another node wins.
    subtrees: tuple[str, ...] = ()
    version: int = 0
    #: The certificate of the node's seal key (receipts, log heads, statistics), when the node
    #: seals with a key other than its TLS key; None: the TLS certificate seals.
    seal_certificate_pem: str | None = None
    #: The TLS certificate the node moves to (a rollover): published beside the current one for
    #: an overlap, in which peers accept either; None: no rollover under way.
    next_tls_certificate_pem: str | None = None

    @property
    def tls_pems(self) -> tuple[str, ...]:
        """The TLS certificates peers accept from this node: the current one and, during a
        rollover, the next."""
        return tuple(p for p in (self.tls_certificate_pem, self.next_tls_certificate_pem) if p)

    @property
    def seal_pems(self) -> tuple[str, ...]:
        """The certificates whose signatures speak for this node: TLS (current and next) and,
        if set, seal."""
        return (*self.tls_pems, *((self.seal_certificate_pem,) if self.seal_certificate_pem else ()))


@dataclass(frozen=True, slots=True)
class CertificateBinding:
    """An agency signing certificate allowed to sign for ``code`` (and below, if ``subtree``)."""

    #: SHA-256 of the certificate's DER bytes, lower-case hex.
    fingerprint: str
    code: str
    certificate_pem: str
    subtree: bool = False
    version: int = 0

    @property
    def key(self) -> str:
        return f"{self.fingerprint} {self.code}"


@dataclass(frozen=True, slots=True)
class TrustAnchor:
    """A root CA certificate the network trusts."""

    fingerprint: str
    subject: str
    certificate_pem: str
    version: int = 0


@dataclass(frozen=True, slots=True)
class RevocationList:
    """The latest CRL of one issuer."""

    issuer: str
    fingerprint: str
    crl_pem: str
    this_update: datetime
    next_update: datetime | None = None
    version: int = 0


@dataclass(frozen=True, slots=True)
class Tombstone:
    """Something deleted at ``version``: ``kind`` is ``node``, ``binding``, ``anchor`` or ``crl``."""

    kind: str
    key: str
    version: int


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One recorded change: which version it made, when, by whom, what."""

    version: int
    at: datetime
    actor: str
    action: str
    subject: str
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class DirectorySnapshot:
    """Everything a network configuration carries, as of ``version``.

    With ``since`` set, only what changed after that version, plus ``deleted``.
    """

    version: int
    agencies: tuple[AgencyEntry, ...] = ()
    nodes: tuple[NodeEntry, ...] = ()
    bindings: tuple[CertificateBinding, ...] = ()
    anchors: tuple[TrustAnchor, ...] = ()
    crls: tuple[RevocationList, ...] = ()
    since: int | None = None
    deleted: tuple[Tombstone, ...] = field(default=())
