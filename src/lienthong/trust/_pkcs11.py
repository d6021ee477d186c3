"""A ``Signer`` whose key stays in a PKCS#11 token (an HSM, a USB token, SoftHSM in tests).

Sessions: the first one logs in (a login holds for every session this process opens on the
token, PKCS#11 §5.6) and stays open for the signer's life; further ones are opened on demand
into a small pool (``POOL_SIZE``) and kept. A signature borrows one session, so the only wait
is for a free session, never for a node-wide lock, and no session is used by two threads at
once (PKCS#11 forbids concurrent operations on one session). The pool rather than a session per
thread: the node's threads come and go (thread pools, ``asyncio.to_thread``), and sessions
bound to them would leak in the token, which has a limit.

Mechanisms: RSA is ``CKM_SHA256_RSA_PKCS`` (and its SHA-384/512 siblings), so the token hashes
and pads; ECDSA is ``CKM_ECDSA`` over a digest hashed here (tokens rarely offer
``CKM_ECDSA_SHA256``), and the token's raw ``r || s`` is returned as DER like a file key's.
Ed25519 in a token is not supported (python-pkcs11 has no ``CKM_EDDSA`` parameters): keep
Ed25519 keys in files.
"""

from __future__ import annotations

import atexit
import contextlib
import queue
import threading
import weakref
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_der_public_key
from pkcs11 import Attribute, Mechanism, ObjectClass
from pkcs11 import KeyType as P11KeyType
from pkcs11 import exceptions as p11_errors
from pkcs11.util.ec import encode_ec_public_key

from lienthong._i18n import msg
from lienthong.trust._errors import KeyLoadError, TrustError
from lienthong.trust._signer import KeyType, Signer

if TYPE_CHECKING:
    from lienthong.trust._keyref import Pkcs11Uri

#: Sessions kept open per signer: enough for the node's signing threads, few for a token's limit.
POOL_SIZE = 4

_SPKI = Encoding.DER, PublicFormat.SubjectPublicKeyInfo

_RSA_MECHANISMS: dict[str, Mechanism] = {
    "sha256": Mechanism.SHA256_RSA_PKCS,
    "sha384": Mechanism.SHA384_RSA_PKCS,
    "sha512": Mechanism.SHA512_RSA_PKCS,
}


class Pkcs11Signer(Signer):
    """A token key and its certificate; ``open`` logs in once, ``close`` (or exit) logs out."""

    def __init__(
        self,
        token: Any,
        first: Any,
        label: str,
        certificate: x509.Certificate,
        chain: Sequence[x509.Certificate] = (),
    ) -> None:
        super().__init__(certificate, chain)
        if self.key_type is KeyType.ED25519:
            first.close()
            raise KeyLoadError(msg("trust-pkcs11-ed25519-unsupported"))
        self._token = token
        self._label = label
        self._lookup: dict[str, Any] = {}
        self._sessions: list[Any] = [first]
        # Idle (session, key handle) pairs: the key is found once per session, not per signature.
        self._idle: queue.SimpleQueue[tuple[Any, Any]] = queue.SimpleQueue()
        self._grow = threading.Lock()  # held only while opening one more session
        self._closed = False
        atexit.register(_close_at_exit, weakref.ref(self))

    @classmethod
    def open(
        cls,
        uri: Pkcs11Uri,
        certificate: x509.Certificate,
        chain: Sequence[x509.Certificate] = (),
        *,
        environ: Mapping[str, str],
    ) -> Pkcs11Signer:
        """Load the module, find the token, log in, find the key and check it matches ``certificate``."""
        module = uri.module(environ)
        pin = uri.pin(environ)
        try:
            library = pkcs11.lib(module)
        except p11_errors.PKCS11Error as exc:
            raise KeyLoadError(msg("trust-pkcs11-module-unloadable", path=module), path=module) from exc
        token_name = uri.token or uri.serial or ""
        try:
            token = library.get_token(
                **({"token_label": uri.token} if uri.token else {}),
                **({"token_serial": uri.serial.encode()} if uri.serial else {}),
            )
        except (p11_errors.NoSuchToken, p11_errors.MultipleTokensReturned, p11_errors.TokenNotPresent) as exc:
            raise KeyLoadError(msg("trust-pkcs11-token-not-found", token=token_name)) from exc
        try:
            session = token.open(user_pin=pin)
        except (p11_errors.PinIncorrect, p11_errors.PinLenRange, p11_errors.ArgumentsBad) as exc:
            raise KeyLoadError(msg("trust-pkcs11-pin-incorrect", token=token_name)) from exc
        except (p11_errors.PinLocked, p11_errors.PinExpired) as exc:
            raise KeyLoadError(msg("trust-pkcs11-pin-locked", token=token_name)) from exc
        except p11_errors.UserAlreadyLoggedIn:
            session = token.open()  # another signer in this process logged in to the same token
        label = uri.object or (uri.id or b"").hex()
        try:
            key = _private_key(session, uri)
            if _public_der(session, key, uri) != certificate.public_key().public_bytes(*_SPKI):
                raise KeyLoadError(msg("trust-key-certificate-mismatch"))
        except BaseException:
            session.close()
            raise
        signer = cls(token, session, label, certificate, chain)
        signer._lookup = {"object_class": ObjectClass.PRIVATE_KEY, **_names(uri)}
        signer._idle.put((session, key))
        return signer

    def sign_raw(self, data: bytes, algorithm: hashes.HashAlgorithm) -> bytes:
        if self._closed:
            raise TrustError(msg("trust-pkcs11-closed", object=self._label))
        pair = self._borrow()
        key = pair[1]
        try:
            if self.key_type is KeyType.RSA:
                mechanism = _RSA_MECHANISMS.get(algorithm.name)
                if mechanism is None:
                    raise TrustError(msg("trust-pdf-digest-unsupported", algorithm=algorithm.name))
                return bytes(key.sign(data, mechanism=mechanism))
            digest = hashes.Hash(algorithm)
            digest.update(data)
            raw = bytes(key.sign(digest.finalize(), mechanism=Mechanism.ECDSA))
            half = len(raw) // 2
            return encode_dss_signature(int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big"))
        except p11_errors.PKCS11Error as exc:
            raise TrustError(
                msg("trust-pkcs11-sign-failed", object=self._label, error=type(exc).__name__)
            ) from exc
        finally:
            self._idle.put(pair)

    def _borrow(self) -> tuple[Any, Any]:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._grow:
            if len(self._sessions) < POOL_SIZE:
                session = self._token.open()  # logged in already: the login is the process's
                self._sessions.append(session)
                return session, session.get_key(**self._lookup)
        return self._idle.get()

    def close(self) -> None:
        """Close every session (the last one closed logs the process out of the token)."""
        if self._closed:
            return
        self._closed = True
        for session in self._sessions:
            # A token removed or a module finalised has nothing left to release.
            with contextlib.suppress(p11_errors.PKCS11Error):
                session.close()


def _close_at_exit(ref: weakref.ReferenceType[Pkcs11Signer]) -> None:
    signer = ref()
    if signer is not None:
        signer.close()


def _names(uri: Pkcs11Uri) -> dict[str, Any]:
    names: dict[str, Any] = {}
    if uri.object is not None:
        names["label"] = uri.object
    if uri.id is not None:
        names["id"] = uri.id
    return names


def _private_key(session: Any, uri: Pkcs11Uri) -> Any:
    label = uri.object or (uri.id or b"").hex()
    try:
        return session.get_key(object_class=ObjectClass.PRIVATE_KEY, **_names(uri))
    except (p11_errors.NoSuchKey, p11_errors.MultipleObjectsReturned) as exc:
        raise KeyLoadError(msg("trust-pkcs11-object-not-found", object=label)) from exc


def _public_der(session: Any, private: Any, uri: Pkcs11Uri) -> bytes:
    """The key pair's public key as SubjectPublicKeyInfo, to compare with the certificate's."""
    try:
        public = session.get_key(object_class=ObjectClass.PUBLIC_KEY, **_names(uri))
    except (p11_errors.NoSuchKey, p11_errors.MultipleObjectsReturned):
        public = private  # some tokens keep no public object: the private one carries the values
    try:
        if private.key_type == P11KeyType.RSA:
            numbers = rsa.RSAPublicNumbers(
                int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
                int.from_bytes(public[Attribute.MODULUS], "big"),
            )
            return numbers.public_key().public_bytes(*_SPKI)
        if private.key_type == P11KeyType.EC:
            return load_der_public_key(encode_ec_public_key(public)).public_bytes(*_SPKI)
    except (p11_errors.PKCS11Error, KeyError, ValueError) as exc:
        raise KeyLoadError(msg("trust-key-certificate-mismatch")) from exc
    raise KeyLoadError(msg("trust-key-type-unsupported"))
