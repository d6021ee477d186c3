"""Every error lienthong raises, in one tree shaped by what the caller does next.

    LienthongError
    ├── CodeError                 an identifier code is malformed, unknown where it must be known
    ├── RegistryDataError         a code registry data file cannot be loaded
    ├── StoreError                the database or the blob store failed      (leaves: lienthong.store)
    ├── DirectoryError            the directory cannot do or answer that     (leaves: lienthong.directory)
    ├── NodeError                 the node cannot work as asked              (leaves: lienthong.node)
    ├── DeliveryError             one delivery attempt failed: retry later   (leaves: lienthong.node)
    ├── EvidenceError             a receipt, log head or bundle is unusable  (leaves: lienthong.evidence)
    ├── TrustError                keys, certificates or the PKI cannot be used as asked
    │   ├── KeyLoadError          a key, certificate or CRL file cannot be read
    │   ├── PkiError              a PKI home is missing or incomplete, or an operation is refused
    │   └── PdfSigningError       a PDF cannot be signed, or is not a PDF
    └── PackageRejected           an edXML package cannot be accepted; never retry it as it is
        ├── UnsafeXML             DTD, entity, size or depth beyond the limits
        ├── MalformedXML          not well-formed XML: empty, truncated, not XML at all
        ├── SignatureInvalid      the package signature is missing, broken or not trusted
        ├── PackageRefused        a node refuses the package for good (lienthong.node)
        └── PackageInvalid        well-formed, but not a valid edXML package
            ├── SchemaInvalid     structure: wrong namespace, missing or malformed element
            └── SemanticInvalid   content: codes, manifest, attachments, dates, status codes

Each error carries data, not prose: ``code``, the problem's stable kind (an API's problem type),
and ``message``, a ``lienthong._i18n.Message`` (what happened, as a code and parameters), with
the element and line where known. The edge that shows it renders it in the language it was asked
for (``error.render("en")``); ``str(error)`` is the process's language, for logs.
"""

from __future__ import annotations

from typing import Any

from lienthong._i18n import Language, Message, language, msg, render

__all__ = [
    "CodeError",
    "DeliveryError",
    "DirectoryError",
    "EvidenceError",
    "KeyLoadError",
    "LienthongError",
    "MalformedXML",
    "NodeError",
    "PackageInvalid",
    "PackageRejected",
    "PdfSigningError",
    "PkiError",
    "RegistryDataError",
    "SchemaInvalid",
    "SemanticInvalid",
    "SignatureInvalid",
    "StoreError",
    "TrustError",
    "UnsafeXML",
    "message_of",
]


class LienthongError(Exception):
    """Root of every error raised by lienthong."""

    #: A short, stable identifier of the problem (``"dtd-forbidden"``), for APIs and tests.
    code: str = "error"

    def __init__(self, message: Message | str, *, code: str | None = None) -> None:
        super().__init__(message)
        #: What happened: a code and its parameters (plain text only where it came from outside).
        self.message = message
        if code is not None:
            self.code = code

    def render(self, language: Language) -> str:
        """The error as a person reads it, in ``language``."""
        return render(self.message, language)

    def __str__(self) -> str:
        return self.render(language())


def message_of(error: BaseException) -> Message | str:
    """What ``error`` says, as data where it is ours: a parameter for a message that wraps it."""
    if isinstance(error, LienthongError):
        return error.message
    return str(error) or type(error).__name__


class CodeError(LienthongError):
    """Raised when an agency identifier code is malformed (strict mode) or not acceptable."""

    code = "code-invalid"

    def __init__(self, message: Message | str, *, value: str, code: str | None = None) -> None:
        super().__init__(message, code=code)
        #: The text that was offered as a code.
        self.value = value


class RegistryDataError(LienthongError):
    """Raised when a data file of agency codes cannot be read (missing column, bad row)."""

    code = "registry-data"


class StoreError(LienthongError):
    """Raised when the database or the blob store fails; the leaves are in ``lienthong.store``."""

    code = "store-error"


class DirectoryError(LienthongError):
    """Raised when the directory cannot do or answer what was asked (``lienthong.directory``)."""

    code = "directory-error"


class NodeError(LienthongError):
    """Raised when a node itself cannot work as asked (missing home, key, configuration)."""

    code = "node-error"


class DeliveryError(LienthongError):
    """Raised when one delivery attempt fails in a way that may pass: retry later."""

    code = "delivery-error"


class EvidenceError(LienthongError):
    """Raised when a receipt, log head or evidence bundle cannot be read or trusted."""

    code = "evidence-error"


class PackageRejected(LienthongError):
    """Raised when an edXML package cannot be accepted. Resending the same bytes cannot help."""

    code = "package-rejected"

    def __init__(
        self,
        message: Message | str,
        *,
        element: str | None = None,
        line: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, code=code)
        #: Local name of the element concerned (``"From"``), when the problem has one.
        self.element = element
        #: Line in the package where the element starts, when the parser knows it.
        self.line = line

    def render(self, language: Language) -> str:
        where = []
        if self.element:
            where.append(self.element)
        if self.line:
            where.append(render(msg("at-line", line=self.line), language))
        text = render(self.message, language)
        return f"{text} [{', '.join(where)}]" if where else text


class UnsafeXML(PackageRejected):
    """Raised for a DTD, an entity declaration or reference, or input beyond size or depth."""

    code = "unsafe-xml"


class MalformedXML(PackageRejected):
    """Raised when the input is empty, truncated or not XML at all."""

    code = "malformed-xml"


class PackageInvalid(PackageRejected):
    """Raised when well-formed XML is not a valid edXML package."""

    code = "package-invalid"


class SchemaInvalid(PackageInvalid):
    """Raised for structure: wrong root or namespace, a missing required element, a bad value."""

    code = "schema-invalid"


class SemanticInvalid(PackageInvalid):
    """Raised for content the schema cannot see: codes, manifest and attachments, dates, status."""

    code = "semantic-invalid"


class TrustError(LienthongError):
    """Raised when keys, certificates or the PKI cannot be used as asked."""

    code = "trust-error"


class KeyLoadError(TrustError):
    """Raised when a private key, certificate or CRL file is missing or cannot be decoded."""

    code = "key-load"

    def __init__(self, message: Message | str, *, path: str | None = None, code: str | None = None) -> None:
        super().__init__(message, code=code)
        #: The file concerned, when the input came from a file.
        self.path = path


class PkiError(TrustError):
    """Raised when a PKI home directory is missing or incomplete, or an operation is refused."""

    code = "pki"


class PdfSigningError(TrustError):
    """Raised when a PDF cannot be read or signed."""

    code = "pdf-signing"


class SignatureInvalid(PackageRejected):
    """Raised by ``VerificationReport.raise_for_problem`` when a package signature is not acceptable.

    Towards a peer this is one opaque rejection; ``report`` (a ``lienthong.trust``
    ``VerificationReport``) holds every fact for our own log.
    """

    code = "signature-invalid"

    def __init__(self, message: Message | str, *, report: Any, code: str | None = None) -> None:
        super().__init__(message, element="Signature", code=code)
        #: The full verification report behind the rejection.
        self.report = report
