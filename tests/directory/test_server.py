"""The directory served over real TLS on loopback: the configuration endpoints and the admin API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from directory.directory_servers import (
    AFTER,
    BEFORE,
    REORG,
    Clock,
    Directory,
    pre_reorganisation,
    running_directory,
)
from lienthong.directory import (
    BASE_HEADER,
    CONTENT_TYPE,
    VERSION_HEADER,
    CodeClosed,
    verify_configuration,
)
from support.pki import Tls, certificate_pem


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def directory(database_url: str, tmp_path: Path, tls: Tls, clock: Clock) -> Iterator[Directory]:
    with running_directory(
        database_url, tmp_path / "home", tls, clock=clock, seed=pre_reorganisation()
    ) as running:
        yield running


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _problem(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    # The sentence, and the message as data when it is one (``lienthong.net.problem``).
    assert set(body) in ({"code", "message"}, {"code", "message", "message_code", "params"}), body
    assert body["message"]
    return str(body["code"])


def test_config_full_and_delta_over_https(directory: Directory, tls: Tls, clock: Clock) -> None:
    anchor = directory.key.anchor(directory="lienthong")
    with tls.client() as client:
        full = client.get(f"{directory.url}/v1/config")
        assert full.status_code == 200
        assert full.http_version == "HTTP/2"
        assert full.headers["content-type"] == CONTENT_TYPE
        version = int(full.headers[VERSION_HEADER])
        held = verify_configuration(full.content, anchor, at=clock())
        assert held.version == version and full.headers["etag"]

        # The same version is served from the cache: the same signed bytes, or 304.
        again = client.get(f"{directory.url}/v1/config")
        assert again.content == full.content
        unchanged = client.get(f"{directory.url}/v1/config", headers={"If-None-Match": full.headers["etag"]})
        assert unchanged.status_code == 304 and not unchanged.content

        directory.registry.add_node("hanoi", "https://hn.example", serves=["000.00.00.H26"], actor="t")
        delta = client.get(f"{directory.url}/v1/config", params={"since": version})
        assert delta.status_code == 200 and delta.headers[BASE_HEADER] == str(version)
        assert int(delta.headers[VERSION_HEADER]) == version + 1
        merged = verify_configuration(delta.content, anchor, at=clock(), current=held)
        assert merged.node_for("000.00.03.H26", at=clock()).name == "hanoi"
        assert len(delta.content) < len(full.content)
        assert client.get(f"{directory.url}/v1/config").content != full.content  # re-signed for v+1

        # Half the validity later, the same version is signed again with a later expiry.
        newest = client.get(f"{directory.url}/v1/config")
        clock.advance(timedelta(hours=37))
        resigned = client.get(f"{directory.url}/v1/config")
        assert resigned.headers[VERSION_HEADER] == newest.headers[VERSION_HEADER]
        assert resigned.headers["etag"] != newest.headers["etag"]

        assert _problem(client.get(f"{directory.url}/v1/config?since=abc"), 400) == "request-invalid"
        assert _problem(client.get(f"{directory.url}/v1/config?since=-1"), 400) == "request-invalid"
        assert _problem(client.get(f"{directory.url}/v1/config?since=999999"), 400) == "request-invalid"
        assert _problem(client.get(f"{directory.url}/v1/nothing"), 404) == "not-found"


def test_client_certificates_are_optional_but_verified(directory: Directory, tls: Tls) -> None:
    with tls.client(identity=tls.node) as client:
        assert client.get(f"{directory.url}/v1/config").status_code == 200
    with (
        tls.client(identity=tls.foreign) as client,
        pytest.raises(httpx.TransportError),  # TLS 1.3: the refusal may come at the first write
    ):
        client.get(f"{directory.url}/v1/config")


def test_admin_api_needs_a_token_and_the_scope(directory: Directory, tls: Tls) -> None:
    url = f"{directory.url}/v1/admin"
    node = {"name": "bac-giang", "peer_url": "https://bg.example", "serves": ["000.00.00.H02"]}
    with tls.client() as client:
        unauthenticated = client.post(f"{url}/nodes", json=node)
        assert _problem(unauthenticated, 401) == "authentication-required"
        assert unauthenticated.headers["www-authenticate"].startswith("Bearer")
        forged = "ltadm_0123456789abcdef_" + "A" * 43
        assert _problem(client.post(f"{url}/nodes", json=node, headers=_auth(forged)), 401)
        assert _problem(client.get(f"{url}/nodes", headers={"Authorization": "Basic eDp5"}), 401)
        wrong_scope = client.post(f"{url}/nodes", json=node, headers=_auth(directory.tokens["auditor"]))
        assert _problem(wrong_scope, 403) == "scope-missing"

        alice = _auth(directory.tokens["alice"])
        created = client.post(f"{url}/nodes", json=node, headers=alice)
        assert created.status_code == 201, created.text
        assert created.json()["serves"] == ["000.00.00.H02"]
        assert client.get(f"{url}/nodes/bac-giang", headers=alice).json()["peer_url"] == "https://bg.example"
        assert _problem(client.post(f"{url}/nodes", json=node, headers=alice), 409) == "directory-conflict"
        assert _problem(client.get(f"{url}/nodes/nowhere", headers=alice), 404) == "directory-entry-unknown"
        assert (
            _problem(client.post(f"{url}/nodes", json={"name": 1}, headers=alice), 400) == "request-invalid"
        )
        agency = {"code": "000.00.07.H05", "name": "Sở mới", "contact": "so@example.vn"}
        assert client.post(f"{url}/agencies", json=agency, headers=alice).status_code == 201
        bad_code = client.post(f"{url}/agencies", json={"code": "99.G22"}, headers=alice)
        assert _problem(bad_code, 422) == "code-malformed"
        # Certificates, anchors and CRLs need scopes alice lacks.
        binding = {"code": "000.00.00.H05", "certificate_pem": certificate_pem("signer")}
        assert _problem(client.post(f"{url}/certificates", json=binding, headers=alice), 403)
        audit = client.get(f"{url}/audit", params={"subject": "bac-giang"}, headers=alice).json()
        assert [(entry["actor"], entry["action"]) for entry in audit] == [("alice", "node.add")]
        assert client.delete(f"{url}/nodes/bac-giang", headers=alice).status_code == 204
    assert [e.actor for e in directory.registry.audit(subject="000.00.07.H05")] == ["alice"]


def test_the_2025_reorganisation_through_the_api(directory: Directory, tls: Tls, clock: Clock) -> None:
    url = f"{directory.url}/v1/admin"
    alice = _auth(directory.tokens["alice"])
    anchor = directory.key.anchor(directory="lienthong")
    with tls.client() as client:
        for name, code in (("bac-giang", "000.00.00.H02"), ("bac-ninh", "000.00.00.H05")):
            node = {"name": name, "peer_url": f"https://{name}.example", "serves": [code]}
            assert client.post(f"{url}/nodes", json=node, headers=alice).status_code == 201
        before = verify_configuration(client.get(f"{directory.url}/v1/config").content, anchor, at=clock())
        assert before.node_for("000.00.00.H02", at=AFTER).name == "bac-giang"  # not yet reorganised

        applied = client.post(
            f"{url}/reorganize", content=REORG.read_bytes(), headers={**alice, "Content-Type": "text/csv"}
        )
        assert applied.status_code == 200, applied.text
        assert applied.json()["changed"] >= 29
        empty = client.post(f"{url}/reorganize", content=b"", headers={**alice, "Content-Type": "text/csv"})
        assert _problem(empty, 400) == "request-invalid"

        after = verify_configuration(client.get(f"{directory.url}/v1/config").content, anchor, at=clock())
        shown = client.get(f"{url}/agencies/000.00.00.H02", params={"at": "2025-07-01"}, headers=alice)
        assert (shown.json()["deliverable"], shown.json()["successor"]) == (False, "000.00.00.H05")
    assert after.version > before.version
    assert after.node_for("000.00.00.H02", at=BEFORE).name == "bac-giang"
    with pytest.raises(CodeClosed) as closed:
        after.node_for("000.00.00.H02", at=AFTER)
    assert closed.value.successor == "000.00.00.H05"
    assert after.node_for("000.00.00.H05", at=AFTER).name == "bac-ninh"
    assert "alice" in {e.actor for e in directory.registry.audit(subject="000.00.00.H02")}


def test_the_admin_api_binds_a_seal_certificate_to_a_node(directory: Directory, tls: Tls) -> None:
    url = f"{directory.url}/v1/admin"
    alice = _auth(directory.tokens["alice"])
    seal = certificate_pem("bac-giang seal")
    node = {"name": "bac-giang", "peer_url": "https://bg.example", "seal_certificate_pem": seal}
    with tls.client() as client:
        created = client.post(f"{url}/nodes", json=node, headers=alice)
        assert created.status_code == 201, created.text
        assert client.get(f"{url}/nodes/bac-giang", headers=alice).json()["seal_certificate_pem"] == seal
        bad = client.post(
            f"{url}/nodes", json={**node, "name": "x", "seal_certificate_pem": "no"}, headers=alice
        )
        assert bad.status_code == 422
    assert directory.registry.node("bac-giang").seal_certificate_pem == seal


def test_the_admin_api_publishes_a_node_next_tls_certificate(directory: Directory, tls: Tls) -> None:
    url = f"{directory.url}/v1/admin"
    alice = _auth(directory.tokens["alice"])
    following = certificate_pem("bac-giang tls next")
    node = {"name": "bac-giang", "peer_url": "https://bg.example", "next_tls_certificate_pem": following}
    with tls.client() as client:
        created = client.post(f"{url}/nodes", json={**node, "replace": True}, headers=alice)
        assert created.status_code == 201, created.text
        read = client.get(f"{url}/nodes/bac-giang", headers=alice).json()
        assert read["next_tls_certificate_pem"] == following
        bad = client.post(
            f"{url}/nodes", json={**node, "name": "x", "next_tls_certificate_pem": "no"}, headers=alice
        )
        assert bad.status_code == 422
    assert directory.registry.node("bac-giang").next_tls_certificate_pem == following
