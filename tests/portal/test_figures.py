"""The portal's figures as a person reads them, over a real directory on loopback TLS: documents
counted once beside deliveries, sent and received; sub-second and short durations readable; a
footer that says when the figures are from; sort labels in words; search without diacritics; CSV
times in Vietnam's time like the page."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from directory.directory_servers import Clock, Directory, running_directory
from lienthong._i18n import fold
from lienthong.net import client_context
from lienthong.portal._words import duration
from lienthong.statistics import (
    Incoming,
    Outgoing,
    SignedReport,
    StatisticsClient,
    build_report,
    load_node_key,
    sign_report,
)
from portal.portal_support import DAY, HANOI, NODE, register_node, report
from support.pki import Tls

NOI_VU = "000.00.00.G09"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _text(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>([^<]*)', html)
    assert found, element_id
    return found.group(1).strip()


@dataclass
class Portal:
    directory: Directory
    clock: Clock
    tls: Tls
    browser: httpx.Client

    @property
    def url(self) -> str:
        return f"{self.directory.url}/portal"

    def send(self, *reports: SignedReport) -> None:
        node_tls = client_context(anchors=self.tls.root, certificate=self.tls.node[0], key=self.tls.node[1])
        with StatisticsClient(self.directory.url, tls=node_tls) as client:
            for item in reports:
                client.send(item)

    def page(self, path: str = "/", **params: str) -> str:
        answer = self.browser.get(f"{self.url}{path}", params=params)
        assert answer.status_code == 200, answer.text
        return answer.text


@pytest.fixture
def portal(database_url: str, tmp_path: Path, tls: Tls) -> Iterator[Portal]:
    clock = Clock()
    with running_directory(database_url, tmp_path / "dir", tls, clock=clock) as directory:
        register_node(directory.registry, tls)
        with httpx.Client(verify=client_context(anchors=tls.root), timeout=30) as browser:
            yield Portal(directory, clock, tls, browser)


def _hanoi_day(tls: Tls, *, sent: int, recipients: int, received: int, latency: timedelta) -> SignedReport:
    """Hà Nội's day: ``sent`` documents each to ``recipients`` codes, delivered after ``latency``,
    and ``received`` documents in."""
    start = datetime(DAY.year, DAY.month, DAY.day, 2, 0, tzinfo=UTC)
    codes = ("000.00.00.G22", "000.00.00.H02", NOI_VU)[:recipients]
    outgoing = [
        Outgoing(f"out-{index}", code, start, delivered_at=start + latency)
        for index in range(sent)
        for code in codes
    ]
    incoming = [Incoming(f"in-{index}", "000.00.00.G22", start) for index in range(received)]
    built = build_report(
        node=NODE,
        agency=HANOI,
        day=DAY,
        sequence=1,
        generated_at=start + timedelta(hours=20),
        outgoing=outgoing,
        incoming=incoming,
    )
    return sign_report(built, load_node_key(tls.node[1]))


def test_overview_counts_each_document_once_beside_deliveries_sent_and_received(portal: Portal) -> None:
    portal.send(_hanoi_day(portal.tls, sent=5, recipients=3, received=4, latency=timedelta(seconds=3)))
    html = portal.page("/")
    for period in ("month", "total"):
        # Five documents, not nine (sent + received): each once, whatever its three recipients.
        assert _text(html, f"{period}-documents") == "5"
        assert _text(html, f"{period}-deliveries") == "15"
        assert _text(html, f"{period}-sent") == "5"
        assert _text(html, f"{period}-received") == "4"
    assert nfc("Lượt chuyển đến nơi nhận") in html
    assert nfc("mỗi văn bản tính một lần") in _text(html, "how-counted")
    english = portal.page("/", lang="en")
    assert "Deliveries to recipients" in english
    assert "each document counts once" in _text(english, "how-counted")
    table = portal.page("/agencies", q=HANOI, lang="vi")
    assert nfc("Lượt chuyển đến nơi nhận") in table and "how-counted" in table


def test_median_under_a_second_reads_in_milliseconds_and_under_ten_with_one_decimal(portal: Portal) -> None:
    portal.send(_hanoi_day(portal.tls, sent=4, recipients=1, received=0, latency=timedelta(milliseconds=300)))
    # All in the (0, 1] s bucket: the median is its middle, 0.5 s; it read "0 giây".
    assert _text(portal.page("/"), "median") == "500 ms"
    assert _text(portal.page("/", lang="en"), "median") == "500 ms"


@pytest.mark.parametrize(
    ("seconds", "vi", "en"),
    [
        (0.35, "350 ms", "350 ms"),
        (0.9996, "1,0 giây", "1.0 s"),
        (2.44, "2,4 giây", "2.4 s"),
        (9.96, "10 giây", "10 s"),
        (45, "45 giây", "45 s"),
        (600, "10 phút", "10 min"),
        (9000, "2,5 giờ", "2.5 h"),
    ],
)
def test_durations_read_in_milliseconds_one_decimal_or_whole_units(seconds: float, vi: str, en: str) -> None:
    assert (duration(seconds, "vi"), duration(seconds, "en")) == (nfc(vi), en)


def test_footer_says_nodes_report_every_few_minutes_and_the_time_of_the_latest(portal: Portal) -> None:
    before = portal.page("/")
    assert nfc("hằng ngày") not in before and "vài phút một lần" in nfc(before)
    assert _text(before, "as-of") == nfc("Chưa có điểm kết nối nào báo cáo.")
    portal.clock.advance(timedelta(minutes=3))  # 30/06/2025 01:03 UTC: 08:03 in Vietnam
    portal.send(report(portal.tls, sent=1))
    assert _text(portal.page("/"), "as-of") == nfc("Số liệu tính đến báo cáo gần nhất lúc 30/06/2025 08:03.")
    english = portal.page("/agencies", lang="en")
    assert "every few minutes" in english and "reported daily" not in english
    assert _text(english, "as-of") == "Figures as of the latest report, at 30/06/2025 08:03."


def test_sort_labels_are_words_in_both_languages(portal: Portal) -> None:
    def labels(html: str) -> list[str]:
        select = re.search(r'<select id="sort".*?</select>', html, re.S)
        assert select
        return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0))

    vi = labels(portal.page("/agencies"))
    en = labels(portal.page("/agencies", lang="en"))
    assert vi[:3] == [nfc("Mã định danh"), nfc("Tên cơ quan"), nfc("Đã gửi và nhận")]
    assert en[:3] == ["Code", "Name", "Sent and received"]
    raw = {"code", "name", "documents", "deliveries", "sent", "received", "signed", "activity"}
    assert not raw & set(vi) and not raw & set(en)
    assert nfc("Hoạt động gần nhất") in vi and "Last activity" in en


@pytest.mark.parametrize("query", ["noi vu", "NOI VU", "Bo Noi Vu", nfc("bộ nội vụ"), "g09"])
def test_search_finds_agencies_without_diacritics_and_in_any_case(portal: Portal, query: str) -> None:
    found = portal.page("/agencies", q=query)
    assert NOI_VU in found and nfc("Bộ Nội vụ") in found
    assert HANOI not in found


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Bộ Nội vụ", "bo noi vu"), ("UBND thành phố Đà Nẵng", "ubnd thanh pho da nang"), ("ĐỒNG", "dong")],
)
def test_fold_strips_marks_maps_d_with_stroke_and_case(text: str, folded: str) -> None:
    assert fold(nfc(text)) == folded
    assert fold(unicodedata.normalize("NFD", text)) == folded  # however the text was composed


def test_search_maps_d_with_stroke_to_d(portal: Portal) -> None:
    assert "000.00.00.H17" in portal.page("/agencies", q="da nang")  # UBND thành phố Đà Nẵng
    assert "000.00.00.H17" in portal.page("/agencies", q="ĐA NANG")


def test_csv_times_are_vietnams_with_their_offset_as_on_the_page(portal: Portal) -> None:
    portal.send(report(portal.tls, sent=2))  # last activity 29 June 02:00:10 UTC
    rows = list(
        csv.reader(io.StringIO(portal.browser.get(f"{portal.url}/agencies.csv").content.decode("utf-8-sig")))
    )
    header, hanoi = rows[0], next(row for row in rows if row[0] == HANOI)
    column = header.index("last_activity (UTC+07:00)")
    assert hanoi[column] == "2025-06-29T09:00:10+07:00"
    assert datetime.fromisoformat(hanoi[column]) == datetime(2025, 6, 29, 2, 0, 10, tzinfo=UTC)
    assert "29/06/2025 09:00" in portal.page("/agencies", q=HANOI)  # the page says the same time


def test_the_cli_counts_each_document_once_as_the_portal_does(portal: Portal, database_url: str) -> None:
    import json

    from typer.testing import CliRunner

    from lienthong.cli import app

    portal.send(_hanoi_day(portal.tls, sent=5, recipients=3, received=4, latency=timedelta(seconds=3)))
    runner = CliRunner()
    shown = runner.invoke(app, ["directory", "statistics", "show", "--json", "--db", database_url])
    assert shown.exit_code == 0, shown.output
    figures = json.loads(shown.output)
    # Five documents, not nine (sent + received), beside their fifteen deliveries.
    assert (figures["documents_total"], figures["deliveries_total"]) == (5, 15)
    text = runner.invoke(app, ["directory", "statistics", "show", "--db", database_url]).output
    assert nfc("Tổng số văn bản đã gửi") in text
