"""``diagnose``: what ``lienthong node doctor`` checks, as data, in the order it is printed.

Each check is a ``Finding``: which check (``code``), its ``Severity`` and a catalogue message
with its figures; the CLI renders them in the user's language. Nothing here raises for a
broken home: a check that cannot run is itself a finding (FAIL), so an operator always gets the
whole list. The database is opened but never migrated (``NodeRuntime`` would migrate it and
hide the very thing the migrations check looks for).

FAIL is kept for what stops documents (an expired or revoked certificate, a configuration that
does not verify, a peer or the directory out of reach, a schema behind the code); WARN for what
will, soon (expiry within ``warn_days``, a configuration near its end, a clock drifting, an
online revocation service not answering).
"""

from __future__ import annotations

import enum
import hashlib
import secrets
import ssl
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
from asn1crypto import algos, tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp

from lienthong._clock import Clock, utc_now
from lienthong._i18n import Message, msg
from lienthong.directory import Configuration, load_pinned_anchor, verify_configuration
from lienthong.errors import LienthongError, message_of
from lienthong.net import client_context
from lienthong.node._home import NodeHome
from lienthong.node._wire import PACKAGES_PATH
from lienthong.store import StoreError, current_revision, head_revision, open_database
from lienthong.trust import load_certificates, ocsp_urls

#: Days before a certificate's end from which it is a warning.
WARN_DAYS = 30
#: Seconds the clock may differ from the directory's before it is a warning, then a failure.
CLOCK_WARN = 30.0
CLOCK_FAIL = 300.0
#: The configuration is a warning once less than this share of its validity remains.
CONFIGURATION_WARN_SHARE = 0.25


class Severity(enum.Enum):
    OK = "OK"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of the diagnosis."""

    #: Which check, kebab-case: ``configuration``, ``certificate``, ``peer``, …
    code: str
    severity: Severity
    #: What was found, with its figures (a subject, days left, a peer's URL).
    message: Message


@dataclass(frozen=True, slots=True)
class Diagnosis:
    findings: tuple[Finding, ...]

    @property
    def failed(self) -> bool:
        return any(f.severity is Severity.FAIL for f in self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)


@dataclass(frozen=True, slots=True)
class _Held:
    """A certificate the node uses and what for."""

    role: str
    certificate: x509.Certificate


def diagnose(
    home: NodeHome,
    *,
    clock: Clock = utc_now,
    timeout: float = 5.0,
    warn_days: int = WARN_DAYS,
    timestamp_urls: Sequence[str] = (),
) -> Diagnosis:
    """Run every check on ``home``; network checks wait ``timeout`` seconds at most each, the
    peers all at once. ``timestamp_urls``: RFC 3161 services the node's agencies use (a home
    names none: they are given to ``sign-pdf --tsa``), each asked for a real time-stamp."""
    now = clock()
    findings: list[Finding] = []
    configuration = _configuration(home, now, findings)
    findings.append(_migrations(home))
    held = _held(home, configuration, findings)
    findings.extend(_certificate(item, configuration, now, warn_days) for item in held)
    with _Client(home, configuration, timeout) as client:
        if home.directory_url:  # asked even when the cached configuration is refused: it mends that
            findings.extend(_directory(client, home.directory_url, clock))
        if configuration is not None:
            findings.extend(_peers(client, home, configuration))
    findings.extend(_ocsp(held, timeout))
    findings.extend(_ask_tsa(url, timeout) for url in timestamp_urls)
    return Diagnosis(tuple(findings))


# -- configuration and database ---------------------------------------------------------------


def _configuration(home: NodeHome, now: datetime, findings: list[Finding]) -> Configuration | None:
    # With a directory the file is the cache the node keeps, by default in its home.
    path = home.configuration_path or (home.home / "configuration.json" if home.directory_url else None)
    if home.anchor_path is None or path is None:
        findings.append(Finding("configuration", Severity.FAIL, msg("doctor-configuration-unset")))
        return None
    try:
        anchor = load_pinned_anchor(home.anchor_path)  # the key switched to, once pinned
        data = path.read_bytes()
        configuration = verify_configuration(data, anchor, at=now)
    except OSError as exc:
        reason: Message | str = exc.strerror or str(exc)
        findings.append(
            Finding("configuration", Severity.FAIL, msg("doctor-configuration-bad", reason=reason))
        )
        return None
    except LienthongError as exc:
        reason = message_of(exc)
        findings.append(
            Finding("configuration", Severity.FAIL, msg("doctor-configuration-bad", reason=reason))
        )
        return None
    content = configuration.content
    left = content.expires_at - now
    span = content.expires_at - content.issued_at
    severity = Severity.WARN if left < span * CONFIGURATION_WARN_SHARE else Severity.OK
    findings.append(
        Finding(
            "configuration",
            severity,
            msg(
                "doctor-configuration",
                version=configuration.version,
                age=_hours(now - content.issued_at),
                left=_hours(left),
            ),
        )
    )
    return configuration


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f}"


def _migrations(home: NodeHome) -> Finding:
    head = head_revision()
    try:
        database = open_database(home.database_url)
        try:
            current = current_revision(database)
        finally:
            database.close()
    except StoreError as exc:
        return Finding("migrations", Severity.FAIL, msg("doctor-database-unreadable", reason=message_of(exc)))
    if current != head:
        return Finding(
            "migrations", Severity.FAIL, msg("doctor-migrations-behind", current=current or "-", head=head)
        )
    return Finding("migrations", Severity.OK, msg("doctor-migrations-current", head=head))


# -- certificates -----------------------------------------------------------------------------


def _held(home: NodeHome, configuration: Configuration | None, findings: list[Finding]) -> list[_Held]:
    """The certificates the node relies on: its TLS certificate and chain, its agencies'
    signing certificates, the directory's configuration certificate, the network's anchors."""
    files: list[tuple[str, Path]] = [
        ("tls", home.certificate_path),
        *(("chain", path) for path in home.chain_paths),
        *(("signer", cert) for _code, _key, cert in home.signer_paths),
    ]
    if home.anchor_path is not None:
        try:
            files_anchor = load_pinned_anchor(home.anchor_path).certificate
        except (OSError, LienthongError):
            files_anchor = None  # the configuration check has said why
    else:
        files_anchor = None
    held: list[_Held] = []
    for role, path in files:
        try:
            held.extend(_Held(role, certificate) for certificate in load_certificates(path))
        except (OSError, ValueError, LienthongError) as exc:
            findings.append(
                Finding(
                    "certificate",
                    Severity.FAIL,
                    msg("doctor-certificate-unreadable", path=str(path), reason=str(exc)),
                )
            )
    if files_anchor is not None:
        held.append(_Held("configuration-signing", files_anchor))
    if configuration is not None:
        for anchor in configuration.content.anchors:
            held.append(
                _Held("anchor", x509.load_pem_x509_certificate(anchor.certificate_pem.encode("ascii")))
            )
    seen: set[bytes] = set()
    unique = []
    for item in held:
        der = item.certificate.public_bytes(Encoding.DER)
        if der not in seen:
            seen.add(der)
            unique.append(item)
    return unique


#: What each role is called in a line people read.
_ROLES: dict[str, Message] = {
    "tls": msg("doctor-role-tls"),
    "chain": msg("doctor-role-chain"),
    "signer": msg("doctor-role-signer"),
    "configuration-signing": msg("doctor-role-configuration-signing"),
    "anchor": msg("doctor-role-anchor"),
}


def subject_of(certificate: x509.Certificate) -> str:
    """The certificate's common name, else its whole subject (RFC 4514)."""
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()


def days_left(certificate: x509.Certificate, now: datetime) -> int:
    """Whole days until the certificate ends; negative once it has."""
    return (certificate.not_valid_after_utc - now) // timedelta(days=1)


def _revoked(certificate: x509.Certificate, configuration: Configuration | None) -> bool:
    if configuration is None:
        return False
    for listed in configuration.content.crls:
        crl = x509.load_pem_x509_crl(listed.crl_pem.encode("ascii"))
        if crl.issuer == certificate.issuer and (
            crl.get_revoked_certificate_by_serial_number(certificate.serial_number) is not None
        ):
            return True
    return False


def _certificate(item: _Held, configuration: Configuration | None, now: datetime, warn_days: int) -> Finding:
    certificate = item.certificate
    params: dict[str, object] = {
        "role": _ROLES.get(item.role, item.role),
        "subject": subject_of(certificate),
        "serial": f"{certificate.serial_number:x}",
    }
    days = days_left(certificate, now)
    if _revoked(certificate, configuration):
        return Finding("certificate", Severity.FAIL, msg("doctor-certificate-revoked", **params))
    if certificate.not_valid_after_utc <= now or certificate.not_valid_before_utc > now:
        return Finding("certificate", Severity.FAIL, msg("doctor-certificate-expired", **params))
    severity = Severity.WARN if days < warn_days else Severity.OK
    return Finding("certificate", severity, msg("doctor-certificate-days", days=days, **params))


# -- the network ------------------------------------------------------------------------------


class _Client:
    """HTTP clients the node itself would use: trusting the network's anchors, presenting its
    TLS certificate (peers ask for one; the directory takes one)."""

    def __init__(self, home: NodeHome, configuration: Configuration | None, timeout: float) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="lienthong-doctor-")
        folder = Path(self._folder.name)
        self.timeout = timeout
        fullchain = folder / "fullchain.pem"
        try:
            parts = [home.certificate_path.read_bytes(), *(p.read_bytes() for p in home.chain_paths)]
        except OSError:
            parts = []  # the certificate checks have said why; the handshake below says it fails
        fullchain.write_bytes(b"".join(p if p.endswith(b"\n") else p + b"\n" for p in parts))
        anchors = folder / "anchors.pem"
        held = configuration.content.anchors if configuration is not None else ()
        anchors.write_text("".join(a.certificate_pem.rstrip("\n") + "\n" for a in held), encoding="ascii")
        self.peers = self._context(anchors, fullchain, home.key_path)
        directory_anchors = home.directory_tls_anchors or anchors
        self.directory = self._context(directory_anchors, fullchain, home.key_path)

    @staticmethod
    def _context(anchors: Path, certificate: Path, key: Path) -> ssl.SSLContext | Message:
        try:
            return client_context(anchors=anchors, certificate=certificate, key=key, http2=False)
        except (OSError, ValueError) as exc:
            return msg("doctor-tls-unusable", reason=str(exc))

    def get(self, context: ssl.SSLContext | Message, url: str) -> httpx.Response | Message:
        """The answer to ``GET url``, or why there was none."""
        if isinstance(context, Message):
            return context
        try:
            with httpx.Client(verify=context, timeout=self.timeout) as client:
                return client.get(url)
        except httpx.HTTPError as exc:
            return msg("doctor-unreachable-reason", kind=type(exc).__name__, detail=str(exc) or "-")

    def __enter__(self) -> _Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._folder.cleanup()


def _directory(client: _Client, url: str, clock: Clock) -> list[Finding]:
    answer = client.get(client.directory, url.rstrip("/") + "/v1/config")
    if isinstance(answer, Message):
        return [
            Finding("directory", Severity.FAIL, msg("doctor-directory-unreachable", url=url, reason=answer))
        ]
    findings = [
        Finding(
            "directory", Severity.OK, msg("doctor-directory-reachable", url=url, status=answer.status_code)
        )
    ]
    findings.append(_clock(answer.headers.get("date"), clock()))
    return findings


def _clock(date: str | None, now: datetime) -> Finding:
    """Our clock against the directory's ``Date`` (whole seconds: a second's difference is noise)."""
    try:
        theirs = parsedate_to_datetime(date) if date else None
    except (TypeError, ValueError):
        theirs = None
    if theirs is None or theirs.tzinfo is None:
        return Finding("clock", Severity.WARN, msg("doctor-clock-unknown"))
    offset = (now - theirs).total_seconds()
    size = abs(offset)
    severity = Severity.FAIL if size > CLOCK_FAIL else Severity.WARN if size > CLOCK_WARN else Severity.OK
    return Finding("clock", severity, msg("doctor-clock", offset=round(offset)))


def _peers(client: _Client, home: NodeHome, configuration: Configuration) -> list[Finding]:
    peers = sorted((n for n in configuration.content.nodes if n.name != home.name), key=lambda n: n.name)
    if not peers:
        return []

    def probe(name: str, url: str) -> Finding:
        # Any HTTP answer proves the handshake (our certificate accepted, theirs trusted) and the
        # endpoint serving; a GET on the packages route is refused (405) without side effects.
        answer = client.get(client.peers, url.rstrip("/") + PACKAGES_PATH)
        if isinstance(answer, Message):
            return Finding(
                "peer", Severity.FAIL, msg("doctor-peer-unreachable", peer=name, url=url, reason=answer)
            )
        if answer.status_code >= 500:
            return Finding(
                "peer",
                Severity.FAIL,
                msg("doctor-peer-failing", peer=name, url=url, status=answer.status_code),
            )
        return Finding("peer", Severity.OK, msg("doctor-peer-reachable", peer=name, url=url))

    with ThreadPoolExecutor(max_workers=min(16, len(peers))) as pool:
        return list(pool.map(lambda n: probe(n.name, n.peer_url), peers))


def _ocsp(held: Sequence[_Held], timeout: float) -> list[Finding]:
    """Each OCSP responder named by the node's own certificates, asked about one of them: a
    good or revoked answer both prove the service works (revocation itself is the CRL's check)."""
    issuers = [item.certificate for item in held if item.role == "chain"]
    asked: dict[str, tuple[x509.Certificate, x509.Certificate]] = {}
    for item in held:
        if item.role not in ("tls", "signer"):
            continue
        issuer = next((c for c in issuers if c.subject == item.certificate.issuer), None)
        for url in ocsp_urls(item.certificate):
            if issuer is not None:
                asked.setdefault(url, (item.certificate, issuer))
    return [_ask_ocsp(url, subject, issuer, timeout) for url, (subject, issuer) in sorted(asked.items())]


def _ask_ocsp(url: str, certificate: x509.Certificate, issuer: x509.Certificate, timeout: float) -> Finding:
    request = ocsp.OCSPRequestBuilder().add_certificate(certificate, issuer, hashes.SHA256()).build()
    try:
        answer = httpx.post(
            url,
            content=request.public_bytes(Encoding.DER),
            headers={"content-type": "application/ocsp-request"},
            timeout=timeout,
        )
        status = ocsp.load_der_ocsp_response(answer.content).response_status
    except httpx.HTTPError as exc:
        reason = msg("doctor-unreachable-reason", kind=type(exc).__name__, detail=str(exc) or "-")
        return Finding("ocsp", Severity.WARN, msg("doctor-ocsp-unreachable", url=url, reason=reason))
    except ValueError:
        return Finding("ocsp", Severity.WARN, msg("doctor-ocsp-garbled", url=url))
    if status is not ocsp.OCSPResponseStatus.SUCCESSFUL:
        return Finding("ocsp", Severity.WARN, msg("doctor-ocsp-refused", url=url, status=status.name))
    return Finding("ocsp", Severity.OK, msg("doctor-ocsp-answers", url=url))


def _ask_tsa(url: str, timeout: float) -> Finding:
    """A time-stamp of a few bytes, asked for as a signer would: granted is OK, anything else a warning."""
    request = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": tsp.MessageImprint(
                {
                    "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                    "hashed_message": hashlib.sha256(b"lienthong node doctor").digest(),
                }
            ),
            "nonce": secrets.randbits(63),
            "cert_req": True,
        }
    )
    try:
        answer = httpx.post(
            url,
            content=request.dump(),
            headers={"content-type": "application/timestamp-query"},
            timeout=timeout,
        )
        status = str(tsp.TimeStampResp.load(answer.content)["status"]["status"].native)
    except httpx.HTTPError as exc:
        reason = msg("doctor-unreachable-reason", kind=type(exc).__name__, detail=str(exc) or "-")
        return Finding("timestamp", Severity.WARN, msg("doctor-tsa-unreachable", url=url, reason=reason))
    except ValueError:
        return Finding("timestamp", Severity.WARN, msg("doctor-tsa-garbled", url=url))
    if status not in ("granted", "granted_with_mods"):
        return Finding("timestamp", Severity.WARN, msg("doctor-tsa-refused", url=url, status=status))
    return Finding("timestamp", Severity.OK, msg("doctor-tsa-answers", url=url))


def certificates_of(
    home: NodeHome, configuration: Callable[[], Configuration | None]
) -> Iterable[tuple[str, x509.Certificate]]:
    """(role, certificate) of every certificate ``home`` relies on, for ``/metrics``."""
    return [(item.role, item.certificate) for item in _held(home, configuration(), [])]
