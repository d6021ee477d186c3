"""The portal admin's registry pages through a real directory over TLS: each change made in a page
is the change the admin API makes (same registry rows, same audit action) with the logged-in
admin as its actor; a refusal comes back next to its field (422) and stores nothing; pages and
forms are refused without a login (401), without the scope or the CSRF token (403)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from directory.directory_servers import BEFORE, Clock, Directory, running_directory
from lienthong.directory import AdminFile, Scope
from lienthong.edxml import VIETNAM_TZ
from lienthong.net import client_context
from portal.portal_support import HANOI, node_certificate_pem, register_node
from support.pki import Tls, certificate_pem, crl_pem, self_signed, stray_key

NEW = "000.00.01.H26"  # a level-2 unit under Hà Nội
HEIR = "000.00.02.H26"


@contextmanager
def _directory(database_url: str, folder: Path, tls: Tls) -> Iterator[tuple[Directory, str]]:
    """A directory with one more admin, ``root``, holding every scope; yields it and its token."""
    clock = Clock()
    with running_directory(database_url, folder, tls, clock=clock) as directory:
        _admin, token = AdminFile.in_home(folder).add("root", frozenset(Scope), at=clock())
        yield directory, token


@contextmanager
def _login(directory: Directory, tls: Tls, token: str) -> Iterator[httpx.Client]:
    """A browser logged in to the portal with ``token``."""
    with httpx.Client(
        base_url=f"{directory.url}/portal",
        verify=client_context(anchors=tls.root),
        timeout=30,
        follow_redirects=True,
    ) as browser:
        assert browser.post("/login", data={"token": token}).status_code == 200
        yield browser


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


def _api(directory: Directory, tls: Tls, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{directory.url}/v1/admin",
        verify=client_context(anchors=tls.root),
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def _has_error(html: str, field: str) -> bool:
    return f'id="{field}-error"' in html


def test_agencies_opened_and_closed_in_the_page_as_through_the_api(
    database_url: str, tmp_path: Path, tls: Tls
) -> None:
    with _directory(database_url, tmp_path / "dir", tls) as (directory, token):
        registry = directory.registry
        with _login(directory, tls, token) as browser, _api(directory, tls, token) as api:
            found = browser.get("/admin/agencies", params={"q": "ha noi"})  # no diacritics typed
            assert found.status_code == 200 and HANOI in found.text
            csrf = _csrf(found.text)

            # Refusals next to their fields; nothing stored.
            form = {
                "csrf": csrf,
                "code": NEW,
                "name": "Sở Nội vụ",
                "parent": "000.00.00.G22",
                "valid_from": "",
            }
            wrong_parent = browser.post("/admin/agencies", data=form)
            assert wrong_parent.status_code == 422 and _has_error(wrong_parent.text, "parent")
            bad_code = browser.post("/admin/agencies", data={**form, "code": "000.00.1.H26", "parent": ""})
            assert bad_code.status_code == 422 and _has_error(bad_code.text, "code")
            assert 'value="000.00.1.H26"' in bad_code.text  # what was typed stays
            bad_day = browser.post(
                "/admin/agencies", data={**form, "parent": HANOI, "valid_from": "2025-02-30"}
            )
            assert bad_day.status_code == 422 and _has_error(bad_day.text, "valid_from")
            assert not [entry for entry in registry.snapshot().agencies if entry.code == NEW]

            opened = browser.post(
                "/admin/agencies", data={**form, "parent": HANOI, "valid_from": "2025-01-01"}
            )
            assert opened.status_code == 200 and str(opened.url).endswith(f"/admin/agencies/{NEW}?saved=1")
            assert 'role="status"' in opened.text
            again = browser.post("/admin/agencies", data={**form, "parent": HANOI})
            assert again.status_code == 422 and _has_error(again.text, "code")  # already open

            # The same change through the API: the same row, but for the code and the actor.
            made = api.post("/agencies", json={"code": HEIR, "name": "Sở Nội vụ", "valid_from": "2025-01-01"})
            assert made.status_code == 201
            (by_page,), (by_api,) = registry.agency(NEW), registry.agency(HEIR)
            assert (by_page.name, by_page.valid_from, by_page.valid_to) == (
                by_api.name,
                by_api.valid_from,
                None,
            )

            # Close with a successor: an unknown one and a bad day are refused, nothing changes.
            close = {"csrf": csrf, "on": "2025-07-01", "successor": "000.00.09.H26"}
            unknown = browser.post(f"/admin/agencies/{NEW}/close", data=close)
            assert unknown.status_code == 422 and _has_error(unknown.text, "successor")
            bad_on = browser.post(f"/admin/agencies/{NEW}/close", data={**close, "on": "1/7/2025"})
            assert bad_on.status_code == 422 and _has_error(bad_on.text, "on")
            assert registry.agency(NEW)[-1].valid_to is None

            closed = browser.post(f"/admin/agencies/{NEW}/close", data={**close, "successor": HEIR})
            assert closed.status_code == 200
            assert 'id="agency-state">sẽ đóng từ ngày 01/07/2025<' in closed.text  # the test clock: 30 June
            assert f'id="agency-successor"><a href="/portal/admin/agencies/{HEIR}"' in closed.text
            assert (registry.agency(NEW)[-1].valid_to, registry.agency(NEW)[-1].successor) == (
                date(2025, 7, 1),
                HEIR,
            )
            twice = browser.post(f"/admin/agencies/{NEW}/close", data={**close, "successor": HEIR})
            assert twice.status_code == 422 and _has_error(twice.text, "on")  # a closed code stays closed

            through_api = api.post(f"/agencies/{HEIR}/close", json={"on": "2025-07-01", "successor": NEW})
            assert through_api.status_code == 200
            assert registry.agency(HEIR)[-1].successor == NEW

            assert browser.get("/admin/agencies/000.00.00.H99").status_code == 404
        audit = [(e.actor, e.action, e.subject) for e in registry.audit(limit=10) if e.actor == "root"]
        assert audit == [
            ("root", "agency.close", HEIR),
            ("root", "agency.close", NEW),
            ("root", "agency.add", HEIR),
            ("root", "agency.add", NEW),
        ]


def test_nodes_added_edited_and_removed_in_the_page(database_url: str, tmp_path: Path, tls: Tls) -> None:
    with _directory(database_url, tmp_path / "dir", tls) as (directory, token):
        registry = directory.registry
        pem = node_certificate_pem(tls).encode()
        with _login(directory, tls, token) as browser:
            csrf = _csrf(browser.get("/admin/nodes").text)
            form = {"csrf": csrf, "name": "node-a", "peer_url": "https://node-a.example", "serves": HANOI}
            bad_pem = browser.post("/admin/nodes", data=form, files={"tls": ("a.pem", b"not a certificate")})
            assert bad_pem.status_code == 422 and _has_error(bad_pem.text, "tls")
            bad_url = browser.post(
                "/admin/nodes", data={**form, "peer_url": "ftp://x"}, files={"tls": ("a.pem", pem)}
            )
            assert bad_url.status_code == 422 and _has_error(bad_url.text, "peer_url")
            bad_code = browser.post("/admin/nodes", data={**form, "serves": "H26"})
            assert bad_code.status_code == 422 and _has_error(bad_code.text, "serves")
            assert registry.nodes() == []

            added = browser.post("/admin/nodes", data=form, files={"tls": ("a.pem", pem)})
            assert added.status_code == 200 and "node-a" in added.text
            expiry = x509.load_pem_x509_certificate(pem).not_valid_after_utc.astimezone(VIETNAM_TZ)
            assert expiry.strftime("%d/%m/%Y %H:%M") in added.text  # the list shows when it expires
            node = registry.node("node-a")
            assert node.subtrees == (HANOI,) and node.tls_certificate_pem is not None

            # Another node may not take Hà Nội unasked; asked, it moves there.
            other = {**form, "name": "node-b", "peer_url": "https://node-b.example"}
            taken = browser.post("/admin/nodes", data=other)
            assert taken.status_code == 422 and _has_error(taken.text, "serves")
            assert [n.name for n in registry.nodes()] == ["node-a"]

            # An edit without a new certificate keeps the node's own; it cannot take others' codes unasked.
            browser.post("/admin/nodes", data={**other, "serves": "000.00.00.G22"})
            edit = {"csrf": csrf, "peer_url": "https://a.example/v2", "serves": f"{HANOI}\n000.00.00.G22"}
            refused = browser.post("/admin/nodes/node-a", data=edit)
            assert refused.status_code == 422 and _has_error(refused.text, "serves")
            edited = browser.post("/admin/nodes/node-a", data={**edit, "serves": HANOI})
            assert edited.status_code == 200
            node = registry.node("node-a")
            assert node.peer_url == "https://a.example/v2" and node.tls_certificate_pem is not None
            moved = browser.post("/admin/nodes/node-a", data={**edit, "take_subtrees": "1"})
            assert moved.status_code == 200
            assert registry.node("node-a").subtrees == ("000.00.00.G22", HANOI)

            removed = browser.post("/admin/nodes/node-b/remove", data={"csrf": csrf})
            assert removed.status_code == 200
            assert [n.name for n in registry.nodes()] == ["node-a"]
            gone = browser.post("/admin/nodes/node-b/remove", data={"csrf": csrf})
            assert gone.status_code == 422 and _has_error(gone.text, "remove")
        actions = [e.action for e in registry.audit(limit=20, actor="root")]
        assert actions == ["node.remove", "node.replace", "node.replace", "node.add", "node.add"]


def test_certificates_bound_and_crls_uploaded_in_the_page(
    database_url: str, tmp_path: Path, tls: Tls
) -> None:
    with _directory(database_url, tmp_path / "dir", tls) as (directory, token):
        registry = directory.registry
        signer = certificate_pem("Văn thư Hà Nội").encode()
        with _login(directory, tls, token) as browser, _api(directory, tls, token) as api:
            csrf = _csrf(browser.get("/admin/certificates").text)
            form = {"csrf": csrf, "code": HANOI}
            bad = browser.post(
                "/admin/certificates", data=form, files={"certificate": ("c.pem", b"-----BEGIN")}
            )
            assert bad.status_code == 422 and _has_error(bad.text, "certificate")
            empty = browser.post("/admin/certificates", data=form)
            assert empty.status_code == 422 and _has_error(empty.text, "certificate")
            unknown = browser.post(
                "/admin/certificates",
                data={**form, "code": "000.00.00.H99"},
                files={"certificate": ("c.pem", signer)},
            )
            assert unknown.status_code == 422 and _has_error(unknown.text, "code")
            assert registry.snapshot().bindings == ()

            bound = browser.post("/admin/certificates", data=form, files={"certificate": ("c.pem", signer)})
            assert bound.status_code == 200
            (binding,) = registry.snapshot().bindings
            assert binding.fingerprint[:16] in bound.text and "CN=Văn thư Hà Nội" in bound.text
            # The API binds the same certificate to the same code: the same binding.
            api.post("/certificates", json={"code": HANOI, "certificate_pem": signer.decode()})
            (again,) = registry.snapshot().bindings
            same = (again.fingerprint, again.code, again.certificate_pem, again.subtree)
            assert same == (binding.fingerprint, HANOI, binding.certificate_pem, False)
            unbound = browser.post(
                "/admin/certificates/unbind",
                data={"csrf": csrf, "fingerprint": binding.fingerprint, "code": HANOI},
            )
            assert unbound.status_code == 200 and registry.snapshot().bindings == ()

            # CRLs: the CA's new CRL is how a certificate is revoked (the page says so).
            key = stray_key()
            root = self_signed("Root CA", key)
            registry.add_anchor(root.public_bytes(Encoding.PEM).decode(), actor="setup")
            page = browser.get("/admin/crls")
            assert 'id="revoke-note"' in page.text
            stranger = browser.post(
                "/admin/crls", data={"csrf": csrf}, files={"crl": ("x.crl", crl_pem("Root CA").encode())}
            )
            assert stranger.status_code == 422 and _has_error(stranger.text, "crl")
            garbage = browser.post(
                "/admin/crls", data={"csrf": csrf}, files={"crl": ("x.crl", b"\x30\x03junk")}
            )
            assert garbage.status_code == 422 and _has_error(garbage.text, "crl")
            assert registry.snapshot().crls == ()
            uploaded = browser.post(
                "/admin/crls",
                data={"csrf": csrf},
                files={"crl": ("x.crl", crl_pem("Root CA", key=key).encode())},
            )
            assert uploaded.status_code == 200
            (crl,) = registry.snapshot().crls
            assert crl.issuer == "CN=Root CA" and 'id="crl-list"' in uploaded.text
        actions = [e.action for e in registry.audit(limit=20, actor="root")]
        assert actions == ["crl.put", "certificate.unbind", "certificate.bind", "certificate.bind"]


def test_pages_refuse_without_login_scope_or_csrf(database_url: str, tmp_path: Path, tls: Tls) -> None:
    with _directory(database_url, tmp_path / "dir", tls) as (directory, token):
        registry = directory.registry
        anonymous = httpx.Client(base_url=f"{directory.url}/portal", verify=client_context(anchors=tls.root))
        with anonymous:
            for page in ("agencies", "nodes", "certificates", "crls", "audit", "audit.csv"):
                assert anonymous.get(f"/admin/{page}").status_code == 401, page
            assert anonymous.post("/admin/agencies", data={"code": NEW}).status_code == 401
            # An upload is not even read without a session.
            upload = anonymous.post("/admin/crls", files={"crl": ("x.crl", b"x" * 1000)})
            assert upload.status_code == 401
        with _login(directory, tls, directory.tokens["auditor"]) as auditor:
            assert auditor.get("/admin/agencies").status_code == 403
            assert auditor.get("/admin/audit").status_code == 200
            assert auditor.get("/admin/certificates").status_code == 200  # readable by any admin
            csrf = _csrf(auditor.get("/admin").text)
            assert auditor.post("/admin/agencies", data={"csrf": csrf, "code": NEW}).status_code == 403
        with _login(directory, tls, directory.tokens["alice"]) as alice:
            page = alice.get("/admin/certificates").text
            assert 'action="/portal/admin/certificates"' not in page  # no form she could not use
            signer = certificate_pem("x").encode()
            refused = alice.post(
                "/admin/certificates",
                data={"csrf": _csrf(alice.get("/admin/agencies").text), "code": HANOI},
                files={"certificate": ("c", signer)},
            )
            assert refused.status_code == 403
        with _login(directory, tls, token) as root:
            forged = root.post("/admin/agencies", data={"csrf": "forged", "code": NEW, "name": "x"})
            assert forged.status_code == 403
            english = root.get("/admin/crls", params={"lang": "en"})
            assert '<html lang="en">' in english.text and "Upload a CRL" in english.text
            too_big = b"x" * (5 * 1024 * 1024)  # over the admin API's cap for a file
            over = root.post(
                "/admin/crls", data={"csrf": _csrf(english.text)}, files={"crl": ("x.crl", too_big)}
            )
            assert over.status_code == 413
            assert registry.snapshot().crls == ()
        assert not [entry for entry in registry.snapshot().agencies if entry.code == NEW]
        assert registry.snapshot().bindings == ()


def test_audit_view_filters_pages_and_exports(database_url: str, tmp_path: Path, tls: Tls) -> None:
    with _directory(database_url, tmp_path / "dir", tls) as (directory, token):
        registry = directory.registry
        for number in range(1, 56):
            registry.add_agency(f"000.00.{number:02d}.H26", name=f"Đơn vị {number}", actor="root")
        registry.add_node("node-x", "https://x.example", serves=[HANOI], actor="alice")
        with _login(directory, tls, directory.tokens["auditor"]) as browser:
            first = browser.get("/admin/audit", params={"actor": "root", "kind": "agency"})
            assert first.status_code == 200
            rows = re.findall(r"<tr><td>", first.text)
            assert len(rows) == 50 and 'rel="next"' in first.text and "000.00.55.H26" in first.text
            second = browser.get("/admin/audit", params={"actor": "root", "kind": "agency", "page": "2"})
            assert len(re.findall(r"<tr><td>", second.text)) == 5 and 'rel="next"' not in second.text
            assert "000.00.01.H26" in second.text
            nodes = browser.get("/admin/audit", params={"kind": "node"})
            assert "node-x" in nodes.text and "000.00.01.H26" not in nodes.text
            bad = browser.get("/admin/audit", params={"from": "2025-99-01"})
            assert bad.status_code == 422 and _has_error(bad.text, "from")

            exported = browser.get("/admin/audit.csv", params={"actor": "root"})
            assert exported.content.startswith(b"\xef\xbb\xbf")
            table = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
            assert len(table) == 55 and table[0]["subject"] == "000.00.55.H26"
            document = json.loads(browser.get("/admin/audit.json", params={"kind": "node"}).content)
            assert [(e["actor"], e["action"], e["subject"]) for e in document] == [
                ("alice", "node.add", "node-x")
            ]
            expected = [entry.version for entry in registry.audit(limit=1000, actor="root")]
            assert [int(row["version"]) for row in table] == expected
        # The admin API reads the same log with the same filters.
        with _api(directory, tls, token) as api:
            answer = api.get("/audit", params={"actor": "alice", "action": "node"})
            assert [(e["actor"], e["action"]) for e in answer.json()] == [("alice", "node.add")]


def test_a_reorganisation_csv_imported_in_the_page_as_through_the_api(
    database_url: str, tmp_path: Path, tls: Tls
) -> None:
    reorganisation = (
        "old_code,old_name,successor_code,successor_name,effective\r\n"
        f"{NEW},Sở Nội vụ,{HEIR},Sở Nội vụ và Lao động,2025-09-01\r\n"
    ).encode()
    with _directory(database_url, tmp_path / "dir", tls) as (directory, token):
        registry = directory.registry
        for code in (NEW, HEIR):
            registry.add_agency(code, name="Sở", actor="setup")
        with _login(directory, tls, token) as browser:
            csrf = _csrf(browser.get("/admin/agencies").text)
            empty = browser.post("/admin/agencies/import", data={"csrf": csrf, "reorganize": "1"})
            assert empty.status_code == 422 and _has_error(empty.text, "csv")
            records = browser.post(
                "/admin/agencies/import",
                data={"csrf": csrf, "reorganize": "1"},
                files={"csv": ("r.csv", b"code,name\r\n000.00.03.H26,x\r\n")},
            )
            assert records.status_code == 422 and _has_error(records.text, "csv")  # not a reorganisation
            assert registry.agency(NEW)[-1].valid_to is None
            done = browser.post(
                "/admin/agencies/import",
                data={"csrf": csrf, "reorganize": "1"},
                files={"csv": ("r.csv", reorganisation)},
            )
            assert done.status_code == 200 and 'id="imported"' in done.text
        closed = registry.agency(NEW)[-1]
        assert (closed.valid_to, closed.successor) == (date(2025, 9, 1), HEIR)
        (entry,) = registry.audit(limit=1, subject=NEW, actor="root")
        assert entry.action == "agency.reorganize"
        with _api(directory, tls, token) as api:  # the API, given the same file: nothing left to change
            again = api.post("/reorganize", content=reorganisation, headers={"Content-Type": "text/csv"})
            assert again.json() == {"changed": 0}


def test_certificates_show_their_days_left_and_warn_near_and_past_their_end(
    database_url: str, tmp_path: Path, tls: Tls
) -> None:
    """The bindings, nodes and CRLs (anchors) pages give each certificate's days left by the directory's clock,
    and say in words (not colour only) when fewer than 30 remain or none."""
    with _directory(database_url, tmp_path / "dir", tls) as (directory, token):
        registry, now = directory.registry, BEFORE
        soon = self_signed("Sắp hết", not_before=now - timedelta(days=10), days=20)
        past = self_signed("Đã hết", not_before=now - timedelta(days=40), days=20)
        for certificate in (soon, past):
            registry.bind_certificate(HANOI, certificate.public_bytes(Encoding.PEM).decode(), actor="test")
        register_node(registry, tls)
        root = x509.load_pem_x509_certificate(tls.root.read_bytes())
        registry.add_anchor(root.public_bytes(Encoding.PEM).decode(), actor="test")
        root_days = (root.not_valid_after_utc - now).days
        node_days = (
            x509.load_pem_x509_certificate(node_certificate_pem(tls).encode()).not_valid_after_utc - now
        ).days
        with _login(directory, tls, token) as browser:
            page = browser.get("/admin/certificates").text
            english = browser.get("/admin/certificates", params={"lang": "en"}).text
            nodes = browser.get("/admin/nodes", params={"lang": "vi"}).text
            node = browser.get("/admin/nodes/node-a").text
            crls = browser.get("/admin/crls").text
    assert re.search(r'<strong class="warn expiry" data-days="10">Sắp hết hạn: còn 10 ngày</strong>', page), (
        page
    )
    assert re.search(r'<strong class="warn expiry" data-days="-20">Đã hết hạn</strong>', page)
    assert "Expires soon: 10 days left" in english and ">Expired</strong>" in english
    assert f'data-days="{root_days}"' in crls  # the trust anchors too
    for html in (nodes, node):
        assert (
            f'<span class="hint expiry" data-days="{node_days}">còn {node_days:,} ngày</span>'.replace(
                ",", "."
            )
            in html
        )
