"""Network plumbing shared by the directory and the nodes: mutual-TLS contexts, serving, and
errors answered as JSON problems."""

from lienthong.net._peer import capture_peer_certificates, peer_certificate
from lienthong.net._problems import ProblemTable, install_problem_handlers, problem, status_of
from lienthong.net._server import Listening, ServerThread, bind, serve_forever, serve_in_thread
from lienthong.net._sessions import Session, SessionStore, same_token
from lienthong.net._tls import client_context, server_context

__all__ = [
    "Listening",
    "ProblemTable",
    "ServerThread",
    "Session",
    "SessionStore",
    "bind",
    "capture_peer_certificates",
    "client_context",
    "install_problem_handlers",
    "peer_certificate",
    "problem",
    "same_token",
    "serve_forever",
    "serve_in_thread",
    "server_context",
    "status_of",
]
