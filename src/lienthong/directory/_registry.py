"""``DirectoryRegistry``: the directory's registry of agencies, nodes and certificates.

Every change runs in one transaction, takes one new version and is audited with who and when.
Agency changes go through ``lienthong.codes.CodeRegistry`` (the current periods plus the change),
so a CSV import, a reorganisation and a single edit obey the same rules as the reference data:
a closed code keeps its history and points to its successor, nothing is silently reopened.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from lienthong._clock import Clock, utc_now
from lienthong._i18n import msg
from lienthong.codes import CodeRegistry, default_registry, parse_code
from lienthong.directory._certs import (
    anchor_of,
    crl_signers,
    fingerprint,
    load_certificate_pem,
    read_crls,
    revocation_list,
    signed_by,
)
from lienthong.directory._certs import (
    certificate_pem as pem_of,
)
from lienthong.directory._errors import DirectoryConflict, DirectoryEntryUnknown, DirectoryKeyError
from lienthong.directory._network import Network
from lienthong.directory._revocation import missing_crls, require_crls
from lienthong.store import (
    AgencyEntry,
    AuditEntry,
    CertificateBinding,
    Database,
    DirectorySnapshot,
    DirectoryStore,
    NodeEntry,
    RevocationList,
    TrustAnchor,
    migrate,
    open_database,
)


class DirectoryRegistry:
    """The registry in one database. ``initialize`` creates and seeds it; close it when done."""

    def __init__(self, database: Database, *, clock: Clock = utc_now) -> None:
        self.database = database
        self._clock = clock

    @classmethod
    def open(cls, url: str, *, clock: Clock = utc_now) -> DirectoryRegistry:
        return cls(open_database(url), clock=clock)

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> DirectoryRegistry:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _change(self, actor: str) -> contextlib.AbstractContextManager[DirectoryStore]:
        """One transaction of changes by ``actor``, stamped with the clock's time."""
        return DirectoryStore.begin(self.database, actor=actor, at=self._clock())

    def _read(self) -> contextlib.AbstractContextManager[DirectoryStore]:
        return DirectoryStore.begin(self.database)

    # -- set-up --------------------------------------------------------------------------------

    def initialize(self, *, actor: str, seed: CodeRegistry | None = None) -> int:
        """Migrate the schema and, when it holds no agency yet, seed it; returns rows seeded.

        ``seed`` defaults to ``default_registry()``: the reference CSVs shipped with lienthong.
        """
        migrate(self.database)
        with self._change(actor) as store:
            if store.agencies():
                return 0
            entries = [AgencyEntry.of(record) for record in (seed or default_registry())]
            store.put_agencies(entries, action="agency.seed")
            return len(entries)

    def version(self) -> int:
        with self._read() as store:
            return store.version()

    def record_key_change(self, action: str, fingerprint: str, *, actor: str) -> int:
        """Audit a change of the configuration-signing key (``key.announce``, ``key.switch``),
        made in the directory's home: the key lives there, its history here. Returns the version."""
        with self._change(actor) as store:
            return store.record(action, "configuration-signing-key", fingerprint)

    # -- agencies ------------------------------------------------------------------------------

    def _merge(self, change: Callable[[CodeRegistry], CodeRegistry], *, actor: str, action: str) -> int:
        with self._change(actor) as store:
            current = {(entry.code, entry.valid_from): entry for entry in store.agencies()}
            merged = change(CodeRegistry(entry.record() for entry in current.values()))
            changed = []
            for record in merged:
                before = current.get((record.code, record.valid_from))
                if before is None or before.record() != record:
                    contact = None if before is None else before.contact
                    changed.append(AgencyEntry.of(record, contact=contact))
            store.put_agencies(changed, action=action)
            return len(changed)

    def import_csv(self, path: str | Path, *, actor: str) -> int:
        """Merge a records or reorganisation CSV; returns the number of periods changed."""
        return self._merge(lambda registry: registry.with_csv(path), actor=actor, action="agency.import")

    def reorganize(self, path: str | Path, *, actor: str) -> int:
        """Apply a reorganisation CSV (``old_code,…,successor_code,…,effective``).

        Each old code closes on its effective date and names its successor; its history stays.
        """
        with open(path, encoding="utf-8-sig") as stream:
            header = stream.readline()
        if "old_code" not in header.split(","):
            raise DirectoryConflict(msg("directory-reorganisation-file-invalid", path=str(path)))
        return self._merge(lambda registry: registry.with_csv(path), actor=actor, action="agency.reorganize")

    def add_agency(
        self,
        code: str,
        *,
        actor: str,
        name: str | None = None,
        contact: str | None = None,
        valid_from: date | None = None,
    ) -> AgencyEntry:
        """Open a code (strictly formed); refused when it is already open."""
        text = parse_code(code).text
        entry = AgencyEntry(text, name=name, contact=contact, valid_from=valid_from)
        with self._change(actor) as store:
            history = store.history(text)
            if any(period.valid_to is None for period in history):
                raise DirectoryConflict(msg("directory-code-already-open", code=text))
            # The code registry checks the new period against the old ones (no overlap).
            CodeRegistry([*(period.record() for period in history), entry.record()])
            store.put_agencies([entry], action="agency.add")
        return entry

    def close_agency(self, code: str, *, on: date, actor: str, successor: str | None = None) -> AgencyEntry:
        """Close the code's open period on ``on`` (exclusive), naming its successor if any."""
        text = parse_code(code, lenient=True).text
        heir = None if successor is None else parse_code(successor).text
        with self._change(actor) as store:
            history = store.history(text)
            current = next((period for period in history if period.valid_to is None), None)
            if current is None:
                raise (DirectoryConflict if history else DirectoryEntryUnknown)(
                    msg("directory-code-no-open-period", code=text)
                )
            if current.valid_from is not None and on <= current.valid_from:
                raise DirectoryConflict(
                    msg(
                        "directory-close-before-open",
                        on=on.isoformat(),
                        opened=current.valid_from.isoformat(),
                        code=text,
                    )
                )
            if heir is not None and heir != text and not store.history(heir):
                raise DirectoryEntryUnknown(msg("directory-successor-unknown", code=heir))
            closed = dataclasses.replace(current, valid_to=on, successor=heir)
            store.put_agencies([closed], action="agency.close")
        return closed

    def agency(self, code: str) -> tuple[AgencyEntry, ...]:
        """Every period of ``code``, oldest first; raises ``DirectoryEntryUnknown`` if none."""
        text = parse_code(code, lenient=True).text
        with self._read() as store:
            history = store.history(text)
        if not history:
            raise DirectoryEntryUnknown(msg("directory-code-unknown", code=text))
        return tuple(history)

    # -- nodes ---------------------------------------------------------------------------------

    def add_node(
        self,
        name: str,
        peer_url: str,
        *,
        actor: str,
        serves: Sequence[str] = (),
        tls_certificate_pem: str | None = None,
        replace: bool = False,
        take_subtrees: bool | None = None,
        seal_certificate_pem: str | None = None,
        next_tls_certificate_pem: str | None = None,
    ) -> NodeEntry:
        """Register a node serving the subtrees ``serves``; a subtree already served by another
        node is refused (unless ``replace``, which moves it).

        ``take_subtrees`` (default: ``replace``) says apart the two things ``replace`` allows, for
        an edit that must not move another node's subtrees unasked: ``replace=True,
        take_subtrees=False`` rewrites an existing node but still refuses a taken subtree.

        ``seal_certificate_pem`` binds the node's seal key (receipts, log heads, statistics) to
        it when that key is not its TLS key: verifiers accept either certificate for the node.

        ``next_tls_certificate_pem`` is the TLS certificate the node rolls over to, published
        beside the current one: peers accept either until the entry is rewritten without it."""
        take = replace if take_subtrees is None else take_subtrees
        if not peer_url.startswith(("https://", "http://")):
            raise DirectoryConflict(msg("directory-url-not-http", url=peer_url))
        if tls_certificate_pem is not None:
            tls_certificate_pem = pem_of(load_certificate_pem(tls_certificate_pem, what="TLS"))
        subtrees = tuple(sorted({parse_code(code).text for code in serves}))
        if seal_certificate_pem is not None:
            seal_certificate_pem = pem_of(load_certificate_pem(seal_certificate_pem, what="seal"))
        if next_tls_certificate_pem is not None:
            next_tls_certificate_pem = pem_of(load_certificate_pem(next_tls_certificate_pem, what="TLS"))
        entry = NodeEntry(
            name,
            peer_url,
            tls_certificate_pem,
            subtrees,
            seal_certificate_pem=seal_certificate_pem,
            next_tls_certificate_pem=next_tls_certificate_pem,
        )
        with self._change(actor) as store:
            exists = store.node(name) is not None
            if exists and not replace:
                raise DirectoryConflict(msg("directory-node-exists", name=name))
            taken = {code: owner for code, owner in store.subtree_owners(subtrees).items() if owner != name}
            if taken and not take:
                listing = ", ".join(f"{code} ({owner})" for code, owner in sorted(taken.items()))
                raise DirectoryConflict(msg("directory-subtrees-taken", listing=listing))
            store.put_node(entry, action="node.replace" if exists else "node.add")
            return store.node(name) or entry

    def remove_node(self, name: str, *, actor: str) -> None:
        with self._change(actor) as store:
            if not store.delete_node(name):
                raise DirectoryEntryUnknown(msg("directory-node-unknown", name=name))

    def node(self, name: str) -> NodeEntry:
        with self._read() as store:
            found = store.node(name)
        if found is None:
            raise DirectoryEntryUnknown(msg("directory-node-unknown", name=name))
        return found

    def nodes(self) -> list[NodeEntry]:
        with self._read() as store:
            return store.nodes()

    # -- certificates --------------------------------------------------------------------------

    def bind_certificate(
        self, code: str, certificate_pem: str, *, actor: str, subtree: bool = False
    ) -> CertificateBinding:
        """Allow the certificate to sign for ``code`` (and every unit below it, with ``subtree``)."""
        text = parse_code(code).text
        certificate = load_certificate_pem(certificate_pem)
        binding = CertificateBinding(fingerprint(certificate), text, pem_of(certificate), subtree)
        with self._change(actor) as store:
            if not store.history(text):
                raise DirectoryEntryUnknown(msg("directory-code-unknown", code=text))
            store.put_binding(binding)
        return binding

    def unbind_certificate(self, fingerprint_hex: str, code: str, *, actor: str) -> None:
        with self._change(actor) as store:
            if not store.delete_binding(fingerprint_hex.lower(), parse_code(code).text):
                raise DirectoryEntryUnknown(msg("directory-binding-unknown"))

    def add_anchor(self, certificate_pem: str, *, actor: str) -> TrustAnchor:
        anchor = anchor_of(certificate_pem)
        with self._change(actor) as store:
            store.put_anchor(anchor)
        return anchor

    def add_crls(
        self, data: bytes, *, actor: str, cas: Sequence[bytes] = ()
    ) -> list[tuple[RevocationList, bool]]:
        """Record every CRL in ``data`` (PEM blocks or one DER), each as its issuer's latest; returns
        each with whether it changed anything (False: that very CRL was held already).

        A CRL must be signed by a trust anchor or by a CA certificate of ``cas`` (PEM or DER files'
        bytes) that an anchor (or another such CA) issued; one older than its issuer's CRL held
        is refused. The file is taken whole or not at all.
        """
        crls = read_crls(data)
        with self._change(actor) as store:
            signers = crl_signers(
                [load_certificate_pem(anchor.certificate_pem) for anchor in store.anchors()], cas
            )
            held = {crl.issuer: crl for crl in store.crls()}
            recorded: list[tuple[RevocationList, bool]] = []
            for crl in crls:
                entry = revocation_list(crl)
                if not any(signed_by(crl, signer) for signer in signers):
                    raise DirectoryKeyError(msg("directory-crl-signer-unknown", issuer=entry.issuer))
                before = held.get(entry.issuer)
                if before is not None and before.fingerprint == entry.fingerprint:
                    recorded.append((before, False))
                    continue
                if before is not None and before.this_update >= entry.this_update:
                    raise DirectoryConflict(
                        msg(
                            "directory-crl-not-newer",
                            issuer=entry.issuer,
                            issued=entry.this_update.isoformat(),
                            held=before.this_update.isoformat(),
                        )
                    )
                store.put_crl(entry)
                held[entry.issuer] = entry
                recorded.append((entry, True))
        return recorded

    def missing_crls(self, *, at: datetime | None = None) -> tuple[str, ...]:
        """The CAs without the current CRL the revocation policy requires (``_revocation``) at
        ``at`` (default: now)."""
        with self._read() as store:
            return missing_crls(store.anchors(), store.bindings(), store.crls(), at=at or self._clock())

    def require_crls(self, *, at: datetime | None = None) -> None:
        """Raise ``ConfigurationIncomplete`` unless ``missing_crls`` finds none: before publishing."""
        with self._read() as store:
            require_crls(store.anchors(), store.bindings(), store.crls(), at=at or self._clock())

    # -- reading -------------------------------------------------------------------------------

    def audit(
        self,
        *,
        limit: int = 100,
        subject: str | None = None,
        actor: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        offset: int = 0,
    ) -> list[AuditEntry]:
        """Recorded changes, newest first, filtered (``DirectoryStore.audit``)."""
        with self._read() as store:
            return store.audit(
                limit=limit,
                subject=subject,
                actor=actor,
                action=action,
                since=since,
                until=until,
                offset=offset,
            )

    def snapshot(self, *, since: int | None = None) -> DirectorySnapshot:
        """Everything (or what changed after ``since``) as of one version, read consistently."""
        with self._read() as store:
            return store.snapshot(since=since)

    def network(self) -> Network:
        """The routing view of the registry as it is now (``route``, ``node_for``, ``may_sign``)."""
        snapshot = self.snapshot()
        return Network(agencies=snapshot.agencies, nodes=snapshot.nodes, bindings=snapshot.bindings)
