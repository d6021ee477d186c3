"""Errors of the client SDK.

LienthongError
└── ClientError               the node's API could not do what was asked
    ├── ApiRefused            the node answered with an error (4xx, 5xx): ``status``, ``code``
    │   ├── RequestRejected       400: the request is malformed; fix it
    │   ├── NotAuthenticated      401: no token, or one the node does not know
    │   ├── NotPermitted          403: the token may not act for that agency code
    │   ├── NotFound              404: no such document, item, agency or webhook
    │   ├── Conflict              409: out of order (a status already sent, …)
    │   ├── TooLarge              413: over the node's upload limit
    │   └── Unprocessable         422: the package or code was refused
    ├── ApiUnavailable        no usable answer after the retries (connection, 502/503/504)
    │   └── TlsUntrusted          the node's TLS certificate is not trusted by the CA given
    └── WebhookInvalid        a webhook call not signed by the node (or too old to trust)
"""

from __future__ import annotations

from lienthong.errors import LienthongError


class ClientError(LienthongError):
    """Raised when the node's API cannot do what was asked."""

    code = "client-error"


class ApiRefused(ClientError):
    """Raised when the node answers with an error body ``{"code", "message"}``; never retried."""

    def __init__(self, message: str, *, status: int, code: str) -> None:
        super().__init__(message, code=code)
        #: The HTTP status of the answer.
        self.status = status


class RequestRejected(ApiRefused):
    """Raised on 400: the request is malformed (a bad id, a missing field)."""


class NotAuthenticated(ApiRefused):
    """Raised on 401: no bearer token, or one the node does not know."""


class NotPermitted(ApiRefused):
    """Raised on 403: the client may not act for the agency code concerned."""


class NotFound(ApiRefused):
    """Raised on 404: no such document, item, agency or webhook for this client."""


class Conflict(ApiRefused):
    """Raised on 409: the request breaks an order rule (a status already sent, …)."""


class TooLarge(ApiRefused):
    """Raised on 413: the upload exceeds the node's limit."""


class Unprocessable(ApiRefused):
    """Raised on 422: the package, code or recipient was refused (signature, schema, unknown code)."""


#: The class of a refusal, by HTTP status (others are plain ``ApiRefused``).
REFUSALS: dict[int, type[ApiRefused]] = {
    400: RequestRejected,
    401: NotAuthenticated,
    403: NotPermitted,
    404: NotFound,
    409: Conflict,
    413: TooLarge,
    422: Unprocessable,
}


class ApiUnavailable(ClientError):
    """Raised when the node could not be reached, or kept answering 502/503/504, after every retry
    (a write: at once when the node may have received it, see ``lienthong.client._retry``)."""

    code = "api-unavailable"


class TlsUntrusted(ApiUnavailable):
    """Raised when the node's TLS certificate does not chain to the CA the client trusts."""

    code = "tls-untrusted"


class WebhookInvalid(ClientError):
    """Raised by ``verify_webhook`` when a call's signature, timestamp or body is not acceptable."""

    code = "webhook-invalid"
