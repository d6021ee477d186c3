"""The PKI's online services as a real local HTTP server: OCSP (RFC 6960), time-stamps
(RFC 3161) and the CRL, for tests and demos.

One server on 127.0.0.1 and a free port (bound to port 0) answers
``POST /ocsp`` (application/ocsp-request), ``POST /tsa`` (application/timestamp-query) and
``GET /crl`` (the issuing CA's CRL, DER). Revocations recorded in the PKI home are seen by the
responder at once. Responses are built with ``cryptography``'s OCSP builder and certomancer's
``TimeStamper``.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from certomancer.services import TimeStamper
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import ocsp

from lienthong._clock import Clock, utc_now
from lienthong.trust._pem import load_certificates
from lienthong.trust._pki import Pki

_MAX_REQUEST = 64 * 1024


@dataclass(frozen=True)
class OcspResponder:
    """Answers OCSP requests about certificates of the issuing CA from the PKI home."""

    pki: Pki
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey
    clock: Clock = utc_now
    validity: timedelta = timedelta(minutes=10)

    def respond(self, request_der: bytes) -> bytes:
        try:
            request = ocsp.load_der_ocsp_request(request_der)
        except ValueError:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.MALFORMED_REQUEST
            ).public_bytes(serialization.Encoding.DER)
        issuing = self.pki.issuing
        algorithm = request.hash_algorithm
        name_hash = hashes.Hash(algorithm)
        name_hash.update(issuing.subject.public_bytes())
        key_bits = (
            asn1_x509.Certificate.load(issuing.public_bytes(serialization.Encoding.DER))
            .public_key["public_key"]
            .contents
        )
        key_hash = hashlib.new(algorithm.name, key_bits[1:]).digest()
        if request.issuer_name_hash != name_hash.finalize() or request.issuer_key_hash != key_hash:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED
            ).public_bytes(serialization.Encoding.DER)
        now = self.clock()
        revoked = {e.serial: e for e in self.pki.revoked()}
        entry = revoked.get(request.serial_number)
        if entry is not None and entry.revoked_at <= now:
            status = ocsp.OCSPCertStatus.REVOKED
        elif request.serial_number in self._issued_serials():
            status, entry = ocsp.OCSPCertStatus.GOOD, None
        else:
            status, entry = ocsp.OCSPCertStatus.UNKNOWN, None
        builder = (
            ocsp.OCSPResponseBuilder()
            .add_response_by_hash(
                issuer_name_hash=request.issuer_name_hash,
                issuer_key_hash=request.issuer_key_hash,
                serial_number=request.serial_number,
                algorithm=algorithm,
                cert_status=status,
                this_update=now,
                next_update=now + self.validity,
                revocation_time=entry.revoked_at if entry else None,
                revocation_reason=entry.reason if entry else None,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, self.certificate)
            .certificates([self.certificate])
        )
        for ext in request.extensions:
            if isinstance(ext.value, x509.OCSPNonce):
                builder = builder.add_extension(ext.value, critical=False)
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def _issued_serials(self) -> set[int]:
        serials = {self.pki.issuing.serial_number}
        for path in (self.pki.home / "certs").glob("*.pem"):
            if not path.name.endswith(".key.pem"):
                serials.update(c.serial_number for c in load_certificates(path))
        for stem in ("tsa", "ocsp"):
            serials.update(c.serial_number for c in load_certificates(self.pki.home / f"{stem}.pem"))
        return serials


@dataclass(frozen=True)
class TimeStampAuthority:
    """Answers RFC 3161 time-stamp requests with the PKI's TSA key."""

    certificate: asn1_x509.Certificate
    key: asn1_keys.PrivateKeyInfo
    chain: tuple[asn1_x509.Certificate, ...]
    clock: Clock = utc_now

    def respond(self, request_der: bytes) -> bytes:
        request = tsp.TimeStampReq.load(request_der)
        stamper = TimeStamper(
            tsa_cert=self.certificate,
            tsa_key=self.key,
            certs_to_embed=list(self.chain),
            fixed_dt=self.clock(),
        )
        response: bytes = stamper.request_tsa_response(request).dump()
        return response


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass  # tests and demos do not want a line per request on stderr

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > _MAX_REQUEST:
            self._send(400, "text/plain", b"bad length")
            return
        body = self.rfile.read(length)
        try:
            if self.path == "/ocsp":
                self._send(200, "application/ocsp-response", self.server.ocsp.respond(body))
            elif self.path == "/tsa":
                self._send(200, "application/timestamp-reply", self.server.tsa.respond(body))
            else:
                self._send(404, "text/plain", b"not found")
        except ValueError:
            self._send(400, "text/plain", b"malformed request")

    def do_GET(self) -> None:
        if self.path != "/crl":
            self._send(404, "text/plain", b"not found")
            return
        crl = x509.load_pem_x509_crl(self.server.pki.crl_path.read_bytes())
        self._send(200, "application/pkix-crl", crl.public_bytes(serialization.Encoding.DER))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    ocsp: OcspResponder
    tsa: TimeStampAuthority
    pki: Pki


@dataclass(frozen=True)
class PkiServices:
    """A running OCSP/TSA/CRL server; its URLs point at 127.0.0.1 and its own port."""

    base_url: str

    @property
    def ocsp_url(self) -> str:
        return f"{self.base_url}/ocsp"

    @property
    def tsa_url(self) -> str:
        return f"{self.base_url}/tsa"

    @property
    def crl_url(self) -> str:
        return f"{self.base_url}/crl"


@contextmanager
def serve_pki(pki: Pki, *, clock: Clock = utc_now, port: int = 0) -> Iterator[PkiServices]:
    """Run the PKI's OCSP responder, TSA and CRL download on 127.0.0.1 until the block ends."""
    ocsp_cert, ocsp_key = pki.service("ocsp")
    tsa_cert, tsa_key = pki.service("tsa")
    tsa_key_info = asn1_keys.PrivateKeyInfo.load(
        tsa_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = _Server(("127.0.0.1", port), _Handler)
    server.pki = pki
    server.ocsp = OcspResponder(pki, ocsp_cert, ocsp_key, clock=clock)
    server.tsa = TimeStampAuthority(
        _asn1_cert(tsa_cert),
        tsa_key_info,
        (_asn1_cert(pki.issuing), _asn1_cert(pki.root)),
        clock=clock,
    )
    thread = threading.Thread(target=server.serve_forever, name="lienthong-pki", daemon=True)
    thread.start()
    try:
        host, bound = server.server_address[:2]
        yield PkiServices(f"http://{host!s}:{bound}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
