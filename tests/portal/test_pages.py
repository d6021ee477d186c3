"""The portal's pages through a real directory over TLS: Vietnamese by default, English on
request (remembered), figures equal to the stored reports, CSV for Excel, the admin view behind
a login, and bad form input answered next to the field."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import unicodedata
from datetime import timedelta
from pathlib import Path

import httpx

from directory.directory_servers import Clock, running_directory
from lienthong._i18n import language, set_language
from lienthong.edxml import VIETNAM_TZ
from lienthong.net import client_context
from lienthong.statistics import StatisticsClient, load_node_key, sign_report
from portal.portal_support import HANOI, NODE, register_node, report
from support.pki import Tls


def _browser(tls: Tls) -> httpx.Client:
    return httpx.Client(verify=client_context(anchors=tls.root), timeout=30, follow_redirects=True)


def _text(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>([^<]*)', html)
    assert found, element_id
    return found.group(1).strip()


def test_portal_pages(database_url: str, tmp_path: Path, tls: Tls) -> None:
    clock = Clock()
    with running_directory(database_url, tmp_path / "dir", tls, clock=clock) as directory:
        register_node(directory.registry, tls)
        node_tls = client_context(anchors=tls.root, certificate=tls.node[0], key=tls.node[1])
        with StatisticsClient(directory.url, tls=node_tls) as client:
            client.send(report(tls, sent=1200))  # 29 June: this month
            client.send(report(tls, sent=30, day=clock().date()))
        portal = f"{directory.url}/portal"
        with _browser(tls) as browser:
            page = browser.get(f"{portal}/")
            assert page.status_code == 200
            html = page.text
            assert unicodedata.normalize("NFC", "Văn bản trong tháng") in html
            assert 'lang="vi"' in html
            assert _text(html, "month-documents") == "1.230"
            assert _text(html, "total-documents") == "1.230"
            assert _text(html, "signed-share") == "100,0 %"
            assert _text(html, "median") == "7,5 giây"  # 10 s lies in the (5, 10] bucket: its middle
            connected, registered = _text(html, "connected").split("/")
            assert int(connected) == 1
            assert int(registered) > 90
            assert "/portal/static/vendor/chart.umd.min.js" in html
            assert browser.get(f"{portal}/static/vendor/chart.umd.min.js").text.startswith("/*!")

            english = browser.get(f"{portal}/?lang=en")
            assert "Documents this month" in english.text
            assert _text(english.text, "month-documents") == "1,230"
            assert '<html lang="en">' in browser.get(f"{portal}/agencies").text  # remembered
            browser.get(f"{portal}/?lang=vi")

            table = browser.get(f"{portal}/agencies", params={"q": "hà nội", "level": "1"})
            assert table.status_code == 200
            assert HANOI in table.text
            assert "000.00.00.G22" not in table.text

            exported = browser.get(f"{portal}/agencies.csv", params={"sort": "documents"})
            assert exported.content.startswith(b"\xef\xbb\xbf")
            rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
            first = rows[0]
            assert (first["code"], first["sent_and_received"], first["sent"]) == (HANOI, "1230", "1230")
            assert unicodedata.normalize("NFC", "Hà Nội") in first["name"]
            assert len(rows) > 90

            # The admin view: refused without a login; bad input is answered next to the field.
            assert browser.get(f"{portal}/admin").status_code == 401
            empty = browser.post(f"{portal}/login", data={"token": ""})
            assert empty.status_code == 422
            assert 'id="token-error"' in empty.text
            assert 'aria-invalid="true"' in empty.text
            wrong = browser.post(f"{portal}/login", data={"token": "ltadm_0000000000000000_" + "x" * 43})
            assert wrong.status_code == 422
            assert "token-error" in wrong.text
            logged = browser.post(f"{portal}/login", data={"token": directory.tokens["alice"]})
            assert logged.status_code == 200  # followed the redirect to /portal/admin
            assert "node-a" in logged.text
            assert "2027" in logged.text  # certificate expiry of the node
            csrf = re.search(r'name="csrf" value="([^"]+)"', logged.text)
            assert csrf
            form = {"csrf": csrf.group(1), "code": HANOI, "issued_on": "2025-13-40", "reference": ""}
            bad = browser.post(f"{portal}/admin/regulations", data=form)
            assert bad.status_code == 422
            assert 'id="issued_on-error"' in bad.text
            assert f'value="{HANOI}"' in bad.text  # what was typed stays
            bad_code = browser.post(f"{portal}/admin/regulations", data={**form, "code": "abc"})
            assert 'id="code-error"' in bad_code.text
            # The registry's refusal reads in the page's language, whatever the process speaks.
            ahead = {**form, "issued_on": "2999-01-01"}
            before = language()
            set_language("en")
            try:
                future = browser.post(f"{portal}/admin/regulations", data=ahead)
            finally:
                set_language(before)
            assert future.status_code == 422 and 'id="code-error"' in future.text
            assert unicodedata.normalize("NFC", "Ngày ban hành 2999-01-01 ở tương lai.") in future.text
            set_language("vi")
            try:
                future = browser.post(f"{portal}/admin/regulations?lang=en", data=ahead)
            finally:
                set_language(before)
            assert future.status_code == 422 and "The day 2999-01-01 is in the future." in future.text
            browser.get(f"{portal}/?lang=vi")
            good = browser.post(f"{portal}/admin/regulations", data={**form, "issued_on": "2019-03-01"})
            assert good.status_code == 200
            assert 'role="status"' in good.text
            assert browser.post(f"{portal}/admin/regulations", data={**form, "csrf": "x"}).status_code == 403

            overview = browser.get(f"{portal}/").text
            issued, provinces = _text(overview, "regulations-H").split("/")
            assert int(issued) == 1
            assert int(provinces) > 30
            assert _text(overview, "regulations-G").startswith("0/")

        # Admin API for the same dates, bearer token.
        with tls.client() as api:
            answer = api.get(
                f"{directory.url}/v1/admin/regulations",
                headers={"Authorization": f"Bearer {directory.tokens['alice']}"},
            )
            assert answer.status_code == 200
            assert answer.json()[0]["code"] == HANOI
            assert api.get(f"{directory.url}/v1/admin/regulations").status_code == 401


SECURITY_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
}


def test_every_portal_and_directory_answer_carries_the_security_headers(
    database_url: str, tmp_path: Path, tls: Tls
) -> None:
    with running_directory(database_url, tmp_path / "dir", tls, clock=Clock()) as directory:
        portal = f"{directory.url}/portal"
        with _browser(tls) as browser:
            answers = {
                "page": browser.get(f"{portal}/"),
                "login": browser.get(f"{portal}/login"),
                "script": browser.get(f"{portal}/static/portal.js"),
                "csv": browser.get(f"{portal}/agencies.csv"),
                "missing": browser.get(f"{portal}/no-such-page"),
                "statistics refused": browser.post(f"{directory.url}/v1/statistics", content=b"{}"),
                "configuration": browser.get(f"{directory.url}/v1/configuration"),
                "metrics": browser.get(f"{directory.url}/metrics"),
            }
    for name, answer in answers.items():
        for header, value in SECURITY_HEADERS.items():
            assert answer.headers.get(header) == value, (name, answer.status_code, header)
        csp = answer.headers.get("content-security-policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, (name, csp)
        assert "unsafe-inline" not in csp and "http" not in csp, (name, csp)
    page = answers["page"].text
    # Nothing inline that the policy would block: scripts and styles are files of the portal.
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", page), "inline script"
    assert "<style" not in page and " style=" not in page and not re.search(r" on[a-z]+=", page)


def test_each_node_shows_its_data_as_of_and_not_reporting_after_two_intervals(
    database_url: str, tmp_path: Path, tls: Tls
) -> None:
    clock = Clock()
    key = load_node_key(tls.node[1])
    with running_directory(database_url, tmp_path / "dir", tls, clock=clock) as directory:
        register_node(directory.registry, tls)
        node_tls = client_context(anchors=tls.root, certificate=tls.node[0], key=tls.node[1])
        portal = f"{directory.url}/portal"
        with StatisticsClient(directory.url, tls=node_tls) as client, _browser(tls) as browser:
            stated = dataclasses.replace(report(tls, sent=3, day=clock().date()).report, interval=60.0)
            client.send(sign_report(stated, key))
            received = clock().astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M")
            html = browser.get(f"{portal}/").text
            assert _text(html, f"as-of-{NODE}") == received  # Vietnam's time: 08:00, not 01:00 UTC
            assert _text(html, f"state-{NODE}") == unicodedata.normalize("NFC", "đang báo cáo")

            clock.advance(timedelta(seconds=119))  # within two of its 60 s intervals
            assert _text(browser.get(f"{portal}/?lang=en").text, f"state-{NODE}") == "reporting"

            clock.advance(timedelta(seconds=2))  # past two intervals: not reporting
            silent = browser.get(f"{portal}/?lang=en").text
            assert re.search(rf'id="state-{NODE}"><strong class="warn">not reporting<', silent)

            # The heartbeat: the same figures as a new revision; the node reports again.
            client.send(sign_report(dataclasses.replace(stated, sequence=2, generated_at=clock()), key))
            again = browser.get(f"{portal}/?lang=en").text
            assert _text(again, f"state-{NODE}") == "reporting"
            assert _text(again, f"as-of-{NODE}") == clock().astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M")

            # A node too old to state its interval is judged by the default (300 s).
            client.send(sign_report(dataclasses.replace(stated, sequence=3, interval=None), key))
            clock.advance(timedelta(seconds=599))
            assert _text(browser.get(f"{portal}/?lang=en").text, f"state-{NODE}") == "reporting"
            clock.advance(timedelta(seconds=2))
            assert "not reporting" in browser.get(f"{portal}/?lang=en").text
