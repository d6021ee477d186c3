"""Errors of the trust package, as subclasses of the project's tree in ``lienthong.errors``.

    LienthongError
    ├── TrustError                 keys, certificates or the PKI cannot be used as asked
    │   ├── KeyLoadError           a key, certificate or CRL file cannot be read
    │   ├── PkiError               a PKI home is missing, incomplete, or an operation is refused
    │   └── PdfSigningError        a PDF cannot be signed or is not a PDF
    └── PackageRejected
        └── SignatureInvalid       a package signature is missing, broken or not trusted

They live here until the lead moves them into ``lienthong.errors``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lienthong.errors import LienthongError, PackageRejected

if TYPE_CHECKING:
    from lienthong.trust._report import VerificationReport

__all__ = ["KeyLoadError", "PdfSigningError", "PkiError", "SignatureInvalid", "TrustError"]


class TrustError(LienthongError):
    """Raised when keys, certificates or the PKI cannot be used as asked."""

    code = "trust-error"


class KeyLoadError(TrustError):
    """Raised when a private key, certificate or CRL file is missing or cannot be decoded."""

    code = "key-load"

    def __init__(self, message: str, *, path: str | None = None, code: str | None = None) -> None:
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

    Towards a peer this is one opaque rejection; ``report`` holds every fact for our own log.
    """

    code = "signature-invalid"

    def __init__(self, message: str, *, report: VerificationReport, code: str | None = None) -> None:
        super().__init__(message, element="Signature", code=code)
        #: The full verification report behind the rejection.
        self.report = report
