"""The pure parts: the report's encoding and signature, the builder, latency, the outbox, the
CLI over a real database, JSON logs."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import ssl
import unicodedata
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from lienthong._i18n import Message, msg
from lienthong.cli._app import app
from lienthong.statistics import (
    Outgoing,
    ReportImplausible,
    ReportMalformed,
    ReportOutbox,
    ReportRejected,
    StatisticsClient,
    StatisticsReport,
    build_report,
    configure_json_logging,
    decode,
    encode,
    median_seconds,
    retry_delay,
    sign_report,
)
from support.pki import stray_key

NOW = datetime(2025, 6, 29, 20, 0, tzinfo=UTC)


def _report(sequence: int = 1, sent: int = 2) -> StatisticsReport:
    start = NOW - timedelta(hours=10)
    rows = [
        Outgoing(
            f"d{i}",
            "000.00.00.G22",
            start,
            delivered_at=start + timedelta(seconds=3),
            received_status_at=start + timedelta(minutes=5),
        )
        for i in range(sent)
    ]
    rows.append(Outgoing("late", "000.00.00.H02", start))  # no 01 status: stuck after 4 h
    rows.append(Outgoing("gone", "000.00.00.H02", start, failed=True))
    return build_report(
        node="n1",
        agency="000.00.00.H26",
        day=date(2025, 6, 29),
        sequence=sequence,
        generated_at=NOW,
        outgoing=rows,
        statuses={"01": 1, "03": 0},
    )


def test_builder_encoding_and_round_trip() -> None:
    report = _report()
    assert (report.sent, report.failures, report.statuses) == (4, 1, (("01", 1),))
    assert [s.document_id for s in report.stuck] == ["late"]
    assert report.latency.p50 == 3.0
    assert decode(encode(report)) == report
    assert encode(report) == encode(decode(encode(report)))
    with pytest.raises(ReportMalformed):
        decode(encode(report).replace(b'"sent":4', b'"sent":-4'))
    with pytest.raises(ReportMalformed):
        decode(b"[]")


def test_the_reporting_interval_is_optional_and_checked() -> None:
    older = _report()
    assert b'"interval"' not in encode(older)  # an older node's bytes are unchanged
    stating = dataclasses.replace(older, interval=5.0)
    assert decode(encode(stating)).interval == 5.0
    assert encode(stating) == encode(decode(encode(stating)))
    for bad in (b'"interval":0', b'"interval":-5', b'"interval":"5"', b'"interval":true', b'"interval":1e9'):
        with pytest.raises(ReportMalformed):
            decode(encode(stating).replace(b'"interval":5.0', bad))


def test_median_from_summed_histograms() -> None:
    assert median_seconds([0] * 15) is None
    assert median_seconds([0, 0, 0, 4] + [0] * 11) == 7.5  # all in (5, 10]
    assert retry_delay(1, jitter=0.0) == timedelta(seconds=15)
    assert retry_delay(20, jitter=0.999999) <= timedelta(hours=1)


def test_outbox_keeps_the_latest_revision_and_survives_a_restart() -> None:
    key = stray_key()
    first, second = sign_report(_report(1), key), sign_report(_report(2, sent=5), key)
    outbox = ReportOutbox().put(first).put(second).put(first)
    assert [(p.sequence, p.signed) for p in outbox.pending] == [(2, second)]
    failed = outbox.failed(outbox.pending[0].key, at=NOW, error="down", jitter=0.5)
    assert failed.due(NOW) == ()
    assert len(failed.due(NOW + timedelta(hours=2))) == 1
    assert ReportOutbox.from_json(failed.to_json()) == failed
    assert len(failed.accepted(failed.pending[0].key, 1)) == 1  # an older acceptance keeps it
    assert len(failed.accepted(failed.pending[0].key, 2)) == 0


def test_a_signed_report_holds_figures_and_codes_only() -> None:
    """What a node signs says nothing in words: counts, codes, identifiers and instants, so it
    reads the same in either language (issue #14)."""
    document = json.loads(encode(dataclasses.replace(_report(), interval=60.0)))

    def leaves(value: object) -> list[object]:
        if isinstance(value, dict):
            return [leaf for item in value.values() for leaf in leaves(item)]
        if isinstance(value, list):
            return [leaf for item in value for leaf in leaves(item)]
        return [value]

    texts = [leaf for leaf in leaves(document) if isinstance(leaf, str)]
    assert texts and not [text for text in texts if any(c.isspace() for c in text)], texts
    assert all(isinstance(leaf, str | int | float) or leaf is None for leaf in leaves(document))


def test_a_refused_report_says_why_as_a_code_with_its_field() -> None:
    with pytest.raises(ReportImplausible) as refused:
        decode(encode(_report()).replace(b'"sent":4', b'"sent":-4'))
    message = refused.value.message
    assert isinstance(message, Message) and message.code == "statistics-report-implausible"
    assert (message.params["field"], message.params["value"]) == ("sent", -4)
    assert refused.value.field == "sent"
    assert refused.value.render("en") == "Implausible statistics report: sent = -4 (a negative count)."
    assert refused.value.render("vi") == unicodedata.normalize(
        "NFC", "Báo cáo thống kê không hợp lý: sent = -4 (số đếm âm)."
    )


def test_outbox_keeps_its_last_error_as_data_and_reads_an_older_text() -> None:
    signed = sign_report(_report(), stray_key())
    outbox = ReportOutbox().put(signed)
    error = msg("statistics-directory-failed", status=503)
    failed = outbox.failed(outbox.pending[0].key, at=NOW, error=error, jitter=0.5)
    kept = json.loads(failed.to_json())["pending"][0]["last_error"]
    assert kept == {"code": "statistics-directory-failed", "params": {"status": 503}}
    assert ReportOutbox.from_json(failed.to_json()).pending[0].last_error == error
    older = json.loads(failed.to_json())
    older["pending"][0]["last_error"] = "Trung tâm danh bạ trả lỗi 503."
    assert ReportOutbox.from_json(json.dumps(older).encode()).pending[0].last_error == (
        "Trung tâm danh bạ trả lỗi 503."
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (  # a directory that answers with the message as data: kept as data, rendered here
            {"message_code": "portal-report-agency-not-served", "params": {"node": "n1", "agency": "X"}},
            msg("portal-report-agency-not-served", node="n1", agency="X"),
        ),
        ({"message_code": "from-a-newer-directory", "params": {}}, "its sentence"),  # unknown: its text
        ({}, "its sentence"),  # an older directory: its text
    ],
)
def test_a_refusal_by_the_directory_keeps_its_message(body: dict[str, object], expected: object) -> None:
    def directory(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"code": "report-not-entitled", "message": "its sentence", **body})

    signed = sign_report(_report(), stray_key())
    with StatisticsClient("https://directory.example", tls=ssl.create_default_context()) as client:
        client._http = httpx.Client(transport=httpx.MockTransport(directory))
        with pytest.raises(ReportRejected) as refused:
            client.send(signed)
    assert (refused.value.status, refused.value.problem) == (403, "report-not-entitled")
    assert refused.value.message == expected
    if isinstance(expected, Message):
        assert refused.value.render("en") == "The node n1 does not serve X."
        assert refused.value.render("vi") == unicodedata.normalize(
            "NFC", "Điểm kết nối n1 không phục vụ mã X."
        )


def test_outbox_backoff_follows_its_own_base_and_cap() -> None:
    signed = sign_report(_report(), stray_key())
    outbox = ReportOutbox(base=timedelta(seconds=1), cap=timedelta(seconds=4)).put(signed)
    key = outbox.pending[0].key
    for _ in range(5):
        outbox = outbox.failed(key, at=NOW, error="down", jitter=0.999999)
        assert outbox.base == timedelta(seconds=1)  # kept through every change
    assert outbox.pending[0].next_attempt_at is not None
    assert outbox.pending[0].next_attempt_at - NOW <= timedelta(seconds=4)
    assert len(outbox.due(NOW + timedelta(seconds=4))) == 1


def test_cli_regulations_and_statistics(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'dir.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["directory", "init", "--db", db, "--actor", "t"]).exit_code == 0
    done = runner.invoke(app, ["directory", "regulations", "set", "000.00.00.H26", "2019-03-01", "--db", db])
    assert done.exit_code == 0, done.output
    bad = runner.invoke(app, ["directory", "regulations", "set", "000.00.00.H26", "01/03/2019", "--db", db])
    assert bad.exit_code == 2
    shown = runner.invoke(app, ["directory", "statistics", "show", "--json", "--db", db])
    figures = json.loads(shown.output)
    assert figures["regulations"]["H"]["issued"] == 1
    assert figures["documents_total"] == 0
    assert "Quy chế" in runner.invoke(app, ["directory", "statistics", "show", "--db", db]).output


def test_json_logs_one_object_per_line() -> None:
    stream = io.StringIO()
    handler = configure_json_logging(stream=stream)
    try:
        logging.getLogger("lienthong.test").info("báo cáo %s", "nhận", extra={"node": "n1"})
    finally:
        logging.getLogger().removeHandler(handler)
    line = json.loads(stream.getvalue().strip())
    assert (line["message"], line["node"], line["level"]) == ("báo cáo nhận", "n1", "info")
