"""Network plumbing shared by the directory and the nodes: mutual-TLS contexts, serving, and
errors answered as JSON problems, bodies refused before they are read."""

from lienthong.net._bodies import BodyCheck, BodyGuard, BodyRule, BodyTooLarge, KiB, MiB
from lienthong.net._headers import SecurityHeaders
from lienthong.net._peer import capture_peer_certificates, peer_certificate
from lienthong.net._problems import (
    ProblemAnswer,
    ProblemTable,
    install_problem_handlers,
    problem,
    problem_answer,
    problem_data,
    request_language,
    status_of,
)
from lienthong.net._server import Listening, ServerThread, bind, serve_forever, serve_in_thread
from lienthong.net._sessions import (
    MemorySessions,
    Session,
    SessionBackend,
    SessionStore,
    same_token,
    session_key,
)
from lienthong.net._tls import client_context, reload_certificate, server_context
from lienthong.net._webhooks import (
    EVENT_ID_HEADER,
    EVENT_TYPE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    TOLERANCE,
    sign_webhook,
    webhook_problem,
)

__all__ = [
    "EVENT_ID_HEADER",
    "EVENT_TYPE_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "TOLERANCE",
    "BodyCheck",
    "BodyGuard",
    "BodyRule",
    "BodyTooLarge",
    "KiB",
    "Listening",
    "MemorySessions",
    "MiB",
    "ProblemAnswer",
    "ProblemTable",
    "SecurityHeaders",
    "ServerThread",
    "Session",
    "SessionBackend",
    "SessionStore",
    "bind",
    "capture_peer_certificates",
    "client_context",
    "install_problem_handlers",
    "peer_certificate",
    "problem",
    "problem_answer",
    "problem_data",
    "reload_certificate",
    "request_language",
    "same_token",
    "serve_forever",
    "serve_in_thread",
    "server_context",
    "session_key",
    "sign_webhook",
    "status_of",
    "webhook_problem",
]
