"""Asking an OCSP responder (RFC 6960) about one certificate, for answers kept with an archive.

The answer is kept as the responder sent it (DER) and judged later, offline, by the path
validator (``validate_chain`` with ``ocsp_responses``): its signature by the issuer or a
responder the issuer delegated to, the certificate it concerns, its times. Here it is only
checked to be a successful answer about the certificate asked, of bounded size.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Final

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID

from lienthong._clock import Clock, utc_now

__all__ = ["HttpOcspFetcher", "ocsp_urls"]

_log = logging.getLogger("lienthong.trust.ocsp")

#: A real answer is 1–4 KB (one response, maybe the responder's certificate).
MAX_ANSWER: Final = 64 * 1024


def _fresh(answer: bytes, now: datetime) -> bool:
    next_update = ocsp.load_der_ocsp_response(answer).next_update_utc
    return next_update is not None and now < next_update


def ocsp_urls(certificate: x509.Certificate) -> list[str]:
    """The OCSP responders ``certificate``'s Authority Information Access names, in order."""
    try:
        access = certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except x509.ExtensionNotFound:
        return []
    return [
        str(d.access_location.value)
        for d in access
        if d.access_method == AuthorityInformationAccessOID.OCSP
        and isinstance(d.access_location, x509.UniformResourceIdentifier)
    ]


class HttpOcspFetcher:
    """Asks the responders a certificate names (HTTP POST, ``application/ocsp-request``); the
    first successful answer about it, or None when it names none or none answers. One
    connection pool per instance; an answer is reused until its ``next_update`` (an archive of
    thousands of documents asks about the same few certificates)."""

    def __init__(
        self, *, timeout: float = 10.0, max_answer: int = MAX_ANSWER, clock: Clock = utc_now
    ) -> None:
        self._client = httpx.Client(timeout=timeout)
        self._max_answer = max_answer
        self._clock = clock
        self._answers: dict[tuple[bytes, bytes], bytes] = {}
        self._lock = threading.Lock()

    def __call__(self, certificate: x509.Certificate, issuer: x509.Certificate) -> bytes | None:
        key = (certificate.fingerprint(hashes.SHA256()), issuer.fingerprint(hashes.SHA256()))
        with self._lock:
            kept = self._answers.get(key)
        if kept is not None and _fresh(kept, self._clock()):
            return kept
        for url in ocsp_urls(certificate):
            answer = self._ask(url, certificate, issuer)
            if answer is not None:
                with self._lock:
                    self._answers[key] = answer
                return answer
        return None

    def _ask(self, url: str, certificate: x509.Certificate, issuer: x509.Certificate) -> bytes | None:
        request = ocsp.OCSPRequestBuilder().add_certificate(certificate, issuer, hashes.SHA256()).build()
        body = bytearray()
        try:
            with self._client.stream(
                "POST",
                url,
                content=request.public_bytes(Encoding.DER),
                headers={"content-type": "application/ocsp-request"},
            ) as response:
                if response.status_code != httpx.codes.OK:
                    _log.warning("OCSP responder %s answered HTTP %s", url, response.status_code)
                    return None
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self._max_answer:
                        _log.warning("OCSP responder %s answered more than %d bytes", url, self._max_answer)
                        return None
        except httpx.HTTPError as exc:
            _log.warning("OCSP responder %s unreachable: %s", url, exc)
            return None
        try:
            answer = ocsp.load_der_ocsp_response(bytes(body))
            if answer.response_status is not ocsp.OCSPResponseStatus.SUCCESSFUL:
                _log.warning("OCSP responder %s refused: %s", url, answer.response_status.name)
                return None
            if answer.serial_number != certificate.serial_number:
                _log.warning("OCSP responder %s answered about another certificate", url)
                return None
        except ValueError as exc:
            _log.warning("OCSP responder %s answered garbage: %s", url, exc)
            return None
        return bytes(body)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpOcspFetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
