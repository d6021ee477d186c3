"""Checks shared by submission and reception: size, structure, signature, signer bound to From.

Each raises ``PackageRefused`` naming its ``Refusal``; the sentence is for our log and for the
negative receipt.
"""

from __future__ import annotations

from datetime import datetime

from lienthong._i18n import Message, msg
from lienthong.directory import DirectoryError, SignerNotEntitled, certificate_fingerprint
from lienthong.edxml import Package, check_field_lengths
from lienthong.errors import LienthongError, PackageRejected
from lienthong.node._errors import PackageRefused, Refusal
from lienthong.node._node import Node
from lienthong.node._package import PackageSource
from lienthong.node._signing import verify_source


def parse_checked(node: Node, source: PackageSource) -> Package:
    """The package in ``source`` (attachments measured, not kept), within the node's limits; a
    spooled package is parsed as a stream."""
    check_fits(node, source)
    try:
        return source.parse(node.limits)
    except PackageRejected as exc:
        raise PackageRefused(_invalid(exc), reason=Refusal.MALFORMED) from exc


def _invalid(exc: PackageRejected) -> Message:
    """Why the package is invalid, with the element and line where the parser knows them."""
    if exc.line:
        return msg(
            "node-package-invalid-at-line", reason=exc.message, element=exc.element or "-", line=exc.line
        )
    if exc.element:
        return msg("node-package-invalid-in", reason=exc.message, element=exc.element)
    return msg("node-package-invalid", reason=exc.message)


def check_lengths(package: Package) -> None:
    """QCVN 102:2016's field lengths, as a refusal a receipt names (a submission is held to them
    by ``validate_package``, with all its other checks)."""
    try:
        check_field_lengths(package)
    except PackageRejected as exc:
        raise PackageRefused(exc.message, reason=Refusal.FIELD_TOO_LONG) from exc


def check_fits(node: Node, source: PackageSource) -> None:
    """The package is within the node's size limit."""
    if source.size > node.limits.max_package_bytes:
        raise PackageRefused(
            msg("node-package-too-large", size=source.size, limit=node.limits.max_package_bytes),
            reason=Refusal.TOO_LARGE,
        )


def check_signature(node: Node, source: PackageSource, package: Package, *, at: datetime) -> None:
    """The signature verifies, chains to the network's anchors, and its certificate may sign
    for the package's ``From`` per the configuration."""
    report = verify_source(node, source, at=at)
    if report.agency_code is not None and not report.sender_bound:
        raise PackageRefused(report.problem or "", reason=Refusal.SIGNER_NOT_SENDER)
    if not report.valid or report.signer is None:
        raise PackageRefused(
            msg("node-signature-not-accepted", problem=report.problem or ""),
            reason=Refusal.SIGNATURE,
        )
    try:
        node.configuration.check_signer(certificate_fingerprint(report.signer), package.from_code, at=at)
    except SignerNotEntitled as exc:
        raise PackageRefused(exc.message, reason=Refusal.SIGNER_NOT_SENDER) from exc
    except DirectoryError as exc:
        raise PackageRefused(exc.message, reason=Refusal.SIGNATURE) from exc


def served_here(node: Node, code: str, *, at: datetime) -> bool:
    """Whether the configuration says this node serves ``code``."""
    try:
        route = node.configuration.route(code, at=at)
    except LienthongError:  # not a code, or the configuration expired
        return False
    return route.node is not None and route.node.name == node.name
