"""Adapters that let libraries wanting a key object sign through any ``Signer``.

signxml asks for a ``cryptography`` private key and calls its ``sign``; pyHanko asks for a
``pyhanko.sign.signers.Signer`` and calls ``async_sign_raw``. A ``KeySigner`` hands signxml
its loaded key directly; any other signer (a token, a remote service) goes through these.
"""

from __future__ import annotations

from typing import Any, NoReturn

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding as padding_
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.utils import NoDigestInfo, Prehashed

from lienthong.trust._signer import KeySigner, Signer


class _SignerKey(rsa.RSAPrivateKey):
    """A private key whose only working operation is PKCS#1 v1.5 signing through a Signer."""

    def __init__(self, signer: Signer) -> None:
        self._signer = signer

    def sign(
        self,
        data: bytes,
        padding: padding_.AsymmetricPadding,
        algorithm: Prehashed | hashes.HashAlgorithm | NoDigestInfo,
    ) -> bytes:
        if not isinstance(padding, padding_.PKCS1v15) or isinstance(algorithm, Prehashed | NoDigestInfo):
            raise NotImplementedError("only PKCS#1 v1.5 over unhashed data")
        return self._signer.sign_raw(data, algorithm)

    @property
    def key_size(self) -> int:
        return self._signer.key_size

    def public_key(self) -> rsa.RSAPublicKey:
        public = self._signer.certificate.public_key()
        assert isinstance(public, rsa.RSAPublicKey)  # checked when the Signer was made
        return public

    def _unavailable(self, *_: Any) -> NoReturn:
        raise NotImplementedError("the private key is not available to this process")

    def decrypt(self, ciphertext: bytes, padding: padding_.AsymmetricPadding) -> bytes:
        del ciphertext, padding
        self._unavailable()

    def private_numbers(self) -> rsa.RSAPrivateNumbers:
        self._unavailable()

    def private_bytes(self, encoding: Any, format: Any, encryption_algorithm: Any) -> bytes:
        del encoding, format, encryption_algorithm
        self._unavailable()

    def __copy__(self) -> _SignerKey:
        return self

    def __deepcopy__(self, memo: dict[Any, Any]) -> _SignerKey:
        return self


def signing_key_for(signer: Signer) -> rsa.RSAPrivateKey:
    """A key object for signxml: the real key when it is in this process, else an adapter."""
    if isinstance(signer, KeySigner) and isinstance(signer.private_key, rsa.RSAPrivateKey):
        return signer.private_key
    return _SignerKey(signer)
