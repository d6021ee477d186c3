"""Network plumbing shared by the directory and the nodes: mutual-TLS contexts and serving."""

from lienthong.net._peer import capture_peer_certificates, peer_certificate
from lienthong.net._server import Listening, ServerThread, bind, serve_forever, serve_in_thread
from lienthong.net._tls import client_context, server_context

__all__ = [
    "Listening",
    "ServerThread",
    "bind",
    "capture_peer_certificates",
    "client_context",
    "peer_certificate",
    "serve_forever",
    "serve_in_thread",
    "server_context",
]
