"""Who signs: one abstract ``Signer`` with a single raw-signing method, and a file-key signer.

A key held in a file, a PKCS#11 token (``trust/_pkcs11.py``) or a remote signing service are all
subclasses; package XML-DSig, PAdES, receipts, log heads, the directory's configuration and the
statistics reports only ever call ``sign_raw`` and ask ``key_type``. Keys are loaded once, when
the signer is made, never per signature (loading an RSA key costs tens of milliseconds).

Signature encodings are the ones X.509 and CMS use, so a caller never asks where the key is:
RSA is RSASSA-PKCS1-v1_5, ECDSA is DER ``SEQUENCE {r, s}`` (XML-DSig wants raw ``r || s``:
``ecdsa_raw`` converts), Ed25519 is its 64 bytes (the hash argument is ignored: Ed25519 hashes
itself).
"""

from __future__ import annotations

import abc
import enum
import os
from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from lienthong._i18n import msg
from lienthong.trust._errors import KeyLoadError
from lienthong.trust._pem import load_certificate, load_certificates, load_signing_key

#: A private key this process may hold itself.
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
#: The public half, as a certificate carries it.
PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey

#: RSA keys shorter than this are refused (NIST SP 800-131A).
MIN_RSA_BITS = 2048


class KeyType(enum.StrEnum):
    """The kind of key behind a signer: callers choose algorithm identifiers from it."""

    RSA = "rsa"
    #: ECDSA on P-256 (secp256r1), the curve every token and CA supports.
    EC_P256 = "ec-p256"
    #: Ed25519: only as a file key (few tokens hold one; python-pkcs11 cannot name the mechanism).
    ED25519 = "ed25519"


def key_type_of(public: object) -> KeyType:
    """The ``KeyType`` of a public key, or ``KeyLoadError`` when the network does not sign with it."""
    if isinstance(public, rsa.RSAPublicKey) and public.key_size >= MIN_RSA_BITS:
        return KeyType.RSA
    if isinstance(public, ec.EllipticCurvePublicKey) and isinstance(public.curve, ec.SECP256R1):
        return KeyType.EC_P256
    if isinstance(public, ed25519.Ed25519PublicKey):
        return KeyType.ED25519
    raise KeyLoadError(msg("trust-key-type-unsupported"))


def ecdsa_raw(der: bytes, key_size: int = 256) -> bytes:
    """A DER ECDSA signature as XML-DSig and JWS carry it: ``r || s``, each ``key_size`` bits."""
    r, s = decode_dss_signature(der)
    width = (key_size + 7) // 8
    return r.to_bytes(width, "big") + s.to_bytes(width, "big")


class Signer(abc.ABC):
    """A signing key and its certificate chain, wherever the key lives."""

    def __init__(self, certificate: x509.Certificate, chain: Sequence[x509.Certificate] = ()) -> None:
        public = certificate.public_key()
        #: What kind of key signs (RSA, ECDSA P-256, Ed25519).
        self.key_type: KeyType = key_type_of(public)
        #: The signer's own certificate.
        self.certificate = certificate
        #: Intermediate (and optionally root) certificates sent beside it, leaf excluded.
        self.chain: tuple[x509.Certificate, ...] = tuple(c for c in chain if c != certificate)
        #: Size of the key in bits (an RSA signature is this many bits long).
        self.key_size: int = (
            public.key_size if isinstance(public, rsa.RSAPublicKey | ec.EllipticCurvePublicKey) else 256
        )

    @property
    def public_key(self) -> PublicKey:
        """The certificate's public key (checked to be one ``KeyType`` names)."""
        public = self.certificate.public_key()
        assert isinstance(public, rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey)
        return public

    @property
    def max_signature_size(self) -> int:
        """Longest signature ``sign_raw`` returns, in bytes (for placeholders reserved before signing)."""
        if self.key_type is KeyType.RSA:
            return self.key_size // 8
        if self.key_type is KeyType.EC_P256:
            return 72  # SEQUENCE { INTEGER r (≤ 33), INTEGER s (≤ 33) } with their headers
        return 64

    @abc.abstractmethod
    def sign_raw(self, data: bytes, algorithm: hashes.HashAlgorithm) -> bytes:
        """Signature of ``data`` hashed with ``algorithm``, encoded as the module docstring says."""

    def close(self) -> None:  # noqa: B027 - most signers hold nothing to release
        """Release what the key holds (a token session); the signer must not be used afterwards."""


class KeySigner(Signer):
    """A signer whose private key is held in this process (loaded from a PEM file)."""

    def __init__(
        self,
        key: PrivateKey,
        certificate: x509.Certificate,
        chain: Sequence[x509.Certificate] = (),
    ) -> None:
        super().__init__(certificate, chain)
        if not _same_public(key.public_key(), self.public_key):
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
        return cls(load_signing_key(key, password=password), load_certificate(cert), certificates)

    def sign_raw(self, data: bytes, algorithm: hashes.HashAlgorithm) -> bytes:
        key = self.private_key
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), algorithm)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(algorithm))
        return key.sign(data)


def _same_public(a: object, b: PublicKey) -> bool:
    if not isinstance(a, rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey):
        return False
    spki = Encoding.DER, PublicFormat.SubjectPublicKeyInfo
    return a.public_bytes(*spki) == b.public_bytes(*spki)
