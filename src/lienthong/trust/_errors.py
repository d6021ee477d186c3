"""The trust package's errors; they are part of the one tree in ``lienthong.errors``."""

from lienthong.errors import KeyLoadError, PdfSigningError, PkiError, SignatureInvalid, TrustError

__all__ = ["KeyLoadError", "PdfSigningError", "PkiError", "SignatureInvalid", "TrustError"]
