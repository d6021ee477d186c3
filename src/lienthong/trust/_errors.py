"""The trust package's errors; they are part of the one tree in ``lienthong.errors``.

TrustError
└── InsecureFileMode    a secret (key, database, token file) or its home is open to others
"""

from lienthong._i18n import Message
from lienthong.errors import KeyLoadError, PdfSigningError, PkiError, SignatureInvalid, TrustError

__all__ = [
    "InsecureFileMode",
    "KeyLoadError",
    "PdfSigningError",
    "PkiError",
    "SignatureInvalid",
    "TrustError",
]


class InsecureFileMode(TrustError):
    """Raised at start when group or others may use a file holding a secret, or its home."""

    code = "insecure-file-mode"

    def __init__(self, message: Message | str, *, path: str, mode: int) -> None:
        super().__init__(message)
        self.path = path
        #: The permission bits found (e.g. 0o644).
        self.mode = mode
