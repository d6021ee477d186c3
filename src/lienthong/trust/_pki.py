"""A small CA for networks and tests, kept as PEM files in a home directory.

    HOME/
      root.pem  root.key.pem          self-signed root (trust anchor)
      issuing.pem  issuing.key.pem    issuing CA, signed by the root
      tsa.pem  tsa.key.pem            RFC 3161 time-stamping unit
      ocsp.pem  ocsp.key.pem          delegated OCSP responder
      certs/NAME.pem  certs/NAME.key.pem
      revoked.json                    what the issuing CA has revoked, and when
      crl.pem                         latest CRLs (issuing CA's, then root's)
      pki.json                        settings: revocation URLs, CRL number

A production network plugs in its real CA instead: nothing outside this module reads HOME.
HOME and ``certs`` are made 0700 and every file in them 0600: the CA keys are the network's.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

from lienthong._i18n import msg
from lienthong.trust import _certs
from lienthong.trust._certs import Issuer, Locations, RevokedEntry, Validity
from lienthong.trust._constants import AGENCY_CODE_PATTERN
from lienthong.trust._csr import CertificateProfile, CertificateRequest
from lienthong.trust._errors import PkiError
from lienthong.trust._modes import private_directory, private_files
from lienthong.trust._pem import (
    certificate_pem,
    key_pem,
    load_certificate,
    load_private_key,
    write_private,
)
from lienthong.trust._time import aware

_NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclass(frozen=True)
class IssuedCertificate:
    """A certificate issued by the PKI and the files holding it and its key."""

    name: str
    certificate: x509.Certificate
    cert_path: Path
    key_path: Path


class Pki:
    """A root CA and an issuing CA in a directory; issues, revokes and publishes CRLs."""

    def __init__(self, home: str | os.PathLike[str]) -> None:
        """Open an existing PKI home; see ``Pki.init`` to create one."""
        self.home = Path(home)
        if not (self.home / "pki.json").is_file():
            raise PkiError(msg("trust-pki-missing", home=str(self.home)))

    # -- creation ---------------------------------------------------------------------------

    @classmethod
    def init(
        cls,
        home: str | os.PathLike[str],
        *,
        at: datetime,
        name: str = "Lienthong",
        days: int = 3650,
        ocsp_url: str | None = None,
        crl_url: str | None = None,
    ) -> Pki:
        """Create a root CA, an issuing CA, a TSA and an OCSP responder certificate in ``home``."""
        at = aware(at)
        path = Path(home)
        if (path / "pki.json").exists():
            raise PkiError(msg("trust-pki-exists", home=str(path)))
        private_directory(path)
        private_directory(path / "certs")
        root_key = _certs.new_key()
        root = _certs.make_ca(
            _certs.name(f"{name} Root CA", organization=name),
            root_key,
            Validity(at, days),
            path_length=1,
        )
        root_issuer = Issuer(root, root_key)
        issuing_key = _certs.new_key()
        issuing = _certs.make_ca(
            _certs.name(f"{name} Issuing CA", organization=name),
            issuing_key,
            Validity(at, days),
            issuer=root_issuer,
            path_length=0,
        )
        _write_pair(path, "root", root, root_key)
        _write_pair(path, "issuing", issuing, issuing_key)
        issuer = Issuer(issuing, issuing_key)
        for stem, usage, label in (
            ("tsa", ExtendedKeyUsageOID.TIME_STAMPING, "TSA"),
            ("ocsp", ExtendedKeyUsageOID.OCSP_SIGNING, "OCSP"),
        ):
            key = _certs.new_key()
            cert = _certs.make_service_certificate(
                issuer,
                key.public_key(),
                common_name=f"{name} {label}",
                usage=usage,
                validity=Validity(at, days),
            )
            _write_pair(path, stem, cert, key)
        settings = {"name": name, "ocsp_url": ocsp_url, "crl_url": crl_url, "crl_number": 0}
        with private_files():
            (path / "revoked.json").write_text("[]\n")
            (path / "pki.json").write_text(json.dumps(settings, indent=2) + "\n")
            pki = cls(path)
            pki.write_crl(at=at)
        return pki

    # -- files and loaded material -------------------------------------------------------------

    @property
    def root_path(self) -> Path:
        return self.home / "root.pem"

    @property
    def issuing_path(self) -> Path:
        return self.home / "issuing.pem"

    @property
    def crl_path(self) -> Path:
        return self.home / "crl.pem"

    @cached_property
    def root(self) -> x509.Certificate:
        return load_certificate(self.root_path)

    @cached_property
    def issuing(self) -> x509.Certificate:
        return load_certificate(self.issuing_path)

    @cached_property
    def issuer(self) -> Issuer:
        """The issuing CA with its key, loaded once."""
        return Issuer(self.issuing, load_private_key(self.home / "issuing.key.pem"))

    def service(self, stem: str) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
        """Certificate and key of the ``tsa`` or ``ocsp`` service."""
        if stem not in {"tsa", "ocsp"}:
            raise PkiError(msg("trust-pki-no-service", service=stem))
        return load_certificate(self.home / f"{stem}.pem"), load_private_key(self.home / f"{stem}.key.pem")

    def _settings(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.home / "pki.json").read_text())
        return loaded

    def _locations(self, ocsp_url: str | None) -> Locations:
        settings = self._settings()
        return Locations(ocsp_url=ocsp_url or settings.get("ocsp_url"), crl_url=settings.get("crl_url"))

    # -- issuing ----------------------------------------------------------------------------------

    def issue_agency(
        self,
        agency_code: str,
        agency_name: str,
        *,
        at: datetime,
        days: int = 730,
        name: str | None = None,
        ocsp_url: str | None = None,
    ) -> IssuedCertificate:
        """A document-signing certificate for an agency; ``name`` defaults to the code."""
        if not AGENCY_CODE_PATTERN.match(agency_code):
            raise PkiError(msg("trust-pki-agency-code-invalid", code=agency_code))
        key = _certs.new_key()
        cert = _certs.make_agency_certificate(
            self.issuer,
            key.public_key(),
            agency_code=agency_code,
            agency_name=agency_name,
            validity=Validity(at, days),
            locations=self._locations(ocsp_url),
        )
        return self._store(name or agency_code, cert, key)

    def issue_node(
        self,
        node_name: str,
        *,
        at: datetime,
        days: int = 730,
        dns_names: tuple[str, ...] = ("localhost",),
        ip_addresses: tuple[str, ...] = ("127.0.0.1",),
    ) -> IssuedCertificate:
        """A TLS certificate for a node (server and client authentication)."""
        key = _certs.new_key()
        cert = _certs.make_node_certificate(
            self.issuer,
            key.public_key(),
            node_name=node_name,
            validity=Validity(at, days),
            dns_names=dns_names,
            ip_addresses=ip_addresses,
            locations=self._locations(None),
        )
        return self._store(node_name, cert, key)

    def issue_request(
        self,
        request: CertificateRequest,
        *,
        at: datetime,
        days: int = 730,
        name: str | None = None,
    ) -> tuple[x509.Certificate, Path]:
        """Certify a checked request (``read_request``); the key stays with whoever asked.

        Only the request's checked facts and public key are used: extensions are the CA's.
        The certificate is kept as ``certs/NAME.pem`` (``name`` defaults to the agency code
        or the node's name, with ``-seal`` for a seal; a renewal's adds ``-SERIAL``).
        """
        asked = request.subject
        validity = Validity(at, days)
        if asked.profile is CertificateProfile.AGENCY:
            assert asked.agency_code is not None  # read_request checked it
            cert = _certs.make_agency_certificate(
                self.issuer,
                request.public_key,
                agency_code=asked.agency_code,
                agency_name=asked.name,
                validity=validity,
                locations=self._locations(None),
            )
            stem = asked.agency_code
        elif asked.profile is CertificateProfile.SEAL:
            cert = _certs.make_seal_certificate(
                self.issuer,
                request.public_key,
                node_name=asked.name,
                validity=validity,
                locations=self._locations(None),
            )
            stem = f"{asked.name}-seal"
        else:
            cert = _certs.make_node_certificate(
                self.issuer,
                request.public_key,
                node_name=asked.name,
                validity=validity,
                dns_names=asked.dns_names,
                ip_addresses=asked.ip_addresses,
                locations=self._locations(None),
            )
            stem = asked.name
        if name is None and (self.home / "certs" / f"{stem}.pem").exists():
            stem = f"{stem}-{cert.serial_number:x}"[:64]  # a renewal: the earlier one stays
        stem = name or stem
        if not _NAME.match(stem):
            raise PkiError(msg("trust-pki-file-name-invalid", name=stem))
        path = self.home / "certs" / f"{stem}.pem"
        if path.exists():
            raise PkiError(msg("trust-pki-certificate-exists", name=stem))
        with private_files():
            path.write_bytes(certificate_pem(cert))
        return cert, path

    def _store(self, name: str, cert: x509.Certificate, key: rsa.RSAPrivateKey) -> IssuedCertificate:
        if not _NAME.match(name):
            raise PkiError(msg("trust-pki-file-name-invalid", name=name))
        if (self.home / "certs" / f"{name}.pem").exists():
            raise PkiError(msg("trust-pki-certificate-exists", name=name))
        cert_path, key_path = _write_pair(self.home / "certs", name, cert, key)
        return IssuedCertificate(name, cert, cert_path, key_path)

    def issued(self, name: str) -> IssuedCertificate:
        """A certificate issued earlier, by file name."""
        cert_path = self.home / "certs" / f"{name}.pem"
        if not _NAME.match(name) or not cert_path.is_file():
            raise PkiError(msg("trust-pki-certificate-unknown", name=name))
        return IssuedCertificate(
            name, load_certificate(cert_path), cert_path, self.home / "certs" / f"{name}.key.pem"
        )

    # -- revocation ---------------------------------------------------------------------------

    def revoke(
        self,
        serial: int,
        *,
        at: datetime,
        reason: x509.ReasonFlags = x509.ReasonFlags.unspecified,
    ) -> RevokedEntry:
        """Record that the issuing CA revokes ``serial`` from ``at``; publish with ``write_crl``."""
        entries = self.revoked()
        if any(e.serial == serial for e in entries):
            raise PkiError(msg("trust-pki-already-revoked", serial=format(serial, "x")))
        entry = RevokedEntry(serial, aware(at), reason)
        entries.append(entry)
        rows = [
            {"serial": f"{e.serial:x}", "revoked_at": e.revoked_at.isoformat(), "reason": e.reason.value}
            for e in entries
        ]
        (self.home / "revoked.json").write_text(json.dumps(rows, indent=2) + "\n")
        return entry

    def revoked(self) -> list[RevokedEntry]:
        """Everything the issuing CA has revoked, read from the home each time (the OCSP
        responder relies on seeing a revocation as soon as it is recorded)."""
        rows = json.loads((self.home / "revoked.json").read_text())
        return [
            RevokedEntry(
                int(row["serial"], 16),
                datetime.fromisoformat(row["revoked_at"]),
                x509.ReasonFlags(row["reason"]),
            )
            for row in rows
        ]

    def write_crl(self, *, at: datetime, next_update: timedelta = timedelta(days=7)) -> Path:
        """Sign fresh CRLs of the issuing CA and of the root, and write both to ``crl.pem``."""
        settings = self._settings()
        number = int(settings.get("crl_number", 0)) + 1
        issuing_crl = _certs.make_crl(
            self.issuer, self.revoked(), this_update=at, next_update=next_update, number=number
        )
        root_issuer = Issuer(self.root, load_private_key(self.home / "root.key.pem"))
        root_crl = _certs.make_crl(root_issuer, (), this_update=at, next_update=next_update, number=number)
        self.crl_path.write_bytes(
            issuing_crl.public_bytes(Encoding.PEM) + root_crl.public_bytes(Encoding.PEM)
        )
        settings["crl_number"] = number
        (self.home / "pki.json").write_text(json.dumps(settings, indent=2) + "\n")
        return self.crl_path


def _write_pair(
    directory: Path, stem: str, cert: x509.Certificate, key: rsa.RSAPrivateKey
) -> tuple[Path, Path]:
    cert_path = directory / f"{stem}.pem"
    key_path = directory / f"{stem}.key.pem"
    with private_files():
        write_private(key_path, key_pem(key))
        cert_path.write_bytes(certificate_pem(cert))
    return cert_path, key_path
