"""``StatisticsIntake``: the directory's checks on a report, then storing it idempotently.

A report is accepted when the connection's client certificate (already verified by TLS against
the network's anchors) is the registered TLS certificate of a node, the report is signed with
that certificate's key, names that node, and concerns an agency within a subtree the node
serves. Then ``StatisticsStore.put_report`` decides: stored, replaced, duplicate or stale.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong._clock import Clock
from lienthong._i18n import msg
from lienthong.codes import parse_code
from lienthong.directory import DirectoryRegistry, NodeEntry
from lienthong.portal._errors import (
    ClientCertificateRequired,
    ReportConflict,
    ReportInvalid,
    ReportNotEntitled,
)
from lienthong.portal._errors import ReportImplausible as PortalReportImplausible
from lienthong.statistics import (
    ReportImplausible,
    ReportMalformed,
    ReportSignatureInvalid,
    SignedReport,
    StatisticsReport,
    check_day,
    verify_report,
)
from lienthong.store import ReportOutcome, ReportRecord, StatisticsStore


def _fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def record_of(report: StatisticsReport, signed: SignedReport, *, received_at: datetime) -> ReportRecord:
    """The report flattened for the store."""
    return ReportRecord(
        node=report.node,
        agency=report.agency,
        day=report.day,
        sequence=report.sequence,
        report_sha256=hashlib.sha256(signed.data).hexdigest(),
        generated_at=report.generated_at,
        received_at=received_at,
        sent=report.sent,
        received=report.received,
        signed_pdf=report.signed_pdf,
        refusals=report.refusals,
        failures=report.failures,
        latency_buckets=report.latency.buckets,
        latency_p50=report.latency.p50,
        statuses=report.statuses,
        sent_to=report.sent_to,
        stuck=tuple((s.document_id, s.recipient, s.sent_at) for s in report.stuck),
        last_activity=report.last_activity,
        config_version=report.config_version,
        certificate_expiry=report.certificate_expiry,
        signed=signed.to_json(),
    )


@dataclass(frozen=True, slots=True)
class Intake:
    """What happened to one report."""

    outcome: ReportOutcome
    report: StatisticsReport


class StatisticsIntake:
    """Checks and stores reports for one directory registry."""

    def __init__(self, registry: DirectoryRegistry, *, clock: Clock) -> None:
        self.registry = registry
        self._clock = clock

    def caller(self, peer: bytes | None) -> NodeEntry:
        """The registered node one of whose TLS certificates ``peer`` is; ``ClientCertificateRequired``
        otherwise (asked before a report is read)."""
        return self._node(peer)[0]

    def _node(self, peer: bytes | None) -> tuple[NodeEntry, x509.Certificate]:
        if peer is not None:
            wanted = _fingerprint(peer)
            for node in self.registry.nodes():
                for pem in node.tls_pems:  # current and, during a rollover, next
                    certificate = x509.load_pem_x509_certificate(pem.encode("ascii"))
                    if _fingerprint(certificate.public_bytes(Encoding.DER)) == wanted:
                        return node, certificate
        raise ClientCertificateRequired(msg("portal-client-certificate-required"))

    def accept(self, body: bytes, *, peer: bytes | None) -> Intake:
        """Check ``body`` sent on a connection whose client certificate is ``peer`` (DER), store it."""
        node, _certificate = self._node(peer)
        try:
            signed = SignedReport.from_json(body)
            report = _verify_sealed(signed, node)
        except ReportSignatureInvalid as exc:
            raise ReportNotEntitled(exc.message, node=node.name) from exc
        except ReportImplausible as exc:
            raise PortalReportImplausible(exc.message, field=exc.field) from exc
        except ReportMalformed as exc:
            raise ReportInvalid(exc.message) from exc
        try:
            check_day(report.day, at=self._clock())
        except ReportImplausible as exc:
            raise PortalReportImplausible(exc.message, field=exc.field) from exc
        if report.node != node.name:
            raise ReportNotEntitled(
                msg("portal-report-other-node", named=report.node, sender=node.name),
                node=node.name,
            )
        agency = parse_code(report.agency, lenient=True)
        if not any(parse_code(rule, lenient=True).contains(agency) for rule in node.subtrees):
            raise ReportNotEntitled(
                msg("portal-report-agency-not-served", node=node.name, agency=report.agency),
                node=node.name,
            )
        record = record_of(report, signed, received_at=self._clock())
        with StatisticsStore.begin(self.registry.database) as store:
            outcome = store.put_report(record)
        if outcome is ReportOutcome.CONFLICT:
            raise ReportConflict(msg("portal-report-conflict", report=report.report_id))
        return Intake(outcome, report)


def _verify_sealed(signed: SignedReport, node: NodeEntry) -> StatisticsReport:
    """The report, if the node's seal certificate or its TLS certificate (a node without a
    separate seal seals with its TLS key) verifies it; the last failure otherwise."""
    failure: ReportSignatureInvalid | None = None
    for pem in reversed(node.seal_pems):  # the seal first: a node that has one seals with it
        try:
            return verify_report(signed, x509.load_pem_x509_certificate(pem.encode("ascii")))
        except ReportSignatureInvalid as exc:
            failure = exc
    assert failure is not None  # _node found the node by its TLS certificate: seal_pems is not empty
    raise failure
