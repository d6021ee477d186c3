"""One way to name a private key: a PEM file's path or an RFC 7512 PKCS#11 URI.

``pkcs11:token=T;object=O;pin-source=file:/run/pin`` names a key in a token (``id=%01%02`` or
``id=0102`` instead of ``object=``); attributes may also sit in the query part
(``pkcs11:token=T;object=O?pin-source=…&module-path=…``), as RFC 7512 places them.

The PIN comes from ``pin-source=file:PATH`` (a file only its owner may read) or
``pin-source=env:NAME`` (an environment variable), else from ``LIENTHONG_PKCS11_PIN``.
``pin-value=`` is refused: a key name is given on command lines and in ``node.json``, and a
command line is readable by every local user (``ps``, ``/proc/PID/cmdline``) and kept in shell
history, so a PIN written in it is a PIN published.

The module is ``module-path=`` or ``LIENTHONG_PKCS11_MODULE``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote_to_bytes

from lienthong._i18n import msg
from lienthong.trust._errors import KeyLoadError
from lienthong.trust._modes import check_private
from lienthong.trust._pem import load_certificate, load_certificates
from lienthong.trust._pkcs11 import Pkcs11Signer
from lienthong.trust._signer import KeySigner, Signer

SCHEME = "pkcs11:"
#: Environment variable naming the PKCS#11 module when the URI does not.
MODULE_VARIABLE = "LIENTHONG_PKCS11_MODULE"
#: Environment variable holding the PIN when the URI names no ``pin-source``.
PIN_VARIABLE = "LIENTHONG_PKCS11_PIN"

#: Attributes understood; any other is refused rather than ignored (a typo would pick a wrong key).
_KNOWN = frozenset(
    {
        "token",
        "object",
        "id",
        "type",
        "pin-source",
        "pin-value",
        "module-path",
        "serial",
        "manufacturer",
        "model",
        "slot-id",
    }
)


@dataclass(frozen=True)
class Pkcs11Uri:
    """A key in a token, as an RFC 7512 URI names it (values percent-decoded)."""

    token: str | None = None
    object: str | None = None
    id: bytes | None = None
    serial: str | None = None
    pin_source: str | None = None
    module_path: str | None = None

    def module(self, environ: Mapping[str, str]) -> str:
        """The module to load: ``module-path=`` or ``LIENTHONG_PKCS11_MODULE``."""
        path = self.module_path or environ.get(MODULE_VARIABLE)
        if not path:
            raise KeyLoadError(msg("trust-pkcs11-module-unnamed", variable=MODULE_VARIABLE))
        if not Path(path).is_file():
            raise KeyLoadError(msg("trust-pkcs11-module-missing", path=path), path=path)
        return path

    def pin(self, environ: Mapping[str, str]) -> str:
        """The user PIN, from ``pin-source`` or ``LIENTHONG_PKCS11_PIN``."""
        source = self.pin_source
        if source is None:
            if PIN_VARIABLE not in environ:
                raise KeyLoadError(msg("trust-pkcs11-pin-missing", variable=PIN_VARIABLE))
            return environ[PIN_VARIABLE]
        if source.startswith("env:"):
            name = source[len("env:") :]
            if name not in environ:
                raise KeyLoadError(msg("trust-pkcs11-pin-variable-unset", variable=name))
            return environ[name]
        path = Path(source[len("file:") :] if source.startswith("file:") else source)
        try:
            check_private([path])
            text = path.read_text("utf-8")
        except OSError as exc:
            raise KeyLoadError(msg("trust-pkcs11-pin-unreadable", path=str(path)), path=str(path)) from exc
        return text.rstrip("\r\n")


def is_pkcs11_uri(key: str | os.PathLike[str]) -> bool:
    """Whether ``key`` names a token key rather than a file."""
    return isinstance(key, str) and key[: len(SCHEME)].lower() == SCHEME


def parse_pkcs11_uri(text: str) -> Pkcs11Uri:
    """The attributes of a ``pkcs11:`` URI; ``KeyLoadError`` on one it cannot use."""
    if not is_pkcs11_uri(text):
        raise KeyLoadError(msg("trust-pkcs11-uri-invalid", attribute=SCHEME))
    path, _, query = text[len(SCHEME) :].partition("?")
    values: dict[str, bytes] = {}
    for part in [p for p in path.split(";") if p] + [q for q in query.split("&") if q]:
        name, equals, value = part.partition("=")
        name = name.strip().lower()
        if not equals or name not in _KNOWN or name in values:
            raise KeyLoadError(msg("trust-pkcs11-uri-invalid", attribute=name or part))
        values[name] = unquote_to_bytes(value)
    if "pin-value" in values:
        raise KeyLoadError(msg("trust-pkcs11-pin-value-refused"))
    if "object" not in values and "id" not in values:
        raise KeyLoadError(msg("trust-pkcs11-uri-no-object"))
    if values.get("type", b"private") != b"private":
        raise KeyLoadError(msg("trust-pkcs11-uri-invalid", attribute="type"))

    def text_of(name: str) -> str | None:
        raw = values.get(name)
        return None if raw is None else raw.decode("utf-8", "replace")

    return Pkcs11Uri(
        token=text_of("token"),
        object=text_of("object"),
        id=_id(values["id"]) if "id" in values else None,
        serial=text_of("serial"),
        pin_source=text_of("pin-source"),
        module_path=text_of("module-path"),
    )


def _id(raw: bytes) -> bytes:
    # RFC 7512 writes id= as percent-encoded bytes (%01%02); pkcs11-tool users write hex (0102).
    text = raw.decode("ascii", "replace")
    if raw and len(raw) % 2 == 0 and all(c in "0123456789abcdefABCDEF" for c in text):
        return bytes.fromhex(text)
    return raw


def load_signer(
    key: str | os.PathLike[str],
    cert: str | os.PathLike[str],
    chain: Sequence[str | os.PathLike[str]] = (),
    *,
    password: bytes | None = None,
    environ: Mapping[str, str] | None = None,
) -> Signer:
    """The signer ``key`` names (a PEM path or a ``pkcs11:`` URI), with its certificate and chain.

    Made once per process: a token signer keeps its sessions open until ``close()`` (or exit).
    """
    if not is_pkcs11_uri(key):
        return KeySigner.load(key, cert, chain, password=password)
    uri = parse_pkcs11_uri(str(key))
    certificates = [c for path in chain for c in load_certificates(path)]
    return Pkcs11Signer.open(
        uri, load_certificate(cert), certificates, environ=os.environ if environ is None else environ
    )
