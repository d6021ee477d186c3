"""The signed network configuration: built by the directory, verified and used by nodes.

A file is ``LTCONF/1`` on a line, a one-line JSON header (algorithm, signer's certificate
fingerprint, signature), then the payload: the canonical compressed document of ``_document``.
The signature covers exactly the payload bytes, checked before they are even decompressed; the
verified bytes are kept as they came and never re-encoded.

Checks run in this order, the first failure naming its ``RefusalReason``: readable envelope,
signer is the anchor's directory (or the next key the configuration held announced, see
``announced_anchor``), signature, readable document, directory name (if the anchor
gives one), expiry, no rollback below the version already held.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Final

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from lienthong._i18n import Message, msg
from lienthong.codes import AgencyCode, CodeStatus
from lienthong.directory._certs import certificate_pem, load_certificate_pem
from lienthong.directory._document import ConfigurationContent, compact_rules, decode, encode
from lienthong.directory._errors import ConfigurationExpired, ConfigurationRefused, RefusalReason
from lienthong.directory._network import Network, Route
from lienthong.directory._revocation import missing_crls
from lienthong.directory._signing import ConfigurationAnchor, DirectoryKey
from lienthong.edxml import VIETNAM_TZ
from lienthong.errors import message_of
from lienthong.store import DirectorySnapshot, NodeEntry

MAGIC: Final = b"LTCONF/1\n"
#: How long a configuration stays usable without a refresh: nodes keep routing this long
#: while the directory is down.
DEFAULT_VALIDITY: Final = timedelta(hours=72)


def build_configuration(
    snapshot: DirectorySnapshot,
    key: DirectoryKey,
    *,
    directory: str,
    issued_at: datetime,
    valid_for: timedelta = DEFAULT_VALIDITY,
    next_certificate: x509.Certificate | None = None,
    timestamp_url: str | None = None,
) -> bytes:
    """The signed configuration of ``snapshot``: full, or a delta when ``snapshot.since`` is set;
    ``next_certificate`` announces the key that will sign after ``key``; ``timestamp_url`` names
    the time-stamp service nodes stamp package signatures with."""
    if issued_at.tzinfo is None:
        raise ValueError("issued_at must be aware")
    delta = snapshot.since is not None
    content = ConfigurationContent(
        kind="delta" if delta else "full",
        directory=directory,
        version=snapshot.version,
        issued_at=issued_at,
        expires_at=issued_at + valid_for,
        agencies=snapshot.agencies,
        # Deltas carry changed nodes whole; compaction needs every rule, so only full ones.
        nodes=snapshot.nodes if delta else compact_rules(snapshot.nodes),
        bindings=snapshot.bindings,
        anchors=snapshot.anchors,
        crls=snapshot.crls,
        base=snapshot.since,
        deleted=tuple((t.kind, t.key) for t in snapshot.deleted),
        next_signer=None if next_certificate is None else certificate_pem(next_certificate),
        timestamp_url=timestamp_url,
    )
    payload = encode(content)
    header = {
        "alg": key.algorithm,
        "signer": key.fingerprint,
        "sig": base64.b64encode(key.sign(payload)).decode("ascii"),
    }
    return MAGIC + json.dumps(header, sort_keys=True, separators=(",", ":")).encode("ascii") + b"\n" + payload


def _refuse(reason: RefusalReason, message: Message) -> ConfigurationRefused:
    return ConfigurationRefused(message, reason=reason)


def announced_anchor(
    content: ConfigurationContent, anchor: ConfigurationAnchor
) -> ConfigurationAnchor | None:
    """The anchor of the next key ``content`` announces (None: none), with ``anchor``'s directory
    name and URL: the key rolls over, the network stays the same."""
    if content.next_signer is None:
        return None
    certificate = load_certificate_pem(content.next_signer, what="next_signer")
    return ConfigurationAnchor(certificate, directory=anchor.directory, url=anchor.url)


def _open(
    data: bytes, anchor: ConfigurationAnchor, announced: ConfigurationAnchor | None = None
) -> tuple[ConfigurationContent, ConfigurationAnchor]:
    """The content of ``data`` once its signer and signature are the anchor's, or the announced
    next key's; with the anchor that verified it."""
    if not data.startswith(MAGIC):
        raise _refuse(RefusalReason.MALFORMED, msg("directory-configuration-not-a-file"))
    end = data.find(b"\n", len(MAGIC))
    try:
        header = json.loads(data[len(MAGIC) : end]) if end > 0 else None
        signature = base64.b64decode(header["sig"], validate=True) if isinstance(header, dict) else None
    except (ValueError, KeyError, TypeError, binascii.Error):
        signature = None
    if signature is None or not isinstance(header, dict):
        raise _refuse(RefusalReason.MALFORMED, msg("directory-configuration-header-unreadable"))
    if announced is not None and header.get("signer") == announced.fingerprint:
        anchor = announced
    if header.get("signer") != anchor.fingerprint:
        raise _refuse(
            RefusalReason.OTHER_DIRECTORY,
            msg(
                "directory-configuration-other-signer",
                signer=str(header.get("signer"))[:16],
                anchor=anchor.fingerprint[:16],
            ),
        )
    payload = data[end + 1 :]
    try:
        anchor.verify(signature, payload)
    except InvalidSignature:
        raise _refuse(RefusalReason.BAD_SIGNATURE, msg("directory-configuration-signature-invalid")) from None
    try:
        content = decode(payload)
    except ValueError as exc:
        raise _refuse(
            RefusalReason.MALFORMED,
            msg("directory-configuration-content-unreadable", reason=message_of(exc)),
        ) from exc
    if anchor.directory is not None and content.directory != anchor.directory:
        raise _refuse(
            RefusalReason.OTHER_DIRECTORY,
            msg("directory-configuration-other-network", network=content.directory, anchor=anchor.directory),
        )
    return content, anchor


def _check_time(content: ConfigurationContent, at: datetime) -> None:
    if at >= content.expires_at:
        raise _refuse(
            RefusalReason.EXPIRED,
            msg(
                "directory-configuration-version-expired",
                version=content.version,
                expired_at=content.expires_at.isoformat(),
            ),
        )


def _check_version(content: ConfigurationContent, held: int | None) -> None:
    if held is not None and content.version < held:
        raise _refuse(
            RefusalReason.OLDER_VERSION,
            msg("directory-configuration-rollback", version=content.version, held=held),
        )


@dataclass(frozen=True, slots=True)
class Configuration:
    """A verified network configuration and the routing it answers, alone, until it expires."""

    #: What it says (for a configuration grown by deltas: the merged state).
    content: ConfigurationContent
    #: The signed files it was verified from, exactly as received: the full one, then deltas.
    documents: tuple[bytes, ...]
    network: Network
    #: The anchor its latest document verified against: the node's, or the next key announced.
    anchor: ConfigurationAnchor

    @property
    def version(self) -> int:
        return self.content.version

    @property
    def expires_at(self) -> datetime:
        return self.content.expires_at

    @property
    def revocation_gaps(self) -> tuple[str, ...]:
        """The CAs the revocation policy needs a current CRL of (``_revocation``) that this
        configuration lacks when issued: nodes pass the certificates they issued unchecked."""
        content = self.content
        return missing_crls(content.anchors, content.bindings, content.crls, at=content.issued_at)

    def summary(self) -> str:
        """One line for logs and the CLI."""
        nodes = self.content.nodes
        gaps = self.revocation_gaps
        return (
            f"directory={self.content.directory} version={self.version} "
            f"issued={self.content.issued_at.isoformat()} expires={self.expires_at.isoformat()} "
            f"agencies={len(self.content.agencies)} nodes={len(nodes)} "
            f"rules={sum(len(n.subtrees) for n in nodes)} bindings={len(self.content.bindings)} "
            f"anchors={len(self.content.anchors)} crls={len(self.content.crls)}"
            + (f' crl_gaps="{"; ".join(gaps)}"' if gaps else "")
        )

    def _day(self, at: datetime) -> date:
        """The network's calendar day at ``at``; refuses once the configuration has expired."""
        if at.tzinfo is None:
            raise ValueError("at must be aware")
        if at >= self.expires_at:
            raise ConfigurationExpired(
                msg("directory-configuration-expired", expired_at=self.expires_at.isoformat()),
                expired_at=self.expires_at,
            )
        return at.astimezone(VIETNAM_TZ).date()

    def route(self, code: AgencyCode | str, *, at: datetime) -> Route:
        return self.network.route(code, at=self._day(at))

    def node_for(self, code: AgencyCode | str, *, at: datetime) -> NodeEntry:
        return self.network.node_for(code, at=self._day(at))

    def status(self, code: AgencyCode | str, *, at: datetime) -> CodeStatus:
        return self.network.status(code, at=self._day(at))

    def check_signer(self, fingerprint: str, code: AgencyCode | str, *, at: datetime) -> None:
        """Raise ``SignerNotEntitled`` unless the certificate may sign for ``code``."""
        self._day(at)
        self.network.check_signer(fingerprint, code)


def _configuration(
    content: ConfigurationContent, documents: tuple[bytes, ...], anchor: ConfigurationAnchor
) -> Configuration:
    network = Network(agencies=content.agencies, nodes=content.nodes, bindings=content.bindings)
    return Configuration(content, documents, network, anchor)


def verify_configuration(
    data: bytes, anchor: ConfigurationAnchor, *, at: datetime, current: Configuration | None = None
) -> Configuration:
    """Verify a full configuration or a delta; returns the configuration to use from now on.

    A delta needs ``current`` (the configuration held) and a base no newer than it. A document
    signed by the next key ``current`` announces verifies too: the result's ``anchor`` is then
    that key's, which the caller pins from then on. Raises ``ConfigurationRefused`` with its
    reason; ``current`` is never changed, so a refused file leaves the node on the configuration
    it had.
    """
    if at.tzinfo is None:
        raise ValueError("at must be aware")
    announced = None if current is None else announced_anchor(current.content, anchor)
    content, verified_by = _open(data, anchor, announced)
    _check_time(content, at)
    _check_version(content, None if current is None else current.version)
    if content.kind == "full":
        return _configuration(content, (data,), verified_by)
    if current is None or content.base is None or content.base > current.version:
        raise _refuse(
            RefusalReason.MISSING_BASE,
            msg("directory-configuration-base-missing", base=str(content.base)),
        )
    return _configuration(_merge(current.content, content), (*current.documents, data), verified_by)


def _merge(base: ConfigurationContent, delta: ConfigurationContent) -> ConfigurationContent:
    gone = {
        kind: {key for k, key in delta.deleted if k == kind} for kind in ("node", "binding", "anchor", "crl")
    }
    agencies = {(a.code, a.valid_from): a for a in base.agencies}
    agencies.update(((a.code, a.valid_from), a) for a in delta.agencies)
    nodes = {n.name: n for n in base.nodes if n.name not in gone["node"]}
    nodes.update((n.name, n) for n in delta.nodes)
    bindings = {b.key: b for b in base.bindings if b.key not in gone["binding"]}
    bindings.update((b.key, b) for b in delta.bindings)
    anchors = {a.fingerprint: a for a in base.anchors if a.fingerprint not in gone["anchor"]}
    anchors.update((a.fingerprint, a) for a in delta.anchors)
    crls = {c.issuer: c for c in base.crls if c.issuer not in gone["crl"]}
    crls.update((c.issuer, c) for c in delta.crls)
    return replace(
        base,
        version=delta.version,
        issued_at=delta.issued_at,
        expires_at=delta.expires_at,
        agencies=tuple(sorted(agencies.values(), key=lambda a: (a.code, a.valid_from or date.min))),
        nodes=tuple(sorted(nodes.values(), key=lambda n: n.name)),
        bindings=tuple(bindings.values()),
        anchors=tuple(anchors.values()),
        crls=tuple(crls.values()),
        next_signer=delta.next_signer,
        timestamp_url=delta.timestamp_url,
    )


def reopen_configuration(data: bytes, anchor: ConfigurationAnchor) -> Configuration:
    """A full configuration a node saved itself, checked for envelope, signer and signature but
    not for time: an expired one still loads, and then refuses to route (``ConfigurationExpired``).
    """
    content, verified_by = _open(data, anchor)
    if content.kind != "full":
        raise _refuse(RefusalReason.MALFORMED, msg("directory-configuration-cache-not-full"))
    return _configuration(content, (data,), verified_by)
