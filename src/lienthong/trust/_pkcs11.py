"""A ``Signer`` whose key stays in a PKCS#11 token (an HSM, a USB token, SoftHSM in tests).

Sessions: each signer opens one session when it is made (the first signer of a token logs in;
a login holds for every session of the process, PKCS#11 §5.6), finds its key once and keeps
both until ``close()`` or exit: nothing is opened, logged in or searched per signature.

Threads: python-pkcs11 initialises a module with ``C_Initialize(NULL)``, which tells it that
the process will not call it from several threads at once; SoftHSM then turns its own locking
off, and two signatures at the same moment fail (``CKR_GENERAL_ERROR``, seen in our tests with
a pool of sessions). So every call into one module holds that module's lock, and it is held
for exactly one call (one signature), never across a package or a request: other threads wait
at most one signature per signer ahead of them. Signers in different modules do not wait for
each other. A pool of sessions would buy nothing while the module is called one at a time.

Mechanisms: RSA is ``CKM_SHA256_RSA_PKCS`` (and its SHA-384/512 siblings), so the token hashes
and pads; ECDSA is ``CKM_ECDSA`` over a digest hashed here (tokens rarely offer
``CKM_ECDSA_SHA256``), and the token's raw ``r || s`` is returned as DER like a file key's.
Ed25519 in a token is not supported (python-pkcs11 has no ``CKM_EDDSA`` parameters): keep
Ed25519 keys in files.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import hmac
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

_SPKI = Encoding.DER, PublicFormat.SubjectPublicKeyInfo

_RSA_MECHANISMS: dict[str, Mechanism] = {
    "sha256": Mechanism.SHA256_RSA_PKCS,
    "sha384": Mechanism.SHA384_RSA_PKCS,
    "sha512": Mechanism.SHA512_RSA_PKCS,
}


class Pkcs11Signer(Signer):
    """A token key and its certificate; ``open`` logs in once, ``close`` (or exit) ends the session."""

    def __init__(
        self,
        session: Any,
        key: Any,
        lock: threading.Lock,
        label: str,
        certificate: x509.Certificate,
        chain: Sequence[x509.Certificate] = (),
    ) -> None:
        super().__init__(certificate, chain)
        if self.key_type is KeyType.ED25519:
            raise KeyLoadError(msg("trust-pkcs11-ed25519-unsupported"))
        self._session = session
        self._key = key
        self._lock = lock
        self._label = label
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
        lock = _module_lock(module)
        with lock:
            session, key = _open_session(module, uri, pin)
            try:
                if _public_der(session, key, uri) != certificate.public_key().public_bytes(*_SPKI):
                    raise KeyLoadError(msg("trust-key-certificate-mismatch"))
                return cls(session, key, lock, uri.object or (uri.id or b"").hex(), certificate, chain)
            except BaseException:
                session.close()
                raise

    def sign_raw(self, data: bytes, algorithm: hashes.HashAlgorithm) -> bytes:
        if self._closed:
            raise TrustError(msg("trust-pkcs11-closed", object=self._label))
        try:
            if self.key_type is KeyType.RSA:
                mechanism = _RSA_MECHANISMS.get(algorithm.name)
                if mechanism is None:
                    raise TrustError(msg("trust-pdf-digest-unsupported", algorithm=algorithm.name))
                with self._lock:
                    return bytes(self._key.sign(data, mechanism=mechanism))
            digest = hashes.Hash(algorithm)
            digest.update(data)
            with self._lock:
                raw = bytes(self._key.sign(digest.finalize(), mechanism=Mechanism.ECDSA))
            half = len(raw) // 2
            return encode_dss_signature(int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big"))
        except p11_errors.PKCS11Error as exc:
            raise TrustError(
                msg("trust-pkcs11-sign-failed", object=self._label, error=type(exc).__name__)
            ) from exc

    def close(self) -> None:
        """End the session (the process's last one on the token logs it out)."""
        if self._closed:
            return
        self._closed = True
        # A token removed or a module finalised has nothing left to release.
        with self._lock, contextlib.suppress(p11_errors.PKCS11Error):
            self._session.close()


def _open_session(module: str, uri: Pkcs11Uri, pin: str) -> tuple[Any, Any]:
    """A session logged in to ``uri``'s token and the private key it names (module lock held)."""
    session = open_logged_in(module, uri, pin)
    try:
        return session, _private_key(session, uri)
    except BaseException:
        session.close()
        raise


def open_logged_in(module: str, uri: Pkcs11Uri, pin: str, *, rw: bool = False) -> Any:
    """A session on ``uri``'s token, logged in with ``pin`` (call it holding the module's lock).

    A login belongs to the process, not the session: when another signer of this process is
    logged in already, the token cannot check ``pin`` again, so it is compared with that one's.
    """
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
        session = token.open(user_pin=pin, rw=rw)
    except (p11_errors.PinIncorrect, p11_errors.PinLenRange, p11_errors.ArgumentsBad) as exc:
        raise KeyLoadError(msg("trust-pkcs11-pin-incorrect", token=token_name)) from exc
    except (p11_errors.PinLocked, p11_errors.PinExpired) as exc:
        raise KeyLoadError(msg("trust-pkcs11-pin-locked", token=token_name)) from exc
    except p11_errors.UserAlreadyLoggedIn:
        if not _same_pin(module, token_name, pin):
            raise KeyLoadError(msg("trust-pkcs11-pin-incorrect", token=token_name)) from None
        session = token.open(rw=rw)
    _LOGINS[module, token_name] = _pin_digest(pin)
    return session


#: Module path → the lock every call into it holds (see the module docstring).
_MODULE_LOCKS: dict[str, threading.Lock] = {}
_MODULE_LOCKS_LOCK = threading.Lock()


def _module_lock(module: str) -> threading.Lock:
    with _MODULE_LOCKS_LOCK:
        return _MODULE_LOCKS.setdefault(module, threading.Lock())


#: (module, token) → digest of the PIN this process logged in with.
_LOGINS: dict[tuple[str, str], bytes] = {}


def _pin_digest(pin: str) -> bytes:
    return hashlib.sha256(pin.encode("utf-8")).digest()


def _same_pin(module: str, token: str, pin: str) -> bool:
    known = _LOGINS.get((module, token))
    # Logged in by other code (pyHanko's signer, say): nothing to compare with, the token decided.
    return known is None or hmac.compare_digest(known, _pin_digest(pin))


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
