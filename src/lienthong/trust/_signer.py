"""Who signs: one abstract ``Signer`` with a single raw-signing method, and a file-key signer.

A key held in a file, a PKCS#11 token or a remote signing service are all subclasses; the
XML-DSig and PDF code only ever calls ``sign_raw``. Keys are loaded once, when the signer is
made, never per signature (loading an RSA key costs tens of milliseconds).
"""

from __future__ import annotations

import abc
import os
from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from lienthong._i18n import msg
from lienthong.trust._errors import KeyLoadError
from lienthong.trust._pem import load_certificate, load_certificates, load_private_key


class Signer(abc.ABC):
    """An RSA signing key and its certificate chain, wherever the key lives."""

    def __init__(self, certificate: x509.Certificate, chain: Sequence[x509.Certificate] = ()) -> None:
        public = certificate.public_key()
        if not isinstance(public, rsa.RSAPublicKey):
            raise KeyLoadError(msg("trust-certificate-not-rsa"))
        #: The signer's own certificate.
        self.certificate = certificate
        #: Intermediate (and optionally root) certificates sent beside it, leaf excluded.
        self.chain: tuple[x509.Certificate, ...] = tuple(c for c in chain if c != certificate)
        #: Size of the key in bits (a signature is this many bits long).
        self.key_size: int = public.key_size

    @abc.abstractmethod
    def sign_raw(self, data: bytes, algorithm: hashes.HashAlgorithm) -> bytes:
        """RSASSA-PKCS1-v1_5 signature of ``data`` hashed with ``algorithm``."""


class KeySigner(Signer):
    """A signer whose private key is held in this process (loaded from a PEM file)."""

    def __init__(
        self,
        key: rsa.RSAPrivateKey,
        certificate: x509.Certificate,
        chain: Sequence[x509.Certificate] = (),
    ) -> None:
        super().__init__(certificate, chain)
        if key.public_key().public_numbers() != self.certificate.public_key().public_numbers():  # type: ignore[union-attr]
            raise KeyLoadError(msg("trust-key-certificate-mismatch"))
        #: The loaded key, for libraries that need a key object (signxml, pyHanko).
        self.private_key = key

    @classmethod
    def load(
        cls,
        key: str | os.PathLike[str],
        cert: str | os.PathLike[str],
        chain: Sequence[str | os.PathLike[str]] = (),
        *,
        password: bytes | None = None,
    ) -> KeySigner:
        """Load a key, its certificate and chain certificates from PEM files (once per process)."""
        certificates = [c for path in chain for c in load_certificates(path)]
        return cls(load_private_key(key, password=password), load_certificate(cert), certificates)

    def sign_raw(self, data: bytes, algorithm: hashes.HashAlgorithm) -> bytes:
        return self.private_key.sign(data, padding.PKCS1v15(), algorithm)
