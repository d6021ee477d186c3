"""TLS contexts for the network, server and client, built in one place from explicit inputs.

Every connection between lienthong services is mutual TLS: the server presents its certificate
and asks for the client's; both chain to the network's anchors. No other module imports ``ssl``.
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509

__all__ = ["client_context", "reload_certificate", "server_context"]

_CIPHERS = "ECDHE+AESGCM:ECDHE+CHACHA20"


def _base(purpose: ssl.Purpose, anchors: Path | None) -> ssl.SSLContext:
    context = ssl.create_default_context(purpose, cafile=str(anchors) if anchors else None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers(_CIPHERS)  # forward secrecy and AEAD only (TLS 1.3 suites are fixed)
    return context


def server_context(
    *,
    certificate: Path,
    key: Path,
    client_anchors: Path | None,
    require_client_certificate: bool = True,
    http2: bool = True,
) -> ssl.SSLContext:
    """A server context presenting ``certificate``; clients must chain to ``client_anchors``.

    ``require_client_certificate=False`` (with anchors) makes client certificates optional, for
    endpoints also used by software that has none (a directory's public configuration).
    """
    context = _base(ssl.Purpose.CLIENT_AUTH, client_anchors)
    context.load_cert_chain(str(certificate), str(key))
    if client_anchors is not None:
        context.verify_mode = ssl.CERT_REQUIRED if require_client_certificate else ssl.CERT_OPTIONAL
    else:
        context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["h2", "http/1.1"] if http2 else ["http/1.1"])
    return context


def client_context(
    *,
    anchors: Path,
    certificate: Path | None = None,
    key: Path | None = None,
    http2: bool = True,
) -> ssl.SSLContext:
    """A client context trusting only ``anchors`` and presenting ``certificate`` when given."""
    context = _base(ssl.Purpose.SERVER_AUTH, anchors)
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    if certificate is not None:
        context.load_cert_chain(str(certificate), str(key) if key else None)
    context.set_alpn_protocols(["h2", "http/1.1"] if http2 else ["http/1.1"])
    return context


def reload_certificate(contexts: Sequence[ssl.SSLContext], *, certificate: Path, key: Path) -> int:
    """Present ``certificate`` (a full chain) with ``key`` from now on in every live ``contexts``;
    returns the new certificate's serial number.

    Only new handshakes see it: connections already open keep the certificate they were made
    with, so nothing in flight is dropped. The pair is first loaded into a scratch context,
    because a failing ``load_cert_chain`` can leave a live context half-changed (a certificate
    without its key): a missing file or a key that is not the certificate's raises ``OSError``
    (``ssl.SSLError`` is one) and the contexts keep what they had.
    """
    ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(str(certificate), str(key))
    serial = x509.load_pem_x509_certificate(certificate.read_bytes()).serial_number
    for context in contexts:
        context.load_cert_chain(str(certificate), str(key))
    return serial
