"""Enrolment by request: a node makes a key and a PKCS#10 request, and later installs the
certificate a CA issued for it. The private key never leaves the node's home (or its token).

    HOME/requests/          0700: requests waiting for their certificate
      SLUG.json             {"for": "tls" | "seal" | "agency:CODE", "key": …, "csr": …}
      SLUG.key.pem          0600: the new key (unless made elsewhere and named by --key)
      SLUG.csr.pem          the request, to send to the CA

``install`` puts a certificate in place only when its public key is the one a waiting request
was made for, it is valid now and it chains to the network's trust anchors (the configuration
the node uses). The files it replaces are kept as ``*.previous``; each file is replaced
atomically (a reader sees the old file or the new one, never half of one).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from lienthong._i18n import msg
from lienthong.errors import message_of
from lienthong.node._errors import NodeError
from lienthong.node._home import SETTINGS, NodeHome
from lienthong.node._runtime import NodeRuntime
from lienthong.trust import (
    CertificateProfile,
    ChainStatus,
    RequestSubject,
    TrustError,
    agency_code_of,
    build_request,
    certificates_from_bytes,
    is_pkcs11_uri,
    load_certificate,
    new_request_key,
    open_request_key,
    private_directory,
    private_files,
)
from lienthong.trust.hazmat import validate_chain

REQUESTS = "requests"
#: HOME/next-tls: a TLS certificate installed as the next one (``install(next_tls=True)``), with
#: its key and chain, until ``activate`` puts it in place.
NEXT_TLS = "next-tls"


@dataclass(frozen=True)
class Purpose:
    """What a key and its certificate are for: ``tls``, ``seal`` or ``agency:CODE``."""

    profile: CertificateProfile
    agency_code: str | None = None

    @classmethod
    def parse(cls, text: str) -> Purpose:
        kind, _, code = text.strip().partition(":")
        try:
            profile = CertificateProfile(kind)
        except ValueError:
            raise NodeError(msg("node-enrol-purpose-invalid", text=text)) from None
        if (profile is CertificateProfile.AGENCY) != bool(code):
            raise NodeError(msg("node-enrol-purpose-invalid", text=text))
        return cls(profile, code or None)

    def __str__(self) -> str:
        return f"agency:{self.agency_code}" if self.agency_code else self.profile.value

    @property
    def slug(self) -> str:
        return f"agency-{self.agency_code}" if self.agency_code else self.profile.value


@dataclass(frozen=True)
class Request:
    """A request made and waiting for its certificate; ``key`` is a path or a ``pkcs11:`` URI."""

    purpose: Purpose
    key: str
    csr_path: Path


def make_request(
    home: NodeHome,
    purpose: Purpose,
    *,
    key: str | Path | None = None,
    output: Path | None = None,
    dns_names: Sequence[str] = (),
    ip_addresses: Sequence[str] = (),
    agency_name: str | None = None,
) -> Request:
    """Make (or take, with ``key``) the key for ``purpose`` and write its request.

    ``key`` is a PEM file or a ``pkcs11:`` URI; a token key the URI names and the token does not
    hold is made in the token. Without ``key``, an RSA key is made in ``HOME/requests`` (0600).
    """
    folder = private_directory(home.home / REQUESTS)
    if key is not None and is_pkcs11_uri(str(key)) and purpose.profile is CertificateProfile.TLS:
        raise NodeError(msg("node-enrol-tls-in-token"))  # Python's ssl cannot use a token key
    if key is None:
        key = folder / f"{purpose.slug}.key.pem"
        with private_files():  # a request made again keeps the earlier key as *.previous
            _replace(
                key,
                keep=True,
                data=new_request_key().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()),
            )
    subject = _subject(home, purpose, dns_names, ip_addresses, agency_name)
    with open_request_key(key) as opened:
        pem = build_request(opened.public_key, opened.sign, subject)
        spki = opened.public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    csr_path = output or folder / f"{purpose.slug}.csr.pem"
    _replace(csr_path, pem)
    named = str(key) if is_pkcs11_uri(str(key)) else str(Path(key).resolve())
    record = {
        "for": str(purpose),
        "key": named,
        "public_key": spki.decode("ascii"),
        "csr": str(csr_path.resolve()),
    }
    with private_files():
        _replace(folder / f"{purpose.slug}.json", (json.dumps(record, indent=2) + "\n").encode())
    return Request(purpose, named, csr_path)


def _subject(
    home: NodeHome,
    purpose: Purpose,
    dns_names: Sequence[str],
    ip_addresses: Sequence[str],
    agency_name: str | None,
) -> RequestSubject:
    if purpose.profile is CertificateProfile.AGENCY:
        code = str(purpose.agency_code)
        if agency_name is None:  # a renewal keeps the name the current certificate carries
            current = {c: cert for c, _key, cert in home.signer_paths}.get(code)
            names = [] if current is None else _organization(load_certificate(current))
            agency_name = names[0] if names else code
        return RequestSubject(purpose.profile, agency_name, agency_code=code)
    if purpose.profile is CertificateProfile.SEAL:
        return RequestSubject(purpose.profile, home.name)
    if not dns_names and not ip_addresses:  # a renewal keeps the host names it had
        san = _alt_names(load_certificate(home.certificate_path))
        dns_names = san.get_values_for_type(x509.DNSName)
        ip_addresses = [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]
    return RequestSubject(
        purpose.profile, home.name, dns_names=tuple(dns_names), ip_addresses=tuple(ip_addresses)
    )


def _organization(certificate: x509.Certificate) -> list[str]:
    return [str(a.value) for a in certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]


def _alt_names(certificate: x509.Certificate) -> x509.SubjectAlternativeName:
    try:
        return certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return x509.SubjectAlternativeName([])


# -- installing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Installed:
    """A certificate put in place, with the key of its request."""

    purpose: Purpose
    certificate: x509.Certificate
    certificate_path: Path
    #: The key's file, or its ``pkcs11:`` URI.
    key: Path | str
    chain: tuple[x509.Certificate, ...]
    #: A TLS certificate kept as the next one (HOME/next-tls), not in place yet.
    pending: bool = False


def _waiting(home: NodeHome) -> list[tuple[Purpose, Path, dict[str, Any]]]:
    folder = home.home / REQUESTS
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            found.append((Purpose.parse(record["for"]), path, record))
        except (OSError, ValueError, KeyError, TypeError, NodeError):
            continue  # not ours, or damaged: never matched
    return found


def install(
    home: NodeHome,
    certificate: Path,
    *,
    chain: Sequence[Path] = (),
    at: datetime,
    next_tls: bool = False,
) -> Installed:
    """Check ``certificate`` against the waiting requests and the network, then put it in place;
    with ``next_tls``, a TLS certificate is kept in HOME/next-tls instead, until ``activate``."""
    try:
        cert = load_certificate(certificate)
        extra = tuple(c for path in chain for c in certificates_from_bytes(path.read_bytes()))
    except (OSError, ValueError, TrustError) as exc:
        raise NodeError(msg("node-certs-unreadable", reason=message_of(exc))) from exc
    purpose, record_path, record = _request_for(home, cert)
    key = str(record["key"])
    if not _fits(purpose, cert):
        raise NodeError(msg("node-certs-wrong-profile", purpose=str(purpose)))
    if next_tls and purpose.profile is not CertificateProfile.TLS:
        raise NodeError(msg("node-certs-next-not-tls", purpose=str(purpose)))
    _check(home, cert, extra, at=at)
    if next_tls:
        installed = _keep_next(home, purpose, cert, key, extra)
    else:
        installed = _put_in_place(home, purpose, cert, key, extra)
    record_path.unlink()
    return installed


def activate(home: NodeHome, *, at: datetime) -> Installed:
    """Put the TLS certificate kept as the next one (``install(next_tls=True)``) in place."""
    folder = home.home / NEXT_TLS
    if not (folder / "certificate.pem").is_file():
        raise NodeError(msg("node-certs-no-next"))
    try:
        cert = load_certificate(folder / "certificate.pem")
        chain_file = folder / "chain.pem"
        extra = tuple(certificates_from_bytes(chain_file.read_bytes())) if chain_file.is_file() else ()
    except (OSError, ValueError, TrustError) as exc:
        raise NodeError(msg("node-certs-unreadable", reason=message_of(exc))) from exc
    _check(home, cert, extra, at=at)  # still valid, still trusted, not revoked meanwhile
    installed = _put_in_place(home, Purpose(CertificateProfile.TLS), cert, str(folder / "key.pem"), extra)
    shutil.rmtree(folder)  # the key's copy is in place: one copy of a key, not two
    return installed


def _check(
    home: NodeHome, cert: x509.Certificate, extra: tuple[x509.Certificate, ...], *, at: datetime
) -> None:
    """Refuse ``cert`` unless it is valid at ``at`` and chains to the network's anchors."""
    if not cert.not_valid_before_utc <= at <= cert.not_valid_after_utc:
        raise NodeError(
            msg("node-certs-not-valid-now", start=cert.not_valid_before_utc.isoformat(),
                end=cert.not_valid_after_utc.isoformat())
        )  # fmt: skip
    held = tuple(c for path in home.chain_paths for c in certificates_from_bytes(path.read_bytes()))
    with NodeRuntime(home) as runtime:
        node = runtime.node()
        result = validate_chain(cert, anchors=node.anchors, intermediates=extra + held, crls=node.crls, at=at)
    if result.status is not ChainStatus.PASSED:
        raise NodeError(msg("node-certs-chain-refused", status=result.status.value, detail=result.detail))


def _keep_next(
    home: NodeHome, purpose: Purpose, cert: x509.Certificate, key: str, chain: tuple[x509.Certificate, ...]
) -> Installed:
    """HOME/next-tls/{certificate,key,chain}.pem: the next TLS certificate, waiting (0600 in 0700)."""
    folder = home.home / NEXT_TLS
    folder.mkdir(mode=0o700, exist_ok=True)
    with private_files():
        _replace(folder / "key.pem", Path(key).read_bytes())
        _replace(folder / "certificate.pem", cert.public_bytes(Encoding.PEM))
        if chain:
            _replace(folder / "chain.pem", b"".join(c.public_bytes(Encoding.PEM) for c in chain))
        else:
            (folder / "chain.pem").unlink(missing_ok=True)
    if Path(key).parent == home.home / REQUESTS:
        Path(key).unlink()
    return Installed(purpose, cert, folder / "certificate.pem", folder / "key.pem", chain, pending=True)


def _fits(purpose: Purpose, cert: x509.Certificate) -> bool:
    """Whether ``cert`` is usable for ``purpose``, whatever CA issued it: a TLS certificate names
    both ends of mutual TLS in its EKU; an agency's carries its code; a node's carries none."""
    if purpose.profile is CertificateProfile.AGENCY:
        return agency_code_of(cert) == purpose.agency_code
    if agency_code_of(cert) is not None:
        return False
    if purpose.profile is CertificateProfile.TLS:
        try:
            usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except x509.ExtensionNotFound:
            return False  # a TLS certificate says so: a document-signing one says nothing
        return ExtendedKeyUsageOID.SERVER_AUTH in usages and ExtendedKeyUsageOID.CLIENT_AUTH in usages
    return True


def _request_for(home: NodeHome, cert: x509.Certificate) -> tuple[Purpose, Path, dict[str, Any]]:
    public = cert.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    for purpose, path, record in _waiting(home):
        if str(record.get("public_key", "")).encode("ascii", "replace") == public:
            return purpose, path, record
    raise NodeError(msg("node-certs-no-request"))


def _put_in_place(
    home: NodeHome,
    purpose: Purpose,
    cert: x509.Certificate,
    key: str,
    chain: tuple[x509.Certificate, ...],
) -> Installed:
    """Write the certificate (and a file key) where ``node.json`` names them, then node.json.

    A token key stays in its token: ``node.json`` names it by its URI and no file is written.
    """
    settings_path = home.home / SETTINGS
    settings: dict[str, Any] = json.loads(settings_path.read_text(encoding="utf-8"))
    in_token = is_pkcs11_uri(key)
    key_to: Path | str
    if purpose.profile is CertificateProfile.TLS:
        cert_to, key_to = home.certificate_path, home.key_path
    else:
        if purpose.profile is CertificateProfile.SEAL:
            entry = settings.get("seal") or {}
            stem = "seal"
        else:
            entry = (settings.get("signers") or {}).get(purpose.agency_code) or {}
            stem = str(purpose.agency_code)
        cert_to = home.home / entry.get("certificate", f"{stem}.pem")
        current_key = str(entry.get("key", f"{stem}.key.pem"))
        # A file key replaces the file named (or a new one, when a token key was named before).
        key_to = (
            key
            if in_token
            else home.home / (f"{stem}.key.pem" if is_pkcs11_uri(current_key) else current_key)
        )
        updated = {**entry, "key": key_to if in_token else _relative(home, Path(key_to)),
                   "certificate": _relative(home, cert_to)}  # fmt: skip
        if purpose.profile is CertificateProfile.SEAL:
            settings["seal"] = updated
        else:
            settings.setdefault("signers", {})[str(purpose.agency_code)] = updated
    with private_files():
        if not in_token:
            _replace(Path(key_to), Path(key).read_bytes(), keep=True)
        _replace(cert_to, cert.public_bytes(Encoding.PEM), keep=True)
        if chain:
            chain_to = home.home / f"{purpose.slug}.chain.pem"
            _replace(chain_to, b"".join(c.public_bytes(Encoding.PEM) for c in chain), keep=True)
            if purpose.profile is CertificateProfile.SEAL:
                settings["seal"]["chain"] = [_relative(home, chain_to)]
            else:
                settings["chain"] = [_relative(home, chain_to)]
        _replace(settings_path, (json.dumps(settings, ensure_ascii=False, indent=2) + "\n").encode())
    if not in_token and Path(key).parent == home.home / REQUESTS:
        Path(key).unlink()  # its copy is in place: one copy of a key, not two
    return Installed(purpose, cert, cert_to, key_to, chain)


def _relative(home: NodeHome, path: Path) -> str:
    try:
        return str(path.relative_to(home.home))
    except ValueError:
        return str(path.resolve())


def _replace(path: Path, data: bytes, *, keep: bool = False) -> None:
    """Write ``path`` atomically (0600 under ``private_files``); with ``keep``, the file it
    replaces stays as ``path.previous``."""
    temporary = path.with_name(f".{path.name}.new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    if keep and path.exists():  # copied, not moved: ``path`` never goes missing
        shutil.copy2(path, path.with_name(path.name + ".previous"))
    os.replace(temporary, path)
