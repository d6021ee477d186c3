"""``POST /v1/statistics`` through a real directory over real mutual TLS on loopback: resent and
delayed reports count once; no client certificate, or a key not the node's, is refused."""

from __future__ import annotations

import dataclasses
import socket
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from directory.directory_servers import Clock, Directory, running_directory
from lienthong.net import client_context
from lienthong.statistics import (
    CONTENT_TYPE,
    ReportImplausible,
    ReportOutbox,
    ReportRejected,
    SignedReport,
    StatisticsClient,
    StatisticsReport,
    StatisticsUnreachable,
    build_report,
    check_day,
    decode,
    encode,
    load_node_key,
    sign_report,
)
from lienthong.store import StatisticsStore
from portal.portal_support import register_node, report
from support.pki import Tls, stray_key


def _closed_port_url() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"https://127.0.0.1:{port}"


def _documents(directory: Directory) -> int:
    with StatisticsStore.begin(directory.registry.database) as store:
        return store.totals().documents


def _client(url: str, tls: Tls) -> StatisticsClient:
    context = client_context(anchors=tls.root, certificate=tls.node[0], key=tls.node[1])
    return StatisticsClient(url, tls=context)


def test_resent_and_delayed_reports_count_once(database_url: str, tmp_path: Path, tls: Tls) -> None:
    clock = Clock()
    with running_directory(database_url, tmp_path / "dir", tls, clock=clock) as directory:
        register_node(directory.registry, tls)
        first, revised = report(tls, sent=5), report(tls, sent=8, sequence=2)
        other_day = report(tls, sent=3, day=clock().date())

        # The directory is down: the outbox keeps both reports and backs off.
        outbox = ReportOutbox().put(first).put(other_day)
        with _client(_closed_port_url(), tls) as down:
            with pytest.raises(StatisticsUnreachable):
                down.send(first)
            outbox = down.flush(outbox, at=clock(), jitter=lambda: 0.0)
        assert len(outbox) == 2
        assert all(item.attempts == 1 and item.last_error for item in outbox.pending)
        assert outbox.due(clock()) == ()
        assert _documents(directory) == 0

        # Back up: sent later, accepted once; sending everything again changes nothing.
        later = clock() + timedelta(minutes=5)
        with _client(directory.url, tls) as client:
            outbox = client.flush(outbox, at=later)
            assert len(outbox) == 0
            assert _documents(directory) == 5 + 3
            assert client.send(first)["outcome"] == "duplicate"
            assert client.send(other_day)["outcome"] == "duplicate"
            assert _documents(directory) == 8
            # A later revision of the same day replaces it; an older one is ignored.
            assert client.send(revised)["outcome"] == "replaced"
            assert client.send(first)["outcome"] == "stale"
            assert _documents(directory) == 8 + 3
            # Same revision number, other content: refused, never added.
            with pytest.raises(ReportRejected) as conflict:
                client.send(report(tls, sent=99, sequence=2))
            assert conflict.value.status == 409
        assert _documents(directory) == 11
        with StatisticsStore.begin(directory.registry.database) as store:
            assert store.report_count() == 2
        metrics = httpx.get(f"{directory.url}/metrics", verify=client_context(anchors=tls.root)).text
        assert 'lienthong_statistics_reports_total{outcome="duplicate"} 2.0' in metrics


def test_reports_without_a_node_certificate_or_signed_by_another_key_are_refused(
    database_url: str, tmp_path: Path, tls: Tls
) -> None:
    clock = Clock()
    with running_directory(database_url, tmp_path / "dir", tls, clock=clock) as directory:
        register_node(directory.registry, tls)
        signed = report(tls, sent=2)
        url = f"{directory.url}/v1/statistics"
        headers = {"Content-Type": CONTENT_TYPE}
        with tls.client() as anonymous:
            answer = anonymous.post(url, content=signed.to_json(), headers=headers)
        assert answer.status_code == 401
        assert answer.json()["code"] == "client-certificate-required"

        forged = sign_report(signed.report, stray_key())
        other_agency = report(tls, sent=1, agency="000.00.00.G22")
        with tls.client(identity=tls.node) as node:
            answer = node.post(url, content=forged.to_json(), headers=headers)
            assert (answer.status_code, answer.json()["code"]) == (403, "report-not-entitled")
            answer = node.post(url, content=other_agency.to_json(), headers=headers)
            assert (answer.status_code, answer.json()["code"]) == (403, "report-not-entitled")
            answer = node.post(url, content=b'{"format": "nonsense"}', headers=headers)
            assert (answer.status_code, answer.json()["code"]) == (400, "report-invalid")
        # A certificate of another PKI does not even get through the TLS handshake.
        with tls.client(identity=tls.foreign) as intruder, pytest.raises(httpx.HTTPError):
            intruder.post(url, content=signed.to_json(), headers=headers)
        assert _documents(directory) == 0


def _resigned(tls: Tls, signed: SignedReport, **changes: Any) -> SignedReport:
    return sign_report(dataclasses.replace(signed.report, **changes), load_node_key(tls.node[1]))


def test_reports_of_impossible_days_or_counts_are_refused_naming_the_field(
    database_url: str, tmp_path: Path, tls: Tls
) -> None:
    clock = Clock()
    today = clock().date()
    with running_directory(database_url, tmp_path / "dir", tls, clock=clock) as directory:
        register_node(directory.registry, tls)
        url = f"{directory.url}/v1/statistics"
        headers = {"Content-Type": CONTENT_TYPE}
        base = report(tls, sent=2)
        refused = {
            "day": _resigned(tls, base, day=date(2099, 1, 1)),
            "day ": _resigned(tls, base, day=date(1999, 12, 31)),
            "sent": _resigned(tls, base, sent=10**15),
            "received": _resigned(tls, base, received=-1),
            "sent_to": _resigned(tls, base, sent_to=(("000.00.00.G22", 10**9 + 1),)),
        }
        with tls.client(identity=tls.node) as node:
            for field, signed in refused.items():
                answer = node.post(url, content=signed.to_json(), headers=headers)
                assert answer.status_code == 422, (field, answer.text)
                assert answer.json()["code"] == "report-implausible"
                assert f"{field.strip()} = " in answer.json()["message"], answer.json()
            # A node's clock a few hours ahead (tomorrow already), and a busy but real day: accepted.
            tomorrow = _resigned(tls, base, day=today + timedelta(days=1), sent=10**9)
            assert node.post(url, content=tomorrow.to_json(), headers=headers).status_code == 201
        assert _documents(directory) == 10**9


def test_decoding_refuses_counters_beyond_a_day_and_negative_ones() -> None:
    with pytest.raises(ReportImplausible) as raised:
        decode(encode(dataclasses.replace(_sample(), sent=10**15)))
    assert raised.value.field == "sent" and raised.value.code == "report-implausible"
    with pytest.raises(ReportImplausible) as raised:
        decode(encode(dataclasses.replace(_sample(), failures=-3)))
    assert raised.value.field == "failures"
    with pytest.raises(ReportImplausible):
        check_day(date(2099, 1, 1), at=datetime(2026, 12, 7, tzinfo=UTC))
    check_day(date(2026, 12, 8), at=datetime(2026, 12, 7, 20, tzinfo=UTC))


def _sample() -> StatisticsReport:
    return build_report(
        node="hn",
        agency="000.00.00.H26",
        day=date(2026, 12, 7),
        sequence=1,
        generated_at=datetime(2026, 12, 7, 20, tzinfo=UTC),
        outgoing=[],
    )
