"""Telling the directory about a certificate ``install`` put in place, through its admin API.

A node's TLS certificate, or its seal certificate, replaces the one in the node's entry
(``POST /v1/admin/nodes`` with ``replace``, keeping its URL, subtrees and other certificate as
the directory has them: peers accept receipts sealed by the seal certificate the entry binds);
an agency's signing certificate is bound to its code (``POST /v1/admin/certificates``) beside
the old one, which stays valid until it is unbound or expires.

Without an admin token, ``admin_commands`` gives the ``lienthong directory`` commands the
directory's administrator runs instead.
"""

from __future__ import annotations

import shlex
import ssl
from dataclasses import dataclass
from typing import Any

import httpx
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong._i18n import msg
from lienthong.net import client_context
from lienthong.node._enrol import Installed
from lienthong.node._errors import NodeError
from lienthong.node._home import NodeHome
from lienthong.node._runtime import NodeRuntime
from lienthong.trust import CertificateProfile

#: Seconds to wait for the directory: an operator is waiting at a terminal.
TIMEOUT = 30.0


@dataclass(frozen=True)
class Registration:
    """What the directory now records: the route called and the answer's status."""

    route: str
    status: int


def register(home: NodeHome, installed: Installed, *, token: str, tls: ssl.SSLContext) -> Registration | None:
    """Register ``installed`` with the directory of ``home``."""
    if home.directory_url is None:
        raise NodeError(msg("node-enrol-no-directory"))
    pem = installed.certificate.public_bytes(Encoding.PEM).decode("ascii")
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=home.directory_url, verify=tls, headers=headers, timeout=TIMEOUT) as client:
        if installed.purpose.profile in (CertificateProfile.TLS, CertificateProfile.SEAL):
            entry = _call(client, "GET", f"/v1/admin/nodes/{home.name}")
            seal = installed.purpose.profile is CertificateProfile.SEAL
            current = seal or installed.pending  # the TLS certificate published now stays
            body = {
                "name": home.name,
                "peer_url": entry["peer_url"],
                "serves": entry["serves"],
                # The entry is rewritten whole: the certificate not installed now stays as it was.
                "tls_certificate_pem": entry.get("tls_certificate_pem") if current else pem,
                "seal_certificate_pem": pem if seal else entry.get("seal_certificate_pem"),
                # A next TLS certificate is published beside the current one, which peers keep
                # accepting; one put in place is the current one: a rollover published before ends.
                "next_tls_certificate_pem": (
                    pem if installed.pending else entry.get("next_tls_certificate_pem") if seal else None
                ),
                "replace": True,
            }
            _call(client, "POST", "/v1/admin/nodes", body)
            return Registration("/v1/admin/nodes", 201)
        if installed.purpose.profile is CertificateProfile.AGENCY:
            body = {"code": installed.purpose.agency_code, "certificate_pem": pem}
            _call(client, "POST", "/v1/admin/certificates", body)
            return Registration("/v1/admin/certificates", 201)
    return None


def _call(client: httpx.Client, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    try:
        response = client.request(method, path, json=body)
    except httpx.HTTPError as exc:
        raise NodeError(
            msg("node-enrol-directory-unreachable", url=str(client.base_url), reason=str(exc))
        ) from exc
    if response.status_code >= 400:
        try:
            detail = str(response.json().get("detail") or response.json().get("title") or "")
        except ValueError:
            detail = response.text[:200]
        raise NodeError(
            msg("node-enrol-directory-refused", status=str(response.status_code), path=path, detail=detail)
        )
    return response.json() if response.content else None


def admin_commands(home: NodeHome, installed: Installed) -> list[str]:
    """The commands the directory's administrator runs to register ``installed``."""
    path = shlex.quote(str(installed.certificate_path))
    if installed.purpose.profile is CertificateProfile.AGENCY:
        return [f"lienthong directory certificates bind {installed.purpose.agency_code} {path}"]
    with NodeRuntime(home) as runtime:
        nodes = runtime.node().configuration.content.nodes
    entry = next((n for n in nodes if n.name == home.name), None)
    url = entry.peer_url if entry else "URL"
    serves = "".join(f" --serves {code}" for code in (entry.subtrees if entry else ()))
    # ``nodes add --replace`` rewrites the entry whole: both certificates are named.
    current = installed.purpose.profile is CertificateProfile.SEAL or installed.pending
    tls = shlex.quote(str(home.certificate_path)) if current else path
    if installed.purpose.profile is CertificateProfile.SEAL:
        seal: str | None = path
    else:
        seal = shlex.quote(str(home.seal_certificate_path)) if home.seal_certificate_path else None
    certificates = f" --tls-cert {tls}" + (f" --seal-cert {seal}" if seal else "")
    if installed.pending:
        certificates += f" --next-tls-cert {path}"
    return [f"lienthong directory nodes add {home.name} {shlex.quote(url)}{serves}{certificates} --replace"]


def directory_tls(home: NodeHome) -> ssl.SSLContext:
    """A client context for the directory: its TLS anchors, and the node's certificate."""
    if home.directory_tls_anchors is None:
        raise NodeError(msg("node-home-no-directory-anchors"))
    fullchain = home.home / "run" / "fullchain.pem"
    fullchain.parent.mkdir(exist_ok=True)
    parts = [home.certificate_path.read_bytes(), *(p.read_bytes() for p in home.chain_paths)]
    fullchain.write_bytes(b"".join(p if p.endswith(b"\n") else p + b"\n" for p in parts))
    return client_context(
        anchors=home.directory_tls_anchors, certificate=fullchain, key=home.key_path, http2=False
    )
