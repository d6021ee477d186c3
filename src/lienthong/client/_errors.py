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

from lienthong import _i18n
from lienthong._i18n import Language, Message
from lienthong.errors import LienthongError


def known(message: Message | str, language: Language) -> bool:
    """Whether this SDK's catalogue has a text for ``message`` (and every message within it) in
    ``language``: a newer node's code it lacks is better shown in the node's own words."""
    if isinstance(message, str):
        return True
    texts = _i18n.catalogue(language)
    return message.code in texts and all(
        known(value, language) for value in message.params.values() if isinstance(value, Message)
    )


class ClientError(LienthongError):
    """Raised when the node's API cannot do what was asked."""

    code = "client-error"


class ApiRefused(ClientError):
    """Raised when the node answers with an error body ``{"code", "message"}``; never retried.

    When the body also holds the message as data (``message_code`` and ``params``), ``message``
    is that ``Message``, rendered here in the language asked for; ``text`` is the node's own
    sentence, shown instead for a code this SDK does not know."""

    def __init__(self, message: Message | str, *, status: int, code: str, text: str | None = None) -> None:
        super().__init__(message, code=code)
        #: The HTTP status of the answer.
        self.status = status
        #: The sentence the node wrote (in the language it was asked for), if it sent one.
        self.text = text

    def render(self, language: Language) -> str:
        if self.text is not None and not known(self.message, language):
            return self.text
        return super().render(language)


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
