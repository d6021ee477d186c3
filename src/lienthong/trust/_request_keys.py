"""The key a certificate request is made for, before any certificate exists: a PEM file or a
key in a PKCS#11 token, seen only as its public key and a raw-signing function.

``Signer`` (and ``Pkcs11Signer.open``) need a certificate to check the key against; a request
comes before one, so this opens the token the same way (``Pkcs11Uri``: module, token, PIN) and
keeps one session for the request's one signature. A token key the URI names but the token does
not hold is generated there (RSA ``REQUEST_KEY_SIZE``, private, sensitive, never extractable):
its private half never exists outside the token.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key
from pkcs11 import Attribute, ObjectClass
from pkcs11 import KeyType as P11KeyType
from pkcs11 import exceptions as p11_errors

from lienthong._i18n import msg
from lienthong.trust._csr import REQUEST_KEY_SIZE, RawSign
from lienthong.trust._errors import KeyLoadError, TrustError
from lienthong.trust._keyref import is_pkcs11_uri, parse_pkcs11_uri
from lienthong.trust._pem import load_private_key
from lienthong.trust._pkcs11 import _RSA_MECHANISMS, _module_lock, _names, _public_der, open_logged_in


@dataclass(frozen=True)
class RequestKey:
    """A key's public half and how to sign with it (RSASSA-PKCS1-v1_5)."""

    public_key: rsa.RSAPublicKey
    sign: RawSign
    #: True when the token had no such key and it was made there now.
    generated: bool = False


@contextlib.contextmanager
def open_request_key(
    key: str | os.PathLike[str], *, environ: Mapping[str, str] | None = None
) -> Iterator[RequestKey]:
    """The RSA key ``key`` names (PEM path or ``pkcs11:`` URI), open for the block's length."""
    if not is_pkcs11_uri(key):
        loaded = load_private_key(Path(key))
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise KeyLoadError(msg("trust-request-key-not-rsa"))
        private = loaded

        def sign_file(data: bytes, algorithm: hashes.HashAlgorithm) -> bytes:
            return private.sign(data, padding.PKCS1v15(), algorithm)

        yield RequestKey(private.public_key(), sign_file)
        return
    uri = parse_pkcs11_uri(str(key))
    env = os.environ if environ is None else environ
    module, pin = uri.module(env), uri.pin(env)
    try:
        with _module_lock(module):
            session = open_logged_in(module, uri, pin, rw=True)
    except p11_errors.PKCS11Error as exc:
        raise KeyLoadError(msg("trust-request-token-unusable", error=type(exc).__name__)) from exc
    try:
        with _module_lock(module):  # every call into the module holds its lock (``_pkcs11``)
            private, generated = _find_or_generate(session, uri)
            public = load_der_public_key(_public_der(session, private, uri))
        if not isinstance(public, rsa.RSAPublicKey):
            raise KeyLoadError(msg("trust-request-key-not-rsa"))

        def sign_token(data: bytes, algorithm: hashes.HashAlgorithm) -> bytes:
            mechanism = _RSA_MECHANISMS.get(algorithm.name)
            if mechanism is None:
                raise TrustError(msg("trust-pdf-digest-unsupported", algorithm=algorithm.name))
            try:
                with _module_lock(module):
                    return bytes(private.sign(data, mechanism=mechanism))
            except p11_errors.PKCS11Error as exc:
                raise TrustError(msg("trust-request-token-unusable", error=type(exc).__name__)) from exc

        yield RequestKey(public, sign_token, generated)
    finally:
        with _module_lock(module), contextlib.suppress(p11_errors.PKCS11Error):
            session.close()


def _find_or_generate(session: Any, uri: Any) -> tuple[Any, bool]:
    names = _names(uri)
    try:
        return session.get_key(object_class=ObjectClass.PRIVATE_KEY, **names), False
    except p11_errors.NoSuchKey:
        pass
    except p11_errors.MultipleObjectsReturned as exc:
        raise KeyLoadError(msg("trust-pkcs11-object-not-found", object=uri.object or "")) from exc
    if uri.object is None:  # a key made here is found again by its label
        raise KeyLoadError(msg("trust-pkcs11-object-not-found", object=(uri.id or b"").hex()))
    template = {Attribute.TOKEN: True, Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False}
    _public, private = session.generate_keypair(
        P11KeyType.RSA,
        REQUEST_KEY_SIZE,
        label=uri.object,
        id=uri.id or uri.object.encode(),
        store=True,
        private_template=template,
    )
    return private, True
